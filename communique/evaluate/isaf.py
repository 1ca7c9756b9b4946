"""Score incident dates on the ISAF press releases (expert `start_date` per release).

A release opens with its number and a dateline ("2012-05-S-031 ... KABUL, Afghanistan (May 14,
2012)") and then says when the incident happened ("yesterday", "Tuesday", "last night"). The
incident date is found the way an analyst reads it:

1. the anchor is the dateline's date ("(May 14, 2012)"); a dateline without a year
   ("(Sept. 1)") takes the year from the release number ("2010-09-CA-005" -> 2010, the year that
   puts the dateline nearest the release month); without a dateline, the first full date near the
   top (a dated title: "Operational Update, Jan. 10, 2011");
2. the body after the dateline is tagged against that anchor (communique.time.tag_times), and the
   incident date is the first day-precision expression that dates an event: "yesterday",
   "Jan. 23", "Tuesday", "last night", "earlier today", "today" -- skipping an expression that
   dates the *report* ("Today, forces confirmed ... was arrested Sunday": the report verb sits
   right next to "today", and a later expression dates the event);
3. with no such expression the dateline date itself (releases that say nothing report the day);
4. when the record also holds a later release about the same incident (a second dateline:
   "KABUL (Aug. 20) ... confirmed today that ... was killed ... Friday"), the later release's
   date of the incident wins: it was written knowing more.

"Text fixes the date" (the denominator of the headline figure): the release has an anchor with a
year (a dateline plus a year from it or from the release number, or a dated title) and its body has
a day-precision expression, or the body has a full explicit date. Misses are sorted into tagger
errors (some reading the text supports gives the gold date: a tagged value, a weekday or
"Month day" mention read within the week before the anchor, the anchor itself) and gold the text
cannot support (no expression in the text leads to the gold date).

Some months of the gold are shifted as a batch: for most of their text-fixed releases the gold is
one day before what the text says, explicit dates ("Feb. 6") included. `shifted_months` finds such
months from the data (at least SHIFT_MIN_RELEASES releases, SHIFT_SHARE of them off by the same
number of days), and the result gives the accuracy outside them beside the plain figures.
"""
from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

from ..ingest.dates import RELEASE_NO
from ..time import tag_times
from ..time import calendar as cal

DEFAULT_PATH = (Path(__file__).resolve().parents[3] / "shared" / "data" / "isaf-press-releases"
                / "isaf_press_releases_test_flat.jsonl")
# "KABUL, Afghanistan (May 14, 2012)", "BAGRAM AIRFIELD, Afghanistan (Sept. 1) -"
DATELINE = re.compile(r"\b[A-Z][A-Za-z.'\-]*(?:[^\S\n]+[A-Za-z.'\-]+){0,4}[^\S\n]*,[^\S\n]*[A-Z][a-z]+[^\S\n]*"
                      r"\((?P<date>[A-Z][a-z]{2,9}\.?[^\S\n]+\d{1,2}(?:[^\S\n]*,[^\S\n]*(?P<y>\d{4}))?)[^\S\n]*\)")
# "the July 2 attack", "Tuesday's attack", "an attack Jan. 7", "since Oct. 1": a date that names an
# earlier event or a period's start, not the incident being reported
ATTRIBUTIVE_LEFT = re.compile(r"(?:\b(?:the|an?|since|until|after|before|following)|\battack|\bbombing)\s*$", re.I)
NOUN_RIGHT = re.compile(r"\s*[\w“\"-]", re.I)
REPORT_VERB = re.compile(r"\b(?:confirm\w*|announc\w*|report\w*|releas\w*|said|says|stat\w*|"
                         r"verif\w*|determin\w*|updat\w*|conclud\w*)\b", re.I)
DAY_RX = re.compile(r"^\d{4}-\d\d-\d\d")
DEICTIC = re.compile(r"(?:earlier\s+|later\s+)?(?:today|yesterday)", re.I)
HEADER_CHARS = 300
SHIFT_MIN_RELEASES = 10
SHIFT_SHARE = 0.66
STOP_AFTER = {"in", "at", "on", "and", "or", "near", "when", "while", "during", "to", "from", "the", "a", "as",
              "by", "with", "that", "which", "where", "after", "before", "of", "for"}


