"""Sentences of an article with their offsets, split cheaply (no parser)."""

from __future__ import annotations

from dataclasses import dataclass

from spacy.language import Language


@dataclass(frozen=True, slots=True)
class Sentence:
    start: int
    end: int
    text: str


def split_sentences(nlp_split: Language, text: str) -> list[Sentence]:
    """Sentences of ``text`` with their offsets; a line break always ends a sentence."""
    out: list[Sentence] = []
    pos = 0
    for line in text.split("\n"):
        if line.strip():
            doc = nlp_split(line)
            for s in doc.sents:
                text = s.text.strip()
                if text:
                    # offsets of the stripped text, so that article[start:end] is the evidence exactly
                    start = pos + s.start_char + (len(s.text) - len(s.text.lstrip()))
                    out.append(Sentence(start, start + len(text), text))
        pos += len(line) + 1
    return out


def previous(sents: list[Sentence], sent: Sentence) -> Sentence | None:
    i = sents.index(sent)
    return sents[i - 1] if i > 0 else None


def following(sents: list[Sentence], sent: Sentence) -> Sentence | None:
    i = sents.index(sent)
    return sents[i + 1] if i + 1 < len(sents) else None
