"""Probes for orchestrators and load balancers.

``GET /healthz``: the process answers (no database call), for liveness: restart when it fails.
``GET /readyz``: the database answers and its schema is at the newest migration, for readiness:
send no traffic while it fails (503), e.g. during a deploy whose ``timeline db upgrade`` has not run.
"""

from __future__ import annotations

from typing import NoReturn

import msgspec
import sqlalchemy as sa
from litestar import Router, get
from litestar.di import NamedDependency
from litestar.exceptions import HTTPException
from litestar.openapi import ResponseSpec
from litestar.status_codes import HTTP_503_SERVICE_UNAVAILABLE

from timeline.store import Store, migrations


class Health(msgspec.Struct, frozen=True, kw_only=True):
    """The process is up."""

    status: str


class Ready(msgspec.Struct, frozen=True, kw_only=True):
    """The database is reachable and at ``revision``, the newest migration."""

    status: str
    revision: str


class NotReady(msgspec.Struct, frozen=True, kw_only=True):
    """Why the service should get no traffic yet."""

    status_code: int
    detail: str


@get("/healthz", sync_to_thread=False, summary="Liveness: the process answers", tags=["health"])
def healthz() -> Health:
    """200 while the process runs; touches no database."""
    return Health(status="ok")


@get(
    "/readyz",
    sync_to_thread=True,
    summary="Readiness: database reachable, schema at the newest migration",
    tags=["health"],
    responses={
        HTTP_503_SERVICE_UNAVAILABLE: ResponseSpec(
            NotReady, generate_examples=False, description="Database down or not migrated"
        )
    },
)
def readyz(store: NamedDependency[Store]) -> Ready:
    """200 with the schema revision; 503 when the database is unreachable or behind the code's migrations."""
    head = migrations.head()
    try:
        current = migrations.current(store.engine)
    except sa.exc.SQLAlchemyError as exc:
        detail = "database unreachable: " + " ".join(str(getattr(exc, "orig", exc)).split())
        _not_ready(detail)
    if current != head:
        _not_ready(f"database schema at {current or 'no revision'}, code needs {head}: run timeline db upgrade")
    return Ready(status="ready", revision=head)


def _not_ready(detail: str) -> NoReturn:
    # the app's error shape: {"status_code": 503, "detail": ...}
    raise HTTPException(status_code=HTTP_503_SERVICE_UNAVAILABLE, detail=detail)


health_router = Router(path="/", route_handlers=[healthz, readyz])