def release_year_month(rec: dict) -> tuple[int, int] | None:
    """(year, month) of the release number, from the record's ref or the text."""
    for s in (rec.get("ref") or "", rec.get("text") or ""):
        m = RELEASE_NO.search(s)
        if m:
            return int(m.group(1)), int(m.group(2))
    return None


def _fill_year(value: str, rec: dict) -> dt.date | None:
    """A day value; a missing year ('XXXX-09-01') comes from the release number: the year that
    puts the date nearest the release's month."""
    mon, day = int(value[5:7]), int(value[8:10])
    if value.startswith("XXXX"):
        rym = release_year_month(rec)
        if not rym:
            return None
        ry, rm = rym
        y = min((ry - 1, ry, ry + 1), key=lambda yy: abs((yy * 12 + mon) - (ry * 12 + rm)))
    else:
        y = int(value[:4])
    return dt.date(y, mon, day) if cal.valid_day(y, mon, day) else None


def find_anchor(text: str, rec: dict) -> tuple[dt.date | None, int, str]:
    """(anchor date, offset where the body starts, how the anchor was found): the dateline
    "KABUL, Afghanistan (May 14, 2012)", else a dated title or header ("Dec. 6: Operations ...",
    "Operational Update, Jan. 10, 2011") in the first lines."""
    m = DATELINE.search(text)
    if m:
        found = [t for t in tag_times(m.group("date")) if t.type == "DATE"]
        v = found[0].value if found else None
        if v and re.fullmatch(r"(?:\d{4}|XXXX)-\d\d-\d\d", v):
            d = _fill_year(v, rec)
            if d:
                return d, m.end(), "dateline" if not v.startswith("XXXX") else "dateline+release number"
            return None, m.end(), "dateline without year"
    head = text[:HEADER_CHARS]
    for t in tag_times(head):
        if t.type == "DATE" and t.value and re.fullmatch(r"(?:\d{4}|XXXX)-\d\d-\d\d", t.value) \
                and t.basis in ("text", "none", "anchor") and re.match(r"\s*(?:[:)\n\u2028–—-]|$)", head[t.end:t.end + 3]):
            d = _fill_year(t.value, rec)
            if d:
                return d, t.end, "dated title" if not t.value.startswith("XXXX") else "dated title+release number"
    return None, 0, "none"


def _reports(text: str, t) -> bool:
    """'Today, forces confirmed ... was arrested Sunday', 'forces yesterday confirmed the arrest of
    ... Oct. 19': a deictic day that dates the report (a report verb right next to it), not the event."""
    if not DEICTIC.fullmatch(t.text):
        return False
    s = max(text.rfind(".", 0, t.start), text.rfind("\n", 0, t.start)) + 1
    e = text.find(".", t.end)
    left = text[s:t.start].split()
    right = text[t.end:e if e >= 0 else len(text)].split()
    opens = len(left) == 0  # "Today, forces confirmed ..."
    return bool(REPORT_VERB.search(" ".join(left[-3:])) or REPORT_VERB.search(" ".join(right[:2]))
                or (opens and REPORT_VERB.search(" ".join(right[:8]))))


def _names_other_event(text: str, t) -> bool:
    """'the July 2 attack', 'Tuesday's attack', 'an attack Jan. 7 in ...', 'since Oct. 1'."""
    if text[t.end:t.end + 2] in ("'s", "’s"):
        return True
    left = text[max(0, t.start - 12):t.start]
    if not ATTRIBUTIVE_LEFT.search(left):
        return False
    word = re.match(r"\s*(\w+)", text[t.end:t.end + 20])
    since = re.search(r"(?:since|until|after|before|following)\s*$", left, re.I)
    attack = re.search(r"(?:attack|bombing)\s*$", left, re.I)
    return bool(since or attack or (word and word.group(1).lower() not in STOP_AFTER))


def _dateline_date(m: re.Match, rec: dict) -> dt.date | None:
    found = [t for t in tag_times(m.group("date")) if t.type == "DATE"]
    v = found[0].value if found else None
    if v and re.fullmatch(r"(?:\d{4}|XXXX)-\d\d-\d\d", v):
        return _fill_year(v, rec)
    return None


