"""Bad input: 200 generated bad inputs all accounted for; random bytes, random HTML and random
feeds never crash a reader (hypothesis)."""
from __future__ import annotations

import os
import tempfile
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from communique.ingest import Skipped, read_inputs
from communique.ingest.corpora import read_corpus
from communique.ingest.feeds import read_feed_bytes, read_warc
from communique.ingest.html import extract_html
from communique.ingest.readers import _read_path, make_document
from communique.records import Document

from .bad_inputs import HUGE, make_bad_inputs

MAX = HUGE - 100_000


@pytest.fixture(scope="module")
def bad_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("bad") / "in"
    names = make_bad_inputs(folder, 200)
    assert len(names) == 200
    return folder, names


def _owner(source: str, folder: Path) -> str | None:
    """The file (relative name) a result's source belongs to."""
    if source.startswith("http"):
        return None
    path = source.split("#", 1)[0]
    return os.path.relpath(path, folder)


def test_every_bad_input_accounted_for(bad_dir):
    folder, names = bad_dir
    results = list(read_inputs([str(folder)], max_bytes=MAX))
    owners = Counter(_owner(r.source, folder) for r in results)
    url_lists = [n for n in names if "refused_urls" in n]
    for name in names:
        if name in url_lists:
            continue
        assert owners[name] >= 1, f"{name} gave nothing"
    refused = [r for r in results if isinstance(r, Skipped) and r.reason == "refused"]
    assert len(refused) == 3 * len(url_lists)
    reasons = Counter(r.reason for r in results if isinstance(r, Skipped))
    assert "error" not in reasons, [r for r in results if getattr(r, "reason", "") == "error"]
    for expected in ("empty", "binary", "too_large", "loop", "not_found", "not_regular",
                     "bad_record", "unsupported", "unreadable", "duplicate"):
        assert reasons[expected], expected
    good = [r for r in results if isinstance(r, Document)]
    texts = " ".join(d.text for d in good)
    assert "переговоры" in texts                        # windows-1251 and KOI8-R decoded
    assert "\u200b" not in texts and "alert(" not in texts and "track()" not in texts
    huge = [r for r in results if "_huge" in r.source]
    assert [r.reason for r in huge] == ["too_large"]
    dated = [d for d in good if "impossible_date" in d.source]
    assert dated and all(d.published is None for d in dated)   # 31 September is no date


def test_bad_inputs_ingest_every_input_recorded(bad_dir, extractor, tmp_path):
    from communique.pipeline_run import ingest_inputs
    from communique.store import Store
    from communique.store.inputs import outcome_table
    folder, _ = bad_dir
    n_results = len(list(read_inputs([str(folder)], max_bytes=MAX)))
    db = tmp_path / "bad.duckdb"
    summary = ingest_inputs(read_inputs([str(folder)], max_bytes=MAX), str(db),
                            extractor=extractor)
    assert summary["inputs"] == n_results
    assert summary["outcomes"]["stored"] > 10 and summary["outcomes"]["skipped"] > 100
    assert summary["exit_code"] == 1                   # the broken links were not found
    with Store(str(db), read_only=True) as store:
        rows = store.con.execute("SELECT count(*), count(DISTINCT key) FROM inputs").fetchone()
        assert rows == (n_results, n_results)
        assert sum(r["n"] for r in outcome_table(store.con)) == n_results
        stored = store.con.execute("SELECT count(*) FROM inputs WHERE outcome = 'stored'"
                                   ).fetchone()[0]
        assert stored == store.stats()["documents"]
    again = ingest_inputs(read_inputs([str(folder)], max_bytes=MAX), str(db),
                          extractor=extractor)
    assert again["outcomes"]["stored"] == 0 and again["events"] == 0
    assert again["outcomes"]["unchanged"] + again["outcomes"]["failed"] == n_results


# ---------------------------------------------------------------- properties

SUFFIXES = [".txt", ".html", ".rss", ".xml", ".jsonl", ".csv", ".json", ".warc", ".warc.gz",
            ".jsonl.gz", ""]
FAST = settings(max_examples=60, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])


def _no_crash(results):
    assert all(isinstance(r, (Document, Skipped)) for r in results)
    errors = [r for r in results if isinstance(r, Skipped) and r.reason == "error"]
    assert not errors, errors


