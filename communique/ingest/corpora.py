"""Corpus files: JSONL (plain or gzip), JSON arrays and CSV, one document per record.

Fields are recognised by name (see FIELDS) or given by a mapping. A record that cannot be read
gives a Skipped with its line (JSONL) or row (CSV) number, and the file goes on.
"""
from __future__ import annotations

import csv
import gzip
import io
import json
import os
from typing import Iterator

from ..records import Document
from .dates import normalize_published
from .html import looks_like_html, extract_html
from .readers import Skipped, decode_bytes, make_document

# role → field names, first found wins (case-insensitive)
FIELDS: dict[str, tuple[str, ...]] = {
    "text": ("text", "body", "content", "full_text", "fulltext", "article", "article_text",
             "story", "maintext"),
    "title": ("title", "headline", "heading", "header", "subject"),
    "published": ("published", "date", "published_at", "publication_date", "pub_date",
                  "pubdate", "datetime", "date_published", "time", "timestamp", "created"),
    "url": ("url", "link", "href", "source_url", "permalink", "uri"),
    "id": ("id", "ref", "doc_id", "docid", "key", "uid", "guid"),
    "lead": ("summary", "lead", "description", "teaser", "abstract", "standfirst"),
}
SAMPLE_BYTES = 1 << 16


def _mapping(names: list[str], columns: dict[str, str] | None) -> dict[str, str]:
    lower = {n.lower().strip(): n for n in names if isinstance(n, str)}
    out: dict[str, str] = {}
    for role, candidates in FIELDS.items():
        if columns and role in columns:
            if columns[role] in names:
                out[role] = columns[role]
            continue
        for c in candidates:
            if c in lower:
                out[role] = lower[c]
                break
    return out


def record_document(rec: dict, mapping: dict[str, str], *, source: str, line: int,
                    published: str | None, max_bytes: int, single: bool) -> Document | Skipped:
    """One corpus record (a dict) as a Document."""
    def get(role: str) -> str | None:
        key = mapping.get(role)
        value = rec.get(key) if key else None
        if value is None:
            return None
        if not isinstance(value, (str, int, float)):
            return None
        value = str(value).strip()
        return value if value and value.lower() not in {"na", "n/a", "nan", "null", "none"} else None

    key = mapping.get("text")
    raw = rec.get(key) if key else None
    rid = get("id")
    src = f"{source}#{rid or line}"
    if key is None:
        return Skipped(src, "bad_record", f"no text field (looked for {', '.join(FIELDS['text'])})",
                       line)
    if raw is not None and not isinstance(raw, str):
        return Skipped(src, "bad_record", f"field {key!r} is a {type(raw).__name__}, not a text",
                       line)
    if not raw or not raw.strip():
        return Skipped(src, "empty", f"field {key!r} is empty", line)
    if len(raw) > max_bytes:
        return Skipped(src, "too_large", f"{len(raw)} characters, over the limit of {max_bytes}",
                       line)
    url, title = get("url"), get("title")
    day = normalize_published(get("published")) or published
    if looks_like_html(raw):
        page = extract_html(raw, url=url)
        if page is None:
            return Skipped(src, "empty", "the HTML of the record holds no text", line)
        raw, title, day = page.text, title or page.title, day or page.published
    lead = get("lead")
    if lead and not raw.lstrip().startswith(lead[:80]):
        raw = f"{lead}\n\n{raw}"
    doc = make_document(raw, source=src, url=url, title=title, published=day, single=single)
    if isinstance(doc, Skipped):
        doc.line = line
    return doc


def read_corpus(path: str, *, published: str | None = None, max_bytes: int,
                columns: dict[str, str] | None = None,
                single: bool = True) -> Iterator[Document | Skipped]:
    """The records of a corpus file, by its extension."""
    lower = path.lower()
    kw = dict(published=published, max_bytes=max_bytes, columns=columns, single=single)
    if lower.endswith((".jsonl", ".jsonl.gz", ".ndjson")):
        yield from read_jsonl(path, **kw)
    elif lower.endswith((".csv", ".csv.gz")):
        yield from read_csv(path, **kw)
    elif lower.endswith(".json"):
        yield from read_json(path, **kw)
    else:
        yield Skipped(path, "unsupported", "not a corpus file (.jsonl, .jsonl.gz, .csv, .json)")


def _open(path: str):
    return gzip.open(path, "rb") if path.lower().endswith(".gz") else open(path, "rb")


def read_jsonl(path: str, *, published: str | None, max_bytes: int,
               columns: dict[str, str] | None, single: bool) -> Iterator[Document | Skipped]:
    """One document per line; a bad line is Skipped with its line number."""
    n = 0
    records = 0
    try:
        with _open(path) as fh:
            for n, data in enumerate(fh, start=1):
                if not data.strip():
                    continue
                records += 1
                if len(data) > max_bytes * 2:
                    yield Skipped(f"{path}#{n}", "too_large", f"line of {len(data)} bytes", n)
                    continue
                try:
                    rec = json.loads(data.decode("utf-8-sig"))
                except UnicodeDecodeError as exc:
                    yield Skipped(f"{path}#{n}", "undecodable", f"not UTF-8: {exc}", n)
                    continue
                except ValueError as exc:
                    yield Skipped(f"{path}#{n}", "bad_record", f"not JSON: {exc}", n)
                    continue
                if not isinstance(rec, dict):
                    yield Skipped(f"{path}#{n}", "bad_record",
                                  f"a JSON {type(rec).__name__}, not an object", n)
                    continue
                yield record_document(rec, _mapping(list(rec), columns), source=path, line=n,
                                      published=published, max_bytes=max_bytes, single=single)
    except FileNotFoundError:
        yield Skipped(path, "not_found", "no such file")
        return
    except (OSError, EOFError) as exc:                   # truncated or corrupt gzip, I/O error
        yield Skipped(path, "unreadable", f"after line {n}: {exc}", n + 1)
        return
    if records == 0:
        yield Skipped(path, "empty", "no records")


