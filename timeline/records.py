"""Articles with their events, as the store keeps them."""

from __future__ import annotations

import datetime as dt

from timeline.extract.events import article_id_for
from timeline.models import ArticleRecord
from timeline.pipeline import Result


def record_for(result: Result, now: dt.datetime | None = None) -> ArticleRecord:
    """The stored form of one extracted article."""
    a = result.article
    return ArticleRecord(
        id=article_id_for(a),
        title=a.title,
        text=a.text,
        url=a.url,
        file=a.file,
        outlet=a.outlet,
        published=a.published,
        source=a.source,
        byline=a.byline,
        ingested_at=now or dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0),
        events=tuple(result.events),
    )
