"""Every hook an extractor plugin can implement, in one place.

A plugin is a plain module (or object) with functions decorated ``@hookimpl``,
registered through the ``timeline.plugins`` entry-point group::

    [project.entry-points."timeline.plugins"]
    my_outlet = "my_package.my_outlet"

For each page the core asks every plugin ``timeline_recognise``; the plugin
with the highest score is *the page's extractor* and only its
``timeline_clean`` and ``timeline_split`` are called (the generic plugin's stand
in for hooks it leaves out). ``timeline_event_patterns`` of the page's
extractor adds trigger patterns for that page's articles only.

Hooks receive keyword arguments; a plugin may accept fewer than listed.
"""

from __future__ import annotations

from typing import Any

import pluggy

from timeline.models import Article, Page

PROJECT = "timeline"
hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


@hookspec
def timeline_recognise(page: Page) -> float | None:
    """How sure this plugin is that ``page`` comes from its outlet.

    Called once per page, on every enabled plugin, before anything else.
    ``page.content`` is plain text (HTML has already been reduced to text and
    ``page.url``/``page.outlet`` filled from it where possible). Return a score
    from 0 to 1 (look at the URL's domain first, then at the text), or None
    when the page is not yours. The generic plugin answers 0.01 for anything.
    """


@hookspec
def timeline_clean(text: str, page: Page) -> str | None:
    """Remove what is not article text: banners, share blocks, footers, sidebars.

    Called on the page's extractor only, with the page's plain text. Return
    the cleaned text, or None to leave it unchanged. Keep paragraphs on their
    own lines: sentence splitting treats a line break as a boundary.
    """


@hookspec
def timeline_split(text: str, page: Page) -> list[Article] | None:
    """Split the cleaned text into articles.

    Called on the page's extractor only, after ``timeline_clean``. Return one
    ``Article`` per article on the page, each with its own title, text,
    ``published`` date when the page states one (else ``page.published``),
    byline, original ``source`` and ``attributions`` for passages quoted from
    other outlets ("From CNN:"). Offsets in ``attributions`` index the
    article's own ``text``. Return None to keep the page as one article.
    """


@hookspec
def timeline_event_patterns() -> list[dict[str, Any]] | None:
    """Extra trigger patterns for this outlet's articles.

    Called once per page on the page's extractor. Each dict has the keys of a
    ``[[trigger]]`` table in ``timeline/data/triggers.toml`` (``type``,
    ``lemma``, ``pos`` and optional constraints). Return None for none.
    """
