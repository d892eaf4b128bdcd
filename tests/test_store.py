"""The store, on SQLite and (when configured) PostgreSQL: idempotence, atomicity, filters, paging."""

from __future__ import annotations

import datetime as dt

import msgspec
import pytest

from timeline.models import Actor, ArticleRecord, Event, Mention
from timeline.query import BadFilter, build_filter
from timeline.store import Store, sort_key


def make_event(i: int, article_id: str, *, type_: str = "visit", start: dt.date | None = None,
               end: dt.date | None = None, agents=("RUS",), targets=("CHN",), status="occurred",
               evidence="Putin visited Beijing.", outlet="Wire") -> Event:  # type: ignore[no-untyped-def]  # fmt: skip
    return Event(
        id=f"{i:016x}", type=type_, status=status, date_start=start, date_end=end,  # type: ignore[arg-type]
        date_precision="day" if start else "unknown", date_basis="text" if start else "none", date_text=None,
        agents=tuple(agents), targets=tuple(targets), article=f"{article_id}.txt", article_id=article_id,
        outlet=outlet, published=dt.date(2021, 1, 1), source=None, evidence=evidence, evidence_start=0,
        evidence_end=len(evidence), confidence=0.9,
        actors=tuple([Actor(code=a, role="agent", name=a) for a in agents]
                     + [Actor(code=t, role="target", name=t) for t in targets]),
        mentions=(Mention(evidence=evidence, start=0, end=len(evidence)),),
    )  # fmt: skip


def make_article(article_id: str, events: list[Event]) -> ArticleRecord:
    return ArticleRecord(
        id=article_id, title="T", text="text", url=None, file=f"{article_id}.txt", outlet="Wire",
        published=dt.date(2021, 1, 1), source=None, byline=None, ingested_at=dt.datetime(2021, 1, 2),
        events=tuple(events),
    )  # fmt: skip


def test_add_is_idempotent(store: Store) -> None:
    rec = make_article("a1", [make_event(1, "a1", start=dt.date(2020, 5, 1))])
    _, created = store.add(rec)
    again, created_again = store.add(rec)
    assert (created, created_again) == (True, False)
    assert store.counts() == {"articles": 1, "events": 1}
    assert again.events == rec.events
    got = store.get_event(rec.events[0].id)
    assert got == rec.events[0]


def test_an_event_comes_back_exactly_from_its_compact_row(store: Store) -> None:
    """Columns plus the msgpack remainder give back every field, whether or not the text holds the words."""
    text = "Zürich, 3 März 🕊\nLa ministra visitó Ankara. Luego habló con Pekín.\nFin."
    s1 = text.index("La ministra")
    first = "La ministra visitó Ankara."
    second = "Luego habló con Pekín."
    s2 = text.index(second)
    ev = msgspec.structs.replace(
        make_event(1, "a1", start=dt.date(2020, 5, 1), agents=("ESP",), targets=("TUR",), evidence=first),
        evidence_start=s1, evidence_end=s1 + len(first), date_text="3 März", source="Agencia",
        actors=(Actor(code="ESP", role="agent", name="Spain", person="La ministra", office="foreign minister"),
                Actor(code="TUR", role="target", name="Türkiye")),
        mentions=(Mention(evidence=first, start=s1, end=s1 + len(first), source="Agencia"),
                  Mention(evidence=second, start=s2, end=s2 + len(second))),
    )  # fmt: skip
    # words that are not the text's slice, agents not in the actors' order, an article named otherwise
    odd = msgspec.structs.replace(
        make_event(2, "a1", agents=("CHN", "ESP"), targets=(), evidence="Paraphrased words."),
        evidence_start=s2, evidence_end=s2 + 5, article="elsewhere.html", date_basis="context",
        actors=(Actor(code="ESP", role="agent", name="Spain"), Actor(code="CHN", role="agent", name="China")),
    )  # fmt: skip
    rec = msgspec.structs.replace(make_article("a1", [ev, odd]), text=text, url="https://example.org/a1")
    store.add(rec)
    assert store.get_event(ev.id) == ev
    assert store.get_event(odd.id) == odd
    stored = store.get_article("a1")
    assert stored is not None and sorted(stored.events, key=lambda e: e.id) == [ev, odd]
    (entry,) = [e for e in store.iter_entries(build_filter(status="all")) if e.type == "visit" and "TUR" in e.targets]
    assert entry.sources[0].evidence == first and entry.sources[0].article == "a1.txt"
    assert [e.id for e in store.iter_events(build_filter(q="Ankara"))] == [ev.id]
    if store.dialect == "sqlite":  # the words the text holds are kept once, in the text
        with store.engine.connect() as conn:
            ids = conn.exec_driver_sql("SELECT id FROM events WHERE evidence IS NULL").scalars().all()
            assert ids == [bytes.fromhex(ev.id)]  # a hex id is kept as its bytes
            # dates are day ordinals, sort keys bytes
            kinds = conn.exec_driver_sql("SELECT DISTINCT typeof(date_start), typeof(published), typeof(sort_key) "
                                         "FROM events WHERE date_start IS NOT NULL").all()  # fmt: skip
            assert kinds == [("integer", "integer", "blob")]


