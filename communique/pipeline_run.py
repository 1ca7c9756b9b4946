"""Ingest: inputs through extraction into the store, every input accounted for, resumable.

Each input (a file, a corpus row, a feed item, a WARC record, a URL) ends as one of
  stored     its text is new: the document and its events are written;
  duplicate  its text is already stored (reason exact, near or teaser): it becomes one more
             source of that document, linked to it, and is not extracted again;
  skipped    bad input (empty, binary, undecodable, too_large, bad_record, unsupported, ...);
  failed     the ingest failed on it (not_found, unreadable, fetch_failed, extraction_error,
             error): the exit code says so;
and is recorded in the store's `inputs` table with its reason and detail.

Interruptions: consecutive inputs are written in chunks (up to `batch_size` documents and the
inputs between them) one transaction each, in input order; every decision depends only on what
came before in that order. An ingest killed at any moment and started again with the same
inputs passes over the recorded keys and ends with exactly the records of an uninterrupted run.
Inputs recorded as failed are tried again.
"""
from __future__ import annotations

import contextlib
import itertools
import time
import uuid
from collections import Counter, deque
from collections.abc import Callable, Iterable

from .extract import Extractor
from .ingest import Skipped
from .ingest.dedup import PendingIndex, judge, same_story, shingles
from .ingest.readers import FAILURE_REASONS
from .records import Document, encodable

BATCH_SIZE = 32                  # documents per transaction
MAX_CHUNK_INPUTS = 2000          # inputs per transaction when few of them are documents


def input_key(item: Document | Skipped) -> str:
    """The key of an input in the `inputs` table (before making it unique in the run)."""
    source = item.source or item.url or "-"
    if isinstance(item, Skipped) and item.line and "#" not in source:
        source = f"{source}#{item.line}"
    return encodable(source)


