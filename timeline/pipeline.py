"""From pages to articles to events: the core's one entry point for the CLI, the API and batch workers.

No web or database code here: a ``Pipeline`` takes ``Page`` objects and gives
back articles with their events.
"""

from __future__ import annotations

import functools
import threading
import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import msgspec

from timeline.extract.actors import gazetteer
from timeline.extract.events import EventExtractor
from timeline.extract.nlp import load, sentencizer
from timeline.extract.triggers import Pattern, PatternError, core_patterns
from timeline.html import UnreadablePage, to_text_page
from timeline.models import Article, Event, Page
from timeline.plugins import GENERIC, PluginRegistry
from timeline.settings import Settings

# spaCy refuses texts longer than a pipeline's ``max_length`` (error E088, 1,000,000 by default); an
# article longer than that is rejected with our own message rather than failing deep in the parser.
# A page's raw HTML may be larger than its text, so the page gets a looser limit before conversion.
MAX_TEXT_CHARS = 1_000_000
MAX_PAGE_CHARS = 5_000_000


@dataclass(frozen=True, slots=True)
class Result:
    """One article found on a page, the plugin that read it, and its events."""

    article: Article
    plugin: str
    events: list[Event]


class Pipeline:
    """Reads pages with the right plugin and extracts events. Build once per process."""

    def __init__(self, settings: Settings | None = None, registry: PluginRegistry | None = None) -> None:
        self.settings = settings or Settings.from_env()
        self.registry = registry or PluginRegistry.from_entry_points(self.settings.disabled_plugins)
        # One memory zone at a time: a zone ending evicts every string added while it was open, including
        # those of a parse running in another thread (the server extracts in a thread pool). spaCy holds
        # the GIL for most of a parse anyway, so serialising costs little throughput.
        self._zone = threading.Lock()

    @functools.cached_property
    def extractor(self) -> EventExtractor:
        """The event extractor; spaCy is loaded on first use, not at start-up."""
        return EventExtractor(load(self.settings.spacy_model), sentencizer(), gazetteer(), core_patterns())

    def articles(self, page: Page) -> tuple[str, list[Article]]:
        """The plugin that recognised ``page`` and the articles it found there."""
        if not page.content.strip():
            raise UnreadablePage("the article is empty")
        if "\x00" in page.content:
            raise UnreadablePage("the article is binary, not text")
        try:
            page.content.encode("utf-8")
        except UnicodeEncodeError:
            raise UnreadablePage("the article holds invalid Unicode (a lone surrogate)") from None
        if len(page.content) > MAX_PAGE_CHARS:
            raise UnreadablePage(f"the page is longer than {MAX_PAGE_CHARS:,} characters")
        page = to_text_page(page)
        if len(page.content) > MAX_TEXT_CHARS:
            raise UnreadablePage(
                f"the article's text is {len(page.content):,} characters long; the limit is {MAX_TEXT_CHARS:,}"
            )
        name = self.registry.recognise(page=page) or GENERIC
        text = page.content.replace("\r\n", "\n")
        cleaned = self._call(name, "timeline_clean", text=text, page=page)
        text = cleaned if isinstance(cleaned, str) else text
        split = self._call(name, "timeline_split", text=text, page=page)
        if split is not None and not (isinstance(split, list) and all(isinstance(a, Article) for a in split)):
            self.registry.report(name, "timeline_split must return a list of Article")
            split = self._call(GENERIC, "timeline_split", text=text, page=page)
        arts: list[Article] = (
            list(split)
            if isinstance(split, list) and split
            else [Article(text=text, published=page.published, url=page.url, file=page.file)]
        )
        # The page's metadata is the fallback for what a plugin left out, never a replacement.
        arts = [
            msgspec.structs.replace(
                a,
                published=a.published or page.published,
                outlet=a.outlet or page.outlet or (name if name != GENERIC else None),
                url=a.url or page.url,
                file=a.file or page.file,
            )
            for a in arts
            if a.text.strip()
        ]
        return name, arts

    def _call(self, name: str, hook: str, **kwargs: object) -> object:
        result = self.registry.call_one(name, hook, **kwargs)
        if result is None and name != GENERIC:
            result = self.registry.call_one(GENERIC, hook, **kwargs)
        return result

    def patterns_for(self, plugin: str) -> list[Pattern]:
        """Trigger patterns a plugin adds for its own articles; malformed ones are reported and skipped."""
        raw = self.registry.call_one(plugin, "timeline_event_patterns") or []
        out = []
        for item in raw:
            try:
                out.append(Pattern.from_mapping(item, origin=plugin))
            except PatternError as exc:
                warnings.warn(str(exc), stacklevel=2)
        return out

    def process(self, pages: Sequence[Page]) -> list[list[Result]]:
        """Articles and events for each page, batching the parse across all of them."""
        per_page = [self.articles(p) for p in pages]
        flat = [(name, a) for name, arts in per_page for a in arts]
        extra = {name: self.patterns_for(name) for name in {n for n, _ in flat}}
        extractor = self.extractor
        # Memory zones free the strings and lexemes spaCy caches for each new word, so a long-running
        # server stays flat however many odd words it is sent. Docs must not outlive the zone: the
        # extractor returns plain msgspec Events (copied strings, no spaCy objects).
        with self._zone, extractor.nlp.memory_zone(), extractor.nlp_split.memory_zone():
            events = extractor.extract([a for _, a in flat], [extra[n] for n, _ in flat])
        out: list[list[Result]] = []
        k = 0
        for name, arts in per_page:
            out.append([Result(a, name, events[k + i]) for i, a in enumerate(arts)])
            k += len(arts)
        return out

    def process_one(self, page: Page) -> list[Result]:
        """Articles and events of one page."""
        return self.process([page])[0]
