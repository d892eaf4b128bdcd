"""First-party outlet plugins, on pages written in each outlet's layout."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import timeline_plugins.chinadigitaltimes as cdt
import timeline_plugins.generic as generic
import timeline_plugins.globalresearch as gr
import timeline_plugins.moderndiplomacy as md
import timeline_plugins.russiainsider as ri

from timeline.cleaning import clean_text, url_domain
from timeline.models import Page
from timeline.pipeline import Pipeline
from timeline.testing import check_page

PAGES = Path(__file__).parent / "pages"


def page(name: str) -> str:
    return (PAGES / name).read_text(encoding="utf-8")


def test_cdt_attributes_quoted_passages() -> None:
    check = check_page(
        cdt,
        "chinadigitaltimes",
        page("cdt_digest.txt"),
        published="2023-05-09",
        articles=1,
        events=[("visit", {"JPN"}, {"KOR"}, "2023-05-07"), ("phone_call", {"CHN", "KOR"}, set(), "2023-05-08")],
    )
    by_type = {e.type: e for e in check.events}
    assert by_type["visit"].source == "Reuters"
    assert by_type["visit"].date_end == dt.date(2023, 5, 8)
    assert by_type["visit"].outlet == "China Digital Times"
    art = check.results[0].article
    assert "non-profit" not in art.text and "via CDT" not in art.text


def test_global_research_dateline_source_and_footer() -> None:
    check = check_page(
        gr,
        "globalresearch",
        page("globalresearch_repost.txt"),
        published="2021-04-25",
        articles=1,
        events=[("expulsion", {"RUS"}, {"CZE"}, "2021-04-18"), ("expulsion", {"CZE"}, {"RUS"}, "2021-04-17")],
    )
    art = check.results[0].article
    assert art.published == dt.date(2021, 4, 23) and art.date_basis == "article"
    assert art.source == "Harbour Wire" and art.byline == "Global Research"
    assert art.title == "Moscow Answers Expulsions in Kind"
    assert "Disclaimer" not in art.text and "subscribe" not in art.text and "Region" not in art.text


def test_russia_insider_banners_and_footer() -> None:
    check = check_page(
        ri,
        "russiainsider",
        page("russiainsider_post.txt"),
        published="2019-06-03",
        articles=1,
        events=[("visit", {"BLR"}, {"RUS"}, "2019-05-31")],
    )
    text = check.results[0].article.text
    assert "Support Russia Insider" not in text and "figcaption" not in text and "commenting" not in text


def test_modern_diplomacy_splits_articles_and_dates_them_from_the_sidebar() -> None:
    check = check_page(
        md,
        "moderndiplomacy",
        page("moderndiplomacy_page.txt"),
        published="2022-10-14",
        articles=2,
        # "a similar step by Denmark in the spring" is Denmark's own expulsion (the real-world labels count
        # "similar decisions by" states), undated: a season is no date
        events=[
            ("expulsion", {"NOR"}, {"RUS"}, "2022-10-11"),
            ("expulsion", {"DNK"}, {"RUS"}, None),
            ("visit", {"IDN"}, {"VNM"}, "2022-10-12"),
        ],
    )
    first, second = (r.article for r in check.results)
    assert (first.title, second.title) == ("Nordic Capitals Push Back", "Hanoi Hosts a Busy Week")
    # "6 hours ago" and "30 hours ago" against a capture on 2022-10-14 (taken as midday)
    assert (first.published, first.date_basis) == (dt.date(2022, 10, 14), "relative")
    assert second.published == dt.date(2022, 10, 13)
    assert all("Latest" not in a.text and "Continue Reading" not in a.text for a in (first, second))


@pytest.mark.parametrize(
    ("url", "text", "expected"),
    [
        ("https://chinadigitaltimes.net/2012/06/x/", "anything", "chinadigitaltimes"),
        ("https://www.globalresearch.ca/a/123", "anything", "globalresearch"),
        ("https://russia-insider.com/en/x", "anything", "russiainsider"),
        ("https://moderndiplomacy.eu/2021/05/x/", "anything", "moderndiplomacy"),
        (None, "Body text.\n\nSupport Russia Insider - Go Ad-Free!", "russiainsider"),
        ("https://news.example.org/x", "Russia vetoed a resolution.", "generic"),
    ],
)
def test_recognition_by_domain_then_text(pipeline: Pipeline, url: str | None, text: str, expected: str) -> None:
    name, _ = pipeline.articles(Page(content=text, url=url, published=dt.date(2021, 1, 1)))
    assert name == expected


def test_page_date_is_the_fallback_not_overridden(pipeline: Pipeline) -> None:
    name, (art,) = pipeline.articles(
        Page(
            content="Title\n\nPutin visited Ankara.",
            url="https://chinadigitaltimes.net/x",
            published=dt.date(2020, 2, 2),
        )
    )
    assert name == "chinadigitaltimes" and art.published == dt.date(2020, 2, 2)


def test_url_domain() -> None:
    assert url_domain("https://www.Example.org:8080/a?b") == "example.org"
    assert url_domain(None) is None


@pytest.mark.parametrize(
    ("text", "page_date", "published", "source"),
    [
        (
            "Envoy recalled\n\nWARSAW, March 3 (Reuters) - Poland recalled its ambassador from Israel on Monday.",
            "2023-03-05",
            "2023-03-03",
            "Reuters",
        ),
        ("ANKARA (AP) — Turkey expelled two Swedish diplomats on Tuesday.", "2023-02-02", "2023-02-02", "AP"),
        ("Kyiv, Jan. 9, 2024 (Ukrinform) - Ukraine recalled its envoy from Hungary.", None, "2024-01-09", "Ukrinform"),
        ("Plain story\n\nLatvia expelled a Russian diplomat on Friday.", "2023-02-02", "2023-02-02", None),
    ],
)
def test_generic_wire_datelines(pipeline: Pipeline, text: str, page_date: str | None, published: str,
                                source: str | None) -> None:  # fmt: skip
    pub = dt.date.fromisoformat(page_date) if page_date else None
    name, (art,) = pipeline.articles(Page(content=text, url="https://news.example/x", published=pub))
    assert name == "generic"
    assert (str(art.published), art.source) == (published, source)
    events = pipeline.extractor.extract([art])[0]
    assert events and all(e.source == source for e in events)


def test_generic_drops_a_capture_stamp_and_a_city_dateline() -> None:
    """A stored page's "date YYYY-MM-DD" stamp is no part of the lead, nor is "Lima:" its subject."""
    check = check_page(
        generic,
        "generic",
        " date 2024-03-15 Lima: The Peruvian foreign minister and his Chilean counterpart spoke on Thursday, "
        "with the two ministers discussing a range of issues.\nThey agreed to meet again.\n",
        published=None,
        articles=1,
        events=[("phone_call", {"PER", "CHL"}, set(), "2024-03-14")],
    )
    assert check.results[0].article.published == dt.date(2024, 3, 15)
    assert not check.results[0].article.text.startswith("date")


