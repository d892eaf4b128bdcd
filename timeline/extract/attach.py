"""Which date belongs to an event: the trigger's own clause, the narrative anchor, a neighbouring vote,
or, for a news lead, the publication date."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace

from spacy.tokens import Doc, Span, Token

from timeline.extract import dates
from timeline.extract.home import wire_dateline
from timeline.extract.sentences import Sentence, following, previous
from timeline.extract.status import REPORTING_VERBS
from timeline.extract.syntax import governing_verb, lemma, takes_place
from timeline.extract.triggers import Pattern, ends_a_visit
from timeline.models import Article, DateBasis

HAPPENING_VERBS = frozenset({"announce", "confirm", "come", "take", "happen", "occur", "follow", "make", "begin",
                             "start", "end", "conclude"})  # fmt: skip
# Nouns of other happenings: a date inside their phrase dates them, not the trigger
OTHER_HAPPENINGS = frozenset({
    "massacre", "attack", "election", "referendum", "bombing", "shooting", "coup", "invasion", "incident",
    "killing", "murder", "poisoning", "explosion", "protest", "crash", "raid", "strike", "war", "ceasefire",
    "arrest", "detention", "death", "assassination", "earthquake", "flood", "storm", "inauguration", "remark",
    "refusal", "denial", "ban", "closure", "seizure", "downing", "sinking",
})  # fmt: skip
# (preposition, the word before it) of a causal adjunct
CAUSAL_PREPS = frozenset({("to", "owing"), ("to", "due"), ("of", "because"), ("to", "thanks")})
# how far (characters) a later sentence's date may lie from "the vote" it dates (a vote's sentence runs long)
SAME_HAPPENING_REACH = 80
_HAPPENING_WORDS = rf"(?:[\w-]+\s+)?(?:{'|'.join(sorted(OTHER_HAPPENINGS))})s?\b"
OTHER_HAPPENING_AFTER_RE = re.compile(rf"\s+{_HAPPENING_WORDS}", re.I)
# "Sunday's referendum": a day that owns another happening
OTHER_HAPPENING_OWNED_RE = re.compile(rf"['’]s\s+{_HAPPENING_WORDS}", re.I)
ANNOUNCING_VERBS = frozenset({"announce", "confirm", "declare", "unveil"})
CARRYING_VERBS = frozenset({"summon", "move", "act", "call", "decide", "agree", "resolve", "vote", "choose"})
# The complement that tells the envoy to go is part of the act: "ordered them to leave on Monday",
# "told the ambassador to return home on Wednesday"
LEAVING_VERBS = frozenset({"leave", "depart", "return", "go", "quit", "exit", "pack"})
# "were declared persona non grata and asked to leave the country yesterday": the order to go, told
# in a second verb of the same clause, carries the expulsion's day
ORDERING_VERBS = frozenset({"ask", "order", "tell", "give", "instruct", "request", "direct"})
# A means or setting that a clause's act happened in: "in a phone call", "via a video link", "during talks"
ADJUNCT_PREPS = frozenset({"in", "during", "via", "over", "through", "by"})
REPORT_NOUNS = frozenset({"statement", "report", "announcement", "briefing", "communique", "communiqué", "release",
                          "readout", "interview", "conference"})  # fmt: skip
SCHEDULING = frozenset({"schedule", "set", "plan", "slate", "expect", "due", "fix", "slated"})
INFORMING_VERBS = frozenset({"inform", "notify", "tell", "advise", "warn", "brief"})
DECISION_NOUNS = frozenset({"decision", "move", "order", "step"})
ASPECTUAL = frozenset({"begin", "start", "end", "conclude", "last", "open", "close", "finish", "wrap", "kick"})
# A lead that tells of a period, not a happening: "have expelled ... since the war began"
BACKGROUND_RE = re.compile(r"\b(?:since|over the (?:past|last)|in recent|repeatedly|several times|so far)\b", re.I)
FIRST_SINCE_RE = re.compile(r"\bfirst\b[^.;]{0,40}?\bsince\b", re.IGNORECASE)
UN_RE = re.compile(r"\b(?:Security Council|resolutions?|draft|renewal|extension|mandate)\b")
BLOCKED_RE = re.compile(r"\b(?:blocked|vetoed|killed|sank|struck down)\b", re.IGNORECASE)
VOTE_RE = re.compile(r"\bvot(?:e|es|ed|ing)\b", re.IGNORECASE)
# "ISLAMABAD, May 14 (APP):", "PUTRAJAYA, Aug 24 —": a dateline's date is the report's, not the event's
DATE_DASH_RE = re.compile(r"\s*(?:--|—|–)\s*")
AGENCY_TAIL_RE = re.compile(r"\s*\([A-Za-z .]{2,30}\)\s*(?::|—|–|--?|_)?\s")
DATELINE_TAIL_RE = re.compile(r"\.?\s*(?:\([A-Za-z .]+\)|/[A-Za-z]+/)?(?:\s*(?::|—|–|--?|_)\s|(?<=[)/])\s+(?=[A-Z]))")
DATELINE_HEAD_RE = re.compile(
    r"(?:^|\n)(?:date \S+\s+)?(?:[,;]\s*)?[A-Z][A-Za-z.'’ -]{1,40}(?:,\s*[A-Z][A-Za-z ]{1,30})?,?\s*$"
)
# A later sentence about the same happening: "The visit took place on 12 May", "Her expulsion came on
# Saturday", "The announcement, made on Monday, ...", "In a readout of Friday's call".
SAME_HAPPENING_NOUNS: dict[str, str] = {
    "visit": "visit|trip|tour|stay|talks",
    "phone_call": "call|phone call|telephone call|conversation|phone conversation|talks|readout",
    "expulsion": "expulsions?|order|decision|announcement|move",
    "recall": "recall|withdrawal|decision|announcement|move",
    "veto": "vote|veto|ballot",
}
SAME_HAPPENING_RE = {
    kind: re.compile(
        rf"\b(?:[Tt]he|[Tt]his|[Tt]hat|[Hh]is|[Hh]er|[Tt]heir|[Ii]ts)\s+(?:\w+[ -])?(?:{nouns})\b(?P<rest>[^.;]*)"
        rf"|\b(?P<poss>(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|yesterday|today)['’]s)\s+"
        rf"(?:\w+[ -])?(?:{nouns})\b"
    )
    for kind, nouns in SAME_HAPPENING_NOUNS.items()
}
SAME_HAPPENING_VERBS_RE = re.compile(
    r"^\s+(?:on|held on|taken on|cast on)\b"
    r"|\b(?:took place|came|happened|was held|were held|was made|were made|made|held|began|started|ended|"
    r"was announced|announced|took effect|lasted|occurred|followed|will take place|will be held|will last|"
    r"will begin|will start|is scheduled|is set|is due|is planned|(?:is|are) expected)\b"
)
# Words that open another clause, whose happening a date may belong to instead
CLAUSE_BREAK_RE = re.compile(
    r"\b(?:after|before|since|when|while|following|until|as|which|who|whom|that|because|amid|ahead|despite|"
    r"said|says|told|announced|added|where|if|whether|to \w+ed)\b|[;:(]"
)
# "..., Kazinform has learnt from the press service": agencies' own reporting verbs
LEAD_REPORTING = REPORTING_VERBS | {"learn", "learnt"}
# "Before that, he was on a visit to Argentina": told as earlier than the news
PRIOR_RE = re.compile(r"\b(?:before that|before then|earlier|previously|prior to|formerly|once)\b", re.I)
# "The two leaders discussed ...": the sides the sentence before named
TWO_SIDES_RE = re.compile(
    r"\b(?:the two|both)\s+(?:leaders|presidents|prime ministers|premiers|ministers|foreign ministers|"
    r"heads of state|sides|counterparts|monarchs|kings)\b",
    re.IGNORECASE,
)
# "This is President Ruto's first visit to Ethiopia": the visit the article is telling
THIS_IS_RE = re.compile(r"\s*(?:This|It) (?:is|was|marks|marked) (?:[\w'’.-]+ ){1,4}(?:visit|trip|tour)\b")
ALSO_RE = re.compile(r"\balso\b", re.IGNORECASE)
# "X and Y on Monday reviewed ties. This came in a phone call between the two leaders": the same exchange
THIS_CAME_RE = re.compile(
    r"\s*(?:This|That|It|These|The (?:talks?|discussions?|exchanges?|remarks?)) "
    r"(?:came|took place|happened|was held|were held) (?:in|during|through|via|over|on)\b"
)
EARLIER_ONE_RE = re.compile(r"\b(?:previous(?:ly)?|earlier|prior|last time|first time|once again|again)\b", re.I)
ANNOUNCED_BEFORE_RE = re.compile(r"\b(?:announc|confirm|order|declar|unveil)\w*\s+(?:on\s+)?$", re.I)
ANNOUNCED_AFTER_RE = re.compile(r",?\s+(?:the|its|their|an?|his|her)\s+(?:[\w-]+\s+){0,2}")
# A line holding only a place and a date, as readout pages print under (or over) each item
DATE_LINE_RE = re.compile(
    r"^[ \t]*(?:[A-Z][\w.'’ -]{1,40}(?:,[ \t]*[A-Z][\w.'’ -]{1,40})?[ \t]+[-–—|][ \t]+)?"
    r"(?P<date>(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.? [0-3]?\d,? (?:19|20)\d\d"
    r"|[0-3]?\d (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]* (?:19|20)\d\d)[ \t]*$",
    re.M,
)
BULLET_RE = re.compile(r"^[ \t]*[•·*▪►]", re.M)
ENDING_VERBS = frozenset({"wrap", "conclude", "end", "finish", "complete"})
# "asked to leave by Friday", "within 72 hours, until Monday": a deadline is not when the act happened
DEADLINE_RE = re.compile(r"\b(?:by|until|till|before|no later than|not later than)\s+(?:the\s+)?$", re.I)
# "in March 2019, when the premier visited Rome": the date the subordinate clause hangs on
# a reporting word, then at most a few words, right before a day: "said in a statement on", "announced late"
STATEMENT_BEFORE_RE = re.compile(
    r"\b(?:said|says|announced|stated|confirmed|added|statement|communiqu[eé]|release|told reporters)\b"
    r"(?:\s+(?:in|on|via|through|to)\s+(?:a|an|its|the|their|his|her)\s+(?:[\w-]+\s+){0,2}?"
    r"(?:statement|communiqu[eé]|release|post|website|briefing|conference|reporters))?"
    r"(?:\s+(?:issued|released|published|posted))?\s+(?:on\s+|late\s+|early\s+|later\s+)?$",
    re.IGNORECASE,
)
ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth")
NTH_DAY_RE = re.compile(rf"\bthe ({'|'.join(ORDINALS)}|last|final|closing) day of\b", re.IGNORECASE)
WHEN_RE = re.compile(r"\s*,?\s*when\b")


def event_date(art: Article, sents: list[Sentence], sent: Sentence, doc: Doc, trig: Token, clause: Token | None,
    exprs: list[dates.TimeExpr], tense: dates.Tense, pattern: Pattern,
) -> tuple[dates.Resolved | None, DateBasis]:  # fmt: skip
    pub = art.published
    if tense is None and trig.pos_ == "NOUN" and (verb := governing_verb(trig)) is not None and verb.tag_ == "VBD":
        tense = "past"  # "the talks built on a phone call in March": the clause's past places the call
    own = [e for e in exprs if sent.start <= e.start and e.end <= sent.end and not in_dateline(art.text, e)
           and not DEADLINE_RE.search(art.text, max(0, e.start - 16), e.start)]  # fmt: skip
    if tense == "future":
        # "will pay a visit to Egypt, according to a statement on Monday": the day of the statement, not the visit
        own = [e for e in own if not in_report_phrase(doc, sent.start, e)]
    attached = [e for e in own if governs(doc, sent.start, e, trig, clause)]
    # "Modi will visit France next month, the ministry announced on Friday": the act's own date first
    direct = [e for e in attached if governs(doc, sent.start, e, trig, clause, announcer=False)]
    attached = direct or attached

    node = clause or trig
    shares_subject = not any(c.dep_ in {"nsubj", "nsubjpass", "aux"} for c in node.children)
    if not attached and node.dep_ == "conj" and node.head.pos_ in {"VERB", "AUX"} and shares_subject:
        # "sent home Kenya's ambassador on Thursday and recalled its own envoy": one day for both verbs
        attached = [e for e in own if governs(doc, sent.start, e, node.head, None)]
        # (the parser may join the second verb to the first one's infinitive: "ordered X to leave and recalled")
        sibling = node.head.head if node.head.dep_ == "xcomp" else node.head
        if not attached and sibling.tag_ == node.tag_:
            # "one day after Bahrain ordered the envoy to leave and recalled its own ambassador": however
            # the first verb is dated, the second (same subject, same tense) is dated alike
            first, basis = event_date(art, sents, sent, doc, sibling, None, exprs, tense, pattern)
            if first is not None and first.start is not None:
                return first, basis
    in_call = trig.pos_ == "NOUN" and trig.dep_ == "pobj" and (trig.head.lower_ in ADJUNCT_PREPS or _causal(trig.head))
    in_clause = governing_verb(trig) if in_call and not attached else None
    if in_clause is not None:
        # "Erdogan on Monday discussed Gaza with the emir in a phone call": the clause's day is the call's
        attached = [e for e in own if governs(doc, sent.start, e, in_clause, None)]
    told_of = trig.pos_ == "NOUN" and trig.dep_ == "pobj" and trig.head.lower_ in {"of", "about"}
    teller = governing_verb(trig) if told_of else None
    if not attached and teller is not None and lemma(teller) in INFORMING_VERBS:
        # "23 countries were informed Friday of expulsions": told of them that day, they are that day's
        attached = [e for e in own if governs(doc, sent.start, e, teller, None)]
    after_it = trig.pos_ == "NOUN" and trig.dep_ == "pobj" and trig.head.lower_ in {"after", "following"}
    # ("following" may be tagged a verb itself: the clause it hangs on is the one that tells when)
    verb = (trig.head.head if trig.head.dep_ == "prep" else governing_verb(trig)) if after_it and not attached else None
    if verb is not None and pattern.type == "visit":
        # "arrived in Pretoria on Tuesday, following a two-day visit to Namibia": that visit had ended by then
        days = [e for e in own if e.kind != "vague" and governs(doc, sent.start, e, verb, None)]
        if days:
            phrase = doc[trig.left_edge.i : trig.right_edge.i + 1].text
            res = dates.resolve(days[0], pub, "past", anchor_before(exprs, days[0].start, pub))
            return with_duration(res, phrase, ending=True), "context"
    if not attached:
        attached = when_clause_date(art.text, own, sent.start + trig.idx)
    if not attached:
        attached = lone_day(art.text, own, sent.start + trig.idx, clause or trig)
    if not attached and trig.pos_ == "NOUN":
        # "his upcoming trip to Tokyo on Friday, the minister spoke": the parser often hangs the
        # date on the main verb; a date right after the trigger's own phrase belongs to it
        phrase_end = sent.start + max(t.idx + len(t.text) for t in trig.subtree)
        attached = [e for e in own if e.kind != "vague" and 0 <= e.start - phrase_end <= 4
                    and not art.text[phrase_end : e.start].strip()]  # fmt: skip
    if not attached and trig.pos_ == "NOUN":
        attached = announced_day(art.text, own, sent.start + trig.idx)
    if not attached:
        attached = reported_day(doc, sent.start, own, clause or trig, lead=is_lead(sents, sent))
    if attached:
        if any(e.kind == "vague" for e in attached) and all(e.kind == "vague" for e in attached):
            return None, "none"
        trig_at = sent.start + trig.idx
        # "two months after declaring the envoy persona non grata, ...": the span dates the act in its own clause
        inside = [e for e in attached if e.modifier == "narrative" and e.text.lower().endswith(("after", "before"))
                  and e.end <= trig_at and "," not in art.text[e.end : trig_at]]  # fmt: skip
        e = inside[0] if inside else min((e for e in attached if e.kind != "vague"), key=_date_preference)
        if (
            e.modifier == "narrative"
            and e.text.lower().endswith(("after", "before"))
            and trig.idx + sent.start >= e.end
            and not art.text[e.end : e.end + 2].lstrip().startswith((",", ";"))
        ):
            # "X on Sunday, a day after Prague ordered ...": the event in the clause is the earlier one
            e = replace(e, offset=-e.offset)
        anchor = anchor_before(exprs, e.start, pub)
        base = pub
        opening = opening_day(art, exprs, e.start) if e.kind == "relative_day" and e.modifier == "now" else None
        if opening is not None:
            base = opening  # "25 March 2004 – The Security Council today ...": the paragraph's own day
        elif e.kind == "relative_day" and e.modifier == "now":
            # "Today, the Prime Minister spoke with ...": on a page of readouts, today is the item's own date line
            lines = date_lines(art.text)
            if lines:
                base = item_day(art.text, lines, e.start)
                if base is None:
                    return None, "none"
        res = dates.resolve(e, base, tense, anchor)
        res = with_duration(res, own_text(doc, trig), ends_it(trig, clause))
        return res, ("anchor" if res.used_anchor else "text")
    if any(e.kind == "vague" and governs(doc, sent.start, e, trig, clause, loose=True) for e in own):
        return None, "none"
    if pattern.type == "veto":
        lead = lead_sentence(sents)
        # "Russia on Thursday blocked the renewal of ...", then "Moscow's veto ...": the lead tells the vote
        lead_tells = lead is not None and lead is not sent and BLOCKED_RE.search(lead.text) and UN_RE.search(lead.text)
        for other in (following(sents, sent), previous(sents, sent), lead if lead_tells else None):
            if other is not None and (VOTE_RE.search(other.text) or (other is lead and lead_tells)):
                # (not "Sunday's referendum": another happening's day)
                near = [e for e in exprs if other.start <= e.start and e.end <= other.end and e.kind != "vague"
                        and not is_stamp(art.text, e) and not in_dateline(art.text, e)
                        and not OTHER_HAPPENING_AFTER_RE.match(art.text, e.end)
                        and not OTHER_HAPPENING_OWNED_RE.match(art.text, e.end)]  # fmt: skip
                if near and (other is not lead or len(near) == 1):
                    res = dates.resolve(near[0], pub, "past", anchor_before(exprs, near[0].start, pub))
                    return res, "context"
    later = same_happening_date(art, sents, sent, exprs, pattern.type, tense)
    if later is not None:
        return later, "context"
    verb = clause or trig
    # "Pakistan had also expelled an Indian staffer": a past perfect tells of before, not the same day
    before_then = verb.tag_ == "VBN" and any(c.dep_ == "aux" and c.lower_ == "had" for c in verb.children)
    also = None if before_then else also_date(art, sents, sent, own, exprs, tense)
    if also is not None:
        return also, "anchor"
    node = clause or trig
    if in_clause is not None:
        node = in_clause  # "During a phone call, the two leaders discussed ...": the clause tells the news
    # "Ghana is to expel four diplomats": the infinitive's clause is the "is" it hangs on
    to_be = node.tag_ == "VB" and node.dep_ == "xcomp" and lemma(node.head) == "be"
    top = node.head if to_be else node
    # "Canada has joined the U.S. in expelling ...", "has responded by expelling ...": the main verb's tense
    joined = node.tag_ == "VBG" and node.dep_ in {"pcomp", "advcl"} and (verb := governing_verb(node)) is not None
    if joined and verb is not None:
        top = verb
        node = verb
    elif node is trig and trig.dep_ == "dobj" and lemma(trig.head) in ENDING_VERBS:
        top = node = trig.head  # "has concluded his official visit to China": the ending verb's tense
    elif node.dep_ == "xcomp" and node.tag_ == "VB" and lemma(node.head) in CARRYING_VERBS:
        top = node = node.head  # "Morocco has decided to recall its ambassador": the decision is the news
    main_clause = top.dep_ in {"ROOT", "conj"} or (top.dep_ == "ccomp" and lemma(top.head) in LEAD_REPORTING)
    # ("has \"temporarily\" recalled": a quote can make the tagger read the participle as a past tense)
    has_aux = any(c.dep_ == "aux" and c.lower_ in {"has", "have"} for c in node.children)
    news_tense = node.tag_ in {"VBZ", "VBP", "VBG", "VBN"} or to_be or (node.tag_ == "VBD" and has_aux)
    # an agency's dispatch tells today's news in the past tense: "ASTANA. KAZINFORM - Tokayev had a call with ..."
    line_start = art.text.rfind("\n", 0, sent.start) + 1
    if node.tag_ == "VBD" and (art.source is not None or wire_dateline(art.text[line_start : sent.end])):
        news_tense = True
    # a lead that dates something else ("according to a statement issued Tuesday") is not dated by the paper
    # "The United States has ordered two diplomats to leave, the Iraqi envoy said Wednesday": the parser
    # may join the trailing attribution to the lead's verb; its day is the statement's
    reporter = next((c for c in node.children if c.dep_ in {"conj", "parataxis"} and c.i > node.i
                     and lemma(c) in LEAD_REPORTING), None)  # fmt: skip
    reported = [e for e in own if reporter is not None and e.kind in {"weekday", "relative_day", "absolute"}
                and governs(doc, sent.start, e, reporter, None)]  # fmt: skip
    dated_other = any(e.kind != "vague" and e not in reported and not other_happenings_date(doc, sent.start, e)
                      and not _dates_subclause(doc, sent.start, e, node) for e in own)  # fmt: skip
    if pub and main_clause and is_lead(sents, sent) and news_tense and not dated_other:
        said = dates.resolve(reported[0], pub, "past") if reported else None
        told = said if said is not None and said.precision == "day" else statement_day(art, sents, sent, exprs)
        if told is not None:
            # "Chad has declared four diplomats persona non grata." then "..., the ministry said in a
            # statement on Saturday": the news is the statement's, made that day
            return with_duration(told, sent.text, ends_it(trig, clause)), "context"
        # "has arrived in Algiers for a three-day visit": the visit runs from today
        today = todays_news(art, exprs, pub)
        return with_duration(today, sent.text, ends_it(trig, clause)), "publication"
    if main_clause and node.tag_ == "VBD" and not dated_other and is_lead(sents, sent):
        # a readout's undated lead ("The Prime Minister had a telephone conversation with ...") under or over
        # the page's own date line ("New Delhi - April 04, 2020") happened that day
        lines = date_lines(art.text)
        day = item_day(art.text, lines, sent.start) if lines else None
        if day is not None:
            return with_duration(dates.Resolved(day, None, "day", "date line"), sent.text), "context"
        if pub and not lines and not any(e.kind != "vague" for e in own) and not PRIOR_RE.search(sent.text):
            # "Israel recalled its ambassadors to Spain, Norway and Ireland ...": an undated lead in the
            # past tense is the day's news too, unless the next sentences tell the statement's day
            told = statement_day(art, sents, sent, exprs)
            if told is not None:
                return with_duration(told, sent.text, ends_it(trig, clause)), "context"
            today = todays_news(art, exprs, pub)
            return with_duration(today, sent.text, ends_it(trig, clause)), "publication"
    if pub and in_call and _definite(trig) and not own and _near_lead(sents, sent):
        # "PM Oli congratulated his Sri Lankan counterpart ... In the telephone conversation, the two prime
        # ministers ...": the call the story is about, told near its top, is the day's news
        today = todays_news(art, exprs, pub)
        return today, "publication"
    perfect = node.tag_ in {"VBN", "VBD"} and has_aux
    if (
        pub
        and perfect
        and top.dep_ in {"ROOT", "conj"}
        and not own
        and not PRIOR_RE.search(sent.text)
        and not (BACKGROUND_RE.search(sent.text))
    ):
        # "In a similar move, South Africa has withdrawn its ambassador": an undated act told in the present
        # perfect, further down a news story, is the day's news too
        today = todays_news(art, exprs, pub)
        return with_duration(today, sent.text, ends_it(trig, clause)), "publication"
    return None, "none"


def _date_preference(e: dates.TimeExpr) -> int:
    """Which of several dates on one clause tells when: "Just two months after declaring ..., she recalled
    her ambassador on Friday, Feb. 24" is dated by the day, not by the span from the earlier act."""
    if e.modifier == "narrative" and e.unit not in {None, "day"}:
        return 2
    return 0 if e.sets_anchor or e.kind == "relative_day" else 1