class _Run:
    def __init__(self, store, extractor, on_item, batch_size, near_duplicates, run_id):
        from .store.inputs import recorded
        self.store, self.con = store, store.con
        self.extractor = extractor
        self.on_item = on_item
        self.batch_size = batch_size
        self.near = near_duplicates
        self.run_id = run_id
        self.done = recorded(self.con)              # key → (outcome, doc_id), earlier runs
        self.keys: Counter = Counter()
        self.records: list = []                     # InputRecords of the chunk, in order
        self.docs: list = []                        # (record, Document) to extract
        self.replace: list[str] = []                # keys recorded as failed, tried again
        self.queue: list = []                       # (key, item) waiting for a decision
        self.queued_docs = 0
        self._stored: set[str] = set()              # of the queue's doc ids, those stored
        self._cands: dict[int, list] = {}           # stored look-alikes, by id(document)
        self._sketches: dict[int, list[int]] = {}
        self.pending = PendingIndex()
        self.pending_ids: set[str] = set()
        self.alias: dict[str, str] = {}             # doc id of a near copy → the stored one
        self.outcomes: Counter = Counter()
        self.reasons: Counter = Counter()
        self.table: Counter = Counter()
        self.events = 0
        self.new_rows: Counter = Counter()

    # -- one input ------------------------------------------------------------------------
    def add(self, item: Document | Skipped) -> None:
        admitted = self.admit(item)
        if admitted is not None:
            self.enqueue(admitted)

    def admit(self, item: Document | Skipped) -> tuple | None:
        """The input's key, and whether it replaces a failed record; None when an earlier run
        recorded it already. Depends only on the inputs before it, so it may run ahead."""
        item.source, item.url = encodable(item.source), encodable(item.url)
        base = input_key(item)
        self.keys[base] += 1
        key = base if self.keys[base] == 1 else f"{base}~{self.keys[base]}"
        prior = self.done.get(key)
        if prior is not None:
            outcome, doc_id = prior
            if isinstance(item, Document):          # the same text as recorded
                same = doc_id == item.id
            else:                                   # skipped then, skipped (or a copy) now
                same = outcome == "skipped" or item.reason == "duplicate"
            if outcome != "failed" and same:
                self._count(None, "unchanged", "earlier run")
                return None
            return key, item, True
        return key, item, False

    def enqueue(self, admitted: tuple) -> None:
        key, item, replaces = admitted
        if replaces:
            self.replace.append(key)
        self.queue.append((key, item))
        if isinstance(item, Document):
            self.queued_docs += 1
        if self.queued_docs >= self.batch_size or len(self.queue) >= MAX_CHUNK_INPUTS:
            self.drain()

    def drain(self) -> None:
        """Decide the queued inputs in order (the store looked up once for all), write them."""
        from .store.inputs import shingle_matches_many, stored_ids
        queue, self.queue, self.queued_docs = self.queue, [], 0
        ids = [item.id if isinstance(item, Document) else item.doc_id for _, item in queue]
        self._stored = stored_ids(self.con, [i for i in ids if i])
        sketches = {}
        for _, item in queue:
            if isinstance(item, Document) and self.near and item.id not in self._stored:
                sketches[id(item)] = shingles(item.text)
        self._sketches = sketches
        self._cands = shingle_matches_many(self.con, sketches) if sketches else {}
        for key, item in queue:
            self._decide(key, item)
        self.flush()

    def _decide(self, key: str, item: Document | Skipped) -> None:
        from .store.inputs import InputRecord
        if isinstance(item, Skipped):
            if item.reason == "duplicate" and item.doc_id:
                target = self._resolve(item.doc_id)
                if target is None:                    # the first copy failed: so does this one
                    rec = InputRecord(key, "failed", "extraction_error",
                                      f"{item.detail}, which was not stored", doc_id=item.doc_id,
                                      source=item.source, url=item.url, line=item.line)
                else:
                    rec = InputRecord(key, "duplicate", "exact", item.detail,
                                      doc_id=item.doc_id, target_id=target, source=item.source,
                                      url=item.url, line=item.line)
            else:
                outcome = "failed" if item.reason in FAILURE_REASONS else "skipped"
                rec = InputRecord(key, outcome, item.reason, item.detail, source=item.source,
                                  url=item.url, line=item.line)
            self._record(rec)
            return
        self._document(key, item)

    def _document(self, key: str, doc: Document) -> None:
        from .store.inputs import InputRecord
        target = self._resolve(doc.id)
        if target is not None:
            self._record(InputRecord(key, "duplicate", "exact", f"same text as {target}",
                                     doc_id=doc.id, target_id=target, source=doc.source,
                                     url=doc.url))
            return
        sh = self._sketches.get(id(doc), []) if self.near else []
        stories = []
        if sh:
            candidates = self.pending.candidates(sh) + self._cands.get(id(doc), [])
            match, stories = judge(sh, candidates,
                                   check=lambda other, kind: same_story(
                                       doc.text, self._text(other), kind))
            if match is not None:
                self.alias[doc.id] = match.doc_id
                what = "a near copy of" if match.kind == "near" else "a teaser of"
                self._record(InputRecord(key, "duplicate", match.kind,
                                         f"{what} {match.doc_id} ({match.score:.2f})",
                                         doc_id=doc.id, target_id=match.doc_id,
                                         source=doc.source, url=doc.url, score=match.score))
                return
        rec = InputRecord(key, "stored", None, None, doc_id=doc.id, target_id=doc.id,
                          source=doc.source, url=doc.url, shingles=sh, stories=stories)
        self.records.append(rec)
        self.docs.append((rec, doc))
        self.pending.add(doc.id, sh)
        self.pending_ids.add(doc.id)

    def _text(self, doc_id: str) -> str:
        for _, d in self.docs:
            if d.id == doc_id:
                return d.text
        row = self.con.execute("SELECT text FROM documents WHERE id = ?", [doc_id]).fetchone()
        return row[0] if row else ""

    def _resolve(self, doc_id: str) -> str | None:
        """The stored (or about to be) document that holds this text, if any."""
        if doc_id in self.pending_ids:
            return doc_id
        if doc_id in self.alias:
            return self.alias[doc_id]
        if doc_id in self._stored:
            return doc_id
        row = self.con.execute("SELECT target_id FROM inputs WHERE doc_id = ? AND outcome = "
                               "'duplicate' AND target_id IS NOT NULL LIMIT 1",
                               [doc_id]).fetchone()
        return row[0] if row else None

    def _record(self, rec) -> None:
        self.records.append(rec)

    def _count(self, rec, outcome: str | None = None, reason: str | None = None) -> None:
        outcome = outcome or rec.outcome
        reason = reason if rec is None else rec.reason
        self.outcomes[outcome] += 1
        if outcome in ("skipped", "failed", "duplicate") and reason:
            self.reasons[reason] += 1
        self.table[(outcome, reason or "")] += 1
        if self.on_item:
            self.on_item()

    # -- one transaction ------------------------------------------------------------------
    def flush(self) -> None:
        from .store.inputs import write_chunk
        if not self.records:
            return
        items = []
        if self.docs:
            results = self.extractor.extract_many([doc for _, doc in self.docs])
            for (rec, doc), result in zip(self.docs, results):
                if result.error:
                    rec.outcome, rec.detail = "failed", result.error
                    rec.reason = result.reason or "extraction_error"
                    rec.target_id, rec.shingles = None, []
                else:
                    items.append((result.document, result.events, result.mentions))
        failed = {rec.doc_id for rec, _ in self.docs if rec.outcome == "failed"}
        if failed:                                    # copies of a text that failed, fail too
            for rec in self.records:
                if rec.outcome == "duplicate" and rec.target_id in failed:
                    rec.outcome, rec.reason = "failed", "extraction_error"
                    rec.detail = f"a copy of {rec.target_id}, whose extraction failed"
                    rec.target_id = None
            self.alias = {k: v for k, v in self.alias.items() if v not in failed}
        links = []
        for rec in self.records:
            for m in rec.stories:
                if rec.outcome == "stored":
                    links.append((m.doc_id, rec.doc_id, "teaser", m.score))
        try:
            counts = write_chunk(self.con, self.records, items, run_id=self.run_id,
                                 replace_keys=self.replace, links=links)
        except Exception as exc:                      # find the input at fault, keep the rest
            counts = self._write_one_by_one(items, links, exc)
        self.new_rows.update(counts)
        self.events += counts.get("events", 0)
        for rec in self.records:
            self._count(rec)
        self.records, self.docs, self.replace = [], [], []
        self.pending.clear()
        self.pending_ids.clear()

    def _write_one_by_one(self, items: list, links: list, chunk_error: Exception) -> Counter:
        """The chunk failed as a whole: write its inputs one transaction each, in order; an
        input that fails alone is recorded as failed with the error (and if even that cannot
        be written, the store itself is at fault: the chunk's error is raised)."""
        from .store.inputs import InputRecord, write_chunk
        by_doc = {doc.id: (doc, evs, ms) for doc, evs, ms in items}
        replace = set(self.replace)
        counts: Counter = Counter()
        for rec in self.records:
            own = [by_doc[rec.doc_id]] if rec.outcome == "stored" and rec.doc_id in by_doc \
                else []
            mine = [lk for lk in links if lk[1] == rec.doc_id] if own else []
            keys = [rec.key] if rec.key in replace else []
            try:
                counts.update(write_chunk(self.con, [rec], own, run_id=self.run_id,
                                          replace_keys=keys, links=mine))
                continue
            except Exception as exc:
                error = exc
            failed = InputRecord(rec.key, "failed", "error",
                                 f"could not be stored: {type(error).__name__}: {error}"[:500],
                                 doc_id=rec.doc_id, source=rec.source, url=rec.url,
                                 line=rec.line if isinstance(rec.line, int)
                                 and 0 <= rec.line < 2 ** 31 else None)
            try:
                counts.update(write_chunk(self.con, [failed], [], run_id=self.run_id,
                                          replace_keys=keys))
            except Exception:
                raise chunk_error
            rec.outcome, rec.reason, rec.detail, rec.target_id = \
                failed.outcome, failed.reason, failed.detail, None
        return counts


