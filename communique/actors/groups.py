"""Unnamed groups as actors: 'a combined Afghan and coalition security force detained two
suspected insurgents'. Security and conflict reports name their actors by what they are, not
who: the noun phrase is the actor, named by its words without the leading article or number.

A group inside a named mention (the 'Afghan National Security Forces', a person's post) is that
mention's, not a group of its own.
"""
from __future__ import annotations

import functools
import json
from importlib import resources

from spacy.tokens import Doc

from ..records import Mention


@functools.lru_cache(maxsize=1)
def _vocab() -> tuple[frozenset, frozenset, frozenset, frozenset, frozenset]:
    with resources.files("communique.data").joinpath("groups.json").open(encoding="utf-8") as fh:
        data = json.load(fh)
    return (frozenset(data["group_nouns"]), frozenset(data["people_nouns"]),
            frozenset(data["leading_words"]), frozenset(data["own_people_nouns"]),
            frozenset(data.get("agent_nouns", [])))


def group_mentions(doc: Doc, mentions: list[Mention]) -> list[Mention]:
    nouns, people, leading, own_people, agents = _vocab()
    named = {i for m in mentions if m.type in {"ORG", "GPE"} and m.via != "group"
             for i in range(m.start, m.end)}
    covered = set()
    for m in mentions:
        if m.type in {"PERSON", "ORG"} and m.via not in {"pronoun", "implied"} \
                or m.via == "group":    # "Syrian opposition fighters": a nation's group, read already
            covered.update(range(m.start, m.end))
    out = []
    last_of: dict[str, Mention] = {}       # head word -> the last group it named
    for tok in doc:
        if tok.lower_ not in nouns | people or tok.pos_ not in {"NOUN", "PROPN"} \
                or tok.idx in covered:
            continue
        after = doc[tok.i + 1] if tok.i + 1 < len(doc) else None
        if tok.dep_ == "compound" or (after is not None and after.tag_ in NOUN_TAGS):
            continue    # 'force protection', 'coalition security force': a modifier, not the group
        of = [g for c in tok.children if c.dep_ == "prep" and c.lower_ == "of" for g in c.children]
        if tok.lower_ in nouns and of:
            continue    # "an Il-76 aircraft of the Emergencies Ministry": the body acts
        if tok.lower_ in own_people and any(g.idx in named for g in of):
            continue    # "the delegation of the CSTO Secretariat": the Secretariat acts
        start = _phrase_start(doc, tok, covered)
        first = start
        while first < tok.i and doc[first].lower_ in leading:
            first += 1
        if first > tok.i or doc[first].idx in covered:
            continue
        end = _people_phrase_end(doc, tok, people) if tok.lower_ in people else tok.i + 1
        if first == tok.i and end == tok.i + 1 and not (tok.dep_ == "nsubj" and tok.lower_ in agents):
            continue    # "the troops", "participants": a bare noun names no one in particular
        name = doc[first:end].text
        mention = Mention(doc[start].idx, doc[end - 1].idx + len(doc[end - 1]),
                          doc[start:end].text, "ORG", name[0].upper() + name[1:], via="group")
        covered.update(range(mention.start, mention.end))
        head = tok.lower_
        if doc[start].lower_ in DEFINITE and head in last_of:
            # "the security force", "the assault force": the group named before
            antecedent = last_of[head]
            mention.name, mention.entity_id = antecedent.name, antecedent.entity_id
        last_of[head] = mention
        out.append(mention)
    return out


DEFINITE = {"the", "this", "that", "these", "those"}


NOUN_TAGS = {"NN", "NNS", "NNP", "NNPS"}
MODIFIER_TAGS = {"JJ", "JJR", "JJS", "NN", "NNS", "NNP", "NNPS", "VBN", "VBD", "CD", "DT", "HYPH"}


def _people_phrase_end(doc: Doc, head, people: frozenset) -> int:
    """Past the heads listed with a people noun and its 'of' phrase: 'participants and guests
    of the National Sports Award ceremony' (up to a comma or a clause)."""
    last = head
    for c in head.conjuncts:
        if c.i > last.i and c.lower_ in people and c.i - last.i <= 3:
            last = c
    end = last.i + 1
    of = [c for c in list(last.children) + list(head.children)
          if c.dep_ == "prep" and c.lower_ == "of" and c.i >= end]
    if of:
        stop = of[0].right_edge.i + 1
        for t in doc[of[0].i:stop]:
            if t.is_punct and t.text not in {"-", "–", "'", "’"} or t.dep_ in {"relcl", "acl"}:
                stop = t.i
                break
        end = max(end, stop)
    return end


def _phrase_start(doc: Doc, head, covered: set[int]) -> int:
    """The first word of the group's noun phrase, read leftwards over its modifiers (the parse
    often splits 'a combined Afghan and coalition security force')."""
    sent_start = head.sent.start
    i = head.i
    while i - 1 >= sent_start:
        prev = doc[i - 1]
        if prev.lower_ == "and" and i - 2 >= sent_start and (
                doc[i - 2].tag_ in {"NNS", "NNPS"} or doc[i - 2].idx in covered):
            break       # "Afghan civilians and Afghan forces", "Minister X and a delegation": two
        if prev.tag_ in MODIFIER_TAGS or prev.lower_ in {"and", "-", "–"}:
            if prev.tag_ in {"VBD", "VBN"} and prev.dep_ not in {"amod", "compound"}:
                break
            i -= 1
            continue
        break
    while i < head.i and doc[i].lower_ in {"and", "-", "–"}:
        i += 1
    return i
