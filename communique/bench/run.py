"""`communique bench`: throughput and peak memory of the whole pipeline against bare spaCy.

Each side runs in a fresh process (spawned) on the same texts, so that its peak resident
memory is its own; both run in one `bench` call and are printed as ratios.
"""
from __future__ import annotations

import multiprocessing as mp
import resource
import time
from pathlib import Path

from ..errors import InputError


def _default_inputs() -> list[str]:
    root = Path(__file__).resolve().parents[2]
    inputs = [str(p) for p in sorted((root / "tests" / "fixtures").glob("*.*"))]
    seed = root.parent / "shared" / "corpus" / "seed-csto-2019-09.txt"
    if seed.exists():
        inputs.insert(0, str(seed))
    return inputs


def _load_documents(input_path: str | None, limit: int):
    from ..ingest import Skipped, read_inputs
    paths = [input_path] if input_path else _default_inputs()
    if not paths:
        raise InputError("no texts to benchmark", "pass --input FILE_OR_DIR")
    docs = []
    for item in read_inputs(paths):
        if not isinstance(item, Skipped):
            docs.append(item)
        if len(docs) >= limit:
            break
    return docs


def _measure(kind: str, input_path: str | None, limit: int, repeat: int, queue) -> None:
    try:
        docs = _load_documents(input_path, limit)
        t0 = time.perf_counter()
        if kind == "bare":
            from ..nlp.pipeline import load_base
            nlp = load_base()
        else:
            from ..extract import Extractor
            extractor = Extractor()
        load_s = time.perf_counter() - t0
        n_words = n_sents = n_events = 0
        t0 = time.perf_counter()
        for _ in range(repeat):
            if kind == "bare":
                # the same batch size as the Extractor's, so memory compares like with like
                for doc in nlp.pipe((d.text for d in docs), batch_size=16):
                    n_words += sum(1 for t in doc if not t.is_space and not t.is_punct)
                    n_sents += sum(1 for _ in doc.sents)
            else:
                for result in extractor.extract_many(docs):
                    n_events += len(result.events)
        run_s = time.perf_counter() - t0
        peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        queue.put({"kind": kind, "documents": len(docs) * repeat, "load_s": load_s,
                   "run_s": run_s, "words": n_words, "sentences": n_sents,
                   "events": n_events, "peak_mb": peak_kb / 1024,
                   "chars": sum(len(d.text) for d in docs) * repeat})
    except Exception as exc:  # reported to the parent, which raises it
        queue.put({"kind": kind, "error": f"{type(exc).__name__}: {exc}"})


def run_bench(input_path: str | None = None, *, limit: int = 200, repeat: int = 1) -> dict:
    ctx = mp.get_context("spawn")
    results = {}
    for kind in ("bare", "communique"):
        queue = ctx.Queue()
        proc = ctx.Process(target=_measure, args=(kind, input_path, limit, repeat, queue))
        proc.start()
        results[kind] = queue.get()
        proc.join()
        if "error" in results[kind]:
            raise InputError(f"bench ({kind}) failed: {results[kind]['error']}")
    bare, full = results["bare"], results["communique"]
    # words and sentences are counted once, by the bare side, for both
    full["words"], full["sentences"] = bare["words"], bare["sentences"]
    for r in (bare, full):
        r["docs_per_s"] = r["documents"] / r["run_s"]
        r["words_per_s"] = r["words"] / r["run_s"]
        r["sents_per_s"] = r["sentences"] / r["run_s"]
    return {"bare": bare, "communique": full,
            "speed_ratio": full["docs_per_s"] / bare["docs_per_s"],
            "memory_ratio": full["peak_mb"] / bare["peak_mb"]}


def format_bench(r: dict) -> str:
    rows = []
    for name in ("bare", "communique"):
        x = r[name]
        rows.append(f"{name:<11} docs={x['documents']:<5} {x['docs_per_s']:8.1f} docs/s "
                    f"{x['sents_per_s']:9.1f} sents/s {x['words_per_s']:10.1f} words/s "
                    f"peak={x['peak_mb']:7.1f} MB load={x['load_s']:.2f}s run={x['run_s']:.2f}s")
    rows.append(f"communique/bare: speed {r['speed_ratio']:.2f}x, memory {r['memory_ratio']:.2f}x, "
                f"events={r['communique']['events']}")
    return "\n".join(rows)