def read_json(path: str, *, published: str | None, max_bytes: int,
              columns: dict[str, str] | None, single: bool) -> Iterator[Document | Skipped]:
    """A JSON file: one record (an object) or a list of records."""
    try:
        if os.path.getsize(path) > max_bytes * 10:
            yield Skipped(path, "too_large", "JSON file over the limit; use JSONL")
            return
        with _open(path) as fh:
            data = json.loads(fh.read().decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as exc:
        yield Skipped(path, "bad_record", f"not JSON: {exc}")
        return
    items = data if isinstance(data, list) else [data]
    if not items:
        yield Skipped(path, "empty", "no records")
    for i, rec in enumerate(items, start=1):
        if not isinstance(rec, dict):
            yield Skipped(f"{path}#{i}", "bad_record", f"item {i} is not an object", i)
            continue
        yield record_document(rec, _mapping(list(rec), columns), source=path, line=i,
                              published=published, max_bytes=max_bytes, single=single)


def _csv_text_stream(path: str):
    """A text stream over the CSV, in the encoding its first bytes show (UTF-8 or a guess)."""
    raw = _open(path)
    sample = raw.read(SAMPLE_BYTES)
    encoding = "utf-8-sig"
    try:
        sample.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if exc.start < len(sample) - 4:                  # not a character cut by the sample end
            encoding = None
    if encoding is None or b"\x00" in sample:
        _, skip = decode_bytes(sample)                  # binary? undecodable?
        if skip is None:
            from charset_normalizer import from_bytes
            best = from_bytes(sample).best()
            if best is None:
                skip = Skipped(path, "undecodable", "no text encoding fits these bytes")
            else:
                encoding = best.encoding
        if skip is not None:
            raw.close()
            return None, skip
    buffered = io.BufferedReader(_Prefixed(sample, raw))
    return io.TextIOWrapper(buffered, encoding=encoding, errors="replace", newline=""), None


class _Prefixed(io.RawIOBase):
    """A raw stream that replays bytes already read, then goes on with the file."""

    def __init__(self, prefix: bytes, fh):
        self._prefix, self._fh = prefix, fh

    def readable(self) -> bool:
        return True

    def readinto(self, b) -> int:
        if self._prefix:
            n = min(len(b), len(self._prefix))
            b[:n], self._prefix = self._prefix[:n], self._prefix[n:]
            return n
        data = self._fh.read(len(b))
        b[:len(data)] = data
        return len(data)

    def close(self) -> None:
        self._fh.close()
        super().close()


def read_csv(path: str, *, published: str | None, max_bytes: int,
             columns: dict[str, str] | None, single: bool) -> Iterator[Document | Skipped]:
    """One document per row; the header names the columns (Kremlin: link, headline, date,
    location, summary, body). A bad row is Skipped with its row number."""
    csv.field_size_limit(max(max_bytes, 1 << 20))
    try:
        stream, skip = _csv_text_stream(path)
    except FileNotFoundError:
        yield Skipped(path, "not_found", "no such file")
        return
    if skip:
        skip.source = path
        yield skip
        return
    with stream:
        reader = csv.reader(stream)
        try:
            header = next(reader)
        except StopIteration:
            yield Skipped(path, "empty", "no header row")
            return
        except (csv.Error, OSError, EOFError) as exc:
            yield Skipped(path, "bad_record", f"unreadable header: {exc}", 1)
            return
        mapping = _mapping(header, columns)
        if "text" not in mapping:
            yield Skipped(path, "bad_record", f"no text column among {header} (looked for "
                                              f"{', '.join(FIELDS['text'])}; or give columns)", 1)
            return
        row_no = 0
        while True:
            row_no += 1
            try:
                row = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:
                yield Skipped(f"{path}#{row_no}", "bad_record", f"CSV error near line "
                                                              f"{reader.line_num}: {exc}", row_no)
                continue
            except (OSError, EOFError) as exc:
                yield Skipped(path, "unreadable", f"at row {row_no}: {exc}", row_no)
                return
            if not any(cell.strip() for cell in row):
                row_no -= 1
                continue
            if len(row) != len(header):
                yield Skipped(f"{path}#{row_no}", "bad_record",
                              f"{len(row)} fields, the header has {len(header)} (line "
                              f"{reader.line_num})", row_no)
                continue
            yield record_document(dict(zip(header, row)), mapping, source=path, line=row_no,
                                  published=published, max_bytes=max_bytes, single=single)
        if row_no == 1:
            yield Skipped(path, "empty", "a header but no rows")
