"""Fuzzing every reader and the whole ingest (issue 15): generated hostile inputs (see
tests/fuzz_inputs.py) never raise, never hang, always give a recorded result, and memory stays
bounded. The nightly-size run is `python -m tests.fuzz_inputs --inputs 100000`."""
from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from pathlib import Path

from hypothesis import HealthCheck, given, settings, strategies as st

from communique.ingest import Skipped, read_inputs
from communique.records import Document

from .fuzz_inputs import SUFFIXES, _mutate, _seed, read_one

ROOT = Path(__file__).resolve().parents[1]
QUICK = settings(max_examples=150, deadline=None, derandomize=True,
                 suppress_health_check=[HealthCheck.function_scoped_fixture,
                                        HealthCheck.too_slow])


@st.composite
def hostile(draw):
    """(suffix, bytes): a valid input of a kind, mutated 0-3 times; or random bytes."""
    suffix = draw(st.sampled_from(SUFFIXES))
    if draw(st.integers(0, 9)) == 0:
        return suffix, draw(st.binary(max_size=4000))
    rnd = random.Random(draw(st.integers(0, 2 ** 32)))
    data = _seed(rnd, suffix)
    for _ in range(draw(st.integers(0, 3))):
        data = _mutate(rnd, data)
    return suffix, data


@QUICK
@given(case=hostile())
def test_every_reader_survives_generated_inputs(case, tmp_path):
    suffix, data = case
    path = tmp_path / f"in{suffix}"
    path.write_bytes(data)
    results, trouble = read_one(str(path), max_bytes=1_000_000, limit=60)
    assert trouble is None, trouble
    assert results and all(isinstance(r, (Document, Skipped)) for r in results)
    errors = [r for r in results if isinstance(r, Skipped) and r.reason == "error"]
    assert not errors, errors


@settings(max_examples=3, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.filter_too_much])
@given(cases=st.lists(hostile().filter(lambda c: len(c[1]) < 20_000), min_size=8, max_size=16))
def test_whole_ingest_records_every_generated_input(cases, tmp_path_factory, extractor):
    from communique.pipeline_run import ingest_inputs
    from communique.store import Store
    folder = tmp_path_factory.mktemp("fuzz")
    for i, (suffix, data) in enumerate(cases):
        (folder / f"{i:03d}{suffix}").write_bytes(data)
    expected = len(list(read_inputs([str(folder)], max_bytes=1_000_000)))
    db = tmp_path_factory.mktemp("db") / "s.duckdb"
    old, extractor.seconds = extractor.seconds, 5.0          # keep the run short
    try:
        summary = ingest_inputs(read_inputs([str(folder)], max_bytes=1_000_000), str(db),
                                extractor=extractor)
    finally:
        extractor.seconds = old
    with Store(str(db), read_only=True) as store:
        rows = store.con.execute("SELECT count(*) FROM inputs").fetchone()[0]
        docs = store.con.execute("SELECT count(*) FROM documents").fetchone()[0]
        stored = store.con.execute("SELECT count(*) FROM inputs WHERE outcome = 'stored'"
                                   ).fetchone()[0]
    assert summary["inputs"] == rows == expected
    assert stored == docs


def test_a_fuzz_run_in_its_own_process_stays_bounded():
    done = subprocess.run([sys.executable, "-m", "tests.fuzz_inputs", "--inputs", "1500",
                           "--seed", "7"], capture_output=True, text=True, cwd=ROOT,
                          timeout=300, env={**os.environ})
    report = json.loads(done.stdout)
    assert done.returncode == 0, report["problems"]
    assert report["inputs"] == 1500
    assert report["escapes"] == report["hangs"] == report["unrecorded"] == 0
    assert report["peak_rss_mb"] < 600