def other_happenings_date(doc: Doc, offset: int, expr: dates.TimeExpr) -> bool:
    """Whether ``expr`` dates another happening's noun: "following a nerve-agent attack ... last week"."""
    return any(t.pos_ == "NOUN" and lemma(t) in OTHER_HAPPENINGS for t in _nouns_above(doc, offset, expr))


def _definite(trig: Token) -> bool:
    """A noun with "the" ("the telephone conversation"): the happening the story already has in view."""
    return any(c.dep_ == "det" and c.lower_ == "the" for c in trig.children)


def _near_lead(sents: list[Sentence], sent: Sentence, within: int = 3) -> bool:
    """Whether ``sent`` is the lead or one of the ``within`` sentences after it."""
    lead = lead_sentence(sents)
    if lead is None:
        return False
    i, j = sents.index(lead), sents.index(sent)
    return 0 <= j - i <= within


def _causal(prep: Token) -> bool:
    """ "owing to", "due to", "because of", "thanks to": "the draft was defeated this evening, owing to a veto
    by Russia" tells the veto's day by the defeat's."""
    return prep.i > 0 and (prep.lower_, prep.nbor(-1).lower_) in CAUSAL_PREPS


def _dates_subclause(doc: Doc, offset: int, expr: dates.TimeExpr, node: Token) -> bool:
    """Whether ``expr`` dates a clause hung below ``node``: "recalled its ambassadors to protest their refusal
    earlier this month" dates the refusal, so the lead's own news is still undated."""
    above = _nouns_above(doc, offset, expr)
    verb = above[-1] if above and above[-1].pos_ in {"VERB", "AUX"} else None
    return (
        verb is not None
        and verb.i != node.i
        and verb.dep_ in {"advcl", "xcomp", "relcl", "acl"}
        and any(a.i == node.i for a in verb.ancestors)
    )


