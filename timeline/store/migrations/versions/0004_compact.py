"""A compact store: events as columns plus a small msgpack remainder, WITHOUT ROWID tables, no unused index.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26

Each event's JSON ``payload`` (every field, its evidence three times) becomes ``extra``
(``timeline.store.rows``: date basis and words, actors' names, in-article mentions), with the
evidence offsets, ``article`` and ``source`` as columns; on SQLite the evidence column is emptied
where the article's text holds the same words. Every event is re-encoded from its payload, so
nothing is lost. ``event_actors`` is copied into a ``WITHOUT ROWID`` table keyed (code, role,
event) and loses its second index; the tables derived from the events (keys, their agents and
outlets, entries without ``rsort_key``, entries' actors and outlets, summary counts) are made again
in their new shape and filled by a rebuild at the newest revision (``migrations.request_rebuild``).
The unused ``ix_articles_outlet`` is dropped.
"""

from __future__ import annotations

from typing import NamedTuple

import msgspec
import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

BATCH = 2000
# every column an event's row takes from the event, set again from its payload (the payload is what was kept whole)
COLUMNS = ("key_id", "sort_key", "type", "status", "date_start", "date_end", "date_precision", "outlet", "published",
           "evidence", "evidence_start", "evidence_end", "confidence", "article", "source", "extra")  # fmt: skip


class _Article(NamedTuple):
    id: str
    file: str | None
    url: str | None
    text: str


def _events(bind: sa.engine.Connection) -> None:
    """Fill the new event columns from each payload, a batch at a time (by id, so memory stays flat)."""
    from timeline.consolidate import key_of
    from timeline.models import Event
    from timeline.store.rows import event_row
    from timeline.store.sql import sort_key

    keep = bind.dialect.name != "sqlite"
    types = {"date_start": sa.Date, "date_end": sa.Date, "published": sa.Date, "evidence_start": sa.Integer,
             "evidence_end": sa.Integer, "confidence": sa.Float, "extra": sa.LargeBinary}  # fmt: skip
    ev = sa.table(
        "events", sa.column("id", sa.String), sa.column("article_id", sa.String), sa.column("payload", sa.LargeBinary),
        *(sa.column(c, types.get(c, sa.Text)) for c in COLUMNS),
    )  # fmt: skip
    art = sa.table("articles", sa.column("id"), sa.column("file"), sa.column("url"), sa.column("text"))
    decoder = msgspec.json.Decoder(Event)
    last = ""
    while True:
        rows = bind.execute(
            sa.select(ev.c.id, ev.c.payload, art.c.id.label("aid"), art.c.file, art.c.url, art.c.text)
            .select_from(ev.outerjoin(art, art.c.id == ev.c.article_id))
            .where(ev.c.id > last).order_by(ev.c.id).limit(BATCH)
        ).all()  # fmt: skip
        if not rows:
            return
        updates = []
        for r in rows:
            e = decoder.decode(r.payload)
            stored = _Article(r.aid, r.file, r.url, r.text) if r.aid is not None else None
            new = {**event_row(e, stored, keep), "key_id": key_of(e).id, "sort_key": sort_key(e)}
            updates.append({"eid": r.id, **{k: new[k] for k in COLUMNS}})
        bind.execute(
            ev.update().where(ev.c.id == sa.bindparam("eid")).values({c: sa.bindparam(c) for c in COLUMNS}), updates
        )
        last = rows[-1].id


