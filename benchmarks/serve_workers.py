"""API read throughput with 1 and 2 worker processes on PostgreSQL, and a mixed read/write load.

    python benchmarks/serve_workers.py [--url postgresql://postgres@127.0.0.1:5432/postgres] [--seconds 15]

It (re)creates a database ``timeline_bench_serve`` on that server, ingests synthetic pages, then for
each worker count starts ``timeline serve --workers N`` on loopback and drives it for a bounded time
with a light asyncio HTTP/1.1 client (keep-alive connections, one process) on ``GET /timeline``.
Then, with the most workers, readers and writers together (writers POST new pages): every response
must be 2xx, and afterwards the stored timeline must equal a rebuild (``Store.rebuild_entries()``).
Reported as requests per second and the ratio between worker counts, from one run. When ``wrk`` is
installed (Debian: ``apt-get install wrk``) the reads are measured with it too: the asyncio client
spends a good share of the two cores itself, which caps what a second worker can show.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import sqlalchemy as sa

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "tests"))

from ingest_helpers import specs_of  # noqa: E402
from ingest_jobs import cpu_ceiling  # noqa: E402
from synthetic_pages import _page, write_pages  # noqa: E402

from timeline.ingest import Ingest  # noqa: E402

WRITE_TOKEN = "bench-" + os.urandom(16).hex()
FRESH_CONNECTIONS = True
from timeline.query import build_filter  # noqa: E402
from timeline.settings import Settings  # noqa: E402
from timeline.store import (  # noqa: E402
    Store,
    migrations,
    normalise_url,
)
from timeline.store.schema import entries  # noqa: E402

DB = "timeline_bench_serve"
READ = "/timeline?limit=50&facets=true&type=visit"
BIN = Path(sys.executable).parent / "timeline"


def recreate(url: str) -> str:
    """A fresh, empty database next to ``url``'s; returns its URL."""
    admin = sa.create_engine(normalise_url(url), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")
        conn.exec_driver_sql(f"CREATE DATABASE {DB}")
    admin.dispose()
    return str(sa.engine.make_url(url).set(database=DB).render_as_string(hide_password=False))


class Load:
    """Counts of one load run."""

    def __init__(self) -> None:
        self.ok = 0
        self.errors: list[str] = []


async def _request(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, raw: bytes) -> int:
    writer.write(raw)
    await writer.drain()
    status_line = await reader.readline()
    status = int(status_line.split()[1])
    length = 0
    chunked = False
    while (line := await reader.readline()) not in (b"\r\n", b""):
        name, _, value = line.decode("latin-1").partition(":")
        if name.lower() == "content-length":
            length = int(value)
        elif name.lower() == "transfer-encoding" and "chunked" in value:
            chunked = True
    if chunked:
        while (size := int((await reader.readline()).strip() or b"0", 16)) > 0:
            await reader.readexactly(size + 2)
        await reader.readline()
    else:
        await reader.readexactly(length)
    return status


def _get(path: str) -> bytes:
    return f"GET {path} HTTP/1.1\r\nHost: bench\r\n\r\n".encode()


def _post(body: dict[str, object]) -> bytes:
    data = json.dumps(body).encode()
    token = os.environ.get("TIMELINE_API_TOKEN", WRITE_TOKEN)
    auth = f"Authorization: Bearer {token}\r\n" if token else ""
    head = f"POST /articles HTTP/1.1\r\nHost: bench\r\nContent-Type: application/json\r\n{auth}"
    return (head + f"Content-Length: {len(data)}\r\n\r\n").encode() + data


async def _client(port: int, until: float, load: Load, make: object) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        while time.perf_counter() < until:
            try:
                status = await _request(reader, writer, make())  # type: ignore[operator]
            except (OSError, asyncio.IncompleteReadError, ValueError, IndexError) as exc:
                load.errors.append(f"{type(exc).__name__}: {exc}")
                writer.close()
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
                continue
            if 200 <= status < 300:
                load.ok += 1
            else:
                load.errors.append(f"HTTP {status}")
            if FRESH_CONNECTIONS:
                # the workers share one listening socket and the kernel hands each new connection to one of
                # them: 8 keep-alive connections opened at once all land on the first worker to accept, so
                # the others idle. A connection per request spreads them, as a reverse proxy would.
                writer.close()
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
    finally:
        writer.close()


def drive(port: int, seconds: float, readers: int, writers: int = 0, seed: int = 0) -> tuple[Load, Load]:
    """Run readers (GET the timeline) and writers (POST new pages) for ``seconds``."""
    reads, writes = Load(), Load()
    rng = random.Random(seed)
    counter = iter(range(10**9))

    def new_page() -> bytes:
        text, published, _ = _page(rng, 900_000 + next(counter))
        if text.startswith("<!doctype"):
            return _post({"html": text, "published": published, "outlet": "bench"})
        return _post({"text": text, "published": published, "outlet": "bench"})

    async def main() -> None:
        until = time.perf_counter() + seconds
        tasks = [_client(port, until, reads, lambda: _get(READ)) for _ in range(readers)]
        tasks += [_client(port, until, writes, new_page) for _ in range(writers)]
        await asyncio.gather(*tasks)

    asyncio.run(main())
    return reads, writes


def wrk_rate(port: int, seconds: float, connections: int) -> float | None:
    """Reads per second measured by ``wrk`` (when installed): a C load generator takes far less of the
    two shared cores than the asyncio client, so more of them are left to the servers. A new connection
    per request (``Connection: close``), as with the asyncio client, so that the kernel spreads them."""
    wrk = shutil.which("wrk")
    if wrk is None:
        return None
    out = subprocess.run(
        [wrk, "-t1", f"-c{connections}", f"-d{int(seconds)}s", "-H", "Connection: close",
         f"http://127.0.0.1:{port}{READ}"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    match = re.search(r"Requests/sec:\s+([\d.]+)", out.stdout)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out.stdout)
    if errors:
        print(f"  wrk: {errors.group(1)} non-2xx responses")
    return float(match.group(1)) if match else None


class Server:
    """``timeline serve --workers N`` in a subprocess, ready when /readyz says so."""

    def __init__(self, url: str, workers: int, port: int) -> None:
        # the writers' token, and no write rate limit: the load is the point
        env = {**os.environ, "TIMELINE_DATABASE_URL": url, "TIMELINE_API_TOKENS": WRITE_TOKEN,
               "TIMELINE_WRITE_RATE_LIMIT": "off"}  # fmt: skip
        cmd = [str(BIN), "serve", "--workers", str(workers), "--port", str(port), "--no-access-log"]
        self.proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.port = port
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=2) as r:
                    if r.status == 200:
                        # every worker must be up, not just the first: warm each with a few reads
                        drive(port, 2, readers=workers * 2)
                        return
            except OSError:
                time.sleep(0.5)
        self.stop()
        raise SystemExit(f"server with {workers} worker(s) did not become ready")

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=30)


