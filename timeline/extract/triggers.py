"""Trigger patterns: which words, in which syntactic surroundings, announce an event.

The patterns live in ``timeline/data/triggers.toml``; plugins contribute more
through the ``timeline_event_patterns`` hook. This module only loads them and
matches them against parsed tokens.
"""

from __future__ import annotations

import functools
import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import resources
from typing import Any

from spacy.tokens import Token

from timeline.models import EVENT_TYPES

LIGHT_VERBS = frozenset({
    "hold", "have", "pay", "make", "conduct", "cast", "use", "exercise", "begin", "start", "undertake",
    "carry", "wrap", "end", "complete", "host", "receive", "announce", "order", "place", "get", "take",
    "initiate", "exchange",
})  # fmt: skip


QUANTITY_HEADS = frozenset({
    "dozen", "dozens", "number", "group", "handful", "couple", "score", "scores", "team", "some", "all", "several",
    "many", "most", "few", "hundred", "hundreds", "pair", "total", "rest", "one", "two", "three", "four", "five",
    "six", "seven", "eight", "nine", "ten", "members", "member", "half", "part", "each", "both", "none", "any",
})  # fmt: skip


class PatternError(ValueError):
    """A trigger pattern (from the data file or a plugin) is malformed."""


@dataclass(frozen=True, slots=True)
class Pattern:
    """One trigger: a head lemma and part of speech with constraints around it."""

    type: str
    lemma: str
    pos: str
    confidence: float
    particle: str | None = None
    objects: frozenset[str] = frozenset()
    modifiers: frozenset[str] = frozenset()
    by: frozenset[str] = frozenset()
    place_preps: frozenset[str] = frozenset()
    xcomp: frozenset[str] = frozenset()
    veto_holder: bool = False
    persona_non_grata: bool = False
    reverse: bool = False
    meeting: bool = False
    purpose: frozenset[str] = frozenset()
    against: frozenset[str] = frozenset()
    remote: bool = False
    departure: bool = False
    governors: frozenset[str] = frozenset()
    ending: bool = False
    place_required: bool = False
    told_to_go: bool = False
    status: str | None = None
    future: bool = False
    keywords: frozenset[str] = frozenset()
    origin: str = "core"

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any], origin: str = "core") -> Pattern:
        """Build a pattern from a TOML table or a plugin's dict, checking what it says."""
        try:
            kind, lemma, pos = str(data["type"]), str(data["lemma"]).lower(), str(data["pos"]).upper()
        except KeyError as exc:
            raise PatternError(f"trigger pattern from {origin} lacks {exc.args[0]!r}") from None
        if kind not in EVENT_TYPES:
            raise PatternError(f"trigger pattern from {origin} has unknown type {kind!r}")
        if pos not in {"VERB", "NOUN"}:
            raise PatternError(f"trigger pattern from {origin} has pos {pos!r}; use VERB or NOUN")

        def words(key: str) -> frozenset[str]:
            return frozenset(str(w).lower() for w in data.get(key, ()))

        return cls(
            type=kind,
            lemma=lemma,
            pos=pos,
            confidence=float(data.get("confidence", 0.7)),
            particle=data.get("particle"),
            objects=words("objects"),
            modifiers=words("modifiers"),
            by=words("by"),
            place_preps=words("place_preps"),
            xcomp=words("xcomp"),
            veto_holder=bool(data.get("veto_holder", False)),
            persona_non_grata=bool(data.get("persona_non_grata", False)),
            reverse=bool(data.get("reverse", False)),
            meeting=bool(data.get("meeting", False)),
            purpose=words("purpose"),
            against=words("against"),
            remote=bool(data.get("remote", False)),
            departure=bool(data.get("departure", False)),
            governors=words("governors"),
            ending=bool(data.get("ending", False)),
            place_required=bool(data.get("place_required", False)),
            told_to_go=bool(data.get("told_to_go", False)),
            status=data.get("status"),
            future=bool(data.get("future", False)),
            keywords=words("keywords") or frozenset({lemma[:5]}),
            origin=origin,
        )


@functools.cache
def core_patterns() -> tuple[Pattern, ...]:
    """The patterns shipped with the core."""
    raw = resources.files("timeline.data").joinpath("triggers.toml").read_text(encoding="utf-8")
    return tuple(Pattern.from_mapping(t) for t in tomllib.loads(raw)["trigger"])


ENVOY_WORDS = frozenset({"ambassador", "envoy", "diplomat", "chargé", "charge", "consul", "attaché", "attache",
                         "commissioner"})  # fmt: skip
ON_A_TRIP = frozenset({"visit", "tour", "leg", "trip", "mission", "stopover"})

