"""The generic extractor: takes any page that no outlet plugin claims.

It is registered through the same ``timeline.plugins`` entry point as every other
plugin, and it is also what outlet plugins fall back on for hooks they leave out.
"""

from __future__ import annotations

from timeline.attribution import find_attributions
from timeline.cleaning import clean_text, first_title
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
    """The whole page is one article, with quoted passages attributed to their outlets."""
    title, body = first_title(text)
    return [
        Article(
            text=body,
            title=title,
            published=page.published,
            outlet=page.outlet,
            url=page.url,
            file=page.file,
            attributions=find_attributions(body),
        )
    ]
