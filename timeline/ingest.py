"""Ingesting many pages: skip the stored ones, extract the rest in parallel, write in order.

The flow is the same whatever runs the extraction (this process, ``--jobs N`` worker processes,
or a Dask cluster):

1. every page is described by a ``PageSpec`` (a path, or the bytes of stdin, and its metadata);
2. its content hash is looked up in the ``pages`` table and stored pages are dropped before any
   NLP or any shipping to a worker;
3. workers read and extract the rest and send back msgpack bytes (``PageOutcome``), never parsed
   objects or pickled pipelines;
4. the writer (this process) stores the pages in input order, a batch per transaction: their articles
   and their ``pages`` rows commit together, so results equal a one-process run and a re-run after a
   crash finishes the job exactly.

A page that cannot be read is reported (one line) and the run goes on; ``IngestReport.failed``
lists them so the command can exit non-zero at the end.
"""

from __future__ import annotations

import collections
import concurrent.futures as cf
import functools
import hashlib
import multiprocessing
import os
import sys
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import msgspec
from sqlalchemy.engine import Connection

from timeline.html import UnreadablePage, looks_like_html
from timeline.models import ArticleRecord, Page
from timeline.settings import Settings
from timeline.store import Store
from timeline.store.pages import record_page, stored_hashes

HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
# pages per task sent to a worker process: enough to amortise the round trip, small enough to balance
CHUNK = 4
# a page's row is written after its articles, so it can wait: batching them saves a commit per page, and a
# crash before the batch commits only means those pages are read again (their articles are already stored)
PAGE_ROWS_PER_COMMIT = 32


class PageSpec(msgspec.Struct, frozen=True, kw_only=True):
    """Where a page is and what we know about it; ``content`` is set only for stdin."""

    name: str
    path: str | None = None
    content: bytes | None = None
    published: str | None = None
    url: str | None = None
    outlet: str | None = None


class PageOutcome(msgspec.Struct, frozen=True, kw_only=True):
    """What a worker found on one page: its articles with their events, or why it could not read it."""

    name: str
    hash: str
    records: list[ArticleRecord] = []
    error: str | None = None


@dataclass
class IngestReport:
    """Counts for the summary line, and the pages that failed (name, reason)."""

    pages: int = 0
    skipped_pages: int = 0
    added: int = 0
    existing: int = 0
    events: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)

    def summary(self, counts: dict[str, int]) -> str:
        """One line for stderr at the end of a run."""
        return (
            f"ingested {self.added} new article(s) with {self.events} event(s) from {self.pages} page(s); "
            f"{self.existing} article(s) and {self.skipped_pages} page(s) already stored; "
            f"{len(self.failed)} unreadable. "
            f"Store now holds {counts['articles']} article(s), {counts['events']} event(s)."
        )


# -- reading and extracting (runs in workers) ----------------------------------------------


def raw_bytes(spec: PageSpec) -> bytes:
    """The page's bytes; ``UnreadablePage`` when the file is missing or unreadable."""
    if spec.content is not None:
        return spec.content
    assert spec.path is not None
    try:
        return Path(spec.path).read_bytes()
    except FileNotFoundError:
        raise UnreadablePage("no such file") from None
    except OSError as exc:
        raise UnreadablePage(f"cannot read: {exc.strerror or exc}") from None


def page_hash(spec: PageSpec, raw: bytes) -> str:
    """The page's identity: its bytes and the metadata that changes what is extracted from them."""
    h = hashlib.sha256(raw)
    suffix = Path(spec.path).suffix.lower() if spec.path else ""
    for part in (spec.published or "", spec.url or "", spec.outlet or "", suffix):
        h.update(b"\0" + part.encode("utf-8"))
    return h.hexdigest()


def to_page(spec: PageSpec, raw: bytes) -> Page:
    """Decode a page's bytes: UTF-8, else Latin-1; HTML by suffix or by look."""
    import datetime as dt

    if b"\x00" in raw[:4096]:
        raise UnreadablePage("binary file, not an article")
    try:
        content = raw.decode("utf-8")
    except UnicodeDecodeError:
        content = raw.decode("latin-1")
    suffix = Path(spec.path).suffix.lower() if spec.path else ""
    is_html = suffix in HTML_SUFFIXES or looks_like_html(content)
    published = dt.date.fromisoformat(spec.published) if spec.published else None
    return Page(content=content, content_type="html" if is_html else "text", url=spec.url, outlet=spec.outlet,
                published=published, file=spec.name)  # fmt: skip