def sizes(store: Store, vacuum_full: bool = False) -> None:
    """Rows, heap (with TOAST) and index bytes per table, and bytes per timeline entry: the sizing basis.

    As written, the tables carry the dead rows re-consolidation leaves behind (entries are rewritten
    when a new mention joins them); after VACUUM FULL they hold only live data.
    """
    sql = """
        SELECT c.relname, c.reltuples::bigint,
               pg_table_size(c.oid), pg_indexes_size(c.oid)
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind = 'r' AND n.nspname = current_schema() ORDER BY 3 DESC"""
    if vacuum_full:
        with store.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM FULL")
    with store.engine.begin() as conn:
        conn.exec_driver_sql("ANALYZE")
        rows = conn.exec_driver_sql(sql).all()
        n_entries = conn.execute(sa.select(sa.func.count()).select_from(entries)).scalar() or 1
        indexes = conn.exec_driver_sql(
            "SELECT indexrelname, pg_relation_size(indexrelid) FROM pg_stat_user_indexes ORDER BY 2 DESC"
        ).all()
    total = sum(r[2] + r[3] for r in rows)
    print(f"sizes ({n_entries} entries, {'after VACUUM FULL' if vacuum_full else 'as written'}):")
    print("  table             rows     table+toast    indexes")
    for name, n, table, index in rows:
        print(f"  {name:16} {max(n, 0):7} {table / 1024:11.0f} kB {index / 1024:8.0f} kB")
    print(f"  total {total / 1024 / 1024:.1f} MB = {total / n_entries:.0f} bytes per entry, all tables and indexes")
    print("  largest indexes: " + ", ".join(f"{name} {size / 1024:.0f} kB" for name, size in indexes[:6]))


