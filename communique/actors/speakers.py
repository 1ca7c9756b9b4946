"""Who says "I" and "we": the speaker of a statement, a speech or a transcript turn.

Official texts name their speaker in the title ("Remarks by Secretary Antony J. Blinken at ...",
"Statement by the Minister for Foreign Affairs"), in a byline first line ("Antony J. Blinken,
Secretary of State") or in transcript labels ("President of Russia Vladimir Putin: Colleagues,",
"SECRETARY BLINKEN: Thank you."). A first-person subject or possessive ("I will meet ...", "we
agreed", "our talks") is that speaker: it becomes a PERSON mention of the speaker (via
"speaker"), so that events take the speaker as their side. A label that names no one we know
("QUESTION:", "MODERATOR:") ends the previous speaker's turn and gives none.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.tokens import Doc

from ..records import Mention
from .resolve import person_id

FIRST_PERSON = {"i": {"nsubj", "nsubjpass"}, "we": {"nsubj", "nsubjpass"},
                "my": {"poss"}, "our": {"poss"}}
# kinds of item whose title names the one who speaks in it
_SPEECH = r"(?:remarks|statement|address|speech|message|op-ed|interview|press availability|video remarks|greeting|article)"
_TITLE_BY = re.compile(rf"\b{_SPEECH}\s+(?:by|of)\s+(?P<who>.+?)(?=\s+(?:at|on|in|with|before|during|following|after|from|ahead|regarding)\b|[,:;(]|$)",
                       re.I)
_TITLE_BEFORE = re.compile(rf"^(?P<who>.+?)(?:['’]s)?\s*:?\s+(?:\w+\s+)?{_SPEECH}\b", re.I)
_UPPER_LABEL = re.compile(r"(?:^|(?<=\n)|(?<=[.!?]\s))(?P<who>[A-Z][A-Z.'’\- ]{1,40}[A-Z.]):\s")
_SMALL = {"the", "of", "for", "and", "a", "an"}


@dataclass
class Speaker:
    name: str
    entity_id: str
    title: str | None = None
    org: str | None = None


def _from_person(m: Mention) -> Speaker:
    return Speaker(m.name, m.entity_id, m.title, m.org)


def _who(text: str, people: list[Mention], day: str | None) -> Speaker | None:
    """A speaker from words naming them: a person of the document whose surname is there, an
    office holder by name or surname, or the holder of the post the words name."""
    from .gazetteer import default_gazetteer
    from .holders import default_holders
    words = [w.strip(".,'’") for w in text.split()]
    lower = {w.lower() for w in words}
    for m in sorted(people, key=lambda m: -len(m.name.split())):
        surname = m.name.split()[-1].lower()
        if surname in lower or any(w.lower().endswith(surname) for w in words if len(surname) > 3):
            return _from_person(m)
    holders = default_holders()
    caps = [w for w in words if w[:1].isupper() and w.lower() not in _SMALL]
    for n in range(min(4, len(caps)), 1, -1):
        holder = holders.by_name(" ".join(caps[-n:]), day)
        if holder is not None:
            return Speaker(holder.name, holder.entity_id)
    if caps:
        holder = holders.by_surname(caps[-1], day)
        if holder is not None:
            return Speaker(holder.name, holder.entity_id)
    # a post: "the Minister for Foreign Affairs of Japan", "the President of the Russian Federation"
    gaz = default_gazetteer()
    post = re.sub(r"^(?:the\s+)", "", text.strip(), flags=re.I)
    parts = re.split(r"\s+of\s+(?:the\s+)?", post, maxsplit=1)
    org = None
    if len(parts) == 2 and (gaz.country(parts[1]) or gaz.org(parts[1], fuzzy=False)):
        title, org = parts[0], parts[1]
    else:
        head = post.split()
        if len(head) > 1 and gaz.country(head[0]):       # "the Russian President"
            title, org = " ".join(head[1:]), head[0]
        else:
            title = post
    for m in people:      # the post's holder as this document names them
        if m.title and m.title.lower() == title.lower() and (org is None or m.org):
            return _from_person(m)
    holder = default_holders().by_post(title, org, day) if org else None
    if holder is not None:
        return Speaker(holder.name, holder.entity_id, title, org)
    return None


def title_speaker(title: str | None, people: list[Mention], day: str | None) -> Speaker | None:
    """The speaker a statement's or speech's title names."""
    if not title:
        return None
    title = " ".join(title.split())
    m = _TITLE_BY.search(title)
    if m is None:
        m = _TITLE_BEFORE.search(title)
        if m is not None and m.group("who").lower().split()[0] in {"joint", "press", "the"}:
            m = None
    return _who(m.group("who"), people, day) if m else None


def _byline(doc: Doc, people: list[Mention]) -> Speaker | None:
    """'Antony J. Blinken, Secretary of State' as a line of its own among the text's first
    lines (under a headline and a date, as statements print it)."""
    text = doc.text
    offset = 0
    for line in text[:400].split("\n")[:8]:
        start = offset + len(line) - len(line.lstrip())
        offset += len(line) + 1
        if not line.strip():
            continue
        for m in people:
            if m.start == start and m.via in {"name", "surname"} \
                    and line.strip()[m.end - start:].startswith(",") and len(line.split()) <= 14:
                return _from_person(m)
    return None


def _labels(doc: Doc, people: list[Mention], day: str | None) -> list[tuple[int, Speaker | None]]:
    """(offset where the turn begins, its speaker or None) for each transcript label."""
    text = doc.text
    labels: dict[int, Speaker | None] = {}
    for m in people:
        if m.via not in {"name", "surname"}:
            continue
        after = text[m.end:m.end + 2]
        if after.startswith(":") and (m.end + 1 >= len(text) or text[m.end + 1].isspace()):
            labels[m.end + 1] = _from_person(m)
        elif re.search(r":[\u200e\u200f\u200b]?$", m.text):     # the colon inside the name's token
            labels[m.end] = _from_person(m)
    for match in _UPPER_LABEL.finditer(text):
        end = match.end()
        if any(abs(end - k) <= 2 for k in labels):
            continue
        who = match.group("who").strip()
        words = who.split()
        if len(words) > 6:
            continue
        labels[end] = _who(who.title(), people, day)
    return sorted(labels.items(), key=lambda kv: kv[0])


def _quoted(text: str, idx: int, sent_start: int) -> bool:
    """Inside quotation marks within the sentence: someone else's words."""
    before = text[sent_start:idx]
    return (before.count("“") > before.count("”")) or before.count('"') % 2 == 1


