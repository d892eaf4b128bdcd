"""Actor knowledge: which words name a state, an organisation, a person in office.

The knowledge lives in ``timeline/data/*.tsv`` so that it can grow without code
changes; pycountry supplies the official names of every state. Matching works on
character offsets of plain text, so the same gazetteer serves parsed sentences
and raw context sentences alike.

People come from every people file: the curated ``people.tsv`` first, then
``officeholders.tsv`` (a large generated list) and any ``people_*.tsv``. A name
that already names a place or an organisation ("Jordan", "Chad") never becomes a
person's alias, and one person listed in several files is one reading.

Unnamed titles ("the Foreign Ministry", "the prime minister") are entries of kind
``title``: which state they stand for depends on the article (see
``timeline.extract.home``; a title's code, when it has one, is only its default), so
``find`` leaves them out unless asked.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Literal

import pycountry

Kind = Literal["state", "demonym", "seat", "city", "org", "person", "office", "title"]

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


# the capitalised word right before a name, after a word or comma of the same sentence (not its start)
PRECEDING_NAME_RE = re.compile(r"(?P<sep>[a-z,]\s+)?(?P<word>[A-Z][a-z]+)\s+$")
# two capitalised words right before a name, after a word or comma of the same sentence
NAME_RUN_RE = re.compile(r"[a-z,]\s+(?P<a>[A-Z][a-z]+)\s+(?P<b>[A-Z][a-z]+)\s+$")
# capitalised words that stand before a surname without being a given name
_NOT_GIVEN = """
mr mrs ms miss dr sir lord lady madam dame gen general colonel col marshal admiral his her excellency majesty
highness honourable hon president minister premier chancellor ambassador envoy secretary king queen prince princess
emir sheikh sultan crown leader chairman chair speaker governor senator deputy vice foreign prime state chief head
supreme commander counterpart opposition former late acting interim monday tuesday wednesday thursday friday
saturday sunday january february march april may june july august september october november december when after
before as while with and but then tsar shah pope cardinal archbishop imam ayatollah rabbi reverend pastor father
brother sister
"""
NOT_GIVEN_NAMES = frozenset(_NOT_GIVEN.split())
# A region's name before a demonym makes it the region's: "Central American", "Latin American", "Pan-African"
REGION_BEFORE_RE = re.compile(r"\b(?:Central|South|Latin|North|Native|Pan|Meso|Ibero|Afro|Anglo)[ -]$")
# Words left in lower case when an office is written in title case: "Ministry of External Affairs"
SMALL_WORDS = frozenset({"of", "the", "and", "for", "to", "on", "in"})


def _data_lines(root: Traversable | Path, name: str) -> Iterator[list[str]]:
    path = root.joinpath(name)
    if not path.is_file():
        return
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            yield line.rstrip("\n").split("\t")


def _date(value: str) -> dt.date | None:
    return dt.date.fromisoformat(value) if value.strip() else None


def people_files(root: Traversable | Path) -> list[str]:
    """The people files in ``root``, curated first: people.tsv, officeholders.tsv, then people_*.tsv by name."""
    names = {p.name for p in root.iterdir() if p.name.endswith(".tsv")}
    extra = sorted(n for n in names if n.startswith("people_"))
    return [n for n in ("people.tsv", "officeholders.tsv") if n in names] + extra


def trie_pattern(names: Iterable[str]) -> str:
    """One regular expression for many literal names, as a trie: shared prefixes are tried once.

    A plain alternation of thousands of names makes ``re`` try every branch at every
    position; the trie form tries one character at a time and still prefers the
    longest name (greedy optional tails, backtracking to a shorter name when a
    longer one does not end at a word boundary).
    """
    trie: dict[str, dict] = {}  # type: ignore[type-arg]
    for name in sorted(names):
        node = trie
        for ch in name:
            node = node.setdefault(ch, {})
        node[""] = {}

    escaped: dict[str, str] = {}

    def esc(ch: str) -> str:
        if ch not in escaped:
            escaped[ch] = re.escape(ch)
        return escaped[ch]

    def emit(node: dict) -> str:  # type: ignore[type-arg]
        ends = "" in node
        branches = [esc(ch) + emit(child) for ch, child in node.items() if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if ends:
            atom = len(branches) == 1 and len(node) == 2 and body == esc(next(c for c in node if c))
            return body + "?" if atom else "(?:" + body + ")?"
        return body

    return emit(trie)


class Gazetteer:
    """All known names, compiled into one case-sensitive regular expression (a trie of the names)."""

    def __init__(self, entries: dict[str, list[Entry]]) -> None:
        self._entries = {k: tuple(v) for k, v in entries.items()}
        self._regex = re.compile(rf"(?<![\w.])(?:{trie_pattern(self._entries)})(?![\w])")
        self.veto_holders: dict[str, frozenset[str]] = {}

    def find(self, text: str, offset: int = 0, titles: bool = False) -> list[ActorMention]:
        """Every actor named in ``text``, longest names first, offsets shifted by ``offset``.

        Unnamed titles (kind ``title``) are left out unless ``titles`` is set: only the
        article-level resolution in ``timeline.extract.home`` knows their state.
        """
        found = []
        for m in self._regex.finditer(fold(text)):
            entries = self._entries[m.group()]
            if entries[0].kind == "title" and not titles:
                continue
            if entries[0].kind != "person" and REGION_BEFORE_RE.search(text, max(0, m.start() - 12), m.start()):
                continue  # "the Central American nation of Honduras": a region, not the United States
            if entries[0].kind == "person" and self._someone_else(text, m.start(), m.group(), entries):
                continue  # "Ambassador Tarzan Milosevic" is not Slobodan Milosevic
            if entries[0].kind == "state" and self._in_a_name(text, m.start()):
                continue  # "its ambassador, Mohamed Ali America": the envoy's surname, not the United States
            found.append(ActorMention(m.start() + offset, m.end() + offset, text[m.start() : m.end()], entries))
        return found

    def _in_a_name(self, text: str, start: int) -> bool:
        """Whether a state's name ends a run of two given names mid-sentence ("Mohamed Ali America")."""
        before = NAME_RUN_RE.search(text, max(0, start - 60), start)
        if before is None:
            return False
        return self._given_name(before.group("a")) and self._given_name(before.group("b"))

    def _given_name(self, word: str) -> bool:
        """Whether a capitalised word before a name may be a given name: no title, day or known name."""
        return word.lower() not in NOT_GIVEN_NAMES and not self._entries.get(fold(word))

    def _someone_else(self, text: str, start: int, name: str, entries: tuple[Entry, ...]) -> bool:
        """Whether a one-word name follows another given name mid-sentence: a namesake, not the office holder.

        A title ("President"), a place or a day before it, a sentence start, or the holder's own given name
        among the words just before it ("Nana Addo Dankwa Akufo-Addo") keep the reading.
        """
        if " " in name:
            return False
        before = PRECEDING_NAME_RE.search(text, max(0, start - 40), start)
        if before is None or before.group("sep") is None:
            return False
        if not self._given_name(before.group("word")):
            return False
        given = {e.name.split()[0].lower() for e in entries if " " in e.name}
        near = {w.lower() for w in re.findall(r"[^\W\d_]+", text[max(0, start - 40) : start])}
        return bool(given) and not (given & near)

    def names_any(self, text: str) -> bool:
        """Whether ``text`` names any actor or title at all (one regex search, cheaper than ``find``)."""
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


