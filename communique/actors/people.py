"""Across documents: one person however the texts spell or shorten the name.

`store.people()` lists one row per person entity (ids are hashes of the name key, see
`resolve.person_key`: "Antony J. Blinken" and "Antony Blinken" already share one). What remains
is merged here: a surname alone ("Blinken", from "Secretary Blinken" in a text that never gives
the full name) joins the one full name with that surname, and transliteration variants
("Zaynetdinov"/"Zainetdinov", "Zelenskyy"/"Zelensky") join each other.
"""
from __future__ import annotations

import re

from .resolve import person_key

_TRANSLIT = [(r"iy\b", "i"), (r"yy\b", "y"), (r"ay", "ai"), (r"ey", "ei"), (r"j", "y"),
             (r"kh", "h"), (r"ou", "u"), (r"[\s\-']+", " ")]


def _title_words() -> frozenset[str]:
    from .gazetteer import default_gazetteer
    gaz = default_gazetteer()
    return frozenset(w.lower() for t in gaz.title_heads() + gaz.title_modifiers()
                     for w in t.split() if " " not in t)


def translit_key(name: str) -> str:
    """A coarse key under which common transliterations of one name coincide; a post before the
    name ("SECRETARY BLINKEN", a transcript's speaker label) is left out."""
    words = person_key(name).split()
    titles = _title_words()
    while len(words) > 1 and words[0] in titles:
        words = words[1:]
    key = " ".join(words)
    for pat, rep in _TRANSLIT:
        key = re.sub(pat, rep, key)
    return " ".join(key.split())


def merge_people(people: list[dict]) -> list[dict]:
    """Rows of `store.people()` merged into one per person: {"id", "name", "ids", "aliases",
    "mentions", "posts"}; the name is the most mentioned full form."""
    groups: dict[str, list[dict]] = {}
    for p in people:
        groups.setdefault(translit_key(p["name"]), []).append(p)
    full = {k: g for k, g in groups.items() if len(k.split()) > 1}
    by_surname: dict[str, list[str]] = {}
    for k in full:
        by_surname.setdefault(k.split()[-1], []).append(k)
    for k in [k for k in groups if len(k.split()) == 1]:
        owners = by_surname.get(k, [])
        if len(owners) == 1:
            groups[owners[0]].extend(groups.pop(k))
    out = []
    for rows in groups.values():
        rows.sort(key=lambda r: (-len(r["name"].split()) > 1, -r.get("mentions", 0)))
        main = max(rows, key=lambda r: (len(r["name"].split()) > 1, r.get("mentions", 0)))
        aliases = sorted({r["name"] for r in rows} - {main["name"]}
                         | {a for r in rows for a in r.get("aliases", [])} - {main["name"]})
        posts: dict[tuple, dict] = {}
        for r in rows:
            for post in r.get("posts", []):
                key = (post.get("title"), post.get("org"))
                old = posts.get(key)
                if old is None:
                    posts[key] = dict(post)
                    continue
                old["documents"] = old.get("documents", 0) + post.get("documents", 0)
                for field, pick in (("first_seen", min), ("last_seen", max)):
                    vals = [v for v in (old.get(field), post.get(field)) if v]
                    old[field] = pick(vals) if vals else None
        out.append({"id": main["id"], "name": main["name"], "ids": [r["id"] for r in rows],
                    "aliases": aliases, "mentions": sum(r.get("mentions", 0) for r in rows),
                    "posts": sorted(posts.values(), key=lambda p: (p.get("first_seen") or "", p["title"] or ""))})
    out.sort(key=lambda p: -p["mentions"])
    return out


def people_report(store, name: str | None = None) -> list[dict]:
    """`store.people(name)` with one row per person (see merge_people)."""
    rows = store.people(name=name)
    if name:   # a surname's full form, or a full name's bare surname, found too
        extra = store.people(name=name.split()[-1])
        seen = {r["id"] for r in rows}
        rows += [r for r in extra if r["id"] not in seen]
    return merge_people(rows)
