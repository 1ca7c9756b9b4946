"""Who took part: the sides of a frame, from the parse and the resolved mentions."""
from __future__ import annotations

from spacy.tokens import Doc, Token

from ..records import Mention
from .detect import Frame, _children, _preps
from .lexicon import load_lexicon

SUBJECTS = {"nsubj", "nsubjpass", "csubj"}
PARTNER_PREPS = ("with", "between", "among")


class MentionIndex:
    """Token index -> mentions covering it, for one document."""

    def __init__(self, doc: Doc, mentions: list[Mention]):
        self.doc = doc
        self.by_token: dict[int, list[Mention]] = {}
        for m in mentions:
            span = doc.char_span(m.start, m.end, alignment_mode="expand")
            if span is None:
                continue
            for tok in span:
                self.by_token.setdefault(tok.i, []).append(m)

    def in_tokens(self, tokens) -> list[Mention]:
        seen, out = set(), []
        for tok in sorted(tokens, key=lambda t: t.i):
            for m in self.by_token.get(tok.i, []):
                if id(m) not in seen:
                    seen.add(id(m))
                    out.append(m)
        return out


def frame_sides(frame: Frame, index: MentionIndex) -> tuple[list[Mention], list[Mention]]:
    """(actors, recipients) of a frame as mentions; direction matters for non-CONSULT types."""
    lex = load_lexicon()
    trig = frame.trigger
    actor_heads: list[Token] = []
    recipient_heads: list[Token] = []
    if frame.via in {"verb"}:
        actor_heads += _subjects(trig)
        preps = _preps(trig)
        actor_heads += preps.get("by", [])              # passive agent
        if frame.type != "MOBILIZE":    # what a side deploys is no side ("transferred a battalion")
            recipient_heads += [c for c in _children(trig, {"dobj", "dative"})
                                if c.lemma_.lower() not in lex.words("agreement_nouns")]
        # "called on X to ...", "prevailed upon X": whom a request is made of
        asked_of = ("on", "upon") if frame.type == "REQUEST" else ()
        for p in PARTNER_PREPS + ("to",) + asked_of:
            recipient_heads += [t for t in preps.get(p, []) if not _is_place(t, index)]
        if frame.participation and frame.noun is not None:
            recipient_heads += _event_noun_partners(frame.noun, index)
        if frame.type == "SUPPORT" and trig.dep_ in {"acl", "relcl"}:
            actor_heads += preps.get("between", [])
            recipient_heads = [t for t in recipient_heads if t not in actor_heads]
    elif frame.via == "light":
        verb = frame.noun.head
        actor_heads += _subjects(verb) if frame.noun.dep_ != "nsubj" else []
        actor_heads += _preps(verb).get("by", [])
        recipient_heads += _event_noun_partners(frame.noun, index)
        # "sent messages of greetings to X", "extended condolences to X"
        recipient_heads += [t for p in PARTNER_PREPS + ("to",) for t in _preps(verb).get(p, [])
                            if not _is_place(t, index)]
    elif frame.via == "phrase":
        # "at the invitation of X": the subject of the clause visits X
        clause = frame.trigger.head
        while clause.dep_ not in {"ROOT"} and clause.pos_ not in {"VERB", "AUX"} \
                and clause.head is not clause:
            clause = clause.head
        actor_heads += _subjects(clause)
        of_heads = [t for t in frame.trigger.subtree if t.dep_ == "pobj" and t.head.lower_ == "of"
                    and t.head.head.lower_ == "invitation"]
        recipient_heads += of_heads
        if frame.type != "CONSULT":
            actor_heads += _preps(frame.noun).get("of", []) if frame.noun is not None else []
    else:   # a noun alone
        noun = frame.noun
        actor_heads += _children(noun, {"poss"})
        # "X is on travel to Y", "X was on a visit to Y": the subject of the copula
        if noun.dep_ == "pobj" and noun.head.dep_ == "prep" and noun.head.head.lemma_ == "be":
            actor_heads += _subjects(noun.head.head)
        recipient_heads += _event_noun_partners(noun, index)
        if noun.dep_ in SUBJECTS and noun.head.lemma_.lower() in lex.noun_subject_verbs:
            recipient_heads += [t for p in PARTNER_PREPS for t in _preps(noun.head).get(p, [])]
        if frame.type in {"COOPERATE", "MOBILIZE"}:
            actor_heads += _subjects(noun.head) if noun.dep_ in {"dobj", "pobj"} else []
    if frame.reverse:
        actor_heads, recipient_heads = recipient_heads, actor_heads
    actors = _mentions_of(actor_heads, index)
    if not actors and frame.via in {"verb", "light"} and not frame.reverse:
        verb = trig if frame.via == "verb" else frame.noun.head
        if not _subjects(verb):
            actors = _named_before(verb, index)
    recipients = [m for m in _mentions_of(recipient_heads, index)
                  if m.entity_id not in {a.entity_id for a in actors}]
    return actors, recipients


