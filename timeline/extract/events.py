"""Find events in articles: triggers, roles, status and dates, one sentence at a time.

This module orchestrates and merges; the questions it asks live in their own modules:
``sentences`` (splitting), ``triggers`` (which words), ``roles`` (who did what to whom),
``status`` (occurred, planned, hypothetical, denied), ``attach`` (which date), ``syntax``
(small parse helpers).

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

import msgspec
from spacy.language import Language
from spacy.tokens import Doc, Token

from timeline.extract import dates
from timeline.extract.actors import STATE_KINDS, ActorMention, Gazetteer
from timeline.extract.attach import PRIOR_RE, TWO_SIDES_RE, event_date, lead_sentence
from timeline.extract.home import ArticleContext, article_context, blank_dateline, resolve_titles
from timeline.extract.roles import OFFICIAL_HEADS, PLACE_KINDS, RoleFinder, dedupe, mention_root, without_exceptions
from timeline.extract.sentences import Sentence, following, previous, split_sentences
from timeline.extract.status import status_of
from timeline.extract.syntax import QUANTITY_NOUNS, clause_verb, habitual, lemma, objects, of_objects, subsumed
from timeline.extract.triggers import Pattern, keyword_regex, matches
from timeline.models import Actor, Article, DateBasis, Event, Mention, Precision

# posts taken up on arrival ("arrived in Lima as ambassador"); a special envoy's trip is a visit all the same
POSTS = frozenset({"ambassador", "representative", "consul", "commissioner", "correspondent"})
# "Osinbajo's presidential veto", "a line-item veto": a head of state's veto of a law at home
DOMESTIC_VETOES = frozenset({"presidential", "gubernatorial", "pocket", "line-item", "item", "executive", "royal"})
LEGISLATION = frozenset({"bill", "law", "legislation", "budget", "act", "amendment", "nomination", "appointment",
                         "ordinance", "decree", "tax", "spending", "package", "item", "provision", "appropriation",
                         "statute"})  # fmt: skip
# documents and sittings named after an act: "veto message", "visit programme"
PAPERS = frozenset({"message", "letter", "memo", "memorandum", "override", "session", "procedure", "programme",
                    "program", "schedule", "agenda", "itinerary"})  # fmt: skip
CAPABILITY_NOUNS = frozenset({"power", "right", "privilege", "authority", "prerogative"})
THREAT_NOUNS = frozenset({"threat", "warning"})
ENVOY_NOUNS = frozenset({"diplomat", "ambassador", "envoy", "attache", "attaché", "consul", "official", "staff",
                         "employee", "officer", "representative", "member", "staffer"})  # fmt: skip
# Those expelled who are not a state's envoys: an expulsion of them is no diplomatic expulsion
NOT_ENVOYS = frozenset({"migrant", "refugee", "journalist", "student", "worker", "immigrant", "reporter",
                        "correspondent", "activist", "citizen", "foreigner", "asylum", "seeker", "player",
                        "missionary", "tourist", "pupil", "monk", "priest", "nun", "family"})  # fmt: skip
USE_VERBS = frozenset({"use", "exercise", "wield", "cast", "invoke", "deploy"})
COUNT_NOUNS = frozenset({"country", "state", "nation", "government", "capital"})
# what a bare list of states leaves when the names are taken out: commas, "and", "the", a final stop
LIST_REST_RE = re.compile(r"(?:[\s,;.]|\band\b|\bthe\b|\bas well as\b)*", re.IGNORECASE)
# "Canada did the same", "Bahrain followed suit", "similar decisions by Chile and Bolivia": the act of the
# sentence before, by other states
ECHO_RE = re.compile(
    r"\b(?:did|do|does|doing|done) the same\b|\bfollow(?:s|ed|ing)? suit\b"
    r"|\bsimilar (?:decision|move|step|action|measure)s? by\b",
    re.IGNORECASE,
)
ECHO_TYPES = frozenset({"recall", "expulsion"})
# "23 countries were informed of expulsions": states counted, to be named in the next sentence
COUNT_RE = re.compile(r"\b(?:countries|nations|states|governments|capitals)\b", re.IGNORECASE)
PRONOUN_RE = re.compile(r"\b(?:he|she|his|her|it|its|they|their|him|them)\b", re.IGNORECASE)


@dataclass
class Draft:
    """One mention of an event, before the mentions of one article are merged."""

    type: str
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
    # the status came from the sentence itself (a tense, a negation, a cancelling verb), not a default
    firm: bool = True


# a period still to come when the paper went out, though it began before ("later this year")
AHEAD_RE = re.compile(r"(?:later this|next|coming|the coming) (?:week|month|year)\b", re.I)

# Days between two mentions of one visit told on different days (arrival, talks, departure)
VISIT_SLACK_DAYS = 3
# Days a lead dated only by the paper may lie after the day a later sentence gives the same happening
PUBLICATION_SLACK_DAYS = 6


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
        self.roles = RoleFinder(gazetteer)
        self.patterns = tuple(patterns)
        self._tables: dict[tuple[Pattern, ...], tuple[dict[str, list[Pattern]], re.Pattern[str]]] = {}

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
            found = self.gaz.find(art.text, titles=True)
            # full names of people, found once per article, for "Kim" after "Kim Jong Un"
            people = [m for m in found if m.kind == "person" and " " in m.text]
            plans.append((sents, exprs, by_lemma, people, article_context(art, self.gaz, found)))
            jobs.extend((i, s) for s in sents if self._may_hold_event(s.text, keywords))
        drafts: list[list[Draft]] = [[] for _ in articles]
        docs = self.nlp.pipe(blank_dateline(s.text, self.gaz) for _, s in jobs)
        for (i, sent), doc in zip(jobs, docs, strict=True):
            sents, exprs, by_lemma, people, ctx = plans[i]
            drafts[i].extend(
                self._sentence_drafts(articles[i], sents, sent, doc, exprs, by_lemma, people, ctx, drafts[i])
            )
        results = [
            self._merge(art, _story_months(art, d), _headline_end(plan[0]))
            for art, d, plan in zip(articles, drafts, plans, strict=True)
        ]
        titled = [i for i, a in enumerate(articles) if a.title and a.title.strip() and a.title not in a.text]
        if titled:
            heads = self.extract([Article(text=articles[i].title or "", published=articles[i].published)
                                  for i in titled])  # fmt: skip
            for i, head_events in zip(titled, heads, strict=True):
                results[i] += _headline_only(articles[i], results[i], head_events)
        return results

    def _may_hold_event(self, text: str, keywords: re.Pattern[str]) -> bool:
        """Cheap test before parsing: a trigger word, and an actor named or a pronoun that may refer to one."""
        return bool(keywords.search(text) or ECHO_RE.search(text)) and (
            self.gaz.names_any(text)
            or bool(PRONOUN_RE.search(text))
            or bool(COUNT_RE.search(text))
            or bool(TWO_SIDES_RE.search(text))
        )

    def _table(self, extra: tuple[Pattern, ...]) -> tuple[dict[str, list[Pattern]], re.Pattern[str]]:
        """Patterns by lemma and the keyword pre-filter, for the core patterns plus a plugin's; built once each."""
        if extra not in self._tables:
            by_lemma: dict[str, list[Pattern]] = {}
            for p in self.patterns + extra:
                by_lemma.setdefault(p.lemma, []).append(p)
            self._tables[extra] = (by_lemma, keyword_regex(self.patterns + extra))
        return self._tables[extra]

    def _sentence_drafts(
        self, art: Article, sents: list[Sentence], sent: Sentence, doc: Doc, exprs: list[dates.TimeExpr],
        by_lemma: dict[str, list[Pattern]], people: list[ActorMention], ctx: ArticleContext,
        before: Sequence[Draft] = (),
    ) -> Iterable[Draft]:  # fmt: skip
        """The drafts of one parsed sentence; ``before`` holds the article's drafts so far."""
        # unnamed titles ("the Foreign Ministry") stand for the state the article speaks from
        # (the parsed text, whose opening dateline is blanked: "Beijing, Nov 24 (Prensa Latina)" names no actor)
        mentions = resolve_titles(doc.text, self.gaz.find(doc.text, titles=True), ctx, sent.start)
        earlier = [m for m in people if m.end <= sent.start]
        if earlier:
            mentions = sorted(mentions + self.roles.surnames(earlier, sent, mentions), key=lambda m: m.start)
        seen: set[int] = set()
        found_any = False
        for token in doc:
            for pattern in by_lemma.get(token.lemma_.lower(), ()):
                if token.i in seen or not matches(pattern, token):
                    continue
                drafts = self._drafts(art, sents, sent, doc, token, pattern, mentions, exprs, before)
                if drafts:
                    seen.add(token.i)
                    found_any = True
                    yield from drafts
        if not found_any and ECHO_RE.search(sent.text):
            yield from self._echoes(art, sents, sent, doc, mentions, exprs, before)

    def _echoes(
        self, art: Article, sents: list[Sentence], sent: Sentence, doc: Doc, mentions: list[ActorMention],
        exprs: list[dates.TimeExpr], before: Sequence[Draft],
    ) -> list[Draft]:  # fmt: skip
        """ "Colombia and Chile did the same": the recall or expulsion of the sentence before, by the states
        named here (each its own event, as each state recalls or expels its own envoys)."""
        prev = previous(sents, sent)
        last = before[-1] if before else None
        if prev is None or last is None or last.type not in ECHO_TYPES or last.start != prev.start:
            return []
        if last.status != "occurred":
            return []
        m = ECHO_RE.search(sent.text)
        assert m is not None
        word = doc.char_span(m.start(), m.end(), alignment_mode="expand")
        if word is None:
            return []
        head = word.root if word.root.pos_ != "DET" else word[0]
        status, _ = status_of(head, clause_verb(head) or head)
        if status != "occurred":
            return []  # "urged Chile to do the same", "may follow suit", "did not do the same"
        on = art.published
        taken = {c for c, _ in last.agents} | {c for c, _ in last.targets}
        agents = dedupe([(m.code(on), m) for m in mentions if m.kind in {"state", "seat"} and m.code(on) not in taken])
        if not agents:
            return []
        own = [e for e in exprs if sent.start <= e.start and e.end <= sent.end and e.kind != "vague"]
        date = dates.resolve(own[0], on, "past") if own else None
        sides = [[a] for a in agents] if last.type == "recall" else [agents]
        return [
            Draft(type=last.type, agents=side, targets=list(last.targets), status="occurred", date=date,
                  date_basis="text" if date is not None else "none", evidence=sent.text, start=sent.start,
                  end=sent.end, confidence=0.7, source=_source_at(art, sent.start))
            for side in sides
        ]  # fmt: skip

    def _drafts(
        self, art: Article, sents: list[Sentence], sent: Sentence, doc: Doc, trig: Token, pattern: Pattern,
        mentions: list[ActorMention], exprs: list[dates.TimeExpr], before: Sequence[Draft] = (),
    ) -> list[Draft]:  # fmt: skip
        """The events one trigger reports: usually one, one per pair for a round of calls, one per
        recalling state, one per host of a tour."""
        draft = self._draft(art, sents, sent, doc, trig, pattern, mentions, exprs, before)
        if draft is None:
            return []
        if draft.type == "recall" and (len(_by_code(draft.agents)) > 1 or len(_by_code(draft.targets)) > 1):
            # "Chile and Colombia recalled their ambassadors": each state calls home its own envoy;
            # "recalled its ambassadors to Spain and Norway": each post is its own recall
            posts: list[list[tuple[str, ActorMention]]] = _by_code(draft.targets) or [[]]
            return [replace(draft, agents=a, targets=t) for a in _by_code(draft.agents) for t in posts
                    if not t or t[0][0] != a[0][0]]  # fmt: skip
        if draft.type == "expulsion" and {c for c, _ in draft.agents} == {c for c, _ in draft.targets}:
            # mutual ("expelled a staffer each"): each side expels the other's
            return [replace(draft, agents=a, targets=t) for a in _by_code(draft.agents)
                    for t in _by_code(draft.targets) if t[0][0] != a[0][0]]  # fmt: skip
        if draft.type == "expulsion" and any(m.kind in STATE_KINDS for _, m in draft.targets):
            # "a first secretary at Iraq's UN mission": the envoy's state is sent home, not the body he sits at
            draft = replace(draft, targets=[t for t in draft.targets if t[1].kind in STATE_KINDS])
        if draft.type == "expulsion" and len(draft.targets) > 1:
            # "expelled the Mexican ambassador and Spanish diplomats": one expulsion per state sent home
            return [replace(draft, targets=[t]) for t in draft.targets]
        if draft.type == "visit" and not pattern.meeting and not pattern.reverse:
            legs = self._legs(art, sent, trig, mentions, exprs, draft)
            if len(legs) > 1:
                # "toured Ghana on Monday and Togo on Tuesday": each host with its own day is its own visit
                return [replace(draft, targets=[t], date=d, date_basis="text") for t, d in legs]
        if draft.type == "visit" and trig.tag_ == "NNS" and not pattern.meeting and len(_by_code(draft.agents)) > 1:
            # "the ministers of Malta and Finland pay official visits to China": each guest's own visit
            return [replace(draft, agents=a) for a in _by_code(draft.agents)]
        if draft.type == "phone_call" and len(draft.agents) > 2 and _round_of_calls(trig):
            clause = clause_verb(trig)
            on = art.published
            callers = {c for c, _ in self.roles.caller_side(trig, clause, mentions, sents, sent, on)}
            side = [a for a in draft.agents if a[0] in callers]
            others = [a for a in draft.agents if a[0] not in callers]
            if side and len(others) > 1:
                return [replace(draft, agents=[*side, o]) for o in others]
        return [draft]

    def _two_sides(self, sents: list[Sentence], sent: Sentence, on: dt.date | None) -> list[tuple[str, ActorMention]]:
        """The two states the sentence before names (people, titled demonyms, states), when exactly two."""
        prev = previous(sents, sent)
        if prev is None:
            return []
        found = [m for m in self.gaz.find(prev.text) if m.kind in {"person", "state", "demonym", "office"}]
        sides = dedupe([(m.code(on), m) for m in found if len(m.code(on)) == 3])
        return sides if len(sides) == 2 else []

    def _named_before(self, sents: list[Sentence], sent: Sentence, sides: set[str], on: dt.date | None) -> bool:
        """Whether the sentence before names a state besides ``sides`` (a party the act may be aimed at)."""
        prev = previous(sents, sent)
        return prev is not None and any(
            m.kind in {"state", "seat", "demonym"} and m.code(on) not in sides for m in self.gaz.find(prev.text)
        )

    def _listed_states(
        self, sents: list[Sentence], sent: Sentence, on: dt.date | None
    ) -> list[tuple[str, ActorMention]]:
        """The states of the next sentence when it is nothing but a list of them ("A, B, C and D.")."""
        nxt = following(sents, sent)
        if nxt is None:
            return []
        found = [m for m in self.gaz.find(nxt.text) if m.kind == "state"]
        rest = nxt.text
        for m in sorted(found, key=lambda m: -m.start):
            rest = rest[: m.start] + rest[m.end :]
        if len({m.code(on) for m in found}) < 2 or not LIST_REST_RE.fullmatch(rest):
            return []
        return dedupe([(m.code(on), m) for m in found])

    def _legs(
        self, art: Article, sent: Sentence, trig: Token, mentions: list[ActorMention], exprs: list[dates.TimeExpr],
        draft: Draft,
    ) -> list[tuple[tuple[str, ActorMention], dates.Resolved]]:  # fmt: skip
        """Hosts in the trigger's clause that each carry their own date ("Ghana on Monday and Togo on Tuesday").

        A trip to several places on one span of days ("visited A, B and C on March 6-9") stays one visit.
        """
        if trig.pos_ != "VERB":
            return []
        agents = {c for c, _ in draft.agents}
        lo = sent.start + trig.idx
        own = [e for e in exprs if sent.start <= e.start and e.end <= sent.end and e.kind != "vague"]
        tense: dates.Tense = "future" if draft.status == "planned" else "past"
        legs: list[tuple[tuple[str, ActorMention], dates.Resolved]] = []
        for m in mentions:
            code = m.code(art.published)
            if m.kind not in PLACE_KINDS or code in agents or sent.start + m.start < lo:
                continue
            gap = {"", "on", "in", "from", "(", ", on", ", from"}  # "Ghana (July 2-3)", "Togo, on Tuesday"
            after = [e for e in own if e.start >= sent.start + m.end
                     and art.text[sent.start + m.end : e.start].strip().lower() in gap]  # fmt: skip
            if after and code not in {c for (c, _), _ in legs}:
                legs.append(((code, m), dates.resolve(after[0], art.published, tense)))
        return legs

    def _draft(
        self, art: Article, sents: list[Sentence], sent: Sentence, doc: Doc, trig: Token, pattern: Pattern,
        mentions: list[ActorMention], exprs: list[dates.TimeExpr], before: Sequence[Draft] = (),
    ) -> Draft | None:  # fmt: skip
        if subsumed(trig) or habitual(trig):
            return None
        if trig.pos_ == "VERB" and trig.dep_ in {"acl", "xcomp"} and trig.head.lemma_.lower() in CAPABILITY_NOUNS:
            return None  # "is granted the power to veto measures": a capability, not an act
        clause = clause_verb(trig)
        status, tense = status_of(trig, clause)
        on = art.published
        # "The Council today failed to adopt the text, with the United States vetoing it": an absolute
        # clause happens when, and as surely as, the sentence's main clause
        absolute = (
            trig.tag_ == "VBG"
            and trig.dep_ == "pcomp"
            and trig.head.lower_ == "with"
            and any(c.dep_ == "nsubj" for c in trig.children)
        )
        # "The United States agreed Sunday to keep the mission, shortly after vetoing its extension": done
        # just before the main clause, on its day, whatever the clause it hangs on plans
        absolute = absolute or (trig.tag_ == "VBG" and trig.dep_ == "pcomp" and trig.head.lower_ == "after")
        root = doc[trig.i].sent.root
        main = root if absolute and root.pos_ in {"VERB", "AUX"} else None
        if main is not None:
            status, tense = status_of(main, None)
        if trig.tag_ == "NNS" and any(c.dep_ == "det" and c.lower_ == "no" for c in trig.children):
            return None  # "a resolution needs nine votes and no vetoes by the five": a rule, not a happening
        if trig.dep_ == "compound" and trig.head.lemma_.lower() in PAPERS:
            return None  # "Marcos said in his veto message": a document about a veto (a president's), not one
        if trig.dep_ == "compound" and trig.head.pos_ == "NOUN":
            # "used its veto power", "Russia's veto threat": the phrase's head carries the roles
            to = trig.head.head
            resorted = trig.head.dep_ == "pobj" and to.lower_ == "to" and lemma(to.head) == "resort"
            if trig.head.lemma_.lower() in CAPABILITY_NOUNS and (clause_of_head := clause_verb(trig.head)):
                if lemma(clause_of_head) not in USE_VERBS:
                    return None  # "has veto power" is a capability, not an act
            elif trig.head.lemma_.lower() in CAPABILITY_NOUNS and not resorted:
                return None  # ("resorted to its veto power" is its use)
            trig = trig.head
            clause = clause_verb(trig)
            status, tense = status_of(trig, clause)
            if trig.lemma_.lower() in THREAT_NOUNS:
                status = "hypothetical"
        if pattern.type == "visit" and any(_taking_up_post(c) for c in trig.children if c.dep_ == "prep"):
            return None  # "since he arrived at U.N. headquarters as Washington's top envoy": taking up a post
        if pattern.type == "expulsion" and trig.pos_ == "NOUN" and _expels_others(trig):
            return None  # "the expulsion of migrants from Peru", "of foreign journalists": not envoys
        if pattern.type == "expulsion" and any(
            c.dep_ == "poss" and c.lower_ in {"its", "their"} for o in objects(trig) for c in o.children
        ):
            return None  # "sent home its ambassador": a state calls its own envoy home, a recall if anything
        png_by = _png_by(trig) if pattern.persona_non_grata else None
        if pattern.status is not None and status == "occurred":
            status, tense = pattern.status, "future"  # "is expected in Accra"
        if pattern.type == "visit" and _visiting_guest(trig):
            # "held talks with visiting Brazilian President Lula in Beijing": the meeting's clause tells when
            agents, targets, clause = self.roles.visiting(trig, mentions, on, sents, sent)
            if clause is not None:
                status, tense = status_of(trig, clause)
            agent_quality = target_quality = 0.9
        elif pattern.reverse:
            agents, targets = self.roles.guests_and_host(trig, mentions, on, sents, sent)
            agent_quality = target_quality = 1.0
        elif pattern.meeting:
            agents, targets = self.roles.meeting_roles(trig, clause, mentions, on, sents, sent)
            # "The GCC foreign ministers met in Riyadh": a body's meeting is no state's visit
            agents = [a for a in agents if a[1].kind != "org"]
            if not agents or not targets:
                return None
            agent_quality = target_quality = 1.0
        elif pattern.told_to_go:
            # "Iranian diplomats have 48 hours to leave Saudi Arabia": whose diplomats, and the state left
            subj = self.roles.subject(trig)
            if subj is None or not _envoy_subject(subj):
                return None  # "Tourists have 48 hours to leave Egypt"
            targets = [t for t in self.roles.np_actors(subj, mentions, on) if t[1].kind in STATE_KINDS]
            agents = self.roles.expelling_state(trig, mentions, on, {c for c, _ in targets})
            agent_quality = target_quality = 0.85
        elif png_by is not None:
            # "Thirteen Russian diplomats declared persona non grata by Ukraine": a participle the parser
            # reads as active; the "by" phrase names who expels and the subject whose diplomats go
            agents = self.roles.np_actors(png_by, mentions, on)
            subj = self.roles.subject(trig)
            targets = self.roles.np_actors(subj, mentions, on) if subj is not None else []
            agent_quality = target_quality = 0.9
        else:
            agents, agent_quality = self.roles.agents(trig, clause, pattern, doc, mentions, sents, sent, on)
            targets, target_quality = self.roles.targets(trig, clause, pattern, doc, mentions, on)
        targets = without_exceptions(doc, targets)  # ("were recalled, except its ambassador to Egypt")
        if pattern.type == "phone_call":
            agents = dedupe(agents + targets)
            targets = []
            if len(agents) < 2 and TWO_SIDES_RE.search(sent.text):
                # "X congratulated his Kosovar counterpart. In a phone call, the two leaders discussed ..."
                agents = self._two_sides(sents, sent, on) or agents
        if (
            not agents
            and pattern.type == "expulsion"
            and trig.tag_ == "NNS"
            and not _owned(trig)
            and _counts_states(doc)
            and not _counted_acting(clause)
        ):
            # "23 countries were informed Friday of expulsions": bare, unowned expulsions of counted states
            # continue the article's running story, whose expelling state was named before
            agents = _running_agents(before)
            agent_quality = 0.85
        passive = trig.pos_ == "VERB" and any(c.dep_ in {"nsubjpass", "auxpass"} for c in trig.children)
        if not agents and pattern.type == "expulsion" and passive:
            # "Two Russian diplomats have been declared persona non grata and must leave Poland, the
            # ministry said": the state to be left expels, else the state whose ministry tells it
            agents = self.roles.expelling_state(trig, mentions, on, {c for c, _ in targets})
            agent_quality = 0.85
        agent_codes = {c for c, _ in agents}
        targets = [(c, m) for c, m in targets if c not in agent_codes]
        if not agents:
            return None
        if pattern.type == "phone_call" and len(agents) < 2:
            return None
        if pattern.place_preps and not targets and pattern.type != "visit":
            return None
        vetoed = objects(clause or trig) + (of_objects(trig) if trig.pos_ == "NOUN" else [])
        # ("vetoed four items in the 2022 General Appropriations Act": what the vetoed items belong to counts)
        vetoed += [g for o in list(vetoed) for p in o.children if p.dep_ == "prep" and p.lower_ in {"in", "of"}
                   for g in p.children if g.dep_ == "pobj"]  # fmt: skip
        if pattern.type == "veto" and (
            any(o.lemma_.lower() in LEGISLATION for o in vetoed)
            or any(c.lower_ in DOMESTIC_VETOES for c in trig.children if c.dep_ in {"amod", "compound"})
        ):
            return None  # "the president vetoed the bill": a domestic veto, not a Security Council one
        if pattern.veto_holder and not any(c in self.gaz.veto_holders.get("UNSC", frozenset()) for c in agent_codes):
            return None
        if pattern.type in {"recall", "expulsion"} and not targets and _counts_states(doc):
            # "23 countries were informed of expulsions." then "Canada, Australia, ... and Estonia.": a
            # sentence that only lists states spells out the count
            targets = [t for t in self._listed_states(sents, sent, on) if t[0] not in agent_codes]
            target_quality = 0.85
        if (
            pattern.type == "recall"
            and not targets
            and len(_by_code(agents)) == 2
            and _their_envoys(trig)
            and not _third_party(doc, mentions, {c for c, _ in agents}, on)
            and not self._named_before(sents, sent, {c for c, _ in agents}, on)
        ):
            # "Venezuela and Mexico recalled their ambassadors": each from the other (_drafts pairs them)
            targets = list(agents)
            target_quality = 0.85
        if (
            pattern.type == "expulsion"
            and not targets
            and len(_by_code(agents)) == 2
            and re.search(r"\beach(?: other)?\b", sent.text)
        ):
            # "New Delhi and Islamabad expelled a staffer each": each sends home one of the other's
            targets = list(agents)
            target_quality = 0.85
        if pattern.type in {"recall", "expulsion"} and not targets:
            # "ordered the expulsion of six diplomats" after "the Russian government said": whose diplomats
            # comes from the context when exactly one other state is named
            targets = without_exceptions(doc, self.roles.context_targets(sents, sent, mentions, agent_codes, on))
            target_quality = 0.85 if targets else 0.8
        elif pattern.type == "visit" and not targets and trig.pos_ == "NOUN":
            # "Xi's visit, which began on Monday, ..." after "Xi left Moscow ...": the host is the place
            targets = self.roles.context_targets(sents, sent, mentions, agent_codes, on, kinds=PLACE_KINDS)
            target_quality = 0.85
        confidence = pattern.confidence * agent_quality * target_quality
        if pattern.type in {"visit", "expulsion"} and not targets:
            confidence *= 0.85

        date, basis = event_date(art, sents, sent, doc, trig, main or clause, exprs, tense, pattern)
        if date and date.start and art.published and date.start > art.published and status == "occurred":
            status = "planned"
        start = sent.start
        source = _source_at(art, start)
        return Draft(
            type=pattern.type, agents=agents, targets=targets, status=status, date=date,
            firm=status != "occurred" or tense is not None,
            date_basis=basis, evidence=sent.text, start=start, end=sent.end, confidence=confidence,
            source=source,
        )  # fmt: skip

    def _merge(self, art: Article, drafts: list[Draft], headline_end: int = 0) -> list[Event]:
        """The article's events: compatible drafts merged; ``headline_end``: where the lead begins."""
        drafts = _without_summaries(drafts)
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
        return [self._event(art, art_id, g, headline_end) for g in groups]

    def _event(self, art: Article, art_id: str, group: list[Draft], headline_end: int = 0) -> Event:
        # a day the text names beats the publication-date guess for a lead ("has arrived" + "began ... on Monday")
        best = max(
            group,
            key=lambda d: (min(_precision_rank(d.date), 4), d.date_basis != "publication", _precision_rank(d.date),
                           d.confidence),
        )  # fmt: skip
        lead = max(group, key=lambda d: d.confidence)
        agents = dedupe([a for d in group for a in d.agents])
        agent_codes = {c for c, _ in agents}
        targets = [t for t in dedupe([t for d in group for t in d.targets]) if t[0] not in agent_codes]
        statuses = [d.status for d in group]
        status = "occurred" if "occurred" in statuses else statuses[0]
        if status == "occurred" and "denied" in statuses and not any(d.status == "occurred" and d.firm for d in group):
            # "the state visit has been postponed" then "speculation surrounding Trump's visit": a bare
            # mention of the visit does not undo its cancellation
            status = "denied"
        date = _visit_days(group, best.date) if best.type == "visit" else best.date
        if status == "occurred" and date is not None and date.start and art.published and date.start > art.published:
            status = "planned"
        if status == "occurred" and date is not None and AHEAD_RE.match(date.text or ""):
            status = "planned"  # "discussed Trump's visit to China later this year": still to come
        if status == "occurred" and any(d.status == "planned" for d in group) and (date is None or date.start is None):
            status = "planned"
        basis = best.date_basis
        if (
            (date is None or date.start is None)
            and status == "occurred"
            and art.published is not None
            and any(d.start < headline_end and d.status == "occurred" for d in group)
        ):
            # "US vetoes Gaza resolution" over a story that never dates it: the headline is the day's news
            date, basis = dates.Resolved(art.published, None, "day", "publication date"), "publication"
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
            date_basis=basis if date is not None and date.start is not None else "none",
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