def test_failed_write_leaves_nothing(store: Store) -> None:
    store.add(make_article("a1", [make_event(1, "a1")]))
    # two events with the same id: the second insert fails, so the whole article must roll back
    bad = make_article("a2", [make_event(2, "a2"), make_event(2, "a2")])
    with pytest.raises(Exception):  # noqa: B017 - the backend's own integrity error
        store.add(bad)
    assert store.get_article("a2") is None
    assert store.counts() == {"articles": 1, "events": 1}


def test_filters(store: Store) -> None:
    evs = [
        make_event(1, "a1", start=dt.date(2020, 1, 10)),
        make_event(2, "a1", type_="veto", start=dt.date(2020, 2, 1), agents=("USA",), targets=()),
        make_event(
            3,
            "a1",
            type_="expulsion",
            start=dt.date(2020, 3, 1),
            end=dt.date(2020, 3, 5),
            agents=("GBR",),
            targets=("RUS",),
            evidence="Britain expelled Russian diplomats.",
        ),
        make_event(4, "a1", type_="visit", start=None, status="hypothetical"),
        make_event(5, "a1", type_="visit", start=None),
    ]
    store.add(make_article("a1", evs))

    def ids(**kw: object) -> list[int]:
        return [int(e.id, 16) for e in store.query_events(build_filter(**kw)).items]  # type: ignore[arg-type]

    assert ids() == [5, 1, 2, 3]  # undated first in ascending order; hypothetical hidden by default
    assert ids(status="all") == [4, 5, 1, 2, 3]
    assert ids(sort="desc") == [3, 2, 1, 5]
    assert ids(types=["veto", "expulsion"]) == [2, 3]
    assert ids(start="2020-03-04") == [3]  # a range overlaps the filter
    assert ids(start="2020-02", end="2020-02") == [2]
    assert ids(actor="rus") == [5, 1, 3]
    assert ids(agent="RUS") == [5, 1]
    assert ids(target="RUS") == [3]
    assert ids(q="expelled") == [3]
    assert ids(outlet="Elsewhere") == []
    page = store.query_events(build_filter(types="visit"), count=True)
    assert page.total == 2


def test_keyset_pagination_visits_every_event_once(store: Store) -> None:
    evs = [make_event(i, "a1", start=dt.date(2020, 1, 1) + dt.timedelta(days=i % 7)) for i in range(1, 38)]
    store.add(make_article("a1", evs))
    for sort in ("asc", "desc"):
        seen, cursor = [], None
        while True:
            page = store.query_events(build_filter(limit=5, cursor=cursor, sort=sort))
            seen += page.items
            cursor = page.next
            if cursor is None:
                break
        assert sorted(e.id for e in seen) == sorted(e.id for e in evs)
        keys = [sort_key(e) for e in seen]
        assert keys == sorted(keys, reverse=sort == "desc")
    assert len(list(store.iter_events(build_filter(), batch=4))) == 37


def test_bad_cursor_is_rejected() -> None:
    with pytest.raises(BadFilter):
        build_filter(cursor="not-a-cursor")


def test_event_roundtrip_keeps_nested_fields(store: Store) -> None:
    e = make_event(9, "a9", start=dt.date(2019, 6, 5), end=dt.date(2019, 6, 7))
    store.add(make_article("a9", [e]))
    got = store.get_event(e.id)
    assert got is not None and msgspec.to_builtins(got) == msgspec.to_builtins(e)


