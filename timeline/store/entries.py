"""Keeping the timeline's entries equal to a full rebuild as mentions arrive, with bounded work per write.

The rules are ``timeline.consolidate``'s; this module applies them incrementally inside the
writer's transaction:

- a mention whose key is already stored changes no grouping: its key's and its entry's
  aggregates move by the mention's own numbers (constant work, however many reports the
  happening already has);
- a new key is placed: a precise one joins (or merges) the precise happenings it relates
  to, found through the ``key_agents`` index within its window; then every vague key that
  could see a changed happening is decided again, lowest tier first, and a key whose
  decision changes passes the question on to the vaguer keys near it;
- entries whose membership changed are folded again from their keys.

Only keys of one type sharing an agent within a bounded window are ever read, so the cost
of a write depends on how busy that neighbourhood is, never on the size of the store.
"""

from __future__ import annotations

import datetime as dt
import heapq
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from timeline.consolidate import (
    MAX_WIDTH,
    PRECISE,
    UNDATED,
    Key,
    assign,
    best_rank,
    combined_confidence,
    entry_id,
    key_of,
    miss_log,
    relates,
    roles,
    shift,
)
from timeline.models import Event
from timeline.query import entry_key
from timeline.store import summary
from timeline.store.rows import event_of, event_select
from timeline.store.schema import (
    entries,
    entry_actors,
    entry_outlets,
    events,
    key_agents,
    key_outlets,
    keys,
    store_meta,
)


@dataclass(slots=True)
class Agg:
    """What an entry (or a key) adds up to; ``merge`` is associative, so any fold order gives the same."""

    type: str
    n: int = 0
    log_miss: float = 0.0
    occurred: bool = False
    best: str = ""
    lo: dt.date | None = None
    hi: dt.date | None = None
    first: dt.date | None = None
    last: dt.date | None = None
    agents: set[str] = field(default_factory=set)
    targets: set[str] = field(default_factory=set)
    outlets: set[str] = field(default_factory=set)
    # (tier, key id) of the key the entry's id derives from
    anchor: tuple[int, str] | None = None

    def merge(self, o: Agg) -> None:
        self.n += o.n
        self.log_miss += o.log_miss
        self.occurred |= o.occurred
        self.best = max(self.best, o.best)
        self.lo = _min(self.lo, o.lo)
        self.hi = _max(self.hi, o.hi)
        self.first = _min(self.first, o.first)
        self.last = _max(self.last, o.last)
        self.agents |= o.agents
        self.targets |= o.targets
        self.outlets |= o.outlets
        if o.anchor is not None and (self.anchor is None or o.anchor < self.anchor):
            self.anchor = o.anchor


def _min(a: dt.date | None, b: dt.date | None) -> dt.date | None:
    return b if a is None else a if b is None else min(a, b)


def _max(a: dt.date | None, b: dt.date | None) -> dt.date | None:
    return b if a is None else a if b is None else max(a, b)


def mention_agg(e: Event, k: Key) -> Agg:
    """One mention's contribution to its key and entry."""
    return Agg(
        type=e.type,
        n=1,
        log_miss=miss_log(e.confidence),
        occurred=e.status == "occurred",
        best=best_rank(e),
        lo=k.lo,
        hi=k.hi,
        first=e.published,
        last=e.published,
        agents=set(k.agents),
        targets=set(k.targets),
        outlets={e.outlet} if e.outlet else set(),
        anchor=(k.tier, k.id),
    )


def _codes(text: str) -> set[str]:
    return {c for c in text.split(";") if c}


def _join(codes: Iterable[str]) -> str:
    return ";".join(sorted(codes))