def speaker_mentions(doc: Doc, mentions: list[Mention]) -> list[Mention]:
    """Mentions of the speaker for the first-person subjects and possessives of the text."""
    context = doc._.context or {}
    day = context.get("published")
    people = [m for m in mentions if m.type == "PERSON" and m.entity_id and m.entity_id != "?"
              and m.name and m.name.strip() and m.via in {"name", "surname", "post"}]
    default = _byline(doc, people) or title_speaker(context.get("title"), people, day)
    labels = _labels(doc, people, day)
    if default is None and not labels:
        return []
    articles = sorted((a.get("start", 0), a.get("end", len(doc.text)))
                      for a in context.get("articles") or [] if isinstance(a, dict))
    out = []
    text = doc.text     # spaCy joins the tokens anew on each doc.text: once per document
    sent_no = {}
    for i, sent in enumerate(doc.sents):
        for tok in sent:
            sent_no[tok.i] = (i, sent.start_char)
    for tok in doc:
        deps = FIRST_PERSON.get(tok.lower_)
        if deps is None or tok.dep_ not in deps:
            continue
        if tok.lower_ == "i" and tok.text != "I":
            continue
        here, sent_start = sent_no.get(tok.i, (None, 0))
        if _quoted(text, tok.idx, sent_start):
            continue
        article_start = max((s for s, e in articles if s <= tok.idx), default=0)
        turns = [sp for k, sp in labels if article_start <= k <= tok.idx]
        speaker = turns[-1] if turns else default
        if speaker is None:
            continue
        out.append(Mention(tok.idx, tok.idx + len(tok), tok.text, "PERSON", speaker.name,
                           entity_id=speaker.entity_id or person_id(speaker.name),
                           title=speaker.title, org=speaker.org, sentence=here, via="speaker"))
    return out
