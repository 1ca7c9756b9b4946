"""The store's schema, as named migrations applied in order, each once.

Like sqlite-utils' migrations: every migration has a name; the names applied to a file are
recorded in `_migrations` (name, applied_at). Opening a store applies the pending ones, each in
its own transaction together with its `_migrations` row, so a crash leaves either all of a
migration or none of it. A file that records a migration this code does not know was written by
a newer communique: it is refused rather than guessed at.

To change the schema, append a migration to MIGRATIONS; never edit or reorder applied ones.
"""
from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from typing import Callable, Sequence

import duckdb

from ..errors import StoreError

# Tables in the order they are exported and counted; `_migrations` is bookkeeping, not data.
TABLES = ("documents", "sources", "articles", "entities", "mentions", "positions",
          "events", "participants")

_INITIAL = [
    """CREATE TABLE documents (
        id VARCHAR PRIMARY KEY,
        source VARCHAR,
        url VARCHAR,
        title VARCHAR,
        published DATE,              -- NULL when unknown or not a valid date
        published_text VARCHAR,      -- the Document's `published` as given, for exact rebuilds
        language VARCHAR,
        text VARCHAR NOT NULL,
        raw_text VARCHAR,
        furniture VARCHAR[],
        ingested_at TIMESTAMP
    )""",
    # every source a document came from (the same text may be published in several places)
    """CREATE TABLE sources (
        id VARCHAR PRIMARY KEY,      -- hash of doc_id, source, url
        doc_id VARCHAR NOT NULL,
        source VARCHAR,
        url VARCHAR,
        seen_at TIMESTAMP
    )""",
    """CREATE TABLE articles (
        doc_id VARCHAR NOT NULL,
        idx INTEGER NOT NULL,
        start INTEGER,
        "end" INTEGER,
        title VARCHAR,
        body_start INTEGER,
        PRIMARY KEY (doc_id, idx)
    )""",
    """CREATE TABLE entities (
        id VARCHAR PRIMARY KEY,
        type VARCHAR,
        name VARCHAR,
        aliases VARCHAR[],           -- distinct surface texts seen for the entity
        wikidata VARCHAR
    )""",
    """CREATE TABLE mentions (
        id VARCHAR PRIMARY KEY,      -- hash of doc_id, start, end, type, entity_id
        doc_id VARCHAR NOT NULL,
        start INTEGER,
        "end" INTEGER,
        text VARCHAR,
        type VARCHAR,
        name VARCHAR,
        entity_id VARCHAR,
        title VARCHAR,
        org VARCHAR,
        sentence INTEGER,
        via VARCHAR
    )""",
    # who held which post, as the texts say: one row per piece of evidence
    """CREATE TABLE positions (
        id VARCHAR PRIMARY KEY,      -- hash of person, title, org, doc_id, evidence span
        person VARCHAR NOT NULL,     -- entity id of the person
        title VARCHAR,
        org VARCHAR,
        seen DATE,                   -- the document's publication date, when known
        doc_id VARCHAR NOT NULL,
        evidence_start INTEGER,
        evidence_end INTEGER,
        evidence_text VARCHAR
    )""",
    """CREATE TABLE events (
        id VARCHAR PRIMARY KEY,
        doc_id VARCHAR NOT NULL,
        source VARCHAR,
        article INTEGER,
        type VARCHAR,
        mode VARCHAR,
        status VARCHAR,
        when_start DATE,             -- first day of when.start (a month or year widened)
        when_end DATE,               -- last day of when.end, else of when.start
        precision VARCHAR,
        basis VARCHAR,
        when_text VARCHAR,
        approximate BOOLEAN,
        where_name VARCHAR,
        where_country VARCHAR,
        where_geonameid BIGINT,
        lat DOUBLE,
        lon DOUBLE,
        topics VARCHAR[],
        evidence_text VARCHAR,
        evidence_start INTEGER,
        evidence_end INTEGER,
        sentence INTEGER,
        trigger VARCHAR,
        cameo VARCHAR,
        quad VARCHAR,
        confidence DOUBLE,
        record JSON NOT NULL         -- Event.to_dict(): Event.from_dict rebuilds it exactly
    )""",
    """CREATE TABLE participants (
        id VARCHAR PRIMARY KEY,      -- hash of event_id, role, idx
        event_id VARCHAR NOT NULL,
        role VARCHAR NOT NULL,       -- actor | recipient
        idx INTEGER,                 -- position in the event's actors or recipients
        entity_id VARCHAR,
        name VARCHAR,
        type VARCHAR,
        title VARCHAR,
        org VARCHAR,
        text VARCHAR,
        start INTEGER,
        "end" INTEGER
    )""",
]


