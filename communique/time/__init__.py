"""time/ — temporal expressions: a fast rule-based TIMEX3 tagger and normaliser.

    >>> from communique.time import tag_times
    >>> [t.value for t in tag_times("On September 26 they met; the next day they left.", "2019-09-30")]
    ['2019-09-26', '2019-09-27']

Values follow TimeML TIMEX3 (2019-09-26, 2019-09, 2019, 2019-W39, 2019-Q3, P3D, PT2H, PRESENT_REF,
XXXX-09-26, 2019-09-26T15:00). Ranges ("from 24 to 27 September, 2019") are one Timex with
begin/finish. All vocabulary is data (communique/data/time_<lang>_*.json).
"""
from __future__ import annotations

import functools
from typing import Iterator

from ..records import Timex
from .tagger import Tagger, parse_anchor

__all__ = ["Tagger", "Timex", "get_tagger", "tag_times", "tag_file_jsonl", "time_command",
           "timex_to_dict", "parse_anchor"]


@functools.lru_cache(maxsize=4)
def get_tagger(language: str = "en") -> Tagger:
    """The process-wide tagger of a language (regexes compiled once)."""
    return Tagger(language)


def tag_times(text: str, anchor: str | None = None, *, split_ranges: bool = False,
              language: str = "en") -> list[Timex]:
    """Temporal expressions of `text`, left to right, resolved against `anchor` ("YYYY-MM-DD", the
    publication date) when given, else against the text's dateline and its own dates.

    split_ranges=True gives the two ends of a range as separate Timex (TimeML annotation style)."""
    return get_tagger(language).tag(text or "", anchor, split_ranges=split_ranges)


def timex_to_dict(t: Timex, full: bool = False) -> dict:
    """The JSON form of a Timex: start, end, text, type, value (+ begin/finish for a range, + error).
    full=True gives every field of the record."""
    if full:
        return t.to_dict()
    d = {"start": t.start, "end": t.end, "text": t.text, "type": t.type, "value": t.value}
    if t.begin or t.finish:
        d["begin"], d["finish"] = t.begin, t.finish
    if t.mod:
        d["mod"] = t.mod
    if t.error:
        d["error"] = t.error
    return d


def tag_file_jsonl(text: str, anchor: str | None = None, language: str = "en") -> Iterator[dict]:
    """One dict per temporal expression, ready to print as a JSON line."""
    for t in tag_times(text, anchor, language=language):
        yield timex_to_dict(t)


def time_command(text: str, anchor: str | None = None, language: str = "en") -> list[dict]:
    """What `communique time FILE --anchor YYYY-MM-DD [--language ru]` prints."""
    return list(tag_file_jsonl(text, anchor, language))
