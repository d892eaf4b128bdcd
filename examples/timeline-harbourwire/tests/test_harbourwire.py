"""The example plugin's own tests, written with timeline's testing helper."""

from __future__ import annotations

from pathlib import Path

import timeline_harbourwire

from timeline.testing import check_page

SAMPLE = (Path(__file__).parent.parent / "sample.txt").read_text(encoding="utf-8")


def test_sample_page() -> None:
    check = check_page(
        timeline_harbourwire,
        "harbourwire",
        SAMPLE,
        published="2024-03-05",
        articles=2,
        events=[
            ("visit", {"AUS"}, {"NZL"}, "2024-03-01"),
            # found only through the plugin's own "met ... in person in" pattern
            ("visit", {"KEN"}, {"ETH"}, "2024-03-03"),
        ],
    )
    first, second = (r.article for r in check.results)
    assert first.title == "Canberra and Wellington sign fisheries pact"
    assert str(first.published) == "2024-03-03" and str(second.published) == "2024-03-04"
    assert "Redistribution" not in second.text


def test_a_single_dispatch_without_headline_is_one_article() -> None:
    check = check_page(
        timeline_harbourwire,
        "harbourwire",
        "HARBOUR WIRE | World desk\n\nSerbia recalled its ambassador from Montenegro on Monday.",
        published="2024-03-06",
        articles=1,
        events=[("recall", {"SRB"}, {"MNE"}, "2024-03-04")],
    )
    assert check.results[0].article.outlet == "Harbour Wire"


def test_other_pages_are_not_claimed() -> None:
    assert timeline_harbourwire.timeline_recognise(page=_page("Ordinary news text.")) is None


def _page(text: str):  # type: ignore[no-untyped-def]
    from timeline.models import Page

    return Page(content=text)
