"""Repairs of the statistical NER's labels that need the whole document or the gazetteer.

The small English model often calls an Arabic town a person ("isolate Raqqah") or a body
("the liberation of Sinjar"), a rare personal name a place or a body ("Knox Thames, the Special
Advisor"), a weapon's acronym a body ("a VBIED"), and misses "the Coalition" or "Mr Alzoubi".
Official news names places, people and bodies consistently within one text, so the repairs
lean on what else the document says: which states it mentions, which names it gives people.
"""
from __future__ import annotations

import re

from spacy.tokens import Doc, Span

from .name_shapes import near_place, shaped_names
from .names import name_rules

HONORIFICS = {"Mr", "Mrs", "Ms", "Dr", "Mr.", "Mrs.", "Ms.", "Dr.", "Sheikh", "Prof", "Prof."}
_SPEECH = {"say", "tell", "add", "explain", "note", "stress", "recall", "warn"}


def repair_labels(doc: Doc, spans: list[Span]) -> list[Span]:
    """The entity spans with places, people and bodies relabelled, noise dropped and missed
    names ('Mr Alzoubi', 'the Coalition', 'the Assad regime') added."""
    from .gazetteer import default_gazetteer
    gaz = default_gazetteer()
    rules = name_rules()
    not_orgs = frozenset(rules.get("not_orgs", ()))
    ranks = frozenset(rules.get("rank_abbreviations", ()))
    spans = [s for s in spans if not _noise(doc, s, not_orgs, ranks)]
    spans = _joined_initials(doc, _regimes(doc, spans, frozenset(rules.get("regime_nouns", ()))))
    spans = shaped_names(doc, [near_place(doc, s) or s for s in spans], rules)
    countries = _countries_named(spans, gaz)
    person_words = _person_name_words(spans)
    out = []
    for span in spans:
        if span.label_ in {"PERSON", "ORG"} and not span.id_:
            span = _place_named(doc, span, gaz, countries, person_words) or span
        if span.label_ in {"ORG", "GPE", "LOC"} and not span.id_:
            span = _person_named(doc, span, gaz) or span
        if span.label_ in {"ORG", "PERSON", "GPE", "FAC", "LOC"} and not span.id_:
            span = _not_actor(doc, span, rules) or span
        if len(span) == 1 and span.text in rules["collective_names_set"] and span.label_ != "ORG":
            span = Span(doc, span.start, span.end, label="ORG")   # "the Coalition" as a person
        out.append(span)
    out = _one_sense(doc, out, gaz, person_words)
    return out + _missed_names(doc, out, rules)


_PLATFORM = re.compile(r"^[A-Z][A-Za-z]{0,2}-\d{1,3}[A-Z]?s?$")   # F-16, MQ-9, B-52, MiG-29

_PLACE_NOUNS = {"town", "village", "city", "suburb", "district", "area", "outskirts", "province",
                "governorate", "neighbourhood", "neighborhood", "region", "island"}
_LOCATIVE = {"in", "near", "outside", "around", "into", "towards", "toward", "across", "inside",
             "from", "at", "throughout"}


def _cues(doc: Doc, span: Span, person_words: set[str]) -> tuple[bool, bool]:
    """(place cue, person cue) of one mention: 'in X', 'the town of X', 'X, a village' against
    a post or honorific before it, a post in apposition, 'X said', a surname of the text."""
    prev = doc[span.start - 1] if span.start > 0 else None
    nxt = doc[span.end] if span.end < len(doc) else None
    after = doc[span.end + 1] if span.end + 1 < len(doc) else None
    person = (prev is not None and (prev.ent_type_ == "TITLE" or prev.text in HONORIFICS)) \
        or (nxt is not None and nxt.text == "," and after is not None and after.ent_type_ == "TITLE") \
        or (span.root.dep_ == "nsubj" and span.root.head.lemma_ in _SPEECH) \
        or (len(span) == 1 and span.text in person_words) or _described_as_person(doc, span)
    if nxt is not None and nxt.text in {"'s", "\u2019s"}:
        return False, person
    head = span.root
    while head.dep_ == "conj" and head.head is not head:
        head = head.head
    # "in Qamenas, Sarmin and Talamenes": a later conjunct of a name right after the preposition
    first = head.left_edge
    place = (prev is not None and prev.lower_ in _LOCATIVE) \
        or (head is not span.root and prev is not None and prev.lower_ in {",", "and", "or"}
            and head.dep_ == "pobj" and head.head.lower_ in _LOCATIVE
            and first.i > 0 and doc[first.i - 1].lower_ in _LOCATIVE) \
        or (prev is not None and prev.lower_ == "of" and span.start > 1
            and doc[span.start - 2].lower_ in _PLACE_NOUNS) \
        or (nxt is not None and nxt.text == "," and after is not None and after.lower_ in {"a", "an"}
            and span.end + 2 < len(doc) and doc[span.end + 2].lower_ in _PLACE_NOUNS)
    return place, person


