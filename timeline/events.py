"""Find events in articles: triggers, roles, status and dates, one sentence at a time.

The order of work keeps the expensive parse for the few sentences that need it:
every sentence is split cheaply and scanned for dates (they set the narrative
anchor) and for trigger keywords; only keyword sentences go through the full
spaCy pipeline, in one ``nlp.pipe`` batch over all articles.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from timeline import dates
from timeline.actors import STATE_KINDS, ActorMention, Gazetteer
from timeline.models import Actor, Article, DateBasis, Event, Mention, Precision
from timeline.triggers import LIGHT_VERBS, Pattern, keyword_regex, matches

# Words whose open complement is not (yet) an event: "threatened to expel", "offered to visit".
HYPOTHETICAL_HEADS = frozenset({
    "threaten", "offer", "propose", "want", "seek", "try", "attempt", "urge", "ask", "call", "demand", "hope",
    "consider", "refuse", "decline", "need", "invite", "wish", "push", "pressure", "press", "encourage",
    "suggest", "mull", "weigh", "vow", "pledge", "promise", "would", "fail",
})  # fmt: skip
PLANNED_HEADS = frozenset({"plan", "intend", "expect", "schedule", "set", "due", "prepare", "agree", "go", "arrange"})
PLANNED_WORDS = frozenset({"upcoming", "planned", "scheduled", "forthcoming", "expected", "impending", "coming",
                           "proposed", "future", "next"})  # fmt: skip
MODALS = frozenset({"would", "could", "should", "might", "may", "must", "can", "ought"})
CANCEL_HEADS = frozenset({"cancel", "postpone", "scrap", "delay", "deny", "rule", "call", "shelve", "abandon"})
# Prepositions inside a noun phrase that still name who the phrase is ("nations such as France",
# "the President of Russia"); others ("ambassador to China") name someone else.
NP_PREPS = frozenset({"as", "like", "including", "of", "such"})
# Whose diplomats are expelled: "officials at the Russian embassy", "staff from the embassy of Iran".
ENVOY_PREPS = NP_PREPS | {"at", "from", "in"}
DENIAL_HEADS = frozenset({"deny", "reject", "dismiss", "refute"})
REPORTING_VERBS = frozenset({"say", "tell", "announce", "confirm", "state", "report", "add", "note", "disclose"})
# Plural subjects that only say "some states": the states themselves are named in "including ..."
GENERIC_AGENTS = frozenset({"state", "country", "nation", "government", "member", "ally", "capital", "partner"})
# Who can be a guest: "hosted the Turkish president", "received Lavrov", "welcomed a Chinese delegation".
GUEST_NOUNS = frozenset({
    "president", "minister", "leader", "counterpart", "delegation", "king", "queen", "emir", "prince", "premier",
    "chancellor", "envoy", "secretary", "monarch", "sultan", "sheikh", "head", "official", "negotiator",
    "diplomat", "vice", "pope", "ruler", "chief", "speaker", "general",
})  # fmt: skip
LEGISLATION = frozenset({"bill", "law", "legislation", "budget", "act", "amendment", "nomination", "appointment",
                         "ordinance", "decree", "tax", "spending", "package"})  # fmt: skip
# A demonym names a visiting state only through someone who can act for it: "the Russian minister",
# not "Russian tourists".
OFFICIAL_HEADS = frozenset({
    "president", "minister", "leader", "counterpart", "delegation", "king", "queen", "emir", "prince", "premier",
    "chancellor", "envoy", "secretary", "monarch", "sultan", "sheikh", "head", "official", "negotiator", "diplomat",
    "ambassador", "government", "side", "team", "administration", "ministry", "spokesman", "spokeswoman",
    "spokesperson", "representative", "vice", "deputy", "chief", "speaker", "foreign", "defense", "defence",
    "counsellor", "adviser", "advisor", "aide", "commissioner", "mission", "parliament", "lawmaker", "senator",
    "general", "commander", "officer", "staff", "authorities", "crown", "first", "pm", "fm",
})  # fmt: skip
ASPECTUAL = frozenset({"begin", "start", "end", "conclude", "last", "open", "close", "finish", "wrap", "kick"})
PLACE_KINDS = frozenset({"state", "seat", "city"})
CAPABILITY_NOUNS = frozenset({"power", "right", "privilege"})
THREAT_NOUNS = frozenset({"threat", "warning"})
USE_VERBS = frozenset({"use", "exercise", "wield", "cast", "invoke", "deploy"})
MEETING_NOUNS = frozenset({"meeting", "talks", "summit", "consultation", "session"})
COAGENT_PREPS = frozenset({"along", "together", "jointly", "alongside"})
REPORTING_CLAUSE_DEPS = frozenset({"relcl", "advcl", "ccomp", "csubj", "parataxis", "acl"})
# A lead that tells of a period, not a happening: "have expelled ... since the war began"
BACKGROUND_RE = re.compile(r"\b(?:since|over the (?:past|last)|in recent|repeatedly|several times|so far)\b", re.I)
PRONOUN_RE = re.compile(r"\b(?:he|she|his|her|it|its|they|their|him|them)\b", re.IGNORECASE)
VOTE_RE = re.compile(r"\bvot(?:e|es|ed|ing)\b", re.IGNORECASE)
TIME_WORDS = frozenset(
    {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "week", "month", "year", "tomorrow"}
)
MONTH_WORDS = frozenset(
    {"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November",
     "December"}
)  # fmt: skip
CAUSATIVES = frozenset({"let", "allow", "permit", "make", "help"})
LEMMA_FIXES = {"hopes": "hope", "hoped": "hope", "hoping": "hope"}


@dataclass
class Draft:
    """One mention of an event, before the mentions of one article are merged."""

    type: str
    pattern: Pattern
    agents: list[tuple[str, ActorMention]]
    targets: list[tuple[str, ActorMention]]
    status: str
    date: dates.Resolved | None
    date_basis: DateBasis
    evidence: str
    start: int
    end: int
    confidence: float
    source: str | None
    tense: dates.Tense = None


@dataclass(frozen=True, slots=True)
class Sentence:
    start: int
    end: int
    text: str


def split_sentences(nlp_split: Language, text: str) -> list[Sentence]:
    """Sentences of ``text`` with their offsets; a line break always ends a sentence."""
    out: list[Sentence] = []
    pos = 0
    for line in text.split("\n"):
        if line.strip():
            doc = nlp_split(line)
            for s in doc.sents:
                text = s.text.strip()
                if text:
                    # offsets of the stripped text, so that article[start:end] is the evidence exactly
                    start = pos + s.start_char + (len(s.text) - len(s.text.lstrip()))
                    out.append(Sentence(start, start + len(text), text))
        pos += len(line) + 1
    return out


def article_id_for(article: Article) -> str:
    """A content hash: the same text from the same place is the same article."""
    h = hashlib.sha256()
    for part in (article.text, article.url or article.file or "", str(article.published or "")):
        h.update(part.encode("utf-8"))
        h.update(b"\0")
    return h.hexdigest()[:20]


class EventExtractor:
    """Turns articles into events. Build one per process; it is safe to reuse."""

    def __init__(self, nlp: Language, nlp_split: Language, gazetteer: Gazetteer, patterns: Sequence[Pattern]):
        self.nlp = nlp
        self.nlp_split = nlp_split
        self.gaz = gazetteer
        self.patterns = tuple(patterns)
        self._tables: dict[tuple[Pattern, ...], tuple[dict[str, list[Pattern]], re.Pattern[str]]] = {}

    # -- public API -----------------------------------------------------------------

    def extract(
        self, articles: Sequence[Article], extra_patterns: Sequence[Sequence[Pattern]] = ()
    ) -> list[list[Event]]:
        """Events of each article, in the order given. ``extra_patterns[i]`` apply to article ``i`` only."""
        plans = []
        jobs: list[tuple[int, Sentence]] = []
        for i, art in enumerate(articles):
            sents = split_sentences(self.nlp_split, art.text)
            exprs = dates.find_time_expressions(art.text)
            extra = tuple(extra_patterns[i]) if i < len(extra_patterns) else ()
            by_lemma, keywords = self._table(extra)
            # full names of people, found once per article, for "Kim" after "Kim Jong Un"
            people = [m for m in self.gaz.find(art.text) if m.kind == "person" and " " in m.text]
            plans.append((sents, exprs, by_lemma, people))
            jobs.extend((i, s) for s in sents if self._may_hold_event(s.text, keywords))
        drafts: list[list[Draft]] = [[] for _ in articles]
        docs = self.nlp.pipe(s.text for _, s in jobs)
        for (i, sent), doc in zip(jobs, docs, strict=True):
            sents, exprs, by_lemma, people = plans[i]
            drafts[i].extend(self._sentence_drafts(articles[i], sents, sent, doc, exprs, by_lemma, people))
        return [self._merge(art, d) for art, d in zip(articles, drafts, strict=True)]

    def _may_hold_event(self, text: str, keywords: re.Pattern[str]) -> bool:
        """Cheap test before parsing: a trigger word, and an actor named or a pronoun that may refer to one."""
        return bool(keywords.search(text)) and (self.gaz.names_any(text) or bool(PRONOUN_RE.search(text)))

    def _table(self, extra: tuple[Pattern, ...]) -> tuple[dict[str, list[Pattern]], re.Pattern[str]]:
        """Patterns by lemma and the keyword pre-filter, for the core patterns plus a plugin's; built once each."""
        if extra not in self._tables:
            by_lemma: dict[str, list[Pattern]] = {}
            for p in self.patterns + extra:
                by_lemma.setdefault(p.lemma, []).append(p)
            self._tables[extra] = (by_lemma, keyword_regex(self.patterns + extra))
        return self._tables[extra]

    # -- one sentence -----------------------------------------------------------------

    def _sentence_drafts(
        self, art: Article, sents: list[Sentence], sent: Sentence, doc: Doc, exprs: list[dates.TimeExpr],
        by_lemma: dict[str, list[Pattern]], people: list[ActorMention],
    ) -> Iterable[Draft]:  # fmt: skip
        mentions = self.gaz.find(sent.text)
        earlier = [m for m in people if m.end <= sent.start]
        if earlier:
            mentions = sorted(mentions + self._surnames(earlier, sent, mentions), key=lambda m: m.start)
        seen: set[int] = set()
        for token in doc:
            for pattern in by_lemma.get(token.lemma_.lower(), ()):
                if token.i in seen or not matches(pattern, token):
                    continue
                draft = self._draft(art, sents, sent, doc, token, pattern, mentions, exprs)
                if draft is not None:
                    seen.add(token.i)
                    yield draft

    def _draft(
        self, art: Article, sents: list[Sentence], sent: Sentence, doc: Doc, trig: Token, pattern: Pattern,
        mentions: list[ActorMention], exprs: list[dates.TimeExpr],
    ) -> Draft | None:  # fmt: skip
        if self._subsumed(trig):
            return None
        clause = self._clause_verb(trig)
        status, tense = self._status(trig, clause)
        on = art.published
        if trig.dep_ == "compound" and trig.head.pos_ == "NOUN":
            # "used its veto power", "Russia's veto threat": the phrase's head carries the roles
            if trig.head.lemma_.lower() in CAPABILITY_NOUNS and (clause_of_head := self._clause_verb(trig.head)):
                if _lemma(clause_of_head) not in USE_VERBS:
                    return None  # "has veto power" is a capability, not an act
            elif trig.head.lemma_.lower() in CAPABILITY_NOUNS:
                return None
            trig = trig.head
            clause = self._clause_verb(trig)
            status, tense = self._status(trig, clause)
            if trig.lemma_.lower() in THREAT_NOUNS:
                status = "hypothetical"
        if pattern.reverse:
            agents, targets = self._guests_and_host(trig, mentions, on, sents, sent)
            agent_quality = target_quality = 1.0
        else:
            agents, agent_quality = self._agents(trig, clause, pattern, doc, mentions, sents, sent, on)
            targets, target_quality = self._targets(trig, clause, pattern, doc, mentions, on)
        if pattern.type == "phone_call":
            agents = _dedupe(agents + targets)
            targets = []
        agent_codes = {c for c, _ in agents}
        targets = [(c, m) for c, m in targets if c not in agent_codes]
        if not agents:
            return None
        if pattern.type == "phone_call" and len(agents) < 2:
            return None
        if pattern.place_preps and not targets and pattern.type != "visit":
            return None
        if pattern.type == "veto" and any(o.lemma_.lower() in LEGISLATION for o in _objects(clause or trig)):
            return None  # "the president vetoed the bill": a domestic veto, not a Security Council one
        if pattern.veto_holder and not any(c in self.gaz.veto_holders.get("UNSC", frozenset()) for c in agent_codes):
            return None
        if pattern.type == "recall" and not targets:
            targets = self._context_targets(sents, sent, mentions, agent_codes, on)
            target_quality = 0.85 if targets else 0.8
        elif pattern.type == "visit" and not targets and trig.pos_ == "NOUN":
            # "Xi's visit, which began on Monday, ..." after "Xi left Moscow ...": the host is the place
            targets = self._context_targets(sents, sent, mentions, agent_codes, on, kinds=PLACE_KINDS)
            target_quality = 0.85
        confidence = pattern.confidence * agent_quality * target_quality
        if pattern.type in {"visit", "expulsion"} and not targets:
            confidence *= 0.85

        date, basis = self._date(art, sents, sent, doc, trig, clause, exprs, tense, pattern)
        if date and date.start and art.published and date.start > art.published and status == "occurred":
            status = "planned"
        start = sent.start
        source = _source_at(art, start)
        return Draft(
            type=pattern.type, pattern=pattern, agents=agents, targets=targets, status=status, date=date,
            date_basis=basis, evidence=sent.text.strip(), start=start, end=sent.end, confidence=confidence,
            source=source, tense=tense,
        )  # fmt: skip

    # -- syntax helpers ---------------------------------------------------------------

    @staticmethod
    def _subsumed(trig: Token) -> bool:
        """A "visit" noun that only says why a verb trigger happened ("arrived ... for a visit")."""
        if trig.pos_ != "NOUN":
            return False
        head = trig.head
        if trig.dep_ == "pobj" and head.lemma_ == "for":
            return head.head.lemma_.lower() in {"arrive", "land", "travel", "fly", "come", "go", "head"}
        return False

    @staticmethod
    def _clause_verb(trig: Token) -> Token | None:
        """The verb whose clause a noun trigger belongs to, when the noun is its object."""
        if trig.pos_ in {"VERB", "AUX"}:
            return trig
        if trig.dep_ in {"dobj", "attr", "oprd"} and trig.head.lemma_.lower() in LIGHT_VERBS:
            return trig.head
        return None

    def _status(self, trig: Token, clause: Token | None) -> tuple[str, dates.Tense]:
        """occurred / planned / hypothetical / denied, and the tense that picks weekdays and years."""
        node = clause or trig
        chain = [node]
        cur = node
        while cur.head is not cur and (
            cur.dep_ in {"xcomp", "pcomp", "pobj", "prep", "dobj", "auxpass"}
            or (cur.dep_ == "ccomp" and _lemma(cur.head) in CAUSATIVES)  # "refused to let him visit"
            # a conjoined verb shares its sibling's auxiliaries, unless it has a subject of its own
            or (cur.dep_ == "conj" and not any(c.dep_ in {"nsubj", "nsubjpass"} for c in cur.children))
        ):
            cur = cur.head
            chain.append(cur)
            if cur.pos_ == "VERB" and cur.dep_ not in {"xcomp", "pcomp", "conj"}:
                break
        words = [c for n in chain for c in n.children]
        lemmas = {c.lemma_.lower() for c in words}
        lowers = {c.lower_ for c in words}
        mods = {c.lower_ for c in trig.children if c.dep_ in {"amod", "compound", "advmod"}}
        future = "will" in lowers or "shall" in lowers or "'ll" in lowers
        if any(c.dep_ == "neg" for c in words) or "never" in lowers:
            return "denied", "past"
        if any(_lemma(n) in CANCEL_HEADS and n is not node for n in chain[1:]):
            return "denied", "past"
        if trig.pos_ == "NOUN" and trig.head.lemma_.lower() in {"cancel", "postpone", "scrap", "call"}:
            return "denied", "past"
        subject_of_modal = (
            trig.pos_ == "NOUN"
            and trig.dep_ in {"nsubj", "nsubjpass"}
            and any(c.lower_ in MODALS for c in trig.head.children if c.dep_ == "aux")
        )
        if subject_of_modal:  # "a visit by Xi would be a breakthrough"
            return "hypothetical", None
        if node.dep_ == "ccomp" and node.head.lemma_.lower() in DENIAL_HEADS:
            return "denied", "past"
        if lowers & MODALS:
            reported = node.dep_ == "ccomp" and node.head.lemma_.lower() in REPORTING_VERBS
            if lowers & MODALS == {"would"} and reported and _has_time(node):
                return "planned", "future"  # "the Kremlin said Putin would visit Turkey in August"
            return "hypothetical", None
        for n in chain[1:]:
            lemma = _lemma(n)
            if lemma in HYPOTHETICAL_HEADS:
                return "hypothetical", None
            if lemma == "have" and any(c.dep_ == "xcomp" for c in n.children):
                return "hypothetical", None  # "Russia has to expel" is an obligation, not an act
            if lemma in PLANNED_HEADS or (lemma == "be" and n.lower_ in {"is", "are", "was"} and node.dep_ == "xcomp"):
                return "planned", "future"
        if any(c.dep_ == "mark" and c.lower_ in {"if", "unless", "whether"} for c in words):
            return "hypothetical", None
        if mods & PLANNED_WORDS or _preceded_by(trig, {"ahead", "before"}):
            return "planned", "future"
        if future:
            return "planned", "future"
        if node.tag_ in {"VBD", "VBN"} or "have" in lemmas or "has" in lowers:
            return "occurred", "past"
        return "occurred", None

    # -- roles ------------------------------------------------------------------------

    def _np_actors(
        self,
        head: Token,
        mentions: list[ActorMention],
        on: dt.date | None,
        exclude: Token | None = None,
        preps: frozenset[str] = NP_PREPS,
    ) -> list[tuple[str, ActorMention]]:
        """Actors named in the noun phrase headed by ``head``, leaving out clauses and loose preps."""
        keep: set[int] = set()
        stack = [head]
        while stack:
            tok = stack.pop()
            if exclude is not None and tok is exclude:
                continue
            keep.add(tok.i)
            for c in tok.children:
                if c.dep_ in REPORTING_CLAUSE_DEPS or c.dep_ in {"punct", "cc", "det"}:
                    continue
                if c.dep_ == "prep" and c.lower_ not in preps:
                    continue
                stack.append(c)
        doc = head.doc
        out = []
        for m in mentions:
            span = doc.char_span(m.start, m.end, alignment_mode="expand")
            if span is not None and any(t.i in keep for t in span):
                out.append((m.code(on), m))
        return _dedupe(out)

    def _subject(self, verb: Token) -> Token | None:
        """The subject of ``verb``, climbing through controlled and coordinated clauses."""
        cur: Token | None = verb
        for _ in range(6):
            if cur is None:
                return None
            for c in cur.children:
                # a passive subject counts only for a controlling verb ("Macron is scheduled to visit")
                if c.dep_ in {"nsubj", "csubj"} or (c.dep_ == "nsubjpass" and cur is not verb):
                    if c.lower_ in {"which", "who", "that"} and cur.dep_ == "relcl":
                        return cur.head
                    if c.lower_ in {"each", "both", "all"} and cur.head is not cur:
                        break  # "Italy and Spain followed, each expelling ...": the subject is above
                    return c
            if cur.dep_ == "relcl":
                return cur.head
            if cur.dep_ in {"xcomp", "pcomp", "conj", "prep", "pobj", "advcl", "acl", "acomp"} and cur.head is not cur:
                cur = cur.head
                continue
            return None
        return None

    def _agents(
        self, trig: Token, clause: Token | None, pattern: Pattern, doc: Doc, mentions: list[ActorMention],
        sents: list[Sentence], sent: Sentence, on: dt.date | None,
    ) -> tuple[list[tuple[str, ActorMention]], float]:  # fmt: skip
        found: list[tuple[str, ActorMention]] = []
        quality = 1.0
        passive = any(c.dep_ in {"nsubjpass", "auxpass"} for c in trig.children) or (
            trig.tag_ == "VBN" and trig.dep_ in {"acl", "amod"}
        )
        if trig.pos_ == "NOUN":
            for c in trig.children:
                if c.dep_ == "poss":
                    found += self._possessor(c, mentions, sents, sent, on)
                elif c.dep_ in {"compound", "amod"} and pattern.type != "phone_call":
                    found += [(code, m) for code, m in self._np_actors(c, mentions, on) if m.kind != "seat"]
                elif c.dep_ == "prep" and (
                    c.lower_ == "by"
                    or (c.lower_ == "of" and pattern.type == "visit")
                    or (c.lower_ == "from" and pattern.type == "expulsion")
                ):
                    found += [a for g in c.children if g.dep_ == "pobj" for a in self._np_actors(g, mentions, on)]
                elif c.dep_ == "prep" and c.lower_ == "of" and pattern.type == "expulsion":
                    # "expulsion of Iranian diplomats from Albania": the parser hangs "from" on the diplomats
                    found += [
                        a
                        for w in c.subtree
                        if w.dep_ == "prep" and w.lower_ in {"from", "by"}
                        for g in w.children
                        if g.dep_ == "pobj"
                        for a in self._np_actors(g, mentions, on)
                    ]
            if not found and pattern.type == "recall":
                # "the recall of Chile's ambassador": the envoy's state recalls
                for o in _object_heads_of_noun(trig):
                    found += [a for a in self._np_actors(o, mentions, on) if a[1].kind in STATE_KINDS]
            if not found and clause is None and pattern.type == "phone_call":
                # "In a phone call with Xi on Friday, Putin said ...": the speaker is the other side
                verb = _governing_verb(trig)
                subj = self._subject(verb) if verb is not None else None
                if subj is not None:
                    found += self._np_actors(subj, mentions, on, exclude=trig)
            if not found and clause is not None:
                subj = self._subject(clause)
                if subj is not None and subj.pos_ == "PRON":
                    found += self._pronoun(subj, mentions, sents, sent, on)  # "he had a phone call with ..."
                elif subj is not None:
                    found += self._np_actors(subj, mentions, on, exclude=trig)
        elif passive and pattern.type == "recall":
            # "Russia's ambassador was recalled from Tallinn": the envoy's state recalls
            for c in trig.children:
                if c.dep_ == "nsubjpass":
                    found += [a for a in self._np_actors(c, mentions, on) if a[1].kind in STATE_KINDS]
        elif passive:
            for c in trig.children:
                if c.dep_ == "agent" or (c.dep_ == "prep" and c.lower_ in {"by", "from"}):
                    found += [a for g in c.children if g.dep_ == "pobj" for a in self._np_actors(g, mentions, on)]
        else:
            subj = self._subject(trig)
            if subj is not None:
                if subj.lower_ in {"it", "they", "he", "she"} or subj.pos_ == "PRON":
                    found += self._pronoun(subj, mentions, sents, sent, on)
                    quality = 0.85
                else:
                    found += self._np_actors(subj, mentions, on, exclude=trig)
                    if not found and subj.lemma_.lower() in GENERIC_AGENTS:
                        found += self._named_members(doc, trig, mentions, on)
        # "Russia, along with China, vetoed": co-agents
        for node in {trig, clause} - {None}:
            assert node is not None
            for c in node.children:
                if c.dep_ in {"prep", "advmod"} and c.lower_ in COAGENT_PREPS:
                    for w in c.subtree:
                        if w.dep_ == "pobj":
                            found += self._np_actors(w, mentions, on)
        if pattern.type == "phone_call":
            node = clause or trig
            for c in node.children:
                if c.dep_ == "prep" and c.lower_ == "with":
                    found += [a for g in c.children if g.dep_ == "pobj" for a in self._np_actors(g, mentions, on)]
            if trig.pos_ == "NOUN":
                for c in trig.children:
                    if c.dep_ == "prep" and c.lower_ in {"with", "between", "from"}:
                        for g in c.children:
                            if g.dep_ == "pobj":
                                found += self._np_actors(g, mentions, on)
            if trig.pos_ == "VERB":
                for c in trig.children:
                    if c.dep_ == "dobj":
                        found += self._np_actors(c, mentions, on)
        if pattern.type == "visit":
            found = [(c, m) for c, m in found if m.kind != "demonym" or _official_head(doc, m)]
        found = [(c, m) for c, m in found if m.kind != "city"]
        orgs_ok = pattern.type in {"visit", "phone_call"}
        found = [(c, m) for c, m in found if orgs_ok or (len(c) == 3 and m.kind != "org")]
        return _dedupe(found), quality

    def _guests_and_host(
        self, trig: Token, mentions: list[ActorMention], on: dt.date | None, sents: list[Sentence], sent: Sentence
    ) -> tuple[list[tuple[str, ActorMention]], list[tuple[str, ActorMention]]]:
        """Hosting reversed: the guests (object, or a meeting's "with" phrase) visit the host (subject)."""
        passive = any(c.dep_ in {"nsubjpass", "auxpass"} for c in trig.children)
        guest_heads = [c for c in trig.children if c.dep_ == ("nsubjpass" if passive else "dobj")]
        host_heads = (
            [g for c in trig.children if c.dep_ == "agent" for g in c.children if g.dep_ == "pobj"]
            if passive
            else [c for c in trig.children if c.dep_ == "nsubj"]
        )
        guests: list[tuple[str, ActorMention]] = []
        for g in [x for h in guest_heads for x in (h, *h.conjuncts)]:
            if g.lemma_.lower() in MEETING_NOUNS:
                for c in g.children:
                    if c.dep_ == "prep" and c.lower_ == "with":
                        guests += [a for w in c.children if w.dep_ == "pobj" for a in self._np_actors(w, mentions, on)]
            elif g.lemma_.lower() in GUEST_NOUNS or g.pos_ == "PROPN":
                guests += [a for a in self._np_actors(g, mentions, on) if a[1].kind != "seat"]
        hosts: list[tuple[str, ActorMention]] = []
        for h in host_heads:
            found = (
                self._pronoun(h, mentions, sents, sent, on) if h.pos_ == "PRON" else self._np_actors(h, mentions, on)
            )
            hosts += [a for a in found if a[1].kind in STATE_KINDS | {"person"}]
        return _dedupe(guests), _dedupe(hosts)

    @staticmethod
    def _surnames(earlier: list[ActorMention], sent: Sentence, found: list[ActorMention]) -> list[ActorMention]:
        """Bare surnames ("Kim") that refer back to a full name ("Kim Jong Un") earlier in the article."""
        by_part: dict[str, ActorMention] = {}
        for m in earlier:
            for part in {m.text.split()[0], m.text.split()[-1]}:
                if len(part) > 2 and part[0].isupper():
                    by_part[part] = m
        taken = [(m.start, m.end) for m in found]
        out = []
        for part, m in by_part.items():
            for hit in re.finditer(rf"(?<![\w-]){re.escape(part)}(?![\w-])", sent.text):
                if not any(s <= hit.start() < e for s, e in taken):
                    out.append(ActorMention(hit.start(), hit.end(), part, m.entries))
        return out

    def _named_members(
        self, doc: Doc, trig: Token, mentions: list[ActorMention], on: dt.date | None
    ) -> list[tuple[str, ActorMention]]:
        """States named in an "including ..." phrase, which parsers often hang on the wrong clause."""
        inside_objects = {t.i for o in _objects(trig) for t in o.subtree}
        out = []
        for tok in doc:
            if tok.lower_ in {"including", "among"} and tok.i not in inside_objects:
                for g in tok.children:
                    if g.dep_ == "pobj":
                        out += self._np_actors(g, mentions, on)
        return out

    def _possessor(self, tok: Token, mentions: list[ActorMention], sents: list[Sentence], sent: Sentence,
                   on: dt.date | None) -> list[tuple[str, ActorMention]]:  # fmt: skip
        if tok.pos_ == "PRON":
            return self._pronoun(tok, mentions, sents, sent, on)
        return self._np_actors(tok, mentions, on)

    def _pronoun(self, tok: Token, mentions: list[ActorMention], sents: list[Sentence], sent: Sentence,
                 on: dt.date | None) -> list[tuple[str, ActorMention]]:  # fmt: skip
        """The actor a pronoun refers to: the nearest fitting actor before it, here or one sentence back."""
        personal = tok.lower_ in {"he", "his", "him", "she", "her"}
        before = [m for m in mentions if m.end <= tok.idx]
        pool = [m for m in before if (m.kind == "person") == personal or (personal and m.kind == "office")]
        if not pool and not personal:
            pool = [m for m in before if m.kind in STATE_KINDS | {"org"}]
        if not pool:
            prev = _previous(sents, sent)
            if prev is not None:
                earlier = self.gaz.find(prev.text)
                pool = [m for m in earlier if (m.kind == "person") == personal]
        if not pool:
            # "During his visit to Ankara, the Iranian president ...": the referent comes after
            phrase_end = max(t.idx + len(t.text) for t in tok.head.subtree) if tok.dep_ == "poss" else tok.idx
            after = [m for m in mentions if m.start >= phrase_end and m.kind in STATE_KINDS | {"person"}]
            return [(after[0].code(on), after[0])] if after else []
        m = pool[-1]
        return [(m.code(on), m)]

    def _targets(
        self, trig: Token, clause: Token | None, pattern: Pattern, doc: Doc, mentions: list[ActorMention],
        on: dt.date | None,
    ) -> tuple[list[tuple[str, ActorMention]], float]:  # fmt: skip
        kind = pattern.type
        out: list[tuple[str, ActorMention]] = []
        if kind == "veto":
            return [], 1.0
        node = clause if (clause is not None and trig.pos_ == "NOUN" and kind != "visit") else trig

        def pobjs(
            tok: Token, preps: Iterable[str], nested: frozenset[str] = NP_PREPS
        ) -> list[tuple[str, ActorMention]]:
            res = []
            for c in tok.children:
                if c.dep_ == "prep" and c.lower_ in preps:
                    for g in c.children:
                        if g.dep_ == "pobj":
                            res += self._np_actors(g, mentions, on, preps=nested)
            return res

        if kind == "visit":
            if pattern.place_preps:
                # "met him in person in Addis Ababa": the place may hang on the first phrase
                out += pobjs(trig, pattern.place_preps, NP_PREPS | pattern.place_preps)
                if pattern.lemma == "start":
                    for o in _objects(trig):
                        out += pobjs(o, pattern.place_preps)
            elif trig.pos_ == "VERB":
                for c in trig.children:
                    if c.dep_ == "dobj":
                        out += self._np_actors(c, mentions, on)
                out += pobjs(trig, {"to", "in"})
            else:
                out += pobjs(trig, {"to", "in"})
                if not out and clause is not None:
                    out += pobjs(clause, {"to", "in"})
            return [(c, m) for c, m in out if m.kind != "person"], 1.0
        if kind == "expulsion":
            passive = any(c.dep_ in {"nsubjpass", "auxpass"} for c in trig.children) or (
                trig.tag_ == "VBN" and trig.dep_ in {"acl", "amod"}
            )
            if trig.pos_ == "NOUN":
                for c in trig.children:
                    if c.dep_ == "prep" and c.lower_ == "of":
                        for g in c.children:
                            if g.dep_ == "pobj":
                                out += self._np_actors(g, mentions, on)
            elif passive:
                heads = [c for c in trig.children if c.dep_ == "nsubjpass"]
                if trig.dep_ in {"acl", "amod"}:
                    heads.append(trig.head)
                for h in heads:
                    out += self._np_actors(h, mentions, on, exclude=trig)
            else:
                for o in _objects(node):
                    out += self._np_actors(o, mentions, on, preps=ENVOY_PREPS)
                if not out:  # the parser often hangs "at the Russian embassy" on the verb
                    out += pobjs(node, {"at"})
            return out, 1.0
        if kind == "recall":
            for o in [*_objects(node), *_objects(trig)]:
                out += pobjs(o, {"to", "in", "from"})
            out += pobjs(trig, {"from", "to"})
            if clause is not None and clause is not trig:
                out += pobjs(clause, {"from", "to"})
            return out, 1.0
        return out, 1.0

    def _context_targets(self, sents: list[Sentence], sent: Sentence, mentions: list[ActorMention],
                         agents: set[str], on: dt.date | None,
                         kinds: frozenset[str] | None = None) -> list[tuple[str, ActorMention]]:  # fmt: skip
        """The state an envoy was recalled from (or a visit's host), when the sentence leaves it to the context.

        Only an unambiguous answer counts: exactly one other state named here, else in the sentence before.
        """

        def fits(m: ActorMention) -> bool:
            return m.code(on) not in agents and len(m.code(on)) == 3 and (kinds is None or m.kind in kinds)

        pool = [m for m in mentions if fits(m)]
        if not pool:
            prev = _previous(sents, sent)
            if prev is not None:
                pool = [m for m in self.gaz.find(prev.text) if fits(m)]
        codes = {m.code(on) for m in pool}
        if len(codes) != 1:
            return []
        return [(pool[0].code(on), pool[0])]

    # -- dates --------------------------------------------------------------------------

    def _date(
        self, art: Article, sents: list[Sentence], sent: Sentence, doc: Doc, trig: Token, clause: Token | None,
        exprs: list[dates.TimeExpr], tense: dates.Tense, pattern: Pattern,
    ) -> tuple[dates.Resolved | None, DateBasis]:  # fmt: skip
        pub = art.published
        own = [e for e in exprs if sent.start <= e.start and e.end <= sent.end]
        attached = [e for e in own if self._governs(doc, sent.start, e, trig, clause)]
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
            anchor = _anchor(exprs, e.start, pub)
            res = dates.resolve(e, pub, tense, anchor)
            res = self._with_duration(res, sent.text)
            return res, ("anchor" if res.used_anchor else "text")
        if any(e.kind == "vague" and self._governs(doc, sent.start, e, trig, clause, loose=True) for e in own):
            return None, "none"
        if pattern.type == "veto":
            for other in (_next(sents, sent), _previous(sents, sent)):
                if other is not None and VOTE_RE.search(other.text):
                    near = [e for e in exprs if other.start <= e.start and e.end <= other.end and e.kind != "vague"]
                    if near:
                        res = dates.resolve(near[0], pub, "past", _anchor(exprs, near[0].start, pub))
                        return res, "context"
        node = clause or trig
        main_clause = node.dep_ in {"ROOT", "conj"} or (
            node.dep_ == "ccomp" and node.head.lemma_.lower() in REPORTING_VERBS
        )
        if pub and main_clause and self._is_lead(sents, sent) and trig.tag_ in {"VBZ", "VBP", "VBG", "VBN"}:
            return dates.Resolved(pub, None, "day", "publication date"), "publication"
        return None, "none"

    @staticmethod
    def _with_duration(res: dates.Resolved, text: str) -> dates.Resolved:
        if res.start is None or res.end is not None or res.precision != "day":
            return res
        days = dates.find_duration_days(text)
        if days and days > 1:
            return replace(res, end=res.start + dt.timedelta(days=days - 1))
        return res

    @staticmethod
    def _is_lead(sents: list[Sentence], sent: Sentence) -> bool:
        body = [s for s in sents if len(s.text.split()) > 6]
        return bool(body) and sent is body[0] and not BACKGROUND_RE.search(sent.text)

    @staticmethod
    def _governs(doc: Doc, offset: int, expr: dates.TimeExpr, trig: Token, clause: Token | None,
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
        owners |= {
            c.i for c in trig.children if c.dep_ in {"ccomp", "oprd"} and any(g.dep_ == "nsubj" for g in c.children)
        }
        # "Xi's visit, which began on Monday": an aspectual relative clause dates its noun
        owners |= {c.i for c in trig.children if c.dep_ == "relcl" and _lemma(c) in ASPECTUAL}
        # "Italy followed on Tuesday, each expelling ...", "responded on Friday by calling back ...":
        # a participial clause happens when its main verb does
        if trig.tag_ == "VBG" and trig.dep_ in {"advcl", "pcomp"}:
            verb = _governing_verb(trig)
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

    # -- merging ------------------------------------------------------------------------

    def _merge(self, art: Article, drafts: list[Draft]) -> list[Event]:
        groups: list[list[Draft]] = []
        for d in sorted(drafts, key=lambda d: d.start):
            for g in groups:
                if all(_compatible(d, other) for other in g):
                    g.append(d)
                    break
            else:
                groups.append([d])
        art_id = article_id_for(art)
        # a visit with no host state named anywhere is a trip at home or an unknown destination
        groups = [g for g in groups if g[0].type != "visit" or any(d.targets for d in g)]
        return [self._event(art, art_id, g) for g in groups]

    def _event(self, art: Article, art_id: str, group: list[Draft]) -> Event:
        best = max(group, key=lambda d: (_precision_rank(d.date), d.confidence))
        lead = max(group, key=lambda d: d.confidence)
        agents = _dedupe([a for d in group for a in d.agents])
        agent_codes = {c for c, _ in agents}
        targets = [t for t in _dedupe([t for d in group for t in d.targets]) if t[0] not in agent_codes]
        statuses = [d.status for d in group]
        status = "occurred" if "occurred" in statuses else statuses[0]
        date = best.date
        if status == "occurred" and date is not None and date.start and art.published and date.start > art.published:
            status = "planned"
        if status == "occurred" and any(d.status == "planned" for d in group) and (date is None or date.start is None):
            status = "planned"
        confidence = min(0.99, lead.confidence + 0.03 * (len(group) - 1))
        on = date.start if date is not None and date.start is not None else art.published
        actors = tuple(
            [_actor(code, m, "agent", on) for code, m in agents]
            + [_actor(code, m, "target", on) for code, m in targets]
        )
        agent_list = tuple(c for c, _ in agents)
        target_list = tuple(c for c, _ in targets)
        first = min(group, key=lambda d: d.start)
        digest = hashlib.sha256(
            f"{art_id}|{best.type}|{','.join(sorted(agent_list))}|{','.join(sorted(target_list))}|{first.start}".encode()
        ).hexdigest()[:16]
        precision: Precision = date.precision if date is not None else "unknown"
        return Event(
            id=digest,
            type=best.type,  # type: ignore[arg-type]
            status=status,  # type: ignore[arg-type]
            date_start=date.start if date else None,
            date_end=date.end if date else None,
            date_precision=precision if date is not None and date.start is not None else "unknown",
            date_basis=best.date_basis if date is not None and date.start is not None else "none",
            date_text=date.text if date is not None and date.start is not None else None,
            agents=agent_list,
            targets=target_list,
            article=art.file or art.url or art_id,
            article_id=art_id,
            outlet=art.outlet,
            published=art.published,
            source=lead.source,
            evidence=best.evidence,
            evidence_start=best.start,
            evidence_end=best.end,
            confidence=round(confidence, 3),
            actors=actors,
            mentions=tuple(Mention(evidence=d.evidence, start=d.start, end=d.end, source=d.source) for d in group),
        )


# -- small helpers --------------------------------------------------------------------


def _objects(tok: Token) -> list[Token]:
    """Direct objects, including the subject of a small clause ("declared them persona non grata")."""
    objs = [c for c in tok.children if c.dep_ in {"dobj", "nsubjpass"}]
    for c in tok.children:
        if c.dep_ in {"ccomp", "xcomp", "oprd"}:
            objs += [g for g in c.children if g.dep_ == "nsubj"]
    return [x for o in objs for x in (o, *o.conjuncts)]


def _lemma(tok: Token) -> str:
    """The lemma, mended where the small model gets common verbs wrong ("hopes" -> "hop")."""
    return LEMMA_FIXES.get(tok.lower_, tok.lemma_.lower())


def _official_head(doc: Doc, m: ActorMention) -> bool:
    """Whether a demonym modifies someone who can act for a state ("Russian minister", not "Russian tourists")."""
    span = doc.char_span(m.start, m.end, alignment_mode="expand")
    if span is None:
        return False
    head = span.root.head if span.root.dep_ in {"amod", "compound"} else span.root
    return head is span.root or head.lemma_.lower() in OFFICIAL_HEADS or head.pos_ == "PROPN"


def _governing_verb(tok: Token) -> Token | None:
    """The verb a prepositional phrase hangs on ("[In a call with Xi], Putin said")."""
    cur = tok
    for _ in range(4):
        if cur.head is cur:
            return None
        cur = cur.head
        if cur.pos_ in {"VERB", "AUX"}:
            return cur
    return None


def _object_heads_of_noun(tok: Token) -> list[Token]:
    return [g for c in tok.children if c.dep_ == "prep" and c.lower_ == "of" for g in c.children if g.dep_ == "pobj"]


def _has_time(tok: Token) -> bool:
    """Whether a clause carries its own time ("in August", "on Friday")."""
    return any(t.lemma_.lower() in TIME_WORDS or t.text in MONTH_WORDS for t in tok.subtree)


def _preceded_by(tok: Token, words: set[str]) -> bool:
    cur = tok
    for _ in range(4):
        if cur.head is cur:
            return False
        cur = cur.head
        if cur.lower_ in words:
            return True
    return False


def _dedupe(items: list[tuple[str, ActorMention]]) -> list[tuple[str, ActorMention]]:
    seen: set[str] = set()
    out = []
    for code, m in items:
        if code not in seen:
            seen.add(code)
            out.append((code, m))
    return out


def _previous(sents: list[Sentence], sent: Sentence) -> Sentence | None:
    i = sents.index(sent)
    return sents[i - 1] if i > 0 else None


def _next(sents: list[Sentence], sent: Sentence) -> Sentence | None:
    i = sents.index(sent)
    return sents[i + 1] if i + 1 < len(sents) else None


def _anchor(exprs: list[dates.TimeExpr], before: int, pub: dt.date | None) -> dt.date | None:
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


def _source_at(art: Article, pos: int) -> str | None:
    for a in art.attributions:
        if a.start <= pos < a.end:
            return a.source
    return art.source


def _precision_rank(date: dates.Resolved | None) -> int:
    if date is None or date.start is None:
        return 0
    return {"year": 1, "month": 2, "week": 3, "day": 4}.get(date.precision, 0) + (1 if date.end else 0)


def _overlap(a: set[str], b: set[str]) -> bool:
    return not a or not b or bool(a & b)


def _compatible(a: Draft, b: Draft) -> bool:
    """Whether two mentions in one article can be the same happening."""
    if a.type != b.type:
        return False
    aa, ba = {c for c, _ in a.agents}, {c for c, _ in b.agents}
    at, bt = {c for c, _ in a.targets}, {c for c, _ in b.targets}
    if a.type == "phone_call":
        if len((aa | at) & (ba | bt)) < 2:
            return False
    elif not (aa & ba) or not _overlap(at, bt):
        return False
    ia, ib = _span(a.date), _span(b.date)
    # "a three-day visit from Wednesday" contains "will travel to Guangzhou on Friday"
    return ia is None or ib is None or (ia[0] <= ib[1] and ib[0] <= ia[1])


def _span(date: dates.Resolved | None) -> tuple[dt.date, dt.date] | None:
    """The days a resolved date can stand for."""
    if date is None or date.start is None:
        return None
    s = date.start
    if date.precision == "year":
        return dt.date(s.year, 1, 1), dt.date(s.year, 12, 31)
    if date.precision == "month":
        nxt = dt.date(s.year + (s.month == 12), s.month % 12 + 1, 1)
        return dt.date(s.year, s.month, 1), nxt - dt.timedelta(days=1)
    if date.precision == "week":
        return s, s + dt.timedelta(days=6)
    return s, date.end or s


def _actor(code: str, m: ActorMention, role: str, on: dt.date | None) -> Actor:
    entry = m.resolve(on)
    return Actor(
        code=code,
        role=role,  # type: ignore[arg-type]
        name=m.text,
        person=entry.name if entry.kind == "person" else None,
        office=entry.office,
    )
