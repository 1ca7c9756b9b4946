"""Extraction on all cores of one machine: a pool of worker processes, each with its own model.

`PoolExtractor` has the `Extractor` interface (`extract_many` yields one `Extraction` per
document, in input order), so ingest, `extract --input` and the Python API use either. Work goes
to the workers in small tasks; results come back in order, so whatever the number of workers the
records are the same. The one writer (ingest) may `prefetch` documents it will ask for later, so
that the workers go on extracting while it stores a chunk.

Workers are spawned (not forked): each imports communique and loads spaCy itself, opens the
on-disk indexes (GeoNames) read-only, and quits when its parent is gone, even after a kill -9.
"""
from __future__ import annotations

import functools
import logging
import multiprocessing as mp
import os
import threading
import time
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from ..extract import Extraction, Extractor
from ..nlp.pipeline import MODEL
from ..records import Document

log = logging.getLogger(__name__)

TASK_DOCUMENTS = 4          # documents per task: small enough to balance long and short texts
SMALL_RUN = 8               # fewer documents than this are extracted in one process


def default_workers() -> int:
    """The cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


@functools.lru_cache(maxsize=1)
def _worker_extractor(model: str) -> Extractor:
    """The worker process's one Extractor (a pure function of the model name)."""
    return Extractor(model)


def _watch_parent(parent: int) -> None:
    # a worker whose writer died (kill -9) has nothing to do: it leaves rather than linger
    while True:
        time.sleep(1.0)
        if os.getppid() != parent:
            os._exit(0)


def _init_worker(model: str, parent: int) -> None:
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()
    from ..actors.gazetteer import _geonames_index
    _geonames_index()
    _worker_extractor(model)


def _extract_task(model: str, documents: list[Document]) -> list[Extraction]:
    return list(_worker_extractor(model).extract_many(documents))


class PoolExtractor:
    """`workers` processes extracting in parallel; results in input order. Use as a context
    manager (or call `close`)."""

    def __init__(self, workers: int | None = None, model: str = MODEL, *,
                 task_documents: int = TASK_DOCUMENTS):
        from ..actors.gazetteer import _geonames_index
        self.workers = workers or default_workers()
        self.model = model
        self.task_documents = task_documents
        self.lookahead = 4 * task_documents * self.workers   # inputs read ahead by ingest
        _geonames_index()     # built on disk once here, before the workers would race for it
        self._pool = ProcessPoolExecutor(self.workers, mp_context=mp.get_context("spawn"),
                                         initializer=_init_worker, initargs=(model, os.getpid()))
        self._buffer: list[Document] = []                       # prefetched, not yet sent
        self._ahead: deque[tuple[Document, Future, int]] = deque()   # sent, in order

    # -- the Extractor interface -----------------------------------------------------------
    def extract(self, document: Document) -> Extraction:
        return next(self.extract_many([document]))

    def extract_many(self, documents: Iterable[Document]) -> Iterator[Extraction]:
        """Extraction of each document in order; a document whose worker failed gets the error
        on its record. At most `lookahead` documents are sent ahead of the one yielded, so a
        long input neither waits for all its results in memory nor loses any to the trimming
        of prefetched documents nobody asked for."""
        wanted: deque[Document] = deque()
        source = iter(documents)

        def top_up() -> None:
            while len(wanted) < self.lookahead:
                document = next(source, None)
                if document is None:
                    break
                wanted.append(document)
                if not self._queued(document):
                    self.prefetch(document)
            self._send()

        top_up()
        while wanted:
            document = wanted.popleft()
            entry = next((e for e in self._ahead if e[0] is document), None)
            if entry is None:                       # asked for twice, or trimmed below
                self.prefetch(document)
                self._send()
                entry = self._ahead[-1]
            self._ahead.remove(entry)
            result = self._result(document, entry[1], entry[2])
            top_up()
            self._trim({id(d) for d in wanted})
            yield result

    def _queued(self, document: Document) -> bool:
        return (any(e[0] is document for e in self._ahead)
                or any(d is document for d in self._buffer))

    def _trim(self, wanted: set[int]) -> None:
        # documents the writer prefetched and then passed over (duplicates) are dropped in time;
        # documents still wanted never are
        excess = len(self._ahead) - 4 * self.lookahead
        if excess <= 0:
            return
        kept: deque = deque()
        for entry in self._ahead:
            if excess > 0 and id(entry[0]) not in wanted:
                excess -= 1
            else:
                kept.append(entry)
        self._ahead = kept

    def prefetch(self, document: Document) -> None:
        """Start extracting a document that `extract_many` will be asked for later."""
        self._buffer.append(document)
        if len(self._buffer) >= self.task_documents:
            self._send()

    # -- internals -------------------------------------------------------------------------
    def _send(self) -> None:
        if not self._buffer:
            return
        batch, self._buffer = self._buffer, []
        try:
            future = self._pool.submit(_extract_task, self.model, batch)
        except BrokenProcessPool as exc:
            future = Future()
            future.set_exception(exc)
        for index, document in enumerate(batch):
            self._ahead.append((document, future, index))

    def _result(self, document: Document, future: Future, index: int) -> Extraction:
        try:
            return future.result()[index]
        except BrokenProcessPool as exc:
            log.warning("a worker died extracting %s: %s", document.source, exc)
            return Extraction(document, error=f"the worker process died ({exc}); run again")
        except Exception as exc:  # noqa: BLE001 - reported on the record, never dropped
            return Extraction(document, error=f"{type(exc).__name__}: {exc}")

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)

    def __enter__(self) -> "PoolExtractor":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def make_extractor(workers: int | None, model: str = MODEL, *,
                   documents: int | None = None) -> Extractor | PoolExtractor:
    """An in-process Extractor for one worker, else a pool of `workers` processes. With
    `documents` (how many there are, when known) below SMALL_RUN, one process: loading the
    model in more processes would cost more than it saves."""
    workers = workers or default_workers()
    if documents is not None and documents < SMALL_RUN:
        workers = 1
    return Extractor(model) if workers <= 1 else PoolExtractor(workers, model)