def _headline_only(art: Article, body: list[Event], heads: list[Event]) -> list[Event]:
    """The headline's events that the body does not tell ("Russia, China veto UN Security Council resolution"
    over a body that only says they "voted against"), as the article's own: the day's news, worded as
    the headline words them (no offset into the text holds them)."""
    out = []
    for h in heads:
        # (not visits: a headline's "Italian delegation visits ..." is as often a trade mission as a state's)
        if h.status not in {"occurred", "planned"} or h.type == "visit":
            continue
        # (any shared actor: a headline's roles are its vaguest, "Iranian diplomats declared persona non grata")
        told = any(e.type == h.type and {*e.agents, *e.targets} & {*h.agents, *h.targets} for e in body)
        if told:
            continue
        dated = h.date_start is not None
        art_id = article_id_for(art)
        out.append(
            msgspec.structs.replace(
                h,
                id=hashlib.sha256(f"{art_id}|headline|{h.id}".encode()).hexdigest()[:16],
                article=art.file or art.url or art_id,
                article_id=art_id,
                outlet=art.outlet,
                source=art.source,
                date_start=h.date_start if dated else art.published,
                date_precision=h.date_precision if dated else ("day" if art.published else "unknown"),
                date_basis=h.date_basis if dated else ("publication" if art.published else "none"),
                date_text=h.date_text if dated else ("publication date" if art.published else None),
                evidence_start=0,
                evidence_end=0,
                mentions=tuple(msgspec.structs.replace(m, start=0, end=0) for m in h.mentions),
                confidence=round(h.confidence * 0.9, 3),
            )
        )
    return out


