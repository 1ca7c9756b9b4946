"""Across documents: one person however the texts spell or shorten the name, with the posts the
texts give them.

`store.people()` lists one row per person entity (ids are hashes of the name key, see
`resolve.person_key`: "Antony J. Blinken" and "Antony Blinken" already share one). What remains
is merged here:
- transliteration variants ("Zaynetdinov"/"Zainetdinov", "Zelenskyy"/"Zelensky") join each other;
- full names with one surname and compatible given names ("Tony Blinken", "Antony Blinken";
  "A. Blinken") join each other;
- a surname alone ("Blinken", from "Secretary Blinken" in a text that never gives the full name)
  joins the one full name with that surname, or the namesake who holds its posts ("Biden");
- what sticks to a name in headlines and transcripts is not part of it: salutations ("Dear Tony"),
  headline words ("Blinken Remarks"), a speaker label's tooltip, the post's state before the name.
Short forms of given names, salutations, headline words and remit words are data
(data/person_names.json).

Posts are put in one spelling ("SECRETARY" = "Secretary"; "Russian Federation" = "Russia",
"State Department" = "United States Department of State"), a post that is a shorter form of another
the person holds joins it ("Secretary" into "Secretary of State, United States"; "President" into
"President, Russia"), and two kinds of post are set aside as doubtful, being far more often a post
mention resolved to the wrong person than a second office: one seen in a single document beside
a post attested in WELL_ATTESTED documents, and one seen once while the same title with another
organisation is attested in DOUBTFUL_MAJORITY.
"""
from __future__ import annotations

import functools
import json
import re
from pathlib import Path

from .resolve import norm_title, person_id, person_key

_TRANSLIT = [(r"zh", "j"), (r"iy\b", "i"), (r"yy\b", "y"), (r"ay", "ai"), (r"ey", "ei"), (r"j", "y"),
             (r"kh", "h"), (r"ou", "u"), (r"(?<=[^aeiou\s])ia", "ya"), (r"[\s\-']+", " "),
             (r"\bel\b", "al"), (r"\b(\w+)(?: \1\b)+", r"\1")]   # "el-Sisi" = "Al Sisi"; "Mishustin Mishustin"
_SMALL_WORDS = {"of", "the", "and", "for", "on", "in", "to", "at"}
_CONNECTORS = frozenset({"of", "the", "for", "and"})
_GLUED_TITLE = re.compile(r"(?<=[a-z])(?=(?:President|Federal|Prime|Minister|Chancellor|Secretary|Chairman|Head)\b)")
DOUBTFUL_MAJORITY = 3   # documents that make a post's title-with-another-organisation the person's
WELL_ATTESTED = 10      # documents in a post beyond which a post seen once is doubtful
DOMINANT = 5            # times more documents in a post that make one namesake its holder


@functools.lru_cache(maxsize=1)
def _title_words() -> frozenset[str]:
    from .gazetteer import default_gazetteer
    gaz = default_gazetteer()
    words = set()
    for t in gaz.title_heads() + gaz.title_modifiers():
        if " " not in t:
            words.add(t.lower())
            words.add(t.lower() + "s")      # "Ministers Hayashi" (a joint statement's heading)
    words |= {w.rstrip(".") for w in _name_data()["salutations"] if " " not in w}
    return frozenset(words)


@functools.lru_cache(maxsize=65536)   # a pure function of the name: the same in every process
def translit_key(name: str) -> str:
    """A coarse key under which common transliterations of one name coincide; a post before the
    name ("SECRETARY BLINKEN", a transcript's speaker label) is left out."""
    titles = _title_words()
    # a transcript's speaker label glued to its tooltip: "Emmanuel Macron Macron EmmanuelPresident"
    name = _GLUED_TITLE.sub(" ", name)
    name = re.sub(r"\(.*$", "", name).strip(" :;,.–—-")      # "Olaf Scholz(retranslated", "Lukashenko:"
    words = _without_titles(person_key(name), titles, _state_words()).split()
    words = [re.sub(r"['’]s$", "", w) for w in words]
    tail = titles | _headline_words()
    while len(words) > 1 and words[-1] in tail:
        words = words[:-1]
    seen: set[str] = set()
    words = [w for w in words if not (w in seen or seen.add(w))]
    return _translit(" ".join(words))


@functools.lru_cache(maxsize=1)
def _headline_words() -> frozenset[str]:
    return frozenset(_name_data().get("headline_words", []))


