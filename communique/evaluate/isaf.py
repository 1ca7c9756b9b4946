"""Score incident dates on the ISAF press releases (expert `start_date` per release).

A release reads "2013-01-S-025 ... KABUL, Afghanistan (Jan. 25, 2013) During a security operation
in Andar district, Ghazni province, yesterday, ...". The incident date is found the way an analyst
reads it:

1. the anchor is the dateline's date ("(Jan. 25, 2013)"); a dateline without a year
   ("(Sept. 1)") takes the year from the release number ("2010-09-CA-005" -> 2010, the year that
   puts the dateline nearest the release month); without a dateline, the first full date near the
   top (a dated title: "Operational Update, Jan. 10, 2011");
2. the body after the dateline is tagged against that anchor (communique.time.tag_times), and the
   incident date is the first day-precision expression that dates an event: "yesterday",
   "Jan. 23", "Tuesday", "last night", "earlier today", "today" -- skipping an expression that
   dates the *report* ("Today, forces confirmed ... was arrested Sunday": the report verb sits
   right next to "today", and a later expression dates the event);
3. with no such expression the dateline date itself (releases that say nothing report the day).

"Text fixes the date" (the denominator of the headline figure): the release has an anchor with a
year (a dateline plus a year from it or from the release number, or a dated title) and its body has
a day-precision expression, or the body has a full explicit date. Misses are sorted into tagger
errors (some reading the text supports gives the gold date: a tagged value, a weekday or
"Month day" mention read within the week before the anchor, the anchor itself) and gold the text
cannot support (no expression in the text leads to the gold date).
"""
from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

from ..time import tag_times
from ..time import calendar as cal

DEFAULT_PATH = (Path(__file__).resolve().parents[3] / "shared" / "data" / "isaf-press-releases"
                / "isaf_press_releases_test_flat.jsonl")
RELEASE_NO = re.compile(r"\b((?:19|20)\d\d)-([01]\d)-[A-Z]{1,4}-\d{2,4}\b")
# "KABUL, Afghanistan (Jan. 25, 2013)", "BAGRAM AIRFIELD, Afghanistan (Sept. 1) -"
DATELINE = re.compile(r"\b[A-Z][A-Za-z.'\-]*(?:[ \t]+[A-Za-z.'\-]+){0,4}[ \t]*,[ \t]*[A-Z][a-z]+[ \t]*"
                      r"\((?P<date>[A-Z][a-z]{2,9}\.?[ \t]+\d{1,2}(?:[ \t]*,[ \t]*(?P<y>\d{4}))?)[ \t]*\)")
REPORT_VERB = re.compile(r"\b(?:confirm\w*|announc\w*|report\w*|releas\w*|said|says|stat\w*|"
                         r"verif\w*|determin\w*|updat\w*|conclud\w*)\b", re.I)
DAY_RX = re.compile(r"^\d{4}-\d\d-\d\d")


def release_year_month(rec: dict) -> tuple[int, int] | None:
    """(year, month) of the release number, from the record's ref or the text."""
    for s in (rec.get("ref") or "", rec.get("text") or ""):
        m = RELEASE_NO.search(s)
        if m:
            return int(m.group(1)), int(m.group(2))
    return None


def find_anchor(text: str, rec: dict) -> tuple[dt.date | None, int, str]:
    """(anchor date, offset where the body starts, how the anchor was found)."""
    m = DATELINE.search(text)
    if m:
        found = [t for t in tag_times(m.group("date")) if t.type == "DATE"]
        v = found[0].value if found else None
        if v and re.fullmatch(r"(?:\d{4}|XXXX)-\d\d-\d\d", v):
            mon, day = int(v[5:7]), int(v[8:10])
            if v.startswith("XXXX"):
                rym = release_year_month(rec)
                if rym:
                    ry, rm = rym
                    # the year that puts the dateline nearest the release's month
                    y = min((ry - 1, ry, ry + 1), key=lambda yy: abs((yy * 12 + mon) - (ry * 12 + rm)))
                    if cal.valid_day(y, mon, day):
                        return dt.date(y, mon, day), m.end(), "dateline+release number"
                return None, m.end(), "dateline without year"
            if cal.valid_day(int(v[:4]), mon, day):
                return dt.date(int(v[:4]), mon, day), m.end(), "dateline"
    for t in tag_times(text[:400]):
        if t.type == "DATE" and t.value and re.fullmatch(r"\d{4}-\d\d-\d\d", t.value) and t.basis == "text":
            return dt.date.fromisoformat(t.value), t.end, "dated title"
    return None, 0, "none"


