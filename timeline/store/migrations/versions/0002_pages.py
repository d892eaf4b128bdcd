"""Pages already ingested, by content hash, so a re-run skips them before any NLP.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "pages",
        sa.Column("hash", sa.String(64), primary_key=True),
        sa.Column("file", sa.Text),
        sa.Column("ingested_at", sa.DateTime, nullable=False),
        sa.Column("article_ids", sa.Text, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("pages")
