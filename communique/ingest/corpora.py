"""Corpus files: JSONL (plain or gzip), JSON arrays and CSV, one document per record.

Fields are recognised by name (see FIELDS) or given by a mapping. A record that cannot be read
gives a Skipped with its line (JSONL) or row (CSV) number, and the file goes on.
"""
from __future__ import annotations

import csv
import json
import zlib
from typing import Iterator

from ..limits import TooLarge, read_line
from ..records import Document
from .dates import normalize_published
from .html import looks_like_html, extract_html
from .readers import Skipped, decode_bytes, make_document, open_input

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
    lower = path.lower().removesuffix(".gz")
    kw = dict(published=published, max_bytes=max_bytes, columns=columns, single=single)
    if lower.endswith((".jsonl", ".ndjson")):
        yield from read_jsonl(path, **kw)
    elif lower.endswith(".csv"):
        yield from read_csv(path, **kw)
    elif lower.endswith(".json"):
        yield from read_json(path, **kw)
    else:
        yield Skipped(path, "unsupported", "not a corpus file (.jsonl, .csv, .json, gzipped or "
                                           "not)")


def _record(rec, columns: dict[str, str] | None, *, source: str, line: int,
            published: str | None, max_bytes: int, single: bool) -> Document | Skipped:
    """One parsed record as a Document, or a Skipped whatever goes wrong with it."""
    src = f"{source}#{line}"
    if not isinstance(rec, dict):
        return Skipped(src, "bad_record", f"a JSON {type(rec).__name__}, not an object", line)
    try:
        return record_document(rec, _mapping(list(rec), columns), source=source, line=line,
                               published=published, max_bytes=max_bytes, single=single)
    except Exception as exc:                             # one record never ends its file
        return Skipped(src, "error", f"{type(exc).__name__}: {exc}"[:500], line)


def _parse_json(data: bytes, src: str, n: int):
    """A JSON value from bytes, or the Skipped that says why not."""
    try:
        return json.loads(data.decode("utf-8-sig")), None
    except UnicodeDecodeError as exc:
        return None, Skipped(src, "undecodable", f"not UTF-8: {exc}", n)
    except RecursionError:
        return None, Skipped(src, "bad_record", "not JSON that can be read: nested too deep", n)
    except ValueError as exc:
        return None, Skipped(src, "bad_record", f"not JSON: {exc}"[:500], n)


def _read_failure(path: str, exc: Exception, where: str, n: int) -> Skipped:
    """What a reading error mid-file means: a truncated file, a bomb, a corrupt one."""
    if isinstance(exc, TooLarge):
        return Skipped(path, "too_large", f"{where}: {exc}", n)
    if isinstance(exc, EOFError):
        return Skipped(path, "truncated", f"{where}: the compressed data ends early", n)
    return Skipped(path, "unreadable", f"{where}: {type(exc).__name__}: {exc}"[:500], n)


def read_jsonl(path: str, *, published: str | None, max_bytes: int,
               columns: dict[str, str] | None, single: bool) -> Iterator[Document | Skipped]:
    """One document per line; a bad line is Skipped with its line number. No line is held
    whole in memory past max_bytes (twice that for JSON escapes)."""
    n = records = 0
    limit = max_bytes * 2 + 4096
    try:
        fh = open_input(path)
    except FileNotFoundError:
        yield Skipped(path, "not_found", "no such file")
        return
    except OSError as exc:
        yield Skipped(path, "unreadable", str(exc))
        return
    with fh:
        while True:
            try:
                data, whole = read_line(fh, limit)
            except (OSError, EOFError, TooLarge, zlib.error) as exc:
                yield _read_failure(path, exc, f"after line {n}", n + 1)
                return
            if not data:
                break
            n += 1
            if not data.strip():
                continue
            records += 1
            if not whole:
                yield Skipped(f"{path}#{n}", "too_large", f"a line over {limit} bytes", n)
                continue
            rec, skip = _parse_json(data, f"{path}#{n}", n)
            yield skip or _record(rec, columns, source=path, line=n, published=published,
                                  max_bytes=max_bytes, single=single)
    if records == 0:
        yield Skipped(path, "empty", "no records")


