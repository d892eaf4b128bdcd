"""A million entries, answered in milliseconds (issue 10): the timeline against Datasette at scale.

    python benchmarks/scale.py [--entries 1000000] [--postgres URL] [--requests 200]
    python benchmarks/scale.py --per-write            # issue 9: one write vs reports already held

What it does, in one run:

1. builds a store of N synthetic happenings (1-3 reports each from different outlets) through the
   store's own ingest path (``Store.load``, the bulk loader: batched inserts then the real
   consolidation, when the store has it; else ``Store.add_many``; ``--build`` picks another),
   cached in ~/.cache/timeline/scale/ by a hash of the store code, the consolidation code, the
   generator, N and the build mode;
2. copies the entries into a Datasette-shaped SQLite file (one ``entries`` table, indexes, FTS5),
   serves both (``timeline serve`` and Datasette, loopback, free ports), and times the same
   queries alternately: p50/p99 per query, CSV export rows/s and peak RSS, and req/s under load;
3. prints the SQL plan of each timeline query (EXPLAIN QUERY PLAN; EXPLAIN ANALYZE on PostgreSQL);
4. prints the store's bytes per entry and where they go;
5. times one new article into the built store and into an empty one, and ``rebuild_entries()``.

``--postgres URL`` repeats the timeline side against PostgreSQL (the database's tables are
replaced). Datasette runs from its own venv (benchmarks/.venv-datasette, made by
``make bench-scale``), never from the project's dependencies.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import scale_data  # noqa: E402
import scale_http  # noqa: E402
import scale_sql  # noqa: E402

from timeline.models import ArticleRecord  # noqa: E402
from timeline.store import Store  # noqa: E402

CACHE = Path(os.environ.get("TIMELINE_SCALE_CACHE", Path.home() / ".cache" / "timeline" / "scale"))
DS_VENV = HERE / ".venv-datasette"
BATCH = 5000
WORD = "sanctions"  # one word of the generator's topics: about 1 report in 25 has it


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


# -- building ---------------------------------------------------------------------------------


def code_hash(n: int, mode: str) -> str:
    """What the built store depends on: store code, consolidation, sort keys, generator, N and build mode."""
    h = hashlib.sha256()
    store_code = sorted((ROOT / "timeline" / "store").glob("*.py"))
    files = [*store_code, ROOT / "timeline" / "consolidate.py", ROOT / "timeline" / "query.py", HERE / "scale_data.py"]
    for p in files:
        h.update(p.name.encode() + b"\0" + p.read_bytes())
    h.update(f"|{n}|{mode}".encode())
    return h.hexdigest()[:16]


def build_mode(store: Store, requested: str) -> str:
    """``load`` (the bulk loader) when the store has it, else ``add_many``, else ``deferred`` (or as asked)."""
    if requested != "auto":
        return requested
    return "load" if hasattr(store, "load") else "add_many" if hasattr(store, "add_many") else "deferred"


def batches(items: Iterable[ArticleRecord], size: int) -> Iterator[list[ArticleRecord]]:
    batch: list[ArticleRecord] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


ARTICLES_PER_HAPPENING = 1.75  # the generator's mean number of reports


class BuildTooSlow(RuntimeError):
    """A bulk build whose pace projects past ``--build-limit``; the message says by how much."""


def ingest(
    store: Store, records: Iterable[ArticleRecord], mode: str, expected: int = 0, limit: float = 0
) -> dict[str, float]:
    """Write ``records`` through the store's own code; returns seconds per phase and the article count.

    With ``expected`` articles and a ``limit`` in seconds, a bulk build whose pace projects past the
    limit stops early (``BuildTooSlow`` with the projection) instead of running for hours.
    """
    t = time.perf_counter()
    n = 0
    if mode == "load":

        def progress(done: int) -> None:
            took = time.perf_counter() - t
            log(f"  {done:,} articles written in {took:.0f} s ({done / took:,.0f}/s)")
            projected = took / done * expected  # the writes alone; the consolidation comes after them
            if limit and expected and done >= 2 * BATCH and projected > limit and done < expected:
                raise BuildTooSlow(
                    f"build stopped: {done:,} articles written in {took:.0f} s ({done / took:,.0f}/s) projects "
                    f"{projected / 60:,.0f} min for ~{expected:,} articles, over --build-limit {limit / 60:g} min"
                )

        loaded = store.load(records, progress=progress)  # type: ignore[attr-defined]
        return {"ingest_s": time.perf_counter() - t, "articles": loaded.articles}
    if mode == "add_many":
        for batch in batches(records, BATCH):
            store.add_many(batch)  # type: ignore[attr-defined]
            n += len(batch)
            took = time.perf_counter() - t
            log(f"  {n:,} articles in {took:.0f} s ({n / took:,.0f}/s)")
            projected = took / n * expected
            if limit and expected and n >= 2 * BATCH and projected > limit and n < expected:
                raise BuildTooSlow(
                    f"build stopped: {n:,} articles in {took:.0f} s ({n / took:,.0f}/s) projects "
                    f"{projected / 60:,.0f} min for ~{expected:,} articles, over --build-limit {limit / 60:g} min"
                )
        return {"ingest_s": time.perf_counter() - t, "articles": n}
    if mode == "add":
        for rec in records:
            store.add(rec)
            n += 1
        return {"ingest_s": time.perf_counter() - t, "articles": n}
    # deferred: every article through Store.add (its rows, events and actors as the API writes them),
    # with per-article consolidation switched off, then one rebuild_entries() over all mentions.
    original = getattr(store, "_reconsolidate", None)
    if original is None:
        raise SystemExit("scale: --build deferred needs a store with per-article _reconsolidate; use add_many or add")
    setattr(store, "_reconsolidate", lambda conn, fresh: None)  # noqa: B010 (a private hook, switched off here)
    try:
        for rec in records:
            store.add(rec)
            n += 1
            if n % 100_000 == 0:
                log(f"  {n:,} articles in {time.perf_counter() - t:.0f} s")
    finally:
        setattr(store, "_reconsolidate", original)  # noqa: B010
    added = time.perf_counter() - t
    t = time.perf_counter()
    store.rebuild_entries()
    return {"ingest_s": added, "consolidate_s": time.perf_counter() - t, "articles": n}


def build_sqlite(n: int, requested_mode: str, limit: float = 0) -> tuple[Path, dict[str, Any]]:
    """The cached SQLite store for ``n`` happenings (built when missing) and its build figures."""
    CACHE.mkdir(parents=True, exist_ok=True)
    probe = Store("sqlite://")
    mode = build_mode(probe, requested_mode)
    key = code_hash(n, mode)
    path, meta_path = CACHE / f"store-{n}-{key}.sqlite3", CACHE / f"store-{n}-{key}.json"
    if path.exists() and meta_path.exists():
        meta = json.loads(meta_path.read_text())
        log(f"store: cached {path} (built in {meta['build_s']:.0f} s)")
        return path, {**meta, "cached": True}
    tmp = path.with_suffix(".building")
    for p in (tmp, Path(str(tmp) + "-wal"), Path(str(tmp) + "-shm")):
        p.unlink(missing_ok=True)
    log(f"store: building {n:,} happenings with {mode} into {tmp}")
    t = time.perf_counter()
    store = Store(f"sqlite:///{tmp}")
    store.create_schema()
    try:
        phases = ingest(store, scale_data.articles(n), mode, int(n * ARTICLES_PER_HAPPENING), limit)
    except BuildTooSlow:
        store.engine.dispose()
        for p in (tmp, Path(str(tmp) + "-wal"), Path(str(tmp) + "-shm")):
            p.unlink(missing_ok=True)
        raise
    with store.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    entries = scale_sql.entry_count(store)
    store.engine.dispose()
    meta = {"n": n, "mode": mode, "build_s": time.perf_counter() - t, "entries": entries, **phases}
    tmp.rename(path)
    meta_path.write_text(json.dumps(meta))
    log(f"store: {entries:,} entries from {phases['articles']:,} articles in {meta['build_s']:.0f} s")
    return path, {**meta, "cached": False}


def build_postgres(url: str, n: int, requested_mode: str, limit: float = 0) -> tuple[Store, dict[str, Any]]:
    """The PostgreSQL store at ``url`` holding ``n`` happenings; reused when a marker says it already does."""
    store = Store(url)
    mode = build_mode(store, requested_mode)
    key = code_hash(n, mode)
    with store.engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE IF NOT EXISTS bench_scale_meta (key text PRIMARY KEY, meta text)")
        row = conn.exec_driver_sql("SELECT meta FROM bench_scale_meta WHERE key = %(k)s", {"k": key}).first()
    if row is not None:
        meta = json.loads(row[0])
        log(f"postgres: reusing the store built in {meta['build_s']:.0f} s")
        return store, {**meta, "cached": True}
    log(f"postgres: building {n:,} happenings with {mode}")
    store.drop_schema()
    store.create_schema()
    t = time.perf_counter()
    phases = ingest(store, scale_data.articles(n), mode, int(n * ARTICLES_PER_HAPPENING), limit)
    with store.engine.begin() as conn:
        conn.exec_driver_sql("ANALYZE")
    meta = {"n": n, "mode": mode, "build_s": time.perf_counter() - t, "entries": scale_sql.entry_count(store), **phases}
    with store.engine.begin() as conn:
        conn.exec_driver_sql("DELETE FROM bench_scale_meta")
        conn.exec_driver_sql("INSERT INTO bench_scale_meta VALUES (%(k)s, %(m)s)", {"k": key, "m": json.dumps(meta)})
    return store, {**meta, "cached": False}


def datasette_db(store_path: Path) -> Path:
    """The Datasette-shaped copy of a store, cached beside it."""
    src = (HERE / "scale_sql.py").read_bytes()
    folder = store_path.with_name(store_path.stem + f"-ds-{hashlib.sha256(src).hexdigest()[:8]}")
    path = folder / "scale.db"  # Datasette names the database after the file: /scale/entries
    folder.mkdir(exist_ok=True)
    if not path.exists():
        t = time.perf_counter()
        n = scale_sql.export_datasette(Store(f"sqlite:///{store_path}"), path, DS_VENV / "bin" / "sqlite-utils")
        log(f"datasette db: {n:,} rows in {time.perf_counter() - t:.0f} s")
    return path


# -- the queries ------------------------------------------------------------------------------

DS_PAGE = "_size=50&_sort=date_start&_nofacet=1&_nosuggest=1"


def queries() -> list[tuple[str, str, str | None]]:
    """(name, timeline path, Datasette path): the rows of issue 10's table (page 20 is filled in later)."""
    like = "_where=" + "agents+like+'%25\"RUS\"%25'+or+targets+like+'%25\"RUS\"%25'"
    month = (
        "select substr(date_start, 1, 7) as month, count(*) as n from entries "
        "where date_precision in ('day', 'week', 'month') group by month order by month"
    )
    return [
        ("first page (50)", "/timeline?limit=50", f"/scale/entries.json?{DS_PAGE}&_nocount=1"),
        ("keyset page 20", "", ""),
        (
            "type=visit, 2 years",
            "/timeline?type=visit&start=2010-01-01&end=2011-12-31&limit=50",
            f"/scale/entries.json?type=visit&date_start__gte=2010-01-01&date_start__lte=2011-12-31&{DS_PAGE}&_nocount=1",
        ),
        (
            "type=visit, 1 year",
            "/timeline?type=visit&start=2015&end=2015&limit=50",
            f"/scale/entries.json?type=visit&year=2015&{DS_PAGE}&_nocount=1",
        ),
        ("count=true", "/timeline?count=true&limit=50", f"/scale/entries.json?{DS_PAGE}"),
        (
            "facets=true",
            "/timeline?facets=true&limit=50",
            "/scale/entries.json?_size=50&_sort=date_start&_nocount=1&_nosuggest=1&_facet=type&_facet=year"
            "&_facet_array=agents&_facet_array=outlets",
        ),
        ("bucket=month", "/timeline?bucket=month&limit=50", "/scale.json?sql=" + month.replace(" ", "+")),
        (f"q={WORD}", f"/timeline?q={WORD}&limit=50", f"/scale/entries.json?_search={WORD}&{DS_PAGE}&_nocount=1"),
        ("actor=RUS", "/timeline?actor=RUS&limit=50", f"/scale/entries.json?{like}&{DS_PAGE}&_nocount=1"),
        ("/events?actor=RUS", "/events?actor=RUS&limit=50", None),
    ]


