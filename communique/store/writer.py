"""Writing records into the store: rows from records, one transaction per batch, one writer.

Every row has a key made from content (the records' ids, or a hash of the row's identifying
fields), and rows are inserted with ON CONFLICT DO NOTHING, so writing the same input twice
changes nothing. Entities are the one upsert: their aliases grow as new surface texts appear.

Extraction workers do not write: they hand (document, events, mentions) to the one process that
owns the store, which adds them to a `Writer`; the Writer writes a batch of documents per
transaction.
"""
from __future__ import annotations

import calendar
import datetime as _dt
import json
import re
import threading
from typing import TYPE_CHECKING, Any, Iterable, Sequence

from ..errors import StoreError
from ..ids import content_id
from ..records import Document, Event, Mention

if TYPE_CHECKING:  # pragma: no cover
    from .core import Store

Item = tuple[Document, Sequence[Event], Sequence[Mention]]

COLUMNS: dict[str, tuple[str, ...]] = {
    "documents": ("id", "source", "url", "title", "published", "published_text", "language",
                  "text", "raw_text", "furniture", "ingested_at"),
    "sources": ("id", "doc_id", "source", "url", "seen_at"),
    "articles": ("doc_id", "idx", "start", "end", "title", "body_start"),
    "entities": ("id", "type", "name", "aliases", "wikidata"),
    "mentions": ("id", "doc_id", "start", "end", "text", "type", "name", "entity_id", "title",
                 "org", "sentence", "via"),
    "positions": ("id", "person", "title", "org", "seen", "doc_id", "evidence_start",
                  "evidence_end", "evidence_text"),
    "events": ("id", "doc_id", "source", "article", "type", "mode", "status", "when_start",
               "when_end", "precision", "basis", "when_text", "approximate", "where_name",
               "where_country", "where_geonameid", "lat", "lon", "topics", "evidence_text",
               "evidence_start", "evidence_end", "sentence", "trigger", "cameo", "quad",
               "confidence", "record"),
    "participants": ("id", "event_id", "role", "idx", "entity_id", "name", "type", "title",
                     "org", "text", "start", "end"),
}
# the columns that identify a row (its primary key), used to drop duplicates inside a batch
KEYS: dict[str, tuple[int, ...]] = {table: (0,) for table in COLUMNS}
KEYS["articles"] = (0, 1)

# rows per INSERT statement; each column goes in as one list parameter, unnested by DuckDB
# (columnar: far faster than executemany or a VALUES row per record)
_CHUNK = 20000

_ISO = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def date_range(value: str | None) -> tuple[_dt.date | None, _dt.date | None]:
    """First and last day of an ISO date at day, month or year precision; (None, None) else.

    >>> date_range("2019-09")
    (datetime.date(2019, 9, 1), datetime.date(2019, 9, 30))
    """
    if not value or not isinstance(value, str):
        return None, None
    m = _ISO.match(value.strip()[:10])
    if not m:
        return None, None
    year, month, day = int(m.group(1)), m.group(2), m.group(3)
    try:
        if day is not None:
            d = _dt.date(year, int(month), int(day))
            return d, d
        if month is not None:
            last = calendar.monthrange(year, int(month))[1]
            return _dt.date(year, int(month), 1), _dt.date(year, int(month), last)
        return _dt.date(year, 1, 1), _dt.date(year, 12, 31)
    except ValueError:                     # "2019-09-31", month 13: not a date
        return None, None


def parse_date(value: str | None) -> _dt.date | None:
    """A day from an ISO date string (YYYY-MM-DD, or a timestamp starting with one); else None."""
    first, last = date_range(value)
    return first if first is not None and first == last else None


def _now() -> _dt.datetime:
    return _dt.datetime.now(_dt.timezone.utc).replace(tzinfo=None)


