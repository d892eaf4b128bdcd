"""The REST API through Litestar's test client, on both stores."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

import pytest
from litestar.testing import TestClient

from tests.conftest import TEST_TOKEN, api_settings
from timeline.pipeline import Pipeline
from timeline.store import Store
from timeline.web.app import create_app

ARTICLE = (
    "Diplomatic rows\n\n"
    "Britain expelled 23 Russian diplomats on Wednesday, the prime minister said.\n\n"
    "Russia recalled its ambassador from London for consultations on Thursday.\n\n"
    "Putin phoned Erdogan on Friday to discuss the crisis."
)


@pytest.fixture
def client(store: Store, pipeline: Pipeline) -> Iterator[TestClient]:
    app = create_app(api_settings(max_body_bytes=200_000, cors_origins=("http://localhost:5173",)), store, pipeline)
    with TestClient(app) as c:
        c.headers["Authorization"] = f"Bearer {TEST_TOKEN}"
        yield c


def post(client: TestClient, **body: object):  # type: ignore[no-untyped-def]
    return client.post("/articles", json={"text": ARTICLE, "published": "2018-03-16", "outlet": "Wire", **body})


def test_post_article_returns_stored_events(client: TestClient) -> None:
    r = post(client)
    assert r.status_code == 201
    body = r.json()
    assert body["created"] == [True] and body["plugin"] == "generic"
    (article,) = body["articles"]
    got = {(e["type"], tuple(e["agents"]), tuple(e["targets"]), e["date_start"]) for e in article["events"]}
    assert got == {
        ("expulsion", ("GBR",), ("RUS",), "2018-03-14"),
        ("recall", ("RUS",), ("GBR",), "2018-03-15"),
        ("phone_call", ("RUS", "TUR"), (), "2018-03-16"),
    }
    assert client.get(f"/articles/{article['id']}").json()["events"] == article["events"]


def test_same_article_twice_changes_nothing(client: TestClient) -> None:
    first = post(client).json()
    second = post(client).json()
    assert second["created"] == [False]
    assert second["articles"][0]["id"] == first["articles"][0]["id"]
    assert client.get("/events", params={"count": "true"}).json()["total"] == 3


def test_events_filters_and_cursor(client: TestClient) -> None:
    post(client)
    assert [e["type"] for e in client.get("/events", params={"type": "recall"}).json()["items"]] == ["recall"]
    both = client.get("/events", params={"type": ["recall", "expulsion"]}).json()["items"]
    assert {e["type"] for e in both} == {"recall", "expulsion"}
    assert len(client.get("/events", params={"actor": "TUR"}).json()["items"]) == 1
    assert (
        client.get("/events", params={"start": "2018-03-15", "end": "2018-03-15"}).json()["items"][0]["type"]
        == "recall"
    )
    assert client.get("/events", params={"q": "phoned"}).json()["items"][0]["type"] == "phone_call"
    page1 = client.get("/events", params={"limit": 2, "sort": "desc"}).json()
    page2 = client.get("/events", params={"limit": 2, "sort": "desc", "cursor": page1["next"]}).json()
    dates = [e["date_start"] for e in page1["items"] + page2["items"]]
    assert dates == ["2018-03-16", "2018-03-15", "2018-03-14"] and page2["next"] is None
    one = page1["items"][0]
    assert client.get(f"/events/{one['id']}").json() == one


def test_export_csv_streams_rows(client: TestClient) -> None:
    post(client)
    r = client.get("/export.csv", params={"sort": "asc"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert [row["type"] for row in rows] == ["expulsion", "recall", "phone_call"]
    assert rows[2]["agents"] == "RUS;TUR"


@pytest.mark.parametrize(
    ("path", "params", "status", "needle"),
    [
        ("/events", {"start": "yesterday-ish"}, 400, "start='yesterday-ish' is not a date"),
        ("/events", {"type": "war"}, 400, "unknown type 'war'"),
        ("/events", {"limit": "0"}, 400, "limit=0"),
        ("/events", {"cursor": "zzz"}, 400, "cursor"),
        ("/events", {"start": "2021-02-01", "end": "2021-01-01"}, 400, "after"),
        ("/export.csv", {"status": "maybe"}, 400, "unknown status"),
        ("/events/0000000000000000", {}, 404, "no event"),
        ("/articles/ffff", {}, 404, "no article"),
    ],
)
def test_bad_queries(client: TestClient, path: str, params: dict[str, str], status: int, needle: str) -> None:
    r = client.get(path, params=params)
    assert r.status_code == status
    assert needle in r.json()["detail"]


def test_bad_posts_store_nothing(client: TestClient, store: Store) -> None:
    post(client)
    before = store.counts()
    assert client.post("/articles", json={"text": "  "}).status_code == 422
    assert client.post("/articles", json={"text": "a", "html": "<p>b</p>"}).status_code == 422
    assert client.post("/articles", json={"html": "<html><body></body></html>"}).status_code == 422
    assert client.post("/articles", json={"text": "x", "published": "someday"}).status_code == 400
    assert client.post("/articles", json={"text": "x", "colour": "red"}).status_code == 400
    big = client.post("/articles", json={"text": "word " * 60_000})
    assert big.status_code == 413
    assert store.counts() == before


def test_html_article(client: TestClient) -> None:
    html = ("<html><head><title>Ties</title></head><body><nav>Home | World</nav><article><h1>Ties</h1>"
            "<p>Japanese Prime Minister Fumio Kishida arrived in Kyiv on Tuesday for a surprise visit, "
            "officials said.</p><p>He met President Zelenskyy and pledged more aid to Ukraine.</p></article>"
            "<footer>All rights reserved</footer></body></html>")  # fmt: skip
    r = client.post("/articles", json={"html": html, "published": "2023-03-22"})
    assert r.status_code == 201
    (e,) = r.json()["articles"][0]["events"]
    assert (e["type"], e["agents"], e["targets"], e["date_start"]) == ("visit", ["JPN"], ["UKR"], "2023-03-21")


def test_raw_text_and_html_bodies(client: TestClient, store: Store) -> None:
    text = "Peru recalled its ambassador from Mexico on Monday."
    r = client.post(
        "/articles/raw",
        content=text.encode(),
        headers={"content-type": "text/plain; charset=utf-8"},
        params={"published": "2022-12-21"},
    )
    assert r.status_code == 201
    (e,) = r.json()["articles"][0]["events"]
    assert (e["type"], e["agents"], e["targets"], e["date_start"]) == ("recall", ["PER"], ["MEX"], "2022-12-19")
    html = (
        "<html><body><article><h1>Talks</h1><p>Spanish Prime Minister Pedro Sanchez arrived in Rabat on "
        "Wednesday for talks on migration, officials said.</p></article></body></html>"
    )
    r = client.post(
        "/articles/raw",
        content=html.encode(),
        headers={"content-type": "text/html"},
        params={"published": "2023-02-02", "url": "https://news.example/talks"},
    )
    assert r.status_code == 201
    (e,) = r.json()["articles"][0]["events"]
    assert (e["type"], e["agents"], e["targets"]) == ("visit", ["ESP"], ["MAR"])
    before = store.counts()
    bad = client.post("/articles/raw", content=b"x", headers={"content-type": "text/plain"}, params={"published": "x"})
    assert bad.status_code == 400 and "published" in bad.json()["detail"]
    binary = client.post("/articles/raw", content=b"\xff\xfe", headers={"content-type": "text/plain; charset=utf-8"})
    assert binary.status_code == 422
    assert store.counts() == before


def test_plugins_and_cors(client: TestClient) -> None:
    names = {p["name"]: p["status"] for p in client.get("/plugins").json()}
    assert names["generic"] == "loaded"
    r = client.options("/events", headers={"Origin": "http://localhost:5173", "Access-Control-Request-Method": "GET"})
    assert r.headers.get("access-control-allow-origin") == "http://localhost:5173"