class Consolidator:
    """Places one transaction's new mentions; use one per transaction."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.dirty: set[str] = set()  # entries to fold again from their keys
        self.anchors: dict[str, tuple[int, str]] = {}
        # summary count changes and the widest entry span, written once at the end of the transaction
        self.counts: summary.Counts = Counter()
        self.span = 0
        # a new key's own entry, with its aggregate and best report, while no other key has moved in or out
        self.alone: dict[str, tuple[Agg, Event]] = {}

    # -- reading keys ---------------------------------------------------------------------

    def _near(self, k: Key, tiers: Iterable[int], codes: Iterable[str] | None = None,
              lo: dt.date | None = None, hi: dt.date | None = None) -> list[tuple[Key, str]]:  # fmt: skip
        """Stored keys of ``k``'s type and the given tiers that share an agent and whose window overlaps."""
        lo, hi = lo or k.lo, hi or k.hi
        assert lo is not None and hi is not None
        codes = sorted(set(codes if codes is not None else k.agents))
        if not codes:
            return []
        ids: set[str] = set()
        for tier in tiers:
            # one probe per tier: equality on (type, code, tier) and a range on lo, straight off the primary key
            ids.update(
                self.conn.execute(
                    sa.select(key_agents.c.key_id).where(
                        key_agents.c.type == k.type, key_agents.c.code.in_(codes), key_agents.c.tier == tier,
                        key_agents.c.lo >= shift(lo, -dt.timedelta(days=MAX_WIDTH[tier])), key_agents.c.lo <= hi,
                        key_agents.c.hi >= lo,
                    )
                ).scalars()
            )  # fmt: skip
        if not ids:
            return []
        rows = self.conn.execute(
            sa.select(keys.c.id, keys.c.tier, keys.c.lo, keys.c.hi, keys.c.agents, keys.c.targets, keys.c.entry_id)
            .where(keys.c.id.in_(sorted(ids)))
            .order_by(keys.c.id)
        ).all()
        return [
            (Key(r.id, k.type, r.tier, r.lo, r.hi, tuple(sorted(_codes(r.agents))), tuple(sorted(_codes(r.targets)))),
             r.entry_id)
            for r in rows
        ]  # fmt: skip

    def _anchor(self, eid: str) -> tuple[int, str]:
        if eid not in self.anchors:
            row = self.conn.execute(
                sa.select(keys.c.tier, keys.c.id)
                .where(keys.c.entry_id == eid)
                .order_by(keys.c.tier, keys.c.id)
                .limit(1)
            ).first()
            assert row is not None, f"entry {eid} has no keys"
            self.anchors[eid] = (row.tier, row.id)
        return self.anchors[eid]

    def _move(self, key_id: str, eid: str, current: str) -> None:
        self.conn.execute(keys.update().where(keys.c.id == key_id).values(entry_id=eid))
        self.alone.pop(eid, None)
        self.alone.pop(current, None)

    # -- placing --------------------------------------------------------------------------

    def add(self, mentions: Sequence[Event]) -> None:
        """Store the keys of newly stored mentions and bring every entry they touch up to date."""
        by_key: dict[str, tuple[Key, Agg, list[Event]]] = {}
        for e in mentions:
            k = key_of(e)
            agg = mention_agg(e, k)
            if k.id in by_key:
                by_key[k.id][1].merge(agg)
                by_key[k.id][2].append(e)
            else:
                by_key[k.id] = (k, agg, [e])
        stored = {r.id: r for r in self.conn.execute(sa.select(keys).where(keys.c.id.in_(list(by_key)))).all()}
        fresh: list[Key] = []
        delta: dict[str, Agg] = {}
        for kid, (k, agg, group) in sorted(by_key.items()):
            self._count_outlets(kid, group)
            if kid in stored:
                old = stored[kid]
                self.conn.execute(
                    keys.update().where(keys.c.id == kid).values(
                        n=keys.c.n + agg.n, log_miss=keys.c.log_miss + agg.log_miss,
                        occurred=sa.or_(keys.c.occurred, sa.literal(agg.occurred)),
                        best=max(old.best, agg.best),
                        first_reported=_min(old.first_reported, agg.first),
                        last_reported=_max(old.last_reported, agg.last),
                    )
                )  # fmt: skip
                delta.setdefault(old.entry_id, Agg(type=k.type)).merge(agg)
            else:
                self._insert_key(k, agg, entry_id(k.type, k.id))
                self.anchors[entry_id(k.type, k.id)] = (k.tier, k.id)
                self.alone[entry_id(k.type, k.id)] = (agg, max(group, key=best_rank))
                fresh.append(k)
        self._place(fresh)
        for eid, agg in delta.items():
            if eid not in self.dirty:
                self._apply(eid, agg)
        for eid in sorted(self.dirty):
            self.refold(eid)
        self.finish()

    def finish(self) -> None:
        """Write what the transaction's entry writes added up to: summary counts, the widest span."""
        summary.add(self.conn, self.counts)
        self.counts.clear()
        if self.span:
            self.conn.execute(
                store_meta.update()
                .where(store_meta.c.key == "max_span", store_meta.c.value < self.span)
                .values(value=self.span)
            )

    def _count_outlets(self, kid: str, group: list[Event]) -> None:
        counts: dict[str, int] = defaultdict(int)
        for e in group:
            if e.outlet:
                counts[e.outlet] += 1
        for outlet, n in sorted(counts.items()):
            updated = self.conn.execute(
                key_outlets.update()
                .where(key_outlets.c.key_id == kid, key_outlets.c.outlet == outlet)
                .values(n=key_outlets.c.n + n)
            ).rowcount
            if not updated:
                self.conn.execute(key_outlets.insert().values(key_id=kid, outlet=outlet, n=n))

    def _insert_key(self, k: Key, agg: Agg, eid: str) -> None:
        self.conn.execute(
            keys.insert().values(
                id=k.id, type=k.type, tier=k.tier, lo=k.lo, hi=k.hi, agents=_join(k.agents),
                targets=_join(k.targets), entry_id=eid, n=agg.n, log_miss=agg.log_miss, occurred=agg.occurred,
                best=agg.best, first_reported=agg.first, last_reported=agg.last,
            )
        )  # fmt: skip
        if k.lo is not None and k.hi is not None:
            self.conn.execute(
                key_agents.insert(),
                [{"type": k.type, "code": c, "tier": k.tier, "lo": k.lo, "hi": k.hi, "key_id": k.id} for c in k.agents],
            )

    def _place(self, fresh: list[Key]) -> None:
        """Group new precise keys, then decide every vague key a change could reach, lowest tier first."""
        queue: list[tuple[int, str]] = []
        queued: set[str] = set()
        new_ids = {k.id for k in fresh}
        pending: dict[str, Key] = {}

        def push(k: Key) -> None:
            if k.id not in queued:
                queued.add(k.id)
                pending[k.id] = k
                heapq.heappush(queue, (k.tier, k.id))

        for k in fresh:
            self.dirty.add(entry_id(k.type, k.id))
            if k.lo is None:
                continue  # no window: it stands alone
            if k.tier != PRECISE:
                push(k)
                continue
            related = {eid for other, eid in self._near(k, [PRECISE]) if other.id != k.id and relates(k, other)}
            own = entry_id(k.type, k.id)
            group = related | {own}
            anchor = min(self._anchor(e) for e in group)
            target = entry_id(k.type, anchor[1])
            self.anchors[target] = anchor
            region = Agg(type=k.type, lo=k.lo, hi=k.hi, agents=set(k.agents))
            for eid in sorted(group - {target}):
                row = self.conn.execute(sa.select(entries.c.lo, entries.c.hi, entries.c.agents).where(
                    entries.c.id == eid)).first()  # fmt: skip
                if row is not None:
                    region.merge(Agg(type=k.type, lo=row.lo, hi=row.hi, agents=_codes(row.agents)))
                self.conn.execute(keys.update().where(keys.c.entry_id == eid).values(entry_id=target))
                self.alone.pop(eid, None)
                self.alone.pop(target, None)
                self.dirty.add(eid)
            self.dirty.add(target)
            # every vague key that may see this happening decides again
            for other, _ in self._near(k, range(1, UNDATED + 1), region.agents, region.lo, region.hi):
                push(other)
        while queue:
            _, kid = heapq.heappop(queue)
            k = pending[kid]
            current = self.conn.execute(sa.select(keys.c.entry_id).where(keys.c.id == kid)).scalar_one()
            fits = {eid for other, eid in self._near(k, range(k.tier)) if relates(k, other)}
            decided = fits.pop() if len(fits) == 1 else entry_id(k.type, k.id)
            if decided != current:
                self._move(kid, decided, current)
                self.dirty |= {current, decided}
                if decided == entry_id(k.type, k.id):
                    self.anchors[decided] = (k.tier, k.id)
            if decided != current or kid in new_ids:
                # a key that moved, or a new one, changes what the vaguer keys around it can see
                for other, _ in self._near(k, range(k.tier + 1, UNDATED + 1)):
                    push(other)

    # -- writing entries ------------------------------------------------------------------

    def refold(self, eid: str) -> None:
        """Fold an entry again from its keys (after its membership changed); drop it when it has none."""
        if eid in self.alone:
            # the common case in bulk ingest: a new key that stayed on its own, folded from memory
            agg, best = self.alone[eid]
            row, actor_rows, outlet_rows = self.entry_rows(eid, agg, best)
            self.conn.execute(entries.insert().values(**row))
            self._children(actor_rows, outlet_rows)
            self.counts.update(summary.contribution(row))
            self.span = max(self.span, max_span([row]))
            return
        rows = self.conn.execute(sa.select(keys).where(keys.c.entry_id == eid)).all()
        old = self.conn.execute(sa.select(entries).where(entries.c.id == eid)).first()
        if not rows:
            if old is not None:
                self._delete(eid, old)
            return
        agg = Agg(type=rows[0].type)
        for r in rows:
            agg.merge(key_agg(r))
        outlets = self.conn.execute(
            sa.select(key_outlets.c.outlet).distinct().where(key_outlets.c.key_id.in_([r.id for r in rows]))
        ).scalars()
        agg.outlets = set(outlets)
        self.write(eid, agg, old)

    def _apply(self, eid: str, delta: Agg) -> None:
        """Add a key's new mentions to an entry whose membership did not change."""
        old = self.conn.execute(sa.select(entries).where(entries.c.id == eid)).first()
        assert old is not None, f"entry {eid} is missing"
        agg = entry_agg(old)
        agg.merge(delta)
        self.write(eid, agg, old)

    def _delete(self, eid: str, old: Any) -> None:
        self.counts.subtract(summary.contribution(old))
        self._drop_children(old)
        self.conn.execute(entries.delete().where(entries.c.id == eid))

    def _drop_children(self, old: Any) -> None:
        """Delete an entry's actor and outlet rows, found through its stored row's codes and sort key."""
        codes = _codes(old.agents) | _codes(old.targets)
        if codes:
            self.conn.execute(
                entry_actors.delete().where(entry_actors.c.code.in_(sorted(codes)),
                                            entry_actors.c.sort_key == old.sort_key)
            )  # fmt: skip
        outlets = _codes(old.outlets)
        if outlets:
            self.conn.execute(
                entry_outlets.delete().where(entry_outlets.c.outlet.in_(sorted(outlets)),
                                             entry_outlets.c.sort_key == old.sort_key)
            )  # fmt: skip

    def write(self, eid: str, agg: Agg, old: sa.Row | None) -> None:  # type: ignore[type-arg]
        """Write an entry's row and its actor and outlet rows from its aggregate."""
        ev = self.conn.execute(
            sa.select(events.c.status, events.c.date_start, events.c.date_end, events.c.date_precision)
            .where(events.c.id == agg.best[-16:])
        ).one()  # fmt: skip
        row, actor_rows, outlet_rows = self.entry_rows(eid, agg, ev)
        self.counts.update(summary.contribution(row))
        if old is not None:
            self.counts.subtract(summary.contribution(old))
        self.span = max(self.span, max_span([row]))
        if old is None:
            self.conn.execute(entries.insert().values(**row))
            self._children(actor_rows, outlet_rows)
            return
        self.conn.execute(entries.update().where(entries.c.id == eid).values(**row))
        old_actors = {(c, "agent") for c in _codes(old.agents)} | {(c, "target") for c in _codes(old.targets)}
        new_actors = {(a["code"], a["role"]) for a in actor_rows}
        old_outlets = _codes(old.outlets)
        if old.sort_key != row["sort_key"] or not old_actors <= new_actors or not old_outlets <= agg.outlets:
            # rare (a new best date, or a report moved away): rewrite the entry's index rows
            self._drop_children(old)
            self._children(actor_rows, outlet_rows)
        else:
            # the common case: a report adds, never removes, so only the new rows are written
            self._children(
                [a for a in actor_rows if (a["code"], a["role"]) not in old_actors],
                [o for o in outlet_rows if o["outlet"] not in old_outlets],
            )

    @staticmethod
    def entry_rows(eid: str, agg: Agg, ev: Any) -> tuple[dict[str, Any], list[dict[str, Any]], list[dict[str, Any]]]:
        """An entry's row, actor rows and outlet rows from its aggregate and its best report ``ev``."""
        agents, targets = roles(agg.agents, agg.targets)
        key = entry_key(eid, ev.date_start, ev.date_precision)
        dated = ev.date_start is not None and ev.date_precision != "unknown"
        assert agg.anchor is not None
        row = {
            "id": eid,
            "type": agg.type,
            "status": "occurred" if agg.occurred else ev.status,
            "date_start": ev.date_start,
            "date_end": ev.date_end,
            "date_precision": ev.date_precision,
            "year": ev.date_start.year if dated and ev.date_start else None,
            "date_last": ev.date_end or ev.date_start,
            "confidence": combined_confidence(agg.log_miss),
            "mention_count": agg.n,
            "log_miss": agg.log_miss,
            "occurred": agg.occurred,
            "best": agg.best,
            "best_event": agg.best[-16:],
            "anchor": agg.anchor[1],
            "lo": agg.lo,
            "hi": agg.hi,
            "agents": _join(agents),
            "targets": _join(targets),
            "outlets": _join(agg.outlets),
            "first_reported": agg.first,
            "last_reported": agg.last,
            "sort_key": key,
        }
        actor_rows = [{"code": c, "role": "agent", "sort_key": key} for c in agents]
        actor_rows += [{"code": c, "role": "target", "sort_key": key} for c in targets]
        outlet_rows = [{"outlet": o, "sort_key": key} for o in sorted(agg.outlets)]
        return row, actor_rows, outlet_rows

    def _children(self, actor_rows: list[dict[str, Any]], outlet_rows: list[dict[str, Any]]) -> None:
        if actor_rows:
            self.conn.execute(entry_actors.insert(), actor_rows)
        if outlet_rows:
            self.conn.execute(entry_outlets.insert(), outlet_rows)


