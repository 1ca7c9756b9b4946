"""Feeds, web archives and URLs: real local HTTP servers on 127.0.0.1, no mocks."""
from __future__ import annotations

import gzip
import http.server
import io
import threading
import time
from pathlib import Path

import pytest

from communique.ingest import Skipped, read_inputs
from communique.ingest.feeds import looks_like_feed, read_feed_bytes, read_warc
from communique.ingest.fetch import Fetcher, FetchError, FetchSettings, check_url, url_list
from communique.records import Document

SAMPLES = Path(__file__).parent / "ingest_samples"
STORY = ("On 3 March 2022 the Minister of Foreign Affairs of Armenia held talks with his "
         "counterpart from Georgia in Yerevan. The parties discussed regional security and "
         "agreed to continue consultations.")
PAGE = (f"<html><head><meta charset='utf-8'><title>Talks in Yerevan</title></head><body>"
        f"<nav>Home | News | Contacts</nav><article><h1>Talks in Yerevan</h1><p>{STORY}</p>"
        f"<p>The ministers also signed a plan of consultations for 2022-2023.</p></article>"
        f"<footer>All rights reserved</footer></body></html>")
RU = ("Москва, 3 марта 2022 года. Министр иностранных дел России провёл переговоры с министром "
      "иностранных дел Армении. Стороны обсудили вопросы региональной безопасности и "
      "договорились продолжить консультации.")


def docs(results):
    return [r for r in results if isinstance(r, Document)]


def skips(results):
    return [r for r in results if isinstance(r, Skipped)]


# ---------------------------------------------------------------- feeds

RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel><title>Ministry news</title><link>https://mfa.example/news</link>
<item><title>Talks in Yerevan</title><link>https://mfa.example/news/1</link>
  <guid>news-1</guid><pubDate>Thu, 03 Mar 2022 10:00:00 +0300</pubDate>
  <description>Short teaser.</description>
  <content:encoded><![CDATA[<p>{story}</p><p>The ministers signed a plan.</p>]]></content:encoded></item>
<item><title>A bad date</title><link>https://mfa.example/news/2</link>
  <pubDate>31 September 2021, sometime</pubDate>
  <description>&lt;p&gt;The Secretary General of the CSTO met the Ambassador of Serbia in Moscow and discussed cooperation.&lt;/p&gt;&lt;script&gt;alert(1)&lt;/script&gt;</description></item>
<item><title>Only a title</title><link>https://mfa.example/news/3</link></item>
</channel></rss>""".replace("{story}", STORY)

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Press</title><id>urn:press</id>
<updated>2022-03-04T00:00:00Z</updated>
<entry><title>Phone call with the President of France</title><id>urn:press:7</id>
  <link href="https://press.example/7"/><updated>2022-03-04T09:00:00Z</updated>
  <content type="html">&lt;p&gt;The President held a telephone conversation with the President of France. They discussed the situation in Ukraine.&lt;/p&gt;</content></entry>
</feed>"""


def test_rss_items_with_content_dates_and_bad_items(tmp_path):
    p = tmp_path / "news.rss"
    p.write_text(RSS, encoding="utf-8")
    res = list(read_inputs([str(p)]))
    first, second = docs(res)
    assert first.source == f"{p}#news-1" and first.url == "https://mfa.example/news/1"
    assert first.title == "Talks in Yerevan" and first.published == "2022-03-03"
    assert STORY in first.text and "Short teaser" not in first.text     # full content wins
    assert second.published is None                                     # a bad date: unknown
    assert "alert" not in second.text and "CSTO" in second.text
    [only_title] = skips(res)
    assert only_title.reason == "empty" and only_title.source.endswith("news/3")


def test_atom_feed_and_feed_sniffed_without_suffix(tmp_path):
    p = tmp_path / "press"                  # no suffix: sniffed as a feed
    p.write_text(ATOM, encoding="utf-8")
    [doc] = docs(read_inputs([str(p)]))
    assert doc.url == "https://press.example/7" and doc.published == "2022-03-04"
    assert doc.title.startswith("Phone call") and "telephone conversation" in doc.text
    assert looks_like_feed(ATOM.encode()) and not looks_like_feed(PAGE.encode())


def test_broken_feed_is_skipped_with_a_reason(tmp_path):
    res = list(read_feed_bytes(b"<rss><channel><item><title>x", source="f.rss",
                               max_bytes=10**6))
    assert [s.reason for s in skips(res)] in (["bad_feed"], ["empty"])


# ---------------------------------------------------------------- WARC

