"""HTML pages to plain text with trafilatura (main text, title, date, site name)."""

from __future__ import annotations

import datetime as dt

import msgspec

from timeline.models import Page


class UnreadablePage(ValueError):
    """The page holds no article text the core can read."""


def looks_like_html(content: str) -> bool:
    """A cheap test for pages sent without a content type."""
    head = content.lstrip()[:500].lower()
    return head.startswith("<!doctype html") or head.startswith("<html") or ("<body" in head and "</" in content)


def to_text_page(page: Page) -> Page:
    """``page`` with HTML reduced to its main text; metadata the caller gave wins over the page's own."""
    if page.content_type != "html":
        return page
    import trafilatura  # imported on first use: commands that read no HTML (export) start faster

    doc = trafilatura.bare_extraction(page.content, url=page.url, with_metadata=True, include_comments=False)
    if doc is None:
        raise UnreadablePage("no article text found in the HTML")
    data = doc if isinstance(doc, dict) else doc.as_dict()
    text = (data.get("text") or "").strip()
    if not text:
        raise UnreadablePage("no article text found in the HTML")
    title = (data.get("title") or "").strip()
    if title and not text.startswith(title):
        text = f"{title}\n\n{text}"
    published = page.published
    if published is None and data.get("date"):
        try:
            published = dt.date.fromisoformat(str(data["date"])[:10])
        except ValueError:
            published = None
    return msgspec.structs.replace(
        page,
        content=text,
        content_type="text",
        url=page.url or data.get("url") or None,
        outlet=page.outlet or data.get("sitename") or None,
        published=published,
    )