def _headline_end(sents: list[Sentence]) -> int:
    """Where the article's lead begins: what comes before it is a headline, a dateline or a byline."""
    lead = lead_sentence(sents)
    return lead.start if lead is not None else 0


def _png_by(trig: Token) -> Token | None:
    """The object of a "by" phrase inside an active-looking "[diplomats] declared persona non grata by X"."""
    if trig.tag_ != "VBD" or any(c.dep_ == "nsubjpass" for c in trig.children):
        return None
    if not any(c.dep_ == "nsubj" and c.lemma_.lower() in ENVOY_NOUNS for c in trig.children):
        return None
    subject = {t.i for c in trig.children if c.dep_ == "nsubj" for t in c.subtree}
    for w in trig.subtree:
        if w.dep_ == "prep" and w.lower_ == "by" and w.i not in subject:
            return next((g for g in w.children if g.dep_ == "pobj"), None)
    return None


# How near the paper's day a dated mention must be for the article to tell a running story
STORY_DAYS = 7


def _story_months(art: Article, drafts: list[Draft]) -> list[Draft]:
    """Undated steps of a running story dated by its month.

    In an article whose own news is dated within a week of the paper, the next leg of the trip ("will
    then leave for South Africa") and what came just before ("Before that, he was in Argentina",
    "Earlier, the envoy was called to New Delhi") happened that month: month precision, no more.
    """
    pub = art.published
    if pub is None:
        return drafts
    story = [d.date.start for d in drafts if d.date is not None and d.date.start is not None
             and d.date.precision == "day" and abs((d.date.start - pub).days) <= STORY_DAYS]  # fmt: skip
    if not story:
        return drafts
    month = dates.Resolved(min(story).replace(day=1), None, "month", "the story's month")
    return [
        replace(d, date=month, date_basis="context")
        if d.date is None
        and ((d.status == "planned" and d.type == "visit") or PRIOR_RE.search(d.evidence))
        and d.date_basis == "none"
        else d
        for d in drafts
    ]