def test_generic_breaks_paragraph_tags_left_in_the_text() -> None:
    """ "...in Oslo.</p><p>Finland's ..." is two paragraphs: a glued sentence would lose the second event."""
    check_page(
        generic,
        "generic",
        "<p>Norway expelled two Iranian diplomats on Monday, its ministry said in Oslo.</p><p>Finland's "
        "Sanna Marin expelled three Iranian diplomats on Tuesday.</p>\n",
        published="2022-05-20",
        articles=1,
        events=[
            ("expulsion", {"NOR"}, {"IRN"}, "2022-05-16"),
            ("expulsion", {"FIN"}, {"IRN"}, "2022-05-17"),
        ],
    )


def test_clean_text_keeps_inline_tags_and_links() -> None:
    """Only block tags become breaks: an inline tag or a bracketed link is left to other rules."""
    assert clean_text("A <b>bold</b> word.</p><p>Next <https://example.org>") == (
        "A <b>bold</b> word.\n\nNext <https://example.org>\n"
    )


def test_lists_of_other_stories_are_dropped() -> None:
    page = (
        "The Zambian president arrived in Lusaka's twin city on Monday.\n"
        "Related Stories\n"
        "- Interview: Kenyan minister's trip to Oman to boost trade, says expert\n"
        "- Peru recalls envoy over border row\n"
        "Most popular\n"
        "1. Chile expels two Bolivian diplomats\n"
        "\n"
        "The two sides signed four agreements on energy and transport.\n"
    )
    cleaned = clean_text(page)
    assert "Oman" not in cleaned and "recalls envoy" not in cleaned and "expels" not in cleaned
    assert "arrived in Lusaka" in cleaned and "signed four agreements" in cleaned
    # a header alone, followed by prose, drops nothing but itself
    assert clean_text("See also\nThe ministers met in Lima on Friday.\n") == "The ministers met in Lima on Friday.\n"


def test_a_national_agency_abroad_speaks_of_its_own_leaders(pipeline: Pipeline) -> None:
    """ "PARIS (APP) - The prime minister arrived here": Pakistan's agency follows Pakistan's prime minister;
    a Reuters dateline from Paris means France's."""

    def visits(text: str) -> set[tuple[tuple[str, ...], tuple[str, ...]]]:
        results = pipeline.process_one(Page(content=text, published=dt.date(2024, 5, 7)))
        return {(e.agents, e.targets) for r in results for e in r.events if e.type == "visit"}

    national = "PARIS, May 6 (APP) - The prime minister arrived here on Monday on a three-day official visit to France."
    wire = "PARIS, May 6 (Reuters) - The prime minister flew to Berlin on Monday for talks with the German chancellor."
    assert visits(national) == {(("PAK",), ("FRA",))}
    assert visits(wire) == {(("FRA",), ("DEU",))}


