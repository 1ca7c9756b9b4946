"""Hostile inputs (issue 15): nothing crashes, hangs, blows up or is lost. Each case is read
by the real readers, and ingested into a real DuckDB file where it matters."""
from __future__ import annotations

import gzip
import http.server
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from communique.ingest import FetchSettings, Fetcher, FetchError, Skipped, read_inputs
from communique.ingest.corpora import read_corpus
from communique.ingest.feeds import read_warc
from communique.ingest.fetch import check_url
from communique.records import Document

from .hostile_inputs import jsonl_line, make_hostile_dir, story, warc_bytes, wrong_length_warc

ROOT = Path(__file__).resolve().parents[1]


def _by_source(results):
    return {r.source: r for r in results}


def _ingest(items, db, extractor, **kw):
    from communique.pipeline_run import ingest_inputs
    return ingest_inputs(items, str(db), extractor=extractor, **kw)


def _inputs(db):
    from communique.store import Store
    from communique.store.inputs import inputs
    with Store(str(db), read_only=True) as store:
        return inputs(store.con, limit=None)


# ---------------------------------------------------------------- one record, one result

def test_a_bad_record_never_ends_its_file(tmp_path):
    p = tmp_path / "c.jsonl"
    p.write_text(jsonl_line({"id": "a", "text": story(1)})
                 + '{"id": "\\udc80", "text": "' + story(2) + '"}\n'
                 + '{"id": "b", "text": "a lone \\ud800 here. ' + story(3) + '"}\n'
                 + "[" * 100_000 + "\n" + "{" * 50_000 + "\n"
                 + jsonl_line({"id": "c", "text": story(4)}))
    got = list(read_inputs([str(p)]))
    assert [type(r).__name__ for r in got] == ["Document"] * 3 + ["Skipped"] * 2 + ["Document"]
    assert got[-1].source.endswith("#c")
    assert "\ufffd" in got[2].text                         # the surrogate, replaced
    assert {r.reason for r in got[3:5]} == {"bad_record"} and "deep" in got[3].detail
    assert got[1].source.endswith("#\\udc80")               # printable, storable


def test_surrogates_and_undecodable_names_are_stored_with_their_chunk(tmp_path, extractor):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.jsonl").write_text('{"id": "\\udc80", "text": "' + story(1) + '"}\n'
                                    + jsonl_line({"id": "g", "text": story(2)}))
    with open(os.path.join(os.fsencode(folder), b"\xff\xfe.txt"), "wb") as fh:
        fh.write(story(3).encode())
    (folder / "ok.txt").write_text(story(4))
    db = tmp_path / "s.duckdb"
    summary = _ingest(read_inputs([str(folder)]), db, extractor)
    assert summary["exit_code"] == 0 and summary["outcomes"]["stored"] == 4
    keys = {r["key"] for r in _inputs(db)}
    assert f"{folder}/a.jsonl#\\udc80" in keys and f"{folder}/\\udcff\\udcfe.txt" in keys


def test_an_input_the_store_refuses_is_recorded_and_its_chunk_kept(tmp_path, extractor):
    from communique.ingest import read_text
    good = read_text(story(5), source="good.txt")
    odd = Skipped("odd.txt", "empty", "no text", line=2 ** 70)   # a line number DuckDB refuses
    db = tmp_path / "s.duckdb"
    summary = _ingest([odd, good], db, extractor)
    rows = {r["key"]: r for r in _inputs(db)}
    assert rows["good.txt"]["outcome"] == "stored"
    assert rows["odd.txt#" + str(2 ** 70)]["outcome"] == "failed"
    assert rows["odd.txt#" + str(2 ** 70)]["reason"] == "error"
    assert summary["exit_code"] == 1


# ---------------------------------------------------------------- bounded reading

def _peak_rss_reading(path: str, max_bytes: int = 20_000_000) -> tuple[list, float, int]:
    """Read one input in a fresh process: (results as (reason or 'document')), seconds, peak
    RSS in MB."""
    code = ("import json, sys, time\n"
            "from communique.ingest import read_inputs\n"
            "t = time.monotonic()\n"
            f"out = [getattr(r, 'reason', 'document') for r in read_inputs([{path!r}], "
            f"max_bytes={max_bytes})]\n"
            "hwm = [l for l in open('/proc/self/status') if l.startswith('VmHWM')]\n"
            "print(json.dumps([out, time.monotonic() - t, int(hwm[0].split()[1]) // 1024]))\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.mark.parametrize("name,data", [
    ("bomb.jsonl.gz", lambda: gzip.compress(b"a" * (100 << 20))),
    ("bomb.csv.gz", lambda: gzip.compress(b"text\n" + b"a" * (100 << 20))),
    ("long.jsonl", lambda: b"a" * (30 << 20) + b"\n" + jsonl_line({"text": story(1)}).encode()),
])
def test_a_line_or_a_bomb_never_held_whole(tmp_path, name, data):
    p = tmp_path / name
    p.write_bytes(data())
    reasons, seconds, rss = _peak_rss_reading(str(p), max_bytes=1_000_000)
    assert reasons[0] == "too_large" and seconds < 30 and rss < 400, (reasons, seconds, rss)
    if name == "long.jsonl":
        assert reasons == ["too_large", "document"]         # the line after it is read


