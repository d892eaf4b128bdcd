"""One timeline entry per real happening, however many articles and outlets report it.

Mentions (``Event``s, one per article) are grouped first by their *key*: type, actors in
their roles, and the window of days they can stand for. Every mention with the same key
tells of the same happening, so the rules below work on keys, and the work they do
depends on how many different ways a happening is reported, not on how many reports it has.

The rules (a full rebuild and the store's incremental path keep to them exactly):

1. Keys are tiered by how precisely they are dated: day or week (tier 0), month (1),
   year (2), undated (3; the window is the time the article could look back to).
2. Tier-0 keys that *relate* (same type, actors agreeing in their roles, overlapping
   windows) form connected components: one happening each.
3. Then tier by tier, a key of tier t joins the happening of the lower-tier keys it
   relates to when exactly one happening fits; when none or several fit it stands as
   its own entry. A vague mention therefore never bridges two happenings (no chaining).

An entry's id is derived from its smallest tier-0 key (or, for a key standing alone,
from that key), so ids survive re-ingestion, ingestion order and rebuilds, and change
only when two happenings turn out to be one.
"""

from __future__ import annotations

import bisect
import datetime as dt
import hashlib
import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

import msgspec

from timeline.codes import cameo_code, plover_code
from timeline.extract.dates import PRECISION_RANK
from timeline.models import Entry, Event, Source

# How far back an undated mention ("has vetoed", "the recent visit") can reach, and how far ahead a
# planned one ("the upcoming visit") can: an article cannot report what happened after it appeared.
LOOKBACK = dt.timedelta(days=730)
LOOKAHEAD = dt.timedelta(days=365)

PRECISE, MONTH, YEAR, UNDATED = 0, 1, 2, 3
# The widest window each tier admits; a wider one ("from March to May") drops to the next tier.
# Candidate searches rely on these bounds: a key of tier t starts no earlier than its end minus MAX_WIDTH[t].
MAX_WIDTH = {PRECISE: 40, MONTH: 70, YEAR: 400, UNDATED: int((LOOKBACK + LOOKAHEAD).days) + 2}
_TIER_OF_PRECISION = {"day": PRECISE, "week": PRECISE, "month": MONTH, "year": YEAR}


@dataclass(frozen=True, slots=True)
class Key:
    """What decides which happening a mention belongs to. ``lo``/``hi`` are the days it can stand for.

    A key with ``lo`` None has no window at all (undated, from an undated article): it stands alone.
    """

    id: str
    type: str
    tier: int
    lo: dt.date | None
    hi: dt.date | None
    agents: tuple[str, ...]
    targets: tuple[str, ...]

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(sorted({*self.agents, *self.targets}))


def shift(day: dt.date, delta: dt.timedelta) -> dt.date:
    """``day + delta`` clamped to the calendar, so no stored date can make consolidation fail."""
    try:
        return day + delta
    except OverflowError:
        return dt.date.max if delta > dt.timedelta(0) else dt.date.min


def window(e: Event) -> tuple[int, dt.date | None, dt.date | None]:
    """The tier of a mention and the first and last day it can stand for."""
    tier = _TIER_OF_PRECISION.get(e.date_precision) if e.date_start is not None else None
    if tier is None:
        if e.published is None:
            return UNDATED, None, None
        ahead = LOOKAHEAD if e.status == "planned" else dt.timedelta(0)
        return UNDATED, shift(e.published, -LOOKBACK), shift(e.published, ahead)
    start = e.date_start
    assert start is not None
    if e.date_precision == "year":
        lo, hi = start.replace(month=1, day=1), start.replace(month=12, day=31)
    elif e.date_precision == "month":
        lo = start.replace(day=1)
        hi = shift(lo.replace(day=28), dt.timedelta(days=4))
        hi = shift(hi, -dt.timedelta(days=hi.day)) if hi != dt.date.max else hi
    elif e.date_precision == "week":
        lo, hi = start, shift(start, dt.timedelta(days=6))
    else:
        lo, hi = start, max(start, e.date_end or start)
    if e.date_basis == "publication":
        # a lead dated to its publication day may tell of the day before or after
        lo, hi = shift(lo, -dt.timedelta(days=1)), shift(hi, dt.timedelta(days=1))
    while tier < UNDATED and (hi - lo).days > MAX_WIDTH[tier]:
        tier += 1
    if (hi - lo).days > MAX_WIDTH[tier]:
        return UNDATED, None, None
    return tier, lo, hi


def key_of(e: Event) -> Key:
    """The key of a mention; phone calls have no roles, so their participants are all agents."""
    tier, lo, hi = window(e)
    targets: tuple[str, ...] = ()
    if e.type == "phone_call":
        agents = tuple(sorted({*e.agents, *e.targets}))
    else:
        agents = tuple(sorted(set(e.agents)))
        targets = tuple(sorted(set(e.targets) - set(agents)))
    raw = f"{e.type}|{tier}|{lo}|{hi}|{';'.join(agents)}|{';'.join(targets)}"
    return Key(hashlib.sha256(raw.encode()).hexdigest()[:16], e.type, tier, lo, hi, agents, targets)


