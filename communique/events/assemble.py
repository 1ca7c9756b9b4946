"""From frames to event records: dates, places, topics, the implied side, one event once."""
from __future__ import annotations

import re

from spacy.tokens import Doc, Span

from ..actors.gazetteer import default_gazetteer
from ..ids import content_id
from ..records import Event, Evidence, Mention, Participant, Timex, When, Where
from .arguments import MentionIndex, frame_sides
from .dating import date_for, dated_before, in_title, listed_dates, next_year_if_past
from .detect import Frame, collective_subject, find_frames
from .lexicon import load_lexicon
from .modality import mode_of, status_of


def find_events(doc: Doc) -> list[Event]:
    context = doc._.context or {}
    mentions: list[Mention] = doc._.mentions or []
    timexes: list[Timex] = doc._.timexes or []
    published = context.get("published")
    index = MentionIndex(doc, mentions)
    articles = _article_ranges(doc, context.get("articles") or [])
    sentences = list(doc.sents)
    sent_no = {s.start: n for n, s in enumerate(sentences)}
    drafts = []
    for frame in find_frames(doc):
        sent = frame.trigger.sent
        article = _article_of(articles, sent.start_char)
        actors, recipients = frame_sides(frame, index)
        if frame.type not in GROUP_ONLY_TYPES:
            actors, recipients = _without_generic_groups(actors, recipients)
        verb = frame.trigger if frame.via == "verb" else frame.trigger.head
        if not actors and (collective_subject(verb, load_lexicon()) or _impersonal(verb)):
            actors, recipients = _both_sides(drafts, article, mentions, sent)
        planned = status_of(frame, date_start=None, published=published) == "planned"
        when = date_for(frame, sent, timexes, drafts, article, published, planned)
        status = status_of(frame, date_start=when.start, published=published)
        if status == "planned" and dated_before(when, published):
            status = "occurred"     # an act dated, year and all, before the text was written
        if status == "planned":
            when = next_year_if_past(when, published)
        etype = frame.type
        if etype in {"AID", "COOPERATE"} and _intended(frame):
            etype = "AGREE"     # "the EU intends to provide €15 million": a promise of aid
        if frame.single_side_type and len(actors) + len(recipients) == 1 and not _joint(sent):
            etype = frame.single_side_type
        draft = {
            "frame": frame, "article": article, "actors": actors, "recipients": recipients,
            "when": when, "status": status, "type": etype,
            "sentence": sent_no.get(sent.start, 0), "sent": sent,
            "where": _place_for(frame, sent, index),
            "mode": frame.mode,
            "topics": _topics(frame, sent),
        }
        drafts.append(draft)
        # "the agreements reached on 9 November 2020, 11 January and 26 November 2021":
        # one act on each listed date
        for other in listed_dates(when, sent, timexes):
            drafts.append(dict(draft, when=other, part=other.start))
    for d in drafts:
        _visit_host(d)
    _add_implied_sides(drafts, articles, mentions, doc)
    drafts = _merge(drafts, articles)
    drafts = _split_separate_acts(drafts)
    _inherit_places(drafts, doc, index)
    # an act nobody is named for is no record an analyst can use
    drafts = [d for d in drafts if _named_enough(d)]
    return [_to_event(d, doc, context) for d in drafts]


# --- articles and the protagonist ----------------------------------------------------------

def _article_ranges(doc: Doc, articles: list) -> list[dict]:
    out = []
    for a in articles:
        a = a if isinstance(a, dict) else a.to_dict()
        out.append(a)
    if not out:
        out.append({"index": 0, "start": 0, "end": len(doc.text), "title": None,
                    "body_start": 0})
    return out


def _article_of(articles: list[dict], char: int) -> dict:
    for a in articles:
        if a["start"] <= char < a["end"]:
            return a
    return articles[-1]


def _protagonist(article: dict, mentions: list[Mention]) -> Mention | None:
    """Whom a story is about: the first person of its title or first sentences, else a body."""
    inside = [m for m in mentions if article["start"] <= m.start < article["end"]
              and m.entity_id and m.entity_id != "?"]
    body_start = article.get("body_start") or article["start"]
    head = [m for m in inside if m.start < body_start + 600]
    for kinds in (("PERSON",), ("ORG", "GPE")):
        for m in head:
            if m.type in kinds:
                return m
    return None


