"""Mentions of people with their posts, organisations, states and places in one document.

A person's post comes from the words before the name ("the CSTO Acting Secretary General
Valery Semerikov"), an apposition before it ("the Executive Director of ..., Michelle Koninks")
or after it ("Antonio Guterres, the UN Secretary-General"). Later mentions by post alone,
surname or pronoun are resolved to the person (see resolve.py).
"""
from __future__ import annotations

import re

from spacy.tokens import Doc, Span

from ..records import Mention
from .gazetteer import default_gazetteer
from .groups import group_mentions
from .name_shapes import demonym_place
from .names import name_rules, strip_the
from .resolve import resolve_mentions

CONNECTORS = {"of", "for", "on", "the", "-", "–", "—", "and", "'s", "in", "to"}
DASHES = {"-", "–", "—"}
AGREEMENT_WORDS = {"memorandum", "roadmap", "road map", "treaty", "agreement", "strategy",
                   "declaration", "convention", "charter", "protocol", "accord"}


def find_mentions(doc: Doc) -> list[Mention]:
    gaz = default_gazetteer()
    sent_of = {}
    for i, sent in enumerate(doc.sents):
        for tok in sent:
            sent_of[tok.i] = i
    mentions: list[Mention] = []
    used_titles: set[int] = set()
    for ent in doc.ents:
        label = ent.label_
        sent = sent_of.get(ent.start)
        if label == "PERSON":
            title_span, org = _post_for(doc, ent, gaz)
            if title_span is not None:
                used_titles.update(range(title_span[0], title_span[1]))
            mentions.append(_person(doc, ent, title_span, org, sent))
        elif label in {"ORG", "GPE", "LOC", "NORP", "FAC"}:
            if _see_of_a_title(doc, ent):
                continue
            mention = _named(doc, ent, gaz, sent)
            if mention is not None:
                mentions.append(mention)
        elif label in {"LAW", "WORK_OF_ART"} and _is_agreement(ent.text):
            mentions.append(Mention(ent.start_char, ent.end_char, ent.text, "AGREEMENT",
                                    strip_the(ent.text), sentence=sent))
    # posts without a name ("the CSTO Acting Secretary General"): candidates for resolution
    for ent in doc.ents:
        if ent.label_ == "TITLE" and ent.start not in used_titles:
            start, end = _extend_post(doc, ent.start, ent.end)
            org = _org_in(doc, start, end, gaz)
            text = doc[start:end].text
            mentions.append(Mention(doc[start].idx, doc[end - 1].idx + len(doc[end - 1]),
                                    text, "PERSON", "", entity_id="?",
                                    title=_title_text(doc, start, end, org),
                                    org=org["surface"] if org else None,
                                    sentence=sent_of.get(start), via="post"))
    mentions = _people_named_elsewhere(mentions, gaz, (doc._.context or {}).get("published"))
    mentions.sort(key=lambda m: (m.start, -m.end))
    resolved = resolve_mentions(doc, mentions, gaz)
    resolved += group_mentions(doc, resolved)
    resolved.sort(key=lambda m: (m.start, -m.end))
    return resolved


def _people_named_elsewhere(mentions: list[Mention], gaz, day: str | None = None) -> list[Mention]:
    """One name, one reading in a document: a 'place' or 'body' the gazetteer does not know whose
    words are a person's name (or its surname) found elsewhere in the text is that person."""
    from .resolve import person_key
    keys, surnames = set(), set()
    for m in mentions:
        if m.type == "PERSON" and m.via == "name" and m.name:
            key = person_key(m.name)
            keys.add(key)
            if len(key.split()) > 1:
                surnames.add(key.split()[-1])
    from .holders import default_holders
    holders = default_holders()
    out = []
    for m in mentions:
        if m.type in {"LOC", "ORG"} and m.via == "name" and m.name == strip_the(m.text) \
                and not gaz.org(m.text, fuzzy=False) and not gaz.country(m.text) \
                and not gaz.place(m.text):
            key = person_key(m.text)
            # or an office holder's name or surname ("Blinken will meet ..." tagged a place)
            if key in keys or (" " not in key and key in surnames) or (
                    m.text[:1].isupper() and (holders.by_name(m.text, day) if " " in key
                                              else holders.by_surname(m.text, day))):
                m = Mention(m.start, m.end, m.text, "PERSON", _clean_name(m.text), sentence=m.sentence)
        out.append(m)
    return out


