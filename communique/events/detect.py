"""Event frames from triggers in the dependency parse.

Three ways an event is said in official news:
- a trigger verb with its subject and objects ("X met with Y", "X visited Y");
- a light verb over an event noun ("X had a telephone conversation with Y", "a meeting was
  held with Y") or a participation verb ("X took part in the debate", "attended the summit");
- an event noun alone ("the conversation with Y, held on ...", "at a meeting with Y").
A noun inside a frame already found is part of that frame, not a second event.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from spacy.tokens import Doc, Token

from .lexicon import Lexicon, load_lexicon


@dataclass
class Frame:
    type: str
    trigger: Token                      # the word that says it (verb or noun)
    noun: Token | None = None           # the event noun, for light verbs and noun frames
    mode: str | None = None
    reverse: bool = False               # object is the actor (host receives visitor)
    participation: bool = False
    single_side_type: str | None = None
    absorbed: set = field(default_factory=set)   # token indices inside this frame
    via: str = "verb"
    learned: bool = False               # proposed by the trigger model, not by a rule

    @property
    def head(self) -> Token:
        return self.trigger

    @property
    def sentence(self):
        return self.trigger.sent


def find_frames(doc: Doc) -> list[Frame]:
    from ..learn.model import predicted_triggers
    from .learned import model_frame
    lex = load_lexicon()
    frames: list[Frame] = []
    claimed: set[int] = set()
    quoted = _quoted_chars(doc.text)
    learned = predicted_triggers(doc)
    for sent in doc.sents:
        if _speech(sent):
            continue
        purpose = _purpose_heads(sent, lex) + [t for t in sent if t.idx in quoted] + \
            _topic_objects(sent, lex)
        for tok in sent:
            if tok.i in claimed:
                continue
            frame = _verb_frame(tok, lex) or _light_frame(tok, lex)
            if frame is None or (_in_purpose(frame.trigger, purpose) and not _done(frame.trigger)):
                continue
            frame.absorbed = _frame_tokens(frame, lex)
            claimed.update(frame.absorbed)
            frames.append(frame)
        for phrase in lex.phrases:
            for frame in _phrase_frames(sent, phrase, claimed):
                if not _in_purpose(frame.trigger, purpose):
                    claimed.update(frame.absorbed)
                    frames.append(frame)
        for tok in sent:
            if tok.i in claimed:
                continue
            frame = _noun_frame(tok, lex)
            if frame is None or _in_purpose(frame.trigger, purpose):
                continue
            frame.absorbed = _frame_tokens(frame, lex)
            claimed.update(frame.absorbed)
            frames.append(frame)
        # words the model calls triggers and no rule has read
        for tok in sent:
            if tok.i in claimed or tok.i not in learned:
                continue
            etype, _, mode = learned[tok.i]
            frame = model_frame(tok, etype, mode)
            if frame is None or (_in_purpose(frame.trigger, purpose) and not _done(frame.trigger)) \
                    or _scenario(frame.trigger, lex):
                continue
            frame.absorbed = _frame_tokens(frame, lex)
            claimed.update(frame.absorbed)
            frames.append(frame)
    frames.sort(key=lambda f: f.trigger.i)
    return drop_plans_of_events(frames, lex)


def _children(tok: Token, deps: set[str]) -> list[Token]:
    return [c for c in tok.children if c.dep_ in deps]


MEANS = {"by", "via", "over", "through"}


def _preps(tok: Token) -> dict[str, list[Token]]:
    out: dict[str, list[Token]] = {}
    for c in tok.children:
        if c.dep_ in {"prep", "agent", "dative"}:
            objs = _children(c, {"pobj", "pcomp"})
            out.setdefault(c.lower_, []).extend(objs)
            if c.lower_ in MEANS:
                # "spoke by phone with X", "met via videoconference with X"
                for obj in objs:
                    for cc in obj.children:
                        if cc.dep_ == "prep" and cc.lower_ in {"with", "between"}:
                            out.setdefault(cc.lower_, []).extend(_children(cc, {"pobj"}))
    return out


def _objects(tok: Token) -> list[Token]:
    objs = _children(tok, {"dobj", "nsubjpass", "attr"})
    if tok.dep_ in {"acl", "relcl"} and tok.tag_ == "VBN":
        objs.append(tok.head)        # "the memorandum signed in 2016", "which was signed by"
    return objs


def _person_like(tok: Token, lex: Lexicon) -> bool:
    if tok.ent_type_ in {"PERSON", "TITLE"} or tok.lower_ in {"him", "her", "them", "he", "she"}:
        return True
    if tok.lemma_.lower() in lex.words("person_nouns"):
        return True
    return any(c.ent_type_ in {"PERSON", "TITLE"} for c in tok.children if c.dep_ in {"compound", "appos"})


def _finite(tok: Token) -> bool:
    """A verb with its own tense or a modal, or the complement of one ('will continue to
    support'), not an infinitive of purpose ('programmes to support businesses')."""
    if tok.tag_ in {"VBD", "VBZ", "VBP"} or any(
            c.dep_ in {"aux", "auxpass"} and c.tag_ != "TO" for c in tok.children):
        return True
    return tok.dep_ == "xcomp" and tok.head is not tok and _finite(tok.head)


def _needs_met(tok: Token, spec: dict, lex: Lexicon) -> bool:
    if "needs_any" in spec:
        # alternatives: "asked for assistance" or "asked her to consider"
        return any(_needs_met(tok, {"needs": group}, lex) for group in spec["needs_any"])
    for need in spec.get("needs", []):
        if need.startswith("prep:"):
            if need[5:] not in _preps(tok):
                if need != "prep:to" or "obj_person" not in spec.get("needs", []):
                    return False
        elif need == "obj":
            if not _objects(tok) and not _children(tok, {"xcomp", "ccomp"}):
                return False
        elif need == "obj_actor":
            # thanked a person, a state or a body ("thanked Slovenia for ..."), or thanked
            # "for the assistance" with the one thanked left implicit
            objs = _objects(tok)
            if objs and not any(_person_like(o, lex) or o.ent_type_ in {"ORG", "GPE", "NORP"}
                                for o in objs):
                return False
            if not objs and "for" not in _preps(tok):
                return False
        elif need == "to_actor":
            # "spoke to Foreign Minister X": the one spoken to is an actor, not "reporters"
            if not any(_person_like(o, lex) and o.ent_type_ in {"PERSON", "TITLE"}
                       or o.ent_type_ in {"ORG", "GPE"} for o in _preps(tok).get("to", [])):
                return False
        elif need == "obj_person":
            # the one received, hosted or called is a person or a delegation, not a cargo
            if not any(_person_like(o, lex) for o in _objects(tok)):
                return False
        elif need.startswith("obj_in:"):
            words = lex.words(need[7:])
            objs = _objects(tok) + [c for o in _objects(tok) for c in o.conjuncts]
            if not any(o.lemma_.lower() in words or o.lower_ in words for o in objs):
                return False
        elif need == "finite":
            if not _finite(tok):
                return False
        elif need == "no_obj":
            # "thousands demonstrated", not "demonstrated their resolve"
            if _children(tok, {"dobj", "ccomp"}):
                return False
        elif need == "xcomp":
            if not any(c.dep_ == "xcomp" for c in tok.children):
                return False
        elif need == "light":
            if tok.head.lemma_ not in {"express", "convey", "offer", "send", "extend"}:
                return False
    return True


def _verb_frame(tok: Token, lex: Lexicon) -> Frame | None:
    if tok.pos_ not in {"VERB", "AUX"} and not (tok.tag_.startswith("VB")):
        return None
    lemma = tok.lemma_.lower()
    if lemma == "take" and any(c.lower_ == "part" for c in tok.children) and "in" in _preps(tok):
        return _participation(tok, _first(_preps(tok)["in"]), lex)
    frames = lex.word_lists.get("object_frames_map") or {}
    if lemma in frames.get("verbs", ()):
        for obj in _objects(tok) + [c for o in _objects(tok) for c in o.conjuncts]:
            for rule in frames["rules"]:
                if obj.lemma_.lower() in lex.words(rule["objects"]):
                    return Frame(rule["type"], tok, noun=None)
    if lemma in lex.words("speech_verbs"):
        venue = [p for prep, objs in _preps(tok).items() if prep in {"at", "before", "to"}
                 for p in objs if (lex.nouns.get(p.lemma_.lower()) or {}).get("mode") == "multilateral"]
        if venue:
            return Frame("CONSULT", tok, noun=venue[0], mode="multilateral", participation=True)
    if lemma == "be":
        ready = [c for c in tok.children if c.dep_ == "acomp"
                 and c.lemma_.lower() in lex.words("readiness_adjectives")]
        if ready and any(x.dep_ == "xcomp" for x in ready[0].children):
            return Frame("AGREE", tok)    # "Russia was ready to send rescuers"
    object_types = lex.word_lists.get("object_types_map") or {}
    if lemma in lex.words("object_type_verbs") or lemma in lex.verbs:
        for obj in _objects(tok):
            new_type = object_types.get(obj.lemma_.lower()) or object_types.get(obj.lower_)
            if new_type:
                return Frame(new_type, tok, noun=obj)   # "sent his greetings", "offered condolences"
    spec = lex.verbs.get(lemma)
    if spec is None:
        return None
    if spec.get("active_only") and any(c.dep_ == "auxpass" for c in tok.children):
        return None     # "escalation would be met with consequences"
    # "the two ministers spoke": a collective subject stands for "with each other"
    with_only = spec.get("needs") == ["prep:with"] or ["prep:with"] in spec.get("needs_any", [])
    if not _needs_met(tok, spec, lex) and not (with_only and collective_subject(tok, lex)):
        return None
    noun = None
    if spec.get("participation"):
        noun = _first(_preps(tok).get("in", []) + _children(tok, {"dobj"}))
        if noun is not None:
            return _participation(tok, noun, lex)
    return Frame(spec["type"], tok, noun=noun, mode=spec.get("mode"),
                 reverse=bool(spec.get("reverse")), participation=bool(spec.get("participation")))


def _participation(verb: Token, noun: Token | None, lex: Lexicon) -> Frame:
    """Taking part in something is an act of its kind: a summit (CONSULT), an exercise."""
    spec = (lex.nouns.get(noun.lemma_.lower()) if noun is not None else None) or {}
    etype = spec.get("type", "CONSULT")
    mode = "multilateral" if etype == "CONSULT" else None
    return Frame(etype, verb, noun=noun, mode=mode, participation=True)


def collective_subject(verb: Token, lex: Lexicon) -> bool:
    """'The two ministers spoke', 'the parties agreed': both sides named before."""
    words = lex.words("collective_subjects")
    for subj in verb.children:
        if subj.dep_ in {"nsubj", "nsubjpass"}:
            if subj.lemma_.lower() in words or subj.lower_ in words:
                return True
            if any(c.lower_ in {"two", "both"} for c in subj.children):
                return True
    return False


def drop_plans_of_events(frames: list[Frame], lex: Lexicon) -> list[Frame]:
    """'They agreed to hold the next meeting': the meeting is the event (planned); the
    agreement to hold it is not a second one."""
    plan_verbs = lex.words("plan_verbs")
    out = []
    for frame in frames:
        if frame.type == "AGREE" and frame.trigger.lemma_.lower() in plan_verbs:
            comps = [c for c in frame.trigger.children if c.dep_ in {"xcomp", "ccomp"}]
            inner = [f for f in frames if f is not frame and any(
                c.i == f.trigger.i or c.is_ancestor(f.trigger) for c in comps)]
            if inner:
                continue
        out.append(frame)
    return out


def _light_frame(tok: Token, lex: Lexicon) -> Frame | None:
    if tok.lemma_.lower() not in lex.light_verbs:
        return None
    for obj in _children(tok, {"dobj", "nsubjpass", "nsubj"}):
        if obj.dep_ == "nsubj" and tok.lemma_.lower() not in lex.noun_subject_verbs:
            continue
        noun = _noun_spec(obj, lex)
        if noun is None:
            continue
        spec, _ = noun
        if spec.get("plural_only") and obj.tag_ != "NNS":
            continue
        return Frame(spec["type"], obj, noun=obj, mode=spec.get("mode") or _compound_mode(obj, lex),
                     single_side_type=spec.get("single_side_type"), via="light")
    return None


def _noun_spec(tok: Token, lex: Lexicon):
    if tok.pos_ not in {"NOUN", "PROPN"}:
        return None
    lemma = tok.lemma_.lower()
    spec = lex.nouns.get(lemma) or lex.nouns.get(tok.lower_)
    if spec is None:
        return None
    return spec, lemma


def _compound_mode(tok: Token, lex: Lexicon) -> str | None:
    for c in tok.children:
        if c.dep_ in {"compound", "amod"}:
            for mode, words in lex.modes.items():
                if c.lower_ in words and mode == "phone":
                    return "phone"
    return None


def _noun_frame(tok: Token, lex: Lexicon) -> Frame | None:
    found = _noun_spec(tok, lex)
    if found is None:
        return None
    spec, lemma = found
    if spec.get("plural_only") and tok.tag_ != "NNS":
        return None
    if spec.get("standalone") is False:
        return None     # "the events of the 74th session": a reference, not a report
    preps = _preps(tok)
    if not _needs_met(tok, spec, lex):
        return None
    # a noun alone is an event only with a partner ("with", "between") or as the subject
    # of an event verb ("the conversation ... focused on")
    head = tok.head
    subject_of_event = tok.dep_ in {"nsubj", "nsubjpass"} and \
        head.lemma_.lower() in lex.noun_subject_verbs
    # "the meeting of the Council" alone is a reference; it reports an event when a clause
    # says it happened or is set ("the meeting of the Council, scheduled for October")
    event_clause = any(c.dep_ in {"acl", "relcl"} and c.lemma_.lower() in lex.noun_subject_verbs
                       | {"schedule", "plan", "set", "postpone", "cancel", "hold"}
                       for c in tok.children)
    partner = any(p in preps for p in ("with", "between", "to")) or \
        any(c.dep_ == "poss" for c in tok.children) or ("of" in preps and event_clause)
    if not (partner or subject_of_event or spec.get("type") in {"COOPERATE", "MOBILIZE"}):
        return None
    if _generic(tok, lex):
        return None
    return Frame(spec["type"], tok, noun=tok, mode=spec.get("mode") or _compound_mode(tok, lex),
                 single_side_type=spec.get("single_side_type"), via="noun")


def _generic(tok: Token, lex: Lexicon) -> bool:
    """'a program of meetings and consultations': a kind of activity, not one event."""
    frames = lex.words("generic_frames")
    for t in [tok] + list(tok.ancestors)[:3]:
        if t.dep_ == "pobj" and t.head.lower_ == "of" and t.head.head.lemma_.lower() in frames:
            return True
        if t.dep_ == "conj":
            continue
    return tok.tag_ == "NNS" and not any(c.dep_ == "det" for c in tok.children) \
        and tok.lemma_.lower() not in {"talk", "negotiation", "exercise", "drill"}


def _phrase_frames(sent, phrase: dict, claimed: set[int]) -> list[Frame]:
    text = phrase["text"]
    words = text.split()
    out = []
    if words[0] not in {t.lower_ for t in sent} and words[0] not in {t.lemma_.lower() for t in sent}:
        return out
    toks = list(sent)
    for n in range(len(toks) - len(words) + 1):
        window = toks[n:n + len(words)]
        if [t.lower_ for t in window] != words and [t.lemma_.lower() for t in window] != words:
            continue
        if any(t.i in claimed for t in window):
            continue
        trigger = window[-1] if phrase.get("reverse_of") is None else window[0]
        frame = Frame(phrase["type"], trigger, noun=window[-1], mode=phrase.get("mode"),
                      single_side_type=phrase.get("single_side_type"), via="phrase")
        frame.reverse = bool(phrase.get("reverse_of"))
        frame.absorbed = {t.i for t in window}
        out.append(frame)
    return out


def _frame_tokens(frame: Frame, lex: Lexicon) -> set[int]:
    """Tokens of a frame's event noun (and its clauses), so nouns there are not new events."""
    absorbed = {frame.trigger.i}
    if frame.noun is not None:
        for t in frame.noun.subtree:
            absorbed.add(t.i)
        absorbed.add(frame.noun.i)
    if frame.participation:
        for t in frame.trigger.subtree:
            if t.dep_ in {"pobj", "dobj"} or t.ent_type_ == "":
                absorbed.add(t.i)
    return absorbed


SPEAKERS = {"i", "we", "you"}
QUOTES = {"“": "”", "«": "»", '"': '"'}


def _quoted_chars(text: str) -> set[int]:
    """Offsets of words inside quotation marks: a quoted message is not the release's report."""
    inside: set[int] = set()
    closing, start = None, 0
    for i, ch in enumerate(text):
        if closing is None and ch in QUOTES:
            closing, start = QUOTES[ch], i
        elif closing is not None and (ch == closing or ch == "\n" and i - start > 2000):
            if i - start > 60:      # a title in quotes ("Steppe Shield-2021") is part of the act
                inside.update(range(start, i))
            closing = None
    return inside


def _speech(sent) -> bool:
    """Questions and first- or second-person talk ("we have had several conversations") are
    what someone said, not an act the release reports, unless the item names its speaker:
    then "I congratulate the people of Paraguay" is the speaker's act."""
    text = sent.text.strip()
    if text.endswith("?"):
        return True
    # unless the actors stage knows who speaks: "I", "we" of a named speaker report acts
    spoken = {m.start for m in sent.doc._.mentions or [] if m.via == "speaker"}
    return any(t.lower_ in SPEAKERS and t.dep_ in {"nsubj", "nsubjpass"} and t.idx not in spoken
               for t in sent)


def _purpose_heads(sent, lex: Lexicon) -> list[Token]:
    """Words that head a purpose or condition clause: triggers below them are not events."""
    heads = []
    toks = list(sent)
    lowers = [t.lower_ for t in toks]
    for marker in lex.words("purpose_markers"):
        words = marker.split()
        for n in range(len(toks) - len(words) + 1):
            if lowers[n:n + len(words)] == words:
                after = n + len(words)
                if after < len(toks):
                    heads.append(toks[after])
                heads.append(toks[n + len(words) - 1])
    return heads


def _scenario(tok: Token, lex: Lexicon) -> bool:
    """An act the tasks of an exercise rehearse: a verb above it practises, or carries out
    training tasks ('will fulfil combat training tasks ..., conduct a special operation')."""
    nouns, verbs = lex.words("scenario_nouns"), lex.words("scenario_verbs")
    if tok.lemma_.lower() in nouns:
        return False            # the exercise itself
    for up in tok.ancestors:
        if up.lemma_.lower() in verbs:
            return True
        for c in up.children:
            # the noun itself or its compound ("combat training tasks"), not any word below it
            words = [c] + [w for w in c.children if w.dep_ in {"compound", "amod"}]
            if c.dep_ in {"dobj", "nsubj", "nsubjpass"} and c.i != tok.i and not c.is_ancestor(tok) \
                    and any(w.lemma_.lower() in nouns or w.lower_ in nouns for w in words):
                return True
    return False


def _done(tok: Token) -> bool:
    """'the Memorandum signed in September 2016': a past act named inside a topic is a fact."""
    return tok.dep_ == "acl" and tok.tag_ == "VBN"


def _topic_objects(sent, lex: Lexicon) -> list[Token]:
    """What was discussed or noted is a topic: 'discussed efforts to urge Russia ...'."""
    heads = []
    preps = lex.words("topic_preps")
    for tok in sent:
        if tok.lemma_.lower() in lex.words("topic_verbs"):
            heads += [c for c in tok.children if c.dep_ == "dobj"]
            # "questions were discussed on expanding cooperation ...": what on is a topic too
            heads += [g for c in tok.children if c.dep_ == "prep" and c.lower_ in preps
                      for g in c.children if g.dep_ in {"pobj", "pcomp"}]
    return heads


def _in_purpose(tok: Token, purpose_heads: list[Token]) -> bool:
    for head in purpose_heads:
        if tok.i == head.i or head.is_ancestor(tok):
            return True
        # "in order to use ..." often hangs the clause off "order"
        if head.lower_ in {"to", "of", "at"} and tok.i > head.i and head.head.is_ancestor(tok) \
                and tok.i <= head.head.right_edge.i and head.head.i >= head.i - 2:
            return True
    return False


def _first(tokens: list[Token]) -> Token | None:
    return tokens[0] if tokens else None