def build_gazetteer(root: Traversable | Path) -> Gazetteer:
    """A gazetteer from the data files in ``root`` (the package's ``timeline/data`` in production)."""
    entries: dict[str, list[Entry]] = {}

    def add(name: str, entry: Entry) -> None:
        key = fold(name.strip())
        if not key:
            return
        readings = entries.setdefault(key, [])
        if entry.kind == "person" and any(r.kind != "person" for r in readings):
            return  # "Jordan", "Chad", "Georgia": a place or organisation keeps its name
        if entry.kind != "person" and any(r.kind == "person" for r in readings):
            readings[:] = [r for r in readings if r.kind != "person"]
        if entry not in readings:
            readings.append(entry)

    for country in pycountry.countries:
        for attr in ("name", "official_name", "common_name"):
            value = getattr(country, attr, None)
            if value and "," not in value:
                add(value, Entry(country.alpha_3, "state", value))
    kinds: dict[str, Kind] = {"name": "state", "demonym": "demonym", "seat": "seat", "city": "city"}
    for code, kind, names in _data_lines(root, "countries.tsv"):
        for name in names.split("|"):
            add(name, Entry(code, kinds[kind], name))
    veto_holders: dict[str, frozenset[str]] = {}
    for row in _data_lines(root, "organisations.tsv"):
        code, names = row[0], row[1]
        if len(row) > 2 and row[2].strip():
            veto_holders[code] = frozenset(row[2].split("|"))
        for name in names.split("|"):
            add(name, Entry(code, "org", name))
    for words, code in _data_lines(root, "offices.tsv"):
        # Offices are matched case-insensitively by listing the common capitalisations;
        # one with no state of its own is a title whose state the article decides.
        code = code.strip()
        office_kind: Kind = "title" if not code or code.endswith("?") else "office"
        headline = " ".join(w if w in SMALL_WORDS else w[:1].upper() + w[1:] for w in words.split())
        for variant in {words, headline, words.capitalize(), words.upper() if len(words) <= 4 else words}:
            add(variant, Entry(code.rstrip("?"), office_kind, words))
    curated_keys: set[str] = set()
    for filename in people_files(root):
        curated = filename == "people.tsv"
        for row in _data_lines(root, filename):
            if len(row) < 3:
                continue
            aliases, code, office = row[0].split("|"), row[1].strip(), row[2].strip()
            start = _date(row[3]) if len(row) > 3 else None
            end = _date(row[4]) if len(row) > 4 else None
            for name in aliases:
                if curated:
                    curated_keys.add(fold(name.strip()))
                elif fold(name.strip()) in curated_keys and " " not in name.strip():
                    continue  # a curated surname ("Kim", "Lee") is not widened by a generated list
                add(name, Entry(code, "person", aliases[0].strip(), office, start, end))
    # A one-word name that generated lists give to people of several states ("Khan", "Singh") says
    # nothing on its own: it is dropped, and the full names still match.
    for key, readings in entries.items():
        if " " not in key and key not in curated_keys and len({r.code for r in readings if r.kind == "person"}) > 1:
            readings[:] = [r for r in readings if r.kind != "person"]
    # A person with several offices is listed once per office; keep the latest first so
    # that an undated mention reads as the current office.
    for readings in entries.values():
        readings.sort(key=lambda e: e.start or dt.date.min, reverse=True)
    gaz = Gazetteer({k: v for k, v in entries.items() if v})
    gaz.veto_holders = veto_holders
    return gaz


@functools.cache
def gazetteer() -> Gazetteer:
    """The process-wide gazetteer, built once from the package's data files."""
    return build_gazetteer(resources.files("timeline.data"))


# Names that act for a state: the state, its people, its seat of government, its offices and agencies.
STATE_KINDS: frozenset[str] = frozenset({"state", "demonym", "seat", "office"})