def _see_of_a_title(doc: Doc, ent: Span) -> bool:
    """'Patriarch Kirill of Moscow and all Russia', 'Catholicos of All Armenians': the place after
    'all' in a title's 'of ... and all ...' names the see of the title, not a side of an event."""
    i = ent.start - 1
    if i < 2 or doc[i].lower_ != "all":
        return False
    j = i - 1
    if doc[j].lower_ == "and":
        j -= 1
    for k in range(j, max(ent.sent.start - 1, j - 5), -1):
        if doc[k].lower_ == "of":
            # the title or its holder just before: "Patriarch Kirill of", "Catholicos of"
            return any(doc[h].ent_type_ in {"PERSON", "TITLE"} for h in range(max(0, k - 3), k))
    return False


def _is_agreement(text: str) -> bool:
    lower = text.lower()
    return any(word in lower for word in AGREEMENT_WORDS)


def _person(doc: Doc, ent: Span, title_span, org, sent) -> Mention:
    title = _title_text(doc, *title_span, org) if title_span else None
    # the words the person is named by, without what the NER glued after them ("Putin's
    # Victory Day", "Price:", "Xi Jinping(retranslated"): the surface is an alias of the person
    surface = re.split(r"['\u2019]s\b|\s*:|\s*\(", ent.text)[0].rstrip(" ,") or ent.text
    return Mention(ent.start_char, ent.start_char + len(surface), surface, "PERSON",
                   _clean_name(ent.text), title=title, org=org["surface"] if org else None,
                   sentence=sent)


def _clean_name(text: str) -> str:
    text = re.split(r"['\u2019]s\b", text)[0]     # "Sherman's Meeting" (a headline) -> Sherman
    text = re.split(r"\s*:", text)[0]             # "Price:\u200e", a speaker label's colon
    words = [w for w in text.replace("\n", " ").split() if w.rstrip(".") not in
             {"Mr", "Mrs", "Ms", "Dr", "H.E."}]
    return " ".join(words).strip(" ,")


def _named(doc: Doc, ent: Span, gaz, sent) -> Mention | None:
    text = ent.text.strip()
    label = ent.label_
    if label == "NORP":
        country = gaz.country(text)
        land = demonym_place(doc, ent, name_rules())
        if land is not None and country is not None:
            span = doc[ent.start:land]     # "the Turkish border", "Syrian territory": a place
            return Mention(span.start_char, span.end_char, span.text, "LOC", span.text, sentence=sent)
        group = _group_of(doc, ent)
        if group is not None:
            # "Iraqi security forces", "the Syrian people", "Kurdish fighters": a group of the
            # state's (its agent in events) or, for a people without a state, a body of its own
            span = doc[ent.start:group]
            if country is not None:
                return Mention(span.start_char, span.end_char, span.text, "GPE", country["name"],
                               sentence=sent, via="group")
            return Mention(span.start_char, span.end_char, span.text, "ORG", span.text,
                           sentence=sent, via="group")
        if country is None:
            return None
        return Mention(ent.start_char, ent.end_char, text, "GPE", country["name"],
                       sentence=sent, via="demonym")
    if label in {"GPE", "LOC", "FAC"}:
        country = gaz.country(text)
        if country is not None:
            return Mention(ent.start_char, ent.end_char, text, "GPE", country["name"],
                           sentence=sent)
        org = gaz.org(text)
        if org is not None:
            return Mention(ent.start_char, ent.end_char, text, "ORG", org["name"],
                           org=_parent_name(gaz, org), sentence=sent)
        place = gaz.place(text)
        return Mention(ent.start_char, ent.end_char, text, "LOC",
                       place["name"] if place else strip_the(text), sentence=sent)
    # ORG
    org = gaz.org(text)
    if org is not None:
        return Mention(ent.start_char, ent.end_char, text, "ORG", org["name"],
                       org=_parent_name(gaz, org), sentence=sent,
                       via="acronym" if text.isupper() else "name")
    country = gaz.country(text)
    if country is not None:
        return Mention(ent.start_char, ent.end_char, text, "GPE", country["name"], sentence=sent)
    if len(text) < 2 or text.lower() in {"un cooperation"}:
        return None
    return Mention(ent.start_char, ent.end_char, text, "ORG", strip_the(text), sentence=sent)


