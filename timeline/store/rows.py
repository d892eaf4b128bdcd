"""An event as an ``events`` row and back: columns for what is queried, a small msgpack ``extra`` for the rest.

Nothing is stored twice: the evidence is read from the article's text through its offsets (SQLite
keeps the sentence only when it is not that slice; PostgreSQL keeps it for its full-text index),
the event's ``article`` from the article's file, URL or id, ``agents``/``targets`` from the actors
in their order, and a mention's words from the event's evidence when they are the same.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from typing import Any, Protocol

import msgspec
import sqlalchemy as sa

from timeline.consolidate import key_of
from timeline.models import Actor, Event, Mention
from timeline.query import event_key
from timeline.store.schema import articles, events
from timeline.store.types import HexId


class _Actor(msgspec.Struct, frozen=True, array_like=True):
    code: str
    role: str
    name: str
    person: str | None = None
    office: str | None = None


class _Mention(msgspec.Struct, frozen=True, array_like=True):
    start: int
    end: int
    evidence: str | None = None  # None: the event's own evidence
    source: str | None = None


class Extra(msgspec.Struct, frozen=True, array_like=True):
    """What no ``events`` column holds; ``agents``/``targets`` are None when the actors give them in order.

    Written by ``event_row`` as arrays without their trailing empty fields, which decode as the defaults.
    """

    date_basis: str
    date_text: str | None = None
    actors: tuple[_Actor, ...] | None = None
    mentions: tuple[_Mention, ...] | None = None
    agents: tuple[str, ...] | None = None
    targets: tuple[str, ...] | None = None


_encoder = msgspec.msgpack.Encoder()
_decoder = msgspec.msgpack.Decoder(Extra)


def article_label(file: str | None, url: str | None, article_id: str) -> str:
    """What the extractor names an event's ``article``: the article's file, else its URL, else its id."""
    return file or url or article_id


class Stored(Protocol):
    """What an event's row is made against: its article (an ``ArticleRecord``, or a migration's row)."""

    @property
    def id(self) -> str: ...
    @property
    def file(self) -> str | None: ...
    @property
    def url(self) -> str | None: ...
    @property
    def text(self) -> str: ...


def _trim(*values: Any) -> list[Any]:
    """A struct's fields as a msgpack array without its trailing empty ones (decoded as their defaults)."""
    out = list(values)
    while out and out[-1] is None:
        out.pop()
    return out


def event_row(e: Event, record: Stored | None, keep_evidence: bool) -> dict[str, Any]:
    """The ``events`` columns of ``e`` (stored with ``record``, its article, when known), without key and sort key.

    ``keep_evidence`` stores the sentence even when the article's text holds it (PostgreSQL indexes it).
    """
    ours = record is not None and record.id == e.article_id
    sliced = ours and record is not None and 0 <= e.evidence_start <= e.evidence_end <= len(record.text)
    derivable = sliced and record is not None and record.text[e.evidence_start : e.evidence_end] == e.evidence
    label = article_label(record.file, record.url, record.id) if ours and record is not None else None
    actors = [_trim(a.code, a.role, a.name, a.person, a.office) for a in e.actors]
    in_order = (
        tuple(a.code for a in e.actors if a.role == "agent"),
        tuple(a.code for a in e.actors if a.role == "target"),
    )
    extra = _trim(
        e.date_basis,
        e.date_text,
        actors or None,
        [_trim(m.start, m.end, None if m.evidence == e.evidence else m.evidence, m.source) for m in e.mentions] or None,
        None if in_order[0] == e.agents else e.agents,
        None if in_order[1] == e.targets else e.targets,
    )
    return {
        "id": e.id,
        "article_id": e.article_id,
        "type": e.type,
        "status": e.status,
        "date_start": e.date_start,
        "date_end": e.date_end,
        "date_precision": e.date_precision,
        "outlet": e.outlet,
        "published": e.published,
        "evidence": e.evidence if keep_evidence or not derivable else None,
        "evidence_start": e.evidence_start,
        "evidence_end": e.evidence_end,
        "confidence": e.confidence,
        "article": None if label == e.article else e.article,
        "source": e.source,
        "extra": _encoder.encode(extra),
    }


def stored_event_row(e: Event, record: Stored, keep_evidence: bool) -> dict[str, Any]:
    """``event_row`` with the event's key and sort key: the whole ``events`` row a write inserts."""
    return {**event_row(e, record, keep_evidence), "key_id": key_of(e).id, "sort_key": event_key(e.id, e.date_start)}


def actor_rows(new: Iterable[Event]) -> list[dict[str, Any]]:
    """The ``event_actors`` rows of events: each (code, role) once per event."""
    return [
        {"sort_key": event_key(e.id, e.date_start), "code": a.code, "role": a.role}
        for e in new
        for a in {(a.code, a.role): a for a in e.actors}.values()
    ]


def evidence_of(ev: sa.Table = events, art: sa.Table = articles) -> sa.ColumnElement[str]:
    """An event's evidence in SQL: its own column, else its slice of the article text."""
    length = ev.c.evidence_end - ev.c.evidence_start
    return sa.func.coalesce(ev.c.evidence, sa.func.substr(art.c.text, ev.c.evidence_start + 1, length))


def article_of(ev: sa.Table = events, art: sa.Table = articles) -> sa.ColumnElement[str]:
    """An event's ``article`` in SQL (``article_label``; an empty file or URL counts as none, as in Python)."""
    # typed as an id: the article's own id comes back as bytes on SQLite, the text columns as text
    return sa.func.coalesce(
        ev.c.article, sa.func.nullif(art.c.file, ""), sa.func.nullif(art.c.url, ""), art.c.id, type_=HexId(40)
    )


@functools.cache
def event_select() -> sa.Select[Any]:
    """Every column ``event_of`` reads, in its order, with the article joined (built once; statements are immutable)."""
    c = events.c
    return sa.select(
        c.id, c.type, c.status, c.date_start, c.date_end, c.date_precision, c.article_id, c.outlet, c.published,
        evidence_of().label("evidence"), c.evidence_start, c.evidence_end, c.confidence,
        article_of().label("article"), c.source, c.extra,
    ).select_from(events.join(articles, articles.c.id == c.article_id))  # fmt: skip


def event_of(r: Sequence[Any]) -> Event:
    """An ``Event`` from a row of ``event_select`` (read by position: a row's attributes cost more)."""
    id_, type_, status, start, end, precision, article_id, outlet, published, evidence, e_start, e_end, confidence, \
        article, source, extra = r[:16]  # fmt: skip
    x = _decoder.decode(extra)
    actors = tuple(Actor(code=a.code, role=a.role, name=a.name, person=a.person, office=a.office)  # type: ignore[arg-type]
                   for a in x.actors or ())  # fmt: skip
    return Event(
        id=id_, type=type_, status=status, date_start=start, date_end=end, date_precision=precision,
        date_basis=x.date_basis, date_text=x.date_text,  # type: ignore[arg-type]
        agents=tuple(a.code for a in actors if a.role == "agent") if x.agents is None else x.agents,
        targets=tuple(a.code for a in actors if a.role == "target") if x.targets is None else x.targets,
        article=article, article_id=article_id, outlet=outlet, published=published, source=source,
        evidence=evidence, evidence_start=e_start, evidence_end=e_end, confidence=confidence, actors=actors,
        mentions=tuple(Mention(evidence=evidence if m.evidence is None else m.evidence, start=m.start, end=m.end,
                               source=m.source) for m in x.mentions or ()),
    )  # fmt: skip
