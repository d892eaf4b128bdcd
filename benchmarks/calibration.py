"""How often events of each confidence band are right, on labelled sentences.

An extracted event is right when a labelled event has its type, agents, targets and
(precision-cut) date. Run it on the held-out set written for calibration, which the
extractor was never tuned against, and on the development corpus for comparison:

    python benchmarks/calibration.py benchmarks/heldout.jsonl tests/cases/sentences.jsonl tests/cases/articles.jsonl
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

from timeline.models import Article
from timeline.pipeline import Pipeline

BANDS = [(0.0, 0.6), (0.6, 0.7), (0.7, 0.8), (0.8, 0.9), (0.9, 1.01)]
CUT = {"day": 10, "week": 7, "month": 7, "year": 4}


def evaluate(path: Path, pipeline: Pipeline) -> None:
    cases = [json.loads(line) for line in path.open(encoding="utf-8")]
    arts = [
        Article(text=c["text"], published=dt.date.fromisoformat(c["published"]), file=str(i))
        for i, c in enumerate(cases)
    ]
    results = pipeline.extractor.extract(arts)
    scored: list[tuple[float, bool]] = []
    missed = 0
    for case, events in zip(cases, results, strict=True):
        want = {(w["type"], frozenset(w["agents"]), frozenset(w["targets"]), w["date"]) for w in case["events"]}
        got = set()
        for e in events:
            if e.status not in {"occurred", "planned"}:
                continue
            date = e.date_start.isoformat()[: CUT[e.date_precision]] if e.date_start else None
            key = (e.type, frozenset(e.agents), frozenset(e.targets), date)
            got.add(key)
            scored.append((e.confidence, key in want))
            if key not in want:
                actors = f"{sorted(key[1])}>{sorted(key[2])}"
                print(f"  wrong  {e.confidence:.2f} {key[0]} {actors} {date} | {case['text'][:70]}")
        missed += len(want - got)
        for w in want - got:
            print(f"  missed {w[0]} {sorted(w[1])}>{sorted(w[2])} {w[3]} | {case['text'][:70]}")
    right = sum(ok for _, ok in scored)
    print(f"{path}: {len(cases)} cases, {len(scored)} events found, {right} right, {missed} missed")
    for lo, hi in BANDS:
        band = [ok for c, ok in scored if lo <= c < hi]
        if band:
            print(
                f"  confidence {lo:.1f}-{min(hi, 1.0):.1f}: {sum(band)}/{len(band)} right = {sum(band) / len(band):.2f}"
            )


if __name__ == "__main__":
    p = Pipeline()
    for arg in sys.argv[1:]:
        evaluate(Path(arg), p)
