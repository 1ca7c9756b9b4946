"""The running context of resolution (anchor, latest dates mentioned) and the Norm a rule yields."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from . import calendar as cal

PARTIAL_YEAR_REACH = 300  # characters
PART_CODES = {"MO", "AF", "EV", "NI", "MI", "DT"}


@dataclass
class Context:
    text: str
    anchor: dt.date | None = None
    narrative: bool = False              # a history: every expression counts from the text
    text_years: bool = False             # many other years: a partial date near one takes its year
    last_year_at: int | None = None      # where the latest year was mentioned
    first_year: int | None = None
    last_day: str | None = None          # latest day-precision value
    last_day_begin: str | None = None    # when that was a range: its first and last day
    last_day_finish: str | None = None
    last_day_at: int = -1                # where that expression ends
    last_value: str | None = None        # latest calendar value of any grain
    last_year: int | None = None
    last_complete_year: int | None = None  # year of the latest day-precision date
    last_dated_year: int | None = None     # year of the latest date finer than a year
    dateline: dt.date | None = None
    last_quarter: str | None = None      # latest quarter the text named ("the third quarter")
    span: tuple[int, int] = (0, 0)       # the expression being resolved

    def deictic_ref(self) -> tuple[dt.date | None, str]:
        """The date 'today' means: the anchor (news) or, in a narrative or without an anchor,
        the latest date the text mentioned, else the dateline."""
        if self.anchor and not self.narrative:
            return self.anchor, "anchor"
        if self.last_value:
            d = cal.to_date(self.last_value)
            if d:
                return d, "anchor"
        if self.anchor:
            return self.anchor, "anchor"
        if self.dateline:
            return self.dateline, "anchor"
        return None, "none"

    def partial_from_text(self) -> bool:
        """Does a partial date ("in April", "on 5 May") take its year from the text rather than from
        the anchor? In a narrative always; in news that speaks of many other years, when one was
        mentioned shortly before."""
        if self.narrative or self.anchor is None:
            return True
        return (self.text_years and self.last_year_at is not None
                and 0 <= self.span[0] - self.last_year_at <= PARTIAL_YEAR_REACH)

    def context_year(self) -> int | None:
        """Year for a partial date: any latest year in a narrative, else the latest complete
        (day-precision) date's year, else the first year the text gives anywhere."""
        if (self.narrative or self.text_years) and self.last_year is not None:
            return self.last_year
        if self.last_complete_year is not None:
            return self.last_complete_year
        return self.first_year if self.first_year is not None else self.last_year


@dataclass
class Norm:
    type: str = "DATE"
    value: str | None = None
    begin: str | None = None
    finish: str | None = None
    basis: str = "text"
    error: str | None = None
    mod: str | None = None
    end: int | None = None                       # shorter extent than the match, when set
    parts: list = field(default_factory=list)    # (start, end, value) of a range's two ends
