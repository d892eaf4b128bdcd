"""Events' actors keyed in date order: ``event_actors`` becomes (code, sort_key, role).

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-25

Before, the table was keyed (code, role, event id): ``/events?actor=RUS`` found every Russian event
through it and then sorted them all by date to return the first page, which took most of a second
at a million entries. Keyed by the event's sort key instead (as ``entry_actors`` already is), one
actor's rows come out in the order a page wants, and the page reads about as many rows as it returns.
The rows are made again from the old ones joined to their events; nothing else changes. Events are
never deleted, so the foreign key and its cascade go with the event id.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from timeline.store.types import HexId, Word

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

# ``types.Word``'s list as it was when this revision wrote it (the old rows' roles are copied as stored)
ROLE = Word(10, ("agent", "target"))


def upgrade() -> None:
    bind = op.get_bind()
    op.rename_table("event_actors", "event_actors_old")
    if bind.dialect.name == "postgresql":  # the key's name goes with the table; free it for the new one
        op.execute("ALTER TABLE event_actors_old RENAME CONSTRAINT event_actors_pkey TO event_actors_old_pkey")
    op.create_table(
        "event_actors",
        sa.Column("code", sa.String(12), primary_key=True),
        sa.Column("sort_key", sa.LargeBinary, primary_key=True),
        sa.Column("role", ROLE, primary_key=True),
        sqlite_with_rowid=False,
    )
    op.execute(
        "INSERT INTO event_actors (code, sort_key, role) "
        "SELECT a.code, e.sort_key, a.role FROM event_actors_old a JOIN events e ON e.id = a.event_id"
    )
    op.drop_table("event_actors_old")


def downgrade() -> None:
    bind = op.get_bind()
    op.rename_table("event_actors", "event_actors_new")
    if bind.dialect.name == "postgresql":
        op.execute("ALTER TABLE event_actors_new RENAME CONSTRAINT event_actors_pkey TO event_actors_new_pkey")
    op.create_table(
        "event_actors",
        sa.Column("code", sa.String(12), primary_key=True),
        sa.Column("role", ROLE, primary_key=True),
        sa.Column("event_id", HexId(16), sa.ForeignKey("events.id", ondelete="CASCADE"), primary_key=True),
        sqlite_with_rowid=False,
    )
    op.execute(
        "INSERT INTO event_actors (code, role, event_id) "
        "SELECT a.code, a.role, e.id FROM event_actors_new a JOIN events e ON e.sort_key = a.sort_key"
    )
    op.drop_table("event_actors_new")
