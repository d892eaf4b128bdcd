"""Stress the service the way an operator and an attacker did, on loopback only, and print the figures.

    python benchmarks/stress.py [--postgres URL] [--only a,b,c,d] [--clients 50] [--seconds 30] [--garbage 10000]

Each scenario starts its own ``timeline serve`` (or ``timeline ingest``) processes on free ports, against a
temporary SQLite file or, with ``--postgres URL``, a fresh PostgreSQL database created (and dropped) on
that server. Everything stops by itself; the exit status is 1 when a scenario's check fails.

(a) 16+ concurrent writers POST related articles (the same happenings in other words, from other outlets);
    the stored timeline must equal a rebuild from scratch, every event in exactly one entry.
(b) 50 clients for 30 s of mixed reads and writes: requests, 5xx count, latency.
(c) 10,000 garbage requests (random bytes, huge and deep JSON, bad dates, NUL, FTS syntax, bad content
    types, odd query strings) and varied real articles: 0 5xx, server RSS flat within +-20% after warm-up.
(d) ``timeline ingest`` killed with SIGKILL mid-run, then run again: articles, events and entries equal
    a one-shot ingest.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import http.client
import json
import os
import random
import secrets
import signal
import socket
import statistics
import string
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT))

from timeline.models import STATUSES  # noqa: E402
from timeline.query import EventFilter  # noqa: E402
from timeline.store import Store, normalise_url  # noqa: E402

TOKEN = "stress-" + secrets.token_hex(16)
FAILURES: list[str] = []

# -- article text: written for this benchmark ---------------------------------------------------

COUNTRIES = [
    ("France", "Paris", "French"),
    ("Germany", "Berlin", "German"),
    ("Spain", "Madrid", "Spanish"),
    ("Morocco", "Rabat", "Moroccan"),
    ("Brazil", "Brasilia", "Brazilian"),
    ("Argentina", "Buenos Aires", "Argentine"),
    ("Japan", "Tokyo", "Japanese"),
    ("India", "New Delhi", "Indian"),
    ("Italy", "Rome", "Italian"),
    ("Poland", "Warsaw", "Polish"),
    ("Norway", "Oslo", "Norwegian"),
    ("Egypt", "Cairo", "Egyptian"),
    ("Kenya", "Nairobi", "Kenyan"),
    ("Mexico", "Mexico City", "Mexican"),
    ("Canada", "Ottawa", "Canadian"),
    ("Turkey", "Ankara", "Turkish"),
]
TEMPLATES = {
    "visit": [
        "The foreign minister of {A} visited {B} on {D}, officials said.",
        "{A}'s foreign minister paid a visit to {B} on {D}.",
        "On {D}, the foreign minister of {A} visited {Bcap} for talks.",
    ],
    "expulsion": [
        "{A} expelled two {Bdem} diplomats on {D}.",
        "On {D}, {A} expelled two {Bdem} diplomats, the ministry said.",
    ],
    "recall": [
        "{A} recalled its ambassador from {B} on {D}.",
        "On {D} {A} recalled its envoy to {B} for consultations.",
    ],
    "phone_call": [
        "The leaders of {A} and {B} spoke by phone on {D}.",
        "On {D}, the leaders of {A} and {B} spoke by phone about trade.",
    ],
}
FILLER = [
    "Markets were calm.",
    "The weather in the capital was mild.",
    "Analysts expect further talks.",
    "A spokesperson declined to comment further.",
    "Trade between the two has grown.",
]


def happenings(n: int, rng: random.Random) -> list[tuple[str, int, int, dt.date]]:
    """``n`` distinct happenings: (type, agent index, target index, day)."""
    out = []
    types = list(TEMPLATES)
    for i in range(n):
        a, b = rng.sample(range(len(COUNTRIES)), 2)
        out.append((types[i % len(types)], a, b, dt.date(2024, 1, 1) + dt.timedelta(days=9 * i)))
    return out


def article_text(h: tuple[str, int, int, dt.date], variant: int, rng: random.Random) -> str:
    kind, a, b, day = h
    tmpl = TEMPLATES[kind][variant % len(TEMPLATES[kind])]
    (an, _, _), (bn, bcap, bdem) = COUNTRIES[a], COUNTRIES[b]
    sentence = tmpl.format(A=an, B=bn, Bcap=bcap, Bdem=bdem, D=f"{day:%B} {day.day}, {day.year}")
    return f"{an} and {bn}\n\n{sentence} {rng.choice(FILLER)}\n"


def random_word(rng: random.Random) -> str:
    return "".join(rng.choice(string.ascii_lowercase) for _ in range(rng.randint(4, 11))).capitalize()


# -- processes and databases --------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def database(postgres: str | None, tag: str) -> Iterator[str]:
    """A fresh empty database URL: a temporary SQLite file, or a new PostgreSQL database (dropped after)."""
    if postgres is None:
        with tempfile.TemporaryDirectory(prefix=f"stress-{tag}-") as d:
            yield f"sqlite:///{d}/stress.sqlite3"
        return
    name = f"stress_{tag}_{secrets.token_hex(4)}"
    admin = sa.create_engine(normalise_url(postgres), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = urllib.parse.urlsplit(postgres)._replace(path="/" + name).geturl()
    try:
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def env_for(db_url: str, **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "TIMELINE_DATABASE_URL": db_url,
        "TIMELINE_API_TOKENS": TOKEN,
        "TIMELINE_TOKEN_FILE": "",
        "TIMELINE_WRITE_RATE_LIMIT": "off",
        **extra,
    }


class Server:
    """``timeline serve`` on a free loopback port; its stderr goes to a log file kept for the report."""

    def __init__(self, db_url: str, log: Path) -> None:
        self.port = free_port()
        self.log = log
        self._log = open(log, "wb")  # noqa: SIM115
        self.proc = subprocess.Popen(
            [str(BIN / "timeline"), "serve", "--host", "127.0.0.1", "--port", str(self.port)],
            env=env_for(db_url),
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError):
                if request(self.port, "GET", "/plugins")[0] == 200:
                    return
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited: {log.read_text()[-2000:]}")
            time.sleep(0.2)
        raise RuntimeError("server did not start in 60 s")

    def rss_mb(self) -> float:
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return float("nan")

    def tracebacks(self) -> int:
        return self.log.read_text(errors="replace").count("Traceback (most recent call last)")

    def stop(self) -> None:
        self.proc.send_signal(signal.SIGINT)
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self._log.close()


_local = threading.local()


def request(
    port: int, method: str, path: str, body: bytes | None = None, headers: dict[str, str] | None = None
) -> tuple[int, bytes]:
    """One request on this thread's keep-alive connection (reconnecting when the server closed it)."""
    conns: dict[int, http.client.HTTPConnection] = _local.__dict__.setdefault("conns", {})
    for attempt in (0, 1):
        conn = conns.get(port) or http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        conns[port] = conn
        try:
            conn.putrequest(method, path, skip_accept_encoding=True)
            hdrs = {"Content-Length": str(len(body or b"")), **(headers or {})}
            for k, v in hdrs.items():
                conn.putheader(k, v)
            conn.endheaders(body)
            resp = conn.getresponse()
            data = resp.read()
            if resp.getheader("connection", "").lower() == "close":
                conn.close()
                conns.pop(port, None)
            return resp.status, data
        except (TimeoutError, http.client.HTTPException, ConnectionError):
            conn.close()
            conns.pop(port, None)
            if attempt:
                raise
    raise AssertionError("unreachable")


