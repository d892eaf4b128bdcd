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


_EPOCH = dt.datetime(1970, 1, 1)
_MICROSECOND = dt.timedelta(microseconds=1)


class Stamp(sa.TypeDecorator[dt.datetime]):
    """A moment: microseconds since 1970 on SQLite (an integer of 6-8 bytes, not 26 characters), a
    DATETIME elsewhere. Like SQLAlchemy's SQLite DATETIME it keeps the wall-clock fields and no zone."""

    impl = sa.DateTime
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> sa.types.TypeEngine[Any]:
        return dialect.type_descriptor(sa.BigInteger() if dialect.name == "sqlite" else sa.DateTime())

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> Any:
        if value is None or dialect.name != "sqlite":
            return value
        return (value.replace(tzinfo=None) - _EPOCH) // _MICROSECOND

    def process_result_value(self, value: Any, dialect: Dialect) -> dt.datetime | None:
        if value is None or dialect.name != "sqlite":
            return value  # type: ignore[no-any-return]
        return _EPOCH + value * _MICROSECOND


def rank_bytes(rank: str) -> bytes | str:
    """A best-report rank (``consolidate.best_rank``: 3 digits, a date or 0000-00-00, a 0-1 confidence with
    4 decimals, a 16-digit hex id; 35 characters) as 14 bytes, or the text itself when it is not of that form."""
    try:
        head = (int(rank[0]) * 4 + int(rank[1]) * 2 + int(rank[2])).to_bytes(1, "big")
        day = 0 if rank[3:13] == "0000-00-00" else dt.date.fromisoformat(rank[3:13]).toordinal()
        packed = head + day.to_bytes(3, "big") + int(rank[13:19].replace(".", "")).to_bytes(2, "big")
        packed += bytes.fromhex(rank[19:])
    except (ValueError, OverflowError, IndexError):
        return rank
    return packed if len(packed) == 14 and rank_text(packed) == rank else rank


def rank_text(value: bytes) -> str:
    """The rank ``rank_bytes`` packed."""
    head, day, confidence = value[0], int.from_bytes(value[1:4], "big"), int.from_bytes(value[4:6], "big")
    published = dt.date.fromordinal(day).isoformat() if day else "0000-00-00"
    return (f"{head // 4}{head // 2 % 2}{head % 2}{published}{confidence // 10000}.{confidence % 10000:04d}"
            f"{value[6:].hex()}")  # fmt: skip


class Rank(sa.TypeDecorator[str]):
    """A best-report rank: 14 bytes on SQLite (``rank_bytes``, in the same order), the text elsewhere."""

    impl = sa.String
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> sa.types.TypeEngine[Any]:
        return dialect.type_descriptor(_Blob() if dialect.name == "sqlite" else sa.String(60))

    def process_bind_param(self, value: str | None, dialect: Dialect) -> Any:
        if value is None or dialect.name != "sqlite":
            return value
        return rank_bytes(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> str | None:
        return rank_text(value) if isinstance(value, bytes) else value


class Word(sa.TypeDecorator[str]):
    """One of a fixed list of words (event types, statuses, precisions, roles): on SQLite the digit of its
    place in the list, one byte instead of up to 12, anything else as it is; the word itself elsewhere.

    The list is part of the stored format: words are only ever appended to it (migration 0005 wrote
    the first ones).
    """

    impl = sa.String
    cache_ok = True

    def __init__(self, length: int, words: tuple[str, ...]) -> None:
        super().__init__(length)
        assert len(words) <= 10 and all(len(w) > 1 for w in words)
        self.words = words
        self._codes = {w: str(i) for i, w in enumerate(words)}

    def process_bind_param(self, value: str | None, dialect: Dialect) -> Any:
        if value is None or dialect.name != "sqlite":
            return value
        return self._codes.get(value, value)

    def process_result_value(self, value: Any, dialect: Dialect) -> str | None:
        if value is not None and len(value) == 1 and value.isdigit() and int(value) < len(self.words):
            return self.words[int(value)]
        return value  # type: ignore[no-any-return]