def _group_of(doc: Doc, ent: Span) -> int | None:
    """Where the group a nationality qualifies ends: 'Iraqi [security] forces', 'Syrian Arab
    Coalition' -> the token after the head noun; None when the head is no group noun."""
    if ent.text.endswith("s") and not ent.text.endswith("ss") or ent.end >= len(doc):
        return None         # "Iraqis", "Syrians" are a group already
    groups = name_rules()["group_nouns_set"]
    j = ent.end
    while j < len(doc) and j - ent.end < 3 and doc[j].is_alpha and doc[j].ent_type_ in {"", "NORP"}:
        if doc[j].lower_ in groups and (j + 1 >= len(doc) or doc[j + 1].lower_ not in groups
                                        or not doc[j + 1].is_alpha):
            return j + 1
        if doc[j].pos_ not in {"NOUN", "PROPN", "ADJ"}:
            return None
        j += 1
    return None


def _parent_name(gaz, org: dict) -> str | None:
    parents = gaz.parents(org["id"])
    return parents[-1]["name"] if parents else None


# --- posts -------------------------------------------------------------------------------

def _post_token(tok) -> bool:
    """Can this token be part of a post phrase?"""
    if tok.ent_type_ in {"TITLE", "ORG", "GPE", "NORP", "LOC"}:
        return True
    if tok.lower_ in CONNECTORS:
        return True
    return tok.text[:1].isupper() and tok.is_alpha and tok.ent_type_ not in {"PERSON", "DATE"}


def _extend_post(doc: Doc, start: int, end: int) -> tuple[int, int]:
    """Grow a TITLE span to its pre-modifiers and its "of ..." / "for ..." complement."""
    sent = doc[start].sent
    i = start
    while i - 1 >= sent.start and doc[i - 1].ent_type_ in {"ORG", "GPE", "NORP", "TITLE"}:
        i -= 1
    j = end
    while j < sent.end and _post_token(doc[j]) and doc[j].ent_type_ != "PERSON":
        if doc[j].lower_ == "and" and not _and_inside_post(doc, j):
            break
        if doc[j].lower_ in {"in", "to", "on"} and doc[j].ent_type_ == "":
            break
        if doc[j].ent_type_ == "TITLE" and doc[j].ent_iob_ == "B" and j > end \
                and doc[j - 1].lower_ not in DASHES:
            break
        j += 1
    while j > end and doc[j - 1].lower_ in CONNECTORS:
        j -= 1
    return i, j


def _and_inside_post(doc: Doc, j: int) -> bool:
    """'Political and Peacebuilding Affairs' is one post; 'Semerikov and the Deputy' is not."""
    if j + 1 >= len(doc) or j == 0:
        return False
    left, right = doc[j - 1], doc[j + 1]
    return (left.text[:1].isupper() and right.text[:1].isupper() and right.lower_ != "the"
            and right.ent_type_ not in {"TITLE", "PERSON"})


def _post_for(doc: Doc, ent: Span, gaz):
    """The post phrase governing a person's name, as token offsets, and its organisation."""
    sent = ent.sent
    # before the name, possibly across an apposition comma
    j = ent.start
    if j - 1 >= sent.start and doc[j - 1].text == ",":
        j -= 1
    i = j
    while i - 1 >= sent.start and _post_token(doc[i - 1]) and doc[i - 1].ent_type_ != "PERSON":
        if doc[i - 1].lower_ == "and" and not _and_inside_post(doc, i - 1):
            break
        if doc[i - 1].lower_ in {"in", "to", "on"} and doc[i - 1].ent_type_ == "":
            break
        i -= 1
    while i < j and (doc[i].lower_ in CONNECTORS or doc[i].ent_type_ == "" and
                     not doc[i].text[:1].isupper()):
        i += 1
    has_title = any(doc[k].ent_type_ == "TITLE" for k in range(i, j))
    if has_title:
        # the post starts at its first title word or the body/state right before it
        first_title = next(k for k in range(i, j) if doc[k].ent_type_ == "TITLE")
        k = first_title
        while k - 1 >= i and doc[k - 1].ent_type_ in {"ORG", "GPE", "NORP"}:
            k -= 1
        start = k
        end = j
        if j < ent.start or doc[end - 1].text == ",":
            end = j
        org = _org_in(doc, start, end, gaz)
        return (start, end), org
    # after the name: "Antonio Guterres, the UN Secretary-General"
    k = ent.end
    if k < sent.end and doc[k].text == ",":
        k += 1
        if k < sent.end and doc[k].lower_ == "the":
            k += 1
        s = k
        while k < sent.end and doc[k].ent_type_ in {"ORG", "GPE", "NORP"}:
            k += 1
        if k < sent.end and doc[k].ent_type_ == "TITLE":
            start, end = _extend_post(doc, k, _ent_end(doc, k))
            # an apposition closes ("Guterres, the UN Secretary-General, said"); a post phrase
            # running into a verb is the subject of the next clause ("contact with Zelensky,
            # the President of Russia reaffirmed ...") and not the name's post
            if end < sent.end and not doc[end].is_punct and doc[end].lower_ not in {"and", "who"}:
                return None, None
            start = min(start, s)
            org = _org_in(doc, start, end, gaz)
            return (start, end), org
    return None, None


