"""RSS and Atom feeds (feedparser), WARC archives (warcio), and bytes of a known content type.

A feed gives one input per item: `feed.xml#<guid or link>`, with the item's title, link and
date (a date feedparser cannot read is left unknown, never guessed); its content is the item's
full content where the feed carries it, else its summary. A WARC gives one input per response
or resource record: `crawl.warc.gz#<target URI>`; HTML goes through the HTML path, text as text,
feeds as feeds, anything else is skipped with its content type.
"""
from __future__ import annotations

import contextlib
import io
import os
import re
import time
import zlib
from typing import Iterator

from ..records import Document
from .dates import normalize_published
from .html import declared_charset, extract_html, looks_like_html

FEED_SUFFIXES = (".rss", ".atom", ".rdf", ".feed", ".xml")
WARC_SUFFIXES = (".warc", ".warc.gz", ".arc", ".arc.gz")
_FEED_HEAD = re.compile(rb"<(?:rss|feed|rdf:RDF)\b", re.IGNORECASE)
_HTML_TYPES = ("text/html", "application/xhtml+xml")
_FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/rdf+xml",
               "application/xml", "text/xml", "application/feed+json")


def looks_like_feed(data: bytes) -> bool:
    """An RSS, Atom or RDF document: its root element in the first bytes."""
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n")
    if not head.startswith(b"<"):
        return False
    return bool(_FEED_HEAD.search(head))


def _fragment_text(fragment: str) -> tuple[str, str | None]:
    """Text of an HTML fragment (an item's content), with the page's title if any."""
    if "<" not in fragment:
        return fragment, None
    page = extract_html(f"<html><body>{fragment}</body></html>")
    if page is None:
        return "", None
    return page.text, None


def _entry_date(entry) -> str | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        value = entry.get(key)
        if value:
            try:
                return time.strftime("%Y-%m-%d", value)
            except (TypeError, ValueError):
                continue
    for key in ("published", "updated", "date"):
        found = normalize_published(entry.get(key))
        if found:
            return found
    return None


def read_feed_bytes(data: bytes, *, source: str, published: str | None = None,
                    max_bytes: int, url: str | None = None) -> Iterator[Document]:
    """The items of a feed in bytes (see the module notes)."""
    from .readers import Skipped, make_document
    import feedparser
    try:
        parsed = feedparser.parse(data, sanitize_html=True, resolve_relative_uris=False)
    except Exception as exc:                            # feedparser on hostile bytes
        yield Skipped(source, "bad_feed", f"{type(exc).__name__}: {exc}")
        return
    entries = parsed.get("entries") or []
    if not entries:
        why = parsed.get("bozo_exception")
        if parsed.get("bozo") and why is not None:
            yield Skipped(source, "bad_feed", f"not a readable feed: {why}"[:300])
        else:
            yield Skipped(source, "empty", "the feed has no items")
        return
    for n, entry in enumerate(entries, start=1):
        ident = entry.get("id") or entry.get("link") or str(n)
        key = f"{source}#{ident}"
        try:
            link = entry.get("link") or None
            title = (entry.get("title") or "").strip() or None
            body = ""
            for content in entry.get("content") or []:
                value = content.get("value") or ""
                if len(value) > len(body):
                    body = value
            summary = entry.get("summary") or ""
            if len(summary) > len(body):
                body = summary
            if len(body) > max_bytes:
                yield Skipped(key, "too_large", f"item of {len(body)} characters", n)
                continue
            text, _ = _fragment_text(body)
            if title and "<" in title:
                title = _fragment_text(title)[0] or None
            if not text.strip():
                yield Skipped(key, "empty", "the item has no text (only a title or a link)", n)
                continue
            day = _entry_date(entry) or published
            doc = make_document(text, source=key, url=link, title=title, published=day,
                                single=True)
            if isinstance(doc, Skipped):
                doc.line = n
            yield doc
        except Exception as exc:                        # one bad item never stops the feed
            yield Skipped(key, "error", f"{type(exc).__name__}: {exc}", n)


