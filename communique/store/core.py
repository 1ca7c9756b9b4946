"""The Store: one DuckDB file, migrated on opening, written by one writer, read by queries.

>>> with Store("communique.duckdb") as store:                      # doctest: +SKIP
...     store.write(document, events, mentions)
...     store.events(actor="Semerikov", since="2019-09", type="CONSULT")

DuckDB lets one process open a file read-write (or several open it read-only), so the process
that owns the store writes for everyone: extraction workers hand their records to its Writer.
Inside that process the Store serialises use of its connection with a lock, so threads (a web
server's, a writer fed from a queue) can share it.
"""
from __future__ import annotations

import os
import threading
from typing import Sequence

import duckdb

from ..errors import StoreError
from ..records import Document, Event, Mention
from . import queries
from .schema import MIGRATIONS, TABLES, Migration, applied, migrate
from .writer import Item, Writer, write_batch


def damaged(path: str, exc: Exception) -> StoreError:
    """The error for a store file that cannot be read: what failed, and how to recover."""
    return StoreError(f"the store {path} cannot be read; it is damaged or not a communique "
                      f"store ({type(exc).__name__}: {str(exc).splitlines()[0][:300]})",
                      hint=f"`communique doctor --db {path}` checks it and copies what can be "
                           "read to a new file; or ingest the inputs again into a new store")


class Store:
    """A communique store in a DuckDB file (":memory:" for one in memory)."""

    def __init__(self, path: str = "communique.duckdb", read_only: bool = False, *,
                 migrations: Sequence[Migration] = MIGRATIONS):
        self.path = str(path)
        self.read_only = read_only
        self._lock = threading.RLock()
        in_memory = self.path == ":memory:"
        if read_only and not in_memory and not os.path.exists(self.path):
            raise StoreError(f"no store at {self.path}",
                             hint="ingest something first, or check the path")
        if not in_memory and not read_only:
            os.makedirs(os.path.dirname(os.path.abspath(self.path)), exist_ok=True)
        try:
            self._con = duckdb.connect(self.path, read_only=read_only)
        except duckdb.IOException as exc:
            if "lock" not in str(exc).lower():
                raise damaged(self.path, exc) from exc
            raise StoreError(f"cannot open the store {self.path}: {exc}",
                             hint="another process has it open for writing; open it "
                                  "read-only, or write through that process") from exc
        except duckdb.Error as exc:
            raise damaged(self.path, exc) from exc
        try:
            self.migrated = migrate(self._con, read_only=read_only, migrations=migrations,
                                    path=self.path)
        except duckdb.Error as exc:
            self._con.close()
            raise damaged(self.path, exc) from exc
        except BaseException:
            self._con.close()
            raise

    # -- lifecycle -------------------------------------------------------------------------
    @property
    def con(self) -> duckdb.DuckDBPyConnection:
        """The DuckDB connection, for ad-hoc SQL (hold `store.lock` when sharing threads)."""
        if self._con is None:
            raise StoreError(f"the store {self.path} is closed")
        return self._con

    @property
    def lock(self) -> threading.RLock:
        return self._lock

    def close(self) -> None:
        with self._lock:
            if self._con is not None:
                self._con.close()
                self._con = None

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def __repr__(self) -> str:
        mode = "read-only" if self.read_only else "read-write"
        return f"Store({self.path!r}, {mode})"

    def migrations(self) -> list[dict]:
        """The migrations applied to this file: [{"name", "applied_at"}] in order."""
        with self._lock:
            return applied(self.con)

    # -- writing ---------------------------------------------------------------------------
    def _write_items(self, items: Sequence[Item], replace: bool = False) -> dict[str, int]:
        if self.read_only:
            raise StoreError(f"the store {self.path} is open read-only",
                             hint="open it without read_only to write")
        with self._lock:
            return write_batch(self.con, items, replace=replace)

    def write(self, document: Document, events: Sequence[Event] = (),
              mentions: Sequence[Mention] = (), *, replace: bool = False) -> dict[str, int]:
        """Write one document with its events and mentions in one transaction.

        Returns the new (or, for entities, changed) rows per table: all zeros when the same
        input was written before. `replace=True` drops what was extracted from this document
        before (events, participants, mentions, positions, articles) and writes the new records.
        """
        return self._write_items([(document, list(events), list(mentions))], replace=replace)

    def writer(self, batch_size: int = 50, replace: bool = False) -> Writer:
        """The one writer: `add()` documents, written `batch_size` per transaction."""
        if self.read_only:
            raise StoreError(f"the store {self.path} is open read-only",
                             hint="open it without read_only to write")
        return Writer(self, batch_size=batch_size, replace=replace)

    # -- reading ---------------------------------------------------------------------------
    def events(self, actor: str | None = None, type: str | Sequence[str] | None = None,
               status: str | Sequence[str] | None = None, since=None, until=None,
               text: str | None = None, doc_id: str | None = None, limit: int | None = 100,
               offset: int = 0, order: str = "when", entity=None, place=None,
               site=None) -> list[Event]:
        with self._lock:
            return queries.events(self.con, actor=actor, type=type, status=status, since=since,
                                  until=until, text=text, doc_id=doc_id, limit=limit,
                                  offset=offset, order=order, entity=entity, place=place,
                                  site=site)
    events.__doc__ = queries.events.__doc__

    def count_events(self, actor=None, type=None, status=None, since=None, until=None,
                     text=None, doc_id=None, entity=None, place=None, site=None) -> int:
        """How many events match the filters of `events` (for paging)."""
        with self._lock:
            return queries.count_events(self.con, actor=actor, type=type, status=status,
                                        since=since, until=until, text=text, doc_id=doc_id,
                                        entity=entity, place=place, site=site)

    def event(self, event_id: str) -> Event | None:
        with self._lock:
            return queries.event(self.con, event_id)

    def document(self, doc_id: str) -> Document | None:
        with self._lock:
            return queries.document(self.con, doc_id)

    def sources(self, doc_id: str) -> list[dict]:
        with self._lock:
            return queries.sources(self.con, doc_id)

    def mentions(self, doc_id: str) -> list[Mention]:
        with self._lock:
            return queries.mentions(self.con, doc_id)

    def evidence_context(self, event_id: str) -> dict | None:
        with self._lock:
            return queries.evidence_context(self.con, event_id)
    evidence_context.__doc__ = queries.evidence_context.__doc__

    def entities(self, type: str | Sequence[str] | None = None, name: str | None = None,
                 limit: int | None = None) -> list[dict]:
        with self._lock:
            return queries.entities(self.con, type=type, name=name, limit=limit)

    def people(self, name: str | None = None) -> list[dict]:
        with self._lock:
            return queries.people(self.con, name=name)

    def counts(self, by: str = "month", **filters) -> list[dict]:
        with self._lock:
            return queries.counts(self.con, by=by, **filters)
    counts.__doc__ = queries.counts.__doc__

    def stats(self) -> dict[str, int]:
        with self._lock:
            return queries.stats(self.con)

    def export_parquet(self, out_dir: str, tables: Sequence[str] = TABLES) -> dict[str, str]:
        with self._lock:
            return queries.export_tables(self.con, out_dir, tables)


def export_parquet(store: Store, out_dir: str, tables: Sequence[str] = TABLES) -> dict[str, str]:
    """Write every table of the store to `out_dir/<table>.parquet` with DuckDB's COPY."""
    return store.export_parquet(out_dir, tables)
