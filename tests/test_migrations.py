"""Migrations: from an empty database, and from one made before migrations, to exactly the metadata.

Written for any number of revisions: each test goes to ``head`` and compares with the metadata, so a
new revision is checked by adding it, and a metadata change without a revision fails here.
"""

from __future__ import annotations

import datetime as dt
import os
import uuid
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from alembic.script import ScriptDirectory

from timeline.models import ArticleRecord
from timeline.store import Store, normalise_url
from timeline.store import migrations as mig


@pytest.fixture(params=["sqlite", "postgres"])
def engine(request: pytest.FixtureRequest, tmp_path) -> Iterator[sa.Engine]:  # type: ignore[no-untyped-def]
    """An empty database: a SQLite file, or a fresh PostgreSQL schema."""
    if request.param == "sqlite":
        eng = sa.create_engine(f"sqlite:///{tmp_path / 'm.sqlite3'}")
        yield eng
        eng.dispose()
        return
    url = os.environ.get("TIMELINE_TEST_POSTGRES_URL")
    if not url:
        pytest.skip("PostgreSQL tests need TIMELINE_TEST_POSTGRES_URL")
    schema = f"m_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(normalise_url(url))
    with admin.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    eng = sa.create_engine(normalise_url(url), connect_args={"options": f"-csearch_path={schema}"})
    try:
        yield eng
    finally:
        eng.dispose()
        with admin.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def _full_text_index_exists(engine: sa.Engine) -> bool:
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            sql = "SELECT count(*) FROM sqlite_master WHERE name = 'events_fts'"
        else:
            sql = "SELECT count(*) FROM pg_indexes WHERE indexname = 'ix_events_fts' AND schemaname = current_schema()"
        return bool(conn.exec_driver_sql(sql).scalar())


def _at_head_and_equal_to_metadata(engine: sa.Engine) -> None:
    assert mig.current(engine) == mig.head()
    with engine.connect() as conn:
        assert mig.differences(conn) == []
    assert _full_text_index_exists(engine)


def _upgraded_store(engine: sa.Engine) -> Store:
    """The database brought to head as a store upgrades itself (on SQLite: foreign keys enforced, cascades
    armed), checked against the metadata, and a store on it."""
    if engine.dialect.name == "sqlite":
        upgrading = Store(str(engine.url))
        upgrading.create_schema()
        upgrading.engine.dispose()
    else:
        mig.upgrade(engine)
    _at_head_and_equal_to_metadata(engine)
    return Store(str(engine.url), engine=engine)


def _record(n: int) -> ArticleRecord:
    return ArticleRecord(id=f"a{n}", title=None, text=f"text {n}", url=None, file=f"{n}.txt", outlet=None,
                         published=dt.date(2020, 1, n), source=None, byline=None,
                         ingested_at=dt.datetime(2020, 1, 2))  # fmt: skip


def test_the_revisions_form_one_line() -> None:
    scripts = ScriptDirectory.from_config(mig.config())
    assert len(scripts.get_heads()) == 1
    assert scripts.get_current_head() == mig.HEAD  # the constant a store's start-up compares with
    assert [r.revision for r in scripts.walk_revisions()][-1] == mig.BASELINE


def test_upgrade_from_empty_gives_exactly_the_metadata(engine: sa.Engine) -> None:
    assert mig.upgrade(engine) == mig.head()
    _at_head_and_equal_to_metadata(engine)
    assert mig.upgrade(engine) == mig.head()  # a second run is a no-op


def test_upgrade_from_a_pre_migration_database_keeps_its_data(engine: sa.Engine) -> None:
    # the baseline revision is what create_all made before migrations; without alembic_version it is
    # exactly a database from then
    mig.upgrade(engine, mig.BASELINE)
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP TABLE alembic_version")
        conn.execute(sa.text("INSERT INTO articles (id, text, ingested_at) VALUES ('old', 'kept', :t)"),
                     {"t": dt.datetime(2020, 1, 1)})  # fmt: skip
    assert mig.current(engine) is None
    if mig.head() != mig.BASELINE:
        with engine.connect() as conn:
            assert mig.differences(conn), "the comparison must see the later revisions' changes as missing"
    mig.upgrade(engine)
    _at_head_and_equal_to_metadata(engine)
    store = Store(str(engine.url), engine=engine)
    assert store.get_article("old") is not None and store.get_article("old").text == "kept"  # type: ignore[union-attr]
    assert store.add(_record(3))[1]


def test_a_store_made_by_create_all_is_stamped_at_head(engine: sa.Engine) -> None:
    store = Store(str(engine.url), engine=engine)
    store.create_schema()
    store.add(_record(1))
    mig.upgrade(engine)
    _at_head_and_equal_to_metadata(engine)
    assert store.counts()["articles"] == 1