AUTH = {"Authorization": f"Bearer {TOKEN}"}


def post_json(port: int, obj: object) -> int:
    body = json.dumps(obj).encode()
    return request(port, "POST", "/articles", body, {**AUTH, "Content-Type": "application/json"})[0]


def everything() -> EventFilter:
    return EventFilter(statuses=STATUSES, limit=1000)


def snapshot(store: Store) -> tuple[set[str], set[str], set[tuple[str, frozenset[str]]]]:
    """Article ids, event ids and entries (id with its events) of a store."""
    with store.engine.connect() as conn:
        arts = set(conn.execute(sa.text("SELECT id FROM articles")).scalars())
    evs = {e.id for e in store.iter_events(everything())}
    ents = {(en.id, frozenset(s.event_id for s in en.sources)) for en in store.iter_entries(everything())}
    return arts, evs, ents


def check(ok: bool, what: str) -> str:
    if not ok:
        FAILURES.append(what)
    return "ok" if ok else "FAILED"


# -- scenarios ----------------------------------------------------------------------------------


def scenario_a(db_url: str, logs: Path, writers: int = 16, per_writer: int = 6) -> None:
    """Concurrent writers of related articles; the stored timeline must equal a rebuild."""
    rng = random.Random(1)
    hs = happenings(12, rng)
    jobs = []
    for w in range(writers):
        for k in range(per_writer):
            h = hs[(w * per_writer + k) % len(hs)]
            text = article_text(h, w + k, rng)
            jobs.append(
                {
                    "text": text,
                    "outlet": f"Outlet {w % 7}",
                    "url": f"https://outlet{w % 7}.example/{w}/{k}",
                    "published": str(h[3] + dt.timedelta(days=w % 2)),
                }
            )
    server = Server(db_url, logs / "a.log")
    try:
        t0 = time.monotonic()
        with ThreadPoolExecutor(writers) as pool:
            codes = Counter(pool.map(lambda j: post_json(server.port, j), jobs))
        took = time.monotonic() - t0
    finally:
        server.stop()
    store = Store(db_url)
    arts, evs, before = snapshot(store)
    store.rebuild_entries()
    _, _, after = snapshot(store)
    store.engine.dispose()
    in_entries = Counter(e for _, ids in before for e in ids)
    once = set(in_entries) == evs and all(n == 1 for n in in_entries.values())
    print(
        f"(a) {writers} writers, {len(jobs)} articles about {len(hs)} happenings in {took:.1f} s: "
        f"status {dict(codes)}; {len(arts)} articles, {len(evs)} events, {len(before)} entries stored, "
        f"{len(after)} after rebuild; stored == rebuild: {check(before == after, 'a: stored != rebuild')}; "
        f"every event in exactly one entry: {check(once, 'a: events not in exactly one entry')}; "
        f"5xx: {check(sum(n for c, n in codes.items() if c >= 500) == 0, 'a: 5xx')}"
    )


