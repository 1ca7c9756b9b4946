"""Readers: files, directories, stdin and corpus files to Documents.

Every input gives Documents or a `Skipped` that says why (empty, binary, undecodable, too large,
not found, a bad record with its line number, a duplicate); nothing is dropped silently and one
bad input never stops a batch.
"""
from __future__ import annotations

import codecs
import fnmatch
import glob
import gzip
import io
import os
import re
import sys
import zlib
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import IO, Iterator

from ..errors import InputError
from ..limits import DOC_SECONDS, BoundedReader, OverBudget, TooLarge, time_budget
from ..records import Document, clean_surrogates, encodable
from .clean import clean_text, normalize_line
from .dates import detect_published, normalize_published
from .html import declared_charset, extract_html, looks_like_html
from .segment import segment

MAX_BYTES = 20_000_000              # one document (a .txt, .html, stdin or one corpus record)
TEXT_SUFFIXES = (".txt", ".text")
HTML_SUFFIXES = (".html", ".htm", ".xhtml")
CORPUS_SUFFIXES = (".jsonl", ".jsonl.gz", ".ndjson", ".ndjson.gz", ".csv", ".csv.gz", ".json",
                   ".json.gz")
MAX_RATIO = 200                     # a gzip that decompresses over 200 times its size is a bomb
# what a directory's files may be (others are skipped as unsupported unless `include` names them)
KNOWN_SUFFIXES = (TEXT_SUFFIXES + HTML_SUFFIXES + CORPUS_SUFFIXES
                  + (".rss", ".atom", ".rdf", ".feed", ".xml", ".warc", ".warc.gz", ".arc",
                     ".arc.gz", ".urls", ".gz"))
_MAGIC = {b"%PDF": "a PDF document", b"PK\x03\x04": "a ZIP archive (or an office document)",
          b"\x89PNG": "a PNG image", b"\xff\xd8\xff": "a JPEG image", b"GIF8": "a GIF image",
          b"\x1f\x8b": "gzip data", b"\x7fELF": "an executable", b"MZ": "an executable",
          b"\xd0\xcf\x11\xe0": "an MS Office document", b"SQLite format": "an SQLite database",
          b"Rar!": "a RAR archive", b"7z\xbc\xaf": "a 7z archive", b"OggS": "audio",
          b"ID3": "audio", b"\x00\x00\x00\x18ftyp": "video", b"\x00\x00\x00\x20ftyp": "video"}
_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
         (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
         (codecs.BOM_UTF16_BE, "utf-16"))


@dataclass
class Skipped:
    """An input (or one record of a corpus file) that gave no Document, and why.

    reason: not_found, unreadable, empty, binary, undecodable, too_large, bad_record,
    unsupported, duplicate, error, timeout, truncated; and for feeds, archives and URLs:
    bad_feed, http_status, refused, fetch_failed; for directories: loop, not_regular, hidden.
    """
    source: str
    reason: str
    detail: str = ""
    line: int | None = None            # line (JSONL) or row (CSV) number inside the file
    doc_id: str | None = None          # for a duplicate: the id of the text it repeats
    url: str | None = None

    def to_dict(self) -> dict:
        return asdict(self)

    def to_error(self) -> InputError:
        where = f"{self.source} line {self.line}" if self.line else self.source
        return InputError(f"{where}: {self.reason.replace('_', ' ')}: {self.detail}",
                          _HINTS.get(self.reason))


_HINTS = {
    "not_found": "check the path",
    "too_large": "raise max_bytes (--max-bytes) if the file really is one document",
    "binary": "give a text, HTML, JSONL or CSV file",
    "undecodable": "convert the file to UTF-8",
    "bad_record": "fix or remove that line; the other records were read",
    "empty": "the input holds no news text",
    "refused": "allow private addresses (--allow-private) to fetch local or intranet URLs",
    "fetch_failed": "check the URL and the network, or raise the timeout and retries",
    "timeout": "the document took too long to read; split it into smaller ones",
    "truncated": "the file ends in the middle of a record; fetch or copy it again",
    "not_regular": "give a regular file (a pipe or a device only as '-', stdin)",
    "hidden": "name the file itself, or with include, to read it",
}
# a reason that says the ingest failed (the exit code tells), not that the input was bad
FAILURE_REASONS = frozenset({"not_found", "unreadable", "error", "fetch_failed", "refused",
                             "timeout", "truncated"})


