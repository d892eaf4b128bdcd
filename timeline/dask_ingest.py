"""``timeline ingest --dask``: pages read, hashed and extracted on a Dask cluster, written here.

What travels: page specs (paths, metadata) and msgpack bytes; the settings as JSON bytes. Each
worker process builds its pipeline (and loads spaCy) once, on its first task, and keeps it
(``timeline.ingest._pipeline``). The client hashes nothing itself: workers hash the pages, the
client drops those already stored, then ships extraction for the rest only, one task per page so
that Dask's ``retries`` retry exactly the page that failed. A page that still fails is reported.
"""

from __future__ import annotations

import collections
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING

import msgspec

from timeline.html import UnreadablePage
from timeline.ingest import PageOutcome, PageSpec, extract_spec, page_hash, raw_bytes

if TYPE_CHECKING:
    from distributed import Client

    from timeline.ingest import Ingest

_encode = msgspec.msgpack.Encoder().encode
_decode_spec = msgspec.msgpack.Decoder(PageSpec).decode
_decode_specs = msgspec.msgpack.Decoder(list[PageSpec]).decode
_decode_outcome = msgspec.msgpack.Decoder(PageOutcome).decode
_decode_hashes = msgspec.msgpack.Decoder(list[tuple[str, str | None]]).decode
HASH_BATCH = 256


def hash_batch(specs: bytes) -> bytes:
    """Worker task: (hash, None) or ("", reason) for each spec."""
    out: list[tuple[str, str | None]] = []
    for spec in _decode_specs(specs):
        try:
            out.append((page_hash(spec, raw_bytes(spec)), None))
        except UnreadablePage as exc:
            out.append(("", str(exc)))
    return _encode(out)


def extract_one(spec: bytes, settings_json: bytes) -> bytes:
    """Worker task: one page's outcome; unexpected errors propagate so Dask retries the task."""
    return _encode(extract_spec(_decode_spec(spec), settings_json, catch_all=False))


def connect(address: str) -> Client:
    """A client for ``address``, or for a new LocalCluster (one single-threaded process per core) for ``local``."""
    from distributed import Client, LocalCluster

    if address == "local":
        from timeline.ingest import default_jobs

        cluster = LocalCluster(n_workers=default_jobs(), threads_per_worker=1, processes=True,
                               dashboard_address=None)  # fmt: skip
        client = Client(cluster)
        client._timeline_cluster = cluster  # type: ignore[attr-defined]  # closed with the client
        return client
    return Client(address)


def run_on_dask(ingest: Ingest, specs: Sequence[PageSpec], address: str, batch: int = 64, retries: int = 2,
                progress: Callable[[int], None] = lambda n: None) -> None:  # fmt: skip
    """Hash on workers, skip stored pages, extract the rest on workers, write here in batches, in order."""
    client = connect(address)
    try:
        todo = _unstored(ingest, client, specs)
        progress(len(specs) - len(todo))
        for outcome_or_error in _extract(client, todo, ingest.settings_json, batch, retries):
            spec, outcome, error = outcome_or_error
            if outcome is not None:
                ingest.write(outcome)
            else:
                ingest.fail(spec.name, f"failed after {retries} retries: {error}")
            progress(1)
    finally:
        cluster = getattr(client, "_timeline_cluster", None)
        client.close()
        if cluster is not None:
            cluster.close()


def _unstored(ingest: Ingest, client: Client, specs: Sequence[PageSpec]) -> list[PageSpec]:
    chunks = [list(specs[i : i + HASH_BATCH]) for i in range(0, len(specs), HASH_BATCH)]
    futures = client.map(hash_batch, [_encode(c) for c in chunks], pure=False)
    keyed: list[tuple[PageSpec, str]] = []
    for chunk, fut in zip(chunks, futures, strict=True):
        for spec, (key, error) in zip(chunk, _decode_hashes(fut.result()), strict=True):
            if error is not None:
                ingest.fail(spec.name, error)
            else:
                keyed.append((spec, key))
    return ingest.unstored(keyed)


def _extract(client: Client, todo: list[PageSpec], settings_json: bytes, batch: int,
             retries: int) -> Iterator[tuple[PageSpec, PageOutcome | None, str | None]]:  # fmt: skip
    """Outcomes in input order; two batches in flight so workers never wait for the writer."""
    settings_future = client.scatter(settings_json, broadcast=True)
    pending: collections.deque[tuple[PageSpec, object]] = collections.deque()

    def submit(specs: list[PageSpec]) -> None:
        futs = client.map(extract_one, [_encode(s) for s in specs], settings_json=settings_future,
                          retries=retries, pure=False)  # fmt: skip
        pending.extend(zip(specs, futs, strict=True))

    batches = iter([todo[i : i + batch] for i in range(0, len(todo), batch)])
    for specs in (next(batches, None), next(batches, None)):
        if specs:
            submit(specs)
    while pending:
        written = 0
        while pending and written < batch:
            spec, fut = pending.popleft()
            item: tuple[PageSpec, PageOutcome | None, str | None]
            try:
                item = (spec, _decode_outcome(fut.result()), None)  # type: ignore[attr-defined]
            except Exception as exc:  # the task failed on every try: report the page, never drop it
                item = (spec, None, f"{type(exc).__name__}: {exc}")
            fut.release()  # type: ignore[attr-defined]
            yield item
            written += 1
        specs = next(batches, None)
        if specs:
            submit(specs)
