"""Bulk loading: many articles written with large batched inserts, then one full consolidation.

``Store.add_many`` places every new mention in the timeline as it is written (a few dozen small
statements per article), which keeps any number of concurrent writers equal to a rebuild but runs
at a few hundred articles a second. A backfill of millions of articles instead writes the
articles, events, actor rows and full-text rows a batch at a time (one ``executemany`` per table
and batch), and then groups every stored mention once with the real consolidation
(``entries.rebuild_all``), all in one transaction: the entries are those a rebuild gives, by
construction, and a failure leaves nothing written.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from timeline.models import ArticleRecord, Event
from timeline.store.entries import _bulk, rebuild_all
from timeline.store.rows import actor_rows, stored_event_row
from timeline.store.schema import articles, event_actors, events

# an IN list this long stays well under SQLite's and PostgreSQL's bound-parameter limits
_IN_BATCH = 500


@dataclass(slots=True)
class LoadReport:
    """What a bulk load wrote: new articles and events, and the entries after the consolidation."""

    articles: int = 0
    events: int = 0
    entries: int = 0


def _chunks(records: Iterable[ArticleRecord], size: int) -> Iterator[list[ArticleRecord]]:
    batch: list[ArticleRecord] = []
    for r in records:
        batch.append(r)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _present(conn: Connection, column: sa.Column[Any], ids: list[str]) -> set[str]:
    found: set[str] = set()
    for i in range(0, len(ids), _IN_BATCH):
        found.update(conn.execute(sa.select(column).where(column.in_(ids[i : i + _IN_BATCH]))).scalars())
    return found


def load(
    conn: Connection,
    records: Iterable[ArticleRecord],
    batch: int = 5000,
    progress: Callable[[int], None] | None = None,
) -> LoadReport:
    """Write ``records`` (articles already stored are skipped, as ``add_many`` skips them), then rebuild.

    Runs inside the caller's write transaction, which must hold every event type's lock.
    """
    with _large_cache(conn):
        return _load(conn, records, batch, progress)


def _load(
    conn: Connection, records: Iterable[ArticleRecord], batch: int, progress: Callable[[int], None] | None
) -> LoadReport:
    sqlite = conn.dialect.name == "sqlite"
    keep = not sqlite  # PostgreSQL's full-text index reads the evidence column
    report = LoadReport()
    seen: set[str] = set()
    for chunk in _chunks(records, batch):
        fresh: dict[str, ArticleRecord] = {}
        for r in chunk:
            if r.id not in seen:
                seen.add(r.id)
                fresh[r.id] = r
        for aid in _present(conn, articles.c.id, list(fresh)):
            del fresh[aid]
        if not fresh:
            continue
        _bulk(
            conn,
            articles,
            [
                {"id": r.id, "title": r.title, "text": r.text, "url": r.url, "file": r.file, "outlet": r.outlet,
                 "published": r.published, "source": r.source, "byline": r.byline, "ingested_at": r.ingested_at}
                for r in fresh.values()
            ],
        )  # fmt: skip
        new: dict[str, Event] = {}
        rows: list[dict[str, Any]] = []
        for r in fresh.values():
            for e in r.events:
                if e.id not in new:
                    new[e.id] = e
                    rows.append(stored_event_row(e, r, keep))
        known = _present(conn, events.c.id, list(new))
        if known:
            rows = [row for row in rows if row["id"] not in known]
        if rows:
            last = conn.exec_driver_sql("SELECT coalesce(max(rowid), 0) FROM events").scalar() if sqlite else 0
            _bulk(conn, events, rows)
            _bulk(conn, event_actors, actor_rows(e for eid, e in new.items() if eid not in known))
            if sqlite:
                # the body ``Store._index_text`` writes: the evidence (its column, else the text's slice) and the title
                conn.exec_driver_sql(
                    "INSERT INTO events_fts (rowid, body) SELECT e.rowid, coalesce(e.evidence, substr(a.text, "
                    "e.evidence_start + 1, e.evidence_end - e.evidence_start)) || char(10) || coalesce(a.title, '') "
                    "FROM events e JOIN articles a ON a.id = e.article_id WHERE e.rowid > ? ORDER BY e.rowid",
                    (last,),
                )
        report.articles += len(fresh)
        report.events += len(rows)
        if progress is not None:
            progress(report.articles)
    report.entries = rebuild_all(conn)
    return report


@contextlib.contextmanager
def _large_cache(conn: Connection) -> Iterator[None]:
    """SQLite: a page cache of 256 MB while loading (the indexes of random ids are written all over)."""
    if conn.dialect.name != "sqlite":
        yield
        return
    before = conn.exec_driver_sql("PRAGMA cache_size").scalar()
    conn.exec_driver_sql("PRAGMA cache_size=-262144")
    try:
        yield
    finally:
        conn.exec_driver_sql(f"PRAGMA cache_size={int(before or -2000)}")
