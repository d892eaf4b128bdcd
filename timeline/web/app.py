"""The Litestar application: ``create_app()`` wires settings, store and pipeline into the controllers."""

from __future__ import annotations

from pathlib import Path

from litestar import Litestar, MediaType, Request, Response, get
from litestar.config.cors import CORSConfig
from litestar.di import Provide
from litestar.exceptions import HTTPException
from litestar.openapi.config import OpenAPIConfig
from litestar.response import File
from litestar.static_files import create_static_files_router
from litestar.status_codes import HTTP_400_BAD_REQUEST, HTTP_422_UNPROCESSABLE_ENTITY, HTTP_503_SERVICE_UNAVAILABLE

from timeline import __version__
from timeline.html import UnreadablePage
from timeline.pipeline import Pipeline
from timeline.query import BadFilter
from timeline.settings import Settings
from timeline.store import Store, StoreError
from timeline.web.controllers import (
    ArticleController,
    EventController,
    ExportController,
    PluginController,
    event_filter,
)
from timeline.web.health import health_router
from timeline.web.timeline_controller import TimelineController


def _error(status: int):  # type: ignore[no-untyped-def]
    def handler(_: Request, exc: Exception) -> Response[dict[str, object]]:
        return Response({"status_code": status, "detail": str(exc)}, status_code=status, media_type=MediaType.JSON)

    return handler


STATIC = Path(__file__).parent / "static"


@get("/", include_in_schema=False, sync_to_thread=False)
def index() -> File:
    """The timeline page (static HTML and JS that call the REST API)."""
    return File(STATIC / "index.html", content_disposition_type="inline", media_type="text/html")


def create_app(
    settings: Settings | None = None, store: Store | None = None, pipeline: Pipeline | None = None
) -> Litestar:
    """The API. Pass ``store``/``pipeline`` to share them (tests do); otherwise they come from ``settings``."""
    settings = settings or Settings.from_env()
    store = store or Store(settings.database_url)
    pipeline = pipeline or Pipeline(settings)

    def on_startup() -> None:
        store.create_schema()

    return Litestar(
        route_handlers=[
            ArticleController,
            EventController,
            ExportController,
            PluginController,
            TimelineController,
            health_router,
            index,
            create_static_files_router(path="/static", directories=[STATIC]),
        ],
        dependencies={
            "store": Provide(lambda: store, use_cache=True, sync_to_thread=False),
            "pipeline": Provide(lambda: pipeline, use_cache=True, sync_to_thread=False),
            "filters": Provide(event_filter, sync_to_thread=False),
        },
        on_startup=[on_startup],
        exception_handlers={
            BadFilter: _error(HTTP_400_BAD_REQUEST),
            UnreadablePage: _error(HTTP_422_UNPROCESSABLE_ENTITY),
            StoreError: _error(HTTP_503_SERVICE_UNAVAILABLE),
        },
        request_max_body_size=settings.max_body_bytes,
        cors_config=CORSConfig(allow_origins=list(settings.cors_origins)) if settings.cors_origins else None,
        openapi_config=OpenAPIConfig(
            title="timeline",
            version=__version__,
            description="Diplomatic events from news articles: dated, attributed, queryable.",
        ),
    )


__all__ = ["HTTPException", "create_app"]
