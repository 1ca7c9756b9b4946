"""The whole reader (rules and trigger model) on the held-back part of the training data.

`communique train` scores the model alone on the tenth of the items it holds back. This runs
every held-back sentence through the full pipeline, at one or more pairs of trigger thresholds
(CONSULT/SUPPORT/AGREE, other types), and compares the event types found in each sentence with
its labels: the measure the thresholds are chosen by, so that no yardstick is tuned on. A
sentence is read alone, without the rest of its item, so sides that only the item names are
missing here; the figures compare settings, they are not the reader's accuracy.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from ..errors import CommuniqueError


@dataclass
class HeldBackRow:
    rule_threshold: float
    other_threshold: float
    by_origin: dict[str, dict]        # corpus | written | all -> {p, r, f, tp, fp, fn}

    def format(self) -> str:
        parts = [f"{o}: P {v['p']:.3f} R {v['r']:.3f} F1 {v['f']:.3f}"
                 for o, v in self.by_origin.items()]
        return f"{self.rule_threshold:.2f}/{self.other_threshold:.2f}  " + " | ".join(parts)


def _prf(tp: int, fp: int, fn: int) -> dict:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return {"p": p, "r": r, "f": 2 * p * r / (p + r) if p + r else 0.0, "tp": tp, "fp": fp, "fn": fn}


def evaluate_held_back(training_dir: str, data_dir: str, gold_dir: str | None,
                       settings: list[tuple[float, float]], extractor=None,
                       share: float | None = None) -> list[HeldBackRow]:
    """One row per (rule-types threshold, other-types threshold). An event type found in a
    sentence is right when the sentence has a label of that type (optional ones included), a
    required label's type not found is a miss."""
    from ..extract import Extractor
    from ..ingest import read_text
    from ..learn.train import DEFAULT_CONFIG, _held_back, load_training_data
    share = DEFAULT_CONFIG["held_back"] if share is None else share
    sentences = [s for s in load_training_data(training_dir, data_dir, gold_dir)
                 if _held_back(s.group, share)]
    if not sentences:
        raise CommuniqueError(f"no held-back sentences under {training_dir}",
                              "pass --data with the folder of the training data")
    extractor = extractor or Extractor()
    docs = []
    for n, s in enumerate(sentences):
        try:
            docs.append(read_text(s.text, source=f"held-back-{n}", published=None))
        except CommuniqueError:       # a sentence read as page furniture: nothing is found
            docs.append(None)
    rows = []
    saved = extractor.trigger_thresholds
    try:
        for rule_th, other_th in settings:
            extractor.trigger_thresholds = (rule_th, other_th)
            found = iter(extractor.extract_many([d for d in docs if d is not None]))
            counts: Counter = Counter()
            for s, doc in zip(sentences, docs):
                predicted = {e.type for e in next(found).events} if doc is not None else set()
                required = {e.type for e in s.events if not e.optional}
                allowed = {e.type for e in s.events}
                for origin in (s.origin, "all"):
                    counts[(origin, "tp")] += len(predicted & required)
                    counts[(origin, "fp")] += len(predicted - allowed)
                    counts[(origin, "fn")] += len(required - predicted)
            by_origin = {o: _prf(counts[(o, "tp")], counts[(o, "fp")], counts[(o, "fn")])
                         for o in ("corpus", "written", "all")}
            rows.append(HeldBackRow(rule_th, other_th, by_origin))
    finally:
        extractor.trigger_thresholds = saved
    return rows
