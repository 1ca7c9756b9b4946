"""Names whose last (or first) word says what they are, where the statistical NER did not.

The small English model leaves many bodies and geographic names untagged or mislabelled
("the Syrian Computer Society" as NORP + nothing, "Saray al-Jihad Group" as a person, "the
Hamrin Mountains" as nothing, "Near Rawah," as nothing). Official news writes such names in a
fixed shape: a run of capitalised words closed by a head noun ("... Society", "... Battalion",
"... Mountains"), opened by a geographic prefix ("Gulf of ...", "Lake ..."), a military unit with
a number ("CTF 50"), or a place after "near". The heads and prefixes are data
(name_rules.json: org_heads, geo_heads, geo_heads_lower, geo_prefixes, place_after_demonym).
"""
from __future__ import annotations

import re

from spacy.tokens import Doc, Span

_ORDINAL = re.compile(r"^\d+(st|nd|rd|th)$")
_COORD = re.compile(
    r"\d{1,3}(?:\.\d+)?\u00b0(?:\s?\d{1,2}(?:\.\d+)?[\u2032'])?(?:\s?\d{1,2}(?:\.\d+)?[\u2033\"])?\s?[NS]"
    r"[\s,/]{1,3}"
    r"\d{1,3}(?:\.\d+)?\u00b0(?:\s?\d{1,2}(?:\.\d+)?[\u2032'])?(?:\s?\d{1,2}(?:\.\d+)?[\u2033\"])?\s?[EW]\b")
# inner words of a name that are not capitalised: "Saray al-Jihad Group", "Army of the ... Sect"
_INNER = {"al", "el", "-", "bin", "ibn", "abu"}


def _name_word(tok) -> bool:
    text = tok.text
    if _ORDINAL.match(text):
        return True                       # "158th Fighter Wing", "3rd Battalion"
    if "-" in text and text.split("-")[-1][:1].isupper():
        return True                       # "al-Jihad", "Al-Karabla"
    return text[:1].isupper() and (tok.is_alpha or "-" in text or "." in text or "'" in text) \
        and not (tok.is_stop and tok.i > 0 and not tok.is_sent_start)


def _inner(doc: Doc, j: int) -> bool:
    """A particle or dash inside a name: 'al' and '-' in 'Saray al - Jihad Group'."""
    k = j
    while k < len(doc) and doc[k].lower_ in _INNER and doc[k].lower_ != "and" and k - j < 2:
        k += 1
    return k > j and k < len(doc) and _name_word(doc[k])


def _title_case_line(sent: Span) -> bool:
    """A headline in title case ("Minister Welcomes New Support Group") capitalises every word;
    heads tell nothing there."""
    words = [t for t in sent if t.is_alpha and len(t) > 3]
    return len(words) >= 4 and all(t.text[:1].isupper() for t in words)


def _runs(doc: Doc, rules: dict):
    """Maximal runs of name words (with inner particles and one 'of [the]' complement), as
    (start, end, head index) where the head is the last name word before 'of'."""
    not_names = rules["not_names_set"]
    i, n = 0, len(doc)
    while i < n:
        tok = doc[i]
        if not _name_word(tok) or tok.text in not_names:
            i += 1
            continue
        j = i + 1
        while j < n and (_name_word(doc[j]) or _inner(doc, j)):
            j += 1
        head = j - 1
        if j + 1 < n and doc[j].lower_ == "of":
            k = j + 1
            if doc[k].lower_ == "the" and k + 1 < n:
                k += 1
            m = k
            while m < n and _name_word(doc[m]):
                m += 1
            if m > k:
                j = m
                yield k, m, m - 1         # "Members of the Syrian Computer Society": the body alone
        yield i, j, head
        i = max(j, i + 1)


def _kind(doc: Doc, start: int, end: int, head: int, rules: dict) -> tuple[str, int] | None:
    """The label a run's shape gives it and where it ends (a lowercase geographic head after it
    belongs to the name: 'the Zagros mountains', 'the Tharthar depression')."""
    first, last = doc[start].text, doc[head].text
    if last in rules["org_heads_set"] and end - start >= 2:
        if end < len(doc) and doc[end].like_num and last in rules["numbered_org_heads_set"]:
            end += 1                      # "Task Force 50"
        return "ORG", end
    if last in rules["numbered_org_heads_set"] and end < len(doc) and doc[end].like_num:
        return "ORG", end + 1             # "CTF 50"
    if first in rules["geo_prefixes_set"] and end - start >= 2:
        return "LOC", end
    if last in rules["geo_heads_set"] and end - start >= 2:
        return "LOC", end
    if last in rules["facility_words_set"] and end - start >= 2:
        return "FAC", end
    if end == head + 1 and end < len(doc) and doc[end].lower_ in rules["geo_heads_lower_set"] \
            and doc[start].ent_type_ not in {"PERSON", "ORG", "NORP"}:
        return "LOC", end + 1
    return None


