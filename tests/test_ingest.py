"""Ingest at scale: unreadable pages reported, stored pages skipped before NLP, --jobs, crash and re-run."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from ingest_helpers import snapshot, specs_of, write_pages

import timeline.ingest as ingest_mod
from timeline.cli import main
from timeline.ingest import Ingest, PageSpec
from timeline.settings import Settings
from timeline.store import Store
from timeline.store.pages import page_articles
from timeline.store.schema import articles


def test_unreadable_pages_are_reported_and_the_rest_ingested(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                             capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    monkeypatch.setenv("TIMELINE_DATABASE_URL", f"sqlite:///{tmp_path / 'db.sqlite3'}")
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a-good.txt").write_text("Chile recalled its ambassador from Israel on Sunday.\n")
    (docs / "b-binary.txt").write_bytes(b"\x00\x01\x02 not text")
    (docs / "c-empty.txt").write_text("  \n")
    (docs / "d-good.txt").write_text("Kenya expelled two diplomats of Ghana on Monday.\n")
    code = main(
        ["ingest", "--quiet", "--jobs", "1", "--published", "2014-08-04", str(docs), str(tmp_path / "gone.txt")]
    )
    err = capsys.readouterr().err.splitlines()
    assert code == 1
    reported = [line for line in err if ": skipped: " in line]
    assert sorted(line.split(":")[1].strip() for line in reported) == ["b-binary.txt", "c-empty.txt", "gone.txt"]
    assert "ingested 2 new article(s)" in err[-1] and "3 unreadable" in err[-1]


def test_rerun_skips_stored_pages_before_any_nlp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    manifest = write_pages(tmp_path / "pages", 12)
    quiet = tmp_path / "pages" / "quiet.txt"
    quiet.write_text("Markets were calm and nothing diplomatic happened at all.\n")
    monkeypatch.setenv("TIMELINE_DATABASE_URL", f"sqlite:///{tmp_path / 'db.sqlite3'}")
    assert main(["ingest", "--quiet", "--jobs", "1", "--manifest", str(manifest), str(quiet)]) == 0
    capsys.readouterr()
    store = Store(f"sqlite:///{tmp_path / 'db.sqlite3'}")
    before = snapshot(store)
    assert len(before["pages"]) == 13  # type: ignore[arg-type]
    # the page with no events is recorded too, with its one article
    key = ingest_mod.page_hash(PageSpec(name="quiet.txt", path=str(quiet)), quiet.read_bytes())
    ids = page_articles(store.engine, key)
    assert ids is not None and len(ids) == 1
    stored = store.get_article(ids[0])
    assert stored is not None and stored.file == "quiet.txt" and stored.events == ()

    def no_nlp(*_a: object, **_k: object) -> None:
        raise AssertionError("a stored page reached extraction")

    monkeypatch.setattr(ingest_mod, "extract_spec", no_nlp)
    assert main(["ingest", "--quiet", "--jobs", "1", "--manifest", str(manifest), str(quiet)]) == 0
    assert "from 0 page(s); 0 article(s) and 13 page(s) already stored" in capsys.readouterr().err
    assert snapshot(store) == before


def test_jobs_give_exactly_the_single_process_result(tmp_path: Path, store: Store, settings: Settings) -> None:
    manifest = write_pages(tmp_path / "pages", 24, seed=11)
    specs = specs_of(manifest)
    one = Store(f"sqlite:///{tmp_path / 'one.sqlite3'}")
    one.create_schema()
    Ingest(one, settings).run(specs, jobs=1)
    run = Ingest(store, settings)
    run.run(specs, jobs=2)
    assert run.report.pages == 24 and not run.report.failed
    assert snapshot(store) == snapshot(one)
    assert len(snapshot(one)["events"]) > 24  # type: ignore[arg-type]


def _one_shot(tmp_path: Path, settings: Settings, manifest: Path) -> Store:
    """The pages ingested once, in one process, into a store of their own: what a concurrent or
    interrupted ingest must end up equal to."""
    one = Store(f"sqlite:///{tmp_path / 'one.sqlite3'}")
    one.create_schema()
    Ingest(one, settings).run(specs_of(manifest), jobs=1)
    return one


def _ingest_command(db: Path, manifest: Path) -> tuple[dict[str, str], list[str]]:
    """The environment and command line of a ``timeline ingest`` process into the SQLite file ``db``."""
    env = {**os.environ, "TIMELINE_DATABASE_URL": f"sqlite:///{db}"}
    return env, [sys.executable, "-m", "timeline.cli", "ingest", "--quiet", "--jobs", "1", "--manifest", str(manifest)]


def test_kill_9_mid_ingest_then_rerun_equals_one_shot(tmp_path: Path, settings: Settings) -> None:
    manifest = write_pages(tmp_path / "pages", 60, seed=5)
    one = _one_shot(tmp_path, settings, manifest)
    db = tmp_path / "crash.sqlite3"
    env, cmd = _ingest_command(db, manifest)
    proc = subprocess.Popen(cmd, env=env, stderr=subprocess.DEVNULL)
    crashed = Store(f"sqlite:///{db}")
    deadline = time.monotonic() + 60
    done = 0
    while time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
        try:
            with crashed.engine.connect() as conn:
                done = conn.execute(sa.select(sa.func.count()).select_from(articles)).scalar() or 0
        except sa.exc.OperationalError:
            continue  # the schema is not there yet
        if done >= 5:
            break
    assert proc.poll() is None, "the ingest finished before it could be killed"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert 5 <= done < 60
    assert subprocess.run(cmd, env=env, stderr=subprocess.PIPE, text=True).returncode == 0
    assert snapshot(crashed) == snapshot(one)


def test_two_ingests_of_the_same_files_at_once_on_one_sqlite_file(tmp_path: Path, settings: Settings) -> None:
    """Both finish cleanly (no IntegrityError traceback) and the store equals a one-shot ingest."""
    manifest = write_pages(tmp_path / "pages", 40, seed=8)
    one = _one_shot(tmp_path, settings, manifest)
    db = tmp_path / "shared.sqlite3"
    env, cmd = _ingest_command(db, manifest)
    procs = [subprocess.Popen(cmd, env=env, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outcomes = [(p.wait(timeout=300), p.stderr.read() if p.stderr else "") for p in procs]
    assert [code for code, _ in outcomes] == [0, 0], outcomes
    assert not any("Traceback" in err for _, err in outcomes)
    assert snapshot(Store(f"sqlite:///{db}")) == snapshot(one)