@functools.lru_cache(maxsize=1)
def _state_words() -> frozenset[str]:
    from .gazetteer import default_gazetteer
    return frozenset(c["name"].lower() for c in default_gazetteer().countries)


@functools.lru_cache(maxsize=1)
def _name_data() -> dict:
    return json.loads((Path(__file__).resolve().parents[1] / "data" / "person_names.json").read_text("utf-8"))


@functools.lru_cache(maxsize=1)
def _name_family() -> dict[str, int]:
    # keyed the way translit_key spells names ("joe" -> "yoe")
    return {_translit(name): i for i, family in enumerate(_name_data()["given_name_families"]) for name in family}


def _translit(key: str) -> str:
    for pat, rep in _TRANSLIT:
        key = re.sub(pat, rep, key)
    return " ".join(key.split())


def _same_given_name(s: str, g: str) -> bool:
    if s == g or (len(s) == 1 and g.startswith(s)) or (len(g) == 1 and s.startswith(g)):
        return True
    family = _name_family()
    if s in family and family.get(g) == family[s]:
        return True
    return min(len(s), len(g)) >= 3 and (g.startswith(s) or g.endswith(s) or s.startswith(g) or s.endswith(g))


def _given_names_match(a: list[str], b: list[str]) -> bool:
    """'tony' ~ 'antony', 'a' ~ 'antony', 'alex' ~ 'alexander'; every given name of the shorter
    list must match one of the longer's, in order."""
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    i = 0
    for s in short:
        while i < len(long_):
            g = long_[i]
            i += 1
            if _same_given_name(s, g):
                break
        else:
            return False
    return True


def _group(people: list[dict]) -> list[list[dict]]:
    groups: dict[str, list[dict]] = {}
    for p in people:
        groups.setdefault(translit_key(p["name"]), []).append(p)
    # full names with one surname and compatible given names
    by_surname: dict[str, list[str]] = {}
    for k in sorted(groups, key=lambda k: -sum(r.get("mentions", 0) for r in groups[k])):
        if len(k.split()) > 1:
            by_surname.setdefault(k.split()[-1], []).append(k)
    for keys in by_surname.values():
        for k in keys[1:]:
            for main in keys:
                if main == k or main not in groups:
                    continue
                if _given_names_match(k.split()[:-1], main.split()[:-1]):
                    groups[main].extend(groups.pop(k))
                    break
    # a surname alone joins the one full name left with it
    owners: dict[str, list[str]] = {}
    for k in groups:
        if len(k.split()) > 1:
            owners.setdefault(k.split()[-1], []).append(k)
    for k in [k for k in groups if len(k.split()) == 1]:
        cands = owners.get(k, [])
        if len(cands) > 1:   # "Biden" with "Joe Biden" and "Jill Biden": the one holding its posts
            titles = _titles_of(groups[k])
            held = sorted(((_documents_in(groups[c], titles), c) for c in cands), reverse=True)
            # a slip ("President Jill Biden" once) does not make a rival to the holder of the post
            cands = [held[0][1]] if held[0][0] > 0 and held[0][0] >= DOMINANT * held[1][0] else []
        if len(cands) == 1:
            groups[cands[0]].extend(groups.pop(k))
    return list(groups.values())


def _titles_of(rows: list[dict]) -> set[str]:
    return {norm_title(p.get("title")).split()[-1] for r in rows for p in r.get("posts", []) if p.get("title")}


def _documents_in(rows: list[dict], titles: set[str]) -> int:
    """Documents in which these rows hold a post with one of the titles' head words."""
    return sum(p.get("documents", 0) for r in rows for p in r.get("posts", [])
               if p.get("title") and norm_title(p["title"]).split()[-1] in titles)


def _post_key(title: str | None) -> str:
    """'Minister of Finance' = 'Finance Minister', 'Secretary of Agriculture' = 'Agriculture Secretary'."""
    key = norm_title(title)
    key = re.sub(r"^minister for foreign affairs\b.*", "foreign minister", key)
    key = re.sub(r"^federal (chancellor|president)$", r"\1", key)          # Germany's, Austria's
    return re.sub(r"^(minister|secretary) (?:of|for) (?:the )?(\w+)$", r"\2 \1", key)


