"""`communique train`: the event trigger model from the project's training data.

The model is a spaCy span categoriser over single tokens: for each word it gives the PLOVER
type of the event the word states (if any) and the mode of a CONSULT. It has its own small
tok2vec, whose features include the base model's part of speech, dependency label and lemma,
so it runs after the parser and changes nothing the other components assign.

Training is reproducible: a fixed seed, a fixed order of the data, and a held-back part chosen
by item (never a sentence of an item whose other sentences are trained on).
"""
from __future__ import annotations

import glob
import hashlib
import os
import random
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from ..errors import CommuniqueError
from .annotations import TYPES, Sentence, load_corpus_labels, load_written
from .model import LABELS, MODES, SPANS_KEY, predicted_triggers, set_type_scores

# Words that only carry an event noun ("held talks", "expressed support"): the noun is the trigger.
LIGHT_LEMMAS = {"have", "hold", "make", "take", "give", "pay", "express", "convey", "extend",
                "send", "offer", "conduct", "carry", "reach", "launch", "issue", "deliver",
                "voice", "do", "stage", "sign", "provide", "lodge", "impose", "announce"}
# The shipped model was trained with exactly these (`communique train` with no options).
DEFAULT_CONFIG = {
    "width": 64, "depth": 4, "rows": [5000, 5000, 1000, 500, 100, 100],
    "attrs": ["LOWER", "LEMMA", "SUFFIX", "SHAPE", "POS", "DEP"],
    "negative_weight": 1.0, "learn_rate": 0.002, "epochs": 10, "dropout": 0.2, "batch": 16,
    "seed": 1, "held_back": 0.1,
}


@dataclass
class TrainReport:
    per_type: dict[str, dict]
    overall: dict
    counts: dict
    seconds: float
    size_bytes: int

    def format(self) -> str:
        lines = [f"{'type':<14}{'P':>7}{'R':>7}{'F1':>7}{'gold':>7}"]
        for label, row in self.per_type.items():
            lines.append(f"{label:<14}{row['p']:>7.3f}{row['r']:>7.3f}{row['f']:>7.3f}{row['n']:>7}")
        o = self.overall
        lines.append(f"{'all types':<14}{o['p']:>7.3f}{o['r']:>7.3f}{o['f']:>7.3f}{o['n']:>7}")
        c = self.counts
        lines.append(f"trained on {c['train_sentences']} sentences ({c['train_events']} triggers), "
                     f"held back {c['held_sentences']} ({c['held_events']}); "
                     f"{self.seconds:.0f} s; model {self.size_bytes / 1e6:.1f} MB")
        return "\n".join(lines)


def load_training_data(training_dir: str, data_dir: str, gold_dir: str | None) -> list[Sentence]:
    sentences = []
    for corpus in sorted(glob.glob(os.path.join(training_dir, "corpus_labels*.jsonl"))):
        sentences += load_corpus_labels(corpus, data_dir, gold_dir)
    sentences += load_written(os.path.join(training_dir, "written"))
    return sentences


def _held_back(group: str, share: float) -> bool:
    digest = hashlib.sha1(group.encode("utf-8")).digest()
    return digest[0] / 256 < share


def key_token(doc, start: int, end: int):
    """The one word of a trigger phrase that the model learns: the head of the phrase, or the
    event noun a light verb carries ('held talks' -> talks, 'had a telephone conversation'
    -> conversation)."""
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None or len(span) == 0:
        return None
    root = span.root
    if root.lemma_.lower() in LIGHT_LEMMAS:
        inside = {t.i for t in span}
        carried = [c for c in root.children if c.i in inside
                   and c.dep_ in {"dobj", "attr", "nsubjpass", "oprd"} and c.pos_ in {"NOUN", "PROPN"}]
        if carried:
            return carried[0]
    return root


def _labelled_doc(nlp_base, sentence: Sentence):
    doc = nlp_base(sentence.text)
    spans = []
    taken: set[int] = set()
    for event in sentence.events:
        if event.trigger is None or event.type not in TYPES:
            continue
        tok = key_token(doc, *event.trigger)
        if tok is None or tok.i in taken:
            continue
        taken.add(tok.i)
        spans.append((tok.i, event.type, event.mode))
    return doc, spans


def _span_group(doc, spans):
    from spacy.tokens import Span
    out = []
    for i, etype, mode in spans:
        label = f"{etype}|{mode}" if etype == "CONSULT" and mode in MODES else etype
        out.append(Span(doc, i, i + 1, label=label))
    return out


