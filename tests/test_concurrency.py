"""Many writers at once: every event in exactly one entry, and the timeline equal to a rebuild.

Writers use their own ``Store`` (their own engine and connections), as separate API processes
and ingest workers would, and write related articles: the same happenings, reported by
different outlets with different precision, so that they compete for the same keys and entries.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Callable

import pytest

from tests.test_consolidation import expected_groups, random_mentions, record, snapshot, stored_groups
from timeline.models import ArticleRecord, Event
from timeline.store import Store


def _articles(seed: int, n: int) -> tuple[list[Event], list[ArticleRecord]]:
    evs = random_mentions(random.Random(seed), n)
    by_article: dict[str, list[Event]] = {}
    for e in evs:
        by_article.setdefault(e.article_id, []).append(e)
    return evs, [record(a, es) for a, es in by_article.items()]


def _hammer(make_store: Callable[[], Store], recs: list[ArticleRecord], writers: int) -> list[BaseException]:
    """Each writer stores every article (in its own order): duplicates and conflicts on purpose."""
    errors: list[BaseException] = []
    start = threading.Barrier(writers)

    def work(i: int) -> None:
        store = make_store()
        order = list(recs)
        random.Random(i).shuffle(order)
        start.wait()
        try:
            for r in order:
                store.add(r)
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)
        finally:
            store.engine.dispose()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(writers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return errors


@pytest.mark.parametrize("writers", [16])
def test_concurrent_writers_keep_the_timeline_equal_to_a_rebuild(store: Store, writers: int) -> None:
    evs, recs = _articles(7, 120)

    def make() -> Store:
        return Store(store.url, engine=_same_database(store))

    errors = _hammer(make, recs, writers)
    assert errors == []
    assert store.counts() == {"articles": len(recs), "events": len(evs)}
    assert stored_groups(store) == expected_groups(evs)
    before = snapshot(store)
    assert sum(row[7] for row in before) == len(evs)  # every event in exactly one entry
    store.rebuild_entries()
    assert snapshot(store) == before


def _same_database(store: Store):  # type: ignore[no-untyped-def]
    """A new engine on the test store's database (and, on PostgreSQL, its schema)."""
    import sqlalchemy as sa

    return sa.create_engine(store.engine.url, connect_args=_connect_args(store))


def _connect_args(store: Store) -> dict[str, object]:
    if store.dialect == "postgresql":
        with store.engine.connect() as conn:
            schema = conn.exec_driver_sql("SELECT current_schema()").scalar()
        return {"options": f"-csearch_path={schema}"}
    return {"timeout": 60}
