"""REST controllers, one per resource. Store and pipeline arrive by dependency injection."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Annotated, Any, TypeVar

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.openapi.spec import OpenAPIMediaType, OpenAPIType, Operation, RequestBody, Schema
from litestar.params import FromPath, JSONBody, QueryParameter, RawBody
from litestar.response import Stream

from timeline.export import csv_chunks
from timeline.html import UnreadablePage
from timeline.models import ArticleRecord, Event, Page, PluginInfo
from timeline.pipeline import Pipeline
from timeline.query import EventFilter, build_filter, check_published, check_text, check_url, parse_published
from timeline.records import record_for
from timeline.store import Store
from timeline.web.schemas import ArticleIn, EventsOut, IngestOut
from timeline.web.security import content_type_guard, json_body_guard

T = TypeVar("T")
JSON_TYPES = ("application/json",)
# Raw pages are plain text or HTML. These are "simple" content types a page on another site could send
# without a CORS preflight; the endpoint is safe only because every write needs a bearer token, which such
# a page neither has nor can attach.
RAW_TYPES = ("text/plain", "text/html")
SECURITY: list[dict[str, list[str]]] = [{"BearerToken": []}]
WRITE_RESPONSES = {
    400: "Bad input: a date out of range, a non-http(s) URL, invalid JSON",
    401: "No token, or an unknown one",
    403: "A read-only token, or a write from a browser origin not in TIMELINE_CORS_ORIGINS",
    415: "A content type this operation does not accept",
    429: "Too many writes from this client",
}


def primed(items: Iterable[T]) -> Iterator[T]:
    """``items`` with the first one already fetched, so a failing query fails before a stream starts.

    Once a streamed response has sent its 200 header nothing can change the status; fetching the first
    page beforehand turns a database error into a proper error response instead of a cut stream.
    """
    it = iter(items)
    try:
        first = next(it)
    except StopIteration:
        return iter(())
    return itertools.chain([first], it)


def _responses() -> dict[int, Any]:
    from litestar.openapi.datastructures import ResponseSpec

    from timeline.web.schemas import ErrorOut

    return {
        code: ResponseSpec(data_container=ErrorOut, description=text, generate_examples=False)
        for code, text in WRITE_RESPONSES.items()
    }


@dataclass
class RawPageOperation(Operation):
    """The OpenAPI operation of ``POST /articles/raw``: its body is a text/plain or text/html page."""

    def __post_init__(self) -> None:
        self.request_body = RequestBody(
            content={t: OpenAPIMediaType(schema=Schema(type=OpenAPIType.STRING)) for t in RAW_TYPES},
            required=True,
            description="The page itself.",
        )


def _path_id(value: str, what: str) -> str:
    """A path id: NUL and control characters are refused before they reach the database."""
    check_text(value, what)
    return value


def event_filter(
    start: Annotated[str | None, QueryParameter(description="Events on or after this date (YYYY[-MM[-DD]]).")] = None,
    end: Annotated[str | None, QueryParameter(description="Events on or before this date; ranges overlap.")] = None,
    types: Annotated[list[str] | None, QueryParameter(name="type", description="Event types; repeat or comma.")] = None,
    status: Annotated[
        list[str] | None,
        QueryParameter(description="occurred, planned, hypothetical, denied or all (default occurred,planned)."),
    ] = None,
    actor: Annotated[
        list[str] | None, QueryParameter(description="Actor code in any role (ISO alpha-3, UN, ...).")
    ] = None,
    agent: Annotated[list[str] | None, QueryParameter(description="Actor code as agent.")] = None,
    target: Annotated[list[str] | None, QueryParameter(description="Actor code as target.")] = None,
    outlet: Annotated[list[str] | None, QueryParameter(description="Outlet name.")] = None,
    q: Annotated[str | None, QueryParameter(description="Text in the evidence sentence.")] = None,
    min_confidence: Annotated[float | None, QueryParameter(description="Lowest confidence, 0 to 1.")] = None,
    sort: Annotated[str, QueryParameter(description="By date: asc or desc.")] = "asc",
    limit: Annotated[int, QueryParameter(description="Events per page, 1 to 1000.")] = 100,
    cursor: Annotated[str | None, QueryParameter(description="The `next` token of the previous page.")] = None,
) -> EventFilter:
    """The query parameters every event listing and export accepts."""
    return build_filter(
        start=start, end=end, types=types, status=status, actor=actor, agent=agent, target=target, outlet=outlet,
        q=q, min_confidence=min_confidence, sort=sort, limit=limit, cursor=cursor,
    )  # fmt: skip


def csv_stream(chunks: Iterator[str], filename: str) -> Stream:
    """A streamed CSV download; the chunks are produced as the client reads."""
    return Stream(
        chunks,
        media_type="text/csv",  # Litestar adds "; charset=utf-8" to text types
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def _ingest(page: Page, store: Store, pipeline: Pipeline) -> IngestOut:
    """Extract a page's articles and events and store each article, all or nothing."""
    results = pipeline.process_one(page)
    stored = [store.add(record_for(r)) for r in results]
    plugin = results[0].plugin if results else "generic"
    return IngestOut(plugin=plugin, created=[c for _, c in stored], articles=[a for a, _ in stored])