def test_lines_a_mailer_wrapped_are_rejoined() -> None:
    """A forwarded e-mail wraps its lines at a fixed width and marks each soft break with a trailing space:
    the sentences come back whole, through the generic extractor, while short lines keep their breaks."""
    text = (
        "From: a reader \n"
        "Subject: fwd news\n\n"
        "The Foreign Ministry of Ecuador said on Monday that it had declared the \n"
        "ambassador of Mexico persona non grata and ordered him to leave the country \n"
        "within 72 hours over remarks about the election campaign in Quito, officials \n"
        "added later in the day.\n"
    )
    cleaned = clean_text(text)
    assert "declared the ambassador of Mexico persona non grata and ordered him to leave the country within" in cleaned
    assert cleaned.startswith("From: a reader \nSubject: fwd news")
    assert clean_text("One stray space \nat a line's end.\n") == "One stray space \nat a line's end.\n"
    (result,) = Pipeline().process_one(Page(content=text, published=dt.date(2024, 4, 3)))
    assert [(e.type, e.agents, e.targets, e.date_start) for e in result.events] == [
        ("expulsion", ("ECU",), ("MEX",), dt.date(2024, 4, 1))
    ]


def test_a_headline_names_the_home_of_an_unnamed_government() -> None:
    """With no outlet or dateline to tell it, the state a headline opens with is the one whose
    "Federal Government" the story speaks of."""
    text = (
        "Canada expels Nicaraguan envoy\n\n"
        "The Federal Government has expelled Nicaragua's top diplomat over the arrest of two priests, "
        "the foreign minister told reporters on Tuesday.\n"
    )
    (result,) = Pipeline().process_one(Page(content=text, published=dt.date(2024, 6, 5)))
    assert [(e.type, e.agents, e.targets, e.date_start) for e in result.events] == [
        ("expulsion", ("CAN",), ("NIC",), dt.date(2024, 6, 4))
    ]
    headline_free = text.split("\n\n", 1)[1]
    (result,) = Pipeline().process_one(Page(content=headline_free, published=dt.date(2024, 6, 5)))
    assert list(result.events) == []


def test_runs_of_spaces_inside_a_line_are_one_space() -> None:
    """A double space splits spaCy's parse of a sentence (a whitespace token between a list and its
    head); cleaning leaves one, and keeps indentation and line ends as they were."""
    assert clean_text("  The decision by three  Gulf states  to recall envoys.\n") == (
        "The decision by three Gulf states to recall envoys.\n"
    )
    # a hyphenated name broken by a space is one word again; a suspended hyphen ("pro- and anti-") is kept
    assert clean_text("President Nana Akufo- Addo met pro- and anti-government groups.\n") == (
        "President Nana Akufo-Addo met pro- and anti-government groups.\n"
    )
    text = (
        "Qatar regretted the decision by three  GCC countries, Saudi Arabia, the UAE and Bahrain, to withdraw "
        "their ambassadors from Doha.\n"
    )
    (result,) = Pipeline().process_one(Page(content=text, published=dt.date(2014, 3, 6)))
    assert sorted(e.agents for e in result.events) == [("ARE",), ("BHR",), ("SAU",)]


def test_a_paragraph_cut_at_a_wrapped_line_is_joined_again() -> None:
    """A page that turned a mailer's soft breaks into paragraphs ("... a UN \\n\\nSecurity Council ...") is
    one sentence again when the first paragraph ends in a space at a wrapped line's width; a heading that
    ends without one keeps its paragraph."""
    text = (
        "Headline without a stop\n\n"
        "Denis Dzidic, a reporter in Sarajevo: Russia voted down a UN \n\n"
        "Security Council resolution on the anniversary on Wednesday.\n"
    )
    cleaned = clean_text(text)
    assert "voted down a UN Security Council resolution" in cleaned
    assert cleaned.startswith("Headline without a stop\n\n")


def test_a_headline_the_body_never_tells_is_the_days_news() -> None:
    """The generic extractor keeps a leading headline apart from the text; an event only the headline
    tells is still the article's (dated by the paper, evidence the headline's words), one the body tells
    is not doubled, and a headline visit (often a trade mission's) is left to the body."""
    only_head = (
        "Russia, China veto UN Security Council resolution on Syria\n\n"
        "The council voted on the Western-backed draft after days of debate. Thirteen members backed the text.\n"
    )
    (result,) = Pipeline().process_one(Page(content=only_head, published=dt.date(2012, 2, 4)))
    assert [(e.type, e.agents, e.date_start, e.date_basis, e.evidence) for e in result.events] == [
        ("veto", ("RUS", "CHN"), dt.date(2012, 2, 4), "publication",
         "Russia, China veto UN Security Council resolution on Syria")
    ]  # fmt: skip
    told = "Chile recalls envoy to Israel\n\nChile recalled its ambassador to Israel on Tuesday, the ministry said.\n"
    (result,) = Pipeline().process_one(Page(content=told, published=dt.date(2023, 11, 1)))
    assert [(e.type, e.agents, e.targets, e.date_start) for e in result.events] == [
        ("recall", ("CHL",), ("ISR",), dt.date(2023, 10, 31))
    ]
    visit = "Italian delegation visits Ethiopian chamber\n\nThe chamber hosted the guests for a day of talks.\n"
    (result,) = Pipeline().process_one(Page(content=visit, published=dt.date(2014, 1, 22)))
    assert list(result.events) == []