def _reports(text: str, t) -> bool:
    """'Today, forces confirmed ...': a 'today' that dates the report, not the event."""
    if not t.text.lower().rstrip(",").endswith("today") and t.text.lower() not in ("today", "earlier today"):
        return False
    s = max(text.rfind(".", 0, t.start), text.rfind("\n", 0, t.start)) + 1
    e = text.find(".", t.end)
    sentence_left = text[s:t.start]
    right = text[t.end:e if e >= 0 else len(text)]
    near = " ".join(sentence_left.split()[-4:]) + " " + " ".join(right.split()[:4])
    return bool(REPORT_VERB.search(near))


def incident_date(rec: dict) -> dict:
    """The incident date of one release, with the evidence used."""
    text = rec.get("text") or ""
    anchor, body_start, how = find_anchor(text, rec)
    body = text[body_start:]
    found = tag_times(body, anchor.isoformat() if anchor else None)
    days = [t for t in found if t.type in ("DATE", "TIME") and t.value and DAY_RX.match(t.value)
            and not RELEASE_NO.match(body[t.start:t.start + 20])]
    chosen = None
    for t in days:
        if _reports(body, t) and any(o.start > t.end for o in days):
            continue
        chosen = t
        break
    if chosen is not None:
        date, via = chosen.value[:10], chosen.text
    elif anchor is not None:
        date, via = anchor.isoformat(), "dateline"
    else:
        date, via = None, "none"
    explicit = any(t.basis == "text" for t in days)
    fixed = bool(anchor and (days or how == "dated title")) or explicit
    return {"date": date, "via": via, "anchor": anchor.isoformat() if anchor else None,
            "anchor_from": how, "fixed": fixed, "days": [t.value[:10] for t in days],
            "body": body, "mentions": found}


def supported(result: dict, gold: str) -> bool:
    """Does any reading of the text lead to the gold date?"""
    if gold in result["days"] or gold == result["anchor"]:
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
    if 0 <= (anchor - g).days <= 2 and re.search(r"\b(?:yesterday|last night|overnight|the day before)\b", body, re.I):
        return True
    return bool(re.search(rf"\b{g.strftime('%b')}[a-z]*\.?\s+{g.day}\b", body))


def evaluate_isaf(path: str | None = None, limit: int | None = None, examples: int = 5) -> dict:
    """Incident-date accuracy on the ISAF press releases (a JSONL of {text, ref, gold.start_date}).

    Returns {"releases", "correct", "accuracy", "fixed": {"releases", "correct", "accuracy"},
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
        if hit:
            continue
        kind = "tagger_error" if supported(r, gold) else "gold_unsupported"
        misses[kind] += 1
        by_via[r["anchor_from"]] = by_via.get(r["anchor_from"], 0) + 1
        if len(samples[kind]) < examples:
            samples[kind].append({"ref": rec.get("ref") or (RELEASE_NO.search(rec.get("text") or "") or [None])[0],
                                  "gold": gold, "system": r["date"], "via": r["via"], "anchor": r["anchor"],
                                  "fixed": r["fixed"], "body": " ".join(r["body"].split())[:220]})
    pct = lambda a, b: round(100 * a / b, 2) if b else 0.0  # noqa: E731
    return {"releases": n, "correct": ok, "accuracy": pct(ok, n),
            "fixed": {"releases": n_fixed, "correct": ok_fixed, "accuracy": pct(ok_fixed, n_fixed)},
            "misses": misses, "misses_by_anchor": by_via, "examples": samples, "path": str(p)}


if __name__ == "__main__":  # python -m communique.evaluate.isaf [PATH]
    import sys
    print(json.dumps(evaluate_isaf(sys.argv[1] if len(sys.argv) > 1 else None, examples=12), indent=1))
