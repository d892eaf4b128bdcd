"""Helpers for plugin authors: check in a few lines that a sample page yields what it should.

    from timeline.testing import check_page

    def test_sample():
        check_page(my_plugin, "my_outlet", Path("sample.txt").read_text(), url="https://my-outlet.example/a",
                   published="2024-05-02", articles=2,
                   events=[("visit", {"FRA"}, {"DEU"}, "2024-05-01")])

The page goes through the real pipeline with only the generic plugin and yours loaded.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable
from dataclasses import dataclass

from timeline.models import Event, Page
from timeline.pipeline import Pipeline, Result
from timeline.plugins import GENERIC, PluginRegistry
from timeline.settings import Settings

ExpectedEvent = tuple[str, set[str], set[str], str | None]


@dataclass(frozen=True)
class PageCheck:
    """What a page became: the recognising plugin and the articles with their events."""

    plugin: str
    results: list[Result]

    @property
    def events(self) -> list[Event]:
        return [e for r in self.results for e in r.events if e.status in {"occurred", "planned"}]


@functools.cache
def _shared_extractor(model: str):  # type: ignore[no-untyped-def]
    return Pipeline(Settings(spacy_model=model), PluginRegistry()).extractor


def run_page(plugin: object, name: str, content: str, *, url: str | None = None, published: str | None = None,
             content_type: str = "text") -> PageCheck:  # fmt: skip
    """Run ``content`` through the pipeline with the generic plugin and ``plugin`` (registered as ``name``)."""
    import timeline_plugins.generic as generic

    reg = PluginRegistry()
    reg.register(generic, GENERIC)
    if name != GENERIC:
        reg.register(plugin, name)
    settings = Settings.from_env()
    pipeline = Pipeline(settings, reg)
    pipeline.__dict__["extractor"] = _shared_extractor(settings.spacy_model)  # load spaCy once per test run
    page = Page(
        content=content,
        content_type="html" if content_type == "html" else "text",
        url=url,
        published=dt.date.fromisoformat(published) if published else None,
        file="sample",
    )
    results = pipeline.process_one(page)
    return PageCheck(plugin=results[0].plugin if results else GENERIC, results=results)


def check_page(plugin: object, name: str, content: str, *, url: str | None = None, published: str | None = None,
               articles: int | None = None, events: Iterable[ExpectedEvent] = (),
               exact: bool = True) -> PageCheck:  # fmt: skip
    """Assert that ``plugin`` claims the page, splits it into ``articles`` and finds ``events``.

    Each expected event is ``(type, agents, targets, date_start or None)``; with ``exact``
    nothing else may be found.
    """
    check = run_page(plugin, name, content, url=url, published=published)
    assert check.plugin == name, f"page recognised by {check.plugin!r}, not {name!r}"
    if articles is not None:
        assert len(check.results) == articles, f"{len(check.results)} articles, expected {articles}"
    got = [(e.type, set(e.agents), set(e.targets), e.date_start.isoformat() if e.date_start else None)
           for e in check.events]  # fmt: skip
    want = list(events)
    for w in want:
        assert w in got, f"expected event {w} not found; found {got}"
    if exact:
        assert len(got) == len(want), f"unexpected events: {[g for g in got if g not in want]}"
    return check
