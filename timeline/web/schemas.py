"""Request and response bodies of the REST API (msgspec Structs, no logic)."""

from __future__ import annotations

import datetime as dt

import msgspec

from timeline.models import ArticleRecord, Entry, Event


class ArticleIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """An article to read: ``text`` (plain) or ``html``, with optional metadata."""

    text: str | None = None
    html: str | None = None
    url: str | None = None
    outlet: str | None = None
    published: dt.date | None = None
    file: str | None = None


class IngestOut(msgspec.Struct, frozen=True, kw_only=True):
    """What a POSTed page became: the plugin that read it and each article found, with events."""

    plugin: str
    created: list[bool]
    articles: list[ArticleRecord]


class EventsOut(msgspec.Struct, frozen=True, kw_only=True):
    """A page of events; pass ``next`` back as ``cursor`` for the following page."""

    items: list[Event]
    next: str | None
    total: int | None = None


class ErrorOut(msgspec.Struct, frozen=True, kw_only=True):
    """Every error: the HTTP status and a sentence saying what was wrong."""

    status_code: int
    detail: str


class Bucket(msgspec.Struct, frozen=True, kw_only=True):
    """Entries starting in one day, week (from Monday), month or year."""

    start: dt.date
    count: int


class Buckets(msgspec.Struct, frozen=True, kw_only=True):
    """A histogram of the current filters; ``undated`` entries are too vague for the unit."""

    unit: str
    items: list[Bucket]
    undated: int


class EntriesOut(msgspec.Struct, frozen=True, kw_only=True):
    """A page of timeline entries, with facet counts and buckets when asked for."""

    items: list[Entry]
    next: str | None
    total: int | None = None
    facets: dict[str, dict[str, int]] | None = None
    buckets: Buckets | None = None