def actors_agree(a: Key, b: Key) -> bool:
    """Same participants in the same roles (phone calls have no roles: two shared participants)."""
    if a.type != b.type:
        return False
    if a.type == "phone_call":
        pa, pb = set(a.agents), set(b.agents)
        return len(pa & pb) >= min(2, len(pa), len(pb))
    if not set(a.agents) & set(b.agents):
        return False
    return not (a.targets and b.targets) or bool(set(a.targets) & set(b.targets))


def relates(a: Key, b: Key) -> bool:
    """Whether two keys can tell of the same happening: actors agree and the windows overlap."""
    if a.lo is None or b.lo is None or a.hi is None or b.hi is None:
        return False
    return a.lo <= b.hi and b.lo <= a.hi and actors_agree(a, b)


def block_codes(k: Key) -> tuple[str, ...]:
    """The codes a key is filed under for candidate searches: the agents (every participant of a call).

    Keys that relate share an agent, so searching by agent finds every candidate.
    """
    return k.agents


def entry_id(type_: str, anchor: str) -> str:
    """An entry's id from its type and its anchor key."""
    return hashlib.sha256(f"entry|{type_}|{anchor}".encode()).hexdigest()[:16]


class _Index:
    """Keys of one tier filed by (type, agent) and sorted by start, for window searches."""

    def __init__(self, keys: Iterable[Key], tier_width: int) -> None:
        self.width = tier_width
        blocks: dict[tuple[str, str], list[Key]] = defaultdict(list)
        for k in keys:
            for code in block_codes(k):
                blocks[(k.type, code)].append(k)
        self.blocks = {b: sorted(ks, key=lambda k: (k.lo or dt.date.min, k.id)) for b, ks in blocks.items()}
        self.starts = {b: [k.lo or dt.date.min for k in ks] for b, ks in self.blocks.items()}

    def near(self, k: Key) -> Iterable[Key]:
        """Keys that may relate to ``k``: same type, a shared agent, a start within reach of its window."""
        assert k.lo is not None and k.hi is not None
        seen: set[str] = set()
        for code in block_codes(k):
            ks = self.blocks.get((k.type, code))
            if not ks:
                continue
            starts = self.starts[(k.type, code)]
            i = bisect.bisect_left(starts, shift(k.lo, -dt.timedelta(days=self.width)))
            j = bisect.bisect_right(starts, k.hi)
            for other in ks[i:j]:
                if other.id not in seen:
                    seen.add(other.id)
                    yield other


def assign(keys: Iterable[Key]) -> dict[str, str]:
    """Every key's entry id under the rules above; the same keys in any order give the same answer."""
    unique = sorted({k.id: k for k in keys}.values(), key=lambda k: k.id)
    by_tier: dict[int, list[Key]] = defaultdict(list)
    for k in unique:
        by_tier[k.tier if k.lo is not None else -1].append(k)
    out: dict[str, str] = {k.id: entry_id(k.type, k.id) for k in by_tier.pop(-1, [])}

    precise = by_tier.get(PRECISE, [])
    parent = {k.id: k.id for k in precise}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    index = _Index(precise, MAX_WIDTH[PRECISE])
    for k in precise:
        for other in index.near(k):
            if other.id != k.id and relates(k, other):
                ra, rb = find(k.id), find(other.id)
                if ra != rb:
                    parent[max(ra, rb)] = min(ra, rb)
    for k in precise:
        out[k.id] = entry_id(k.type, find(k.id))

    lower: list[Key] = list(precise)
    for tier in (MONTH, YEAR, UNDATED):
        indexes = [_Index([k for k in lower if k.tier == t], MAX_WIDTH[t]) for t in range(tier)]
        decided: dict[str, str] = {}
        for k in by_tier.get(tier, []):
            fits = {out[o.id] for ix in indexes for o in ix.near(k) if relates(k, o)}
            decided[k.id] = fits.pop() if len(fits) == 1 else entry_id(k.type, k.id)
        out.update(decided)
        lower += by_tier.get(tier, [])
    return out


def cluster(events: Sequence[Event]) -> list[list[Event]]:
    """Mentions grouped by happening; the same input in any order gives the same groups."""
    ordered = sorted({e.id: e for e in events}.values(), key=lambda e: e.id)
    keys = {e.id: key_of(e) for e in ordered}
    entry_of = assign(keys.values())
    groups: dict[str, list[Event]] = defaultdict(list)
    for e in ordered:
        groups[entry_of[keys[e.id].id]].append(e)
    return sorted(groups.values(), key=lambda g: g[0].id)