@FAST
@given(data=st.binary(max_size=3000), suffix=st.sampled_from(SUFFIXES))
def test_random_bytes_never_crash_a_reader(data, suffix):
    with tempfile.TemporaryDirectory() as d:
        p = os.path.join(d, "x" + suffix)
        with open(p, "wb") as fh:
            fh.write(data)
        if suffix.startswith(".warc"):
            results = list(read_warc(p, max_bytes=10**6))
        elif suffix in (".jsonl", ".csv", ".json", ".jsonl.gz"):
            results = list(read_corpus(p, max_bytes=10**6))
        else:
            results = list(_read_path(p, None, 10**6))
        _no_crash(results)
        assert results


_TAGS = st.sampled_from(["p", "div", "script", "style", "h1", "article", "nav", "table", "td",
                         "br", "title", "meta", "a", "span", "li", "ul", "header", "footer",
                         "body", "html", "head", "noscript", "iframe", "svg", "pre"])
_TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=80)


@st.composite
def html_soup(draw):
    parts = []
    for _ in range(draw(st.integers(0, 30))):
        kind = draw(st.integers(0, 4))
        tag = draw(_TAGS)
        if kind == 0:
            parts.append(f"<{tag}>")
        elif kind == 1:
            parts.append(f"</{tag}>")
        elif kind == 2:
            parts.append(draw(_TEXT))
        elif kind == 3:
            parts.append(f"<{tag} class=\"{draw(_TEXT)}\">{draw(_TEXT)}</{tag}>")
        else:
            parts.append(draw(st.sampled_from(["<!--", "-->", "<![CDATA[", "&amp;", "&#0;",
                                               "&#xD800;", "<", ">", "\x00", "<?xml?>"])))
    return "".join(parts)


@FAST
@given(html=html_soup())
def test_random_html_never_crashes(html):
    page = extract_html(html)
    if page is not None:
        doc = make_document(page.text, source="x.html", title=page.title,
                            published=page.published)
        assert isinstance(doc, (Document, Skipped))
    with tempfile.TemporaryDirectory() as d:
        p = os.path.join(d, "x.html")
        with open(p, "w", encoding="utf-8", errors="surrogatepass") as fh:
            fh.write(html)
        _no_crash(list(_read_path(p, None, 10**6)))


_DATES = st.one_of(_TEXT, st.sampled_from(["Thu, 03 Mar 2022 10:00:00 +0300", "31 Sept 2019",
                                           "2022-02-30T10:00:00Z", "0000-00-00", "99999",
                                           "Mon, 32 Foo 2022", ""]))


@st.composite
def feed(draw):
    atom = draw(st.booleans())
    items = []
    for _ in range(draw(st.integers(0, 5))):
        title, date, body, link = draw(_TEXT), draw(_DATES), draw(st.one_of(_TEXT, html_soup())), \
            draw(_TEXT)
        esc = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
        e = lambda s: "".join(esc.get(c, c) for c in s)   # noqa: E731
        raw = draw(st.booleans())                          # unescaped: broken XML
        body_x = body if raw else e(body)
        if atom:
            items.append(f"<entry><title>{e(title)}</title><id>{e(link)}</id>"
                         f"<updated>{e(date)}</updated><content type='html'>{body_x}</content>"
                         f"</entry>")
        else:
            items.append(f"<item><title>{e(title)}</title><link>{e(link)}</link>"
                         f"<pubDate>{e(date)}</pubDate><description>{body_x}</description>"
                         f"</item>")
    if atom:
        return ("<?xml version='1.0' encoding='utf-8'?><feed xmlns='http://www.w3.org/2005/"
                "Atom'><title>f</title>" + "".join(items) + "</feed>"), len(items)
    return ("<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel><title>f</title>"
            + "".join(items) + "</channel></rss>"), len(items)


@FAST
@given(f=feed())
def test_random_feeds_never_crash(f):
    xml, n = f
    results = list(read_feed_bytes(xml.encode("utf-8", "surrogatepass"), source="f.rss",
                                   max_bytes=10**6))
    _no_crash(results)
    assert results and len(results) <= max(n, 1)
