"""Column types whose storage differs by database."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Dialect

# date.toordinal() of a day is its SQLite julianday() minus this (0001-01-01 is ordinal 1)
ORDINAL_TO_JULIAN = 1721424.5


class Day(sa.TypeDecorator[dt.date]):
    """A date: its ordinal on SQLite (an integer of 3 bytes, not 10 characters of text), a DATE elsewhere.

    SQLite has no date type; ordinals compare and index like the dates they stand for.
    """

    impl = sa.Date
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> sa.types.TypeEngine[Any]:
        return dialect.type_descriptor(sa.Integer() if dialect.name == "sqlite" else sa.Date())

    def process_bind_param(self, value: dt.date | None, dialect: Dialect) -> Any:
        if value is None or dialect.name != "sqlite":
            return value
        return value.toordinal()

    def process_result_value(self, value: Any, dialect: Dialect) -> dt.date | None:
        if value is None or dialect.name != "sqlite":
            return value  # type: ignore[no-any-return]
        return dt.date.fromordinal(value)


def iso_day(column: sa.ColumnElement[Any], dialect: str) -> sa.ColumnElement[Any]:
    """A ``Day`` column as the database hands it over most cheaply for writing out: ISO text on SQLite
    (converted by SQLite itself, so no Python date is made per value), the driver's date elsewhere."""
    if dialect == "sqlite":
        return sa.func.date(sa.type_coerce(column, sa.Integer) + ORDINAL_TO_JULIAN)
    return sa.type_coerce(column, sa.String)
