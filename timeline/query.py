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

import msgspec

from timeline.models import EVENT_TYPES, STATUSES

DEFAULT_STATUSES: tuple[str, ...] = ("occurred", "planned")
MAX_LIMIT = 1000


class BadFilter(ValueError):
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


def _items(values: Iterable[str] | str | None) -> tuple[str, ...]:
    if values is None:
        return ()
    if isinstance(values, str):
        values = [values]
    return tuple(x.strip() for v in values for x in v.split(",") if x.strip())


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
    ts = _items(types)
    unknown = [t for t in ts if t not in EVENT_TYPES]
    if unknown:
        raise BadFilter(f"unknown type {unknown[0]!r}; known types: {', '.join(EVENT_TYPES)}")
    st = _items(status)
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
    return EventFilter(
        start=s,
        end=e,
        types=ts,
        statuses=st or DEFAULT_STATUSES,
        actor=tuple(a.upper() for a in _items(actor)),
        agent=tuple(a.upper() for a in _items(agent)),
        target=tuple(a.upper() for a in _items(target)),
        outlet=_items(outlet),
        q=q.strip() if q and q.strip() else None,
        min_confidence=min_confidence,
        sort=sort,  # type: ignore[arg-type]
        limit=limit,
        cursor=cursor,
    )


def encode_cursor(sort_key: str) -> str:
    """An opaque token for the position after ``sort_key``."""
    return base64.urlsafe_b64encode(sort_key.encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> str:
    """The sort key inside a cursor; ``BadFilter`` when it was not made by ``encode_cursor``."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise BadFilter("cursor is not a token this server gave out") from None
    # events: "<date>|<id>"; entries: "<0 dated|1 undated>|<date, or days before the calendar's end>|<id>"
    if not re.fullmatch(r"([01]\|(\d{4}-\d{2}-\d{2}|\d{7})\|)?(\d{4}-\d{2}-\d{2}\|)?[0-9a-f]{16}", raw):
        raise BadFilter("cursor is not a token this server gave out")
    return raw
