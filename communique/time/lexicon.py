"""Vocabulary of the temporal tagger, read from data files (communique/data/time_<lang>_*.json).

Nothing language-specific lives in the code: month and weekday names, number and ordinal words,
units, relative modifiers, anaphoric phrases and fixed references all come from the data files, so a
new language is a new pair of files. This module turns them into lookup tables and into regular
expression alternations that the grammar (grammar.py) assembles.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import ResourceError

DATA_DIR = Path(__file__).resolve().parent.parent / "data"


def alternation(words, boundary: bool = True) -> str:
    """A regex alternation of phrases; spaces match any run of blanks. Built as a trie (phrases that
    share a start share its test), longer continuations first, so it matches what the plain
    longest-first alternation matches but tries far fewer branches at each position."""
    trie: dict = {}
    for w in {w.lower() for w in words if w}:
        node = trie
        for ch in w:
            node = node.setdefault(r"\s+" if ch == " " else re.escape(ch), {})
        node[""] = r"\b" if boundary and w[-1].isalnum() else ""
    return _trie_regex(trie)


def _longest(node: dict) -> int:
    return max((0 if k == "" else 1 + _longest(v)) for k, v in node.items())


def _trie_regex(node: dict) -> str:
    branches = []
    for k, v in sorted(node.items(), key=lambda kv: (-(0 if kv[0] == "" else 1 + _longest(kv[1])), kv[0])):
        branches.append(v if k == "" else k + _trie_body(v))
    return "(?:" + "|".join(branches) + ")"


def _trie_body(node: dict) -> str:
    if len(node) == 1:
        (k, v), = node.items()
        return v if k == "" else k + _trie_body(v)
    return _trie_regex(node)


def key(text: str) -> str:
    """Normalise matched text for dictionary look-up: lower case, single spaces, no final dot."""
    return re.sub(r"\s+", " ", text.strip().lower()).rstrip(".")


@dataclass
class Lexicon:
    language: str
    months: dict[str, int]
    weekdays: dict[str, int]
    weekday_plurals: dict[str, int]
    numbers: dict[str, float]
    vague_numbers: list[str]
    ordinals: dict[str, int]
    units: dict[str, str]
    unit_plurals: dict[str, str]
    seasons: dict[str, str]
    parts_of_day: dict[str, str]
    position_mods: dict[str, str]
    approximators: list[str]
    quarter_ordinals: dict[str, int]
    half_ordinals: dict[str, int]
    bc_markers: list[str]
    ad_markers: list[str]
    decade_words: dict[str, int]
    timezones: list[str]
    numeric_order: str
    sets: dict[str, str]
    set_quantifiers: list[str]
    future_cues: list[str]
    past_cues: list[str]
    not_past_ed: list[str]
    capitalised_only: set[str]
    refs: dict[str, str]
    ref_exceptions: dict[str, list[str]]
    deictic_days: dict[str, int | list]     # offset in days, or [offset, part of day]
    day_parts_deictic: dict[str, Any]
    relative_mods: dict[str, tuple[int, str]]
    day_anaphora: dict[str, int]
    shift_words: dict[str, tuple[int, str]]
    within_mods: dict[str, str]
    year_end_phrases: dict[str, str]
    fiscal_words: list[str]
    year_ago_periods: list[str]
    latest_periods: list[str]
    holidays: dict[str, str]
    patterns: dict[str, Any] = field(default_factory=dict)   # the grammar's rules (patterns.py)
    full_short_months: list[str] = field(default_factory=list)
    position_prefixes: list[str] = field(default_factory=list)
    half_suffixes: list[str] = field(default_factory=list)
    plural_suffix: str = ""
    short_months_ok: list[str] = field(default_factory=list)   # bare month names of 3 letters that count
    past_form: str = ""                                         # regex of a past-tense verb form
    weekday_ahead_words: list[str] = field(default_factory=list)  # "for Monday": a weekday set ahead
    plan_words: list[str] = field(default_factory=list)   # "will": the future even inside a history
    extra: dict[str, Any] = field(default_factory=dict)

    # ----------------------------------------------------------------- look-ups
    def month(self, text: str) -> int | None:
        return self.months.get(key(text))

    def weekday(self, text: str) -> int | None:
        k = key(text)
        return self.weekdays.get(k) or self.weekday_plurals.get(k)

    def unit(self, text: str) -> str | None:
        k = key(text).replace("-", " ")
        if k in self.units:
            return self.units[k]
        k = self.unit_plurals.get(k, k)
        if k in self.units:
            return self.units[k]
        if k.endswith("s") and k[:-1] in self.units:
            return self.units[k[:-1]]
        return None

    def number(self, text: str) -> float | str | None:
        """A cardinal from digits or words: 3, 2.5, '5 1/2', 'twenty-four', 'a few' -> 'X'."""
        k = key(text).replace(",", "")
        if not k:
            return None
        if k in self.vague_numbers:
            return "X"
        m = re.fullmatch(r"(\d+(?:\.\d+)?)(?:\s*(?:and\s+)?(?:a\s+)?(1/2|half|½))?", k)
        if m:
            v = float(m.group(1))
            return v + 0.5 if m.group(2) else v
        if k in self.numbers:
            return self.numbers[k]
        total, current = 0.0, 0.0
        for tok in re.split(r"[\s-]+", k):
            if tok in ("and",):
                continue
            v = self.numbers.get(tok)
            if v is None:
                return None
            if v in (100, 1000) and current:
                current *= v
                if v == 1000:
                    total, current = total + current, 0.0
            else:
                current += v
        return total + current or None

    def ordinal(self, text: str) -> int | None:
        k = key(text)
        m = re.fullmatch(r"(\d+)(?:st|nd|rd|th)?", k)
        if m:
            return int(m.group(1))
        return self.ordinals.get(k.replace(" ", "-"))

    def capital_ok(self, token: str) -> bool:
        """Ambiguous names (May, March, Sun) count only when capitalised."""
        k = key(token)
        return k not in self.capitalised_only or token[:1].isupper()

    def word_tables(self) -> dict[str, set[str]]:
        """The words of each vocabulary table (trigger words of the grammar's rules)."""
        words = lambda phrases: {w for p in phrases for w in re.findall(r"[^\W\d_]+", p.lower())}  # noqa: E731
        units = words(self.units) | words(self.unit_plurals)
        if self.plural_suffix:
            units |= {u + self.plural_suffix for u in words(self.units)}
        tables = {name: words(getattr(self, name)) for name in (
            "months", "weekdays", "weekday_plurals", "seasons", "parts_of_day", "bc_markers", "ad_markers",
            "decade_words", "holidays", "deictic_days", "day_anaphora", "year_end_phrases",
            "latest_periods", "set_quantifiers", "sets", "refs")}
        tables["units"] = units
        return tables

    # ----------------------------------------------------------- alternations
    @property
    def rx(self) -> dict[str, str]:
        if "rx" not in self.extra:
            self.extra["rx"] = self._build_rx()
        return self.extra["rx"]

    def _build_rx(self) -> dict[str, str]:
        full = [m for m in self.months if len(m) > 4 or m in self.full_short_months]
        abbr = [m for m in self.months if m not in full]
        wd_full = [w for w in self.weekdays if len(w) > 4]
        wd_abbr = [w for w in self.weekdays if len(w) <= 4]
        units = set(self.units) | set(self.unit_plurals)
        unit_forms = set()
        for u in units:
            unit_forms.add(u)
            if self.plural_suffix and not u.endswith(self.plural_suffix):
                unit_forms.add(u + self.plural_suffix)
        number_words = [w for w in self.numbers]
        compound = alternation([w for w, v in self.numbers.items()
                                if isinstance(v, int) and 20 <= v <= 90 and v % 10 == 0])
        small = alternation([w for w, v in self.numbers.items()
                             if isinstance(v, int) and 1 <= v <= 9 and " " not in w])
        half = r"(?:\s+" + alternation(self.half_suffixes, boundary=False) + ")?" if self.half_suffixes else ""
        num = (r"(?:\d+(?:[.,]\d+)?" + half + "|" + compound + r"[\s-]" + small
               + "|" + alternation(number_words + self.vague_numbers) + half + ")")
        return {
            "month": r"(?:" + alternation(full) + "|" + alternation(abbr) + r"\.?)",
            "weekday": r"(?:" + alternation(wd_full) + "|" + alternation(wd_abbr) + r"\.?)",
            "weekday_plural": alternation(self.weekday_plurals),
            "weekday_full": alternation(wd_full),
            "unit": alternation(unit_forms),
            "num": num,
            "ordinal_word": alternation(self.ordinals),
            "season": alternation(self.seasons),
            "part": alternation(self.parts_of_day),
            "approx": alternation(self.approximators),
            "quarter_ord": alternation(self.quarter_ordinals),
            "half_ord": alternation(self.half_ordinals),
            "bc": alternation(self.bc_markers, boundary=False) + r"(?![A-Za-z])",
            "ad": alternation(self.ad_markers, boundary=False) + r"(?![A-Za-z])",
            "decade_word": alternation(self.decade_words),
            "tz": alternation(self.timezones),
            "sets": alternation(self.sets),
            "set_q": alternation(self.set_quantifiers),
            "refs": alternation(self.refs),
            "deictic_day": alternation(self.deictic_days),
            "day_part_mod": alternation(self.day_parts_deictic),
            "rel": alternation(self.relative_mods),
            "day_anaphora": alternation(self.day_anaphora),
            "shift": alternation(self.shift_words),
            "within": alternation(self.within_mods),
            "pos": alternation(self.position_prefixes),
            "pos_of": alternation([p for p in self.position_mods if " " in p]),
            "year_end": alternation(self.year_end_phrases),
            "fiscal": alternation(self.fiscal_words),
            "year_ago": alternation(self.year_ago_periods),
            "latest_period": alternation(self.latest_periods),
            "holiday": alternation(self.holidays),
        }


def load_lexicon(language: str = "en") -> Lexicon:
    """Read time_<language>_vocab.json, _phrases.json and _patterns.json from the data folder."""
    try:
        vocab = json.loads((DATA_DIR / f"time_{language}_vocab.json").read_text("utf-8"))
        phrases = json.loads((DATA_DIR / f"time_{language}_phrases.json").read_text("utf-8"))
        patterns = json.loads((DATA_DIR / f"time_{language}_patterns.json").read_text("utf-8"))
    except (OSError, ValueError) as exc:
        have = sorted(p.name.split("_")[1] for p in DATA_DIR.glob("time_*_patterns.json"))
        raise ResourceError(f"temporal vocabulary for {language!r} is missing or broken: {exc}",
                            hint=f"languages available: {', '.join(have)}; a new one is three files "
                                 "communique/data/time_<language>_{vocab,phrases,patterns}.json")
    low = lambda d: {k.lower(): v for k, v in d.items()}  # noqa: E731
    return Lexicon(
        language=vocab.get("language", language),
        months=low(vocab["months"]), weekdays=low(vocab["weekdays"]),
        weekday_plurals=low(vocab.get("weekday_plurals", {})),
        numbers=low(vocab["number_words"]), vague_numbers=[w.lower() for w in vocab["vague_numbers"]],
        ordinals=low(vocab["ordinal_words"]), units=low(vocab["units"]),
        unit_plurals=low(vocab.get("unit_plurals", {})), seasons=low(vocab["seasons"]),
        parts_of_day=low(vocab["parts_of_day"]), position_mods=low(vocab["position_mods"]),
        approximators=vocab["approximators"], quarter_ordinals=low(vocab["quarter_ordinals"]),
        half_ordinals=low(vocab["half_ordinals"]), bc_markers=vocab["bc_markers"],
        ad_markers=vocab["ad_markers"], decade_words=low(vocab["decade_words"]),
        timezones=vocab["timezones"], numeric_order=vocab.get("numeric_order", "MDY"),
        sets=low(vocab["sets"]),
        set_quantifiers=vocab["set_quantifiers"], future_cues=vocab["future_cues"],
        past_cues=vocab["past_cues"], not_past_ed=vocab.get("not_past_ed", []),
        capitalised_only=set(vocab.get("capitalised_only", [])),
        refs=low(phrases["refs"]), ref_exceptions=phrases.get("ref_words_need_context", {}),
        deictic_days=low(phrases["deictic_days"]), day_parts_deictic=low(phrases["day_parts_deictic"]),
        relative_mods={k.lower(): (v[0], v[1]) for k, v in phrases["relative_mods"].items()},
        day_anaphora=low(phrases["day_anaphora"]),
        shift_words={k.lower(): (v[0], v[1]) for k, v in phrases["shift_words"].items()},
        within_mods=low(phrases["within_mods"]), year_end_phrases=low(phrases["year_end_phrases"]),
        fiscal_words=phrases["fiscal_words"], year_ago_periods=phrases["year_ago_periods"],
        latest_periods=phrases["latest_periods"], holidays=low(phrases["holidays"]),
        patterns=patterns, full_short_months=[m.lower() for m in vocab.get("full_short_months", [])],
        position_prefixes=vocab.get("position_prefixes", []), half_suffixes=vocab.get("half_suffixes", []),
        plural_suffix=vocab.get("plural_suffix", ""),
        short_months_ok=[m.lower() for m in vocab.get("short_months_ok", [])], past_form=vocab.get("past_form", ""),
        weekday_ahead_words=[w.lower() for w in vocab.get("weekday_ahead_words", [])],
        plan_words=vocab.get("plan_words", []),
    )
