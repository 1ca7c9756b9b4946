"""Score the temporal tagger (communique.time) on TimeML TIMEX3 and TIMEX2 gold corpora.

- TimeML .tml files (TempEval-3 TBAQ-cleaned, TE3 Platinum): gold TIMEX3 inside <TEXT>; the DCT
  TIMEX3 (functionInDocument="CREATION_TIME") is the anchor.
- TIMEX2 SGML (WikiWars keyinline/*.key.xml, ACE style): gold inline TIMEX2 with val attributes inside
  <TEXT>; the DATETIME element is the anchor. Nested TIMEX2 keep only the outermost one.

Metrics follow TempEval-3 Task A: strict extent P/R/F1 (same offsets), relaxed extent P/R/F1 (any
overlap, one to one), value accuracy over relaxed matches, value F1 = relaxed F1 x value accuracy,
plus a table of error kinds. Ranges are scored as their two ends, as TimeML annotates them.
"""
from __future__ import annotations

import collections
import html
import re
import time
from pathlib import Path

from ..time import tag_times
from ..time import calendar as cal

_TOKEN = re.compile(r"<!--.*?-->|<[^>]+>|&#?\w+;|[^<&]+|[<&]", re.S)
_ATTR = re.compile(r'([\w:]+)\s*=\s*"([^"]*)"')


# ------------------------------------------------------------------ reading
def strip_tags(markup: str, tag: str) -> tuple[str, list[dict]]:
    """Plain text of `markup` and the spans of its `tag` elements (outermost when nested)."""
    out: list[str] = []
    n = 0
    stack: list[tuple[int, dict]] = []
    gold: list[dict] = []
    low_tag = tag.lower()
    for m in _TOKEN.finditer(markup):
        tok = m.group(0)
        if tok.startswith("<") and len(tok) > 1:
            name = re.match(r"</?\s*([\w:]+)", tok)
            name = name.group(1).lower() if name else ""
            if name == low_tag:
                if tok.startswith("</"):
                    if stack:
                        s, attrs = stack.pop()
                        if not stack:
                            gold.append({"start": s, "end": n, **attrs})
                elif not tok.endswith("/>"):
                    stack.append((n, {k.lower(): v for k, v in _ATTR.findall(tok)}))
            continue
        if tok.startswith("&"):
            tok = html.unescape(tok)
        out.append(tok)
        n += len(tok)
    text = "".join(out)
    for g in gold:
        g["text"] = text[g["start"]:g["end"]]
    return text, gold


def read_tml(path: Path) -> dict:
    raw = path.read_text("utf-8", errors="replace")
    dct = re.search(r"<DCT>.*?<TIMEX3[^>]*?value=\"([^\"]+)\"", raw, re.S)
    body = re.search(r"<TEXT>(.*?)</TEXT>", raw, re.S)
    text, gold = strip_tags(body.group(1) if body else "", "TIMEX3")
    for g in gold:
        g["value"], g["type"] = g.get("value"), g.get("type", "DATE")
    return {"id": path.stem, "text": text, "anchor": dct.group(1)[:10] if dct else None, "gold": gold}


def read_timex2(path: Path) -> dict:
    raw = path.read_text("utf-8", errors="replace")
    dct = re.search(r"<DATETIME>(.*?)</DATETIME>", raw, re.S)
    anchor = None
    if dct:
        m = re.search(r"(\d{4}-\d\d-\d\d)", dct.group(1))
        anchor = m.group(1) if m else None
    body = re.search(r"<TEXT>(.*?)</TEXT>", raw, re.S)
    text, gold = strip_tags(body.group(1) if body else "", "TIMEX2")
    for g in gold:
        v = g.get("val")
        g["value"] = v
        g["type"] = timex2_type(v)
    return {"id": path.name.split(".")[0], "text": text, "anchor": anchor, "gold": gold}


def timex2_type(v: str | None) -> str:
    if not v:
        return "NONE"
    if v.startswith("P"):
        return "DURATION"
    if "T" in v[4:] and re.search(r"T(\d|MO|AF|EV|NI|MI|DT)", v):
        return "TIME"
    return "DATE"