def _envoy_subject(subj: Token) -> bool:
    """A subject naming envoys: "Iranian diplomats", "the ambassador" (not "the players", "tourists")."""
    return subj.lemma_.lower() in {
        "diplomat",
        "ambassador",
        "envoy",
        "attache",
        "attaché",
        "consul",
        "staff",
        "official",
        "charge",
        "chargé",
    }


def _taking_up_post(prep: Token) -> bool:
    """An "as" phrase naming a post: "arrived ... as Washington's top envoy", "as ambassador"."""
    return prep.lower_ == "as" and any(
        g.lemma_.lower() in POSTS or (g.lower_ == "envoy" and g.i > 0 and g.nbor(-1).lower_ in {"top", "new"})
        for g in prep.subtree
    )


def _third_party(doc: Doc, mentions: list[ActorMention], sides: set[str], on: dt.date | None) -> bool:
    """Whether a state besides ``sides`` is named as a party ("after strikes by Israel"), not just as a
    modifier of a thing ("over a US trade proposal")."""
    for m in mentions:
        if m.code(on) in sides or len(m.code(on)) != 3:
            continue
        root = mention_root(doc, m)
        if root is None or root.dep_ not in {"compound", "amod", "nmod"}:
            return True
        head = root.head
        if head.lemma_.lower() in OFFICIAL_HEADS or head.pos_ == "PROPN":
            return True  # "the US envoy", "the Israeli government": a party all the same
    return False