def _display_title(title: str | None) -> str | None:
    """One spelling for a post: a transcript's 'SECRETARY' is 'Secretary'."""
    if not title:
        return title
    title = " ".join(title.split())
    parts = [p.strip() for p in re.split(r"\s+[–—-]\s+", title)]
    if len(parts) == 2 and parts[1].lower().endswith(parts[0].lower()):
        title = parts[1] if len(parts[1]) > len(parts[0]) else parts[0]   # "President – President"
    if title.isupper():
        title = " ".join(w.lower() if w.lower() in _SMALL_WORDS and i else w.capitalize()
                         for i, w in enumerate(title.split()))
    return title[0].upper() + title[1:]


def _canonical_org(org: str | None, gaz) -> str | None:
    if not org or gaz is None:
        return org
    found = gaz.country(org) or gaz.org(org)
    return found["name"] if found else org


def _merge_post(into: dict, post: dict) -> None:
    docs = set(into.get("doc_ids") or []) | set(post.get("doc_ids") or [])
    if docs:
        into["doc_ids"] = sorted(docs)
        into["documents"] = len(docs)
    else:
        into["documents"] = into.get("documents", 0) + post.get("documents", 0)
    for field, pick in (("first_seen", min), ("last_seen", max)):
        vals = [v for v in (into.get(field), post.get(field)) if v]
        into[field] = pick(vals) if vals else None


def _shorter_form(a: dict, b: dict) -> bool:
    """Is post a a shorter way of naming post b ('Secretary' of 'Secretary of State, US')?"""
    if a is b or (a.get("org") and a.get("org") != b.get("org")):
        return False
    ta, tb = _post_key(a.get("title")), _post_key(b.get("title"))
    if not ta or not tb:
        return False
    same = ta == tb and not a.get("org") and b.get("org")
    return same or tb.startswith(ta + " ") or tb.endswith(" " + ta)


def _may_fold(p: dict, q: dict) -> bool:
    """A post without organisation joins one with it when that one is seen in more than a single
    document (one slip must not pull every bare "President" into it); a post with organisation
    joins a longer title only when that title is at least as well attested."""
    n_p, n_q = p.get("documents", 0), q.get("documents", 0)
    if not p.get("org"):
        return n_q >= 2 or n_p <= 1
    return n_q >= n_p


def tidy_posts(posts: list[dict], gaz=None) -> tuple[list[dict], list[dict]]:
    """(posts, doubtful): one spelling per post, shorter forms folded into the fuller post the
    person holds, and single-document posts that contradict a well-attested one set aside."""
    merged: dict[tuple, dict] = {}
    for post in posts:
        p = dict(post, title=_display_title(post.get("title")), org=_canonical_org(post.get("org"), gaz))
        key = (_post_key(p["title"]), p["org"])
        if key in merged:
            _merge_post(merged[key], p)
        else:
            merged[key] = p
    # least specific first, so that "Secretary" -> "Secretary of State" -> "..., United States" chains
    items = sorted(merged.values(), key=lambda p: (bool(p.get("org")), len(norm_title(p.get("title")))))
    kept = list(items)
    for p in items:
        fuller = [q for q in kept if _shorter_form(p, q) and _may_fold(p, q)]
        if fuller:
            _merge_post(max(fuller, key=lambda q: q.get("documents", 0)), p)
            kept.remove(p)
    doubtful = []
    best = max((p.get("documents", 0) for p in kept), default=0)
    for p in kept:
        if p.get("documents", 0) == 1 and best >= WELL_ATTESTED:
            doubtful.append(p)   # one mention beside hundreds: far more often a slip than an office
            continue
        if p.get("documents", 0) != 1 or not p.get("org"):
            continue
        rivals = [q for q in kept if q is not p and q.get("org") and q["org"] != p["org"]
                  and _post_key(q.get("title")) == _post_key(p.get("title"))
                  and q.get("documents", 0) >= DOUBTFUL_MAJORITY]
        if rivals:
            doubtful.append(p)
    kept = [p for p in kept if p not in doubtful]
    order = lambda p: (-(p.get("documents") or 0), p.get("first_seen") or "", p.get("title") or "")  # noqa: E731
    return sorted(kept, key=order), sorted(doubtful, key=order)


def _body_words(gaz) -> frozenset[str]:
    """Words of remits, bodies and places: what sticks to a name after a post."""
    words = set(_name_data().get("portfolio_words", [])) | set(_title_words())
    if gaz is not None:
        for o in gaz.organisations:
            for n in [o.get("name") or ""] + list(o.get("aliases") or []):
                words |= set(re.findall(r"[^\W\d_]+", n.lower()))
        for p in gaz.places:
            words |= set(re.findall(r"[^\W\d_]+", (p.get("name") or "").lower()))
    return frozenset(_translit(w) for w in words)