_pipeline_lock = threading.Lock()


def _pipeline(settings_json: bytes):  # type: ignore[no-untyped-def]
    """One pipeline (and one spaCy model) per process and settings, built on first use.

    The lock keeps a multi-threaded Dask worker from loading the model twice.
    """
    with _pipeline_lock:
        return _build_pipeline(settings_json)


@functools.cache
def _build_pipeline(settings_json: bytes):  # type: ignore[no-untyped-def]
    from timeline.pipeline import Pipeline

    pipeline = Pipeline(msgspec.json.decode(settings_json, type=Settings))
    _ = pipeline.extractor  # load the model now, once, not inside the first page's timing
    return pipeline


def extract_spec(spec: PageSpec, settings_json: bytes, catch_all: bool = True) -> PageOutcome:
    """Read one page and extract its articles. Unreadable pages give an outcome with ``error``.

    ``catch_all=False`` lets unexpected exceptions out (Dask retries the task, then reports it).
    """
    from timeline.records import record_for

    try:
        raw = raw_bytes(spec)
    except UnreadablePage as exc:
        return PageOutcome(name=spec.name, hash="", error=str(exc))
    key = page_hash(spec, raw)
    try:
        results = _pipeline(settings_json).process_one(to_page(spec, raw))
    except UnreadablePage as exc:
        return PageOutcome(name=spec.name, hash=key, error=str(exc))
    except Exception as exc:
        if not catch_all:
            raise
        return PageOutcome(name=spec.name, hash=key, error=f"extraction failed: {type(exc).__name__}: {exc}")
    return PageOutcome(name=spec.name, hash=key, records=[record_for(r) for r in results])


_encode = msgspec.msgpack.Encoder().encode
_decode_specs = msgspec.msgpack.Decoder(list[PageSpec]).decode
_decode_outcomes = msgspec.msgpack.Decoder(list[PageOutcome]).decode

_worker_settings: bytes = b""


def _init_worker(settings_json: bytes) -> None:
    """Process-pool initializer: load the model once for the worker's life."""
    global _worker_settings
    _worker_settings = settings_json
    _pipeline(settings_json)


def _extract_chunk(specs: bytes) -> bytes:
    """Process-pool task: msgpack specs in, msgpack outcomes out."""
    return _encode([extract_spec(s, _worker_settings) for s in _decode_specs(specs)])


# -- orchestration (runs in the writing process) ----------------------------------------------