def _their_envoys(trig: Token) -> bool:
    """The envoys recalled are "their" own, in the plural: "recalled their ambassadors"."""
    envoys = [o for o in objects(trig) if o.tag_ == "NNS"] + [o for o in of_objects(trig) if o.tag_ == "NNS"]
    return any(c.dep_ == "poss" and c.lower_ == "their" for o in envoys for c in o.children)


GREETING_VERBS = frozenset({"meet", "receive", "host", "welcome", "greet"})


def _visiting_guest(trig: Token) -> bool:
    """ "visiting" naming a guest: "with visiting Brazilian President Lula", "Visiting Indian Prime Minister
    Modi met ...", and "met visiting Saudi Foreign Minister ..." (parsed as "met, visiting [him]")."""
    if trig.lower_ != "visiting":
        return False
    if trig.dep_ in {"amod", "csubj", "compound"}:
        return True
    return (
        trig.dep_ in {"advcl", "xcomp"}
        and trig.i == trig.head.i + 1
        and trig.head.lemma_.lower() in GREETING_VERBS
        and any(c.dep_ == "dobj" and c.pos_ == "PROPN" for c in trig.children)
    )


def _by_code(actors: list[tuple[str, ActorMention]]) -> list[list[tuple[str, ActorMention]]]:
    """Actors grouped by state, in order ("Belgrade" and "Serbia" are one side)."""
    groups: dict[str, list[tuple[str, ActorMention]]] = {}
    for code, m in actors:
        groups.setdefault(code, []).append((code, m))
    return list(groups.values())


