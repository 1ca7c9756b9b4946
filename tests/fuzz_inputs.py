"""Generated hostile inputs for every reader, and a fuzz run over them.

    python -m tests.fuzz_inputs --inputs 100000            # the nightly run (about an hour)
    python -m tests.fuzz_inputs --inputs 2000 --ingest 200 # a quick one, some through ingest

Each input is a file of one kind (text, HTML, JSONL, CSV, JSON, their gzips, RSS, Atom, WARC,
WARC.gz, URL lists of private addresses so nothing leaves the machine, unknown), made from a
valid seed and then mutated: cut, bytes flipped or inserted, re-encoded, nested deep, lone
surrogates, NULs, long lines, gzipped again, or random bytes outright. Every input is read on
its own by `read_inputs` and must give at least one result, raise nothing, and finish within
its time limit; with --ingest, inputs also go through extraction into a DuckDB file where
every one must be recorded. The closing note gives the counts, the time and the peak RSS.
"""
from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import signal
import sys
import tempfile
import time
from collections import Counter

from .hostile_inputs import story, warc_bytes

SUFFIXES = [".txt", ".html", ".jsonl", ".jsonl.gz", ".csv", ".csv.gz", ".json", ".json.gz",
            ".rss", ".atom", ".xml", ".warc", ".warc.gz", ".urls", ".txt.gz", ".ndjson", ""]


def _seed(rnd: random.Random, suffix: str) -> bytes:
    """A valid input of the kind the suffix names."""
    n = rnd.randint(1, 4)
    stories = [story(rnd.randint(0, 10_000)) for _ in range(n)]
    base = suffix.removesuffix(".gz")
    if base in (".jsonl", ".ndjson"):
        data = "".join(json.dumps({"id": f"r{i}", "text": s, "title": f"T{i}",
                                   "published": "2021-05-0" + str(i + 1)}) + "\n"
                       for i, s in enumerate(stories)).encode()
    elif base == ".csv":
        data = ("id,headline,body,date\n" + "".join(
            f'{i},"T{i}","{s}",2021-05-0{i + 1}\n' for i, s in enumerate(stories))).encode()
    elif base == ".json":
        data = json.dumps([{"id": i, "text": s} for i, s in enumerate(stories)]).encode()
    elif base in (".html", ""):
        data = ("<html><head><title>News</title></head><body><nav>Home | News</nav>"
                + "".join(f"<p>{s}</p>" for s in stories) + "</body></html>").encode()
    elif base in (".rss", ".xml"):
        data = ("<?xml version='1.0'?><rss version='2.0'><channel><title>f</title>" + "".join(
            f"<item><title>T{i}</title><link>https://n.example/{i}</link><pubDate>Mon, 03 May "
            f"2021 10:00:00 GMT</pubDate><description>{s}</description></item>"
            for i, s in enumerate(stories)) + "</channel></rss>").encode()
    elif base == ".atom":
        data = ("<?xml version='1.0'?><feed xmlns='http://www.w3.org/2005/Atom'><title>f</title>"
                + "".join(f"<entry><title>T{i}</title><id>urn:{i}</id><updated>2021-05-03T10:00"
                          f":00Z</updated><content type='html'>&lt;p&gt;{s}&lt;/p&gt;</content>"
                          "</entry>" for i, s in enumerate(stories)) + "</feed>").encode()
    elif base == ".warc":
        return warc_bytes(n, gz=suffix.endswith(".gz"), first=rnd.randint(0, 1000))
    elif base == ".urls":
        data = "".join(f"http://10.{rnd.randint(0, 255)}.0.{i}/news\n" for i in range(n)).encode()
    else:
        data = "\n\n".join(stories).encode()
    return gzip.compress(data) if suffix.endswith(".gz") else data