def read_warc(path: str, *, published: str | None = None,
              max_bytes: int) -> Iterator[Document]:
    """The response and resource records of a WARC (or ARC) file, plain or gzip. Every record
    is accounted for: one that ends before its Content-Length says, or whose Content-Length
    does not lead to the next record, is `truncated`; after a record that cannot be read the
    reading goes on at the next record start (a gzip member or a `WARC/` line), and bytes
    after the last whole record are reported."""
    from .readers import Skipped
    try:
        from warcio.archiveiterator import ArchiveIterator
    except ImportError:                                  # pragma: no cover - declared dependency
        yield Skipped(path, "unsupported", "warcio is not installed")
        return
    try:
        fh = open(path, "rb")
    except FileNotFoundError:
        yield Skipped(path, "not_found", "no such file")
        return
    except OSError as exc:
        yield Skipped(path, "unreadable", str(exc))
        return
    with fh:
        size = os.fstat(fh.fileno()).st_size
        head = fh.read(64)
        gz = head.startswith(b"\x1f\x8b")
        if gz:
            import gzip
            try:
                with gzip.open(path, "rb") as g:
                    head = g.read(64)
            except (OSError, EOFError, zlib.error) as exc:
                yield Skipped(path, "unreadable", f"corrupt gzip: {exc}")
                return
        if not head.lstrip().startswith((b"WARC/", b"filedesc://")):
            yield Skipped(path, "unreadable" if head.strip() else "empty",
                          "not a WARC or ARC file" if head.strip() else "no content")
            return
        state = _WarcState(path, published, max_bytes)
        try:
            yield from _read_warc_records(fh, size, gz, state)
        except Exception as exc:                         # whatever the archive holds
            yield Skipped(f"{path}#@{state.at}", "unreadable",
                          f"after record {state.n}: {type(exc).__name__}: {exc}"[:300],
                          state.n + 1)
        if state.n == 0:
            yield Skipped(path, "empty", "no response or resource records in the archive")


def _read_warc_records(fh, size: int, gz: bool, state: "_WarcState") -> Iterator:
    from warcio.archiveiterator import ArchiveIterator
    from .readers import Skipped
    path = state.path
    base = 0
    while base is not None and base < size:
        fh.seek(base)
        it = ArchiveIterator(fh, arc2warc=True)
        failed_at = None
        pending: list = []                           # the results of the record before
        errors = 0
        while True:
            try:
                with contextlib.redirect_stderr(io.StringIO()):   # warcio's warnings
                    record = next(it)
            except StopIteration:
                record = None
            except Exception as exc:                 # a record that cannot be read
                failed_at = base + max(0, it.offset or 0)
                state.at = failed_at
                yield from pending
                pending = []
                state.n += 1
                base = _next_record_start(fh, failed_at + 1, gz)
                reason, what = ("truncated", "the file ends in it") if base is None else \
                    ("bad_record", f"reading goes on at byte {base}")
                yield Skipped(f"{path}#@{failed_at}", reason,
                              f"record {state.n} at byte {failed_at} cannot be read "
                              f"({what}): {type(exc).__name__}: {exc}"[:300], state.n)
                break
            if it.err_count > errors and pending:    # the record before was cut short
                errors = it.err_count
                pending = [state.cut(state.key, state.n)]
            yield from pending
            pending = []
            if record is None:
                break
            pending = list(state.record(record))
        yield from pending
        if failed_at is not None:
            continue
        end = base + max(0, it.offset or 0)
        state.at = end
        fh.seek(end)
        rest = fh.read(4096)
        if rest.strip(b"\r\n\t \x00"):
            yield Skipped(f"{path}#@{end}", "truncated",
                          f"{size - end} bytes after the last whole record (at byte {end}) "
                          "are not a record: the file is cut or damaged", state.n + 1)
        break


