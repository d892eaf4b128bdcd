"""Streaming exports use constant memory: peak allocation while exporting N rows, for two N.

Builds SQLite stores with synthetic timeline entries, then streams the CSV and NDJSON
exports through the same code the API uses, measuring the Python heap's peak with
tracemalloc. Constant memory means the peak does not grow with N.

    python benchmarks/export_memory.py [--small 20000] [--large 200000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import tempfile
import time
import tracemalloc
from pathlib import Path

from timeline.export import entry_csv_chunks, ndjson_chunks
from timeline.models import Entry, Source
from timeline.query import build_filter
from timeline.store.schema import entries
from timeline.store.sql import Store, _entry_row

TYPES = ["veto", "visit", "phone_call", "expulsion", "recall"]
CODES = ["RUS", "CHN", "USA", "FRA", "GBR", "DEU", "TUR", "IND", "JPN", "BRA"]


def synthetic(i: int) -> Entry:
    day = dt.date(2000, 1, 1) + dt.timedelta(days=i % 9000)
    src = Source(
        event_id=f"{i:016x}",
        article_id=f"{i:020x}",
        article=f"a{i}.txt",
        title=f"Title {i}",
        url=None,
        outlet="Wire",
        source=None,
        published=day,
        evidence=f"Synthetic evidence sentence number {i}.",
    )
    return Entry(
        id=f"{i:016x}",
        type=TYPES[i % 5],
        status="occurred",
        date_start=day,
        date_end=None,  # type: ignore[arg-type]
        date_precision="day",
        agents=(CODES[i % 10],),
        targets=(CODES[(i + 3) % 10],),
        evidence=src.evidence,
        title=src.title,
        confidence=0.9,
        cameo="042",
        plover="CONSULT/visit",
        outlets=("Wire",),
        mention_count=1,
        sources=(src,),
    )


def build(path: Path, n: int) -> Store:
    store = Store(f"sqlite:///{path}")
    store.create_schema()
    with store.engine.begin() as conn:
        for start in range(0, n, 5000):
            conn.execute(entries.insert(), [_entry_row(synthetic(i)) for i in range(start, min(n, start + 5000))])
    return store


def measure(store: Store, fmt: str) -> tuple[int, int, float]:
    f = build_filter(status="all")
    tracemalloc.start()
    t = time.perf_counter()
    size = 0
    chunks = entry_csv_chunks(store.iter_entries(f)) if fmt == "csv" else ndjson_chunks(store.iter_entries(f))
    for chunk in chunks:
        size += len(chunk)
    elapsed = time.perf_counter() - t
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak, size, elapsed


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--small", type=int, default=20_000)
    ap.add_argument("--large", type=int, default=200_000)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        stores = {n: build(Path(tmp) / f"{n}.sqlite3", n) for n in (args.small, args.large)}
        print(f"{'format':7} {'rows':>8} {'output MB':>10} {'peak heap MB':>13} {'rows/s':>9}")
        peaks: dict[str, list[int]] = {}
        for fmt in ("csv", "ndjson"):
            for n, store in stores.items():
                peak, size, elapsed = measure(store, fmt)
                peaks.setdefault(fmt, []).append(peak)
                print(f"{fmt:7} {n:8} {size / 1e6:10.1f} {peak / 1e6:13.2f} {n / elapsed:9.0f}")
        for fmt, (small, large) in peaks.items():
            print(f"{fmt}: {args.large // args.small}x the rows -> {large / small:.2f}x the peak heap")


if __name__ == "__main__":
    main()
