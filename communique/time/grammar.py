"""The grammar of temporal expressions: regular expressions assembled from the language's patterns
file (patterns.py, communique/data/time_<lang>_patterns.json) and its vocabulary, compiled once.

`Grammar.candidates(text)` runs every rule over the text and returns the non-overlapping matches
(longest first), each with its rule name and match object; resolver.py turns them into values.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .lexicon import Lexicon, alternation, key
from .patterns import compile_filters, expand, trigger_words

_WORD = re.compile(r"\w+")


@dataclass
class Candidate:
    start: int
    end: int
    rule: str
    m: re.Match

    @property
    def g(self) -> dict:
        return self.m.groupdict()

    def span(self, group: str) -> tuple[int, int]:
        return self.m.span(group)


class Grammar:
    """All rules of one language, compiled once."""

    def __init__(self, lex: Lexicon):
        self.lex = lex
        self.rules: list[tuple[str, re.Pattern]] = []
        self._build()

    # ------------------------------------------------------------------ rules
    def _build(self) -> None:
        patterns = self.lex.patterns
        rx, macros = self.lex.rx, patterns["macros"]
        order = []
        for name, template in patterns["rules"]:
            # nothing starts inside a word: failing fast there is most of the speed
            self.rules.append((name, re.compile(r"(?<!\w)(?:" + expand(template, macros, rx) + ")", re.I)))
            order.append(name)
        self.priority = {name: i for i, name in enumerate(order)}
        self.filters = compile_filters(patterns.get("filters", []))
        self._build_triggers()

    def _build_triggers(self) -> None:
        """Each rule runs only near a word it cannot match without (a month name, a unit, a digit):
        one pass of a word tokenizer finds those places, so most of the text is never scanned."""
        patterns = self.lex.patterns
        stop = {w.lower() for w in patterns.get("trigger_stopwords", [])}
        tables = self.lex.word_tables()
        self.triggers: dict[str, set[str]] = {}
        for rule, spec in patterns.get("triggers", {}).items():
            for t in trigger_words(spec, tables, stop):
                self.triggers.setdefault(t, set()).add(rule)
        self.digit_rules = set(patterns.get("digit_rules", []))
        # one scan of the lower-cased text finds the trigger words and the tokens that start or end
        # with a digit; looking at every word from Python was a third of the tagging time
        words = [w for w in self.triggers if _WORD.fullmatch(w) and w == w.lower()]
        self._trigger_rx = re.compile(r"(?<!\w)(?:" + alternation(words, boundary=False)
                                      + r"(?!\w)|\d\w*+|\w++(?<=\d))")
        self.untriggered = {name for name, _ in self.rules} - set(patterns.get("triggers", {})) - self.digit_rules

    # ------------------------------------------------------------- matching
    def windows(self, text: str, margin: int = 40, right: int = 24) -> dict[str, list[tuple[int, int]]]:
        """Per rule, the merged stretches of text around its trigger words (`margin` characters
        before a trigger, `right` after: no expression runs far past its last trigger word)."""
        spans: dict[str, list[tuple[int, int]]] = {}
        n = len(text)
        triggers, digit_rules = self.triggers, self.digit_rules
        low = text.lower()
        # lower() changes the length of a few rare letters; then offsets would drift, so walk words
        tokens = self._trigger_rx.finditer(low) if len(low) == n else _WORD.finditer(text)
        for m in tokens:
            tok = m.group(0)
            rules = triggers.get(tok.lower())
            if tok[0].isdigit() or tok[-1].isdigit():
                rules = digit_rules if rules is None else rules | digit_rules
            if not rules:
                continue
            s, e = max(0, m.start() - margin), min(n, m.end() + right)
            for r in rules:
                lst = spans.setdefault(r, [])
                if lst and s <= lst[-1][1]:
                    lst[-1] = (lst[-1][0], e)
                else:
                    lst.append((s, e))
        for r in self.untriggered:
            spans[r] = [(0, n)]
        return spans

    def candidates(self, text: str) -> list[Candidate]:
        found: list[Candidate] = []
        spans = self.windows(text)
        for name, rx in self.rules:
            for ws, we in spans.get(name, ()):
                while ws > 0 and not text[ws - 1].isspace():
                    ws -= 1
                for m in rx.finditer(text, ws, we):
                    s, e = m.span()
                    if e <= s:
                        continue
                    c = Candidate(s, e, name, m)
                    if self._acceptable(c, text):
                        found.append(c)
        found.sort(key=lambda c: (-(c.end - c.start), self.priority[c.rule], c.start))
        taken: list[Candidate] = []
        occupied = bytearray(len(text) + 1)
        for c in found:
            if any(occupied[c.start:c.end]):
                continue
            occupied[c.start:c.end] = b"\x01" * (c.end - c.start)
            taken.append(c)
        taken.sort(key=lambda c: c.start)
        return taken

    def _acceptable(self, c: Candidate, text: str) -> bool:
        """Checks a regex alone cannot make: capitalisation, number sanity, and the language's
        context filters (patterns file)."""
        lex, g = self.lex, c.g
        for name in ("era", "era1", "era2", "eraq"):
            if g.get(name) and not g[name].isupper() and not g[name][0].isupper():
                return False
        for name in ("mon", "mon1", "mon2", "wd"):
            tok = g.get(name)
            if tok and not lex.capital_ok(tok):
                return False
        rule = c.rule
        if rule == "month" and g.get("mon"):
            mon = g["mon"]
            if len(key(mon)) <= 3 and not mon.endswith(".") and not g.get("rel") and key(mon) not in lex.short_months_ok:
                return False  # bare "Mar", "Jun": too ambiguous alone
        if rule == "ref":
            word = key(g["ref"])
            for exc in lex.ref_exceptions.get(word, []):
                window = text[max(0, c.start - 12):c.end + 12].lower()
                if exc in window:
                    return False
        if rule == "quarter_months":
            m1, m2 = lex.month(g["mon1"]), lex.month(g["mon2"])
            if not m1 or m2 != m1 + 2 or m1 % 3 != 1:
                return False  # "the May-July period" is a range of months, not a quarter
        if rule == "range_year":
            y1, y2 = int(g["y1"]), g["y2"]
            y2v = int(y2) if len(y2) == 4 else (y1 // 100) * 100 + int(y2)
            if y2v <= y1 or y2v - y1 > 60:
                return False
        filters = self.filters.get(rule, []) + self.filters.get(None, [])
        if filters:
            before = text[max(0, c.start - 25):c.start].lower()
            after = text[c.end:c.end + 25].lower()
            matched = text[c.start:c.end]
            if any(f.rejects(g, matched, text, c.start, before, after) for f in filters):
                return False
        return True
