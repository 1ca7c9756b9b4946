"""Scoring against gold files (communique-gold/1), as gold/GUIDELINES.md "Scoring" says.

A predicted event matches a gold event when its type is the gold type or an alt_type, its date
agrees with `when` at the gold precision (inside the range when approximate; anything when
null), and one predicted participant names a gold participant. Matching is one to one;
optional gold events count neither way.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

from ..errors import InputError


def _norm(text: str | None) -> str:
    text = (text or "").lower().replace("\u2019", "'")
    text = re.sub(r"^(the)\s+", "", text.strip())
    return re.sub(r"[\s\-–—]+", " ", text)


class Gold:
    """One gold file with its entities indexed by every name and alias."""

    def __init__(self, path: Path):
        self.path = path
        self.data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(self.data, dict) or self.data.get("schema") != "communique-gold/1":
            raise InputError(f"{path} is not a communique-gold/1 file",
                             "see shared/gold/GUIDELINES.md for the format")
        self.entities = {e["id"]: e for e in self.data.get("entities", [])}
        self.names: dict[str, set[str]] = {}
        for eid, ent in self.entities.items():
            forms = {_norm(ent["name"])} | {_norm(a) for a in ent.get("aliases", [])}
            self.names[eid] = {f for f in forms if f}

    def document_path(self) -> Path:
        doc = self.data["document"]
        candidates = [self.path.parent.parent.parent / doc, self.path.parent.parent / doc,
                      Path.cwd() / doc, Path(__file__).resolve().parents[2] / doc]
        for cand in candidates:
            if cand.exists():
                return cand
        raise InputError(f"the document {doc!r} of {self.path} was not found",
                         "run from the repository root, with shared/ beside it")

    def entity_of(self, name: str) -> str | None:
        key = _norm(name)
        for eid, forms in self.names.items():
            if key in forms:
                return eid
        # a surname alone or a name with a title before it
        for eid, forms in self.names.items():
            if self.entities[eid]["type"] == "PERSON" and any(
                    key.endswith(" " + f) or f.endswith(" " + key) for f in forms if " " in f):
                return eid
        return None

    def allowed(self, gold_event: dict) -> set[str]:
        """Participants a system may name beyond the gold sides without being wrong."""
        sides = set(gold_event.get("actors", [])) | set(gold_event.get("recipients", []))
        allowed = sides | set(gold_event.get("also", []))
        for eid in list(sides):
            ent = self.entities.get(eid, {})
            for pos in ent.get("positions", []) or []:
                allowed.add(pos.get("org"))
            parent = ent.get("part_of")
            while parent:
                allowed.add(parent)
                parent = self.entities.get(parent, {}).get("part_of")
        return allowed


def _participant_ids(gold: Gold, event) -> list[str | None]:
    out = []
    for p in event.actors + event.recipients:
        out.append(gold.entity_of(p.name) or gold.entity_of(p.text))
    return out


def _date_ok(when_gold: dict | None, when) -> bool:
    if not when_gold:
        return True
    start = when.start or ""
    end = when.end or start
    if when_gold.get("approximate"):
        # any day inside the range is right; a coarser value counts by its first day
        padded = start + "-01-01"[len(start) - 4:] if 4 <= len(start) < 10 else start
        return bool(start) and when_gold["start"] <= padded[:len(when_gold["start"])] <= when_gold["end"]
    g_start, g_end = when_gold["start"], when_gold.get("end") or when_gold["start"]
    return start[:len(g_start)] == g_start and end[:len(g_end)] == g_end


def _date_exact(when_gold: dict | None, when) -> bool:
    if not when_gold:
        return not when.start
    if when_gold.get("approximate"):
        return _date_ok(when_gold, when)
    return (when.start or "") == when_gold["start"] and \
        (when.end or when.start or "") == (when_gold.get("end") or when_gold["start"])


def _matches(gold: Gold, g: dict, event, pids: list[str | None]) -> bool:
    types = {g["type"], *g.get("alt_types", [])}
    if event.type not in types or not _date_ok(g.get("when"), event.when):
        return False
    sides = set(g.get("actors", [])) | set(g.get("recipients", []))
    return bool(sides & set(pids))


def score_document(gold: Gold, events: list, mentions: list, texts: list[str] = ()) -> dict:
    gold_events = gold.data.get("events", [])
    pids = [_participant_ids(gold, e) for e in events]
    pairs = []
    for gi, g in enumerate(gold_events):
        for pi, e in enumerate(events):
            if _matches(gold, g, e, pids[pi]):
                sides = set(g.get("actors", [])) | set(g.get("recipients", []))
                overlap = len(sides & set(pids[pi]))
                # a required event is matched before an optional one that the same
                # prediction also fits, so an optional event never hides a found one
                pairs.append((bool(g.get("optional")), -overlap,
                              not _date_exact(g.get("when"), e.when), gi, pi))
    pairs.sort()
    used_g, used_p, matched = set(), set(), []
    for _, _, _, gi, pi in pairs:
        if gi not in used_g and pi not in used_p:
            used_g.add(gi)
            used_p.add(pi)
            matched.append((gi, pi))
    tp = sum(1 for gi, _ in matched if not gold_events[gi].get("optional"))
    fp = len(events) - len(used_p)
    fn = sum(1 for gi, g in enumerate(gold_events) if gi not in used_g and not g.get("optional"))
    details = {"matched": [], "missed": [], "spurious": []}
    fields = {"date_exact": 0, "status": 0, "location": 0, "location_scored": 0, "strict": 0,
              "part_tp": 0, "part_fp": 0, "part_fn": 0}
    for gi, pi in matched:
        g, e = gold_events[gi], events[pi]
        if g.get("optional"):
            continue
        ids = set(x for x in pids[pi] if x)
        unknown = sum(1 for x in pids[pi] if x is None)
        sides = set(g.get("actors", [])) | set(g.get("recipients", []))
        allowed = gold.allowed(g)
        part_tp = len(sides & ids)
        part_fp = len(ids - allowed) + unknown
        part_fn = len(sides - ids)
        date_exact = _date_exact(g.get("when"), e.when)
        status_ok = e.status == g.get("status", "occurred")
        loc_ok = _location_ok(gold, g, e)
        mode_ok = g.get("mode") is None or e.mode == g.get("mode")
        strict = part_fn == 0 and part_fp == 0 and status_ok and mode_ok and \
            (g.get("where") is None or loc_ok) and \
            (not g.get("when") or g["when"].get("approximate") or date_exact)
        fields["date_exact"] += date_exact
        fields["status"] += status_ok
        fields["location"] += loc_ok
        fields["strict"] += strict
        fields["part_tp"] += part_tp
        fields["part_fp"] += part_fp
        fields["part_fn"] += part_fn
        details["matched"].append({"gold": g["id"], "event": e.id, "type": e.type,
                                   "strict": strict, "status_ok": status_ok,
                                   "date_exact": date_exact, "location_ok": loc_ok,
                                   "mode_ok": mode_ok, "participants": pids[pi],
                                   "where": e.where.name if e.where else None,
                                   "gold_where": g.get("where"), "mode": e.mode,
                                   "gold_mode": g.get("mode"), "when": e.when.start,
                                   "missing": sorted(sides - ids),
                                   "evidence": e.evidence.text[:120]})
    for gi, g in enumerate(gold_events):
        if gi not in used_g and not g.get("optional"):
            details["missed"].append({"gold": g["id"], "type": g["type"],
                                      "evidence": g.get("evidence", "")[:120]})
    for pi, e in enumerate(events):
        if pi not in used_p:
            details["spurious"].append({"event": e.id, "type": e.type, "when": e.when.start,
                                        "participants": [p.name for p in e.participants],
                                        "evidence": e.evidence.text[:120]})
    people = _score_people(gold, mentions)
    furniture = _furniture_leaks(gold, events, list(texts))
    return {"file": str(gold.path), "tp": tp, "fp": fp, "fn": fn, **fields, **people,
            "furniture_leaks": furniture, "details": details}


def _location_ok(gold: Gold, g: dict, e) -> bool:
    where = g.get("where")
    if where is None:
        return e.where is None
    if e.where is None:
        return False
    return gold.entity_of(e.where.name) == where


def _norm_title(title: str | None) -> set[str]:
    words = re.findall(r"[a-z]+", (title or "").lower())
    return {w for w in words if w not in {"the", "of", "for", "and", "un", "head"}}


def _score_people(gold: Gold, mentions: list) -> dict:
    """Precision and recall of (person, post, organisation)."""
    predicted = {}
    for m in mentions:
        if m.type == "PERSON" and m.title and m.via in {"name", "surname", "post", "furniture"}:
            predicted.setdefault(m.name, (m.title, m.org))
    gold_people = [e for e in gold.entities.values() if e["type"] == "PERSON" and e.get("positions")]
    tp = 0
    used = set()
    for person in gold_people:
        for name, (title, org) in predicted.items():
            if name in used or gold.entity_of(name) != person["id"]:
                continue
            for pos in person["positions"]:
                gt, pt = _norm_title(pos["title"]), _norm_title(title)
                title_ok = bool(gt) and (gt <= pt or pt <= gt or len(gt & pt) / len(gt | pt) >= 0.5)
                org_ok = org is not None and (gold.entity_of(org) == pos.get("org") or
                                              gold.entity_of(org) in _parents(gold, pos.get("org")))
                if title_ok and org_ok:
                    tp += 1
                    used.add(name)
                    break
            if name in used:
                break
    return {"people_tp": tp, "people_pred": len(predicted), "people_gold": len(gold_people)}


def _parents(gold: Gold, eid: str | None) -> set[str]:
    out = set()
    while eid:
        eid = gold.entities.get(eid, {}).get("part_of")
        if eid:
            out.add(eid)
    return out


def _furniture_leaks(gold: Gold, events: list, texts: list[str]) -> int:
    """Boilerplate lines still in the clean text or in any event's evidence."""
    lines = [b.strip() for b in gold.data.get("boilerplate", []) if b.strip()]
    leaks = sum(any(line in e.evidence.text for line in lines) for e in events)
    leaks += sum(1 for line in lines for t in texts if line in t.splitlines())
    return leaks


