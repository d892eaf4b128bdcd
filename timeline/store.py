"""Articles and events in SQL: a SQLite file by default, PostgreSQL by URL.

One article and all its events are written in one transaction, so a failure
leaves nothing half-written. Events are paged by keyset on ``sort_key``
(date then id), never by OFFSET.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

import msgspec
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from timeline.models import ArticleRecord, Event
from timeline.query import EventFilter, decode_cursor, encode_cursor

metadata = sa.MetaData()

articles = sa.Table(
    "articles",
    metadata,
    sa.Column("id", sa.String(40), primary_key=True),
    sa.Column("title", sa.Text),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("url", sa.Text),
    sa.Column("file", sa.Text),
    sa.Column("outlet", sa.String(200), index=True),
    sa.Column("published", sa.Date),
    sa.Column("source", sa.String(200)),
    sa.Column("byline", sa.Text),
    sa.Column("ingested_at", sa.DateTime, nullable=False),
)

events = sa.Table(
    "events",
    metadata,
    sa.Column("id", sa.String(16), primary_key=True),
    sa.Column("article_id", sa.String(40), sa.ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
    sa.Column("type", sa.String(20), nullable=False),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("date_start", sa.Date),
    sa.Column("date_end", sa.Date),
    sa.Column("date_precision", sa.String(10), nullable=False),
    sa.Column("outlet", sa.String(200)),
    sa.Column("evidence", sa.Text, nullable=False),
    sa.Column("confidence", sa.Float, nullable=False),
    # date (or 0000-00-00 when undated) and id: a total order for keyset pagination
    sa.Column("sort_key", sa.String(40), nullable=False, unique=True),
    sa.Column("payload", sa.LargeBinary, nullable=False),
    sa.Index("ix_events_type_sort", "type", "sort_key"),
    sa.Index("ix_events_article", "article_id"),
)

event_actors = sa.Table(
    "event_actors",
    metadata,
    sa.Column("event_id", sa.String(16), sa.ForeignKey("events.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("code", sa.String(12), primary_key=True),
    sa.Column("role", sa.String(10), primary_key=True),
    sa.Index("ix_event_actors_code", "code", "role"),
)


class StoreError(RuntimeError):
    """The database could not be reached or written; the message says which."""


@dataclass(frozen=True, slots=True)
class EventPage:
    """One page of events, the cursor for the next one, and the total when asked."""

    items: list[Event]
    next: str | None
    total: int | None


def normalise_url(url: str) -> str:
    """Use psycopg 3 for plain ``postgresql://`` URLs."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def sort_key(event: Event) -> str:
    return f"{(event.date_start or dt.date(1, 1, 1)).isoformat().rjust(10, '0')}|{event.id}"


