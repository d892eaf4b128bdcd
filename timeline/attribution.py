"""Passages a page quotes from other outlets: "From CNN:", "AFP reports:", "China Daily adds:".

A paragraph that ends with such a cue is the page's own voice; the paragraphs
after it, up to the next paragraph that ends with a cue, are the quoted outlet's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from timeline.models import Attribution

_NAME = r"[A-Z][\w.&'’-]*(?: [A-Z][\w.&'’-]*){0,3}"
_CUES = [
    re.compile(rf"(?:^|[.!?\"”’:]\s*)(?:From|Via|via|According to|As reported by) (?P<src>{_NAME}):\s*$"),
    re.compile(rf"(?:^|[.!?\"”’]\s*)(?P<src>{_NAME}) (?:reports|reported|adds|added|writes|wrote|notes|"
               rf"Reports|Adds|Writes|Notes):\s*$"),
]  # fmt: skip


def cue_source(paragraph: str) -> str | None:
    """The outlet a paragraph hands over to, when it ends with a quotation cue."""
    text = paragraph.strip()
    for regex in _CUES:
        m = regex.search(text)
        if m:
            return m.group("src")
    return None


def find_attributions(text: str) -> tuple[Attribution, ...]:
    """Stretches of ``text`` (offsets into it) that quote another outlet."""
    out: list[Attribution] = []
    current: tuple[int, str] | None = None
    pos = 0
    for line in text.split("\n"):
        source = cue_source(line) if line.strip() else None
        if source is not None:
            if current is not None:
                out.append(Attribution(current[0], pos, current[1]))
            current = (pos + len(line) + 1, source)
        pos += len(line) + 1
    if current is not None and current[0] < len(text):
        out.append(Attribution(current[0], len(text), current[1]))
    return tuple(out)


AGENCIES = (
    "Reuters", "AP", "AFP", "Xinhua", "TASS", "RIA Novosti", "Bloomberg", "Anadolu", "Yonhap", "Kyodo", "dpa",
    "ANSA", "EFE", "PTI", "IANS", "ANI", "UPI", "Sputnik", "IRNA", "WAM", "SPA", "KUNA", "QNA", "MENA",
    "Interfax", "Ukrinform", "CNA", "Bernama", "Antara", "APA", "Trend", "BelTA", "Kazinform", "Prensa Latina",
    "APP", "BSS", "GNA", "NAN", "Lusa", "SANA", "Petra", "ENA", "Agerpres", "PNA", "RSS", "NNN", "ABP",
)  # fmt: skip
_DATELINE = re.compile(
    r"^\s*(?P<city>[A-Z][A-Za-z.'’ -]{1,40}?)"
    r"(?:,\s*(?P<date>(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.? \d{1,2}(?:,? \d{4})?))?"
    rf"\s*\((?P<agency>{'|'.join(re.escape(a) for a in AGENCIES)})\)\s*[-—–:]+\s*"
)


@dataclass(frozen=True, slots=True)
class Dateline:
    """A wire dateline: "MOSCOW, March 3 (Reuters) -"; ``end`` is where the story's text starts."""

    city: str
    date: str | None
    agency: str
    end: int


def find_dateline(text: str) -> Dateline | None:
    """The dateline that opens a wire story, if the text starts with one."""
    m = _DATELINE.match(text)
    if m is None:
        return None
    return Dateline(city=m.group("city").strip(), date=m.group("date"), agency=m.group("agency"), end=m.end())
