"""Within one document: later mentions by surname, post alone or pronoun resolved to the person."""
from __future__ import annotations

import re

from spacy.tokens import Doc

from ..ids import content_id
from ..records import Mention
from .names import name_rules

UNRESOLVED = "?"


_INITIAL = re.compile(r"(?<!\S)[A-Z]\.(?=\s)|(?<=\s)[A-Z](?=\s)")
_HONORIFIC = re.compile(r"^(?:(?:Mr|Mrs|Ms|Dr|H\.E\.|HE|Sir|Dame|Sheikh)\.?\s+)+")


def person_key(name: str) -> str:
    """The key of a person's name: case, accents, honorifics and middle initials aside.

    "Antony J. Blinken" and "Antony Blinken" -> "antony blinken"; "Sergey Lavrov" stays
    "sergey lavrov" (the id of a plain name is what it always was)."""
    from .gazetteer import fold
    text = _HONORIFIC.sub("", fold(" ".join(name.split())))
    text = _INITIAL.sub(" ", text)
    text = re.sub(r",?\s+(Jr|Sr|II|III|IV)\.?$", "", text.strip())
    return " ".join(text.split()).lower()


def person_id(name: str) -> str:
    return content_id("PERSON", person_key(name), prefix="ent_")


def norm_title(title: str | None) -> str:
    if not title:
        return ""
    text = title.lower().replace("secretary-general", "secretary general")
    text = re.sub(r"[\s\-–—]+", " ", text).strip()
    # the same post in other words: "Minister of Foreign Affairs (and Trade)" = "Foreign Minister"
    text = re.sub(r"^minister of foreign affairs\b.*", "foreign minister", text)
    text = re.sub(r"^minister of (defen[cs]e)\b.*", r"\1 minister", text)
    text = re.sub(r"^secretary of state\b.*", "secretary of state", text)
    return text


def _titles_match(post: str, known: str) -> bool:
    """'Acting Secretary General' matches itself; 'Secretary' matches 'Secretary of State'."""
    if not post or not known:
        return False
    if post == known:
        return True
    return known.startswith(post + " ") or post.startswith(known + " ") \
        or known.endswith(" " + post)


def resolve_mentions(doc: Doc, mentions: list[Mention], gaz) -> list[Mention]:
    people: dict[str, Mention] = {}   # canonical full name -> first mention with the most detail
    named = [m for m in mentions if m.type == "PERSON" and m.entity_id != UNRESOLVED]
    for m in sorted(named, key=lambda m: -len(m.name.split())):
        full = _full_name_for(m.name, people)
        if full is None:
            people[m.name] = m
        else:
            known = people[full]
            if m.title and _fuller_post(m, known):
                known.title, known.org = m.title, m.org
    day = (doc._.context or {}).get("published") if doc.has_extension("context") else None
    canon = _office_holders(people, day)
    out: list[Mention] = []
    unresolved: list[Mention] = []
    for m in mentions:
        if m.type != "PERSON":
            out.append(m)
            continue
        if m.entity_id != UNRESOLVED:
            full = _full_name_for(m.name, people) or m.name
            known = people.get(full)
            m.name = canon[full].name if full in canon else full
            m.entity_id = person_id(m.name)
            if m.name != m.text and m.via == "name" and len(m.text.split()) == 1:
                m.via = "surname"
            if known is not None and not m.title and known.title:
                m.title, m.org = known.title, known.org
            out.append(m)
            continue
        person = _person_for_post(m, people, mentions, gaz, canon)
        if person is not None:
            m.name = canon[person.name].name if person.name in canon else person.name
            m.entity_id = person_id(m.name)
            if not m.org:
                m.org = person.org
            out.append(m)
            continue
        holder = _holder_of_post(m, day)
        if holder is None:
            unresolved.append(m)
        else:   # "the Russian Foreign Minister" in a text that never names him
            m.name, m.entity_id = holder.name, holder.entity_id
            out.append(m)
    out.extend(_pronouns(doc, out))
    out.extend(_sayer_pronouns(doc, out))
    from .speakers import speaker_mentions     # "I", "we": the item's speaker
    out.extend(speaker_mentions(doc, out))
    out.sort(key=lambda m: (m.start, -m.end))
    # posts that name nobody in the document ("the Foreign Secretary") feed no event; readers of
    # who-is-who (entities_of) still list them
    doc.user_data["communique_unresolved_posts"] = unresolved
    return out


def _office_holders(people: dict[str, Mention], day: str | None) -> dict:
    """Full name (or surname a text gives alone) -> the office holder it names (holders.py):
    'Sergei Lavrov' and 'Sergey Lavrov', 'Secretary Blinken' in a text that never gives the
    full name, are one person with one id in every document."""
    from .holders import default_holders
    holders = default_holders()
    canon = {}
    for name, m in people.items():
        if len(name.split()) > 1:
            holder = holders.by_name(name, day)
        else:
            holder = holders.by_surname(name, day, title=m.title, org=m.org)
        if holder is not None:
            canon[name] = holder
    return canon