def _derived_tables() -> None:
    """The tables a rebuild fills, made again (empty) in their new shape."""
    for table in ("entry_actors", "entry_outlets", "entries", "keys", "key_agents", "key_outlets", "entry_counts",
                  "actor_counts", "outlet_counts"):  # fmt: skip
        op.drop_table(table)
    op.create_table(
        "entries",
        sa.Column("id", sa.String(16), primary_key=True),
        sa.Column("type", sa.String(20), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("date_start", sa.Date),
        sa.Column("date_end", sa.Date),
        sa.Column("date_precision", sa.String(10), nullable=False),
        sa.Column("year", sa.Integer),
        sa.Column("date_last", sa.Date),
        sa.Column("confidence", sa.Float, nullable=False),
        sa.Column("mention_count", sa.Integer, nullable=False),
        sa.Column("log_miss", sa.Float, nullable=False),
        sa.Column("occurred", sa.Boolean, nullable=False),
        sa.Column("best", sa.String(60), nullable=False),
        sa.Column("best_event", sa.String(16), nullable=False),
        sa.Column("anchor", sa.String(16), nullable=False),
        sa.Column("lo", sa.Date),
        sa.Column("hi", sa.Date),
        sa.Column("agents", sa.Text, nullable=False),
        sa.Column("targets", sa.Text, nullable=False),
        sa.Column("outlets", sa.Text, nullable=False),
        sa.Column("first_reported", sa.Date),
        sa.Column("last_reported", sa.Date),
        sa.Column("sort_key", sa.String(40), nullable=False, unique=True),
    )
    op.create_index("ix_entries_type_sort", "entries", ["type", "sort_key"])
    op.create_index("ix_entries_year", "entries", ["year", "type"])
    op.create_table(
        "keys",
        sa.Column("id", sa.String(16), primary_key=True),
        sa.Column("type", sa.String(20), nullable=False),
        sa.Column("tier", sa.SmallInteger, nullable=False),
        sa.Column("lo", sa.Date),
        sa.Column("hi", sa.Date),
        sa.Column("agents", sa.Text, nullable=False),
        sa.Column("targets", sa.Text, nullable=False),
        sa.Column("entry_id", sa.String(16), nullable=False),
        sa.Column("n", sa.Integer, nullable=False),
        sa.Column("log_miss", sa.Float, nullable=False),
        sa.Column("occurred", sa.Boolean, nullable=False),
        sa.Column("best", sa.String(60), nullable=False),
        sa.Column("first_reported", sa.Date),
        sa.Column("last_reported", sa.Date),
        sqlite_with_rowid=False,
    )
    op.create_index("ix_keys_entry", "keys", ["entry_id"])
    op.create_table(
        "key_agents",
        sa.Column("type", sa.String(20), primary_key=True),
        sa.Column("code", sa.String(12), primary_key=True),
        sa.Column("tier", sa.SmallInteger, primary_key=True),
        sa.Column("lo", sa.Date, primary_key=True),
        sa.Column("key_id", sa.String(16), primary_key=True),
        sa.Column("hi", sa.Date, nullable=False),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "key_outlets",
        sa.Column("key_id", sa.String(16), primary_key=True),
        sa.Column("outlet", sa.String(200), primary_key=True),
        sa.Column("n", sa.Integer, nullable=False),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "entry_actors",
        sa.Column("code", sa.String(12), primary_key=True),
        sa.Column("sort_key", sa.String(40), primary_key=True),
        sa.Column("role", sa.String(10), primary_key=True),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "entry_outlets",
        sa.Column("outlet", sa.String(200), primary_key=True),
        sa.Column("sort_key", sa.String(40), primary_key=True),
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
    with op.batch_alter_table("events") as batch:
        batch.add_column(sa.Column("evidence_start", sa.Integer))
        batch.add_column(sa.Column("evidence_end", sa.Integer))
        batch.add_column(sa.Column("article", sa.Text))
        batch.add_column(sa.Column("source", sa.String(200)))
        batch.add_column(sa.Column("extra", sa.LargeBinary))
        batch.alter_column("evidence", existing_type=sa.Text, nullable=True)
    _events(bind)
    with op.batch_alter_table("events") as batch:
        batch.drop_column("payload")
        for col, kind in (("evidence_start", sa.Integer), ("evidence_end", sa.Integer), ("extra", sa.LargeBinary)):
            batch.alter_column(col, existing_type=kind, nullable=False)
    op.drop_index("ix_articles_outlet", table_name="articles")

    op.create_table(
        "event_actors_new",
        sa.Column("code", sa.String(12), primary_key=True),
        sa.Column("role", sa.String(10), primary_key=True),
        sa.Column("event_id", sa.String(16), sa.ForeignKey("events.id", ondelete="CASCADE"), primary_key=True),
        sqlite_with_rowid=False,
    )
    op.execute("INSERT INTO event_actors_new (event_id, code, role) SELECT event_id, code, role FROM event_actors")
    op.drop_table("event_actors")
    op.rename_table("event_actors_new", "event_actors")
    if not sqlite:  # PostgreSQL keeps a renamed table's constraint names: give them the usual ones
        op.execute("ALTER TABLE event_actors RENAME CONSTRAINT event_actors_new_pkey TO event_actors_pkey")
        op.execute(
            "ALTER TABLE event_actors RENAME CONSTRAINT event_actors_new_event_id_fkey TO event_actors_event_id_fkey"
        )

    _derived_tables()
    if sqlite:  # the events table was copied (new rowids): index the text again
        op.execute("DROP TABLE IF EXISTS events_fts")
        create_full_text(bind)
        bind.exec_driver_sql(
            "INSERT INTO events_fts (rowid, body) SELECT e.rowid, coalesce(e.evidence, substr(a.text, "
            "e.evidence_start + 1, e.evidence_end - e.evidence_start)) || char(10) || coalesce(a.title, '') "
            "FROM events e JOIN articles a ON a.id = e.article_id"
        )
    request_rebuild(bind)


def downgrade() -> None:
    raise NotImplementedError("0004 re-encodes every event; restore a backup to go back")
