"""Calendar arithmetic on TIMEX3 values (2019-09-26, 2019-09, 2019, 2019-W39, 2019-Q3, 2019-H1, 2019-SU).

Pure functions, no state: parse a value into its granularity, shift it by n units, find the weekday
before or after a date, compute movable holidays. Years before the common era are written BC0490.
"""
from __future__ import annotations

import calendar
import datetime as dt
import re

_VALUE = re.compile(
    r"(?P<bc>BC)?(?P<y>\d{4})(?:-(?:(?P<m>\d\d)(?:-(?P<d>\d\d))?|W(?P<w>\d\d?)|Q(?P<q>[1-4])"
    r"|H(?P<h>[12])|(?P<s>SP|SU|FA|WI)))?(?:T.*)?$")

GRAIN_ORDER = {"day": 0, "week": 1, "month": 2, "season": 3, "quarter": 3, "half": 4, "year": 5}
UNIT_GRAIN = {"D": "day", "W": "week", "M": "month", "Q": "quarter", "Y": "year", "DE": "decade",
              "CE": "century", "H": "hour", "TM": "minute", "S": "second", "WE": "week", "FN": "week",
              "SM": "half", "ML": "millennium", "SEASON": "season"}


def fmt_year(y: int) -> str:
    """Year as a TIMEX value: 1939 -> '1939', -489 (490 BC) -> 'BC0490'."""
    if y <= 0:
        return f"BC{1 - y:04d}"
    return f"{y:04d}"


def parse_year_value(v: str) -> int:
    return 1 - int(v[2:]) if v.startswith("BC") else int(v)


def parse(value: str | None) -> dict | None:
    """A value's parts and granularity, or None when it is not a calendar value."""
    if not value:
        return None
    m = _VALUE.match(value)
    if not m:
        return None
    y = int(m.group("y"))
    if m.group("bc"):
        y = 1 - y
    out = {"y": y}
    if m.group("d"):
        out.update(m=int(m.group("m")), d=int(m.group("d")), grain="day")
    elif m.group("m"):
        out.update(m=int(m.group("m")), grain="month")
    elif m.group("w"):
        out.update(w=int(m.group("w")), grain="week")
    elif m.group("q"):
        out.update(q=int(m.group("q")), grain="quarter")
    elif m.group("h"):
        out.update(h=int(m.group("h")), grain="half")
    elif m.group("s"):
        out.update(s=m.group("s"), grain="season")
    else:
        out["grain"] = "year"
    return out


def to_date(value: str | None) -> dt.date | None:
    """The first day a value covers (a day value is itself)."""
    p = parse(value)
    if not p or p["y"] < 1:
        return None
    y = p["y"]
    try:
        if p["grain"] == "day":
            return dt.date(y, p["m"], p["d"])
        if p["grain"] == "month":
            return dt.date(y, p["m"], 1)
        if p["grain"] == "week":
            return dt.date.fromisocalendar(y, max(1, min(p["w"], 52)), 1)
        if p["grain"] == "quarter":
            return dt.date(y, 3 * p["q"] - 2, 1)
        if p["grain"] == "half":
            return dt.date(y, 6 * p["h"] - 5, 1)
        return dt.date(y, 1, 1)
    except ValueError:
        return None


def day(d: dt.date) -> str:
    return d.isoformat()


def month(y: int, m: int) -> str:
    return f"{fmt_year(y)}-{m:02d}"


def week(d: dt.date) -> str:
    y, w, _ = d.isocalendar()
    return f"{y:04d}-W{w:02d}"


def quarter(d: dt.date) -> str:
    return f"{d.year:04d}-Q{(d.month - 1) // 3 + 1}"


def valid_day(y: int, m: int, d: int) -> bool:
    if not (1 <= m <= 12 and d >= 1):
        return False
    yy = y if y >= 1 else 4  # leap rule for BC years does not matter here
    return d <= calendar.monthrange(yy, m)[1]


def add_months(y: int, m: int, n: int) -> tuple[int, int]:
    k = y * 12 + (m - 1) + n
    return k // 12, k % 12 + 1


def shift_date(d: dt.date, unit: str, n: int) -> dt.date:
    if unit == "D":
        return d + dt.timedelta(days=n)
    if unit in ("W", "WE"):
        return d + dt.timedelta(weeks=n)
    if unit == "FN":
        return d + dt.timedelta(weeks=2 * n)
    months = {"M": 1, "Q": 3, "Y": 12, "SM": 6, "DE": 120, "CE": 1200}.get(unit)
    if months is None:
        return d
    y, m = add_months(d.year, d.month, n * months)
    return dt.date(y, m, min(d.day, calendar.monthrange(y, m)[1]))


