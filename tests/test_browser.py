"""The timeline page and the TimelineJS export, driven in headless Chromium (Debian's, via Playwright).

Skipped with a reason where Chromium or Playwright is absent; `.ci/run` installs both.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES, api_settings
from timeline.cli import read_manifest
from timeline.pipeline import Pipeline
from timeline.records import record_for
from timeline.store import Store
from timeline.web.app import create_app

CHROMIUM = os.environ.get("TIMELINE_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
playwright = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed (pip install playwright)")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="no Chromium here (apt-get install chromium)")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]  # fmt: skip
SCREENSHOTS = Path(os.environ.get("TIMELINE_SCREENSHOTS", "/tmp/timeline-screenshots"))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(pipeline: Pipeline, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    import uvicorn

    store = Store(f"sqlite:///{tmp_path_factory.mktemp('browser') / 'db.sqlite3'}")
    store.create_schema()
    for results in pipeline.process(read_manifest(str(EXAMPLES / "manifest.jsonl"))):
        for r in results:
            store.add(record_for(r))
    port = _free_port()
    config = uvicorn.Config(
        create_app(api_settings(), store, pipeline), host="127.0.0.1", port=port, log_level="warning"
    )
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert srv.started, "server did not start"
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with playwright.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


def _watch(page) -> list[str]:  # type: ignore[no-untyped-def]
    """Script errors and Content-Security-Policy violations (Chromium reports those on the console)."""
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if "Content Security Policy" in m.text else None)
    return errors


def test_page_filters_and_detail(server: str, browser) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    errors = _watch(page)
    response = page.goto(server + "/")
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    page.wait_for_selector("#entries li")
    types = page.locator("#entries li").evaluate_all("els => els.map(e => e.dataset.type)")
    assert {"visit", "phone_call", "expulsion", "recall", "veto"} <= set(types)
    assert page.locator("#histogram rect").count() >= 3 and page.locator("#axis circle").count() >= 5

    page.uncheck('input[name="type"][value="visit"]')  # a filter click reloads from the API
    # locator assertions, not wait_for_function: the page's CSP forbids the eval that one needs
    playwright.expect(page.locator("#entries li[data-type=visit]")).to_have_count(0)
    types = page.locator("#entries li").evaluate_all("els => els.map(e => e.dataset.type)")
    assert types and "visit" not in types
    assert "type=" in page.url

    page.fill('input[name="actor"]', "DEU")
    page.click('button[type="submit"]')
    playwright.expect(page.locator("#entries li")).to_have_count(2)
    assert page.locator("#count").inner_text() == "2 entries"

    page.locator("#entries li").first.click()
    detail = page.locator("#detail")
    detail.wait_for(state="visible")
    assert "Phone call: DEU, FRA" in detail.inner_text() and "spoke by phone" in detail.inner_text()
    assert "Example Observer" in detail.locator(".sources").inner_text()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "timeline-page.png"), full_page=True)
    assert errors == []


def test_timelinejs_loads_the_export(server: str, browser) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page(viewport={"width": 1200, "height": 800})
    errors = _watch(page)
    response = page.goto(server + "/static/timelinejs.html?type=visit")
    assert "script-src 'self';" in response.headers["content-security-policy"]
    page.wait_for_selector(".tl-timemarker", state="attached", timeout=20000)
    loaded = page.evaluate("window.timeline.config.events.map(e => e.unique_id)")
    expected = page.evaluate("fetch('/timeline/timelinejs.json?type=visit').then(r => r.json())")
    assert sorted(loaded) == sorted(e["unique_id"] for e in expected["events"]) and len(loaded) >= 3
    assert page.locator(".tl-timemarker").count() == len(loaded)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "timelinejs.png"))
    assert errors == []
