"""Harbour Wire: a wire service whose pages bundle several dispatches.

Layout of a Harbour Wire page:

    HARBOUR WIRE | World desk
    ### <headline>
    <CITY>, <Month D, YYYY> (HW) - <first paragraph>
    <more paragraphs>
    ### <next headline>
    ...
    (c) Harbour Wire. Redistribution prohibited.

Each dispatch has its own dateline, which becomes its publication date. Harbour Wire
also says "met ... in person in <city>" for visits, which the core's triggers do not know,
so this plugin adds that pattern for its own pages.
"""

from __future__ import annotations

import re

from timeline.cleaning import clean_text, recognise_by
from timeline.extract.dates import parse_date_string
from timeline.hookspecs import hookimpl
from timeline.models import Article, Page

OUTLET = "Harbour Wire"
DOMAINS = ("harbourwire.example",)
MARKERS = ("HARBOUR WIRE |", "(HW) -", "(c) Harbour Wire")
HEADLINE = re.compile(r"^### (?P<title>.+)$", re.MULTILINE)
DATELINE = re.compile(r"^(?P<city>[A-Z][A-Z .'-]+), (?P<date>[A-Z][a-z]+ \d{1,2}, \d{4}) \(HW\) - ")
FURNITURE = [re.compile(r"^HARBOUR WIRE \|"), re.compile(r"^\(c\) Harbour Wire")]


@hookimpl
def timeline_recognise(page: Page) -> float | None:
    """Our domain, or the wire's masthead and dateline marks in the text."""
    return recognise_by(page.url, page.content, DOMAINS, MARKERS)


@hookimpl
def timeline_clean(text: str) -> str:
    """Drop the masthead and the copyright line."""
    return clean_text(text, FURNITURE)


@hookimpl
def timeline_split(text: str, page: Page) -> list[Article]:
    """One article per "### headline", dated by its dateline; a page without headlines is one article."""
    heads = list(HEADLINE.finditer(text))
    if not heads:
        return [Article(text=text, outlet=OUTLET)]
    articles = []
    for head, nxt in zip(heads, [*heads[1:], None], strict=True):
        body = text[head.end() : nxt.start() if nxt else len(text)].strip()
        published = None
        m = DATELINE.match(body)
        if m:
            published = parse_date_string(m.group("date"))
            body = body[m.end() :]
        articles.append(
            Article(
                text=body,
                title=head.group("title").strip(),
                published=published,
                outlet=OUTLET,
                date_basis="article" if published else "page",
            )
        )
    return articles


@hookimpl
def timeline_event_patterns() -> list[dict[str, object]]:
    """Harbour Wire's house style for visits: "met X in person in <capital>"."""
    return [
        {
            "type": "visit",
            "lemma": "meet",
            "pos": "VERB",
            "place_preps": ["in"],
            "keywords": ["meet", "met"],  # irregular forms must be listed for the cheap pre-filter
            "confidence": 0.6,
        }
    ]
