"""The data model shared by the core, the store, the CLI and the API.

Every type here is a frozen msgspec Struct with no behaviour of its own: what a
field means is documented here, how it is computed lives in the module that
computes it (``dates.py``, ``actors.py``, ``events.py``).
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

import msgspec

EventType = Literal["veto", "visit", "phone_call", "expulsion", "recall"]
Status = Literal["occurred", "planned", "hypothetical", "denied"]
Precision = Literal["day", "week", "month", "year", "unknown"]
Role = Literal["agent", "target"]
# Where an event's date came from: the sentence itself, a nearby sentence about the
# same happening (e.g. the vote a veto was cast in), the date the narrative had set,
# or the article's publication date (news leads with no date of their own).
DateBasis = Literal["text", "context", "anchor", "publication", "none"]

EVENT_TYPES: tuple[str, ...] = ("veto", "visit", "phone_call", "expulsion", "recall")
STATUSES: tuple[str, ...] = ("occurred", "planned", "hypothetical", "denied")
PRECISIONS: tuple[str, ...] = ("day", "week", "month", "year", "unknown")


class Page(msgspec.Struct, frozen=True, kw_only=True):
    """One input document as received: a file, stdin, or a POSTed body."""

    content: str
    content_type: Literal["text", "html"] = "text"
    url: str | None = None
    outlet: str | None = None
    published: dt.date | None = None
    file: str | None = None


class Attribution(msgspec.Struct, frozen=True):
    """A stretch of an article's text reported by another outlet ("From CNN:")."""

    start: int
    end: int
    source: str


class Article(msgspec.Struct, frozen=True, kw_only=True):
    """One article, cleaned of page furniture, as an extractor plugin hands it to the core.

    ``published`` is the article's own date when the page states it, else the page's.
    ``source`` is the original reporting outlet of a republished article.
    """

    text: str
    title: str | None = None
    published: dt.date | None = None
    outlet: str | None = None
    url: str | None = None
    file: str | None = None
    byline: str | None = None
    source: str | None = None
    attributions: tuple[Attribution, ...] = ()
    date_basis: Literal["page", "article", "relative"] = "page"
    # the place of a wire dateline the plugin cut from the text ("ISLAMABAD" of "ISLAMABAD, May 14 (APP):"):
    # where the story speaks from, for "the Foreign Ministry said"
    dateline: str | None = None


class Actor(msgspec.Struct, frozen=True, kw_only=True):
    """A participant: ``code`` is ISO 3166-1 alpha-3 for states, a short code for organisations."""

    code: str
    role: Role
    name: str
    person: str | None = None
    office: str | None = None


class Mention(msgspec.Struct, frozen=True, kw_only=True):
    """One place in one article where an event is told; offsets index the article text."""

    evidence: str
    start: int
    end: int
    source: str | None = None


class Event(msgspec.Struct, frozen=True, kw_only=True):
    """A diplomatic event found in one article.

    The flat fields are the ones the CSV export and the score script read; ``actors``
    and ``mentions`` carry the detail behind ``agents``/``targets`` and ``evidence``.
    ``evidence_start``/``evidence_end`` locate ``evidence`` in the article's text; for an event only
    the article's headline tells (the headline is kept apart, as ``ArticleRecord.title``) both are 0
    and ``evidence`` is words of the headline.
    """

    id: str
    type: EventType
    status: Status
    date_start: dt.date | None
    date_end: dt.date | None
    date_precision: Precision
    date_basis: DateBasis
    date_text: str | None
    agents: tuple[str, ...]
    targets: tuple[str, ...]
    article: str
    article_id: str
    outlet: str | None
    published: dt.date | None
    source: str | None
    evidence: str
    evidence_start: int
    evidence_end: int
    confidence: float
    actors: tuple[Actor, ...] = ()
    mentions: tuple[Mention, ...] = ()


class Source(msgspec.Struct, frozen=True, kw_only=True):
    """One report of a timeline entry: which article, from which outlet, in which words."""

    event_id: str
    article_id: str
    article: str
    title: str | None
    url: str | None = None
    outlet: str | None
    source: str | None
    published: dt.date | None
    evidence: str


class Entry(msgspec.Struct, frozen=True, kw_only=True):
    """One happening on the timeline, with every mention of it across articles and outlets.

    The date is the most precise any source gives; ``cameo`` and ``plover`` code the
    type for use beside existing event data.
    """

    id: str
    type: EventType
    status: Status
    date_start: dt.date | None
    date_end: dt.date | None
    date_precision: Precision
    agents: tuple[str, ...]
    targets: tuple[str, ...]
    evidence: str
    title: str | None
    confidence: float
    cameo: str
    plover: str
    outlets: tuple[str, ...]
    # how many articles' reports (``Event``s, each with its own in-article mentions) the entry gathers
    mention_count: int
    sources: tuple[Source, ...]


class ArticleRecord(msgspec.Struct, frozen=True, kw_only=True):
    """An article as stored: its content hash is its id, so ingesting it twice is a no-op."""

    id: str
    title: str | None
    text: str
    url: str | None
    file: str | None
    outlet: str | None
    published: dt.date | None
    source: str | None
    byline: str | None
    ingested_at: dt.datetime
    events: tuple[Event, ...] = ()


class PluginInfo(msgspec.Struct, frozen=True, kw_only=True):
    """What ``timeline plugins`` and ``GET /plugins`` show for one plugin."""

    name: str
    module: str | None
    status: Literal["loaded", "disabled", "failed"]
    error: str | None = None
