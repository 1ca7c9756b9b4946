"""Reading the store for the API: one read-only Store, a DuckDB cursor per request, a time limit.

DuckDB connections are not thread-safe, so each request gets its own cursor (a connection to the
same database) made under the Store's lock; queries then run in parallel. A query that runs past
the time limit is interrupted (`DuckDBPyConnection.interrupt`) and the request gets a 504.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from contextlib import contextmanager
from typing import Any, Callable, Iterator

import duckdb

from ..errors import CommuniqueError
from ..store import Store


class NotFound(CommuniqueError):
    """The thing asked for is not in the store."""
    status = 404


class QueryTimeout(CommuniqueError):
    """A query ran past the API's time limit and was interrupted."""
    status = 504


class BadRequest(CommuniqueError):
    """A parameter is well-formed but its value cannot be used (e.g. an unknown type)."""
    status = 422


class Reader:
    """A read-only view of a store shared by the server's threads."""

    MEMO_SIZE = 64

    def __init__(self, db_path: str, *, read_only: bool = True, timeout: float | None = 10.0):
        self.store = Store(db_path, read_only=read_only)
        self.timeout = timeout
        # answers worked out in Python over the whole store (the people merged one per person),
        # kept until the store changes: only this process writes it (a read-only server's
        # store cannot change while it holds it), so `changed()` is called by whoever wrote
        self.generation = 0
        self._memo: OrderedDict = OrderedDict()
        self._memo_lock = threading.Lock()
        self._computing: dict = {}              # key → lock held while it is worked out

    def changed(self) -> None:
        """The store was written: forget what `memo` kept."""
        with self._memo_lock:
            self.generation += 1
            self._memo.clear()

    def memo(self, key: Any, compute: Callable[[], Any]) -> Any:
        """compute() once per store generation (the MEMO_SIZE latest keys are kept); a request
        that comes while the same key is being worked out waits for that answer."""
        with self._memo_lock:
            key_lock = self._computing.setdefault(key, threading.Lock())
        with key_lock:
            with self._memo_lock:
                generation = self.generation
                if key in self._memo:
                    self._memo.move_to_end(key)
                    return self._memo[key]
            value = compute()
            with self._memo_lock:
                if generation == self.generation:
                    self._memo[key] = value
                    while len(self._memo) > self.MEMO_SIZE:
                        self._memo.popitem(last=False)
                self._computing.pop(key, None)
        return value

    def close(self) -> None:
        self.store.close()

    @contextmanager
    def cursor(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A cursor of its own for one request, interrupted after `timeout` seconds."""
        with self.store.lock:
            cur = self.store.con.cursor()
        fired = threading.Event()
        timer = None
        if self.timeout:
            def interrupt():
                fired.set()
                cur.interrupt()
            timer = threading.Timer(self.timeout, interrupt)
            timer.daemon = True
            timer.start()
        try:
            yield cur
        except duckdb.InterruptException as exc:
            raise QueryTimeout(f"the query took longer than {self.timeout:g} s and was stopped",
                               hint="narrow the filters (dates, type, actor) or ask for "
                                    "fewer rows") from exc
        except duckdb.Error as exc:
            if fired.is_set():
                raise QueryTimeout(f"the query took longer than {self.timeout:g} s and was "
                                   "stopped", hint="narrow the filters") from exc
            raise
        finally:
            if timer is not None:
                timer.cancel()
            cur.close()
