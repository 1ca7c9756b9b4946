"""Names of people versus names of places and bodies, and the post vocabulary as patterns.

The small statistical NER glues a person to the place or body before it ("President of
Kazakhstan Kassym-Jomart Tokayev" as one ORG); official news always puts the post first, so a
run of capitalised words after a body word or a known place is split off as a person.
"""
from __future__ import annotations

import functools
import json
from importlib import resources

from spacy.tokens import Doc, Span

PERSONISH = {"PERSON"}
NAMEISH = {"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC"}


@functools.lru_cache(maxsize=4)
def name_rules() -> dict:
    with resources.files("communique.data").joinpath("name_rules.json").open(encoding="utf-8") as fh:
        data = json.load(fh)
    data["body_words_set"] = frozenset(data["body_words"])
    data["not_names_set"] = frozenset(data["not_names"])
    data["group_nouns_set"] = frozenset(data.get("group_nouns", ()))
    data["facility_words_set"] = frozenset(data.get("facility_words", ()))
    data["collective_names_set"] = frozenset(data.get("collective_names", ()))
    data["vessel_prefixes_set"] = frozenset(data.get("vessel_prefixes", ()))
    data["agreement_words_set"] = frozenset(data.get("agreement_words", ()))
    for key in ("org_heads", "numbered_org_heads", "geo_heads", "geo_prefixes", "geo_heads_lower",
                "place_after_demonym", "person_nouns", "event_words"):
        data[key + "_set"] = frozenset(data.get(key, ()))
    return data


NAME_PARTICLES = {"ul", "al", "el", "bin", "ibn", "bint", "de", "del", "da", "di", "van", "von",
                  "der", "den", "la", "le", "dos", "das", "du", "ben", "abu"}


def _is_name_token(token) -> bool:
    text = token.text
    if token.is_punct and text not in {"-", "'"}:
        return False
    if text in NAME_PARTICLES and token.i + 1 < len(token.doc) and \
            token.doc[token.i + 1].text[:1].isupper() and token.i > 0 and \
            token.doc[token.i - 1].text[:1].isupper():
        return True     # "Moin ul Haque", "Ursula von der Leyen"
    return text[:1].isupper() or text == "-" or (text[:1].isalpha() and "-" in text)


def repair_entities(doc: Doc) -> list[Span]:
    """Split NER entities of the form <body or place words><Person Name> into two entities."""
    rules = name_rules()
    body_words = rules["body_words_set"]
    out: list[Span] = []
    for ent in doc.ents:
        if ent.label_ in {"ORG", "GPE", "LOC"} and not ent.ent_id_ and len(ent) >= 3:
            # the last body word inside the entity; what follows it may be a person's name
            cut = None
            for tok in ent:
                if tok.text in body_words:
                    cut = tok.i + 1
            if cut is None:
                cut = _known_prefix_cut(ent)
            tail = doc[cut:ent.end] if cut is not None else None
            if tail is not None and 2 <= len(tail) <= 4 and all(_is_name_token(t) for t in tail) \
                    and tail[0].text not in rules["not_names_set"]:
                out.append(Span(doc, ent.start, cut, label=ent.label_))
                out.append(Span(doc, cut, ent.end, label="PERSON"))
                continue
        out.append(ent)
    out += _names_after_posts(doc, out, rules)
    from .ner_repairs import repair_labels
    out = repair_labels(doc, _no_overlaps(out))
    out = [_place_not_person(doc, _with_first_name(doc, _particle_tail(doc, span), out)) for span in out]
    # strip a leading "the" and trailing whitespace tokens from every entity
    cleaned = []
    titles = {i for span in out if span.label_ == "TITLE" for i in range(span.start, span.end)}
    for span in out:
        span = person_proper(doc, span, titles)
        if span is None:
            continue
        start, end = span.start, span.end
        while end > start and doc[end - 1].is_space:
            end -= 1
        if end > start + 1 and doc[start].lower_ == "the" and span.label_ != "TITLE":
            start += 1
        if end > start:
            cleaned.append(Span(doc, start, end, label=span.label_, kb_id=span.kb_id_,
                                span_id=span.id_))
    return _no_overlaps(cleaned)


POST_CONNECTORS = {"of", "the", "for", "and", "on", "to", "-", "–"}


