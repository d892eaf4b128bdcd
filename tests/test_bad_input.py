"""Bad input gets a clear 4xx (or CLI exit 2) and leaves the store as it was, on both stores.

Each case here was a 500 (or silently stored) when an operator and an attacker tried the service.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from litestar.testing import TestClient

from tests.conftest import TEST_TOKEN, api_settings
from timeline.cli import main
from timeline.pipeline import MAX_TEXT_CHARS, Pipeline
from timeline.store import Store, StoreError
from timeline.web.app import create_app

ARTICLE = "Harbour news\n\nSpain recalled its ambassador from Morocco on Tuesday for consultations."


@pytest.fixture
def client(store: Store, pipeline: Pipeline) -> Iterator[TestClient]:
    with TestClient(create_app(api_settings(), store, pipeline), raise_server_exceptions=False) as c:
        c.headers["Authorization"] = f"Bearer {TEST_TOKEN}"
        yield c


def counts(store: Store) -> dict[str, int]:
    return dict(store.counts())


def assert_error(r, status: int, *words: str) -> None:  # type: ignore[no-untyped-def]
    assert r.status_code == status, r.text
    body = r.json()
    assert body["status_code"] == status
    for w in words:
        assert w in body["detail"], body["detail"]


@pytest.mark.parametrize("published", ["0001-01-01", "9999-12-31", "1899-12-31", "2101-01-01"])
@pytest.mark.parametrize("relative", ["yesterday", "tomorrow"])
def test_published_at_the_calendars_edges(client: TestClient, store: Store, published: str, relative: str) -> None:
    before = counts(store)
    text = f"Spain recalled its ambassador from Morocco {relative}."
    assert_error(client.post("/articles", json={"text": text, "published": published}), 400, "1900-01-01", "2100-12-31")
    r = client.post(f"/articles/raw?published={published}", content=text, headers={"Content-Type": "text/plain"})
    assert_error(r, 400, "out of range")
    assert counts(store) == before


def test_published_inside_the_range_is_accepted(client: TestClient) -> None:
    r = client.post("/articles", json={"text": ARTICLE, "published": "1900-01-01"})
    assert r.status_code == 201, r.text


def test_text_longer_than_spacy_accepts(client: TestClient, store: Store) -> None:
    before = counts(store)
    text = ("Spain recalled its ambassador from Morocco on Tuesday. " * 30_000)[:1_500_000]
    assert len(text) == 1_500_000 > MAX_TEXT_CHARS
    r = client.post("/articles/raw", content=text, headers={"Content-Type": "text/plain"})
    assert_error(r, 422, "1,500,000", "1,000,000")
    assert counts(store) == before


@pytest.mark.parametrize(
    ("body", "words"),
    [
        (b'{"text": "Spain recalled \xff\xfe its envoy"}', ["UTF-8"]),
        (b"[" * 10_000 + b"]" * 10_000, ["nested too deeply"]),
        (b'{"text": ' + b"[" * 10_000 + b"]" * 10_000 + b"}", ["nested too deeply"]),
        (b'{"text": "unterminated', ["not valid JSON"]),
        (b'{"text": "lone \\ud800 surrogate"}', ["not valid JSON"]),
    ],
)
def test_unreadable_json_bodies(client: TestClient, store: Store, body: bytes, words: list[str]) -> None:
    before = counts(store)
    assert_error(client.post("/articles", content=body, headers={"Content-Type": "application/json"}), 400, *words)
    assert counts(store) == before


@pytest.mark.parametrize("name", ["q", "actor", "outlet", "agent", "target", "type", "status"])
def test_nul_in_filters(client: TestClient, name: str) -> None:
    for path in ("/timeline", "/events", "/timeline/export.csv", "/timeline/export.ndjson", "/export.csv"):
        assert_error(client.get(path, params={name: "RU\x00S"}), 400, name)


@pytest.mark.parametrize("path", ["/articles/ab%00cd", "/events/ab%00cd", "/timeline/ab%00cd"])
def test_nul_in_path_ids(client: TestClient, path: str) -> None:
    assert_error(client.get(path), 400, "id")


def test_nul_in_article_metadata(client: TestClient, store: Store) -> None:
    before = counts(store)
    assert_error(client.post("/articles", json={"text": ARTICLE, "outlet": "Wire\x00"}), 400, "outlet")
    r = client.post("/articles/raw?outlet=Wire%00", content=ARTICLE, headers={"Content-Type": "text/plain"})
    assert_error(r, 400, "outlet")
    assert counts(store) == before


@pytest.mark.parametrize(
    "q", ['"', '"unbalanced', "AND", "OR", "NOT", "NEAR(", "NEAR(a b", "*", "a*", "^x", "-", "(", "col:x"]
)
def test_search_text_is_words_never_query_syntax(client: TestClient, q: str) -> None:
    client.post("/articles", json={"text": ARTICLE, "published": "2024-05-02"})
    for path in ("/timeline", "/events"):
        r = client.get(path, params={"q": q})
        assert r.status_code == 200, (q, r.text)


def test_search_still_finds_words(client: TestClient) -> None:
    client.post("/articles", json={"text": ARTICLE, "published": "2024-05-02"})
    assert len(client.get("/timeline", params={"q": "ambassador"}).json()["items"]) == 1
    assert client.get("/timeline", params={"q": '"ambassador'}).status_code == 200


@pytest.mark.parametrize("url", ["javascript:alert(1)", "data:text/html,x", "ftp://example.org/a", "//evil", "http://"])
def test_only_http_urls_are_stored(client: TestClient, store: Store, url: str) -> None:
    before = counts(store)
    assert_error(client.post("/articles", json={"text": ARTICLE, "url": url}), 400, "http(s) URL")
    r = client.post("/articles/raw", params={"url": url}, content=ARTICLE, headers={"Content-Type": "text/plain"})
    assert_error(r, 400, "http(s) URL")
    assert counts(store) == before
    r = client.post("/articles", json={"text": ARTICLE, "url": "https://harbour.example/a", "published": "2024-05-02"})
    assert r.status_code == 201


def test_export_error_before_the_stream_starts(
    client: TestClient, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_: object, **__: object) -> None:
        raise StoreError("the database is unreachable")

    monkeypatch.setattr(store, "query_entries", broken)
    monkeypatch.setattr(store, "query_events", broken)
    monkeypatch.setattr(store, "iter_entry_table", broken)  # the entries CSV's own path
    for path in ("/timeline/export.csv", "/timeline/export.ndjson", "/export.csv"):
        assert_error(client.get(path), 503, "unreachable")


def test_every_500_is_logged_with_its_traceback(
    client: TestClient, store: Store, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def bug(*_: object) -> None:
        raise RuntimeError("an unexpected bug")

    monkeypatch.setattr(store, "get_entry", bug)
    with caplog.at_level(logging.ERROR, logger="timeline.web"):
        r = client.get("/timeline/0123456789abcdef")
    assert_error(r, 500, "server log")
    assert "an unexpected bug" not in r.text  # the client learns nothing about the internals
    logged = [rec for rec in caplog.records if rec.name == "timeline.web"]
    assert logged and logged[0].exc_info and "an unexpected bug" in str(logged[0].exc_info[1])


# -- the command line -------------------------------------------------------------------------


def test_cli_rejects_bad_published_and_urls(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    art = tmp_path / "a.txt"
    art.write_text(ARTICLE, encoding="utf-8")
    assert main(["extract", str(art), "--published", "0001-01-01"]) == 2
    assert "1900-01-01" in capsys.readouterr().err
    assert main(["extract", str(art), "--url", "javascript:alert(1)"]) == 2
    assert "http(s) URL" in capsys.readouterr().err
    for line, words in [
        ({"file": "a.txt", "published": "9999-12-31"}, "out of range"),
        ({"file": "a.txt", "url": "javascript:alert(1)"}, "http(s) URL"),
    ]:
        mf = tmp_path / "m.jsonl"
        mf.write_text(json.dumps(line) + "\n", encoding="utf-8")
        assert main(["extract", "--manifest", str(mf)]) == 2
        err = capsys.readouterr().err
        assert words in err and "m.jsonl:1" in err and err.count("\n") == 1


def test_memory_zones_survive_concurrent_requests(pipeline: Pipeline) -> None:
    """The server extracts in a thread pool; one zone ending must not evict another parse's strings."""
    from concurrent.futures import ThreadPoolExecutor

    from timeline.models import Page

    def one(i: int) -> int:
        text = f"Zorvak{i}qu said Spain recalled its ambassador from Morocco on Tuesday. Blenthar{i} agreed."
        results = pipeline.process_one(Page(content=text, content_type="text", published=None))
        return sum(len(r.events) for r in results)

    with ThreadPoolExecutor(8) as pool:
        assert list(pool.map(one, range(48))) == [1] * 48