BETWEEN_NAME_AND_VERB = {"ADV", "AUX", "PART"}


def _named_before(verb: Token, index: MentionIndex) -> list[Mention]:
    """The name right before a verb the parse left without a subject ('..., President of
    Ukraine Volodymyr Zelenskyy called for ...' parsed as an apposition of the city)."""
    i = verb.i - 1
    while i >= verb.sent.start and index.doc[i].pos_ in BETWEEN_NAME_AND_VERB:
        i -= 1
    if i < verb.sent.start:
        return []
    found = [m for m in index.by_token.get(i, []) if m.type in {"PERSON", "ORG", "GPE"}
             and m.entity_id and m.entity_id != "?"]
    return found[:1]


def _subjects(verb: Token) -> list[Token]:
    subs = [c for c in verb.children if c.dep_ in SUBJECTS]
    probe = verb
    # "X arrived in Moscow and met ..." / "X is expected to meet ..." share the subject
    while not subs and probe.dep_ in {"conj", "xcomp", "advcl", "ccomp"} and probe.head is not probe:
        probe = probe.head
        subs = [c for c in probe.children if c.dep_ in SUBJECTS]
    if subs and subs[0].lower_ in {"it", "there"}:
        return []
    return subs


def _event_noun_partners(noun: Token, index: MentionIndex) -> list[Token]:
    """'meeting with X', 'talks between X and Y', 'session of the Council', and the body of
    a venue clause ('the debate that took place at a meeting of the Security Council')."""
    lex = load_lexicon()
    heads = []
    preps = _preps(noun)
    for p in PARTNER_PREPS + ("of",):
        heads += [t for t in preps.get(p, []) if not _is_place(t, index)]
    for clause in _children(noun, {"relcl", "acl"}):
        cpreps = _preps(clause)
        for p in ("at", "in", "during"):
            for venue in cpreps.get(p, []):
                if venue.lemma_.lower() in lex.nouns:
                    heads += [t for t in _preps(venue).get("of", [])]
        heads += [t for p in PARTNER_PREPS for t in cpreps.get(p, [])]
    return heads


def _is_place(tok: Token, index: MentionIndex) -> bool:
    return any(m.type == "LOC" for m in index.by_token.get(tok.i, []))


def _piece_tokens(piece: Token, others: set[int]) -> list[Token]:
    """A coordinated piece's own words: not its conjuncts', not topic phrases."""
    topic_preps = load_lexicon().words("topic_preps")
    skip: set[int] = set()
    for t in piece.subtree:
        if t.i == piece.i:
            continue
        if t.i in others or (t.dep_ == "conj" and t.head.i == piece.i):
            skip.update(s.i for s in t.subtree)
        if t.dep_ == "prep" and t.lower_ in topic_preps:
            skip.update(s.i for s in t.subtree)
        if t.dep_ == "prep" and t.lower_ == "for" and any(
                c.dep_ in {"pobj", "pcomp"} and not c.text[:1].isupper() for c in t.children):
            skip.update(s.i for s in t.subtree)     # "thank Poland for welcoming ... from Ukraine"
        if t.dep_ in {"relcl", "acl"} and t.tag_ != "VBN":
            skip.update(s.i for s in t.subtree)
    return [t for t in piece.subtree if t.i not in skip]