def _described_as_person(doc: Doc, span: Span) -> bool:
    """'14-year-old Amjad', 'One young girl, Islam,', 'the farms' owner, Jamal Alzoubi': an age
    or a noun for a person right before the name."""
    i = span.start
    if i >= 3 and doc[i - 1].lower_ == "old" and doc[i - 2].text == "-" and doc[i - 3].lower_ in {"year", "years"}:
        return True
    return i >= 2 and doc[i - 1].text == "," and doc[i - 2].lower_ in name_rules()["person_nouns_set"]


def _one_sense(doc: Doc, spans: list[Span], gaz, person_words: set[str]) -> list[Span]:
    """One name, one kind of thing in a document: a name the gazetteer does not know as a body
    or state that the text puts only where places go ('in Daquq', 'the town of X') is a place
    everywhere in it; one it treats only as a person ('Sadiq told ...', 'Lyons said') is a
    person everywhere."""
    body_words = name_rules()["body_words_set"]
    collective = name_rules()["collective_names_set"]
    place_cue: dict[str, bool] = {}
    person_cue: dict[str, bool] = {}
    candidates = []
    for span in spans:
        # a known town may still be a surname of the text ("David C. Lyons ... Lyons said")
        known_place = span.id_.startswith("place:") and span.text in person_words
        if span.label_ not in {"PERSON", "ORG", "GPE", "LOC"} or (span.id_ and not known_place) \
                or len(span) > 3 \
                or not span.text[:1].isupper() or span.text.isupper():
            continue
        if any(t.text in body_words for t in span) or span.text in collective:
            continue
        key = span.text
        place, person = _cues(doc, span, person_words)
        place_cue[key] = place_cue.get(key, False) or place
        person_cue[key] = person_cue.get(key, False) or person
        candidates.append(span)
    out = []
    for span in spans:
        key = span.text
        if span in candidates and place_cue[key] != person_cue[key]:
            if place_cue[key] and span.label_ in {"PERSON", "ORG"} and not gaz.org(key, fuzzy=False):
                span = Span(doc, span.start, span.end, label="GPE")
            elif person_cue[key] and span.label_ in {"GPE", "LOC", "ORG"} and not gaz.country(key) \
                    and not gaz.org(key, fuzzy=False) and (normalise_key(key) not in gaz._place_key
                                                           or key in person_words):
                span = Span(doc, span.start, span.end, label="PERSON")
        out.append(span)
    return out


def normalise_key(text: str) -> str:
    from .gazetteer import normalise
    return normalise(text)


def _not_actor(doc: Doc, span: Span, rules: dict) -> Span | None:
    """Names the NER takes for bodies, people or places that are sites, ships, operations,
    agreements or groups of people: 'Ishtar Gate', 'Tharthar Barrage' (FAC), 'USS Hopper'
    (PRODUCT), 'Operation Steel Curtain' (EVENT), 'Cessation of Hostilities' (LAW), 'Reserve
    Airmen' (ORG, a group)."""
    first, last = span[0].text, span[-1].text
    if last in rules["facility_words_set"] and (span.label_ == "ORG" or
                                                 (span.label_ == "PERSON" and len(span) > 1)):
        return Span(doc, span.start, span.end, label="FAC")
    if span.label_ in {"GPE", "LOC"} and span[-1].lower_ in rules["group_nouns_set"]:
        return Span(doc, span.start, span.end, label="ORG")    # "Reserve Airmen": people, no place
    if first in rules["vessel_prefixes_set"] and len(span) > 1:
        return Span(doc, span.start, span.end, label="PRODUCT")
    if span.label_ == "ORG" and first == "Operation" and len(span) > 1:
        return Span(doc, span.start, span.end, label="EVENT")
    if span.label_ == "ORG" and len(span) == 1 and first in rules["event_words_set"]:
        return Span(doc, span.start, span.end, label="EVENT")    # "the Summit is the first since ..."
    if span.label_ == "ORG" and any(_PLATFORM.match(t.text) for t in span):
        return Span(doc, span.start, span.end, label="PRODUCT")  # "Air Force F-16 Fighting Falcons"
    if span.label_ == "ORG" and any(t.lower_ in rules["agreement_words_set"] for t in span) \
            and not any(t.text in rules["body_words_set"] for t in span):
        return Span(doc, span.start, span.end, label="LAW")
    return None