def _prf(tp: int, fp: int, fn: int) -> dict:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4)}


def summarize(results: list[dict]) -> dict:
    tot = {k: sum(r[k] for r in results) for k in (
        "tp", "fp", "fn", "date_exact", "status", "location", "strict", "part_tp", "part_fp",
        "part_fn", "people_tp", "people_pred", "people_gold", "furniture_leaks")}
    matched = tot["tp"] or 1
    strict = _prf(tot["strict"], tot["tp"] - tot["strict"] + tot["fp"],
                  tot["tp"] - tot["strict"] + tot["fn"])
    return {
        "files": len(results), "events": _prf(tot["tp"], tot["fp"], tot["fn"]),
        "counts": {"tp": tot["tp"], "fp": tot["fp"], "fn": tot["fn"]},
        "matched": {"date_exact": round(tot["date_exact"] / matched, 4),
                    "status": round(tot["status"] / matched, 4),
                    "location": round(tot["location"] / matched, 4),
                    "participants": _prf(tot["part_tp"], tot["part_fp"], tot["part_fn"])},
        "strict": strict,
        "people": {"precision": round(tot["people_tp"] / tot["people_pred"], 4) if tot["people_pred"] else 0.0,
                   "recall": round(tot["people_tp"] / tot["people_gold"], 4) if tot["people_gold"] else 0.0},
        "furniture_leaks": tot["furniture_leaks"],
    }