def _add_implied_sides(drafts: list[dict], articles: list[dict], mentions: list[Mention],
                       doc: Doc) -> None:
    """'A meeting was held with X': the other side is the story's protagonist."""
    cache: dict[int, Mention | None] = {}
    for d in drafts:
        if d["actors"] or d["type"] not in {"CONSULT", "SUPPORT", "AGREE", "COOPERATE"}:
            continue
        if not d["recipients"] and d["type"] == "CONSULT" and d["frame"].via != "light":
            continue
        idx = d["article"]["index"]
        if idx not in cache:
            cache[idx] = _protagonist(d["article"], mentions)
        hero = cache[idx]
        if hero is None or (hero.type != "PERSON" and d["type"] != "CONSULT"):
            continue
        if hero.entity_id in {m.entity_id for m in d["recipients"]}:
            continue
        d["actors"] = [Mention(hero.start, hero.end, hero.text, hero.type, hero.name,
                               entity_id=hero.entity_id, title=hero.title, org=hero.org,
                               sentence=hero.sentence, via="implied")]


GROUP_ONLY_TYPES = {"ASSAULT", "COERCE"}


def _generic_group(m: Mention) -> bool:
    """A group named by common words only ('representatives of international organisations')."""
    return m.via == "group" and not any(w[:1].isupper() for w in m.text.split())


def _without_generic_groups(actors: list[Mention], recipients: list[Mention]):
    """Beside a named side a generic group on the same side adds no one an analyst can look
    up; alone on its side it is the side ('sent greetings to the participants of the forum')."""
    def side(mentions: list[Mention]) -> list[Mention]:
        named = [m for m in mentions if not _generic_group(m)]
        return named if named else mentions
    return side(actors), side(recipients)


def _named_enough(d: dict) -> bool:
    """A record needs a side an analyst can look up. Unnamed groups are enough for raids and
    strikes, which security reports tell that way ('a security force detained two suspects');
    for other acts a generic group ('formations of special forces') names no one."""
    sides = d["actors"] + d["recipients"]
    if not sides:
        return False
    if d["type"] in GROUP_ONLY_TYPES:
        return True
    return any(not _generic_group(m) for m in sides)


def _impersonal(verb) -> bool:
    """'It was agreed to maintain contacts': a passive with no agent in a readout is both
    sides' act."""
    subjects = [c for c in verb.children if c.dep_ in {"nsubjpass", "expl"}]
    passive = any(c.dep_ == "auxpass" for c in verb.children)
    return passive and bool(subjects) and all(s.lower_ == "it" for s in subjects) and \
        not any(c.dep_ == "agent" for c in verb.children)


def _both_sides(drafts: list[dict], article: dict, mentions: list[Mention], sent: Span):
    """'The two ministers', 'the parties': the sides of the story's last two-sided event,
    else its last two people."""
    for d in reversed(drafts):
        if d["article"] is article and len(d["actors"]) + len(d["recipients"]) >= 2:
            return list(d["actors"]), list(d["recipients"])
    people: list[Mention] = []
    for m in mentions:
        if m.type == "PERSON" and article["start"] <= m.start < sent.start_char \
                and m.entity_id not in {p.entity_id for p in people}:
            people.append(m)
    if len(people) >= 2:
        return [people[-2]], [people[-1]]
    return [], []


# --- places and topics -------------------------------------------------------------------

def _place_for(frame: Frame, sent: Span, index: MentionIndex) -> Mention | None:
    heads = {frame.trigger.i}
    if frame.via == "phrase":
        heads.add(frame.trigger.head.i)
    if frame.noun is not None:
        heads.add(frame.noun.i)
        heads.add(frame.noun.head.i)
    for tok in sent:
        if tok.dep_ == "pobj" and tok.head.lower_ in {"in", "at", "to"} and tok.head.head.i in heads:
            for m in index.by_token.get(tok.i, []):
                if m.type in {"LOC", "GPE"}:
                    return m
        if frame.mode == "visit" and tok.dep_ == "dobj" and tok.head.i == frame.trigger.i:
            for m in index.by_token.get(tok.i, []):
                if m.type in {"LOC", "GPE"}:
                    return m    # "visits Budapest"
    # the parse may hang "in Budapest" on a name; a city after "in" in the sentence will do
    for tok in sent:
        if tok.lower_ in {"in", "at"} and tok.i + 1 < sent.end:
            for m in index.by_token.get(tok.i + 1, []):
                if m.type == "LOC" and m.start == sent.doc[tok.i + 1].idx:
                    return m
    return None