def shift(value: str, unit: str, n: int, grain: str | None = None) -> str | None:
    """Shift a value by n units and give the result at `grain` (default: the coarser of the value's
    own grain and the unit's), e.g. shift('1989-Q3','Y',-1) -> '1988-Q3', shift('1939-09-01','D',2)
    -> '1939-09-03', shift('1916-01-06','M',15) -> '1917-04'."""
    p = parse(value)
    if not p:
        return None
    ugrain = UNIT_GRAIN.get(unit, "year")
    if grain is None:
        if ugrain in ("decade", "century"):
            grain = "year"
        elif p["grain"] in ("quarter", "half", "season") and ugrain == "year":
            grain = p["grain"]
        elif ugrain in GRAIN_ORDER and GRAIN_ORDER[p["grain"]] > GRAIN_ORDER[ugrain]:
            grain = p["grain"] if p["grain"] != "season" else "year"
        else:
            grain = ugrain if ugrain in GRAIN_ORDER else "day"
    if p["y"] < 1:  # BC: only year arithmetic makes sense
        step = {"Y": 1, "DE": 10, "CE": 100}.get(unit)
        return fmt_year(p["y"] + n * step) if step else None
    if p["grain"] == "season" and unit == "Y" and grain in ("season", "year"):
        return f"{p['y'] + n:04d}-{p['s']}"
    if p["grain"] == "quarter" and unit in ("Q", "Y") and grain == "quarter":
        k = p["y"] * 4 + p["q"] - 1 + n * (4 if unit == "Y" else 1)
        return f"{k // 4:04d}-Q{k % 4 + 1}"
    if p["grain"] == "half" and unit in ("SM", "Y") and grain == "half":
        k = p["y"] * 2 + p["h"] - 1 + n * (2 if unit == "Y" else 1)
        return f"{k // 2:04d}-H{k % 2 + 1}"
    base = to_date(value)
    if base is None:
        return None
    if p["grain"] == "year" and unit in ("Y", "DE", "CE"):
        return fmt_year(p["y"] + n * {"Y": 1, "DE": 10, "CE": 100}[unit])
    if p["grain"] == "month" and unit in ("M", "Y", "Q"):
        y, m = add_months(p["y"], p["m"], n * {"M": 1, "Q": 3, "Y": 12}[unit])
        return month(y, m) if grain in ("month", "day", "week") else render(dt.date(y, m, 1), grain)
    return render(shift_date(base, unit, n), grain)


def render(d: dt.date, grain: str) -> str:
    if grain == "day":
        return day(d)
    if grain == "week":
        return week(d)
    if grain == "month":
        return month(d.year, d.month)
    if grain == "quarter":
        return quarter(d)
    if grain == "half":
        return f"{d.year:04d}-H{1 if d.month <= 6 else 2}"
    if grain == "decade":
        return f"{d.year // 10:03d}"
    if grain == "century":
        return f"{d.year // 100:02d}"
    return fmt_year(d.year)


def weekday_near(ref: dt.date, weekday: int, direction: int) -> dt.date:
    """The given ISO weekday (1=Monday) relative to ref: direction -1 = on or before ref,
    +1 = strictly after ref, -2 = strictly before, 0 = in ref's week."""
    diff = weekday - ref.isoweekday()
    if direction == 0:
        return ref + dt.timedelta(days=diff)
    if direction > 0:
        return ref + dt.timedelta(days=diff if diff > 0 else diff + 7)
    if direction == -2:
        return ref + dt.timedelta(days=diff if diff < 0 else diff - 7)
    return ref + dt.timedelta(days=diff if diff <= 0 else diff - 7)


def nth_weekday(y: int, m: int, weekday: int, n: int) -> dt.date:
    """n-th ISO weekday of a month; n=-1 is the last one."""
    if n > 0:
        first = dt.date(y, m, 1)
        return first + dt.timedelta(days=(weekday - first.isoweekday()) % 7 + 7 * (n - 1))
    last = dt.date(y, m, calendar.monthrange(y, m)[1])
    return last - dt.timedelta(days=(last.isoweekday() - weekday) % 7)


def easter(y: int) -> dt.date:
    a, b, c = y % 19, y // 100, y % 100
    d, e = b // 4, b % 4
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    l_ = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * l_) // 451
    mo = (h + l_ - 7 * m + 114) // 31
    da = (h + l_ - 7 * m + 114) % 31 + 1
    return dt.date(y, mo, da)


