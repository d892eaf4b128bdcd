"""The summary counts (entry_counts, actor_counts, outlet_counts): kept in step with every entry write.

An entry's contribution is a set of counter keys; a write subtracts the old entry's and adds
the new one's, so the counts always equal what a GROUP BY over the entries would give.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from timeline.store.schema import actor_counts, entry_counts, outlet_counts

Counts = Counter[tuple[sa.Table, tuple[str, ...]]]


def period(date_start: Any, precision: str) -> str:
    """The "YYYY-MM" an entry is counted under ("" when it has no date)."""
    if date_start is None or precision == "unknown":
        return ""
    return date_start.isoformat().rjust(10, "0")[:7]


def contribution(row: Mapping[str, Any] | Any) -> Counts:
    """The counters one entry row adds to."""

    def get(name: str) -> Any:
        return row[name] if isinstance(row, Mapping) else getattr(row, name)

    t, s = get("type"), get("status")
    out: Counts = Counter()
    out[(entry_counts, (t, s, get("date_precision"), period(get("date_start"), get("date_precision"))))] += 1
    for code in {c for c in f"{get('agents')};{get('targets')}".split(";") if c}:
        out[(actor_counts, (t, s, code))] += 1
    for outlet in {o for o in get("outlets").split(";") if o}:
        out[(outlet_counts, (t, s, outlet))] += 1
    return out


def add(conn: Connection, delta: Counts) -> None:
    """Add each non-zero delta to its counter row, creating it when new."""
    for (table, key), n in sorted(delta.items(), key=lambda kv: (kv[0][0].name, kv[0][1])):
        if not n:
            continue
        cols = [c for c in table.c if c.name != "n"]
        match = [c == v for c, v in zip(cols, key, strict=True)]
        if not conn.execute(table.update().where(*match).values(n=table.c.n + n)).rowcount:
            conn.execute(table.insert().values(**{c.name: v for c, v in zip(cols, key, strict=True)}, n=n))


def rebuild(conn: Connection, rows: Iterable[Mapping[str, Any]]) -> None:
    """Recount everything from the entry rows (after a full rebuild)."""
    for table in (entry_counts, actor_counts, outlet_counts):
        conn.execute(table.delete())
    total: Counts = Counter()
    for row in rows:
        total.update(contribution(row))
    for table in (entry_counts, actor_counts, outlet_counts):
        cols = [c.name for c in table.c if c.name != "n"]
        batch = [dict(zip(cols, key, strict=True), n=n) for (t, key), n in total.items() if t is table and n]
        for i in range(0, len(batch), 5000):
            conn.execute(table.insert(), batch[i : i + 5000])
