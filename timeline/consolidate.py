"""One timeline entry per real happening, however many articles and outlets report it.

Mentions (``Event``s, one per article) of the same type whose actors agree in the
same roles and whose dates overlap at their precision are one happening. The
clustering is order-independent: dated mentions form connected components of that
relation; an undated mention joins a dated component only when exactly one fits
(otherwise it would glue two different visits together), and undated leftovers
cluster among themselves.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
from collections import defaultdict
from collections.abc import Iterable, Sequence

import msgspec

from timeline.codes import cameo_code, plover_code
from timeline.extract.dates import PRECISION_RANK, covered_days
from timeline.models import Entry, Event, Source


def interval(e: Event) -> tuple[dt.date, dt.date] | None:
    """The days an event's date can stand for (None when undated).

    A lead dated to its publication day may have happened the day before or after.
    """
    span = covered_days(e.date_start, e.date_end, e.date_precision)
    if span is None or e.date_basis != "publication":
        return span
    return span[0] - dt.timedelta(days=1), span[1] + dt.timedelta(days=1)


def actors_agree(a: Event, b: Event) -> bool:
    """Same participants in the same roles (phone calls have no roles: two shared participants)."""
    if a.type != b.type:
        return False
    if a.type == "phone_call":
        pa, pb = set(a.agents) | set(a.targets), set(b.agents) | set(b.targets)
        return len(pa & pb) >= min(2, len(pa), len(pb))
    if not set(a.agents) & set(b.agents):
        return False
    return not (a.targets and b.targets) or bool(set(a.targets) & set(b.targets))


def dates_agree(a: Event, b: Event) -> bool:
    ia, ib = interval(a), interval(b)
    if ia is None or ib is None:
        return False
    return ia[0] <= ib[1] and ib[0] <= ia[1]


# How far back an undated mention ("has vetoed", "the recent visit") can reach, and how far ahead a
# planned one ("the upcoming visit") can: an article cannot report what happened after it appeared.
LOOKBACK = dt.timedelta(days=730)
LOOKAHEAD = dt.timedelta(days=365)


def _could_report(undated: Event, dated: Event) -> bool:
    """Whether an undated mention, given its article's date, can tell of a dated happening."""
    span = interval(dated)
    if undated.published is None or span is None:
        return True
    if undated.status == "planned":
        return undated.published - LOOKBACK <= span[1] and span[0] <= undated.published + LOOKAHEAD
    return undated.published - LOOKBACK <= span[1] and span[0] <= undated.published


def same_happening(a: Event, b: Event) -> bool:
    """Whether two mentions from different articles tell of the same dated happening."""
    return a.article_id != b.article_id and actors_agree(a, b) and dates_agree(a, b)


class _Union:
    def __init__(self, items: Iterable[str]) -> None:
        self.parent = {i: i for i in items}

    def find(self, x: str) -> str:
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def _blocks(events: Sequence[Event]) -> Iterable[list[Event]]:
    """Groups within which pairs are compared: same type and a shared participant."""
    by: dict[tuple[str, str], list[Event]] = defaultdict(list)
    for e in events:
        for code in {*e.agents, *e.targets} if e.type == "phone_call" else set(e.agents):
            by[(e.type, code)].append(e)
    return by.values()


def cluster(events: Sequence[Event]) -> list[list[Event]]:
    """Mentions grouped by happening; the same input in any order gives the same groups."""
    ordered = sorted({e.id: e for e in events}.values(), key=lambda e: e.id)
    dated = [e for e in ordered if interval(e) is not None]
    undated = [e for e in ordered if interval(e) is None]
    uf = _Union(e.id for e in ordered)
    for block in _blocks(dated):
        for a, b in itertools.combinations(block, 2):
            if same_happening(a, b):
                uf.union(a.id, b.id)
    groups: dict[str, list[Event]] = defaultdict(list)
    for e in dated:
        groups[uf.find(e.id)].append(e)
    loose: list[Event] = []
    for u in undated:
        fits = [
            root
            for root, members in groups.items()
            if all(m.article_id != u.article_id for m in members)
            and any(actors_agree(u, m) and _could_report(u, m) for m in members)
        ]
        if len(fits) == 1:
            groups[fits[0]].append(u)
        else:
            loose.append(u)
    uf2 = _Union(e.id for e in loose)
    for block in _blocks(loose):
        for a, b in itertools.combinations(block, 2):
            if a.article_id != b.article_id and actors_agree(a, b):
                uf2.union(a.id, b.id)
    for e in loose:
        groups["u" + uf2.find(e.id)].append(e)
    return sorted((sorted(g, key=lambda e: e.id) for g in groups.values()), key=lambda g: g[0].id)


def _best(group: Sequence[Event]) -> Event:
    """The mention whose date says most: precise, a range, occurred, reported latest, most confident."""
    return max(
        group,
        key=lambda e: (
            PRECISION_RANK[e.date_precision],
            e.date_end is not None,
            e.status == "occurred",
            e.published or dt.date.min,
            e.confidence,
            e.id,
        ),
    )


def _roles(group: Sequence[Event]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Every agent of a group, and every target that is not also an agent, in order of appearance."""
    agents = tuple(dict.fromkeys(c for e in group for c in e.agents))
    return agents, tuple(c for c in dict.fromkeys(c for e in group for c in e.targets) if c not in agents)


def entry_id(group: Sequence[Event]) -> str:
    """Stable across re-ingestion and ingestion order: derived from the group's first mention."""
    first = min(e.id for e in group)
    return hashlib.sha256(f"entry|{group[0].type}|{first}".encode()).hexdigest()[:16]


def entry_for(
    group: Sequence[Event], titles: dict[str, str | None] | None = None, urls: dict[str, str | None] | None = None
) -> Entry:
    """One timeline entry from the mentions of one happening; ``titles``/``urls`` are keyed by article id."""
    titles = titles or {}
    urls = urls or {}
    best = _best(group)
    agents, targets = _roles(group)
    statuses = {e.status for e in group}
    status = "occurred" if "occurred" in statuses else best.status
    miss = 1.0
    for e in group:
        miss *= 1 - e.confidence
    sources = tuple(
        Source(
            event_id=e.id,
            article_id=e.article_id,
            article=e.article,
            title=titles.get(e.article_id),
            url=urls.get(e.article_id),
            outlet=e.outlet,
            source=e.source,
            published=e.published,
            evidence=e.evidence,
        )
        for e in sorted(group, key=lambda e: (e.published or dt.date.min, e.id))
    )
    return Entry(
        id=entry_id(group),
        type=best.type,
        status=status,  # type: ignore[arg-type]
        date_start=best.date_start,
        date_end=best.date_end,
        date_precision=best.date_precision,
        agents=agents,
        targets=targets,
        evidence=best.evidence,
        title=titles.get(best.article_id),
        confidence=round(min(0.99, 1 - miss), 3),
        cameo=cameo_code(best.type, bool(targets)),
        plover=plover_code(best.type),
        outlets=tuple(sorted({e.outlet for e in group if e.outlet})),
        mention_count=len(group),
        sources=sources,
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
    agents, targets = _roles(group)
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