# ---------------------------------------------------------------- decoding

def decode_bytes(data: bytes, *, declared: str | None = None) -> tuple[str | None, Skipped | None]:
    """Text from bytes: a BOM, the declared charset, UTF-8, else charset-normalizer's guess.
    Returns (text, None) or (None, Skipped-with-source-unset)."""
    if not data or not data.strip():
        return None, Skipped("", "empty", "no content")
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(enc), None
            except UnicodeDecodeError as exc:
                return None, Skipped("", "undecodable", f"{enc} with a byte order mark: {exc}")
    head = data[:8192]
    for magic, what in _MAGIC.items():
        if head.startswith(magic):
            return None, Skipped("", "binary", f"{what}, not a text")
    utf16 = _utf16_without_bom(head)
    if utf16:
        try:
            return _check_text(data.decode(utf16))
        except UnicodeDecodeError:
            pass
    if b"\x00" in head:
        return None, Skipped("", "binary", "NUL bytes: not a text")
    candidates = [declared] if declared else []
    candidates.append("utf-8")
    for enc in candidates:
        try:
            return _check_text(data.decode(enc))
        except (UnicodeDecodeError, LookupError):
            continue
    try:
        from charset_normalizer import from_bytes
        best = from_bytes(data).best()
    except Exception as exc:                             # pragma: no cover - defensive
        return None, Skipped("", "undecodable", f"encoding detection failed: {exc}")
    if best is None:
        mixed = _decode_mixed(data)
        if mixed is not None:
            return _check_text(mixed)
        return None, Skipped("", "undecodable", "no text encoding fits these bytes")
    return _check_text(str(best))


def _utf16_without_bom(head: bytes) -> str | None:
    """UTF-16 without a byte order mark: mostly ASCII text with NUL in every other byte."""
    if len(head) < 40:
        return None
    even, odd = head[0::2], head[1::2]
    n = min(len(even), len(odd))
    if odd.count(0) > 0.7 * n and even.count(0) < 0.05 * n:
        return "utf-16-le"
    if even.count(0) > 0.7 * n and odd.count(0) < 0.05 * n:
        return "utf-16-be"
    return None


def _decode_mixed(data: bytes) -> str | None:
    """A text whose lines are in two encodings (UTF-8 and a legacy one, as when pages are
    pasted together): UTF-8 lines as they are, the others in the encoding guessed from them
    all. None when most of the text is not UTF-8 or no encoding fits the rest."""
    lines = data.split(b"\n")
    bad = []
    for line in lines:
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            bad.append(line)
    if not bad or len(bad) == len(lines) and len(lines) > 1:
        return None
    from charset_normalizer import from_bytes
    best = from_bytes(b"\n".join(bad)).best()
    if best is None or not best.encoding:
        return None
    out = []
    for line in lines:
        try:
            out.append(line.decode("utf-8"))
        except UnicodeDecodeError:
            out.append(line.decode(best.encoding, errors="replace"))
    return "\n".join(out)


def _check_text(text: str) -> tuple[str | None, Skipped | None]:
    sample = text[:20000]
    bad = sum(1 for c in sample if (ord(c) < 32 and c not in "\t\n\r\f\v") or c == "\ufffd")
    if sample and bad / len(sample) > 0.02:
        return None, Skipped("", "binary", f"{bad} control or replacement characters in "
                                           f"{len(sample)}: not a text")
    return text, None


# ---------------------------------------------------------------- documents

def _first_line(text: str) -> str:
    for line in text.splitlines():
        if line.strip():
            return normalize_line(line)
    return ""