def page_20(tl: scale_http.Server, ds: scale_http.Server | None) -> tuple[str, str | None]:
    """The URLs of the 20th page of 50, reached by following each server's own cursor."""
    import httpx

    tl_path = "/timeline?limit=50"
    for _ in range(19):
        nxt = httpx.get(tl.base + tl_path, timeout=120).json()["next"]
        if nxt is None:  # fewer than 20 pages: time the last one
            break
        tl_path = f"/timeline?limit=50&cursor={nxt}"
    ds_path: str | None = None
    if ds is not None:
        ds_path = f"/scale/entries.json?{DS_PAGE}&_nocount=1"
        for _ in range(19):
            nxt = httpx.get(ds.base + ds_path, timeout=120).json()["next"]
            if nxt is None:
                break
            ds_path = f"/scale/entries.json?{DS_PAGE}&_nocount=1&_next={nxt}"
    return tl_path, ds_path


def fmt_ms(v: float | None) -> str:
    return "-" if v is None else (f"{v:.1f}" if v < 100 else f"{v:.0f}")


def latency_table(results: dict[str, tuple[scale_http.Timing, scale_http.Timing]], with_ds: bool) -> list[str]:
    head = "| query | timeline p50 ms | timeline p99 ms | n |"
    head += " Datasette p50 ms | Datasette p99 ms | timeline/Datasette (p50) |" if with_ds else ""
    lines = [head, "|" + "---|" * (head.count("|") - 1)]
    for name, (a, b) in results.items():
        row = f"| {name} | {fmt_ms(a.p50)} | {fmt_ms(a.pct(99))} | {len(a.samples)} |"
        if a.errors:
            row = row.replace(f"| {len(a.samples)} |", f"| {len(a.samples)} ({a.errors} errors: {a.last_error[:60]}) |")
        if with_ds:
            ratio = f"{a.p50 / b.p50:.2f}x" if a.p50 and b.p50 else "n/a"
            ds = "n/a" if not b.samples and not b.errors else fmt_ms(b.p50)
            row += f" {ds} | {fmt_ms(b.pct(99))} | {ratio} |"
            if b.errors:
                row += f" Datasette errors: {b.errors} ({b.last_error[:60]})"
        lines.append(row)
    return lines


