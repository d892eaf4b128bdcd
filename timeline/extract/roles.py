"""Who did what to whom: agents and targets of a trigger, from the parse and the gazetteer."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from itertools import pairwise

from spacy.tokens import Doc, Token

from timeline.extract.actors import STATE_KINDS, ActorMention, Gazetteer
from timeline.extract.sentences import Sentence, previous
from timeline.extract.syntax import governing_verb, lemma, objects, of_objects
from timeline.extract.triggers import Pattern, against_objects

# Prepositions inside a noun phrase that still name who the phrase is ("nations such as France",
# "the President of Russia"); others ("ambassador to China") name someone else.
NP_PREPS = frozenset({"as", "like", "including", "of", "such"})
# Whose diplomats are expelled: "officials at the Russian embassy", "staff from the embassy of Iran".
ENVOY_PREPS = NP_PREPS | {"at", "from", "in"}
# Envoy nouns the parser may hang on the verb as a conjunct ("the expulsion on Monday of A and two diplomats")
MISPARSED_ENVOYS = frozenset({"diplomat", "ambassador", "envoy", "official", "staff", "attache", "consul"})
# Plural subjects that only say "some states": the states themselves are named in "including ..."
# Verbs of setting off on a trip: "left for a tour", "embarked on a visit", "set off on a tour"
SETTING_OFF = frozenset({"leave", "depart", "embark", "set", "go", "head", "travel", "fly"})
# Who rule from a place: "the junta in Niamey", "authorities in Bamako", "the government in Kabul"
RULERS = frozenset({"junta", "government", "authority", "authorities", "regime", "military", "leadership",
                    "administration", "rulers", "ruler", "council"})  # fmt: skip
GENERIC_AGENTS = frozenset({"state", "country", "nation", "government", "member", "ally", "capital", "partner"})
# Who can be a guest: "hosted the Turkish president", "received Lavrov", "welcomed a Chinese delegation".
GUEST_NOUNS = frozenset({
    "president", "minister", "leader", "counterpart", "delegation", "king", "queen", "emir", "prince", "premier",
    "chancellor", "envoy", "secretary", "monarch", "sultan", "sheikh", "head", "official", "negotiator",
    "diplomat", "vice", "pope", "ruler", "chief", "speaker", "general", "emperor", "empress", "duke", "princess",
    "taoiseach", "ayatollah",
})  # fmt: skip
# A demonym names a visiting state only through someone who can act for it: "the Russian minister",
# not "Russian tourists".
OFFICIAL_HEADS = GUEST_NOUNS | {
    "ambassador", "government", "side", "team", "administration", "ministry", "spokesman", "spokeswoman",
    "spokesperson", "representative", "deputy", "foreign", "defense", "defence", "counsellor", "adviser",
    "advisor", "aide", "commissioner", "mission", "parliament", "lawmaker", "senator", "commander", "officer",
    "staff", "authorities", "crown", "first", "pm", "fm",
}  # fmt: skip
PLACE_KINDS = frozenset({"state", "seat", "city"})
MEETING_NOUNS = frozenset({"meeting", "talks", "summit", "consultation", "session"})
SUMMIT_RE = re.compile(r"\b(?:summit|sidelines|conference|forum|G20|G7|G-20|G-7)\b", re.IGNORECASE)
COAGENT_PREPS = frozenset({"along", "together", "jointly", "alongside"})
REPORTING_CLAUSE_DEPS = frozenset({"relcl", "advcl", "ccomp", "csubj", "parataxis", "acl"})


class RoleFinder:
    """Finds a trigger's agents and targets; one per extractor, sharing its gazetteer."""

    def __init__(self, gazetteer: Gazetteer) -> None:
        self.gaz = gazetteer

    def np_actors(
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
                if _aside(c):
                    continue  # "Ahmadinejad, seeking support among Washington's critics, arrived": an aside
                # "the Minister for Foreign Affairs Simon Coveney": "for" belongs to the title
                if c.dep_ == "prep" and c.lower_ not in preps and not (c.lower_ == "for" and tok.lower_ in TITLE_FOR):
                    continue
                stack.append(c)
        doc = head.doc
        out = []
        for m in mentions:
            span = doc.char_span(m.start, m.end, alignment_mode="expand")
            if span is not None and any(t.i in keep for t in span):
                out.append((m.code(on), m))
        return dedupe(out + self._listed_with(doc.text, [m for _, m in out], mentions, on))

    @staticmethod
    def _listed_with(text: str, found: list[ActorMention], mentions: list[ActorMention], on: dt.date | None,
                     ) -> list[tuple[str, ActorMention]]:  # fmt: skip
        """States listed alongside a found one that the parse left out ("Chile, Colombia, Jordan, and
        Bahrain": a serial comma often cuts the list's conjuncts loose)."""
        states = sorted((m for m in mentions if m.kind in {"state", "seat"}), key=lambda m: m.start)
        inside = {m.start for m in found if m.kind in {"state", "seat"}}
        if not inside:
            return []
        # runs of states joined by list punctuation; a run is a list only with an "and"/"or" in it
        # ("in Lima, Chile recalled ..." is a phrase and a subject, not a list)
        runs: list[list[ActorMention]] = []
        joined: list[bool] = []
        for a, b in pairwise(states):
            gap = LIST_GAP_RE.fullmatch(text, a.end, b.start)
            if gap and runs and runs[-1][-1] is a:
                runs[-1].append(b)
                joined[-1] = joined[-1] or bool(re.search(r"\b(?:and|or)\b", gap.group()))
            elif gap:
                runs.append([a, b])
                joined.append(bool(re.search(r"\b(?:and|or)\b", gap.group())))
        listed = [m for run, j in zip(runs, joined, strict=True) if j and any(m.start in inside for m in run)
                  for m in run]  # fmt: skip
        return [(m.code(on), m) for m in listed]

    def subject(self, verb: Token) -> Token | None:
        """The subject of ``verb``, climbing through controlled and coordinated clauses."""
        came_by_acl = False
        cur: Token | None = verb
        for _ in range(6):
            if cur is None:
                return None
            if cur is not verb and cur.pos_ in {"NOUN", "PROPN"} and came_by_acl:
                # "Moscow's decision to veto": the decision's owner acts, not the clause around it
                owner = [c for c in cur.children if c.dep_ == "poss"]
                # "the decision by Riyadh to withdraw its ambassador": the "by" phrase owns it too
                owner += [g for c in cur.children if c.dep_ == "prep" and c.lower_ == "by"
                          for g in c.children if g.dep_ == "pobj"]  # fmt: skip
                if owner:
                    return owner[0]
                if cur.dep_ not in {"dobj", "attr"}:
                    return None  # "was appalled by the decision to veto": nobody named
                cur, came_by_acl = cur.head, False  # "Estonia made the decision to expel": the maker
                continue
            came_by_acl = cur.dep_ == "acl"
            # "New Delhi: Jaishankar and Pompeo spoke ...": a dateline the parser takes for a second subject
            datelines = {c.i for c in cur.children if c.dep_ == "nsubj" and any(p.text == ":" for p in c.children)}
            if len([c for c in cur.children if c.dep_ == "nsubj"]) < 2:
                datelines = set()
            for c in cur.children:
                if c.i in datelines:
                    continue
                # a passive subject counts only for a controlling verb ("Macron is scheduled to visit")
                if c.dep_ in {"nsubj", "csubj"} or (c.dep_ == "nsubjpass" and cur is not verb):
                    if c.lower_ in {"which", "who", "that"} and cur.dep_ == "relcl":
                        return cur.head
                    if c.lower_ in {"each", "both", "all"} and cur.head is not cur:
                        break  # "Italy and Spain followed, each expelling ...": the subject is above
                    return c
            if cur.dep_ == "relcl":
                return cur.head
            guest = _invited(cur)
            if guest is not None:
                return guest
            if cur.dep_ in {"xcomp", "pcomp", "conj", "prep", "pobj", "advcl", "acl", "acomp"} and cur.head is not cur:
                cur = cur.head
                continue
            return None
        return None

    def agents(
        self, trig: Token, clause: Token | None, pattern: Pattern, doc: Doc, mentions: list[ActorMention],
        sents: list[Sentence], sent: Sentence, on: dt.date | None,
    ) -> tuple[list[tuple[str, ActorMention]], float]:  # fmt: skip
        found: list[tuple[str, ActorMention]] = []
        quality = 1.0
        passive = any(c.dep_ in {"nsubjpass", "auxpass"} for c in trig.children) or (
            trig.tag_ == "VBN" and trig.dep_ in {"acl", "amod"}
        )
        # "Thirteen Russian diplomats declared persona non grata by Ukraine": a headline-style participle
        passive = passive or (trig.tag_ == "VBN" and any(c.dep_ == "agent" for c in trig.children))
        if trig.pos_ == "NOUN":
            for c in trig.children:
                subj = self.subject(clause) if c.dep_ == "poss" and c.pos_ == "PRON" and clause is not None else None
                if subj is not None and subj.pos_ != "PRON" and subj.i < c.i:
                    # "Mirzoyan and his Turkish counterpart had their first phone conversation": the owners
                    # are the clause's subject
                    found += self.np_actors(subj, mentions, on, exclude=trig)
                elif c.dep_ == "poss" and pattern.type == "expulsion" and c.lower_ in {"his", "her"}:
                    continue  # "considered her expulsion unjustified": she is the one expelled, not the expeller
                elif c.dep_ == "poss":
                    found += self.possessor(c, mentions, sents, sent, on)
                elif c.dep_ in {"compound", "amod"} and pattern.type != "phone_call" and not _stance(c):
                    found += [(code, m) for code, m in self.np_actors(c, mentions, on) if m.kind != "seat"]
                elif c.dep_ == "prep" and (
                    c.lower_ == "by"
                    or (c.lower_ == "of" and pattern.type == "visit" and trig.lemma_.lower() != "tour")
                    or (c.lower_ == "from" and pattern.type == "expulsion")
                ):
                    found += [a for g in c.children if g.dep_ == "pobj" for a in self.np_actors(g, mentions, on)]
                elif c.dep_ == "prep" and c.lower_ == "of" and pattern.type == "expulsion":
                    # "expulsion of Iranian diplomats from Albania": the parser hangs "from" on the diplomats
                    found += [
                        a
                        for w in c.subtree
                        if w.dep_ == "prep" and w.lower_ in {"from", "by"}
                        for g in w.children
                        if g.dep_ == "pobj"
                        for a in self.np_actors(g, mentions, on)
                    ]
            if not found and pattern.type == "recall":
                # "the recall of Chile's ambassador": the envoy's state recalls
                for o in of_objects(trig):
                    found += [a for a in self.np_actors(o, mentions, on) if a[1].kind in STATE_KINDS]
            # a visit noun needs its own destination here ("In a visit to Lima, ..."): "During the visit,
            # the leaders will ..." names both sides, not the visitor
            destination = any(c.dep_ == "prep" and c.lower_ in {"to", "in"} for c in trig.children)
            if (
                not found
                and clause is None
                and (pattern.type == "phone_call" or (pattern.type == "visit" and destination))
            ):
                # "In a phone call with Xi on Friday, Putin said ...": the speaker is the other side;
                # "In a visit to Lima, the minister said": the speaker is the visitor
                verb = governing_verb(trig)
                subj = self.subject(verb) if verb is not None else None
                if subj is not None:
                    found += self.np_actors(subj, mentions, on, exclude=trig)
            setting_off = (
                trig.dep_ == "pobj"
                and trig.head.lower_ in {"for", "on"}
                and trig.head.head.pos_ == "VERB"
                and lemma(trig.head.head) in SETTING_OFF
            )
            if not found and clause is None and setting_off:
                clause = trig.head.head  # "left for a five-nation tour that will take him to ...": who left
            if not found and clause is not None:
                subj = self.subject(clause)
                if subj is not None and subj.pos_ == "PRON":
                    found += self.pronoun(subj, mentions, sents, sent, on)  # "he had a phone call with ..."
                elif subj is not None:
                    found += self.np_actors(subj, mentions, on, exclude=trig)
        elif passive and pattern.type == "recall":
            # "Russia's ambassador was recalled from Tallinn": the envoy's state recalls
            for c in trig.children:
                if c.dep_ == "nsubjpass":
                    found += [a for a in self.np_actors(c, mentions, on) if a[1].kind in STATE_KINDS]
        elif passive:
            for c in trig.children:
                if c.dep_ == "agent" or (c.dep_ == "prep" and c.lower_ in {"by", "from"}):
                    found += [a for g in c.children if g.dep_ == "pobj" for a in self.np_actors(g, mentions, on)]
                # "Ruto is expected in Accra": the one expected is the visitor
                if c.dep_ == "nsubjpass" and pattern.status is not None:
                    found += self.np_actors(c, mentions, on)
        else:
            subj = self.subject(trig)
            if (
                subj is not None
                and pattern.type == "visit"
                and (
                    subj.lemma_.lower() in NOT_ENVOYS_ABROAD
                    or any(c.dep_ in {"compound", "amod"} and c.lower_ in PRIVATE_MISSIONS for c in subj.children)
                )
            ):
                # "the Vietnam World Cup team arrived in Auckland", "an Italian business delegation visits
                # Ethiopia": a team's or a trade mission's trip, no state's visit
                subj = None
            if subj is not None:
                if subj.lower_ in {"it", "they", "he", "she"} or subj.pos_ == "PRON":
                    found += self.pronoun(subj, mentions, sents, sent, on)
                    quality = 0.85
                else:
                    found += self.np_actors(subj, mentions, on, exclude=trig)
                    # "Russia, China veto UN resolution": a headline's list may parse as two subjects
                    found += [a for c in trig.children if c.dep_ == "nsubj" and c.i != subj.i and c.pos_ == "PROPN"
                              and not any(p.text == ":" for p in c.children)
                              for a in self.np_actors(c, mentions, on, exclude=trig)]  # fmt: skip
                    if not found and subj.lemma_.lower() in RULERS:
                        # "The military junta in Niger has expelled ...", "Authorities in Bamako expelled ..."
                        found += self.np_actors(subj, mentions, on, exclude=trig, preps=NP_PREPS | {"in"})
                    owner = [c for c in subj.children if c.dep_ == "poss" and c.pos_ == "PRON"]
                    if not found and owner and subj.lemma_.lower() in OFFICIAL_HEADS | {"regime", "country"}:
                        # "her government is expelling ...", "its foreign ministry recalled ..."
                        # (only an earlier referent: the object of the act never owns its subject)
                        found += [a for a in self.pronoun(owner[0], mentions, sents, sent, on)
                                  if a[1].start < owner[0].idx or a[1] not in mentions]  # fmt: skip
                        quality = 0.85
                    if not found and subj.lemma_.lower() in GENERIC_AGENTS:
                        found += self.named_members(doc, trig, mentions, on)
                    if not found and subj.lemma_.lower() in GENERIC_AGENTS and subj.tag_ == "NNS":
                        # "Countries from Australia to the UK have expelled ...": a range of members
                        found += self.np_actors(subj, mentions, on, exclude=trig, preps=NP_PREPS | {"from", "to"})
        # "Russia, along with China, vetoed": co-agents
        for node in {trig, clause} - {None}:
            assert node is not None
            for c in node.children:
                if c.dep_ in {"prep", "advmod"} and c.lower_ in COAGENT_PREPS:
                    for w in c.subtree:
                        if w.dep_ == "pobj":
                            found += self.np_actors(w, mentions, on)
        if pattern.type == "phone_call":
            found += self.call_partners(trig, clause, mentions, on)
        if pattern.type == "recall" and trig.pos_ == "VERB":
            # "The government recalled Portugal's ambassador to Angola", "it was decided to recall the Peruvian
            # ambassador": the envoy's state recalls, whoever the sentence names besides
            own = [a for o in objects(trig) for c in o.children
                   if (c.dep_ == "poss" and c.pos_ != "PRON") or (c.dep_ == "amod" and c.pos_ in {"ADJ", "PROPN"})
                   for a in self.np_actors(c, mentions, on) if a[1].kind in STATE_KINDS]  # fmt: skip
            subj = self.subject(trig)
            if own and (not found or passive or subj is None or subj.pos_ == "PRON"):
                found = own  # (an expletive "it was decided to recall" names nobody)
        if pattern.type == "visit":
            found = [(c, m) for c, m in found if m.kind != "demonym" or official_head(doc, m)]
        if pattern.against:
            # "took similar actions against Russian diplomats": the diplomats' state is the target
            # (a demonym in a misparsed subject is some envoys' nationality, not the one acting)
            inside = {w.idx for g in against_objects(trig) for w in g.subtree}
            found = [(c, m) for c, m in found if not any(m.start <= i < m.end for i in inside)
                     and m.kind != "demonym"]  # fmt: skip
        found = [(c, m) for c, m in found if m.kind != "city"]
        orgs_ok = pattern.type in {"visit", "phone_call"}
        # "The European Union declared Nicaragua's envoy persona non grata", "NATO expelled eight officials":
        # a body with envoys of its own acts when it heads the subject, not in "EU member states"
        found = [(c, m) for c, m in found if orgs_ok or (len(c) == 3 and m.kind != "org")
                 or (m.kind == "org" and c != "UNSC" and m in mentions and _heads_phrase(doc, m))]  # fmt: skip
        return dedupe(found), quality

    def call_partners(
        self, trig: Token, clause: Token | None, mentions: list[ActorMention], on: dt.date | None
    ) -> list[tuple[str, ActorMention]]:
        """The other side(s) of a call: "with"/"to"/"from"/"between" phrases, a dialled object, "including ..."."""
        found: list[tuple[str, ActorMention]] = []
        node = clause or trig
        # "calls to leaders on Tuesday, including ...": the list may hang on the verb
        for c in node.children:
            if c.dep_ == "prep" and c.lower_ in {"including", "among"} and node is not trig:
                found += [a for g in c.children if g.dep_ == "pobj" for a in self.np_actors(g, mentions, on)]
        # "his counterparts from the US and Russia": whose counterparts they are is who was called
        preps = NP_PREPS | {"from"}
        # "received a phone call Tuesday from Sisi": the parser may hang the caller on the receiving verb
        receiving = node is not trig and node.lemma_.lower() in {"receive", "get", "take", "accept", "answer"}
        for c in node.children:
            if c.i > 0 and c.nbor(-1).lower_ in {"aside", "apart"}:
                continue  # "Aside from Obama, Rousseff received a call from ...": not a party to this call
            if c.dep_ in {"prep", "dative"} and (c.lower_ in {"with", "to"} or (receiving and c.lower_ == "from")):
                found += [
                    a for g in c.children if g.dep_ == "pobj" for a in self.np_actors(g, mentions, on, preps=preps)
                ]
        if trig.pos_ == "NOUN" and trig.dep_ == "pobj" and trig.head.lower_ in {"in", "during", "via", "over", "by"}:
            # "held a discussion with the Saudi minister via a phone call": the partner is the clause's
            verb = governing_verb(trig)
            if verb is not None and lemma(verb) in TELLING_VERBS:
                # "Hu told Obama in a phone call that ...": the one told is on the line
                told = [c for c in verb.children if c.dep_ in {"dobj", "dative"}]
                found += [a for c in told for a in self.np_actors(c, mentions, on)]
            for o in (verb, *(c for c in verb.children if c.dep_ == "dobj")) if verb is not None else ():
                found += [a for c in o.children if c.dep_ == "prep" and c.lower_ == "with"
                          for g in c.children if g.dep_ == "pobj" for a in self.np_actors(g, mentions, on)]  # fmt: skip
        if trig.pos_ == "NOUN":
            for c in trig.children:
                if c.dep_ == "prep" and c.lower_ in {"with", "between", "from", "to"}:
                    found += [
                        a for g in c.children if g.dep_ == "pobj" for a in self.np_actors(g, mentions, on, preps=preps)
                    ]
            # "a series of phone calls to leaders, including ...": the list hangs on the quantity noun
            if trig.dep_ == "pobj" and trig.head.lower_ == "of":
                found += [a for c in trig.head.head.children if c.dep_ == "prep" and c.lower_ in {"including", "among"}
                          for g in c.children if g.dep_ == "pobj" for a in self.np_actors(g, mentions, on)]  # fmt: skip
        if trig.pos_ == "VERB":
            for c in trig.children:
                # ("Macron called Putin": the parser may read the one called as a predicate)
                if c.dep_ == "dobj" or (c.dep_ == "oprd" and c.pos_ == "PROPN"):
                    found += self.np_actors(c, mentions, on, preps=preps)
                # "spoke on the phone with President Trump": the parser may hang "with" on the phone
                # ("spoke about these issues on the phone with ...": or the phone on the topic)
                if c.dep_ == "prep":
                    objs = [g for g in c.children if g.dep_ == "pobj"]
                    objs += [g for o in objs for p in o.children if p.dep_ == "prep" for g in p.children
                             if g.dep_ == "pobj"]  # fmt: skip
                    on_line = any(g.lemma_.lower() in CALL_LINES for g in objs)
                    withs = [w for o in objs if on_line for w in o.children if w.dep_ == "prep" and w.lower_ == "with"]
                    found += [a for w in withs for g in w.children if g.dep_ == "pobj"
                              for a in self.np_actors(g, mentions, on)]  # fmt: skip
        return found

    def caller_side(
        self, trig: Token, clause: Token | None, mentions: list[ActorMention], sents: list[Sentence], sent: Sentence,
        on: dt.date | None,
    ) -> list[tuple[str, ActorMention]]:  # fmt: skip
        """Who made or took a round of calls: the subject of the clause."""
        subj = self.subject(clause or trig) if (clause or trig).pos_ in {"VERB", "AUX"} else None
        if subj is None:
            return []
        if subj.pos_ == "PRON":
            return self.pronoun(subj, mentions, sents, sent, on)
        return self.np_actors(subj, mentions, on, exclude=trig)

    def guests_and_host(
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
                        guests += [a for w in c.children if w.dep_ == "pobj" for a in self.np_actors(w, mentions, on)]
            elif (g.lemma_.lower() in GUEST_NOUNS or g.pos_ == "PROPN") and g.lemma_.lower() not in HONOURS:
                # ("will receive the Amilcar Cabral Medal, the highest honour of Guinea-Bissau": a thing)
                guests += [a for a in self.np_actors(g, mentions, on) if a[1].kind != "seat"]
        hosts: list[tuple[str, ActorMention]] = []
        for h in host_heads:
            found = self.pronoun(h, mentions, sents, sent, on) if h.pos_ == "PRON" else self.np_actors(h, mentions, on)
            hosts += [a for a in found if a[1].kind in STATE_KINDS | {"person"}]
        return dedupe(guests), dedupe(hosts)

    def visiting(
        self, trig: Token, mentions: list[ActorMention], on: dt.date | None, sents: list[Sentence], sent: Sentence
    ) -> tuple[list[tuple[str, ActorMention]], list[tuple[str, ActorMention]], Token | None]:
        """Guests named by "visiting" and their host: (visitors, hosts, the verb of the meeting).

        "Xi held talks with visiting Brazilian President Lula in Beijing": Lula visits; the host is the
        place the clause names, else the other side of the meeting (Xi's China). "Visiting Indian Prime
        Minister Modi met Putin in Moscow": the parser may make "Visiting" a clause of the main verb,
        whose subject is then the visitor.
        """
        if trig.dep_ == "csubj":
            verb: Token | None = trig.head
            guest_heads = [c for c in trig.head.children if c.dep_ == "nsubj"]
        elif trig.dep_ in {"advcl", "xcomp"}:
            # "Sisi met visiting Saudi Foreign Minister ...": read as "met, visiting [the minister]"
            verb = trig.head
            guest_heads = [c for c in trig.children if c.dep_ == "dobj"]
        else:
            verb = governing_verb(trig.head)
            guest_heads = [trig.head]
        if not guest_heads:
            return [], [], verb
        visitor_kinds = {"person", "office", "demonym", "title"}
        guests = [a for h in guest_heads for a in self.np_actors(h, mentions, on, preps=frozenset())
                  if a[1].kind in visitor_kinds]  # fmt: skip
        guest_codes = {c for c, _ in guests}
        places = [g for n in (*guest_heads, verb) if n is not None for c in n.children
                  if c.dep_ == "prep" and c.lower_ in {"in", "to"} for g in c.children if g.dep_ == "pobj"]  # fmt: skip
        hosts = [a for g in places for a in self.np_actors(g, mentions, on) if a[1].kind in PLACE_KINDS]
        if not hosts and verb is not None:
            inside = {t.i for h in guest_heads for t in h.subtree}
            sides = [c for c in verb.children if c.dep_ in {"nsubj", "dobj"} and c.i not in inside]
            sides += [g for c in verb.children if c.dep_ == "prep" and c.lower_ == "with"
                      for g in c.children if g.dep_ == "pobj" and g.i not in inside]  # fmt: skip
            hosts = [a for h in sides for a in self.np_actors(h, mentions, on) if a[1].kind in STATE_KINDS | {"person"}]
        return guests, [h for h in dedupe(hosts) if h[0] not in guest_codes], verb

    def expelling_state(
        self, trig: Token, mentions: list[ActorMention], on: dt.date | None, expelled: set[str]
    ) -> list[tuple[str, ActorMention]]:
        """Who expels, when a passive names nobody: the state to be left ("must leave Poland", "were ordered
        out of Albania"), else the state telling of it ("..., the Moldovan foreign ministry said")."""
        scope = [trig, *trig.conjuncts, *(c for c in trig.children if c.dep_ in {"xcomp", "conj", "advcl"})]
        places: list[Token] = []
        for node in scope:
            for t in node.subtree:
                if lemma(t) in {"leave", "quit", "exit"} and t.pos_ in {"VERB", "AUX"}:
                    places += [c for c in t.children if c.dep_ == "dobj"]
                if t.lower_ == "of" and t.i > 0 and t.nbor(-1).lower_ == "out":
                    places += [c for c in t.children if c.dep_ == "pobj"]
        found = [a for p in places for a in self.np_actors(p, mentions, on) if a[1].kind in PLACE_KINDS]
        if not found:
            verb = trig if trig.pos_ in {"VERB", "AUX"} else governing_verb(trig)
            teller = verb.head if verb is not None and verb.dep_ == "ccomp" else None
            if teller is not None and lemma(teller) in {"say", "announce", "confirm", "state", "report"}:
                found = [a for c in teller.children if c.dep_ == "nsubj" for a in self.np_actors(c, mentions, on)
                         if a[1].kind in STATE_KINDS]  # fmt: skip
        return [a for a in dedupe(found) if a[0] not in expelled and len(a[0]) == 3]

    @staticmethod
    def surnames(earlier: list[ActorMention], sent: Sentence, found: list[ActorMention]) -> list[ActorMention]:
        """Bare surnames ("Kim") that refer back to a full name ("Kim Jong Un") earlier in the article."""
        by_part: dict[str, ActorMention] = {}
        for m in earlier:
            first, last = m.text.split()[0], m.text.split()[-1]
            for part in {first, last}:
                # ("Hu" after "Hu Jintao": a two-letter family name leads its name; "Al", "De" do not)
                short_ok = part is first and len(part) == 2 and part.istitle() and part not in NAME_PARTICLES
                if (len(part) > 2 or short_ok) and part[0].isupper():
                    by_part[part] = m
        taken = [(m.start, m.end) for m in found]
        out = []
        for part, m in by_part.items():
            for hit in re.finditer(rf"(?<![\w-]){re.escape(part)}(?![\w-])", sent.text):
                if not any(s <= hit.start() < e for s, e in taken):
                    out.append(ActorMention(hit.start(), hit.end(), part, m.entries))
        return out

    def meeting_roles(
        self, trig: Token, clause: Token | None, mentions: list[ActorMention], on: dt.date | None,
        sents: list[Sentence], sent: Sentence,
    ) -> tuple[list[tuple[str, ActorMention]], list[tuple[str, ActorMention]]]:  # fmt: skip
        """A meeting in a capital: the side away from home visits the capital's state."""
        if SUMMIT_RE.search(sent.text):
            return [], []
        node = clause or trig
        places = [
            a
            for t in (trig, node)
            for c in t.children
            if c.dep_ == "prep" and c.lower_ == "in"
            for g in c.children
            if g.dep_ == "pobj"
            for a in self.np_actors(g, mentions, on)
            if a[1].kind == "seat"
        ]
        if len({code for code, _ in places}) != 1:
            return [], []
        host = places[0][0]
        subj = self.subject(node)
        sides = self.pronoun(subj, mentions, sents, sent, on) if subj is not None and subj.pos_ == "PRON" else (
            self.np_actors(subj, mentions, on) if subj is not None else []
        )  # fmt: skip
        partners = [
            a
            for t in (trig, node)
            for c in t.children
            if (c.dep_ == "prep" and c.lower_ == "with") or (c.dep_ == "dobj" and t.pos_ == "VERB")
            for g in ([c] if c.dep_ == "dobj" else [w for w in c.children if w.dep_ == "pobj"])
            for a in self.np_actors(g, mentions, on)
            if a[1].kind in STATE_KINDS | {"person"}
        ]
        sides = [a for a in sides if a[1].kind in STATE_KINDS | {"person", "org"}]
        home = [a for a in sides if a[0] == host]
        away = [a for a in sides if a[0] != host]
        if home and not away:
            away = [a for a in partners if a[0] != host]  # "Putin met Xi in Moscow": Xi visited
        place = [a for a in places if a[0] == host][:1]
        return (dedupe(away), place) if away else ([], [])

    def named_members(
        self, doc: Doc, trig: Token, mentions: list[ActorMention], on: dt.date | None
    ) -> list[tuple[str, ActorMention]]:
        """States named in an "including ..." phrase, which parsers often hang on the wrong clause."""
        inside_objects = {t.i for o in objects(trig) for t in o.subtree}
        out = []
        for tok in doc:
            if tok.lower_ in {"including", "among"} and tok.i not in inside_objects:
                for g in tok.children:
                    if g.dep_ == "pobj":
                        out += self.np_actors(g, mentions, on)
        return out

    def _of_after_time(
        self, trig: Token, clause: Token, mentions: list[ActorMention], on: dt.date | None
    ) -> list[tuple[str, ActorMention]]:
        """ "ordered the expulsion on Monday of the Mexican ambassador and two Spanish diplomats": a time
        phrase between the noun and its "of" phrase takes the envoys, and the parser may hang the last
        conjunct on the verb."""
        out: list[tuple[str, ActorMention]] = []
        for c in trig.children:
            if c.dep_ != "prep" or c.lower_ not in {"on", "in", "at", "last", "this"}:
                continue
            for g in c.children:
                for o in g.children:
                    if o.dep_ == "prep" and o.lower_ == "of":
                        out += [a for p in o.children if p.dep_ == "pobj" and _envoy(p)
                                for a in self.np_actors(p, mentions, on)]  # fmt: skip
        for c in [*trig.children, *(clause.children if clause is not trig else ())]:
            if c.dep_ == "prep" and c.lower_ == "on":
                for g in c.children:
                    for o in g.children:
                        if o.dep_ == "prep" and o.lower_ == "of":
                            out += [a for p in o.children if p.dep_ == "pobj" and _envoy(p)
                                    for a in self.np_actors(p, mentions, on)]  # fmt: skip
        if out:
            out += [a for c in clause.children if c.dep_ == "conj" and c.lemma_.lower() in MISPARSED_ENVOYS
                    for a in self.np_actors(c, mentions, on)]  # fmt: skip
        return dedupe(out)

    def among_them(self, trig: Token, mentions: list[ActorMention], on: dt.date | None
                   ) -> list[tuple[str, ActorMention]]:  # fmt: skip
        """States listed after "among them" following the trigger (the parser hangs the list anywhere)."""
        doc = trig.doc
        for tok in doc[trig.i + 1 : len(doc) - 1]:
            if tok.lower_ == "among" and doc[tok.i + 1].lower_ == "them":
                after = doc[tok.i + 1].idx
                return [(m.code(on), m) for m in mentions if m.start > after and m.kind in {"state", "seat"}]
        return []

    def possessor(self, tok: Token, mentions: list[ActorMention], sents: list[Sentence], sent: Sentence,
                   on: dt.date | None) -> list[tuple[str, ActorMention]]:  # fmt: skip
        if tok.pos_ == "PRON":
            return self.pronoun(tok, mentions, sents, sent, on)
        return self.np_actors(tok, mentions, on)

    def pronoun(self, tok: Token, mentions: list[ActorMention], sents: list[Sentence], sent: Sentence,
                 on: dt.date | None) -> list[tuple[str, ActorMention]]:  # fmt: skip
        """The actor a pronoun refers to: the nearest fitting actor before it, here or one sentence back."""
        if tok.lower_ in {"i", "me", "my", "we", "us", "our"}:
            return []  # a quoted speaker ("I have ordered the withdrawal ...") is named outside the quote, if at all
        personal = tok.lower_ in {"he", "his", "him", "she", "her"}
        before = [m for m in mentions if m.end <= tok.idx]
        pool = [m for m in before if (m.kind == "person") == personal or (personal and m.kind == "office")]
        if not pool and not personal:
            pool = [m for m in before if m.kind in STATE_KINDS | {"org"}]
        if not pool and personal:
            # "Bolivia's interim president says her government is expelling ...": she holds the state's office
            # (the first such holder: the sentence's subject, not the counterpart named after it)
            holders = [m for m in before if m.kind in STATE_KINDS and holds_office(tok.doc, m)]
            if holders:
                return [(holders[0].code(on), holders[0])]
        if not pool:
            prev = previous(sents, sent)
            if prev is not None:
                earlier = self.gaz.find(prev.text, titles=True)
                # ("European and American newspapers reprinted them. The ministry said it ...": an adjective
                # one sentence back is no antecedent of "it")
                pool = [m for m in earlier if (m.kind == "person") == personal and m.kind != "title"
                        and (personal or m.kind != "demonym")]  # fmt: skip
                if pool and personal and tok.dep_ in SUBJECTS:
                    # "Sharif received calls from Raisi. Earlier, he also received a call from Erdogan": a
                    # subject pronoun opening a sentence continues the one before it, whose subject leads it
                    return [(pool[0].code(on), pool[0])]
                if not pool and personal:
                    # "The Kenyan president arrived in Kampala ... He will then leave for Kigali"
                    pool = [m for m, t in pairwise(earlier) if m.kind in {"demonym", "state"}
                            and t.kind == "title" and TITLED_GAP_RE.fullmatch(prev.text, m.end, t.start)]  # fmt: skip
        if not pool:
            # "During his visit to Ankara, the Iranian president ...": the referent comes after
            # ("After he landed in Beijing, Putin said"): after the pronoun's own clause, never inside it
            # ("he was expelling the British ambassador" does not make the British the expellers)
            phrase_end = max(t.idx + len(t.text) for t in tok.head.subtree)
            after = [m for m in mentions if m.start >= phrase_end and m.kind in STATE_KINDS | {"person"}]
            return [(after[0].code(on), after[0])] if after else []
        # "X plans to meet Y, and from there he will depart for ...": a subject pronoun continues the
        # clause's subject, not the nearest name
        subjects: list[ActorMention] = []
        # ("X departed from India after wrapping up their three-day visit": the possessor is the subject too)
        if (personal or tok.lower_ in {"their", "its"}) and (tok.dep_ in SUBJECTS or tok.dep_ == "poss"):
            # ("The Brazilian president flies to Santiago to meet Boric, and he will then ...": a title's state)
            doc = tok.doc
            titled = [m for m in before if m.kind in STATE_KINDS and m not in pool
                      and (holds_office(doc, m) or (m.kind == "demonym" and official_head(doc, m)))]  # fmt: skip
            subjects = sorted((m for m in pool + titled if _is_subject(tok.doc, m)), key=lambda m: m.start)
        m = (subjects or pool)[-1]
        return [(m.code(on), m)]

    def targets(
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
                            res += self.np_actors(g, mentions, on, preps=nested)
            return res

        if kind == "visit":
            hosts: list[ActorMention] = []
            if pattern.place_preps:
                # "met him in person in Addis Ababa": the place may hang on the first phrase
                out += pobjs(trig, pattern.place_preps, NP_PREPS | pattern.place_preps)
                if pattern.lemma == "start":
                    for o in objects(trig):
                        out += pobjs(o, pattern.place_preps)
                if pattern.ending:  # "left Moscow after a state visit": the place left
                    out += [a for o in objects(trig) for a in self.np_actors(o, mentions, on)]
                # "CARACAS (AFP) - Ahmadinejad arrived here Saturday": the dateline's city
                out += [a for c in trig.children if c.dep_ == "advmod" and c.lower_ == "here"
                        for a in self.np_actors(c, mentions, on)]  # fmt: skip
            elif trig.pos_ == "VERB":
                for c in trig.children:
                    # "visited the Ghanaian embassy in Abuja": a mission abroad is not its state's soil
                    if c.dep_ == "dobj" and c.lemma_.lower() not in MISSIONS:
                        found = self.np_actors(c, mentions, on)
                        out += found
                        # "visited President Buhari": a leader visited stands for the host state
                        hosts += [m for _, m in found if m.kind == "person" and m.start == found[0][1].start]
                out += pobjs(trig, {"to", "in"})
                # "visited Buhari at the statehouse in Abuja": the city inside the "at" phrase
                out += pobjs(trig, {"at"}, NP_PREPS | {"in"})
            else:
                out += pobjs(trig, {"to", "in", "of"} if trig.lemma_.lower() == "tour" else {"to", "in"})
                # "a tour that will take him to Qatar and Mexico"
                out += [a for c in trig.children if c.dep_ in {"relcl", "acl"} and lemma(c) == "take"
                        for a in pobjs(c, {"to"})]  # fmt: skip
                if not out and clause is not None:
                    out += pobjs(clause, {"to", "in"})
            return [(c, m) for c, m in out if m.kind != "person" or m in hosts], 1.0
        if kind == "expulsion":
            passive = any(c.dep_ in {"nsubjpass", "auxpass", "agent"} for c in trig.children) or (
                trig.tag_ == "VBN" and trig.dep_ in {"acl", "amod"}
            )
            if trig.pos_ == "NOUN":
                for c in trig.children:
                    if c.dep_ == "prep" and c.lower_ == "of":
                        for g in c.children:
                            if g.dep_ == "pobj":
                                out += self.np_actors(g, mentions, on)
                if not out:
                    out += self._of_after_time(trig, node, mentions, on)
            elif passive:
                heads = [c for c in trig.children if c.dep_ in {"nsubjpass", "nsubj"}]
                if trig.dep_ in {"acl", "amod"}:
                    heads.append(trig.head)
                for h in heads:
                    out += self.np_actors(h, mentions, on, exclude=trig)
            elif pattern.against:
                # "took action against Syrian diplomats": whose diplomats is in the "against" phrase
                for g in against_objects(trig):
                    out += self.np_actors(g, mentions, on, preps=ENVOY_PREPS)
            else:
                # "gave the Nigerian envoy 72 hours to leave": the envoy is the indirect object
                datives = [c for c in node.children if c.dep_ == "dative" and c.pos_ in {"NOUN", "PROPN"}]
                for o in objects(node) + datives:
                    out += self.np_actors(o, mentions, on, preps=ENVOY_PREPS)
                if not out:  # the parser often hangs "at the Russian embassy" on the verb
                    out += pobjs(node, {"at"})
                if not out and self.subject(node) is not None:
                    # "Russia expelled diplomats from 23 countries, including Canada and Germany": a state
                    # that expels another's diplomats sends them from those states (the passive "were
                    # expelled from Canada" names the expelling state instead, handled above)
                    out += pobjs(node, {"from"})
                if not out:
                    out += self.among_them(trig, mentions, on)  # "diplomats of 23 countries, among them ..."
            return out, 1.0
        if kind == "recall":
            # "ordered the recall of its ambassadors from Ireland": the envoy's post hangs on the "of" phrase
            of_envoys = of_objects(trig) if trig.pos_ == "NOUN" else []
            for o in [*objects(node), *objects(trig), *of_envoys]:
                out += pobjs(o, {"to", "in", "from"})
                # "the Peruvian ambassador accredited to Venezuela"
                out += [a for c in o.children if c.dep_ == "acl" for a in pobjs(c, {"to", "in"})]
            out += pobjs(trig, {"from", "to"})
            if clause is not None and clause is not trig:
                out += pobjs(clause, {"from", "to"})
            return out, 1.0
        return out, 1.0

    def context_targets(self, sents: list[Sentence], sent: Sentence, mentions: list[ActorMention],
                         agents: set[str], on: dt.date | None,
                         kinds: frozenset[str] | None = None) -> list[tuple[str, ActorMention]]:  # fmt: skip
        """The state an envoy was recalled from (or a visit's host), when the sentence leaves it to the context.

        Only an unambiguous answer counts: exactly one other state named here, else in the sentence before.
        """

        def fits(m: ActorMention) -> bool:
            return m.code(on) not in agents and len(m.code(on)) == 3 and (kinds is None or m.kind in kinds)

        pool = [m for m in mentions if fits(m)]
        if not pool:
            prev = previous(sents, sent)
            if prev is not None:
                pool = [m for m in self.gaz.find(prev.text) if fits(m)]
        if not pool:
            # "Mexico had recalled its own envoy in December": a tit-for-tat story's lead names the other side
            lead = next((s for s in sents if len(s.text.split()) > 6 and s.text.rstrip().endswith(".")), None)
            if lead is not None and lead is not sent and kinds is None:
                pool = [m for m in self.gaz.find(lead.text) if fits(m) and m.kind in {"state", "seat", "demonym"}]
        codes = {m.code(on) for m in pool}
        if len(codes) != 1:
            return []
        return [(pool[0].code(on), pool[0])]


SUBJECTS = frozenset({"nsubj", "nsubjpass"})
LIST_GAP_RE = re.compile(r"\s*(?:,|,?\s+and|,?\s+or|;)\s+(?:the\s+)?")
TITLED_GAP_RE = re.compile(r"(?:'s|’s)?\s+")


# verbs whose object is the one spoken to ("told Obama in a phone call")
TELLING_VERBS = frozenset({"tell", "assure", "urge", "inform", "congratulate", "thank", "ask", "invite", "brief",
                           "warn", "promise", "reassure", "update"})  # fmt: skip

# two-letter name parts that are particles, not family names
NAME_PARTICLES = frozenset({"Al", "El", "Da", "De", "Di", "Du", "La", "Le", "Ba", "Mr", "Dr", "St", "Mc", "Ab", "Bu"})

# prepositions that leave their objects out ("all ambassadors were recalled except the one to Egypt")
EXCEPTING = frozenset({"except", "excluding", "barring", "save"})

# what a leader receives that is not a guest
HONOURS = frozenset({"medal", "award", "prize", "order", "honour", "honor", "degree", "doctorate", "decoration",
                     "key", "letter", "message", "credential", "credentials", "delivery", "shipment"})  # fmt: skip

# travellers whose arrival abroad is no state's visit
NOT_ENVOYS_ABROAD = frozenset({"team", "squad", "club", "side", "player", "athlete", "fan", "tourist", "student",
                               "pilgrim", "troupe", "orchestra", "band", "choir", "crew", "climber",
                               "runner"})  # fmt: skip

# what makes a delegation private: "business delegation", "trade mission", "student group"
PRIVATE_MISSIONS = frozenset({"business", "trade", "investment", "commercial", "industry", "industrial", "student",
                              "youth", "cultural", "sports", "football", "medical", "religious", "church"})  # fmt: skip

# a state's premises in another's capital
MISSIONS = frozenset({"embassy", "consulate", "mission", "commission", "chancery", "residence"})

# what a call is "on" or "over": "spoke on the phone with ...", "talked over a video link with ..."
CALL_LINES = frozenset({"phone", "telephone", "line", "link", "videoconference", "video", "hotline"})

# titles that take a "for" phrase as part of the title ("Minister for Foreign and European Affairs")
TITLE_FOR = frozenset({"minister", "secretary", "commissioner", "ministers", "secretaries"})


def without_exceptions(doc: Doc, actors: list[tuple[str, ActorMention]]) -> list[tuple[str, ActorMention]]:
    """``actors`` less those named inside an exception ("were recalled, except its ambassador to Egypt")."""
    left_out = {t.idx for p in doc if p.lower_ in EXCEPTING and p.dep_ == "prep" for t in p.subtree}
    return [(c, m) for c, m in actors if not any(m.start <= i < m.end for i in left_out)]


def _stance(tok: Token) -> bool:
    """ "an anti-US tour", "a pro-Russian visit": a modifier against or for a state names no actor."""
    words = {t.lower_ for t in tok.subtree}
    # (the tokenizer may split "anti-US" into three modifiers of the noun)
    before = tok.doc[max(0, tok.left_edge.i - 2) : tok.left_edge.i].text.lower().replace(" ", "")
    return (
        bool(words & {"anti", "pro", "non"})
        or tok.lower_.startswith(("anti-", "pro-", "non-"))
        or before in {"anti-", "pro-", "non-"}
    )


def _aside(tok: Token) -> bool:
    """A participial clause set off by a comma ("Ahmadinejad, seeking support among Washington's critics,"):
    it tells about the noun without naming who acts with it (not "a delegation representing Iran")."""
    return (
        tok.dep_ in {"acl", "advcl"}
        and tok.tag_ == "VBG"
        and tok.i > 0
        and tok.doc[tok.left_edge.i - 1].text == ","
        and tok.lemma_.lower() not in {"represent", "lead", "head", "include", "comprise", "accompany"}
    )


def _invited(verb: Token) -> Token | None:
    """The guests a long "At the invitation of X, A, B and C pay visits" hangs on the host X (as an
    apposition or a conjunct): with no subject of its own, the verb's subject is the phrase after the host."""
    if verb.dep_ not in {"ROOT", "ccomp"}:  # (a lead under "..., the press service reported")
        return None
    for prep in verb.children:
        if prep.dep_ != "prep" or prep.lower_ not in {"at", "upon", "on"} or prep.i > verb.i:
            continue
        for invitation in prep.children:
            if invitation.dep_ != "pobj" or invitation.lemma_.lower() != "invitation":
                continue
            for w in invitation.subtree:
                edge = w.left_edge.i
                # the host's apposition or, read as a list with the host, its conjunct after a comma
                if w.dep_ in {"appos", "conj"} and w.i < verb.i and edge > 0 and w.doc[edge - 1].text == ",":
                    return w
    return None


def mention_root(doc: Doc, m: ActorMention) -> Token | None:
    """The syntactic head of the words a mention (of this sentence) covers."""
    span = doc.char_span(m.start, m.end, alignment_mode="expand")
    return span.root if span is not None else None


def _is_subject(doc: Doc, m: ActorMention) -> bool:
    """Whether a mention (of this sentence) heads or sits in the subject of its clause."""
    tok = mention_root(doc, m)
    if tok is None:
        return False
    for _ in range(4):
        if tok.dep_ in SUBJECTS:
            return True
        if tok.dep_ not in {"compound", "appos", "poss", "amod", "flat"} or tok.head is tok:
            return False
        tok = tok.head
    return False


def _heads_phrase(doc: Doc, m: ActorMention) -> bool:
    """Whether a mention is the head of its noun phrase rather than a modifier ("EU member states")."""
    root = mention_root(doc, m)
    return root is not None and root.dep_ not in {"compound", "amod", "nmod", "poss"}


def _envoy(tok: Token) -> bool:
    """An envoy noun, or a list that begins with one ("the ambassador, Ms X, and two diplomats")."""
    return tok.lemma_.lower() in MISPARSED_ENVOYS | {"chargé", "charge", "d'affaires", "commissioner"}


def official_head(doc: Doc, m: ActorMention) -> bool:
    """Whether a demonym modifies someone who can act for a state ("Russian minister", not "Russian tourists")."""
    root = mention_root(doc, m)
    if root is None:
        return False
    while root.dep_ == "conj" and root.head.i != root.i:
        root = root.head  # "the Spanish and Portuguese prime ministers": the first conjunct's head
    head = root.head if root.dep_ in {"amod", "compound"} else root
    # (tokens are views made afresh: compare positions, not identity)
    return head.i == root.i or head.lemma_.lower() in OFFICIAL_HEADS or head.pos_ == "PROPN"


def holds_office(doc: Doc, m: ActorMention) -> bool:
    """Whether a state mention names whose office a person holds ("Bolivia's interim president")."""
    root = mention_root(doc, m)
    return root is not None and root.dep_ in {"poss", "amod", "compound"} and root.head.lemma_.lower() in GUEST_NOUNS


def dedupe(items: list[tuple[str, ActorMention]]) -> list[tuple[str, ActorMention]]:
    seen: set[str] = set()
    out = []
    for code, m in items:
        if code not in seen:
            seen.add(code)
            out.append((code, m))
    return out
