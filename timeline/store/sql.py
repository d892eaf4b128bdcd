"""Articles, events and timeline entries in SQL: a SQLite file by default, PostgreSQL by URL.

Writes: an article, its events and every entry they change are one transaction, so a
failure leaves nothing half-written. Writers of the same event type take a transaction-level
lock first (PostgreSQL advisory locks in a fixed order; SQLite's one writer via BEGIN
IMMEDIATE), so any number of API processes and ingest workers keep the timeline equal to a
full rebuild; deadlocks and serialization failures are retried.

Reads: entries and events are paged by keyset on their sort keys, never by OFFSET.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import logging
import re
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple, TypeVar

import msgspec
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from timeline.codes import cameo_code, plover_code
from timeline.consolidate import shift, source_of, source_order
from timeline.export import source_label
from timeline.models import EVENT_TYPES, STATUSES, ArticleRecord, Entry, Event, Source
from timeline.query import UNDATED_ENTRIES, EventFilter, decode_cursor, encode_cursor, entry_key, event_key
from timeline.store import bulk
from timeline.store.bulk import LoadReport
from timeline.store.entries import Consolidator, rebuild_all
from timeline.store.rows import actor_rows, article_of, event_of, event_select, evidence_of, stored_event_row
from timeline.store.schema import (
    actor_counts,
    articles,
    create_full_text,
    entries,
    entry_actors,
    entry_counts,
    entry_outlets,
    event_actors,
    events,
    keys,
    metadata,
    outlet_counts,
    store_meta,
)
from timeline.store.types import iso_day

log = logging.getLogger(__name__)
T = TypeVar("T")
RETRIES = 8
# what testing one row costs, read in timeline order, against collecting one match (measured on SQLite:
# an entry is tested through its keys and reports, an event by one look-up in the matches' list)
ENTRY_TEST_COST = 1.5
EVENT_TEST_COST = 0.3


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


def sort_key(event: Event) -> bytes:
    """An event's place in date order (undated events as 0001-01-01), made unique by its id."""
    return event_key(event.id, event.date_start)


def _lock_id(kind: str) -> int:
    """A stable signed 64-bit number for a PostgreSQL advisory lock on one event type."""
    return int.from_bytes(hashlib.sha256(f"timeline:{kind}".encode()).digest()[:8], "big", signed=True)


def _retryable(exc: sa.exc.DBAPIError) -> bool:
    """Deadlocks, serialization failures and a busy SQLite file are worth another try."""
    code = getattr(exc.orig, "sqlstate", None)
    return code in {"40001", "40P01"} or "database is locked" in str(exc.orig)