def ingest(server_url: str, pages: int) -> Store:
    """A fresh database with ``pages`` synthetic pages ingested (2 extraction processes)."""
    store = Store(recreate(server_url))
    migrations.upgrade(store.engine)
    with tempfile.TemporaryDirectory() as tmp:
        specs = specs_of(write_pages(Path(tmp) / "pages", pages, seed=99))
        t = time.perf_counter()
        Ingest(store, Settings.from_env({}), report_line=lambda line: None).run(specs, jobs=2)
        took = time.perf_counter() - t
    print(f"store: {store.counts()}, ingested in {took:.0f} s ({1000 * took / pages:.0f} ms per page, 2 jobs)")
    return store


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--url", default=os.environ.get("TIMELINE_BENCH_POSTGRES_URL",
                                                    "postgresql://postgres@127.0.0.1:5432/postgres"))  # fmt: skip
    ap.add_argument("--pages", type=int, default=1500, help="pages to ingest first (0: reuse the last run's store)")
    ap.add_argument("--seconds", type=float, default=15)
    ap.add_argument("--connections", type=int, default=8)
    ap.add_argument("--port", type=int, default=8799)
    args = ap.parse_args()
    ceiling = cpu_ceiling()
    print(f"load average at start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; "
          f"2 busy processes get {ceiling:.2f}x the CPU work of 1 here (the ceiling for any speed-up)")  # fmt: skip
    if args.pages == 0:  # reuse the store of a previous run
        url = str(sa.engine.make_url(args.url).set(database=DB).render_as_string(hide_password=False))
        store = Store(url)
    else:
        store = ingest(args.url, args.pages)
        sizes(store)
        sizes(store, vacuum_full=True)
    url = store.url.replace("postgresql+psycopg://", "postgresql://")

    rates: dict[int, float] = {}
    wrk_rates: dict[int, float] = {}
    for workers in (1, 2):
        server = Server(url, workers, args.port)
        try:
            reads, _ = drive(args.port, args.seconds, readers=args.connections)
            rate = wrk_rate(args.port, args.seconds, args.connections)
        finally:
            server.stop()
        rates[workers] = reads.ok / args.seconds
        print(f"reads, {workers} worker(s): {rates[workers]:.1f} req/s over {args.seconds:.0f} s, "
              f"{len(reads.errors)} errors")  # fmt: skip
        if rate is not None:
            wrk_rates[workers] = rate
            print(f"reads, {workers} worker(s), wrk: {rate:.1f} req/s")
    print(f"read throughput 2 workers / 1 worker: {rates[2] / rates[1]:.2f}x (asyncio client)")
    if len(wrk_rates) == 2:
        print(f"read throughput 2 workers / 1 worker: {wrk_rates[2] / wrk_rates[1]:.2f}x (wrk)")

    server = Server(url, 2, args.port)
    try:
        reads, writes = drive(args.port, args.seconds, readers=args.connections - 2, writers=2, seed=1)
    finally:
        server.stop()
    errors = reads.errors + writes.errors
    print(f"mixed, 2 workers: {reads.ok / args.seconds:.1f} reads/s and {writes.ok / args.seconds:.1f} writes/s, "
          f"{len(errors)} errors{': ' + '; '.join(sorted(set(errors))[:5]) if errors else ''}")  # fmt: skip

    def timeline() -> list[tuple[object, ...]]:
        every = build_filter(status="all", limit=1000)
        return sorted(
            (e.id, e.type, e.status, e.date_start, e.agents, e.targets, e.mention_count, e.confidence,
             tuple(s.event_id for s in e.sources))
            for e in store.iter_entries(every)
        )  # fmt: skip

    before = timeline()
    store.rebuild_entries()
    after = timeline()
    print(f"timeline after the mixed load equals a rebuild: {'yes' if before == after else 'NO'} "
          f"({len(before)} entries before, {len(after)} after)")  # fmt: skip
    store.engine.dispose()


if __name__ == "__main__":
    main()
