"""Ingest throughput with 1 and 2 extraction processes on the same synthetic pages, in one run.

    python benchmarks/ingest_jobs.py [--pages 2000] [--url postgresql://...] [--jobs 1 2]

Two measurements, each for every job count, pool start-up and model loads included:

- extraction: every page read and extracted by the workers, results decoded by the parent but not
  stored: the part ``--jobs`` parallelises. Checks every job count found the same articles and events.
- end to end: a subset ingested into a fresh store (SQLite, or PostgreSQL with ``--url``), with the
  time the parent spent writing; checks the stores are identical, and times a re-run over the stored
  pages (skipped by content hash, no NLP).

Where it stops scaling: extraction runs in the workers, but writes (Store.add: the article, its events,
and re-consolidation of the entries they touch) stay in the one parent process, so the speed-up is
bounded by extraction / (writes + extraction / N); on a 2-core machine the writer also competes with
the two workers for the same cores.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from ingest_helpers import snapshot, specs_of
from synthetic_pages import write_pages

from timeline.ingest import Ingest
from timeline.settings import Settings
from timeline.store import (
    Store,
    migrations,
    normalise_url,
)


def fresh_store(url: str | None, folder: Path, name: str) -> tuple[Store, object]:
    """An empty, migrated store: a SQLite file, or a new schema in the PostgreSQL database at ``url``."""
    if url is None:
        store = Store(f"sqlite:///{folder / (name + '.sqlite3')}")
        migrations.upgrade(store.engine)
        return store, None
    schema = f"bench_{name}_{uuid.uuid4().hex[:6]}"
    admin = sa.create_engine(normalise_url(url))
    with admin.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    engine = sa.create_engine(normalise_url(url), connect_args={"options": f"-csearch_path={schema}"})
    store = Store(url, engine=engine)
    migrations.upgrade(engine)

    def drop() -> None:
        engine.dispose()
        with admin.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))

    return store, drop


class Clocked(Ingest):
    """Notes when the first result arrived: the rate after it leaves out pool start-up and model loads."""

    first: float | None = None
    pages_after_first = 0

    def clock(self) -> None:
        if self.first is None:
            self.first = time.perf_counter()
        else:
            self.pages_after_first += 1

    def steady(self) -> str:
        elapsed = time.perf_counter() - (self.first or 0)
        return f", {self.pages_after_first / elapsed:.1f} pages/s after the first result"


class TimedIngest(Clocked):
    """Counts the seconds the writing process spends writing."""

    write_seconds = 0.0

    def write(self, outcome):  # type: ignore[no-untyped-def]
        self.clock()
        t = time.perf_counter()
        super().write(outcome)
        self.write_seconds += time.perf_counter() - t


class ExtractOnly(Clocked):
    """Keeps what the workers sent (ids and events) instead of storing it: the parallel part alone."""

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.seen: list[tuple[str, list[tuple[str, list[str]]]]] = []

    def write(self, outcome):  # type: ignore[no-untyped-def]
        self.clock()
        self.seen.append((outcome.hash, [(r.id, [e.id for e in r.events]) for r in outcome.records]))
        self.report.pages += 1


def _spin(seconds: float) -> int:
    end = time.perf_counter() + seconds
    n = 0
    while time.perf_counter() < end:
        n += sum(range(1000)) > 0
    return n


def cpu_ceiling(seconds: float = 4.0) -> float:
    """How much more pure-Python work 2 busy processes get done than 1 on this machine, right now.

    On a machine shared with other work this is the most any 2-process speed-up can show here.
    """
    import multiprocessing

    one = _spin(seconds)
    with multiprocessing.get_context("spawn").Pool(2) as pool:
        pool.map(_spin, [0.1, 0.1])  # start-up outside the measurement
        two = sum(pool.map(_spin, [seconds, seconds]))
    return two / one


def cpu_seconds() -> float:
    """CPU time of this process and its finished children."""
    import resource

    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def _line(jobs: int, n: int, elapsed: float, extra: str) -> str:
    return f"  jobs={jobs}: {n} pages in {elapsed:.1f} s = {n / elapsed:.1f} pages/s{extra}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pages", type=int, default=2000, help="pages for the extraction runs")
    ap.add_argument("--store-pages", type=int, default=400, help="pages for the end-to-end runs into a store")
    ap.add_argument("--url", help="PostgreSQL URL (default: SQLite files in a temporary folder)")
    ap.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    args = ap.parse_args()
    settings = Settings.from_env({})
    ceiling = cpu_ceiling()
    print(f"load average at start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; "
          f"2 busy processes get {ceiling:.2f}x the CPU work of 1 here (the ceiling for any speed-up)")  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        specs = specs_of(write_pages(folder / "pages", args.pages, seed=2024))

        print(f"extraction (workers read and extract, the parent only decodes results), {len(specs)} pages:")
        rates: dict[int, float] = {}
        seen = []
        for jobs in args.jobs:
            run = ExtractOnly(Store(f"sqlite:///{folder / f'e{jobs}.sqlite3'}"), settings)
            migrations.upgrade(run.store.engine)
            t, cpu = time.perf_counter(), cpu_seconds()
            run.run(specs, jobs=jobs)
            elapsed = time.perf_counter() - t
            # CPU per page, workers included: equal across job counts means no parallel overhead
            steady = run.steady() + f"; {1000 * (cpu_seconds() - cpu) / len(specs):.0f} ms CPU per page"
            rates[jobs] = len(specs) / elapsed
            seen.append(run.seen)
            print(_line(jobs, len(specs), elapsed, steady))
        assert all(s == seen[0] for s in seen), "job counts extracted different articles or events"
        for jobs in args.jobs[1:]:
            print(f"  speed-up jobs={jobs} vs jobs={args.jobs[0]}: {rates[jobs] / rates[args.jobs[0]]:.2f}x "
                  "(identical articles and event ids: yes)")  # fmt: skip

        part = specs[: args.store_pages]
        print(f"end to end into {'PostgreSQL' if args.url else 'SQLite'}, {len(part)} pages:")
        rates = {}
        snaps = []
        for jobs in args.jobs:
            store, drop = fresh_store(args.url, folder, f"j{jobs}")
            timed = TimedIngest(store, settings, report_line=lambda line: None)
            t = time.perf_counter()
            timed.run(part, jobs=jobs)
            elapsed = time.perf_counter() - t
            rates[jobs] = len(part) / elapsed
            pct = 100 * timed.write_seconds / elapsed
            share = f"{timed.steady()}; writing {timed.write_seconds:.1f} s ({pct:.0f}% of the run)"
            print(_line(jobs, len(part), elapsed, share))
            snaps.append(snapshot(store))
            if jobs == args.jobs[-1]:
                again = Ingest(store, settings, report_line=lambda line: None)
                t = time.perf_counter()
                again.run(part, jobs=jobs)
                print(f"  re-run over {again.report.skipped_pages} stored pages: {time.perf_counter() - t:.2f} s, "
                      f"{again.report.pages} extracted")  # fmt: skip
            if drop:
                drop()  # type: ignore[operator]
        assert all(s == snaps[0] for s in snaps), "job counts gave different stores"
        for jobs in args.jobs[1:]:
            print(f"  speed-up jobs={jobs} vs jobs={args.jobs[0]}: {rates[jobs] / rates[args.jobs[0]]:.2f}x "
                  "(identical stores: yes)")  # fmt: skip


if __name__ == "__main__":
    main()
