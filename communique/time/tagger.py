"""The temporal tagger: grammar matches -> resolved Timex records, left to right.

A Tagger holds the compiled grammar of one language; build it once per process (see
communique.time.get_tagger) and call tag() for every text.
"""
from __future__ import annotations

import datetime as dt
import re
import statistics

from ..records import Timex
from . import calendar as cal
from .context import Context, Norm
from .grammar import Candidate, Grammar
from .lexicon import load_lexicon
from .patterns import expand
from .resolver import Resolver

YEAR_RULES = {"date_mdy", "date_dmy", "date_my", "year", "iso_date", "dot_date", "slash_date",
              "range_full_dm", "range_full_md", "range_dm", "range_md", "range_month", "range_year"}
DATE_LIKE = {"date_mdy", "date_dmy", "iso_date", "dot_date", "slash_date", "weekday", "deictic_day",
             "day_anaphora", "rel_unit", "holiday"}
CLOCK_RULES = {"time_ampm", "time_24", "time_word"}
# what may stand between clock times and the date they share: "at 4:52 a.m. local time (0952 GMT) on
# Tuesday", "between 6 p.m. and 11 p.m. on Jan. 9"
CLOCK_CHAIN_GAP = re.compile(r"[ \t,()]*(?:(?:and|or|to|until|till|on|at|-|–)[ \t,()]+)*", re.I)
NARRATIVE_MIN_YEARS = 6
NARRATIVE_FAR_SHARE = 0.65
NARRATIVE_MAX_DEICTIC = 2.0   # per 10,000 characters
TIME_RULES = {"time_ampm", "time_24", "time_word"}
DATELINE_PREFIX = re.compile(r"(?:^|\n)[ \t]*(?:[A-Z][A-Za-z.'\-]*(?:[ \t]+[A-Z][A-Za-z.'\-]*)*[ \t]*,[ \t]*)"
                             r"(?:[A-Z][\w.'\- ]*,[ \t]*)?\(?[ \t]*$")


_NAME_DETERMINERS = {"the", "a", "an", "its", "their", "his", "her", "our", "this", "that"}
_NOT_NAME_AFTER = re.compile(r"\s+(?:BC|AD|BCE|CE|Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec|Mon|Tue|Wed|Thu|Fri|Sat|Sun)")


def year_in_name(text: str, t: Timex) -> bool:
    """'the 2021 Presidential Prize', 'the 2030 Agenda', 'Tokyo 2020 Olympic Games': a bare year
    between a determiner (or a name) and a capitalised word is part of a name, no date."""
    if t.text.strip() != t.value or not re.fullmatch(r"\d{4}", t.text.strip()):
        return False
    after = text[t.end:t.end + 40]
    if not re.match(r"\s+[A-Z][a-z]", after) or _NOT_NAME_AFTER.match(after):
        return False
    before = re.search(r"(\S+)\s+$", text[max(0, t.start - 40):t.start])
    if before is None:
        return False
    word = before.group(1)
    if word.lower() in _NAME_DETERMINERS or word.endswith(("'s", "’s")):
        return True
    # "Tokyo 2020 Olympic Games"; not "In 2021 President Putin" (a preposition, a sentence start)
    start_of_sentence = re.search(r"(?:^|[.!?:;]\s+)\S+\s+$", text[max(0, t.start - 42):t.start])
    return word[:1].isupper() and word.isalpha() and start_of_sentence is None


def part_of_period(value: str | None, mod: str, anchor: dt.date | None) -> tuple[str, str] | None:
    """The months (of a year) or days (of a month) a modified period means: 'early next year'
    (2023, START) -> 2023-01..2023-04; 'late March' -> 2022-03-21..2022-03-31; 'later this
    month' (2022-03, AFTER, anchor 2022-03-25) -> 2022-03-25..2022-03-31."""
    if not value:
        return None
    if re.fullmatch(r"\d{4}", value):
        thirds = {"START": ("01", "04"), "MID": ("05", "08"), "END": ("09", "12")}
        if mod in thirds:
            a, b = thirds[mod]
            return f"{value}-{a}", f"{value}-{b}"
        if anchor is not None and str(anchor.year) == value and mod in {"AFTER", "BEFORE"}:
            month = f"{value}-{anchor.month:02d}"
            return (month, f"{value}-12") if mod == "AFTER" else (f"{value}-01", month)
        return None
    m = re.fullmatch(r"(\d{4})-(\d{2})", value)
    if m is None:
        return None
    import calendar
    last = calendar.monthrange(int(m.group(1)), int(m.group(2)))[1]
    thirds = {"START": (1, 10), "MID": (11, 20), "END": (21, last)}
    if mod in thirds:
        a, b = thirds[mod]
    elif anchor is not None and anchor.strftime("%Y-%m") == value and mod in {"AFTER", "BEFORE"}:
        a, b = (anchor.day, last) if mod == "AFTER" else (1, anchor.day)
    else:
        return None
    return f"{value}-{a:02d}", f"{value}-{b:02d}"