# "persona non grata", "persona non-grata", "personae non gratae", in any case
PERSONA_NON_GRATA_RE = re.compile(r"\bpersonae?[\s-]+non[\s-]+grat(?:a|ae)\b", re.IGNORECASE)


def keyword_regex(patterns: Iterable[Pattern]) -> re.Pattern[str]:
    """A cheap test for sentences that may hold a trigger, so that only those get parsed.

    Each pattern's ``keywords`` (by default the first five letters of its lemma) must
    cover every inflected form: irregular verbs list theirs ("met", "flew").
    """
    stems = {k for p in patterns for k in p.keywords} | {"phone", "telephon", "persona non grata", "expel", "vetoe"}
    return re.compile("|".join(sorted(map(re.escape, stems))), re.IGNORECASE)


def _object_heads(token: Token) -> list[Token]:
    heads = [c for c in token.children if c.dep_ in {"dobj", "nsubjpass", "attr", "oprd"}]
    heads += [c for h in list(heads) if h.lower_ == "home" for c in h.children if c.dep_ == "compound"]
    # "recalled on Friday its ambassador": the parser may read the object as the day's apposition
    days = [d for c in token.children if c.dep_ == "prep" for d in c.children
            if d.dep_ == "pobj" and DATE_WORD_RE.fullmatch(d.lower_)]  # fmt: skip
    heads += [a for d in days for a in d.children if a.dep_ == "appos"]
    # "Ajay Bisaria, India's High Commissioner to Pakistan, was called ...": the title is in apposition
    heads += [a for h in list(heads) for a in h.children if a.dep_ == "appos"]
    # "called President Moon", "expelled Ambassador John Smith": the title before the name
    heads += [c for h in list(heads) if h.pos_ == "PROPN" for c in h.children if c.dep_ == "compound"]
    # "expelled dozens of Russian diplomats": the quantity's "of" phrase names what was expelled
    # ("recognition of Gbagbo's envoy" is no quantity: the envoy is not what was withdrawn)
    heads += [g for h in list(heads) if h.pos_ == "NUM" or h.lemma_.lower() in QUANTITY_HEADS
              for c in h.children if c.dep_ == "prep" and c.lower_ == "of"
              for g in c.children if g.dep_ == "pobj"]  # fmt: skip
    if token.pos_ == "NOUN":
        heads += [g for c in token.children if c.dep_ == "prep" and c.lemma_ == "of" for g in c.children
                  if g.dep_ == "pobj"]  # fmt: skip
    if token.dep_ in {"acl", "amod"} and token.tag_ == "VBN":
        heads.append(token.head)
    # "gave the envoy 72 hours to leave": the envoy is the indirect object
    heads += [c for c in token.children if c.dep_ == "dative" and c.pos_ in {"NOUN", "PROPN", "PRON"}]
    return [x for h in heads for x in (h, *h.conjuncts)]


def against_objects(token: Token) -> list[Token]:
    """Heads of an "against" phrase on the verb or on its object ("took action against Syrian diplomats")."""
    holders = [token, *(c for c in token.children if c.dep_ == "dobj")]
    heads = [g for h in holders for c in h.children if c.dep_ == "prep" and c.lower_ == "against"
             for g in c.children if g.dep_ == "pobj"]  # fmt: skip
    # "against dozens of Russian diplomats": the quantity's "of" phrase
    heads += [g for h in list(heads) if h.pos_ == "NUM" or h.lemma_.lower() in QUANTITY_HEADS
              for c in h.children if c.dep_ == "prep" and c.lower_ == "of"
              for g in c.children if g.dep_ == "pobj"]  # fmt: skip
    return heads


# "took similar action against", not "took legal action against" (a lawsuit) or "disciplinary action"
STEP_QUALIFIERS = frozenset({"similar", "same", "coordinated", "reciprocal", "joint", "diplomatic", "retaliatory",
                             "parallel", "concerted", "such", "swift", "quick", "immediate"})  # fmt: skip


def _plain_step(token: Token) -> bool:
    """The step taken is unqualified or qualified only as like others' ("similar", "coordinated")."""
    steps = [c for c in token.children if c.dep_ == "dobj"]
    return all(m.lower_ in STEP_QUALIFIERS for s in steps for m in s.children if m.dep_ in {"amod", "compound"})


def _modifier_words(token: Token) -> set[str]:
    words = {c.lemma_.lower() for c in token.children if c.dep_ in {"compound", "amod", "nmod", "npadvmod"}}
    if token.i >= 2 and token.doc[token.i - 1].text in {"-", "–"}:
        words.add(token.doc[token.i - 2].lemma_.lower())
    if token.dep_ in {"dobj", "pobj"} and token.head.lemma_.lower() in {"start", "begin"}:
        words.add(token.head.lemma_.lower())
    return words


