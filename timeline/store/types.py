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


_HEX = frozenset("0123456789abcdef")


class _Blob(sa.types.UserDefinedType[Any]):
    """A BLOB column whose values go to the driver as they are (bytes, or text for an id that is not hex)."""

    cache_ok = True

    def get_col_spec(self, **kw: Any) -> str:
        return "BLOB"


class HexId(sa.TypeDecorator[str]):
    """An id of lowercase hex digits: its bytes on SQLite (8 for 16 digits), the text elsewhere.

    An id that is not such hex stays text in the same column (SQLite keeps each value's own type),
    so any id round-trips; hex ids keep their order as bytes.
    """

    impl = sa.String
    cache_ok = True

    def __init__(self, length: int) -> None:
        super().__init__(length)
        self.length = length

    def load_dialect_impl(self, dialect: Dialect) -> sa.types.TypeEngine[Any]:
        return dialect.type_descriptor(_Blob() if dialect.name == "sqlite" else sa.String(self.length))

    def process_bind_param(self, value: str | bytes | None, dialect: Dialect) -> Any:
        # bytes are an id as stored, read back without conversion (``Store.iter_entry_table``)
        if value is None or isinstance(value, bytes) or dialect.name != "sqlite":
            return value
        if len(value) % 2 or not _HEX.issuperset(value):
            return value
        return bytes.fromhex(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> str | None:
        return value.hex() if isinstance(value, bytes) else value