def _expels_others(trig: Token) -> bool:
    """An expulsion noun whose "of" phrase (or one after a time phrase) names people who are not envoys."""
    heads = [g for c in trig.children if c.dep_ == "prep" and c.lower_ == "of" for g in c.children if g.dep_ == "pobj"]
    clause = clause_verb(trig)
    near = [*trig.children, *(clause.children if clause is not None else ())]
    # "ordered the expulsion on Monday of migrants": the parser may hang the "of" phrase on the verb
    heads += [g for c in near if c.dep_ == "prep" and c.lower_ == "of" for g in c.children if g.dep_ == "pobj"]
    heads += [g2 for c in near if c.dep_ == "prep" and c.lower_ in {"on", "in"}
              for g in c.children for o in g.children if o.dep_ == "prep" and o.lower_ == "of"
              for g2 in o.children if g2.dep_ == "pobj"]  # fmt: skip
    return any(h.lemma_.lower() in NOT_ENVOYS for h in heads)


def _owned(trig: Token) -> bool:
    """An expulsion noun with its own agent word: "Moscow's expulsions", "the Russian expulsion"."""
    return any(c.dep_ in {"poss", "compound", "amod"} for c in trig.children)


def _counted_acting(clause: Token | None) -> bool:
    """The counted states are the active subject ("20 countries announced expulsions"): they expel."""
    return clause is not None and any(c.dep_ == "nsubj" and c.lemma_.lower() in COUNT_NOUNS for c in clause.children)