def _pick(body: str, anchor: dt.date | None) -> tuple[list, object]:
    """(day-precision expressions of a body, the one that dates the incident or None)."""
    found = tag_times(body, anchor.isoformat() if anchor else None)
    days = [t for t in found if t.type in ("DATE", "TIME") and t.value and DAY_RX.match(t.value)
            and not RELEASE_NO.match(body[t.start:t.start + 20])]
    for t in days:
        if (_reports(body, t) or _names_other_event(body, t)) and any(o.start > t.end for o in days):
            continue
        return days, t
    return days, None


def _follow_up(text: str, start: int, rec: dict) -> tuple[str, str] | None:
    """A record can hold the first release and a later one that confirms the incident
    ("KABUL (Aug. 20) ... confirmed today that ... killed ... Friday"). The later release
    knows more, so its date of the incident wins: (date, evidence) from the last such release."""
    lines = list(DATELINE.finditer(text, start))
    for i in range(len(lines) - 1, -1, -1):
        m = lines[i]
        anchor = _dateline_date(m, rec)
        if anchor is None:
            continue
        end = lines[i + 1].start() if i + 1 < len(lines) else len(text)
        body = text[m.end():end]
        _, chosen = _pick(body, anchor)
        if chosen is not None and not _reports(body, chosen):
            return chosen.value[:10], chosen.text
    return None


def incident_date(rec: dict) -> dict:
    """The incident date of one release, with the evidence used."""
    text = rec.get("text") or ""
    anchor, body_start, how = find_anchor(text, rec)
    body = text[body_start:]
    days, chosen = _pick(body, anchor)
    later = _follow_up(text, body_start, rec) if how.startswith("dateline") else None
    if later is not None:
        date, via = later[0], "follow-up: " + later[1]
    elif chosen is not None:
        date, via = chosen.value[:10], chosen.text
    elif anchor is not None:
        date, via = anchor.isoformat(), "dateline"
    else:
        date, via = None, "none"
    explicit = any(t.basis == "text" for t in days)
    fixed = bool(anchor and (days or how == "dated title")) or explicit
    return {"date": date, "via": via, "anchor": anchor.isoformat() if anchor else None,
            "anchor_from": how, "fixed": fixed, "days": [t.value[:10] for t in days],
            "body": body}


def supported(result: dict, gold: str) -> bool:
    """Does any reading of the text lead to the gold date?"""
    if gold in result["days"] or (gold == result["anchor"] and not result["days"]):
        return True
    anchor = result["anchor"] and dt.date.fromisoformat(result["anchor"])
    try:
        g = dt.date.fromisoformat(gold)
    except ValueError:
        return False
    if not anchor:
        return False
    body = result["body"]
    if 0 <= (anchor - g).days <= 7 and re.search(g.strftime("%A"), body):
        return True
    if (anchor - g).days == 1 and re.search(r"\b(?:yesterday|last night)\b", body, re.I):
        return True
    if g == anchor and re.search(r"\b(?:today|this morning|tonight)\b", body, re.I):
        return True
    return bool(re.search(rf"\b{g.strftime('%b')}[a-z]*\.?\s+{g.day}\b", body))


def _offset(system: str | None, gold: str) -> int | None:
    try:
        return (dt.date.fromisoformat(system) - dt.date.fromisoformat(gold)).days
    except (TypeError, ValueError):
        return None


def shifted_months(offsets: dict[str, list], min_releases: int = SHIFT_MIN_RELEASES,
                   share: float = SHIFT_SHARE) -> dict[str, dict]:
    """Months whose gold is off the system's reading by one same number of days for most of their
    text-fixed releases: {month: {"releases", "offset", "share"}}."""
    out = {}
    for month, offs in sorted(offsets.items()):
        counts: dict[int, int] = {}
        for off, _ in offs:
            if off:
                counts[off] = counts.get(off, 0) + 1
        if len(offs) < min_releases or not counts:
            continue
        off, n = max(counts.items(), key=lambda kv: kv[1])
        if n / len(offs) >= share:
            out[month] = {"releases": len(offs), "offset": off, "share": round(n / len(offs), 2)}
    return out