def rows_for(items: Iterable[Item], now: _dt.datetime | None = None) -> dict[str, list[tuple]]:
    """The rows of every table for a batch of (document, events, mentions), duplicates removed."""
    now = now or _now()
    rows: dict[str, dict[tuple, tuple]] = {table: {} for table in COLUMNS}
    entities: dict[str, dict[str, Any]] = {}

    def put(table: str, row: tuple) -> None:
        key = tuple(row[i] for i in KEYS[table])
        rows[table].setdefault(key, row)

    def see_entity(entity_id: str, type_: str, name: str, surface: str) -> None:
        if not entity_id:
            return
        entry = entities.setdefault(entity_id, {"type": type_, "name": name, "aliases": set()})
        if surface:
            entry["aliases"].add(surface)

    for document, events, mentions in items:
        if not isinstance(document, Document):
            raise StoreError(f"expected a Document, got {type(document).__name__}")
        doc = document
        published = parse_date(doc.published)
        put("documents", (doc.id, doc.source, doc.url, doc.title, published, doc.published,
                          doc.language, doc.text, doc.raw_text, list(doc.furniture or []), now))
        if doc.source or doc.url:
            put("sources", (content_id(doc.id, doc.source, doc.url, prefix="src_"), doc.id,
                            doc.source, doc.url, now))
        for article in doc.articles:
            put("articles", (doc.id, article.index, article.start, article.end, article.title,
                             article.body_start))
        for m in mentions:
            put("mentions", (content_id(doc.id, m.start, m.end, m.type, m.entity_id, prefix="men_"),
                             doc.id, m.start, m.end, m.text, m.type, m.name, m.entity_id, m.title,
                             m.org, m.sentence, m.via))
            # a pronoun or a bare post is how the text refers to someone, not another name
            named = m.via not in {"pronoun", "post", "implied", "place", "dateline", "speaker"}
            see_entity(m.entity_id, m.type, m.name, m.text if named else "")
            if m.type == "PERSON" and m.title and named:
                put("positions", (content_id(m.entity_id, m.title, m.org, doc.id, m.start, m.end,
                                             prefix="pos_"),
                                  m.entity_id, m.title, m.org, published, doc.id, m.start, m.end,
                                  m.text))
        for ev in events:
            if ev.doc_id != doc.id:
                raise StoreError(f"event {ev.id} belongs to document {ev.doc_id}, not {doc.id}",
                                 hint="write each document with its own events")
            put("events", _event_row(ev))
            for role, people in (("actor", ev.actors), ("recipient", ev.recipients)):
                for idx, p in enumerate(people):
                    put("participants", (content_id(ev.id, role, idx, prefix="par_"), ev.id, role,
                                         idx, p.entity_id, p.name, p.type, p.title, p.org, p.text,
                                         p.start, p.end))
                    # "he" or "the Secretary" point at a participant; only a name is an alias
                    last = (p.text or "").split()[-1:]
                    see_entity(p.entity_id, p.type, p.name,
                               p.text if last and last[0] in (p.name or "").split() else "")

    for entity_id, e in entities.items():
        put("entities", (entity_id, e["type"], e["name"], sorted(e["aliases"]), None))
    return {table: list(by_key.values()) for table, by_key in rows.items()}


def _event_row(ev: Event) -> tuple:
    when, where, evidence = ev.when, ev.where, ev.evidence
    first, _ = date_range(when.start)
    _, last = date_range(when.end or when.start)
    if first is not None and last is not None and last < first:
        last = first
    return (ev.id, ev.doc_id, ev.source, ev.article, ev.type, ev.mode, ev.status, first, last,
            when.precision, when.basis, when.text, bool(when.approximate),
            where.name if where else None, where.country if where else None,
            where.geonameid if where else None, where.lat if where else None,
            where.lon if where else None, list(ev.topics or []), evidence.text, evidence.start,
            evidence.end, evidence.sentence, ev.trigger, ev.cameo, ev.quad, ev.confidence,
            json.dumps(ev.to_dict(), ensure_ascii=False))


def _quote(column: str) -> str:
    return f'"{column}"'


def _insert(con, table: str, rows: list[tuple]) -> int:
    """Insert rows, skipping those whose key is already there; return how many were new."""
    if not rows:
        return 0
    columns = COLUMNS[table]
    if table == "entities":
        conflict = ("ON CONFLICT (id) DO UPDATE SET aliases = "
                    "list_sort(list_distinct(list_concat(entities.aliases, excluded.aliases))) "
                    "WHERE NOT list_has_all(entities.aliases, excluded.aliases)")
    else:
        conflict = "ON CONFLICT DO NOTHING"
    sql = (f"INSERT INTO {table} ({', '.join(map(_quote, columns))}) SELECT * FROM (SELECT "
           + ", ".join(f"unnest(?) AS c{i}" for i in range(len(columns))) + f") {conflict}")
    inserted = 0
    for i in range(0, len(rows), _CHUNK):
        chunk = rows[i:i + _CHUNK]
        result = con.execute(sql, [list(col) for col in zip(*chunk)]).fetchone()
        inserted += int(result[0]) if result else 0
    return inserted


