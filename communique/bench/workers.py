"""`communique bench --workers 1,2`: communique and bare spaCy on the same texts with the same
numbers of processes.

Each measurement runs in a fresh spawned process (the "driver"), so that memory and start-up
are its own. Bare spaCy: the driver starts N processes, each loads the model and pipes its share
of the texts (every N-th text). communique: the driver extracts with one in-process Extractor
(N = 1) or a pool of N workers (communique.scale.pool), as `ingest --workers N` does. The time is
the wall time of the whole run, model loading included; peak RSS is the largest of the
processes that load a model (the driver for N = 1, each worker otherwise).
"""
from __future__ import annotations

import multiprocessing as mp
import resource
import time

from ..errors import InputError
from .run import _load_documents


def _bare_part(texts: list[str], queue) -> None:
    from ..nlp.pipeline import load_base
    nlp = load_base()
    sents = 0
    for doc in nlp.pipe(texts, batch_size=16):
        sents += sum(1 for _ in doc.sents)
    queue.put({"sentences": sents,
               "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024})


def _bare(docs, workers: int) -> dict:
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    t0 = time.perf_counter()
    procs = [ctx.Process(target=_bare_part, args=([d.text for d in docs[i::workers]], queue))
             for i in range(workers)]
    for p in procs:
        p.start()
    parts = [queue.get() for _ in procs]
    for p in procs:
        p.join()
    seconds = time.perf_counter() - t0
    return {"seconds": seconds, "sentences": sum(p["sentences"] for p in parts),
            "peak_mb": max(p["peak_mb"] for p in parts), "cpu_s": _cpu_seconds()}


def _communique(docs, workers: int) -> dict:
    from ..scale.pool import make_extractor
    t0 = time.perf_counter()
    extractor = make_extractor(workers)
    events = failed = 0
    try:
        for result in extractor.extract_many(docs):
            events += len(result.events)
            failed += bool(result.error)
    finally:
        extractor.close()
    seconds = time.perf_counter() - t0
    who = resource.RUSAGE_SELF if workers <= 1 else resource.RUSAGE_CHILDREN
    return {"seconds": seconds, "events": events, "failed": failed,
            "peak_mb": resource.getrusage(who).ru_maxrss / 1024, "cpu_s": _cpu_seconds()}


def _cpu_seconds() -> float:
    """CPU time of this driver and its finished workers: on a shared machine, what the run
    cost whatever else ran beside it."""
    total = 0.0
    for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN):
        usage = resource.getrusage(who)
        total += usage.ru_utime + usage.ru_stime
    return total


def _driver(kind: str, input_path: str | None, limit: int, workers: int, queue) -> None:
    try:
        docs = _load_documents(input_path, limit)
        result = _bare(docs, workers) if kind == "bare" else _communique(docs, workers)
        result.update(kind=kind, workers=workers, documents=len(docs))
        queue.put(result)
    except Exception as exc:  # reported to the parent, which raises it
        queue.put({"kind": kind, "error": f"{type(exc).__name__}: {exc}"})


def _measure(kind: str, input_path: str | None, limit: int, workers: int) -> dict:
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    proc = ctx.Process(target=_driver, args=(kind, input_path, limit, workers, queue))
    proc.start()
    result = queue.get()
    proc.join()
    if "error" in result:
        raise InputError(f"bench ({kind}, {workers} workers) failed: {result['error']}")
    return result


def bench_workers(input_path: str | None, counts: list[int], *, limit: int = 200) -> dict:
    """{"rows": [{kind, workers, documents, seconds, docs_per_s, sents_per_s, peak_mb}],
    "ratios": [{workers, speed (communique/bare), scaling (communique N / communique 1)}]}."""
    from ..actors.gazetteer import _geonames_index
    if not counts or min(counts) < 1:
        raise InputError("--workers needs worker counts of 1 or more", "e.g. --workers 1,2")
    _geonames_index()          # built on disk before any timed run
    rows = []
    for n in counts:
        for kind in ("bare", "communique"):
            rows.append(_measure(kind, input_path, limit, n))
    sentences = {r["workers"]: r["sentences"] for r in rows if r["kind"] == "bare"}
    for r in rows:
        r["sentences"] = sentences[r["workers"]]      # counted once, by spaCy's parser
        r["docs_per_s"] = r["documents"] / r["seconds"]
        r["sents_per_s"] = r["sentences"] / r["seconds"]
    by = {(r["kind"], r["workers"]): r for r in rows}
    first = by[("communique", counts[0])]
    ratios = [{"workers": n,
               "speed": by[("communique", n)]["docs_per_s"] / by[("bare", n)]["docs_per_s"],
               "scaling": by[("communique", n)]["docs_per_s"] / first["docs_per_s"]}
              for n in counts]
    return {"rows": rows, "ratios": ratios, "baseline_workers": counts[0]}


def format_bench_workers(r: dict) -> str:
    lines = [f"{'engine':<11} {'workers':>7} {'docs':>5} {'seconds':>8} {'docs/s':>8} "
             f"{'sents/s':>9} {'peak MB/worker':>15} {'CPU s':>7} {'docs/CPU s':>10}"]
    for x in r["rows"]:
        lines.append(f"{x['kind']:<11} {x['workers']:>7} {x['documents']:>5} {x['seconds']:>8.1f} "
                     f"{x['docs_per_s']:>8.2f} {x['sents_per_s']:>9.1f} {x['peak_mb']:>15.0f} "
                     f"{x['cpu_s']:>7.1f} {x['documents'] / x['cpu_s']:>10.2f}")
    for q in r["ratios"]:
        lines.append(f"{q['workers']} workers: communique/bare spaCy {q['speed']:.2f}x, "
                     f"communique {q['workers']} vs {r['baseline_workers']} workers "
                     f"{q['scaling']:.2f}x")
    lines.append("(wall time of whole runs, model loading included; CPU s: all processes of "
                 "the run, what it costs on a machine shared with other work)")
    return "\n".join(lines)
