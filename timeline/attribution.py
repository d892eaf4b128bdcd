"""Passages a page quotes from other outlets: "From CNN:", "AFP reports:", "China Daily adds:".

A paragraph that ends with such a cue is the page's own voice; the paragraphs
after it, up to the next paragraph that ends with a cue, are the quoted outlet's.
"""

from __future__ import annotations

import re

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