def best_rank(e: Event) -> str:
    """A string whose order is the order of how much a mention's date says.

    Precise first, then a range, then occurred, reported latest, most confident; the id breaks ties.
    Kept as one fixed-width string so the store can compare mentions with ``max``.
    """
    published = e.published.isoformat().rjust(10, "0") if e.published else "0000-00-00"
    return (
        f"{PRECISION_RANK[e.date_precision]}{int(e.date_end is not None)}{int(e.status == 'occurred')}"
        f"{published}{min(max(e.confidence, 0.0), 1.0):.4f}{e.id}"
    )


def _best(group: Sequence[Event]) -> Event:
    return max(group, key=best_rank)


def roles(agents: Iterable[str], targets: Iterable[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Every agent, and every target that is not also an agent, each sorted (so order never matters)."""
    a = tuple(sorted(set(agents)))
    return a, tuple(sorted(set(targets) - set(a)))


def miss_log(confidence: float) -> float:
    """log(1 - confidence): summed over reports, the chance that every one of them is wrong."""
    return math.log(max(1e-9, 1.0 - confidence))


def combined_confidence(log_miss: float) -> float:
    """An entry's confidence from its reports' summed ``miss_log``."""
    return round(min(0.99, 1.0 - math.exp(log_miss)), 3)


class Reported(Protocol):
    """What a source is made from: an ``Event``, or the store's partial decoding of one (read-only)."""

    @property
    def id(self) -> str: ...
    @property
    def article_id(self) -> str: ...
    @property
    def article(self) -> str: ...
    @property
    def outlet(self) -> str | None: ...
    @property
    def source(self) -> str | None: ...
    @property
    def published(self) -> dt.date | None: ...
    @property
    def evidence(self) -> str: ...


def source_of(e: Reported, title: str | None = None, url: str | None = None) -> Source:
    """One report of an entry."""
    return Source(
        event_id=e.id,
        article_id=e.article_id,
        article=e.article,
        title=title,
        url=url,
        outlet=e.outlet,
        source=e.source,
        published=e.published,
        evidence=e.evidence,
    )


def source_order(s: Source) -> tuple[dt.date, str]:
    """Sources are listed oldest report first."""
    return s.published or dt.date.min, s.event_id


def entry_for(
    group: Sequence[Event], titles: dict[str, str | None] | None = None, urls: dict[str, str | None] | None = None
) -> Entry:
    """One timeline entry from the mentions of one happening; ``titles``/``urls`` are keyed by article id."""
    titles = titles or {}
    urls = urls or {}
    best = _best(group)
    keys = [key_of(e) for e in group]
    agents, targets = roles((c for k in keys for c in k.agents), (c for k in keys for c in k.targets))
    status = "occurred" if any(e.status == "occurred" for e in group) else best.status
    # the id derives from the happening's most precise key (the smallest, among its day-precise ones)
    anchor = min(keys, key=lambda k: (k.tier, k.id)).id
    sources = sorted((source_of(e, titles.get(e.article_id), urls.get(e.article_id)) for e in group), key=source_order)
    return Entry(
        id=entry_id(best.type, anchor),
        type=best.type,
        status=status,  # type: ignore[arg-type]
        date_start=best.date_start,
        date_end=best.date_end,
        date_precision=best.date_precision,
        agents=agents,
        targets=targets,
        evidence=best.evidence,
        title=titles.get(best.article_id),
        confidence=combined_confidence(sum(miss_log(e.confidence) for e in group)),
        cameo=cameo_code(best.type, bool(targets)),
        plover=plover_code(best.type),
        outlets=tuple(sorted({e.outlet for e in group if e.outlet})),
        mention_count=len(group),
        sources=tuple(sources),
    )


def consolidate(
    events: Sequence[Event], titles: dict[str, str | None] | None = None, urls: dict[str, str | None] | None = None
) -> list[Entry]:
    """Timeline entries for a set of mentions."""
    return [entry_for(g, titles, urls) for g in cluster(events)]


def merge_mentions(group: Sequence[Event]) -> Event:
    """One event standing for several articles' mentions of a happening (for per-page output).

    It keeps the best-dated mention's fields, every participant, and every mention.
    """
    if len(group) == 1:
        return group[0]
    best = _best(group)
    agents = tuple(dict.fromkeys(c for e in group for c in e.agents))
    targets = tuple(c for c in dict.fromkeys(c for e in group for c in e.targets) if c not in agents)
    actors = tuple({(a.code, a.role): a for e in group for a in e.actors}.values())
    return msgspec.structs.replace(
        best,
        agents=agents,
        targets=targets,
        actors=actors,
        mentions=tuple(m for e in sorted(group, key=lambda e: e.evidence_start) for m in e.mentions),
        status="occurred" if any(e.status == "occurred" for e in group) else best.status,
    )


def per_page(events: Sequence[Event]) -> list[Event]:
    """The events of one page with each happening once, however many of its articles report it."""
    return [merge_mentions(g) for g in cluster(events)]