def in_report_phrase(doc: Doc, offset: int, expr: dates.TimeExpr) -> bool:
    """Whether a date dates a report ("according to a statement on Monday", "in a statement on Monday")."""
    return any(lemma(t) in REPORT_NOUNS or t.lower_ == "according" for t in _nouns_above(doc, offset, expr, 5))


def _nouns_above(doc: Doc, offset: int, expr: dates.TimeExpr, steps: int = 6) -> list[Token]:
    """The words a date hangs on, up to (and with) the first verb: the phrase it dates."""
    span = doc.char_span(expr.start - offset, expr.end - offset, alignment_mode="expand")
    out: list[Token] = []
    if span is None:
        return out
    tok = span.root
    for _ in range(steps):
        if tok.head is tok:
            break
        tok = tok.head
        out.append(tok)
        if tok.pos_ in {"VERB", "AUX"}:
            break
    return out


def dispatch_day(art: Article, exprs: list[dates.TimeExpr]) -> dates.Resolved | None:
    """The day a wire dateline gives ("NAIROBI, Kenya, Mar 9 –"): the news lead's day when the paper ran
    the dispatch a day or two later."""
    if art.published is None:
        return None
    for e in exprs:
        if e.start > 400:
            break
        if e.kind == "absolute" and e.day is not None and in_dateline(art.text, e):
            res = dates.resolve(e, art.published, "past")
            if res.start is not None and 0 < (art.published - res.start).days <= 3:
                return replace(res, text="dateline")
            return None
    return None