@functools.lru_cache(maxsize=1)
def _person_word_lists() -> tuple[frozenset[str], ...]:
    """(headline words, body heads, transcript roles, remit words): what follows a name in a headline or transcript ("Blinken
    Remarks", "Putin: Comrades") and what makes a 'name' a body ("Biden administration")."""
    with resources.files("communique.data").joinpath("person_names.json").open(encoding="utf-8") as fh:
        data = json.load(fh)
    return (frozenset(w.lower() for w in data.get("headline_words", [])),
            frozenset(w.lower() for w in name_rules().get("regime_nouns", [])),
            frozenset(w.lower() for w in data.get("transcript_roles", [])),
            frozenset(w.lower() for w in data.get("portfolio_words", [])))


def person_proper(doc: Doc, span: Span, titles: set[int] = frozenset()) -> Span | None:
    """A PERSON span without what stuck to it: a transcript label's colon and the speech after it
    ("Vladimir Putin: Comrades"), headline words after the name ("Antony J. Blinken Remarks"). A
    'person' named by headline words alone ("Press Briefing") is none (None); one closed by a
    body's head ("the Biden administration") is an ORG; capitalised words after a post's "for"
    are its remit ("Ambassador-at-Large for Global Criminal Justice"), never a person."""
    if span.label_ != "PERSON":
        return span
    k = span.start - 1
    if k >= 0 and doc[k].lower_ == "the":
        k -= 1
    if k >= 1 and doc[k].lower_ == "for" and k - 1 in titles:
        return None
    headline, bodies, roles, remits = _person_word_lists()
    if all(t.lower_ in roles or t.is_punct for t in span):
        return None
    start = span.start
    while span.end - start > 2 and doc[start].lower_ in remits:
        start += 1          # "Economic Development Maxim Reshetnikov": the post's remit stuck
    if start > span.start:
        span = Span(doc, start, span.end, label="PERSON", kb_id=span.kb_id_, span_id=span.id_)
    if span.text.lower().strip() in headline:
        return None         # "Op-Ed"
    end = span.start
    while end < span.end and not doc[end].text.startswith((":", "|")):
        if ":" in doc[end].text:        # "Price:\u200e" is one token; the name is cleaned of it
            end += 1
            break
        end += 1
    # a speaker label cut before the colon: "Putin:" stays "Putin"
    while end > span.start and (doc[end - 1].lower_ in headline or doc[end - 1].is_punct
                                and doc[end - 1].text not in {".", "'"}):
        end -= 1
    if end == span.start:
        return None
    if end - span.start > 1 and doc[end - 1].lower_ in bodies:
        return Span(doc, span.start, end, label="ORG")
    if end == span.end:
        return span
    return Span(doc, span.start, end, label="PERSON", kb_id=span.kb_id_, span_id=span.id_)


LOCATIVE = {"in", "near", "at", "outside", "around", "into", "towards", "toward", "across", "inside"}


def _known_prefix_cut(ent: Span) -> int | None:
    """'Middle East Tobias Ellwood' (after 'Minister for the'): the longest prefix that is a known
    place, state or body, when two to four name words follow it."""
    from .gazetteer import default_gazetteer, normalise
    gaz = default_gazetteer()
    for k in range(ent.end - 2, ent.start, -1):
        prefix = ent.doc[ent.start:k].text
        if gaz.country(prefix) or gaz.org(prefix, fuzzy=False) or normalise(prefix) in gaz._place_key:
            tail = ent.doc[k:ent.end].text
            if gaz.country(tail) or gaz.org(tail, fuzzy=False) or gaz.place(tail):
                return None
            return k
    return None


def _particle_tail(doc: Doc, span: Span) -> Span:
    """'Ursula von der' + 'Leyen': a name cut after its particle goes on to the surname."""
    if span.label_ != "PERSON" or span[-1].text not in NAME_PARTICLES:
        return span
    end = span.end
    while end < len(doc) and doc[end - 1].text in NAME_PARTICLES and doc[end].text[:1].isupper() \
            and doc[end].is_alpha:
        end += 1
    return Span(doc, span.start, end, label=span.label_, kb_id=span.kb_id_) if end > span.end else span