# -- exports and load ---------------------------------------------------------------------------


def run_exporter(argv: list[str], env: dict[str, str], out: Path, timeout: float) -> tuple[int, float, float]:
    """(rows, seconds, peak RSS MB) of a command writing CSV to ``out``; killed after ``timeout``."""
    t = time.perf_counter()
    err = out.with_suffix(".err")
    with open(out, "wb") as fh, open(err, "wb") as fe:
        proc = subprocess.Popen(argv, env={**os.environ, **env}, stdout=fh, stderr=fe)
        deadline = time.monotonic() + timeout
        # Peak RSS from the child's own VmHWM, polled: wait4's ru_maxrss would include this (large)
        # process's RSS, which Linux carries into a child across fork and exec.
        peak = 0.0
        while proc.poll() is None:
            peak = max(peak, scale_http.peak_rss_mb(proc.pid) or 0.0)
            if time.monotonic() > deadline:
                proc.kill()
            time.sleep(0.02)
    elapsed = time.perf_counter() - t
    if proc.returncode != 0:
        raise RuntimeError(f"{Path(argv[0]).name} exited {proc.returncode}: {err.read_text()[-300:]}")
    with open(out, "rb") as fh:
        rows = sum(1 for _ in fh) - 1
    return rows, elapsed, peak


