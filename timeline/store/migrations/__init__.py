"""Schema migrations (Alembic): one revision history for SQLite and PostgreSQL, shipped in the package.

``upgrade(engine)`` brings any store to the newest revision: an empty database is built revision by
revision; a database made before migrations existed (tables but no ``alembic_version``) is stamped
at ``0001``, the schema ``create_all`` used to make, then upgraded.

To change the schema: edit ``timeline/store/schema.py`` (or ``pages.py``), then
``alembic -c timeline/store/migrations/alembic.ini revision --autogenerate -m "what"`` (or write
``versions/NNNN_what.py`` by hand from the previous one), and run the migration tests: an upgrade
from empty must give exactly the metadata.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

if TYPE_CHECKING:  # Alembic is imported when a migration runs, not by every command that opens a store
    from alembic.config import Config

HERE = Path(__file__).resolve().parent
# the revision that matches what ``metadata.create_all`` made before migrations existed
BASELINE = "0001"
# the newest revision, known without reading the scripts (a test checks it is ``head()``)
HEAD = "0006"


FULL_TEXT_TABLES = ("entries_fts", "events_fts")
FULL_TEXT_INDEXES = ("ix_entries_fts", "ix_events_fts", "ix_articles_fts")


def include_name(name: str | None, type_: str, parent_names: Any) -> bool:
    """What migrations manage: the full-text objects are made by hand (FTS5 tables, GIN expression indexes)."""
    if type_ == "table" and name is not None and name.startswith(FULL_TEXT_TABLES):
        return False
    return not (type_ == "index" and name in FULL_TEXT_INDEXES)


def config(connection: Connection | None = None, url: str | None = None) -> Config:
    """An Alembic config for this package's scripts, bound to ``connection`` (or ``url``)."""
    from alembic.config import Config

    cfg = Config(str(HERE / "alembic.ini"))
    cfg.set_main_option("script_location", str(HERE))
    if url is not None:
        cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def head() -> str:
    """The newest revision."""
    from alembic.script import ScriptDirectory

    rev = ScriptDirectory.from_config(config()).get_current_head()
    assert rev is not None
    return rev


def current(engine: Engine | Connection) -> str | None:
    """The revision the database is at (None: never migrated)."""
    from alembic.runtime.migration import MigrationContext

    if isinstance(engine, Connection):
        return MigrationContext.configure(engine).get_current_revision()
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def differences(conn: Connection) -> list[Any]:
    """How the database differs from the project's metadata (Alembic's autogenerate comparison)."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    import timeline.store  # noqa: F401  (every table registered on the metadata)
    from timeline.store.schema import metadata

    ctx = MigrationContext.configure(conn, opts={"include_name": include_name, "compare_type": True})
    return list(compare_metadata(ctx, metadata))


def stamp_head(conn: Connection) -> None:
    """Record that a database just built from the metadata is at the newest revision."""
    from alembic import command

    command.stamp(config(conn), "head")


def at_head(conn: Connection) -> bool:
    """Whether the database is at the newest revision, read without Alembic (a quick check on every start)."""
    if not sa.inspect(conn).has_table("alembic_version"):
        return False
    return conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar() == HEAD


def upgrade(engine: Engine, revision: str = "head") -> str | None:
    """Bring the database to ``revision``; returns the revision it is at afterwards."""
    with engine.begin() as conn:
        return upgrade_connection(conn, revision)


def upgrade_connection(conn: Connection, revision: str = "head") -> str | None:
    """``upgrade`` inside the caller's transaction (``Store.create_schema`` holds a lock around it)."""
    from alembic import command

    tables = set(sa.inspect(conn).get_table_names())
    cfg = config(conn)
    if "alembic_version" not in tables and "articles" in tables:
        # a database from before migrations: the baseline revision is what create_all made then (one
        # already equal to the metadata was made by create_all since, and is at head)
        command.stamp(cfg, "head" if not differences(conn) else BASELINE)
    command.upgrade(cfg, revision)
    at = current(conn)
    if at == head():
        _rebuild_if_requested(conn)
    return at


REBUILD = "rebuild"  # a store_meta row: a revision changed what the entries are made from


def request_rebuild(conn: Connection) -> None:
    """Ask for the entries to be rebuilt once the store reaches the newest revision.

    A data migration cannot run the current consolidation code against its own revision's tables
    (later revisions change them), so it asks, and ``upgrade_connection`` rebuilds at the head.
    """
    meta = sa.table("store_meta", sa.column("key", sa.String), sa.column("value", sa.Integer))
    if conn.execute(sa.select(meta.c.key).where(meta.c.key == REBUILD)).first() is None:
        conn.execute(meta.insert().values(key=REBUILD, value=1))


def _rebuild_if_requested(conn: Connection) -> None:
    from timeline.store.entries import rebuild_all
    from timeline.store.schema import store_meta

    if "store_meta" not in sa.inspect(conn).get_table_names():
        return
    asked = store_meta.c.key == REBUILD
    if conn.execute(sa.select(store_meta.c.key).where(asked)).first() is not None:
        rebuild_all(conn)
        conn.execute(store_meta.delete().where(asked))
