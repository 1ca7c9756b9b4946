"""`communique load DIR --db FILE`: the Parquet of `extract --engine ray` into the store.

The records go through the same writer as `ingest`, in input order, with the same rules: a text
already stored (by this load, an earlier one or an ingest) becomes a duplicate source of it, near
copies and teasers are folded in, skipped inputs are recorded with their reasons, and a document
whose extraction failed is recorded as failed. Loading the same folder again changes nothing.
Reads the folder with DuckDB, so it needs no Ray.
"""
from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path

import duckdb

from ..errors import InputError
from ..extract import Extraction
from ..ingest import Skipped
from ..records import Document, Event, Mention

FETCH_ROWS = 256


def _source(folder: str) -> str:
    if "://" in folder:
        raise InputError(f"load reads a local folder, not {folder}",
                         "copy the output down first (e.g. `aws s3 sync s3://bucket/out out`)")
    if not any(Path(folder).glob("kind=*/**/*.parquet")):
        raise InputError(f"{folder}: no Parquet of `communique extract --engine ray` here",
                         "pass the --out folder of that run")
    return str(Path(folder) / "**" / "*.parquet")


class _Replay:
    """An extractor that hands back what the Ray run extracted (by document id)."""

    def __init__(self, con, glob: str):
        self.con, self.glob = con, glob

    def close(self) -> None:
        pass

    def _records(self, kind: str, ids: list[str], cls) -> dict[str, list]:
        """The records of each document; a text repeated in the corpus was extracted once per
        copy, alike: the first copy's are kept."""
        rows = self.con.execute(
            "SELECT doc_id, file, line, record FROM read_parquet(?, hive_partitioning = true) "
            "WHERE kind = ? AND doc_id IN (SELECT unnest(?)) ORDER BY file, line, idx",
            [self.glob, kind, ids]).fetchall()
        out: dict[str, list] = {}
        first: dict[str, tuple] = {}
        for doc_id, file, line, record in rows:
            if first.setdefault(doc_id, (file, line)) == (file, line):
                out.setdefault(doc_id, []).append(cls.from_dict(json.loads(record)))
        return out

    def extract_many(self, documents: Iterable[Document]) -> Iterator[Extraction]:
        documents = list(documents)
        ids = [d.id for d in documents]
        errors = dict(self.con.execute(
            "SELECT doc_id, first(error ORDER BY file, line) FROM read_parquet(?, "
            "hive_partitioning = true) WHERE kind = 'documents' AND doc_id IN (SELECT unnest(?)) "
            "GROUP BY doc_id", [self.glob, ids]).fetchall())
        events = self._records("events", ids, Event)
        mentions = self._records("mentions", ids, Mention)
        for doc in documents:
            if errors.get(doc.id):
                yield Extraction(doc, error=errors[doc.id])
                continue
            yield Extraction(doc, events=events.get(doc.id, []),
                             mentions=mentions.get(doc.id, []))


def _inputs(con, glob: str) -> Iterator[Document | Skipped]:
    """Documents and skipped inputs in input order; later copies of a text become duplicates,
    as `communique ingest` reads them."""
    cur = con.execute(
        "SELECT kind, record FROM read_parquet(?, hive_partitioning = true) "
        "WHERE kind IN ('documents', 'inputs') ORDER BY file, line", [glob])
    seen: dict[str, str] = {}
    while True:
        rows = cur.fetchmany(FETCH_ROWS)
        if not rows:
            break
        for kind, record in rows:
            data = json.loads(record)
            if kind == "inputs":
                yield Skipped(**data)
                continue
            doc = Document.from_dict(data)
            first = seen.get(doc.id)
            if first is not None:
                yield Skipped(doc.source, "duplicate", f"same text as {first}", doc_id=doc.id,
                              url=doc.url)
                continue
            seen[doc.id] = doc.source
            yield doc


def load_parquet(folder: str, db: str, *, on_item=None, batch_size: int = 32,
                 near_duplicates: bool = True) -> dict:
    """Merge a Ray run's output into the store; returns ingest's summary."""
    from ..pipeline_run import ingest_inputs
    glob = _source(folder)
    con = duckdb.connect()
    try:
        return ingest_inputs(_inputs(con, glob), db, extractor=_Replay(con.cursor(), glob),
                             on_item=on_item, batch_size=batch_size,
                             near_duplicates=near_duplicates)
    finally:
        con.close()
