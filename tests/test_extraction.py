"""Event extraction on sentences and short articles written for these tests.

Each case: the text, its publication date, and the events a careful reader finds
(type, agents, targets, start date or None, status). Negative cases expect none.
"""

from __future__ import annotations

import pytest

from timeline.models import Event

VISIBLE = {"occurred", "planned"}

POSITIVE = [
    # vetoes
    ("Russia and China vetoed a draft resolution on Syria on Tuesday.", "2019-12-20",
     "veto", {"RUS", "CHN"}, set(), "2019-12-17", "occurred"),
    ("The United States cast its veto against the resolution on Friday.", "2017-12-19",
     "veto", {"USA"}, set(), "2017-12-15", "occurred"),
    ("France, along with Britain, vetoed the text in 1989.", "2020-01-01",
     "veto", {"FRA", "GBR"}, set(), "1989-01-01", "occurred"),
    ("Moscow used its veto to block the resolution last week.", "2022-03-02",
     "veto", {"RUS"}, set(), "2022-02-21", "occurred"),
    # visits
    ("Putin arrived in Beijing on Sunday for a state visit.", "2019-04-29",
     "visit", {"RUS"}, {"CHN"}, "2019-04-28", "occurred"),
    ("Indian Prime Minister Narendra Modi paid a state visit to France in July 2023.", "2023-09-01",
     "visit", {"IND"}, {"FRA"}, "2023-07-01", "occurred"),
    ("The Turkish foreign minister visited Tehran on Wednesday.", "2022-06-30",
     "visit", {"TUR"}, {"IRN"}, "2022-06-29", "occurred"),
    ("Biden made a surprise visit to Kyiv on Monday.", "2023-02-20",
     "visit", {"USA"}, {"UKR"}, "2023-02-20", "occurred"),
    ("Xi will travel to Moscow next week for talks, the Kremlin said.", "2023-03-13",
     "visit", {"CHN"}, {"RUS"}, "2023-03-20", "planned"),
    ("Lavrov's upcoming visit to Pyongyang will focus on trade.", "2024-01-10",
     "visit", {"RUS"}, {"PRK"}, None, "planned"),
    ("The German chancellor is scheduled to visit Warsaw on Thursday.", "2022-06-06",
     "visit", {"DEU"}, {"POL"}, "2022-06-09", "planned"),
    ("The Japanese foreign minister landed in Seoul on Saturday for a two-day visit.", "2023-03-20",
     "visit", {"JPN"}, {"KOR"}, "2023-03-18", "occurred"),
    ("The recent visit of Egypt's president to Saudi Arabia was widely covered.", "2022-07-01",
     "visit", {"EGY"}, {"SAU"}, None, "occurred"),
    # phone calls
    ("Chinese President Xi Jinping held a phone call with Russian President Vladimir Putin on Friday.",
     "2022-02-26", "phone_call", {"CHN", "RUS"}, set(), "2022-02-25", "occurred"),
    ("Erdogan spoke by phone with Zelenskyy on Monday, his office said.", "2022-03-01",
     "phone_call", {"TUR", "UKR"}, set(), "2022-02-28", "occurred"),
    ("Macron had a telephone conversation with Putin yesterday.", "2022-02-21",
     "phone_call", {"FRA", "RUS"}, set(), "2022-02-20", "occurred"),
    ("Blinken phoned his Chinese counterpart Wang Yi on Saturday.", "2021-02-08",
     "phone_call", {"USA", "CHN"}, set(), "2021-02-06", "occurred"),
    # expulsions
    ("Britain expelled 23 Russian diplomats on Wednesday.", "2018-03-16",
     "expulsion", {"GBR"}, {"RUS"}, "2018-03-14", "occurred"),
    ("Poland declared three Belarusian diplomats persona non grata on Monday.", "2021-08-04",
     "expulsion", {"POL"}, {"BLR"}, "2021-08-02", "occurred"),
    ("Twenty Czech diplomats were expelled by Russia on Sunday.", "2021-04-19",
     "expulsion", {"RUS"}, {"CZE"}, "2021-04-18", "occurred"),
    ("The expulsion of Iranian diplomats from Albania in 2018 was followed by a cyberattack.", "2022-09-08",
     "expulsion", {"ALB"}, {"IRN"}, "2018-01-01", "occurred"),
    ("Estonia ordered the Russian charge d'affaires and two diplomats to leave the country on Monday.",
     "2023-01-25", "expulsion", {"EST"}, {"RUS"}, "2023-01-23", "occurred"),
    # recalls
    ("Moscow recalled its ambassador from Washington for consultations on Wednesday.", "2021-03-18",
     "recall", {"RUS"}, {"USA"}, "2021-03-17", "occurred"),
    ("France recalled its ambassadors to the United States and Australia on Friday.", "2021-09-18",
     "recall", {"FRA"}, {"USA", "AUS"}, "2021-09-17", "occurred"),
    ("Israel called back its envoy from Ankara last month.", "2022-12-05",
     "recall", {"ISR"}, {"TUR"}, "2022-11-01", "occurred"),
]  # fmt: skip

NEGATIVE = [
    "Russia threatened to expel American diplomats if the sanctions stay.",
    "China offered to host talks between the two sides.",
    "Russia has to expel the same number of Polish diplomats.",
    "The United States would veto any such resolution, its ambassador said.",
    "India abstained in the vote on the resolution.",
    "The foreign ministry summoned the French ambassador on Tuesday.",
    "Putin did not visit Beijing last year.",
    "Macron cancelled his visit to Algeria.",
    "Expulsions of diplomats rarely change anything.",
    "The minister invited his Chinese counterpart to visit Canberra.",
    "Germany could recall its ambassador from Moscow, officials warned.",
    "Leaders met on the sidelines of the G20 summit in Bali.",
    "Diplomats said a phone call between the leaders is possible.",
    "The Security Council will vote on the draft on Friday.",
    "If Britain expels more diplomats, Moscow will respond.",
]

STATUS_CASES = [
    ("Russia threatened to expel American diplomats.", "expulsion", "hypothetical"),
    ("Putin did not visit Beijing last year.", "visit", "denied"),
    ("Germany could recall its ambassador from Moscow.", "recall", "hypothetical"),
    ("Xi is due to visit Moscow on Monday.", "visit", "planned"),
]


def _visible(events: list[Event]) -> list[Event]:
    return [e for e in events if e.status in VISIBLE]


@pytest.mark.parametrize(("text", "pub", "kind", "agents", "targets", "date", "status"), POSITIVE,
                         ids=[c[0][:40] for c in POSITIVE])  # fmt: skip
def test_positive(extract, text, pub, kind, agents, targets, date, status):  # type: ignore[no-untyped-def]
    events = [e for e in _visible(extract(text, pub)) if e.type == kind]
    assert len(events) == 1, events
    e = events[0]
    assert set(e.agents) == agents
    assert set(e.targets) == targets
    assert (e.date_start.isoformat() if e.date_start else None) == date
    assert e.status == status
    assert e.evidence in text and text[e.evidence_start : e.evidence_end] == e.evidence
    assert 0 < e.confidence <= 1


@pytest.mark.parametrize("text", NEGATIVE, ids=[t[:40] for t in NEGATIVE])
def test_negative(extract, text: str) -> None:  # type: ignore[no-untyped-def]
    assert _visible(extract(text, "2021-06-01")) == []


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