def test_the_entry_table_is_what_the_csv_makes_of_each_entry(store: Store) -> None:
    """The export's fast path (rows, no ``Entry`` built) writes the same CSV as ``entry_csv_row``, page after page."""
    import random

    from tests.test_consolidation import random_mentions, record
    from timeline.export import entry_csv_chunks, entry_table_chunks

    rng = random.Random(3)
    evs = [
        msgspec.structs.replace(e, outlet=rng.choice(["Wire", "Post", None]), source=rng.choice([None, "Agency"]),
                                published=rng.choice([e.published, None]))
        for e in random_mentions(rng, 70)
    ]  # fmt: skip
    by_article: dict[str, list[Event]] = {}
    for e in evs:
        by_article.setdefault(e.article_id, []).append(e)
    recs = [
        msgspec.structs.replace(record(a, es), url=rng.choice([None, f"https://example.org/{a}"]))
        for a, es in sorted(by_article.items())
    ]
    store.add_many(recs)
    for f in (build_filter(status="all"), build_filter(status="all", sort="desc"), build_filter(types=["veto"]),
              build_filter(actor=["CHN"], status="all"), build_filter(start="2020-04-01", sort="desc")):  # fmt: skip
        expected = "".join(entry_csv_chunks(store.iter_entries(f)))
        assert expected.count("\n") > 2 and "".join(entry_table_chunks(store.iter_entry_table(f, batch=7))) == expected


def test_entries_newest_first_page_through_dated_then_undated(store: Store) -> None:
    """Newest first reads the sort keys backwards, dated then undated, at any page size; old cursors still work."""
    import base64

    def text_cursor(key: str) -> str:  # how cursors were made when sort keys were text
        return base64.urlsafe_b64encode(key.encode()).decode().rstrip("=")

    evs = [make_event(i, f"a{i}", start=None if i % 4 == 0 else dt.date(2020, 1, 1) + dt.timedelta(days=i % 5),
                      agents=(f"X{i:02d}",), targets=()) for i in range(1, 23)]  # fmt: skip
    store.add_many([make_article(e.article_id, [e]) for e in evs])
    every = list(store.iter_entries(build_filter(status="all", sort="desc"), batch=100))
    dated = [e for e in every if e.date_start is not None]
    assert len(every) == 22 and every[len(dated) :] == [e for e in every if e.date_start is None]
    assert [(e.date_start, e.id) for e in dated] == sorted(((e.date_start, e.id) for e in dated), reverse=True)
    assert [e.id for e in every[len(dated) :]] == sorted((e.id for e in every[len(dated) :]), reverse=True)
    for size in (1, 3, 5, 17):
        assert list(store.iter_entries(build_filter(status="all", sort="desc"), batch=size)) == every
    # a cursor handed out before 0004 held the newest-first text key: days before the calendar's end, flipped id
    flip = str.maketrans("0123456789abcdef", "fedcba9876543210")
    third, undated = every[2], every[len(dated)]
    assert third.date_start is not None
    old = f"0|{dt.date.max.toordinal() - third.date_start.toordinal():07d}|{third.id.translate(flip)}"
    page = store.query_entries(build_filter(status="all", sort="desc", limit=2, cursor=text_cursor(old)))
    assert page.items == every[3:5]
    old = f"1|0000000|{undated.id.translate(flip)}"
    page = store.query_entries(build_filter(status="all", sort="desc", limit=2, cursor=text_cursor(old)))
    assert page.items == every[len(dated) + 1 : len(dated) + 3]
    oldest = list(store.iter_entries(build_filter(status="all"), batch=100))
    first = oldest[0]
    assert first.date_start is not None
    page = store.query_entries(
        build_filter(status="all", limit=2, cursor=text_cursor(f"0|{first.date_start}|{first.id}"))
    )
    assert page.items == oldest[1:3]


def test_an_id_that_is_not_hex_round_trips(store: Store) -> None:
    """Hex ids are stored as bytes on SQLite; any other id stays text and comes back the same."""
    odd = msgspec.structs.replace(make_event(1, "a1", start=dt.date(2020, 5, 1)), id="Report-A")
    plain = make_event(2, "a1", start=dt.date(2020, 5, 1))
    store.add(make_article("a1", [odd, plain]))
    assert store.get_event("Report-A") == odd and store.get_event(plain.id) == plain
    assert {e.id for e in store.iter_events(build_filter())} == {"Report-A", plain.id}
    (entry,) = store.iter_entries(build_filter())
    assert {s.event_id for s in entry.sources} == {"Report-A", plain.id}


def _pages(query, f_args: dict[str, object]) -> list[str]:  # type: ignore[no-untyped-def]
    """Every id a paged query returns, following its cursor."""
    seen, cursor = [], None
    while True:
        page = query(build_filter(cursor=cursor, **f_args))
        seen += [x.id for x in page.items]
        if (cursor := page.next) is None:
            return seen