def _size(rnd: random.Random, low: int, high: int) -> int:
    """A size between low and high, mostly small: one in twenty near the top (those are the
    slow inputs; a run of 100,000 still meets thousands of them)."""
    return rnd.randint(high // 2, high) if rnd.random() < 0.05 else rnd.randint(low, low * 10)


def _mutate(rnd: random.Random, data: bytes) -> bytes:
    kind = rnd.randrange(14)
    if kind == 0 and data:                                   # cut
        return data[:rnd.randrange(len(data))]
    if kind == 1 and data:                                   # flip bytes
        b = bytearray(data)
        for _ in range(rnd.randint(1, 20)):
            b[rnd.randrange(len(b))] = rnd.randrange(256)
        return bytes(b)
    if kind == 2:                                            # insert random bytes
        at = rnd.randint(0, len(data))
        return data[:at] + os.urandom(rnd.randint(1, 200)) + data[at:]
    if kind == 3:                                            # re-encode
        enc = rnd.choice(["utf-16", "utf-16-le", "cp1251", "latin-1", "utf-32", "koi8-r"])
        return data.decode("utf-8", "replace").encode(enc, "replace")
    if kind == 4:                                            # nest deep
        at = rnd.randint(0, len(data))
        unit = rnd.choice([b"[", b"{", b"<div>", b"<p><b>", b"{\"a\":"])
        return data[:at] + unit * _size(rnd, 100, 60_000) + data[at:]
    if kind == 5:                                            # lone surrogates in JSON strings
        return data.replace(b'"r', b'"\\udc80r').replace(b". ", b". \\ud800 ", 1)
    if kind == 6:                                            # NULs and controls
        at = rnd.randint(0, len(data))
        return data[:at] + bytes(rnd.randrange(32) for _ in range(rnd.randint(1, 300))) + data[at:]
    if kind == 7:                                            # a long line
        at = rnd.randint(0, len(data))
        return data[:at] + rnd.choice([b"a", b"a.", b" ", b"1 "]) * _size(rnd, 1000, 100_000) \
            + data[at:]
    if kind == 8:                                            # gzipped (again)
        return gzip.compress(data)
    if kind == 9:                                            # random bytes outright
        return os.urandom(rnd.randint(0, 3000))
    if kind == 10 and data:                                  # a slice repeated
        a = rnd.randrange(len(data))
        b = min(len(data), a + rnd.randint(1, 500))
        return data[:b] + data[a:b] * rnd.randint(2, 50) + data[b:]
    if kind == 11:                                           # empty or blank
        return rnd.choice([b"", b" \n\t\n", b"\xef\xbb\xbf"])
    if kind == 12 and len(data) > 12 and data[:2] == b"\x1f\x8b":  # damage the gzip body
        b = bytearray(data)
        b[rnd.randrange(10, len(b))] ^= 0xFF
        return bytes(b)
    return data                                              # unchanged


def generate(rnd: random.Random) -> tuple[str, bytes]:
    """One input: (suffix, bytes)."""
    suffix = rnd.choice(SUFFIXES)
    data = _seed(rnd, suffix)
    for _ in range(rnd.choice([0, 1, 1, 1, 2, 3])):
        data = _mutate(rnd, data)
    return suffix, data


class _Hang(Exception):
    pass


def _alarm(signum, frame):
    raise _Hang()


def _hwm_mb() -> int:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmHWM"):
                return int(line.split()[1]) // 1024
    return 0


def read_one(path: str, *, max_bytes: int, limit: float) -> tuple[list, str | None]:
    """The results of one input and what went wrong: None, 'escape: ...' or 'hang'."""
    from communique.ingest import read_inputs
    from communique.ingest.fetch import FetchSettings
    old = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, limit)
    try:
        fetch = FetchSettings(retries=0, timeout=1, deadline=2, per_host_interval=0)
        return list(read_inputs([path], max_bytes=max_bytes, fetch=fetch)), None
    except _Hang:
        return [], "hang"
    except BaseException as exc:                             # noqa: BLE001 - that is the point
        return [], f"escape: {type(exc).__name__}: {exc}"[:300]
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def run(inputs: int, seed: int = 0, ingest: int = 0, max_bytes: int = 1_000_000,
        limit: float = 60.0, log=print) -> dict:
    """Generate and read `inputs` inputs (and ingest the first `ingest` of them); the counts.
    A hang is an input that took over `limit` seconds (the readers' own budget is 30 s)."""
    rnd = random.Random(seed)
    counts: Counter = Counter()
    problems: list[str] = []
    started = time.monotonic()
    slowest = (0.0, "")
    with tempfile.TemporaryDirectory(prefix="communique-fuzz-") as tmp:
        for i in range(inputs):
            suffix, data = generate(rnd)
            path = os.path.join(tmp, f"{i:07d}{suffix}")
            with open(path, "wb") as fh:
                fh.write(data)
            t = time.monotonic()
            results, trouble = read_one(path, max_bytes=max_bytes, limit=limit)
            took = time.monotonic() - t
            if took > slowest[0]:
                slowest = (took, f"{i:07d}{suffix}")
            counts["inputs"] += 1
            counts["results"] += len(results)
            if trouble == "hang":
                counts["hangs"] += 1
            elif trouble:
                counts["escapes"] += 1
            elif not results:
                counts["unrecorded"] += 1
                trouble = "no result"
            for r in results:
                counts[f"reason:{getattr(r, 'reason', 'document')}"] += 1
            if trouble:
                problems.append(f"{i:07d}{suffix} (seed {seed}): {trouble}")
            if i < ingest:
                os.makedirs(os.path.join(tmp, "batch"), exist_ok=True)
                os.replace(path, os.path.join(tmp, "batch", os.path.basename(path)))
            else:
                os.unlink(path)
            if log and (i + 1) % 5000 == 0:
                log(f"{i + 1} inputs, {time.monotonic() - started:.0f} s, "
                    f"peak RSS {_hwm_mb()} MB, escapes {counts['escapes']}, hangs "
                    f"{counts['hangs']}, unrecorded {counts['unrecorded']}")
        if ingest:
            counts.update(_ingest_batch(os.path.join(tmp, "batch"), max_bytes, problems))
    return {"inputs": counts["inputs"], "escapes": counts["escapes"], "hangs": counts["hangs"],
            "unrecorded": counts["unrecorded"], "results": counts["results"],
            "reasons": {k[7:]: v for k, v in sorted(counts.items()) if k.startswith("reason:")},
            "ingested": counts["ingested"], "ingest_unrecorded": counts["ingest_unrecorded"],
            "seconds": round(time.monotonic() - started, 1), "peak_rss_mb": _hwm_mb(),
            "slowest": [round(slowest[0], 2), slowest[1]], "problems": problems[:50]}


