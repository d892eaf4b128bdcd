"""Russia Insider (russia-insider.com): ad banners repeated through the text, figure captions, licence footer."""

from __future__ import annotations

import re

from timeline.cleaning import clean_text, first_title, recognise_by
from timeline.hookspecs import hookimpl
from timeline.models import Article, Page

OUTLET = "Russia Insider"
DOMAINS = ("russia-insider.com",)
MARKERS = ("Support Russia Insider", "first appeared on Russia Insider", "credit to Russia Insider")
FURNITURE = [
    re.compile(r"^Support Russia Insider", re.IGNORECASE),
    re.compile(r"^This (?:post|article) first appeared on Russia Insider", re.IGNORECASE),
    re.compile(r"^<figcaption>.*</figcaption>$"),
]
FOOTER = re.compile(r"^(?:Anyone is free to republish|Our commenting rules)", re.MULTILINE)
CAPTION = re.compile(r"^<figcaption>(?P<cap>.*)</figcaption>$", re.MULTILINE)


@hookimpl
def timeline_recognise(page: Page) -> float | None:
    return recognise_by(page.url, page.content, DOMAINS, MARKERS)


@hookimpl
def timeline_clean(text: str) -> str:
    footer = FOOTER.search(text)
    if footer:
        text = text[: footer.start()]
    # a caption is printed twice: once marked up, once as plain text; drop both
    captions = {m.group("cap").strip() for m in CAPTION.finditer(text)}
    lines = [line for line in text.splitlines() if line.strip() not in captions]
    return clean_text("\n".join(lines), FURNITURE)


@hookimpl
def timeline_split(text: str, page: Page) -> list[Article]:
    title, body = first_title(text)
    return [Article(text=body, title=title, outlet=OUTLET)]