@dataclass(frozen=True)
class Migration:
    """A named schema change: SQL statements, or a function of the connection."""
    name: str
    statements: Sequence[str] = ()
    function: Callable[[duckdb.DuckDBPyConnection], None] | None = None

    def apply(self, con: duckdb.DuckDBPyConnection) -> None:
        for sql in self.statements:
            con.execute(sql)
        if self.function is not None:
            self.function(con)


# every input an ingest met (a file, a corpus row, a feed item, a WARC record, a URL) and what
# became of it; plus the shingle sketches that find near-duplicates and teasers, and the links
# between a teaser (or a near copy) and the document it repeats
_INPUTS = [
    """CREATE TABLE inputs (
        key VARCHAR PRIMARY KEY,     -- the input: path, path#row, feed#guid, warc#uri, URL
        outcome VARCHAR NOT NULL,    -- stored | duplicate | skipped | failed
        reason VARCHAR,              -- why skipped or failed; for a duplicate: exact, near, teaser
        detail VARCHAR,
        doc_id VARCHAR,              -- content hash of the input's clean text, when it had one
        target_id VARCHAR,           -- the stored document it gave or repeats
        source VARCHAR,
        url VARCHAR,
        line INTEGER,                -- row or line inside a corpus file
        run_id VARCHAR,
        seen_at TIMESTAMP
    )""",
    """CREATE TABLE doc_shingles (
        hash UBIGINT NOT NULL,       -- a sampled word-shingle hash of the document's text
        doc_id VARCHAR NOT NULL
    )""",
    """CREATE TABLE doc_sizes (
        doc_id VARCHAR PRIMARY KEY,
        shingles INTEGER NOT NULL    -- how many sampled shingles the document has
    )""",
    """CREATE TABLE doc_links (
        from_id VARCHAR NOT NULL,    -- the teaser or near copy (a document id, maybe not stored)
        to_id VARCHAR NOT NULL,      -- the document it repeats
        kind VARCHAR NOT NULL,       -- exact | near | teaser
        score DOUBLE,
        PRIMARY KEY (from_id, to_id)
    )""",
]

MIGRATIONS: tuple[Migration, ...] = (
    Migration("0001_initial", _INITIAL),
    Migration("0002_inputs", _INPUTS),
)

_BOOKKEEPING = """CREATE TABLE IF NOT EXISTS _migrations (
    name VARCHAR PRIMARY KEY,
    applied_at TIMESTAMP NOT NULL
)"""


def _has_table(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    row = con.execute(
        "SELECT count(*) FROM information_schema.tables "
        "WHERE table_name = ? AND table_schema = current_schema()", [name]).fetchone()
    return bool(row and row[0])


def applied(con: duckdb.DuckDBPyConnection) -> list[dict]:
    """The migrations recorded in the file, in the order they were applied."""
    if not _has_table(con, "_migrations"):
        return []
    rows = con.execute(
        "SELECT name, applied_at FROM _migrations ORDER BY applied_at, name").fetchall()
    return [{"name": name, "applied_at": at} for name, at in rows]


def migrate(con: duckdb.DuckDBPyConnection, read_only: bool = False,
            migrations: Sequence[Migration] = MIGRATIONS, path: str = "") -> list[str]:
    """Apply the pending migrations in order; return the names applied now.

    Raises StoreError when the file records migrations unknown here (a newer communique wrote
    it), or when it needs migrations but is opened read-only.
    """
    names = [m.name for m in migrations]
    if len(set(names)) != len(names):
        raise StoreError("duplicate migration names", hint=", ".join(names))
    done = {m["name"] for m in applied(con)}
    unknown = sorted(done - set(names))
    if unknown:
        raise StoreError(
            f"the store {path or ''} has a newer schema than this communique knows "
            f"(unknown migrations: {', '.join(unknown)})".replace("  ", " "),
            hint="upgrade communique, or open a store written by this version")
    pending = [m for m in migrations if m.name not in done]
    if not pending:
        return []
    if read_only:
        if not done and not _has_table(con, "_migrations"):
            raise StoreError(f"{path or 'the file'} is not a communique store (no _migrations table)",
                             hint="create it by opening it once without read_only")
        raise StoreError(
            f"the store {path} needs migrations ({', '.join(m.name for m in pending)}) "
            "but is opened read-only".replace("  ", " "),
            hint="open it once read-write to migrate it")
    con.execute(_BOOKKEEPING)
    now = []
    for migration in pending:
        con.execute("BEGIN TRANSACTION")
        try:
            migration.apply(con)
            con.execute("INSERT INTO _migrations VALUES (?, ?)",
                        [migration.name, _dt.datetime.now(_dt.timezone.utc).replace(tzinfo=None)])
            con.execute("COMMIT")
        except Exception as exc:
            con.execute("ROLLBACK")
            raise StoreError(f"migration {migration.name} failed: {exc}",
                             hint="the store was left at the previous migration") from exc
        now.append(migration.name)
    return now