def todays_news(art: Article, exprs: list[dates.TimeExpr], pub: dt.date) -> dates.Resolved:
    """The day an undated piece of news is from: the wire's dispatch day, else the paper's."""
    return dispatch_day(art, exprs) or dates.Resolved(pub, None, "day", "publication date")


def opening_day(art: Article, exprs: list[dates.TimeExpr], pos: int) -> dt.date | None:
    """The full date opening the line that holds ``pos`` as a dispatch date ("25 March 2004 – The Council
    today ..."), or None: a press release's "today" is that day, not the day the page was saved."""
    line_start = art.text.rfind("\n", 0, pos) + 1
    for e in exprs:
        if line_start <= e.start < pos and e.day is not None and in_dateline(art.text, e):
            return dates.resolve(e, art.published, "past").start  # ("NEW YORK, 21 April (UN) -- ... this evening")
    return None


def in_dateline(text: str, expr: dates.TimeExpr) -> bool:
    """Whether ``expr`` is the date of a wire dateline ("ISLAMABAD, May 14 (APP):", "Jul 29--")."""
    line_start = text.rfind("\n", 0, expr.start) + 1
    if not text[line_start : expr.start].strip() and (
        DATE_DASH_RE.match(text, expr.end) or AGENCY_TAIL_RE.match(text, expr.end)
    ):
        # "Jul 29--Peru is withdrawing ...", "Thursday, 2 September 2021 (YJC)_ During a call ...": a
        # dispatch's date opening its line
        return True
    return bool(
        DATELINE_TAIL_RE.match(text, expr.end) and DATELINE_HEAD_RE.search(text[max(0, expr.start - 80) : expr.start])
    )


