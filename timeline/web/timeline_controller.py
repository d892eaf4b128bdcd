"""The timeline: one entry per happening, with facets, buckets, exports and cache validators."""

from __future__ import annotations

import hashlib
from typing import Annotated, Any, Literal

from litestar import Controller, Request, Response, get
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, QueryParameter
from litestar.response import Stream
from litestar.status_codes import HTTP_304_NOT_MODIFIED

from timeline.export import entry_table_chunks, ndjson_chunks, timelinejs_document
from timeline.models import Entry
from timeline.query import EventFilter, check_text
from timeline.store import Store
from timeline.web.controllers import csv_stream, primed
from timeline.web.schemas import Bucket, Buckets, EntriesOut

CACHE_CONTROL = "no-cache"  # always revalidate; the ETag makes that cheap


def _etag(request: Request[Any, Any, Any], store: Store) -> str:
    raw = f"{store.version()}|{request.url.path}|{request.url.query}".encode()
    return '"' + hashlib.sha256(raw).hexdigest()[:24] + '"'


def _cached(request: Request[Any, Any, Any], store: Store) -> tuple[str, bool]:
    """The response's ETag and whether the client already holds it."""
    tag = _etag(request, store)
    sent = request.headers.get("if-none-match", "")
    return tag, tag in {t.strip() for t in sent.split(",")} or sent.strip() == "*"


class TimelineController(Controller):
    path = "/timeline"
    tags = ["timeline"]

    @get("/", sync_to_thread=True, summary="Timeline entries: one per happening, with all its sources")
    def list_entries(
        self,
        request: Request[Any, Any, Any],
        filters: NamedDependency[EventFilter],
        store: NamedDependency[Store],
        count: Annotated[bool, QueryParameter(description="Also return the total number of matches.")] = False,
        facets: Annotated[bool, QueryParameter(description="Counts by type, actor, outlet and year.")] = False,
        bucket: Annotated[
            Literal["day", "week", "month", "year"] | None,
            QueryParameter(description="Histogram of the current filters per day, week, month or year."),
        ] = None,
    ) -> Response[EntriesOut]:
        """Entries matching the filters, paged by cursor; ``ETag``/``If-None-Match`` revalidate cheaply."""
        tag, fresh = _cached(request, store)
        headers = {"ETag": tag, "Cache-Control": CACHE_CONTROL}
        if fresh:
            return Response(content=None, status_code=HTTP_304_NOT_MODIFIED, headers=headers)  # type: ignore[arg-type]
        page = store.query_entries(filters, count=count)
        out_buckets = None
        if bucket is not None:
            items, vague = store.buckets(filters, bucket)
            out_buckets = Buckets(unit=bucket, items=[Bucket(start=d, count=n) for d, n in items], undated=vague)
        body = EntriesOut(
            items=page.items,
            next=page.next,
            total=page.total,
            facets=store.facets(filters) if facets else None,
            buckets=out_buckets,
        )
        return Response(content=body, headers=headers)

    @get("/{entry_id:str}", sync_to_thread=True, summary="One timeline entry with its sources")
    def read(self, entry_id: FromPath[str], store: NamedDependency[Store]) -> Entry:
        entry = store.get_entry(check_text(entry_id, "entry id") or entry_id)
        if entry is None:
            raise NotFoundException(f"no timeline entry with id {entry_id!r}")
        return entry

    @get("/export.csv", sync_to_thread=True, summary="Timeline entries as CSV (one row per entry), streamed")
    def export_csv(self, filters: NamedDependency[EventFilter], store: NamedDependency[Store]) -> Stream:
        return csv_stream(entry_table_chunks(primed(store.iter_entry_table(filters))), "timeline.csv")

    @get("/export.ndjson", sync_to_thread=True, summary="Timeline entries as NDJSON, streamed")
    def export_ndjson(self, filters: NamedDependency[EventFilter], store: NamedDependency[Store]) -> Stream:
        return Stream(ndjson_chunks(primed(store.iter_entries(filters))), media_type="application/x-ndjson")

    @get("/timelinejs.json", sync_to_thread=True, summary="Timeline entries in TimelineJS3 format")
    def timelinejs(self, filters: NamedDependency[EventFilter], store: NamedDependency[Store]) -> dict[str, Any]:
        """What ``new TL.Timeline(element, url)`` loads directly (undated entries are left out)."""
        return timelinejs_document(store.iter_entries(filters))