def max_span(rows: Iterable[dict[str, Any]]) -> int:
    """The most days any entry's range covers: date filters use it to bound their index scans."""
    return max(((r["date_last"] - r["date_start"]).days for r in rows if r["date_start"] and r["date_last"]), default=0)


def key_agg(r: sa.Row) -> Agg:  # type: ignore[type-arg]
    """A stored key row as an aggregate."""
    return Agg(
        type=r.type, n=r.n, log_miss=r.log_miss, occurred=bool(r.occurred), best=r.best, lo=r.lo, hi=r.hi,
        first=r.first_reported, last=r.last_reported, agents=_codes(r.agents), targets=_codes(r.targets),
        anchor=(r.tier, r.id),
    )  # fmt: skip


def entry_agg(r: sa.Row) -> Agg:  # type: ignore[type-arg]
    """A stored entry row as an aggregate (its anchor's tier is not needed once placed)."""
    return Agg(
        type=r.type, n=r.mention_count, log_miss=r.log_miss, occurred=bool(r.occurred), best=r.best, lo=r.lo,
        hi=r.hi, first=r.first_reported, last=r.last_reported, agents=_codes(r.agents),
        targets=_codes(r.targets), outlets=_codes(r.outlets), anchor=(0, r.anchor),
    )  # fmt: skip


