"""A live store (issue 13): `communique serve --watch FEED --every 3s` owns the store and polls an
RSS feed served by a local test server; the feed gains an item while it runs and the open page
shows its event without a restart. `communique ingest` against the store the server holds hands
its inputs to the server; against a store held by another kind of process it waits and names it.
Real processes, a real feed over HTTP on loopback, Chromium for the page."""
from __future__ import annotations

import http.server
import os
import shutil
import subprocess
import sys
import threading
import time
from email.utils import formatdate
from pathlib import Path

import httpx
import pytest

from tests.test_api import FIXTURES, ROOT, free_port

EVERY = 3.0                     # seconds between polls of the feed
CHROMIUM = "/usr/bin/chromium"

ITEMS = [
    ("ministers-meet-astana", "Foreign ministers meet in Astana",
     "ASTANA, 14 March 2023 – On 14 March, Minister of Foreign Affairs of Kazakhstan Murat "
     "Nurtleu met with the Special Envoy of the European Union for Central Asia Terhi Hakala "
     "in Astana. The parties discussed regional connectivity."),
    ("tashkent-talks", "Talks in Tashkent on water",
     "TASHKENT, 20 March 2023 – On 20 March, Minister of Foreign Affairs of Uzbekistan Bakhtiyor "
     "Saidov met with the Minister of Foreign Affairs of Tajikistan Sirojiddin Muhriddin in "
     "Tashkent. They discussed the Zarafshan waterworks and border crossings."),
]


class Feed:
    """An RSS feed on a loopback port whose items can be added while it is served."""

    def __init__(self):
        self.items: list[tuple[str, str, str]] = []
        feed = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                body = feed.xml().encode("utf-8")
                self.send_response(200)
                self.send_header("content-type", "application/rss+xml; charset=utf-8")
                self.send_header("content-length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/feed.xml"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def xml(self) -> str:
        from xml.sax.saxutils import escape
        entries = "".join(
            f"<item><guid>{escape(guid)}</guid><title>{escape(title)}</title>"
            f"<link>https://mfa.example.org/news/{guid}</link>"
            f"<pubDate>{formatdate(1678800000 + 86400 * i, usegmt=True)}</pubDate>"
            f"<description>{escape(text)}</description></item>"
            for i, (guid, title, text) in enumerate(self.items))
        return ('<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
                "<title>Ministry news</title><link>https://mfa.example.org/</link>"
                f"<description>news</description>{entries}</channel></rss>")

    def stop(self):
        self.httpd.shutdown()


def communique(*args):
    """The installed command, as a user runs it."""
    return [str(Path(sys.executable).parent / "communique"), *args]


def wait_for(check, timeout: float, step: float = 0.25):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(step)
    return None


@pytest.fixture(scope="module")
def live(tmp_path_factory, extractor):
    """A store with two fixture documents, served by `serve --watch FEED` on a free port."""
    from communique.ingest import read_inputs
    from communique.pipeline_run import ingest_inputs
    root = tmp_path_factory.mktemp("live")
    db = root / "live.duckdb"
    docs = [str(FIXTURES / "un-sg-readout.txt"), str(FIXTURES / "planned-summit.txt")]
    ingest_inputs(read_inputs(docs), str(db), extractor=extractor)
    feed = Feed()
    feed.items.append(ITEMS[0])
    port = free_port()
    log = open(root / "serve.log", "w+")
    proc = subprocess.Popen(communique("serve", "--db", str(db), "--port", str(port), "--watch",
                                       feed.url, "--every", f"{EVERY:g}s",
                                       "--fetch-allow-private"),
                            stdout=log, stderr=subprocess.STDOUT, cwd=str(ROOT))
    url = f"http://127.0.0.1:{port}"

    def first_poll_done():
        try:
            live = httpx.get(url + "/api/stats", timeout=2).json()["live"]
            return live and live["runs"] >= 1
        except (httpx.HTTPError, ValueError):
            return proc.poll() is not None
    wait_for(first_poll_done, 180)
    if proc.poll() is not None or not first_poll_done():
        log.seek(0)
        pytest.fail("serve --watch did not ingest the feed: " + log.read()[-3000:])
    yield {"url": url, "db": db, "feed": feed, "proc": proc, "log": log, "root": root}
    proc.terminate()
    proc.wait(timeout=20)
    feed.stop()
    log.close()


def events_with(url: str, text: str) -> int:
    return httpx.get(url + "/api/events", params={"text": text}, timeout=10).json()["total"]


def test_the_watched_feed_is_in_the_store(live):
    assert events_with(live["url"], "connectivity") >= 1
    stats = httpx.get(live["url"] + "/api/stats").json()
    assert stats["live"]["watch"] == [live["feed"].url]
    assert stats["live"]["every"] == EVERY
    # the web stays read-only: nothing but GET and HEAD
    assert httpx.post(live["url"] + "/api/events").status_code == 405


@pytest.mark.skipif(not os.path.exists(CHROMIUM), reason=f"{CHROMIUM} is missing")
def test_the_open_page_shows_a_new_feed_item_within_a_polling_period(live, tmp_path):
    sync_api = pytest.importorskip("playwright.sync_api")
    url = live["url"]
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--headless", "--no-sandbox",
                                                                    "--disable-gpu"])
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        outside = []
        page.on("request", lambda r: r.url.startswith(url) or r.url.startswith("data:")
                or outside.append(r.url))
        page.goto(url + "/")
        page.wait_for_selector("body[data-loaded=true]")
        assert page.locator("#live").is_visible()
        before = page.locator("#events tbody tr.row").count()
        assert page.locator("#events tbody", has_text="Saidov").count() == 0
        live["feed"].items.append(ITEMS[1])
        added = time.monotonic()
        # the server polls the feed within EVERY s and extracts; the page asks every EVERY s
        sync_api.expect(page.locator("#events tbody tr.row", has_text="Bakhtiyor Saidov")).to_have_count(
            1, timeout=60_000)
        waited = time.monotonic() - added
        in_store = wait_for(lambda: events_with(url, "Zarafshan"), 1)
        assert in_store
        assert page.locator("#events tbody tr.row").count() > before
        assert not outside
        browser.close()
    # one polling period of the server, one of the page, and the extraction of one item
    last = httpx.get(url + "/api/stats").json()["live"]["last"]
    assert waited < 2 * EVERY + 20, (waited, last)


