"""Consolidation rules and the store's incremental path: any order, any batching, equal to a rebuild.

Mentions here are made directly (no spaCy), so that many random stores can be checked quickly.
"""

from __future__ import annotations

import datetime as dt
import random

import pytest
import sqlalchemy as sa

from timeline.consolidate import assign, cluster, consolidate, entry_id, key_of
from timeline.models import Actor, ArticleRecord, Event, Mention
from timeline.query import build_filter
from timeline.store import Store
from timeline.store.schema import events as events_table
from timeline.store.schema import keys as keys_table

CODES = ["RUS", "CHN", "USA", "FRA", "GBR"]


def mention(i: int, article: str, *, type_: str = "veto", start: dt.date | None = None,
            precision: str = "day", agents: tuple[str, ...] = ("RUS",), targets: tuple[str, ...] = (),
            published: dt.date | None = dt.date(2020, 6, 1), status: str = "occurred", basis: str = "text",
            outlet: str = "Wire", end: dt.date | None = None) -> Event:  # fmt: skip
    evidence = f"Report {i} of a {type_}."
    return Event(
        id=f"{i:016x}", type=type_, status=status, date_start=start, date_end=end,  # type: ignore[arg-type]
        date_precision=precision if start else "unknown", date_basis=basis if start else "none",  # type: ignore[arg-type]
        date_text=None, agents=agents, targets=targets, article=f"{article}.txt", article_id=article, outlet=outlet,
        published=published, source=None, evidence=evidence, evidence_start=0, evidence_end=len(evidence),
        confidence=0.8, actors=tuple(Actor(code=a, role="agent", name=a) for a in agents),
        mentions=(Mention(evidence=evidence, start=0, end=len(evidence)),),
    )  # fmt: skip


def record(article: str, evs: list[Event], published: dt.date | None = dt.date(2020, 6, 1)) -> ArticleRecord:
    return ArticleRecord(
        id=article, title=f"Title {article}", text="text", url=None, file=f"{article}.txt", outlet="Wire",
        published=published, source=None, byline=None, ingested_at=dt.datetime(2021, 1, 2), events=tuple(evs),
    )  # fmt: skip


def random_mentions(rng: random.Random, n: int) -> list[Event]:
    """Mentions crowded into a few months and actors, so that keys relate, chain and compete."""
    out = []
    base = dt.date(2020, 3, 1)
    for i in range(n):
        precision = rng.choices(["day", "week", "month", "year", "unknown"], [6, 1, 2, 1, 2])[0]
        start = base + dt.timedelta(days=rng.randrange(90)) if precision != "unknown" else None
        if start and precision == "month":
            start = start.replace(day=1)
        if start and precision == "year":
            start = start.replace(month=1, day=1)
        type_ = rng.choice(["veto", "visit", "phone_call"])
        agents = tuple(rng.sample(CODES[:3], rng.choice([1, 1, 2])))
        targets = tuple(c for c in rng.sample(CODES[2:], rng.choice([0, 1])) if c not in agents)
        if type_ == "veto":
            targets = ()
        out.append(
            mention(i + 1, f"a{i % max(1, n // 2)}", type_=type_, start=start, precision=precision, agents=agents,
                    targets=targets, published=base + dt.timedelta(days=rng.randrange(120)),
                    status=rng.choice(["occurred", "occurred", "planned"]),
                    basis=rng.choice(["text", "text", "publication"]), outlet=rng.choice(["A", "B", "C"]))
        )  # fmt: skip
    return out


def stored_groups(store: Store) -> dict[str, str]:
    """Event id -> entry id as the store holds it."""
    with store.engine.connect() as conn:
        rows = conn.execute(
            sa.select(events_table.c.id, keys_table.c.entry_id).join(
                keys_table, keys_table.c.id == events_table.c.key_id
            )
        ).all()
    return {r[0]: r[1] for r in rows}


def expected_groups(evs: list[Event]) -> dict[str, str]:
    entry_of = assign(key_of(e) for e in evs)
    return {e.id: entry_of[key_of(e).id] for e in evs}


def snapshot(store: Store) -> list[tuple[object, ...]]:
    f = build_filter(status="all", limit=1000)
    return sorted(
        (e.id, e.type, e.status, e.date_start, e.date_precision, e.agents, e.targets, e.mention_count, e.outlets,
         e.confidence, tuple(s.event_id for s in e.sources))
        for e in store.iter_entries(f)
    )  # fmt: skip


def ingest(store: Store, evs: list[Event], rng: random.Random) -> None:
    """Store the mentions article by article, in random order and random batches."""
    by_article: dict[str, list[Event]] = {}
    for e in evs:
        by_article.setdefault(e.article_id, []).append(e)
    recs = [record(a, es) for a, es in by_article.items()]
    rng.shuffle(recs)
    i = 0
    while i < len(recs):
        n = rng.choice([1, 1, 2, 3])
        store.add_many(recs[i : i + n])
        i += n


