"""Hostile inputs and misuse through the `communique` command, as a user meets them: real
processes, a real DuckDB file. Every case ends in time, in bounded memory, without a traceback,
with every input named in `communique inputs --format jsonl`."""
from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .hostile_inputs import make_hostile_dir, story

ROOT = Path(__file__).resolve().parents[1]
CLI = [sys.executable, "-m", "communique.cli"]


def run(*args, cwd=None, timeout=120):
    return subprocess.run(CLI + [str(a) for a in args], capture_output=True, text=True,
                          cwd=cwd or ROOT, env={**os.environ, "NO_COLOR": "1"}, timeout=timeout)


def _inputs(db) -> list[dict]:
    out = run("inputs", "--db", db, "--format", "jsonl")
    assert out.returncode == 0, out.stderr
    return [json.loads(line) for line in out.stdout.splitlines()]


@pytest.mark.parametrize("args,says", [
    (["time", "/no/such.txt", "--anchor", "2020-01-01"], "does not exist"),
    (["entities", "/no/such.txt"], "does not exist"),
    (["extract", "--input", "/no/such.jsonl"], "not found"),
    (["evaluate", "/no/such/gold"], "does not exist"),
    (["serve", "--port", "99999", "--db", "{store}"], "99999"),
    (["ingest", "x.txt", "--batch-size", "0"], "--batch-size"),
    (["ingest", "x.txt", "--allow-host", "not-an-ip"], "not an IP address"),
    (["time", "README.md", "--anchor", "notadate"], "not a date"),
    (["ingest", "x.txt", "--max-bytes", "0"], "--max-bytes"),
])
def test_misuse_exits_2_with_a_clear_message(args, says, tmp_path):
    from communique.store import Store
    store = tmp_path / "empty.duckdb"
    Store(str(store)).close()                                # a store that opens
    out = run(*[a.format(store=store) for a in args])
    assert out.returncode == 2, (out.returncode, out.stderr)
    assert says in out.stderr and "Traceback" not in out.stderr


def test_a_damaged_store_says_so_and_doctor_copies_what_reads(tmp_path):
    db = tmp_path / "s.duckdb"
    (tmp_path / "a.txt").write_text(story(1))
    assert run("ingest", tmp_path / "a.txt", "--db", db).returncode == 0
    rescued = tmp_path / "rescued.duckdb"
    assert run("doctor", "--db", db).returncode == 0
    with open(db, "r+b") as fh:
        fh.truncate(os.path.getsize(db) // 2)
    for args in (["events", "--db", db], ["inputs", "--db", db]):
        out = run(*args)
        assert out.returncode == 2 and "Traceback" not in out.stderr, out.stderr
        assert "damaged" in out.stderr and "communique doctor" in out.stderr
    out = run("doctor", "--db", db)
    assert out.returncode == 1 and "DAMAGED" in out.stdout
    out = run("doctor", "--db", db, "--out", rescued)
    assert out.returncode == 1 and str(rescued) in out.stdout
    assert run("events", "--db", rescued).returncode == 0      # a store that opens
    (tmp_path / "noise.duckdb").write_bytes(os.urandom(5000))
    out = run("inputs", "--db", tmp_path / "noise.duckdb")
    assert out.returncode == 2 and "Traceback" not in out.stderr


def test_hostile_folder_ingest_ends_in_time_and_bounded_memory(tmp_path):
    made = make_hostile_dir(tmp_path / "in")
    db = tmp_path / "s.duckdb"
    started = time.monotonic()
    out = run("ingest", tmp_path / "in", "--db", db, timeout=300)
    seconds = time.monotonic() - started
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    assert "Traceback" not in out.stderr, out.stderr
    assert out.returncode == 1                               # the cut WARC failed, truncated
    assert seconds < 60 and peak_mb < 1200, (seconds, peak_mb)
    rows = _inputs(db)
    keys = [r["key"] for r in rows]
    for name in made:
        assert any(k.startswith(f"{tmp_path}/in/{name}") for k in keys), name
    by_reason = {(r["outcome"], r["reason"]) for r in rows}
    assert {("failed", "truncated"), ("skipped", "hidden"), ("skipped", "not_regular"),
            ("skipped", "too_large"), ("skipped", "bad_record")} <= by_reason
    stored = {r["key"].rsplit("#", 1)[-1] for r in rows if r["outcome"] == "stored"}
    # every good record stored: the ids of the JSON corpora and the WARC records before the cut
    assert {"\\udc80", "s2", "m1", "m2", "m4", "j1", "j2", "https://news.example/p10"} <= stored
    assert any(r["key"].endswith("nested.html") and r["outcome"] == "stored" for r in rows)
    summary = out.stdout
    events = int(summary.split("events stored:")[1].split()[0])
    count = run("events", "--db", db, "--format", "jsonl", "--limit", "100000")
    assert events == len(count.stdout.splitlines())


def test_the_same_file_spelt_differently_is_one_input(tmp_path):
    (tmp_path / "a.jsonl").write_text(json.dumps({"id": "x", "text": story(3)}) + "\n")
    db = tmp_path / "s.duckdb"
    assert run("ingest", "a.jsonl", "--db", db, cwd=tmp_path).returncode == 0
    again = run("ingest", "./a.jsonl", "--db", db, cwd=tmp_path)
    assert again.returncode == 0 and "unchanged" in again.stdout
    assert [r["key"] for r in _inputs(db)] == [f"{tmp_path}/a.jsonl#x"]
