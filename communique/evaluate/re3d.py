"""Actor mentions and "who met whom" on re3d (Dstl), beside the bare spaCy NER.

re3d (``shared/data/re3d``, see its README.dstl.md and PROVENANCE.md) holds 98 official statements
and news texts on Syria and Iraq with Person, Organisation and Location spans and "CommWith"
relations, each with an IBCC confidence. What is scored here:

* Gold: Person, Organisation and Location spans with confidence >= 0.5 (the rest are candidate
  annotations the crowd rejected). Two scopes: ``names``, spans with a capital that marks a name
  (names, titled posts, "the Government of Iraq", "Iraqi forces": what an NER tags), and ``all``
  (pronouns and common nominals such as "we", "the city", "civilians" too). A capital that only
  opens a sentence or follows a leading article or quantifier ("The regime", "One man",
  "Witnesses") does not make a name; a sentence-initial word counts when it is an acronym, a
  proper noun to the bare spaCy tagger, or written capitalised mid-sentence in the same document
  (the same test applies to both systems' predictions). In ``names``, a prediction that overlaps
  only gold spans the scope leaves out ("Syrian people" over gold "people") counts neither way.
  A gold span nested in a gold span of the same type is an alternative form of it: a prediction
  may match either, and it is counted once.
* Spans are compared after a leading article and a trailing possessive or punctuation are
  dropped. ``exact``: same boundaries; ``overlap``: any shared character. Both are one to one and
  the types must agree.
* Types. Person = PERSON; Organisation = ORG; Location = LOC and FAC. re3d types a country by its
  role ("The United States condemns", "U.S. forces", "Iraq's process" are Organisations, "in Iraq"
  a Location); the same rule (``_gpe_type``, on the parse) is applied to the GPEs of both
  systems; towns are Locations. About 89% of re3d's country spans agree with the rule, so some
  errors here are re3d's role judgements rather than NER errors. Nationalities (communique's
  demonyms, spaCy's NORP) are re3d's own type and are not scored; a nationality in the plural
  ("Syrians", both systems) and communique's groups ("Iraqi forces", "Kurdish fighters",
  mentions ``via="group"``) are Organisations.
* Flat spans, as an NER gives them: a span inside a longer one of the same system is dropped. re3d
  marks "Palmyra, Syria" as one Location: a town followed by a comma and a place that does not go
  on as a list is joined to it, for both systems. re3d also marks a body with its owner in the
  possessive ("ISIL's War Committee", "Iraq's National Symphony Orchestra") as one Organisation
  where an NER gives two, so two Organisations joined by "'s" are one span, for both systems (in
  one-to-one overlap matching the second part was otherwise a false positive). In the ``names`` scope, predictions without a
  name's capital (pronouns) are left out for both systems too.
* communique's person mentions are scored with the post that precedes the name ("Foreign Minister
  Julie Bishop"), as re3d marks them; a post set off by a comma ("Gen. Mark Hale, commander of the
  U.S. Central Command") is a Person span of its own, as re3d marks it. Mentions by post alone are
  scored as they are, those that name no one in the document ("the Foreign Secretary") included
  (as `entities_of` lists them). Bare spaCy has no posts; this favours communique by design.
* Known limits of the gold (not corrected here): several CENTCOM strike releases leave lists of
  coalition states, "ISIL" and "CJTF-OIR" unannotated, and re3d marks "ISIL-held building" as one
  Location where an NER finds the body "ISIL"; these count as errors for both systems.
* CommWith: unordered pairs of gold "CommWith" sources and targets in a document, against the pairs
  of participants of communique's CONSULT events. A side matches when the spans overlap or the
  names share a capitalised word (titles aside). Precision over predicted pairs, recall over gold.

``evaluate_re3d(path)`` returns the figures; ``format_re3d`` prints them as a table.
"""
from __future__ import annotations

import json
import re
import time
from collections import Counter, defaultdict
from pathlib import Path

