"""Alembic environment: the project's metadata, the database from settings or a passed connection."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import context

import timeline.store  # noqa: F401  (registers every table, pages included, on the metadata)
from timeline.settings import Settings
from timeline.store.migrations import include_name
from timeline.store.schema import metadata
from timeline.store.sql import normalise_url

config = context.config


def _run(connection: sa.engine.Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        include_name=include_name,
        # SQLite cannot ALTER most things: batch mode copies the table, so revisions work on both
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    url = config.get_main_option("sqlalchemy.url") or Settings.from_env().database_url
    engine = sa.create_engine(normalise_url(url))
    try:
        with engine.begin() as conn:
            _run(conn)
    finally:
        engine.dispose()


if context.is_offline_mode():
    raise SystemExit("offline (SQL script) migrations are not supported: run `timeline db upgrade`")
run_migrations_online()
