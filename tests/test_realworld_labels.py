"""The real-world set's labels (benchmarks/realworld): well formed, and as broad as issue 8 asks.

The texts are third-party and never committed; these checks need only the labels.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

from timeline.models import EVENT_TYPES

HERE = Path(__file__).resolve().parent.parent / "benchmarks" / "realworld"
ARTICLES = [json.loads(line) for line in (HERE / "articles.jsonl").open(encoding="utf-8") if line.strip()]
GOLD = {
    split: [json.loads(line) for line in (HERE / f"gold.{split}.jsonl").open(encoding="utf-8") if line.strip()]
    for split in ("test", "dev")
}
DATE = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")
CODE = re.compile(r"[A-Z]{2,8}")  # states (3), bodies (UN, NATO, ECOWAS, CARICOM)


def test_every_article_is_labelled_with_its_provenance() -> None:
    for a in ARTICLES:
        assert a["split"] in {"test", "dev"} and a["url"].startswith(("http://", "https://"))
        assert re.fullmatch(r"[0-9a-f]{64}", a["sha256"]) and DATE.fullmatch(a["published"])
        assert a["outlet"] and re.fullmatch(r"[A-Z]{3}", a["country"]) and a["first_words"]
    assert len({a["file"] for a in ARTICLES}) == len(ARTICLES)
    assert len({a["url"] for a in ARTICLES}) == len(ARTICLES), "an article in both halves would leak"


def test_gold_events_are_in_score_format_and_name_known_articles() -> None:
    files = {a["file"]: a["split"] for a in ARTICLES}
    for split, events in GOLD.items():
        for g in events:
            assert files[g["file"]] == split
            assert (
                g["type"] in EVENT_TYPES and g["agents"] and all(CODE.fullmatch(c) for c in g["agents"] + g["targets"])
            )
            assert g["date"] is None or DATE.fullmatch(g["date"])
            assert len(g["evidence"].split()) <= 8, "labels quote a locator, never a sentence"


def test_the_set_is_as_broad_as_issue_8_asks() -> None:
    events = [g for split in GOLD.values() for g in split if not g.get("optional")]
    by_type = Counter(g["type"] for g in events)
    assert len(ARTICLES) >= 80 and len(events) >= 150 and min(by_type[t] for t in EVENT_TYPES) >= 20
    assert len({a["outlet"] for a in ARTICLES}) >= 25 and len({a["country"] for a in ARTICLES}) >= 15
    years = {int(a["published"][:4]) for a in ARTICLES}
    assert min(years) >= 2000 and max(years) <= 2025 and len(years) >= 10
    assert sum(bool(a["trap"]) for a in ARTICLES) >= 10
    assert {a["split"] for a in ARTICLES} == {"test", "dev"}
