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
    return data


def title_patterns(gazetteer, tokenizer) -> list[dict]:
    """EntityRuler token patterns with label TITLE: any modifiers, then a post head.

    Token patterns (one per head) rather than phrase patterns: thousands of modifier and head
    combinations would cost seconds to tokenize at every start."""
    modifier_words = sorted({w.lower() for m in gazetteer.title_modifiers() for w in m.split()})
    patterns = []
    seen = set()
    for head in gazetteer.title_heads():
        words = [t.lower_ for t in tokenizer(head)]
        if not words or tuple(words) in seen:
            continue
        seen.add(tuple(words))
        body = [{"LOWER": w} for w in words]
        patterns.append({"label": "TITLE", "pattern": body})
        patterns.append({"label": "TITLE",
                         "pattern": [{"LOWER": {"IN": modifier_words}, "OP": "+"}] + body})
    return patterns


def _is_name_token(token) -> bool:
    text = token.text
    if token.is_punct and text not in {"-", "'"}:
        return False
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
            tail = doc[cut:ent.end] if cut is not None else None
            if tail is not None and 2 <= len(tail) <= 4 and all(_is_name_token(t) for t in tail) \
                    and tail[0].text not in rules["not_names_set"]:
                out.append(Span(doc, ent.start, cut, label=ent.label_))
                out.append(Span(doc, cut, ent.end, label="PERSON"))
                continue
        out.append(ent)
    # strip a leading "the" and trailing whitespace tokens from every entity
    cleaned = []
    for span in out:
        start, end = span.start, span.end
        while end > start and doc[end - 1].is_space:
            end -= 1
        if end > start + 1 and doc[start].lower_ == "the" and span.label_ != "TITLE":
            start += 1
        if end > start:
            cleaned.append(Span(doc, start, end, label=span.label_, kb_id=span.kb_id_,
                                span_id=span.id_))
    return _no_overlaps(cleaned)


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
