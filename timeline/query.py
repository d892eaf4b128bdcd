"""Event filters, shared by the API's query parameters and the CLI's options.

Parsing lives here so that both front ends reject the same bad input with the
same message.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import re
from collections.abc import Iterable
from typing import Literal
from urllib.parse import urlsplit

import msgspec

from timeline.models import EVENT_TYPES, STATUSES

DEFAULT_STATUSES: tuple[str, ...] = ("occurred", "planned")
MAX_LIMIT = 1000


# Publication dates outside this range are typing mistakes or attacks (0001-01-01 with "yesterday" in the
# text overflows date arithmetic); every door (API body and query, CLI option, manifest) rejects them.
EARLIEST_PUBLISHED = dt.date(1900, 1, 1)
LATEST_PUBLISHED = dt.date(2100, 12, 31)
URL_SCHEMES = ("http", "https")


class BadInput(ValueError):
    """A request or command-line value that cannot be accepted; the message says which and why."""


class BadFilter(BadInput):
    """A filter value that cannot be understood; the message says which and why."""


class EventFilter(msgspec.Struct, frozen=True, kw_only=True):
    """Which events to return, in which order, how many at a time."""

    start: dt.date | None = None
    end: dt.date | None = None
    types: tuple[str, ...] = ()
    statuses: tuple[str, ...] = DEFAULT_STATUSES
    actor: tuple[str, ...] = ()
    agent: tuple[str, ...] = ()
    target: tuple[str, ...] = ()
    outlet: tuple[str, ...] = ()
    q: str | None = None
    min_confidence: float | None = None
    sort: Literal["asc", "desc"] = "asc"
    limit: int = 100
    cursor: str | None = None


def parse_date(value: str | None, name: str) -> dt.date | None:
    """An ISO date, a year-month or a year ("2021-03-22", "2021-03", "2021")."""
    if value is None or value == "":
        return None
    v = value.strip()
    try:
        if re.fullmatch(r"\d{4}", v):
            return dt.date(int(v), 1, 1) if name == "start" else dt.date(int(v), 12, 31)
        if re.fullmatch(r"\d{4}-\d{2}", v):
            y, m = map(int, v.split("-"))
            if name == "start":
                return dt.date(y, m, 1)
            nxt = dt.date(y + (m == 12), m % 12 + 1, 1)
            return nxt - dt.timedelta(days=1)
        return dt.date.fromisoformat(v)
    except ValueError:
        raise BadFilter(f"{name}={value!r} is not a date; use YYYY-MM-DD, YYYY-MM or YYYY") from None


def check_published(value: dt.date | None, name: str = "published") -> dt.date | None:
    """``value`` when it is a plausible publication date, else ``BadInput`` saying the range."""
    if value is not None and not EARLIEST_PUBLISHED <= value <= LATEST_PUBLISHED:
        raise BadInput(
            f"{name}={value.isoformat()} is out of range; use a date from {EARLIEST_PUBLISHED} to {LATEST_PUBLISHED}"
        )
    return value


def parse_published(value: str | None, name: str = "published") -> dt.date | None:
    """A publication date given as text (YYYY-MM-DD), checked against the accepted range."""
    if value is None or value == "":
        return None
    try:
        day = dt.date.fromisoformat(value.strip())
    except ValueError:
        raise BadInput(f"{name}={value!r} is not a date; use YYYY-MM-DD") from None
    return check_published(day, name)


def check_url(value: str | None, name: str = "url") -> str | None:
    """An article's URL: absolute http(s) only, since pages render it as a link (no ``javascript:``)."""
    if value is None or value == "":
        return None
    parts = urlsplit(value.strip()) if not _has_control(value) else None
    if parts is None or parts.scheme.lower() not in URL_SCHEMES or not parts.netloc:
        raise BadInput(f"{name}={value[:100]!r} is not an http(s) URL")
    return value.strip()


def _has_control(value: str, allowed: str = "") -> bool:
    """Control characters (NUL above all) or lone surrogates, which no database or encoder accepts."""
    return any((ord(c) < 32 or ord(c) == 127 or 0xD800 <= ord(c) <= 0xDFFF) and c not in allowed for c in value)


def check_text(value: str | None, name: str) -> str | None:
    """A short text parameter (a filter, an outlet, an id): no NUL or other control characters.

    PostgreSQL cannot store NUL in text at all, and no real name or search holds control characters.
    """
    if value is not None and _has_control(value, allowed="\t\n\r"):
        raise BadInput(f"{name} contains a control character (such as NUL) or invalid Unicode; send plain text")
    return value


def _items(values: Iterable[str] | str | None) -> tuple[str, ...]:
    if values is None:
        return ()
    if isinstance(values, str):
        values = [values]
    return tuple(x.strip() for v in values for x in v.split(",") if x.strip())


def _checked(name: str, values: Iterable[str] | str | None) -> tuple[str, ...]:
    items = _items(values)
    for item in items:
        check_text(item, name)
    return items