class ArticleController(Controller):
    path = "/articles"
    tags = ["articles"]

    @post(
        "/",
        sync_to_thread=True,
        summary="Read an article and store it with its events",
        guards=[content_type_guard, json_body_guard],
        opt={"content_types": JSON_TYPES},
        security=SECURITY,
        responses=_responses(),
    )
    def create(
        self, data: JSONBody[ArticleIn], store: NamedDependency[Store], pipeline: NamedDependency[Pipeline]
    ) -> IngestOut:
        """Extract events from a page (plain text or HTML) and store each article on it, all or nothing.

        Sending the same article again changes nothing and returns it as stored.
        """
        if (data.text is None) == (data.html is None):
            raise UnreadablePage("send exactly one of 'text' and 'html'")
        page = Page(
            content=data.text if data.text is not None else data.html or "",
            content_type="text" if data.text is not None else "html",
            url=check_url(data.url),
            outlet=check_text(data.outlet, "outlet"),
            published=check_published(data.published),
            file=check_text(data.file, "file"),
        )
        return _ingest(page, store, pipeline)

    @post(
        "/raw",
        sync_to_thread=True,
        summary="Read a page sent as text/plain or text/html and store it",
        description="The request body is the page itself (text/plain or text/html); metadata goes in the query.",
        guards=[content_type_guard],
        opt={"content_types": RAW_TYPES},
        security=SECURITY,
        responses=_responses(),
        operation_class=RawPageOperation,
    )
    def create_raw(
        self,
        request: Request[Any, Any, Any],
        body: RawBody,
        store: NamedDependency[Store],
        pipeline: NamedDependency[Pipeline],
        url: Annotated[str | None, QueryParameter(description="Where the page came from.")] = None,
        outlet: Annotated[str | None, QueryParameter(description="The outlet, when known.")] = None,
        published: Annotated[str | None, QueryParameter(description="Publication date, YYYY-MM-DD.")] = None,
    ) -> IngestOut:
        """The body is the page itself; ``Content-Type: text/html`` is read as HTML, ``text/plain`` as text."""
        page_url, page_outlet = check_url(url), check_text(outlet, "outlet")
        day = parse_published(published)
        media, _, params = request.headers.get("content-type", "text/plain").partition(";")
        charset = params.partition("charset=")[2].strip() or "utf-8"
        try:
            content = body.decode(charset)
        except (LookupError, UnicodeDecodeError):
            raise UnreadablePage(f"the body is not text in {charset!r}") from None
        page = Page(
            content=content,
            content_type="html" if media.strip().lower() in {"text/html", "application/xhtml+xml"} else "text",
            url=page_url,
            outlet=page_outlet,
            published=day,
        )
        return _ingest(page, store, pipeline)

    @get("/{article_id:str}", sync_to_thread=True, summary="One stored article with its events")
    def read(self, article_id: FromPath[str], store: NamedDependency[Store]) -> ArticleRecord:
        record = store.get_article(_path_id(article_id, "article id"))
        if record is None:
            raise NotFoundException(f"no article with id {article_id!r}")
        return record


class EventController(Controller):
    path = "/events"
    tags = ["events"]

    @get("/", sync_to_thread=True, summary="Events, filtered and paged by cursor")
    def list_events(
        self, filters: NamedDependency[EventFilter], store: NamedDependency[Store],
        count: Annotated[bool, QueryParameter(description="Also return the total number of matches.")] = False,
    ) -> EventsOut:  # fmt: skip
        page = store.query_events(filters, count=count)
        return EventsOut(items=page.items, next=page.next, total=page.total)

    @get("/{event_id:str}", sync_to_thread=True, summary="One event")
    def read(self, event_id: FromPath[str], store: NamedDependency[Store]) -> Event:
        event = store.get_event(_path_id(event_id, "event id"))
        if event is None:
            raise NotFoundException(f"no event with id {event_id!r}")
        return event


class ExportController(Controller):
    path = "/export.csv"
    tags = ["export"]

    @get("/", summary="Events as CSV (same filters as /events), streamed", media_type="text/csv", sync_to_thread=True)
    def export_csv(self, filters: NamedDependency[EventFilter], store: NamedDependency[Store]) -> Stream:
        return csv_stream(csv_chunks(primed(store.iter_events(filters))), "mentions.csv")


class PluginController(Controller):
    path = "/plugins"
    tags = ["plugins"]

    @get("/", summary="Extractor plugins and whether they loaded", sync_to_thread=False)
    def list_plugins(self, pipeline: NamedDependency[Pipeline]) -> list[PluginInfo]:
        return pipeline.registry.infos()