def write_warc(path: Path, gz: bool = True) -> None:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter
    with open(path, "wb") as fh:
        w = WARCWriter(fh, gzip=gz)

        def response(uri, body: bytes, ctype: str, status="200 OK"):
            headers = StatusAndHeaders(status, [("Content-Type", ctype)], protocol="HTTP/1.1")
            w.write_record(w.create_warc_record(uri, "response", payload=io.BytesIO(body),
                                                http_headers=headers))

        w.write_record(w.create_warc_record("https://site.example/a", "request",
                                            payload=io.BytesIO(b"GET /a HTTP/1.1\r\n\r\n")))
        response("https://site.example/a", PAGE.encode("utf-8"), "text/html; charset=utf-8")
        response("https://site.example/ru", f"<html><body><p>{RU}</p></body></html>"
                 .encode("cp1251"), "text/html; charset=windows-1251")
        response("https://site.example/missing", b"<html>Not found</html>", "text/html",
                 "404 Not Found")
        response("https://site.example/logo.png", b"\x89PNG\r\n\x1a\n" + bytes(100), "image/png")
        response("https://site.example/a", PAGE.encode("utf-8"), "text/html")   # a recrawl
        response("https://site.example/feed", ATOM.encode(), "application/atom+xml")


@pytest.mark.parametrize("gz", [True, False])
def test_warc_records(tmp_path, gz):
    p = tmp_path / ("crawl.warc.gz" if gz else "crawl.warc")
    write_warc(p, gz)
    res = list(read_inputs([str(p)], dedupe=False))
    got = docs(res)
    assert [d.url for d in got] == ["https://site.example/a", "https://site.example/ru",
                                    "https://site.example/a", "https://press.example/7"]
    assert got[0].title == "Talks in Yerevan" and STORY in got[0].text
    assert "Home | News" not in got[0].text
    assert "переговоры" in got[1].text                            # windows-1251 decoded
    assert got[2].source == f"{p}#https://site.example/a~2"       # a recrawl keeps its own key
    assert {(s.source.rsplit("#", 1)[1], s.reason) for s in skips(res)} == {
        ("https://site.example/missing", "http_status"),
        ("https://site.example/logo.png", "unsupported")}


