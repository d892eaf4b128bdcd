"""Temporal expressions: find them in text and resolve them to calendar dates.

``find_time_expressions`` finds what a reader takes as a date ("June 5-7",
"last Thursday", "one day ago", "earlier this month", "recently") and
``resolve`` turns one into a start, an end and an honest precision, given the
publication date, the tense of the clause and the date the narrative last set
(the *anchor*). dateparser serves the free-form dates of page metadata
(``parse_date_string``); running text needs ranges and anchors that dateparser
does not handle, hence the small grammar here.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Literal

import dateparser

from timeline.models import Precision

Tense = Literal["past", "present", "future"] | None
ExprKind = Literal["absolute", "weekday", "relative_day", "relative_period", "vague"]

MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
NUMBERS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "several": 3, "few": 3,
}  # fmt: skip

_MONTH = (
    r"(?P<{n}>Jan(?:uary|\.)?|Feb(?:ruary|\.)?|Mar(?:ch|\.)?|Apr(?:il|\.)?|May|June?|July?|"
    r"Aug(?:ust|\.)?|Sep(?:t(?:ember|\.)?|\.)?|Oct(?:ober|\.)?|Nov(?:ember|\.)?|Dec(?:ember|\.)?)"
)
_DAY = r"(?P<{n}>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<{n}>(?:19|20)\d\d)"
_DASH = r"\s*(?:-|–|—|to|until|till|through|and)\s*"
_NUM = r"(?P<num>\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|several|few)"
_WEEKDAY = r"(?P<wd>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"


def _m(n: str) -> str:
    return _MONTH.format(n=n)


def _d(n: str) -> str:
    return _DAY.format(n=n)


def _y(n: str) -> str:
    return _YEAR.format(n=n)


# Order matters: the first pattern that matches at a position wins, so longer forms come first.
_PATTERNS: list[tuple[str, str]] = [
    ("iso", rf"\b{_y('y')}-(?P<mo>[01]\d)-(?P<d1>[0-3]\d)\b"),
    ("range_from", rf"\bfrom (?:the )?{_d('d1')}{_DASH}(?:the )?{_d('d2')}(?: of)? {_m('m1')}(?:,? {_y('y')})?\b"),
    ("range_md", rf"\b{_m('m1')} {_d('d1')}{_DASH}(?:{_m('m2')} )?{_d('d2')}(?:,? {_y('y')})?\b"),
    ("range_dm", rf"\b{_d('d1')}{_DASH}{_d('d2')}(?: of)? {_m('m1')}(?:,? {_y('y')})?\b"),
    # "Thursday, March 7", "Thursday (7 March)": the date says which Thursday
    ("wd_md", rf"\b(?:on )?{_WEEKDAY},? \(?{_m('m1')} {_d('d1')}(?![\d:])\)?(?:,? {_y('y')})?"),
    ("wd_dm", rf"\b(?:on )?{_WEEKDAY},? \(?(?:the )?{_d('d1')} (?:of )?{_m('m1')}\)?(?:,? {_y('y')})?"),
    # "in March last year": the month of the year before
    ("m_year", rf"\b(?:(?i:in|during|early|late|mid|end of|beginning of) |(?i:mid-))?{_m('m1')} "
               r"(?P<yrel>last|next|this) year\b"),
    ("md", rf"\b{_m('m1')} {_d('d1')}(?![\d:])(?:,? {_y('y')})?\b"),
    ("dm", rf"\b(?:the )?{_d('d1')} (?:of )?{_m('m1')}(?:,? {_y('y')})?\b"),
    ("my", rf"\b{_m('m1')},? {_y('y')}\b"),
    # "since", "by" and "until" mark a period's edge or a deadline, never when the event happened
    ("m", rf"\b(?:(?i:in|during|early|late|mid|end of|beginning of) |(?i:mid-)|"
          rf"(?P<mrel>(?i:last|this|next|past|coming) )){_m('m1')}\b(?! \d)"),
    ("y", rf"\b(?i:in|during|by|of|early|late|mid-) {_y('y')}\b(?![-\d])"),
    ("weekday", rf"\b(?:(?P<wmod>last|this|next|past|coming|on|On|Last|This|Next) )?{_WEEKDAY}\b"),
    ("today", r"\b(?P<word>[Tt]oday|[Tt]onight|[Yy]esterday|[Tt]omorrow|[Ll]ast night|"
              r"(?:[Tt]his|[Ee]arlier this) (?:morning|afternoon|evening))\b"),
    ("ago", rf"\b{_NUM} (?P<unit>day|week|month|year)s? (?P<dir>ago|earlier|later|before|after|previously)\b"),
    ("day_before", r"\b(?P<dir>the day before|the previous day|the day after|the next day|the following day|"
                   r"the eve(?: of)?|the same day|that same day|that day)\b"),
    ("period", r"\b(?P<mod>earlier|later)? ?(?P<rel>this|last|next|past|coming|previous) "
               r"(?P<unit>week|weekend|month|year)\b"),
    ("weekend", r"\b(?:over|at|during|on) the weekend\b"),
    ("vague", r"\b(?:recent(?:ly)?|lately|in recent (?:days|weeks|months|years))\b"),
]  # fmt: skip
_COMPILED = [(name, re.compile(p, re.IGNORECASE if name in {"day_before", "period", "vague", "ago", "weekend"} else 0))
             for name, p in _PATTERNS]  # fmt: skip
# "a two-day visit", "a three day trip", "a week-long tour"; not "two days ago"
_DURATION = re.compile(
    rf"\b{_NUM}(?:-(?P<unit>day|week)(?:-long)?\b|[ ](?P<unit2>day|week)(?:-long)? (?:state |official )?"
    rf"(?:visit|trip|tour|stay|mission|meeting|summit)s?\b)",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class TimeExpr:
    """A temporal expression at ``start:end`` of the text it was found in."""

    start: int
    end: int
    text: str
    kind: ExprKind
    year: int | None = None
    month: int | None = None
    day: int | None = None
    month_end: int | None = None
    day_end: int | None = None
    weekday: int | None = None
    modifier: str | None = None
    offset: int = 0
    unit: str | None = None
    parts: dict[str, str] = field(default_factory=dict, compare=False, repr=False)

    @property
    def sets_anchor(self) -> bool:
        """True for calendar days (dates and weekdays), which later relative expressions count from."""
        return (self.kind == "absolute" and self.day is not None) or self.kind == "weekday"


@dataclass(frozen=True, slots=True)
class Resolved:
    """A resolved date: ``start``/``end`` are None when the expression is vague."""

    start: dt.date | None
    end: dt.date | None
    precision: Precision
    text: str
    used_anchor: bool = False


def _month(name: str) -> int:
    return MONTHS[name[:3].lower()]


def _num(word: str) -> int:
    return int(word) if word.isdigit() else NUMBERS[word.lower()]


def _build(name: str, m: re.Match[str], offset: int) -> TimeExpr | None:
    g = {k: v for k, v in m.groupdict().items() if v is not None}
    start, end, text = m.start() + offset, m.end() + offset, m.group()
    year = int(g["y"]) if "y" in g else None
    if name == "iso":
        return TimeExpr(start, end, text, "absolute", year, int(g["mo"]), int(g["d1"]))
    if name in {"range_from", "range_md", "range_dm"}:
        d1, d2 = int(g["d1"]), int(g["d2"])
        m1 = _month(g["m1"])
        m2 = _month(g["m2"]) if "m2" in g else m1
        if not (1 <= d1 <= 31 and 1 <= d2 <= 31) or (m2 == m1 and d2 <= d1):
            return None
        return TimeExpr(start, end, text, "absolute", year, m1, d1, m2, d2)
    if name in {"md", "dm", "wd_md", "wd_dm"}:
        d1 = int(g["d1"])
        if not 1 <= d1 <= 31:
            return None
        return TimeExpr(start, end, text, "absolute", year, _month(g["m1"]), d1)
    if name == "m_year":
        return TimeExpr(start, end, text, "absolute", None, _month(g["m1"]), modifier=f"{g['yrel'].lower()} year")
    if name == "weekend":
        return TimeExpr(start, end, text, "relative_period", offset=0, unit="week", modifier="weekend")
    if name == "my":
        return TimeExpr(start, end, text, "absolute", year, _month(g["m1"]))
    if name == "m":
        rel = (g.get("mrel") or "").strip().lower() or None
        return TimeExpr(start, end, text, "absolute", None, _month(g["m1"]), modifier=rel)
    if name == "y":
        return TimeExpr(start, end, text, "absolute", year)
    if name == "weekday":
        mod = (g.get("wmod") or "").lower() or None
        return TimeExpr(start, end, text, "weekday", weekday=WEEKDAYS.index(g["wd"].lower()), modifier=mod)
    if name == "today":
        word = g["word"].lower()
        # "this morning", "earlier this evening": today's
        off = {"today": 0, "tonight": 0, "yesterday": -1, "tomorrow": 1, "last night": -1}.get(word, 0)
        return TimeExpr(start, end, text, "relative_day", offset=off, unit="day", modifier="now")
    if name == "ago":
        n, unit, direction = _num(g["num"]), g["unit"].lower(), g["dir"].lower()
        sign = 1 if direction in {"later", "after"} else -1
        mod = "ago" if direction == "ago" else "narrative"
        return TimeExpr(start, end, text, "relative_day", offset=sign * n, unit=unit, modifier=mod)
    if name == "day_before":
        low = text.lower()
        if low.endswith(" of"):
            # "on the eve of the summit": the day before another happening whose day is not given here
            return TimeExpr(start, end, text, "vague")
        sign = (
            0
            if "same" in low or low.endswith("that day")
            else -1
            if any(w in low for w in ("before", "previous", "eve"))
            else 1
        )
        return TimeExpr(start, end, text, "relative_day", offset=sign, unit="day", modifier="narrative")
    if name == "period":
        rel = g["rel"].lower()
        off = {"this": 0, "last": -1, "past": -1, "previous": -1, "next": 1, "coming": 1}[rel]
        unit = g["unit"].lower()
        return TimeExpr(start, end, text, "relative_period", offset=off, unit="week" if unit == "weekend" else unit)
    if name == "vague":
        return TimeExpr(start, end, text, "vague")
    return None


def find_time_expressions(text: str, offset: int = 0) -> list[TimeExpr]:
    """All temporal expressions in ``text``, in order, without overlaps (longest first)."""
    candidates: list[TimeExpr] = []
    for name, regex in _COMPILED:
        for m in regex.finditer(text):
            expr = _build(name, m, offset)
            if expr is not None:
                candidates.append(expr)
    candidates.sort(key=lambda e: (e.start, -(e.end - e.start)))
    out: list[TimeExpr] = []
    for expr in candidates:
        if out and expr.start < out[-1].end:
            continue
        out.append(expr)
    return out


def find_duration_days(text: str) -> int | None:
    """The length in days of "a two-day visit", "a three-week tour"; None when not said."""
    m = _DURATION.search(text)
    if not m:
        return None
    unit = (m.group("unit") or m.group("unit2")).lower()
    return _num(m.group("num")) * (7 if unit == "week" else 1)


def _safe_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


# how many days before the paper a future-tense partial date may fall and keep the paper's year
FUTURE_SLACK_DAYS = 7


def _pick_year(month: int, day: int, ref: dt.date, tense: Tense) -> int:
    """The year of a partial date: past tense looks back from ``ref``, future forward, else nearest."""
    options = [y for y in (ref.year - 1, ref.year, ref.year + 1) if _safe_date(y, month, day)]
    dates = [(y, dt.date(y, month, day)) for y in options]
    if not dates:  # "February 31": no year makes it a date; the caller treats it as vague
        return ref.year
    if tense == "past":
        past = [(y, d) for y, d in dates if d <= ref]
        if past:
            return max(past, key=lambda t: t[1])[0]
    elif tense == "future":
        # a plan dated a few days before the paper is news running late (a wire's lead, a visit under
        # way), far likelier than a plan for next year
        future = [(y, d) for y, d in dates if d >= ref - dt.timedelta(days=FUTURE_SLACK_DAYS)]
        if future:
            return min(future, key=lambda t: t[1])[0]
    return min(dates, key=lambda t: abs((t[1] - ref).days))[0]


def _add_months(d: dt.date, months: int) -> dt.date:
    total = d.year * 12 + d.month - 1 + months
    return dt.date(total // 12, total % 12 + 1, 1)


def resolve(expr: TimeExpr, published: dt.date | None, tense: Tense = None, anchor: dt.date | None = None) -> Resolved:
    """Resolve ``expr`` against the publication date, the clause's tense and the narrative anchor.

    Anchors only matter for day offsets ("one day ago", "the day before"): they
    count from the last calendar day the narrative set, when there is one. A date
    that would fall outside the calendar (``yesterday`` on 0001-01-01, ``next year``
    in 9999) is dropped: the event stays undated rather than the article failing.
    """
    try:
        return _resolve(expr, published, tense, anchor)
    except (OverflowError, ValueError):
        return Resolved(None, None, "unknown", expr.text)


def shift(day: dt.date, days: int) -> dt.date | None:
    """``day`` moved by ``days``, or None past the ends of the calendar."""
    try:
        return day + dt.timedelta(days=days)
    except OverflowError:
        return None


def _resolve(expr: TimeExpr, published: dt.date | None, tense: Tense, anchor: dt.date | None) -> Resolved:
    vague = Resolved(None, None, "unknown", expr.text)
    if expr.kind == "vague":
        return vague
    if expr.kind == "absolute":
        if expr.month is None:
            if expr.year is None:
                return vague
            return Resolved(dt.date(expr.year, 1, 1), None, "year", expr.text)
        if expr.day is None:
            year = expr.year
            if year is None:
                if published is None:
                    return vague
                year = _pick_year(expr.month, 1, published.replace(day=1), tense)
                # "last January" is the latest January before this month, "next March" the first after it
                if expr.modifier in {"last", "past"}:
                    year = published.year if expr.month < published.month else published.year - 1
                elif expr.modifier in {"next", "coming"}:
                    year = published.year if expr.month > published.month else published.year + 1
                elif expr.modifier == "this":
                    year = published.year
                elif expr.modifier in {"last year", "next year", "this year"}:
                    year = published.year + {"last year": -1, "next year": 1, "this year": 0}[expr.modifier]
            return Resolved(dt.date(year, expr.month, 1), None, "month", expr.text)
        year = expr.year
        if year is None:
            if published is None:
                return vague
            year = _pick_year(expr.month, expr.day, published, tense)
        start = _safe_date(year, expr.month, expr.day)
        end = None
        if expr.day_end is not None and start is not None:
            end_year = year + (1 if (expr.month_end or expr.month) < expr.month else 0)
            end = _safe_date(end_year, expr.month_end or expr.month, expr.day_end)
        return Resolved(start, end, "day", expr.text) if start else vague
    if published is None:
        return vague
    if expr.kind == "weekday":
        assert expr.weekday is not None
        delta = (published.weekday() - expr.weekday) % 7
        if expr.modifier in {"next", "coming"} or (tense == "future" and expr.modifier not in {"last", "past"}):
            ahead = (expr.weekday - published.weekday()) % 7
            if expr.modifier == "next" and ahead == 0:
                ahead = 7
            return Resolved(published + dt.timedelta(days=ahead), None, "day", expr.text)
        if expr.modifier in {"last", "past"} and delta == 0:
            delta = 7
        if tense == "present" and expr.modifier in {None, "on", "this"} and 0 < (7 - delta) % 7 < delta:
            # "begins a three-day visit on Thursday" in Monday's paper: news tells the week ahead in the
            # present tense, so the nearer Thursday is meant, whichever side of the paper's day it falls
            return Resolved(published + dt.timedelta(days=(7 - delta) % 7), None, "day", expr.text)
        return Resolved(published - dt.timedelta(days=delta), None, "day", expr.text)
    if expr.kind == "relative_day":
        if expr.unit == "day":
            base = anchor if (anchor is not None and expr.modifier in {"ago", "narrative"}) else published
            return Resolved(base + dt.timedelta(days=expr.offset), None, "day", expr.text, base is anchor)
        # "a week later", "two months earlier": counted from the day the story last named, when it did
        base = anchor if (anchor is not None and expr.modifier == "narrative") else published
        if expr.unit == "week":
            return Resolved(base + dt.timedelta(weeks=expr.offset), None, "week", expr.text, base is anchor)
        if expr.unit == "month":
            return Resolved(_add_months(base, expr.offset), None, "month", expr.text, base is anchor)
        return Resolved(dt.date(base.year + expr.offset, 1, 1), None, "year", expr.text, base is anchor)
    if expr.kind == "relative_period":
        if expr.modifier == "weekend":
            # "over the weekend": the last Saturday and Sunday, to within the week (from the Saturday)
            saturday = published - dt.timedelta(days=(published.weekday() - 5) % 7)
            return Resolved(saturday, None, "week", expr.text)
        if expr.unit == "week":
            monday = published - dt.timedelta(days=published.weekday())
            return Resolved(monday + dt.timedelta(weeks=expr.offset), None, "week", expr.text)
        if expr.unit == "month":
            return Resolved(_add_months(published, expr.offset), None, "month", expr.text)
        return Resolved(dt.date(published.year + expr.offset, 1, 1), None, "year", expr.text)
    return vague


# How much a precision says, for choosing the best of several dates of one happening.
PRECISION_RANK: dict[str, int] = {"unknown": 0, "year": 1, "month": 2, "week": 3, "day": 4}


def covered_days(start: dt.date | None, end: dt.date | None, precision: str) -> tuple[dt.date, dt.date] | None:
    """The first and last day a date can stand for at its precision; None when undated."""
    if start is None or precision == "unknown":
        return None
    if precision == "year":
        return dt.date(start.year, 1, 1), dt.date(start.year, 12, 31)
    if precision == "month":
        last = calendar.monthrange(start.year, start.month)[1]
        return dt.date(start.year, start.month, 1), dt.date(start.year, start.month, last)
    if precision == "week":
        return start, start + dt.timedelta(days=6)
    return start, end or start


def parse_date_string(text: str, base: dt.datetime | None = None) -> dt.date | None:
    """Parse a free-standing date from page metadata ("June 11, 2012", "9 hours ago").

    Relative forms count back from ``base`` (the time the page was captured).
    """
    settings: dict[str, object] = {"PREFER_DATES_FROM": "past", "RETURN_AS_TIMEZONE_AWARE": False}
    if base is not None:
        settings["RELATIVE_BASE"] = base
    parsed = dateparser.parse(text.strip(), languages=["en"], settings=settings)  # type: ignore[arg-type]
    return parsed.date() if parsed else None
