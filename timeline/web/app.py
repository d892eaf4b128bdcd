"""The Litestar application: ``create_app()`` wires settings, store and pipeline into the controllers."""

from __future__ import annotations

import logging
from pathlib import Path

from litestar import Litestar, MediaType, Request, Response, get
from litestar.config.cors import CORSConfig
from litestar.di import Provide
from litestar.exceptions import HTTPException
from litestar.middleware.rate_limit import RateLimitConfig
from litestar.openapi.config import OpenAPIConfig
from litestar.openapi.spec import Components, SecurityScheme
from litestar.response import File
from litestar.static_files import create_static_files_router
from litestar.status_codes import (
    HTTP_400_BAD_REQUEST,
    HTTP_422_UNPROCESSABLE_ENTITY,
    HTTP_500_INTERNAL_SERVER_ERROR,
    HTTP_503_SERVICE_UNAVAILABLE,
)

from timeline import __version__
from timeline.auth import TokenSet
from timeline.html import UnreadablePage
from timeline.pipeline import Pipeline
from timeline.query import BadInput
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
from timeline.web.security import WRITE_METHODS, App, headers_hook, origin_guard, token_guard
from timeline.web.timeline_controller import TimelineController

log = logging.getLogger("timeline.web")


def _error(status: int):  # type: ignore[no-untyped-def]
    def handler(_: Request, exc: Exception) -> Response[dict[str, object]]:
        return Response({"status_code": status, "detail": str(exc)}, status_code=status, media_type=MediaType.JSON)

    return handler


def _internal_error(request: Request, exc: Exception) -> Response[dict[str, object]]:
    """Every 500: the traceback goes to the server log, the client gets a short JSON body."""
    log.error("%s %s failed", request.method, request.url.path, exc_info=exc)
    # an HTTPException raised with status 500 keeps its message; anything else is not the client's business
    detail = exc.detail if isinstance(exc, HTTPException) else "internal server error; the server log has the details"
    return Response(
        {"status_code": HTTP_500_INTERNAL_SERVER_ERROR, "detail": detail},
        status_code=HTTP_500_INTERNAL_SERVER_ERROR,
        media_type=MediaType.JSON,
    )


def _is_write(request: Request) -> bool:  # type: ignore[type-arg]
    return request.method in WRITE_METHODS


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
    tokens = TokenSet(
        settings.api_tokens, settings.read_tokens, Path(settings.token_file) if settings.token_file else None
    )

    def on_startup() -> None:
        # an empty database is built here; an older one waits for `timeline db upgrade` (/readyz says so)
        store.create_schema(migrate=False)
        if not tokens:
            log.warning("no API tokens: every write will get 401 (create one with: timeline token create)")

    rate_limit = (
        RateLimitConfig(rate_limit=settings.write_rate_limit, check_throttle_handler=_is_write)  # type: ignore[arg-type]
        if settings.write_rate_limit
        else None
    )
    return App(
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
        guards=[token_guard(tokens, settings.auth_reads), origin_guard(settings.cors_origins)],
        before_send=[headers_hook],
        middleware=[rate_limit.middleware] if rate_limit else [],
        exception_handlers={
            BadInput: _error(HTTP_400_BAD_REQUEST),
            UnreadablePage: _error(HTTP_422_UNPROCESSABLE_ENTITY),
            StoreError: _error(HTTP_503_SERVICE_UNAVAILABLE),
            HTTP_500_INTERNAL_SERVER_ERROR: _internal_error,
        },
        request_max_body_size=settings.max_body_bytes,
        cors_config=CORSConfig(
            allow_origins=list(settings.cors_origins),
            allow_methods=["GET", "HEAD", "POST", "OPTIONS"],
            allow_headers=["Authorization", "Content-Type", "If-None-Match"],
            expose_headers=["ETag"],
        )
        if settings.cors_origins
        else None,
        openapi_config=OpenAPIConfig(
            title="timeline",
            version=__version__,
            description="Diplomatic events from news articles: dated, attributed, queryable. Writes need "
            "'Authorization: Bearer <token>' (timeline token create); reads too when TIMELINE_AUTH_READS is set.",
            components=Components(security_schemes={"BearerToken": SecurityScheme(type="http", scheme="bearer")}),
        ),
    )


__all__ = ["HTTPException", "create_app"]