def matches(pattern: Pattern, token: Token) -> bool:
    """Whether ``token`` is this pattern's head in its surroundings (roles are checked later)."""
    if token.lemma_.lower() != pattern.lemma:
        return False
    pos = "VERB" if token.pos_ in {"VERB", "AUX"} or token.tag_.startswith("VB") else token.pos_
    if pos == "PROPN":
        pos = "NOUN"
    if pos != pattern.pos:
        return False
    # ("ordering its envoy home": the parser may read "envoy home" as one noun, "home" the object)
    if pattern.particle and not any(
        c.dep_ in {"prt", "advmod", "prep", "dobj"} and c.lower_ == pattern.particle for c in token.children
    ):
        return False
    if pattern.objects and not any(
        o.lemma_.lower() in pattern.objects or (o.pos_ == "PROPN" and "propn" in pattern.objects)
        for o in _object_heads(token)
    ):
        return False
    if pattern.modifiers and not (_modifier_words(token) & pattern.modifiers):
        return False
    # "spoke by phone", "exchanged views over the phone" (the parser may hang the phrase on the object)
    # (or on a coordinated object: "discussed the visit and the situation over phone")
    near = [*token.children, *(g for c in token.children if c.dep_ in {"dobj", "conj"} for g in c.children)]
    # ("spoke about these issues on the phone": or on the object of its preposition)
    near += [g for c in token.children if c.dep_ == "prep" for o in c.children if o.dep_ == "pobj" for g in o.children]
    if pattern.by and not any(
        c.dep_ == "prep"
        and c.lower_ in {"by", "over", "on", "via"}
        and any(g.lemma_.lower() in pattern.by for g in c.children)
        for c in near
    ):
        return False
    if pattern.xcomp and not any(c.dep_ in {"xcomp", "ccomp"} and c.lemma_.lower() in pattern.xcomp
                                 for c in token.children):  # fmt: skip
        return False
    if pattern.purpose and not any(
        c.dep_ == "prep"
        and (
            (c.lower_ == "for" and any(g.lemma_.lower() in pattern.purpose for g in c.children))
            # "is in Nigeria on a state visit", "on the second leg of his Africa tour"
            or (c.lower_ == "on" and any(g.lemma_.lower() in ON_A_TRIP for g in c.children))
        )
        for c in token.children
    ):
        return False
    if pattern.against and not (
        any(o.lemma_.lower() in pattern.against for o in against_objects(token)) and _plain_step(token)
    ):
        return False
    if pattern.future and not any(c.dep_ == "aux" and c.lower_ in {"will", "'ll", "shall"} for c in token.children):
        return False
    if pattern.remote and not _remote(token):
        return False
    if pattern.departure and not _departure(token):
        return False
    if pattern.ending and not ends_a_visit(token):
        return False
    if pattern.place_required and not any(c.dep_ == "prep" and c.lower_ in pattern.place_preps for c in token.children):
        return False  # "will also head the council", "left the meeting": no place, no journey
    if pattern.governors and not (
        token.dep_ in {"dobj", "nsubjpass"}
        and token.head.lemma_.lower() in pattern.governors
        and not any(c.dep_ == "prep" and c.lower_ in {"for", "on"} and not _dated(c) for c in token.children)
    ):
        return False  # "took a call from", not "a call for calm" or "made a call on Israel to ..."
    return not (pattern.persona_non_grata and not PERSONA_NON_GRATA_RE.search(token.sent.text))


DATE_WORD_RE = re.compile(
    r"(?:mon|tues|wednes|thurs|fri|satur|sun)day|january|february|march|april|may|june|july|august|september|"
    r"october|november|december|\d{1,2}(?:st|nd|rd|th)?"
)


def _dated(prep: Token) -> bool:
    """A prepositional phrase that is a date ("on Tuesday", "on 4 May"): it says when, not about what."""
    return any(g.dep_ == "pobj" and DATE_WORD_RE.fullmatch(g.lower_) for g in prep.children)


# Words that put two speakers in one room: "spoke with Xi" is a phone call only without them.
TOGETHER_RE = re.compile(
    r"\b(?:met|meet|meets|meeting|visit\w*|summit|sidelines|trip|toured|touring|arriv\w*|hosted|hosting|in person|"
    r"face[- ]to[- ]face|press conference|news conference|reporters|journalists|media|parliament|rally|speech|"
    r"addressed the|audience|crowd|students|forum|conference|session|ceremony|dinner|lunch|breakfast|"
    r"bilateral talks|talks in|on the margins|interview|television|radio|broadcast)\b",
    re.IGNORECASE,
)
MONTHS = frozenset({"January", "February", "March", "April", "May", "June", "July", "August", "September",
                    "October", "November", "December"})  # fmt: skip
