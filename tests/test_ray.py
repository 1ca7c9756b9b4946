"""`extract --engine ray` on a local Ray cluster (2 CPUs) and `load` of its Parquet: the same
events as the local `extract --format jsonl`, and the same store as `ingest` of the same corpus.
Skipped when the `ray` extra is not installed (`pip install -e '.[ray]'`; .ci/run installs it)."""
from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

ray = pytest.importorskip("ray")
pytest.importorskip("ray.data")

from .test_ingest_kill import CITIES, MONTHS, OTHERS, PEOPLE, TOPICS, snapshot  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def write_corpus(path: Path, n: int = 10, seed: int = 3) -> list[dict]:
    """n stories of our own with ids, plus an exact copy, a near copy, an empty record and a
    line that is not JSON."""
    rnd = random.Random(seed)
    rows = []
    for i in range(n):
        who, whom, city = rnd.choice(PEOPLE), rnd.choice(OTHERS), rnd.choice(CITIES)
        rows.append({"id": f"r{i}", "title": f"Talks in {city}, number {i}",
                     "published": f"2021-{rnd.randint(1, 12):02d}-{rnd.randint(1, 28):02d}",
                     "text": f"On {rnd.randint(1, 28)} {rnd.choice(MONTHS)} 2021, {who} held talks "
                             f"with {whom} in {city}. The parties discussed {rnd.choice(TOPICS)} "
                             f"and agreed to meet again in {rnd.choice(CITIES)}.\n\nThe President "
                             f"of Kazakhstan will visit {rnd.choice(CITIES)} next month to "
                             f"discuss {rnd.choice(TOPICS)}."})
    rows.append({**rows[2], "id": "copy"})
    rows.append({**rows[4], "id": "near", "text": rows[4]["text"] + " Photo: press service."})
    rows.append({"id": "blank", "text": "  "})
    lines = [json.dumps(r) for r in rows]
    lines.insert(6, "{not json")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return rows


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "communique.cli", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def cluster():
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    yield
    ray.shutdown()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    folder = tmp_path_factory.mktemp("raycorpus")
    path = folder / "corpus.jsonl"
    rows = write_corpus(path)
    return path, rows


@pytest.fixture(scope="module")
def ray_out(cluster, corpus, tmp_path_factory):
    from communique.scale.ray_data import extract_on_ray
    out = tmp_path_factory.mktemp("rayout") / "out"
    summary = extract_on_ray([str(corpus[0])], str(out), workers=2)
    return out, summary


def parquet_rows(out: Path, kind: str, columns: str = "id, type") -> list[tuple]:
    con = duckdb.connect()
    return con.execute(f"SELECT {columns} FROM read_parquet(?, hive_partitioning = true) "
                       "WHERE kind = ? ORDER BY file, line, idx",
                       [str(out / "**" / "*.parquet"), kind]).fetchall()


def test_ray_events_equal_the_local_extract(corpus, ray_out):
    path, _ = corpus
    out, summary = ray_out
    local = cli("extract", "--input", str(path), "--format", "jsonl", "--workers", "1")
    assert local.returncode == 0, local.stderr
    expected = [(e["id"], e["type"]) for e in map(json.loads, local.stdout.splitlines())]
    assert expected, "the stories give events"
    # the exact copy of a story (line 12) is read as a duplicate locally; on Ray it is
    # extracted again, alike, and `load` keeps one: the events differ by that repetition only
    events = parquet_rows(out, "events", "id, type, line")
    assert [(i, t) for i, t, line in events if line != 12] == expected
    assert {(i, t) for i, t, line in events if line == 12} <= set(expected)
    assert summary["records"]["events"] == len(events)
    assert summary["workers"] == 2 and summary["shards"] >= 2


def test_ray_output_records_every_input(ray_out):
    out, _ = ray_out
    skipped = {line: reason for line, reason in parquet_rows(out, "inputs", "line, type")}
    assert skipped == {7: "bad_record", 14: "empty"}
    docs = parquet_rows(out, "documents", "line, id")
    assert [line for line, _ in docs] == [1, 2, 3, 4, 5, 6, 8, 9, 10, 11, 12, 13]
    assert docs[-2][1] == docs[2][1], "the copy has the id of the text it repeats"
    participants = parquet_rows(out, "participants", "id, type")
    assert participants and all(pid.startswith("par_") for pid, _ in participants)
    assert parquet_rows(out, "mentions")


def test_load_gives_the_store_of_ingest(corpus, ray_out, tmp_path, extractor):
    from communique.ingest import read_inputs
    from communique.pipeline_run import ingest_inputs
    path, _ = corpus
    out, _ = ray_out
    ingested = tmp_path / "ingest.duckdb"
    ingest_inputs(read_inputs([str(path)]), str(ingested), extractor=extractor)
    loaded = tmp_path / "load.duckdb"
    done = cli("load", str(out), "--db", str(loaded))
    assert done.returncode == 0, done.stderr
    want, got = snapshot(ingested), snapshot(loaded)
    for table in want:
        assert got[table] == want[table], f"{table} differs between ingest and load"
    outcomes = {key.rsplit("#", 1)[1]: (o, r) for key, o, r, *_ in got["inputs"]}
    assert outcomes["copy"] == ("duplicate", "exact")
    assert outcomes["near"] == ("duplicate", "near")
    shown = cli("events", "--db", str(loaded), "--format", "jsonl", "--limit", "1000")
    assert shown.returncode == 0, shown.stderr
    listed = sorted((e["id"], e["type"]) for e in map(json.loads, shown.stdout.splitlines()))
    # a near copy's text is not stored: its events neither
    folded = {doc for _, o, _, doc, target in got["inputs"] if o == "duplicate" and doc != target}
    assert listed == sorted({(i, t) for i, t, d in parquet_rows(out, "events", "id, type, doc_id")
                             if d not in folded}), "the store holds the Ray run's events"
    again = cli("load", str(out), "--db", str(loaded))
    assert again.returncode == 0 and snapshot(loaded) == got, "loading again changes nothing"


def test_parquet_input_gives_the_same_events(cluster, corpus, ray_out, tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq
    from communique.scale.ray_data import extract_on_ray
    path, rows = corpus
    table = pa.Table.from_pylist([{k: r.get(k) for k in ("id", "title", "published", "text")}
                                  for r in rows])
    pq.write_table(table, tmp_path / "corpus.parquet", row_group_size=4)
    extract_on_ray([str(tmp_path / "corpus.parquet")], str(tmp_path / "out"), workers=1)
    from_parquet = sorted(set(parquet_rows(tmp_path / "out", "events")))
    assert from_parquet == sorted(set(parquet_rows(ray_out[0], "events")))
