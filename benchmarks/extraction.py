"""Extraction speed against plain spaCy, in one run on this machine.

For each corpus it reports tokens per second of:
  - spaCy alone: ``nlp.pipe`` over every article with the same model, all components;
  - spaCy alone without NER (what a careful user of spaCy would run);
  - timeline: plugins, cleaning, cheap sentence filter, parse of candidate sentences, events.
Tokens are counted once with the model's tokenizer, so the three rates share a denominator.
Ratios, not absolute times, are what to compare across machines.

    python benchmarks/extraction.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable
from pathlib import Path

import spacy

from timeline.cli import read_manifest, read_page
from timeline.models import Page
from timeline.pipeline import Pipeline
from timeline.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT.parent / "shared" / "seeds" / "manifest.jsonl"


def own_corpus() -> list[Page]:
    """Everything this project wrote: example articles, outlet test pages, the sentence corpus as articles."""
    pages = read_manifest(str(ROOT / "examples" / "articles" / "manifest.jsonl"))
    pages += [read_page(str(p)) for p in sorted((ROOT / "tests" / "pages").glob("*.txt"))]
    cases = [json.loads(line) for line in (ROOT / "tests" / "cases" / "sentences.jsonl").open(encoding="utf-8")]
    pages += [Page(content=c["text"], file=f"case{i}") for i, c in enumerate(cases)]
    return pages


def best_of(repeat: int, fn: Callable[[], object]) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    settings = Settings.from_env()
    pipeline = Pipeline(settings)
    full = spacy.load(settings.spacy_model)
    no_ner = spacy.load(settings.spacy_model, exclude=["ner"])
    pipeline.process([Page(content="Warm-up: Russia vetoed the text on Monday.")])  # load models first
    corpora = {"own samples": own_corpus()}
    if SEEDS.is_file():
        corpora["seeds"] = read_manifest(str(SEEDS))
    print(
        f"{'corpus':12} {'docs':>5} {'tokens':>7} {'spaCy tok/s':>12} {'no-NER tok/s':>13} "
        f"{'timeline tok/s':>15} {'vs spaCy':>9} {'vs no-NER':>10}"
    )
    for name, pages in corpora.items():
        texts = [p.content for p in pages]
        tokens = sum(len(full.tokenizer(t)) for t in texts)
        t_full = best_of(args.repeat, lambda texts=texts: list(full.pipe(texts)))
        t_noner = best_of(args.repeat, lambda texts=texts: list(no_ner.pipe(texts)))
        t_ours = best_of(args.repeat, lambda pages=pages: pipeline.process(pages))
        print(
            f"{name:12} {len(texts):5} {tokens:7} {tokens / t_full:12.0f} {tokens / t_noner:13.0f} "
            f"{tokens / t_ours:15.0f} {t_full / t_ours:8.2f}x {t_noner / t_ours:9.2f}x"
        )


if __name__ == "__main__":
    main()
