"""Inputs in the store: what became of every input an ingest met, written with the documents.

An ingest writes a *chunk* of consecutive inputs in one transaction: the documents with their
events (through the writer's rows), a row in `inputs` for every input of the chunk (stored,
duplicate, skipped, failed), the sources of duplicates, the shingle sketches of new documents
and the links of teasers and near copies. A chunk is all or nothing, and chunks are written in
input order, so after a crash the store holds a prefix of the inputs and a restart that passes
over the recorded keys ends with what an uninterrupted run gives.

    done = recorded(con)                       # {key: (outcome, doc_id)}
    write_chunk(con, records, items, ...)      # one transaction
    outcome_table(con)                         # [{"outcome", "reason", "n"}]
"""
from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from typing import Sequence

from ..errors import StoreError
from ..ids import content_id
from .writer import COLUMNS, Item, _insert, rows_for

INPUT_COLUMNS = ("key", "outcome", "reason", "detail", "doc_id", "target_id", "source", "url",
                 "line", "run_id", "seen_at")
OUTCOMES = ("stored", "duplicate", "skipped", "failed")


@dataclass
class InputRecord:
    """What became of one input."""
    key: str
    outcome: str                          # stored | duplicate | skipped | failed
    reason: str | None = None
    detail: str | None = None
    doc_id: str | None = None             # content hash of the input's text
    target_id: str | None = None          # the stored document it gave or repeats
    source: str | None = None
    url: str | None = None
    line: int | None = None
    score: float | None = None            # near-duplicate / teaser similarity
    shingles: list[int] = field(default_factory=list, repr=False)   # for a stored document
    stories: list = field(default_factory=list, repr=False)   # stored teasers it tells whole

    def row(self, run_id: str, now: _dt.datetime) -> tuple:
        return (self.key, self.outcome, self.reason, (self.detail or "")[:2000] or None,
                self.doc_id, self.target_id, self.source, self.url, self.line, run_id, now)

    def to_dict(self) -> dict:
        return {k: getattr(self, k) for k in ("key", "outcome", "reason", "detail", "doc_id",
                                               "target_id", "source", "url", "line")}


def _now() -> _dt.datetime:
    return _dt.datetime.now(_dt.timezone.utc).replace(tzinfo=None)


def recorded(con, keys: Sequence[str] | None = None) -> dict[str, tuple[str, str | None]]:
    """Recorded inputs: key → (outcome, doc_id); all of them, or those among `keys`."""
    if keys is None:
        rows = con.execute("SELECT key, outcome, doc_id FROM inputs").fetchall()
    else:
        if not keys:
            return {}
        rows = con.execute("SELECT key, outcome, doc_id FROM inputs WHERE list_contains(?, key)",
                           [list(keys)]).fetchall()
    return {k: (o, d) for k, o, d in rows}


def stored_ids(con, doc_ids: Sequence[str]) -> set[str]:
    """Which of these document ids the store holds."""
    if not doc_ids:
        return set()
    rows = con.execute("SELECT id FROM documents WHERE list_contains(?, id)",
                       [sorted(set(doc_ids))]).fetchall()
    return {r[0] for r in rows}


def shingle_matches(con, hashes: Sequence[int], limit: int = 5) -> list[tuple[str, int, int]]:
    """Stored documents sharing sampled shingles with `hashes`: (doc_id, shared, their size),
    most shared first."""
    if not hashes:
        return []
    rows = con.execute(
        "SELECT s.doc_id, count(DISTINCT s.hash) AS shared, any_value(z.shingles) "
        "FROM doc_shingles s JOIN doc_sizes z ON z.doc_id = s.doc_id "
        "WHERE s.hash IN (SELECT unnest(?::UBIGINT[])) GROUP BY s.doc_id "
        "ORDER BY shared DESC, s.doc_id LIMIT ?", [sorted(set(hashes)), limit]).fetchall()
    return [(d, int(n), int(z)) for d, n, z in rows]


def shingle_matches_many(con, sketches: dict[int, Sequence[int]],
                         limit: int = 5) -> dict[int, list[tuple[str, int, int]]]:
    """`shingle_matches` for several texts in one query (one scan of the sketches)."""
    idx, hashes = [], []
    for i, hs in sketches.items():
        for h in set(hs):
            idx.append(i)
            hashes.append(h)
    out: dict[int, list[tuple[str, int, int]]] = {i: [] for i in sketches}
    if not hashes:
        return out
    rows = con.execute(
        "WITH q AS (SELECT unnest(?::BIGINT[]) AS i, unnest(?::UBIGINT[]) AS hash) "
        "SELECT q.i, s.doc_id, count(*) AS shared, any_value(z.shingles) "
        "FROM q JOIN doc_shingles s ON s.hash = q.hash JOIN doc_sizes z ON z.doc_id = s.doc_id "
        "GROUP BY q.i, s.doc_id", [idx, hashes]).fetchall()
    for i, d, n, z in rows:
        out[i].append((d, int(n), int(z)))
    for i in out:
        out[i] = sorted(out[i], key=lambda r: (-r[1], r[0]))[:limit]
    return out


