"""Live stores: `communique serve` owns the store and runs ingestion itself.

DuckDB lets one process write a file, so the server is that process. It ingests
  * what `serve --watch` names (feeds, URL lists, folders, files), again every `--every`;
  * what `communique ingest` hands it: an ingest that finds the store held by a server writes
    its request into the server's inbox (a folder beside the store, readable by its owner only)
    and waits for the answer there. Nothing of this goes over HTTP: the web stays read-only.
One worker thread runs these one at a time through `pipeline_run.ingest_inputs`; the web's
requests keep reading (DuckDB cursors of the same database see each batch once committed).

Files beside STORE: STORE.serve.json (the server: pid, url, inbox) and STORE.inbox/
(<id>.request.json written by ingest, <id>.result.json written back by the server).
"""
from __future__ import annotations

import json
import logging
import os
import re
import threading
import time
import uuid
from dataclasses import asdict, dataclass, field

from ..errors import CommuniqueError

log = logging.getLogger("communique.live")

INBOX_POLL = 0.5               # seconds between looks into the inbox
HANDOFF_TIMEOUT = 6 * 3600.0   # an ingest handed over waits at most this long


def parse_every(text: str | float | int) -> float:
    """Seconds of '15m', '30s', '1h', '90' (seconds)."""
    if isinstance(text, (int, float)):
        return float(text)
    m = re.fullmatch(r"\s*([0-9]+(?:\.[0-9]+)?)\s*([smh]?)\s*", str(text))
    if not m:
        raise CommuniqueError(f"--every {text!r} is not a duration",
                              hint="give e.g. 30s, 15m or 1h")
    value = float(m.group(1)) * {"": 1, "s": 1, "m": 60, "h": 3600}[m.group(2)]
    if value < 1:
        raise CommuniqueError(f"--every {text!r} is shorter than a second", hint="e.g. 15m")
    return value


def info_path(db: str) -> str:
    return os.path.abspath(db) + ".serve.json"