@pytest.mark.parametrize("seed", range(12))
def test_incremental_equals_rules_and_rebuild_sqlite(tmp_path, seed: int) -> None:  # type: ignore[no-untyped-def]
    rng = random.Random(seed)
    evs = random_mentions(rng, 60)
    store = Store(f"sqlite:///{tmp_path / 'c.sqlite3'}")
    store.create_schema()
    ingest(store, evs, rng)
    assert stored_groups(store) == expected_groups(evs)
    # the in-memory entries (extract's per-page output, library users) carry the store's ids
    assert {e.id for e in consolidate(evs)} == set(stored_groups(store).values())
    before = snapshot(store)
    store.rebuild_entries()
    assert snapshot(store) == before
    assert stored_groups(store) == expected_groups(evs)


def test_incremental_equals_rules_and_rebuild(store: Store) -> None:
    rng = random.Random(99)
    evs = random_mentions(rng, 80)
    ingest(store, evs, rng)
    assert stored_groups(store) == expected_groups(evs)
    before = snapshot(store)
    store.rebuild_entries()
    assert snapshot(store) == before


def test_every_event_in_exactly_one_entry(store: Store) -> None:
    evs = random_mentions(random.Random(5), 40)
    ingest(store, evs, random.Random(6))
    entries = list(store.iter_entries(build_filter(status="all")))
    ids = [s.event_id for e in entries for s in e.sources]
    assert sorted(ids) == sorted(e.id for e in evs)
    assert sum(e.mention_count for e in entries) == len(evs)


def test_in_memory_grouping_does_not_depend_on_order() -> None:
    evs = random_mentions(random.Random(3), 120)
    forward = [[m.id for m in g] for g in cluster(evs)]
    assert [[m.id for m in g] for g in cluster(list(reversed(evs)))] == forward


def test_a_vague_mention_never_chains_happenings(store: Store) -> None:
    """50 distinct vetoes by one state in a year plus one year-precise "a veto that year": 50 stay 50."""
    day = dt.date(2017, 1, 2)
    vetoes = [mention(i + 1, f"v{i}", start=day + dt.timedelta(days=7 * i)) for i in range(50)]
    vague = mention(100, "vague", start=dt.date(2017, 1, 1), precision="year")
    store.add_many([record(e.article_id, [e]) for e in vetoes])
    store.add(record("vague", [vague]))
    entries = list(store.iter_entries(build_filter(status="all", types="veto")))
    dated = [e for e in entries if e.date_precision == "day"]
    assert len(dated) == 50 and all(e.mention_count == 1 for e in dated)
    # the vague one fits all fifty, so it joins none: it stands alone
    (alone,) = [e for e in entries if e.date_precision == "year"]
    assert [s.event_id for s in alone.sources] == [vague.id]


def test_a_vague_mention_joins_the_one_happening_that_fits(store: Store) -> None:
    store.add(record("p", [mention(1, "p", start=dt.date(2017, 3, 4))]))
    store.add(record("m", [mention(2, "m", start=dt.date(2017, 3, 1), precision="month")]))
    store.add(record("u", [mention(3, "u", start=None, published=dt.date(2017, 6, 1))]))
    (entry,) = store.iter_entries(build_filter(status="all"))
    assert entry.mention_count == 3 and entry.date_start == dt.date(2017, 3, 4)
    # a second veto that March: the month and the undated mention can no longer tell which one they mean
    store.add(record("q", [mention(4, "q", start=dt.date(2017, 3, 20))]))
    counts = sorted(e.mention_count for e in store.iter_entries(build_filter(status="all")))
    assert counts == [1, 1, 1, 1]
    assert stored_groups(store) == expected_groups(_all(store))


def _all(store: Store) -> list[Event]:
    return list(store.iter_events(build_filter(status="all")))


def test_new_precise_report_merges_two_happenings_under_the_smaller_anchor(store: Store) -> None:
    a = mention(1, "a", start=dt.date(2019, 5, 1), agents=("RUS",))
    b = mention(2, "b", start=dt.date(2019, 5, 3), agents=("RUS",))
    store.add_many([record("a", [a]), record("b", [b])])
    assert len(list(store.iter_entries(build_filter(status="all")))) == 2
    bridge = mention(3, "c", start=dt.date(2019, 5, 1), end=dt.date(2019, 5, 3), agents=("RUS",))
    store.add(record("c", [bridge]))
    (entry,) = store.iter_entries(build_filter(status="all"))
    anchor = min(key_of(e).id for e in (a, b, bridge))
    assert entry.id == entry_id("veto", anchor) and entry.mention_count == 3