TYPES = ("Person", "Organisation", "Location")
MIN_CONFIDENCE = 0.5
DEFAULT_PATH = Path(__file__).resolve().parents[3] / "shared" / "data" / "re3d"
_ARTICLE = re.compile(r"^(the|a|an)\s+", re.I)
_TAIL = re.compile(r"(['\u2019]s?|[\s,.;:])+$")


def _read_lines(path: Path) -> list[dict]:
    if not path.is_file():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8-sig").splitlines() if line.strip()]


def load_re3d(path: str | Path, limit: int | None = None) -> list[dict]:
    """Documents with their gold spans and CommWith pairs: [{id, source, text, gold, commwith}]."""
    root = Path(path)
    docs: list[dict] = []
    for folder in sorted(p for p in root.iterdir() if p.is_dir()):
        ents = defaultdict(list)
        for e in _read_lines(folder / "entities.json"):
            if e.get("type") in TYPES and e.get("confidence", 0) >= MIN_CONFIDENCE:
                ents[e["documentId"]].append((e["begin"], e["end"], e["type"], e["value"]))
        rels = defaultdict(list)
        for r in _read_lines(folder / "relations.json"):
            if r.get("type") == "CommWith" and r.get("confidence", 0) >= MIN_CONFIDENCE:
                rels[r["documentId"]].append(((r["sourceBegin"], r["sourceEnd"], r["source"]),
                                              (r["targetBegin"], r["targetEnd"], r["target"])))
        for d in _read_lines(folder / "documents.json"):
            docs.append({"id": d["_id"], "source": folder.name, "title": d.get("title"),
                         "text": d["text"], "gold": ents.get(d["_id"], []),
                         "commwith": rels.get(d["_id"], [])})
    docs.sort(key=lambda d: (d["source"], d["id"]))
    return docs[:limit] if limit else docs


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    span = text[start:end]
    m = _ARTICLE.match(span)
    if m and len(span) > m.end():
        start += m.end()
        span = span[m.end():]
    t = _TAIL.search(span)
    if t and t.start() > 0:
        end = start + t.start()
    return start, end


_PRONOUNS = {"i", "we", "he", "she", "they", "it", "us", "our", "his", "her", "their", "its", "my", "me"}
# words that open a common noun phrase; their capital at a sentence start makes no name
_OPENERS = {"a", "an", "the", "one", "another", "some", "many", "these", "those", "this", "that",
            "our", "their", "his", "her", "its", "all", "each", "every", "both", "several", "most",
            "few", "other", "two", "three", "four", "five", "about", "more", "any", "no"}
_SENTENCE_END = re.compile(r"(^|[.!?:;\n]|[.!?][\"'\u201d\u2019)\]]+)[\s\"'\u201c\u2018(\[]*$")


def _sentence_initial(text: str, start: int) -> bool:
    return bool(_SENTENCE_END.search(text[max(0, start - 12):start]))


def _is_name(text: str, start: int, end: int, proper: frozenset = frozenset()) -> bool:
    """A span with a capital that marks a name, not only the start of a sentence ("One man",
    "The regime", "Witnesses"): a capital in a later word, or in a first word that is not
    sentence-initial, an acronym, tagged a proper noun or written capitalised mid-sentence
    elsewhere in the document (``proper``: those word forms)."""
    value = text[start:end].strip()
    if value.lower() in _PRONOUNS or not any(ch.isupper() for ch in value):
        return False
    words = value.split()
    offset = start + (len(text[start:end]) - len(text[start:end].lstrip()))
    while len(words) > 1 and words[0].lower() in _OPENERS:
        offset += len(words[0])
        words = words[1:]
        offset = text.find(words[0], offset)
    if any(ch.isupper() for w in words[1:] for ch in w):
        return True
    first = words[0]
    if not any(ch.isupper() for ch in first):
        return False
    if not _sentence_initial(text, offset):
        return True
    core = first.strip(".,;:'\u2019\"()[]")
    return sum(ch.isupper() for ch in core) > 1 or core in proper


