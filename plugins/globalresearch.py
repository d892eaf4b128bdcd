"""Global Research (globalresearch.ca): republished pieces with a dateline and a long legal footer.

The header says "Global Research, June 11, 2012" (the article's date) and names the
original outlet; the footer says "The original source of this article is X" and then
carries subscription blurbs, copyright and a disclaimer, none of it article text.
"""

from __future__ import annotations

import re

from timeline.cleaning import clean_text, recognise_by, strip_markdown_links
from timeline.extract.dates import parse_date_string
from timeline.hookspecs import hookimpl
from timeline.models import Article, Page

OUTLET = "Global Research"
DOMAINS = ("globalresearch.ca",)
MARKERS = ("Centre for Research on Globalization", "Global Research,", "globalresearch.ca")
DATELINE = re.compile(r"^\s*Global Research, (?P<date>[A-Z][a-z]+ \d{1,2}, \d{4})\s*$", re.MULTILINE)
ORIGINAL = re.compile(r"The original source of this article is (?P<src>[^\n]+?)\s*$", re.MULTILINE)
BYLINE = re.compile(r"^\s*By (?P<by>[^\n]+?)\s*$", re.MULTILINE)
# Header lines ("Region: ...", "Theme: ...") and where the footer starts.
HEADER = [
    re.compile(r"^(?:Region|Theme|In-depth Report|Global Research, .*|By .*):?"),
    re.compile(r"\d{1,2} \w+ \d{4}$"),
]
FOOTER_START = re.compile(r"^(?:=====+|The original source of this article is|Copyright ©|Disclaimer:)", re.MULTILINE)


@hookimpl
def timeline_recognise(page: Page) -> float | None:
    return recognise_by(page.url, page.content, DOMAINS, MARKERS)


@hookimpl
def timeline_clean(text: str) -> str:
    return strip_markdown_links(text)


@hookimpl
def timeline_split(text: str, page: Page) -> list[Article]:
    dateline = DATELINE.search(text)
    published = parse_date_string(dateline.group("date")) if dateline else None
    original = ORIGINAL.search(text)
    byline = BYLINE.search(text)
    footer = FOOTER_START.search(text)
    body = text[: footer.start()] if footer else text
    lines = [line.strip() for line in body.splitlines()]
    title = next((line.lstrip("# ").strip() for line in lines if line), None)
    # the header ends at the last header line; the article starts after it
    start = 0
    for i, line in enumerate(lines[:20]):
        if any(r.match(line) for r in HEADER[:1]) or (HEADER[1].search(line) and len(line) < 60):
            start = i + 1
    kept = [line for line in lines[start:] if line]
    return [
        Article(
            text=clean_text("\n\n".join(kept)),
            title=title,
            published=published,
            outlet=OUTLET,
            byline=byline.group("by") if byline else None,
            source=original.group("src").strip() if original else None,
            date_basis="article" if published else "page",
        )
    ]