def test_create_schema_brings_a_database_that_is_behind_to_head(engine: sa.Engine) -> None:
    mig.upgrade(engine, mig.BASELINE)
    Store(str(engine.url), engine=engine).create_schema()
    _at_head_and_equal_to_metadata(engine)


def test_0003_moves_stored_events_into_keyed_entries(engine: sa.Engine) -> None:
    """A store from before consolidation by key keeps its events and gets the same timeline a rebuild gives."""
    import msgspec

    from tests.test_consolidation import mention

    mig.upgrade(engine, "0002")
    evs = [mention(1, "a1", start=dt.date(2020, 5, 1)), mention(2, "a2", start=dt.date(2020, 5, 1)),
           mention(3, "a3", start=None, published=dt.date(2020, 6, 1))]  # fmt: skip
    with engine.begin() as conn:
        for e in evs:
            conn.execute(
                sa.text("INSERT INTO articles (id, title, text, ingested_at) VALUES (:id, 'Old title', 'x', :t)"),
                {"id": e.article_id, "t": dt.datetime(2020, 1, 1)},
            )
            conn.execute(
                sa.text("INSERT INTO events (id, article_id, type, status, date_start, date_precision, evidence, "
                        "confidence, sort_key, payload) "
                        "VALUES (:id, :a, 'veto', 'occurred', :d, :p, :ev, 0.8, :sk, :pl)"),
                {"id": e.id, "a": e.article_id, "d": e.date_start, "p": e.date_precision, "ev": e.evidence,
                 "sk": f"{e.date_start or '0001-01-01'}|{e.id}", "pl": msgspec.json.encode(e)},
            )  # fmt: skip
    mig.upgrade(engine)
    _at_head_and_equal_to_metadata(engine)
    store = Store(str(engine.url), engine=engine)
    from timeline.query import build_filter

    (entry,) = store.iter_entries(build_filter(status="all"))
    assert entry.mention_count == 3 and entry.date_start == dt.date(2020, 5, 1)
    assert [e.type for e in store.iter_entries(build_filter(q="Old title"))] == ["veto"]
    before = [(e.id, e.mention_count) for e in store.iter_entries(build_filter(status="all"))]
    store.rebuild_entries()
    assert [(e.id, e.mention_count) for e in store.iter_entries(build_filter(status="all"))] == before


def test_0004_re_encodes_every_event_without_losing_a_field(engine: sa.Engine) -> None:
    """Events stored as JSON payloads come back field for field from columns and the compact remainder."""
    import msgspec

    from tests.test_consolidation import mention
    from timeline.models import Actor, Mention
    from timeline.query import build_filter

    text = "Título\n\nReport 1 of a veto. Naïve words follow.\n"
    start = text.index("Report 1")
    first = mention(1, "a1", start=dt.date(2020, 5, 1))
    first = msgspec.structs.replace(
        first, evidence_start=start, evidence_end=start + len(first.evidence), date_text="on 1 May",
        actors=(Actor(code="RUS", role="agent", name="Russia", person="Envoy", office="ambassador"),),
        mentions=(Mention(evidence=first.evidence, start=start, end=start + len(first.evidence)),
                  Mention(evidence="Naïve words follow.", start=start + 20, end=start + 39, source="Wire")),
    )  # fmt: skip
    second = mention(2, "a2", start=dt.date(2020, 5, 1))  # words that are not in its article's text
    mig.upgrade(engine, "0003")
    with engine.begin() as conn:
        for e, body in ((first, text), (second, "other text")):
            conn.execute(
                sa.text("INSERT INTO articles (id, title, text, file, ingested_at) VALUES (:id, 'Old', :x, :f, :t)"),
                {"id": e.article_id, "x": body, "f": e.article, "t": dt.datetime(2020, 1, 1)},
            )
            conn.execute(
                sa.text("INSERT INTO events (id, article_id, key_id, type, status, date_start, date_precision, "
                        "evidence, confidence, sort_key, payload, published) "
                        "VALUES (:id, :a, 'k', 'veto', 'occurred', :d, 'day', :ev, 0.8, :sk, :pl, :p)"),
                {"id": e.id, "a": e.article_id, "d": e.date_start, "ev": e.evidence, "sk": f"{e.date_start}|{e.id}",
                 "pl": msgspec.json.encode(e), "p": e.published},
            )  # fmt: skip
            conn.execute(sa.text("INSERT INTO event_actors (event_id, code, role) VALUES (:id, 'RUS', 'agent')"),
                         {"id": e.id})  # fmt: skip
    store = _upgraded_store(engine)
    assert store.get_event(first.id) == first and store.get_event(second.id) == second
    if engine.dialect.name == "sqlite":
        with engine.connect() as conn:
            kinds = conn.exec_driver_sql("SELECT DISTINCT typeof(e.date_start), typeof(k.lo), typeof(n.date_start), "
                                         "typeof(n.sort_key) FROM events e, keys k, entries n").all()  # fmt: skip
        assert kinds == [("integer", "integer", "integer", "blob")]
    (entry,) = store.iter_entries(build_filter(status="all"))
    assert entry.mention_count == 2 and [s.evidence for s in entry.sources] == [first.evidence, second.evidence]
    assert [e.id for e in store.iter_events(build_filter(q="veto", actor=["RUS"]))] == [first.id, second.id]
    before = [(e.id, e.mention_count) for e in store.iter_entries(build_filter(status="all"))]
    store.rebuild_entries()
    assert [(e.id, e.mention_count) for e in store.iter_entries(build_filter(status="all"))] == before


