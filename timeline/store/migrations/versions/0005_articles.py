"""Smaller rows: article ids as bytes, days as ordinals, ingest times as integers, ranks and words as bytes.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25

SQLite only (PostgreSQL's columns keep their types, so nothing changes there): ``articles`` is made
again with its id as bytes (``HexId``: 20 for 40 hex digits), ``published`` as a day ordinal
(``Day``) and ``ingested_at`` as microseconds (``Stamp``); ``events`` is made again with
``article_id`` as bytes and its type, status and precision as one character each (``Word``), every
row keeping its rowid (the full-text index is keyed by it); the events' actors' roles likewise. The
``best`` rank of keys and entries becomes 14 bytes (``Rank``): those tables are made again empty and
refilled by a rebuild at the newest revision (``migrations.request_rebuild``).

Tables are renamed out of the way before the new ones are made, so that every foreign key follows
its table (SQLite rewrites the references on a rename) and no cascade ever reaches a new table:
dropping the old events would delete their actors, which wait aside meanwhile, as in 0004.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from alembic import op

from timeline.store.types import Day, HexId, Rank, Stamp

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

_HEX = frozenset("0123456789abcdef")
# ``types.Word``'s lists as they were when this revision wrote them
TYPES = ("veto", "visit", "phone_call", "expulsion", "recall")
STATUSES = ("occurred", "planned", "hypothetical", "denied")
PRECISIONS = ("day", "week", "month", "year", "unknown")
ROLES = ("agent", "target")


def _word(column: str, words: tuple[str, ...]) -> str:
    """SQL for a column's word as ``types.Word`` stores it on SQLite: its place in the list, as one digit."""
    cases = " ".join(f"WHEN '{w}' THEN '{i}'" for i, w in enumerate(words))
    return f"CASE {column} {cases} ELSE {column} END"


def _id(value: Any) -> Any:
    """An id as ``HexId`` stores it on SQLite."""
    if isinstance(value, str) and value and len(value) % 2 == 0 and _HEX.issuperset(value):
        return bytes.fromhex(value)
    return value


def _day(value: Any) -> Any:
    """A date stored as ISO text (as ``sa.Date`` writes it) as a day ordinal."""
    return dt.date.fromisoformat(value).toordinal() if isinstance(value, str) else value


def _stamp(value: Any) -> Any:
    """A moment stored as text (as ``sa.DateTime`` writes it) as ``Stamp``'s microseconds."""
    if not isinstance(value, str):
        return value
    moment = dt.datetime.fromisoformat(value)
    return (moment.replace(tzinfo=None) - dt.datetime(1970, 1, 1)) // dt.timedelta(microseconds=1)


