"""Synthetic articles for the scale benchmark (issue 10): realistic events without spaCy.

Each *happening* (one real veto, visit, phone call, expulsion or recall) is reported by 1-3
articles from different outlets, each article holding one ``Event`` built the way
``timeline.extract.events`` builds them (same id scheme, actors, one mention). The store's own
consolidation then has to find that those reports are one happening; a few unrelated
happenings also fall together (same actors, overlapping dates), as they would in real data.

Everything is drawn from a seeded ``random.Random``, so the same ``n`` gives the same articles.
"""

from __future__ import annotations

import bisect
import datetime as dt
import hashlib
import itertools
import random
from collections.abc import Iterator
from dataclasses import dataclass

import msgspec
import pycountry

from timeline.models import Actor, ArticleRecord, Event, Mention

# Rough shares of the five types in news about diplomacy: visits and calls dominate.
TYPE_WEIGHTS = {"visit": 0.42, "phone_call": 0.36, "expulsion": 0.09, "recall": 0.10, "veto": 0.03}
# How a report dates its happening: mostly the day, some only the month or year, a few not at all.
PRECISION_WEIGHTS = {"day": 0.86, "week": 0.01, "month": 0.06, "year": 0.04, "unknown": 0.03}
REPORTS_WEIGHTS = {1: 0.45, 2: 0.35, 3: 0.20}
FIRST_DAY = dt.date(1996, 1, 1)
DAYS = (dt.date(2025, 12, 31) - FIRST_DAY).days + 1  # 30 years
VETO_POWERS = ("USA", "RUS", "CHN", "GBR", "FRA")
# States that news mentions most, first; the rest of the ~200 follow in code order.
PROMINENT = ("USA", "RUS", "CHN", "GBR", "FRA", "DEU", "IND", "JPN", "TUR", "IRN", "ISR", "UKR", "SAU", "BRA",
             "KOR", "PRK", "PAK", "EGY", "ITA", "CAN", "AUS", "ESP", "POL", "MEX", "ZAF", "NGA", "IDN", "QAT",
             "ARE", "SYR")  # fmt: skip
# Words the full-text query looks for: each report names one topic, so a word matches ~1/len of them.
TOPICS = ("trade", "energy", "sanctions", "fisheries", "migration", "security", "climate", "grain", "shipping",
          "nuclear", "water", "debt", "vaccines", "railways", "elections", "border", "refugees", "minerals",
          "aviation", "tourism", "investment", "cyber", "pipelines", "ports", "fertiliser")  # fmt: skip
OUTLET_A = ("Harbour", "Northern", "Capital", "Evening", "Morning", "Coastal", "Central", "Eastern", "Western",
            "Southern", "Daily", "Weekly", "Global", "Independent", "Union", "Republic", "Continental", "Pacific",
            "Atlantic", "Alpine")  # fmt: skip
OUTLET_B = ("Wire", "Courier", "Herald", "Gazette", "Post", "Times", "Observer", "Dispatch", "Ledger", "Review",
            "Monitor", "Chronicle", "Bulletin", "Tribune", "Record")  # fmt: skip

TEMPLATES = {
    "visit": (
        "{a_name}'s foreign minister arrived in {b_name} {when} for two days of talks with officials there on "
        "{topic}, the first such visit in several years, according to a statement.",
        "The president of {a_name} travelled to {b_name} {when}, meeting the government to discuss {topic} and "
        "closer cooperation, officials from both countries said afterwards in a joint statement.",
    ),
    "phone_call": (
        "The leaders of {a_name} and {b_name} spoke by telephone {when} about {topic} and agreed to keep in close "
        "contact over the coming weeks, a spokesperson for the government said.",
        "{a_name}'s prime minister held a phone call with the head of {b_name} {when}, discussing {topic} and the "
        "wider region, according to a readout published by the foreign ministry.",
    ),
    "expulsion": (
        "{a_name} expelled two diplomats from {b_name} {when}, accusing them of activities incompatible with "
        "their status amid a dispute over {topic}, the foreign ministry announced in a statement.",
        "The government of {a_name} ordered the ambassador of {b_name} to leave the country {when} after talks "
        "on {topic} collapsed, officials said, giving the envoy seventy-two hours to depart.",
    ),
    "recall": (
        "{a_name} recalled its ambassador from {b_name} for consultations {when} in protest over a decision on "
        "{topic}, the foreign ministry said, calling the move a clear and necessary signal.",
        "The foreign ministry of {a_name} said {when} that it had summoned home its envoy to {b_name} after a "
        "row over {topic}, and would review relations between the two countries.",
    ),
    "veto": (
        "{a_name} vetoed a draft resolution in the Security Council {when} that would have imposed new measures "
        "over {topic}, blocking the text despite the support of most other members.",
        "{a_name} cast its veto against a Security Council resolution on {topic} {when}, saying the draft was "
        "unbalanced and would not help the people it was meant to protect.",
    ),
}