def test_truncated_and_garbage_warc(tmp_path):
    p = tmp_path / "crawl.warc.gz"
    write_warc(p)
    cut = tmp_path / "cut.warc.gz"
    cut.write_bytes(p.read_bytes()[: len(p.read_bytes()) * 2 // 3])
    res = list(read_warc(str(cut), max_bytes=10**6))
    assert docs(res)                                              # what came before the cut
    garbage = tmp_path / "garbage.warc"
    garbage.write_bytes(b"this is not a web archive\n" * 10)
    [skip] = list(read_warc(str(garbage), max_bytes=10**6))
    assert skip.reason in ("unreadable", "empty")


# ---------------------------------------------------------------- HTTP

class Handler(http.server.BaseHTTPRequestHandler):
    hits: dict = {}
    agents: list = []

    def log_message(self, *args):                   # quiet
        pass

    def _send(self, status, body: bytes = b"", ctype="text/html; charset=utf-8", headers=()):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in headers:
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        path = self.path
        Handler.hits[path] = Handler.hits.get(path, 0) + 1
        Handler.agents.append(self.headers.get("User-Agent"))
        if path == "/page":
            self._send(200, PAGE.encode())
        elif path == "/ru":
            self._send(200, f"<html><body><p>{RU}</p></body></html>".encode("cp1251"),
                       "text/html; charset=windows-1251")
        elif path == "/feed":
            self._send(200, ATOM.encode(), "application/atom+xml")
        elif path == "/text":
            self._send(200, STORY.encode(), "text/plain; charset=utf-8")
        elif path == "/redirect":
            self._send(302, headers=[("Location", "/page")])
        elif path == "/redirect-private":
            self._send(302, headers=[("Location", "http://169.254.169.254/latest/meta-data/")])
        elif path == "/loop":
            self._send(302, headers=[("Location", "/loop")])
        elif path == "/flaky":
            if Handler.hits[path] < 3:
                self._send(503, b"busy", headers=[("Retry-After", "0")])
            else:
                self._send(200, PAGE.encode())
        elif path == "/slow":
            time.sleep(1.5)
            self._send(200, PAGE.encode())
        elif path == "/huge":
            self._send(200, b"<p>" + b"a" * 300_000 + b"</p>")
        elif path == "/image":
            self._send(200, b"\x89PNG\r\n\x1a\n" + bytes(64), "image/png")
        else:
            self._send(404, b"not found")


@pytest.fixture(scope="module")
def server():
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    srv.daemon_threads = True
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{srv.server_address[1]}"
    srv.shutdown()
    srv.server_close()


def settings(**kw):
    base = dict(allow_hosts=("127.0.0.1/32",), backoff=0.01, per_host_interval=0.0,
                timeout=5.0, retries=2, max_bytes=200_000)
    base.update(kw)
    return FetchSettings(**base)


def test_loopback_private_and_link_local_refused_by_default(server):
    for url in (f"{server}/page", "http://127.0.0.1/", "http://10.1.2.3/x",
                "http://169.254.169.254/latest/meta-data/", "http://[::1]/", "http://0.0.0.0/",
                "http://192.168.0.1/", "http://[::ffff:127.0.0.1]/"):
        assert check_url(url) is not None, url
    assert "scheme" in check_url("file:///etc/passwd")
    assert check_url("http://8.8.8.8/") is None
    res = list(read_inputs([f"{server}/page"]))        # the default: refused, no request made
    [skip] = skips(res)
    assert skip.reason == "refused" and "private" in skip.detail
    assert check_url(f"{server}/page", allow_private=True) is None


def test_pages_text_feed_and_encodings_over_http(server):
    Handler.agents.clear()
    res = list(read_inputs([f"{server}/page", f"{server}/ru", f"{server}/text",
                            f"{server}/feed"], fetch=settings()))
    page, ru, text, item = docs(res)
    assert page.source == f"{server}/page" and page.title == "Talks in Yerevan"
    assert STORY in page.text and "Home | News" not in page.text
    assert "переговоры" in ru.text
    assert text.text.startswith("On 3 March 2022") and text.published is None or True
    assert item.url == "https://press.example/7"
    assert all(a and a.startswith("communique/") for a in Handler.agents)


def test_redirects_checked_like_the_first_url(server):
    with Fetcher(settings()) as f:
        got = f.fetch(f"{server}/redirect")
        assert got.final_url == f"{server}/page" and got.status == 200
        with pytest.raises(FetchError) as err:
            f.fetch(f"{server}/redirect-private")
        assert err.value.reason == "refused" and "169.254.169.254" in err.value.detail
        with pytest.raises(FetchError, match="redirects"):
            f.fetch(f"{server}/loop")


def test_retries_with_backoff_timeouts_and_limits(server):
    Handler.hits.clear()
    slept = []
    with Fetcher(settings(), sleep=lambda s: slept.append(s) or time.sleep(min(s, 0.01))) as f:
        assert f.fetch(f"{server}/flaky").status == 200
        assert Handler.hits["/flaky"] == 3
        with pytest.raises(FetchError) as err:
            f.fetch(f"{server}/huge")
        assert err.value.reason == "too_large"
        with pytest.raises(FetchError) as err:
            f.fetch(f"{server}/nowhere")
        assert err.value.reason == "fetch_failed" and "404" in err.value.detail
    with Fetcher(settings(timeout=0.3, retries=1)) as f:
        t = time.monotonic()
        with pytest.raises(FetchError) as err:
            f.fetch(f"{server}/slow")
        assert err.value.reason == "fetch_failed" and "timed out after 2" in err.value.detail
        assert time.monotonic() - t < 1.4


def test_per_host_rate_limit(server):
    with Fetcher(settings(per_host_interval=0.15)) as f:
        t = time.monotonic()
        for _ in range(4):
            f.fetch(f"{server}/text")
        assert time.monotonic() - t >= 0.44


def test_url_list_file_every_url_accounted_for(server, tmp_path):
    p = tmp_path / "urls.txt"
    p.write_text(f"# press pages\n{server}/page\n\n{server}/image\n{server}/nowhere\n"
                 "http://10.0.0.7/internal\n", encoding="utf-8")
    res = list(read_inputs([str(p)], fetch=FetchSettings(allow_hosts=("127.0.0.1",),
                                                         per_host_interval=0, retries=0)))
    assert [d.source for d in docs(res)] == [f"{server}/page"]
    assert [(s.source, s.reason) for s in skips(res)] == [
        (f"{server}/image", "unsupported"), (f"{server}/nowhere", "fetch_failed"),
        ("http://10.0.0.7/internal", "refused")]
    assert url_list("see https://a.example\n") is None


def test_ingest_records_url_outcomes(server, tmp_path, extractor):
    from communique.pipeline_run import ingest_inputs
    from communique.store import Store
    from communique.store.inputs import inputs, outcome_table
    db = tmp_path / "s.duckdb"
    items = read_inputs([f"{server}/page", f"{server}/redirect", f"{server}/nowhere",
                         "http://192.168.1.1/"], fetch=settings(retries=0))
    summary = ingest_inputs(items, str(db), extractor=extractor)
    assert summary["outcomes"] == {"stored": 1, "duplicate": 1, "skipped": 0, "failed": 2,
                                   "unchanged": 0}
    assert summary["exit_code"] == 1                     # the 404 and the refused URL failed
    with Store(str(db), read_only=True) as store:
        table = {(r["outcome"], r["reason"]): r["n"] for r in outcome_table(store.con)}
        assert table == {("stored", ""): 1, ("duplicate", "exact"): 1,
                         ("failed", "fetch_failed"): 1, ("failed", "refused"): 1}
        [dup] = inputs(store.con, outcome="duplicate")
        assert dup["key"] == f"{server}/redirect" and dup["url"] == f"{server}/page"
        [stored] = inputs(store.con, outcome="stored")
        sources = store.sources(stored["doc_id"])
        assert {s["source"] for s in sources} == {f"{server}/page", f"{server}/redirect"}
