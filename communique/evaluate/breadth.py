"""Breadth: event types on news sentences that nobody wrote a rule for.

- `evaluate_gsr`: the PLOVER gold-standard records (322 wire sentences of the CAMEO manual, coded
  by the Open Event Data Alliance). A record is right when the first event communique finds in
  its sentence has the record's type (type accuracy), and also names one of the record's source
  actors among its actors (type + actor). The records use PLOVER 0.5 names; the 2021 manual's
  merges map them to today's 16 types: DEMAND -> REQUEST, DISAPPROVE and INVESTIGATE -> ACCUSE,
  FIGHT -> ASSAULT.
- `evaluate_cameo`: ConfliBERT's CAMEO pentaclass test sentences. A sentence's class is the
  QuadClass of the first event communique finds (1 verbal cooperation, 2 material cooperation,
  3 verbal conflict, 4 material conflict), 0 (a statement) when it finds none; macro F1 over
  the five classes.
Both read the data from ../shared/data and say so when it is absent.
"""
from __future__ import annotations

import csv
import json
import os
from collections import Counter
from dataclasses import dataclass, field

from ..errors import CommuniqueError

GSR_FILE = os.path.join("plover-gsr", "PLOVER_GSR_CAMEO.json")
CAMEO_FILE = os.path.join("conflibert-cameo", "cameo_class", "test.tsv")
OLD_TYPES = {"DEMAND": "REQUEST", "DISAPPROVE": "ACCUSE", "INVESTIGATE": "ACCUSE",
             "FIGHT": "ASSAULT"}
QUAD_CLASS = {"verbal cooperation": 1, "material cooperation": 2, "verbal conflict": 3,
              "material conflict": 4}
# Published figures to print beside ours (../shared/data/SCORES.md).
CAMEO_PUBLISHED = {"BERT (cased)": 85.85, "ConfliBERT (SCR, uncased)": 87.88,
                   "ConfliBERT (Cont, cased)": 87.83}
GSR_PUBLISHED = "no published system figure; the issue's baseline of the rules alone: type 0.28, type + actor 0.171"


@dataclass
class BreadthReport:
    name: str
    total: int
    figures: dict[str, float]
    per_class: dict[str, dict] = field(default_factory=dict)
    published: dict[str, float] | str = ""

    def to_dict(self) -> dict:
        return {"name": self.name, "total": self.total, "figures": self.figures,
                "per_class": self.per_class, "published": self.published}

    def format(self) -> str:
        lines = [f"{self.name}: {self.total} sentences"]
        for k, v in self.figures.items():
            lines.append(f"  {k:<28}{v:.3f}")
        if self.per_class:
            precise = any(row.get("p") is not None for row in self.per_class.values())
            head = f"  {'class':<22}{'right':>7}{'of':>6}" + (f"{'P':>7}{'R':>7}{'F1':>7}"
                                                           if precise else f"{'share':>7}")
            lines.append(head)
            for k, row in self.per_class.items():
                line = f"  {k:<22}{row['tp']:>7}{row['n']:>6}"
                line += (f"{row['p']:>7.3f}{row['r']:>7.3f}{row['f']:>7.3f}" if precise
                         else f"{row['r']:>7.3f}")
                lines.append(line)
        if isinstance(self.published, dict):
            lines.append("  published (ConfliBERT, NAACL 2022, Table 3, macro F1 x 100):")
            for k, v in self.published.items():
                lines.append(f"    {k:<30}{v:.2f}")
        elif self.published:
            lines.append(f"  published: {self.published}")
        return "\n".join(lines)


def _data_file(data_dir: str, rel: str) -> str:
    path = os.path.join(data_dir, rel)
    if not os.path.exists(path):
        raise CommuniqueError(f"{path} is not there",
                              "pass the folder of the shared data sets (../shared/data)")
    return path


