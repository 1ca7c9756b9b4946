"""Validate the project's own gold annotations (tests/gold/*.json, format communique-gold/1).

Checks, for every gold file: the schema fields, that each event's evidence occurs in its document's
text (for HTML documents: in the visible text, i.e. tags stripped, entities unescaped and whitespace
collapsed), that every entity id an event or entity refers to exists, that types, statuses and modes
come from the allowed sets, and that dates are well formed ISO dates at day, month or year precision.
"""

import datetime as dt
import html
import json
import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
GOLD_DIR = REPO / "tests" / "gold"
GOLD_FILES = sorted(GOLD_DIR.glob("*.json"))

SCHEMA = "communique-gold/1"
EVENT_TYPES = {
    "AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST",
    "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT",
}
STATUSES = {"occurred", "planned", "ongoing", "cancelled", "hypothetical", "negated"}
MODES = {None, "phone", "visit", "multilateral", "third-party"}
ENTITY_TYPES = {"PERSON", "ORG", "GPE", "LOC", "AGREEMENT"}
BASES = {"publication"}

TOP_REQUIRED = {"schema", "document", "publication_date", "entities", "events"}
TOP_ALLOWED = TOP_REQUIRED | {"notes", "boilerplate", "articles"}
ENTITY_REQUIRED = {"id", "type", "name", "aliases"}
ENTITY_ALLOWED = ENTITY_REQUIRED | {"positions", "part_of"}
EVENT_REQUIRED = {"id", "type", "status", "when", "where", "actors", "recipients", "evidence"}
EVENT_ALLOWED = EVENT_REQUIRED | {"alt_types", "mode", "topics", "optional", "note", "also"}
WHEN_ALLOWED = {"start", "end", "approximate", "basis"}

PARTIAL_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


def visible_text(raw: str) -> str:
    """The visible text of an HTML page: drop <head>, scripts, styles and comments, replace tags with
    spaces, unescape entities and collapse whitespace."""
    t = re.sub(r"(?is)<head\b.*?</head>", " ", raw)
    t = re.sub(r"(?is)<(script|style)\b.*?</\1>", " ", t)
    t = re.sub(r"(?s)<!--.*?-->", " ", t)
    t = re.sub(r"<[^>]+>", " ", t)
    t = html.unescape(t)
    return normalise(t)


def normalise(s: str) -> str:
    return re.sub(r"\s+", " ", s).strip()


def is_html(path: str) -> bool:
    return path.lower().endswith((".html", ".htm"))


def parse_partial(value: str):
    """Return (first day, last day) of a YYYY, YYYY-MM or YYYY-MM-DD value; raise on bad dates."""
    assert isinstance(value, str) and PARTIAL_DATE.match(value), f"bad ISO date {value!r}"
    parts = [int(p) for p in value.split("-")]
    if len(parts) == 3:
        d = dt.date(*parts)
        return d, d
    if len(parts) == 2:
        first = dt.date(parts[0], parts[1], 1)
        nxt = dt.date(parts[0] + (parts[1] == 12), parts[1] % 12 + 1, 1)
        return first, nxt - dt.timedelta(days=1)
    return dt.date(parts[0], 1, 1), dt.date(parts[0], 12, 31)


def load(path: Path):
    with path.open(encoding="utf-8") as f:
        return json.load(f)


def document_text(gold):
    raw = (REPO / gold["document"]).read_text(encoding="utf-8")
    return raw, (visible_text(raw) if is_html(gold["document"]) else raw)


def test_gold_files_exist():
    assert len(GOLD_FILES) >= 12, f"expected at least 12 gold files in {GOLD_DIR}"


@pytest.fixture(params=GOLD_FILES, ids=[p.stem for p in GOLD_FILES])
def gold(request):
    return load(request.param)


def test_top_level(gold):
    keys = set(gold)
    assert TOP_REQUIRED <= keys, f"missing {TOP_REQUIRED - keys}"
    assert keys <= TOP_ALLOWED, f"unknown keys {keys - TOP_ALLOWED}"
    assert gold["schema"] == SCHEMA
    doc = gold["document"]
    assert isinstance(doc, str) and not doc.startswith("/"), "document must be relative to the repo root"
    assert (REPO / doc).is_file(), f"document {doc} not found"
    pub = gold["publication_date"]
    if pub is not None:
        dt.date.fromisoformat(pub)
    assert isinstance(gold["entities"], list) and gold["entities"]
    assert isinstance(gold["events"], list) and gold["events"]
    for key in ("notes", "boilerplate"):
        if key in gold:
            assert isinstance(gold[key], list) and all(isinstance(x, str) for x in gold[key])