def _ingest_batch(folder: str, max_bytes: int, problems: list) -> Counter:
    """The kept inputs through `communique ingest`'s pipeline into a DuckDB file: every
    result of the readers must have its row in `inputs`."""
    from communique.ingest import read_inputs
    from communique.ingest.fetch import FetchSettings
    from communique.pipeline_run import ingest_inputs
    from communique.store import Store
    fetch = FetchSettings(retries=0, timeout=1, deadline=2, per_host_interval=0)
    expected = len(list(read_inputs([folder], max_bytes=max_bytes, fetch=fetch)))
    db = os.path.join(os.path.dirname(folder), "fuzz.duckdb")
    summary = ingest_inputs(read_inputs([folder], max_bytes=max_bytes, fetch=fetch), db)
    with Store(db, read_only=True) as store:
        rows = store.con.execute("SELECT count(*) FROM inputs").fetchone()[0]
    missing = max(0, expected - rows)
    if missing or summary["inputs"] != expected:
        problems.append(f"ingest: {expected} results, {rows} rows, summary {summary['inputs']}")
    return Counter({"ingested": rows, "ingest_unrecorded": missing})


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--inputs", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--ingest", type=int, default=0,
                        help="also ingest the first N inputs (with extraction) into a DuckDB file")
    parser.add_argument("--limit", type=float, default=60.0, help="seconds before an input hangs")
    args = parser.parse_args(argv)
    report = run(args.inputs, seed=args.seed, ingest=args.ingest, limit=args.limit,
                 log=lambda m: print(m, file=sys.stderr, flush=True))
    print(json.dumps(report, indent=1))
    bad = report["escapes"] + report["hangs"] + report["unrecorded"] + report["ingest_unrecorded"]
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