def rebuild_all(conn: Connection) -> int:
    """Group every stored mention from scratch and rewrite keys, entries and counts; returns the entry count.

    Keys and entries are computed in memory from the events (``consolidate.assign``) and written in
    bulk, so a rebuild is a few passes over the events, not a replay of every write.
    """
    for table in (entry_actors, entry_outlets, entries, key_outlets, key_agents, keys):
        conn.execute(table.delete())
    found: dict[str, Key] = {}
    aggs: dict[str, Agg] = {}
    outlet_n: dict[tuple[str, str], int] = defaultdict(int)
    best: dict[str, Any] = {}
    for r in conn.execute(event_select().order_by(events.c.id)).yield_per(5000):
        e = event_of(r)
        k = key_of(e)
        found.setdefault(k.id, k)
        agg = mention_agg(e, k)
        if k.id in aggs:
            aggs[k.id].merge(agg)
        else:
            aggs[k.id] = agg
        if e.outlet:
            outlet_n[(k.id, e.outlet)] += 1
        best[e.id] = (e.status, e.date_start, e.date_end, e.date_precision)
    entry_of = assign(found.values())
    _bulk(conn, keys, [
        {"id": kid, "type": k.type, "tier": k.tier, "lo": k.lo, "hi": k.hi, "agents": _join(k.agents),
         "targets": _join(k.targets), "entry_id": entry_of[kid], "n": a.n, "log_miss": a.log_miss,
         "occurred": a.occurred, "best": a.best, "first_reported": a.first, "last_reported": a.last}
        for kid, a in aggs.items() for k in (found[kid],)
    ])  # fmt: skip
    _bulk(conn, key_agents, [
        {"type": k.type, "code": c, "tier": k.tier, "lo": k.lo, "hi": k.hi, "key_id": k.id}
        for k in found.values() if k.lo is not None for c in k.agents
    ])  # fmt: skip
    _bulk(conn, key_outlets, [{"key_id": kid, "outlet": o, "n": n} for (kid, o), n in outlet_n.items()])
    by_entry: dict[str, Agg] = {}
    for kid, a in aggs.items():
        by_entry.setdefault(entry_of[kid], Agg(type=a.type)).merge(a)
    rows, actor_rows, outlet_rows = [], [], []
    for eid, a in by_entry.items():
        status, start, end, precision = best[a.best[-16:]]
        ev = _BestReport(status, start, end, precision)
        row, actors_, outlets_ = Consolidator.entry_rows(eid, a, ev)
        rows.append(row)
        actor_rows += actors_
        outlet_rows += outlets_
    # in key order: the entries' rows then sit on disk in timeline order, so a page or an export that walks
    # the sort key reads neighbouring rows instead of one page per row, and the keyed tables fill their pages
    rows.sort(key=lambda r: r["sort_key"])
    actor_rows.sort(key=lambda r: (r["code"], r["sort_key"], r["role"]))
    outlet_rows.sort(key=lambda r: (r["outlet"], r["sort_key"]))
    _bulk(conn, entries, rows)
    _bulk(conn, entry_actors, actor_rows)
    _bulk(conn, entry_outlets, outlet_rows)
    summary.rebuild(conn, rows)
    conn.execute(store_meta.update().where(store_meta.c.key == "max_span").values(value=max_span(rows)))
    return len(rows)