def _proper_forms(doc) -> frozenset:
    """Capitalised words that are names in this document: tagged proper nouns, or written with a
    capital where no sentence starts."""
    return frozenset(t.text for t in doc if t.text[:1].isupper() and (
        t.pos_ == "PROPN" or not _sentence_initial(doc.text, t.idx)))


def _gold_groups(doc: dict, scope: str, proper: frozenset = frozenset()) -> list[dict]:
    """Gold spans (trimmed), nested same-type spans grouped under the outermost one."""
    spans = []
    for b, e, t, v in doc["gold"]:
        s, f = _trim(doc["text"], b, e)
        if scope == "names" and not _is_name(doc["text"], s, f, proper):
            continue
        spans.append((s, f, t))
    spans = sorted(set(spans), key=lambda x: (x[0], -x[1]))
    groups: list[dict] = []
    for s, f, t in spans:
        outer = next((g for g in groups if g["type"] == t and g["start"] <= s and f <= g["end"]), None)
        if outer is not None:
            outer["alts"].append((s, f))
        else:
            groups.append({"start": s, "end": f, "type": t, "alts": [(s, f)]})
    return groups


def _left_out(doc: dict, kept: list[dict]) -> list[dict]:
    """Gold spans of the ``all`` scope that the ``names`` scope leaves out."""
    inside = {(g["start"], g["end"], g["type"]) for g in kept}
    return [g for g in _gold_groups(doc, "all") if (g["start"], g["end"], g["type"]) not in inside]


def _match(gold: list[dict], pred: list[tuple[int, int, str]], mode: str,
           ignore: list[dict] = ()) -> dict[str, Counter]:
    """TP/FP/FN per type. ``ignore``: gold spans left out of the scope (in ``names``, common
    nominals such as "people" in "the Syrian people"); a prediction that overlaps one of its own
    type and matches nothing else counts neither way."""
    counts = {t: Counter() for t in TYPES}
    used = set()
    # exact matches first, then overlaps, so that one to one pairing is as generous as it can be
    order = ["exact"] if mode == "exact" else ["exact", "overlap"]
    matched_pred = set()
    for how in order:
        for gi, g in enumerate(gold):
            if gi in used:
                continue
            for pi, (s, f, t) in enumerate(pred):
                if pi in matched_pred or t != g["type"]:
                    continue
                if how == "exact":
                    ok = (s, f) in g["alts"]
                else:
                    ok = any(s < ae and as_ < f for as_, ae in g["alts"])
                if ok:
                    used.add(gi)
                    matched_pred.add(pi)
                    counts[t]["tp"] += 1
                    break
    for gi, g in enumerate(gold):
        if gi not in used:
            counts[g["type"]]["fn"] += 1
    for pi, (s, f, t) in enumerate(pred):
        if pi not in matched_pred and not any(
                g["type"] == t and s < g["end"] and g["start"] < f for g in ignore):
            counts[t]["fp"] += 1
    return counts


def _prf(c: Counter) -> dict:
    tp, fp, fn = c["tp"], c["fp"], c["fn"]
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"P": round(p, 3), "R": round(r, 3), "F1": round(f, 3), "tp": tp, "fp": fp, "fn": fn}


LOCATIVE_PREPS = {"in", "at", "near", "into", "across", "inside", "outside", "throughout", "within",
                  "to", "from", "around", "over", "towards", "toward", "through", "on"}


# nouns of a boundary a state modifies as a place ("the Syria-Iraq border")
BORDER_NOUNS = {"border", "frontier", "boundary", "coast", "coastline", "airspace", "territory"}


# verbs whose object is a place one goes to, holds or borders
PLACE_VERBS = {"visit", "enter", "leave", "reach", "cross", "border", "isolate", "liberate", "tour",
               "invade", "occupy", "encircle", "surround", "evacuate", "flee"}


