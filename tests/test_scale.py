"""One machine's cores: the GeoNames index kept on disk, and the process pool giving the same
records as one process."""
from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path

import pytest

from communique.actors import geonames
from communique.actors.gazetteer import fold, normalise

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"

OPEN_INDEX = r"""
import sys, time, json
t0 = time.perf_counter()
from communique.actors.gazetteer import geonames_place
found = [geonames_place(n) for n in sys.argv[1:]]
print(json.dumps({"seconds": time.perf_counter() - t0, "found": found}))
"""


@pytest.fixture(scope="module")
def cache(tmp_path_factory):
    """A cache directory of its own (the index is built there once, for these tests)."""
    return tmp_path_factory.mktemp("cache")


def test_geonames_index_is_built_once_and_opens_fast(cache):
    tmp_path = cache
    env = {"COMMUNIQUE_CACHE_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}
    names = ["Mosul", "Ar Raqqah", "Raqqah", "Sinjar", "Nowhere-on-earth"]
    first = subprocess.run([sys.executable, "-c", OPEN_INDEX, *names], cwd=ROOT, env=env,
                           capture_output=True, text=True, timeout=300, check=True)
    files = sorted(p.name for p in tmp_path.glob("geonames-*.sqlite"))
    assert len(files) == 1, files
    built = json.loads(first.stdout)
    again = json.loads(subprocess.run([sys.executable, "-c", OPEN_INDEX, *names], cwd=ROOT,
                                      env=env, capture_output=True, text=True, timeout=300,
                                      check=True).stdout)
    assert again["found"] == built["found"]
    assert again["seconds"] < 1.0, f"opening the index took {again['seconds']:.2f} s"
    assert built["found"][0]["name"] == "Mosul" and built["found"][-1] is None
    assert sorted(p.name for p in tmp_path.glob("geonames-*.sqlite")) == files


def test_geonames_index_on_disk_equals_the_one_built_in_memory(cache, monkeypatch):
    monkeypatch.setenv("COMMUNIQUE_CACHE_DIR", str(cache))
    rows = geonames.build_rows(normalise, fold)
    on_disk = geonames.GeonamesIndex.open(normalise, fold)
    assert len(on_disk) == len(rows)
    keys = random.Random(5).sample(sorted(rows), 3000)
    for key in keys:
        want = {f: rows[key][1].get(f) for f in geonames.FIELDS}
        assert on_disk.get(key) == want, key
    assert on_disk.get("notatownanywhere") is None


def test_without_a_writable_cache_the_index_is_kept_in_memory(tmp_path, monkeypatch):
    blocked = tmp_path / "file"
    blocked.write_text("not a directory")
    monkeypatch.setenv("COMMUNIQUE_CACHE_DIR", str(blocked / "cache"))
    index = geonames.GeonamesIndex.open(normalise, fold)
    assert index.get(normalise("Mosul"))["countrycode"] == "IQ"


def test_pool_gives_the_records_of_one_process(extractor):
    from communique.ingest import Skipped, read_inputs
    from communique.scale.pool import PoolExtractor
    docs = [d for d in read_inputs([str(FIXTURES)]) if not isinstance(d, Skipped)]
    assert len(docs) >= 8
    want = [r.to_dict() for r in extractor.extract_many(docs)]
    with PoolExtractor(2) as pool:
        for d in docs[::3]:                 # read ahead, as ingest does; some never asked for
            pool.prefetch(d)
        got = [r.to_dict() for r in pool.extract_many(docs[1:])]
        got = [r.to_dict() for r in pool.extract_many(docs[:1])] + got
    assert got == want
    assert sum(len(r["events"]) for r in got) > 0


def test_pool_extracts_each_document_of_a_long_input_once():
    # a long input once went to the workers all at once and the trimming of unwanted
    # prefetches dropped wanted ones, which were then extracted a second time
    import copy

    from communique.ingest import Skipped, read_inputs
    from communique.scale.pool import PoolExtractor
    docs = [d for d in read_inputs([str(FIXTURES)]) if not isinstance(d, Skipped)]
    many = [copy.copy(d) for _ in range(60 // len(docs) + 1) for d in docs][:60]
    with PoolExtractor(2, task_documents=1) as pool:
        assert len(many) > 4 * pool.lookahead
        sent = []
        submit = pool._pool.submit
        pool._pool.submit = lambda fn, model, batch: (sent.extend(batch), submit(fn, model, batch))[1]
        got = [r.document.source for r in pool.extract_many(many)]
    assert got == [d.source for d in many]
    assert len(sent) == len(many)


def test_extract_cli_same_events_with_two_workers(tmp_path):
    outs = []
    for workers in ("1", "2"):
        done = subprocess.run([sys.executable, "-m", "communique.cli", "extract", str(FIXTURES),
                               "--format", "jsonl", "--workers", workers], cwd=ROOT,
                              capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, done.stderr
        outs.append(done.stdout)
    assert outs[0] == outs[1] and outs[0].count("\n") > 5


def test_bench_workers_needs_counts():
    done = subprocess.run([sys.executable, "-m", "communique.cli", "bench", "--workers", "one,2"],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and "--workers" in done.stderr and "1,2" in done.stderr
