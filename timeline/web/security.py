"""What every request passes before a handler runs, and what every response carries.

- Tokens: writes need ``Authorization: Bearer <token>`` with write scope (401 without one, 403 for a
  read-only token); reads need any token when ``auth_reads`` is set.
- Cross-site writes: a browser's ``Origin`` must be this server's or one of the CORS origins (403).
- Content types: each write accepts only the media types its OpenAPI operation documents (415), so a
  page elsewhere cannot post a "simple" form or ``text/plain`` JSON without a preflight.
- JSON bodies are decoded once up front, so invalid UTF-8 or absurd nesting is a 400, not a crash.
- Security headers (CSP, nosniff, frame-ancestors, referrer policy) on every response, errors included.
- ``HEAD`` is answered on every ``GET`` route, with the GET's headers and no body.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import msgspec
from litestar import Litestar, Request
from litestar.connection import ASGIConnection
from litestar.exceptions import ClientException, NotAuthorizedException, PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler
from litestar.status_codes import HTTP_415_UNSUPPORTED_MEDIA_TYPE
from litestar.types import Message, Receive, Scope, Send

from timeline.auth import TokenSet

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
PUBLIC_PREFIXES = ("/static/", "/schema")  # the page's assets and the API description never need a token
PUBLIC_PATHS = frozenset({"/"})

# The page and the TimelineJS view load only their own scripts and styles (no inline code anywhere).
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
# Litestar's OpenAPI viewers (/schema) are pages with inline bootstrapping code and assets from a CDN.
SCHEMA_CSP = (
    "default-src 'self'; "
    "script-src 'self' 'unsafe-inline' https://cdn.redoc.ly https://cdn.jsdelivr.net https://unpkg.com; "
    "style-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net https://unpkg.com https://fonts.googleapis.com; "
    "font-src 'self' data: https://fonts.gstatic.com; img-src 'self' data: https://cdn.jsdelivr.net; "
    "worker-src 'self' blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
)
HEADERS = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
    "cross-origin-opener-policy": "same-origin",
}


class UnsupportedMediaType(ClientException):
    status_code = HTTP_415_UNSUPPORTED_MEDIA_TYPE


def _bearer(connection: ASGIConnection[Any, Any, Any, Any]) -> str | None:
    scheme, _, token = connection.headers.get("authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def token_guard(tokens: TokenSet, auth_reads: bool) -> Callable[..., None]:
    """The app-wide guard: write scope for writes, any known token for reads when ``auth_reads``."""

    def guard(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
        method = connection.scope.get("method", "GET")
        write = method in WRITE_METHODS
        path = connection.scope["path"]
        if not write and (not auth_reads or path in PUBLIC_PATHS or path.startswith(PUBLIC_PREFIXES)):
            return
        challenge = {"WWW-Authenticate": 'Bearer realm="timeline"'}
        token = _bearer(connection)
        if token is None:
            what = "writing" if write else "reading"
            raise NotAuthorizedException(
                f"{what} needs a token: send 'Authorization: Bearer <token>' (create one with: timeline token create)",
                headers=challenge,
            )
        scope = tokens.scope_of(token)
        if scope is None:
            raise NotAuthorizedException("the token is not valid here (unknown or revoked)", headers=challenge)
        if write and scope != "write":
            raise PermissionDeniedException("this token is read-only; writing needs a write token")

    return guard


def origin_guard(allowed: tuple[str, ...]) -> Callable[..., None]:
    """Writes from a browser page on another site are refused unless that origin is a CORS origin."""
    allowed_set = {o.rstrip("/").lower() for o in allowed}

    def guard(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
        origin = connection.headers.get("origin")
        if origin is None or connection.scope.get("method") not in WRITE_METHODS:
            return
        o = origin.rstrip("/").lower()
        host = (connection.headers.get("host") or "").lower()
        if "*" in allowed_set or o in allowed_set or (host and urlsplit(o).netloc == host):
            return
        raise PermissionDeniedException(
            f"writes from origin {origin[:100]!r} are not allowed; list it in TIMELINE_CORS_ORIGINS"
        )

    return guard


def media_type(connection: ASGIConnection[Any, Any, Any, Any]) -> str:
    """The request's media type without parameters, lower case ('' when absent)."""
    return connection.headers.get("content-type", "").partition(";")[0].strip().lower()


def content_type_guard(connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler) -> None:
    """415 unless the body's media type is one the handler lists in ``opt["content_types"]``."""
    accepted: tuple[str, ...] = handler.opt.get("content_types", ())
    if accepted and media_type(connection) not in accepted:
        got = media_type(connection) or "none"
        raise UnsupportedMediaType(f"Content-Type {got[:80]!r} is not accepted here; send {' or '.join(accepted)}")


async def json_body_guard(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    """Decode the JSON body once before Litestar does, turning what would crash it into a clear 400.

    The body is cached on the connection, so the handler's own parsing reads it without a second receive.
    """
    body = await Request[Any, Any, Any](connection.scope, connection.receive).body()
    try:
        msgspec.json.decode(body)
    except RecursionError:
        raise ClientException("the JSON body is nested too deeply") from None
    except UnicodeDecodeError:
        raise ClientException("the JSON body is not valid UTF-8") from None
    except msgspec.DecodeError as exc:
        raise ClientException(f"the body is not valid JSON: {exc}") from None


def headers_hook(message: Message, scope: Scope) -> None:
    """``before_send`` hook: security headers on every response, whichever part of the app made it."""
    if message["type"] != "http.response.start":
        return
    headers = list(message.get("headers", []))
    present = {k.lower() for k, _ in headers}
    policy = SCHEMA_CSP if scope.get("path", "").startswith("/schema") else CSP
    extra = {"content-security-policy": policy, **HEADERS}
    headers += [(k.encode(), v.encode()) for k, v in extra.items() if k.encode() not in present]
    message["headers"] = headers  # type: ignore[typeddict-unknown-key]


class App(Litestar):
    """Litestar, answering ``HEAD`` on every ``GET`` route (RFC 9110: HEAD is GET without the body)."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:  # type: ignore[override]
        if scope["type"] != "http" or scope.get("method") != "HEAD":
            await super().__call__(scope, receive, send)  # type: ignore[arg-type]
            return
        scope = {**scope, "method": "GET"}  # type: ignore[assignment]
        started = finished = False

        async def head_send(message: Message) -> None:
            nonlocal started, finished
            if message["type"] == "http.response.start":
                started = True
                await send(message)
            elif message["type"] == "http.response.body" and started and not finished:
                finished = True
                await send({"type": "http.response.body", "body": b"", "more_body": False})

        await super().__call__(scope, receive, head_send)  # type: ignore[arg-type]
