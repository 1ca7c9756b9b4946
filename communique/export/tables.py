"""Parquet of every table of the store (DuckDB's COPY), all of it or the part that the events
filters select: their events and participants, and the documents they come from with those
documents' sources, articles, mentions and positions (entities whole)."""
from __future__ import annotations

import os
import zipfile

from ..errors import StoreError
from ..store import queries
from ..store.schema import TABLES

# how each table's rows are tied to the selected events (`sel`: their ids and doc ids)
_PART = {
    "events": "id IN (SELECT id FROM sel)",
    "participants": "event_id IN (SELECT id FROM sel)",
    "documents": "id IN (SELECT doc_id FROM sel)",
    "sources": "doc_id IN (SELECT doc_id FROM sel)",
    "articles": "doc_id IN (SELECT doc_id FROM sel)",
    "mentions": "doc_id IN (SELECT doc_id FROM sel)",
    "positions": "doc_id IN (SELECT doc_id FROM sel)",
}


def write_parquet(con, out_dir: str, filters: dict | None = None) -> dict[str, str]:
    """`out_dir/<table>.parquet` for every table; returns {table: path}."""
    filters = {k: v for k, v in (filters or {}).items() if v not in (None, "", ())}
    if not filters:
        return queries.export_tables(con, out_dir)
    os.makedirs(out_dir, exist_ok=True)
    where, params = queries.event_filters(**filters)
    written = {}
    for table in TABLES:
        path = os.path.join(out_dir, f"{table}.parquet")
        cond = _PART.get(table)
        sql = (f"WITH sel AS (SELECT e.id, e.doc_id FROM events e{where}) "
               f"SELECT * FROM {table}" + (f" WHERE {cond}" if cond else "") + " ORDER BY ALL")
        try:
            con.execute(f"COPY ({sql}) TO '{path.replace(chr(39), chr(39) * 2)}' "
                        "(FORMAT parquet, COMPRESSION zstd)", params)
        except Exception as exc:
            raise StoreError(f"could not export {table} to {path}: {exc}") from exc
        written[table] = path
    return written


def zip_folder(folder: str, zip_path: str) -> str:
    with zipfile.ZipFile(zip_path, "w", zipfile.ZIP_STORED) as zf:
        for name in sorted(os.listdir(folder)):
            zf.write(os.path.join(folder, name), arcname=name)
    return zip_path
