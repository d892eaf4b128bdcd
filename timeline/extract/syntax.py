"""Small questions about a dependency parse, shared by roles, status and dates."""

from __future__ import annotations

from spacy.tokens import Token

from timeline.extract.triggers import LIGHT_VERBS

TIME_WORDS = frozenset(
    {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "week", "month", "year", "tomorrow"}
)
MONTH_WORDS = frozenset(
    {"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November",
     "December"}
)  # fmt: skip
QUANTITY_NOUNS = frozenset({"series", "round", "number", "couple", "flurry", "string", "spate", "wave"})
LEMMA_FIXES = {"hopes": "hope", "hoped": "hope", "hoping": "hope", "slated": "slate", "slates": "slate"}


def objects(tok: Token) -> list[Token]:
    """Direct objects, including the subject of a small clause ("declared them persona non grata")."""
    objs = [c for c in tok.children if c.dep_ in {"dobj", "nsubjpass"}]
    for c in tok.children:
        if c.dep_ in {"ccomp", "xcomp", "oprd"}:
            objs += [g for g in c.children if g.dep_ == "nsubj"]
    return [x for o in objs for x in (o, *o.conjuncts)]


def lemma(tok: Token) -> str:
    """The lemma, mended where the small model gets common verbs wrong ("hopes" -> "hop")."""
    return LEMMA_FIXES.get(tok.lower_, tok.lemma_.lower())


def takes_place(verb: Token) -> bool:
    """ "took place", "happened", "occurred": a verb that only says when and where its subject was."""
    lem = verb.lemma_.lower()
    return lem in {"happen", "occur"} or (lem == "take" and any(c.lower_ == "place" for c in verb.children))


def governing_verb(tok: Token) -> Token | None:
    """The verb a prepositional phrase hangs on ("[In a call with Xi], Putin said")."""
    cur = tok
    for _ in range(4):
        if cur.head is cur:
            return None
        cur = cur.head
        if cur.pos_ in {"VERB", "AUX"}:
            return cur
    return None


def of_objects(tok: Token) -> list[Token]:
    return [g for c in tok.children if c.dep_ == "prep" and c.lower_ == "of" for g in c.children if g.dep_ == "pobj"]


def has_time(tok: Token) -> bool:
    """Whether a clause carries its own time ("in August", "on Friday")."""
    return any(t.lemma_.lower() in TIME_WORDS or t.text in MONTH_WORDS for t in tok.subtree)


def preceded_by(tok: Token, words: set[str]) -> bool:
    cur = tok
    for _ in range(4):
        if cur.head is cur:
            return False
        cur = cur.head
        if cur.lower_ in words:
            return True
    return False


def clause_verb(trig: Token) -> Token | None:
    """The verb whose clause a noun trigger belongs to, when the noun is its object."""
    if trig.pos_ in {"VERB", "AUX"}:
        return trig
    if trig.dep_ in {"dobj", "attr", "oprd"} and trig.head.lemma_.lower() in LIGHT_VERBS:
        return trig.head
    # "a phone conversation between X and Y took place on March 4": the happening verb carries the clause
    if trig.dep_ == "nsubj" and takes_place(trig.head):
        return trig.head
    # "he was on a visit to Argentina", "is on a two-day official visit": being on a visit is visiting
    if trig.dep_ == "pobj" and trig.head.lower_ == "on" and trig.head.head.lemma_ == "be":
        return trig.head.head
    # "made a series of phone calls", "held a round of talks": the quantity noun is the verb's object
    head = trig.head
    if trig.dep_ == "pobj" and head.lower_ == "of" and head.head.lemma_.lower() in QUANTITY_NOUNS:
        return clause_verb(head.head) if head.head.pos_ == "NOUN" else None
    return None


def subsumed(trig: Token) -> bool:
    """A "visit" noun that only says why a verb trigger happened ("arrived ... for a visit")."""
    if trig.pos_ != "NOUN":
        return False
    head = trig.head
    if trig.dep_ == "pobj" and head.lemma_ == "for":
        return head.head.lemma_.lower() in {"arrive", "land", "travel", "fly", "come", "go", "head"}
    return False


HABIT_ADVERBS = frozenset({"repeatedly", "often", "frequently", "routinely", "regularly", "twice", "thrice",
                           "consistently", "usually", "habitually", "rarely", "seldom"})  # fmt: skip
NUMBER_WORDS = frozenset({"two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
                          "dozen", "dozens", "several", "many", "multiple", "numerous"})  # fmt: skip


def habitual(trig: Token) -> bool:
    """A count or a habit, not one happening: "has vetoed resolutions nine times since 1990", "often visits".

    Counted objects only count with a span of time ("17 resolutions since 2011"); "expelled two diplomats on
    Monday" is one act.
    """
    if trig.pos_ == "NOUN" and trig.dep_ == "dobj":
        trig = trig.head  # "has used its veto 14 times": the verb carries the count
    if trig.pos_ not in {"VERB", "AUX"}:
        return False
    for c in trig.children:
        if c.dep_ in {"advmod", "npadvmod"} and c.lower_ in HABIT_ADVERBS:
            return True
        if c.dep_ in {"npadvmod", "dobj", "advmod"} and c.lemma_.lower() in {"time", "occasion"} and c.tag_ == "NNS":
            return True
        if c.dep_ == "prep" and any(g.lemma_.lower() == "occasion" and g.tag_ == "NNS" for g in c.children):
            return True
    since = any(
        c.dep_ == "prep"
        and (c.lower_ == "since" or (c.lower_ in {"over", "in", "during"} and any(
            g.lemma_.lower() in {"year", "decade", "month", "period", "course", "history"} for g in c.children)))
        for c in trig.children
    )  # fmt: skip
    counted = any(
        n.dep_ == "nummod" and (n.lower_ in NUMBER_WORDS or (n.text.isdigit() and int(n.text) > 1))
        for o in trig.children if o.dep_ in {"dobj", "nsubjpass"} for n in o.children
    )  # fmt: skip
    return since and counted  # ("about 40 ambassadors were recalled over a decade": the passive counts too)
