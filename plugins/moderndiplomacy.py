"""Modern Diplomacy (moderndiplomacy.eu): one captured page holds several articles and a "Latest" sidebar.

Each article is "<section>", "<title>", "Published", "on" [, a date], byline, text, and ends
with "Continue Reading". The sidebar lists recent articles as "<section>N hours ago", title,
teaser; an article found there gets its date from that stamp, counted back from the
capture (the page's publication date, taken as midday since the hour is unknown).
"""

from __future__ import annotations

import datetime as dt
import itertools
import re

from timeline.cleaning import clean_text, recognise_by
from timeline.extract.dates import parse_date_string
from timeline.hookspecs import hookimpl
from timeline.models import Article, Page

OUTLET = "Modern Diplomacy"
DOMAINS = ("moderndiplomacy.eu",)
MARKERS = ("From our partner RIAC", "Modern Diplomacy", "Continue Reading\n")
SIDEBAR = re.compile(r"^(?:Publications\s*\n\s*)?Latest\s*$", re.MULTILINE)
SIDEBAR_END = re.compile(r"^Trending\s*$", re.MULTILINE)
STAMP = re.compile(r"^(?P<section>.*?)(?P<ago>\d+ (?:minutes?|hours?|days?) ago)\s*$")
FURNITURE = [
    re.compile(r"^(?:Authors?|Photo credit|Image credit)\s*:", re.IGNORECASE),
    re.compile(r"^From our partner \w+$"),
]
SPLIT = re.compile(r"^\s*Continue Reading\s*$", re.MULTILINE)


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def sidebar_dates(text: str, captured: dt.date | None) -> dict[str, dt.date]:
    """Titles in the "Latest" sidebar and the dates their "N hours ago" stamps give."""
    start = SIDEBAR.search(text)
    if not start or captured is None:
        return {}
    end = SIDEBAR_END.search(text, start.end())
    lines = _lines(text[start.end() : end.start() if end else len(text)])
    base = dt.datetime.combine(captured, dt.time(12, 0))
    out: dict[str, dt.date] = {}
    for stamp, title in itertools.pairwise(lines):
        m = STAMP.match(stamp)
        if m:
            date = parse_date_string(m.group("ago"), base=base)
            if date is not None:
                out[title] = date
    return out


@hookimpl
def timeline_recognise(page: Page) -> float | None:
    return recognise_by(page.url, page.content, DOMAINS, MARKERS)


@hookimpl
def timeline_clean(text: str) -> str:
    # the sidebar is kept for timeline_split's dates but never read as article text
    return text


@hookimpl
def timeline_split(text: str, page: Page) -> list[Article]:
    dates = sidebar_dates(text, page.published)
    sidebar = SIDEBAR.search(text)
    body = text[: sidebar.start()] if sidebar else text
    articles = []
    for chunk in SPLIT.split(body):
        lines = _lines(chunk)
        if "Published" not in lines:
            continue
        i = lines.index("Published")
        title = lines[i - 1] if i >= 1 else None
        rest = lines[i + 1 :]
        if rest and rest[0] == "on":
            rest = rest[1:]
        published = None
        if rest and re.fullmatch(r"[A-Z][a-z]+ \d{1,2}, \d{4}", rest[0]):
            published = parse_date_string(rest[0])
            rest = rest[1:]
        basis = "article" if published else "page"
        if published is None and title in dates:
            published, basis = dates[title], "relative"
        text_ = clean_text("\n\n".join(rest), FURNITURE)
        if text_.strip():
            articles.append(Article(text=text_, title=title, published=published, outlet=OUTLET, date_basis=basis))  # type: ignore[arg-type]
    return articles
