"""Probes: /healthz answers without a database, /readyz only when the schema is at the newest migration."""

from __future__ import annotations

from pathlib import Path

import pytest
from litestar.testing import TestClient

from timeline.cli import main
from timeline.pipeline import Pipeline
from timeline.settings import Settings
from timeline.store import Store, migrations
from timeline.web.app import create_app


def test_ready_only_at_the_newest_migration(tmp_path: Path, settings: Settings, pipeline: Pipeline) -> None:
    store = Store(f"sqlite:///{tmp_path / 'db.sqlite3'}")
    migrations.upgrade(store.engine, migrations.BASELINE)
    with TestClient(create_app(settings, store=store, pipeline=pipeline)) as client:
        assert client.get("/healthz").json() == {"status": "ok"}
        behind = client.get("/readyz")
        assert behind.status_code == 503
        assert behind.json()["status_code"] == 503 and "timeline db upgrade" in behind.json()["detail"]
        migrations.upgrade(store.engine)
        ready = client.get("/readyz")
        assert ready.status_code == 200 and ready.json() == {"status": "ready", "revision": migrations.head()}


def test_unreachable_database_is_not_ready_but_alive(settings: Settings, pipeline: Pipeline) -> None:
    store = Store("postgresql://nobody@127.0.0.1:1/none")
    app = create_app(settings, store=store, pipeline=pipeline)
    app.on_startup.clear()  # startup would try to create the schema on the missing server
    with TestClient(app) as client:
        assert client.get("/healthz").status_code == 200
        r = client.get("/readyz")
        assert r.status_code == 503 and r.json()["detail"].startswith("database unreachable")


def test_several_workers_need_postgresql(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                        capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    monkeypatch.setenv("TIMELINE_DATABASE_URL", f"sqlite:///{tmp_path / 'db.sqlite3'}")
    assert main(["serve", "--workers", "2"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "--workers 2 needs PostgreSQL" in err[0]
    assert not (tmp_path / "db.sqlite3").exists()  # refused before touching anything