def export_rows(
    store_url: str, ds_path: Path | None, ds: scale_http.Server | None, tl: scale_http.Server, timeout: float
) -> list[str]:
    """CSV of every row: timeline's CLI and API against sqlite-utils and Datasette's streamed CSV."""
    lines = ["| exporter | rows | s | rows/s | peak RSS MB |", "|---|---|---|---|---|"]
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out.csv"
        jobs: list[tuple[str, list[str], dict[str, str]]] = [
            (
                "timeline export --format csv (CLI)",
                [str(Path(sys.executable).with_name("timeline")), "export", "--format", "csv", "--status", "all"],
                {"TIMELINE_DATABASE_URL": store_url},
            ),
        ]
        if ds_path is not None:
            jobs.append(
                (
                    "sqlite-utils rows --csv (CLI)",
                    [str(DS_VENV / "bin" / "sqlite-utils"), "rows", str(ds_path), "entries", "--csv"],
                    {},
                )
            )
        for name, argv, env in jobs:
            try:
                rows, secs, rss = run_exporter(argv, env, out, timeout)
                lines.append(f"| {name} | {rows:,} | {secs:.1f} | {rows / secs:,.0f} | {rss:.0f} |")
            except Exception as exc:  # one failing exporter must not hide the others
                lines.append(f"| {name} | failed: {exc} | | | |")
        http = [("timeline GET /timeline/export.csv?status=all (server)", tl, "/timeline/export.csv?status=all")]
        if ds is not None:
            http.append(("Datasette entries.csv?_stream=on (server)", ds, "/scale/entries.csv?_stream=on&_size=max"))
        for name, server, path in http:
            try:
                rows, secs = scale_http.stream_rows(server.base + path, timeout)
                srv_rss = server.peak_rss_mb()
                lines.append(
                    f"| {name} | {rows:,} | {secs:.1f} | {rows / secs:,.0f} | {srv_rss or 0:.0f} (server, whole run) |"
                )
            except Exception as exc:
                lines.append(f"| {name} | failed: {exc} | | | |")
    return lines