def _holder_of_post(m: Mention, day: str | None):
    """The holder of a post named with its state or body ('the Russian Foreign Minister')."""
    if not m.org or not m.title:
        return None
    from .holders import default_holders
    return default_holders().by_post(m.title, m.org, day)


def _fuller_post(m: Mention, known: Mention) -> bool:
    """'Secretary of State' over 'Secretary'; a post with its organisation over one without."""
    if not known.title:
        return True
    return (bool(m.org), len(m.title)) > (bool(known.org), len(known.title))


def _full_name_for(name: str, people: dict[str, Mention]) -> str | None:
    if name in people:
        return name
    key = person_key(name)
    for full in people:          # "Antony Blinken" after "Antony J. Blinken"
        if person_key(full) == key:
            return full
    words = key.split()
    if not words:
        return None
    for full in people:
        full_words = person_key(full).split()
        if len(full_words) > len(words) and full_words[-len(words):] == words:
            return full
    return None


def _org_key(gaz, org: str | None) -> str | None:
    """The same body however the text names it: 'CSTO' = 'Collective Security Treaty Org.'"""
    if not org:
        return None
    found = gaz.org(org) or gaz.country(org)
    return (found.get("id") or found.get("iso2") or found["name"]) if found else org.lower()


def _person_for_post(post: Mention, people: dict[str, Mention],
                     mentions: list[Mention], gaz, canon: dict | None = None) -> Mention | None:
    title = norm_title(post.title)
    post_org = _org_key(gaz, post.org)
    candidates = []
    for person in people.values():
        if _titles_match(title, norm_title(person.title)) and \
                (not post_org or not person.org or post_org == _org_key(gaz, person.org)):
            candidates.append(person)
    # "the French President" after "President Macron of France" and "Vladimir Putin" (no post
    # known): the person whose organisation is named wins over one whose organisation is unknown
    canon = canon or {}
    same_org = [c for c in candidates if post_org and c.org and _org_key(gaz, c.org) == post_org]
    if same_org:
        candidates = same_org
    if len(candidates) == 1:
        return candidates[0]
    if candidates:
        # earlier mentions may already carry an office holder's canonical name: match by id
        by_id = {person_id(c.name): c for c in candidates}
        by_id.update({person_id(canon[c.name].name): c for c in candidates if c.name in canon})
        before = [m for m in mentions if m.type == "PERSON" and m.start < post.start
                  and m.entity_id in by_id]
        if before:
            return by_id[before[-1].entity_id]
    return None


def _pronouns(doc: Doc, resolved: list[Mention]) -> list[Mention]:
    """'he'/'she' as a subject: the latest person mentioned before, within three sentences."""
    pronouns = name_rules()["pronouns"]
    sent_no = {}
    for i, sent in enumerate(doc.sents):
        for tok in sent:
            sent_no[tok.i] = i
    people = [m for m in resolved if m.type == "PERSON"]
    extra = []
    for tok in doc:
        if tok.lower_ not in pronouns or tok.dep_ not in {"nsubj", "nsubjpass", "poss"}:
            continue
        before = [m for m in people if m.end <= tok.idx]
        if not before:
            continue
        target = before[-1]
        here = sent_no.get(tok.i, 0)
        if target.sentence is not None and here - target.sentence > 3:
            continue
        extra.append(Mention(tok.idx, tok.idx + len(tok), tok.text, "PERSON", target.name,
                             entity_id=target.entity_id, title=target.title, org=target.org,
                             sentence=here, via="pronoun"))
    return extra


def _sayer_pronouns(doc: Doc, resolved: list[Mention]) -> list[Mention]:
    """'it'/'they' as the subject of what a named side says is that side: 'Syria says it will
    not accept more refugees', 'the ministry said it had detained two men', 'the rebels said
    they had taken the town'."""
    saying = set(name_rules()["saying_verbs"])
    sides = [m for m in resolved if m.type in {"ORG", "GPE"} and m.via != "pronoun"]
    extra = []
    for tok in doc:
        if tok.lower_ not in {"it", "they"} or tok.dep_ not in {"nsubj", "nsubjpass"}:
            continue
        clause = tok.head
        if clause.dep_ != "ccomp" or clause.head.lemma_.lower() not in saying:
            continue
        sayer = [c for c in clause.head.children if c.dep_ == "nsubj"]
        if not sayer:
            continue
        words = range(sayer[0].left_edge.idx, sayer[0].right_edge.idx + len(sayer[0].right_edge))
        covering = [m for m in sides if m.start in words and m.end - 1 in words
                    and m.start <= sayer[0].idx < m.end]
        if len(covering) != 1:
            continue
        side = covering[0]
        extra.append(Mention(tok.idx, tok.idx + len(tok), tok.text, side.type, side.name,
                             entity_id=side.entity_id, org=side.org, sentence=side.sentence,
                             via="pronoun"))
    return extra