def test_ingest_hands_its_inputs_to_the_server(live, tmp_path):
    text = tmp_path / "handed.txt"
    text.write_text("Ministers meet in Bishkek\n\nBISHKEK, 2 April 2023 – On 2 April, Minister of "
                    "Foreign Affairs of Kyrgyzstan Jeenbek Kulubaev met with the Minister of "
                    "Foreign Affairs of Turkmenistan Rashid Meredov in Bishkek. They discussed "
                    "the Kambarata hydropower plant.\n", encoding="utf-8")
    done = subprocess.run(communique("ingest", str(text), "--db", str(live["db"])),
                          capture_output=True, text=True, timeout=300, cwd=str(ROOT))
    assert done.returncode == 0, done.stderr
    assert f"pid {live['proc'].pid}" in done.stderr and "handed" in done.stderr
    assert "stored" in done.stdout
    assert events_with(live["url"], "Kambarata") >= 1
    # stdin cannot be handed over: a clear error, not a hang
    piped = subprocess.run(communique("ingest", "-", "--db", str(live["db"])), input="x",
                           capture_output=True, text=True, timeout=60, cwd=str(ROOT))
    assert piped.returncode == 2 and "stdin" in piped.stderr


def test_ingest_waits_for_another_holder_and_names_it(tmp_path):
    db = tmp_path / "held.duckdb"
    shutil.copy(FIXTURES / "un-sg-readout.txt", tmp_path / "a.txt")
    holder = subprocess.Popen([sys.executable, "-c", (
        "import duckdb, sys, time; con = duckdb.connect(sys.argv[1]); "
        "print('holding', flush=True); time.sleep(300)"), str(db)],
        stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "holding"
    ingest = subprocess.Popen(communique("ingest", str(tmp_path / "a.txt"), "--db", str(db)),
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              cwd=str(ROOT))
    try:
        said = ingest.stderr.readline()             # it says who holds the store, then waits
        assert f"process {holder.pid}" in said and "waiting" in said, said
        assert "not a communique server" in said
        time.sleep(2)
        assert ingest.poll() is None                # still waiting while the holder holds
    finally:
        holder.terminate()
        holder.wait(timeout=30)
    out, err = ingest.communicate(timeout=300)
    assert ingest.returncode == 0, err
    assert "stored" in out