def _topics(frame: Frame, sent: Span) -> list[str]:
    lex = load_lexicon()
    topics = []
    for tok in sent:
        if tok.lemma_.lower() in lex.words("topic_verbs"):
            for obj in tok.children:
                if obj.dep_ in {"dobj", "nsubjpass"}:
                    topics.append(_phrase(obj))
            for prep in tok.children:
                if prep.dep_ == "prep" and prep.lower_ in {"on", "to"}:
                    topics += [_phrase(o) for o in prep.children if o.dep_ == "pobj"]
    noun = frame.noun
    if noun is not None:
        for prep in noun.children:
            if prep.dep_ == "prep" and prep.lower_ in lex.words("topic_preps"):
                topics += [_phrase(o) for o in prep.children if o.dep_ == "pobj"]
    return [t for t in dict.fromkeys(topics) if t]


def _phrase(tok) -> str:
    toks = [t for t in tok.subtree]
    text = tok.doc[toks[0].i:toks[-1].i + 1].text.replace("\n", " ").strip(" ,.")
    if text.lower().startswith("the "):
        text = text[4:]
    return text if len(text) <= 120 else text[:117].rsplit(" ", 1)[0] + "..."


def _intended(frame: Frame) -> bool:
    verbs = load_lexicon().words("intention_verbs")
    tok = frame.trigger
    for _ in range(3):
        if tok.dep_ != "xcomp" or tok.head is tok:
            return False
        tok = tok.head
        if tok.lemma_.lower() in verbs:
            return True
    return False


def _joint(sent: Span) -> bool:
    return any(t.lower_ in {"joint", "jointly", "together", "combined", "allied"} for t in sent)


# --- one event once ----------------------------------------------------------------------

def _merge(drafts: list[dict], articles: list[dict]) -> list[dict]:
    out: list[dict] = []
    for d in drafts:
        target = None
        for prev in reversed(out):
            if prev["article"]["index"] != d["article"]["index"] or prev["type"] != d["type"]:
                continue
            if _same_event(prev, d):
                target = prev
                break
        if target is None:
            out.append(d)
            continue
        if in_title(target) and not in_title(d):
            # the body sentence says it best: it becomes the record, the headline its evidence
            out[out.index(target)] = d
            d.setdefault("also", []).extend([target] + target.get("also", []))
            d["headline_merged"] = True
            d, target = target, d
            for key in ("actors", "recipients"):
                ids = {m.entity_id for m in target["actors"] + target["recipients"]}
                target[key] += [m for m in d[key] if m.entity_id not in ids]
            continue
        for key in ("actors", "recipients"):
            ids = {m.entity_id for m in target["actors"] + target["recipients"]}
            target[key] += [m for m in d[key] if m.entity_id not in ids]
        if not target["when"].start and d["when"].start:
            target["when"] = d["when"]
        target.setdefault("also", []).append(d)
    return out


def _act_noun(frame: Frame):
    """The noun that names the act: 'conversations' in 'had telephone conversations with',
    'messages' in 'sent messages of greetings to'."""
    if frame.noun is not None:
        return frame.noun
    objs = [c for c in frame.trigger.children if c.dep_ == "dobj"]
    return objs[0] if objs else None


def _separate_acts(d: dict) -> bool:
    """Plural acts with several counterparts are one act each ('telephone conversations with
    the President of A and the Prime Minister of B', 'messages of greetings to the leaders of
    A, B and C'), and so are the stops of a journey ('on travel to Israel, the West Bank and
    Saudi Arabia'); 'talks with A and B' or 'a meeting with A and B' is one act."""
    if d["type"] == "CONSULT" and d["frame"].mode == "visit" and \
            all(m.type in {"GPE", "LOC"} for m in d["recipients"]):
        return True
    noun = _act_noun(d["frame"])
    if noun is None or noun.tag_ != "NNS":
        return False
    return noun.lemma_.lower() not in load_lexicon().words("plural_only_acts")


