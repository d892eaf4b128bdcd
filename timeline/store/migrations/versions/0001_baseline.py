"""Baseline: the schema ``metadata.create_all`` made before migrations (articles, events, entries).

Revision ID: 0001
Revises:
Create Date: 2026-11-24

Written out in full, not imported from ``schema.py``, so later edits to the metadata cannot change
what this revision builds. Includes the full-text index ``Store.create_schema`` made by hand: an
FTS5 table on SQLite, a GIN expression index on PostgreSQL.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "articles",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("title", sa.Text),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("url", sa.Text),
        sa.Column("file", sa.Text),
        sa.Column("outlet", sa.String(200)),
        sa.Column("published", sa.Date),
        sa.Column("source", sa.String(200)),
        sa.Column("byline", sa.Text),
        sa.Column("ingested_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_articles_outlet", "articles", ["outlet"])
    op.create_table(
        "entries",
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
    )
    op.create_index("ix_entries_type_sort", "entries", ["type", "sort_key"])
    op.create_table(
        "store_meta",
        sa.Column("key", sa.String(40), primary_key=True),
        sa.Column("value", sa.Integer, nullable=False),
    )
    op.create_table(
        "events",
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
        sa.Column("sort_key", sa.String(40), nullable=False, unique=True),
        sa.Column("payload", sa.LargeBinary, nullable=False),
        sa.Column("entry_id", sa.String(16)),
    )
    op.create_index("ix_events_entry_id", "events", ["entry_id"])
    op.create_index("ix_events_type_sort", "events", ["type", "sort_key"])
    op.create_index("ix_events_article", "events", ["article_id"])
    op.create_table(
        "entry_actors",
        sa.Column("entry_id", sa.String(16), sa.ForeignKey("entries.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("code", sa.String(12), primary_key=True),
        sa.Column("role", sa.String(10), primary_key=True),
    )
    op.create_index("ix_entry_actors_code", "entry_actors", ["code", "role"])
    op.create_table(
        "entry_outlets",
        sa.Column("entry_id", sa.String(16), sa.ForeignKey("entries.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("outlet", sa.String(200), primary_key=True),
    )
    op.create_table(
        "event_actors",
        sa.Column("event_id", sa.String(16), sa.ForeignKey("events.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("code", sa.String(12), primary_key=True),
        sa.Column("role", sa.String(10), primary_key=True),
    )
    op.create_index("ix_event_actors_code", "event_actors", ["code", "role"])
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute("CREATE VIRTUAL TABLE IF NOT EXISTS entries_fts USING fts5(entry_id UNINDEXED, body)")
    elif dialect == "postgresql":
        op.execute(
            "CREATE INDEX IF NOT EXISTS ix_entries_fts ON entries USING gin (to_tsvector('english', search_text))"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE IF EXISTS entries_fts")
    for table in ("event_actors", "entry_outlets", "entry_actors", "events", "store_meta", "entries", "articles"):
        op.drop_table(table)
