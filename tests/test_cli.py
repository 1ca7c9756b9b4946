"""The `communique` command as a user runs it: real processes, a real DuckDB file."""
import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
CLI = [sys.executable, "-m", "communique.cli"]


def run(*args, stdin=None, cwd=None):
    return subprocess.run(CLI + list(args), input=stdin, capture_output=True, text=True,
                          cwd=cwd or ROOT, env={**os.environ, "NO_COLOR": "1"}, timeout=300)


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    db = tmp_path_factory.mktemp("store") / "events.duckdb"
    first = run("ingest", str(FIXTURES / "phone-call-kremlin.txt"),
                str(FIXTURES / "news-page-teasers.html"), "--db", str(db))
    assert first.returncode == 0, first.stderr
    return db, first


def _counts(db):
    con = duckdb.connect(str(db), read_only=True)
    try:
        tables = [r[0] for r in con.execute(
            "select table_name from information_schema.tables where table_schema='main'").fetchall()]
        return {t: con.execute(f'select count(*) from "{t}"').fetchone()[0] for t in tables}
    finally:
        con.close()


def test_extract_jsonl_gives_event_records():
    out = run("extract", str(FIXTURES / "phone-call-kremlin.txt"), "--format", "jsonl")
    assert out.returncode == 0, out.stderr
    events = [json.loads(line) for line in out.stdout.splitlines()]
    assert events and all(e["schema"] == "communique-event/1" for e in events)
    call = next(e for e in events if e["type"] == "CONSULT" and e["mode"] == "phone")
    assert {"Vladimir Putin", "Shavkat Mirziyoyev"} <= {p["name"] for p in call["actors"] + call["recipients"]}
    text = (FIXTURES / "phone-call-kremlin.txt").read_text()
    assert call["evidence"]["text"] in text


def test_extract_reads_stdin_and_a_corpus(tmp_path):
    text = "On 3 May, Secretary Blinken met with Foreign Minister of India Subrahmanyam Jaishankar."
    out = run("extract", "-", "--published", "2022-05-04", "--format", "csv", stdin=text)
    assert out.returncode == 0, out.stderr
    assert "CONSULT" in out.stdout and "2022-05-03" in out.stdout
    corpus = tmp_path / "corpus.jsonl"
    rows = [{"id": "a", "text": text, "published": "2022-05-04", "url": "u", "title": "t"},
            {"id": "b", "text": "", "published": None, "url": None, "title": None}]
    corpus.write_text("\n".join(json.dumps(r) for r in rows) + "\n{broken json\n")
    out = run("extract", "--input", str(corpus), "--format", "jsonl")
    assert out.returncode == 0, out.stderr
    assert len(out.stdout.splitlines()) >= 1
    # every bad input is named with its reason
    assert "skipped" in out.stderr and "2 skipped" in out.stderr


def test_ingest_twice_changes_nothing(store, tmp_path):
    db, first = store
    before = _counts(db)
    assert before["events"] > 0 and before["documents"] == 2
    again = run("ingest", str(FIXTURES / "phone-call-kremlin.txt"),
                str(FIXTURES / "news-page-teasers.html"), "--db", str(db))
    assert again.returncode == 0, again.stderr
    assert _counts(db) == before


def test_events_filters_and_show(store):
    db, _ = store
    out = run("events", "--db", str(db), "--actor", "Zhang Ming", "--format", "jsonl")
    assert out.returncode == 0, out.stderr
    events = [json.loads(line) for line in out.stdout.splitlines()]
    assert events and all(any("Zhang Ming" in p["name"] or "Zhang Ming" in (p["text"] or "")
                               for p in e["actors"] + e["recipients"]) for e in events)
    planned = run("events", "--db", str(db), "--status", "planned", "--format", "jsonl")
    assert all(json.loads(l)["status"] == "planned" for l in planned.stdout.splitlines())
    dated = run("events", "--db", str(db), "--since", "2022-11-14", "--until", "2022-11-14",
                "--format", "jsonl")
    assert any("Ghada Waly" in l for l in dated.stdout.splitlines())
    shown = run("show", events[0]["id"], "--db", str(db))
    assert shown.returncode == 0, shown.stderr
    assert events[0]["evidence"]["text"] in shown.stdout


def test_show_unknown_event_is_a_clear_error(store):
    db, _ = store
    out = run("show", "ev_nope", "--db", str(db))
    assert out.returncode == 2
    assert "no event" in out.stderr and "Traceback" not in out.stderr


def test_missing_input_is_a_clear_error():
    out = run("extract", "no/such/file.txt")
    assert "not_found" in out.stderr or "not found" in out.stderr
    assert out.returncode == 2
    assert "Traceback" not in out.stderr


def test_evaluate_prints_scores():
    out = run("evaluate", str(ROOT / "tests" / "gold" / "phone-call-kremlin.json"))
    assert out.returncode == 0, out.stderr
    assert "events     P=" in out.stdout and "people" in out.stdout


def test_time_command_gives_offsets(tmp_path):
    path = tmp_path / "t.txt"
    text = "On the same day, after talks on 26 September 2019, they met again."
    path.write_text(text)
    out = run("time", str(path), "--anchor", "2019-09-28", "--format", "jsonl")
    assert out.returncode == 0, out.stderr
    rows = [json.loads(line) for line in out.stdout.splitlines()]
    assert any(r["value"] == "2019-09-26" for r in rows)
    for r in rows:
        assert text[r["start"]:r["end"]] == r["text"]


def test_people_lists_each_person_once_with_posts_dates_and_documents(store):
    db, _ = store
    out = run("people", "--db", str(db), "Mirziyoyev")
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0].startswith("Shavkat Mirziyoyev")
    assert lines[1] == "    President, Uzbekistan  2022-07-22  (1 document)"
    assert sum(1 for line in lines if not line.startswith(" ")) == 1
