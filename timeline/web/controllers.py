"""REST controllers, one per resource. Store and pipeline arrive by dependency injection."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, JSONBody, QueryParameter, RawBody
from litestar.response import Stream

from timeline.export import csv_chunks
from timeline.html import UnreadablePage
from timeline.models import ArticleRecord, Event, Page, PluginInfo
from timeline.pipeline import Pipeline
from timeline.query import EventFilter, build_filter, parse_date
from timeline.records import record_for
from timeline.store import Store
from timeline.web.schemas import ArticleIn, EventsOut, IngestOut

ID_PATTERN = r"^[0-9a-f]{1,40}$"


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
        # Litestar adds "; charset=utf-8" to text/* types itself
        media_type="text/csv",
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

    @post("/", sync_to_thread=True, summary="Read an article and store it with its events")
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
            url=data.url,
            outlet=data.outlet,
            published=data.published,
            file=data.file,
        )
        return _ingest(page, store, pipeline)

    @post(
        "/raw",
        sync_to_thread=True,
        summary="Read a page sent as text/plain or text/html and store it",
        description="The request body is the page itself (text/plain or text/html); metadata goes in the query.",
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
        """The body is the page itself; ``Content-Type: text/html`` is read as HTML, anything else as text."""
        media, _, params = request.headers.get("content-type", "text/plain").partition(";")
        charset = params.partition("charset=")[2].strip() or "utf-8"
        try:
            content = body.decode(charset)
        except (LookupError, UnicodeDecodeError):
            raise UnreadablePage(f"the body is not text in {charset!r}") from None
        page = Page(
            content=content,
            content_type="html" if media.strip().lower() in {"text/html", "application/xhtml+xml"} else "text",
            url=url,
            outlet=outlet,
            published=parse_date(published, "published"),
        )
        return _ingest(page, store, pipeline)

    @get("/{article_id:str}", sync_to_thread=True, summary="One stored article with its events")
    def read(self, article_id: FromPath[str], store: NamedDependency[Store]) -> ArticleRecord:
        record = store.get_article(article_id)
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
        event = store.get_event(event_id)
        if event is None:
            raise NotFoundException(f"no event with id {event_id!r}")
        return event


class ExportController(Controller):
    path = "/export.csv"
    tags = ["export"]

    @get("/", summary="Events as CSV (same filters as /events), streamed", media_type="text/csv", sync_to_thread=False)
    def export_csv(self, filters: NamedDependency[EventFilter], store: NamedDependency[Store]) -> Stream:
        return csv_stream(csv_chunks(store.iter_events(filters)), "mentions.csv")


class PluginController(Controller):
    path = "/plugins"
    tags = ["plugins"]

    @get("/", summary="Extractor plugins and whether they loaded", sync_to_thread=False)
    def list_plugins(self, pipeline: NamedDependency[Pipeline]) -> list[PluginInfo]:
        return pipeline.registry.infos()
