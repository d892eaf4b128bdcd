"""The seed development set, scored with the shared score.py (skipped when ../shared is absent)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.conftest import SHARED
from timeline.cli import read_manifest
from timeline.pipeline import Pipeline

MANIFEST = SHARED / "seeds" / "manifest.jsonl"
GOLD = SHARED / "eval" / "seeds.gold.jsonl"
SCORE = SHARED / "eval" / "score.py"

pytestmark = pytest.mark.skipif(
    not (MANIFEST.is_file() and GOLD.is_file() and SCORE.is_file()),
    reason="the seed set lives in ../shared, which is not beside this checkout",
)


def test_seed_score(pipeline: Pipeline, tmp_path) -> None:  # type: ignore[no-untyped-def]
    pages = read_manifest(str(MANIFEST))
    pred = tmp_path / "pred.jsonl"
    with pred.open("w", encoding="utf-8") as fh:
        for results in pipeline.process(pages):
            for r in results:
                for e in r.events:
                    if e.status in {"occurred", "planned"}:
                        fh.write(json.dumps({"article": e.article, "type": e.type, "agents": e.agents,
                                             "targets": e.targets, "date_start": str(e.date_start),
                                             "date_precision": e.date_precision}) + "\n")  # fmt: skip
    out = subprocess.run([sys.executable, str(SCORE), "--gold", str(GOLD), "--pred", str(pred), "--manifest",
                          str(MANIFEST), "--json", "--quiet"], capture_output=True, text=True, check=True)  # fmt: skip
    summary = json.loads(out.stdout.strip().splitlines()[-1])
    assert summary["f1"] >= 0.95, out.stdout
    assert summary["date_acc"] >= 0.95, out.stdout


def test_seed_pages_go_to_their_outlet_plugins(pipeline: Pipeline) -> None:
    expected = {"000": "chinadigitaltimes", "001": "globalresearch", "002": "generic", "003": "russiainsider",
                "004": "moderndiplomacy"}  # fmt: skip
    pages = read_manifest(str(MANIFEST))
    split = {p.file[:3]: pipeline.articles(p) for p in pages if p.file}
    assert {k: v[0] for k, v in split.items()} == expected
    md_titles = [a.title for a in split["004"][1]]
    assert len(md_titles) == 4 and all(md_titles)
    for _, articles in split.values():
        for a in articles:
            for furniture in ("Continue Reading", "Support Russia Insider", "Disclaimer", "CDT is a non-profit"):
                assert furniture not in a.text


def test_seed_events_in_quoted_passages_carry_the_quoted_outlet(pipeline: Pipeline) -> None:
    pages = [p for p in read_manifest(str(MANIFEST)) if p.file and p.file.startswith("000")]
    (results,) = pipeline.process(pages)
    sources = {e.type: e.source for r in results for e in r.events}
    assert sources["veto"] == "AFP"
    assert sources["visit"] == "Xinhua"
    assert sources["expulsion"] is None  # the blog's own voice


def test_seed_event_also_reported_by_our_own_article_shows_once(pipeline: Pipeline, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A veto the seeds report, reported again in our own words by another outlet: one entry, two sources."""
    import datetime as dt

    from timeline.models import Page
    from timeline.query import build_filter
    from timeline.records import record_for
    from timeline.store import Store

    store = Store(f"sqlite:///{tmp_path / 'db.sqlite3'}")
    store.create_schema()
    ours = Page(
        content="Council deadlock\n\nRussia and China vetoed a Security Council draft on February 28 that would "
        "have sanctioned Syrian officials over chemical attacks.",
        published=dt.date(2017, 3, 2),
        outlet="Harbour Wire",
        url="https://harbourwire.example/2017/03/veto",
    )
    for results in pipeline.process([*read_manifest(str(MANIFEST)), ours]):
        for r in results:
            store.add(record_for(r))
    vetoes = [e for e in store.iter_entries(build_filter(types="veto")) if e.date_start == dt.date(2017, 2, 28)]
    assert len(vetoes) == 1
    (veto,) = vetoes
    assert {s.outlet for s in veto.sources} == {"Russia Insider", "Harbour Wire"}
    assert any(s.url == "https://harbourwire.example/2017/03/veto" for s in veto.sources)