class _WarcState:
    """What read_warc knows across its records: their number and the keys given so far."""

    def __init__(self, path: str, published: str | None, max_bytes: int):
        self.path, self.published, self.max_bytes = path, published, max_bytes
        self.n = 0
        self.key = path                                  # of the last record read
        self.at = 0                                      # a byte offset reached
        self.seen: dict[str, int] = {}

    def cut(self, key: str, n: int):
        """What a record whose Content-Length did not lead to the next record gives."""
        from .readers import Skipped
        return Skipped(key, "truncated", "the record's Content-Length does not match its "
                                         "content (the next record does not follow it)", n)

    def record(self, record) -> Iterator:
        from .readers import Skipped
        if record.rec_type not in ("response", "resource", "conversion"):
            return
        self.n += 1
        n = self.n
        uri = record.rec_headers.get_header("WARC-Target-URI") or f"record-{n}"
        self.seen[uri] = self.seen.get(uri, 0) + 1
        key = f"{self.path}#{uri}" + (f"~{self.seen[uri]}" if self.seen[uri] > 1 else "")
        self.key = key
        try:
            if record.rec_type == "response" and record.http_headers is not None:
                status = record.http_headers.get_statuscode()
                if not str(status).startswith("2"):
                    yield Skipped(key, "http_status", f"HTTP {status}", n)
                    return
                ctype = record.http_headers.get_header("Content-Type") or ""
            else:
                ctype = record.rec_headers.get_header("Content-Type") or ""
            data = record.content_stream().read(self.max_bytes + 1)
            if len(data) > self.max_bytes:
                yield Skipped(key, "too_large", f"over the limit of {self.max_bytes} bytes", n)
                return
            while record.raw_stream.read(1 << 16):      # to its end: is it all there?
                pass
            missing = getattr(record.raw_stream, "limit", 0) or 0
            if missing > 0:
                yield Skipped(key, "truncated", f"the record ends {missing} bytes before its "
                                                "Content-Length says", n)
                return
            for item in from_bytes(data, source=key, url=uri, content_type=ctype,
                                   published=self.published, max_bytes=self.max_bytes):
                if isinstance(item, Skipped) and item.line is None:
                    item.line = n
                yield item
        except Exception as exc:                         # a bad record never stops the archive
            yield Skipped(key, "error", f"{type(exc).__name__}: {exc}"[:300], n)


def _next_record_start(fh, start: int, gz: bool) -> int | None:
    """Where the next record may begin after `start`: a gzip member header, or a `WARC/1.`
    line; None when there is none."""
    marker = b"\x1f\x8b\x08" if gz else b"\nWARC/1."
    fh.seek(start)
    offset, tail = start, b""
    while True:
        block = fh.read(1 << 20)
        if not block:
            return None
        data = tail + block
        at = data.find(marker)
        if at >= 0:
            return offset - len(tail) + at + (0 if gz else 1)
        tail = data[-(len(marker) - 1):]
        offset += len(block)


def _charset(content_type: str) -> str | None:
    m = re.search(r"charset\s*=\s*[\"']?([\w\-:.]+)", content_type or "", re.IGNORECASE)
    return m.group(1).lower() if m else None


def from_bytes(data: bytes, *, source: str, url: str | None, content_type: str,
               published: str | None, max_bytes: int) -> Iterator[Document]:
    """Documents from fetched or archived bytes, by content type (sniffed when vague)."""
    from .readers import Skipped, _html_document, _with_source, decode_bytes, make_document
    from .dates import detect_published
    ctype = (content_type or "").split(";")[0].strip().lower()
    if not data or not data.strip():
        yield Skipped(source, "empty", "no content")
        return
    is_feed = ctype in _FEED_TYPES and looks_like_feed(data) or (
        ctype not in _HTML_TYPES and looks_like_feed(data))
    if is_feed:
        yield from read_feed_bytes(data, source=source, published=published,
                                   max_bytes=max_bytes, url=url)
        return
    textual = (not ctype or ctype.startswith("text/") or ctype in _HTML_TYPES
               or ctype in ("application/octet-stream", "application/xml"))
    if not textual:
        yield Skipped(source, "unsupported", f"content type {ctype}, not a page or a text")
        return
    declared = _charset(content_type) or declared_charset(data)
    text, skip = decode_bytes(data, declared=declared)
    if skip:
        yield _with_source(skip, source)
        return
    if ctype in _HTML_TYPES or looks_like_html(text):
        yield _html_document(text, source, published, url=url)
        return
    yield make_document(text, source=source, url=url,
                        published=published or detect_published(text))