def lone_day(text: str, own: list[dates.TimeExpr], trig_at: int, node: Token) -> list[dates.TimeExpr]:
    """The one day a main-clause sentence names, when the parser hung it on a word inside the object.

    "Bulgaria vetoed the start of talks on the country's bid to join the EU on Tuesday": nothing else
    happens in the sentence, so its only day is the veto's. Another clause between the trigger and
    the date ("after", "when", "which", a reporting verb) may have a happening of its own: no date then.
    """
    days = [e for e in own if e.kind in {"absolute", "weekday", "relative_day"}]
    if len(days) != 1 or len(own) != 1 or node.dep_ != "ROOT":
        return []
    e = days[0]
    if text[e.end : e.end + 2] in {"'s", "’s"} or OTHER_HAPPENING_AFTER_RE.match(text, e.end):
        return []  # "declaring Sunday's referendum void", "over the 25 May attack": another happening's day
    if e.kind == "absolute" and e.day is None:
        return []
    lo, hi = (trig_at, e.start) if e.start > trig_at else (e.end, trig_at)
    if CLAUSE_BREAK_RE.search(text[lo:hi]):
        return []
    return [e]


def announced_day(text: str, own: list[dates.TimeExpr], trig_at: int) -> list[dates.TimeExpr]:
    """The day between an announcing verb and the noun it announces: "announced Monday the expulsion of".

    The parser often reads the noun after the day as the subject of a later clause; the words
    themselves are plain: verb, day, article, trigger.
    """
    for e in own:
        if (
            e.kind in {"weekday", "absolute", "relative_day"}
            and ANNOUNCED_BEFORE_RE.search(text, max(0, e.start - 30), e.start)
            and ANNOUNCED_AFTER_RE.fullmatch(text, e.end, trig_at)
        ):
            return [e]
    return []


