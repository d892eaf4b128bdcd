"""Which state an article speaks from, and which state an unnamed title stands for.

"The Foreign Ministry said", "the prime minister received a call": a title with
no name and no state beside it stands for the state the article speaks from.
That state is read, in order of trust, from a title qualified earlier in the
article ("Iran's Foreign Ministry ... the ministry"), the wire dateline
("ISLAMABAD, May 14 (APP):"), and the outlet (its web domain or a known
national outlet in ``timeline/data/outlets.tsv``). A title with a state, a name
or an "of" phrase beside it ("the Egyptian president", "President Lula of
Brazil", "the president of the company") is left to that neighbour.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from importlib import resources
from urllib.parse import urlsplit

import pycountry

from timeline.extract.actors import ActorMention, Entry, Gazetteer
from timeline.models import Article

_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?"
# "ISLAMABAD, Mar 04 (APP):", "MANILA, Philippines -", "New Delhi:", "ANKARA, November 4. /TASS/:"
DATELINE_RE = re.compile(
    rf"(?:^|\n|date \d{{4}}-\d\d-\d\d\s+)\s*(?:[,;]\s*)?"
    rf"(?P<place>[A-Z][A-Za-z'’.\-]+(?: [A-Z][A-Za-z'’.\-]+){{0,2}})\s*"
    rf"(?:,\s*(?P<region>[A-Z][A-Za-z]+(?: [A-Z][A-Za-z]+){{0,2}}))?"
    rf"(?:,?\s*(?:{_MONTH}\s+\d{{1,2}}|\d{{1,2}}\s+{_MONTH})(?:,?\s*\d{{4}})?\.?)?"
    rf"\s*(?:\([A-Za-z .]+\)|/[A-Za-z]+/)?(?:\s*(?::|—|–|--?)\s|(?<=[)/])\s+(?=[A-Z]))"
)
# Titles of bodies rather than people: an article's unnamed "the Foreign Ministry" is its home's
AGENCY_TITLES = frozenset({
    "foreign ministry", "ministry of foreign affairs", "foreign affairs ministry", "mfa", "mofa", "foreign office",
    "presidency", "prime minister's office", "pmo", "federal government", "government",
})  # fmt: skip
WIRE_RE = re.compile(r"\b(?:Reuters|AFP|Agence France-Presse|Associated Press|AP|Bloomberg|dpa)\b")
SEATS_OF_BODIES = {"Brussels": "EU"}
THE_CITY_RE = re.compile(r"\bthe (?:city|capital)\b(?! of\b)")
# "arrived in this capital", "arrived here": the city a dateline names
THIS_CITY_RE = re.compile(
    r"\bthis (?:capital|city)\b|(?:(?<=arrived )|(?<=arrives )|(?<=landed )|(?<=lands )|(?<=reached ))here\b",
    re.IGNORECASE,
)
THE_RE = re.compile(r"\b[Tt]he\s+$")
QUALIFIER_GAP_RE = re.compile(r"^(?:\s*(?:'s|’s|')?\s*)$")
NAME_AFTER_RE = re.compile(r"^\s+(?:[A-Z][a-z]+\.?\s+)?[A-Z][\w’'\-]+")
CALENDAR_WORDS = frozenset({"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday",
                            "On", "In", "At", "Last", "This", "Today", "Yesterday", "Tomorrow"})  # fmt: skip
# country-code domains sold as vanity names: not a sign of where an outlet stands
VANITY_TLDS = frozenset({"tv", "io", "co", "me", "ly", "fm", "ai", "cc", "ws", "to", "am", "nu", "gg", "im", "la"})
STATE_KINDS_FOR_QUALIFIER = frozenset({"state", "demonym", "seat", "person"})


@dataclass(frozen=True)
class ArticleContext:
    """What an article says about where it speaks from."""

    home: str | None
    # (offset, title, state): titles qualified by a state earlier in the article, and people by their office
    qualified: tuple[tuple[int, str, str], ...] = ()
    # whether the article itself names its home state (beyond the dateline)
    home_named: bool = False
    # the state of the place the story is filed from, when a dateline names it
    filed_from: str | None = None
    # organisations the article names ("EU"): a city that seats one stands for it ("Brussels announced ...")
    bodies: frozenset[str] = frozenset()
    # (offset, state) of each city or capital the article names, for a later "the city" or "the capital"
    places: tuple[tuple[int, str], ...] = ()

    def state_for(self, title: str, pos: int) -> str | None:
        """The state an unnamed ``title`` at ``pos`` stands for.

        Agencies ("the Foreign Ministry", "the government") are the home state's, else the same
        agency qualified earlier. A person's title ("the president") is the home state's when the
        article speaks of its home (an Islamabad story that names "the President of Iran" still means
        Pakistan's by "the prime minister"); in a story about abroad it is the last one named.
        """
        earlier = next((c for o, w, c in reversed(self.qualified) if o < pos and w == title), None)
        if title in AGENCY_TITLES or self.home_named:
            return self.home or earlier
        return earlier or self.home


@functools.cache
def _outlets() -> tuple[tuple[str, str], ...]:
    text = resources.files("timeline.data").joinpath("outlets.tsv").read_text(encoding="utf-8")
    rows = [line.split("\t") for line in text.splitlines() if line.strip() and not line.startswith("#")]
    return tuple((r[0].strip().lower(), r[1].strip()) for r in rows if len(r) >= 2)


def outlet_state(outlet: str | None, url: str | None) -> str | None:
    """The state of a national outlet, from its known name or domain, else its country-code domain."""
    host = (urlsplit(url).hostname or "").lower() if url else ""
    name = (outlet or "").lower()
    for key, code in _outlets():
        if "." in key and (host == key or host.endswith("." + key)):
            return code
        if "." not in key and name and re.search(rf"\b{re.escape(key)}\b", name):
            return code
    tld = host.rsplit(".", 1)[-1] if "." in host else ""
    if tld == "uk":
        return "GBR"
    if len(tld) == 2 and tld not in VANITY_TLDS:
        country = pycountry.countries.get(alpha_2=tld.upper())
        if country is not None:
            return str(country.alpha_3)
    return None


def _place_state(place: str | None, gaz: Gazetteer) -> str | None:
    if not place:
        return None
    place = place.strip()
    readings = gaz.lookup(place.title() if place.isupper() else place)
    if readings and readings[0].kind in {"seat", "city", "state"}:
        return readings[0].code
    return None


def dateline_state(text: str, gaz: Gazetteer) -> str | None:
    """The state of a wire dateline at the top of the article ("ISLAMABAD, May 14 (APP):")."""
    for m in DATELINE_RE.finditer(text[:400]):
        for part in (m.group("place"), m.group("region")):
            code = _place_state(part, gaz)
            if code is not None:
                return code
    return None


# The head of a dateline left in the text: "ISLAMABAD, May 14 (APP):", "New Delhi:", "RIYADH, Saudi Arabia —"
LEADING_DATELINE_RE = re.compile(
    rf"^(?:date \d{{4}}-\d\d-\d\d\s+)?(?:[,;]\s*)?(?P<place>[A-Z][A-Za-z'’.\-]+(?: [A-Z][A-Za-z'’.\-]+){{0,2}})\s*"
    rf"(?:,\s*(?P<region>[A-Z][A-Za-z]+(?: [A-Z][A-Za-z]+){{0,2}}))?"
    rf"(?P<date>,?\s*(?:{_MONTH}\s+\d{{1,2}}|\d{{1,2}}\s+{_MONTH})(?:,?\s*\d{{4}})?\.?)?"
    rf"\s*(?P<agency>\([A-Za-z .]+\)|/[A-Za-z]+/|\.\s*[A-Z]{{3,}}(?: [A-Z]{{2,}})?)?"
    # "Beijing, Nov 24 (Prensa Latina) Cuban President ...": an agency in brackets may end it without a stop
    rf"(?:\s*(?P<sep>:|—|–|--?)\s+|(?<=[)/])\s+(?=[A-Z]))"
)


def dateline_end(text: str, gaz: Gazetteer) -> int:
    """Where a dateline that opens ``text`` ends (0 when there is none).

    A dateline is metadata, not a sentence: left in, the parser takes "ISLAMABAD" for the subject.
    The place must be a known place, in capitals or followed by a date or an agency.
    """
    m = LEADING_DATELINE_RE.match(text)
    if m is None:
        return 0
    place = m.group("place")
    wire = place.isupper() or m.group("date") or m.group("agency")
    # "New Delhi:", "Khartoum — The Ethiopian Prime Minister ...": a known place and a colon or a dash
    if not wire and not (m.group("sep") in {":", "—", "–"} and _place_state(place, gaz)):
        return 0
    if _place_state(place, gaz) is None and _place_state(m.group("region"), gaz) is None and not place.isupper():
        return 0
    return m.end()


def wire_dateline(text: str) -> bool:
    """Whether ``text`` opens with an agency's dateline ("NUR-SULTAN. KAZINFORM –", "DHAKA, May 9 (BSS):")."""
    m = LEADING_DATELINE_RE.match(text.lstrip())
    return m is not None and (m.group("agency") is not None or bool(re.search(r"\.\s+[A-Z]{3,}$", m.group("place"))))


def blank_dateline(text: str, gaz: Gazetteer) -> str:
    """``text`` with an opening dateline replaced by spaces, so offsets stay the same."""
    end = dateline_end(text, gaz)
    return " " * end + text[end:] if end else text


def _qualifier(text: str, m: ActorMention, others: list[ActorMention]) -> ActorMention | None:
    """A state, demonym or person right before the title ("Russia's", "Egyptian") or after its "of"."""
    for o in others:
        if o.end <= m.start and QUALIFIER_GAP_RE.match(text[o.end : m.start]):
            return o
        if o.start >= m.end and re.fullmatch(r"\s+of\s+(?:the\s+)?", text[m.end : o.start]):
            return o
    return None


def article_context(art: Article, gaz: Gazetteer, found: list[ActorMention]) -> ArticleContext:
    """The article's home state and its qualified titles, from its mentions (``find(..., titles=True)``)."""
    # wire copy republished by a national outlet speaks from the wire's dateline, not the outlet's country
    wire = bool(WIRE_RE.search(art.outlet or "") or WIRE_RE.search(art.text[:300]) or WIRE_RE.search(art.source or ""))
    filed_from = (_place_state(art.dateline, gaz) if art.dateline else None) or dateline_state(art.text, gaz)
    # "LONDON, July 19 (BSS) - The prime minister arrived ...": a national agency abroad follows its own
    # leaders, so its unnamed titles are its state's; an international wire's are the place's
    agency = None if wire else outlet_state(art.source, None)
    home = agency or filed_from or (None if wire else outlet_state(art.outlet, art.url)) or headline_state(art, gaz)
    others = [m for m in found if m.kind in STATE_KINDS_FOR_QUALIFIER]
    qualified = []
    for m in found:
        if m.kind == "title":
            q = _qualifier(art.text, m, others)
            if q is not None and q.kind != "person" and len(q.code()) == 3:
                qualified.append((m.start, m.entries[0].name, q.code()))
        elif m.kind == "person" and m.entries[0].office:
            # "Biden arrived in Tokyo ... the president said": a named holder of the office
            entry = m.resolve(art.published)
            qualified.append((m.start, (entry.office or "").lower(), entry.code))
    head = dateline_end(art.text, gaz)
    home_named = home is not None and any(
        m.start >= head and m.kind in {"state", "demonym", "seat"} and m.code() == home for m in found
    )
    bodies = frozenset(m.code() for m in found if m.kind == "org")
    places = tuple((m.start, m.code()) for m in found if m.kind in {"seat", "city"} and len(m.code()) == 3)
    return ArticleContext(home, tuple(qualified), home_named, filed_from, bodies, places)


def headline_state(art: Article, gaz: Gazetteer) -> str | None:
    """The state a headline opens with as its subject ("Australia expels Fiji diplomat"), or None.

    The last resort for an article's home, when neither outlet nor dateline tells it: the story's
    "Federal Government" is then most likely the headline's actor.
    """
    if not art.title:
        return None
    title = re.sub(r"^(?:the\s+)", "", art.title.strip(), flags=re.IGNORECASE)
    first = next(iter(gaz.find(title)), None)
    if first is None or first.start != 0 or first.kind not in {"state", "seat", "demonym"}:
        return None
    code = first.code(art.published)
    return code if len(code) == 3 else None


def resolve_titles(text: str, found: list[ActorMention], ctx: ArticleContext, offset: int = 0) -> list[ActorMention]:
    """``found`` with each unnamed title replaced by the state it stands for, or dropped when it has none.

    ``text`` is the sentence the mentions were found in and ``offset`` its place in the article.
    """
    others = [m for m in found if m.kind != "title"]
    out = []
    for m in found:
        body = SEATS_OF_BODIES.get(m.text)
        if m.kind == "seat" and body in ctx.bodies:
            # "Brussels announced the expulsion ..." in a story about the EU
            out.append(ActorMention(m.start, m.end, m.text, (Entry(body, "org", m.text),)))
            continue
        if m.kind != "title":
            out.append(m)
            continue
        if not THE_RE.search(text[max(0, m.start - 8) : m.start]):
            continue  # "a president", "former president", "his foreign minister"
        if _qualifier(text, m, [o for o in others if o.kind in STATE_KINDS_FOR_QUALIFIER]) is not None:
            continue  # "the Egyptian president": the demonym names the state
        after = text[m.end : m.end + 40]
        if re.match(r"\s+of\b", after):
            continue  # "the president of the company", "the Foreign Minister of Ghana"
        name = NAME_AFTER_RE.match(after)
        if name and name.group().split()[0] not in CALENDAR_WORDS:
            continue  # "the Prime Minister Kyriakos Mitsotakis": the name decides, if it is known
        code = ctx.state_for(m.entries[0].name, m.start + offset) or m.entries[0].code or None
        if code is None:
            continue
        entry = Entry(code, "office", m.entries[0].name, m.entries[0].name)
        out.append(ActorMention(m.start, m.end, m.text, (entry,)))
    if ctx.filed_from is not None:
        # "BEIJING, Nov 24 (Prensa Latina) ... arrived in this capital": the city the story is filed from
        for here in THIS_CITY_RE.finditer(text):
            seat = Entry(ctx.filed_from, "seat", here.group())
            out.append(ActorMention(here.start(), here.end(), here.group(), (seat,)))
    for there in THE_CITY_RE.finditer(text):
        # "Putin visited Samarkand in May ... Nazarbayev's trip came a week after Putin visited the city"
        before = [code for at, code in ctx.places if at < offset]
        if before:
            seat = Entry(before[-1], "seat", there.group())
            out.append(ActorMention(there.start(), there.end(), there.group(), (seat,)))
    out.sort(key=lambda m: m.start)
    return out
