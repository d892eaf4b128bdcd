"""SQL side of the scale benchmark: the Datasette-shaped copy, query plans, and where the bytes go."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from timeline.query import build_filter
from timeline.store import Store

DS_COLUMNS = (
    "id",
    "type",
    "status",
    "date_start",
    "date_end",
    "date_precision",
    "year",
    "agents",
    "targets",
    "outlets",
    "confidence",
    "evidence",
)


def export_datasette(store: Store, path: Path, sqlite_utils: Path) -> int:
    """Write every entry (all statuses) to one ``entries`` table as Datasette users would shape it.

    Lists are JSON arrays (what sqlite-utils stores for lists), the indexes are the ones a
    careful Datasette deployment would add, and full text comes from ``sqlite-utils enable-fts``.
    Returns the number of rows.
    """
    tmp = path.with_suffix(".tmp")
    tmp.unlink(missing_ok=True)
    db = sqlite3.connect(tmp)
    db.execute(
        "CREATE TABLE entries (id TEXT PRIMARY KEY, type TEXT, status TEXT, date_start TEXT, date_end TEXT, "
        "date_precision TEXT, year INTEGER, agents TEXT, targets TEXT, outlets TEXT, confidence REAL, evidence TEXT)"
    )
    n = 0
    batch: list[tuple[Any, ...]] = []
    for e in store.iter_entries(build_filter(status="all")):
        dated = e.date_start is not None and e.date_precision != "unknown"
        batch.append(
            (
                e.id,
                e.type,
                e.status,
                e.date_start and e.date_start.isoformat(),
                e.date_end and e.date_end.isoformat(),
                e.date_precision,
                e.date_start.year if dated and e.date_start else None,
                json.dumps(list(e.agents)),
                json.dumps(list(e.targets)),
                json.dumps(list(e.outlets)),
                e.confidence,
                e.evidence,
            )
        )
        if len(batch) >= 10_000:
            db.executemany(f"INSERT INTO entries VALUES ({','.join('?' * len(DS_COLUMNS))})", batch)
            n += len(batch)
            batch.clear()
    db.executemany(f"INSERT INTO entries VALUES ({','.join('?' * len(DS_COLUMNS))})", batch)
    n += len(batch)
    for cols in (("type",), ("date_start",), ("year",), ("type", "date_start"), ("confidence",)):
        db.execute(f"CREATE INDEX ix_entries_{'_'.join(cols)} ON entries ({', '.join(cols)})")
    db.commit()
    db.close()
    subprocess.run([str(sqlite_utils), "enable-fts", str(tmp), "entries", "evidence", "--fts5"], check=True)
    subprocess.run([str(sqlite_utils), "analyze", str(tmp)], check=False)
    tmp.rename(path)
    return n


@contextmanager
def captured(store: Store) -> Iterator[list[tuple[str, Any]]]:
    """Every statement (and its parameters) the store sends while the block runs."""
    seen: list[tuple[str, Any]] = []

    def listen(_conn: Any, _cur: Any, statement: str, parameters: Any, _ctx: Any, _many: bool) -> None:
        seen.append((statement, parameters))

    sa.event.listen(store.engine, "before_cursor_execute", listen)
    try:
        yield seen
    finally:
        sa.event.remove(store.engine, "before_cursor_execute", listen)


def store_call(store: Store, path: str) -> Callable[[], object]:
    """What the web app asks the store for a ``/timeline`` or ``/events`` URL, as a call to repeat in-process."""
    from urllib.parse import parse_qs, urlsplit

    parts = urlsplit(path)
    qs = {k: v for k, v in parse_qs(parts.query).items()}

    def one(k: str) -> str | None:
        return qs[k][0] if k in qs else None

    f = build_filter(
        start=one("start"),
        end=one("end"),
        types=qs.get("type"),
        actor=qs.get("actor"),
        agent=qs.get("agent"),
        target=qs.get("target"),
        q=one("q"),
        sort=one("sort") or "asc",
        limit=int(one("limit") or 100),
        cursor=one("cursor"),
    )
    if parts.path.startswith("/events"):
        return lambda: store.query_events(f, count=one("count") == "true")

    def timeline() -> object:
        page = store.query_entries(f, count=one("count") == "true")
        if one("facets") == "true":
            store.facets(f)
        if one("bucket"):
            store.buckets(f, one("bucket") or "month")
        return page

    return timeline


def plans(store: Store, path: str, analyze: bool) -> list[str]:
    """The query plan of every statement the store runs for ``path`` (EXPLAIN ANALYZE on PostgreSQL)."""
    call = store_call(store, path)
    with captured(store) as seen:
        call()
    lines: list[str] = []
    with store.engine.connect() as conn:
        for statement, params in seen:
            if "store_meta" in statement or not statement.lstrip().upper().startswith(("SELECT", "WITH")):
                continue  # the ETag's version read, BEGIN and the like
            lines.append("  SQL: " + " ".join(statement.split())[:300])
            if store.dialect == "sqlite":
                rows = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, params).all()
                depth = {0: 0}
                for node, parent, _unused, detail in rows:
                    depth[node] = depth.get(parent, 0) + 1
                    lines.append("    " + "  " * (depth[node] - 1) + str(detail))
            else:
                prefix = "EXPLAIN (ANALYZE, BUFFERS) " if analyze else "EXPLAIN "
                t = time.perf_counter()
                rows = conn.exec_driver_sql(prefix + statement, params).all()
                lines += ["    " + r[0] for r in rows]
                lines.append(f"    (explain took {1000 * (time.perf_counter() - t):.0f} ms)")
    return lines


def where_bytes(store: Store) -> list[tuple[str, int]]:
    """Bytes per table and index: sqlite's dbstat, or PostgreSQL's relation sizes."""
    with store.engine.connect() as conn:
        if store.dialect == "sqlite":
            try:
                rows = conn.exec_driver_sql("SELECT name, SUM(pgsize) FROM dbstat GROUP BY name ORDER BY 2 DESC").all()
            except sa.exc.OperationalError as exc:
                return [(f"(dbstat unavailable: {exc.orig})", 0)]
            return [(str(r[0]), int(r[1])) for r in rows]
        rows = conn.exec_driver_sql(
            "SELECT c.relname || CASE c.relkind WHEN 'i' THEN ' (index)' ELSE ' (table, with TOAST, no indexes)' END,"
            " CASE c.relkind WHEN 'i' THEN pg_relation_size(c.oid)"
            " ELSE pg_total_relation_size(c.oid) - pg_indexes_size(c.oid) END"
            " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'i') ORDER BY 2 DESC"
        ).all()
        return [(str(r[0]), int(r[1])) for r in rows]


def database_bytes(store: Store, path: Path | None) -> int:
    """The whole store's size: the SQLite file (with its WAL), or the PostgreSQL database."""
    if path is not None:
        return sum(p.stat().st_size for p in (path, Path(str(path) + "-wal")) if p.exists())
    with store.engine.connect() as conn:
        return int(conn.exec_driver_sql("SELECT pg_database_size(current_database())").scalar() or 0)


def entry_count(store: Store) -> int:
    """How many timeline entries the store holds, whatever their status (through the store's own count)."""
    return store.query_entries(build_filter(status="all", limit=1), count=True).total or 0
