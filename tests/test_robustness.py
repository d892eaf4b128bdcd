"""Odd input never crashes the pipeline: it yields events or a clear UnreadablePage, nothing else."""

from __future__ import annotations

import datetime as dt
import random
import string

import pytest

from timeline.html import UnreadablePage
from timeline.models import Page
from timeline.pipeline import Pipeline

WORDS = [
    "Russia",
    "China",
    "vetoed",
    "visited",
    "expelled",
    "recalled",
    "phoned",
    "hosted",
    "on",
    "Monday",
    "June",
    "5-7",
    "last",
    "year",
    "the",
    "day",
    "before",
    "his",
    "its",
    "ambassador",
    "diplomats",
    "from",
    "to",
    "in",
    "Beijing",
    "Moscow",
    "persona",
    "non",
    "grata",
    "(",
    ")",
    ",",
    ".",
    ":",
    "From",
    "CNN:",
    "AFP",
    "reports:",
    "###",
    "Continue",
    "Reading",
    "Published",
    "on",
    "9",
    "hours",
    "ago",
    "\n",
    "\n\n",
    "—",
    "“",
    "”",
    "'",
    "2019",
    "2021-03-22",
    "February",
    "31",
    "from",
    "5th",
    "to",
    "7th",
    "WARSAW,",
    "March",
    "3",
    "(Reuters)",
    "-",
    "Latest",
    "Trending",
]
EXTRA = [*string.punctuation, "\u200b", "é", "𝔘", "\t", "\r\n"]


@pytest.mark.parametrize("seed", range(40))
def test_random_pages_never_crash(pipeline: Pipeline, seed: int) -> None:
    rng = random.Random(seed)
    text = " ".join(rng.choice(WORDS + EXTRA) for _ in range(rng.randint(1, 120)))
    html = rng.random() < 0.3
    page = Page(
        content=f"<html><body><p>{text}</p></body></html>" if html else text,
        content_type="html" if html else "text",
        published=rng.choice([None, dt.date(2021, 3, 22)]),
        url=rng.choice([None, "https://moderndiplomacy.eu/x", "https://www.globalresearch.ca/y", "not a url"]),
    )
    try:
        results = pipeline.process_one(page)
    except UnreadablePage:
        return
    for r in results:
        for e in r.events:
            # the evidence is the text's span, or, for an event only the headline tells, the headline
            in_text = r.article.text[e.evidence_start : e.evidence_end] == e.evidence
            assert in_text or (e.evidence_start == e.evidence_end == 0 and e.evidence in (r.article.title or ""))
            assert e.date_end is None or (e.date_start is not None and e.date_end >= e.date_start)