def reported_day(doc: Doc, offset: int, own: list[dates.TimeExpr], node: Token, lead: bool = True,
                 ) -> list[dates.TimeExpr]:  # fmt: skip
    """The day a report was made, for the act it reports without a day of its own.

    "The ministry said today that it had ordered the recall of its ambassador": fresh news in a lead,
    the act is the report's day. Only a past (or perfect) clause straight under the reporting verb, and
    only a day ("today", "on Tuesday", "on July 10"): a month or year on the report says nothing about the act. Past
    the lead, a story's background is told in the past too ("said on Monday it had expelled ..."), so
    only an act told as going on or just done at the report is dated by it ("said on Monday it was
    recalling", "has recalled").
    """
    verb = node if node.pos_ in {"VERB", "AUX"} else governing_verb(node)
    # "said on Friday that it had decided to recall its ambassador": the decision is the reported clause
    while verb is not None and verb.dep_ == "xcomp" and lemma(verb.head) in CARRYING_VERBS:
        verb = verb.head
    if verb is None or verb.dep_ != "ccomp" or lemma(verb.head) not in LEAD_REPORTING:
        return []
    auxes = {c.lower_ for c in verb.children if c.dep_ in {"aux", "auxpass"}}
    progressive = verb.tag_ == "VBG" and bool(auxes & {"is", "are", "was", "were"})
    perfect = verb.tag_ == "VBN" and bool(auxes & {"has", "have"})
    present = verb.tag_ in {"VBZ", "VBP"}  # "have 48 hours to leave, the ministry said on Sunday"
    if not (progressive or perfect or present or (lead and verb.tag_ in {"VBD", "VBN"})):
        return []
    if any(t.lower_ == "by" for t in verb.doc[verb.i + 1 : verb.i + 7]):
        # "diplomats declared persona non grata by Ukraine ..., have left": a passive participle, told earlier
        return []
    # "gave the envoy 48 hours to leave late Thursday and said he was recalling his own": the first verb's day
    tellers = [verb.head] + ([verb.head.head] if verb.head.dep_ == "conj" else [])
    days = [e for e in own if (e.kind in {"weekday", "relative_day"} and e.unit in {None, "day"})
            or (e.kind == "absolute" and e.day is not None)]  # fmt: skip
    return [e for e in days if any(governs(doc, offset, e, t, None) for t in tellers)][:1]


def date_lines(text: str) -> list[tuple[int, dt.date]]:
    """The lines that are only a place and a date ("Ottawa, Ontario - January 27, 2019"), with their day."""
    out = []
    for m in DATE_LINE_RE.finditer(text):
        found = dates.find_time_expressions(m.group("date"))
        if len(found) == 1 and found[0].year is not None and found[0].day is not None:
            day = dates.resolve(found[0], None).start
            if day is not None:
                out.append((m.start(), day))
    return out


def item_day(text: str, lines: list[tuple[int, dt.date]], pos: int) -> dt.date | None:
    """The date line of the item holding ``pos``: the first after it before the next bullet, else the last
    before it in the same item; a page with one date line dates all of it, a list of items leaves an item
    without its own line undated (the page's date is the latest item's, not this one's)."""

    def same_item(a: int, b: int) -> bool:
        return not BULLET_RE.search(text, a, b)

    after = [(at, day) for at, day in lines if at > pos and same_item(pos, at)]
    if after:
        return after[0][1]
    before = [(at, day) for at, day in lines if at < pos and same_item(at, pos)]
    if before:
        return before[-1][1]
    return lines[0][1] if len(lines) == 1 else None


def is_stamp(text: str, expr: dates.TimeExpr) -> bool:
    """Whether ``expr`` is a page's own date stamped before its first line ("date 2025-05-09 New Delhi: ...")."""
    return expr.start < 24 and text[: expr.start].strip() == "date"


