"""The generic extractor: takes any page that no outlet plugin claims.

It is registered through the same ``timeline.plugins`` entry point as every other
plugin, and it is also what outlet plugins fall back on for hooks they leave out.
"""

from __future__ import annotations

import datetime as dt

from timeline.attribution import find_attributions, find_dateline
from timeline.cleaning import clean_text, first_title
from timeline.extract import dates
from timeline.hookspecs import hookimpl
from timeline.models import Article, Page


@hookimpl
def timeline_recognise(page: Page) -> float:
    """Any page, with the lowest score, so that a real outlet plugin always wins."""
    return 0.01


@hookimpl
def timeline_clean(text: str) -> str:
    """Drop furniture lines every site has and rejoin broken paragraphs."""
    return clean_text(text)


@hookimpl
def timeline_split(text: str, page: Page) -> list[Article]:
    """The whole page is one article, with quoted passages attributed to their outlets.

    A wire dateline ("MOSCOW, March 3 (Reuters) -") names the reporting agency and, with a
    date, the story's own day (its year from the page's date).
    """
    title, body = first_title(text)
    body = body.lstrip("\n")
    published, source, basis, place = page.published, None, "page", None
    line = find_dateline(body)
    if line is not None:
        body = body[line.end :]  # metadata, not a sentence: it would confuse the parser about the subject
        source, place = line.agency, line.city
        when = _dateline_date(line.date, page.published)
        if when is not None:
            published, basis = when, "article"
    return [
        Article(
            text=body,
            title=title,
            published=published,
            outlet=page.outlet,
            url=page.url,
            file=page.file,
            source=source,
            attributions=find_attributions(body),
            date_basis=basis,  # type: ignore[arg-type]
            dateline=place,
        )
    ]


def _dateline_date(text: str | None, page_date: dt.date | None) -> dt.date | None:
    if not text:
        return None
    exprs = dates.find_time_expressions(text)
    if not exprs:
        return None
    return dates.resolve(exprs[0], page_date, "past").start