def _delete_derived(con, doc_ids: list[str]) -> None:
    """Remove what was extracted from these documents (for a re-extraction that replaces it)."""
    con.execute("DELETE FROM participants WHERE event_id IN "
                "(SELECT id FROM events WHERE list_contains(?, doc_id))", [doc_ids])
    for table in ("events", "mentions", "positions", "articles"):
        con.execute(f"DELETE FROM {table} WHERE list_contains(?, doc_id)", [doc_ids])
    con.execute("DELETE FROM documents WHERE list_contains(?, id)", [doc_ids])


def write_batch(con, items: Sequence[Item], replace: bool = False) -> dict[str, int]:
    """Write a batch in one transaction; return the number of new rows per table.

    `replace=True` first deletes the events, participants, mentions, positions and articles
    stored for these documents, so a re-extraction replaces the old one instead of adding to it.
    Entities and sources are kept: they are shared with, or about, other writes.
    """
    rows = rows_for(items)
    counts = {table: 0 for table in COLUMNS}
    if not items:
        return counts
    con.execute("BEGIN TRANSACTION")
    try:
        if replace:
            _delete_derived(con, sorted({doc.id for doc, _, _ in items}))
        for table in COLUMNS:
            counts[table] = _insert(con, table, rows[table])
        con.execute("COMMIT")
    except Exception as exc:
        try:
            con.execute("ROLLBACK")
        except Exception:  # the transaction may already be aborted and gone
            pass
        if isinstance(exc, StoreError):
            raise
        raise StoreError(f"could not write {len(items)} document(s): {exc}",
                         hint="nothing of this batch was written; fix the cause and write it again"
                         ) from exc
    return counts


class Writer:
    """The one writer of a store: buffers documents and writes them a batch per transaction.

    >>> with store.writer(batch_size=100) as writer:      # doctest: +SKIP
    ...     for document, events, mentions in results:    # e.g. from a process pool's imap
    ...         writer.add(document, events, mentions)
    """

    def __init__(self, store: "Store", batch_size: int = 50, replace: bool = False):
        if batch_size < 1:
            raise StoreError("batch_size must be at least 1")
        self.store = store
        self.batch_size = batch_size
        self.replace = replace
        self.totals: dict[str, int] = {table: 0 for table in COLUMNS}
        self.documents = 0                  # documents written so far
        self._pending: list[Item] = []
        self._lock = threading.Lock()

    @property
    def pending(self) -> int:
        """Documents added and not yet written."""
        return len(self._pending)

    def add(self, document: Document, events: Sequence[Event] = (),
            mentions: Sequence[Mention] = ()) -> None:
        """Queue one document with its records; write the batch when it is full."""
        with self._lock:
            self._pending.append((document, list(events), list(mentions)))
            full = len(self._pending) >= self.batch_size
        if full:
            self.flush()

    def flush(self) -> dict[str, int]:
        """Write what is queued in one transaction; return the new rows per table."""
        with self._lock:
            batch, self._pending = self._pending, []
        if not batch:
            return {table: 0 for table in COLUMNS}
        try:
            counts = self.store._write_items(batch, replace=self.replace)
        except StoreError:
            with self._lock:               # keep the batch so a retry can write it
                self._pending = batch + self._pending
            raise
        with self._lock:
            self.documents += len(batch)
            for table, n in counts.items():
                self.totals[table] += n
        return counts

    def close(self) -> dict[str, int]:
        """Write what is left; return the totals of new rows per table."""
        self.flush()
        return dict(self.totals)

    def __enter__(self) -> "Writer":
        return self

    def __exit__(self, *exc_info) -> None:
        # what was added is complete records: write it even when the caller stopped on an error,
        # so an interrupted ingest keeps what it finished
        self.flush()
