"""Whether an event occurred, is planned, hypothetical or denied, and the tense that dates it."""

from __future__ import annotations

from spacy.tokens import Token

from timeline.extract import dates
from timeline.extract.syntax import lemma, preceded_by

# Words whose open complement is not (yet) an event: "threatened to expel", "offered to visit".
HYPOTHETICAL_HEADS = frozenset({
    "threaten", "offer", "propose", "want", "seek", "try", "attempt", "urge", "ask", "call", "demand", "hope",
    "consider", "refuse", "decline", "need", "invite", "wish", "push", "pressure", "press", "encourage",
    "suggest", "mull", "weigh", "vow", "pledge", "promise", "would", "fail",
    # nouns an infinitive may hang on: "accepted an invitation to visit", "a proposal to expel"
    "invitation", "proposal", "request", "appeal", "threat", "bid", "idea", "option", "possibility",
    "suggestion", "motion", "vote",
})  # fmt: skip
PLANNED_HEADS = frozenset({"plan", "intend", "expect", "schedule", "set", "due", "prepare", "agree", "go", "arrange",
                           "slate", "poise", "aim"})  # fmt: skip
PLANNED_WORDS = frozenset({"upcoming", "planned", "scheduled", "forthcoming", "expected", "impending", "coming",
                           "proposed", "future", "next"})  # fmt: skip
MODALS = frozenset({"would", "could", "should", "might", "may", "must", "can", "ought"})
CANCEL_HEADS = frozenset({"cancel", "postpone", "scrap", "delay", "deny", "rule", "call", "shelve", "abandon"})
DEMAND_HEADS = frozenset({"demand", "urge", "ask", "insist", "request", "call", "propose", "suggest", "recommend",
                          "want", "require", "argue", "hope", "wish"})  # fmt: skip
DENIAL_HEADS = frozenset({"deny", "reject", "dismiss", "refute"})
REPORTING_VERBS = frozenset({"say", "tell", "announce", "confirm", "state", "report", "add", "note", "disclose"})
CAUSATIVES = frozenset({"let", "allow", "permit", "make", "help"})