def make_document(raw: str, *, source: str, url: str | None = None, title: str | None = None,
                  published: str | None = None, single: bool = False,
                  prepend_title: bool = True) -> Document | Skipped:
    """Clean, date and segment one text. With a `title` that the text does not open with, the
    text becomes title + blank line + text, so the headline is visible to extraction.
    Lone surrogates become U+FFFD; cleaning that runs past DOC_SECONDS gives `timeout`."""
    try:
        with time_budget(DOC_SECONDS):
            return _make_document(clean_surrogates(raw), source=source, url=url,
                                  title=clean_surrogates(title) if title else None,
                                  published=published, single=single,
                                  prepend_title=prepend_title)
    except OverBudget as exc:
        return Skipped(source, "timeout", f"cleaning the text: {exc}")


def _make_document(raw: str, *, source: str, url: str | None, title: str | None,
                   published: str | None, single: bool, prepend_title: bool) -> Document | Skipped:
    title = normalize_line(title) if title else None
    if published is None:
        published = detect_published(raw)
    if title and prepend_title and _first_line(raw).lower() != title.lower():
        raw = f"{title}\n\n{raw}"
    text, furniture = clean_text(raw)
    if not text.strip():
        detail = (f"only page furniture ({len(furniture)} lines)" if furniture
                  else "no text")
        return Skipped(source, "empty", detail)
    articles = segment(text, single=single, title=title)
    if not title:
        titled = [a for a in articles if a.title]
        if titled:
            title = max(titled, key=lambda a: a.end - a.start).title
    return Document(text=text, source=source, url=url, title=title, published=published,
                    furniture=furniture, raw_text=raw if raw != text else None,
                    articles=articles)


def read_text(text: str, *, source: str = "-", published: str | None = None,
              title: str | None = None, url: str | None = None) -> Document:
    """A Document from a text in memory (the Python API). Raises InputError when there is no
    news text or `published` is not a date."""
    if not isinstance(text, str):
        raise InputError(f"read_text needs a str, not {type(text).__name__}",
                         "decode bytes first, or use read_inputs on a file")
    day = _published_arg(published)
    if looks_like_html(text):
        page = extract_html(text, url=url)
        if page is None:
            raise InputError(f"{source}: the HTML page holds no text", "give the page's text")
        text, title = page.text, title or page.title
        day = day or page.published
    doc = make_document(text, source=source, url=url, title=title, published=day,
                        prepend_title=True)
    if isinstance(doc, Skipped):
        raise doc.to_error()
    return doc


def _published_arg(published: str | None) -> str | None:
    if published is None:
        return None
    day = normalize_published(published)
    if day is None:
        raise InputError(f"publication date {published!r} is not a date",
                         "give it as YYYY-MM-DD")
    return day


# ---------------------------------------------------------------- inputs

def read_inputs(paths: list[str] | str, *, published: str | None = None,
                stdin: IO | None = None, max_bytes: int = MAX_BYTES,
                columns: dict[str, str] | None = None, dedupe: bool = True,
                split_records: bool = False, fetch=None,
                include: list[str] | None = None) -> Iterator[Document | Skipped]:
    """Documents (or Skipped) from files, directories, globs, corpus files (JSONL, CSV, JSON),
    feeds (RSS, Atom), web archives (WARC, WARC.gz), URLs, URL lists and `-` (stdin).

    published: sets the date of plain files and stdin (overriding what the text says); for
      corpus records it is used only where a record has no date.
    max_bytes: the largest document (file or record) read; larger ones are Skipped.
    columns: CSV/JSONL field mapping {"text", "title", "published", "url", "id", "lead"} →
      field name; by default the fields are recognised by their names.
    dedupe: a text already read in this call is Skipped as a duplicate.
    split_records: segment corpus records into several articles (off: one record, one item).
    fetch: a FetchSettings (or a Fetcher) for URLs; by default private addresses are refused.
    include: glob patterns (fnmatch, on the path below the directory) choosing the files of
      directories; by default every file that is not hidden.
    """
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    if not paths:
        raise InputError("no inputs given", "name files, directories or - for stdin")
    if max_bytes <= 0:
        raise InputError(f"max_bytes must be positive, not {max_bytes}")
    day = _published_arg(published)                     # arguments are checked at the call
    return _iterate([str(p) for p in paths], day, stdin, max_bytes, columns, dedupe,
                    not split_records, fetch, include)


