"""Whether an event happened (status) and how (mode), from tense and wording."""
from __future__ import annotations

from spacy.tokens import Token

from .detect import Frame
from .lexicon import load_lexicon


def _verb_chain(frame: Frame) -> list[Token]:
    """The trigger and the verbs that govern it, nearest first."""
    chain = []
    tok = frame.trigger
    if frame.noun is not None and frame.via in {"light", "noun", "phrase"}:
        chain.append(frame.noun)
        tok = frame.noun.head
    for _ in range(6):
        chain.append(tok)
        if tok.head is tok or tok.dep_ in {"ROOT"}:
            break
        if tok.dep_ in {"ccomp", "parataxis"}:
            break
        tok = tok.head
    return chain


def _refusal_by_negation(frame: Frame, lex) -> bool:
    """'will not accept', 'refused to ...' read as a REJECT by the model: the negation is the
    refusal, not a sign that it did not happen ('did not reject' stays negated)."""
    if frame.type != "REJECT":
        return False
    word = (frame.noun if frame.noun is not None and frame.via != "verb" else frame.trigger)
    entry = lex.verbs.get(word.lemma_.lower()) or lex.nouns.get(word.lemma_.lower())
    return not (entry and entry.get("type") == "REJECT")


def status_of(frame: Frame, *, date_start: str | None, published: str | None) -> str:
    lex = load_lexicon()
    st = lex.status
    sent = frame.trigger.sent
    sent_lower = sent.text.lower()
    chain = _verb_chain(frame)
    lemmas = {t.lemma_.lower() for t in chain}
    children = [c for t in chain for c in t.children]
    child_lowers = {c.lower_ for c in children}
    if lemmas & set(st["cancelled_lemmas"]) or any(p in sent_lower for p in st["cancelled_phrases"]):
        return "cancelled"
    near = chain[:3]
    if any(c.dep_ == "neg" for t in near for c in t.children) and not _refusal_by_negation(frame, lex):
        return "negated"
    if child_lowers & set(st["planned_aux"]) or any(p in sent_lower for p in st["planned_phrases"]):
        return "planned"
    if any(t.lemma_.lower() in st["planned_governors"] and t.i != frame.trigger.i
           for t in chain[1:]) and any(c.lower_ == "to" for t in chain for c in t.children):
        return "planned"
    # "supported the proposal to hold a meeting", "preparations for the summit"
    for below, t in zip(chain, chain[1:4]):
        if t.lemma_.lower() in st["planned_nouns"] and t.pos_ == "NOUN" and (
                below.dep_ in {"acl", "xcomp"} or (below.dep_ == "prep" and below.lower_ == "for")
                or (below.dep_ == "pobj" and below.head.lower_ == "for")):
            return "planned"
    if frame.noun is not None and any(
            c.lower_ in st["planned_modifiers"] or
            (c.dep_ in {"acl", "relcl"} and c.lemma_.lower() in st["planned_governors"])
            for c in frame.noun.children):
        return "planned"
    if child_lowers & set(st["hypothetical_aux"]) or \
            any(c.dep_ == "mark" and c.lower_ in st["hypothetical_marks"] for c in children):
        return "hypothetical"
    if any(p in sent_lower for p in st["ongoing_phrases"]):
        return "ongoing"
    # a date after publication at its own precision: "early next year" (2023-01) in March 2022
    if date_start and published and date_start[:4].isdigit() and \
            date_start[:10] > published[:min(10, len(date_start))]:
        return "planned"
    # a headline in the future: "On June 25, Vladimir Putin will meet ..." handled above
    return "occurred"


def mode_of(frame: Frame, n_sides: int) -> str | None:
    if frame.type != "CONSULT":
        return None
    lex = load_lexicon()
    if frame.mode == "visit":
        return "visit"
    sent_words = {t.lower_ for t in frame.trigger.sent}
    if frame.noun is not None:
        sent_words |= {t.lower_ for t in frame.noun.subtree}
    if frame.mode == "phone" or (sent_words & lex.modes["phone"] and
                                 sent_words & {"telephone", "phone", "videoconference", "video", "call"}):
        return "phone"
    if frame.mode == "multilateral" or n_sides >= 3:
        return "multilateral"
    if frame.noun is not None:
        of = [c for c in frame.noun.children if c.dep_ == "prep" and c.lower_ == "of"]
        for prep in of:
            for obj in prep.children:
                if obj.tag_ == "NNPS" or obj.ent_type_ == "ORG" and obj.tag_ == "NNS" \
                        or obj.lemma_.lower() in lex.modes["multilateral"]:
                    return "multilateral"
    return None