def find_documents(path: str) -> tuple[str, list[Path]]:
    root = Path(path)
    tml = sorted(root.rglob("*.tml"))
    if tml:
        return "timeml", tml
    keys = sorted(root.rglob("*.key.xml"))
    if keys:
        return "timex2", keys
    sgm = [p for p in sorted(root.rglob("*.sgm")) if "<TIMEX2" in p.read_text("utf-8", errors="replace")]
    return ("timex2", sgm) if sgm else ("none", [])


# ------------------------------------------------------------------ scoring
def canonical(value: str | None) -> str | None:
    """Spelling variants that mean the same value: W7/W07, T17:00:00/T17:00, P1DE/P10Y."""
    if not value:
        return None
    v = value.strip().upper()
    v = re.sub(r"W(\d)(?!\d)", r"W0\1", v)
    v = re.sub(r"(T\d\d:\d\d):00(?:\.0+)?$", r"\1", v)
    v = re.sub(r"^(BC)?(\d{2,3})X+$", r"\1\2", v)  # decade 198X = 198, century 19XX = 19
    v = re.sub(r"^P(\d+)DE$", lambda m: f"P{int(m.group(1)) * 10}Y", v)
    v = re.sub(r"^P(\d+)CE$", lambda m: f"P{int(m.group(1)) * 100}Y", v)
    return v


def value_kind(value: str | None) -> str:
    if not value:
        return "none"
    if value.endswith("_REF"):
        return "ref"
    if value.startswith("P"):
        return "duration"
    if "T" in value[4:]:
        return "time"
    p = cal.parse(value)
    return p["grain"] if p else ("decade/century" if re.fullmatch(r"(BC)?\d{2,3}", value) else "other")


def match(gold: list[dict], system: list[dict]) -> list[tuple[int, int]]:
    """One-to-one pairs (gold index, system index) by largest overlap."""
    pairs = []
    for gi, g in enumerate(gold):
        for si, s in enumerate(system):
            ov = min(g["end"], s["end"]) - max(g["start"], s["start"])
            if ov > 0:
                pairs.append((-ov, gi, si))
    pairs.sort()
    used_g, used_s, out = set(), set(), []
    for _, gi, si in pairs:
        if gi in used_g or si in used_s:
            continue
        used_g.add(gi)
        used_s.add(si)
        out.append((gi, si))
    return out


def prf(tp: int, n_sys: int, n_gold: int) -> dict:
    p = tp / n_sys if n_sys else 0.0
    r = tp / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(100 * p, 2), "recall": round(100 * r, 2), "f1": round(100 * f, 2)}


def score_documents(docs: list[dict], examples: int = 0) -> dict:
    n_gold = n_sys = strict = relaxed = value_ok = 0
    errors: collections.Counter = collections.Counter()
    samples: dict[str, list] = collections.defaultdict(list)
    for doc in docs:
        system = [t.to_dict() for t in tag_times(doc["text"], doc["anchor"], split_ranges=True)]
        gold = doc["gold"]
        n_gold += len(gold)
        n_sys += len(system)
        pairs = match(gold, system)
        matched_g = {gi for gi, _ in pairs}
        matched_s = {si for _, si in pairs}
        for gi, si in pairs:
            g, s = gold[gi], system[si]
            relaxed += 1
            if g["start"] == s["start"] and g["end"] == s["end"]:
                strict += 1
            if canonical(g.get("value")) == canonical(s.get("value")) and canonical(g.get("value")):
                value_ok += 1
            else:
                kind = f"wrong value: {g.get('type')} {value_kind(g.get('value'))}"
                errors[kind] += 1
                if len(samples[kind]) < examples:
                    samples[kind].append((doc["id"], g["text"], g.get("value"), s["text"], s.get("value")))
        for gi, g in enumerate(gold):
            if gi not in matched_g:
                kind = f"missed: {g.get('type')} {value_kind(g.get('value'))}"
                errors[kind] += 1
                if len(samples[kind]) < examples:
                    samples[kind].append((doc["id"], g["text"], g.get("value")))
        for si, s in enumerate(system):
            if si not in matched_s:
                kind = f"spurious: {s['type']} {value_kind(s.get('value'))}"
                errors[kind] += 1
                if len(samples[kind]) < examples:
                    samples[kind].append((doc["id"], s["text"], s.get("value")))
    strict_s, relaxed_s = prf(strict, n_sys, n_gold), prf(relaxed, n_sys, n_gold)
    accuracy = value_ok / relaxed if relaxed else 0.0
    result = {
        "documents": len(docs), "gold": n_gold, "system": n_sys,
        "strict": strict_s, "relaxed": relaxed_s,
        "value_accuracy": round(100 * accuracy, 2),
        "value_f1": round(relaxed_s["f1"] * accuracy, 2),
        "errors": dict(errors.most_common()),
    }
    if examples:
        result["examples"] = dict(samples)
    return result