def _rank_stub(doc: Doc, span: Span, ranks: frozenset) -> bool:
    """'Navy Capt. Jeff Davis': the service and rank belong to the person's post."""
    if span.label_ != "ORG":
        return False
    last = span[-1].text.rstrip(".")
    after = doc[span.end].text.rstrip(".") if span.end < len(doc) else ""
    return last in ranks or (after in ranks and span.end + 1 < len(doc) and doc[span.end + 1].text == ".")


def _noise(doc: Doc, span: Span, not_orgs: frozenset, ranks: frozenset = frozenset()) -> bool:
    """A weapon's or a format's acronym ('VBIED', 'UAV', 'MRI'), or an acronym inside a line
    written in capitals ('THIS IS A TEST'), is no body; nor is a service before a rank."""
    if ranks and _rank_stub(doc, span, ranks):
        return True
    if span.label_ not in {"ORG", "PRODUCT", "GPE", "NORP"} or len(span) != 1:
        return False
    text = span.text
    if text in not_orgs:
        return True
    if text.isupper() and len(text) <= 3:
        near = [t for t in (doc[span.start - 1] if span.start > 0 else None,
                            doc[span.end] if span.end < len(doc) else None) if t is not None]
        return len(near) == 2 and all(t.is_alpha and t.is_upper and len(t) > 1 for t in near)
    return False


def _countries_named(spans: list[Span], gaz) -> set[str]:
    found = set()
    for span in spans:
        if span.label_ in {"GPE", "NORP", "LOC"}:
            country = gaz.country(span.text)
            if country is not None:
                found.add(country["iso2"])
            elif span.id_.startswith("place:"):
                place = gaz.get(span.id_)
                if place:
                    found.add(place["country"])
    return found


def _person_name_words(spans: list[Span]) -> set[str]:
    """Words of the people's names of two words or more ('David C. Lyons' -> Lyons): a surname
    alone is that person, never a town of the same name."""
    words = set()
    for span in spans:
        if span.label_ == "PERSON" and len(span) > 1:
            words.update(t.text for t in span if t.text[:1].isupper())
    return words


def _place_named(doc: Doc, span: Span, gaz, countries: set[str], person_words: set[str]) -> Span | None:
    """'isolate Raqqah' (PERSON), 'the liberation of Sinjar' (ORG): a name that the gazetteer or
    GeoNames knows as a town of a state the document names, that is no one's name in the
    document and has no post or honorific before it, is that town."""
    if len(span) > 3 or not span.text[:1].isupper() or span.text.isupper():
        return None
    if span.label_ == "PERSON" and any(t.text in person_words for t in span) and len(span) == 1:
        return None
    prev = doc[span.start - 1] if span.start > 0 else None
    if prev is not None and (prev.ent_type_ == "TITLE" or prev.text in HONORIFICS):
        return None
    nxt = doc[span.end] if span.end < len(doc) else None
    if nxt is not None and nxt.text == "," and span.end + 1 < len(doc) and \
            doc[span.end + 1].ent_type_ == "TITLE":
        return None         # "Knox Thames, the Special Advisor": a person
    if span.label_ == "PERSON" and span.root.dep_ in {"nsubj"} and span.root.head.lemma_ in _SPEECH:
        return None         # "..., Lyons said"
    text = span.text
    if gaz.org(text, fuzzy=False) or gaz.country(text):
        return None
    place = gaz.place(text)
    if place is None or place.get("country") not in countries:
        return None
    return Span(doc, span.start, span.end, label="GPE")


