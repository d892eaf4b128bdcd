"""The real-world set: labels of real news articles, scored with ../shared/eval/score.py.

The articles themselves are third-party texts and are never committed: only their labels
(``articles.jsonl``: file, split, URL, outlet, country, publication date, sha256, first words;
``gold.<split>.jsonl``: the events in score.py's gold format). The texts live in a local folder,
``$TIMELINE_REALWORLD_DIR`` (default ``~/.cache/timeline/realworld``).

    python benchmarks/realworld/run.py texts --from DIR   # copy texts in, keeping those whose sha256 matches
    python benchmarks/realworld/run.py texts --fetch      # download each URL (needs the network; pages change,
                                                          # so only unchanged ones pass the checksum)
    python benchmarks/realworld/run.py score [--split test|dev|all] [--calibration] [--save-first-run]

``score`` skips with exit 0 and a reason when the texts are absent. The test half was labelled
before anything ran on it; ``first_run.json`` keeps its first figures, printed beside today's.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
SCORE = ROOT.parent / "shared" / "eval" / "score.py"
FIRST_RUN = HERE / "first_run.json"


def text_dir() -> Path:
    return Path(os.environ.get("TIMELINE_REALWORLD_DIR", Path.home() / ".cache" / "timeline" / "realworld"))


def articles(split: str = "all") -> list[dict[str, object]]:
    rows = [json.loads(line) for line in (HERE / "articles.jsonl").open(encoding="utf-8") if line.strip()]
    return [a for a in rows if split == "all" or a["split"] == split]


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def present(rows: Iterable[dict[str, object]]) -> tuple[list[dict[str, object]], list[str]]:
    """The articles whose text is in the local folder with the labelled checksum, and what is missing."""
    ok, missing = [], []
    for a in rows:
        path = text_dir() / str(a["file"])
        if path.is_file() and _sha(path) == a["sha256"]:
            ok.append(a)
        else:
            missing.append(str(a["file"]))
    return ok, missing


def cmd_texts(args: argparse.Namespace) -> int:
    target = text_dir()
    target.mkdir(parents=True, exist_ok=True)
    got = bad = 0
    for a in articles():
        dest = target / str(a["file"])
        if dest.is_file() and _sha(dest) == a["sha256"]:
            got += 1
            continue
        if args.source:
            src = Path(args.source) / str(a["file"])
            if src.is_file() and _sha(src) == a["sha256"]:
                shutil.copyfile(src, dest)
                got += 1
                continue
        elif args.fetch:
            text = _fetch(str(a["url"]))
            if text is not None and hashlib.sha256(text.encode()).hexdigest() == a["sha256"]:
                dest.write_text(text, encoding="utf-8")
                got += 1
                continue
        bad += 1
    print(f"{got} of {got + bad} texts in {target}; {bad} missing or changed since labelling")
    return 0 if got else 1


def _fetch(url: str) -> str | None:
    """The page's main text as trafilatura extracts it (pages change, so the checksum decides)."""
    try:
        import trafilatura

        html = trafilatura.fetch_url(url)
        return trafilatura.extract(html) if html else None
    except Exception:
        return None


def predict(rows: list[dict[str, object]], workdir: Path) -> tuple[Path, Path]:
    """Run the project's extractor over the articles; returns (judged articles, predictions) paths.

    The extractor reads the texts by full path; the scorer compares articles by base name, so it gets
    its own list of base names (with full paths it judged only articles that have gold events, and a
    false event on a trap article with none went uncounted).
    """
    texts, judged = workdir / "texts.jsonl", workdir / "judged.jsonl"
    with texts.open("w", encoding="utf-8") as out, judged.open("w", encoding="utf-8") as names:
        for a in rows:
            out.write(json.dumps({"file": str(text_dir() / str(a["file"])), "published": a["published"]}) + "\n")
            names.write(json.dumps({"file": str(a["file"])}) + "\n")
    pred = workdir / "pred.jsonl"
    with pred.open("w", encoding="utf-8") as out:
        subprocess.run(
            [sys.executable, "-m", "timeline.cli", "extract", "--manifest", str(texts), "--format", "jsonl"],
            stdout=out,
            check=True,
            cwd=ROOT,
        )
    return judged, pred