def _split_separate_acts(drafts: list[dict]) -> list[dict]:
    out = []
    for d in drafts:
        groups = _counterparts(d["recipients"])
        if len(groups) < 2 or not _separate_acts(d):
            out.append(d)
            continue
        journey = d["frame"].mode == "visit"
        for group in groups:
            part = dict(d, recipients=group, part=group[0].entity_id)
            if journey:     # each stop of a journey is where its visit takes place
                part["where"] = group[0]
            out.append(part)
    return out


def _counterparts(recipients: list[Mention]) -> list[list[Mention]]:
    """Recipients grouped by counterpart: a person with the body or state of their post."""
    people = [m for m in recipients if m.type == "PERSON"]
    groups: list[list[Mention]] = [[p] for p in people]
    for m in recipients:
        if m.type == "PERSON":
            continue
        owner = next((g for g in groups if g[0].org and (m.name == g[0].org or
                      m.name in (g[0].title or "") or m.text in (g[0].text or ""))), None)
        if owner is not None:
            owner.append(m)
        elif not people:
            groups.append([m])
    return groups


# Material acts that security reports tell twice: the lead sums up, the detail retells
RETOLD_TYPES = {"COERCE", "ASSAULT", "MOBILIZE"}


def _same_event(a: dict, b: dict) -> bool:
    ids_a = {m.entity_id for m in a["actors"] + a["recipients"] if m.via != "implied"}
    ids_b = {m.entity_id for m in b["actors"] + b["recipients"] if m.via != "implied"}
    if _anaphoric(b) and not in_title(a) and _date_within(b["when"], a["when"]) \
            and _same_kind(a, b):
        return True     # "The meeting was chaired by ...": the meeting just reported
    headline = in_title(a)
    undated = a["when"].basis in {"publication", "none"} or b["when"].basis in {"publication", "none"}
    if a["when"].start and b["when"].start and a["when"].start != b["when"].start \
            and not (headline and undated):
        return False
    if _visit_purpose(a, b):
        return True     # "will travel to Vilnius to meet with President Nauseda": one visit
    if a["status"] != b["status"] and not headline:
        return False
    # a headline and its body sentence, or a sentence that goes on about the same act
    if headline:
        # a headline announces one act: the first body sentence that reports it (its sides
        # may be named otherwise there: "Detained by Afghan-Led Force" / "a security force")
        return not a.get("headline_merged") and (not ids_a or not ids_b or bool(ids_a & ids_b)
                                                 or a["type"] in RETOLD_TYPES
                                                 or b["sentence"] - a["sentence"] <= 4)
    if ids_a and ids_b:
        if a["type"] in RETOLD_TYPES and ids_b <= ids_a and a["when"].start == b["when"].start:
            return True     # a raid or a strike told in the lead, then in its detail
        # the next sentence goes on about the same act when it names it again ('met ...
        # The meeting', 'agreed ... also agreed'), not when it reports another of its kind
        return bool(ids_a & ids_b) and (ids_a <= ids_b or ids_b <= ids_a) \
            and b["sentence"] - a["sentence"] <= 1 and _names_again(a, b)
    return b["sentence"] - a["sentence"] <= 1 and (not ids_a or not ids_b) and \
        a["type"] not in {"CONSULT"}


def _names_again(a: dict, b: dict) -> bool:
    fa, fb = a["frame"], b["frame"]
    if a["sentence"] == b["sentence"] and fa.learned != fb.learned:
        return True     # a rule and the model reading one act in different words of a sentence
    if fa.trigger.lemma_.lower() == fb.trigger.lemma_.lower():
        return True
    return fb.noun is not None and _same_kind(a, b)


def _date_within(inner: When, outer: When) -> bool:
    if not inner.start or inner.basis in {"context", "publication"}:
        return True
    if not outer.start:
        return False
    return outer.start[:len(inner.start)] <= inner.start[:10] <= (outer.end or outer.start)[:10] \
        or inner.start[:len(outer.start)] == outer.start


