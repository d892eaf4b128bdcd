"""Temporal expressions: finding them and resolving them against publication date, tense and anchor."""

from __future__ import annotations

import datetime as dt

import pytest

from timeline.extract.dates import find_duration_days, find_time_expressions, parse_date_string, resolve

D = dt.date
PUB = D(2021, 3, 22)  # a Monday


def one(text: str, pub: dt.date = PUB, tense=None, anchor=None):  # type: ignore[no-untyped-def]
    exprs = find_time_expressions(text)
    assert len(exprs) == 1, exprs
    return resolve(exprs[0], pub, tense, anchor)


@pytest.mark.parametrize(
    ("text", "tense", "start", "end", "precision"),
    [
        ("on June 5-7", None, D(2021, 6, 5), D(2021, 6, 7), "day"),
        ("On March 6-9, the minister", "past", D(2021, 3, 6), D(2021, 3, 9), "day"),
        ("from 5th to 7th June", "future", D(2021, 6, 5), D(2021, 6, 7), "day"),
        ("between May 30 and June 2", "past", D(2020, 5, 30), D(2020, 6, 2), "day"),
        ("on November 24, 2020", None, D(2020, 11, 24), None, "day"),
        ("on 24 November 2020", None, D(2020, 11, 24), None, "day"),
        ("on 2020-11-24", None, D(2020, 11, 24), None, "day"),
        ("in July 2000", None, D(2000, 7, 1), None, "month"),
        ("in February 2022", None, D(2022, 2, 1), None, "month"),
        ("in April", "past", D(2020, 4, 1), None, "month"),
        ("in April", "future", D(2021, 4, 1), None, "month"),
        ("in 1979", None, D(1979, 1, 1), None, "year"),
        ("On July 9", "past", D(2020, 7, 9), None, "day"),
        ("On March 20", "past", D(2021, 3, 20), None, "day"),
        ("on March 25", "future", D(2021, 3, 25), None, "day"),
    ],
)
def test_explicit_dates(text, tense, start, end, precision):  # type: ignore[no-untyped-def]
    r = one(text, tense=tense)
    assert (r.start, r.end, r.precision) == (start, end, precision)


@pytest.mark.parametrize(
    ("text", "tense", "expected"),
    [
        ("on Monday", "past", D(2021, 3, 22)),  # the publication day itself, not a week earlier
        ("on Monday", None, D(2021, 3, 22)),
        ("on Tuesday", "past", D(2021, 3, 16)),
        ("on Sunday", "past", D(2021, 3, 21)),
        ("last Thursday", "past", D(2021, 3, 18)),
        ("last Monday", "past", D(2021, 3, 15)),
        ("on Thursday", "future", D(2021, 3, 25)),
        ("next Monday", None, D(2021, 3, 29)),
        ("on Monday", "future", D(2021, 3, 22)),
    ],
)
def test_weekdays(text, tense, expected):  # type: ignore[no-untyped-def]
    assert one(text, tense=tense).start == expected


@pytest.mark.parametrize(
    ("text", "start", "precision"),
    [
        ("last week", D(2021, 3, 15), "week"),
        ("this week", D(2021, 3, 22), "week"),
        ("earlier this week", D(2021, 3, 22), "week"),
        ("last month", D(2021, 2, 1), "month"),
        ("earlier this month", D(2021, 3, 1), "month"),
        ("last year", D(2020, 1, 1), "year"),
        ("next year", D(2022, 1, 1), "year"),
        ("yesterday", D(2021, 3, 21), "day"),
        ("two days ago", D(2021, 3, 20), "day"),
    ],
)
def test_relative_to_publication(text, start, precision):  # type: ignore[no-untyped-def]
    r = one(text)
    assert (r.start, r.precision) == (start, precision)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Just one day ago", D(2020, 7, 8)),
        ("the day before", D(2020, 7, 8)),
        ("a day earlier", D(2020, 7, 8)),
        ("two days later", D(2020, 7, 11)),
        ("the next day", D(2020, 7, 10)),
    ],
)
def test_relative_to_anchor(text, expected):  # type: ignore[no-untyped-def]
    r = one(text, anchor=D(2020, 7, 9))
    assert r.start == expected and r.used_anchor