def score(gold: Path, pred: Path, judged: Path) -> dict[str, object]:
    out = subprocess.run(
        [sys.executable, str(SCORE), "--gold", str(gold), "--pred", str(pred), "--manifest", str(judged),
         "--json", "--quiet"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return json.loads(out.stdout.strip().splitlines()[-1])


def _gold(split: str, workdir: Path, files: set[str]) -> Path:
    """The split's gold events of the articles present: an article whose text is missing is not judged."""
    path = workdir / f"gold.{split}.jsonl"
    with path.open("w", encoding="utf-8") as out:
        for s in ("test", "dev") if split == "all" else (split,):
            for line in (HERE / f"gold.{s}.jsonl").open(encoding="utf-8"):
                if line.strip() and json.loads(line)["file"] in files:
                    out.write(line)
    return path


def _line(name: str, s: dict[str, object]) -> str:
    keys = ("precision", "recall", "f1", "date_acc", "dated_recall", "tp", "fp", "fn")
    return f"{name:10}" + "  ".join(f"{k}={s.get(k)}" for k in keys)


def cmd_score(args: argparse.Namespace) -> int:
    if not SCORE.is_file():
        print(f"skipped: {SCORE} is not there (it comes with ../shared)")
        return 0
    rows, missing = present(articles(args.split))
    if not rows:
        print(
            f"skipped: no real-world texts in {text_dir()} (run: python benchmarks/realworld/run.py texts --from DIR)"
        )
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        judged, pred = predict(rows, work)
        gold = _gold(args.split, work, {str(a["file"]) for a in rows})
        result = score(gold, pred, judged)
        if args.calibration:
            _calibration(pred, gold)
    print(f"real-world set, split={args.split}: {len(rows)} articles judged ({len(missing)} texts missing, not judged)")
    if args.split == "test" and FIRST_RUN.is_file():
        print(_line("first run", json.loads(FIRST_RUN.read_text())["test"]))
    print(_line("now", result))
    if args.save_first_run:
        if FIRST_RUN.is_file():
            print("first_run.json exists; the first run is recorded once")
            return 1
        FIRST_RUN.write_text(json.dumps({args.split: result}, indent=2) + "\n")
    return 0


def _calibration(pred: Path, gold: Path) -> None:
    """How often events in each confidence band match a gold event (type, article and actors as score.py)."""
    sys.path.insert(0, str(SCORE.parent))
    import score as scorer  # type: ignore[import-not-found]

    golds = scorer.load_gold(str(gold))
    raw = [json.loads(line) for line in pred.open(encoding="utf-8") if line.strip()]
    bands: dict[str, list[int]] = {}
    for p, row in zip(scorer.load_pred(str(pred)), raw, strict=True):
        right = any(
            Path(g["file"]).name == p["article"] and g["type"] == p["type"] and scorer.actors_match(g, p) for g in golds
        )
        c = float(row.get("confidence", 0))
        band = f"{min(int(c * 10), 9) / 10:.1f}-{min(int(c * 10), 9) / 10 + 0.1:.1f}"
        bands.setdefault(band, [0, 0])
        bands[band][0] += right
        bands[band][1] += 1
    for band in sorted(bands):
        right, n = bands[band]
        print(f"confidence {band}: {right}/{n} right ({right / n:.2f})")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="command", required=True)
    p = sub.add_parser("texts", help="put the texts into the local folder")
    p.add_argument("--from", dest="source", help="a folder holding the texts")
    p.add_argument("--fetch", action="store_true", help="download the URLs")
    p.set_defaults(func=cmd_texts)
    p = sub.add_parser("score", help="extract and score")
    p.add_argument("--split", choices=["test", "dev", "all"], default="test")
    p.add_argument("--calibration", action="store_true", help="also print confidence bands")
    p.add_argument("--save-first-run", action="store_true", help=argparse.SUPPRESS)
    p.set_defaults(func=cmd_score)
    args = ap.parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