def build_filter(
    *,
    start: str | None = None,
    end: str | None = None,
    types: Iterable[str] | str | None = None,
    status: Iterable[str] | str | None = None,
    actor: Iterable[str] | str | None = None,
    agent: Iterable[str] | str | None = None,
    target: Iterable[str] | str | None = None,
    outlet: Iterable[str] | str | None = None,
    q: str | None = None,
    min_confidence: float | None = None,
    sort: str = "asc",
    limit: int = 100,
    cursor: str | None = None,
) -> EventFilter:
    """Validate raw filter values into an ``EventFilter``; raises ``BadFilter`` with a clear message."""
    s, e = parse_date(start, "start"), parse_date(end, "end")
    if s and e and s > e:
        raise BadFilter(f"start={start} is after end={end}")
    ts = _checked("type", types)
    unknown = [t for t in ts if t not in EVENT_TYPES]
    if unknown:
        raise BadFilter(f"unknown type {unknown[0]!r}; known types: {', '.join(EVENT_TYPES)}")
    st = _checked("status", status)
    if st == ("all",):
        st = STATUSES
    bad = [x for x in st if x not in STATUSES]
    if bad:
        raise BadFilter(f"unknown status {bad[0]!r}; use one of {', '.join(STATUSES)} or all")
    if sort not in ("asc", "desc"):
        raise BadFilter(f"sort={sort!r}; use asc or desc")
    if not 1 <= limit <= MAX_LIMIT:
        raise BadFilter(f"limit={limit}; use 1 to {MAX_LIMIT}")
    if min_confidence is not None and not 0 <= min_confidence <= 1:
        raise BadFilter(f"min_confidence={min_confidence}; use 0 to 1")
    if cursor is not None:
        decode_cursor(cursor)
    check_text(q, "q")
    return EventFilter(
        start=s,
        end=e,
        types=ts,
        statuses=st or DEFAULT_STATUSES,
        actor=tuple(a.upper() for a in _checked("actor", actor)),
        agent=tuple(a.upper() for a in _checked("agent", agent)),
        target=tuple(a.upper() for a in _checked("target", target)),
        outlet=_checked("outlet", outlet),
        q=q.strip() if q and q.strip() else None,
        min_confidence=min_confidence,
        sort=sort,  # type: ignore[arg-type]
        limit=limit,
        cursor=cursor,
    )


# Sort keys: the order of a listing as bytes, compared bytewise by SQLite (BLOB) and PostgreSQL (bytea).
# An event's is its day (undated: 0001-01-01) as a 3-byte ordinal and its id; an entry's starts with 0 for
# dated entries and 1 for undated ones, so undated entries come after every dated one.
UNDATED_ENTRIES = b"\x01"
_FLIP = str.maketrans("0123456789abcdef", "fedcba9876543210")


def _id_bytes(id_: str) -> bytes:
    """An id's bytes in the id's own order: 8 for the 16 hex digits every id has, else marked UTF-8."""
    if len(id_) == 16 and re.fullmatch(r"[0-9a-f]{16}", id_):
        return bytes.fromhex(id_)
    return b"\xff" + id_.encode()


def _day(d: dt.date | None) -> bytes:
    return (d or dt.date(1, 1, 1)).toordinal().to_bytes(3, "big")


def event_key(event_id: str, start: dt.date | None) -> bytes:
    """An event's place in date order (undated events as 0001-01-01), made unique by its id."""
    return _day(start) + _id_bytes(event_id)


def entry_key(entry_id: str, start: dt.date | None, precision: str) -> bytes:
    """An entry's place on the timeline: dated entries by date (then id), undated ones after them.

    With an empty id it is where that day begins (a date filter's bound).
    """
    if start is None or precision == "unknown":
        return UNDATED_ENTRIES + b"\0\0\0" + _id_bytes(entry_id) if entry_id else UNDATED_ENTRIES
    return b"\0" + _day(start) + (_id_bytes(entry_id) if entry_id else b"")


def encode_cursor(sort_key: bytes) -> str:
    """An opaque token for the position after ``sort_key``."""
    return base64.urlsafe_b64encode(sort_key).decode().rstrip("=")


def decode_cursor(cursor: str) -> bytes:
    """The sort key inside a cursor; ``BadFilter`` when it was not made by ``encode_cursor``.

    Cursors handed out before sort keys were bytes held the key as text (events "<date>|<id>"; entries
    "<0 dated|1 undated>|<date>|<id>", newest first "<0|1>|<days before the calendar's end>|<flipped id>"):
    they are read as the keys they stood for.
    """
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
    except (binascii.Error, ValueError):
        raise BadFilter("cursor is not a token this server gave out") from None
    old = re.fullmatch(rb"(?:([01])\|(?:(\d{4}-\d{2}-\d{2})|(\d{7}))\|)?(?:(\d{4}-\d{2}-\d{2})\|)?([0-9a-f]{16})", raw)
    if old is not None:
        flag, day, days_left, event_day, ident = (g.decode() if g else None for g in old.groups())
        assert ident is not None
        if flag is None:
            return event_key(ident, dt.date.fromisoformat(event_day) if event_day else None)
        if days_left is not None:
            ident = ident.translate(_FLIP)
            start = dt.date.fromordinal(dt.date.max.toordinal() - int(days_left)) if flag == "0" else None
        else:
            start = dt.date.fromisoformat(day) if day and flag == "0" else None
        return entry_key(ident, start, "day" if start else "unknown")
    if not 11 <= len(raw) <= 80:
        raise BadFilter("cursor is not a token this server gave out")
    return raw
