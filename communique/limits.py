"""Limits that keep one hostile input from hanging or swamping a run: a time budget per document
and byte streams that stop at a size.

    with time_budget(30.0):          # raises OverBudget when the block runs longer
        clean(text)

The budget uses the interval timer (SIGALRM), so it acts in the main thread of a process (the
CLI, each worker of a pool); elsewhere (a web server's threads) it does nothing.
"""
from __future__ import annotations

import io
import signal
import threading
import time
from contextlib import contextmanager

DOC_SECONDS = 30.0          # cleaning, and extraction, of one document


class OverBudget(Exception):
    """A block ran past its time budget."""

    def __init__(self, seconds: float):
        super().__init__(f"over the time budget of {seconds:g} s")
        self.seconds = seconds


class TooLarge(Exception):
    """A stream passed its size limit."""


@contextmanager
def time_budget(seconds: float | None):
    """Raise OverBudget in the block after `seconds` (nothing when None or not the main
    thread). Inside another budget it ends no later than the outer one, whose timer goes on
    afterwards."""
    if not seconds or seconds <= 0 or threading.current_thread() is not threading.main_thread() \
            or not hasattr(signal, "setitimer"):
        yield
        return

    def on_alarm(signum, frame):
        raise OverBudget(seconds)

    outer_left = signal.getitimer(signal.ITIMER_REAL)[0]
    started = time.monotonic()
    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, min(seconds, outer_left) if outer_left else seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        if outer_left:
            left = outer_left - (time.monotonic() - started)
            signal.setitimer(signal.ITIMER_REAL, max(left, 1e-4))


class BoundedReader(io.RawIOBase):
    """A raw byte stream over another that raises TooLarge when more than `max_total` bytes
    come out, or (for compressed files) when what comes out passes `max_ratio` times what
    went in and over `ratio_floor` bytes: a decompression bomb stops early."""

    def __init__(self, fh, *, max_total: int | None = None, source=None,
                 max_ratio: float | None = None, ratio_floor: int = 64 << 20):
        self._fh, self._source = fh, source
        self.max_total, self.max_ratio, self.ratio_floor = max_total, max_ratio, ratio_floor
        self.total = 0

    def readable(self) -> bool:
        return True

    def readinto(self, b) -> int:
        data = self._fh.read(len(b))
        n = len(data)
        b[:n] = data
        self.total += n
        if self.max_total is not None and self.total > self.max_total:
            raise TooLarge(f"over {self.max_total} bytes")
        if self.max_ratio and self._source is not None and self.total > self.ratio_floor:
            consumed = max(1, self._source.tell())
            if self.total > self.max_ratio * consumed:
                raise TooLarge(f"decompresses over {self.max_ratio:g} times its size "
                               f"({self.total} bytes from {consumed}): a decompression bomb?")
        return n

    def close(self) -> None:
        self._fh.close()
        super().close()


def read_line(fh, limit: int) -> tuple[bytes, bool]:
    """One line of a binary stream, never holding more than `limit` bytes: (line, whole).
    A longer line is read to its end and thrown away: (its first bytes, False)."""
    line = fh.readline(limit + 1)
    if len(line) <= limit or line.endswith(b"\n"):
        return line, True
    while True:                                   # pass over the rest of the line
        rest = fh.readline(1 << 20)
        if not rest or rest.endswith(b"\n"):
            return line[:200], False
