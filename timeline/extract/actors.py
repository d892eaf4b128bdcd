"""Actor knowledge: which words name a state, an organisation, a person in office.

The knowledge lives in ``timeline/data/*.tsv`` so that it can grow without code
changes; pycountry supplies the official names of every state. Matching works on
character offsets of plain text, so the same gazetteer serves parsed sentences
and raw context sentences alike.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from typing import Literal

import pycountry

Kind = Literal["state", "demonym", "seat", "city", "org", "person", "office"]

# One-to-one folding keeps offsets stable while letting "Cavusoglu" match "Çavuşoğlu".
_FOLD = str.maketrans(
    "ÀÁÂÃÄÅàáâãäåÇçÈÉÊËèéêëÌÍÎÏìíîïÑñÒÓÔÕÖòóôõöÙÚÛÜùúûüÝýÿŞşĞğİıŠšŽžČčĆćŁłŃńŚśŹźŻżŒœ’‘",
    "AAAAAAaaaaaaCcEEEEeeeeIIIIiiiiNnOOOOOoooooUUUUuuuuYyySsGgIiSsZzCcCcLlNnSsZzZzOo''",
)


def fold(text: str) -> str:
    """Fold accents and curly apostrophes without changing the string's length."""
    return text.translate(_FOLD)


@dataclass(frozen=True, slots=True)
class Entry:
    """One way of naming an actor."""

    code: str
    kind: Kind
    name: str
    office: str | None = None
    start: dt.date | None = None
    end: dt.date | None = None


@dataclass(frozen=True, slots=True)
class ActorMention:
    """An actor named in a text, at ``start:end``; ``entries`` lists every reading of it."""

    start: int
    end: int
    text: str
    entries: tuple[Entry, ...]

    @property
    def kind(self) -> Kind:
        return self.entries[0].kind

    def resolve(self, on: dt.date | None = None) -> Entry:
        """The reading that holds on ``on``: for people, the office they held that day."""
        if len(self.entries) == 1 or on is None:
            return self.entries[0]
        current = [e for e in self.entries if (e.start is None or e.start <= on) and (e.end is None or on < e.end)]
        if current:
            return current[0]
        earlier = [e for e in self.entries if e.start is not None and e.start <= on]
        if earlier:
            return max(earlier, key=lambda e: e.start or dt.date.min)
        return self.entries[0]

    def code(self, on: dt.date | None = None) -> str:
        return self.resolve(on).code


def _data_lines(name: str) -> Iterator[list[str]]:
    text = resources.files("timeline.data").joinpath(name).read_text(encoding="utf-8")
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            yield line.rstrip("\n").split("\t")


def _date(value: str) -> dt.date | None:
    return dt.date.fromisoformat(value) if value.strip() else None


class Gazetteer:
    """All known names, compiled into one case-sensitive regular expression."""

    def __init__(self, entries: dict[str, list[Entry]]) -> None:
        self._entries = {k: tuple(v) for k, v in entries.items()}
        names = sorted(self._entries, key=len, reverse=True)
        body = "|".join(re.escape(n) for n in names)
        self._regex = re.compile(rf"(?<![\w.])(?:{body})(?![\w])")
        self.veto_holders: dict[str, frozenset[str]] = {}

    def find(self, text: str, offset: int = 0) -> list[ActorMention]:
        """Every actor named in ``text``, longest names first, offsets shifted by ``offset``."""
        found = []
        for m in self._regex.finditer(fold(text)):
            found.append(
                ActorMention(m.start() + offset, m.end() + offset, text[m.start() : m.end()], self._entries[m.group()])
            )
        return found

    def names_any(self, text: str) -> bool:
        """Whether ``text`` names any actor at all (one regex search, cheaper than ``find``)."""
        return self._regex.search(fold(text)) is not None

    def lookup(self, name: str) -> tuple[Entry, ...]:
        """Readings of exactly ``name`` (accents folded), or ``()``."""
        return self._entries.get(fold(name), ())

    def state_name(self, code: str) -> str:
        """A readable name for an actor code."""
        country = pycountry.countries.get(alpha_3=code)
        if country is not None:
            return str(getattr(country, "common_name", None) or country.name)
        return code


@functools.cache
def gazetteer() -> Gazetteer:
    """The process-wide gazetteer, built once from the data files."""
    entries: dict[str, list[Entry]] = {}

    def add(name: str, entry: Entry) -> None:
        key = fold(name.strip())
        if key and entry not in entries.setdefault(key, []):
            entries[key].append(entry)

    for country in pycountry.countries:
        for attr in ("name", "official_name", "common_name"):
            value = getattr(country, attr, None)
            if value and "," not in value:
                add(value, Entry(country.alpha_3, "state", value))
    kinds: dict[str, Kind] = {"name": "state", "demonym": "demonym", "seat": "seat", "city": "city"}
    for code, kind, names in _data_lines("countries.tsv"):
        for name in names.split("|"):
            add(name, Entry(code, kinds[kind], name))
    veto_holders: dict[str, frozenset[str]] = {}
    for row in _data_lines("organisations.tsv"):
        code, names = row[0], row[1]
        if len(row) > 2 and row[2].strip():
            veto_holders[code] = frozenset(row[2].split("|"))
        for name in names.split("|"):
            add(name, Entry(code, "org", name))
    for row in _data_lines("people.tsv"):
        aliases, code, office = row[0].split("|"), row[1], row[2]
        start = _date(row[3]) if len(row) > 3 else None
        end = _date(row[4]) if len(row) > 4 else None
        for name in aliases:
            add(name, Entry(code, "person", aliases[0], office, start, end))
    for words, code in _data_lines("offices.tsv"):
        # Offices are matched case-insensitively by listing the common capitalisations.
        for variant in {words, words.title(), words.capitalize()}:
            add(variant, Entry(code, "office", words))
    # A person with several offices is listed once per office; keep the latest first so
    # that an undated mention reads as the current office.
    for readings in entries.values():
        readings.sort(key=lambda e: e.start or dt.date.min, reverse=True)
    gaz = Gazetteer(entries)
    gaz.veto_holders = veto_holders
    return gaz


STATE_KINDS: frozenset[str] = frozenset({"state", "demonym", "seat"})