class Ingest:
    """Skips stored pages, has the rest extracted, writes results in order."""

    def __init__(self, store: Store, settings: Settings, report_line: Callable[[str], None] | None = None) -> None:
        self.store = store
        self.settings = settings
        self.settings_json = msgspec.json.encode(settings)
        self.report = IngestReport()
        # extracted pages waiting to be written, a batch per transaction
        self._pending: list[PageOutcome] = []
        self.say = report_line or (lambda line: print(line, file=sys.stderr))

    # step 2: hashing and skipping
    def todo(self, specs: Sequence[PageSpec]) -> list[PageSpec]:
        """The specs whose pages are not stored yet; unreadable ones are reported here."""
        keyed: list[tuple[PageSpec, str]] = []
        for spec in specs:
            try:
                keyed.append((spec, page_hash(spec, raw_bytes(spec))))
            except UnreadablePage as exc:
                self.fail(spec.name, str(exc))
        return self.unstored(keyed)

    def unstored(self, keyed: Sequence[tuple[PageSpec, str]]) -> list[PageSpec]:
        """Drop (and count) the specs whose hash is in the ``pages`` table, and duplicates within the run."""
        stored = stored_hashes(self.store.engine, [k for _, k in keyed])
        seen: set[str] = set()
        out = []
        for spec, key in keyed:
            if key in stored or key in seen:
                self.report.skipped_pages += 1
            else:
                seen.add(key)
                out.append(spec)
        return out

    def fail(self, name: str, reason: str) -> None:
        """Report one page that could not be ingested, and go on."""
        self.report.failed.append((name, reason))
        self.say(f"timeline: {name}: skipped: {reason}")

    # step 4: writing
    def write(self, outcome: PageOutcome) -> None:
        """Queue a page's articles; every ``PAGE_ROWS_PER_COMMIT`` pages are written in one transaction."""
        if outcome.error is not None:
            self.fail(outcome.name, outcome.error)
            return
        self._pending.append(outcome)
        if len(self._pending) >= PAGE_ROWS_PER_COMMIT:
            self.flush()

    def flush(self) -> None:
        """Write the queued pages: their articles and their ``pages`` rows commit together or not at all.

        A batch that fails (a constraint an article breaks) is written again page by page, so one bad
        page is reported and the others are kept.
        """
        batch, self._pending = self._pending, []
        if not batch:
            return
        try:
            self._commit(batch)
        except Exception:
            for outcome in batch:
                try:
                    self._commit([outcome])
                except Exception as exc:
                    self.fail(outcome.name, f"could not be stored: {type(exc).__name__}: {exc}")

    def _commit(self, batch: list[PageOutcome]) -> None:
        records = [r for outcome in batch for r in outcome.records]

        def mark_pages(conn: Connection) -> None:
            for outcome in batch:
                record_page(conn, outcome.hash, outcome.name, [r.id for r in outcome.records])

        results = self.store.add_many(records, after=mark_pages)
        for (_, created), record in zip(results, records, strict=True):
            self.report.added += created
            self.report.existing += not created
            self.report.events += len(record.events) if created else 0
        self.report.pages += len(batch)

    # step 3: extracting, three ways
    def run(self, specs: Sequence[PageSpec], jobs: int = 1, progress: Callable[[int], None] | None = None) -> None:
        """Ingest ``specs`` with ``jobs`` worker processes (1: in this process)."""
        try:
            self._run(specs, jobs, progress)
        finally:
            self.flush()

    def _run(self, specs: Sequence[PageSpec], jobs: int, progress: Callable[[int], None] | None) -> None:
        todo = self.todo(specs)
        tick = progress or (lambda n: None)
        tick(len(specs) - len(todo))
        # a pool costs a model load per worker: only worth it with a few chunks per worker
        jobs = max(1, min(jobs, -(-len(todo) // (2 * CHUNK))))
        if jobs == 1:
            for spec in todo:
                self.write(extract_spec(spec, self.settings_json))
                tick(1)
            return
        for outcomes in _pool_map(todo, jobs, self.settings_json):
            for outcome in outcomes:
                self.write(outcome)
                tick(1)

    def run_dask(self, specs: Sequence[PageSpec], address: str, batch: int = 64, retries: int = 2,
                 progress: Callable[[int], None] | None = None) -> None:  # fmt: skip
        """Ingest ``specs`` on a Dask cluster (``address``, or ``local`` for a LocalCluster)."""
        from timeline.dask_ingest import run_on_dask

        try:
            run_on_dask(self, specs, address, batch=batch, retries=retries, progress=progress or (lambda n: None))
        finally:
            self.flush()


def _chunks(specs: Sequence[PageSpec], size: int) -> Iterator[list[PageSpec]]:
    for i in range(0, len(specs), size):
        yield list(specs[i : i + size])


def _pool_map(specs: Sequence[PageSpec], jobs: int, settings_json: bytes) -> Iterator[list[PageOutcome]]:
    """Outcomes chunk by chunk, in input order, from ``jobs`` processes with a bounded queue of work."""
    # spawn, not fork: the parent holds database connections a forked child must not share
    ctx = multiprocessing.get_context("spawn")
    window = jobs * 3
    with cf.ProcessPoolExecutor(jobs, mp_context=ctx, initializer=_init_worker, initargs=(settings_json,)) as pool:
        pending: collections.deque[cf.Future[bytes]] = collections.deque()
        chunks = iter(_chunks(specs, CHUNK))
        for chunk in chunks:
            pending.append(pool.submit(_extract_chunk, _encode(chunk)))
            if len(pending) >= window:
                break
        while pending:
            done = pending.popleft().result()
            nxt = next(chunks, None)
            if nxt is not None:
                pending.append(pool.submit(_extract_chunk, _encode(nxt)))
            yield _decode_outcomes(done)


def default_jobs() -> int:
    """The cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def specs_from(paths: Iterable[str], published: str | None = None, url: str | None = None,
               outlet: str | None = None) -> list[PageSpec]:  # fmt: skip
    """Specs for named files (directories expanded by the caller); ``-`` reads stdin now."""
    out = []
    for path in paths:
        if path == "-":
            out.append(PageSpec(name="stdin", content=sys.stdin.buffer.read(), published=published, url=url,
                                outlet=outlet))  # fmt: skip
        else:
            out.append(PageSpec(name=Path(path).name, path=path, published=published, url=url, outlet=outlet))
    return out