def _is_gold(path: Path) -> bool:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(data, dict) and data.get("schema") == "communique-gold/1"


def gold_files(dirs) -> list[Path]:
    out = []
    for d in dirs:
        path = Path(d)
        if path.is_file():
            out.append(path)
        elif path.is_dir():
            # a folder may hold other JSON (manifests, notes): only gold files count
            out.extend(p for p in sorted(path.glob("*.json")) if _is_gold(p))
        else:
            raise InputError(f"no gold file or folder at {d}", "give a folder of *.json gold files")
    return out


def evaluate_dirs(dirs, extractor=None) -> dict:
    from ..extract import Extractor
    from ..ingest import Skipped, read_inputs
    extractor = extractor or Extractor()
    results = []
    for path in gold_files(dirs):
        gold = Gold(path)
        items = list(read_inputs([str(gold.document_path())],
                                 published=gold.data.get("publication_date")))
        docs = [i for i in items if not isinstance(i, Skipped)]
        if not docs:
            raise InputError(f"the document of {path} could not be read: {items}")
        events, mentions = [], []
        for result in extractor.extract_many(docs):
            events += result.events
            mentions += result.mentions
        results.append(score_document(gold, events, mentions, [d.text for d in docs]))
    return {"summary": summarize(results), "documents": results}


def format_report(report: dict, *, details: bool = False) -> str:
    s = report["summary"]
    lines = []
    for r in report["documents"]:
        p = _prf(r["tp"], r["fp"], r["fn"])
        lines.append(f"{Path(r['file']).name:<44} tp={r['tp']:<3} fp={r['fp']:<3} fn={r['fn']:<3} "
                     f"F1={p['f1']:.3f} strict={r['strict']} people={r['people_tp']}/{r['people_gold']}")
        if details:
            for kind in ("missed", "spurious"):
                for item in r["details"][kind]:
                    lines.append(f"    {kind:<9} {item}")
            for item in r["details"]["matched"]:
                if not item["strict"]:
                    lines.append(f"    loose     {item}")
    e, m = s["events"], s["matched"]
    lines += [
        "",
        f"files: {s['files']}",
        f"events     P={e['precision']:.3f} R={e['recall']:.3f} F1={e['f1']:.3f}  {s['counts']}",
        f"matched    date exact={m['date_exact']:.3f} status={m['status']:.3f} "
        f"location={m['location']:.3f} participants F1={m['participants']['f1']:.3f}",
        f"strict     P={s['strict']['precision']:.3f} R={s['strict']['recall']:.3f} "
        f"F1={s['strict']['f1']:.3f}",
        f"people     P={s['people']['precision']:.3f} R={s['people']['recall']:.3f} "
        "(person, post, organisation)",
        f"furniture in events: {s['furniture_leaks']}",
    ]
    return "\n".join(lines)