def _running_agents(before: Sequence[Draft]) -> list[tuple[str, ActorMention]]:
    """The expelling side of the article's lead expulsion: the story's first one that occurred (later ones
    are often the background, "Russian diplomats had been expelled from Canada ...")."""
    for d in before:
        if d.type == "expulsion" and d.status == "occurred" and d.agents:
            return list(d.agents)
    return []


def _counts_states(doc: Doc) -> bool:
    """The sentence counts states without naming them all: "23 countries", "several nations"."""
    return any(t.lemma_.lower() in COUNT_NOUNS and t.tag_ == "NNS" for t in doc)


def _round_of_calls(trig: Token) -> bool:
    """Several calls, not one call of several: "phone calls to leaders", "spoke to his counterparts from A and B".

    A conference call, or "spoke with Macron and Scholz", stays one call with every side in it.
    """
    if any(c.lemma_.lower() in {"conference", "video", "joint", "trilateral", "group"} for c in trig.children):
        return False
    if trig.pos_ == "NOUN":
        quantity = trig.dep_ == "pobj" and trig.head.lower_ == "of" and trig.head.head.lemma_.lower() in QUANTITY_NOUNS
        return quantity or (trig.tag_ == "NNS" and trig.lemma_.lower() != "talk")
    partners = [g for c in trig.children if c.dep_ in {"prep", "dative"} and c.lower_ in {"with", "to"}
                for g in c.children if g.dep_ == "pobj"]  # fmt: skip
    partners += [c for c in trig.children if c.dep_ == "dobj"]
    return any(p.tag_ == "NNS" for p in partners)