def inbox_path(db: str) -> str:
    return os.path.abspath(db) + ".inbox"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _command_line(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as fh:
            return fh.read().replace(b"\0", b" ").decode("utf-8", "replace").strip()
    except OSError:
        return ""


def server_info(db: str) -> dict | None:
    """The server that holds the store, when one is running."""
    try:
        with open(info_path(db), encoding="utf-8") as fh:
            info = json.load(fh)
    except (OSError, ValueError):
        return None
    return info if isinstance(info.get("pid"), int) and _alive(info["pid"]) else None


def holder(db: str) -> str | None:
    """Who holds the store's write lock (a process id and its command line), or None when
    nobody does. Opens and closes the file at once when it is free."""
    import duckdb
    if not os.path.exists(db):
        return None
    try:
        duckdb.connect(db).close()
        return None
    except duckdb.IOException as exc:
        if "lock" not in str(exc).lower():
            raise
        m = re.search(r"PID (\d+)", str(exc))
        if not m:
            return "another process"
        pid = int(m.group(1))
        cmd = _command_line(pid)
        return f"process {pid}" + (f" ({cmd[:160]})" if cmd else "")


# -- the ingest side --------------------------------------------------------------------------
@dataclass
class Request:
    """What `communique ingest` asks the server to ingest (its arguments)."""
    sources: list[str]
    published: str | None = None
    include: list[str] | None = None
    max_bytes: int = 20_000_000
    fetch: dict = field(default_factory=dict)      # FetchSettings fields
    batch_size: int = 32
    near_duplicates: bool = True
    id: str = field(default_factory=lambda: uuid.uuid4().hex)


def _absolute(source: str) -> str:
    from ..ingest.fetch import is_url
    return source if is_url(source) or source == "-" else os.path.abspath(source)


def hand_off_or_wait(db: str, request: Request, echo=print, poll: float = 2.0) -> dict | None:
    """Before `communique ingest` opens the store: when a server holds it, hand it the request
    and return the server's summary; when another process holds it, say which and wait for it;
    None when the store is free (the caller ingests itself)."""
    said = None
    while True:
        info = server_info(db)
        if info is not None:
            return hand_off(db, request, info, echo=echo)
        who = holder(db)
        if who is None:
            return None
        if who != said:
            echo(f"the store {db} is held by {who}, which is not a communique server; "
                 "waiting for it to finish (Ctrl-C stops)")
            said = who
        time.sleep(poll)


def hand_off(db: str, request: Request, info: dict, echo=print,
             timeout: float = HANDOFF_TIMEOUT) -> dict:
    if "-" in request.sources:
        raise CommuniqueError(f"the store {db} is held by the server at {info.get('url')} "
                              f"(pid {info['pid']}), which cannot read this command's stdin",
                              hint="write the input to a file and ingest that file")
    request.sources = [_absolute(s) for s in request.sources]
    inbox = info["inbox"]
    tmp = os.path.join(inbox, f".{request.id}.tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        json.dump(asdict(request), fh)
    os.replace(tmp, os.path.join(inbox, f"{request.id}.request.json"))
    echo(f"the store {db} is held by the communique server at {info.get('url')} (pid "
         f"{info['pid']}): handed it these inputs; waiting for it to ingest them")
    result = os.path.join(inbox, f"{request.id}.result.json")
    deadline = time.monotonic() + timeout
    while not os.path.exists(result):
        if not _alive(info["pid"]):
            raise CommuniqueError(f"the server (pid {info['pid']}) stopped before ingesting",
                                  hint="run the ingest again")
        if time.monotonic() > deadline:
            raise CommuniqueError("the server did not finish the ingest in time",
                                  hint=f"see its log; the request is {result}")
        time.sleep(0.2)
    with open(result, encoding="utf-8") as fh:
        answer = json.load(fh)
    os.remove(result)
    if "error" in answer:
        raise CommuniqueError(answer["error"], hint=answer.get("hint"))
    return answer


# -- the server side --------------------------------------------------------------------------
class Live:
    """The server's ingestion: a worker thread polling `watch` every `every` seconds and the
    inbox, ingesting one thing at a time. `runs` counts finished ingests, `changes` those that
    stored something (the page reloads when it changes)."""

    def __init__(self, db: str, watch: list[str] = (), every: float = 900.0, *,
                 fetch=None, url: str = "", on_change=None):
        self.db = db
        self.watch = [_absolute(s) for s in watch]
        self.every = every
        self.fetch = fetch
        self.url = url
        self.on_change = on_change      # called after an ingest that stored something
        self.runs = 0
        self.changes = 0                # ingests that added or linked something
        self.last: dict | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._extractor = None

    # lifecycle
    def start(self) -> None:
        inbox = inbox_path(self.db)
        os.makedirs(inbox, mode=0o700, exist_ok=True)
        os.chmod(inbox, 0o700)
        info = {"pid": os.getpid(), "url": self.url, "inbox": inbox,
                "watch": self.watch, "every": self.every}
        tmp = info_path(self.db) + ".tmp"
        with open(tmp, "w", encoding="utf-8") as fh:
            json.dump(info, fh)
        os.replace(tmp, info_path(self.db))
        self._thread = threading.Thread(target=self._loop, name="communique-live", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=30)
        try:
            with open(info_path(self.db), encoding="utf-8") as fh:
                if json.load(fh).get("pid") == os.getpid():
                    os.remove(info_path(self.db))
        except (OSError, ValueError):
            pass

    def status(self) -> dict:
        return {"watch": self.watch, "every": self.every if self.watch else None,
                "runs": self.runs, "changes": self.changes, "last": self.last}

    # the worker
    def _loop(self) -> None:
        next_poll = time.monotonic() if self.watch else float("inf")
        while not self._stop.is_set():
            for request in self._requests():
                self._answer(request)
            if time.monotonic() >= next_poll:
                next_poll = time.monotonic() + self.every
                self._run(self.watch, {}, label="watch")
            self._stop.wait(INBOX_POLL)

    def _requests(self) -> list[tuple[str, dict]]:
        inbox = inbox_path(self.db)
        found = []
        for name in sorted(os.listdir(inbox)):
            if name.endswith(".request.json"):
                path = os.path.join(inbox, name)
                try:
                    with open(path, encoding="utf-8") as fh:
                        found.append((path, json.load(fh)))
                except (OSError, ValueError) as exc:
                    log.warning("unreadable request %s: %s", path, exc)
                os.remove(path)
        return found

    def _answer(self, item: tuple[str, dict]) -> None:
        path, data = item
        result = path[:-len(".request.json")] + ".result.json"
        try:
            request = Request(**data)
            answer = self._run(request.sources, request, label="handed over", strict=True)
        except CommuniqueError as exc:
            answer = {"error": exc.message, "hint": exc.hint}
        except Exception as exc:                    # noqa: BLE001 - the ingest waits for a word
            log.exception("a handed-over ingest failed")
            answer = {"error": f"the server failed to ingest: {exc}", "hint": "see its log"}
        tmp = result + ".tmp"
        with open(tmp, "w", encoding="utf-8") as fh:
            json.dump(answer, fh, default=str)
        os.replace(tmp, result)

    def _run(self, sources: list[str], request, label: str, strict: bool = False) -> dict:
        from ..extract import Extractor
        from ..ingest import FetchSettings, read_inputs
        from ..pipeline_run import ingest_inputs
        if not sources:
            return {}
        try:
            if isinstance(request, Request):
                fetch = FetchSettings(**{k: tuple(v) if isinstance(v, list) else v
                                         for k, v in request.fetch.items()})
                items = read_inputs(sources, published=request.published,
                                    max_bytes=request.max_bytes, fetch=fetch,
                                    include=request.include)
                options = {"batch_size": request.batch_size,
                           "near_duplicates": request.near_duplicates}
            else:
                items = read_inputs(sources, fetch=self.fetch or FetchSettings())
                options = {}
            if self._extractor is None:
                self._extractor = Extractor()
            summary = ingest_inputs(items, self.db, extractor=self._extractor, **options)
        except Exception:
            if strict:
                raise
            log.exception("%s ingest failed", label)    # the next poll tries again
            return {}
        self.runs += 1
        if summary["outcomes"]["stored"] or summary["outcomes"]["duplicate"]:
            self.changes += 1
            if self.on_change is not None:
                self.on_change()
        self.last = {"at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "how": label,
                     "outcomes": summary["outcomes"], "events": summary["events"]}
        log.info("%s ingest: %s", label, summary["outcomes"])
        return summary
