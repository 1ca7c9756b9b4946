"""Rules for relative, deictic and anaphoric expressions, calendar parts, durations, sets and clock
times. A mixin of the Resolver (resolver.py), which supplies year(), infer_year(), tense(), pos_mod().
"""
from __future__ import annotations

import datetime as dt
import re

from . import calendar as cal
from .context import Context, Norm
from .lexicon import key

SEASON_START = {"SP": 3, "SU": 6, "FA": 9, "WI": 12}
CLOCK_DAY_REACH = 200  # characters back to the day a bare clock time belongs to

UNDERSPECIFIED = {"day": "XXXX-XX-XX", "week": "XXXX-WXX", "month": "XXXX-XX", "year": "XXXX",
                  "quarter": "XXXX-QX", "half": "XXXX-HX"}


class RelativeRules:
    # ------------------------------------------------------------ references
    def ref_value(self, ctx: Context, kind: str, grain: str, off: int = 0) -> tuple[str | None, str]:
        """The value a relative expression counts from: the previous mention (anaphoric, or any
        expression in a narrative), else the anchor."""
        if kind == "anaphoric" or ctx.narrative:
            if grain in ("day", "hour"):
                if off > 0 and ctx.last_day_finish:
                    return ctx.last_day_finish, "anchor"
                if off < 0 and ctx.last_day_begin:
                    return ctx.last_day_begin, "anchor"
                if ctx.last_day:
                    return ctx.last_day, "anchor"
            if ctx.last_value:
                return ctx.last_value, "anchor"
        ref, basis = ctx.deictic_ref()
        return (ref.isoformat() if ref else None), basis

    def shifted_value(self, ref: str | None, unit: str, n: int, grain: str) -> str | None:
        if ref is None:
            return UNDERSPECIFIED.get(grain)
        p = cal.parse(ref)
        if p is None:
            return UNDERSPECIFIED.get(grain)
        if cal.GRAIN_ORDER.get(p["grain"], 5) > cal.GRAIN_ORDER.get(grain, 0):
            if grain in ("day", "week", "month") and p["grain"] in ("year", "month", "quarter", "season", "half"):
                if n == 0 or unit in ("D", "W"):
                    return ref  # "that day" after "in 1940": only the year is known
            grain = p["grain"] if p["grain"] != "season" else "year"
        if grain in ("decade", "century"):
            d = cal.to_date(ref)
            if d is None:
                return None
            step = 10 if grain == "decade" else 100
            y = d.year + n * step
            return f"{y // 10:03d}" if grain == "decade" else f"{y // 100:02d}"
        return cal.shift(ref, unit, n, grain)

    # ------------------------------------------------------------ calendar parts
    def _part_year(self, g, ctx: Context, first_month: int, months: int) -> tuple[int | None, str]:
        y = self.year(g) if g.get("y") else (self.year(g, "q") if g.get("yq") else None)
        if y is not None:
            return y, "text"
        if g.get("y0"):
            return int(g["y0"]), "text"
        y = self.ofrel_year(g, ctx)
        if y is not None:
            return y, "anchor"
        rel = key(g.get("yrel") or "")
        ref, basis = ctx.deictic_ref()
        if rel and ref:
            return ref.year + {"this": 0, "last": -1, "next": 1}[rel], basis
        if ctx.anchor and not ctx.partial_from_text():
            # "the fourth quarter" in a January report is the one just ended
            return cal.closest_period_year(ctx.anchor, first_month, months,
                                           future_ok=self.tense(ctx, *ctx.span) > 0), "anchor"
        if ctx.anchor and not ctx.narrative and self.tense(ctx, *ctx.span) > 0:
            # news that speaks of other years still plans ahead from its own date
            return cal.closest_period_year(ctx.anchor, first_month, months, future_ok=True), "anchor"
        y = ctx.context_year()
        return (y, "anchor") if y is not None else ((ref.year, basis) if ref else (None, "none"))

    def r_quarter(self, c, g, ctx):
        q = self.lex.quarter_ordinals.get(key(g["qo"]))
        if not q or c.m.group(0).lower().rstrip().endswith("quarters"):
            return None
        y, basis = self._part_year(g, ctx, 3 * q - 2, 3)
        return Norm(value=f"{y:04d}-Q{q}" if y else f"XXXX-Q{q}", basis=basis)

    def r_quarter_months(self, c, g, ctx):
        """'the April-June quarter', 'the January-March period': a calendar quarter."""
        m1 = self.lex.month(g["mon1"])  # the grammar has checked that the months make a quarter
        q = (m1 + 2) // 3
        y, basis = self._part_year(g, ctx, m1, 3)
        return Norm(value=f"{y:04d}-Q{q}" if y else f"XXXX-Q{q}", basis=basis)

    def r_half(self, c, g, ctx):
        h = self.lex.half_ordinals.get(key(g["ho"]))
        if not h:
            return None
        y, basis = self._part_year(g, ctx, 6 * h - 5, 6)
        return Norm(value=f"{y:04d}-H{h}" if y else f"XXXX-H{h}", basis=basis)

    def r_season(self, c, g, ctx):
        s = self.lex.seasons[key(g["season"])]
        y = self.year(g) if g.get("y") else self.year(g, "q")
        basis = "text"
        if y is None:
            y = self.ofrel_year(g, ctx)
            basis = "anchor"
            rel = key(g.get("rel") or "")
            if y is None and rel and rel != "the":
                off, kind = self.lex.relative_mods.get(rel, (0, "deictic"))
                ref, _ = self.ref_value(ctx, kind, "year")
                d = cal.to_date(ref) if ref else None
                if d:
                    start = SEASON_START[s]
                    if off < 0:
                        y = d.year if start + 3 <= d.month else d.year - 1
                    elif off > 0:
                        y = d.year if start > d.month else d.year + 1
                    else:
                        y = d.year
            if y is None:
                y, basis = self._part_year({}, ctx, SEASON_START[s], 3)
        return Norm(value=f"{cal.fmt_year(y)}-{s}" if y is not None else f"XXXX-{s}", basis=basis,
                    mod=self.pos_mod(g))

    def r_holiday(self, c, g, ctx):
        code = self.lex.holidays[key(g["hol"])]
        y = self.year(g)
        basis = "text"
        if y is None:
            ref, basis = ctx.deictic_ref()
            rel = key(g.get("rel") or "")
            if not rel and ctx.anchor and not ctx.partial_from_text():
                # "Thanksgiving Day" in a January story: the nearest one, the past one unless the
                # sentence speaks of the future
                future = self.tense(ctx, c.start, c.end) > 0
                best = None
                for yy in (ctx.anchor.year - 1, ctx.anchor.year, ctx.anchor.year + 1):
                    d = cal.to_date(cal.holiday(code, yy))
                    if d is None:
                        continue
                    gap = abs((d - ctx.anchor).days) * (2.5 if d > ctx.anchor and not future else 1)
                    if best is None or gap < best[0]:
                        best = (gap, yy)
                if best:
                    return Norm(value=cal.holiday(code, best[1]), basis="anchor")
            y = (ref.year + {"last": -1, "next": 1}.get(rel, 0)) if ref else ctx.context_year()
        value = cal.holiday(code, y) if y is not None else None
        return Norm(value=value or "XXXX-XX-XX", basis=basis)

    # ------------------------------------------------------------ days
    def r_deictic_day(self, c, g, ctx):
        deic = key(g["deic"]).replace("'s", "")
        off = self.lex.deictic_days.get(deic, self.lex.deictic_days.get(key(g["deic"]), 0))
        own_part = None
        if isinstance(off, list):  # "tonight": [0, "NI"], a day with its part
            off, own_part = off
        if ctx.narrative and off == 0 and not g.get("part") and deic == "today":
            return Norm(value="PRESENT_REF")
        ref, basis = ctx.deictic_ref()
        if ref is None:
            return Norm(value="XXXX-XX-XX", basis="none")
        d = ref + dt.timedelta(days=off)
        part = self.lex.parts_of_day.get(key(g.get("part") or "")) or own_part
        if part:
            return Norm(type="TIME", value=d.isoformat() + ("T" + part if not part.startswith("T") else part), basis=basis)
        return Norm(value=d.isoformat(), basis=basis, mod=self.pos_mod(g))

    def r_day_part(self, c, g, ctx):
        dpm = key(g["dpm"])
        spec = self.lex.day_parts_deictic.get(dpm)
        part = self.lex.parts_of_day.get(key(g["part"]))
        if spec is None or part is None:
            return None
        if isinstance(spec, str):
            off = 1 if spec.endswith("+1") else (-1 if spec.endswith("-1") else 0)
            ref, basis = self.ref_value(ctx, "anaphoric", "day", off)
            d = cal.to_date(ref) if ref else None
        else:
            off = spec
            d, basis = ctx.deictic_ref()
        if d is None:
            return Norm(type="TIME", value=f"XXXX-XX-XXT{part}", basis="none")
        d = d + dt.timedelta(days=off)
        return Norm(type="TIME", value=d.isoformat() + ("T" + part if not part.startswith("T") else part), basis=basis)

    def r_weekday(self, c, g, ctx):
        wd = self.lex.weekday(g["wd"])
        if not wd:
            return None
        rel = key(g.get("rel") or "")
        off, kind = self.lex.relative_mods.get(rel, (None, "deictic"))
        if ctx.narrative or kind == "anaphoric":
            ref, basis = self.ref_value(ctx, "anaphoric", "day", 1)
            d = cal.to_date(ref) if ref and cal.parse(ref)["grain"] == "day" else None
            direction = -2 if off is not None and off < 0 else 1
        else:
            d, basis = ctx.deictic_ref()
            before = ctx.text[max(0, c.start - 12):c.start].lower().split()
            if off is None and ctx.text[c.end:c.end + 2] in ("'s", "’s"):
                # "around Wednesday's ruling": a noun dated by the weekday names what has happened;
                # the verbs of the sentence speak of something else
                direction = -1
            elif off is None and before and before[-1] in self.lex.weekday_ahead_words \
                    and self.tense_cue(ctx, c.start, c.end) > -2:
                direction = 1  # "a meeting for Monday", "effective Thursday": set ahead
            elif off is None or off == 0 and rel not in ("this",):
                direction = self.tense(ctx, c.start, c.end)
            else:
                direction = {1: 1, -1: -2}.get(off, 0)
        if d is None:
            value = f"XXXX-WXX-{wd}"
            basis = "none"
        elif basis == "anchor" and not ctx.narrative and off is None and wd == d.isoweekday():
            # news names the publication day by its weekday ("signed ... Friday" in a Friday story)
            value = d.isoformat()
        else:
            value = cal.weekday_near(d, wd, direction).isoformat()
        # "Friday night" is a TIME with its part of day, as the TimeML guidelines and TimeBank give
        # it (AQUAINT's annotators split on it)
        part = self.lex.parts_of_day.get(key(g.get("part") or ""))
        if part and basis != "none":
            return Norm(type="TIME", value=value + ("T" + part if not part.startswith("T") else part), basis=basis)
        return Norm(value=value, basis=basis, mod=self.pos_mod(g))

    def r_weekday_of_week(self, c, g, ctx):
        """'Friday next week', 'Monday last week': that weekday in the week named."""
        wd = self.lex.weekday(g["wd"])
        off, kind = self.lex.relative_mods.get(key(g["wrel"]), (None, ""))
        if not wd or off is None or kind != "deictic":
            return None
        d, basis = ctx.deictic_ref()
        if d is None:
            return None
        monday = d - dt.timedelta(days=d.isoweekday() - 1) + dt.timedelta(weeks=off)
        return Norm(value=(monday + dt.timedelta(days=wd - 1)).isoformat(), basis=basis)

    def r_weekday_set(self, c, g, ctx):
        return Norm(type="SET", value=f"XXXX-WXX-{self.lex.weekday(g['wdp'])}")

    def r_rel_unit(self, c, g, ctx):
        rel = key(g["rel"])
        off, kind = self.lex.relative_mods.get(rel, (0, "deictic"))
        unit = self.lex.unit(g["unit"])
        if unit in (None, "FN", "SEASON", "S", "TM", "H", "SM", "ML"):
            return None
        mod = self.pos_mod(g)
        if off == 0 and not mod:     # "later this month": the rest of the period, "earlier": its past
            mod = {"later": "AFTER", "earlier": "BEFORE"}.get(key(g.get("within") or ""))
        grain = {"D": "day", "W": "week", "WE": "week", "M": "month", "Y": "year", "Q": "quarter",
                 "DE": "decade", "CE": "century"}[unit]
        if unit == "WE":
            ref, basis = self.ref_value(ctx, kind, "day", off)
            d = cal.to_date(ref) if ref else None
            if d is None:
                return Norm(value="XXXX-WXX-WE", basis="none")
            if off == 0 and d.isoweekday() < 5 and self.tense(ctx, c.start, c.end) < 0:
                off = -1
            return Norm(value=cal.week(d + dt.timedelta(weeks=off)) + "-WE", basis=basis, mod=mod)
        ref, basis = self.ref_value(ctx, kind, grain, off)
        value = self.shifted_value(ref, unit if unit not in ("DE", "CE") else "Y", off, grain)
        return Norm(value=value, basis=basis, mod=mod)

    def r_unit_before(self, c, g, ctx):
        """'2,600 the year before', 'the week after': a step from the period the text has reached."""
        unit = self.lex.unit(g["unit"])
        off = self.lex.shift_words.get(key(g["ba"]), (None, None))[0]
        if unit not in ("Y", "M", "W") or not off:
            return None
        grain = {"Y": "year", "M": "month", "W": "week"}[unit]
        ref, basis = self.ref_value(ctx, "anaphoric", grain, off)
        return Norm(value=self.shifted_value(ref, unit, off, grain), basis=basis)

    def r_within_the(self, c, g, ctx):
        unit = self.lex.unit(g["unit"])
        grain = {"D": "day", "W": "week", "M": "month", "Y": "year"}.get(unit)
        if grain is None:
            return None
        ref, basis = self.ref_value(ctx, "anaphoric", grain)
        return Norm(value=self.shifted_value(ref, unit, 0, grain), basis=basis, mod=self.pos_mod(g))

    def r_the_period(self, c, g, ctx):
        """'for the year ended March 31' -> P1Y; 'for the year' -> the current year; 'over the
        weekend' -> the weekend before the anchor (after it when the sentence speaks of the future)."""
        unit = key(g["unit"])
        if g.get("ended"):
            return Norm(type="DURATION", value="P1Y" if unit == "year" else "P1WE", end=c.m.start("ended"))
        if unit == "year":
            ref, basis = self.ref_value(ctx, "deictic", "year")
            p = cal.parse(ref) if ref else None
            return Norm(value=cal.fmt_year(p["y"]), basis=basis) if p else Norm(value="XXXX", basis="none")
        d, basis = ctx.deictic_ref()
        if d is None or ctx.narrative:
            return None
        if self.tense(ctx, c.start, c.end) > 0:
            d = d + dt.timedelta(days=max(0, 6 - d.isoweekday()))
        else:
            d = d - dt.timedelta(days=d.isoweekday() % 7)
        return Norm(value=cal.week(d) + "-WE", basis=basis)

    def r_day_anaphora(self, c, g, ctx):
        off = self.lex.day_anaphora[key(g["ana"])]
        ref, basis = self.ref_value(ctx, "anaphoric", "day", off)
        return Norm(value=self.shifted_value(ref, "D", off, "day"), basis=basis)

    def r_shifted(self, c, g, ctx):
        unit = self.lex.unit(g["unit"])
        shift_word = key(g["shift"])
        direction, kind = self.lex.shift_words.get(shift_word, (0, "anaphoric"))
        n = self.lex.number(g["num"]) if g.get("num") else "X"
        if unit is None or n is None:
            return None
        following = ctx.text[c.end:c.end + 3]
        if shift_word in ("before", "after", "prior", "on", "since", "previously") and re.match(r"\s*\w", following):
            end = c.start + len(ctx.text[c.start:c.m.start("shift")].rstrip())
            return Norm(type="DURATION", value=cal.duration(n, unit), end=end)
        if n == "X":
            return Norm(value="PAST_REF" if direction < 0 else "FUTURE_REF")
        n = int(round(float(n)))
        if unit in ("H", "TM", "S"):
            ref, basis = self.ref_value(ctx, kind, "day")
            return Norm(value=ref[:10] if ref else "XXXX-XX-XX", basis=basis)
        grain = {"D": "day", "W": "week", "WE": "week", "FN": "day", "M": "month", "Q": "quarter", "Y": "year",
                 "DE": "year", "CE": "year"}.get(unit, "year")
        if unit == "FN":
            unit, n = "D", 14 * n
        ref, basis = self.ref_value(ctx, kind, grain, direction)
        if unit == "Y" and n == 1 and ctx.last_quarter and not ctx.narrative:
            return Norm(value=cal.shift(ctx.last_quarter, "Y", -1 if direction < 0 else 1), basis="anchor")
        return Norm(value=self.shifted_value(ref, unit, direction * n, grain), basis=basis)

    # ------------------------------------------------------------ durations
    def r_duration(self, c, g, ctx):
        unit = self.lex.unit(g["unit"])
        n = self.lex.number(g["num"])
        if unit is None or n is None or unit == "SEASON":
            return None
        if g.get("andhalf") and n != "X":
            n = float(n) + 0.5
        if unit == "S" and key(g["num"]) in ("a", "one") and re.match(r"\s+[a-z]", ctx.text[c.end:c.end + 3]):
            return None
        if g.get("approx") and key(g["approx"]) in ("some",) and n == "X":
            return None
        return Norm(type="DURATION", value=cal.duration(n, unit))

    def r_half_unit(self, c, g, ctx):
        unit = self.lex.unit(g["unit"])
        return Norm(type="DURATION", value=cal.duration(0.5, unit)) if unit else None

    def r_bare_units(self, c, g, ctx):
        dmod = key(g.get("dmod") or "")
        unit = self.lex.unit(g["unit"])
        if dmod == "recent" and unit in ("Y", "DE", "CE"):
            # "recent years" is a vague past, "recent weeks" and "the coming months" a vague
            # stretch: as TimeML annotators mostly give them (TimeBank, AQUAINT)
            return Norm(value="PAST_REF")
        return Norm(type="DURATION", value=cal.duration("X", unit)) if unit else None

    def r_year_end(self, c, g, ctx):
        code = self.lex.year_end_phrases[key(g["ye"])]
        y = self.year(g)
        if y is not None:
            return Norm(value=cal.fmt_year(y), mod="END")
        ref, basis = self.ref_value(ctx, "anaphoric" if ctx.narrative else "deictic", "year")
        d = cal.to_date(ref) if ref else None
        if d is None:
            return Norm(value="XXXX", basis="none", mod="END")
        return Norm(value=cal.month(d.year, d.month) if code == "ME" else cal.fmt_year(d.year), basis=basis, mod="END")

    def _latest_quarter(self, ctx: Context, current: bool) -> str | None:
        if ctx.last_quarter:
            return ctx.last_quarter
        ref, _ = ctx.deictic_ref()
        if ref is None:
            return None
        q = cal.quarter(ref)
        return q if current else cal.shift(q, "Q", -1)

    def r_year_ago(self, c, g, ctx):
        q = self._latest_quarter(ctx, False)
        return Norm(value=cal.shift(q, "Y", -1) if q else "XXXX-QX", basis="anchor")

    def r_latest_period(self, c, g, ctx):
        current = any(w in key(g["lp"]) for w in ("current", "this"))
        q = self._latest_quarter(ctx, current)
        return Norm(value=q or "XXXX-QX", basis="anchor")

    # ------------------------------------------------------------ clock times
    def _clock(self, ctx: Context, h: int, mi: int) -> Norm:
        # a bare clock time is on the day its sentence, or the line just before, names ("on 18
        # August ... at 05:30"), else in news on the day of publication, in a history on the day
        # the story has reached
        if ctx.last_day and (self._same_sentence(ctx, ctx.last_day_at, ctx.span[0])
                             or 0 <= ctx.span[0] - ctx.last_day_at <= CLOCK_DAY_REACH):
            day, basis = ctx.last_day, "anchor"
        elif ctx.anchor and not ctx.narrative:
            day, basis = ctx.anchor.isoformat(), "anchor"
        elif ctx.last_day:
            day, basis = ctx.last_day, "anchor"
        else:
            day, basis = "XXXX-XX-XX", "none"
        return Norm(type="TIME", value=f"{day}T{h:02d}:{mi:02d}", basis=basis)

    def r_time_ampm(self, c, g, ctx):
        h, mi = int(g["h"]), int(g.get("mi") or 0)
        ap = (g.get("ampm") or "").lower()
        if ap.startswith("p") and h < 12:
            h += 12
        elif ap.startswith("a") and h == 12:
            h = 0
        return self._clock(ctx, h, mi)

    def r_time_24(self, c, g, ctx):
        return self._clock(ctx, int(g["h"]), int(g["mi"]))

    def r_time_word(self, c, g, ctx):
        w = key(g["tw"])
        return self._clock(ctx, 24 if w == "midnight" else 12, 0)

    # ------------------------------------------------------------ sets and references
    def r_set_every(self, c, g, ctx):
        if g.get("wd"):
            return Norm(type="SET", value=f"XXXX-WXX-{self.lex.weekday(g['wd'])}")
        if g.get("mon"):
            m = self.lex.month(g["mon"])
            return Norm(type="SET", value=f"XXXX-{m:02d}") if m else None
        if g.get("season"):
            return Norm(type="SET", value=f"XXXX-{self.lex.seasons[key(g['season'])]}")
        unit = self.lex.unit(g["unit"])
        if unit is None or unit == "SEASON":
            return None
        n = self.lex.number(g["num"]) if g.get("num") else 1
        if key(g["q"]) == "every other":
            n = 2 * (n if isinstance(n, (int, float)) else 1)
        return Norm(type="SET", value=cal.duration(n, unit))

    def r_set_word(self, c, g, ctx):
        return Norm(type="SET", value=self.lex.sets[key(g["sw"])])

    def r_ref(self, c, g, ctx):
        # "recent weeks", "the coming months": a vague stretch (PXW), as TimeML annotators mostly
        # give them; "recent years", "the future": a vague point
        value = self.lex.refs[key(g["ref"])]
        return Norm(value=value, type="DURATION" if re.match(r"P[\dX]", value) else "DATE")