@dataclass(frozen=True, slots=True)
class World:
    """The cast: state codes with names and cumulative weights, outlets with cumulative weights."""

    codes: tuple[str, ...]
    names: dict[str, str]
    cum_states: tuple[float, ...]
    outlets: tuple[str, ...]
    cum_outlets: tuple[float, ...]


def world(n_states: int = 200, n_outlets: int = 300) -> World:
    """About 200 states (ISO alpha-3 from pycountry), prominent ones first, and a few hundred outlets."""
    names = {c.alpha_3: getattr(c, "common_name", None) or c.name for c in pycountry.countries}
    rest = sorted(c for c in names if c not in PROMINENT)
    codes = (*PROMINENT, *rest)[:n_states]
    # Zipf-like attention: the most reported state is in ~5% of reports, the least in ~0.1%.
    cum_states = tuple(itertools.accumulate(1 / (rank + 5) for rank in range(len(codes))))
    outlets = tuple(f"{a} {b}" for a, b in itertools.product(OUTLET_A, OUTLET_B))[:n_outlets]
    cum_outlets = tuple(itertools.accumulate(1 / (rank + 10) for rank in range(len(outlets))))
    return World(codes, {c: names[c] for c in codes}, cum_states, outlets, cum_outlets)


def _pick(rng: random.Random, items: tuple[str, ...], cum: tuple[float, ...]) -> str:
    return items[bisect.bisect(cum, rng.random() * cum[-1])]


def _weighted(rng: random.Random, weights: dict, default: object) -> object:  # type: ignore[type-arg]
    r = rng.random()
    for key, w in weights.items():
        r -= w
        if r < 0:
            return key
    return default


def _when(day: dt.date, precision: str) -> tuple[dt.date | None, dt.date | None, str | None]:
    """(date_start, date_end, date_text) a report at ``precision`` gives for a happening on ``day``."""
    if precision == "day":
        return day, None, f"on {day.day} {day:%B} {day.year}"
    if precision == "week":
        monday = day - dt.timedelta(days=day.weekday())
        return monday, None, f"in the week of {monday.day} {monday:%B} {monday.year}"
    if precision == "month":
        return day.replace(day=1), None, f"in {day:%B} {day.year}"
    if precision == "year":
        return dt.date(day.year, 1, 1), None, f"in {day.year}"
    return None, None, None


def _article_id(text: str, url: str, published: dt.date) -> str:
    """The same content hash as ``timeline.extract.events.article_id_for`` (kept here to avoid spaCy)."""
    h = hashlib.sha256()
    for part in (text, url, str(published)):
        h.update(part.encode("utf-8"))
        h.update(b"\0")
    return h.hexdigest()[:20]


