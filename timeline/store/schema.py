"""The tables: articles, their events (mentions), and the timeline entries built from them."""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

articles = sa.Table(
    "articles",
    metadata,
    sa.Column("id", sa.String(40), primary_key=True),
    sa.Column("title", sa.Text),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("url", sa.Text),
    sa.Column("file", sa.Text),
    sa.Column("outlet", sa.String(200), index=True),
    sa.Column("published", sa.Date),
    sa.Column("source", sa.String(200)),
    sa.Column("byline", sa.Text),
    sa.Column("ingested_at", sa.DateTime, nullable=False),
)

events = sa.Table(
    "events",
    metadata,
    sa.Column("id", sa.String(16), primary_key=True),
    sa.Column("article_id", sa.String(40), sa.ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
    sa.Column("type", sa.String(20), nullable=False),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("date_start", sa.Date),
    sa.Column("date_end", sa.Date),
    sa.Column("date_precision", sa.String(10), nullable=False),
    sa.Column("outlet", sa.String(200)),
    sa.Column("evidence", sa.Text, nullable=False),
    sa.Column("confidence", sa.Float, nullable=False),
    # date (or 0000-00-00 when undated) and id: a total order for keyset pagination
    sa.Column("sort_key", sa.String(40), nullable=False, unique=True),
    sa.Column("payload", sa.LargeBinary, nullable=False),
    sa.Column("entry_id", sa.String(16), index=True),
    sa.Index("ix_events_type_sort", "type", "sort_key"),
    sa.Index("ix_events_article", "article_id"),
)

entries = sa.Table(
    "entries",
    metadata,
    sa.Column("id", sa.String(16), primary_key=True),
    sa.Column("type", sa.String(20), nullable=False),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("date_start", sa.Date),
    sa.Column("date_end", sa.Date),
    sa.Column("date_precision", sa.String(10), nullable=False),
    sa.Column("year", sa.Integer),
    sa.Column("confidence", sa.Float, nullable=False),
    sa.Column("sort_key", sa.String(40), nullable=False, unique=True),
    sa.Column("search_text", sa.Text, nullable=False),
    sa.Column("payload", sa.LargeBinary, nullable=False),
    sa.Index("ix_entries_type_sort", "type", "sort_key"),
)

entry_actors = sa.Table(
    "entry_actors",
    metadata,
    sa.Column("entry_id", sa.String(16), sa.ForeignKey("entries.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("code", sa.String(12), primary_key=True),
    sa.Column("role", sa.String(10), primary_key=True),
    sa.Index("ix_entry_actors_code", "code", "role"),
)

entry_outlets = sa.Table(
    "entry_outlets",
    metadata,
    sa.Column("entry_id", sa.String(16), sa.ForeignKey("entries.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("outlet", sa.String(200), primary_key=True),
)

# Bumped on every write: part of every ETag, so a cached response is never stale.
store_meta = sa.Table(
    "store_meta",
    metadata,
    sa.Column("key", sa.String(40), primary_key=True),
    sa.Column("value", sa.Integer, nullable=False),
)


event_actors = sa.Table(
    "event_actors",
    metadata,
    sa.Column("event_id", sa.String(16), sa.ForeignKey("events.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("code", sa.String(12), primary_key=True),
    sa.Column("role", sa.String(10), primary_key=True),
    sa.Index("ix_event_actors_code", "code", "role"),
)
