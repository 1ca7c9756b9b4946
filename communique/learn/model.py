"""The trained event trigger model at run time: where it lives, how the pipeline gets it, and
how its predictions are read.

The model ships as package data (`communique/data/event_triggers/`, a spaCy pipeline holding one
span categoriser) and is added to the main pipeline as the component `communique_triggers`,
after the parser whose tags and dependencies it reads. `communique train` rebuilds it.
"""
from __future__ import annotations

import os

from spacy.language import Language
from spacy.tokens import Doc

from ..errors import ResourceError
from .annotations import TYPES

SPANS_KEY = "event_triggers"
COMPONENT = "communique_triggers"
MODES = ("phone", "visit", "multilateral", "third-party")
# one label a word: the type, or for a CONSULT its type and mode ("CONSULT|phone")
LABELS = TYPES + tuple(f"CONSULT|{m}" for m in MODES)
MODEL_DIR = os.path.join(os.path.dirname(os.path.dirname(__file__)), "data", "event_triggers")
# A word the model calls a trigger is used when its label's share of the softmax reaches the
# threshold of its type. For the types the trigger rules read well (meetings, support,
# agreements) the model only adds what it is sure of: at 0.8 it is as precise on the held-back
# tenth of the training data (0.80) as the rules are on official news. For the other types the
# model is often the only reader, and 0.5 (its best held-back F1) applies.
THRESHOLD = 0.5
RULE_TYPES_THRESHOLD = 0.8
RULE_TYPES = frozenset({"CONSULT", "SUPPORT", "AGREE"})


def model_dir() -> str:
    return os.environ.get("COMMUNIQUE_TRIGGER_MODEL") or MODEL_DIR


def add_trigger_model(nlp: Language, *, before: str | None = None) -> None:
    """Add the trained trigger model to a pipeline (its own tok2vec; needs tags and parse)."""
    import spacy
    path = model_dir()
    if not os.path.exists(os.path.join(path, "config.cfg")):
        raise ResourceError(f"the event trigger model is missing at {path}",
                            "run `communique train` to build it (see the README)")
    source = spacy.load(path)
    nlp.add_pipe("spancat", name=COMPONENT, source=source, before=before)


def predicted_triggers(doc: Doc, threshold: float | None = None) -> dict[int, tuple[str, float, str | None]]:
    """token index -> (type, score, mode) for every word the model calls a trigger."""
    group = doc.spans.get(SPANS_KEY) if doc.spans is not None else None
    if not group:
        return {}
    scores = group.attrs.get("scores")
    out: dict[int, tuple[str, float, str | None]] = {}
    for n, span in enumerate(group):
        score = float(scores[n].max()) if scores is not None else 1.0
        etype, _, mode = span.label_.partition("|")
        if score < (threshold if threshold is not None else threshold_of(etype)):
            continue
        out[span.start] = (etype, score, mode or None)
    return out


def threshold_of(etype: str) -> float:
    """The type's threshold; COMMUNIQUE_TRIGGER_THRESHOLD sets one for all (to try others)."""
    forced = os.environ.get("COMMUNIQUE_TRIGGER_THRESHOLD")
    if forced:
        return float(forced)
    return RULE_TYPES_THRESHOLD if etype in RULE_TYPES else THRESHOLD