def build_model_nlp(config: dict):
    import spacy
    nlp = spacy.blank("en")
    nlp.add_pipe("spancat_singlelabel", name="spancat", config={
        "spans_key": SPANS_KEY,
        "negative_weight": config["negative_weight"],
        "allow_overlap": False,
        "suggester": {"@misc": "spacy.ngram_suggester.v1", "sizes": [1]},
        "model": {
            "@architectures": "spacy.SpanCategorizer.v1",
            "reducer": {"@layers": "spacy.mean_max_reducer.v1", "hidden_size": 64},
            "scorer": {"@layers": "Softmax.v2"},
            "tok2vec": {
                "@architectures": "spacy.Tok2Vec.v2",
                "embed": {"@architectures": "spacy.MultiHashEmbed.v2", "width": config["width"],
                          "rows": config["rows"], "attrs": config["attrs"],
                          "include_static_vectors": False},
                "encode": {"@architectures": "spacy.MaxoutWindowEncoder.v2",
                           "width": config["width"], "window_size": 1, "maxout_pieces": 3,
                           "depth": config["depth"]},
            },
        },
    })
    return nlp


def _score(nlp, held: list, threshold: float = 0.5) -> tuple[dict, dict]:
    spancat = nlp.get_pipe("spancat")
    tp, fp, fn = Counter(), Counter(), Counter()
    docs = [doc for doc, _ in held]
    for doc in docs:
        doc.spans.pop(SPANS_KEY, None)
    set_type_scores(docs, spancat.predict(docs), spancat.labels)
    for doc, gold in held:
        predicted = predicted_triggers(doc, threshold)
        pred = {(i, t) for i, (t, _, _) in predicted.items()}
        want = {(i, t) for i, t, _ in gold}
        for _, t in pred & want:
            tp[t] += 1
        for _, t in pred - want:
            fp[t] += 1
        for _, t in want - pred:
            fn[t] += 1
    rows = {}
    for t in TYPES:
        rows[t] = _prf(tp[t], fp[t], fn[t])
    overall = _prf(sum(tp.values()), sum(fp.values()), sum(fn.values()))
    return rows, overall


def _prf(tp: int, fp: int, fn: int) -> dict:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"p": p, "r": r, "f": f, "n": tp + fn}


def train(training_dir: str, out_dir: str, *, data_dir: str, gold_dir: str | None,
          config: dict | None = None, on_epoch: Callable[[int, float, dict], None] | None = None
          ) -> TrainReport:
    """Train the trigger model and write it to out_dir; returns the held-back report."""
    from spacy.training import Example
    from spacy.util import fix_random_seed, minibatch

    from ..nlp.pipeline import load_base

    cfg = dict(DEFAULT_CONFIG, **(config or {}))
    started = time.time()
    fix_random_seed(cfg["seed"])
    sentences = load_training_data(training_dir, data_dir, gold_dir)
    if not any(s.events for s in sentences):
        raise CommuniqueError(f"no labelled sentences under {training_dir}",
                              "pass --data with the folder that holds corpus_labels.jsonl "
                              "and written/*.jsonl")
    base = load_base()
    with base.select_pipes(disable=[p for p in ("ner",) if p in base.pipe_names]):
        labelled = [_labelled_doc(base, s) for s in sentences]
    train_part, held = [], []
    for s, item in zip(sentences, labelled):
        (held if _held_back(s.group, cfg["held_back"]) else train_part).append(item)
    nlp = build_model_nlp(cfg)
    spancat = nlp.get_pipe("spancat")
    for label in LABELS:
        spancat.add_label(label)

    def examples(items):
        out = []
        for doc, spans in items:
            ref = doc.copy()
            ref.spans[SPANS_KEY] = _span_group(ref, spans)
            pred = doc.copy()
            out.append(Example(pred, ref))
        return out

    train_examples = examples(train_part)
    optimizer = nlp.initialize(lambda: train_examples)
    optimizer.learn_rate = cfg["learn_rate"]
    rng = random.Random(cfg["seed"])
    for epoch in range(cfg["epochs"]):
        rng.shuffle(train_examples)
        losses: dict = {}
        for batch in minibatch(train_examples, size=cfg["batch"]):
            nlp.update(batch, drop=cfg["dropout"], losses=losses, sgd=optimizer)
        if on_epoch:
            _, overall = _score(nlp, [(d.copy(), g) for d, g in held])
            on_epoch(epoch, losses.get("spancat", 0.0), overall)
    os.makedirs(out_dir, exist_ok=True)
    nlp.to_disk(out_dir)
    per_type, overall = _score(nlp, held)
    size = sum(os.path.getsize(os.path.join(r, f)) for r, _, fs in os.walk(out_dir) for f in fs)
    counts = {
        "train_sentences": len(train_part), "held_sentences": len(held),
        "train_events": sum(len(g) for _, g in train_part),
        "held_events": sum(len(g) for _, g in held),
    }
    return TrainReport(per_type, overall, counts, time.time() - started, size)