def _iterate(paths: list[str], day: str | None, stdin: IO | None, max_bytes: int,
             columns: dict[str, str] | None, dedupe: bool, single: bool, fetch=None,
             include: list[str] | None = None) -> Iterator[Document | Skipped]:
    from .corpora import read_corpus
    from .feeds import WARC_SUFFIXES, read_warc
    from .fetch import is_url
    seen: dict[str, str] = {}
    fetcher = _Lazy(fetch, max_bytes)
    try:
        for path in paths:
            for item in _expand(path, include):
                if isinstance(item, Skipped):
                    yield item
                    continue
                try:
                    if item == "-":
                        results = iter([_read_stdin(stdin, day, max_bytes)])
                    elif is_url(item):
                        results = read_url(item, fetcher.get(), published=day,
                                           max_bytes=max_bytes)
                    elif item.lower().endswith(WARC_SUFFIXES):
                        results = read_warc(item, published=day, max_bytes=max_bytes)
                    elif _is_corpus(item):
                        results = read_corpus(item, published=day, max_bytes=max_bytes,
                                              columns=columns, single=single)
                    else:
                        results = _read_path(item, day, max_bytes, fetcher)
                    for res in results:
                        _encodable(res)
                        if dedupe and isinstance(res, Document):
                            first = seen.get(res.id)
                            if first is not None:
                                yield Skipped(res.source, "duplicate", f"same text as {first}",
                                              doc_id=res.id, url=res.url)
                                continue
                            seen[res.id] = res.source
                        yield res
                except Exception as exc:                 # one bad input never stops a batch
                    yield _encodable(Skipped(item, "error", f"{type(exc).__name__}: {exc}"[:500]))
    finally:
        fetcher.close()


def _encodable(item: Document | Skipped) -> Document | Skipped:
    """Names and details that encode as UTF-8 (a file name that is not UTF-8, a surrogate in a
    record's id), so that printing and storing them never fails."""
    item.source, item.url = encodable(item.source), encodable(item.url)
    if isinstance(item, Skipped):
        item.detail = encodable(item.detail)
    else:
        item.title = encodable(item.title)
    return item


class _Lazy:
    """The Fetcher, made at the first URL."""

    def __init__(self, fetch, max_bytes: int):
        self.fetch, self.max_bytes, self.fetcher, self.own = fetch, max_bytes, None, False

    def get(self):
        from .fetch import Fetcher, FetchSettings
        if self.fetcher is None:
            if isinstance(self.fetch, Fetcher):
                self.fetcher = self.fetch
            else:
                settings = self.fetch or FetchSettings(max_bytes=self.max_bytes)
                self.fetcher, self.own = Fetcher(settings), True
        return self.fetcher

    def close(self) -> None:
        if self.own and self.fetcher is not None:
            self.fetcher.close()


def read_url(url: str, fetcher, *, published: str | None = None,
             max_bytes: int = MAX_BYTES) -> Iterator[Document | Skipped]:
    """The Document(s) of one URL: a page, a text or a feed's items."""
    from .feeds import from_bytes
    from .fetch import FetchError
    try:
        got = fetcher.fetch(url)
    except FetchError as exc:
        yield Skipped(url, exc.reason, exc.detail, url=url)
        return
    for item in from_bytes(got.data, source=url, url=got.final_url,
                           content_type=got.content_type, published=published,
                           max_bytes=max_bytes):
        if isinstance(item, Skipped):
            item.url = item.url or got.final_url
        yield item


def _is_corpus(path: str) -> bool:
    return path.lower().endswith(CORPUS_SUFFIXES)


_GLOB = re.compile(r"[*?\[]")


