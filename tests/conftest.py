"""Shared fixtures: one pipeline per session, a store per test on each backend."""

from __future__ import annotations

import datetime as dt
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from timeline.models import Article, Event
from timeline.pipeline import Pipeline
from timeline.plugins import PluginRegistry
from timeline.settings import Settings
from timeline.store import Store, normalise_url

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
EXAMPLES = ROOT / "examples" / "articles"
POSTGRES_ENV = "TIMELINE_TEST_POSTGRES_URL"
TEST_TOKEN = "test-write-token"
TEST_READ_TOKEN = "test-read-token"


def api_settings(**overrides: object) -> Settings:
    """Settings for a test app: a write and a read-only token, no token file, no rate limit."""
    base: dict[str, object] = {
        "token_file": "",
        "api_tokens": (TEST_TOKEN,),
        "read_tokens": (TEST_READ_TOKEN,),
        "write_rate_limit": None,
    }
    return Settings(**{**base, **overrides})  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def settings() -> Settings:
    return Settings.from_env({})


@pytest.fixture(scope="session")
def pipeline(settings: Settings) -> Pipeline:
    return Pipeline(settings, PluginRegistry.from_entry_points())


@pytest.fixture(scope="session")
def extract(pipeline: Pipeline):  # type: ignore[no-untyped-def]
    """Events of one text: ``extract("Russia vetoed ...", "2020-01-02")``."""

    def run(text: str, published: str | None = "2021-03-22") -> list[Event]:
        pub = dt.date.fromisoformat(published) if published else None
        return pipeline.extractor.extract([Article(text=text, published=pub, file="t.txt")])[0]

    return run


def _postgres_url() -> str | None:
    return os.environ.get(POSTGRES_ENV) or None


@pytest.fixture(params=["sqlite", "postgres"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """An empty store on SQLite, and on PostgreSQL when TIMELINE_TEST_POSTGRES_URL is set."""
    if request.param == "sqlite":
        s = Store(f"sqlite:///{tmp_path / 'test.sqlite3'}")
        s.create_schema()
        yield s
        s.engine.dispose()
        return
    url = _postgres_url()
    if url is None:
        pytest.skip(f"PostgreSQL tests need {POSTGRES_ENV} (set by .ci/run)")
    schema = f"t_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(normalise_url(url))
    with admin.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    engine = sa.create_engine(normalise_url(url), connect_args={"options": f"-csearch_path={schema}"})
    s = Store(url, engine=engine)
    s.create_schema()
    try:
        yield s
    finally:
        engine.dispose()
        with admin.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