def also_date(art: Article, sents: list[Sentence], sent: Sentence, own: list[dates.TimeExpr],
               exprs: list[dates.TimeExpr], tense: dates.Tense) -> dates.Resolved | None:  # fmt: skip
    """The day of the sentence before, for an undated "also" sentence that continues it.

    "Jaishankar on Thursday night spoke to Rubio. The minister also had a phone conversation with
    Kallas": the same evening. Only a previous sentence with exactly one day counts.
    """
    # ("Vajpayee, on the second day of his six-day visit, drove to ...", "This is Ruto's first visit to
    # Ethiopia": the day told just before)
    continues = (ALSO_RE.search(sent.text) or NTH_DAY_RE.search(sent.text) or THIS_IS_RE.match(sent.text)
                 or THIS_CAME_RE.match(sent.text))  # fmt: skip
    if own or not continues:
        return None
    # the nearest of the two sentences before that names a date ("X on Monday reviewed ties. This came in
    # a phone call. X also received a call from Y": Monday, for both calls)
    days: list[dates.TimeExpr] = []
    prev: Sentence | None = sent
    for _ in range(2):
        prev = previous(sents, prev) if prev is not None else None
        if prev is None:
            return None
        days = [e for e in exprs if prev.start <= e.start and e.end <= prev.end and e.kind != "vague"
                and not is_stamp(art.text, e) and not in_dateline(art.text, e)]  # fmt: skip
        if days or not THIS_CAME_RE.match(prev.text):
            break  # (only a "This came in ..." sentence is looked past)
    if len(days) != 1 or days[0].kind not in {"weekday", "absolute", "relative_day"}:
        return None
    res = dates.resolve(days[0], art.published, tense or "past", anchor_before(exprs, days[0].start, art.published))
    return with_duration(res, sent.text) if res.start is not None and res.precision == "day" else None


def statement_day(art: Article, sents: list[Sentence], sent: Sentence, exprs: list[dates.TimeExpr],
                  ) -> dates.Resolved | None:  # fmt: skip
    """The day of the statement that an undated news lead comes from, told in one of the next two sentences.

    Only a day right after a reporting word ("said in a statement on Saturday", "announced late Friday"),
    within the week before the paper: later paragraphs tell of other days too, and a week-old statement
    is not what the lead's news tense tells.
    """
    pub = art.published
    if pub is None:
        return None
    i = sents.index(sent)
    for other in sents[i + 1 : i + 3]:
        days = [e for e in exprs if other.start <= e.start and e.end <= other.end and e.unit in {None, "day"}
                and e.kind in {"weekday", "relative_day", "absolute"}]  # fmt: skip
        for e in days:
            if not STATEMENT_BEFORE_RE.search(art.text, max(other.start, e.start - 60), e.start):
                continue
            res = dates.resolve(e, pub, "past")
            if res.precision == "day" and res.start is not None and 0 <= (pub - res.start).days <= 6:
                return res
    return None


def when_clause_date(text: str, own: list[dates.TimeExpr], trig_at: int) -> list[dates.TimeExpr]:
    """The date a "when" clause holding the trigger hangs on: "in March 2019, when the premier visited Rome"."""
    for e in own:
        if e.kind != "vague" and e.end <= trig_at and WHEN_RE.match(text, e.end):
            between = text[e.end : trig_at]
            if not any(e.end < o.start < trig_at for o in own) and not re.search(r"[.;]", between):
                return [e]
    return []


def same_happening_date(art: Article, sents: list[Sentence], sent: Sentence, exprs: list[dates.TimeExpr],
                         kind: str, tense: dates.Tense) -> dates.Resolved | None:  # fmt: skip
    """A date from one of the next two sentences when it tells of the same happening by its noun.

    "The visit took place on 12 May", "Her expulsion came on Saturday", "In a readout of Friday's
    call": the sentence refers back with a definite or possessive noun and dates it.
    """
    regex = SAME_HAPPENING_RE.get(kind)
    if regex is None:
        return None
    i = sents.index(sent)
    # a vote is often told a few paragraphs after the veto; other happenings right after their lead
    for other in sents[i + 1 : i + (5 if kind == "veto" else 3)]:
        m = regex.search(other.text)
        if m is None or EARLIER_ONE_RE.search(other.text):
            continue  # "Russia had previously used its veto on Thursday": another, earlier happening
        start = other.start + m.start()
        if m.group("poss"):
            near = [e for e in exprs if e.start == start and e.kind != "vague"]
        elif m.group("rest") is not None and SAME_HAPPENING_VERBS_RE.search(m.group("rest")):
            rest_at = other.start + m.start("rest")
            # (close to the noun: "the vote ... would harm peace talks in Geneva, which began last week")
            near = [e for e in exprs if rest_at <= e.start and e.end <= other.end and e.kind != "vague"
                    and (kind != "veto" or e.start - start <= SAME_HAPPENING_REACH)]  # fmt: skip
        else:
            near = []
        if near:
            res = dates.resolve(
                near[0], art.published, tense or "past", anchor_before(exprs, near[0].start, art.published)
            )
            if res.start is not None:
                return with_duration(res, other.text)
    return None


def own_text(doc: Doc, trig: Token) -> str:
    """The sentence without another trip told after "after"/"following" ("arrived in Harare on Monday,
    following a three-day visit to Botswana": the three days are Botswana's)."""
    text = doc.text
    if lemma(trig) in {"leave", "depart"}:
        return text  # "left Kampala after a three-day visit": the visit left is the trigger's own
    for t in doc:
        if t.lower_ in {"after", "following"} and t.dep_ == "prep" and not any(w.i == trig.i for w in t.subtree):
            lo, hi = t.left_edge.idx, t.right_edge.idx + len(t.right_edge.text)
            text = text[:lo] + " " * (hi - lo) + text[hi:]
    return text


