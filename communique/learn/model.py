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
# A word the model calls a trigger is used when its type's summed probability reaches the
# threshold of its type. For the types the trigger rules read well (meetings, support,
# agreements) the model only adds what it is sure of. The pair was chosen by running the whole
# reader on the held-back tenth of the training data (`communique evaluate-heldback`), never on
# the yardsticks: F1 on its corpus sentences 0.654 at 0.8/0.5, 0.654 at 0.6/0.5, 0.646 at
# 0.6/0.3, 0.656 at 0.9/0.7; on all held-back sentences 0.579, 0.580, 0.582, 0.569. Flat, so
# the pair with the rules' precision (0.83 on the corpus sentences) stays.
THRESHOLD = 0.5
RULE_TYPES_THRESHOLD = 0.8
RULE_TYPES = frozenset({"CONSULT", "SUPPORT", "AGREE"})


def model_dir() -> str:
    return os.environ.get("COMMUNIQUE_TRIGGER_MODEL") or MODEL_DIR


def add_trigger_model(nlp: Language, *, before: str | None = None) -> None:
    """Add the trained trigger model to a pipeline (its own tok2vec; needs tags and parse)."""
    path = model_dir()
    if not os.path.exists(os.path.join(path, "config.cfg")):
        raise ResourceError(f"the event trigger model is missing at {path}",
                            "run `communique train` to build it (see the README)")
    nlp.add_pipe(FACTORY, name=COMPONENT, before=before, config={"path": path})


class TriggerModel:
    """The span categoriser, read per type: a word's score for a type is the sum of the
    probabilities of that type's labels (a CONSULT's is spread over its modes), so a word the
    model is sure states a meeting, unsure only of how it was held, keeps its meeting."""

    def __init__(self, path: str):
        import spacy
        self.spancat = spacy.load(path).get_pipe("spancat")

    def __call__(self, doc: Doc) -> Doc:
        self.set_annotations([doc], self.spancat.predict([doc]))
        return doc

    def pipe(self, docs, batch_size: int = 64):
        from spacy.util import minibatch
        for batch in minibatch(docs, size=batch_size):
            self.set_annotations(batch, self.spancat.predict(batch))
            yield from batch

    def set_annotations(self, docs: list[Doc], indices_scores) -> None:
        set_type_scores(docs, indices_scores, self.spancat.labels)


@Language.factory("communique_trigger_model", requires=["token.tag", "token.dep", "token.lemma"],
                  assigns=["doc.spans"])
def make_trigger_model(nlp: Language, name: str, path: str) -> TriggerModel:
    return TriggerModel(path)


FACTORY = "communique_trigger_model"
FLOOR = 0.25            # words below this for every type are not kept at all


def set_type_scores(docs: list[Doc], indices_scores, labels: tuple[str, ...]) -> None:
    """doc.spans[SPANS_KEY]: one span a word whose best type reaches FLOOR, labelled with the
    type; attrs "scores" (the type's summed probability) and "modes" (a CONSULT's likeliest
    mode, else None)."""
    import numpy
    from spacy.tokens import Span, SpanGroup
    indices, scores = indices_scores
    types = sorted({label.partition("|")[0] for label in labels}, key=TYPES.index)
    column_type = numpy.array([types.index(label.partition("|")[0]) for label in labels])
    mode_columns = [(j, label.partition("|")[2] or None) for j, label in enumerate(labels)
                    if label.startswith("CONSULT")]
    offset = 0
    for i, doc in enumerate(docs):
        n = int(indices.lengths[i])
        if scores.size == 0 or n == 0:
            doc.spans[SPANS_KEY] = SpanGroup(doc, name=SPANS_KEY)
            continue
        found = numpy.asarray(indices[i].dataXd)
        probs = numpy.asarray(scores[offset:offset + n])[:, :len(labels)]
        offset += n
        by_type = numpy.zeros((n, len(types)), dtype="float32")
        numpy.add.at(by_type.T, column_type, probs.T)
        best = by_type.argmax(axis=1)
        best_score = by_type[numpy.arange(n), best]
        spans, kept, modes = [], [], []
        for row in numpy.flatnonzero(best_score >= FLOOR):
            etype = types[best[row]]
            spans.append(Span(doc, int(found[row][0]), int(found[row][1]), label=etype))
            kept.append(float(best_score[row]))
            mode = None
            if etype == "CONSULT":
                _, mode = max(mode_columns, key=lambda jm: probs[row, jm[0]])
            modes.append(mode)
        doc.spans[SPANS_KEY] = SpanGroup(doc, name=SPANS_KEY, spans=spans,
                                         attrs={"scores": kept, "modes": modes})


def predicted_triggers(doc: Doc, threshold: float | None = None) -> dict[int, tuple[str, float, str | None]]:
    """token index -> (type, score, mode) for every word the model calls a trigger."""
    group = doc.spans.get(SPANS_KEY) if doc.spans is not None else None
    if not group:
        return {}
    scores = group.attrs.get("scores") or []
    modes = group.attrs.get("modes") or []
    pair = (doc._.context or {}).get("trigger_thresholds") if Doc.has_extension("context") else None
    out: dict[int, tuple[str, float, str | None]] = {}
    for n, span in enumerate(group):
        score = scores[n] if n < len(scores) else 1.0
        etype = span.label_
        if threshold is not None:
            bar = threshold
        elif pair:          # the Extractor's own pair (communique evaluate-heldback)
            bar = pair[0] if etype in RULE_TYPES else pair[1]
        else:
            bar = threshold_of(etype)
        if score < bar:
            continue
        out[span.start] = (etype, score, modes[n] if n < len(modes) else None)
    return out


def threshold_of(etype: str) -> float:
    """The type's threshold; COMMUNIQUE_TRIGGER_THRESHOLD sets one for all (to try others)."""
    forced = os.environ.get("COMMUNIQUE_TRIGGER_THRESHOLD")
    if forced:
        return float(forced)
    return RULE_TYPES_THRESHOLD if etype in RULE_TYPES else THRESHOLD
