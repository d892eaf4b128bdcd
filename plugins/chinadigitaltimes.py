"""China Digital Times (chinadigitaltimes.net): a digest that quotes other outlets.

Posts interleave the editors' own paragraphs with passages introduced by "From CNN:",
"AFP reports:", "China Daily adds:"; events in those passages carry the quoted outlet.
"""

from __future__ import annotations

import re

from timeline.attribution import find_attributions
from timeline.cleaning import clean_text, first_title, recognise_by
from timeline.hookspecs import hookimpl
from timeline.models import Article, Page

OUTLET = "China Digital Times"
DOMAINS = ("chinadigitaltimes.net",)
MARKERS = ("via CDT", "CDT is a non-profit media site", "China Digital Times")
FURNITURE = [
    re.compile(r"^Read more (?:on|about) .* via CDT\.?$", re.IGNORECASE),
    re.compile(r"^CDT is a non-profit media site"),
    re.compile(r"^(?:Open popup|Welcome back!?|Donate|Support CDT)$", re.IGNORECASE),
]


@hookimpl
def timeline_recognise(page: Page) -> float | None:
    return recognise_by(page.url, page.content, DOMAINS, MARKERS)


@hookimpl
def timeline_clean(text: str) -> str:
    return clean_text(text, FURNITURE)


@hookimpl
def timeline_split(text: str, page: Page) -> list[Article]:
    title, body = first_title(text)
    return [Article(text=body, title=title, outlet=OUTLET, attributions=find_attributions(body))]