# -- ingest cost ----------------------------------------------------------------------------------


def fresh_articles(count: int, salt: int) -> list[ArticleRecord]:
    """New articles about one new US visit to Russia (a busy pair), none of them in any built store."""
    import random

    rng = random.Random(salt)
    w = scale_data.world()
    day = scale_data.FIRST_DAY + __import__("datetime").timedelta(days=rng.randrange(scale_data.DAYS))
    return [
        next(scale_data.happening_reports(rng, w, 50_000_000 + salt * 100 + i, "visit", "USA", "RUS", day, 1))
        for i in range(count)
    ]


def time_adds(store: Store, records: list[ArticleRecord]) -> list[float]:
    out = []
    for rec in records:
        t = time.perf_counter()
        store.add(rec)
        out.append(time.perf_counter() - t)
    return out


def rebuild_in_subprocess(url: str, timeout: float) -> float | None:
    """Seconds ``Store.rebuild_entries()`` takes on ``url``, or None when it passes ``timeout``."""
    code = (
        "import sys,time; from timeline.store import Store; s=Store(sys.argv[1]); t=time.perf_counter();"
        " s.rebuild_entries(); print(time.perf_counter()-t)"
    )
    try:
        out = subprocess.run([sys.executable, "-c", code, url], capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return None
    if out.returncode != 0:
        raise RuntimeError(f"rebuild failed: {out.stderr[-400:]}")
    return float(out.stdout.strip())


def empty_store(url: str | None, tmp: str, i: int) -> Store:
    """An empty store of the same kind: a new SQLite file, or a PostgreSQL database beside ``url``'s."""
    if url is None:
        store = Store(f"sqlite:///{tmp}/empty{i}.sqlite3")
    else:
        base, _, name = url.rpartition("/")
        admin = Store(url).engine.execution_options(isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            if not conn.exec_driver_sql(
                "SELECT 1 FROM pg_database WHERE datname = %(n)s", {"n": name + "_empty"}
            ).first():
                conn.exec_driver_sql(f'CREATE DATABASE "{name}_empty"')
        admin.dispose()
        store = Store(f"{base}/{name}_empty")
        store.drop_schema()
    store.create_schema()
    return store


def ingest_cost(
    store_url: str, store_path: Path | None, n: int, entries: int, rebuild_limit: float, kind: str
) -> list[str]:
    """One new article into the built store and into an empty one; rebuild_entries() on the built store."""
    lines: list[str] = []
    salt = int(time.time()) % 100_000  # new every run: a PostgreSQL store keeps what it was given
    records = fresh_articles(5, salt)
    with tempfile.TemporaryDirectory(dir=CACHE) as tmp:
        if store_path is not None:  # work on a copy, so the cached store stays as built
            copy = Path(tmp) / "copy.sqlite3"
            shutil.copy(store_path, copy)
            url = f"sqlite:///{copy}"
        else:
            url = store_url
        # Each store first takes one unrelated article (untimed): a new engine compiles every
        # statement on first use, which is no part of what a write costs.
        warm = fresh_articles(2, salt + 1)
        built = Store(url)
        built.add(warm[0])
        on_built = time_adds(built, records)
        empty = empty_store(None if store_path else store_url, tmp, 0)
        empty.add(warm[1])
        on_empty = time_adds(empty, records)
        empty.engine.dispose()
        b, e = statistics.median(on_built), statistics.median(on_empty)
        lines += [
            "| one new article (median of 5 on one new visit, `Store.add`) | into the built store "
            "| into an empty store | ratio |",
            "|---|---|---|---|",
            f"| ms | {1000 * b:.1f} | {1000 * e:.1f} | {b / e:.1f}x |",
            "",
        ]
        built.engine.dispose()
        estimate = rebuild_estimate(n, kind)
        if estimate is not None and estimate > rebuild_limit:
            lines.append(
                f"rebuild_entries(): skipped, estimated {estimate:,.0f} s from the small store's time "
                f"(over the {rebuild_limit:.0f} s limit)"
            )
        else:
            secs = rebuild_in_subprocess(url, rebuild_limit)
            lines.append(
                "rebuild_entries(): "
                + (
                    f"{secs:.1f} s ({1e6 * secs / max(entries, 1):.0f} µs per entry)"
                    if secs is not None
                    else f"stopped after {rebuild_limit:.0f} s"
                )
            )
            if secs is not None:
                (CACHE / f"rebuild-{kind}-{n}.json").write_text(json.dumps({"n": n, "entries": entries, "s": secs}))
    return lines


def rebuild_estimate(n: int, kind: str) -> float | None:
    """Extrapolate rebuild time from the largest smaller run on record (by the growth seen when two are known)."""
    found = (json.loads(p.read_text()) for p in CACHE.glob(f"rebuild-{kind}-*.json"))
    known = sorted(found, key=lambda r: r["n"])
    smaller = [r for r in known if r["n"] < n]
    if not smaller:
        return None
    last = smaller[-1]
    exponent = 1.0
    if len(smaller) >= 2 and smaller[-2]["s"] > 0:
        a, b = smaller[-2], smaller[-1]
        exponent = max(1.0, math.log(b["s"] / a["s"]) / math.log(b["n"] / a["n"]))
    return float(last["s"] * (n / last["n"]) ** exponent)


# -- issue 9: one write against a growing happening ----------------------------------------------


def per_write(levels: list[int], budget: float, mode: str) -> None:
    """Per-write time when one veto already has 10, 100, 1,000, 10,000 reports (each a different article)."""
    reports = scale_data.same_veto_reports(max(levels) + 3 * len(levels) + 10)
    with tempfile.TemporaryDirectory(dir=CACHE) as tmp:
        store = Store(f"sqlite:///{tmp}/perwrite.sqlite3")
        store.create_schema()
        mode = build_mode(store, mode)
        held = 0
        rows: list[tuple[int, float | None, str]] = []
        history: list[tuple[int, float]] = []
        for level in levels:
            if len(history) >= 1:  # extrapolate before paying for a level that would not fit
                e = 2.0
                if len(history) >= 2:
                    (l1, t1), (l2, t2) = history[-2], history[-1]
                    e = max(0.0, math.log(max(t2, 1e-6) / max(t1, 1e-6)) / math.log(l2 / l1))
                guess = history[-1][1] * (level / history[-1][0]) ** e
                if guess * 4 > budget:
                    rows.append((level, None, f"skipped: ~{guess:,.1f} s per write extrapolated (x^{e:.2f})"))
                    continue
            t = time.perf_counter()
            fill = [next(reports) for _ in range(level - held)]
            ingest(store, fill, mode)
            held = level
            fill_s = time.perf_counter() - t
            times = time_adds(store, [next(reports) for _ in range(3)])
            held += 3
            med = statistics.median(times)
            history.append((level, med))
            rows.append((level, med, f"fill {fill_s:.1f} s ({mode})"))
            log(f"per-write: {level} reports held, {1000 * med:.1f} ms per write")
        entries = scale_sql.entry_count(store)
    base = next((w for lv, w, _ in rows if lv == levels[0] and w), None)
    print(f"\n## Per-write time vs reports already held by one happening (issue 9; {entries} entry at the end)\n")
    print("| reports held | ms per write (median of 3) | ratio to 10 | note |")
    print("|---|---|---|---|")
    for level, w, note in rows:
        ratio = f"{w / base:.1f}x" if w and base else "-"
        print(f"| {level:,} | {fmt_ms(1000 * w) if w else '-'} | {ratio} | {note} |")


# -- the whole run ----------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--entries", type=int, default=1_000_000, help="happenings to generate (default 1,000,000)")
    ap.add_argument("--requests", type=int, default=200, help="requests per query and server (default 200)")
    ap.add_argument("--query-budget", type=float, default=60, help="seconds per query before it stops early")
    ap.add_argument("--clients", type=int, default=32)
    ap.add_argument("--load-seconds", type=float, default=20)
    ap.add_argument("--export-timeout", type=float, default=600)
    ap.add_argument("--rebuild-limit", type=float, default=600, help="skip rebuild_entries() estimated above this")
    ap.add_argument("--build", choices=["auto", "load", "add_many", "add", "deferred"], default="auto")
    ap.add_argument(
        "--build-limit", type=float, default=120, help="minutes: stop a bulk build projected past this (0: none)"
    )
    ap.add_argument("--postgres", metavar="URL", help="also run the timeline side against this PostgreSQL database")
    ap.add_argument("--no-datasette", action="store_true", help="timeline figures only")
    ap.add_argument("--per-write", action="store_true", help="issue 9's per-write table instead")
    ap.add_argument("--per-write-levels", default="10,100,1000,10000")
    ap.add_argument("--per-write-budget", type=float, default=300, help="seconds one level's writes may take")
    args = ap.parse_args(argv)
    started = time.perf_counter()
    if args.per_write:
        per_write([int(x) for x in args.per_write_levels.split(",")], args.per_write_budget, args.build)
        return 0
    use_ds = not args.no_datasette
    if use_ds and not (DS_VENV / "bin" / "datasette").exists():
        print(f"scale: {DS_VENV} is missing; run `make bench-scale` (or pass --no-datasette)", file=sys.stderr)
        return 2
    try:
        path, meta = build_sqlite(args.entries, args.build, args.build_limit * 60)
    except BuildTooSlow as exc:
        print(f"scale: {exc}", file=sys.stderr)
        return 2
    print(
        f"# Scale benchmark: {meta['entries']:,} timeline entries from {meta['articles']:,} articles "
        f"({args.entries:,} happenings)\n"
    )
    print(
        f"build: {meta['build_s']:.0f} s with `{meta['mode']}`"
        + (
            ""
            if "consolidate_s" not in meta
            else f" ({meta['ingest_s']:.0f} s writing articles, {meta['consolidate_s']:.0f} s in rebuild_entries())"
        )
        + (" (cached)" if meta["cached"] else "")
    )
    ds_path = datasette_db(path) if use_ds else None
    targets: list[tuple[str, str, Path | None, dict[str, Any]]] = [("SQLite", f"sqlite:///{path}", path, meta)]
    if args.postgres:
        pg_store, pg_meta = build_postgres(args.postgres, args.entries, args.build, args.build_limit * 60)
        pg_store.engine.dispose()
        targets.append(("PostgreSQL", args.postgres, None, pg_meta))
        print(
            f"postgres build: {pg_meta['build_s']:.0f} s, {pg_meta['entries']:,} entries"
            + (" (cached)" if pg_meta["cached"] else "")
        )
    for label, url, spath, tmeta in targets:
        run_target(args, label, url, spath, tmeta, ds_path if label == "SQLite" else None)
    print(f"\nwhole run: {time.perf_counter() - started:.0f} s")
    return 0


def run_target(
    args: argparse.Namespace, label: str, url: str, spath: Path | None, meta: dict[str, Any], ds_path: Path | None
) -> None:
    """Every measurement for one store (SQLite with Datasette beside it, or PostgreSQL alone)."""
    print(f"\n## {label}\n")
    timeline_bin = str(Path(sys.executable).with_name("timeline"))
    logs = Path(tempfile.mkdtemp(prefix="scale-logs-"))
    with scale_http.serving(
        "timeline",
        [timeline_bin, "serve", "--host", scale_http.HOST, "--port", "{port}"],
        {"TIMELINE_DATABASE_URL": url, "TIMELINE_WRITE_RATE_LIMIT": "off"},
        "/timeline?limit=1",
        logs / "timeline.log",
    ) as tl:
        ds_ctx = (
            scale_http.serving(
                "datasette",
                [
                    str(DS_VENV / "bin" / "datasette"),
                    "serve",
                    "-i",
                    str(ds_path),
                    "--host",
                    scale_http.HOST,
                    "--port",
                    "{port}",
                    "--setting",
                    "sql_time_limit_ms",
                    "120000",
                    "--setting",
                    "facet_time_limit_ms",
                    "120000",
                    "--setting",
                    "num_sql_threads",
                    "3",
                ],
                {},
                "/scale.json",
                logs / "datasette.log",
            )
            if ds_path is not None
            else _nothing()
        )
        with ds_ctx as ds:
            qs = queries()
            p20_tl, p20_ds = page_20(tl, ds)
            qs[1] = ("keyset page 20", p20_tl, p20_ds)
            log(f"{label}: timing {len(qs)} queries, up to {args.requests} requests each")
            results = scale_http.alternate(qs, tl, ds, args.requests, args.query_budget)
            print("\n".join(latency_table(results, ds is not None)))
            print()
            log(f"{label}: exports")
            print("\n".join(export_rows(url, ds_path, ds, tl, args.export_timeout)))
            print()
            log(f"{label}: load")
            print(f"| {args.clients} clients x {args.load_seconds:.0f} s, first page | req/s | errors |")
            print("|---|---|---|")
            rps, err = scale_http.load(tl.base + qs[0][1], args.clients, args.load_seconds)
            print(f"| timeline | {rps:,.0f} | {err} |")
            if ds is not None:
                rps_ds, err_ds = scale_http.load(ds.base + str(qs[0][2]), args.clients, args.load_seconds)
                print(f"| Datasette | {rps_ds:,.0f} | {err_ds} |")
                print(f"| ratio | {rps / rps_ds:.2f}x | |" if rps_ds else "| ratio | n/a | |")
            print(
                f"\npeak RSS of the servers: timeline {tl.peak_rss_mb() or 0:.0f} MB"
                + (f", Datasette {ds.peak_rss_mb() or 0:.0f} MB" if ds is not None else "")
            )
    store = Store(url)
    print(f"\n### Query plans ({label})\n")
    for name, tl_path, _ds in qs:
        print(f"{name}: {tl_path}")
        try:
            print("\n".join(scale_sql.plans(store, tl_path, analyze=store.dialect == "postgresql")))
        except Exception as exc:  # a plan that cannot be shown is reported, the run goes on
            print(f"  (no plan: {exc})")
    print(f"\n### Size ({label})\n")
    total = scale_sql.database_bytes(store, spath)
    entries = scale_sql.entry_count(store)
    print(f"{total / 1e6:,.1f} MB for {entries:,} entries: {total / max(entries, 1):,.0f} bytes per entry\n")
    print("| table or index | MB | bytes per entry |")
    print("|---|---|---|")
    for name, size in scale_sql.where_bytes(store):
        print(f"| {name} | {size / 1e6:,.1f} | {size / max(entries, 1):,.0f} |")
    store.engine.dispose()
    print(f"\n### Ingest cost ({label})\n")
    print("\n".join(ingest_cost(url, spath, args.entries, entries, args.rebuild_limit, store.dialect)))


class _nothing:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None


if __name__ == "__main__":
    sys.exit(main())