def _stuck(extra: set[str], body_words: frozenset[str]) -> bool:
    """Are the words a longer form adds to a name those of a remit or body ("economic development")?"""
    return bool(extra) and all(w in body_words for w in extra)


def _without_titles(name: str, titles: frozenset[str], places: frozenset[str] = frozenset()) -> str:
    """'Ministers Hayashi' -> 'Hayashi', 'of Kazakhstan Kassym-Jomart Tokayev' -> 'Kassym-Jomart
    Tokayev': post words, connectors and the post's state that stuck to the name."""
    words = name.split()
    drop = titles | _CONNECTORS | places
    while len(words) > 1 and words[0].lower().strip(".,") in drop:
        words = words[1:]
    return " ".join(words)


def merge_people(people: list[dict], gaz=None) -> list[dict]:
    """Rows of `store.people()` merged into one per person: {"id", "name", "ids", "aliases",
    "mentions", "documents", "events", "posts", "doubtful_posts"}; the name is the office
    holder's (holders.py) or else the most mentioned full form, the id that name's."""
    titles = _title_words()
    particles = set(_name_data().get("particles", []))
    gaz_words = _body_words(gaz)
    states = _state_words()
    from .holders import default_holders
    holder_ids = {h.entity_id: h for h in default_holders().people}
    out = []
    for rows in _group(people):
        main = max(rows, key=lambda r: r.get("mentions", 0))
        names = {r["name"]: r.get("mentions", 0) for r in rows}
        for r in rows:
            for a in r.get("aliases", []):
                names.setdefault(a, 0)
        word_sets = {n: set(translit_key(n).split()) for n in names}

        def rank(n):
            words = _without_titles(n, titles).split() or [""]
            # "Economic Development Maxim Reshetnikov" loses to "Maxim Reshetnikov": a full name
            # inside a longer one is the name, the rest stuck to it
            shorter = [w for w in word_sets.values() if len(w) > 1 and w < word_sets[n]]
            padded = any(_stuck(word_sets[n] - w, gaz_words) for w in shorter)
            fuller = bool(shorter) and not padded        # "Recep Tayyip Erdogan" over "Tayyip Erdogan"
            # "Al Sisi", "von der": a surname's particle first is no given name
            bare = words[0].lower().rstrip(".-") in particles
            return (len(words) > 1, not bare, not padded, not n.isupper(), "'" not in n and "’" not in n,
                    fuller, names[n])
        best = _without_titles(max(names, key=rank), titles, states)
        ids = [r["id"] for r in rows]
        holder = next((holder_ids[i] for i in ids if i in holder_ids), None)
        if holder is not None:   # the office holder's canonical name and id
            best, ident = holder.name, holder.entity_id
        else:                    # the id of the chosen name, when a row has it
            ident = person_id(best) if person_id(best) in ids else main["id"]
        aliases = sorted(set(names) - {best})
        posts, doubtful = tidy_posts([post for r in rows for post in r.get("posts", [])], gaz)
        doc_ids = {d for r in rows for d in r.get("doc_ids") or []}
        event_ids = {e for r in rows for e in r.get("event_ids") or []}
        out.append({"id": ident, "name": best, "ids": ids,
                    "aliases": aliases, "mentions": sum(r.get("mentions", 0) for r in rows),
                    "documents": len(doc_ids), "events": len(event_ids),
                    "posts": posts, "doubtful_posts": doubtful})
    out.sort(key=lambda p: -p["mentions"])
    return out


def people_report(find, name: str | None = None, everyone: bool = False) -> list[dict]:
    """People rows from `find(name=...)` (`Store.people`, or `queries.people` bound to a cursor)
    merged one per person (see merge_people). Without a name, a bare word that no text gives a
    post ("QUESTION", a transcript's speaker label; "COVID") is left out unless `everyone`."""
    from .gazetteer import default_gazetteer
    find = getattr(find, "people", find)
    rows = find(name=name)
    if name:   # a surname's full form, or a full name's bare surname, found too
        extra = find(name=name.split()[-1])
        seen = {r["id"] for r in rows}
        rows += [r for r in extra if r["id"] not in seen]
    merged = merge_people(rows, default_gazetteer())
    for person in merged:    # the lists were for counting; posts keep their documents' count
        for post in person["posts"] + person["doubtful_posts"]:
            post.pop("doc_ids", None)
    if name or everyone:
        return merged
    return [p for p in merged if p["posts"] or len(p["name"].split()) > 1]
