"""Training annotations: sentences with their events, as offsets into corpus items or as
sentences the team wrote.

Two sources, one record type:
- `training/corpus_labels.jsonl`: sentences of the shared corpora, stored as (corpus, key,
  field, start, end) with the events' words as offsets into the sentence; the text is read from
  ../shared/data when training, never kept here;
- `training/written/*.jsonl`: sentences the team wrote, text included.
"""
from __future__ import annotations

import glob
import json
import os
import re
from dataclasses import dataclass, field

from ..errors import CommuniqueError
from .sources import item_fields, reserved_keys

TYPES = ("AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST",
         "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT")


@dataclass
class LabelledEvent:
    type: str
    trigger: tuple[int, int] | None          # offsets into the sentence
    status: str = "occurred"
    mode: str | None = None
    optional: bool = False

    def to_dict(self) -> dict:
        return {"type": self.type, "trigger": list(self.trigger) if self.trigger else None,
                "status": self.status, "mode": self.mode, "optional": self.optional}

    @classmethod
    def from_dict(cls, d: dict) -> "LabelledEvent":
        trig = d.get("trigger")
        return cls(d["type"], tuple(trig) if trig else None, d.get("status") or "occurred",
                   d.get("mode"), bool(d.get("optional")))


@dataclass
class Sentence:
    text: str
    events: list[LabelledEvent] = field(default_factory=list)
    group: str = ""             # the item or file it comes from (held-back splits keep groups whole)
    origin: str = "written"     # corpus | written


def _span_in(sentence: str, words: str) -> tuple[int, int] | None:
    at = sentence.find(words)
    if at < 0:
        low = sentence.lower().find(words.lower())
        if low < 0:
            return None
        at = low
    return at, at + len(words)


def _find(text: str, sentence: str) -> tuple[int, int] | None:
    at = text.find(sentence)
    if at >= 0:
        return at, at + len(sentence)
    # the same words with other white space between them
    pattern = r"\s+".join(re.escape(w) for w in sentence.split())
    m = re.search(pattern, text) if pattern else None
    return (m.start(), m.end()) if m else None


def offsets_from_labels(labels_path: str, data_dir: str, gold_dir: str) -> tuple[list[dict], list[str]]:
    """Turn labelled sentences (verbatim text) into offset records; returns (records, problems)."""
    reserved = reserved_keys(gold_dir)
    rows = [json.loads(line) for line in open(labels_path, encoding="utf-8")]
    texts = item_fields(data_dir, {(r["corpus"], r["key"]) for r in rows})
    records, problems = [], []
    for r in rows:
        ident = f'{r["name"]}: {r["sentence"][:60]!r}'
        if (r["corpus"], r["key"]) in reserved:
            problems.append(f"{ident}: reserved item, left out")
            continue
        fields = texts.get((r["corpus"], r["key"]))
        if fields is None:
            problems.append(f"{ident}: item not found")
            continue
        where = next(((name, span) for name, text in fields.items()
                      if (span := _find(text, r["sentence"]))), None)
        if where is None:
            problems.append(f"{ident}: sentence not found in the item")
            continue
        name, (start, end) = where
        sentence = fields[name][start:end]
        events = []
        for e in r.get("events") or []:
            trig = _span_in(sentence, e.get("trigger") or "") if e.get("trigger") else None
            if e.get("trigger") and trig is None:
                problems.append(f"{ident}: trigger {e['trigger']!r} not in the sentence")
            events.append(LabelledEvent(e["type"], trig, e.get("status") or "occurred",
                                        e.get("mode"), bool(e.get("optional"))).to_dict())
        records.append({"item": r["name"], "corpus": r["corpus"], "key": r["key"],
                        "published": r.get("published"), "field": name, "start": start,
                        "end": end, "events": events})
    return records, problems


def load_corpus_labels(path: str, data_dir: str, gold_dir: str | None = None) -> list[Sentence]:
    """Sentences of the shared corpora, their text read from data_dir."""
    records = [json.loads(line) for line in open(path, encoding="utf-8")]
    reserved = reserved_keys(gold_dir) if gold_dir and os.path.exists(
        os.path.join(gold_dir, "reserved-keys.txt")) else set()
    texts = item_fields(data_dir, {(r["corpus"], r["key"]) for r in records})
    out = []
    for r in records:
        if (r["corpus"], r["key"]) in reserved:
            raise CommuniqueError(f"{r['corpus']} {r['key']} is reserved for evaluation",
                                  "remove it from the training labels")
        fields = texts.get((r["corpus"], r["key"]))
        if fields is None:
            raise CommuniqueError(f"item {r['key']} of {r['corpus']} is not in {data_dir}",
                                  "pass the folder of the shared corpora with --shared-data")
        text = fields[r["field"]][r["start"]:r["end"]]
        out.append(Sentence(text, [LabelledEvent.from_dict(e) for e in r["events"]],
                            group=f'{r["corpus"]}|{r["key"]}', origin="corpus"))
    return out


def load_written(folder: str) -> list[Sentence]:
    """Sentences the team wrote: {"id", "sentence", "events": [{"type", "trigger", ...}]}."""
    out = []
    for path in sorted(glob.glob(os.path.join(folder, "*.jsonl"))):
        for n, line in enumerate(open(path, encoding="utf-8"), 1):
            if not line.strip():
                continue
            try:
                r = json.loads(line)
            except json.JSONDecodeError as exc:
                raise CommuniqueError(f"{path}:{n} is not JSON ({exc})", "fix the line") from exc
            text = r["sentence"]
            events = []
            for e in r.get("events") or []:
                if e.get("type") not in TYPES:
                    raise CommuniqueError(f"{path}:{n}: unknown type {e.get('type')!r}",
                                          f"use one of {', '.join(TYPES)}")
                trig = _span_in(text, e["trigger"]) if e.get("trigger") else None
                events.append(LabelledEvent(e["type"], trig, e.get("status") or "occurred",
                                            e.get("mode"), bool(e.get("optional"))))
            # groups of ten lines keep near-variants of one writer's batch on one side
            out.append(Sentence(text, events, group=f"{os.path.basename(path)}|{n // 10}"))
    return out
