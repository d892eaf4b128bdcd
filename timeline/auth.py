"""API tokens: who may write (and, optionally, read).

A token is 32 random bytes, shown once when created and kept only as its SHA-256 hash (a slow password
hash buys nothing for random 256-bit secrets). Tokens come from two places:

- the token file (``TIMELINE_TOKEN_FILE``, managed with ``timeline token create|list|revoke``): one JSON
  object per line with ``name``, ``scope`` (``write`` or ``read``), ``sha256`` and ``created``;
- the environment (``TIMELINE_API_TOKENS`` for write tokens, ``TIMELINE_READ_TOKENS`` for read-only
  ones), for deployments that hand secrets in as variables; they are hashed on load.

Presented tokens are hashed and compared with every known hash in constant time (``hmac.compare_digest``),
so neither the comparison nor the lookup order says how much of a guess was right.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import os
import secrets
import tempfile
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import Literal

import msgspec

Scope = Literal["write", "read"]
TOKEN_PREFIX = "tl_"


class TokenError(ValueError):
    """A token file that cannot be read or a token operation that cannot be done; the message says why."""


class TokenRecord(msgspec.Struct, frozen=True, kw_only=True):
    """One stored token: never the token itself, only its hash."""

    name: str
    scope: Scope
    sha256: str
    created: str = ""


def new_token() -> str:
    """A fresh random token (32 bytes, URL-safe)."""
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def digest(token: str) -> str:
    """The stored form of a token."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def read_file(path: Path) -> list[TokenRecord]:
    """The tokens in a token file; none when it does not exist."""
    if not path.is_file():
        return []
    out = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            out.append(msgspec.json.decode(line, type=TokenRecord))
        except msgspec.DecodeError as exc:
            raise TokenError(f"{path}:{n}: not a token record ({exc})") from None
    return out


def write_file(path: Path, records: Iterable[TokenRecord]) -> None:
    """Replace the token file atomically, readable by its owner only."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tokens-")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            for r in records:
                f.write(json.dumps(msgspec.to_builtins(r), sort_keys=True) + "\n")
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def create(path: Path, name: str, scope: Scope, replace: bool = False) -> str:
    """Add a token named ``name`` to the file and return it (the only time it is shown)."""
    if not name.strip() or any(ord(c) < 32 for c in name):
        raise TokenError("a token name must be printable text")
    records = read_file(path)
    if any(r.name == name for r in records):
        if not replace:
            raise TokenError(f"a token named {name!r} exists; revoke it first or pass --replace")
        records = [r for r in records if r.name != name]
    token = new_token()
    now = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
    records.append(TokenRecord(name=name, scope=scope, sha256=digest(token), created=now))
    write_file(path, records)
    return token


def revoke(path: Path, name: str) -> TokenRecord:
    """Remove the token named ``name`` (or whose hash starts with ``name``, 8+ characters)."""
    records = read_file(path)
    hits = [r for r in records if r.name == name or (len(name) >= 8 and r.sha256.startswith(name))]
    if len(hits) != 1:
        raise TokenError(f"no token named {name!r}" if not hits else f"{name!r} matches several tokens")
    write_file(path, [r for r in records if r is not hits[0]])
    return hits[0]


class TokenSet:
    """The tokens a server accepts: from the environment, plus the token file, re-read when it changes.

    Re-reading on change means ``timeline token revoke`` takes effect without restarting the server.
    """

    def __init__(self, write: Iterable[str] = (), read: Iterable[str] = (), file: Path | None = None) -> None:
        self._fixed = [(digest(t), "write") for t in write if t] + [(digest(t), "read") for t in read if t]
        self._file = file
        self._stamp: tuple[int, int] | None = None
        self._from_file: list[tuple[str, str]] = []
        self._lock = threading.Lock()

    def _current(self) -> list[tuple[str, str]]:
        if self._file is None:
            return self._fixed
        try:
            st = self._file.stat()
            stamp: tuple[int, int] | None = (st.st_mtime_ns, st.st_size)
        except OSError:
            stamp = None
        with self._lock:
            if stamp != self._stamp:
                records = read_file(self._file) if stamp is not None else []
                self._from_file = [(r.sha256, r.scope) for r in records]
                self._stamp = stamp
            return self._fixed + self._from_file

    def scope_of(self, token: str) -> Scope | None:
        """``write``, ``read``, or None for a token this server does not know."""
        presented = digest(token)
        found: Scope | None = None
        for known, scope in self._current():
            # no early exit: every known hash is compared, in constant time each
            if hmac.compare_digest(presented, known) and found != "write":
                found = "write" if scope == "write" else "read"
        return found

    def __bool__(self) -> bool:
        return bool(self._current())
