"""Consolidation by key: keys, key_agents, key_outlets, entries with aggregates, summary counts.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24

Events lose ``entry_id`` and gain ``key_id`` and ``published``; the old entries (a JSON payload of
every source each) and their full-text table are dropped, the new tables created, and the
entries rebuilt from the events by the current rules (``timeline.store.entries.rebuild_all``, run
once the store reaches the newest revision: ``migrations.request_rebuild``), with the per-report
full-text index filled from the stored evidence and titles.
"""

from __future__ import annotations

import msgspec
import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    from timeline.consolidate import key_of
    from timeline.models import Event
    from timeline.store.migrations import request_rebuild
    from timeline.store.schema import create_full_text

    bind = op.get_bind()
    dialect = bind.dialect.name
    if dialect == "sqlite":
        op.execute("DROP TABLE IF EXISTS entries_fts")
    else:
        op.execute("DROP INDEX IF EXISTS ix_entries_fts")
    for table in ("entry_actors", "entry_outlets", "entries"):
        op.drop_table(table)
    with op.batch_alter_table("events") as batch:
        batch.drop_index("ix_events_entry_id")
        batch.drop_column("entry_id")
        batch.add_column(sa.Column("key_id", sa.String(16), nullable=True))
        batch.add_column(sa.Column("published", sa.Date))

    events = sa.table(
        "events", sa.column("id", sa.String), sa.column("payload", sa.LargeBinary), sa.column("key_id", sa.String),
        sa.column("published", sa.Date),
    )  # fmt: skip
    decoder = msgspec.json.Decoder(Event)
    rows = [
        {"eid": e.id, "key_id": key_of(e).id, "published": e.published}
        for (payload,) in bind.execute(sa.select(events.c.payload))
        for e in (decoder.decode(payload),)
    ]
    if rows:
        bind.execute(
            events.update()
            .where(events.c.id == sa.bindparam("eid"))
            .values(key_id=sa.bindparam("key_id"), published=sa.bindparam("published")),
            rows,
        )
    with op.batch_alter_table("events") as batch:
        batch.alter_column("key_id", existing_type=sa.String(16), nullable=False)
        batch.create_index("ix_events_key", ["key_id", "published"])

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
    )
    op.create_table(
        "key_outlets",
        sa.Column("key_id", sa.String(16), primary_key=True),
        sa.Column("outlet", sa.String(200), primary_key=True),
        sa.Column("n", sa.Integer, nullable=False),
    )
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
        sa.Column("rsort_key", sa.String(40), nullable=False, unique=True),
    )
    op.create_index("ix_entries_type_sort", "entries", ["type", "sort_key"])
    op.create_index("ix_entries_type_rsort", "entries", ["type", "rsort_key"])
    op.create_index("ix_entries_year", "entries", ["year", "type"])
    op.create_table(
        "entry_actors",
        sa.Column("code", sa.String(12), primary_key=True),
        sa.Column("sort_key", sa.String(40), primary_key=True),
        sa.Column("role", sa.String(10), primary_key=True),
        sa.Column("entry_id", sa.String(16), nullable=False),
    )
    op.create_index("ix_entry_actors_entry", "entry_actors", ["entry_id"])
    op.create_table(
        "entry_outlets",
        sa.Column("outlet", sa.String(200), primary_key=True),
        sa.Column("sort_key", sa.String(40), primary_key=True),
        sa.Column("entry_id", sa.String(16), nullable=False),
    )
    op.create_index("ix_entry_outlets_entry", "entry_outlets", ["entry_id"])
    for name, extra in (("entry_counts", ("precision", "period")), ("actor_counts", ("code",)),
                        ("outlet_counts", ("outlet",))):  # fmt: skip
        sizes = {"precision": 10, "period": 7, "code": 12, "outlet": 200}
        op.create_table(
            name,
            sa.Column("type", sa.String(20), primary_key=True),
            sa.Column("status", sa.String(20), primary_key=True),
            *(sa.Column(col, sa.String(sizes[col]), primary_key=True) for col in extra),
            sa.Column("n", sa.Integer, nullable=False),
        )
    meta = sa.table("store_meta", sa.column("key", sa.String), sa.column("value", sa.Integer))
    if bind.execute(sa.select(meta.c.key).where(meta.c.key == "max_span")).first() is None:
        bind.execute(meta.insert().values(key="max_span", value=0))
    create_full_text(bind)
    if dialect == "sqlite":
        bind.exec_driver_sql(
            "INSERT INTO events_fts (rowid, body) SELECT e.rowid, e.evidence || char(10) || coalesce(a.title, '') "
            "FROM events e JOIN articles a ON a.id = e.article_id"
        )
    request_rebuild(bind)


def downgrade() -> None:
    raise NotImplementedError("0003 rebuilds the timeline from the events; restore a backup to go back")