def _expand(path: str, include: list[str] | None = None) -> Iterator[str | Skipped]:
    """The inputs a path names: itself, the files of a directory (recursive, following
    symbolic links but not their loops), the files a glob matches, or a URL."""
    from .fetch import is_url
    if path == "-" or is_url(path):
        yield path
        return
    path = os.path.abspath(path)               # one key per file however its path is spelt
    p = Path(path)
    if not os.path.lexists(path) and _GLOB.search(path):
        matches = sorted(glob.glob(path, recursive=True))
        if not matches:
            yield Skipped(path, "not_found", "no file matches the pattern")
        for m in matches:
            yield from _expand(m, include)
        return
    if not p.exists():
        detail = ("a broken symbolic link" if os.path.islink(path)
                  else "no such file or directory")
        yield Skipped(path, "not_found", detail)
        return
    if p.is_dir():
        found = False
        for item in _walk(path, path, include, set()):
            found = found or isinstance(item, str)
            yield item
        if not found:
            yield Skipped(path, "empty", "no files in the directory")
        return
    if not p.is_file():
        yield Skipped(path, "not_regular", "not a regular file (a pipe, socket or device); "
                                           "give a pipe's content as '-' (stdin)")
        return
    yield path


def _walk(root: str, top: str, include: list[str] | None,
          visited: set[tuple[int, int]]) -> Iterator[str | Skipped]:
    try:
        st = os.stat(top)
    except OSError as exc:
        yield Skipped(top, "unreadable", str(exc))
        return
    ident = (st.st_dev, st.st_ino)
    if ident in visited:
        yield Skipped(top, "loop", "a symbolic link back to a directory already read")
        return
    visited.add(ident)
    try:
        entries = sorted(os.scandir(top), key=lambda e: e.name)
    except OSError as exc:
        yield Skipped(top, "unreadable", str(exc))
        return
    for entry in entries:
        full = os.path.join(top, entry.name)
        if entry.name.startswith("."):                   # hidden files and folders: not read
            try:
                what = "folder" if entry.is_dir(follow_symlinks=False) else "file"
            except OSError:
                what = "file"
            yield Skipped(full, "hidden", f"a hidden {what}, not read")
            continue
        try:
            is_dir = entry.is_dir(follow_symlinks=True)
        except OSError:
            is_dir = False
        if is_dir:
            yield from _walk(root, full, include, visited)
            continue
        if include:
            rel = os.path.relpath(full, root)
            if not any(fnmatch.fnmatch(rel, pat) or fnmatch.fnmatch(entry.name, pat)
                       for pat in include):
                continue
        elif "." in entry.name and not entry.name.lower().endswith(KNOWN_SUFFIXES):
            yield Skipped(full, "unsupported", f"not a known input type "
                                               f"({os.path.splitext(entry.name)[1]}); name it "
                                               f"with include to read it")
            continue
        if entry.is_symlink() and not os.path.exists(full):
            yield Skipped(full, "not_found", "a broken symbolic link")
            continue
        try:
            regular = entry.is_file(follow_symlinks=True)
        except OSError:
            regular = False
        if not regular:
            yield Skipped(full, "not_regular", "not a regular file (a socket, pipe or device)")
            continue
        yield full


def open_input(path: str, *, buffer: int = 1 << 16) -> IO[bytes]:
    """A file's bytes as a buffered stream; a .gz file decompressed, and stopped (TooLarge)
    when it decompresses over MAX_RATIO times its size."""
    fh = open(path, "rb")
    if not path.lower().endswith(".gz"):
        return fh
    raw = BoundedReader(gzip.GzipFile(fileobj=fh, mode="rb"), source=fh, max_ratio=MAX_RATIO)
    return io.BufferedReader(raw, buffer)