def scenario_b(db_url: str, logs: Path, clients: int, seconds: float) -> None:
    """Many clients reading and writing at once: no 5xx, latencies."""
    rng = random.Random(2)
    hs = happenings(24, rng)
    server = Server(db_url, logs / "b.log")
    for i, h in enumerate(hs[:8]):  # something to read from the start
        post_json(server.port, {"text": article_text(h, i, rng), "outlet": "Seed", "published": str(h[3])})
    codes: Counter[int] = Counter()
    kinds: Counter[str] = Counter()
    lat: list[float] = []
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def client(n: int) -> None:
        r = random.Random(100 + n)
        while time.monotonic() < stop_at:
            roll = r.random()
            t0 = time.monotonic()
            if roll < 0.2:
                h = r.choice(hs)
                text = article_text(h, r.randrange(3), r) + f"{random_word(r)} {random_word(r)} said.\n"
                code, kind = (
                    post_json(server.port, {"text": text, "outlet": f"Outlet {n % 9}", "published": str(h[3])}),
                    "write",
                )
            else:
                path = r.choice(
                    [
                        "/timeline?limit=50",
                        "/timeline?facets=true&bucket=month",
                        "/events?limit=20&count=true",
                        f"/timeline?actor={r.choice(['FRA', 'DEU', 'ESP', 'JPN'])}",
                        "/timeline?q=ambassador",
                        "/timeline/export.csv",
                        "/timeline/export.ndjson",
                        "/timeline/timelinejs.json",
                        "/",
                    ]
                )
                code, kind = request(server.port, "GET", path)[0], "read"
            with lock:
                codes[code] += 1
                kinds[kind] += 1
                lat.append(time.monotonic() - t0)

    try:
        with ThreadPoolExecutor(clients) as pool:
            list(pool.map(client, range(clients)))
        tracebacks = server.tracebacks()
    finally:
        server.stop()
    five = sum(n for c, n in codes.items() if c >= 500)
    q = statistics.quantiles(lat, n=100) if len(lat) > 2 else [0.0] * 99
    print(
        f"(b) {clients} clients x {seconds:.0f} s: {sum(codes.values())} requests ({kinds['read']} reads, "
        f"{kinds['write']} writes), {sum(codes.values()) / seconds:.0f}/s; status {dict(sorted(codes.items()))}; "
        f"latency p50 {q[49] * 1000:.0f} ms, p95 {q[94] * 1000:.0f} ms; 5xx {five} "
        f"{check(five == 0, 'b: 5xx')}; tracebacks in server log: {tracebacks}"
    )


