"""Cleaning: normalise whitespace and drop page furniture, keeping what was dropped.

Page furniture (image file names, navigation, cookie notices, press contacts, trailing signature
blocks) is described as data in `communique/data/furniture.json`; this module only applies it.
A line is dropped whole or kept whole: offsets of later stages point into the clean text, and
every dropped line is returned so that the document record can show what was removed and why.
"""
from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

from ..errors import ResourceError

FURNITURE_FILE = "furniture.json"

# every Unicode space that is not a line break becomes a plain space
_SPACES = re.compile(r"[ \t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")
# zero-width characters and the byte order mark carry no text
_INVISIBLE = re.compile(r"[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_LINEBREAKS = re.compile(r"\r\n|[\r\n\u2028\u2029\x85\v\f]")
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
_WORD = re.compile(r"[^\W_]+(?:['’\-.][^\W_]+)*", re.UNICODE)
# what is trimmed around a line before it is compared with the phrase lists
_TRIM = "•·*–—-=>»›<«‹←→↑↓|:;.,!?()[]{}\"'“”‘’ \u25b2\u25ba\u25b6\u25c0\u2191\u2190\u2192"
_MARKS = frozenset({"###", "# # #", "-30-", "- 30 -", "***"})
_UNGUARDED = frozenset({"phrase", "cookie", "image", "contact"})
_SENTENCE_END = re.compile(r"(?<!\.\.)[.!?][\"'”’»)\]]*$")


@dataclass(frozen=True)
class Furniture:
    """The compiled furniture patterns."""
    phrases: frozenset[str]
    patterns: tuple[tuple[str, re.Pattern, int], ...]
    phone: re.Pattern
    min_phone_digits: int
    email: re.Pattern
    url: re.Pattern
    labels: re.Pattern
    max_other_words: int
    role: re.Pattern
    signature_max_words: int
    signature_max_lines: int
    crumb_split: re.Pattern
    crumb_roots: frozenset[str]
    crumb_max_words: int
    crumb_min_segments: int


def _load_json(path: str | Path | None) -> dict:
    try:
        if path is not None:
            return json.loads(Path(path).read_text(encoding="utf-8"))
        ref = resources.files("communique.data").joinpath(FURNITURE_FILE)
        return json.loads(ref.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ResourceError(f"cannot read the furniture patterns {path or FURNITURE_FILE}: {exc}",
                            "reinstall communique or fix the JSON file") from exc


def compile_furniture(data: dict) -> Furniture:
    """Compile the furniture description (the JSON document) into patterns."""
    try:
        phrases = frozenset(k for group in data["phrases"].values() for p in group
                            for k in (_key(p), " ".join(p.lower().split())))
        patterns = tuple((p["kind"], re.compile(p["regex"], re.IGNORECASE), int(p["max_words"]))
                         for p in data["patterns"])
        contact, sig, crumb = data["contact"], data["signature"], data["breadcrumb"]
        return Furniture(
            phrases=phrases,
            patterns=patterns,
            phone=re.compile(contact["phone"]),
            min_phone_digits=int(contact["min_phone_digits"]),
            email=re.compile(contact["email"]),
            url=re.compile(contact["url"], re.IGNORECASE),
            labels=re.compile(contact["labels"], re.IGNORECASE),
            max_other_words=int(contact["max_other_words"]),
            role=re.compile(sig["role"], re.IGNORECASE),
            signature_max_words=int(sig["max_words"]),
            signature_max_lines=int(sig["max_lines"]),
            crumb_split=re.compile(crumb["separators"]),
            crumb_roots=frozenset(r.lower() for r in crumb["roots"]),
            crumb_max_words=int(crumb["max_segment_words"]),
            crumb_min_segments=int(crumb["min_segments"]),
        )
    except (KeyError, TypeError, ValueError, re.error) as exc:
        raise ResourceError(f"the furniture patterns are malformed: {exc}",
                            "check communique/data/furniture.json") from exc


@lru_cache(maxsize=4)
def load_furniture(path: str | None = None) -> Furniture:
    """The furniture patterns shipped with communique (or those of `path`)."""
    return compile_furniture(_load_json(path))


def _key(line: str) -> str:
    return " ".join(line.strip(_TRIM).lower().split())


def words(line: str) -> list[str]:
    return _WORD.findall(line)


def normalize_line(line: str) -> str:
    """One line with its spaces normalised: NBSP and tabs to spaces, runs collapsed, stripped."""
    line = _INVISIBLE.sub("", line)
    line = _CONTROL.sub(" ", line)
    return _SPACES.sub(" ", line).strip()


def normalize_text(text: str) -> str:
    """Unify line breaks, normalise spaces in lines, drop blank runs to one blank line."""
    text = unicodedata.normalize("NFC", text)
    lines = [normalize_line(line) for line in _LINEBREAKS.split(text)]
    return _join(lines)


def _join(lines: list[str]) -> str:
    out: list[str] = []
    for line in lines:
        if not line and (not out or not out[-1]):
            continue
        out.append(line)
    while out and not out[-1]:
        out.pop()
    return "\n".join(out)


def is_sentence(line: str) -> bool:
    """A line that reads as prose: several words ending like a sentence, or a long line."""
    n = len(words(line))
    return n >= 25 or (n >= 6 and bool(_SENTENCE_END.search(line)))


def contact_line(line: str, f: Furniture | None = None, max_other: int | None = None) -> bool:
    """A line made of contact details: phone numbers, e-mails, web addresses and a few words."""
    f = f or load_furniture()
    found = False
    rest = line
    for m in f.phone.finditer(line):
        if sum(c.isdigit() for c in m.group()) >= f.min_phone_digits:
            found = True
            rest = rest.replace(m.group(), " ")
    for rx in (f.email, f.url):
        if rx.search(rest):
            found = True
            rest = rx.sub(" ", rest)
    if not found:
        return False
    rest = f.labels.sub(" ", rest)
    return len(words(rest)) <= (f.max_other_words if max_other is None else max_other)


def breadcrumb_line(line: str, f: Furniture | None = None) -> bool:
    """`Home > News > Press releases`: short segments joined by path separators."""
    f = f or load_furniture()
    if _SENTENCE_END.search(line) and not line.endswith(("...", "…")):
        return False
    parts = [p for p in f.crumb_split.split(line) if p.strip()]
    if len(parts) < 2:
        return False
    if any(len(words(p)) > f.crumb_max_words for p in parts):
        return False
    if not f.crumb_split.search(line):
        return False
    # the separators must be path-like (not a date 24/09/2019, not a pair "Kyiv / Moscow")
    if len(parts) >= f.crumb_min_segments and not any(c.isdigit() for c in line):
        return True
    return _key(parts[0]) in f.crumb_roots


def furniture_kind(line: str, f: Furniture | None = None) -> str | None:
    """Why a (normalised) line is page furniture, or None when it is text."""
    f = f or load_furniture()
    if not line:
        return None
    n = len(words(line))
    key = _key(line)
    if line in _MARKS or (key and key in f.phrases and not _SENTENCE_END.search(line)
                          or line.lower() in f.phrases):
        return "phrase"
    for kind, rx, max_words in f.patterns:
        if n <= max_words and rx.search(line):
            return kind
    if n <= 40 and contact_line(line, f):
        return "contact"
    if n <= 30 and breadcrumb_line(line, f):
        return "breadcrumb"
    return None


def _signature_candidate(line: str, f: Furniture) -> bool:
    n = len(words(line))
    return (1 <= n <= f.signature_max_words and not _SENTENCE_END.search(line)
            and not line.endswith((",", ";", ":")))


def clean_text(text: str, *, furniture: Furniture | None = None) -> tuple[str, list[str]]:
    """The clean text of a page and the furniture lines dropped from it (normalised, in order).

    Whitespace: line breaks unified, spaces normalised and collapsed inside lines, lines
    stripped, runs of blank lines reduced to one blank line; characters are otherwise kept.
    """
    f = furniture or load_furniture()
    lines = [normalize_line(line) for line in _LINEBREAKS.split(unicodedata.normalize("NFC", text))]
    drop = [False] * len(lines)
    kinds: list[str | None] = [None] * len(lines)
    for i, line in enumerate(lines):
        kind = furniture_kind(line, f)
        # a pattern bounded by words can still match prose: a sentence of the story is kept
        if kind and (kind in _UNGUARDED or not is_sentence(line)):
            drop[i], kinds[i] = True, kind
    _mark_signature(lines, drop, kinds, f)
    kept, dropped = [], []
    for i, line in enumerate(lines):
        if drop[i]:
            dropped.append(line)
        else:
            kept.append(line)
    return _join(kept), dropped


def _mark_signature(lines: list[str], drop: list[bool], kinds: list[str | None],
                    f: Furniture) -> None:
    """Drop the signature block at the end: short lines naming a press role, or just above a
    dropped contact line, among the trailing furniture."""
    i = len(lines) - 1
    taken = 0
    below_contact = False                               # a bare phone/e-mail line lies below
    while i >= 0 and taken < f.signature_max_lines:
        line = lines[i]
        if not line:
            i -= 1
            continue
        if drop[i]:
            below_contact = below_contact or (kinds[i] == "contact"
                                              and contact_line(line, f, max_other=2))
            i -= 1
            continue
        if not _signature_candidate(line, f):
            break
        if f.role.search(line) or (below_contact and taken < 2):
            drop[i], kinds[i] = True, "signature"
            taken += 1
            i -= 1
            continue
        break