def test_dates_at_the_calendar_edges_do_not_break_consolidation(store: Store) -> None:
    edge = [
        mention(1, "e1", start=None, published=dt.date(1, 1, 1)),
        mention(2, "e2", start=None, published=dt.date(9999, 12, 31), status="planned"),
        mention(3, "e3", start=dt.date(9999, 12, 31), precision="week", basis="publication"),
        mention(4, "e4", start=dt.date(1, 1, 1), basis="publication"),
    ]
    store.add_many([record(e.article_id, [e], published=e.published) for e in edge])
    store.add(record("later", [mention(5, "later", start=dt.date(2020, 1, 1))]))
    assert sum(e.mention_count for e in store.iter_entries(build_filter(status="all"))) == 5
    assert stored_groups(store) == expected_groups(_all(store))


def test_per_write_work_does_not_touch_other_reports(store: Store) -> None:
    """A report whose key is already stored only moves numbers: no key or entry is rewritten."""
    first = [mention(i, f"r{i}", start=dt.date(2018, 4, 9)) for i in range(1, 30)]
    store.add_many([record(e.article_id, [e]) for e in first])
    statements: list[str] = []
    sa.event.listen(store.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    store.add(record("r99", [mention(99, "r99", start=dt.date(2018, 4, 9))]))
    (entry,) = store.iter_entries(build_filter(status="all"))
    assert entry.mention_count == 30
    writes = [s for s in statements if s.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))]
    # article, event, actors, text index, key, key outlet, entry, version: a fixed handful, whatever the count
    assert len(writes) <= 10, writes


def test_summary_counts_equal_counting_the_entries(store: Store) -> None:
    """Counts, facets and month/year histograms read from the summary tables agree with a scan."""
    evs = random_mentions(random.Random(11), 90)
    ingest(store, evs, random.Random(12))
    store.rebuild_entries()
    # one more write after the rebuild: the summaries are kept by both paths
    store.add(record("late", [mention(900, "late", start=dt.date(2020, 4, 4))]))
    for kw in ({}, {"types": "veto"}, {"status": "all"}, {"types": "visit,phone_call", "status": "planned"}):
        fast = build_filter(**kw)  # type: ignore[arg-type]
        scan = build_filter(**kw, min_confidence=0.0)  # type: ignore[arg-type]  # same entries, no summary
        assert store.query_entries(fast, count=True).total == store.query_entries(scan, count=True).total
        assert store.facets(fast) == store.facets(scan)
        for unit in ("month", "year"):
            assert store.buckets(fast, unit) == store.buckets(scan, unit)


def test_date_filters_find_exactly_the_overlapping_entries(store: Store) -> None:
    evs = random_mentions(random.Random(21), 90)
    evs.append(mention(500, "long", start=dt.date(2020, 1, 20), end=dt.date(2020, 2, 25)))
    ingest(store, evs, random.Random(22))
    everything = list(store.iter_entries(build_filter(status="all")))
    for start, end in (
        ("2020-02-01", None),
        (None, "2020-03-15"),
        ("2020-03-10", "2020-04-02"),
        ("2020-02-20", "2020-02-20"),
    ):
        s = dt.date.fromisoformat(start) if start else None
        e = dt.date.fromisoformat(end) if end else None
        want = {
            x.id
            for x in everything
            if x.date_start is not None
            and (s is None or (x.date_end or x.date_start) >= s)
            and (e is None or x.date_start <= e)
        }
        for sort in ("asc", "desc"):
            got = {x.id for x in store.iter_entries(build_filter(status="all", start=start, end=end, sort=sort))}
            assert got == want, (start, end, sort)


def test_bulk_load_equals_incremental(store: Store, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """``Store.load`` (batched inserts, then one rebuild) gives what ``add_many`` writes, on top of a store
    that already holds some of the articles; the full-text index and the CSV export agree too."""
    from timeline.export import entry_table_chunks

    rng = random.Random(7)
    evs = random_mentions(rng, 80)
    by_article: dict[str, list[Event]] = {}
    for e in evs:
        by_article.setdefault(e.article_id, []).append(e)
    recs = [record(a, es) for a, es in by_article.items()]
    incremental = Store(f"sqlite:///{tmp_path / 'inc.sqlite3'}")
    incremental.create_schema()
    incremental.add_many(recs)
    store.add_many(recs[:5])
    report = store.load(iter(recs[3:] + recs[:2]), batch=7)
    assert (report.articles, report.events) == (len(recs) - 5, sum(len(r.events) for r in recs[5:]))
    assert report.entries == len(snapshot(store))
    assert stored_groups(store) == expected_groups(evs)
    assert snapshot(store) == snapshot(incremental)
    f = build_filter(status="all", limit=1000, q="veto")
    assert [e.id for e in store.iter_entries(f)] == [e.id for e in incremental.iter_entries(f)]
    everything = build_filter(status="all", limit=1000)
    csv_text = "".join(entry_table_chunks(store.iter_entry_table(everything)))
    assert csv_text == "".join(entry_table_chunks(incremental.iter_entry_table(everything)))
    assert store.load([]).articles == 0
