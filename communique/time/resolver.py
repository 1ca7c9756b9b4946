"""Turn grammar matches into TIMEX3 values, left to right, with a running context.

The context holds the anchor (publication date), whether the text reads as a narrative about other
years (then partial dates take their year from the text, not the anchor), the latest day-precision
date (for "the same day", "the next day"), the latest calendar value of any grain (for "a year
earlier", "that month") and the latest year mentioned.
"""
from __future__ import annotations

import datetime as dt
import re

from . import calendar as cal
from .context import Context, Norm
from .grammar import Candidate
from .lexicon import Lexicon, alternation, key
from .relative import RelativeRules


TENSE_LEFT_WORDS = 8
TENSE_RIGHT_WORDS = 6
TENSE_CLAUSE_CHARS = 250
# a quotation is its own clause: "will leave at 4 a.m. Thursday,'' Castro said" is future
_QUOTE = re.compile(r"''|``|[\"\u201c\u201d\u00ab\u00bb\u201e]")
# a new coordinated clause after the expression has its own verb: "... on Saturday, and warned"
_CLAUSE_AFTER = re.compile(r",\s+(?:and|but|while|whereas)\b", re.I)


def _is_full_stop(text: str, i: int) -> bool:
    """A '.' that ends a sentence: not inside a number or "a.m.", not after one letter ("U.S.")."""
    nxt = text[i + 1:i + 2]
    if nxt and not nxt.isspace():
        return False
    return not (i >= 1 and text[i - 1].isalpha() and (i < 2 or not text[i - 2].isalpha()))


def _stop_before(text: str, start: int, reach: int) -> int:
    """The last full stop within `reach` characters before `start`, else -1."""
    i, floor = start, max(0, start - reach)
    while True:
        i = text.rfind(".", floor, i)
        if i < 0 or _is_full_stop(text, i):
            return i


def _stop_after(text: str, end: int, reach: int) -> int:
    """The first full stop within `reach` characters after `end`, else -1."""
    i, ceiling = end - 1, end + reach
    while True:
        i = text.find(".", i + 1, ceiling)
        if i < 0 or _is_full_stop(text, i):
            return i


def _own_clause(text: str, s: int, start: int, end: int, e: int) -> tuple[int, int]:
    """Narrow the stretch s..e around start..end so that it does not cross a quotation mark, nor
    run into a coordinated clause after the expression."""
    last = None
    for last in _QUOTE.finditer(text, s + 1, start):
        pass
    if last is not None:
        s = last.end() - 1
    cuts = [m.start() for m in (_QUOTE.search(text, end, e), _CLAUSE_AFTER.search(text, end, e)) if m]
    return s, min(cuts + [e])


