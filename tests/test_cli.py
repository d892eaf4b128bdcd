"""The command line: extract, ingest, export, plugins, openapi, and one-line errors."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES, ROOT
from timeline.cli import main, openapi_document
from timeline.settings import Settings


def run(
    args: list[str], env: dict[str, str] | None = None, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "timeline.cli", *args], capture_output=True, text=True,
                          env=env, input=stdin, cwd=ROOT, timeout=300)  # fmt: skip


def test_extract_manifest_jsonl(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["extract", "--manifest", str(EXAMPLES / "manifest.jsonl")]) == 0
    events = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    by_file = {(e["article"], e["type"], tuple(e["agents"]), tuple(e["targets"])) for e in events}
    assert ("harbour-expulsions.txt", "expulsion", ("NOR",), ("RUS",)) in by_file
    assert ("phone-diplomacy.html", "phone_call", ("DEU", "FRA"), ()) in by_file
    assert ("weekly-digest.txt", "recall", ("SRB",), ("MNE",)) in by_file
    assert all(e["status"] in {"occurred", "planned"} for e in events)
    recall = next(e for e in events if e["type"] == "recall" and e["article"] == "weekly-digest.txt")
    assert recall["source"] == "Danube Press"


def test_extract_csv_from_stdin() -> None:
    text = "Peru recalled its ambassador from Mexico on Monday.\n"
    r = run(["extract", "-", "--published", "2022-12-21", "--format", "csv"], stdin=text)
    assert r.returncode == 0, r.stderr
    (row,) = list(csv.DictReader(io.StringIO(r.stdout)))
    assert (row["type"], row["agents"], row["targets"], row["date_start"]) == ("recall", "PER", "MEX", "2022-12-19")


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["extract", "nope.txt"], "nope.txt: no such file"),
        (["extract", "--published", "soon", "x"], "is not a date"),
        (["extract"], "no input"),
        (["export", "--start", "yesterday-ish"], "is not a date"),
        (["ingest", "--manifest", "missing.jsonl"], "no such manifest"),
    ],
)
def test_errors_are_one_line(tmp_path: Path, args: list[str], needle: str) -> None:
    env = {"PATH": "", "TIMELINE_DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}"}
    r = run(args, env=env)
    assert r.returncode == 2
    assert needle in r.stderr and len(r.stderr.strip().splitlines()) == 1


def test_ingest_then_export(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("TIMELINE_DATABASE_URL", f"sqlite:///{tmp_path / 'db.sqlite3'}")
    assert main(["ingest", "--quiet", "--manifest", str(EXAMPLES / "manifest.jsonl")]) == 0
    first = capsys.readouterr().err
    assert "ingested 5 new article(s)" in first
    assert main(["ingest", "--quiet", "--manifest", str(EXAMPLES / "manifest.jsonl")]) == 0
    assert "ingested 0 new article(s) with 0 event(s) from 0 page(s); 0 article(s) and 5 page(s) already stored" in (
        capsys.readouterr().err
    )
    out = tmp_path / "visits.csv"
    assert main(["export", "--type", "visit", "--format", "csv", "-o", str(out)]) == 0
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert rows and {r["type"] for r in rows} == {"visit"} and all(r["cameo"] == "042" for r in rows)
    assert main(["export", "--format", "jsonl", "--actor", "RUS", "--sort", "desc"]) == 0
    lines = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert lines and all("RUS" in e["agents"] + e["targets"] for e in lines)
    assert all("sources" in e for e in lines)  # timeline entries, not mentions
    assert main(["export", "--mentions", "--format", "jsonl", "--type", "recall"]) == 0
    mentions = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert mentions and all(m["type"] == "recall" and "evidence_start" in m for m in mentions)
    assert main(["export", "--format", "timelinejs"]) == 0
    assert json.loads(capsys.readouterr().out)["events"]


def test_ingest_skips_unreadable_and_keeps_the_rest(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                    capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    monkeypatch.setenv("TIMELINE_DATABASE_URL", f"sqlite:///{tmp_path / 'db.sqlite3'}")
    (tmp_path / "empty.txt").write_text("   \n")
    (tmp_path / "good.txt").write_text("Chile recalled its ambassador from Israel on Sunday.\n")
    # the unreadable page does not stop the run; the exit status says something was left out
    assert main(["ingest", "--quiet", "--published", "2014-08-01", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "empty.txt: skipped: the article is empty" in err and "ingested 1 new article(s) with 1 event(s)" in err


def test_plugins_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["plugins", "--json"]) == 0
    infos = {p["name"]: p for p in json.loads(capsys.readouterr().out)}
    assert infos["generic"]["status"] == "loaded"


def test_committed_openapi_matches_the_app() -> None:
    committed = (ROOT / "openapi" / "openapi.json").read_text(encoding="utf-8")
    assert committed == openapi_document(Settings.from_env({})), "run: timeline openapi"
    spec = json.loads(committed)
    assert {"/articles", "/events", "/events/{event_id}", "/export.csv", "/plugins"} <= set(spec["paths"])


def test_extract_tells_each_happening_once_per_page(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A page split into two articles that both report one recall prints it once (--per-article: twice)."""
    page = (
        "Connect with us\n\nEurope\n\nFirst story\n\nPublished\n\non\n\n"
        "Serbia recalled its ambassador from Montenegro on Monday.\n\nContinue Reading\n\n"
        "Europe\n\nSecond story\n\nPublished\n\non\n\n"
        "Belgrade recalled its ambassador from Podgorica on Monday, officials said.\n\nContinue Reading\n"
    )
    f = tmp_path / "md.txt"
    f.write_text(page, encoding="utf-8")
    args = ["extract", str(f), "--published", "2019-10-11", "--url", "https://moderndiplomacy.eu/x"]
    assert main(args) == 0
    once = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(e["type"], e["agents"], e["targets"], e["date_start"]) for e in once] == [
        ("recall", ["SRB"], ["MNE"], "2019-10-07")
    ]
    assert len(once[0]["mentions"]) == 2
    assert main([*args, "--per-article"]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 2
