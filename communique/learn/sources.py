"""Texts of corpus items in ../shared/data, found by corpus path and item key.

The project's annotations of those corpora are offsets into these texts; no text of the corpora
is kept in the repository. Each item is read as its fields (title, summary, body, ...), and an
annotation names the field it points into.
"""
from __future__ import annotations

import csv
import gzip
import io
import json
import os
from collections.abc import Iterable, Iterator

from ..errors import CommuniqueError

# The fields of an item that hold text, by layout, in the order a reader meets them.
CSV_FIELDS = ("headline", "summary", "body")
JSONL_FIELDS = ("title", "text")


def default_data_dir() -> str:
    """../shared/data beside the working directory, or COMMUNIQUE_SHARED_DATA."""
    return os.environ.get("COMMUNIQUE_SHARED_DATA") or os.path.join("..", "shared", "data")


def _corpus_files(data_dir: str, corpus: str) -> list[str]:
    path = os.path.join(data_dir, corpus)
    if os.path.isdir(path):
        return sorted(os.path.join(path, f) for f in os.listdir(path)
                      if f.endswith((".jsonl", ".jsonl.gz", ".csv")))
    if os.path.exists(path):
        return [path]
    raise CommuniqueError(f"corpus {corpus!r} is not under {data_dir}",
                          "pass --shared-data with the folder that holds the shared corpora")


def _rows(path: str) -> Iterator[tuple[str, dict[str, str]]]:
    """(key, fields) of every item of one corpus file."""
    if path.endswith(".csv"):
        csv.field_size_limit(1 << 30)
        with open(path, encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                yield row.get("link") or "", {f: row.get(f) or "" for f in CSV_FIELDS}
        return
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as fh:
        for n, line in enumerate(fh):
            rec = json.loads(line)
            if "url" in rec:
                yield rec["url"], {f: rec.get(f) or "" for f in JSONL_FIELDS}
            else:       # the ISAF file: items are keyed by their line number
                yield f"line:{rec.get('line', n)}", {"text": rec.get("text") or ""}


def item_fields(data_dir: str, wanted: Iterable[tuple[str, str]]) -> dict[tuple[str, str], dict[str, str]]:
    """{(corpus, key): {field: text}} for the wanted items (one pass over each corpus)."""
    by_corpus: dict[str, set[str]] = {}
    for corpus, key in wanted:
        by_corpus.setdefault(corpus, set()).add(key)
    out: dict[tuple[str, str], dict[str, str]] = {}
    for corpus, keys in by_corpus.items():
        for path in _corpus_files(data_dir, corpus):
            for key, fields in _rows(path):
                if key in keys:
                    out[(corpus, key)] = fields
    return out


def reserved_keys(gold_dir: str) -> set[tuple[str, str]]:
    """(corpus path, key) of the items kept for evaluation: never trained on."""
    path = os.path.join(gold_dir, "reserved-keys.txt")
    out: set[tuple[str, str]] = set()
    with io.open(path, encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("#") or not line.strip():
                continue
            corpus, key = line.rstrip("\n").split("\t")
            out.add((corpus, key))
    return out
