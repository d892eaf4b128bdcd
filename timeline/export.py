"""Event rows for CSV and JSON Lines; the CLI and the API write the same bytes."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator

import msgspec

from timeline.models import Event

CSV_FIELDS: tuple[str, ...] = (
    "id", "type", "status", "date_start", "date_end", "date_precision", "date_basis", "agents", "targets",
    "article", "outlet", "published", "source", "evidence", "confidence", "article_id",
)  # fmt: skip
_encoder = msgspec.json.Encoder()


def csv_row(e: Event) -> list[str]:
    """One event as CSV cells; actor codes joined with ';'."""
    values = {
        "agents": ";".join(e.agents),
        "targets": ";".join(e.targets),
        "date_start": e.date_start.isoformat() if e.date_start else "",
        "date_end": e.date_end.isoformat() if e.date_end else "",
        "published": e.published.isoformat() if e.published else "",
    }
    return [values[f] if f in values else ("" if getattr(e, f) is None else str(getattr(e, f))) for f in CSV_FIELDS]


def csv_chunks(events: Iterable[Event], batch: int = 500) -> Iterator[str]:
    """RFC 4180 CSV with a header row, yielded in chunks so that nothing large sits in memory."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(CSV_FIELDS)
    for n, e in enumerate(events, 1):
        writer.writerow(csv_row(e))
        if n % batch == 0:
            yield buf.getvalue()
            buf.seek(0)
            buf.truncate()
    yield buf.getvalue()


def jsonl_chunks(events: Iterable[Event]) -> Iterator[bytes]:
    """One JSON object per line."""
    for e in events:
        yield _encoder.encode(e) + b"\n"