def _with_first_name(doc: Doc, span: Span, spans: list[Span]) -> Span:
    """'Antony J. Blinken' tagged from the initial on: the given name before it is the person's."""
    if span.label_ != "PERSON" or span.start == 0:
        return span
    first, prev = doc[span.start], doc[span.start - 1]
    if not (len(first.text) == 2 and first.text[0].isupper() and first.text[1] == "."):
        return span
    if not (prev.is_alpha and prev.text[:1].isupper() and not prev.is_sent_start
            and prev.text not in name_rules()["not_names_set"]):
        return span
    if any(s.start <= prev.i < s.end and s.label_ != "TITLE" for s in spans):
        return span
    return Span(doc, span.start - 1, span.end, label="PERSON")


def _place_not_person(doc: Doc, span: Span) -> Span:
    """'Near Raqqah, ...', 'strikes in Karabilah': a 'person' after a locative preposition that
    the gazetteer or GeoNames knows as a place is that place."""
    if span.label_ != "PERSON" or len(span) > 3:
        return span
    start = span.start
    if doc[start].lower_ in LOCATIVE and doc[start].text[:1].isupper() and len(span) > 1:
        start += 1          # "Near Palmyra" tagged whole at a sentence start
    elif not (start > 0 and doc[start - 1].lower_ in LOCATIVE):
        return span
    from .gazetteer import default_gazetteer
    gaz = default_gazetteer()
    text = doc[start:span.end].text
    if len(text) < 4 or gaz.org(text, fuzzy=False):
        return span
    if span.end + 1 < len(doc) and doc[span.end].text == "," and doc[span.end + 1].ent_type_ == "TITLE":
        return span         # "in Geneva, Special Envoy ..." keeps its person
    if gaz.place(text) is None:
        return span
    return Span(doc, start, span.end, label="GPE")


def _names_after_posts(doc: Doc, ents: list[Span], rules: dict) -> list[Span]:
    """'President of Ukraine Volodymyr Zelenskyy': the capitalised run that closes a post
    phrase is a person, even where the statistical NER saw nothing."""
    label_at = {}
    for ent in ents:
        for i in range(ent.start, ent.end):
            label_at[i] = ent.label_
    body_words = rules["body_words_set"]
    found = []
    for ent in ents:
        if ent.label_ != "TITLE":
            continue
        j, limit = ent.end, min(len(doc), ent.end + 16)
        while j < limit:
            tok = doc[j]
            if tok.lower_ in POST_CONNECTORS or label_at.get(j) in {"ORG", "GPE", "NORP", "LOC", "TITLE"}:
                j += 1
                continue
            if label_at.get(j) == "PERSON" or not _is_name_token(tok) or tok.is_space:
                break
            if label_at.get(j) is not None:
                j += 1
                continue
            run_end = j
            while run_end < limit and label_at.get(run_end) is None and _is_name_token(doc[run_end]) \
                    and not doc[run_end].is_space and doc[run_end].lower_ not in POST_CONNECTORS:
                run_end += 1
            nxt = doc[run_end] if run_end < len(doc) else None
            run = doc[j:run_end]
            after = doc[run_end + 1] if run_end + 1 < len(doc) else None
            continues = nxt is not None and (
                nxt.lower_ in POST_CONNECTORS - {"and"} or label_at.get(run_end) in {"ORG", "GPE"}
                or (nxt.lower_ == "and" and after is not None and _is_name_token(after)
                    and label_at.get(run_end + 1) is None))
            if continues:
                j = run_end
                continue
            if label_at.get(run_end) == "PERSON":
                break       # the name is already there: the run is the end of the post
            words = [t for t in run if t.text not in {"-", "'"}]
            # "Special Advisor for Religious Minorities": a plural closes the post, not a name
            plural = any(t.tag_ in {"NNS", "NNPS"} for t in run)
            if 1 <= len(words) <= 4 and not plural and not any(t.text in body_words for t in run) \
                    and not run.text.isupper() and run[0].text not in rules["not_names_set"]:
                found.append(Span(doc, j, run_end, label="PERSON"))
            break
    return found


def _no_overlaps(spans: list[Span]) -> list[Span]:
    spans = sorted(spans, key=lambda s: (s.start, -(s.end - s.start)))
    result, last_end = [], -1
    for span in spans:
        if span.start >= last_end:
            result.append(span)
            last_end = span.end
    return result


def strip_the(text: str) -> str:
    lower = text.lower()
    if lower.startswith("the "):
        return text[4:]
    return text