NOUN_OF_VERB = {"meet": "meeting", "talk": "talk", "visit": "visit", "exercise": "exercise",
                "confer": "conference", "negotiate": "negotiation", "call": "call"}


def _same_kind(a: dict, b: dict) -> bool:
    """'The meeting' goes back to a meeting (or 'met'), not to a visit or a debate."""
    noun = b["frame"].noun.lemma_.lower()
    fa = a["frame"]
    kinds = {fa.trigger.lemma_.lower(), NOUN_OF_VERB.get(fa.trigger.lemma_.lower(), "")}
    if fa.noun is not None:
        kinds.add(fa.noun.lemma_.lower())
    return noun in kinds


def _visit_purpose(a: dict, b: dict) -> bool:
    if a["sent"] != b["sent"] or _mode(a, 2) != "visit" or b["type"] != "CONSULT":
        return False
    trigger = b["frame"].trigger
    head = a["frame"].trigger
    return head.is_ancestor(trigger) and trigger.i > head.i


def _anaphoric(d: dict) -> bool:
    noun = d["frame"].noun
    if noun is None or d["frame"].via not in {"light", "noun", "verb"}:
        return False
    # "The meeting was chaired by ...", "Taking part in the meeting were ..."
    in_subject = any(t.dep_ in {"nsubj", "nsubjpass"} for t in [noun, *noun.ancestors][:3])
    if not in_subject and not d["frame"].participation:
        return False
    dets = {c.lower_ for c in noun.children if c.dep_ == "det"}
    partners = {c.lower_ for c in noun.children if c.dep_ == "prep"} & {"with", "between", "of"}
    return bool(dets & {"the", "this", "that"}) and not partners and \
        not any(c.lower_ in {"next", "new", "another", "second"} for c in noun.children)


DATELINE = re.compile(r"^\s*([A-Z][A-Za-z.'\-]+(?:[ \t]+[A-Z][A-Za-z.'\-]+){0,3})\s*(?:,|\s[–—-]\s)")


HEADER_PLACE = re.compile(r"^\s*([^\n]{2,80}?),\s*\d{4}-\d\d-\d\d")


def _header_place(doc: Doc, article: dict) -> Mention | None:
    """'The Kremlin, Moscow, 2022-02-25T17:45:00Z' under a headline: where the item's act took
    place, as the publisher gives it (the first part the gazetteer knows)."""
    start = article["start"]
    head = doc.text[start:min(article["end"], start + 400)]
    for line in head.splitlines()[:4]:
        m = HEADER_PLACE.match(line)
        if not m:
            continue
        offset = start + head.find(line)
        for part in m.group(1).split(","):
            name = part.strip()
            place = default_gazetteer().place(name) if name and name != "NA" else None
            if place and place.get("kind") != "country":
                at = offset + line.find(name)
                return Mention(at, at + len(name), name, "LOC", place["name"], via="header")
        return None
    return None


def _dateline_place(doc: Doc, article: dict, index: MentionIndex) -> Mention | None:
    """'NEW YORK, 14 March 2022 —', 'BUDAPEST – ...': where the story was filed."""
    header = _header_place(doc, article)
    if header is not None:
        return header
    start = article.get("body_start") or article["start"]
    head = doc.text[start:min(article["end"], start + 300)]
    for line in head.splitlines()[:3]:
        m = DATELINE.match(line)
        if not m:
            continue
        name = m.group(1)
        place = default_gazetteer().place(name.title() if name.isupper() else name)
        if place and place.get("kind") != "country":
            offset = start + head.find(line) + line.find(name)
            return Mention(offset, offset + len(name), name, "LOC", place["name"], via="dateline")
    return None