def _first_events(extractor, sentences: list[str], published: str | None) -> list:
    from ..ingest import read_text
    docs = [read_text(s, source=f"sentence-{n}", published=published)
            for n, s in enumerate(sentences)]
    out = []
    for result in extractor.extract_many(docs):
        events = sorted(result.events, key=_reading_order)
        out.append(events)
    return out


def _reading_order(event) -> int:
    """Where the event's trigger stands in the text: the first event of a sentence is the one
    whose trigger a reader meets first (all events of one sentence share its evidence)."""
    at = event.evidence.text.find(event.trigger) if event.trigger else -1
    return event.evidence.start + max(at, 0)


def _names(participants) -> list[str]:
    return [x.lower() for p in participants for x in (p.name, p.text) if x]


def _actor_match(event, gold_actors: list[str]) -> bool:
    sides = event.actors + (event.recipients if event.type == "CONSULT" else [])
    names = _names(sides)
    for g in gold_actors:
        g = g.lower()
        if any(g in n or n in g for n in names if len(n) > 2):
            return True
    return False


def evaluate_gsr(data_dir: str, extractor=None) -> BreadthReport:
    from ..extract import Extractor
    records = [r for r in json.load(open(_data_file(data_dir, GSR_FILE), encoding="utf-8"))
               if r.get("text") and r.get("event") != "DOCUMENT"]
    extractor = extractor or Extractor()
    found = _first_events(extractor, [r["text"] for r in records], None)
    right = Counter()
    total = Counter()
    type_ok = actor_ok = any_ok = 0
    for r, events in zip(records, found):
        gold = OLD_TYPES.get(r["event"], r["event"])
        total[gold] += 1
        if any(e.type == gold for e in events):
            any_ok += 1
        if events and events[0].type == gold:
            type_ok += 1
            right[gold] += 1
            if _actor_match(events[0], [a.get("actorText", "") for a in r.get("source") or []]):
                actor_ok += 1
    n = len(records)
    per_class = {t: {"tp": right[t], "n": total[t], "p": None, "r": right[t] / total[t],
                     "f": None} for t in sorted(total)}
    return BreadthReport("PLOVER gold-standard records", n,
                         {"type accuracy": type_ok / n, "type + actor accuracy": actor_ok / n,
                          "type found anywhere": any_ok / n}, per_class, GSR_PUBLISHED)


def evaluate_cameo(data_dir: str, extractor=None) -> BreadthReport:
    from ..extract import Extractor
    rows = []
    with open(_data_file(data_dir, CAMEO_FILE), encoding="utf-8", newline="") as fh:
        for row in csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE):
            if len(row) >= 2 and row[-1].strip().isdigit():
                rows.append(("\t".join(row[:-1]), int(row[-1])))
    extractor = extractor or Extractor()
    found = _first_events(extractor, [s for s, _ in rows], None)
    tp, fp, fn = Counter(), Counter(), Counter()
    none = 0
    for (_, gold), events in zip(rows, found):
        pred = QUAD_CLASS.get(events[0].quad, 0) if events else 0
        none += not events
        if pred == gold:
            tp[gold] += 1
        else:
            fp[pred] += 1
            fn[gold] += 1
    per_class, f1s = {}, []
    names = ["0 statement", "1 verbal cooperation", "2 material cooperation",
             "3 verbal conflict", "4 material conflict"]
    for c, name in enumerate(names):
        p = tp[c] / (tp[c] + fp[c]) if tp[c] + fp[c] else 0.0
        r = tp[c] / (tp[c] + fn[c]) if tp[c] + fn[c] else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        f1s.append(f)
        per_class[name] = {"tp": tp[c], "n": tp[c] + fn[c], "p": p, "r": r, "f": f}
    n = len(rows)
    return BreadthReport("ConfliBERT CAMEO pentaclass test", n,
                         {"macro F1": sum(f1s) / len(f1s), "accuracy": sum(tp.values()) / n,
                          "sentences with no event": none / n}, per_class, CAMEO_PUBLISHED)
