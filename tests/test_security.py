"""Who may write, what a browser may be made to send, and what every response carries."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from litestar.testing import TestClient

from tests.conftest import TEST_READ_TOKEN, TEST_TOKEN, api_settings
from timeline import auth
from timeline.cli import main
from timeline.pipeline import Pipeline
from timeline.settings import Settings, parse_rate
from timeline.store import Store
from timeline.web.app import create_app

ARTICLE = "Harbour news\n\nPortugal expelled two Brazilian diplomats on Monday, the ministry said."
BODY = {"text": ARTICLE, "published": "2024-05-02"}


@pytest.fixture
def sqlite_store(tmp_path: Path) -> Iterator[Store]:
    s = Store(f"sqlite:///{tmp_path / 'sec.sqlite3'}")
    s.create_schema()
    yield s
    s.engine.dispose()


def make_client(store: Store, pipeline: Pipeline, **settings: object) -> TestClient:
    return TestClient(create_app(api_settings(**settings), store, pipeline))


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_writes_need_a_write_token(sqlite_store: Store, pipeline: Pipeline) -> None:
    with make_client(sqlite_store, pipeline) as c:
        r = c.post("/articles", json=BODY)
        assert r.status_code == 401 and "Bearer" in r.headers["www-authenticate"]
        assert "timeline token create" in r.json()["detail"]
        assert c.post("/articles", json=BODY, headers=bearer("not-a-token")).status_code == 401
        assert c.post("/articles", json=BODY, headers={"Authorization": f"Basic {TEST_TOKEN}"}).status_code == 401
        r = c.post("/articles", json=BODY, headers=bearer(TEST_READ_TOKEN))
        assert r.status_code == 403 and "read-only" in r.json()["detail"]
        r = c.post("/articles/raw", content=ARTICLE, headers={"Content-Type": "text/plain"})
        assert r.status_code == 401
        assert sqlite_store.counts()["articles"] == 0
        assert c.post("/articles", json=BODY, headers=bearer(TEST_TOKEN)).status_code == 201
        # reads stay open by default, for the page and for anyone
        assert c.get("/timeline").json()["items"] and c.get("/").status_code == 200


def test_reads_can_require_a_token(sqlite_store: Store, pipeline: Pipeline) -> None:
    with make_client(sqlite_store, pipeline, auth_reads=True) as c:
        assert c.get("/timeline").status_code == 401
        assert c.get("/events", headers=bearer("guess")).status_code == 401
        assert c.get("/timeline", headers=bearer(TEST_READ_TOKEN)).status_code == 200
        assert c.get("/timeline", headers=bearer(TEST_TOKEN)).status_code == 200
        # the page's own files and the API description stay public
        assert c.get("/").status_code == 200 and c.get("/static/app.js").status_code == 200
        assert c.get("/schema/openapi.json").status_code == 200


def test_token_file_hashed_revocable_and_reloaded(sqlite_store: Store, pipeline: Pipeline, tmp_path: Path) -> None:
    path = tmp_path / "tokens.jsonl"
    writer = auth.create(path, "ci", "write")
    reader = auth.create(path, "dashboard", "read")
    stored = path.read_text(encoding="utf-8")
    assert writer not in stored and reader not in stored and auth.digest(writer) in stored
    assert (path.stat().st_mode & 0o777) == 0o600
    settings = Settings(token_file=str(path), write_rate_limit=None)
    with TestClient(create_app(settings, sqlite_store, pipeline)) as c:
        assert c.post("/articles", json=BODY, headers=bearer(writer)).status_code == 201
        assert c.post("/articles", json=BODY, headers=bearer(reader)).status_code == 403
        auth.revoke(path, "ci")  # takes effect without a restart
        assert c.post("/articles", json=BODY, headers=bearer(writer)).status_code == 401
        late = auth.create(path, "late", "write")
        assert c.post("/articles", json=BODY, headers=bearer(late)).status_code == 201


def test_token_cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "t.jsonl"
    monkeypatch.setenv("TIMELINE_TOKEN_FILE", str(path))
    assert main(["token", "create", "--name", "ops"]) == 0
    token = capsys.readouterr().out.strip()
    assert token.startswith("tl_") and len(token) > 40
    assert auth.TokenSet(file=path).scope_of(token) == "write"
    assert main(["token", "create", "--name", "ops"]) == 2
    assert "exists" in capsys.readouterr().err
    assert main(["token", "create", "--read-only", "--name", "viewer"]) == 0
    viewer = capsys.readouterr().out.strip()
    assert auth.TokenSet(file=path).scope_of(viewer) == "read"
    assert main(["token", "list"]) == 0
    listing = capsys.readouterr().out
    assert "ops" in listing and "viewer" in listing and token not in listing and viewer not in listing
    assert main(["token", "revoke", "--name", "ops"]) == 0
    assert auth.TokenSet(file=path).scope_of(token) is None
    assert main(["token", "revoke", "--name", "ops"]) == 2


def test_tokens_from_the_environment() -> None:
    s = Settings.from_env({"TIMELINE_API_TOKENS": "w1, w2", "TIMELINE_READ_TOKENS": "r1", "TIMELINE_AUTH_READS": "yes"})
    tokens = auth.TokenSet(s.api_tokens, s.read_tokens)
    assert [tokens.scope_of(t) for t in ("w1", "w2", "r1", "x", "")] == ["write", "write", "read", None, None]
    assert s.auth_reads is True
    with pytest.raises(ValueError, match="TIMELINE_AUTH_READS"):
        Settings.from_env({"TIMELINE_AUTH_READS": "perhaps"})


def test_content_types_are_the_documented_ones(sqlite_store: Store, pipeline: Pipeline) -> None:
    """A page elsewhere can send text/plain or a form without a preflight; /articles takes neither."""
    with make_client(sqlite_store, pipeline) as c:
        c.headers.update(bearer(TEST_TOKEN))
        for ctype in ("text/plain", "application/x-www-form-urlencoded", "multipart/form-data", ""):
            r = c.post("/articles", content=b'{"text": "x"}', headers={"Content-Type": ctype})
            assert r.status_code == 415 and "application/json" in r.json()["detail"], ctype
        for ctype in ("application/json", "application/x-www-form-urlencoded", "image/png"):
            r = c.post("/articles/raw", content=ARTICLE.encode(), headers={"Content-Type": ctype})
            assert r.status_code == 415, ctype
        assert sqlite_store.counts()["articles"] == 0
        r = c.post("/articles", json=BODY, headers={"Content-Type": "application/json; charset=utf-8"})
        assert r.status_code == 201
        r = c.post("/articles/raw?published=2024-05-02", content=ARTICLE, headers={"Content-Type": "text/plain"})
        assert r.status_code == 201


def test_cross_site_writes_follow_the_cors_origins(sqlite_store: Store, pipeline: Pipeline) -> None:
    with make_client(sqlite_store, pipeline, cors_origins=("https://desk.example",)) as c:
        c.headers.update(bearer(TEST_TOKEN))
        r = c.post("/articles", json=BODY, headers={"Origin": "https://evil.example"})
        assert r.status_code == 403 and "TIMELINE_CORS_ORIGINS" in r.json()["detail"]
        assert c.post("/articles", json=BODY, headers={"Origin": "https://desk.example"}).status_code == 201
        assert c.post("/articles", json=BODY, headers={"Origin": "http://testserver.local"}).status_code == 201
        assert c.get("/timeline", headers={"Origin": "https://evil.example"}).status_code == 200  # reads are open
        pre = c.options(
            "/articles",
            headers={"Origin": "https://desk.example", "Access-Control-Request-Method": "POST",
                     "Access-Control-Request-Headers": "authorization, content-type"},
        )  # fmt: skip
        assert pre.status_code in (200, 204) and "authorization" in pre.headers["access-control-allow-headers"].lower()


@pytest.mark.parametrize(
    "path", ["/", "/timeline", "/static/app.js", "/static/timelinejs.html", "/nowhere", "/timeline/export.csv"]
)
def test_security_headers_everywhere_and_head(sqlite_store: Store, pipeline: Pipeline, path: str) -> None:
    with make_client(sqlite_store, pipeline) as c:
        for r in (c.get(path), c.head(path), c.post(path, json={})):
            csp = r.headers["content-security-policy"]
            assert "frame-ancestors 'none'" in csp and "'unsafe-inline'" not in csp and "script-src 'self'" in csp
            assert r.headers["x-content-type-options"] == "nosniff"
            assert r.headers["x-frame-options"] == "DENY" and r.headers["referrer-policy"] == "no-referrer"
        get, head = c.get(path), c.head(path)
        assert head.status_code == get.status_code and head.content == b""
        assert head.headers.get("content-type") == get.headers.get("content-type")


def test_static_pages_have_no_inline_code() -> None:
    static = Path(__file__).resolve().parent.parent / "timeline" / "web" / "static"
    for page in static.glob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert "<style" not in html and " style=" not in html, page
        assert html.count("<script") == html.count("<script src="), page


def test_page_renders_only_http_links() -> None:
    js = (Path(__file__).resolve().parent.parent / "timeline" / "web" / "static" / "app.js").read_text()
    assert "safeHref(s.url" in js and "href: s.url" not in js


def test_writes_are_rate_limited(sqlite_store: Store, pipeline: Pipeline) -> None:
    with make_client(sqlite_store, pipeline, write_rate_limit=("minute", 3)) as c:
        c.headers.update(bearer(TEST_TOKEN))
        codes = [c.post("/articles", json=BODY).status_code for _ in range(5)]
        assert codes[:3] == [201, 201, 201] and codes[3:] == [429, 429]
        assert c.get("/timeline").status_code == 200  # reads are not counted


def test_rate_setting() -> None:
    assert parse_rate("120/minute") == ("minute", 120) and parse_rate("off") is None
    assert Settings.from_env({}).write_rate_limit == ("minute", 600)
    for bad in ("fast", "10/fortnight", "-1/second"):
        with pytest.raises(ValueError, match="rate limit"):
            parse_rate(bad)
