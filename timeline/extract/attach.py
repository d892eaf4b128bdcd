"""Which date belongs to an event: the trigger's own clause, the narrative anchor, a neighbouring vote,
or, for a news lead, the publication date."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace

from spacy.tokens import Doc, Span, Token

from timeline.extract import dates
from timeline.extract.sentences import Sentence, following, previous
from timeline.extract.status import REPORTING_VERBS
from timeline.extract.syntax import governing_verb, lemma
from timeline.extract.triggers import Pattern
from timeline.models import Article, DateBasis

ASPECTUAL = frozenset({"begin", "start", "end", "conclude", "last", "open", "close", "finish", "wrap", "kick"})
# A lead that tells of a period, not a happening: "have expelled ... since the war began"
BACKGROUND_RE = re.compile(r"\b(?:since|over the (?:past|last)|in recent|repeatedly|several times|so far)\b", re.I)
VOTE_RE = re.compile(r"\bvot(?:e|es|ed|ing)\b", re.IGNORECASE)


def event_date(art: Article, sents: list[Sentence], sent: Sentence, doc: Doc, trig: Token, clause: Token | None,
    exprs: list[dates.TimeExpr], tense: dates.Tense, pattern: Pattern,
) -> tuple[dates.Resolved | None, DateBasis]:  # fmt: skip
    pub = art.published
    own = [e for e in exprs if sent.start <= e.start and e.end <= sent.end]
    attached = [e for e in own if governs(doc, sent.start, e, trig, clause)]
    if not attached and trig.pos_ == "NOUN":
        # "his upcoming trip to Tokyo on Friday, the minister spoke": the parser often hangs the
        # date on the main verb; a date right after the trigger's own phrase belongs to it
        phrase_end = sent.start + max(t.idx + len(t.text) for t in trig.subtree)
        attached = [e for e in own if e.kind != "vague" and 0 <= e.start - phrase_end <= 4
                    and not art.text[phrase_end : e.start].strip()]  # fmt: skip
    if attached:
        if any(e.kind == "vague" for e in attached) and all(e.kind == "vague" for e in attached):
            return None, "none"
        e = next(e for e in attached if e.kind != "vague")
        if (
            e.modifier == "narrative"
            and e.text.lower().endswith(("after", "before"))
            and trig.idx + sent.start >= e.end
            and not art.text[e.end : e.end + 2].lstrip().startswith((",", ";"))
        ):
            # "X on Sunday, a day after Prague ordered ...": the event in the clause is the earlier one
            e = replace(e, offset=-e.offset)
        anchor = anchor_before(exprs, e.start, pub)
        res = dates.resolve(e, pub, tense, anchor)
        res = with_duration(res, sent.text)
        return res, ("anchor" if res.used_anchor else "text")
    if any(e.kind == "vague" and governs(doc, sent.start, e, trig, clause, loose=True) for e in own):
        return None, "none"
    if pattern.type == "veto":
        for other in (following(sents, sent), previous(sents, sent)):
            if other is not None and VOTE_RE.search(other.text):
                near = [e for e in exprs if other.start <= e.start and e.end <= other.end and e.kind != "vague"]
                if near:
                    res = dates.resolve(near[0], pub, "past", anchor_before(exprs, near[0].start, pub))
                    return res, "context"
    node = clause or trig
    main_clause = node.dep_ in {"ROOT", "conj"} or (
        node.dep_ == "ccomp" and node.head.lemma_.lower() in REPORTING_VERBS
    )
    if pub and main_clause and is_lead(sents, sent) and trig.tag_ in {"VBZ", "VBP", "VBG", "VBN"}:
        return dates.Resolved(pub, None, "day", "publication date"), "publication"
    return None, "none"


def with_duration(res: dates.Resolved, text: str) -> dates.Resolved:
    if res.start is None or res.end is not None or res.precision != "day":
        return res
    days = dates.find_duration_days(text)
    if days and days > 1:
        return replace(res, end=dates.shift(res.start, days - 1))
    return res


def is_lead(sents: list[Sentence], sent: Sentence) -> bool:
    body = [s for s in sents if len(s.text.split()) > 6]
    return bool(body) and sent is body[0] and not BACKGROUND_RE.search(sent.text)


def governs(doc: Doc, offset: int, expr: dates.TimeExpr, trig: Token, clause: Token | None,
             loose: bool = False) -> bool:  # fmt: skip
    """Whether the date expression modifies the trigger's clause rather than another verb's."""
    span: Span | None = doc.char_span(expr.start - offset, expr.end - offset, alignment_mode="expand")
    if span is None:
        return False
    tok = span.root
    owners = {trig.i} | ({clause.i} if clause is not None else set())
    # the complement a trigger needs is part of it: "ordered them to leave on Monday"
    owners |= {c.i for c in trig.children if c.dep_ == "xcomp" and c.lemma_.lower() in {"leave", "depart"}}
    # and so is a small clause: "declared them persona non grata on Monday"
    owners |= {c.i for c in trig.children if c.dep_ in {"ccomp", "oprd"} and any(g.dep_ == "nsubj" for g in c.children)}
    # "Xi's visit, which began on Monday": an aspectual relative clause dates its noun
    owners |= {c.i for c in trig.children if c.dep_ == "relcl" and lemma(c) in ASPECTUAL}
    # "Italy followed on Tuesday, each expelling ...", "responded on Friday by calling back ...":
    # a participial clause happens when its main verb does
    if trig.tag_ == "VBG" and trig.dep_ in {"advcl", "pcomp"}:
        verb = governing_verb(trig)
        if verb is not None:
            owners.add(verb.i)
    # a noun trigger inside a prepositional phrase of its clause verb ("for a visit")
    for _ in range(12):
        if tok.i in owners:
            return True
        if tok.i != span.root.i and tok.pos_ in {"VERB", "AUX"} and not loose:
            # "recalled its ambassador last year after the president was ousted": a date left of a
            # subordinate clause's conjunction belongs to the verb the clause hangs on
            marks = [c.i for c in tok.children if c.dep_ == "mark"]
            return tok.dep_ == "advcl" and tok.head.i in owners and bool(marks) and span.end <= min(marks)
        if tok.head is tok:
            return False
        tok = tok.head
    return False


def anchor_before(exprs: list[dates.TimeExpr], before: int, pub: dt.date | None) -> dt.date | None:
    """The last calendar day the narrative set before ``before``."""
    anchor = None
    for e in exprs:
        if e.start >= before:
            break
        if e.sets_anchor:
            res = dates.resolve(e, pub, "past")
            if res.start is not None:
                anchor = res.start
    return anchor