@dataclass(frozen=True, slots=True)
class _BestReport:
    status: str
    date_start: dt.date | None
    date_end: dt.date | None
    date_precision: str


def _bulk(conn: Connection, table: sa.Table, rows: list[dict[str, Any]], size: int = 5000) -> None:
    """Insert ``rows`` (dicts with the same keys), ``size`` at a time.

    On SQLite each batch is one ``executemany`` on the driver with the columns' own conversions
    applied in a plain loop: SQLAlchemy's per-row parameter handling would cost more than the insert.
    """
    if not rows:
        return
    if conn.dialect.name != "sqlite":
        for i in range(0, len(rows), size):
            conn.execute(table.insert(), rows[i : i + size])
        return
    names = list(rows[0])
    convert = [table.c[n].type.dialect_impl(conn.dialect).bind_processor(conn.dialect) for n in names]
    quote = conn.dialect.identifier_preparer.quote
    sql = (f"INSERT INTO {quote(table.name)} ({', '.join(quote(n) for n in names)}) "
           f"VALUES ({', '.join('?' * len(names))})")  # fmt: skip
    for i in range(0, len(rows), size):
        batch = rows[i : i + size]
        columns = []
        for n, c in zip(names, convert, strict=True):
            column = [r[n] for r in batch]
            columns.append(column if c is None else [None if v is None else c(v) for v in column])
        conn.exec_driver_sql(sql, list(zip(*columns, strict=True)))  # type: ignore[arg-type]