def _ent_end(doc: Doc, i: int) -> int:
    j = i + 1
    while j < len(doc) and doc[j].ent_iob_ == "I":
        j += 1
    return j


def _org_in(doc: Doc, start: int, end: int, gaz) -> dict | None:
    """The organisation (or state) a post belongs to: after 'of', else before the title."""
    spans = [e for e in doc.ents if e.start >= start and e.end <= end
             and e.label_ in {"ORG", "GPE", "NORP", "LOC"}]
    # "Special Envoy for Yemen", "Ambassador to Russia": the post's remit, not its organisation
    spans = [e for e in spans if not _remit(doc, e, start)]
    if not spans:
        return None
    after_of = [e for e in spans if e.start > start and doc[e.start - 1].lower_ in {"of", "the"}
                and any(doc[t].lower_ == "of" for t in range(max(start, e.start - 2), e.start))]
    # the whole complement may name one body ("Executive Directorate of the ... Council")
    if after_of:
        first = after_of[0]
        whole = doc[first.start:end].text
        if gaz.org(whole):
            return _post_org(gaz.org(whole), whole, first.label_)
        found = gaz.org(first.text) or gaz.country(first.text)
        if found:
            return _post_org(found, first.text, first.label_)
    for span in spans:
        found = gaz.org(span.text) or gaz.country(span.text)
        if found:
            return _post_org(found, span.text, span.label_)
    return {"id": None, "name": strip_the(spans[0].text), "surface": strip_the(spans[0].text)}


def _remit(doc: Doc, ent: Span, start: int) -> bool:
    i = ent.start - 1
    if i >= start and doc[i].lower_ == "the":
        i -= 1
    return i >= start and doc[i].lower_ in {"for", "to"} and ent.label_ in {"GPE", "LOC", "NORP"}


def _post_org(found: dict, text: str, label: str) -> dict:
    """The post's organisation as the text names it (gold and readers know that form); a
    demonym ("Kazakh Minister") gives the state's name."""
    surface = found["name"] if label == "NORP" else strip_the(text.strip().rstrip(","))
    return {"id": found.get("id"), "name": found["name"], "surface": surface}


def _title_text(doc: Doc, start: int, end: int, org: dict | None) -> str:
    """The post as words: pre-modifying body or state and a trailing 'of <body>' dropped."""
    toks = list(doc[start:end])
    while toks and toks[0].ent_type_ in {"ORG", "GPE", "NORP"} and toks[0].ent_iob_ != "" \
            and any(t.ent_type_ == "TITLE" for t in toks):
        if toks[0].ent_type_ == "TITLE":
            break
        toks = toks[1:]
    # a compound post joins its parts with a free-standing dash, unlike "Counter-Terrorism"
    has_dash = any(t.text in DASHES and t.i > 0 and doc[t.i - 1].whitespace_ for t in toks)
    if not has_dash:
        # "Executive Director of the Executive Directorate ..." -> "Executive Director"
        for n, tok in enumerate(toks):
            if tok.lower_ == "of" and n + 1 < len(toks):
                rest = toks[n + 1:]
                if rest and rest[0].lower_ == "the":
                    rest = rest[1:]
                if rest and rest[0].ent_type_ in {"ORG", "GPE"}:
                    toks = toks[:n]
                    break
    while toks and (toks[-1].lower_ in CONNECTORS or toks[-1].text == ","):
        toks = toks[:-1]
    if not toks:
        return ""
    return doc[toks[0].i:toks[-1].i + 1].text.replace("\n", " ").strip()


__all__ = ["find_mentions", "name_rules"]
