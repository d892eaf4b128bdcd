"""Event extraction on sentences and short articles written for these tests.

Each case: the text, its publication date, and the events a careful reader finds
(type, agents, targets, start date or None, status). Negative cases expect none.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from timeline.models import Event

VISIBLE = {"occurred", "planned"}

CASE_DIR = Path(__file__).parent / "cases"
# Every tests/cases/*.jsonl except the multi-paragraph articles holds sentence cases; each file covers some families.
CASES = [
    json.loads(line)
    for path in sorted(CASE_DIR.glob("*.jsonl"))
    if path.name != "articles.jsonl"
    for line in path.open(encoding="utf-8")
    if line.strip()
]
PRECISION_LEN = {"day": 10, "week": 7, "month": 7, "year": 4}


def _visible(events: list[Event]) -> list[Event]:
    return [e for e in events if e.status in VISIBLE]


def _date(e: Event) -> str | None:
    """The event's start cut to its precision, the way score.py judges it (a week by its month)."""
    if e.date_start is None:
        return None
    return e.date_start.isoformat()[: PRECISION_LEN[e.date_precision]]


def _key(e: dict) -> tuple[str, frozenset[str], frozenset[str]]:  # type: ignore[type-arg]
    return e["type"], frozenset(e["agents"]), frozenset(e["targets"])


@pytest.mark.parametrize("case", CASES, ids=[c["rule"] for c in CASES])
def test_sentence(extract, case: dict) -> None:  # type: ignore[no-untyped-def,type-arg]
    """Each case lists every event a careful reader finds; nothing else may be found."""
    events = _visible(extract(case["text"], case["published"]))
    got = {(e.type, frozenset(e.agents), frozenset(e.targets)): e for e in events}
    want = {_key(w): w for w in case["events"]}
    assert set(got) == set(want), f"found {sorted(got)}"
    for key, w in want.items():
        e = got[key]
        assert _date(e) == w["date"], f"{key}: date {e.date_start} ({e.date_precision})"
        assert (e.date_end.isoformat() if e.date_end else None) == w["date_end"]
        assert e.status == w["status"]
        assert case["text"][e.evidence_start : e.evidence_end] == e.evidence
        assert 0 < e.confidence <= 1


def test_corpus_size() -> None:
    """Issue 3 asks for at least 150 sentences and short articles; dates have their own in test_dates."""
    assert len(CASES) >= 150 and sum(1 for c in CASES if not c["events"]) >= 40


STATUS_CASES = [
    ("Russia threatened to expel American diplomats.", "expulsion", "hypothetical"),
    ("Putin did not visit Beijing last year.", "visit", "denied"),
    ("Germany could recall its ambassador from Moscow.", "recall", "hypothetical"),
    ("Xi is due to visit Moscow on Monday.", "visit", "planned"),
    ("The ministry denied that Hungary had expelled any Russian diplomats.", "expulsion", "denied"),
    ("A visit by Xi to Washington would be a breakthrough.", "visit", "hypothetical"),
]


@pytest.mark.parametrize(("text", "kind", "status"), STATUS_CASES, ids=[c[0][:40] for c in STATUS_CASES])
def test_status(extract, text: str, kind: str, status: str) -> None:  # type: ignore[no-untyped-def]
    events = [e for e in extract(text, "2021-06-05") if e.type == kind]
    assert [e.status for e in events] == [status]


def test_narrative_anchor_dates_relative_expressions(extract) -> None:  # type: ignore[no-untyped-def]
    text = (
        "On March 3, the Turkish foreign minister said the talks had gone well.\n\n"
        "Just two days ago, Erdogan held a phone call with Putin about grain exports."
    )
    (e,) = extract(text, "2022-09-01")
    assert e.type == "phone_call" and e.date_start.isoformat() == "2022-03-01" and e.date_basis == "anchor"


def test_weekday_sets_anchor(extract) -> None:  # type: ignore[no-untyped-def]
    text = "Norway expelled two Russian diplomats on Thursday.\n\nA day earlier, Denmark expelled one Russian diplomat."
    events = sorted(extract(text, "2023-04-14"), key=lambda e: e.agents)
    assert [(e.agents, e.date_start.isoformat()) for e in events] == [
        (("DNK",), "2023-04-12"),
        (("NOR",), "2023-04-13"),
    ]