def _inherit_places(drafts: list[dict], doc: Doc, index: MentionIndex) -> None:
    """Events of a stay share its place ('was in New York from 24 to 27 September'), an act
    goes on where the previous one of that day took place, and a story filed under a
    dateline happened there unless it says otherwise (calls excepted)."""
    stays = [d for d in drafts if d["where"] is not None and d["when"].start]
    datelines: dict[int, Mention | None] = {}
    previous = None
    for d in drafts:
        if d["where"] is None and d["when"].start:
            for stay in stays:
                if stay["article"] is d["article"] and \
                        stay["when"].start[:10] <= d["when"].start[:10] <= (stay["when"].end or "")[:10]:
                    d["where"] = stay["where"]
                    break
        if d["where"] is None and previous is not None and previous["article"] is d["article"] \
                and previous["where"] is not None and d["when"].start \
                and previous["when"].start == d["when"].start and d["mode"] != "phone":
            d["where"] = previous["where"]
        if d["where"] is None and d["status"] == "occurred":
            idx = d["article"]["index"]
            if idx not in datelines:
                datelines[idx] = _dateline_place(doc, d["article"], index)
            place = datelines[idx]
            # a call takes the place the publisher gives the item, not a dateline's city
            if place is not None and (_mode(d, 2) != "phone" or place.via == "header"):
                d["where"] = place
        previous = d


# --- records -----------------------------------------------------------------------------

def _mode(d: dict, sides: int) -> str | None:
    """The body sentence's mode, else one its headline gives ("Secretary's Call with ...")."""
    mode = mode_of(d["frame"], sides)
    if mode is None or mode == "multilateral":
        for other in d.get("also", []):
            lent = mode_of(other["frame"], 2)
            if lent in {"phone", "visit"}:
                return lent
    return mode


def _visit_host(d: dict) -> None:
    """A visit to a place with no host named: the state the place belongs to is the host."""
    if d["frame"].mode != "visit" or d["recipients"] or d["where"] is None:
        return
    gaz = default_gazetteer()
    place = gaz.place(d["where"].name) or {}
    country = gaz.country_by_iso(place["country"]) if place.get("country") else None
    if country is None or any(m.name == country["name"] for m in d["actors"]):
        return
    w = d["where"]
    d["recipients"] = [Mention(w.start, w.end, w.text, "GPE", country["name"], via="place")]


def _participant(m: Mention) -> Participant:
    return Participant(m.name, m.type, m.entity_id, m.text, m.start, m.end, m.title, m.org)


def _to_event(d: dict, doc: Doc, context: dict) -> Event:
    lex = load_lexicon()
    frame: Frame = d["frame"]
    sent: Span = d["sent"]
    text = sent.text.strip()
    start = sent.start_char + (len(sent.text) - len(sent.text.lstrip()))
    evidence = Evidence(text, start, start + len(text), d["sentence"])
    where = None
    if d["where"] is not None:
        place = default_gazetteer().place(d["where"].name) or {}
        where = Where(d["where"].name, place.get("country"), place.get("geonameid"),
                      place.get("lat"), place.get("lon"), d["where"].start, d["where"].end)
    people_orgs = {m.org for m in d["actors"] + d["recipients"] if m.type == "PERSON"}
    sides = len({m.entity_id for m in d["actors"] + d["recipients"]
                 if m.type == "PERSON" or (m.name not in people_orgs and
                                           m.text.removeprefix("the ") not in people_orgs)})
    onto = lex.types.get(d["type"], {})
    named = [m for m in d["actors"] + d["recipients"] if m.via != "implied"]
    confidence = 0.9 if frame.via == "verb" and len(named) >= 2 else 0.7 if named else 0.5
    also = []
    for other in d.get("also", []):
        s = other["sent"]
        t = s.text.strip()
        st = s.start_char + (len(s.text) - len(s.text.lstrip()))
        also.append(Evidence(t, st, st + len(t), other["sentence"]))
    event_id = ""
    if d.get("part"):   # one of several acts stated by one trigger: the counterpart tells them apart
        event_id = content_id(context.get("doc_id", ""), evidence.start, evidence.end, d["type"],
                              frame.trigger.text, d["part"], prefix="ev_")
    return Event(
        id=event_id,
        doc_id=context.get("doc_id", ""), type=d["type"], evidence=evidence,
        source=context.get("source", ""), article=d["article"]["index"],
        mode=_mode(d, sides), status=d["status"], when=d["when"], where=where,
        actors=[_participant(m) for m in d["actors"]],
        recipients=[_participant(m) for m in d["recipients"]],
        topics=d["topics"], trigger=frame.trigger.text, cameo=onto.get("cameo"),
        quad=onto.get("quad"), confidence=confidence, also_evidence=also)