def holiday(code: str, y: int) -> str | None:
    """Value of a holiday code from the phrases file (MM-DD or a named movable feast) in year y."""
    if y < 1:
        return None
    if re.fullmatch(r"\d\d-\d\d", code):
        return f"{y:04d}-{code}"
    if code == "THANKSGIVING":
        return day(nth_weekday(y, 11, 4, 4))
    if code == "LABORDAY":
        return day(nth_weekday(y, 9, 1, 1))
    if code == "MEMORIALDAY":
        return day(nth_weekday(y, 5, 1, -1))
    if code == "ELECTIONDAY":
        return day(nth_weekday(y, 11, 1, 1) + dt.timedelta(days=1))
    if code.startswith("EASTER"):
        e = easter(y)
        if code == "EASTERWEEK":
            return week(e)
        off = int(code[6:] or 0)
        return day(e + dt.timedelta(days=off))
    return None


def closest_year(anchor: dt.date, m: int, d: int | None = None, future_ok: bool = False) -> int:
    """The year that puts month m (day d) nearest to the anchor date; news mostly reports the past,
    so a future date counts as 2.5 times farther, and a past one when the sentence speaks of the future."""
    best, best_gap = anchor.year, None
    for y in (anchor.year - 1, anchor.year, anchor.year + 1):
        try:
            cand = dt.date(y, m, d or 15)
        except ValueError:
            cand = dt.date(y, m, 28)
        gap = abs((cand - anchor).days)
        if (cand > anchor) != future_ok and cand != anchor:
            gap *= 2.5
        if best_gap is None or gap < best_gap:
            best, best_gap = y, gap
    return best


def closest_period_year(anchor: dt.date, first_month: int, months: int, future_ok: bool = False) -> int:
    """The year whose period (`months` months from first_month: a quarter, a half, a season) lies
    nearest the anchor, measured to its nearer edge: "the first half" in July is the one just
    ended. As in closest_year, the direction the sentence does not point to counts more: 4 times,
    as a distance to an edge is shorter than one to a middle (TBAQ and the fixtures agree on 4)."""
    best, best_gap = anchor.year, None
    for y in (anchor.year - 1, anchor.year, anchor.year + 1):
        start = dt.date(y, first_month, 1)
        ey, em = add_months(y, first_month, months)
        end = dt.date(ey, em, 1) - dt.timedelta(days=1)
        if start <= anchor <= end:
            return y
        future = start > anchor
        gap = (start - anchor).days if future else (anchor - end).days
        if future != future_ok:
            gap *= 4
        if best_gap is None or gap < best_gap:
            best, best_gap = y, gap
    return best


def duration(n, unit: str) -> str:
    """ISO 8601 duration: duration(3,'D') -> 'P3D', duration(2,'H') -> 'PT2H', duration('X','Y') -> 'PXY'."""
    if n == "X" or n is None:
        num = "X"
    else:
        f = float(n)
        if unit in ("DE", "CE", "ML"):
            f *= {"DE": 10, "CE": 100, "ML": 1000}[unit]
            unit = "Y"
        if f != int(f):
            half = {"Y": (12, "M"), "M": (None, None), "D": (24, "H"), "H": (60, "TM"), "TM": (60, "S"), "W": (None, None)}
            mult, sub = half.get(unit, (None, None))
            if mult and f - int(f) == 0.5:
                main = f"{int(f)}{'M' if unit == 'TM' else unit}" if int(f) else ""
                tail = f"{int(mult * 0.5)}{'M' if sub == 'TM' else sub}"
                timey = unit in ("H", "TM") or sub in ("H", "TM")
                if unit in ("H", "TM"):
                    return f"PT{main}{tail}"
                if timey:
                    return f"P{main}T{tail}"
                return f"P{main}{tail}"
            num = f"{f:g}"
        else:
            num = str(int(f))
    if unit == "DE":
        return f"P{num}DE" if num == "X" else f"P{num}0Y"
    if unit == "CE":
        return f"P{num}CE"
    if unit == "ML":
        return f"P{num}ML"
    if unit == "FN":
        return f"P{num}W" if num == "X" else f"P{int(float(num) * 2)}W"
    if unit == "WE":
        return f"P{num}WE"
    if unit in ("H", "S"):
        return f"PT{num}{unit}"
    if unit == "TM":
        return f"PT{num}M"
    if unit == "SM":
        return f"P{num}M" if num == "X" else f"P{int(float(num) * 6)}M"
    return f"P{num}{unit}"
