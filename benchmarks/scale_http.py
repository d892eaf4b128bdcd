"""Servers and HTTP measurements for the scale benchmark: start, time, load, stop.

Everything talks to 127.0.0.1 only, and every loop is bounded in count and time.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx

HOST = "127.0.0.1"


def free_port() -> int:
    """A TCP port nothing listens on right now (the kernel picks it)."""
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    """A server process on loopback and the URL it answers on."""

    name: str
    proc: subprocess.Popen[bytes]
    base: str
    log: Path

    def peak_rss_mb(self) -> float | None:
        """The server's peak resident memory so far, in MB."""
        return peak_rss_mb(self.proc.pid)


def peak_rss_mb(pid: int) -> float | None:
    """A running process's peak resident memory (VmHWM), in MB; None once it is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


@contextlib.contextmanager
def serving(
    name: str, argv: list[str], env: dict[str, str], probe: str, log: Path, wait: float = 90
) -> Iterator[Server]:
    """Run ``argv`` until the ``with`` block ends (also on errors); ready once ``probe`` answers 200."""
    port = free_port()
    argv = [a.replace("{port}", str(port)) for a in argv]
    with open(log, "wb") as out:
        proc = subprocess.Popen(argv, env={**os.environ, **env}, stdout=out, stderr=subprocess.STDOUT)
    server = Server(name, proc, f"http://{HOST}:{port}", log)
    try:
        deadline = time.monotonic() + wait
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"{name} exited with {proc.returncode}; see {log}")
            try:
                if httpx.get(server.base + probe, timeout=5).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"{name} did not answer {probe} within {wait:.0f} s; see {log}")
            time.sleep(0.3)
        yield server
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@dataclass
class Timing:
    """Latencies (seconds) of one query against one server."""

    samples: list[float] = field(default_factory=list)
    errors: int = 0
    last_error: str = ""

    def pct(self, p: float) -> float | None:
        """The p-th percentile in milliseconds (nearest rank), or None without samples."""
        if not self.samples:
            return None
        s = sorted(self.samples)
        return 1000 * s[min(len(s) - 1, max(0, round(p / 100 * len(s) + 0.5) - 1))]

    @property
    def p50(self) -> float | None:
        return 1000 * statistics.median(self.samples) if self.samples else None


def timed_get(client: httpx.Client, url: str, timing: Timing) -> httpx.Response | None:
    """One GET, timed to the last byte; non-200 answers count as errors, not samples."""
    t = time.perf_counter()
    try:
        r = client.get(url)
        r.read()
    except httpx.HTTPError as exc:
        timing.errors += 1
        timing.last_error = repr(exc)
        return None
    dt = time.perf_counter() - t
    if r.status_code != 200:
        timing.errors += 1
        timing.last_error = f"HTTP {r.status_code}: {r.text[:200]}"
        return None
    timing.samples.append(dt)
    return r


def alternate(
    pairs: list[tuple[str, str, str | None]],
    tl: Server,
    ds: Server | None,
    requests: int,
    budget: float,
    timeout: float = 120,
) -> dict[str, tuple[Timing, Timing]]:
    """For each query, ``requests`` rounds of timeline then Datasette (same query, back to back).

    A query stops early when its rounds have taken ``budget`` seconds (at least 5 rounds), so
    a slow query cannot hold the run for hours; the table says how many samples each figure has.
    """
    out: dict[str, tuple[Timing, Timing]] = {}
    with httpx.Client(timeout=timeout) as client:
        for name, tl_path, ds_path in pairs:
            a, b = Timing(), Timing()
            for _ in range(2):  # warm caches and connections, not counted
                if tl_path:
                    timed_get(client, tl.base + tl_path, Timing())
                if ds and ds_path:
                    timed_get(client, ds.base + ds_path, Timing())
            start = time.monotonic()
            for i in range(requests):
                if tl_path:
                    timed_get(client, tl.base + tl_path, a)
                if ds and ds_path:
                    timed_get(client, ds.base + ds_path, b)
                if i >= 4 and time.monotonic() - start > budget:
                    break
            out[name] = (a, b)
            print(f"  {name}: timeline {len(a.samples)} samples, datasette {len(b.samples)}", file=sys.stderr)
    return out


async def _load(url: str, clients: int, seconds: float) -> tuple[int, int]:
    done = errors = 0
    deadline = time.monotonic() + seconds
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(timeout=30, limits=limits) as client:

        async def worker() -> None:
            nonlocal done, errors
            while time.monotonic() < deadline:
                try:
                    r = await client.get(url)
                    if r.status_code == 200:
                        done += 1
                    else:
                        errors += 1
                except httpx.HTTPError:
                    errors += 1

        await asyncio.gather(*(worker() for _ in range(clients)))
    return done, errors


def load(url: str, clients: int, seconds: float) -> tuple[float, int]:
    """Requests per second that ``clients`` concurrent clients get for ``seconds`` (plus the error count)."""
    t = time.monotonic()
    done, errors = asyncio.run(_load(url, clients, seconds))
    return done / (time.monotonic() - t), errors


def stream_rows(url: str, timeout: float) -> tuple[int, float]:
    """Download a CSV export, counting rows (lines after the header) and seconds; bounded by ``timeout``."""
    t = time.perf_counter()
    rows = -1
    tail = b""
    with httpx.stream("GET", url, timeout=timeout) as r:
        r.raise_for_status()
        for chunk in r.iter_bytes():
            rows += chunk.count(b"\n")
            tail = chunk[-1:] or tail
            if time.perf_counter() - t > timeout:
                raise TimeoutError(f"{url} still streaming after {timeout:.0f} s")
    if tail and tail != b"\n":
        rows += 1
    return rows, time.perf_counter() - t