def with_duration(res: dates.Resolved, text: str, ending: bool = False) -> dates.Resolved:
    """A day with the length the sentence gives ("a three-day visit"): it starts then, or, for a visit
    that is ``ending`` ("has wrapped up a three-day visit"), it ends then and started days before."""
    if res.start is None or res.end is not None or res.precision != "day":
        return res
    days = dates.find_duration_days(text)
    nth = NTH_DAY_RE.search(text)
    if days and days > 1 and nth:
        # "on the second day of his six-day visit ... on Monday": the visit began the day before
        word = nth.group(1).lower()
        k = days if word in {"last", "final", "closing"} else ORDINALS.index(word) + 1
        first = dates.shift(res.start, -(min(k, days) - 1))
        if first is not None:
            return replace(res, start=first, end=dates.shift(first, days - 1))
    if days and days > 1:
        if ending:
            first = dates.shift(res.start, -(days - 1))
            return replace(res, start=first, end=res.start) if first is not None else res
        return replace(res, end=dates.shift(res.start, days - 1))
    return res


def ends_it(trig: Token, clause: Token | None) -> bool:
    """Whether the clause tells the happening's end: "has wrapped up a visit", "concluded his tour"."""
    if trig.pos_ == "VERB" and lemma(trig) in {"leave", "depart"} and ends_a_visit(trig):
        return True  # "left Moscow on Wednesday after a three-day state visit" (not "arrived ... after a visit")
    verb = clause if clause is not None and clause.pos_ in {"VERB", "AUX"} else None
    if verb is None and trig.dep_ == "dobj":
        verb = trig.head
    return verb is not None and verb is not trig and lemma(verb) in ENDING_VERBS


def _was_held(verb: Token) -> bool:
    """ "(which) was held on May 10": a passive 'hold' only says when and where its subject was."""
    return lemma(verb) == "hold" and any(c.dep_ == "auxpass" for c in verb.children)


def lead_sentence(sents: list[Sentence]) -> Sentence | None:
    """The article's first real sentence (see ``is_lead``), or None."""
    return next((s for s in sents if is_lead(sents, s)), None)


def is_lead(sents: list[Sentence], sent: Sentence) -> bool:
    """The article's first real sentence: headlines (no closing stop) and bylines before it do not count."""
    body = [s for s in sents if len(s.text.split()) > 6 and s.text.rstrip("\"“”‘’') ").endswith((".", "!", "?"))]
    if not body:
        body = [s for s in sents if len(s.text.split()) > 6]
    # "his first trip abroad since the election" tells what is new, not a period of repeated acts
    background = BACKGROUND_RE.search(FIRST_SINCE_RE.sub("", sent.text))
    return bool(body) and sent is body[0] and not background


def governs(doc: Doc, offset: int, expr: dates.TimeExpr, trig: Token, clause: Token | None,
             loose: bool = False, announcer: bool = True) -> bool:  # fmt: skip
    """Whether the date expression modifies the trigger's clause rather than another verb's.

    ``announcer``: a verb announcing the trigger counts as its clause ("announced Monday the expulsion").
    """
    span: Span | None = doc.char_span(expr.start - offset, expr.end - offset, alignment_mode="expand")
    if span is None:
        return False
    tok = span.root
    owners = {trig.i} | ({clause.i} if clause is not None else set())
    # the complement a trigger needs is part of it: "ordered them to leave on Monday"
    owners |= {c.i for c in trig.children if c.dep_ == "xcomp" and lemma(c) in LEAVING_VERBS}
    for c in trig.children:
        if c.dep_ == "conj" and lemma(c) in ORDERING_VERBS:
            owners.add(c.i)
            owners |= {g.i for g in c.children if g.dep_ == "xcomp" and lemma(g) in LEAVING_VERBS}
    # and so is a small clause: "declared them persona non grata on Monday"
    owners |= {c.i for c in trig.children if c.dep_ in {"ccomp", "oprd"} and any(g.dep_ == "nsubj" for g in c.children)}
    # "The recall was announced on Tuesday", "The visit took place on Monday": the verb tells when it happened
    if trig.dep_ in {"nsubj", "nsubjpass"} and lemma(trig.head) in HAPPENING_VERBS:
        owners.add(trig.head.i)
    # "announced Monday the expulsion of ...", "announced Monday that they were expelling ..."
    if trig.dep_ in {"dobj", "ccomp"} and lemma(trig.head) in ANNOUNCING_VERBS and announcer:
        owners.add(trig.head.i)
    # "summoned the ambassador on Wednesday to declare a staffer persona non grata": the purpose is carried out then
    if (
        trig.dep_ in {"xcomp", "advcl"}
        and lemma(trig.head) in CARRYING_VERBS
        and any(c.dep_ == "aux" and c.lower_ == "to" for c in trig.children)
    ):
        owners.add(trig.head.i)
    # "the decision by Managua on 28 September to declare the envoy persona non grata": the decision is the act
    if trig.dep_ == "acl" and lemma(trig.head) in DECISION_NOUNS:
        owners.add(trig.head.i)
    # "a state visit to Thailand, which is scheduled for January 18-21": the parser may hang the clause on the host
    # ("the state visit of the president to Tajikistan, which took place on May 10-11")
    owners |= {t.i for t in trig.subtree if t.dep_ == "relcl"
               and (lemma(t) in SCHEDULING or takes_place(t) or _was_held(t))
               and any(c.lower_ in {"which", "that"} for c in t.children)}  # fmt: skip
    # "Xi's visit, which began on Monday", "a two-day visit starting Monday": an aspectual clause dates its noun
    owners |= {c.i for c in trig.children if c.dep_ in {"relcl", "acl"} and lemma(c) in ASPECTUAL}
    # "will begin a visit starting Monday": the parser hangs "starting" on the clause verb
    owners |= {c.i for n in (trig, clause) if n is not None for c in n.children
               if c.dep_ in {"prep", "advcl", "acl"} and c.tag_ == "VBG" and lemma(c) in ASPECTUAL}  # fmt: skip
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
        if tok.i != span.root.i and tok.pos_ == "NOUN" and lemma(tok) in OTHER_HAPPENINGS:
            return False  # "in response to a massacre last week": the date is the massacre's
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
