"""Helpers the ingest tests share: synthetic pages, specs from a manifest, a clock-free store snapshot."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import sqlalchemy as sa

from timeline.ingest import PageSpec
from timeline.query import build_filter
from timeline.store import Store
from timeline.store.pages import pages
from timeline.store.schema import articles, events

ROOT = Path(__file__).resolve().parent.parent


def _synthetic():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("synthetic_pages", ROOT / "benchmarks" / "synthetic_pages.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


write_pages = _synthetic().write_pages


def snapshot(store: Store) -> dict[str, object]:
    """Everything an ingest decides (ids, encoded events, links), nothing that depends on the clock."""
    with store.engine.connect() as conn:
        return {
            "articles": sorted(conn.execute(sa.select(articles.c.id, articles.c.file, articles.c.text)).all()),
            "events": sorted(conn.execute(sa.select(events.c.id, events.c.key_id, events.c.extra)).all()),
            "entries": sorted(
                (e.id, e.type, e.date_start, e.agents, e.targets, e.mention_count, tuple(s.event_id for s in e.sources))
                for e in store.iter_entries(build_filter(status="all"))
            ),
            "pages": sorted(conn.execute(sa.select(pages.c.hash, pages.c.article_ids)).all()),
        }


def specs_of(manifest: Path) -> list[PageSpec]:
    out = []
    for line in manifest.read_text(encoding="utf-8").splitlines():
        e = json.loads(line)
        out.append(PageSpec(name=e["file"], path=str(manifest.parent / e["file"]), published=e["published"],
                            outlet=e["outlet"]))  # fmt: skip
    return out