class Resolver(RelativeRules):
    def __init__(self, lex: Lexicon):
        self.lex = lex
        # one scan for all cues, so that overlapping ones resolve left to right ("had been
        # scheduled for" is past, not "scheduled for"); a past form by its shape too (English: a
        # lower-case word in -ed, but not "United" or "hundred")
        not_past = "|".join(re.escape(w) for w in lex.not_past_ed) or "(?!)"
        past_form = lex.past_form.replace("{not_past}", not_past) if lex.past_form else "(?!)"
        self.cue_rx = re.compile(r"(?P<future>(?<!\w)" + alternation(lex.future_cues, boundary=False) + r"(?!\w))"
                                 + r"|(?P<past>(?<!\bbe\s)\b" + alternation(lex.past_cues, boundary=False)
                                 + r"\b)|(?P<past_form>" + past_form + ")", re.I)
        self.plan_rx = (re.compile(r"\b" + alternation(lex.plan_words) + r"(?!\w)", re.I)
                        if lex.plan_words else None)

    # ------------------------------------------------------------ helpers
    def year(self, g: dict, s: str = "") -> int | None:
        y = g.get("y" + s)
        if not y:
            return None
        m = re.match(r"\d+", y)
        n = int(m.group(0))
        era = (g.get("era" + s) or "").upper().replace(" ", "")
        if era and era.rstrip(".") in {b.upper().rstrip(".") for b in self.lex.bc_markers}:
            return 1 - n
        return n

    def ofrel_year(self, g: dict, ctx: Context) -> int | None:
        rel = key(g.get("ofrel") or "")
        if not rel:
            return None
        base = ctx.context_year() if ("that" in rel or "same" in rel or "following" in rel
                                      or "previous" in rel or "the next" in rel) else None
        if base is None:
            ref, _ = ctx.deictic_ref()
            base = ref.year if ref else None
        if base is None:
            return None
        if "following" in rel or "next" in rel:
            return base + 1
        if "previous" in rel or rel.startswith("last"):
            return base - 1
        return base

    def _plans_ahead(self, ctx: Context) -> bool:
        """A clause with 'will' in a text that looks like a history: an obituary's "a memorial
        service will be held on Aug. 17" is after the publication date."""
        return bool(self.plan_rx and self.plan_rx.search(ctx.text, max(0, ctx.span[0] - 60), ctx.span[0]))

    def infer_year(self, ctx: Context, m: int, d: int | None = None) -> tuple[int | None, str]:
        """Year of a partial date: nearest to the anchor in news, else from the text."""
        if ctx.anchor and not ctx.partial_from_text():
            return cal.closest_year(ctx.anchor, m, d, future_ok=self.tense(ctx, *ctx.span) > 0), "anchor"
        if ctx.anchor and self.tense(ctx, *ctx.span) > 0 and (not ctx.narrative or self._plans_ahead(ctx)):
            # news that speaks of other years still plans ahead from its own date
            # ("a summit set for Washington in April" beside a paragraph on 1982)
            return cal.closest_year(ctx.anchor, m, d, future_ok=True), "anchor"
        y = ctx.context_year()
        if y is not None:
            return y, "anchor"
        if ctx.anchor:
            return cal.closest_year(ctx.anchor, m, d), "anchor"
        if ctx.dateline:
            return cal.closest_year(ctx.dateline, m, d), "anchor"
        return None, "none"

    def tense(self, ctx: Context, start: int, end: int) -> int:
        """+1 when the words around a position (same sentence, a few words either side) speak of
        the future, else -1; the nearest cue wins."""
        return 1 if self.tense_cue(ctx, start, end) > 0 else -1

    def tense_cue(self, ctx: Context, start: int, end: int) -> int:
        """+1 future; -2 past by a word of the past ("had", "ago"), -1 past by a verb's form only;
        0 when no word around the position tells."""
        text = ctx.text
        s = max(_stop_before(text, start, 100), text.rfind("\n", 0, start), start - 100)
        stops = [i for i in (_stop_after(text, end, 60), text.find("\n", end)) if i >= 0]
        e = min(stops + [end + 60])
        s, e = _own_clause(text, s, start, end, e)
        left = " ".join(text[s + 1:start].split()[-TENSE_LEFT_WORDS:])
        right = " ".join(text[end:e].split()[:TENSE_RIGHT_WORDS])
        cues = self._strongest(self._cues(left, right))
        if not cues:
            # no cue near the expression: the verb may sit earlier in a long clause
            # ("the airline will nearly double its routes between the two capitals by August")
            s = max(_stop_before(text, start, TENSE_CLAUSE_CHARS), text.rfind("\n", 0, start),
                    start - TENSE_CLAUSE_CHARS)
            stops = [i for i in (_stop_after(text, end, TENSE_CLAUSE_CHARS), text.find("\n", end)) if i >= 0]
            e = min(stops + [end + TENSE_CLAUSE_CHARS])
            s, e = _own_clause(text, s, start, end, e)
            cues = self._strongest(self._cues(text[s + 1:start], text[end:e]))
        return min(cues)[2] if cues else 0

    @staticmethod
    def _strongest(cues: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
        """A word of the future outweighs a nearer -ed form, which is often an adjective ("will
        publish a list of guaranteed flights on Monday"), unless the -ed form is the verb right
        beside the expression ("ruled Wednesday that he must be returned")."""
        if any(c[2] > 0 for c in cues):
            return [c for c in cues if c[2] != -1 or c[0] <= 1]
        return cues

    def _cues(self, before: str, after: str) -> list[tuple[int, int, int]]:
        """(distance from the expression, minus length, kind as in tense_cue) of each tense cue; at
        the same distance the longer cue wins."""
        return [(len(before) - m.end() if side == 0 else m.start(), m.start() - m.end(),
                 1 if m.group("future") else (-2 if m.group("past") else -1))
                for side, chunk in ((0, before), (1, after)) for m in self.cue_rx.finditer(chunk)]

    @staticmethod
    def _same_sentence(ctx: Context, a: int, b: int) -> bool:
        """Positions a <= b lie in one sentence: no full stop or line break between them."""
        return 0 <= a <= b and "\n" not in ctx.text[a:b] and _stop_before(ctx.text, b, b - a) < a

    @staticmethod
    def day_value(y: int | None, m: int, d: int) -> tuple[str | None, str | None]:
        if y is None:
            return f"XXXX-{m:02d}-{d:02d}", None
        if not cal.valid_day(y, m, d):
            month = dt.date(2000, m, 1).strftime("%B")
            return None, f"impossible date: {d} {month}" + (f" {y}" if y > 0 else "")
        return f"{cal.fmt_year(y)}-{m:02d}-{d:02d}", None

    def pos_mod(self, g: dict) -> str | None:
        p = key(g.get("posof") or g.get("pos") or g.get("within") or "")
        return (self.lex.position_mods.get(p) or self.lex.within_mods.get(p)) or None

    # ------------------------------------------------------------ dispatch
    def resolve(self, c: Candidate, ctx: Context) -> Norm | None:
        handler = getattr(self, "r_" + c.rule, None)
        if handler is None:
            return None
        return handler(c, c.g, ctx)

    # ------------------------------------------------------------ dates
    def _dm(self, c, g, ctx, s=""):
        m = self.lex.month(g["mon" + s])
        d = int(re.match(r"\d+", g["d" + s]).group(0)) if g.get("d" + s) else self.lex.ordinal(g.get("dw") or "")
        return m, d

    def r_date_mdy(self, c, g, ctx):
        m, d = self._dm(c, g, ctx)
        if not m or not d:
            return None
        y = self.year(g)
        basis = "text"
        if y is None:
            y = self.ofrel_year(g, ctx)
            if y is None:
                y, basis = self.infer_year(ctx, m, d)
            else:
                basis = "anchor"
        value, err = self.day_value(y, m, d)
        return Norm(value=value, basis=basis, error=err)

    r_date_dmy = r_date_mdy

    def r_date_my(self, c, g, ctx):
        m = self.lex.month(g["mon"])
        y = self.year(g)
        return Norm(value=cal.month(y, m), mod=self.pos_mod(g)) if m and y is not None else None

    def r_month(self, c, g, ctx):
        m = self.lex.month(g["mon"])
        if not m:
            return None
        y = self.ofrel_year(g, ctx)
        rel = key(g.get("rel") or "")
        if y is None and rel:
            off, kind = self.lex.relative_mods.get(rel, (0, "deictic"))
            ref, _ = ctx.deictic_ref()
            if ref:
                if off < 0:
                    y = ref.year if m < ref.month else ref.year - 1
                elif off > 0:
                    y = ref.year if m > ref.month else ref.year + 1
                else:
                    y = ref.year
        if y is None:
            y, _ = self.infer_year(ctx, m)
        value = cal.month(y, m) if y is not None else f"XXXX-{m:02d}"
        return Norm(value=value, basis="anchor", mod=self.pos_mod(g))

    def r_spoken_year(self, c, g, ctx):
        if g.get("tt"):
            return Norm(value="2000")
        n = self.lex.number(g["sn"])
        if not isinstance(n, float) or n != int(n) or not 0 < n < 100:
            return None
        base = 1900 if key(g["sy"]) == "nineteen" else 2000
        return Norm(value=str(base + int(n)))

    def r_year(self, c, g, ctx):
        y = self.year(g)
        if y is None or (y > 2100):
            return None
        return Norm(value=cal.fmt_year(y), mod=self.pos_mod(g))

    def r_decade(self, c, g, ctx):
        if g.get("dc"):
            v = g["dc"]
        elif g.get("ds"):
            v = "19" + g["ds"]
        else:
            v = "19" + str(self.lex.decade_words[key(g["dw"])])
        return Norm(value=v, mod=self.pos_mod(g))

    def r_century(self, c, g, ctx):
        n = self.lex.ordinal(g["c"])
        if not n:
            return None
        era = (g.get("era") or "").upper()
        return Norm(value=("BC" if era.startswith("B") else "") + f"{n - 1:02d}", mod=self.pos_mod(g))

    def r_iso_date(self, c, g, ctx):
        value, err = self.day_value(int(g["y"]), int(g["m"]), int(g["d"]))
        if value and g.get("hh"):
            return Norm(type="TIME", value=f"{value}T{g['hh']}:{g['mi']}")
        return Norm(value=value, error=err)

    def r_dot_date(self, c, g, ctx):
        value, err = self.day_value(int(g["y"]), int(g["b"]), int(g["a"]))
        return Norm(value=value, error=err)

    def r_slash_date(self, c, g, ctx):
        a, b, y = int(g["a"]), int(g["b"]), int(g["y"])
        if y < 100:
            pivot = (ctx.anchor.year % 100 + 10) if ctx.anchor else 40
            y += 2000 if y <= pivot else 1900
        if a > 12 and b > 12:
            return None
        if a > 12:
            d, m = a, b
        elif b > 12:
            m, d = a, b
        elif self.lex.numeric_order == "DMY":
            d, m = a, b
        else:
            m, d = a, b
        value, err = self.day_value(y, m, d)
        return Norm(value=value, error=err)

    # ------------------------------------------------------------ ranges
    def _range(self, c, ctx, first: tuple, second: tuple, split_at: tuple[int, int]) -> Norm:
        """first/second: (y, m, d or None, explicit-year flag)."""
        (y1, m1, d1, e1), (y2, m2, d2, e2) = first, second
        basis = "text"
        if y2 is None:
            y2, _ = self.infer_year(ctx, m2, d2)
            basis = "anchor"
        if y1 is None and y2 is not None:
            y1 = y2 - 1 if (m1, d1 or 0) > (m2, d2 or 0) else y2
        if d1:
            v1, err1 = self.day_value(y1, m1, d1)
            v2, err2 = self.day_value(y2, m2, d2)
        else:
            v1 = cal.month(y1, m1) if y1 is not None else f"XXXX-{m1:02d}"
            v2 = cal.month(y2, m2) if y2 is not None else f"XXXX-{m2:02d}"
            err1 = err2 = None
        norm = Norm(value=v1, begin=v1, finish=v2, basis=basis, error=err1 or err2)
        norm.parts = [(c.start, split_at[0], v1), (split_at[1], c.end, v2)]
        return norm

    def r_range_full_dm(self, c, g, ctx):
        m1, d1 = self._dm(c, g, ctx, "1")
        m2, d2 = self._dm(c, g, ctx, "2")
        ends = [c.m.end(n) for n in ("d1", "mon1", "y1") if c.m.group(n)]
        starts = [c.m.start(n) for n in ("d2", "mon2") if c.m.group(n)]
        return self._range(c, ctx, (self.year(g, "1"), m1, d1, True), (self.year(g, "2"), m2, d2, True),
                           (max(ends), min(starts)))

    r_range_full_md = r_range_full_dm

    def r_range_dm(self, c, g, ctx):
        m = self.lex.month(g["mon2"])
        d1 = int(re.match(r"\d+", g["d1"]).group(0))
        d2 = int(re.match(r"\d+", g["d2"]).group(0))
        if d2 <= d1:
            return None
        y = self.year(g, "2")
        if c.rule == "range_md":
            split = (c.m.end("d1"), c.m.start("d2"))
            norm = self._range(c, ctx, (y, m, d1, True), (y, m, d2, True), split)
        else:
            split = (c.m.end("d1"), c.m.start("d2"))
            norm = self._range(c, ctx, (y, m, d1, True), (y, m, d2, True), split)
        return norm

    r_range_md = r_range_dm

    def r_range_month(self, c, g, ctx):
        m1, m2 = self.lex.month(g["mon1"]), self.lex.month(g["mon2"])
        if not m1 or not m2:
            return None
        split = (max(c.m.end(n) for n in ("mon1", "y1") if c.m.group(n)), c.m.start("mon2"))
        return self._range(c, ctx, (self.year(g, "1"), m1, None, True), (self.year(g, "2"), m2, None, True), split)

    def r_range_year(self, c, g, ctx):
        y1 = int(g["y1"])
        y2 = int(g["y2"]) if len(g["y2"]) == 4 else (y1 // 100) * 100 + int(g["y2"])
        norm = Norm(value=str(y1), begin=str(y1), finish=str(y2))
        norm.parts = [(c.start, c.m.end("y1"), str(y1)), (c.m.start("y2"), c.end, str(y2))]
        return norm