def ingest_inputs(items: Iterable[Document | Skipped], db: str, *,
                  extractor: Extractor | None = None,
                  on_item: Callable[[], None] | None = None,
                  batch_size: int = BATCH_SIZE, near_duplicates: bool = True,
                  run_id: str | None = None, workers: int = 1) -> dict:
    """Extract and store each new document; record what became of every input.

    `workers` > 1 extracts in that many processes (unless an `extractor` is given); the records
    are the same whatever the number.

    Returns {"run_id", "outcomes": {stored, duplicate, skipped, failed, unchanged: n},
    "reasons": {reason: n}, "table": [{"outcome", "reason", "n"}], "events": events stored,
    "new_rows": {table: n}, "inputs": n, "seconds", "exit_code": 1 when anything failed}.
    `unchanged` counts inputs an earlier (maybe interrupted) run recorded already.
    """
    from .store import Store
    started = time.monotonic()
    run_id = run_id or time.strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:6]
    if extractor is None:
        from .scale.pool import SMALL_RUN, make_extractor
        items = iter(items)
        head = list(itertools.islice(items, SMALL_RUN))      # a few inputs need no pool
        known = len(head) if len(head) < SMALL_RUN else None
        items = itertools.chain(head, items)
        with contextlib.closing(make_extractor(workers, documents=known)) as own:
            return ingest_inputs(items, db, extractor=own, on_item=on_item,
                                 batch_size=batch_size, near_duplicates=near_duplicates,
                                 run_id=run_id)
    with Store(db) as store:
        run = _Run(store, extractor, on_item, batch_size, near_duplicates, run_id)
        # a pool extracts the inputs ahead of the writer, which decides and stores in order
        prefetch = getattr(extractor, "prefetch", None)
        ahead = max(getattr(extractor, "lookahead", 0), batch_size) if prefetch else 0
        window: deque = deque()
        for item in items:
            admitted = run.admit(item)
            if admitted is None:
                continue
            if prefetch and isinstance(item, Document):
                prefetch(item)
            window.append(admitted)
            while len(window) > ahead:
                run.enqueue(window.popleft())
        while window:
            run.enqueue(window.popleft())
        run.drain()
    outcomes = {k: run.outcomes.get(k, 0) for k in
                ("stored", "duplicate", "skipped", "failed", "unchanged")}
    table = [{"outcome": o, "reason": r, "n": n}
             for (o, r), n in sorted(run.table.items(), key=lambda kv: (kv[0][0], -kv[1]))]
    return {"run_id": run_id, "outcomes": outcomes, "reasons": dict(run.reasons),
            "table": table, "events": run.events, "new_rows": dict(run.new_rows),
            "inputs": sum(outcomes.values()), "seconds": round(time.monotonic() - started, 2),
            "exit_code": 1 if outcomes["failed"] else 0}


def format_summary(summary: dict) -> str:
    """The closing table of `communique ingest`: outcomes and reasons."""
    lines = [f"{'outcome':<10} {'reason':<18} {'inputs':>7}"]
    for row in summary["table"]:
        lines.append(f"{row['outcome']:<10} {row['reason'][:18]:<18} {row['n']:>7}")
    lines.append(f"{'total':<10} {'':<18} {summary['inputs']:>7}")
    secs = summary.get("seconds") or 0
    stored = summary["outcomes"].get("stored", 0)
    rate = f", {stored / secs:.1f} documents/s" if secs and stored else ""
    lines.append(f"events stored: {summary['events']}  ({secs:.1f} s{rate})")
    return "\n".join(lines)