class Store:
    """The timeline's database."""

    def __init__(self, url: str, engine: Engine | None = None) -> None:
        self.url = normalise_url(url)
        if engine is None:
            kwargs: dict[str, Any] = {"future": True, "pool_pre_ping": True}
            if self.url.startswith("sqlite"):
                kwargs["connect_args"] = {"timeout": 60}
            engine = sa.create_engine(self.url, **kwargs)
        self.engine = engine
        if self.engine.dialect.name == "sqlite":
            sa.event.listen(self.engine, "connect", _sqlite_connect)
            sa.event.listen(self.engine, "begin", _sqlite_begin)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def create_schema(self, migrate: bool = True) -> None:
        """Bring the database to the newest schema: built from the metadata when empty, else migrated.

        With ``migrate=False`` (API workers starting) an existing database is left as it is, for
        ``timeline db upgrade`` to move and ``/readyz`` to report. Several processes may start at
        once against one PostgreSQL: an advisory lock lets one of them do the work.
        """
        for attempt in range(RETRIES):
            try:
                return self._create_schema(migrate)
            except StoreError as exc:
                if attempt + 1 == RETRIES or "locked" not in str(exc):
                    raise
                time.sleep(0.05 * 2**attempt)  # another process is creating or migrating it right now

    def _create_schema(self, migrate: bool) -> None:
        from timeline.store import migrations

        try:
            with self.engine.connect() as conn:
                conn.execution_options(timeline_write=True)
                with conn.begin():
                    if self.dialect == "postgresql":
                        conn.execute(sa.select(sa.func.pg_advisory_xact_lock(_lock_id("schema"))))
                    if "articles" in sa.inspect(conn).get_table_names():
                        if migrate and not migrations.at_head(conn):
                            migrations.upgrade_connection(conn)
                    else:
                        metadata.create_all(conn)
                        create_full_text(conn)
                        migrations.stamp_head(conn)
                    if migrations.at_head(conn):
                        for name in ("version", "max_span"):
                            conn.execute(_insert_ignore(self.dialect, store_meta, ["key"]).values(key=name, value=0))
        except sa.exc.OperationalError as exc:
            raise StoreError(f"cannot open the database {self.engine.url!r}: {exc.orig}") from None

    def drop_schema(self) -> None:
        """Drop every table (tests use this to start clean)."""
        with self.engine.begin() as conn:
            if self.dialect == "sqlite":
                conn.exec_driver_sql("DROP TABLE IF EXISTS events_fts")
            conn.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
        metadata.drop_all(self.engine)

    # -- writing ----------------------------------------------------------------------

    def _write(self, work: Callable[[Connection], T], kinds: Iterable[str]) -> T:
        """Run ``work`` in one write transaction holding the locks of ``kinds``, retrying on conflicts."""
        kinds = sorted(set(kinds))
        for attempt in range(RETRIES):
            try:
                with self.engine.connect() as conn:
                    conn.execution_options(timeline_write=True)
                    with conn.begin():
                        if self.dialect == "postgresql":
                            for kind in kinds:
                                conn.execute(sa.select(sa.func.pg_advisory_xact_lock(_lock_id(kind))))
                        result = work(conn)
                        conn.execute(
                            store_meta.update()
                            .where(store_meta.c.key == "version")
                            .values(value=store_meta.c.value + 1)
                        )
                        return result
            except sa.exc.DBAPIError as exc:
                if attempt + 1 < RETRIES and _retryable(exc):
                    log.info("write conflict (%s); retrying", type(exc.orig).__name__)
                    time.sleep(0.02 * 2**attempt)
                    continue
                if isinstance(exc, sa.exc.OperationalError):
                    raise StoreError(f"the database could not be written: {exc.orig}") from None
                raise
        raise AssertionError("unreachable")

    def add(self, record: ArticleRecord) -> tuple[ArticleRecord, bool]:
        """Store an article with its events, all or nothing; an article seen before is left as it is."""
        return self.add_many([record])[0]

    def add_many(
        self, records: Sequence[ArticleRecord], after: Callable[[Connection], None] | None = None
    ) -> list[tuple[ArticleRecord, bool]]:
        """Store several articles in one transaction (batch ingest); each result says whether it was new.

        ``after`` runs inside the same transaction (ingest records the pages the articles came from),
        so that either everything commits or nothing does.
        """

        def work(conn: Connection) -> list[tuple[ArticleRecord, bool]]:
            out = self._add(conn, records)
            if after is not None:
                after(conn)
            return out

        return self._write(work, (e.type for r in records for e in r.events))

    def _add(self, conn: Connection, records: Sequence[ArticleRecord]) -> list[tuple[ArticleRecord, bool]]:
        out: list[tuple[ArticleRecord, bool]] = []
        fresh: list[Event] = []
        for record in records:
            inserted = conn.execute(
                _insert_ignore(self.dialect, articles, ["id"]).values(
                    id=record.id, title=record.title, text=record.text, url=record.url, file=record.file,
                    outlet=record.outlet, published=record.published, source=record.source, byline=record.byline,
                    ingested_at=record.ingested_at,
                ).returning(articles.c.id)
            ).first()  # fmt: skip
            if inserted is None:
                existing = self._article(conn, record.id)
                out.append((existing or record, False))
                continue
            out.append((record, True))
            evs = list(record.events)
            if not evs:
                continue
            known = set(conn.execute(sa.select(events.c.id).where(events.c.id.in_([e.id for e in evs]))).scalars())
            new = [e for e in evs if e.id not in known]
            if not new:
                continue
            keep = self.dialect != "sqlite"  # PostgreSQL's full-text index reads the evidence column
            conn.execute(events.insert(), [stored_event_row(e, record, keep) for e in new])
            actors = actor_rows(new)
            if actors:
                conn.execute(event_actors.insert(), actors)
            self._index_text(conn, new, record.title)
            fresh += new
        if fresh:
            Consolidator(conn).add(fresh)
        return out

    def load(
        self, records: Iterable[ArticleRecord], batch: int = 5000, progress: Callable[[int], None] | None = None
    ) -> LoadReport:
        """Bulk-load articles (a backfill): batched inserts, then one full consolidation, in one transaction.

        The result equals ``add_many`` of the same records followed by ``rebuild_entries()``; every
        event type's lock is held throughout, so other writers wait. ``progress`` gets the running
        count of new articles after each batch.
        """
        tries = 0

        def work(conn: Connection) -> LoadReport:
            nonlocal tries
            tries += 1
            if tries > 1 and iter(records) is records:
                # a retried transaction would find the records' iterator partly consumed
                raise StoreError("the bulk load's transaction failed after it had started reading its records")
            return bulk.load(conn, records, batch, progress)

        return self._write(work, EVENT_TYPES)

    def _index_text(self, conn: Connection, new: list[Event], title: str | None) -> None:
        if self.dialect != "sqlite":
            return
        rowid: sa.ColumnElement[int] = sa.literal_column("rowid")
        found = conn.execute(sa.select(events.c.id, rowid).where(events.c.id.in_([e.id for e in new])))
        rowids: dict[str, int] = {r[0]: r[1] for r in found}
        conn.execute(
            sa.text("INSERT INTO events_fts (rowid, body) VALUES (:rowid, :body)"),
            [{"rowid": rowids[e.id], "body": f"{e.evidence}\n{title or ''}"} for e in new],
        )

    def version(self) -> int:
        """A number that changes whenever anything stored changes."""
        with self.engine.connect() as conn:
            return conn.execute(sa.select(store_meta.c.value).where(store_meta.c.key == "version")).scalar() or 0

    def rebuild_entries(self) -> int:
        """Group every stored mention from scratch (after a change to the rules); returns the entry count."""
        return self._write(rebuild_all, EVENT_TYPES)

    # -- reading entries ----------------------------------------------------------------

    def _driving_actor(self, f: EventFilter) -> tuple[str, str | None] | None:
        """The one actor (code, role) a page's query reads first, on SQLite (None when not so).

        Filtered by ``actor IN (...)``, SQLite first lists every entry of the actor (50,000 for Russia
        at a million entries) and then reads them in order; joined from the actor's own key, a page
        reads about as many rows as it shows. (PostgreSQL plans the IN itself.)
        """
        if self.dialect != "sqlite":
            return None
        given = [(codes, role) for codes, role in ((f.actor, None), (f.agent, "agent"), (f.target, "target")) if codes]
        if len(given) != 1 or len(given[0][0]) != 1:
            return None
        return given[0][0][0], given[0][1]

    def _entry_where(
        self, f: EventFilter, page: int | None = None, actors: bool = True
    ) -> list[sa.ColumnElement[bool]]:
        """``f`` as conditions on ``entries``; ``page``: the rows wanted at once, when only a page is read;
        ``actors``: with the actor filters (left out when the query is driven from the actor's key)."""
        c = entries.c
        where: list[sa.ColumnElement[bool]] = []
        if f.start is not None:
            where.append(c.date_last >= f.start)
        if f.end is not None:
            where.append(c.date_start <= f.end)
        if f.start is not None or f.end is not None:
            where += self._date_bounds(f.start, f.end)
        if f.types:
            where.append(c.type.in_(f.types))
        if f.statuses and set(f.statuses) != {"occurred", "planned", "hypothetical", "denied"}:
            where.append(c.status.in_(f.statuses))
        if f.min_confidence is not None:
            where.append(c.confidence >= f.min_confidence)
        if actors:
            where += _actor_filters(f, c.sort_key, entry_actors, entry_actors.c.sort_key)
        if f.outlet:
            where.append(
                c.sort_key.in_(sa.select(entry_outlets.c.sort_key).where(entry_outlets.c.outlet.in_(f.outlet)))
            )
        if f.q:
            matching = sa.select(keys.c.entry_id).join(events, events.c.key_id == keys.c.id)
            if page is not None and self._read_in_order(f.q, page, ENTRY_TEST_COST):
                # a common word: walk the timeline and test each entry's reports (correlated EXISTS)
                where.append(sa.exists(matching.where(keys.c.entry_id == c.id, self._text_match(f.q))))
            else:
                where.append(c.id.in_(matching.where(self._text_match(f.q))))
        return where

    def _read_in_order(self, q: str, page: int, test_cost: float) -> bool:
        """Whether a page of ``q``'s matches is cheaper found by reading rows in timeline order and testing
        each than by collecting every match and sorting them (SQLite; PostgreSQL plans this itself).

        Collecting costs one lookup per matching report, so it grows with the store for a common
        word; reading in order costs about ``page * reports / matches`` tests of ``test_cost`` lookups
        each, which stays flat for a common word but reads the whole store for a rare one.
        """
        if self.dialect != "sqlite":
            return False
        terms = _fts_terms(q)
        if not terms:
            return False
        with self.engine.connect() as conn:
            matches = (
                conn.execute(
                    sa.text("SELECT count(*) FROM events_fts WHERE events_fts MATCH :fts"), {"fts": terms}
                ).scalar()
                or 0
            )
            reports = conn.execute(sa.text("SELECT max(rowid) FROM events")).scalar() or 0
        return matches > 0 and test_cost * page * reports / matches < matches

    def _date_bounds(self, start: dt.date | None, end: dt.date | None) -> list[sa.ColumnElement[bool]]:
        """The same date range as bounds on the sort keys, so that it is an index range scan.

        An entry that ends on or after ``start`` began at most ``max_span`` days before it.
        """
        with self.engine.connect() as conn:
            span = conn.execute(sa.select(store_meta.c.value).where(store_meta.c.key == "max_span")).scalar() or 0
        out: list[sa.ColumnElement[bool]] = []
        if end is not None:
            out.append(entries.c.sort_key < entry_key("", shift(end, dt.timedelta(days=1)), "day"))
        if start is not None:
            out.append(entries.c.sort_key >= entry_key("", shift(start, -dt.timedelta(days=span)), "day"))
        return out

    def _text_match(self, q: str, in_order: bool = False) -> sa.ColumnElement[bool]:
        """Events whose evidence or article title has every word of ``q``: words, never query syntax.

        ``in_order``: the events are read in date order and each tested against the matches (SQLite).
        """
        words = re.findall(r"\w+", q)
        if not words:
            return sa.false()
        if self.dialect == "sqlite":
            terms = _fts_terms(q)
            if not terms:
                return sa.false()
            sub = sa.text("SELECT rowid FROM events_fts WHERE events_fts MATCH :fts").bindparams(fts=terms)
            # "+" keeps SQLite from looking every match up by rowid (and sorting them all) when in order
            rowid: sa.ColumnElement[int] = sa.literal_column("+events.rowid" if in_order else "events.rowid")
            return rowid.in_(sub.columns(sa.column("rowid")))
        if self.dialect == "postgresql":
            query = sa.func.plainto_tsquery("english", " ".join(words))
            ev = events.alias("ev")
            # a UNION, not an OR: each side is answered from its own GIN index
            by_evidence = sa.select(ev.c.id).where(sa.func.to_tsvector("english", ev.c.evidence).op("@@")(query))
            by_title = (
                sa.select(ev.c.id)
                .join(articles, articles.c.id == ev.c.article_id)
                .where(sa.func.to_tsvector("english", sa.func.coalesce(articles.c.title, "")).op("@@")(query))
            )
            return events.c.id.in_(sa.union(by_evidence, by_title))
        return sa.and_(*(events.c.evidence.ilike(f"%{w}%") for w in words))

    @staticmethod
    def _entry_rows(
        conn: Connection,
        f: EventFilter,
        where: list[sa.ColumnElement[bool]],
        columns: Sequence[Any],
        after: bytes | None,
        limit: int,
        best: tuple[sa.ColumnElement[bool], sa.ColumnElement[bool]] | None = None,
        actor: tuple[str, str | None] | None = None,
    ) -> list[Any]:
        """``columns`` (and the sort key ``k``) of the first ``limit`` entries matching ``where`` after ``after``.

        Oldest first is the sort key's order. Newest first reads the same index backwards, the dated
        keys and then the undated ones, so undated entries come last either way. ``best`` joins each
        entry to its best report and that report's article (outer joins on these conditions).
        ``actor`` (code, role or None): read that actor's ``entry_actors`` key in timeline order and join
        each entry to it, stopping at ``limit`` (``where`` must then leave the actor filter out).
        """
        key = entries.c.sort_key
        base: sa.FromClause = entries
        if actor is not None:
            a = entry_actors
            key = a.c.sort_key
            base = a.join(entries, entries.c.sort_key == a.c.sort_key)
            where = [*where, a.c.code == actor[0]] + ([a.c.role == actor[1]] if actor[1] else [])
        # (one row per entry: an actor has one role in an entry, ``consolidate.roles``)
        stmt = sa.select(*columns, key.label("k")).where(*where)
        if best is not None:
            base = base.outerjoin(events, best[0]).outerjoin(articles, best[1])
        if base is not entries:
            stmt = stmt.select_from(base)
        if f.sort == "asc":
            return list(
                conn.execute((stmt if after is None else stmt.where(key > after)).order_by(key).limit(limit)).all()
            )
        rows: list[Any] = []
        if after is None or after < UNDATED_ENTRIES:
            dated = stmt.where(key < (UNDATED_ENTRIES if after is None else after))
            rows += conn.execute(dated.order_by(key.desc()).limit(limit)).all()
        if len(rows) < limit:
            undated = stmt.where(key >= UNDATED_ENTRIES)
            if after is not None and after >= UNDATED_ENTRIES:
                undated = undated.where(key < after)
            rows += conn.execute(undated.order_by(key.desc()).limit(limit - len(rows))).all()
        return rows

    def query_entries(self, f: EventFilter, count: bool = False) -> EntryPage:
        """One page of timeline entries matching ``f``, after ``f.cursor``: dated by date, undated last."""
        actor = self._driving_actor(f)
        where = self._entry_where(f, f.limit + 1, actors=actor is None)
        after = decode_cursor(f.cursor) if f.cursor else None
        with self.engine.connect() as conn:
            rows = self._entry_rows(conn, f, where, [entries], after, f.limit + 1, actor=actor)
            # (a count reads every match: the page's own conditions, when they were chosen for one page, will not do)
            paged = actor is not None or f.q
            total = (
                (
                    self._summary_count(conn, f)
                    if _summarisable(f)
                    else self._count(conn, entries, self._entry_where(f) if paged else where)
                )
                if count
                else None
            )
            more = len(rows) > f.limit
            rows = rows[: f.limit]
            items = self._entries(conn, rows)
        return EntryPage(items, encode_cursor(rows[-1].k) if more and rows else None, total)

    def _count(self, conn: Connection, table: sa.Table, where: list[sa.ColumnElement[bool]]) -> int:
        return conn.execute(sa.select(sa.func.count()).select_from(table).where(*where)).scalar() or 0

    def _entries(self, conn: Connection, rows: Sequence[sa.Row[Any]]) -> list[Entry]:
        """Entries from their rows, with the best report's words and every source."""
        if not rows:
            return []
        ids = [r.id for r in rows]
        sources: dict[str, list[Source]] = defaultdict(list)
        best: dict[str, tuple[str, str | None]] = {}
        ev = events.c
        stmt = (
            sa.select(keys.c.entry_id, ev.id, ev.article_id, article_of(), ev.outlet, ev.source, ev.published,
                      evidence_of(), articles.c.title, articles.c.url)
            .select_from(keys.join(events, ev.key_id == keys.c.id).join(articles, articles.c.id == ev.article_id))
            .where(keys.c.entry_id.in_(ids))
        )  # fmt: skip
        wanted = {r.best_event for r in rows}
        for r in conn.execute(stmt):
            report = _Report._make(r[1:8])  # plain tuples: a Row's attributes cost more than the query
            sources[r[0]].append(source_of(report, r[8], r[9]))
            if report.id in wanted:
                best[report.id] = (report.evidence, r[8])
        out = []
        for r in rows:
            evidence, title = best.get(r.best_event, ("", None))
            agents = tuple(c for c in r.agents.split(";") if c)
            targets = tuple(c for c in r.targets.split(";") if c)
            out.append(
                Entry(
                    id=r.id, type=r.type, status=r.status, date_start=r.date_start, date_end=r.date_end,
                    date_precision=r.date_precision, agents=agents, targets=targets, evidence=evidence, title=title,
                    confidence=r.confidence, cameo=cameo_code(r.type, bool(targets)), plover=plover_code(r.type),
                    outlets=tuple(o for o in r.outlets.split(";") if o), mention_count=r.mention_count,
                    sources=tuple(sorted(sources[r.id], key=source_order)),
                )
            )  # fmt: skip
        return out

    def iter_entries(self, f: EventFilter, batch: int = 1000) -> Iterator[Entry]:
        """Every entry matching ``f``, a batch at a time so memory stays flat."""
        return _batches(self.query_entries, f, batch)

    def iter_entry_table(self, f: EventFilter, batch: int = 2000) -> Iterator[tuple[Any, ...]]:
        """Every entry matching ``f`` as ``ENTRY_CSV_FIELDS`` (CSV cells equal to what ``entry_csv_row`` makes).

        The CSV export's path: per batch, one query for the entries joined to their best report (its
        words, title, URL and outlet: all of an entry's cells when it has one report, as ~half have),
        and one for the other reports of the entries that have several (URL, outlet, reporting source).
        Dates come as ISO text made by the database, no ``Entry`` is built, and memory stays flat.
        """
        c, ev = entries.c, events.c

        def day(col: sa.ColumnElement[Any]) -> sa.ColumnElement[Any]:
            return iso_day(col, self.dialect).label(col.name)

        cols = [_stored(c.id), c.type, c.status, day(c.date_start), day(c.date_end), c.date_precision, c.agents,
                c.targets, c.confidence, c.mention_count, c.outlets, articles.c.title,
                sa.func.coalesce(evidence_of(), ""), day(c.first_reported), day(c.last_reported), articles.c.url,
                ev.outlet, ev.source]  # fmt: skip
        best = (ev.id == c.best_event, articles.c.id == ev.article_id)
        where = self._entry_where(f)
        after = decode_cursor(f.cursor) if f.cursor else None
        while True:
            with self.engine.connect() as conn:
                rows = self._entry_rows(conn, f, where, cols, after, batch, best)
                if not rows:
                    return
                several = [r[0] for r in rows if r[9] > 1]
                sources: dict[Any, list[Sequence[Any]]] = defaultdict(list)
                if several:
                    reports = conn.execute(
                        sa.select(_stored(keys.c.entry_id), day(ev.published), _stored(ev.id), articles.c.url,
                                  ev.outlet, ev.source)
                        .select_from(keys.join(events, ev.key_id == keys.c.id)
                                     .join(articles, articles.c.id == ev.article_id))
                        .where(keys.c.entry_id.in_(several))
                    )  # fmt: skip
                    for r in reports:  # (entry, published, event id, URL, outlet, reporting source)
                        sources[r[0]].append(r[1:])
            for row in rows:
                yield _table_row(row, sources.get(row[0]))
            if len(rows) < batch:
                return
            after = rows[-1].k

    def get_entry(self, entry_id: str) -> Entry | None:
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(entries).where(entries.c.id == entry_id)).all()
            items = self._entries(conn, rows)
        return items[0] if items else None

    def _summary_count(self, conn: Connection, f: EventFilter) -> int:
        n = sa.func.sum(entry_counts.c.n)
        return int(conn.execute(sa.select(n).where(*_summary_where(entry_counts, f))).scalar() or 0)

    def _summary_facets(self, f: EventFilter, top: int) -> dict[str, dict[str, int]]:
        """Facets of a filter on types and statuses only, from the summary counts."""
        ec, n = entry_counts, sa.func.sum(entry_counts.c.n)
        year = sa.func.substr(ec.c.period, 1, 4)
        out: dict[str, dict[str, int]] = {}
        with self.engine.connect() as conn:
            out["type"] = dict(
                conn.execute(sa.select(ec.c.type, n).where(*_summary_where(ec, f)).group_by(ec.c.type)).all()
            )
            for name, table, col in (
                ("actor", actor_counts, actor_counts.c.code),
                ("outlet", outlet_counts, outlet_counts.c.outlet),
            ):
                total = sa.func.sum(table.c.n)
                rows = conn.execute(
                    sa.select(col, total).where(*_summary_where(table, f)).group_by(col)
                    .having(total > 0).order_by(total.desc(), col).limit(top)
                )  # fmt: skip
                out[name] = {k: int(v) for k, v in rows}
            years = conn.execute(
                sa.select(year, n).where(*_summary_where(ec, f), ec.c.period != "").group_by(year).order_by(year)
            )
            out["year"] = {str(int(k)): int(v) for k, v in years if v}
        out["type"] = {k: int(v) for k, v in out["type"].items() if v}
        return {k: out[k] for k in ("type", "actor", "outlet", "year")}

    def facets(self, f: EventFilter, top: int = 50) -> dict[str, dict[str, int]]:
        """Counts by type, actor, outlet and year of the entries matching ``f`` (cursor ignored)."""
        if _summarisable(f):
            return self._summary_facets(f, top)
        where = self._entry_where(f)
        keys_ = sa.select(entries.c.sort_key).where(*where)
        with self.engine.connect() as conn:
            by_type = conn.execute(sa.select(entries.c.type, sa.func.count()).where(*where).group_by(entries.c.type))
            n = sa.func.count()
            actor_q = sa.select(entry_actors.c.code, n)
            outlet_q = sa.select(entry_outlets.c.outlet, n)
            if where:
                actor_q = actor_q.where(entry_actors.c.sort_key.in_(keys_))
                outlet_q = outlet_q.where(entry_outlets.c.sort_key.in_(keys_))
            actors = conn.execute(
                actor_q.group_by(entry_actors.c.code).order_by(n.desc(), entry_actors.c.code).limit(top)
            )
            outlets = conn.execute(
                outlet_q.group_by(entry_outlets.c.outlet).order_by(n.desc(), entry_outlets.c.outlet).limit(top)
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
        counts: dict[dt.date, int] = {}
        vague = 0
        if unit in ("month", "year") and _summarisable(f):
            ec = entry_counts
            with self.engine.connect() as conn:
                summary_rows = conn.execute(
                    sa.select(ec.c.period, ec.c.precision, sa.func.sum(ec.c.n))
                    .where(*_summary_where(ec, f))
                    .group_by(ec.c.period, ec.c.precision)
                ).all()
            for per, precision, n in summary_rows:
                if not per or precision not in finer:
                    vague += int(n)
                    continue
                key = dt.date(int(per[:4]), int(per[5:7]) if unit == "month" else 1, 1)
                counts[key] = counts.get(key, 0) + int(n)
            return sorted((k, v) for k, v in counts.items() if v), vague
        where = self._entry_where(f)
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

    # -- reading articles and events ----------------------------------------------------

    def get_article(self, article_id: str) -> ArticleRecord | None:
        with self.engine.connect() as conn:
            return self._article(conn, article_id)

    def _article(self, conn: Connection, article_id: str) -> ArticleRecord | None:
        row = conn.execute(sa.select(articles).where(articles.c.id == article_id)).mappings().first()
        if row is None:
            return None
        evs = conn.execute(event_select().where(events.c.article_id == article_id).order_by(events.c.sort_key))
        return ArticleRecord(**dict(row), events=tuple(event_of(r) for r in evs))

    def get_event(self, event_id: str) -> Event | None:
        with self.engine.connect() as conn:
            row = conn.execute(event_select().where(events.c.id == event_id)).first()
        return event_of(row) if row is not None else None

    def _where(self, f: EventFilter, page: int | None = None, actors: bool = True) -> list[sa.ColumnElement[bool]]:
        """``f`` as conditions on ``events``; ``page``: the rows wanted at once, when only a page is read;
        ``actors``: with the actor filters (left out when the query is driven from the actor's key)."""
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
        if f.min_confidence is not None:
            where.append(c.confidence >= f.min_confidence)
        if actors:
            where += _actor_filters(f, c.sort_key, event_actors, event_actors.c.sort_key)
        if f.outlet:
            where.append(c.outlet.in_(f.outlet))
        if f.q:
            # a common word: read the events in date order and test each against the matches
            in_order = page is not None and self._read_in_order(f.q, page, EVENT_TEST_COST)
            where.append(self._text_match(f.q, in_order))
        return where

    def query_events(self, f: EventFilter, count: bool = False) -> EventPage:
        """One page of events (mentions) matching ``f``, after ``f.cursor``."""
        key = events.c.sort_key
        actor = self._driving_actor(f)
        where = self._where(f, f.limit + 1, actors=actor is None)
        stmt = event_select().add_columns(key).where(*where)
        if actor is not None:
            # read from the actor's own key in date order (see ``_driving_actor``); the events' roles are
            # distinct per code as the entries' are, but a page must never show an event twice
            a = event_actors
            stmt = stmt.join(a, a.c.sort_key == key).where(a.c.code == actor[0]).group_by(a.c.sort_key)
            stmt = stmt.where(a.c.role == actor[1]) if actor[1] else stmt
            key = a.c.sort_key
        if f.cursor:
            after = decode_cursor(f.cursor)
            stmt = stmt.where(key > after if f.sort == "asc" else key < after)
        stmt = stmt.order_by(key.asc() if f.sort == "asc" else key.desc()).limit(f.limit + 1)
        with self.engine.connect() as conn:
            rows = conn.execute(stmt).all()
            # (a count reads every match: the page's own conditions, when they were chosen for one page, will not do)
            total = self._count(conn, events, self._where(f) if actor is not None or f.q else where) if count else None
        more = len(rows) > f.limit
        rows = rows[: f.limit]
        cursor = encode_cursor(rows[-1].sort_key) if more and rows else None
        return EventPage([event_of(r) for r in rows], cursor, total)

    def iter_events(self, f: EventFilter, batch: int = 1000) -> Iterator[Event]:
        """Every event matching ``f``, fetched a batch at a time so memory stays flat."""
        return _batches(self.query_events, f, batch)

    def counts(self) -> dict[str, int]:
        """How many articles and events are stored."""
        with self.engine.connect() as conn:
            return {
                name: conn.execute(sa.select(sa.func.count()).select_from(t)).scalar() or 0
                for name, t in (("articles", articles), ("events", events))
            }


class _Report(NamedTuple):
    """The fields of a stored report that its source shows (``consolidate.Reported``)."""

    id: str
    article_id: str
    article: str
    outlet: str | None
    source: str | None
    published: dt.date | None
    evidence: str


def _stored(column: sa.ColumnElement[Any]) -> sa.ColumnElement[Any]:
    """A column as stored (an id's bytes on SQLite): for matching rows in Python without converting each value."""
    return sa.type_coerce(column, sa.types.NullType()).label(column.name)


def _codes_text(joined: str) -> str:
    """A stored ';'-joined list as the export writes it (empty items dropped, as ``Entry`` drops them)."""
    if not joined or (joined[0] != ";" and joined[-1] != ";" and ";;" not in joined):
        return joined
    return ";".join(c for c in joined.split(";") if c)


def _source_key(s: Sequence[Any]) -> tuple[bool, Any, str]:
    # consolidate.source_order on (published, event id, ...): undated reports first, then oldest first
    return (s[0] is not None, "" if s[0] is None else s[0], s[1])


def _table_row(r: Sequence[Any], sources: list[Sequence[Any]] | None) -> tuple[Any, ...]:
    """``ENTRY_CSV_FIELDS`` cells from an entry's columns (``iter_entry_table``'s order, its best report's
    URL, outlet and reporting source last) and, when it has several, its reports as (published, event id,
    URL, outlet, reporting source).

    Values are left as ``csv.writer`` writes them (None empty, numbers and dates by ``str``), which is
    what ``entry_csv_row`` writes.
    """
    if sources is None:  # one report, the best one
        urls = r[15] or ""
        label = source_label(r[16], r[17])
    else:
        sources.sort(key=_source_key)
        urls = ";".join(dict.fromkeys(s[2] for s in sources if s[2]))
        label = ";".join(dict.fromkeys(lb for s in sources if (lb := source_label(s[3], s[4]))))
    targets = _codes_text(r[7])
    return (
        r[0].hex() if isinstance(r[0], bytes) else r[0], r[1], r[2], r[3], r[4], r[5], _codes_text(r[6]), targets,
        r[8], r[9], _codes_text(r[10]), cameo_code(r[1], bool(targets)), plover_code(r[1]), r[11], r[12],
        r[13], r[14], urls, label,
    )  # fmt: skip


def _actor_filters(
    f: EventFilter, own: sa.ColumnElement[str], actors: sa.Table, link: sa.ColumnElement[str]
) -> list[sa.ColumnElement[bool]]:
    """``actor``/``agent``/``target`` filters: ``own`` is among the ``link`` values of matching actor rows."""
    out: list[sa.ColumnElement[bool]] = []
    for codes, role in ((f.actor, None), (f.agent, "agent"), (f.target, "target")):
        if codes:
            sub = sa.select(link).where(actors.c.code.in_(codes))
            if role:
                sub = sub.where(actors.c.role == role)
            out.append(own.in_(sub))
    return out


def _fts_terms(q: str) -> str:
    """``q`` as an FTS5 query of quoted tokens: words, never query syntax ("" when it has none).

    One quoted token per letter-and-digit run: the index keeps no positions (detail=none), so a
    term must be a single token of its tokenizer, which splits at anything else ("_" included).
    """
    return " ".join(f'"{w}"' for w in re.findall(r"[^\W_]+", q))


def _summarisable(f: EventFilter) -> bool:
    """Whether a filter only narrows by type and status, so the summary counts answer it."""
    narrowed = f.start or f.end or f.actor or f.agent or f.target or f.outlet or f.q
    return not narrowed and f.min_confidence is None


def _summary_where(table: sa.Table, f: EventFilter) -> list[sa.ColumnElement[bool]]:
    where: list[sa.ColumnElement[bool]] = []
    if f.types:
        where.append(table.c.type.in_(f.types))
    if set(f.statuses) != set(STATUSES):
        where.append(table.c.status.in_(f.statuses))
    return where


def _insert_ignore(dialect: str, table: sa.Table, index: list[str]) -> Any:
    """INSERT that does nothing when the row exists (RETURNING then gives no row)."""
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        return pg_insert(table).on_conflict_do_nothing(index_elements=index)
    if dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        return sqlite_insert(table).on_conflict_do_nothing(index_elements=index)
    return table.insert()


def _batches(query: Callable[[EventFilter], EventPage | EntryPage], f: EventFilter, batch: int) -> Iterator[Any]:
    """Follow the cursor through every page, yielding items one by one."""
    cur = msgspec.structs.replace(f, limit=batch)
    while True:
        page = query(cur)
        yield from page.items
        if page.next is None:
            return
        cur = msgspec.structs.replace(cur, cursor=page.next)


def _sqlite_connect(dbapi_conn: Any, _record: object) -> None:
    # the driver's own transaction handling off: SQLAlchemy's "begin" event below says how each one starts
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    # a second process opening a brand-new file while the first switches it to WAL: the first one wins
    with contextlib.suppress(Exception):
        cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


def _sqlite_begin(conn: Connection) -> None:
    # a writer takes SQLite's write lock at the start, so two writers never both read and then collide
    conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get("timeline_write") else "BEGIN")


def _bucket(day: dt.date, unit: str) -> dt.date:
    if unit == "week":
        return day - dt.timedelta(days=day.weekday())
    if unit == "month":
        return day.replace(day=1)
    if unit == "year":
        return dt.date(day.year, 1, 1)
    return day


__all__ = ["EntryPage", "EventPage", "Store", "StoreError", "normalise_url", "sort_key"]
