"""``ingest --dask``: a LocalCluster of two worker processes gives the single-process store exactly."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import msgspec
import pytest
from ingest_helpers import snapshot, specs_of, write_pages

from timeline.ingest import Ingest, PageSpec
from timeline.settings import Settings
from timeline.store import Store

distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def cluster_address() -> Iterator[str]:
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None)
    try:
        yield cluster.scheduler_address
    finally:
        cluster.close()


def test_dask_ingest_equals_single_process(tmp_path: Path, settings: Settings, cluster_address: str) -> None:
    manifest = write_pages(tmp_path / "pages", 30, seed=3)
    specs = [*specs_of(manifest), PageSpec(name="missing.txt", path=str(tmp_path / "missing.txt"))]
    one = Store(f"sqlite:///{tmp_path / 'one.sqlite3'}")
    one.create_schema()
    Ingest(one, settings).run(specs, jobs=1)

    store = Store(f"sqlite:///{tmp_path / 'dask.sqlite3'}")
    store.create_schema()
    run = Ingest(store, settings, report_line=lambda line: None)
    run.run_dask(specs, cluster_address, batch=8)
    assert run.report.pages == 30 and run.report.failed == [("missing.txt", "no such file")]
    assert snapshot(store) == snapshot(one)

    again = Ingest(store, settings, report_line=lambda line: None)
    again.run_dask(specs, cluster_address, batch=8)
    assert (again.report.pages, again.report.skipped_pages, again.report.added) == (0, 30, 0)
    assert snapshot(store) == snapshot(one)


def test_pages_failing_on_workers_are_retried_then_reported(tmp_path: Path, cluster_address: str) -> None:
    manifest = write_pages(tmp_path / "pages", 2, seed=4)
    broken = msgspec.structs.replace(Settings.from_env({}), spacy_model="no_such_model_installed")
    store = Store(f"sqlite:///{tmp_path / 'db.sqlite3'}")
    store.create_schema()
    lines: list[str] = []
    run = Ingest(store, broken, report_line=lines.append)
    run.run_dask(specs_of(manifest), cluster_address, retries=1)
    assert [name for name, _ in run.report.failed] == [s.name for s in specs_of(manifest)]
    assert all("failed after 1 retries: ModelNotInstalled" in reason for _, reason in run.report.failed)
    assert len(lines) == 2 and store.counts()["articles"] == 0