def shaped_names(doc: Doc, spans: list[Span], rules: dict) -> list[Span]:
    """The entity spans with names of a telling shape added or relabelled: a run that holds
    whole entities (or none) becomes one entity of the shape's label; posts are left alone."""
    from .gazetteer import default_gazetteer
    gaz = default_gazetteer()
    by_token: dict[int, Span] = {}
    for span in spans:
        for i in range(span.start, span.end):
            by_token[i] = span
    replace: dict[int, Span] = {}
    drop: set[int] = set()
    for start, end, head in _runs(doc, rules):
        if _title_case_line(doc[start].sent):
            continue
        if start > 0 and doc[start - 1].text in {"-", "\u2013", "\u2014", "/"}:
            continue                      # "the Kazakhstan–Kyrgyzstan Council": two states' body
        kind = _kind(doc, start, end, head, rules)
        if kind is None:
            continue
        label, end = kind
        if any(doc[i].is_sent_start for i in range(start + 1, end)):
            continue
        inside = {id(by_token[i]): by_token[i] for i in range(start, end) if i in by_token}
        if any((s.start < start and not all(t.lower_ in {"the", "a", "an"} for t in doc[s.start:start]))
               or s.end > end or s.label_ == "TITLE" for s in inside.values()):
            continue                      # crosses another entity or holds a post
        if any(s.start == start and s.end == end and (s.label_ == label or s.id_)
               for s in inside.values()):
            continue                      # already there, or a gazetteer name
        if label == "ORG" and gaz.place(doc[start:end].text) and not inside:
            continue
        for s in inside.values():
            drop.add(id(s))
        replace[start] = Span(doc, start, end, label=label)
    out = [s for s in spans if id(s) not in drop] + list(replace.values())
    coords = _coordinates(doc, out)
    held = {i for c in coords for i in range(c.start, c.end)}
    out = [s for s in out if not any(i in held for i in range(s.start, s.end))]
    return sorted(out + _near_places(doc, out, rules) + coords, key=lambda s: s.start)


def _near_places(doc: Doc, spans: list[Span], rules: dict) -> list[Span]:
    """'Near Rawah, two strikes ...': a capitalised name after 'near' that nothing tagged is a
    place; one can be near a place, not near a person or a body."""
    taken = {i for s in spans for i in range(s.start, s.end)}
    found = []
    for tok in doc[:-1]:
        if tok.lower_ != "near" or tok.i + 1 in taken:
            continue
        j = tok.i + 1
        while j < len(doc) and j not in taken and (_name_word(doc[j]) or doc[j].text in {"al", "-"}) \
                and doc[j].text not in rules["not_names_set"]:
            j += 1
        if j > tok.i + 1 and doc[j - 1].text[:1].isupper():
            found.append(Span(doc, tok.i + 1, j, label="GPE"))
    return found


def near_place(doc: Doc, span: Span) -> Span | None:
    """'Near Al Shadaddi' tagged whole as a person at a sentence start: the name after 'Near'."""
    if span.label_ in {"PERSON", "ORG"} and len(span) > 1 and span[0].lower_ == "near" \
            and span[1].text[:1].isupper():
        return Span(doc, span.start + 1, span.end, label="GPE")
    return None


def _coordinates(doc: Doc, spans: list[Span]) -> list[Span]:
    """'35°12′N 41°05′E', '35.200°N 41.083°E': a map position is a location."""
    # a statistical tag over the digits ("05′E / 35.20" as ORG) does not hold a map position back
    taken = {i for s in spans for i in range(s.start, s.end) if s.label_ not in {"CARDINAL", "QUANTITY"}
             and any(sum(ch.isalpha() for ch in t.text) >= 2 for t in s)}
    found = []
    for m in _COORD.finditer(doc.text):
        span = doc.char_span(m.start(), m.end(), alignment_mode="expand")
        if span is not None and not any(i in taken for i in range(span.start, span.end)):
            found.append(Span(doc, span.start, span.end, label="LOC"))
    return found


def demonym_place(doc: Doc, ent: Span, rules: dict) -> int | None:
    """'the Turkish border', 'Lebanese airspace', 'Syrian territory': a nationality before a noun
    of land, sea or air names a place; where the place ends, or None."""
    j = ent.end
    if j < len(doc) and doc[j].lower_ in rules["place_after_demonym_set"]:
        return j + 1
    return None
