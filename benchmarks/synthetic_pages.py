"""Varied article pages written from this project's own sentence templates (no real news text).

``write_pages(folder, n)`` writes ``n`` pages (plain text and some HTML) and a manifest; the same
``seed`` gives the same pages, so a benchmark or a test can compare runs on identical input.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from pathlib import Path

STATES = [
    ("France", "Paris"), ("Germany", "Berlin"), ("Japan", "Tokyo"), ("Brazil", "Brasilia"),
    ("Kenya", "Nairobi"), ("Canada", "Ottawa"), ("Mexico", "Mexico City"), ("India", "New Delhi"),
    ("Egypt", "Cairo"), ("Chile", "Santiago"), ("Poland", "Warsaw"), ("Turkey", "Ankara"),
    ("Indonesia", "Jakarta"), ("Nigeria", "Abuja"), ("Spain", "Madrid"), ("Sweden", "Stockholm"),
    ("Vietnam", "Hanoi"), ("Peru", "Lima"), ("Ghana", "Accra"), ("Norway", "Oslo"),
    ("Argentina", "Buenos Aires"), ("Australia", "Canberra"), ("Italy", "Rome"), ("Greece", "Athens"),
    ("Portugal", "Lisbon"), ("Morocco", "Rabat"), ("Thailand", "Bangkok"), ("Colombia", "Bogota"),
    ("Austria", "Vienna"), ("Finland", "Helsinki"), ("Denmark", "Copenhagen"), ("Ireland", "Dublin"),
    ("Senegal", "Dakar"), ("Ethiopia", "Addis Ababa"), ("Uganda", "Kampala"), ("Zambia", "Lusaka"),
    ("Qatar", "Doha"), ("Jordan", "Amman"), ("Nepal", "Kathmandu"), ("Mongolia", "Ulaanbaatar"),
    ("Uruguay", "Montevideo"), ("Bolivia", "La Paz"), ("Ecuador", "Quito"), ("Cuba", "Havana"),
    ("Iceland", "Reykjavik"), ("Estonia", "Tallinn"), ("Croatia", "Zagreb"), ("Bulgaria", "Sofia"),
]  # fmt: skip
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]
EVENT_TEMPLATES = [
    "The president of {a} arrived in {B} on {date} for two days of talks on trade and energy.",
    "{a} recalled its ambassador from {b} on {date}, citing remarks made by officials in {B}.",
    "{a} expelled two diplomats from the embassy of {b} on {date}, its foreign ministry said.",
    "The foreign minister of {a} spoke by phone with his counterpart from {b} on {date}.",
    "The prime minister of {a} visited {b} on {date}, the first such trip in a decade.",
    "{a} ordered three diplomats of {b} to leave the country within a week on {date}.",
    "The leaders of {a} and {b} held a telephone call on {date} about shipping lanes.",
    "{a} will recall its envoy from {b} for consultations, a spokesperson said on {day}.",
]
FILLER = [
    "Markets in the region were calm during the morning session.",
    "Analysts expect the talks to continue into next month.",
    "The ministry did not respond to a request for further comment.",
    "Rainfall in the capital was heavier than usual for the season.",
    "Officials described the atmosphere as constructive but cautious.",
    "A joint statement is expected once the delegations return home.",
    "Local newspapers carried the story on their front pages.",
    "The committee will meet again after the summer recess.",
]


def _page(rng: random.Random, i: int) -> tuple[str, str, bool]:
    published = dt.date(2015, 1, 1) + dt.timedelta(days=rng.randrange(3000))
    lines = [f"Bulletin {i}: {rng.choice(FILLER)[:-1]}"]
    for _ in range(rng.randint(2, 6)):
        if rng.random() < 0.55:
            (a, _ca), (b, cb) = rng.sample(STATES, 2)
            day = published - dt.timedelta(days=rng.randrange(1, 6))
            date = rng.choice([f"{day:%B} {day.day}", DAYS[day.weekday() % 5], f"{day.day} {day:%B %Y}"])
            lines.append(rng.choice(EVENT_TEMPLATES).format(a=a, b=b, B=cb, date=date, day=rng.choice(DAYS)))
        else:
            lines.append(rng.choice(FILLER))
    lines.append(f"Reference number {i}-{rng.randrange(10**6)}.")
    html = rng.random() < 0.15
    if html:
        body = "".join(f"<p>{line}</p>" for line in lines[1:])
        text = (
            f"<!doctype html><html><head><title>{lines[0]}</title></head><body><h1>{lines[0]}</h1>{body}</body></html>"
        )
    else:
        text = "\n\n".join(lines) + "\n"
    return text, published.isoformat(), html


def write_pages(folder: Path, n: int, seed: int = 7) -> Path:
    """Write ``n`` pages under ``folder`` and return the manifest's path."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    manifest = folder / "manifest.jsonl"
    with manifest.open("w", encoding="utf-8") as mf:
        for i in range(n):
            text, published, html = _page(rng, i)
            name = f"page-{i:05d}.{'html' if html else 'txt'}"
            (folder / name).write_text(text, encoding="utf-8")
            mf.write(json.dumps({"file": name, "published": published, "outlet": f"wire{i % 7}"}) + "\n")
    return manifest