def test_entities(gold):
    ids = [e["id"] for e in gold["entities"]]
    assert len(ids) == len(set(ids)), "duplicate entity ids"
    known = set(ids)
    for e in gold["entities"]:
        keys = set(e)
        assert ENTITY_REQUIRED <= keys, f"{e.get('id')}: missing {ENTITY_REQUIRED - keys}"
        assert keys <= ENTITY_ALLOWED, f"{e['id']}: unknown keys {keys - ENTITY_ALLOWED}"
        assert e["type"] in ENTITY_TYPES, f"{e['id']}: bad type {e['type']}"
        assert isinstance(e["name"], str) and e["name"].strip()
        assert isinstance(e["aliases"], list) and all(isinstance(a, str) and a.strip() for a in e["aliases"])
        if "positions" in e:
            assert e["type"] == "PERSON", f"{e['id']}: positions on a non-PERSON"
            for p in e["positions"]:
                assert set(p) == {"title", "org"}, f"{e['id']}: bad position {p}"
                assert isinstance(p["title"], str) and p["title"].strip()
                assert p["org"] in known, f"{e['id']}: position org {p['org']} is not an entity"
        if e.get("part_of") is not None:
            assert e["part_of"] in known and e["part_of"] != e["id"], f"{e['id']}: bad part_of"


def test_events(gold):
    known = {e["id"] for e in gold["entities"]}
    ids = [ev["id"] for ev in gold["events"]]
    assert len(ids) == len(set(ids)), "duplicate event ids"
    pub = gold["publication_date"]
    for ev in gold["events"]:
        eid = ev.get("id")
        keys = set(ev)
        assert EVENT_REQUIRED <= keys, f"{eid}: missing {EVENT_REQUIRED - keys}"
        assert keys <= EVENT_ALLOWED, f"{eid}: unknown keys {keys - EVENT_ALLOWED}"
        assert ev["type"] in EVENT_TYPES, f"{eid}: bad type {ev['type']}"
        alt = ev.get("alt_types", [])
        assert isinstance(alt, list) and set(alt) <= EVENT_TYPES, f"{eid}: bad alt_types {alt}"
        assert ev["type"] not in alt, f"{eid}: alt_types repeats the type"
        assert ev["status"] in STATUSES, f"{eid}: bad status {ev['status']}"
        mode = ev.get("mode")
        assert mode in MODES, f"{eid}: bad mode {mode}"
        if mode is not None:
            assert ev["type"] == "CONSULT", f"{eid}: mode on a non-CONSULT event"
        assert isinstance(ev.get("optional", False), bool)
        assert isinstance(ev.get("topics", []), list) and all(isinstance(t, str) for t in ev.get("topics", []))
        # participants
        for key in ("actors", "recipients", "also"):
            vals = ev.get(key, [])
            assert isinstance(vals, list), f"{eid}: {key} must be a list"
            for v in vals:
                assert v in known, f"{eid}: {key} refers to unknown entity {v}"
        assert ev["actors"] or ev["recipients"], f"{eid}: no participants"
        assert not set(ev["actors"]) & set(ev["recipients"]), f"{eid}: actor is also recipient"
        if ev["where"] is not None:
            assert ev["where"] in known, f"{eid}: where refers to unknown entity {ev['where']}"
        # when
        when = ev["when"]
        if when is not None:
            assert isinstance(when, dict) and {"start", "end"} <= set(when) <= WHEN_ALLOWED, f"{eid}: bad when {when}"
            s_first, _ = parse_partial(when["start"])
            _, e_last = parse_partial(when["end"])
            assert s_first <= e_last, f"{eid}: start after end"
            assert isinstance(when.get("approximate", False), bool)
            if "basis" in when:
                assert when["basis"] in BASES
                assert pub is not None and when["start"] == pub == when["end"], \
                    f"{eid}: basis publication but date differs from publication_date"
        if pub is not None and ev["status"] == "planned" and when is not None:
            _, e_last = parse_partial(when["end"])
            assert e_last >= dt.date.fromisoformat(pub), f"{eid}: planned event ends before publication"


def test_evidence_in_text(gold):
    _, text = document_text(gold)
    html_doc = is_html(gold["document"])
    for ev in gold["events"]:
        evidence = ev["evidence"]
        assert isinstance(evidence, str) and evidence.strip(), f"{ev['id']}: empty evidence"
        needle = normalise(evidence) if html_doc else evidence
        assert needle in text, f"{ev['id']}: evidence not found in {gold['document']}: {evidence!r}"


def test_participants_named_in_text(gold):
    """Each actor, recipient and place is named in the text by its name or one of its aliases."""
    _, text = document_text(gold)
    low = text.lower()
    by_id = {e["id"]: e for e in gold["entities"]}
    for ev in gold["events"]:
        refs = ev["actors"] + ev["recipients"] + ([ev["where"]] if ev["where"] else [])
        for r in refs:
            e = by_id[r]
            forms = [e["name"], *e["aliases"]]
            assert any(f.lower() in low for f in forms), f"{ev['id']}: {r} is not named in the text"


def test_boilerplate_and_articles(gold):
    raw, text = document_text(gold)
    html_doc = is_html(gold["document"])
    for line in gold.get("boilerplate", []):
        needle = normalise(line) if html_doc else line
        assert needle in text, f"boilerplate not found: {line!r}"
    lines = raw.split("\n")
    for art in gold.get("articles", []):
        assert {"title", "first_line", "last_line"} == set(art)
        first, last = art["first_line"], art["last_line"]
        assert 1 <= first <= last <= len(lines), f"bad article range {art}"
        if art["title"]:
            chunk = "\n".join(lines[first - 1:last])
            chunk = visible_text(chunk) if html_doc else chunk
            assert normalise(art["title"]) in normalise(chunk), f"article title not in its lines: {art['title']!r}"