class Store:
    """The timeline's database."""

    def __init__(self, url: str, engine: Engine | None = None) -> None:
        self.url = normalise_url(url)
        self.engine = engine or sa.create_engine(self.url, future=True, pool_pre_ping=True)
        if self.engine.dialect.name == "sqlite":
            sa.event.listen(self.engine, "connect", _sqlite_pragmas)

    def create_schema(self) -> None:
        """Create the tables when they do not exist yet."""
        try:
            metadata.create_all(self.engine)
        except sa.exc.OperationalError as exc:
            raise StoreError(f"cannot open the database {self.engine.url!r}: {exc.orig}") from None

    def drop_schema(self) -> None:
        """Drop every table (tests use this to start clean)."""
        metadata.drop_all(self.engine)

    # -- writing ----------------------------------------------------------------------

    def add(self, record: ArticleRecord) -> tuple[ArticleRecord, bool]:
        """Store an article with its events, all or nothing; an article seen before is left as it is."""
        with self.engine.begin() as conn:
            existing = self._article(conn, record.id)
            if existing is not None:
                return existing, False
            conn.execute(
                articles.insert().values(
                    id=record.id,
                    title=record.title,
                    text=record.text,
                    url=record.url,
                    file=record.file,
                    outlet=record.outlet,
                    published=record.published,
                    source=record.source,
                    byline=record.byline,
                    ingested_at=record.ingested_at,
                )
            )
            known = {
                r[0] for r in conn.execute(sa.select(events.c.id).where(events.c.id.in_([e.id for e in record.events])))
            }
            fresh = [e for e in record.events if e.id not in known]
            if fresh:
                conn.execute(events.insert(), [_event_row(e) for e in fresh])
                rows = [
                    {"event_id": e.id, "code": a.code, "role": a.role}
                    for e in fresh
                    for a in {(a.code, a.role): a for a in e.actors}.values()
                ]
                if rows:
                    conn.execute(event_actors.insert(), rows)
        return record, True

    # -- reading ----------------------------------------------------------------------

    def get_article(self, article_id: str) -> ArticleRecord | None:
        with self.engine.connect() as conn:
            return self._article(conn, article_id)

    def _article(self, conn: Connection, article_id: str) -> ArticleRecord | None:
        row = conn.execute(sa.select(articles).where(articles.c.id == article_id)).mappings().first()
        if row is None:
            return None
        evs = conn.execute(
            sa.select(events.c.payload).where(events.c.article_id == article_id).order_by(events.c.sort_key)
        ).scalars()
        return ArticleRecord(**dict(row), events=tuple(_decode(p) for p in evs))

    def get_event(self, event_id: str) -> Event | None:
        with self.engine.connect() as conn:
            payload = conn.execute(sa.select(events.c.payload).where(events.c.id == event_id)).scalar()
        return _decode(payload) if payload is not None else None

    def _where(self, f: EventFilter) -> list[sa.ColumnElement[bool]]:
        c = events.c
        where: list[sa.ColumnElement[bool]] = []
        if f.start is not None:
            where.append(sa.func.coalesce(c.date_end, c.date_start) >= f.start)
        if f.end is not None:
            where.append(c.date_start <= f.end)
        if f.types:
            where.append(c.type.in_(f.types))
        if f.statuses:
            where.append(c.status.in_(f.statuses))
        if f.outlet:
            where.append(c.outlet.in_(f.outlet))
        if f.q:
            where.append(c.evidence.ilike(f"%{f.q}%"))
        if f.min_confidence is not None:
            where.append(c.confidence >= f.min_confidence)
        for codes, role in ((f.actor, None), (f.agent, "agent"), (f.target, "target")):
            if codes:
                sub = sa.select(event_actors.c.event_id).where(event_actors.c.code.in_(codes))
                if role:
                    sub = sub.where(event_actors.c.role == role)
                where.append(c.id.in_(sub))
        return where

    def query_events(self, f: EventFilter, count: bool = False) -> EventPage:
        """One page of events matching ``f``, after ``f.cursor``."""
        where = self._where(f)
        stmt = sa.select(events.c.payload, events.c.sort_key).where(*where)
        if f.cursor:
            key = decode_cursor(f.cursor)
            stmt = stmt.where(events.c.sort_key > key if f.sort == "asc" else events.c.sort_key < key)
        order = events.c.sort_key.asc() if f.sort == "asc" else events.c.sort_key.desc()
        stmt = stmt.order_by(order).limit(f.limit + 1)
        with self.engine.connect() as conn:
            rows = conn.execute(stmt).all()
            total = (
                conn.execute(sa.select(sa.func.count()).select_from(events).where(*where)).scalar() if count else None
            )
        more = len(rows) > f.limit
        rows = rows[: f.limit]
        nxt = encode_cursor(rows[-1][1]) if more and rows else None
        return EventPage([_decode(r[0]) for r in rows], nxt, total)

    def iter_events(self, f: EventFilter, batch: int = 1000) -> Iterator[Event]:
        """Every event matching ``f``, fetched a batch at a time so memory stays flat."""
        cur = msgspec.structs.replace(f, limit=batch, cursor=f.cursor)
        while True:
            page = self.query_events(cur)
            yield from page.items
            if page.next is None:
                return
            cur = msgspec.structs.replace(cur, cursor=page.next)

    def counts(self) -> dict[str, int]:
        """How many articles and events are stored."""
        with self.engine.connect() as conn:
            return {
                "articles": conn.execute(sa.select(sa.func.count()).select_from(articles)).scalar() or 0,
                "events": conn.execute(sa.select(sa.func.count()).select_from(events)).scalar() or 0,
            }


def _sqlite_pragmas(dbapi_conn: object, _record: object) -> None:
    cur = dbapi_conn.cursor()  # type: ignore[attr-defined]
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.close()


_encoder = msgspec.json.Encoder()
_decoder = msgspec.json.Decoder(Event)


def _decode(payload: bytes) -> Event:
    return _decoder.decode(payload)


def _event_row(e: Event) -> dict[str, object]:
    return {
        "id": e.id,
        "article_id": e.article_id,
        "type": e.type,
        "status": e.status,
        "date_start": e.date_start,
        "date_end": e.date_end,
        "date_precision": e.date_precision,
        "outlet": e.outlet,
        "evidence": e.evidence,
        "confidence": e.confidence,
        "sort_key": sort_key(e),
        "payload": _encoder.encode(e),
    }
