"""Pages already ingested, by content hash: a re-run skips them before any NLP.

A page's row is written after its articles (``Store.add`` is idempotent by article id), so a
process killed between the two leaves the page unrecorded and the next run redoes it, reaching
the same store as a run that was never interrupted.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine

from timeline.store.schema import metadata

pages = sa.Table(
    "pages",
    metadata,
    # sha256 of the page's bytes and the metadata that changes what is extracted from them
    sa.Column("hash", sa.String(64), primary_key=True),
    sa.Column("file", sa.Text),
    sa.Column("ingested_at", sa.DateTime, nullable=False),
    # JSON array of the ids of the articles found on the page ([] for a page with none)
    sa.Column("article_ids", sa.Text, nullable=False),
)

# an IN list this long stays well under SQLite's and PostgreSQL's bound-parameter limits
_IN_BATCH = 500


def stored_hashes(engine: Engine, hashes: Iterable[str]) -> set[str]:
    """Which of ``hashes`` belong to pages already ingested."""
    wanted = list(dict.fromkeys(hashes))
    found: set[str] = set()
    with engine.connect() as conn:
        for i in range(0, len(wanted), _IN_BATCH):
            chunk = wanted[i : i + _IN_BATCH]
            found |= set(conn.execute(sa.select(pages.c.hash).where(pages.c.hash.in_(chunk))).scalars())
    return found


def record_page(conn: Connection, page_hash: str, file: str | None, article_ids: list[str],
                now: dt.datetime | None = None) -> None:  # fmt: skip
    """Note that a page was ingested; a second writer recording the same page changes nothing."""
    values = {
        "hash": page_hash,
        "file": file,
        "ingested_at": now or dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0),
        "article_ids": json.dumps(article_ids),
    }
    name = conn.dialect.name
    if name == "postgresql":
        conn.execute(postgresql.insert(pages).values(values).on_conflict_do_nothing(index_elements=["hash"]))
    elif name == "sqlite":
        conn.execute(sqlite.insert(pages).values(values).on_conflict_do_nothing(index_elements=["hash"]))
    elif conn.execute(sa.select(pages.c.hash).where(pages.c.hash == page_hash)).first() is None:
        conn.execute(pages.insert().values(values))


def page_articles(engine: Engine, page_hash: str) -> list[str] | None:
    """The article ids recorded for a page, or None when it was never ingested."""
    with engine.connect() as conn:
        raw = conn.execute(sa.select(pages.c.article_ids).where(pages.c.hash == page_hash)).scalar()
    return None if raw is None else list(json.loads(raw))