def evaluate_isaf(path: str | None = None, limit: int | None = None, examples: int = 5) -> dict:
    """Incident-date accuracy on the ISAF press releases (a JSONL of {text, ref, gold.start_date}).

    Returns {"releases", "correct", "accuracy", "fixed": {"releases", "correct", "accuracy"},
    "fixed_supported": {...} (text-fixed releases minus those whose gold no reading of the text gives),
    "misses": {"tagger_error": n, "gold_unsupported": n}, "examples": {kind: [...]}} with accuracies in
    percent; {"skipped": reason} when the file is absent."""
    p = Path(path) if path else DEFAULT_PATH
    if not p.is_file():
        return {"skipped": f"no such file: {p}"}
    recs = []
    with p.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                recs.append(json.loads(line))
            if limit and len(recs) >= limit:
                break
    n = ok = n_fixed = ok_fixed = 0
    misses = {"tagger_error": 0, "gold_unsupported": 0}
    samples: dict[str, list] = {"tagger_error": [], "gold_unsupported": []}
    by_via: dict[str, int] = {}
    by_month: dict[str, int] = {}
    unsupported_fixed = 0
    fixed_offsets: dict[str, list] = {}  # month -> (system - gold) in days, per text-fixed release
    for rec in recs:
        gold = ((rec.get("gold") or {}).get("start_date") or "")[:10]
        if not gold:
            continue
        r = incident_date(rec)
        n += 1
        hit = r["date"] == gold
        ok += hit
        if r["fixed"]:
            n_fixed += 1
            ok_fixed += hit
            fixed_offsets.setdefault((r["anchor"] or "?")[:7], []).append((_offset(r["date"], gold), hit))
        if hit:
            continue
        kind = "tagger_error" if supported(r, gold) else "gold_unsupported"
        misses[kind] += 1
        if r["fixed"] and kind == "gold_unsupported":
            unsupported_fixed += 1
            month = (r["anchor"] or "?")[:7]
            by_month[month] = by_month.get(month, 0) + 1
        by_via[r["anchor_from"]] = by_via.get(r["anchor_from"], 0) + 1
        if len(samples[kind]) < examples:
            samples[kind].append({"ref": rec.get("ref") or (RELEASE_NO.search(rec.get("text") or "") or [None])[0],
                                  "gold": gold, "system": r["date"], "via": r["via"], "anchor": r["anchor"],
                                  "fixed": r["fixed"], "body": " ".join(r["body"].split())[:220]})
    pct = lambda a, b: round(100 * a / b, 2) if b else 0.0  # noqa: E731
    shifted = shifted_months(fixed_offsets)
    rest = [hit for month, offs in fixed_offsets.items() if month not in shifted for _, hit in offs]
    return {"releases": n, "correct": ok, "accuracy": pct(ok, n),
            "fixed": {"releases": n_fixed, "correct": ok_fixed, "accuracy": pct(ok_fixed, n_fixed)},
            # the headline: text fixes the date and the gold agrees with some reading of the text
            "fixed_supported": {"releases": n_fixed - unsupported_fixed, "correct": ok_fixed,
                                "accuracy": pct(ok_fixed, n_fixed - unsupported_fixed)},
            # months where the gold sits a fixed number of days off the text for most releases,
            # explicit dates included: a shift of that annotation batch, not a reading of the text
            "shifted_months": shifted,
            "fixed_outside_shifted_months": {"releases": len(rest), "correct": sum(rest),
                                             "accuracy": pct(sum(rest), len(rest))},
            "misses": misses, "misses_by_anchor": by_via,
            "unsupported_fixed_by_month": dict(sorted(by_month.items(), key=lambda kv: -kv[1])[:8]), "examples": samples, "path": str(p)}


if __name__ == "__main__":  # python -m communique.evaluate.isaf [PATH]
    import sys
    print(json.dumps(evaluate_isaf(sys.argv[1] if len(sys.argv) > 1 else None, examples=12), indent=1))