def _source_at(art: Article, pos: int) -> str | None:
    for a in art.attributions:
        if a.start <= pos < a.end:
            return a.source
    return art.source


def _precision_rank(date: dates.Resolved | None) -> int:
    if date is None or date.start is None:
        return 0
    return dates.PRECISION_RANK[date.precision] + (1 if date.end else 0)


def _overlap(a: set[str], b: set[str]) -> bool:
    return not a or not b or bool(a & b)


def _without_summaries(drafts: list[Draft]) -> list[Draft]:
    """Drafts less the visits that sum up others: "Ministers of Malta, Pakistan and Finland to visit China"
    over a lead telling each minister's own visit is those visits, not a joint one besides them."""

    def codes(side: list[tuple[str, ActorMention]]) -> set[str]:
        return {c for c, _ in side}

    out = []
    for d in drafts:
        if d.type == "visit" and len(codes(d.agents)) > 1:
            singles = {
                next(iter(codes(e.agents)))
                for e in drafts
                if e is not d and e.type == "visit" and len(codes(e.agents)) == 1 and codes(e.agents) <= codes(d.agents)
                and _overlap(codes(e.targets), codes(d.targets))
            }  # fmt: skip
            if len(singles) > 1:
                continue
        out.append(d)
    return out


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
    # a visit runs over days: "began a visit on Monday" and "has arrived at Congress" (Tuesday) are one trip
    slack = VISIT_SLACK_DAYS if a.type == "visit" else 0
    if "publication" in {a.date_basis, b.date_basis} and a.type != "veto":  # (each vote is its own veto)
        # an undated lead dated by the paper ("X and Y spoke on the phone") is the call the story later
        # dates ("had a call on Tuesday"): the paper's day is a guess, the week before it the same news
        slack = max(slack, PUBLICATION_SLACK_DAYS)
    # "a three-day visit from Wednesday" contains "will travel to Guangzhou on Friday"
    return ia is None or ib is None or ((ia[0] - ib[1]).days <= slack and (ib[0] - ia[1]).days <= slack)


def _visit_days(group: list[Draft], date: dates.Resolved | None) -> dates.Resolved | None:
    """One visit told on several days (arrival, then talks) starts on its first day and ends on its last."""
    days = [d.date for d in group if d.date is not None and d.date.start is not None and d.date.precision == "day"]
    if date is None or date.precision != "day" or len(days) < 2:
        return date
    first = min(x.start for x in days if x.start is not None)
    last = max((x.end or x.start) for x in days if x.start is not None)
    return replace(date, start=first, end=last if last > first else None)


def _span(date: dates.Resolved | None) -> tuple[dt.date, dt.date] | None:
    return dates.covered_days(date.start, date.end, date.precision) if date is not None else None


def _actor(code: str, m: ActorMention, role: str, on: dt.date | None) -> Actor:
    entry = m.resolve(on)
    return Actor(
        code=code,
        role=role,  # type: ignore[arg-type]
        name=m.text,
        person=entry.name if entry.kind == "person" else None,
        office=entry.office,
    )