def status_of(trig: Token, clause: Token | None) -> tuple[str, dates.Tense]:
    """occurred / planned / hypothetical / denied, and the tense that picks weekdays and years."""
    node = clause or trig
    chain = [node]
    cur = node
    while cur.head is not cur and (
        cur.dep_ in {"xcomp", "pcomp", "pobj", "prep", "dobj", "auxpass"}
        # "called on Germany to expel": the parser hangs the infinitive on the one urged
        # ("will seek a vote to expel": the infinitive hangs on the vote sought)
        or (cur.dep_ == "acl" and cur.tag_ == "VB" and cur.head.dep_ in {"pobj", "dobj"})
        or (cur.dep_ == "advcl" and cur.tag_ == "VB" and lemma(cur.head) in HYPOTHETICAL_HEADS)
        or (cur.dep_ == "ccomp" and lemma(cur.head) in CAUSATIVES)  # "refused to let him visit"
        # a conjoined verb shares its sibling's auxiliaries, unless it has a subject of its own
        or (cur.dep_ == "conj" and not any(c.dep_ in {"nsubj", "nsubjpass"} for c in cur.children))
    ):
        cur = cur.head
        chain.append(cur)
        if cur.pos_ == "VERB" and cur.dep_ not in {"xcomp", "pcomp", "conj"}:
            break
    words = [c for n in chain for c in n.children]
    lemmas = {c.lemma_.lower() for c in words}
    lowers = {c.lower_ for c in words if not _surname_may(c)}
    mods = {c.lower_ for c in trig.children if c.dep_ in {"amod", "compound", "advmod"}}
    future = "will" in lowers or "shall" in lowers or "'ll" in lowers
    no_det = any(c.dep_ == "det" and c.lower_ == "no" for n in chain if n.pos_ == "NOUN" for c in n.children)
    if any(c.dep_ == "neg" for c in words) or "never" in lowers or no_det:  # "has no plans to expel"
        return "denied", "past"
    if any(_cancels(n) and n is not node for n in chain[1:]):
        return "denied", "past"
    if trig.pos_ == "NOUN" and _cancels(trig.head):
        return "denied", "past"
    if _called_off(trig):
        return "denied", "past"  # "plans for a visit by X were shelved", "the decision to recall was postponed"
    subject_of_modal = (
        trig.pos_ == "NOUN"
        and trig.dep_ in {"nsubj", "nsubjpass"}
        and any(c.lower_ in MODALS and not _surname_may(c) for c in trig.head.children if c.dep_ == "aux")
    )
    if subject_of_modal:  # "a visit by Xi would be a breakthrough"
        return "hypothetical", None
    if node.dep_ == "ccomp" and node.head.lemma_.lower() in DENIAL_HEADS:
        return "denied", "past"
    if node.dep_ == "ccomp" and lemma(node.head) in DEMAND_HEADS:
        return "hypothetical", None  # "demanded that Oslo recall its ambassador": asked for, not done
    if lowers & MODALS:
        told = node.head if node.dep_ == "conj" and node.head.dep_ == "ccomp" else node  # "had noted ... and would"
        reported = told.dep_ == "ccomp" and told.head.lemma_.lower() in REPORTING_VERBS
        scope = told.head.subtree if reported else node.subtree  # ("if" may hang on the reporting verb)
        conditional = (
            any(c.dep_ == "mark" and c.lower_ in {"if", "unless"} for c in scope)
            or any(lemma(n) in HYPOTHETICAL_HEADS for n in chain[1:])
            # "would veto any such resolution": a stance on whatever comes, not a step decided; a veto
            # said to be coming is a threat until the vote
            or any(d.dep_ == "det" and d.lower_ in {"any", "every"} for o in node.children for d in o.children)
            or lemma(trig) == "veto"
        )
        if lowers & MODALS == {"would"} and reported and not conditional:
            # "the Kremlin said Putin would visit Turkey in August", "the ministry said it had taken note
            # of the decision and would recall its ambassador": the future of a past report, a plan
            return "planned", "future"
        return "hypothetical", None
    # "In a phone call, Putin and Xi agreed to deepen ties": what the speakers plan in the call is not the call
    adjunct = trig.dep_ == "pobj" and trig.head.lower_ in {"in", "during"} and trig.head.dep_ == "prep"
    for n in chain[1:] if not adjunct else ():
        head = lemma(n)
        if head in HYPOTHETICAL_HEADS:
            return "hypothetical", None
        if head == "have" and any(c.dep_ == "xcomp" for c in n.children):
            return "hypothetical", None  # "Russia has to expel" is an obligation, not an act
        if head in PLANNED_HEADS or (head == "be" and n.lower_ in {"is", "are", "was"} and node.dep_ == "xcomp"):
            return "planned", "future"
    if any(c.dep_ == "mark" and c.lower_ in {"if", "unless", "whether"} for c in words):
        return "hypothetical", None
    if mods & PLANNED_WORDS or preceded_by(trig, {"ahead", "before"}):
        return "planned", "future"
    if future:
        return "planned", "future"
    if node.tag_ in {"VBD", "VBN"} or "have" in lemmas or "has" in lowers:
        return "occurred", "past"
    if node.tag_ in {"VBZ", "VBP"}:
        return "occurred", "present"  # "begins a visit on Thursday", "arrives in Accra today"
    return "occurred", None


def _surname_may(word: Token) -> bool:
    """ "Theresa May expelled ...": the parser reads the surname as a modal auxiliary. A capitalised "May"
    after a proper noun, or before a past-tense verb (no modal takes one), is a name."""
    if word.text != "May" or word.i == word.sent.start:
        return False
    return word.nbor(-1).pos_ == "PROPN" or word.head.tag_ == "VBD"


def _cancels(verb: Token) -> bool:
    """A verb that calls something off ("cancelled", "postponed", "called off"; not "called for")."""
    if lemma(verb) == "call":
        return any(c.dep_ == "prt" and c.lower_ == "off" for c in verb.children)
    return lemma(verb) in CANCEL_HEADS | {"suspend", "drop", "defer"}


def _called_off(trig: Token) -> bool:
    """A trigger inside the subject or object of a cancelling verb ("plans for a visit were shelved",
    "the decision to recall its ambassador was postponed")."""
    if trig.pos_ == "NOUN":
        cur = trig
    elif trig.dep_ == "acl" and trig.head.pos_ == "NOUN":
        cur = trig.head
    else:
        return False
    for _ in range(4):
        if cur.pos_ in {"VERB", "AUX"}:
            return _cancels(cur) and cur.i != trig.head.i
        if cur.dep_ not in {"pobj", "prep", "nsubj", "nsubjpass", "dobj", "compound"} or cur.head.i == cur.i:
            return False
        cur = cur.head
        if cur.pos_ in {"VERB", "AUX"}:
            return _cancels(cur) and (trig.pos_ != "NOUN" or cur.i != trig.head.i)
    return False