def _gpe_type(doc, start: int, end: int) -> str:
    """re3d types a state by its role: the object of a locative preposition ("in Iraq", "to
    Turkey") is a Location; a state that acts, owns or is a party ("Iraq's democratic process",
    "U.S. forces", "support for Iraq", "between the UK and France", "our ally Turkey") is an
    Organisation. A state in apposition to a place ("Palmyra, Syria"), the object of a verb of
    movement or holding ("visited Turkey"), qualified by an adjective ("a democratic Syria",
    "Arabic-speaking Iraq"), modifying a boundary ("the Syria-Iraq border") or standing alone on
    a line as the heading of the places listed under it ("Syria ." in strike releases) is a
    Location. Towns and regions are Locations."""
    from ..actors.gazetteer import default_gazetteer
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None or default_gazetteer().country(span.text) is None:
        return "Location"
    tok = span.root
    while tok.dep_ == "conj" and tok.head is not tok:
        tok = tok.head
    if tok.dep_ == "pobj" and tok.head.lower_ in LOCATIVE_PREPS:
        return "Location"
    if tok.dep_ == "dobj" and tok.head.lemma_ in PLACE_VERBS:
        return "Location"       # "visited Turkey", "isolate Raqqah, Syria", "bordering Iran"
    if tok.dep_ == "appos" and tok.head.ent_type_ in {"GPE", "LOC", "FAC"}:
        return "Location"       # "Palmyra, Syria"; "our ally Turkey" is a party
    if any(c.dep_ == "amod" and (c.pos_ == "ADJ" or any(t.text == "-" for t in c.subtree))
           for c in span.root.children):
        return "Location"       # "a democratic Syria", "northwestern Syria", "Arabic-speaking Iraq"
    head = tok
    while head.dep_ in {"compound", "nmod", "amod"} and head.head is not head:
        head = head.head        # "Syria" -> "Iraq" -> "border"
    if head is not tok and head.lemma_ in BORDER_NOUNS:
        return "Location"       # "the Syria-Iraq border"
    if all(t.is_punct or t.is_space or start <= t.idx < end for t in span.sent):
        return "Location"       # a state alone on a line heads the places listed under it
    return "Organisation"



SPACY_TYPES = {"PERSON": "Person", "ORG": "Organisation", "LOC": "Location", "FAC": "Location"}
COMMUNIQUE_TYPES = {"PERSON": "Person", "ORG": "Organisation", "LOC": "Location"}


