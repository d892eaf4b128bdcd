"""Page furniture every outlet has: share and subscribe lines, "Continue Reading", cookie banners.

Outlet plugins call ``clean_text`` and add their own rules; the generic plugin uses it alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

BOILERPLATE = [
    r"continue reading", r"read more( on .*)?", r"share( this( article| post| story)?)?( on \w+)?", r"tweet",
    r"advertisement", r"subscribe( now| to .*)?", r"sign up( for .*)?", r"comments?", r"leave a (reply|comment)",
    r"related( articles| posts| stories)?", r"trending", r"latest", r"publications", r"connect with us",
    r"published", r"on", r"open popup", r"welcome back!?", r"print( this)?", r"email( this)?", r"source",
    r"click here.*", r"follow us.*", r"all rights reserved.*", r"copyright .*", r"photo( credit)?:.*",
    r"image( credit)?:.*", r"(this|the) (post|article) first appeared on .*", r"support .* - go ad-free!?",
]  # fmt: skip
_BOILER_RE = re.compile(rf"^\W*(?:{'|'.join(BOILERPLATE)})\W*$", re.IGNORECASE)
_END = re.compile(r"[.!?:;\"”’)\]]\s*$")


def is_boilerplate(line: str, extra: Iterable[re.Pattern[str]] = ()) -> bool:
    """Whether a whole line is page furniture rather than article text."""
    s = line.strip()
    if not s:
        return False
    return bool(_BOILER_RE.match(s)) or any(r.search(s) for r in extra)


# a line broken by a mailer or an archive at a fixed width, the break marked by a trailing space
# ("format=flowed"): "... the Security Council today failed to \nadopt a resolution ..."
_FLOWED_RE = re.compile(r"(?<=\S) \n(?=[^\s])")
SOFT_WRAP_MIN = 50
_INNER_SPACES_RE = re.compile(r"(?<=\S)[ \t]{2,}(?=\S)")
_BROKEN_HYPHEN_RE = re.compile(r"\b([A-Z][a-z]+)- ([A-Z][a-z]+)\b")


def unflow(text: str) -> str:
    """Rejoin lines a mailer wrapped at a fixed width, when the text marks its soft breaks with a trailing
    space (two or more of them: one stray space at a line's end is no sign of wrapping)."""
    if len(_FLOWED_RE.findall(text)) < 2:
        return text
    lines = text.split("\n")
    out = [lines[0]]
    for line in lines[1:]:
        prev = out[-1]
        # a wrapped line runs near the width; a short one ending in a space is a caption or a title
        if prev.endswith(" ") and len(prev) >= SOFT_WRAP_MIN and prev.strip() and line[:1].strip():
            out[-1] = prev + line
        else:
            out.append(line)
    return "\n".join(out)


def join_broken_paragraphs(text: str) -> str:
    """Rejoin a paragraph split mid-sentence ("... This\\n\\nwill benefit ...")."""
    paras = re.split(r"\n\s*\n", text)
    out: list[str] = []
    for p in paras:
        # (a paragraph ending in a space at a wrapped line's width is cut mid-sentence whatever follows:
        # "... Russia voted down a UN \n\nSecurity Council resolution ...")
        soft = bool(out) and out[-1].endswith(" ") and len(out[-1].rsplit("\n", 1)[-1]) >= SOFT_WRAP_MIN
        if out and out[-1].strip() and not _END.search(out[-1]) and (p[:1].islower() or (soft and p[:1].isalnum())):
            out[-1] = out[-1].rstrip() + " " + p.lstrip()
        else:
            out.append(p)
    return "\n\n".join(out)


# Block tags an extractor left in the text ("...Kingdom.</p><p>British Prime Minister ..."): paragraph breaks,
# so that the sentences on either side are not glued into one
_BLOCK_TAG_RE = re.compile(r"[ \t]*</?(?:p|br|div|li|h[1-6])(?:\s[^<>\n]*)?/?>[ \t]*", re.IGNORECASE)


# Headers of lists of other stories ("Related Stories", "Also read", "Most popular"): the headlines
# listed under them are other articles, whose events are not this page's
_OTHER_STORIES_RE = re.compile(
    r"^\W*(?:related(?: articles| posts| stories| news| content| coverage)?|also read|read also|see also|"
    r"more (?:stories|news|headlines|from [\w ]+)|recommended(?: for you| stories)?|you (?:may|might) also like|"
    r"most (?:read|popular|viewed|shared)|popular(?: stories| now)?|top stories|latest (?:news|stories|headlines)|"
    r"trending(?: now| stories)?|more on this(?: topic| story)?|further reading|editor'?s picks?)\W*$",
    re.IGNORECASE,
)
_LISTED_RE = re.compile(r"^\s*(?:[-•·*–▪►]\s+|\d+[.)]\s+)")


def _headline_like(line: str) -> bool:
    s = line.strip()
    return bool(s) and (bool(_LISTED_RE.match(s)) or (not _END.search(s) and len(s.split()) <= 25))


def drop_other_stories(lines: list[str]) -> list[str]:
    """``lines`` without the headlines listed under a "Related Stories" header (the header goes too)."""
    out: list[str] = []
    listing = False
    for line in lines:
        if _OTHER_STORIES_RE.match(line.strip()):
            listing = True
            continue
        if listing and (_headline_like(line) or not line.strip()):
            continue
        listing = False
        out.append(line)
    return out


def clean_text(text: str, extra: Iterable[re.Pattern[str]] = ()) -> str:
    """``text`` without furniture lines, lists of other stories and leftover block tags, with broken
    paragraphs rejoined."""
    extra = list(extra)
    text = unflow(_BLOCK_TAG_RE.sub("\n\n", text).replace("\r\n", "\n"))
    # runs of spaces inside a line (a justified column, a pasted table) split a sentence's parse in two
    text = _INNER_SPACES_RE.sub(" ", text)
    # "Nana Akufo- Addo": a hyphenated name broken by a space splits the sentence's parse in two
    text = _BROKEN_HYPHEN_RE.sub(r"\1-\2", text)
    lines = drop_other_stories(text.split("\n"))
    lines = [line for line in lines if not is_boilerplate(line, extra)]
    return join_broken_paragraphs("\n".join(lines)).strip() + "\n"


def first_title(text: str) -> tuple[str | None, str]:
    """A leading headline (a short line without final punctuation) and the text after it.

    The headline is kept apart: it restates the lead and would only add a vaguer copy of its events.
    A line ending in a sentence stop, even inside a closing quote ('... of democracy."'), is the lead.
    """
    stripped = text.lstrip("\n")
    line, _, rest = stripped.partition("\n")
    candidate = line.strip().lstrip("#").strip()
    if candidate and len(candidate) < 200 and not re.search(r"[.!?][\"'”’)\]]*\s*$", candidate) and rest.strip():
        return candidate, rest
    return None, text


def url_domain(url: str | None) -> str | None:
    """The host of ``url`` without ``www.``, lower case; None when there is no URL."""
    if not url:
        return None
    from urllib.parse import urlsplit

    host = urlsplit(url if "//" in url else f"//{url}").hostname or ""
    return host.lower().removeprefix("www.") or None


def recognise_by(page_url: str | None, text: str, domains: Iterable[str], markers: Iterable[str]) -> float | None:
    """A recognition score: 0.95 for the outlet's domain, 0.5 + 0.15 per marker phrase found in the text."""
    host = url_domain(page_url)
    if host and any(host == d or host.endswith("." + d) for d in domains):
        return 0.95
    found = sum(1 for m in markers if m in text)
    return min(0.9, 0.5 + 0.15 * found) if found else None


def strip_markdown_links(text: str) -> str:
    """``[Global Times](#)`` -> ``Global Times``; pages saved as Markdown keep their link syntax."""
    text = re.sub(r"\[([^\]]*)\]\((?:[^)]*)\)", r"\1", text)
    return re.sub(r"<(https?://[^>]+)>", r"\1", text)