def test_special_files_are_refused_not_read(tmp_path):
    (tmp_path / "zero.jsonl").symlink_to("/dev/zero")
    os.mkfifo(tmp_path / "pipe.txt")
    for name in ("zero.jsonl", "pipe.txt"):
        reasons, seconds, _ = _peak_rss_reading(str(tmp_path / name))
        assert reasons == ["not_regular"] and seconds < 5


def test_hidden_files_are_recorded(tmp_path):
    (tmp_path / ".draft.txt").write_text(story(1))
    (tmp_path / ".git").mkdir()
    (tmp_path / "a.txt").write_text(story(2))
    got = _by_source(read_inputs([str(tmp_path)]))
    assert got[f"{tmp_path}/.draft.txt"].reason == "hidden"
    assert got[f"{tmp_path}/.git"].reason == "hidden"
    assert isinstance(got[f"{tmp_path}/a.txt"], Document)


def test_a_gzipped_json_file_is_read_as_json(tmp_path):
    p = tmp_path / "c.json.gz"
    p.write_bytes(gzip.compress(json.dumps([{"id": "x", "text": story(1)},
                                            {"id": "y", "text": story(2)}]).encode()))
    got = list(read_inputs([str(p)]))
    assert [d.source.rsplit("#", 1)[1] for d in got] == ["x", "y"]
    assert all(isinstance(d, Document) and "{" not in d.text for d in got)


def test_input_keys_do_not_depend_on_how_the_path_is_spelt(tmp_path, monkeypatch):
    (tmp_path / "a.txt").write_text(story(1))
    monkeypatch.chdir(tmp_path)
    spelt = [list(read_inputs([p]))[0].source for p in ("a.txt", "./a.txt", str(tmp_path / "a.txt"),
                                                       f"{tmp_path}/../{tmp_path.name}/a.txt")]
    assert set(spelt) == {str(tmp_path / "a.txt")}


def test_deeply_nested_page_gives_its_text(tmp_path):
    p = tmp_path / "deep.html"
    p.write_text("<html><body>" + "<div>" * 100_000 + f"<p>{story(1)}</p><script>x()</script>"
                 + "</div>" * 100_000 + "</body></html>")
    [doc] = list(read_inputs([str(p)]))
    assert isinstance(doc, Document) and "Secretary General met" in doc.text
    assert "x()" not in doc.text


def test_cleaning_over_its_budget_is_failed_timeout(tmp_path, monkeypatch):
    import communique.ingest.readers as readers
    monkeypatch.setattr(readers, "DOC_SECONDS", 0.5)
    (tmp_path / "lines.txt").write_text("a\n" * 2_000_000)
    (tmp_path / "ok.txt").write_text(story(1))
    started = time.monotonic()
    got = _by_source(read_inputs([str(tmp_path)]))
    assert time.monotonic() - started < 20
    assert got[f"{tmp_path}/lines.txt"].reason == "timeout"
    assert isinstance(got[f"{tmp_path}/ok.txt"], Document)


# ---------------------------------------------------------------- extraction

def test_long_text_goes_through_spacy_in_parts(extractor):
    from communique.extract import split_text
    from communique.ingest import read_text
    text = "\n\n".join((ROOT / "tests" / "fixtures" / name).read_text() for name in
                       ("phone-call-kremlin.txt", "readout-state-dept.txt", "un-sg-readout.txt",
                        "planned-summit.txt"))
    doc = read_text(text, published="2022-01-01")
    whole = extractor.extract(doc)
    cut = split_text(doc.text, 2000)
    assert len(cut) >= 2 and "".join(cut) == doc.text
    old = extractor.part_chars
    extractor.part_chars = 2000
    try:
        parts = extractor.extract(doc)
    finally:
        extractor.part_chars = old
    assert parts.error is None
    for e in parts.events:                                  # offsets into the whole text
        assert doc.text[e.evidence.start:e.evidence.end] == e.evidence.text
    found = {(e.type, tuple(a.name for a in e.actors)) for e in parts.events}
    expected = {(e.type, tuple(a.name for a in e.actors)) for e in whole.events}
    assert len(found & expected) >= 0.8 * len(expected) > 0


def test_extraction_over_its_budget_is_failed_timeout_and_the_run_goes_on(tmp_path, extractor):
    from communique.ingest import read_text
    slow = read_text(" ".join(story(i) for i in range(3000)), source="slow.txt")
    quick = read_text(story(7), source="quick.txt")
    old = extractor.seconds
    extractor.seconds = 2.0
    try:
        db = tmp_path / "s.duckdb"
        summary = _ingest([slow, quick], db, extractor)
    finally:
        extractor.seconds = old
    rows = {r["key"]: r for r in _inputs(db)}
    assert (rows["slow.txt"]["outcome"], rows["slow.txt"]["reason"]) == ("failed", "timeout")
    assert rows["quick.txt"]["outcome"] == "stored"
    assert summary["exit_code"] == 1


