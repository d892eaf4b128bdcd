"""Streaming exports use constant memory: peak allocation while exporting N rows, for two N.

Builds SQLite stores from the scale benchmark's synthetic reports (through ``Store.add_many``, so the
entries come out of the real consolidation), then streams the CSV and NDJSON
exports through the same code the API uses, measuring the Python heap's peak with
tracemalloc. Constant memory means the peak does not grow with N.

    python benchmarks/export_memory.py [--small 2000] [--large 20000]  (happenings)
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

from timeline.export import entry_table_chunks, ndjson_chunks
from timeline.query import build_filter
from timeline.store.sql import Store

sys.path.insert(0, str(Path(__file__).resolve().parent))
from scale_data import articles


def build(path: Path, n: int) -> Store:
    """A store of about ``n`` happenings, built through the store's own write path."""
    store = Store(f"sqlite:///{path}")
    store.create_schema()
    batch = []
    for record in articles(n):
        batch.append(record)
        if len(batch) == 500:
            store.add_many(batch)
            batch = []
    if batch:
        store.add_many(batch)
    return store


def measure(store: Store, fmt: str) -> tuple[int, int, float]:
    f = build_filter(status="all")
    tracemalloc.start()
    t = time.perf_counter()
    size = 0
    # the exports as the API streams them: CSV from the entry table's rows, NDJSON from entries
    chunks = entry_table_chunks(store.iter_entry_table(f)) if fmt == "csv" else ndjson_chunks(store.iter_entries(f))
    for chunk in chunks:
        size += len(chunk)
    elapsed = time.perf_counter() - t
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak, size, elapsed


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--small", type=int, default=2_000)
    ap.add_argument("--large", type=int, default=20_000)
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