def write_chunk(con, records: Sequence[InputRecord], items: Sequence[Item], *,
                run_id: str = "", replace_keys: Sequence[str] = (),
                links: Sequence[tuple] = ()) -> dict[str, int]:
    """Write a chunk of inputs in one transaction: the stored documents with their records
    (`items`), a row per input, the sources of duplicates, sketches and links.
    Returns the new rows per table."""
    now = _now()
    rows = rows_for(items, now) if items else {t: [] for t in COLUMNS}
    by_doc = {doc.id: doc for doc, _, _ in items}
    for rec in records:                     # a duplicate is one more source of its document
        if rec.outcome == "duplicate" and rec.target_id and (rec.source or rec.url):
            rows["sources"].append((content_id(rec.target_id, rec.source, rec.url, prefix="src_"),
                                    rec.target_id, rec.source, rec.url, now))
    seen_src: dict[str, tuple] = {}
    for row in rows["sources"]:
        seen_src.setdefault(row[0], row)
    rows["sources"] = list(seen_src.values())
    shingles, sizes, link_rows = [], [], {}
    for link in links:                      # (from_id, to_id, kind, score): a stored teaser
        link_rows.setdefault((link[0], link[1]), tuple(link))
    for rec in records:
        if rec.outcome == "stored" and rec.doc_id in by_doc:
            uniq = sorted(set(rec.shingles))
            shingles.extend((h, rec.doc_id) for h in uniq)
            sizes.append((rec.doc_id, len(uniq)))
        if rec.outcome == "duplicate" and rec.target_id and rec.doc_id \
                and rec.doc_id != rec.target_id:
            link_rows.setdefault((rec.doc_id, rec.target_id),
                                 (rec.doc_id, rec.target_id, rec.reason or "near", rec.score))
    counts = {t: 0 for t in COLUMNS}
    con.execute("BEGIN TRANSACTION")
    try:
        for table in COLUMNS:
            counts[table] = _insert(con, table, rows[table])
        if replace_keys:
            con.execute("DELETE FROM inputs WHERE list_contains(?, key)", [list(replace_keys)])
        _insert_rows(con, "inputs", INPUT_COLUMNS, [r.row(run_id, now) for r in records])
        _insert_rows(con, "doc_shingles", ("hash", "doc_id"), shingles, conflict=False)
        _insert_rows(con, "doc_sizes", ("doc_id", "shingles"), sizes)
        _insert_rows(con, "doc_links", ("from_id", "to_id", "kind", "score"),
                     list(link_rows.values()))
        con.execute("COMMIT")
    except Exception as exc:
        try:
            con.execute("ROLLBACK")
        except Exception:
            pass
        raise StoreError(f"could not write {len(records)} input(s): {exc}",
                         hint="nothing of this chunk was written; run the ingest again") from exc
    counts["inputs"] = len(records)
    return counts


def _insert_rows(con, table: str, columns: Sequence[str], rows: list[tuple],
                 conflict: bool = True) -> None:
    if not rows:
        return
    cols = ", ".join(f'"{c}"' for c in columns)
    sql = (f"INSERT INTO {table} ({cols}) SELECT * FROM (SELECT "
           + ", ".join(f"unnest(?) AS c{i}" for i in range(len(columns))) + ")"
           + (" ON CONFLICT DO NOTHING" if conflict else ""))
    for i in range(0, len(rows), 20000):
        chunk = rows[i:i + 20000]
        con.execute(sql, [list(col) for col in zip(*chunk)])


def outcome_table(con, run_id: str | None = None) -> list[dict]:
    """Inputs by outcome and reason (of one run, or of all): [{"outcome", "reason", "n"}]."""
    where, params = ("WHERE run_id = ?", [run_id]) if run_id else ("", [])
    rows = con.execute(
        f"SELECT outcome, coalesce(reason, ''), count(*) FROM inputs {where} "
        "GROUP BY ALL ORDER BY 1, 3 DESC, 2", params).fetchall()
    return [{"outcome": o, "reason": r, "n": n} for o, r, n in rows]


def inputs(con, outcome: str | None = None, reason: str | None = None,
           limit: int | None = 100) -> list[dict]:
    """Recorded inputs, filtered by outcome and reason."""
    where, params = [], []
    if outcome:
        where.append("outcome = ?")
        params.append(outcome)
    if reason:
        where.append("reason = ?")
        params.append(reason)
    sql = ("SELECT key, outcome, reason, detail, doc_id, target_id, source, url, line, run_id, "
           "seen_at FROM inputs" + (" WHERE " + " AND ".join(where) if where else "")
           + " ORDER BY seen_at, key")
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    return [dict(zip(INPUT_COLUMNS, r)) for r in con.execute(sql, params).fetchall()]