SPEAKING_PREPS = frozenset({"with", "to"})
# Prepositions that say what or when two leaders spoke, not where or against whom.
LOOSE_PREPS = frozenset({"on", "about", "over", "by", "for", "regarding", "after", "following", "amid", "before",
                         "via", "late", "earlier"})  # fmt: skip


def _remote(token: Token) -> bool:
    """A bare "spoke with/to", read as a call: a partner named, and nothing placing the sides together.

    "X spoke with Y on Monday" and "X and Y spoke on Monday" are how readouts report calls; "spoke to
    reporters", "spoke at the summit", "spoke against the draft" are not calls, and neither is a
    willingness ("ready to talk to the United States"): only a reported past conversation counts.
    """
    if TOGETHER_RE.search(token.sent.text):
        return False
    perfect = token.tag_ == "VBN" and any(c.dep_ == "aux" and c.lemma_ == "have" for c in token.children)
    gerund = token.tag_ == "VBG" and token.dep_ in {"pcomp", "ROOT", "acomp", "advcl"}  # "Great speaking with ..."
    # "Macron called Putin on Saturday": a past tense the parser tags as a bare participle
    misread = (
        token.tag_ == "VBN"
        and any(c.dep_ == "nsubj" for c in token.children)
        and not any(c.dep_ in {"aux", "auxpass"} for c in token.children)
    )
    if token.tag_ != "VBD" and not perfect and not gerund and not misread:
        return False
    # "spoke with the Moroccan king in Rabat": a place anywhere in the clause puts them together
    for t in token.subtree:
        if (
            t.dep_ == "prep"
            and t.lower_ in {"in", "at"}
            and any(g.dep_ == "pobj" and g.pos_ == "PROPN" and g.text not in MONTHS for g in t.children)
        ):
            return False
    preps = [c for c in token.children if c.dep_ in {"prep", "dative"}]
    if any(c.lower_ not in SPEAKING_PREPS | LOOSE_PREPS for c in preps):
        return False
    if any(c.dep_ in {"prt", "advmod"} and c.lower_ in {"out", "up", "against", "publicly", "openly"}
           for c in token.children):  # fmt: skip
        return False
    if any(c.lower_ in SPEAKING_PREPS for c in preps):
        return True
    if token.lemma_.lower() in {"call", "ring"}:
        # "Bush on Friday called his South Korean counterpart": the one called is the object, but
        # "called in the ambassador" (summoned), "called him a liar" and "called back" are no calls
        naming = [c for c in token.children if c.dep_ == "oprd" and c.pos_ != "PROPN"]
        naming += [a for c in token.children if c.dep_ == "dobj" for a in c.children
                   if a.dep_ == "appos" and any(d.lower_ in {"a", "an"} for d in a.children)]  # fmt: skip
        # "Powell called Russian ambassador Ushakov to advise him": an envoy is called in, not a leader rung
        envoy = any(w.lemma_.lower() in ENVOY_WORDS for c in token.children if c.dep_ in {"dobj", "oprd"}
                    for w in c.subtree)  # fmt: skip
        if naming or envoy or any(c.dep_ == "prt" for c in token.children):
            return False
        # (the parser may read the one called as a predicate: "Macron called Putin on Saturday")
        return any(c.dep_ == "dobj" or (c.dep_ == "oprd" and c.pos_ == "PROPN") for c in token.children)
    # "X and Y spoke on Thursday": a subject of two sides
    return any(c.dep_ == "nsubj" and c.conjuncts for c in token.children)


def ends_a_visit(token: Token) -> bool:
    """A departure "after"/"following" a visit: "left Moscow on Wednesday after a three-day state visit"."""
    after = {"after", "following", "wrapping", "concluding", "ending"}
    return any(
        c.dep_ in {"prep", "advcl"} and c.lower_ in after and any(t.lemma_.lower() in ON_A_TRIP for t in c.subtree)
        for c in token.children
    )


DEPARTURE_LEMMAS = frozenset({"leave", "depart", "quit", "exit"})


def _departure(token: Token) -> bool:
    """Told, asked or given time to go: "gave the envoy 72 hours to leave", "told him to return home"."""
    for t in token.subtree:
        if t.dep_ in {"nsubj", "nsubjpass"} and t.head is token:
            continue
        lem = t.lemma_.lower()
        if lem in DEPARTURE_LEMMAS and t.pos_ in {"VERB", "AUX"}:
            return True
        if lem in {"return", "go"} and any(c.lower_ in {"home", "back"} or (c.dep_ == "prep" and c.lower_ == "to")
                                           for c in t.children):  # fmt: skip
            return True
    return False