def garbage_requests(rng: random.Random) -> Iterator[tuple[str, str, str, bytes, dict[str, str]]]:
    """Endless (kind, method, path, body, headers) of bad input, mixed with varied real articles."""
    json_h = {**AUTH, "Content-Type": "application/json"}
    text_h = {**AUTH, "Content-Type": "text/plain"}
    fts = ['"', '"unbalanced', "AND", "OR NOT", "NEAR(", "NEAR(a b, 2)", "*", "a*", "^x", "col:x", "(", ")", "-"]
    dates = ["0001-01-01", "9999-12-31", "1899-12-31", "2101-01-01", "2024-02-30", "yesterday", "12345", ""]
    ctypes = [
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
        "",
        "application/json; charset=latin-1",
        "image/png",
        "text/html",
    ]
    while True:
        k = rng.randrange(14)
        words = " ".join(random_word(rng) for _ in range(rng.randint(3, 40)))
        c1, c2 = rng.sample(COUNTRIES, 2)
        if k <= 3:  # varied real articles: new words every time (what grew spaCy's string store)
            # a different happening each time (pair, type, day), so no single entry grows without bound
            h = (
                rng.choice(list(TEMPLATES)),
                *rng.sample(range(len(COUNTRIES)), 2),
                dt.date(2023, 1, 1) + dt.timedelta(days=rng.randrange(730)),
            )
            text = f"{words}.\n\n{article_text(h, rng.randrange(3), rng)}{random_word(rng)} said. {words}."
            body = {"text": text, "outlet": random_word(rng), "published": str(h[3])}
            yield "article", "POST", "/articles", json.dumps(body).encode(), json_h
        elif k == 4:
            yield (
                "random bytes",
                "POST",
                rng.choice(["/articles", "/articles/raw"]),
                rng.randbytes(rng.randint(1, 3000)),
                rng.choice([json_h, text_h]),
            )
        elif k == 5:
            depth = rng.choice([100, 1000, 10_000, 100_000])
            yield "deep json", "POST", "/articles", b"[" * depth + b"]" * depth, json_h
        elif k == 6:
            size = rng.choice([1_100_000, 1_500_000, 5_200_000]) if rng.random() < 0.05 else rng.randint(10, 5000)
            yield "huge json", "POST", "/articles", json.dumps({"text": "ab " * (size // 3)}).encode(), json_h
        elif k == 7:
            body = {
                "text": f"{c1[0]} expelled {c2[2]} diplomats {rng.choice(['yesterday', 'tomorrow'])}.",
                "published": rng.choice(dates),
            }
            yield "bad date", "POST", "/articles", json.dumps(body).encode(), json_h
        elif k == 8:
            field = rng.choice(["q", "actor", "outlet", "agent", "start", "cursor"])
            path = rng.choice(["/timeline", "/events", "/timeline/export.csv", "/export.csv"])
            yield "nul", "GET", f"{path}?{field}=a%00b", b"", {}
        elif k == 9:
            q = urllib.parse.quote(rng.choice(fts) + rng.choice(["", " ", " x"]) + rng.choice(fts))
            yield "fts", "GET", f"{rng.choice(['/timeline', '/events'])}?q={q}", b"", {}
        elif k == 10:
            body = json.dumps({"text": f"{c1[0]} recalled its envoy."}).encode()
            yield (
                "content type",
                "POST",
                rng.choice(["/articles", "/articles/raw"]),
                body,
                {**AUTH, "Content-Type": rng.choice(ctypes)},
            )
        elif k == 11:
            raw = urllib.parse.quote_from_bytes(rng.randbytes(rng.randint(1, 200)), safe="")
            bad = rng.choice(
                [
                    "%zz",
                    "%ff%fe",
                    "%",
                    "%c3",
                    "&&==&",
                    "limit=-1",
                    "limit=99999999999",
                    "sort=sideways",
                    "bucket=century",
                    "count=maybe",
                    "min_confidence=nan",
                    "type=coup",
                ]
            )
            yield (
                "query string",
                "GET",
                f"{rng.choice(['/timeline', '/events'])}?{rng.choice(['q', 'x', 'start'])}={raw}&{bad}",
                b"",
                {},
            )
        elif k == 12:
            ident = rng.choice(["%00", "..%2F..%2Fetc", "a" * 3000, "%ff", urllib.parse.quote("é😀")])
            yield (
                "path id",
                rng.choice(["GET", "HEAD"]),
                f"{rng.choice(['/articles', '/events', '/timeline'])}/{ident}",
                b"",
                {},
            )
        else:
            body = {
                "text": f"{c1[0]} recalled its envoy.",
                "url": rng.choice(["javascript:alert(1)", "data:x", "//x"]),
                "outlet": rng.choice(["ok", "nul\x00", "tab\tok"]),
            }
            yield "metadata", "POST", "/articles", json.dumps(body).encode(), json_h


def scenario_c(db_url: str, logs: Path, total: int, threads: int = 4, kinds: set[str] | None = None) -> None:
    """Garbage and varied articles: no 5xx; RSS sampled, flat within +-20% after warm-up."""
    rng = random.Random(3)
    gen = garbage_requests(rng)
    gen_lock = threading.Lock()
    server = Server(db_url, logs / "c.log")
    codes: Counter[int] = Counter()
    by_kind: dict[str, Counter[int]] = {}
    samples: list[tuple[int, float]] = [(0, server.rss_mb())]
    done = 0
    lock = threading.Lock()
    t0 = time.monotonic()

    def worker(_: int) -> None:
        nonlocal done
        while True:
            with gen_lock:
                if done >= total:
                    return
                kind, method, path, body, headers = next(gen)
                while kinds and kind not in kinds:
                    kind, method, path, body, headers = next(gen)
                done += 1
                n = done
            try:
                code = request(server.port, method, path, body, headers)[0]
            except (OSError, http.client.HTTPException):
                code = 0  # connection refused or reset: counted, not a 5xx
            with lock:
                codes[code] += 1
                by_kind.setdefault(kind, Counter())[code] += 1
                if n % 250 == 0:
                    samples.append((n, server.rss_mb()))

    try:
        with ThreadPoolExecutor(threads) as pool:
            list(pool.map(worker, range(threads)))
        samples.append((total, server.rss_mb()))
        tracebacks = server.tracebacks()
    finally:
        server.stop()
    took = time.monotonic() - t0
    warm = total // 5
    base = next(mb for n, mb in samples if n >= warm)
    later = [mb for n, mb in samples if n >= warm]
    flat = max(later) <= base * 1.2 and min(later) >= base * 0.8
    five = sum(n for c, n in codes.items() if c >= 500)
    rss = ", ".join(f"{n}:{mb:.0f}" for n, mb in samples[:: max(1, len(samples) // 10)])
    print(
        f"(c) {total} garbage/varied requests in {took:.0f} s ({threads} threads): "
        f"status {dict(sorted(codes.items()))}; "
        f"5xx {five} {check(five == 0, 'c: 5xx')}; tracebacks in server log: {tracebacks}"
    )
    for kind, cs in sorted(by_kind.items()):
        print(f"    {kind:14} {dict(sorted(cs.items()))}")
    print(
        f"    RSS MB (request:MB) {rss}; after warm-up ({warm}) base {base:.0f}, min {min(later):.0f}, "
        f"max {max(later):.0f} ({(max(later) / base - 1) * 100:+.1f}%): "
        f"flat within 20% {check(flat, 'c: RSS not flat')}"
    )


def write_corpus(folder: Path, n: int) -> Path:
    rng = random.Random(4)
    hs = happenings(30, rng)
    lines = []
    for i in range(n):
        h = hs[i % len(hs)]
        name = f"a{i:04d}.txt"
        (folder / name).write_text(article_text(h, i, rng) + f"{random_word(rng)} reported it.\n", encoding="utf-8")
        lines.append(
            json.dumps(
                {
                    "file": name,
                    "published": str(h[3]),
                    "outlet": f"Outlet {i % 5}",
                    "url": f"https://outlet{i % 5}.example/{i}",
                }
            )
        )
    manifest = folder / "manifest.jsonl"
    manifest.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return manifest


def scenario_d(postgres: str | None, articles: int = 120) -> None:
    """Kill -9 of ``timeline ingest`` mid-run, re-run: the same store as a one-shot ingest."""
    with (
        tempfile.TemporaryDirectory(prefix="stress-d-") as d,
        database(postgres, "d1") as ref,
        database(postgres, "d2") as db,
    ):
        manifest = write_corpus(Path(d), articles)
        cmd = [str(BIN / "timeline"), "ingest", "--quiet", "--manifest", str(manifest)]
        t0 = time.monotonic()
        subprocess.run(cmd, env=env_for(ref), check=True, capture_output=True)
        one_shot = time.monotonic() - t0
        proc = subprocess.Popen(cmd, env=env_for(db), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        at_kill = 0
        deadline = time.monotonic() + one_shot * 3 + 30
        while time.monotonic() < deadline and proc.poll() is None:
            with contextlib.suppress(Exception):
                store = Store(db)
                at_kill = store.counts()["articles"]
                store.engine.dispose()
                if at_kill >= articles // 3:
                    break
            time.sleep(0.1)
        killed = proc.poll() is None
        if killed:
            proc.send_signal(signal.SIGKILL)
        proc.wait()
        subprocess.run(cmd, env=env_for(db), check=True, capture_output=True)
        a, b = Store(ref), Store(db)
        (ra, re_, rn), (ta, te, tn) = snapshot(a), snapshot(b)
        a.engine.dispose()
        b.engine.dispose()
        same = (ra, re_, rn) == (ta, te, tn)
        print(
            f"(d) ingest of {articles} articles ({one_shot:.1f} s one-shot) killed -9 "
            f"{'after ' + str(at_kill) + ' stored' if killed else '(finished before the kill)'}, then re-run: "
            f"articles {len(ta)}/{len(ra)}, events {len(te)}/{len(re_)}, entries {len(tn)}/{len(rn)}; "
            f"equal to one-shot: {check(same and killed, 'd: kill -9 + re-run differs from one-shot')}"
        )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--postgres", help="a PostgreSQL server URL; each scenario creates and drops its own database")
    ap.add_argument("--only", default="a,b,c,d", help="scenarios to run, comma-separated (default all)")
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--seconds", type=float, default=30)
    ap.add_argument("--garbage", type=int, default=10_000)
    ap.add_argument("--writers", type=int, default=16)
    ap.add_argument("--kinds", help="scenario c: only these request kinds (e.g. 'article,huge json'), to diagnose")
    ap.add_argument("--logs", help="keep the servers' logs in this folder (default: a temporary one)")
    args = ap.parse_args()
    only = set(args.only.split(","))
    backend = "PostgreSQL" if args.postgres else "SQLite"
    print(f"stress on {backend} (loopback only; servers on free ports)")
    with tempfile.TemporaryDirectory(prefix="stress-logs-") as logs_dir:
        logs = Path(args.logs or logs_dir)
        logs.mkdir(parents=True, exist_ok=True)
        runs: list[tuple[str, Callable[[], None]]] = []
        if "a" in only:
            runs.append(("a", lambda: _with_db(args.postgres, "a", lambda u: scenario_a(u, logs, args.writers))))
        if "b" in only:
            runs.append(
                ("b", lambda: _with_db(args.postgres, "b", lambda u: scenario_b(u, logs, args.clients, args.seconds)))
            )
        if "c" in only:
            runs.append(
                (
                    "c",
                    lambda: _with_db(
                        args.postgres,
                        "c",
                        lambda u: scenario_c(
                            u, logs, args.garbage, kinds=set(args.kinds.split(",")) if args.kinds else None
                        ),
                    ),
                )
            )
        if "d" in only:
            runs.append(("d", lambda: scenario_d(args.postgres)))
        for name, run in runs:
            try:
                run()
            except Exception as exc:  # one scenario's crash is reported, the others still run
                FAILURES.append(f"{name}: {type(exc).__name__}: {exc}")
                print(f"({name}) crashed: {type(exc).__name__}: {exc}")
    print("all checks passed" if not FAILURES else "FAILED: " + "; ".join(FAILURES))
    return 1 if FAILURES else 0


def _with_db(postgres: str | None, tag: str, run: Callable[[str], Any]) -> None:
    with database(postgres, tag) as url:
        run(url)


if __name__ == "__main__":
    sys.exit(main())