def _keyed_tables() -> None:
    """keys and entries in their new shape (empty: the rebuild fills them)."""
    op.drop_index("ix_keys_entry", table_name="keys")
    op.drop_table("keys")
    op.create_table(
        "keys",
        sa.Column("id", HexId(16), primary_key=True),
        sa.Column("type", sa.String(20), nullable=False),
        sa.Column("tier", sa.SmallInteger, nullable=False),
        sa.Column("lo", Day),
        sa.Column("hi", Day),
        sa.Column("agents", sa.Text, nullable=False),
        sa.Column("targets", sa.Text, nullable=False),
        sa.Column("entry_id", HexId(16), nullable=False),
        sa.Column("n", sa.Integer, nullable=False),
        sa.Column("log_miss", sa.Float, nullable=False),
        sa.Column("occurred", sa.Boolean, nullable=False),
        sa.Column("best", Rank, nullable=False),
        sa.Column("first_reported", Day),
        sa.Column("last_reported", Day),
        sqlite_with_rowid=False,
    )
    op.create_index("ix_keys_entry", "keys", ["entry_id"])
    op.drop_index("ix_entries_type_sort", table_name="entries")
    op.drop_index("ix_entries_year", table_name="entries")
    op.drop_table("entries")
    op.create_table(
        "entries",
        sa.Column("id", HexId(16), primary_key=True),
        sa.Column("type", sa.String(20), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("date_start", Day),
        sa.Column("date_end", Day),
        sa.Column("date_precision", sa.String(10), nullable=False),
        sa.Column("year", sa.Integer),
        sa.Column("date_last", Day),
        sa.Column("confidence", sa.Float, nullable=False),
        sa.Column("mention_count", sa.Integer, nullable=False),
        sa.Column("log_miss", sa.Float, nullable=False),
        sa.Column("occurred", sa.Boolean, nullable=False),
        sa.Column("best", Rank, nullable=False),
        sa.Column("best_event", HexId(16), nullable=False),
        sa.Column("anchor", HexId(16), nullable=False),
        sa.Column("lo", Day),
        sa.Column("hi", Day),
        sa.Column("agents", sa.Text, nullable=False),
        sa.Column("targets", sa.Text, nullable=False),
        sa.Column("outlets", sa.Text, nullable=False),
        sa.Column("first_reported", Day),
        sa.Column("last_reported", Day),
        sa.Column("sort_key", sa.LargeBinary, nullable=False, unique=True),
    )
    op.create_index("ix_entries_type_sort", "entries", ["type", "sort_key"])
    op.create_index("ix_entries_year", "entries", ["year", "type"])
    for table in ("entry_actors", "entry_outlets", "key_agents", "key_outlets"):
        op.execute(f"DELETE FROM {table}")


def upgrade() -> None:
    from timeline.store.migrations import request_rebuild

    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return  # the same column types as before on PostgreSQL
    raw = bind.connection.driver_connection
    assert raw is not None
    for name, fn in (("tl_id", _id), ("tl_day", _day), ("tl_stamp", _stamp)):
        raw.create_function(name, 1, fn, deterministic=True)

    # the events' actors wait aside: dropping the old events would delete them
    op.execute("CREATE TABLE event_actors_kept (code VARCHAR(12), role VARCHAR(10), event_id BLOB)")
    op.execute("INSERT INTO event_actors_kept SELECT code, role, event_id FROM event_actors")
    op.drop_table("event_actors")

    op.rename_table("articles", "articles_old")  # the old events' foreign key follows it
    op.create_table(
        "articles",
        sa.Column("id", HexId(40), primary_key=True),
        sa.Column("title", sa.Text),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("url", sa.Text),
        sa.Column("file", sa.Text),
        sa.Column("outlet", sa.String(200)),
        sa.Column("published", Day),
        sa.Column("source", sa.String(200)),
        sa.Column("byline", sa.Text),
        sa.Column("ingested_at", Stamp, nullable=False),
    )
    op.execute(
        "INSERT INTO articles (rowid, id, title, text, url, file, outlet, published, source, byline, ingested_at) "
        "SELECT rowid, tl_id(id), title, text, url, file, outlet, tl_day(published), source, byline, "
        "tl_stamp(ingested_at) FROM articles_old ORDER BY rowid"
    )

    columns = ("id, key_id, date_start, date_end, outlet, published, evidence, evidence_start, evidence_end, "
               "confidence, article, source, sort_key, extra")  # fmt: skip
    words = f"{_word('type', TYPES)}, {_word('status', STATUSES)}, {_word('date_precision', PRECISIONS)}"
    for index in ("ix_events_type_sort", "ix_events_article", "ix_events_key"):
        op.drop_index(index, table_name="events")
    op.rename_table("events", "events_old")
    op.create_table(
        "events",
        sa.Column("id", HexId(16), primary_key=True),
        sa.Column("article_id", HexId(40), sa.ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
        sa.Column("key_id", HexId(16), nullable=False),
        sa.Column("type", sa.String(20), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("date_start", Day),
        sa.Column("date_end", Day),
        sa.Column("date_precision", sa.String(10), nullable=False),
        sa.Column("outlet", sa.String(200)),
        sa.Column("published", Day),
        sa.Column("evidence", sa.Text),
        sa.Column("evidence_start", sa.Integer, nullable=False),
        sa.Column("evidence_end", sa.Integer, nullable=False),
        sa.Column("confidence", sa.Float, nullable=False),
        sa.Column("article", sa.Text),
        sa.Column("source", sa.String(200)),
        sa.Column("sort_key", sa.LargeBinary, nullable=False, unique=True),
        sa.Column("extra", sa.LargeBinary, nullable=False),
    )
    # the same rowids: the full-text index (events_fts) is keyed by them
    op.execute(
        f"INSERT INTO events (rowid, article_id, type, status, date_precision, {columns}) "
        f"SELECT rowid, tl_id(article_id), {words}, {columns} FROM events_old ORDER BY rowid"
    )
    op.drop_table("events_old")
    op.drop_table("articles_old")
    op.create_index("ix_events_type_sort", "events", ["type", "sort_key"])
    op.create_index("ix_events_article", "events", ["article_id"])
    op.create_index("ix_events_key", "events", ["key_id", "published"])

    op.create_table(
        "event_actors",
        sa.Column("code", sa.String(12), primary_key=True),
        sa.Column("role", sa.String(10), primary_key=True),
        sa.Column("event_id", HexId(16), sa.ForeignKey("events.id", ondelete="CASCADE"), primary_key=True),
        sqlite_with_rowid=False,
    )
    op.execute(
        f"INSERT INTO event_actors (code, role, event_id) SELECT code, {_word('role', ROLES)}, event_id "
        "FROM event_actors_kept"
    )
    op.drop_table("event_actors_kept")

    _keyed_tables()
    request_rebuild(bind)


def downgrade() -> None:
    raise NotImplementedError("0005 re-encodes every article; restore a backup to go back")
