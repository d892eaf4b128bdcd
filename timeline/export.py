"""Events and timeline entries as CSV, NDJSON and TimelineJS; the CLI and the API write the same bytes."""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import itertools
from collections.abc import Iterable, Iterator, Sequence

import msgspec

from timeline.models import Entry, Event

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
    """Events (mentions) as RFC 4180 CSV with a header row, in chunks so that nothing large sits in memory."""
    return _csv(CSV_FIELDS, map(csv_row, events), batch)


def _csv(header: Iterable[str], rows: Iterable[Sequence[object]], batch: int) -> Iterator[str]:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(header)
    it = iter(rows)
    while True:
        writer.writerows(itertools.islice(it, batch))  # the loop over a chunk's rows runs in C
        chunk = buf.getvalue()
        if not chunk:
            return
        yield chunk
        buf.seek(0)
        buf.truncate()


ENTRY_CSV_FIELDS: tuple[str, ...] = (
    "id", "type", "status", "date_start", "date_end", "date_precision", "agents", "targets", "confidence",
    "mention_count", "outlets", "cameo", "plover", "title", "evidence", "first_reported", "last_reported", "urls",
    "sources",
)  # fmt: skip


def source_label(outlet: str | None, source: str | None) -> str:
    """The label "Outlet (original source)" for a republished report, else the outlet (or the source alone)."""
    if outlet and source and source != outlet:
        return f"{outlet} ({source})"
    return outlet or source or ""


def entry_csv_row(e: Entry) -> list[str]:
    """One timeline entry as CSV cells; lists joined with ';'.

    ``first_reported``/``last_reported`` are the earliest and latest publication dates of its
    reports, ``urls`` their article URLs and ``sources`` their outlets (with the original
    reporting source), so an analyst can go back from a spreadsheet row to the articles.
    """
    published = [s.published for s in e.sources if s.published]
    values = {
        "first_reported": min(published).isoformat() if published else "",
        "last_reported": max(published).isoformat() if published else "",
        "urls": ";".join(dict.fromkeys(s.url for s in e.sources if s.url)),
        "sources": ";".join(dict.fromkeys(lb for s in e.sources if (lb := source_label(s.outlet, s.source)))),
        "agents": ";".join(e.agents),
        "targets": ";".join(e.targets),
        "outlets": ";".join(e.outlets),
        "date_start": e.date_start.isoformat() if e.date_start else "",
        "date_end": e.date_end.isoformat() if e.date_end else "",
    }
    return [values[f] if f in values else ("" if getattr(e, f) is None else str(getattr(e, f))) for f in
            ENTRY_CSV_FIELDS]  # fmt: skip


def entry_csv_chunks(entries: Iterable[Entry], batch: int = 500) -> Iterator[str]:
    """Timeline entries as RFC 4180 CSV, header first, in chunks."""
    return _csv(ENTRY_CSV_FIELDS, map(entry_csv_row, entries), batch)


def entry_table_chunks(rows: Iterable[Sequence[object]], batch: int = 1000) -> Iterator[str]:
    """Rows already in ``ENTRY_CSV_FIELDS`` order (``Store.iter_entry_table``) as CSV, header first."""
    return _csv(ENTRY_CSV_FIELDS, rows, batch)


TYPE_LABELS = {"veto": "Veto", "visit": "Visit", "phone_call": "Phone call", "expulsion": "Expulsion",
               "recall": "Recall"}  # fmt: skip


def _tl_date(d: dt.date, precision: str) -> dict[str, int]:
    out = {"year": d.year}
    if precision in {"month", "week", "day"}:
        out["month"] = d.month
    if precision in {"week", "day"}:
        out["day"] = d.day
    return out


def headline(e: Entry) -> str:
    """A short human headline: "Visit: RUS → CHN"."""
    arrow = f" → {', '.join(e.targets)}" if e.targets else ""
    return f"{TYPE_LABELS[e.type]}: {', '.join(e.agents)}{arrow}"


def timelinejs_event(e: Entry) -> dict[str, object] | None:
    """An entry in TimelineJS3's JSON format; undated entries have no place on its axis."""
    if e.date_start is None or e.date_precision == "unknown":
        return None
    sources = "".join(
        f"<li>{html.escape(s.outlet or s.article)}{' (' + html.escape(s.source) + ')' if s.source else ''}: "
        f"{html.escape(s.evidence)}</li>"
        for s in e.sources
    )
    event: dict[str, object] = {
        "start_date": _tl_date(e.date_start, e.date_precision),
        "text": {"headline": html.escape(headline(e)), "text": f"<p>{html.escape(e.evidence)}</p><ul>{sources}</ul>"},
        "group": TYPE_LABELS[e.type],
        "unique_id": e.id,
    }
    if e.date_end:
        event["end_date"] = _tl_date(e.date_end, "day")
    return event


def timelinejs_document(entries: Iterable[Entry], title: str = "Diplomatic timeline") -> dict[str, object]:
    """A TimelineJS3 document: ``{"title": ..., "events": [...]}``."""
    events = [ev for ev in (timelinejs_event(e) for e in entries) if ev is not None]
    return {"title": {"text": {"headline": html.escape(title), "text": ""}}, "events": events}


def ndjson_chunks(items: Iterable[msgspec.Struct]) -> Iterator[bytes]:
    """Newline-delimited JSON, one object per line."""
    for item in items:
        yield _encoder.encode(item) + b"\n"