def _mentions_of(heads: list[Token], index: MentionIndex) -> list[Mention]:
    pieces: list[Token] = []
    for h in heads:
        linked = [h] + [c for c in h.children if c.dep_ == "appos"]
        for p in linked + [c for x in linked for c in x.conjuncts]:
            if p not in pieces:
                pieces.append(p)
    piece_ids = {p.i for p in pieces}
    out: list[Mention] = []
    for piece in pieces:
        toks = _piece_tokens(piece, piece_ids - {piece.i})
        found = [m for m in index.in_tokens(toks) if m.type in {"PERSON", "ORG", "GPE"}
                 and m.entity_id and m.entity_id != "?"]
        # a state named inside a group's name ('Afghan and coalition forces') is the group's
        found = [m for m in found if not any(o.via == "group" and o is not m and o.start <= m.start
                                             and m.end <= o.end for o in found)]
        people = [m for m in found if m.type == "PERSON"]
        bodies = [m for m in found if m.type != "PERSON"]
        if people:
            keep_bodies = [b for b in bodies if not _is_post_org(b, people, index.doc)]
            chosen = people + keep_bodies[:1]
        elif bodies:
            own = [b for b in bodies if _covers(b, piece)]
            chosen = own[:1] or _listed(bodies, index)
        else:
            group = _group_of_office_holders(piece, index)
            chosen = [group] if group else []
        if not people:
            # the parse may hang a post's complement elsewhere: "with the UN Assistant
            # Secretary General for Rule of Law ... Alexander Zuev"
            named = _person_after_post(piece, index)
            if named is not None:
                chosen = [named]
        for m in chosen:
            if m.entity_id not in {o.entity_id for o in out}:
                out.append(m)
    return out


def _listed(bodies: list[Mention], index: MentionIndex) -> list[Mention]:
    """The first body named in a piece and the bodies coordinated with it ('the leaders of
    Azerbaijan, Armenia and Belarus' names three states)."""
    first = index.doc.char_span(bodies[0].start, bodies[0].end, alignment_mode="expand")
    if first is None:
        return bodies[:1]
    coordinated = {t.i for t in first.root.conjuncts}
    out = bodies[:1]
    for b in bodies[1:]:
        span = index.doc.char_span(b.start, b.end, alignment_mode="expand")
        if span is not None and span.root.i in coordinated:
            out.append(b)
    return out


def _person_after_post(piece: Token, index: MentionIndex) -> Mention | None:
    if piece.ent_type_ != "TITLE":
        return None
    doc = index.doc
    sent_end = piece.sent.end
    for i in range(piece.i + 1, min(sent_end, piece.i + 16)):
        tok = doc[i]
        for m in index.by_token.get(i, []):
            if m.type == "PERSON" and m.via == "name":
                return m
        if tok.pos_ in {"VERB", "AUX"} or (tok.is_punct and tok.text not in {"-", "–", ","}) \
                or (tok.is_lower and tok.lower_ not in {"of", "for", "and", "the", "on"}):
            return None
    return None


def _covers(m: Mention, tok: Token) -> bool:
    return m.start <= tok.idx < m.end


def _is_post_org(body: Mention, people: list[Mention], doc: Doc) -> bool:
    """A body named inside a person's post ('the Executive Director of CTED, Michele ...')."""
    for person in people:
        if person.start <= body.start and body.end <= person.end:
            return True     # inside a post mention: "Foreign Minister of Kazakhstan"
        if body.end <= person.start:
            between = doc.char_span(body.end, person.start, alignment_mode="expand")
            if between is None or all(
                    t.pos_ not in {"VERB", "AUX"} and (t.is_punct or t.is_space or
                                                      t.ent_type_ in {"TITLE", "ORG", "GPE"} or
                                                      t.text[:1].isupper() or
                                                      t.lower_ in {"of", "the", "for", "and", "-"})
                    for t in between):
                return True
        if body.start >= person.end and body.start - person.end <= 3:
            return False
    return False


def _group_of_office_holders(piece: Token, index: MentionIndex) -> Mention | None:
    """'the Foreign Ministers of the CSTO member states' acts as one body."""
    if piece.tag_ not in {"NNS", "NNPS"} or not piece.text[:1].isupper():
        return None
    of = _preps(piece).get("of", [])
    if not of:
        return None
    span = index.doc[piece.left_edge.i:of[0].right_edge.i + 1]
    text = span.text
    if text.lower().startswith("the "):
        text = text[4:]
    start = span.start_char + (4 if span.text.lower().startswith("the ") else 0)
    return Mention(start, span.end_char, text, "ORG", text, via="group")