def test_anchor_ignored_for_weekdays_and_periods() -> None:
    assert one("on Tuesday", tense="past", anchor=D(2020, 7, 9)).start == D(2021, 3, 16)
    assert one("last year", anchor=D(2010, 7, 9)).start == D(2020, 1, 1)


@pytest.mark.parametrize("text", ["recently", "the recent expulsions", "in recent weeks", "lately"])
def test_vague_is_undated(text: str) -> None:
    r = one(text)
    assert r.start is None and r.precision == "unknown"


@pytest.mark.parametrize(
    "text",
    [
        "the 2015 nuclear deal",
        "since 1992",
        "since February",
        "by March",
        "1.4 billion people",
        "it may be",
        "a march on the city",
    ],
)
def test_not_dates(text: str) -> None:
    assert find_time_expressions(text) == []


def test_year_of_partial_date_follows_publication_across_new_year() -> None:
    assert one("on December 30", pub=D(2021, 1, 3), tense="past").start == D(2020, 12, 30)
    assert one("on January 4", pub=D(2020, 12, 29), tense="future").start == D(2021, 1, 4)


def test_ranges_across_months_and_invalid_days() -> None:
    r = one("from May 30 to June 2", tense="past")
    assert (r.start, r.end) == (D(2020, 5, 30), D(2020, 6, 2))
    assert find_time_expressions("on February 31") == [] or one("on February 31").start is None


@pytest.mark.parametrize(("text", "days"), [("a two-day visit", 2), ("a three-day state visit", 3),
                                            ("a week-long tour", 7), ("a visit", None)])  # fmt: skip
def test_durations(text: str, days: int | None) -> None:
    assert find_duration_days(text) == days


def test_metadata_dates_with_dateparser() -> None:
    assert parse_date_string("June 11, 2012") == D(2012, 6, 11)
    assert parse_date_string("9 hours ago", base=dt.datetime(2021, 5, 11, 6, 0)) == D(2021, 5, 10)
    assert parse_date_string("not a date at all") is None


EDGE_TEXTS = [
    "yesterday", "tomorrow", "today", "last Monday", "next Friday", "one week ago", "two days later",
    "last month", "next month", "last year", "next year", "this week", "the day before", "the next day",
    "on December 31", "on January 1", "in March",
]  # fmt: skip


@pytest.mark.parametrize("pub", [dt.date.min, dt.date.max], ids=["0001-01-01", "9999-12-31"])
@pytest.mark.parametrize("text", EDGE_TEXTS)
def test_dates_at_the_ends_of_the_calendar_never_raise(text: str, pub: dt.date) -> None:
    """A publication date of 0001-01-01 or 9999-12-31 resolves or drops a date, never raises."""
    (expr,) = find_time_expressions(text)
    for tense in (None, "past", "future"):
        res = resolve(expr, pub, tense, anchor=pub)
        assert (res.start is None) == (res.precision == "unknown")
        if res.start is not None:
            assert dt.date.min <= res.start <= dt.date.max


def test_yesterday_before_the_first_day_is_dropped() -> None:
    assert one("yesterday", dt.date.min).start is None
    assert one("tomorrow", dt.date.max).start is None
    assert one("tomorrow", dt.date.min).start == D(1, 1, 2)


@pytest.mark.parametrize("pub", ["0001-01-01", "9999-12-31"])
def test_extraction_at_the_ends_of_the_calendar(extract, pub: str) -> None:  # type: ignore[no-untyped-def]
    text = ("Russia expelled two Latvian diplomats yesterday. Putin will start a two-day visit to Beijing tomorrow. "
            "Macron will visit Algeria next year.")  # fmt: skip
    events = extract(text, pub)
    assert {e.type for e in events} == {"expulsion", "visit"}
    for e in events:
        assert e.date_start is None or (e.date_end or e.date_start) >= e.date_start
