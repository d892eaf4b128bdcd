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
from dataclasses import dataclass

from spacy.language import Language
from spacy.tokens import Doc, Token

from timeline.extract import dates
from timeline.extract.actors import ActorMention, Gazetteer
from timeline.extract.attach import event_date
from timeline.extract.home import ArticleContext, article_context, blank_dateline, resolve_titles
from timeline.extract.roles import PLACE_KINDS, RoleFinder, dedupe
from timeline.extract.sentences import Sentence, split_sentences
from timeline.extract.status import status_of
from timeline.extract.syntax import clause_verb, lemma, objects, subsumed
from timeline.extract.triggers import Pattern, keyword_regex, matches
from timeline.models import Actor, Article, DateBasis, Event, Mention, Precision

LEGISLATION = frozenset({"bill", "law", "legislation", "budget", "act", "amendment", "nomination", "appointment",
                         "ordinance", "decree", "tax", "spending", "package"})  # fmt: skip
CAPABILITY_NOUNS = frozenset({"power", "right", "privilege"})
THREAT_NOUNS = frozenset({"threat", "warning"})
USE_VERBS = frozenset({"use", "exercise", "wield", "cast", "invoke", "deploy"})
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
            drafts[i].extend(self._sentence_drafts(articles[i], sents, sent, doc, exprs, by_lemma, people, ctx))
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

    def _sentence_drafts(
        self, art: Article, sents: list[Sentence], sent: Sentence, doc: Doc, exprs: list[dates.TimeExpr],
        by_lemma: dict[str, list[Pattern]], people: list[ActorMention], ctx: ArticleContext,
    ) -> Iterable[Draft]:  # fmt: skip
        # unnamed titles ("the Foreign Ministry") stand for the state the article speaks from
        mentions = resolve_titles(sent.text, self.gaz.find(sent.text, titles=True), ctx, sent.start)
        earlier = [m for m in people if m.end <= sent.start]
        if earlier:
            mentions = sorted(mentions + self.roles.surnames(earlier, sent, mentions), key=lambda m: m.start)
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
        if subsumed(trig):
            return None
        clause = clause_verb(trig)
        status, tense = status_of(trig, clause)
        on = art.published
        if trig.dep_ == "compound" and trig.head.pos_ == "NOUN":
            # "used its veto power", "Russia's veto threat": the phrase's head carries the roles
            if trig.head.lemma_.lower() in CAPABILITY_NOUNS and (clause_of_head := clause_verb(trig.head)):
                if lemma(clause_of_head) not in USE_VERBS:
                    return None  # "has veto power" is a capability, not an act
            elif trig.head.lemma_.lower() in CAPABILITY_NOUNS:
                return None
            trig = trig.head
            clause = clause_verb(trig)
            status, tense = status_of(trig, clause)
            if trig.lemma_.lower() in THREAT_NOUNS:
                status = "hypothetical"
        if pattern.reverse:
            agents, targets = self.roles.guests_and_host(trig, mentions, on, sents, sent)
            agent_quality = target_quality = 1.0
        elif pattern.meeting:
            agents, targets = self.roles.meeting_roles(trig, clause, mentions, on, sents, sent)
            if not agents or not targets:
                return None
            agent_quality = target_quality = 1.0
        else:
            agents, agent_quality = self.roles.agents(trig, clause, pattern, doc, mentions, sents, sent, on)
            targets, target_quality = self.roles.targets(trig, clause, pattern, doc, mentions, on)
        if pattern.type == "phone_call":
            agents = dedupe(agents + targets)
            targets = []
        agent_codes = {c for c, _ in agents}
        targets = [(c, m) for c, m in targets if c not in agent_codes]
        if not agents:
            return None
        if pattern.type == "phone_call" and len(agents) < 2:
            return None
        if pattern.place_preps and not targets and pattern.type != "visit":
            return None
        if pattern.type == "veto" and any(o.lemma_.lower() in LEGISLATION for o in objects(clause or trig)):
            return None  # "the president vetoed the bill": a domestic veto, not a Security Council one
        if pattern.veto_holder and not any(c in self.gaz.veto_holders.get("UNSC", frozenset()) for c in agent_codes):
            return None
        if pattern.type == "recall" and not targets:
            targets = self.roles.context_targets(sents, sent, mentions, agent_codes, on)
            target_quality = 0.85 if targets else 0.8
        elif pattern.type == "visit" and not targets and trig.pos_ == "NOUN":
            # "Xi's visit, which began on Monday, ..." after "Xi left Moscow ...": the host is the place
            targets = self.roles.context_targets(sents, sent, mentions, agent_codes, on, kinds=PLACE_KINDS)
            target_quality = 0.85
        confidence = pattern.confidence * agent_quality * target_quality
        if pattern.type in {"visit", "expulsion"} and not targets:
            confidence *= 0.85

        date, basis = event_date(art, sents, sent, doc, trig, clause, exprs, tense, pattern)
        if date and date.start and art.published and date.start > art.published and status == "occurred":
            status = "planned"
        start = sent.start
        source = _source_at(art, start)
        return Draft(
            type=pattern.type, agents=agents, targets=targets, status=status, date=date,
            date_basis=basis, evidence=sent.text, start=start, end=sent.end, confidence=confidence,
            source=source,
        )  # fmt: skip

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
        agents = dedupe([a for d in group for a in d.agents])
        agent_codes = {c for c, _ in agents}
        targets = [t for t in dedupe([t for d in group for t in d.targets]) if t[0] not in agent_codes]
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