def parse_anchor(anchor) -> dt.date | None:
    """'YYYY-MM-DD' (or a longer ISO timestamp, or a date) -> date; anything else -> None."""
    if anchor is None:
        return None
    if isinstance(anchor, dt.datetime):
        return anchor.date()
    if isinstance(anchor, dt.date):
        return anchor
    m = re.match(r"\s*(\d{4})-(\d\d)-(\d\d)", str(anchor))
    if not m:
        return None
    try:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def precision_of(value: str | None) -> str:
    p = cal.parse(value) if value else None
    if not p:
        return "none"
    return {"day": "day", "month": "month", "year": "year"}.get(p["grain"], "none")


class Tagger:
    """Rule-based TIMEX3 tagger and normaliser for one language."""

    def __init__(self, language: str = "en"):
        self.lex = load_lexicon(language)
        self.grammar = Grammar(self.lex)
        self.resolver = Resolver(self.lex)
        pattern = self.lex.patterns.get("part_of_date_before")
        self.part_before = (re.compile(expand(pattern, self.lex.patterns["macros"], self.lex.rx), re.I)
                            if pattern else None)

    # ------------------------------------------------------------------ api
    def tag(self, text: str, anchor=None, split_ranges: bool = False) -> list[Timex]:
        if not text:
            return []
        # no expression crosses a line break ("12:00\n\nOn June 25" is two): newlines become a
        # character no pattern's whitespace matches; offsets stay the same
        cands = self.grammar.candidates(text.replace("\n", "\x00"))
        ctx = self._context(text, parse_anchor(anchor), cands)
        out: list[Timex] = []
        bare_clocks: set[int] = set()
        for c in cands:
            ctx.span = (c.start, c.end)
            try:
                norm = self.resolver.resolve(c, ctx)
            except (ValueError, OverflowError, KeyError, TypeError, AttributeError) as exc:
                norm = Norm(value=None, error=f"could not normalise {c.m.group(0)!r}: {exc}")
            if norm is None:
                continue
            t = self._timex(text, c, norm, ctx.anchor or ctx.dateline)
            if t is None or year_in_name(text, t):
                continue
            self._part_of_day_before(text, t)
            self._update(ctx, t)
            if out and self._merge(text, out[-1], t):
                bare_clocks.discard(id(out[-1]))
                continue
            if c.rule in CLOCK_RULES:
                bare_clocks.add(id(t))
            if split_ranges and norm.parts:
                for s, e, v in norm.parts:
                    s, e = _trim(text, s, e)
                    out.append(Timex(start=s, end=e, text=text[s:e], type=t.type, value=v,
                                     precision=precision_of(v), basis=t.basis, error=t.error))
                continue
            out.append(t)
        self._clock_days(text, out, bare_clocks)
        return out

    @staticmethod
    def _clock_days(text: str, out: list[Timex], bare_clocks: set[int]) -> None:
        """A clock time in one phrase with the date it belongs to takes that date's day: the date
        after it ("6 p.m. and 11 p.m. on Jan. 9"), or a dated time before it in brackets
        ("10:00 Thursday (0800 GMT)", "26 September at 15:00")."""
        def dated(t: Timex) -> str | None:
            if id(t) in bare_clocks or t.begin or not t.value or t.type not in ("DATE", "TIME"):
                return None
            return t.value[:10] if re.match(r"\d{4}-\d\d-\d\d(?:$|T)", t.value) else None

        def clock(t: Timex) -> bool:
            return id(t) in bare_clocks and re.match(r"\d{4}-\d\d-\d\dT\d", t.value or "") is not None

        day = None
        for i in range(len(out) - 1, -1, -1):
            t = out[i]
            if i + 1 < len(out) and not CLOCK_CHAIN_GAP.fullmatch(text[t.end:out[i + 1].start]):
                day = None
            if clock(t):
                if day:
                    t.value = day + t.value[10:]
                    bare_clocks.discard(id(t))
            else:
                day = dated(t)
        for prev, t in zip(out, out[1:]):
            gap = text[prev.end:t.start]
            if clock(t) and re.search(r"\(|\bat\b", gap) and CLOCK_CHAIN_GAP.fullmatch(gap) and dated(prev):
                t.value = dated(prev) + t.value[10:]

    # -------------------------------------------------------------- context
    def _context(self, text: str, anchor: dt.date | None, cands: list[Candidate]) -> Context:
        years = []
        for c in cands:
            if c.rule in YEAR_RULES:
                g = c.g
                for s in ("", "1", "2"):
                    y = g.get("y" + s)
                    if y and (re.fullmatch(r"\d{4}", y) or g.get("era" + s)):
                        years.append(self.resolver.year(g, s))
                        break
        ctx = Context(text=text, anchor=anchor)
        if years:
            ctx.first_year = years[0]
        ctx.text_years = self._narrative(years, anchor)
        if ctx.text_years and self._deictic_density(cands, len(text)) < NARRATIVE_MAX_DEICTIC:
            ctx.narrative = True  # many other years and hardly a "today" or "last week": a history
        # a history (WikiWars-like) rather than news: many explicit years, nearly all far from the
        # anchor; then relative expressions too count from the text, not the anchor
        if len(years) >= 10:
            far = [y for y in years if anchor is None or abs(y - anchor.year) > 5]
            if len(far) / len(years) >= 0.85 and (anchor is None or abs(statistics.median(years) - anchor.year) > 5):
                ctx.narrative = True
        if anchor is None:
            ctx.dateline = self._dateline(text, cands)
        return ctx

    @staticmethod
    def _narrative(years: list[int], anchor: dt.date | None) -> bool:
        """A text that speaks of many other years: several explicit years, most of them neither the
        anchor's year nor the one before, centred away from it. Then a partial date shortly after
        a year takes that year (Context.partial_from_text)."""
        if len(years) < NARRATIVE_MIN_YEARS:
            return False
        if anchor is None:
            return len(set(years)) >= 3
        near = sum(1 for y in years if anchor.year - 1 <= y <= anchor.year)
        return (1 - near / len(years) >= NARRATIVE_FAR_SHARE and len(set(years)) >= 3
                and abs(statistics.median(years) - anchor.year) > 1)

    def _deictic_density(self, cands: list[Candidate], n_chars: int) -> float:
        """Deictic expressions (today, Friday, last week) per 10,000 characters: news is full of them."""
        rel_mods = self.lex.relative_mods
        n = 0
        for c in cands:
            if c.rule == "deictic_day":
                n += 1
            elif c.rule in ("weekday", "rel_unit"):
                rel = (c.g.get("rel") or "").lower()
                if not rel or rel_mods.get(" ".join(rel.split()), (0, ""))[1] == "deictic":
                    n += 1
        return 10000 * n / max(n_chars, 1)

    def _dateline(self, text: str, cands: list[Candidate]) -> dt.date | None:
        """'KABUL, Afghanistan (Nov. 20, 2011)' or 'NEW YORK, 14 March 2022 —' near the top."""
        for c in cands:
            if c.start > 600:
                break
            if c.rule not in ("date_mdy", "date_dmy", "iso_date") or not c.g.get("y"):
                continue
            line_start = text.rfind("\n", 0, c.start) + 1
            prefix = text[line_start:c.start]
            after = text[c.end:c.end + 6]
            if DATELINE_PREFIX.search(prefix) or (not prefix.strip() and re.match(r"\s*\)?\s*(?:[—–-]|\n|$)", after)):
                norm = self.resolver.resolve(c, Context(text=text))
                if norm and norm.value:
                    return cal.to_date(norm.value)
        return None

    @staticmethod
    def _update(ctx: Context, t: Timex) -> None:
        if t.type not in ("DATE", "TIME") or not t.value:
            return
        # the part of a period a mod picks ("earlier this month") is no day later text refers to
        begin = (t.begin if not t.mod else None) or t.value
        finish = (t.finish if not t.mod else None) or t.value
        p = cal.parse(begin)
        if not p:
            return
        if p["grain"] == "day":
            ctx.last_day = begin[:10] if not begin.startswith("BC") else begin
            ctx.last_day_begin = ctx.last_day
            pf = cal.parse(finish)
            ctx.last_day_finish = finish[:10] if pf and pf["grain"] == "day" else ctx.last_day
            ctx.last_day_at = t.end
            ctx.last_complete_year = p["y"]
        if p["grain"] == "quarter" and t.basis == "text" or (t.text.lower().find("quarter") >= 0
                                                             and p["grain"] == "quarter" and "ago" not in t.text.lower()
                                                             and "earlier" not in t.text.lower()):
            ctx.last_quarter = begin
        if p["grain"] != "year":
            ctx.last_dated_year = p["y"]
        ctx.last_value = re.sub(r"T.*$", "", finish if t.finish else begin)
        ctx.last_year = (cal.parse(ctx.last_value) or p)["y"]
        if t.basis == "text":
            ctx.last_year_at = t.end

    # ---------------------------------------------------------------- timex
    def _timex(self, text: str, c: Candidate, norm: Norm, anchor: dt.date | None = None) -> Timex | None:
        start, end = c.start, norm.end if norm.end is not None else c.end
        start, end = _trim(text, start, end)
        if end <= start:
            return None
        value = norm.value
        ttype = norm.type
        if ttype == "DATE" and value and re.search(r"T(?:\d|MO|AF|EV|NI|MI|DT)", value):
            ttype = "TIME"
        basis = norm.basis
        if norm.error:
            basis = "none"
        begin, finish, mod = norm.begin, norm.finish, norm.mod or None
        if mod and ttype == "DATE" and not begin:
            part = part_of_period(value, mod, anchor)
            if part is None:
                mod = None if mod in {"AFTER", "BEFORE"} else mod
            else:
                begin, finish = part
        return Timex(start=start, end=end, text=text[start:end], type=ttype, value=value,
                     begin=begin, finish=finish, precision=precision_of(begin or value),
                     basis=basis, error=norm.error, mod=mod)

    def _part_of_day_before(self, text: str, t: Timex) -> None:
        """'the night of 24 February', 'early in the morning of 12 March 1994': one TIME."""
        if self.part_before is None or t.type != "DATE" or precision_of(t.value) != "day" or t.begin:
            return
        m = self.part_before.search(text, max(0, t.start - 50), t.start)
        if not m or "\n" in m.group(0):
            return
        part = self.lex.parts_of_day.get(m.group("part").lower(), "")
        t.value = t.value[:10] + (part if part.startswith("T") else "T" + part)
        t.type = "TIME"
        t.start = m.start()
        t.text = text[t.start:t.end]

    @staticmethod
    def _merge(text: str, prev: Timex, cur: Timex) -> bool:
        """'9 a.m. Tuesday', '5 p.m. EST, Nov. 9' become one TIME."""
        gap = text[prev.end:cur.start]
        if "\n" in gap:
            return False
        clock, date = None, None
        # a preposition between them keeps two expressions, as TimeML has it ("6 p.m. on Jan. 9",
        # "26 September at 15:00"); _clock_days gives the clock its day
        if prev.type == "TIME" and re.search(r"T\d", prev.value or "") and cur.type == "DATE" \
                and re.fullmatch(r"\.?[ \t]*,?[ \t]*", gap):
            clock, date = prev, cur
        if not clock or precision_of(date.value) != "day" or date.begin:
            return False
        prev.value = date.value[:10] + clock.value[clock.value.index("T"):]
        prev.type = "TIME"
        prev.end = cur.end
        prev.text = text[prev.start:prev.end]
        prev.precision = "day"
        prev.basis = "text" if date.basis == "text" else date.basis
        return True


def _trim(text: str, s: int, e: int) -> tuple[int, int]:
    """Drop surrounding blanks and a sentence-final dot after 'a.m.'-style abbreviations."""
    while s < e and text[s] in " \t\r\n,":
        s += 1
    while e > s and text[e - 1] in " \t\r\n,":
        e -= 1
    if e > s + 3 and text[e - 2] in "'’" and text[e - 1] in "sS" and text[e - 3].isalpha():
        e -= 2  # "today's", "Friday's": the expression is the noun, not its possessive
    if e > s + 2 and text[e - 1] == "." and re.match(r"\s*(?:$|\n|[A-Z\"“])", text[e:e + 3]) \
            and re.search(r"[ap]\.\s?m\.$", text[s:e], re.I):
        e -= 1
    return s, e
