"""`communique export --format csv|jsonl|parquet|plover|graphml|gexf [filters] --out PATH`, run as a
user runs it, each file read back as an analyst would (pandas, networkx)."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.test_api import ROOT, shared_store

pd = pytest.importorskip("pandas")
nx = pytest.importorskip("networkx")


def export(db, fmt, out, *filters):
    cmd = [str(Path(sys.executable).parent / "communique"), "export", "--db", str(db),
           "--format", fmt, "--out", str(out), *filters]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=300, cwd=str(ROOT))
    assert done.returncode == 0, done.stderr
    assert str(out) in done.stdout
    return done


@pytest.fixture(scope="module")
def db(tmp_path_factory, extractor):
    return shared_store(tmp_path_factory, extractor)


@pytest.fixture(scope="module")
def store(db):
    from communique.store import Store
    with Store(str(db), read_only=True) as s:
        yield s


def test_csv_and_jsonl_carry_where_each_event_comes_from(db, store, tmp_path):
    export(db, "csv", tmp_path / "ev.csv", "--type", "CONSULT", "--since", "2022")
    frame = pd.read_csv(tmp_path / "ev.csv", keep_default_na=False)
    expected = store.events(type="CONSULT", since="2022", limit=None, order="-when")
    assert list(frame["id"]) == [ev.id for ev in expected]
    for ev, (_, row) in zip(expected, frame.iterrows()):
        doc = store.document(ev.doc_id)
        assert row["title"] == (doc.title or "")
        assert str(row["published"]) == (doc.published or "")
        assert row["date_precision"] == ev.when.precision
        assert row["date_basis"] == ev.when.basis
        assert row["date_start"] == (ev.when.start or "")
        ids = [p.entity_id for p in ev.actors]
        assert (row["actor_ids"].split("; ") if row["actor_ids"] else []) == ids
    export(db, "jsonl", tmp_path / "ev.jsonl", "--type", "CONSULT", "--since", "2022")
    lines = pd.read_json(tmp_path / "ev.jsonl", lines=True)
    assert list(lines["id"]) == list(frame["id"])
    assert set(lines.columns) == set(frame.columns)


def test_plover_records(db, store, tmp_path):
    export(db, "plover", tmp_path / "ev.json", "--status", "planned")
    records = json.loads((tmp_path / "ev.json").read_text(encoding="utf-8"))
    expected = store.events(status="planned", limit=None, order="-when")
    assert [r["id"] for r in records] == [ev.id for ev in expected]
    for r, ev in zip(records, expected):
        assert r["event"] == ev.type and r["status"] == "planned"
        assert r["actor"] == [p.name.replace("\u202e", "").replace("\u202c", "")
                              for p in ev.actors]
        assert r["text"] == ev.evidence.text


def test_graphs_open_in_networkx(db, store, tmp_path):
    export(db, "graphml", tmp_path / "g.graphml")
    export(db, "gexf", tmp_path / "g.gexf", "--min-meetings", "2")
    full = nx.read_graphml(tmp_path / "g.graphml")
    two = nx.read_gexf(tmp_path / "g.gexf")
    consult = store.events(type="CONSULT", limit=None)
    pairs: dict[frozenset, int] = {}
    for ev in consult:
        people = sorted({p.entity_id for p in ev.participants if p.entity_id})
        for i, a in enumerate(people):
            for b in people[i + 1:]:
                pairs[frozenset((a, b))] = pairs.get(frozenset((a, b)), 0) + 1
    assert {frozenset((a, b)): d["weight"] for a, b, d in full.edges(data=True)} == pairs
    assert {frozenset((a, b)) for a, b in two.edges()} == {k for k, w in pairs.items() if w >= 2}
    some = next(iter(full.nodes(data=True)))[1]
    assert some["name"] and some["events"] >= 1


def test_parquet_of_every_table(db, store, tmp_path):
    export(db, "parquet", tmp_path / "tables")
    counts = {p.stem: len(pd.read_parquet(p)) for p in (tmp_path / "tables").glob("*.parquet")}
    assert counts == store.stats()
    export(db, "parquet", tmp_path / "consult", "--type", "CONSULT")
    events = pd.read_parquet(tmp_path / "consult" / "events.parquet")
    assert set(events["type"]) == {"CONSULT"} and len(events) == store.count_events(type="CONSULT")
    parts = pd.read_parquet(tmp_path / "consult" / "participants.parquet")
    assert set(parts["event_id"]) <= set(events["id"])
