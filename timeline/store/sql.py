"""Articles and events in SQL: a SQLite file by default, PostgreSQL by URL.

One article and all its events are written in one transaction, so a failure
leaves nothing half-written. Events are paged by keyset on ``sort_key``
(date then id), never by OFFSET.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import msgspec
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from timeline.consolidate import consolidate
from timeline.models import ArticleRecord, Entry, Event
from timeline.query import EventFilter, decode_cursor, encode_cursor
from timeline.store.schema import (
    articles,
    entries,
    entry_actors,
    entry_outlets,
    event_actors,
    events,
    metadata,
    store_meta,
)


class StoreError(RuntimeError):
    """The database could not be reached or written; the message says which."""


@dataclass(frozen=True, slots=True)
class EntryPage:
    """One page of timeline entries, the cursor for the next one, and the total when asked."""

    items: list[Entry]
    next: str | None
    total: int | None


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
        """Create the tables (and the full-text index) when they do not exist yet."""
        try:
            metadata.create_all(self.engine)
            with self.engine.begin() as conn:
                if self.dialect == "sqlite":
                    conn.exec_driver_sql(
                        "CREATE VIRTUAL TABLE IF NOT EXISTS entries_fts USING fts5(entry_id UNINDEXED, body)"
                    )
                elif self.dialect == "postgresql":
                    conn.exec_driver_sql(
                        "CREATE INDEX IF NOT EXISTS ix_entries_fts ON entries "
                        "USING gin (to_tsvector('english', search_text))"
                    )
        except sa.exc.OperationalError as exc:
            raise StoreError(f"cannot open the database {self.engine.url!r}: {exc.orig}") from None

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def drop_schema(self) -> None:
        """Drop every table (tests use this to start clean)."""
        with self.engine.begin() as conn:
            if self.dialect == "sqlite":
                conn.exec_driver_sql("DROP TABLE IF EXISTS entries_fts")
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
                self._reconsolidate(conn, fresh)
            self._bump(conn)
        return record, True

    # -- timeline entries ---------------------------------------------------------------

    def _bump(self, conn: Connection) -> None:
        updated = conn.execute(
            store_meta.update().where(store_meta.c.key == "version").values(value=store_meta.c.value + 1)
        ).rowcount
        if not updated:
            conn.execute(store_meta.insert().values(key="version", value=1))

    def version(self) -> int:
        """A number that changes whenever anything stored changes."""
        with self.engine.connect() as conn:
            return conn.execute(sa.select(store_meta.c.value).where(store_meta.c.key == "version")).scalar() or 0

    def _reconsolidate(self, conn: Connection, fresh: list[Event]) -> None:
        """Rebuild the entries that the new mentions can touch: same type, a shared participant."""
        ids: set[str] = set()
        for kind in {e.type for e in fresh}:
            codes = {c for e in fresh if e.type == kind for c in (*e.agents, *e.targets)}
            near = sa.select(event_actors.c.event_id).join(events, events.c.id == event_actors.c.event_id)
            near = near.where(events.c.type == kind, event_actors.c.code.in_(codes))
            ids |= set(conn.execute(near).scalars())
        ids |= {e.id for e in fresh}
        old_entries = set(conn.execute(sa.select(events.c.entry_id).where(events.c.id.in_(ids))).scalars()) - {None}
        if old_entries:
            ids |= set(conn.execute(sa.select(events.c.id).where(events.c.entry_id.in_(old_entries))).scalars())
        self._write_entries(conn, ids, old_entries)

    def _write_entries(self, conn: Connection, event_ids: set[str], old_entries: set[str]) -> None:
        rows = conn.execute(
            sa.select(events.c.payload, articles.c.id, articles.c.title, articles.c.url)
            .join(articles, articles.c.id == events.c.article_id)
            .where(events.c.id.in_(event_ids))
        ).all()
        mentions = [_decode(r[0]) for r in rows]
        titles = {r[1]: r[2] for r in rows}
        urls = {r[1]: r[3] for r in rows}
        if old_entries:
            if self.dialect == "sqlite":
                conn.execute(
                    sa.text("DELETE FROM entries_fts WHERE entry_id IN :ids").bindparams(
                        sa.bindparam("ids", expanding=True)
                    ),
                    {"ids": list(old_entries)},
                )
            conn.execute(entry_actors.delete().where(entry_actors.c.entry_id.in_(old_entries)))
            conn.execute(entry_outlets.delete().where(entry_outlets.c.entry_id.in_(old_entries)))
            conn.execute(entries.delete().where(entries.c.id.in_(old_entries)))
        new = consolidate(mentions, titles, urls)
        if not new:
            return
        conn.execute(entries.insert(), [_entry_row(en) for en in new])
        actor_rows = [
            {"entry_id": en.id, "code": code, "role": role}
            for en in new
            for role, codes in (("agent", en.agents), ("target", en.targets))
            for code in dict.fromkeys(codes)
        ]
        if actor_rows:
            conn.execute(entry_actors.insert(), actor_rows)
        outlet_rows = [{"entry_id": en.id, "outlet": o} for en in new for o in en.outlets]
        if outlet_rows:
            conn.execute(entry_outlets.insert(), outlet_rows)
        if self.dialect == "sqlite":
            conn.execute(
                sa.text("INSERT INTO entries_fts (entry_id, body) VALUES (:id, :body)"),
                [{"id": en.id, "body": _search_text(en)} for en in new],
            )
        for en in new:
            conn.execute(
                events.update().where(events.c.id.in_([s.event_id for s in en.sources])).values(entry_id=en.id)
            )

    def rebuild_entries(self) -> int:
        """Consolidate every stored mention from scratch (after a change to the rules); returns the count."""
        with self.engine.begin() as conn:
            ids = set(conn.execute(sa.select(events.c.id)).scalars())
            old = set(conn.execute(sa.select(entries.c.id)).scalars())
            self._write_entries(conn, ids, old)
            self._bump(conn)
            return conn.execute(sa.select(sa.func.count()).select_from(entries)).scalar() or 0

    def _entry_where(self, f: EventFilter) -> list[sa.ColumnElement[bool]]:
        where = _common_where(entries, entry_actors, entry_actors.c.entry_id, f)
        if f.outlet:
            where.append(
                entries.c.id.in_(sa.select(entry_outlets.c.entry_id).where(entry_outlets.c.outlet.in_(f.outlet)))
            )
        if f.q:
            where.append(self._text_match(f.q))
        return where

    def _text_match(self, q: str) -> sa.ColumnElement[bool]:
        """Full-text search over evidence and titles: FTS5 on SQLite, tsvector on PostgreSQL."""
        if self.dialect == "sqlite":
            terms = " ".join('"' + t.replace('"', '""') + '"' for t in q.split())
            sub = sa.text("SELECT entry_id FROM entries_fts WHERE entries_fts MATCH :fts").bindparams(fts=terms)
            return entries.c.id.in_(sub.columns(sa.column("entry_id")))
        if self.dialect == "postgresql":
            return sa.func.to_tsvector("english", entries.c.search_text).op("@@")(sa.func.plainto_tsquery("english", q))
        return entries.c.search_text.ilike(f"%{q}%")

    def query_entries(self, f: EventFilter, count: bool = False) -> EntryPage:
        """One page of timeline entries matching ``f``, after ``f.cursor``."""
        payloads, nxt, total = self._keyset(entries, self._entry_where(f), f, count)
        return EntryPage([_entry_decoder.decode(p) for p in payloads], nxt, total)

    def iter_entries(self, f: EventFilter, batch: int = 1000) -> Iterator[Entry]:
        """Every entry matching ``f``, a batch at a time so memory stays flat."""
        return _batches(self.query_entries, f, batch)

    def get_entry(self, entry_id: str) -> Entry | None:
        with self.engine.connect() as conn:
            payload = conn.execute(sa.select(entries.c.payload).where(entries.c.id == entry_id)).scalar()
        return _entry_decoder.decode(payload) if payload is not None else None

    def facets(self, f: EventFilter, top: int = 50) -> dict[str, dict[str, int]]:
        """Counts by type, actor, outlet and year of the entries matching ``f`` (cursor ignored)."""
        where = self._entry_where(f)
        ids = sa.select(entries.c.id).where(*where)
        with self.engine.connect() as conn:
            by_type = conn.execute(sa.select(entries.c.type, sa.func.count()).where(*where).group_by(entries.c.type))
            n = sa.func.count(sa.distinct(entry_actors.c.entry_id))
            actors = conn.execute(
                sa.select(entry_actors.c.code, n)
                .where(entry_actors.c.entry_id.in_(ids))
                .group_by(entry_actors.c.code)
                .order_by(n.desc(), entry_actors.c.code)
                .limit(top)
            )
            m = sa.func.count()
            outlets = conn.execute(
                sa.select(entry_outlets.c.outlet, m)
                .where(entry_outlets.c.entry_id.in_(ids))
                .group_by(entry_outlets.c.outlet)
                .order_by(m.desc(), entry_outlets.c.outlet)
                .limit(top)
            )
            years = conn.execute(
                sa.select(entries.c.year, sa.func.count())
                .where(*where, entries.c.year.is_not(None))
                .group_by(entries.c.year)
                .order_by(entries.c.year)
            )
            return {
                "type": {k: v for k, v in by_type},
                "actor": {k: v for k, v in actors},
                "outlet": {k: v for k, v in outlets},
                "year": {str(k): v for k, v in years},
            }

    def buckets(self, f: EventFilter, unit: str) -> tuple[list[tuple[dt.date, int]], int]:
        """Entries per day, week (from Monday), month or year, and how many are too vague to place."""
        finer = {"day": {"day"}, "week": {"day", "week"}, "month": {"day", "week", "month"},
                 "year": {"day", "week", "month", "year"}}[unit]  # fmt: skip
        where = self._entry_where(f)
        counts: dict[dt.date, int] = {}
        vague = 0
        with self.engine.connect() as conn:
            rows = conn.execute(
                sa.select(entries.c.date_start, entries.c.date_precision, sa.func.count())
                .where(*where)
                .group_by(entries.c.date_start, entries.c.date_precision)
            )
            for start, precision, n in rows:
                if start is None or precision not in finer:
                    vague += n
                    continue
                key = _bucket(start, unit)
                counts[key] = counts.get(key, 0) + n
        return sorted(counts.items()), vague

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
        where = _common_where(events, event_actors, event_actors.c.event_id, f)
        if f.outlet:
            where.append(events.c.outlet.in_(f.outlet))
        if f.q:
            where.append(events.c.evidence.ilike(f"%{f.q}%"))
        return where

    def query_events(self, f: EventFilter, count: bool = False) -> EventPage:
        """One page of events (mentions) matching ``f``, after ``f.cursor``."""
        payloads, nxt, total = self._keyset(events, self._where(f), f, count)
        return EventPage([_decode(p) for p in payloads], nxt, total)

    def _keyset(
        self, table: sa.Table, where: list[sa.ColumnElement[bool]], f: EventFilter, count: bool
    ) -> tuple[list[bytes], str | None, int | None]:
        """Payloads of one page ordered by ``sort_key`` after the cursor, the next cursor, the total if asked."""
        key = table.c.sort_key
        stmt = sa.select(table.c.payload, key).where(*where)
        if f.cursor:
            after = decode_cursor(f.cursor)
            stmt = stmt.where(key > after if f.sort == "asc" else key < after)
        stmt = stmt.order_by(key.asc() if f.sort == "asc" else key.desc()).limit(f.limit + 1)
        with self.engine.connect() as conn:
            rows = conn.execute(stmt).all()
            total = (
                conn.execute(sa.select(sa.func.count()).select_from(table).where(*where)).scalar() if count else None
            )
        more = len(rows) > f.limit
        rows = rows[: f.limit]
        return [r[0] for r in rows], encode_cursor(rows[-1][1]) if more and rows else None, total

    def iter_events(self, f: EventFilter, batch: int = 1000) -> Iterator[Event]:
        """Every event matching ``f``, fetched a batch at a time so memory stays flat."""
        return _batches(self.query_events, f, batch)

    def counts(self) -> dict[str, int]:
        """How many articles and events are stored."""
        with self.engine.connect() as conn:
            return {
                "articles": conn.execute(sa.select(sa.func.count()).select_from(articles)).scalar() or 0,
                "events": conn.execute(sa.select(sa.func.count()).select_from(events)).scalar() or 0,
            }


def _common_where(
    table: sa.Table, actors: sa.Table, actor_fk: sa.Column[str], f: EventFilter
) -> list[sa.ColumnElement[bool]]:
    """The filters events and entries share: dates (ranges overlap), type, status, confidence, actors."""
    c = table.c
    where: list[sa.ColumnElement[bool]] = []
    if f.start is not None:
        where.append(sa.func.coalesce(c.date_end, c.date_start) >= f.start)
    if f.end is not None:
        where.append(c.date_start <= f.end)
    if f.types:
        where.append(c.type.in_(f.types))
    if f.statuses:
        where.append(c.status.in_(f.statuses))
    if f.min_confidence is not None:
        where.append(c.confidence >= f.min_confidence)
    for codes, role in ((f.actor, None), (f.agent, "agent"), (f.target, "target")):
        if codes:
            sub = sa.select(actor_fk).where(actors.c.code.in_(codes))
            if role:
                sub = sub.where(actors.c.role == role)
            where.append(c.id.in_(sub))
    return where


def _batches(query: Callable[[EventFilter], EventPage | EntryPage], f: EventFilter, batch: int) -> Iterator[Any]:
    """Follow the cursor through every page, yielding items one by one."""
    cur = msgspec.structs.replace(f, limit=batch)
    while True:
        page = query(cur)
        yield from page.items
        if page.next is None:
            return
        cur = msgspec.structs.replace(cur, cursor=page.next)


def _sqlite_pragmas(dbapi_conn: object, _record: object) -> None:
    cur = dbapi_conn.cursor()  # type: ignore[attr-defined]
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.close()


_encoder = msgspec.json.Encoder()
_decoder = msgspec.json.Decoder(Event)


def _decode(payload: bytes) -> Event:
    return _decoder.decode(payload)


_entry_decoder = msgspec.json.Decoder(Entry)


def _bucket(day: dt.date, unit: str) -> dt.date:
    if unit == "week":
        return day - dt.timedelta(days=day.weekday())
    if unit == "month":
        return day.replace(day=1)
    if unit == "year":
        return dt.date(day.year, 1, 1)
    return day


def _search_text(en: Entry) -> str:
    parts = [s.evidence for s in en.sources] + [s.title for s in en.sources if s.title]
    return "\n".join(dict.fromkeys(parts))


def _entry_row(en: Entry) -> dict[str, object]:
    return {
        "id": en.id,
        "type": en.type,
        "status": en.status,
        "date_start": en.date_start,
        "date_end": en.date_end,
        "date_precision": en.date_precision,
        "year": en.date_start.year if en.date_start and en.date_precision != "unknown" else None,
        "confidence": en.confidence,
        "sort_key": f"{(en.date_start or dt.date(1, 1, 1)).isoformat()}|{en.id}",
        "search_text": _search_text(en),
        "payload": _encoder.encode(en),
    }


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