def _read_bytes(path: str, max_bytes: int) -> tuple[bytes | None, Skipped | None]:
    try:
        if path.lower().endswith(".gz"):
            with open_input(path) as fh:
                data = fh.read(max_bytes + 1)
        else:
            size = os.path.getsize(path)
            if size > max_bytes:
                return None, Skipped(path, "too_large", f"{size} bytes, over the limit of "
                                                        f"{max_bytes}")
            with open(path, "rb") as fh:
                data = fh.read(max_bytes + 1)
    except FileNotFoundError:
        return None, Skipped(path, "not_found", "no such file")
    except TooLarge as exc:
        return None, Skipped(path, "too_large", str(exc))
    except EOFError as exc:
        return None, Skipped(path, "truncated", f"the compressed data ends early: {exc}")
    except (OSError, zlib.error) as exc:
        return None, Skipped(path, "unreadable", f"{type(exc).__name__}: {exc}")
    if len(data) > max_bytes:
        return None, Skipped(path, "too_large", f"over the limit of {max_bytes} bytes")
    return data, None


def _with_source(skip: Skipped, source: str) -> Skipped:
    skip.source = source
    return skip


def _read_path(path: str, published: str | None, max_bytes: int,
               fetcher: "_Lazy | None" = None) -> Iterator[Document | Skipped]:
    """A file that is not a corpus or an archive: a feed, a URL list, a page or a text."""
    from .feeds import looks_like_feed, read_feed_bytes
    from .fetch import url_list
    if os.path.exists(path) and not os.path.isfile(path):
        yield Skipped(path, "not_regular", "not a regular file (a socket, pipe or device)")
        return
    data, skip = _read_bytes(path, max_bytes)
    if skip:
        yield skip
        return
    if looks_like_feed(data):
        yield from read_feed_bytes(data, source=path, published=published, max_bytes=max_bytes)
        return
    if fetcher is not None and len(data) < 10_000_000 and b"://" in data[:4096]:
        try:
            urls = url_list(data.decode("utf-8-sig"))
        except UnicodeDecodeError:
            urls = None
        if urls:
            for url in urls:
                try:
                    yield from read_url(url, fetcher.get(), published=published,
                                        max_bytes=max_bytes)
                except Exception as exc:                 # one URL never stops the list
                    yield Skipped(url, "error", f"{type(exc).__name__}: {exc}"[:500], url=url)
            return
    yield _read_file(path, published, max_bytes, data=data)


def _read_file(path: str, published: str | None, max_bytes: int,
               data: bytes | None = None) -> Document | Skipped:
    if data is None:
        data, skip = _read_bytes(path, max_bytes)
        if skip:
            return skip
    lower = path.lower().removesuffix(".gz")
    is_html = lower.endswith(HTML_SUFFIXES)
    text, skip = decode_bytes(data, declared=declared_charset(data) if is_html else None)
    if skip:
        return _with_source(skip, path)
    if is_html or (not lower.endswith(TEXT_SUFFIXES) and looks_like_html(text)):
        return _html_document(text, path, published)
    return make_document(text, source=path, published=published or detect_published(text))


def _html_document(html: str, source: str, published: str | None,
                   url: str | None = None) -> Document | Skipped:
    page = extract_html(html, url=url)
    if page is None:
        return Skipped(source, "empty", "the HTML page holds no text")
    return make_document(page.text, source=source, url=page.url or url, title=page.title,
                         published=published or page.published or detect_published(page.text))


def _read_stdin(stdin: IO | None, published: str | None, max_bytes: int) -> Document | Skipped:
    stream = stdin if stdin is not None else sys.stdin
    if stream is None:
        return Skipped("-", "unreadable", "no standard input")
    buffer = getattr(stream, "buffer", None)
    data = (buffer or stream).read(max_bytes + 1)
    if len(data) > max_bytes:
        return Skipped("-", "too_large", f"over the limit of {max_bytes} bytes")
    if isinstance(data, bytes):
        text, skip = decode_bytes(data)
        if skip:
            return _with_source(skip, "-")
    else:
        text = data
        if not text.strip():
            return Skipped("-", "empty", "no content")
    if looks_like_html(text):
        return _html_document(text, "-", published)
    return make_document(text, source="-", published=published or detect_published(text))