def test_a_common_word_and_a_rare_one_page_alike(store: Store) -> None:
    """A word in most reports is found by walking the timeline and testing each row; a rare one by
    collecting its matches. Both ways give the same ids in the same order as the unfiltered walk."""
    evs = [
        make_event(i, f"a{i % 5}", start=dt.date(2020, 1, 1) + dt.timedelta(days=3 * i), targets=(f"C{i % 40:02d}",),
                   evidence="Envoys met in Geneva." + (" A rare ceasefire." if i % 30 == 0 else ""))
        for i in range(1, 91)
    ]  # fmt: skip
    for a in range(5):
        store.add(make_article(f"a{a}", [e for e in evs if e.article_id == f"a{a}"]))
    if store.dialect == "sqlite":  # the store chooses per word: count the matches, compare the costs
        assert store._read_in_order("geneva", 6, 1.5) and not store._read_in_order("ceasefire", 6, 1.5)
    for sort in ("asc", "desc"):
        all_events = _pages(store.query_events, {"limit": 7, "sort": sort})
        all_entries = _pages(store.query_entries, {"limit": 7, "sort": sort})
        for word, wanted in (("geneva", evs), ("ceasefire", [e for e in evs if "ceasefire" in e.evidence])):
            ids = {e.id for e in wanted}
            assert _pages(store.query_events, {"q": word, "limit": 6, "sort": sort}) == [
                i for i in all_events if i in ids
            ]
            entries = _pages(store.query_entries, {"q": word, "limit": 6, "sort": sort})
            assert len(entries) == len(wanted)
            assert entries == [i for i in all_entries if i in entries]
            page = store.query_entries(build_filter(q=word, limit=6, sort=sort), count=True)
            assert page.total == len(wanted)
            assert store.query_events(build_filter(q=word, limit=6), count=True).total == len(wanted)


def test_one_actor_pages_like_a_list_of_actors(store: Store) -> None:
    """A page of entries or events for one actor is read from that actor's key (SQLite); it must give what the general
    filter gives (here: the same actor plus one that names nothing), in both orders and roles, with an
    actor on both sides of an entry listed once."""
    evs = [
        make_event(i, f"a{i % 3}", start=dt.date(2020, 1, 1) + dt.timedelta(days=2 * i) if i % 9 else None,
                   agents=("RUS",) if i % 2 else ("CHN",), targets=("RUS", "UKR") if i % 3 else ("CHN",))
        for i in range(1, 61)
    ]  # fmt: skip
    for a in range(3):
        store.add(make_article(f"a{a}", [e for e in evs if e.article_id == f"a{a}"]))
    if store.dialect == "sqlite":
        assert store._driving_actor(build_filter(agent="RUS")) == ("RUS", "agent")
        assert store._driving_actor(build_filter(actor="RUS,XXX")) is None
    for sort in ("asc", "desc"):
        for role in ("actor", "agent", "target"):
            for query in (store.query_entries, store.query_events):
                one = _pages(query, {role: "RUS", "limit": 4, "sort": sort})
                assert one == _pages(query, {role: "RUS,XXX", "limit": 4, "sort": sort})
                assert len(one) == len(set(one)) > 0
        both = _pages(store.query_entries, {"agent": "RUS", "target": "RUS", "limit": 4, "sort": sort})
        assert set(both) < set(_pages(store.query_entries, {"actor": "RUS", "limit": 4, "sort": sort}))
    page = store.query_entries(build_filter(actor="RUS", limit=5, types="visit"), count=True)
    assert page.total == len(_pages(store.query_entries, {"actor": "RUS,XXX", "limit": 7}))


def test_a_headline_only_event_keeps_its_words(store: Store) -> None:
    """An event only the headline tells has the headline's words as evidence and an empty span at 0 (the
    words are not in the text): the store keeps them and gives the event back unchanged."""
    head = "Russia, China veto UN resolution on Syria"
    e = msgspec.structs.replace(
        make_event(1, "h1", type_="veto", start=dt.date(2012, 2, 4), targets=(), evidence=head),
        evidence_start=0, evidence_end=0, mentions=(Mention(evidence=head, start=0, end=0),),
    )  # fmt: skip
    store.add(make_article("h1", [e]))
    assert store.get_event(e.id) == e
    (entry,) = store.iter_entries(build_filter(status="all"))
    assert entry.evidence == head
