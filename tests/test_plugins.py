"""Plugin discovery and isolation: a broken plugin is reported and the others carry on."""

from __future__ import annotations

import datetime as dt
import types
import warnings

import pytest
import timeline_plugins.generic as generic

from timeline.hookspecs import hookimpl
from timeline.models import Article, Page
from timeline.pipeline import Pipeline
from timeline.plugins import PluginRegistry, PluginWarning
from timeline.settings import Settings


def outlet_plugin(name: str, domain: str) -> types.SimpleNamespace:
    @hookimpl
    def timeline_recognise(page: Page) -> float | None:
        return 0.9 if page.url and domain in page.url else None

    @hookimpl
    def timeline_split(text: str, page: Page) -> list[Article]:
        first, _, second = text.partition("\n----\n")
        return [Article(text=first, title=f"{name} one", published=dt.date(2020, 1, 1)),
                Article(text=second, title=f"{name} two")]  # fmt: skip

    @hookimpl
    def timeline_event_patterns() -> list[dict[str, object]]:
        return [{"type": "visit", "lemma": "descend", "pos": "VERB", "place_preps": ["on"], "confidence": 0.6}]

    return types.SimpleNamespace(timeline_recognise=timeline_recognise, timeline_split=timeline_split,
                                 timeline_event_patterns=timeline_event_patterns)  # fmt: skip


def test_entry_points_register_generic() -> None:
    reg = PluginRegistry.from_entry_points()
    assert "generic" in reg.names()


def test_disabled_plugins_are_listed_not_loaded() -> None:
    reg = PluginRegistry.from_entry_points(disabled={"generic"})
    assert [(i.name, i.status) for i in reg.infos() if i.name == "generic"] == [("generic", "disabled")]


def test_best_match_wins_and_splits(pipeline: Pipeline) -> None:
    reg = PluginRegistry()
    reg.register(generic, "generic")
    reg.register(outlet_plugin("wire", "wire.example"), "wire")
    p = Pipeline(pipeline.settings, reg)
    p.__dict__["extractor"] = pipeline.extractor  # share the loaded model
    page = Page(content="Putin descended on Ankara on Monday.\n----\nErdogan visited Baku on Monday.",
                url="https://wire.example/x", published=dt.date(2021, 6, 9))  # fmt: skip
    (one, two) = p.process_one(page)
    assert (one.plugin, one.article.published, two.article.published) == ("wire", dt.date(2020, 1, 1), page.published)
    assert one.article.outlet == "wire"
    # the plugin's own trigger pattern applies to its articles
    assert [(e.type, e.agents, e.targets, str(e.date_start)) for e in one.events] == [
        ("visit", ("RUS",), ("TUR",), "2019-12-30")
    ]
    assert [(e.agents, e.targets) for e in two.events] == [(("TUR",), ("AZE",))]
    other = Page(content="Erdogan visited Baku on Monday.", url="https://else.example/y", published=page.published)
    assert p.articles(other)[0] == "generic"


def test_failing_plugin_is_reported_and_others_carry_on(pipeline: Pipeline) -> None:
    class Broken:
        @hookimpl
        def timeline_recognise(self, page: Page) -> float:
            raise RuntimeError("boom")

    reg = PluginRegistry()
    reg.register(generic, "generic")
    reg.register(Broken(), "broken")
    p = Pipeline(pipeline.settings, reg)
    p.__dict__["extractor"] = pipeline.extractor
    with pytest.warns(PluginWarning, match="broken"):
        results = p.process_one(Page(content="Erdogan visited Baku on Monday.", published=dt.date(2021, 6, 9)))
    assert results[0].plugin == "generic" and len(results[0].events) == 1
    info = {i.name: i for i in reg.infos()}["broken"]
    assert info.status == "failed" and "boom" in (info.error or "")


def test_plugin_that_fails_to_import_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    from importlib.metadata import EntryPoint

    import timeline.plugins as plugins_mod

    eps = [EntryPoint(name="ghost", value="no_such_module_xyz", group="timeline.plugins"),
           EntryPoint(name="generic", value="timeline_plugins.generic", group="timeline.plugins")]  # fmt: skip
    monkeypatch.setattr(plugins_mod, "entry_points", lambda group: eps)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        reg = PluginRegistry.from_entry_points()
    assert any("ghost" in str(w.message) for w in caught)
    assert {i.name: i.status for i in reg.infos()} == {"generic": "loaded", "ghost": "failed"}


def test_settings_from_env() -> None:
    s = Settings.from_env({"TIMELINE_DISABLED_PLUGINS": "a, b", "TIMELINE_DATABASE_URL": "postgresql://x/y"})
    assert s.disabled_plugins == frozenset({"a", "b"}) and s.database_url == "postgresql://x/y"
    with pytest.raises(ValueError, match="TIMELINE_"):
        Settings.from_env({"TIMELINE_PORT": "eighty"})


def test_example_third_party_plugin_is_installed_and_used(capsys: pytest.CaptureFixture[str]) -> None:
    """`make setup` installs examples/timeline-harbourwire like any third-party package."""
    import json
    from pathlib import Path

    from timeline.cli import main

    assert main(["plugins", "--json"]) == 0
    infos = {p["name"]: p for p in json.loads(capsys.readouterr().out)}
    assert infos["harbourwire"]["status"] == "loaded", "pip install -e examples/timeline-harbourwire"
    sample = Path(__file__).parent.parent / "examples" / "timeline-harbourwire" / "sample.txt"
    assert main(["extract", str(sample), "--published", "2024-03-05"]) == 0
    events = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    got = {(e["type"], tuple(e["agents"]), tuple(e["targets"]), e["date_start"], e["outlet"]) for e in events}
    assert got == {
        ("visit", ("AUS",), ("NZL",), "2024-03-01", "Harbour Wire"),
        ("visit", ("KEN",), ("ETH",), "2024-03-03", "Harbour Wire"),
    }
