"""Frames from the trained trigger model: words the rules have no entry for.

The model (communique/learn) marks each word that states an event with a PLOVER type and, for
a CONSULT, a mode. A marked word that no rule frame has claimed becomes a frame shaped by its
place in the parse, so the same rules find its sides, date, status and place:
- a verb is a verb frame ("X lifted the sanctions on Y");
- an event noun carried by a verb is a light-verb frame ("X sent a message of congratulations
  to Y", "X conveyed condolences");
- any other noun is a noun frame ("their recent meeting in Warsaw").
"""
from __future__ import annotations

from spacy.tokens import Token

from .detect import Frame

CARRIER_DEPS = {"dobj", "nsubjpass", "attr"}


def model_frame(tok: Token, etype: str, mode: str | None) -> Frame | None:
    if tok.is_stop or tok.pos_ in {"AUX", "PRON", "DET", "ADP"} or not tok.is_alpha:
        return None     # "'m", "a lot": words that state no act whatever the model says
    if tok.pos_ == "VERB" or tok.tag_.startswith("VB"):
        frame = Frame(etype, tok, mode=mode, via="verb")
    elif tok.pos_ in {"NOUN", "PROPN"}:
        head = tok.head
        carried = tok.dep_ in CARRIER_DEPS and head.pos_ in {"VERB", "AUX"} and head.i != tok.i
        frame = Frame(etype, tok, noun=tok, mode=mode, via="light" if carried else "noun")
    else:
        return None
    frame.learned = True
    return frame