def evaluate_timeml(path: str, limit: int | None = None, examples: int = 0) -> dict:
    """Score the tagger on a folder of TimeML (.tml) or TIMEX2 (WikiWars) gold files.
    Returns {"skipped": reason} when there is nothing to score."""
    if not path or not Path(path).is_dir():
        return {"skipped": f"no such directory: {path}"}
    fmt, files = find_documents(path)
    if not files:
        return {"skipped": f"no TimeML or TIMEX2 files under {path}"}
    files = files[:limit] if limit else files
    reader = read_tml if fmt == "timeml" else read_timex2
    docs = [reader(p) for p in files]
    result = score_documents(docs, examples=examples)
    result["format"] = fmt
    result["path"] = str(path)
    return result


# ------------------------------------------------------------------ speed
def compare_dateparser_speed(texts: list[str], anchors: list[str | None] | str | None = None,
                             repeat: int = 1) -> dict:
    """Time communique's tagger and dateparser.search.search_dates on the same texts, same run, each
    text against its own anchor (dateparser's RELATIVE_BASE). The tagger is built (regexes
    compiled) before timing; dateparser is warmed up on one text."""
    try:
        from dateparser.search import search_dates
    except ImportError as exc:
        return {"skipped": f"dateparser is not installed ({exc}); pip install dateparser==1.5.0"}
    import datetime as dt
    if anchors is None or isinstance(anchors, str):
        anchors = [anchors] * len(texts)
    pairs = [(t, a) for t, a in zip(texts, anchors) if t and t.strip()]
    if not pairs:
        return {"skipped": "no texts"}
    settings = [{"RELATIVE_BASE": dt.datetime.fromisoformat(a[:10])} if a else {} for _, a in pairs]
    tag_times(pairs[0][0], pairs[0][1])
    search_dates(pairs[0][0][:200], languages=["en"], settings=settings[0])
    found_ours = found_dp = 0
    t0 = time.perf_counter()
    for _ in range(repeat):
        for t, a in pairs:
            found_ours += len(tag_times(t, a))
    ours = time.perf_counter() - t0
    t0 = time.perf_counter()
    for _ in range(repeat):
        for (t, _a), st in zip(pairs, settings):
            found_dp += len(search_dates(t, languages=["en"], settings=st) or [])
    theirs = time.perf_counter() - t0
    return {"texts": len(pairs), "characters": sum(len(t) for t, _ in pairs) * repeat,
            "communique_seconds": round(ours, 4), "dateparser_seconds": round(theirs, 4),
            "ratio": round(theirs / ours, 1) if ours else None,
            "communique_found": found_ours, "dateparser_found": found_dp}


def speed_on_folder(path: str, limit: int = 60) -> dict:
    """compare_dateparser_speed on the first `limit` documents of a TimeML/TIMEX2 folder."""
    fmt, files = find_documents(path)
    if not files:
        return {"skipped": f"no TimeML or TIMEX2 files under {path}"}
    reader = read_tml if fmt == "timeml" else read_timex2
    docs = [reader(p) for p in files[:limit]]
    return compare_dateparser_speed([d["text"] for d in docs], [d["anchor"] for d in docs])
