"""One timeline entry per happening: consolidation, the store's entries, /timeline and its exports."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterator

import pytest
from litestar.testing import TestClient

from timeline.consolidate import cluster, consolidate
from timeline.models import Article, Event
from timeline.pipeline import Pipeline
from timeline.records import record_for
from timeline.settings import Settings
from timeline.store import Store
from timeline.web.app import create_app

REPORTS = [
    ("wire-a", "Wire A", "2019-12-18", "Council split\n\nRussia and China vetoed a Syria resolution on Tuesday."),
    (
        "wire-b",
        "Wire B",
        "2019-12-20",
        "Syria text fails\n\nRussia vetoed the Syria draft on December 17, diplomats said.",
    ),
    ("wire-c", "Wire C", "2019-12-22", "Aid blocked\n\nThe Russian veto of the aid resolution angered aid groups."),
    ("wire-d", "Wire D", "2019-05-02", "Putin in China\n\nPutin arrived in Beijing on April 25 for a state visit."),
    ("wire-e", "Wire E", "2019-12-23", "Putin trip\n\nPutin paid a visit to China in December, the Kremlin said."),
    ("wire-f", "Wire F", "2019-12-24", "Summit\n\nPutin's visit to China was widely covered."),
]


def articles(pipeline: Pipeline, order: list[int] | None = None) -> list[tuple[Article, list[Event]]]:
    chosen = [REPORTS[i] for i in (order or range(len(REPORTS)))]
    arts = [Article(text=t, title=t.split("\n")[0], file=f, outlet=o, published=dt.date.fromisoformat(p))
            for f, o, p, t in chosen]  # fmt: skip
    return list(zip(arts, pipeline.extractor.extract(arts), strict=True))


def test_cluster_merges_reports_of_one_veto(pipeline: Pipeline) -> None:
    mentions = [e for _, evs in articles(pipeline) for e in evs]
    entries = consolidate(mentions)
    veto = [e for e in entries if e.type == "veto"]
    assert len(veto) == 1
    (v,) = veto
    assert (v.date_start, set(v.agents), v.mention_count) == (dt.date(2019, 12, 17), {"RUS", "CHN"}, 3)
    assert {s.outlet for s in v.sources} == {"Wire A", "Wire B", "Wire C"}
    assert (v.cameo, v.plover) == ("129", "REJECT")


def test_undated_mention_stays_apart_when_two_dated_visits_fit(pipeline: Pipeline) -> None:
    visits = [e for e in consolidate([e for _, evs in articles(pipeline) for e in evs]) if e.type == "visit"]
    by_date = sorted((str(v.date_start), v.date_precision, v.mention_count) for v in visits)
    # April (day) and December (month) visits stay apart; "Putin's visit to China" fits both, so joins neither
    assert by_date == [("2019-04-25", "day", 1), ("2019-12-01", "month", 1), ("None", "unknown", 1)]


def test_clustering_does_not_depend_on_order(pipeline: Pipeline) -> None:
    forward = [e for _, evs in articles(pipeline) for e in evs]
    backward = [e for _, evs in articles(pipeline, [5, 4, 3, 2, 1, 0]) for e in evs]
    assert [[m.id for m in g] for g in cluster(forward)] == [[m.id for m in g] for g in cluster(backward)]


def _ingest(store: Store, pipeline: Pipeline, order: list[int]) -> None:
    for art, evs in articles(pipeline, order):
        from timeline.pipeline import Result

        store.add(record_for(Result(art, "generic", evs), now=dt.datetime(2020, 1, 1)))


def _entries(store: Store) -> list[tuple[str, str, int]]:
    from timeline.query import build_filter

    return sorted((e.id, e.type, e.mention_count) for e in store.iter_entries(build_filter(status="all")))


def test_store_entries_same_in_any_order_and_equal_to_a_rebuild(store: Store, pipeline: Pipeline, tmp_path) -> None:  # type: ignore[no-untyped-def]
    _ingest(store, pipeline, [0, 1, 2, 3, 4, 5])
    first = _entries(store)
    other = Store(f"sqlite:///{tmp_path / 'other.sqlite3'}")
    other.create_schema()
    _ingest(other, pipeline, [5, 3, 1, 4, 2, 0])
    assert _entries(other) == first
    _ingest(store, pipeline, [2, 0])  # re-ingesting changes nothing
    assert _entries(store) == first
    store.rebuild_entries()
    assert _entries(store) == first
    assert ("veto", 3) in {(t, n) for _, t, n in first}


@pytest.fixture
def client(store: Store, pipeline: Pipeline) -> Iterator[TestClient]:
    app = create_app(Settings(cors_origins=("http://localhost:5173",)), store, pipeline)
    with TestClient(app) as c:
        for f, o, p, t in REPORTS:
            assert c.post("/articles", json={"text": t, "outlet": o, "published": p, "file": f}).status_code == 201
        yield c


def test_timeline_shows_the_veto_once_with_all_sources(client: TestClient) -> None:
    body = client.get("/timeline", params={"type": "veto", "count": "true"}).json()
    assert body["total"] == 1
    (v,) = body["items"]
    assert v["mention_count"] == 3 and v["outlets"] == ["Wire A", "Wire B", "Wire C"]
    assert client.get(f"/timeline/{v['id']}").json() == v
    mentions = client.get("/events", params={"type": "veto"}).json()["items"]
    assert len(mentions) == 3  # the raw mentions stay queryable


def test_facets_and_buckets(client: TestClient) -> None:
    body = client.get("/timeline", params={"facets": "true", "bucket": "month", "status": "all"}).json()
    assert body["facets"]["type"] == {"veto": 1, "visit": 3}
    assert body["facets"]["actor"]["RUS"] == 4 and body["facets"]["actor"]["CHN"] == 4
    assert body["facets"]["year"] == {"2019": 3}
    assert body["buckets"] == {
        "unit": "month",
        "items": [{"start": "2019-04-01", "count": 1}, {"start": "2019-12-01", "count": 2}],
        "undated": 1,
    }
    year = client.get("/timeline", params={"bucket": "year", "type": "visit"}).json()["buckets"]
    assert year["items"] == [{"start": "2019-01-01", "count": 2}] and year["undated"] == 1


def test_full_text_search_over_evidence_and_titles(client: TestClient) -> None:
    assert [e["type"] for e in client.get("/timeline", params={"q": "aid groups"}).json()["items"]] == ["veto"]
    assert [e["type"] for e in client.get("/timeline", params={"q": "Council split"}).json()["items"]] == ["veto"]
    assert client.get("/timeline", params={"q": "nothing like this"}).json()["items"] == []


def test_etag_revalidation(client: TestClient) -> None:
    r = client.get("/timeline", params={"type": "visit"})
    assert r.headers["cache-control"] == "no-cache" and r.headers["etag"]
    again = client.get("/timeline", params={"type": "visit"}, headers={"If-None-Match": r.headers["etag"]})
    assert again.status_code == 304 and again.content == b""
    client.post("/articles", json={"text": "Putin visited Ankara on Monday.", "published": "2020-01-08"})
    changed = client.get("/timeline", params={"type": "visit"}, headers={"If-None-Match": r.headers["etag"]})
    assert changed.status_code == 200 and changed.headers["etag"] != r.headers["etag"]


def test_cursor_pages_through_entries(client: TestClient) -> None:
    seen, cursor = [], None
    while True:
        params = {"limit": 1, "sort": "desc", "status": "all"} | ({"cursor": cursor} if cursor else {})
        page = client.get("/timeline", params=params).json()
        seen += page["items"]
        cursor = page["next"]
        if not cursor:
            break
    assert len(seen) == 4 and len({e["id"] for e in seen}) == 4


def test_exports(client: TestClient) -> None:
    import pandas as pd

    text = client.get("/timeline/export.csv", params={"status": "all"}).text
    frame = pd.read_csv(io.StringIO(text))
    assert len(frame) == 4 and set(frame["type"]) == {"veto", "visit"}
    assert frame.loc[frame["type"] == "veto", "outlets"].item() == "Wire A;Wire B;Wire C"
    assert next(csv.reader(io.StringIO(text)))[:3] == ["id", "type", "status"]
    lines = client.get("/timeline/export.ndjson").text.splitlines()
    assert {json.loads(line)["type"] for line in lines} == {"veto", "visit"}
    tl = client.get("/timeline/timelinejs.json").json()
    assert {e["group"] for e in tl["events"]} == {"Veto", "Visit"}
    veto = next(e for e in tl["events"] if e["group"] == "Veto")
    assert veto["start_date"] == {"year": 2019, "month": 12, "day": 17} and veto["text"]["headline"]
    month = next(e for e in tl["events"] if e["start_date"].get("month") == 12 and e["group"] == "Visit")
    assert "day" not in month["start_date"]  # a month-precise date is not pinned to the 1st


def test_bad_timeline_queries(client: TestClient) -> None:
    assert client.get("/timeline", params={"bucket": "decade"}).status_code == 400
    assert client.get("/timeline", params={"start": "soon"}).status_code == 400
    assert client.get("/timeline/ffffffffffffffff").status_code == 404


def test_entries_csv_leads_back_to_the_articles(client: TestClient) -> None:
    import pandas as pd

    r = client.get("/timeline/export.csv", params={"type": "veto"})
    assert r.headers["content-type"] == "text/csv; charset=utf-8"
    row = pd.read_csv(io.StringIO(r.text), dtype=str).iloc[0]
    assert (row["first_reported"], row["last_reported"]) == ("2019-12-18", "2019-12-22")
    assert row["sources"] == "Wire A;Wire B;Wire C"


def test_undated_entries_come_last_either_way(client: TestClient) -> None:
    for sort in ("asc", "desc"):
        items = client.get("/timeline", params={"type": "visit", "status": "all", "sort": sort}).json()["items"]
        dated = [e["date_start"] for e in items if e["date_precision"] != "unknown"]
        assert items[-1]["date_precision"] == "unknown" and len(dated) == len(items) - 1
        assert dated == sorted(dated, reverse=sort == "desc")
