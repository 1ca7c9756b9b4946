"""The rules of the temporal grammar as data (communique/data/time_<lang>_patterns.json).

A patterns file holds, for one language:
- `macros`: named regex fragments ("%{MON:1}" is the MON macro with its group names suffixed "1");
- `rules`: [name, template] in priority order; a template is a regex whose `%{NAME}` and
  `%{NAME:arg}` are macros and whose `%{rx:key}` are alternations built from the vocabulary
  (lexicon.py); the resolver gives each rule name its meaning;
- `triggers`: per rule, the words it cannot match without ("@months" = the words of a vocabulary
  table), so that a rule only runs near them; `digit_rules` run near any token with a digit;
- `filters`: context checks a regex alone cannot make ("May be", "the March for Life",
  "37 years old"). A filter rejects a match when all its conditions hold:
  `when` {group: regex} (full match on the group's lower-cased text), `when_raw` (on its text as
  written), `when_present` / `unless_present` [groups], `before` / `not_before` (search at the end of
  the 25 lower-cased characters before the match; `before_raw` the same on the text as written),
  `after` / `not_after` (match at the start of the 25 after it), `text` / `not_text` (search in the
  matched text) and `paragraph_start`;
- `part_of_date_before` (optional): a template for the words before a date that make it a part of
  that day ("the night of 24 February"), ending where the date begins.

A new language is a new patterns file beside its vocabulary and phrases files; no code changes.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

MACRO = re.compile(r"%\{(\w+)(?::(\w*))?\}")
_PARAGRAPH_START = re.compile(r"(?:^|\x00)[\s\"'`“]*$")


def expand(template: str, macros: dict[str, str], rx: dict[str, str], arg: str = "") -> str:
    """A template with its macros and vocabulary alternations filled in."""
    def fill(m: re.Match) -> str:
        name, value = m.group(1), m.group(2) or ""
        if name == "s":
            return arg
        if name == "rx":
            return rx[value]
        if name not in macros:
            raise KeyError(f"unknown macro %{{{name}}}")
        return expand(macros[name], macros, rx, value)
    return MACRO.sub(fill, template)


def _compile_groups(spec: dict | None) -> dict[str, re.Pattern]:
    return {g: re.compile(p, re.I) for g, p in (spec or {}).items()}


def _rx(p: str | None) -> re.Pattern | None:
    return re.compile(p) if p else None


@dataclass(frozen=True)
class Filter:
    rules: frozenset | None                   # None: every rule
    when: dict
    when_raw: dict
    when_present: tuple
    unless_present: tuple
    before: re.Pattern | None
    before_raw: re.Pattern | None
    not_before: re.Pattern | None
    after: re.Pattern | None
    not_after: re.Pattern | None
    text: re.Pattern | None
    not_text: re.Pattern | None
    paragraph_start: bool

    @classmethod
    def from_spec(cls, spec: dict) -> "Filter":
        rules = spec.get("rules", "*")
        return cls(rules=None if rules == "*" else frozenset(rules),
                   when=_compile_groups(spec.get("when")),
                   when_raw={g: re.compile(p) for g, p in (spec.get("when_raw") or {}).items()},
                   when_present=tuple(spec.get("when_present", ())),
                   unless_present=tuple(spec.get("unless_present", ())),
                   before=_rx(spec.get("before")), before_raw=_rx(spec.get("before_raw")),
                   not_before=_rx(spec.get("not_before")),
                   after=_rx(spec.get("after")), not_after=_rx(spec.get("not_after")),
                   text=_rx(spec.get("text")), not_text=_rx(spec.get("not_text")),
                   paragraph_start=bool(spec.get("paragraph_start")))

    def rejects(self, g: dict, matched: str, text: str, start: int, before: str, after: str) -> bool:
        for name, rx in self.when.items():
            v = g.get(name)
            if not v or not rx.fullmatch(_key(v)):
                return False
        for name, rx in self.when_raw.items():
            v = g.get(name)
            if not v or not rx.match(v):
                return False
        if any(not g.get(n) for n in self.when_present):
            return False
        if any(g.get(n) for n in self.unless_present):
            return False
        if self.before and not self.before.search(before):
            return False
        if self.not_before and self.not_before.search(before):
            return False
        if self.before_raw and not self.before_raw.search(text[max(0, start - 25):start]):
            return False
        if self.after and not self.after.match(after):
            return False
        if self.not_after and self.not_after.match(after):
            return False
        if self.text and not self.text.search(matched):
            return False
        if self.not_text and self.not_text.search(matched):
            return False
        if self.paragraph_start and not _PARAGRAPH_START.search(text[max(0, start - 4):start]):
            return False
        return True


def _key(text: str) -> str:
    return re.sub(r"\s+", " ", text.strip().lower()).rstrip(".")


def compile_filters(specs: list[dict]) -> dict[str | None, list[Filter]]:
    """Filters by rule name; key None holds those for every rule."""
    out: dict[str | None, list[Filter]] = {}
    for spec in specs:
        f = Filter.from_spec(spec)
        for rule in (f.rules or [None]):
            out.setdefault(rule, []).append(f)
    return out


def trigger_words(spec: list[str], tables: dict[str, set[str]], stop: set[str]) -> set[str]:
    """Words of a trigger list: literal words, and "@table" for every word of a vocabulary table."""
    out: set[str] = set()
    for item in spec:
        if item.startswith("@"):
            out |= tables[item[1:]] - stop
        else:
            out.add(item.lower())
    return out
