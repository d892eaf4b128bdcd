"""A compact store: events as columns plus a msgpack remainder, byte sort keys, WITHOUT ROWID tables.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26

Each event's JSON ``payload`` (every field, its evidence three times) becomes ``extra``
(``timeline.store.rows``: date basis and words, actors' names, in-article mentions), with the
evidence offsets, ``article`` and ``source`` as columns; on SQLite the evidence column is left
empty where the article's text holds the same words; sort keys are bytes (``query.event_key``,
``query.entry_key``). Every event is re-encoded from its payload into a new events table, so
nothing is lost (its key and sort key computed again too). ``event_actors`` becomes a ``WITHOUT
ROWID`` table keyed (code, role, event) with no second index; the tables derived from the events
(keys, their agents and outlets, entries without ``rsort_key``, entries' actors and outlets,
summary counts) are made again in their new shape and filled by a rebuild at the newest revision
(``migrations.request_rebuild``). The full-text index is made again without positions, and the
unused ``ix_articles_outlet`` is dropped.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import msgspec
import sqlalchemy as sa
from alembic import op

from timeline.store.types import Day, HexId

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

BATCH = 2000


class _Article(NamedTuple):
    id: str
    file: str | None
    url: str | None
    text: str


def _event_columns() -> list[sa.Column[Any]]:
    return [
        sa.Column("id", HexId(16), primary_key=True),
        sa.Column("article_id", sa.String(40), sa.ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
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
    ]


def _copy_events(bind: sa.engine.Connection, target: str, actors: str) -> None:
    """Every event re-encoded from its payload into ``target`` (its actors' rows into ``actors``), a batch at a
    time (by id: memory stays flat)."""
    from timeline.consolidate import key_of
    from timeline.models import Event
    from timeline.store.rows import event_row
    from timeline.store.sql import sort_key

    keep = bind.dialect.name != "sqlite"
    old = sa.table("events", sa.column("id", sa.String), sa.column("article_id"), sa.column("payload", sa.LargeBinary))
    art = sa.table("articles", sa.column("id"), sa.column("file"), sa.column("url"), sa.column("text"))
    new = sa.Table(target, sa.MetaData(), *_event_columns())
    actor_rows = sa.table(actors, sa.column("code"), sa.column("role"), sa.column("event_id", HexId(16)))
    decoder = msgspec.json.Decoder(Event)
    last = ""
    while True:
        rows = bind.execute(
            sa.select(old.c.id, old.c.payload, art.c.id.label("aid"), art.c.file, art.c.url, art.c.text)
            .select_from(old.outerjoin(art, art.c.id == old.c.article_id))
            .where(old.c.id > last).order_by(old.c.id).limit(BATCH)
        ).all()  # fmt: skip
        if not rows:
            return
        out, roles = [], []
        for r in rows:
            e = decoder.decode(r.payload)
            stored = _Article(r.aid, r.file, r.url, r.text) if r.aid is not None else None
            out.append({**event_row(e, stored, keep), "key_id": key_of(e).id, "sort_key": sort_key(e)})
            roles += [{"code": c, "role": role, "event_id": e.id} for c, role in {(a.code, a.role) for a in e.actors}]
        bind.execute(new.insert(), out)
        if roles:
            bind.execute(actor_rows.insert(), roles)
        last = rows[-1].id


def _derived_tables() -> None:
    """The tables a rebuild fills, made again (empty) in their new shape."""
    for table in ("entry_actors", "entry_outlets", "entries", "keys", "key_agents", "key_outlets", "entry_counts",
                  "actor_counts", "outlet_counts"):  # fmt: skip
        op.drop_table(table)
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
        sa.Column("best", sa.String(60), nullable=False),
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
        sa.Column("best", sa.String(60), nullable=False),
        sa.Column("first_reported", Day),
        sa.Column("last_reported", Day),
        sqlite_with_rowid=False,
    )
    op.create_index("ix_keys_entry", "keys", ["entry_id"])
    op.create_table(
        "key_agents",
        sa.Column("type", sa.String(20), primary_key=True),
        sa.Column("code", sa.String(12), primary_key=True),
        sa.Column("tier", sa.SmallInteger, primary_key=True),
        sa.Column("lo", Day, primary_key=True),
        sa.Column("key_id", HexId(16), primary_key=True),
        sa.Column("hi", Day, nullable=False),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "key_outlets",
        sa.Column("key_id", HexId(16), primary_key=True),
        sa.Column("outlet", sa.String(200), primary_key=True),
        sa.Column("n", sa.Integer, nullable=False),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "entry_actors",
        sa.Column("code", sa.String(12), primary_key=True),
        sa.Column("sort_key", sa.LargeBinary, primary_key=True),
        sa.Column("role", sa.String(10), primary_key=True),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "entry_outlets",
        sa.Column("outlet", sa.String(200), primary_key=True),
        sa.Column("sort_key", sa.LargeBinary, primary_key=True),
        sqlite_with_rowid=False,
    )
    sizes = {"precision": 10, "period": 7, "code": 12, "outlet": 200}
    for name, extra in (("entry_counts", ("precision", "period")), ("actor_counts", ("code",)),
                        ("outlet_counts", ("outlet",))):  # fmt: skip
        op.create_table(
            name,
            sa.Column("type", sa.String(20), primary_key=True),
            sa.Column("status", sa.String(20), primary_key=True),
            *(sa.Column(col, sa.String(sizes[col]), primary_key=True) for col in extra),
            sa.Column("n", sa.Integer, nullable=False),
            sqlite_with_rowid=False,
        )


def upgrade() -> None:
    from timeline.store.migrations import request_rebuild
    from timeline.store.schema import create_full_text

    bind = op.get_bind()
    sqlite = bind.dialect.name == "sqlite"
    # event_actors refers to the events, which are made again: its rows, made again from the payloads'
    # actors as a write makes them, wait aside
    op.drop_table("event_actors")
    op.create_table(
        "event_actors_kept",
        sa.Column("code", sa.String(12), primary_key=True),
        sa.Column("role", sa.String(10), primary_key=True),
        sa.Column("event_id", HexId(16), primary_key=True),
    )

    op.create_table("events_new", *_event_columns())
    _copy_events(bind, "events_new", "event_actors_kept")
    op.drop_table("events")
    op.rename_table("events_new", "events")
    if not sqlite:  # PostgreSQL keeps a renamed table's constraint names: give them the usual ones
        for old, new in (("events_new_pkey", "events_pkey"), ("events_new_sort_key_key", "events_sort_key_key"),
                         ("events_new_article_id_fkey", "events_article_id_fkey")):  # fmt: skip
            op.execute(f"ALTER TABLE events RENAME CONSTRAINT {old} TO {new}")
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
    op.execute("INSERT INTO event_actors (code, role, event_id) SELECT code, role, event_id FROM event_actors_kept")
    op.drop_table("event_actors_kept")
    op.drop_index("ix_articles_outlet", table_name="articles")

    _derived_tables()
    # the events were made again (new rowids; PostgreSQL's index went with the table), and SQLite's index
    # keeps no positions now: index anew
    if sqlite:
        op.execute("DROP TABLE IF EXISTS events_fts")
    create_full_text(bind)
    if sqlite:
        bind.exec_driver_sql(
            "INSERT INTO events_fts (rowid, body) SELECT e.rowid, coalesce(e.evidence, substr(a.text, "
            "e.evidence_start + 1, e.evidence_end - e.evidence_start)) || char(10) || coalesce(a.title, '') "
            "FROM events e JOIN articles a ON a.id = e.article_id"
        )
    request_rebuild(bind)


def downgrade() -> None:
    raise NotImplementedError("0004 re-encodes every event; restore a backup to go back")