def read_json(path: str, *, published: str | None, max_bytes: int,
              columns: dict[str, str] | None, single: bool) -> Iterator[Document | Skipped]:
    """A JSON file (or .json.gz): one record (an object) or a list of records."""
    limit = max_bytes * 10
    try:
        with open_input(path) as fh:
            raw = fh.read(limit + 1)
    except FileNotFoundError:
        yield Skipped(path, "not_found", "no such file")
        return
    except (OSError, EOFError, TooLarge, zlib.error) as exc:
        yield _read_failure(path, exc, "reading", 1)
        return
    if len(raw) > limit:
        yield Skipped(path, "too_large", f"JSON file over {limit} bytes; use JSONL")
        return
    data, skip = _parse_json(raw, path, None)
    if skip:
        yield skip
        return
    items = data if isinstance(data, list) else [data]
    if not items:
        yield Skipped(path, "empty", "no records")
    for i, rec in enumerate(items, start=1):
        if not isinstance(rec, dict):
            yield Skipped(f"{path}#{i}", "bad_record", f"item {i} is not an object", i)
            continue
        yield _record(rec, columns, source=path, line=i, published=published,
                      max_bytes=max_bytes, single=single)


def _csv_text_stream(path: str, max_line: int):
    """The CSV's lines as text, in the encoding its first bytes show (UTF-8 or a guess), none
    held past `max_line` bytes: (lines, long_lines, None) or (None, None, Skipped). A longer
    line comes out empty and its number goes into `long_lines`."""
    raw = open_input(path)
    try:
        sample = raw.peek(SAMPLE_BYTES)[:SAMPLE_BYTES]
    except (OSError, EOFError, TooLarge, zlib.error) as exc:
        raw.close()
        return None, None, _read_failure(path, exc, "reading", 1)
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
            elif best.encoding.replace("-", "_").startswith(("utf_16", "utf_32")):
                skip = Skipped(path, "undecodable", f"{best.encoding}: convert it to UTF-8")
            else:
                encoding = best.encoding
        if skip is not None:
            raw.close()
            return None, None, skip
    long_lines: list[int] = []

    def lines():
        n = 0
        with raw:
            while True:
                data, whole = read_line(raw, max_line)
                if not data:
                    return
                n += 1
                if not whole:
                    long_lines.append(n)
                    yield "\n"
                    continue
                yield data.decode(encoding if n == 1 else encoding.removesuffix("-sig"),
                                  errors="replace")
    return lines(), long_lines, None


def read_csv(path: str, *, published: str | None, max_bytes: int,
             columns: dict[str, str] | None, single: bool) -> Iterator[Document | Skipped]:
    """One document per row; the header names the columns (Kremlin: link, headline, date,
    location, summary, body). A bad row is Skipped with its row number."""
    csv.field_size_limit(max(max_bytes, 1 << 20))
    try:
        stream, long_lines, skip = _csv_text_stream(path, max_bytes + 4096)
    except FileNotFoundError:
        yield Skipped(path, "not_found", "no such file")
        return
    except OSError as exc:
        yield Skipped(path, "unreadable", str(exc))
        return
    if skip:
        skip.source = path
        yield skip
        return
    try:
        reader = csv.reader(stream)
        try:
            header = next(reader)
        except StopIteration:
            yield Skipped(path, "empty", "no header row")
            return
        except csv.Error as exc:
            yield Skipped(path, "bad_record", f"unreadable header: {exc}", 1)
            return
        except (OSError, EOFError, TooLarge, zlib.error) as exc:
            yield _read_failure(path, exc, "reading the header", 1)
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
            except (OSError, EOFError, TooLarge, zlib.error) as exc:
                yield _read_failure(path, exc, f"at row {row_no}", row_no)
                return
            if long_lines:
                yield Skipped(f"{path}#{row_no}", "too_large", f"line {long_lines[0]} is over "
                                                               f"{max_bytes + 4096} bytes", row_no)
                long_lines.clear()
                continue
            if not any(cell.strip() for cell in row):
                row_no -= 1
                continue
            if len(row) != len(header):
                yield Skipped(f"{path}#{row_no}", "bad_record",
                              f"{len(row)} fields, the header has {len(header)} (line "
                              f"{reader.line_num})", row_no)
                continue
            yield _record(dict(zip(header, row)), columns, source=path, line=row_no,
                          published=published, max_bytes=max_bytes, single=single)
        if row_no == 1:
            yield Skipped(path, "empty", "a header but no rows")
    finally:
        stream.close()
