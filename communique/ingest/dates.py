"""Publication dates of plain texts: a header line ("Published: 2022-03-03") or a dateline
("KABUL, Afghanistan (Nov. 20, 2011)", "NEW YORK, 14 March 2022 —", "Moscow, March 3, 2022").

Every date is checked against the calendar: "31 September 2019" gives None, not a guess.
"""
from __future__ import annotations

import datetime as _dt
import re

MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4,
    "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8,
    "september": 9, "sept": 9, "sep": 9, "october": 10, "oct": 10, "november": 11, "nov": 11,
    "december": 12, "dec": 12,
}
_MONTH = r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|" \
         r"Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
_DAY = r"(?:[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?:1[89]\d\d|20\d\d)"
DATE_TEXT = (
    rf"(?:{_YEAR}-\d{{1,2}}-\d{{1,2}}"                       # 2022-03-14
    rf"|{_YEAR}/\d{{1,2}}/\d{{1,2}}"                          # 2022/03/14
    rf"|\d{{1,2}}\.\d{{1,2}}\.{_YEAR}"                        # 14.03.2022 (day first)
    rf"|{_DAY}\s+{_MONTH},?\s+{_YEAR}"                        # 14 March 2022
    rf"|{_MONTH}\s+{_DAY},?\s+{_YEAR})"                       # March 14, 2022 / Nov. 20, 2011
)
_DATE = re.compile(DATE_TEXT, re.IGNORECASE)
_WEEKDAY = r"(?:(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day,?\s+)?"
# a place (one to four capitalised words, optionally ", Country") then the date
_PLACE = r"[A-Z][\w.'’\-]*(?:[ \-][A-Z][\w.'’\-]*){0,3}(?:,\s*[A-Z][\w.'’\-]*(?:\s[A-Z][\w.'’\-]*){0,2})?"
DATELINE = re.compile(
    rf"^\s*(?P<place>{_PLACE})\s*(?:,|\(|–|—|-)\s*\(?\s*{_WEEKDAY}(?P<date>{DATE_TEXT})\s*\)?"
    rf"\s*(?:[,:.]|–|—|-|$)", re.IGNORECASE)
# a dateline that leaves the year out: "KABUL, Afghanistan (Sept. 7) -"
DATELINE_NO_YEAR = re.compile(
    rf"^\s*(?P<place>{_PLACE})\s*(?:,|–|—|-)?\s*\(\s*{_WEEKDAY}(?P<mon>{_MONTH})\s+"
    rf"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?\s*\)", re.IGNORECASE)
# a release number that carries its year and month: "2010-09-CA-077", "2011-08-S-072"
RELEASE_NO = re.compile(r"\b((?:19|20)\d\d)-([01]\d)-[A-Z]{1,4}[-–]\d{2,4}\b")
_HEADER = re.compile(
    rf"^\s*(?:published|publication date|date of publication|posted|posted on|release date|"
    rf"released|date|dated|issued)\s*(?:on|at)?\s*[:\-–—]?\s*{_WEEKDAY}(?P<date>{DATE_TEXT})",
    re.IGNORECASE)
# a line that is only a date (and maybe a time): "March 3, 2022 17:30", "3 March 2022"
_DATE_LINE = re.compile(rf"^\s*{_WEEKDAY}(?P<date>{DATE_TEXT})(?:,?\s+\d{{1,2}}:\d\d(?::\d\d)?"
                        rf"(?:\s*[ap]\.?m\.?)?(?:\s*[A-Z]{{2,4}})?)?\s*$", re.IGNORECASE)
_ISO_PREFIX = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})(?:[T ].*)?$")


def parse_date(text: str) -> str | None:
    """The ISO date (YYYY-MM-DD) that `text` states, or None when it states none or an
    impossible one."""
    if not text:
        return None
    m = _ISO_PREFIX.match(text)
    if m:
        return _iso(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    m = _DATE.search(text)
    if not m:
        return None
    s = m.group(0)
    nums = [int(x) for x in re.findall(r"\d+", s)]
    if re.match(rf"^{_YEAR}[-/]", s):
        return _iso(nums[0], nums[1], nums[2])
    if re.match(r"^\d{1,2}\.\d{1,2}\.", s):
        return _iso(nums[2], nums[1], nums[0])
    month_word = re.search(r"[A-Za-z]+", re.sub(r"(?<=\d)(?:st|nd|rd|th)\b", "", s))
    if not month_word:
        return None
    month = MONTHS.get(month_word.group(0).lower().rstrip("."))
    if month is None:
        return None
    day, year = nums[0], nums[-1]
    return _iso(year, month, day)


def _iso(year: int, month: int, day: int) -> str | None:
    try:
        return _dt.date(year, month, day).isoformat()
    except ValueError:
        return None


def detect_published(text: str, *, max_lines: int = 12) -> str | None:
    """The publication date a plain text states in its first lines: a "Published:" / "Date:"
    header, a dateline, or a line that is only a date. None when unsure."""
    seen = 0
    yearless = None
    for line in text.splitlines():
        if not line.strip():
            continue
        seen += 1
        if seen > max_lines:
            break
        for rx in (_HEADER, DATELINE, _DATE_LINE):
            m = rx.match(line)
            if m:
                found = parse_date(m.group("date"))
                if found:
                    return found
        if yearless is None:
            yearless = DATELINE_NO_YEAR.match(line)
    if yearless is not None:
        return _with_release_year(yearless, text)
    return None


def _with_release_year(m: re.Match, text: str) -> str | None:
    """'KABUL, Afghanistan (Sept. 7) -' under release number 2010-09-CA-077: the year that puts
    the day nearest the release's month."""
    release = RELEASE_NO.search(text[:m.start() + 400])
    month = MONTHS.get(m.group("mon").lower().rstrip("."))
    if release is None or month is None:
        return None
    year, rel_month = int(release.group(1)), int(release.group(2))
    best = min((year - 1, year, year + 1), key=lambda y: abs(y * 12 + month - (year * 12 + rel_month)))
    return _iso(best, month, int(m.group("day")))


def normalize_published(value: object) -> str | None:
    """A metadata date (ISO date or datetime, "March 3, 2022", ...) as YYYY-MM-DD, or None."""
    if value is None:
        return None
    if isinstance(value, (_dt.date, _dt.datetime)):
        return value.strftime("%Y-%m-%d")
    text = str(value).strip()
    if not text or text.lower() in {"na", "n/a", "none", "null", "nan"}:
        return None
    return parse_date(text)