def _person_named(doc: Doc, span: Span, gaz) -> Span | None:
    """'Knox Thames, the Special Advisor ...', 'Qanbar was a commander': a name no gazetteer knows
    that stands in apposition to a post, or is said to hold one, is a person's."""
    if len(span) > 4 or not all(t.text[:1].isupper() or t.text in {"-", "al", "bin"} for t in span):
        return None
    body_words = name_rules()["body_words_set"]
    if any(t.text in body_words for t in span):
        return None
    j = span.end
    apposed = j + 1 < len(doc) and doc[j].text == "," and (
        doc[j + 1].ent_type_ == "TITLE" or (doc[j + 1].lower_ == "the" and j + 2 < len(doc)
                                             and doc[j + 2].ent_type_ == "TITLE"))
    root = span.root
    holds = root.dep_ == "nsubj" and root.head.lemma_ == "be" and any(
        c.dep_ == "attr" and (c.ent_type_ == "TITLE" or any(t.ent_type_ == "TITLE" for t in c.subtree))
        for c in root.head.children)
    if not (apposed or holds):
        return None
    text = span.text
    if gaz.org(text, fuzzy=False) or gaz.country(text) or gaz.place(text):
        return None
    return Span(doc, span.start, span.end, label="PERSON")


def _regimes(doc: Doc, spans: list[Span], regime_nouns: frozenset) -> list[Span]:
    """'the Assad regime', 'Assad's brutal regime', 'the regime of Assad': a person's name that
    owns or modifies such a noun names a body, the regime, not the person."""
    out = []
    for span in spans:
        if span.label_ == "PERSON" and len(span) <= 3:
            end = _regime_after(doc, span.end, regime_nouns)
            if end is not None:
                out.append(Span(doc, span.start, end, label="ORG"))
                continue
            if span.start >= 2 and doc[span.start - 1].lower_ == "of" \
                    and doc[span.start - 2].lower_ in regime_nouns and doc[span.start - 2].pos_ == "NOUN":
                out.append(Span(doc, span.start - 2, span.end, label="ORG"))
                continue
        out.append(span)
    return out


def _regime_after(doc: Doc, j: int, regime_nouns: frozenset) -> int | None:
    """Where 'regime' ends after a name: right after it, or after "'s" and one adjective."""
    if j < len(doc) and doc[j].lower_ in regime_nouns:
        return j + 1
    if j < len(doc) and doc[j].text in {"'s", "\u2019s"}:
        k = j + 1
        if k < len(doc) and doc[k].pos_ == "ADJ":
            k += 1
        if k < len(doc) and doc[k].lower_ in regime_nouns:
            return k + 1
    return None


def _joined_initials(doc: Doc, spans: list[Span]) -> list[Span]:
    """'David C.' PERSON + 'Lyons' GPE: a name cut after a middle initial goes on with the
    capitalised word right after it."""
    out: list[Span] = []
    for span in spans:
        if out and out[-1].label_ == "PERSON" and out[-1].end == span.start and len(span) == 1 \
                and len(out[-1]) >= 2 and span.text[:1].isupper() \
                and (not span.id_ or span.id_.startswith("place:")) \
                and len(out[-1][-1].text) == 2 and out[-1][-1].text.endswith(".") \
                and out[-1][-1].text[0].isupper():
            out[-1] = Span(doc, out[-1].start, span.end, label="PERSON")
            continue
        out.append(span)
    return out


def _missed_names(doc: Doc, spans: list[Span], rules: dict) -> list[Span]:
    """Names the statistical NER left untagged: a capitalised name after an honorific ('Mr
    Alzoubi') and a body named by one capitalised noun mid-sentence ('the Coalition')."""
    taken = set()
    for span in spans:
        taken.update(range(span.start, span.end))
    collective = rules["collective_names_set"]
    not_names = rules["not_names_set"]
    found = []
    for tok in doc:
        if tok.i in taken:
            continue
        if tok.text in collective:
            found.append(Span(doc, tok.i, tok.i + 1, label="ORG"))
            taken.add(tok.i)
        elif tok.text in HONORIFICS:
            end = tok.i + 1
            while end < len(doc) and end - tok.i <= 3 and end not in taken and doc[end].is_alpha \
                    and doc[end].text[:1].isupper() and doc[end].text not in not_names:
                end += 1
            if end > tok.i + 1:
                found.append(Span(doc, tok.i + 1, end, label="PERSON"))
                taken.update(range(tok.i, end))
    return found