def _flat(spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """One layer, as an NER tags: a span inside a longer one (the state in a person's post) goes."""
    spans = sorted(set(spans), key=lambda x: (x[0], -x[1]))
    out: list[tuple[int, int, str]] = []
    for s, f, t in spans:
        if out and s >= out[-1][0] and f <= out[-1][1]:
            continue
        out.append((s, f, t))
    return out


_LIST_GOES_ON = re.compile(r"^\s*,?\s*(and|or)\b", re.I)


def _joined_places(text: str, spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """'Palmyra, Syria', 'Cibolo, Texas': a place and the state or region after a comma are one
    Location in re3d; an NER gives two. A town that is not itself a state, followed by a comma
    and a place that does not go on as a list, is joined to it (for both systems)."""
    from ..actors.gazetteer import default_gazetteer
    gaz = default_gazetteer()
    out: list[tuple[int, int, str]] = []
    for s, f, t in spans:
        if out and t == "Location" and out[-1][2] == "Location" \
                and text[out[-1][1]:s].strip() == "," and "\n" not in text[out[-1][1]:s] \
                and gaz.country(text[out[-1][0]:out[-1][1]]) is None \
                and not _LIST_GOES_ON.match(text[f:f + 8]) \
                and not text[:out[-1][0]].rstrip().endswith(","):
            out[-1] = (out[-1][0], f, t)
            continue
        out.append((s, f, t))
    return out


_OWNER = re.compile(r"^['\u2019]s(\s+[a-z][a-z-]*){0,2}\s+$")


def _joined_owners(text: str, spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """'ISIL's War Committee', 'Iraq's famed National Symphony Orchestra': re3d marks a body with
    its owner in the possessive as one Organisation; an NER gives two. An Organisation, "'s" (and
    at most two lowercase modifiers) and an Organisation are joined (for both systems)."""
    out: list[tuple[int, int, str]] = []
    for s, f, t in spans:
        if out and t == "Organisation" and out[-1][2] == "Organisation" \
                and _OWNER.match(text[out[-1][1]:s]):
            out[-1] = (out[-1][0], f, t)
            continue
        out.append((s, f, t))
    return out


def _group_plural(text: str) -> bool:
    """'Syrians', 'Iraqis': a nationality in the plural is a group of people, an Organisation."""
    return text[:1].isupper() and text.endswith("s") and not text.isupper()


def _names_only(text: str, spans, proper: frozenset = frozenset()):
    return [(s, f, t) for s, f, t in spans if _is_name(text, s, f, proper)]


def _spacy_spans(doc) -> list[tuple[int, int, str]]:
    out = []
    for ent in doc.ents:
        if ent.label_ == "NORP" and _group_plural(ent.text):
            out.append((ent.start_char, ent.end_char, "Organisation"))
            continue
        if ent.label_ == "GPE":
            t = _gpe_type(doc, ent.start_char, ent.end_char)
        else:
            t = SPACY_TYPES.get(ent.label_)
        if t:
            s, f = _trim(doc.text, ent.start_char, ent.end_char)
            out.append((s, f, t))
    return _joined_owners(doc.text, _joined_places(doc.text, _flat(out)))


def _with_post(doc, m) -> int:
    """Where a person's mention starts when the post right before the name is counted."""
    if m.via not in {"name", "surname"} or not m.title:
        return m.start
    before = doc.text[:m.start].rstrip()
    title = m.title
    k = before.lower().rfind(title.lower())
    if k < 0 or before[k + len(title):].strip():
        return m.start
    start = k
    # a state or body right before the post: "Russian Foreign Minister", "U.S. Secretary of State"
    span = doc.char_span(start, m.start, alignment_mode="expand")
    if span is not None:
        i = span.start
        while i > 0 and doc[i - 1].ent_type_ in {"GPE", "NORP", "ORG"} and doc[i - 1].sent == span.sent:
            i -= 1
        start = doc[i].idx
    return start


def _communique_spans(doc, mentions) -> list[tuple[int, int, str]]:
    out = []
    for m in mentions:
        if m.via == "group" or (m.via == "demonym" and _group_plural(m.text)):
            s, f = _trim(doc.text, m.start, m.end)
            out.append((s, f, "Organisation"))
            continue
        if m.via in {"demonym", "furniture", "implied"} or m.start < 0:
            continue
        if m.type == "GPE":
            t = _gpe_type(doc, m.start, m.end)
        else:
            t = COMMUNIQUE_TYPES.get(m.type)
        if not t:
            continue
        start = _with_post(doc, m) if m.type == "PERSON" else m.start
        s, f = _trim(doc.text, start, m.end)
        out.append((s, f, t))
        if m.type == "PERSON" and m.title and m.via in {"name", "surname"}:
            out += _apposed_post(doc, m)
    return _joined_owners(doc.text, _joined_places(doc.text, _flat(out)))


def _apposed_post(doc, m) -> list[tuple[int, int, str]]:
    """'Gen. Mark Hale, commander of the regional command', 'Minister for the Middle East,
    Tobias Ellwood': a post set off from the name by a comma is a mention of the person of its
    own in re3d (the two are tied by IsSynonymOf), as communique reads it (mentions._post_for)."""
    from ..actors.gazetteer import default_gazetteer
    from ..actors.mentions import _post_for
    ent = doc.char_span(m.start, m.end, alignment_mode="expand")
    if ent is None:
        return []
    span, _ = _post_for(doc, ent, default_gazetteer())
    if span is None:
        return []
    start, end = span
    apart = doc[end:ent.start] if end <= ent.start else doc[ent.end:start]
    if not any(t.text == "," for t in apart):
        return []
    while end > start and (doc[end - 1].is_punct or doc[end - 1].is_space):
        end -= 1
    if end <= start:
        return []
    s, f = _trim(doc.text, doc[start].idx, doc[end - 1].idx + len(doc[end - 1]))
    return [(s, f, "Person")]


# --- CommWith -----------------------------------------------------------------------------

_TITLE_WORDS = {"minister", "foreign", "secretary", "president", "prime", "the", "of", "state",
                "deputy", "general", "u.s.", "us", "mr", "mr.", "dr", "dr.", "defense", "defence",
                "ambassador", "special", "envoy", "king", "his", "majesty", "excellency"}


def _words(text: str) -> set[str]:
    return {w.lower().strip(".,'\u2019s") for w in re.findall(r"[A-Z][\w.'\u2019-]*", text or "")
            if w.lower() not in _TITLE_WORDS} - {""}


def _side_matches(gold_side, participant) -> bool:
    b, e, text = gold_side
    if participant["start"] < e and b < participant["end"]:
        return True
    gw = _words(text)
    return bool(gw) and bool(gw & (_words(participant["name"]) | _words(participant["text"])))


def _consult_pairs(events) -> list[tuple[dict, dict]]:
    pairs, seen = [], set()
    for ev in events:
        if ev.type != "CONSULT":
            continue
        people = [{"name": p.name, "text": p.text, "start": p.start, "end": p.end,
                   "id": p.entity_id} for p in ev.participants]
        for i in range(len(people)):
            for j in range(i + 1, len(people)):
                a, b = people[i], people[j]
                key = frozenset((a["id"], b["id"]))
                if a["id"] == b["id"] or key in seen:
                    continue
                seen.add(key)
                pairs.append((a, b))
    return pairs


def _pair_match(gold_pair, pred_pair) -> bool:
    (gs, gt), (a, b) = gold_pair, pred_pair
    return (_side_matches(gs, a) and _side_matches(gt, b)) or (_side_matches(gs, b) and _side_matches(gt, a))


def _gold_pairs(doc: dict) -> list:
    out, seen = [], set()
    for src, tgt in doc["commwith"]:
        if (src[0], src[1]) == (tgt[0], tgt[1]):
            continue
        key = frozenset([(src[0], src[1]), (tgt[0], tgt[1])])
        if key not in seen:
            seen.add(key)
            out.append((src, tgt))
    return out


# --- the evaluation ----------------------------------------------------------------------

def evaluate_re3d(path: str | Path | None = None, extractor=None, *, limit: int | None = None,
                  details: bool = False) -> dict:
    """Person/Organisation/Location P/R/F1 of communique and of bare spaCy, and CommWith P/R.

    Returns {"skipped": reason} when the data are absent."""
    root = Path(path) if path else DEFAULT_PATH
    if not root.is_dir() or not any(root.glob("*/documents.json")):
        return {"skipped": f"re3d not found at {root}"}
    from ..nlp.pipeline import load_base, make_doc
    from ..records import Document
    if extractor is None:
        from ..extract import Extractor
        extractor = Extractor()
    base = load_base()
    docs = load_re3d(root, limit)
    t0 = time.perf_counter()
    counts = {sys: {scope: {mode: {t: Counter() for t in TYPES} for mode in ("exact", "overlap")}
                    for scope in ("names", "all")} for sys in ("communique", "spacy")}
    cw = Counter()
    misses = []
    texts = [d["text"] for d in docs]
    bare_docs = list(base.pipe(texts))
    ours = []
    for d in docs:
        document = Document(text=d["text"], source=f"re3d/{d['source']}/{d['id']}", title=d.get("title"))
        sdoc = extractor.nlp(extractor._doc(document))
        ours.append(sdoc)
    for d, bdoc, sdoc in zip(docs, bare_docs, ours):
        mentions = (sdoc._.mentions or []) + sdoc.user_data.get("communique_unresolved_posts", [])
        preds = {"communique": _communique_spans(sdoc, mentions),
                 "spacy": _spacy_spans(bdoc)}
        proper = _proper_forms(bdoc)
        for scope in ("names", "all"):
            gold = _gold_groups(d, scope, proper)
            ignore = [] if scope == "all" else _left_out(d, gold)
            for system, pred in preds.items():
                if scope == "names":
                    pred = _names_only(d["text"], pred, proper)
                for mode in ("exact", "overlap"):
                    for t, c in _match(gold, pred, mode, ignore).items():
                        counts[system][scope][mode][t].update(c)
            if details and scope == "names":
                pred = _names_only(d["text"], preds["communique"], proper)
                for g in gold:
                    if not any(s < g["end"] and g["start"] < f and t == g["type"] for s, f, t in pred):
                        misses.append({"doc": d["id"], "kind": "fn", "type": g["type"],
                                       "text": d["text"][g["start"]:g["end"]]})
                for s, f, t in pred:
                    if not any(s < g["end"] and g["start"] < f and t == g["type"] for g in gold):
                        other = [g["type"] for g in gold if s < g["end"] and g["start"] < f]
                        misses.append({"doc": d["id"], "kind": "fp", "type": t, "text": d["text"][s:f],
                                       "gold": other})
        gold_pairs = _gold_pairs(d)
        pred_pairs = _consult_pairs(sdoc._.events or [])
        cw["gold"] += len(gold_pairs)
        cw["pred"] += len(pred_pairs)
        cw["recalled"] += sum(any(_pair_match(g, p) for p in pred_pairs) for g in gold_pairs)
        cw["correct"] += sum(any(_pair_match(g, p) for g in gold_pairs) for p in pred_pairs)
    result = {"documents": len(docs), "seconds": round(time.perf_counter() - t0, 1),
              "min_confidence": MIN_CONFIDENCE}
    for system, by_scope in counts.items():
        result[system] = {}
        for scope, by_mode in by_scope.items():
            result[system][scope] = {}
            for mode, by_type in by_mode.items():
                row = {t: _prf(c) for t, c in by_type.items()}
                row["micro"] = _prf(sum(by_type.values(), Counter()))
                row["macro_F1"] = round(sum(row[t]["F1"] for t in TYPES) / len(TYPES), 3)
                result[system][scope][mode] = row
    p = cw["correct"] / cw["pred"] if cw["pred"] else 0.0
    r = cw["recalled"] / cw["gold"] if cw["gold"] else 0.0
    result["commwith"] = {"P": round(p, 3), "R": round(r, 3),
                          "F1": round(2 * p * r / (p + r), 3) if p + r else 0.0,
                          "gold_pairs": cw["gold"], "predicted_pairs": cw["pred"],
                          "correct_predicted": cw["correct"], "recalled_gold": cw["recalled"]}
    if details:
        result["errors"] = misses
    return result


def format_re3d(result: dict) -> str:
    if "skipped" in result:
        return f"re3d: skipped ({result['skipped']})"
    lines = [f"re3d: {result['documents']} documents, gold confidence >= {result['min_confidence']}"]
    for scope in ("names", "all"):
        for mode in ("overlap", "exact"):
            lines.append(f"\n[{scope}, {mode} spans]      communique P/R/F1      bare spaCy P/R/F1")
            for t in (*TYPES, "micro"):
                a, b = result["communique"][scope][mode][t], result["spacy"][scope][mode][t]
                lines.append(f"  {t:<13} {a['P']:.3f} {a['R']:.3f} {a['F1']:.3f}"
                             f"      {b['P']:.3f} {b['R']:.3f} {b['F1']:.3f}")
    c = result["commwith"]
    lines.append(f"\nCommWith vs CONSULT participants: P={c['P']:.3f} R={c['R']:.3f} F1={c['F1']:.3f} "
                 f"(gold pairs {c['gold_pairs']}, predicted {c['predicted_pairs']})")
    return "\n".join(lines)


if __name__ == "__main__":  # python -m communique.evaluate.re3d [PATH]
    import sys
    print(format_re3d(evaluate_re3d(sys.argv[1] if len(sys.argv) > 1 else None)))