def test_0005_stores_article_ids_days_and_ranks_compactly(engine: sa.Engine) -> None:
    """Articles and events written at 0004 (text ids and dates) read back the same after 0005, full-text
    search still finds them (rowids kept) and the entries are rebuilt with their ranks as bytes."""
    import importlib

    from tests.test_consolidation import mention, record
    from timeline.query import build_filter
    from timeline.store.rows import actor_rows, stored_event_row
    from timeline.store.types import HexId

    old = importlib.import_module("timeline.store.migrations.versions.0004_compact")
    article_id = "ab" * 20
    evs = [mention(i, article_id, start=dt.date(2020, 5, 1), outlet=o) for i, o in ((1, "Wire"), (2, "Post"))]
    rec = msgspec_replace(record(article_id, evs), ingested_at=dt.datetime(2021, 1, 2, 3, 4, 5, 678901))
    mig.upgrade(engine, "0004")
    with engine.begin() as conn:
        conn.execute(
            sa.text("INSERT INTO articles (id, title, text, file, outlet, published, ingested_at) "
                    "VALUES (:id, :title, :text, :file, :outlet, :published, :at)"),
            {"id": rec.id, "title": rec.title, "text": rec.text, "file": rec.file, "outlet": rec.outlet,
             "published": rec.published, "at": rec.ingested_at},
        )  # fmt: skip
        events_0004 = sa.Table("events", sa.MetaData(), *old._event_columns())
        conn.execute(events_0004.insert(), [stored_event_row(e, rec, engine.dialect.name != "sqlite") for e in evs])
        # the rows as 0004 and 0005 keyed them, by event id (0006 keys them by sort key)
        old_actors = [{"event_id": e.id, "code": r["code"], "role": r["role"]} for e in evs for r in actor_rows([e])]
        conn.execute(sa.table("event_actors", sa.column("event_id", HexId(16)), sa.column("code"),
                              sa.column("role")).insert(), old_actors)  # fmt: skip
        if engine.dialect.name == "sqlite":
            for e in evs:
                rowid = conn.execute(sa.text("SELECT rowid FROM events WHERE id = :id"), {"id": bytes.fromhex(e.id)})
                conn.execute(sa.text("INSERT INTO events_fts (rowid, body) VALUES (:r, :b)"),
                             {"r": rowid.scalar(), "b": f"{e.evidence}\n{rec.title}"})  # fmt: skip
    store = _upgraded_store(engine)
    assert store.get_article(article_id) == rec
    assert [store.get_event(e.id) for e in evs] == evs
    assert [e.id for e in store.iter_events(build_filter(q="veto"))] == [e.id for e in evs]
    # 0006 made the actors' rows again from these, keyed by the events' sort keys
    codes = {a.code for a in evs[0].actors}
    for code in codes:
        assert [e.id for e in store.iter_events(build_filter(actor=code))] == [e.id for e in evs]
    (entry,) = store.iter_entries(build_filter(status="all"))
    assert entry.mention_count == 2 and entry.sources[0].article_id == article_id
    if engine.dialect.name == "sqlite":
        with engine.connect() as conn:
            kinds = conn.exec_driver_sql("SELECT DISTINCT typeof(a.id), typeof(a.published), typeof(a.ingested_at), "
                                         "typeof(e.article_id), typeof(k.best), typeof(n.best) "
                                         "FROM articles a, events e, keys k, entries n").all()  # fmt: skip
            words = conn.exec_driver_sql("SELECT DISTINCT e.type, e.status, e.date_precision, a.role, n.type "
                                         "FROM events e, event_actors a, entries n").all()  # fmt: skip
        assert kinds == [("blob", "integer", "integer", "blob", "blob", "blob")]
        assert words == [("0", "0", "0", "0", "0")]  # veto, occurred, day, agent: one character each
    before = [(e.id, e.mention_count, e.confidence) for e in store.iter_entries(build_filter(status="all"))]
    store.rebuild_entries()
    assert [(e.id, e.mention_count, e.confidence) for e in store.iter_entries(build_filter(status="all"))] == before


def msgspec_replace(obj, **changes):  # type: ignore[no-untyped-def]
    import msgspec

    return msgspec.structs.replace(obj, **changes)
