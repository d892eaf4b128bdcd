"""The tables: articles, their events (mentions), the keys that group them, and the timeline entries.

How the bytes are spent: an article's text once, and an event's evidence inside it (the events row
holds the offsets; SQLite keeps the sentence itself only when it is not the text's slice, PostgreSQL
always, for its full-text index); each event's fields as columns, with a small msgpack ``extra`` for
what no column holds (``timeline.store.rows``); a key per distinct way a happening is reported; an
entry per happening with its filter columns, and nothing per entry that grows with its reports.
Tables whose primary key is their access path are SQLite ``WITHOUT ROWID`` tables (stored once, as
that key's B-tree, instead of a table plus an index).
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from timeline.models import EVENT_TYPES, PRECISIONS, STATUSES
from timeline.store.types import Day, HexId, Rank, Stamp, Word

# the words of these columns as one character each on SQLite (``Word``): lists only ever appended to
TYPE = Word(20, EVENT_TYPES)
STATUS = Word(20, STATUSES)
PRECISION = Word(10, PRECISIONS)
ROLE = Word(10, ("agent", "target"))

metadata = sa.MetaData()

articles = sa.Table(
    "articles",
    metadata,
    # the content hash as bytes on SQLite (20 for 40 hex digits), as every id
    sa.Column("id", HexId(40), primary_key=True),
    sa.Column("title", sa.Text),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("url", sa.Text),
    sa.Column("file", sa.Text),
    sa.Column("outlet", sa.String(200)),
    sa.Column("published", Day),
    sa.Column("source", sa.String(200)),
    sa.Column("byline", sa.Text),
    sa.Column("ingested_at", Stamp, nullable=False),
)

events = sa.Table(
    "events",
    metadata,
    sa.Column("id", HexId(16), primary_key=True),
    sa.Column("article_id", HexId(40), sa.ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
    sa.Column("key_id", HexId(16), nullable=False),
    sa.Column("type", TYPE, nullable=False),
    sa.Column("status", STATUS, nullable=False),
    sa.Column("date_start", Day),
    sa.Column("date_end", Day),
    sa.Column("date_precision", PRECISION, nullable=False),
    sa.Column("outlet", sa.String(200)),
    sa.Column("published", Day),
    # the sentence; NULL when it is the article text's [evidence_start:evidence_end] (SQLite)
    sa.Column("evidence", sa.Text),
    sa.Column("evidence_start", sa.Integer, nullable=False),
    sa.Column("evidence_end", sa.Integer, nullable=False),
    sa.Column("confidence", sa.Float, nullable=False),
    # NULL when the event's "article" is its article's file, else URL, else id (as the extractor names it)
    sa.Column("article", sa.Text),
    sa.Column("source", sa.String(200)),
    # day (0001-01-01 when undated) and id as bytes (``query.event_key``): a total order for keyset pagination
    sa.Column("sort_key", sa.LargeBinary, nullable=False, unique=True),
    # what no column holds (date basis and words, actors' names, in-article mentions): msgpack
    sa.Column("extra", sa.LargeBinary, nullable=False),
    sa.Index("ix_events_type_sort", "type", "sort_key"),
    sa.Index("ix_events_article", "article_id"),
    sa.Index("ix_events_key", "key_id", "published"),
)

# (code, sort_key) first, as ``entry_actors``: an actor's events come out of the key already in date
# order, so ``/events?actor=`` reads a page's worth of it instead of sorting all of that actor's events
event_actors = sa.Table(
    "event_actors",
    metadata,
    sa.Column("code", sa.String(12), primary_key=True),
    sa.Column("sort_key", sa.LargeBinary, primary_key=True),
    sa.Column("role", ROLE, primary_key=True),
    sqlite_with_rowid=False,
)

# One row per distinct (type, tier, window, agents, targets): every mention with the same key belongs to
# the same happening, so consolidation works on keys and its cost does not grow with a happening's reports.
keys = sa.Table(
    "keys",
    metadata,
    sa.Column("id", HexId(16), primary_key=True),
    sa.Column("type", TYPE, nullable=False),
    sa.Column("tier", sa.SmallInteger, nullable=False),
    sa.Column("lo", Day),
    sa.Column("hi", Day),
    sa.Column("agents", sa.Text, nullable=False),
    sa.Column("targets", sa.Text, nullable=False),
    sa.Column("entry_id", HexId(16), nullable=False),
    sa.Column("n", sa.Integer, nullable=False),
    sa.Column("log_miss", sa.Float, nullable=False),
    sa.Column("occurred", sa.Boolean, nullable=False),
    sa.Column("best", Rank, nullable=False),
    sa.Column("first_reported", Day),
    sa.Column("last_reported", Day),
    sa.Index("ix_keys_entry", "entry_id"),
    sqlite_with_rowid=False,
)

# The agents of each key with its type, tier and window: the index candidate searches run on.
key_agents = sa.Table(
    "key_agents",
    metadata,
    sa.Column("type", TYPE, primary_key=True),
    sa.Column("code", sa.String(12), primary_key=True),
    sa.Column("tier", sa.SmallInteger, primary_key=True),
    sa.Column("lo", Day, primary_key=True),
    sa.Column("key_id", HexId(16), primary_key=True),
    sa.Column("hi", Day, nullable=False),
    sqlite_with_rowid=False,
)

key_outlets = sa.Table(
    "key_outlets",
    metadata,
    sa.Column("key_id", HexId(16), primary_key=True),
    sa.Column("outlet", sa.String(200), primary_key=True),
    sa.Column("n", sa.Integer, nullable=False),
    sqlite_with_rowid=False,
)

entries = sa.Table(
    "entries",
    metadata,
    sa.Column("id", HexId(16), primary_key=True),
    sa.Column("type", TYPE, nullable=False),
    sa.Column("status", STATUS, nullable=False),
    sa.Column("date_start", Day),
    sa.Column("date_end", Day),
    sa.Column("date_precision", PRECISION, nullable=False),
    sa.Column("year", sa.Integer),
    # the last day the entry can stand for: date filters compare ranges by it
    sa.Column("date_last", Day),
    sa.Column("confidence", sa.Float, nullable=False),
    sa.Column("mention_count", sa.Integer, nullable=False),
    sa.Column("log_miss", sa.Float, nullable=False),
    sa.Column("occurred", sa.Boolean, nullable=False),
    sa.Column("best", Rank, nullable=False),
    sa.Column("best_event", HexId(16), nullable=False),
    # the smallest precise key (or the one key of an entry standing alone): the id derives from it
    sa.Column("anchor", HexId(16), nullable=False),
    # the days spanned by every member key's window: where a change can reach other keys
    sa.Column("lo", Day),
    sa.Column("hi", Day),
    sa.Column("agents", sa.Text, nullable=False),
    sa.Column("targets", sa.Text, nullable=False),
    sa.Column("outlets", sa.Text, nullable=False),
    sa.Column("first_reported", Day),
    sa.Column("last_reported", Day),
    # dated entries first in date order, undated last, as 12 bytes (``query.entry_key``); newest first reads
    # the same keys backwards, the dated ones and then the undated ones (``Store._entry_rows``)
    sa.Column("sort_key", sa.LargeBinary, nullable=False, unique=True),
    sa.Index("ix_entries_type_sort", "type", "sort_key"),
    sa.Index("ix_entries_year", "year", "type"),
)

entry_actors = sa.Table(
    "entry_actors",
    metadata,
    # (code, sort_key) first: an actor's entries come out of the key already in timeline order; an
    # entry's rows are found again from its own row (its codes and sort key), so no entry id is kept
    sa.Column("code", sa.String(12), primary_key=True),
    sa.Column("sort_key", sa.LargeBinary, primary_key=True),
    sa.Column("role", ROLE, primary_key=True),
    sqlite_with_rowid=False,
)

entry_outlets = sa.Table(
    "entry_outlets",
    metadata,
    sa.Column("outlet", sa.String(200), primary_key=True),
    sa.Column("sort_key", sa.LargeBinary, primary_key=True),
    sqlite_with_rowid=False,
)

# Bumped on every write: part of every ETag, so a cached response is never stale.
store_meta = sa.Table(
    "store_meta",
    metadata,
    sa.Column("key", sa.String(40), primary_key=True),
    sa.Column("value", sa.Integer, nullable=False),
)


# Counts kept up to date on every entry write, so that counts, facets and histograms of the whole
# timeline (or of some types and statuses) read a few hundred summary rows instead of every entry.
# period is the entry's "YYYY-MM" ("" when undated); rows are per type, so the type's write lock covers them.
def _counts(name: str, *columns: sa.Column[str]) -> sa.Table:
    return sa.Table(
        name,
        metadata,
        sa.Column("type", sa.String(20), primary_key=True),
        sa.Column("status", sa.String(20), primary_key=True),
        *columns,
        sa.Column("n", sa.Integer, nullable=False),
        sqlite_with_rowid=False,
    )


entry_counts = _counts(
    "entry_counts",
    sa.Column("precision", sa.String(10), primary_key=True),
    sa.Column("period", sa.String(7), primary_key=True),
)
actor_counts = _counts("actor_counts", sa.Column("code", sa.String(12), primary_key=True))
outlet_counts = _counts("outlet_counts", sa.Column("outlet", sa.String(200), primary_key=True))


def create_full_text(conn: Connection) -> None:
    """The full-text index over every report's evidence and its article's title.

    SQLite: a contentless FTS5 table keyed by the events' rowid (the index only, no second copy of the
    text), without token positions or column sizes (``detail=none``, ``columnsize=0``: a third of the
    size; searches are for words, never phrases, and results come in date order, not ranked);
    PostgreSQL: GIN expression indexes. Neither is a table the metadata describes.
    """
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql(
            "CREATE VIRTUAL TABLE IF NOT EXISTS events_fts USING fts5(body, content='', detail=none, columnsize=0, "
            "tokenize='unicode61 remove_diacritics 2')"
        )
    elif conn.dialect.name == "postgresql":
        conn.exec_driver_sql(
            "CREATE INDEX IF NOT EXISTS ix_events_fts ON events USING gin (to_tsvector('english', evidence))"
        )
        conn.exec_driver_sql(
            "CREATE INDEX IF NOT EXISTS ix_articles_fts ON articles "
            "USING gin (to_tsvector('english', coalesce(title, '')))"
        )