def test_mentions_of_one_event_merge(extract) -> None:  # type: ignore[no-untyped-def]
    text = (
        "Putin's upcoming visit to China is expected to produce several agreements.\n\n"
        "According to officials, Putin's state visit to China on June 5-7 will include a summit.\n\n"
        "Putin's visit comes as trade grows."
    )
    events = extract(text, "2012-06-01")
    assert len(events) == 1
    e = events[0]
    assert (e.agents, e.targets, e.status) == (("RUS",), ("CHN",), "planned")
    assert (e.date_start.isoformat(), e.date_end.isoformat()) == ("2012-06-05", "2012-06-07")
    assert len(e.mentions) == 3


def test_distinct_events_do_not_merge(extract) -> None:  # type: ignore[no-untyped-def]
    text = "Russia expelled ten Latvian diplomats on Monday.\n\nLatvia expelled ten Russian diplomats on Tuesday."
    events = extract(text, "2022-05-20")
    assert sorted((e.agents, e.targets) for e in events) == [(("LVA",), ("RUS",)), (("RUS",), ("LVA",))]


def test_visits_weeks_apart_stay_apart(extract) -> None:  # type: ignore[no-untyped-def]
    """Mentions of one visit a day or two apart merge; two trips to one place weeks apart do not."""
    text = "Prime Minister Modi visited Tokyo on 3 March for a summit.\n\nModi visited Tokyo again on 20 March."
    events = extract(text, "2025-03-31")
    assert sorted(e.date_start.isoformat() for e in events if e.type == "visit" and e.date_start) == [
        "2025-03-03",
        "2025-03-20",
    ]


def test_background_event_stays_undated(extract) -> None:  # type: ignore[no-untyped-def]
    text = ("Analysts met in Vienna to discuss security in Europe on Friday.\n\n"
            "Several states have recently expelled Russian diplomats, including Austria and Greece.")  # fmt: skip
    events = [e for e in extract(text, "2022-04-08") if e.type == "expulsion"]
    assert events == [] or all(e.date_start is None and e.date_precision == "unknown" for e in events)


def test_news_lead_is_dated_to_publication(extract) -> None:  # type: ignore[no-untyped-def]
    text = "Britain is expelling 23 Russian diplomats, the prime minister told parliament, in a row over a poisoning."
    (e,) = extract(text, "2018-03-14")
    assert e.date_start.isoformat() == "2018-03-14" and e.date_basis == "publication"


def test_person_maps_to_state_of_office_at_the_time(extract) -> None:  # type: ignore[no-untyped-def]
    (e,) = extract("Biden visited Beijing on Monday for talks.", "2011-08-19")
    assert e.agents == ("USA",) and any(a.person == "Joe Biden" and a.office == "Vice President" for a in e.actors)


def test_veto_date_from_the_vote_sentence(extract) -> None:  # type: ignore[no-untyped-def]
    text = ("Russia and China have vetoed a Security Council draft on sanctions.\n\n"
            "The draft was put to a vote on Tuesday despite warnings.")  # fmt: skip
    (e,) = extract(text, "2017-03-01")
    assert e.date_start.isoformat() == "2017-02-28" and e.date_basis == "context"


def test_event_inside_an_after_clause_is_the_earlier_one(extract) -> None:  # type: ignore[no-untyped-def]
    text = "Russia expelled ten Czech diplomats on Sunday, a day after Prague expelled eighteen Russian diplomats."
    got = sorted((e.agents, e.date_start.isoformat()) for e in extract(text, "2021-04-20"))
    assert got == [(("CZE",), "2021-04-17"), (("RUS",), "2021-04-18")]


ARTICLES = [json.loads(line) for line in (Path(__file__).parent / "cases" / "articles.jsonl").open(encoding="utf-8")]


@pytest.mark.parametrize("case", ARTICLES, ids=[a["text"].split("\n")[0][:40] for a in ARTICLES])
def test_article(extract, case: dict) -> None:  # type: ignore[no-untyped-def,type-arg]
    """Multi-paragraph articles with distractors (domestic vetoes, tourists, summits): exactly the labelled events."""
    events = _visible(extract(case["text"], case["published"]))
    got = {(e.type, frozenset(e.agents), frozenset(e.targets), _date(e)) for e in events}
    want = {(w["type"], frozenset(w["agents"]), frozenset(w["targets"]), w["date"]) for w in case["events"]}
    assert got == want