def happening_reports(
    rng: random.Random, w: World, serial: int, kind: str, agent: str, target: str | None, day: dt.date, n: int
) -> Iterator[ArticleRecord]:
    """``n`` articles from different outlets, each reporting the one happening in its own words."""
    outlets: list[str] = []
    while len(outlets) < n:
        o = _pick(rng, w.outlets, w.cum_outlets)
        if o not in outlets:
            outlets.append(o)
    topic = TOPICS[rng.randrange(len(TOPICS))]
    for k, outlet in enumerate(outlets):
        precision = str(_weighted(rng, PRECISION_WEIGHTS, "day"))
        start, end, when = _when(day, precision)
        published = day + dt.timedelta(days=rng.choice((0, 1, 1, 1, 2, 3, 7)))
        planned = rng.random() < 0.04
        if planned:  # a report ahead of the happening: "will visit next week"
            published = day - dt.timedelta(days=rng.randint(1, 10))
        template = TEMPLATES[kind][rng.randrange(len(TEMPLATES[kind]))]
        evidence = template.format(
            a_name=w.names[agent], b_name=w.names[target] if target else "", when=when or "recently", topic=topic
        )
        title = f"{w.names[agent]} and {w.names[target] if target else 'the Security Council'}: {topic}"
        text = f"{title}\n\n{evidence}\n\nReport {serial}-{k} filed by {outlet}."
        url = f"https://{outlet.lower().replace(' ', '-')}.example/{published:%Y/%m}/{serial}-{k}"
        art_id = _article_id(text, url, published)
        agents: tuple[str, ...]
        targets: tuple[str, ...]
        if kind == "phone_call":  # both sides are agents, as the extractor gives them
            agents, targets = (agent, target or ""), ()
        elif kind == "veto":
            agents, targets = (agent,), ()
        else:
            agents, targets = (agent,), (target or "",)
        ev_start = len(title) + 2
        event_id = hashlib.sha256(
            f"{art_id}|{kind}|{','.join(sorted(agents))}|{','.join(sorted(targets))}|{ev_start}".encode()
        ).hexdigest()[:16]
        actors = tuple(Actor(code=c, role="agent", name=w.names[c]) for c in agents) + tuple(
            Actor(code=c, role="target", name=w.names[c]) for c in targets
        )
        event = Event(
            id=event_id,
            type=kind,  # type: ignore[arg-type]
            status="planned" if planned and start is not None and start > published else "occurred",
            date_start=start,
            date_end=end,
            date_precision=precision if start is not None else "unknown",  # type: ignore[arg-type]
            date_basis="text" if start is not None else "none",
            date_text=when,
            agents=agents,
            targets=targets,
            article=url,
            article_id=art_id,
            outlet=outlet,
            published=published,
            source=None,
            evidence=evidence,
            evidence_start=ev_start,
            evidence_end=ev_start + len(evidence),
            confidence=round(0.6 + 0.39 * rng.random(), 3),
            actors=actors,
            mentions=(Mention(evidence=evidence, start=ev_start, end=ev_start + len(evidence)),),
        )
        yield ArticleRecord(
            id=art_id,
            title=title,
            text=text,
            url=url,
            file=None,
            outlet=outlet,
            published=published,
            source=None,
            byline=None,
            ingested_at=dt.datetime(2026, 1, 1),
            events=(event,),
        )


def articles(n_happenings: int, seed: int = 10) -> Iterator[ArticleRecord]:
    """Articles for ``n_happenings`` happenings (1-3 reports each), in a shuffled-looking but fixed order."""
    rng = random.Random(seed)
    w = world()
    for serial in range(n_happenings):
        kind = str(_weighted(rng, TYPE_WEIGHTS, "visit"))
        if kind == "veto":
            agent, target = VETO_POWERS[rng.randrange(5)], None
        else:
            agent = _pick(rng, w.codes, w.cum_states)
            target = agent
            while target == agent:
                target = _pick(rng, w.codes, w.cum_states)
        day = FIRST_DAY + dt.timedelta(days=rng.randrange(DAYS))
        n = int(_weighted(rng, REPORTS_WEIGHTS, 1))  # type: ignore[call-overload]
        yield from happening_reports(rng, w, serial, kind, agent, target, day, n)


def same_veto_reports(count: int, seed: int = 9) -> Iterator[ArticleRecord]:
    """``count`` different articles (various outlets) about one Russian veto on one day (issue 9)."""
    rng = random.Random(seed)
    w = world()
    day = dt.date(2017, 4, 12)
    for i in range(count):
        art = next(happening_reports(rng, w, 10_000_000 + i, "veto", "RUS", None, day, 1))
        # every report dated to the day, so each new one joins the same entry
        ev = msgspec.structs.replace(
            art.events[0], date_start=day, date_end=None, date_precision="day", date_basis="text", status="occurred"
        )
        yield msgspec.structs.replace(art, events=(ev,))