def test_events_in_the_summary_are_the_events_stored(tmp_path, extractor):
    from communique.store import Store
    db = tmp_path / "s.duckdb"
    summary = _ingest(read_inputs([str(ROOT / "tests" / "fixtures")], include=["*.txt"]), db,
                      extractor)
    with Store(str(db), read_only=True) as store:
        stored = store.con.execute("SELECT count(*) FROM events").fetchone()[0]
    assert summary["events"] == stored > 0
    again = _ingest(read_inputs([str(ROOT / "tests" / "fixtures")], include=["*.txt"]), db,
                    extractor)
    assert again["events"] == 0


# ---------------------------------------------------------------- archives

def test_a_cut_warc_gz_reports_its_tail(tmp_path):
    data = warc_bytes(4)
    last = data.rfind(b"\x1f\x8b\x08")                    # the last record's gzip member
    p = tmp_path / "cut.warc.gz"
    p.write_bytes(data[:last + (len(data) - last) // 2])
    got = list(read_warc(str(p), max_bytes=10**6))
    assert [type(r).__name__ for r in got] == ["Document"] * 3 + ["Skipped"]
    assert got[-1].reason == "truncated"


def test_a_cut_plain_warc_reports_the_record_it_cuts(tmp_path):
    data = warc_bytes(4, gz=False)
    p = tmp_path / "cut.warc"
    p.write_bytes(data[:len(data) * 3 // 4 + 50])
    got = list(read_warc(str(p), max_bytes=10**6))
    assert [type(r).__name__ for r in got] == ["Document"] * 3 + ["Skipped"]
    assert got[-1].reason == "truncated"


@pytest.mark.parametrize("delta", [-30, 30])
def test_a_wrong_content_length_loses_only_its_record(tmp_path, delta):
    p = tmp_path / "w.warc"
    p.write_bytes(wrong_length_warc(5, bad=1, delta=delta))
    got = list(read_warc(str(p), max_bytes=10**6))
    docs = [r.source.rsplit("/", 1)[1] for r in got if isinstance(r, Document)]
    skips = [r for r in got if isinstance(r, Skipped)]
    assert len(docs) + len(skips) == 5 and {"p0", "p3", "p4"} <= set(docs)
    assert skips and all(s.reason in ("truncated", "bad_record") for s in skips)


def test_every_hostile_case_of_a_folder_is_accounted_for(tmp_path):
    made = make_hostile_dir(tmp_path / "in")
    got = list(read_inputs([str(tmp_path / "in")]))
    owners = {r.source.split("#", 1)[0].removeprefix(f"{tmp_path}/in/") for r in got}
    for name in made:
        assert name in owners, f"{name} ({made[name]}) gave nothing"
    assert not [r for r in got if isinstance(r, Skipped) and r.reason == "error"]


# ---------------------------------------------------------------- fetching

@pytest.mark.parametrize("host", ["[::127.0.0.1]", "[::ffff:127.0.0.1]", "[64:ff9b::7f00:1]",
                                  "[64:ff9b:1::a00:1]", "[2002:7f00:1::]", "[2001::1]",
                                  "[::ffff:0:7f00:1]", "[fec0::1]", "[100::1]", "[::]",
                                  "[fe80::1%25eth0]"])
def test_special_ipv6_forms_are_refused(host):
    why = check_url(f"http://{host}/")
    assert why and "private" in why


def test_a_public_ipv6_address_is_not_refused():
    assert check_url("http://[2606:4700:4700::1111]/") is None


class _Trickle(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_GET(self):
        try:
            if self.path == "/headers":                    # the headers a byte at a time
                self.wfile.write(b"HTTP/1.1 200 OK\r\n")
                for _ in range(60):
                    self.wfile.write(b"X")
                    self.wfile.flush()
                    time.sleep(0.5)
                return
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.end_headers()
            for _ in range(60):
                self.wfile.write(b"a")
                self.wfile.flush()
                time.sleep(0.5)
        except OSError:
            pass


@pytest.mark.parametrize("path", ["/body", "/headers"])
def test_a_trickling_server_meets_the_deadline(path):
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Trickle)
    srv.daemon_threads = True
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    try:
        settings = FetchSettings(allow_hosts=("127.0.0.1",), timeout=5, deadline=2, retries=0,
                                 per_host_interval=0)
        started = time.monotonic()
        with Fetcher(settings) as fetcher, pytest.raises(FetchError) as err:
            fetcher.fetch(f"http://127.0.0.1:{srv.server_address[1]}{path}")
        assert time.monotonic() - started < 6
        assert err.value.reason == "fetch_failed" and "deadline" in err.value.detail
    finally:
        srv.shutdown()
        srv.server_close()
