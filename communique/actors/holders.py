"""Office holders: who held which post when, so that a name, a surname or a post resolves to one
person across documents.

The data are `data/office_holders.json` (heads of state and government, foreign and defence
ministers, heads of the main international organisations since 2000, each group with the sources
it was checked against). Users extend them with a file `office_holders.json` of the same shape in
the directories named by $COMMUNIQUE_DATA_DIR (several joined with the path separator): a person
of a name already known gets the file's aliases and posts added, a new name is added.

    holders = default_holders()
    holders.by_name("Sergei Lavrov").name                              # 'Sergey Lavrov'
    holders.by_surname("Blinken", "2022-03-01").name                   # 'Antony Blinken'
    holders.by_post("Foreign Minister", "Russia", "2022-03-01").name   # 'Sergey Lavrov'

A person's entity id is the content hash of the canonical name (`resolve.person_id`), the id
every document gives that person whatever spelling it uses.
"""
from __future__ import annotations

import copy
import functools
import json
import os
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

HOLDERS_FILE = "office_holders.json"
DATA_DIR_ENV = "COMMUNIQUE_DATA_DIR"

# one name for a post however the texts word it; checked in order, first match wins
_POST_KINDS = [
    (r"^(?:(?:minister|secretary) (?:of|for) (?:state for )?(?:foreign|external) (?:affairs|relations)"
     r"|(?:foreign|external affairs) (?:minister|secretary)|secretary of state"
     r"|minister of international relations)", "foreign minister"),
    (r"^(?:(?:minister|secretary) (?:of|for) (?:state for )?(?:national )?defen[cs]e"
     r"|defen[cs]e (?:minister|secretary))", "defence minister"),
    (r"^(?:prime minister|premier|chairman of the government)$", "prime minister"),
    (r"^(?:federal )?chancellor$", "chancellor"),
    (r"^(?:federal )?president$", "president"),
    (r"^secretary general$", "secretary general"),
    (r"^high representative\b", "high representative"),
]


def post_kind(title: str | None) -> str:
    """'Minister for Foreign Affairs' = 'Foreign Minister' = 'Secretary of State' (of the US);
    'Secretary of Defense' = 'Defence Minister'; 'Premier' = 'Prime Minister'."""
    if not title:
        return ""
    text = title.lower().replace("secretary-general", "secretary general")
    text = " ".join(re.sub(r"[\-–—,]+", " ", text).split())
    for pattern, kind in _POST_KINDS:
        if re.search(pattern, text):
            return kind
    return text


@dataclass(frozen=True)
class Post:
    title: str
    org: str
    start: str | None = None          # YYYY-MM or YYYY
    end: str | None = None            # None: in office when the list was made
    approximate: tuple[str, ...] = ()

    def active(self, day: str | None) -> bool:
        """Held on this ISO date (compared at the post's own precision)?"""
        if not day:
            return True
        if self.start and day[:len(self.start)] < self.start:
            return False
        return not (self.end and day[:len(self.end)] > self.end)


@dataclass(frozen=True)
class Holder:
    name: str
    aliases: tuple[str, ...]
    posts: tuple[Post, ...]
    source: str = ""
    surname: str | None = None

    @property
    def entity_id(self) -> str:
        from .resolve import person_id
        return person_id(self.name)

    def posts_at(self, day: str | None) -> list[Post]:
        return [p for p in self.posts if p.active(day)]


def _key(name: str) -> str:
    from .people import translit_key
    return translit_key(name)


def _org_key(org: str | None) -> str:
    if not org:
        return ""
    from .gazetteer import default_gazetteer, normalise
    gaz = default_gazetteer()
    found = gaz.country(org) or gaz.org(org)
    return (found.get("id") or found.get("iso2") or found["name"]) if found else normalise(org)


def _words(title: str) -> set[str]:
    return set(title.lower().replace("-", " ").split()) - {"the", "of", "for"}


def _title_fits(title: str, post: Post) -> bool:
    """'Secretary' fits 'Secretary of State', 'Foreign Minister' fits 'Minister of Foreign
    Affairs': the same kind of post, or every word of the text's shorter title in the post's."""
    if post_kind(title) == post_kind(post.title):
        return True
    wanted = _words(title)
    return bool(wanted) and wanted <= _words(post.title) | set(post_kind(post.title).split())


class Holders:
    """The office holders with lookups by name, surname and post. Build with `load()`."""

    def __init__(self, people: list[dict], sources: dict[str, str] | None = None):
        self.sources = dict(sources or {})
        self.people: list[Holder] = []
        self._by_key: dict[str, list[Holder]] = {}
        self._by_surname: dict[str, list[Holder]] = {}
        for rec in people:
            posts = tuple(Post(p["title"], p["org"], p.get("start"), p.get("end"),
                               tuple(p.get("approximate") or ())) for p in rec.get("posts", []))
            holder = Holder(rec["name"], tuple(rec.get("aliases") or ()), posts,
                            rec.get("source", ""), rec.get("surname"))
            self.people.append(holder)
            for form in (holder.name, *holder.aliases):
                key = _key(form)
                if key:
                    self._by_key.setdefault(key, []).append(holder)
                    words = key.split()
                    if len(words) > 1 and not holder.surname:
                        self._by_surname.setdefault(words[-1], []).append(holder)
                    else:       # "Lula", "Kirill": a one-word alias is how texts shorten the name
                        self._by_surname.setdefault(words[0], []).append(holder)
            if holder.surname:
                self._by_surname.setdefault(_key(holder.surname), []).append(holder)
        for index in (self._by_key, self._by_surname):
            for key, found in index.items():
                index[key] = list(dict.fromkeys(found))

    @classmethod
    def load(cls, extra_dirs: list[str] | None = None) -> "Holders":
        with resources.files("communique.data").joinpath(HOLDERS_FILE).open(encoding="utf-8") as fh:
            data = json.load(fh)
        people = copy.deepcopy(data["people"])
        sources = dict(data.get("sources", {}))
        by_name = {p["name"]: p for p in people}
        for directory in extra_dirs or []:
            path = Path(directory) / HOLDERS_FILE
            if not path.is_file():
                continue
            from ..errors import ResourceError
            try:
                extra = json.loads(path.read_text(encoding="utf-8"))
                records, more_sources = extra["people"], extra.get("sources", {})
            except (ValueError, KeyError, TypeError) as exc:
                raise ResourceError(f"{path} is not an office holders file: {exc}",
                                    'give it the shape of communique/data/office_holders.json: '
                                    '{"sources": {...}, "people": [{"name", "aliases", "posts"}]}') from exc
            sources.update(more_sources)
            for rec in records:
                old = by_name.get(rec.get("name"))
                if old is None:
                    people.append(rec)
                    by_name[rec["name"]] = rec
                    continue
                old["aliases"] = list(dict.fromkeys(old.get("aliases", []) + rec.get("aliases", [])))
                old["posts"] = old.get("posts", []) + [p for p in rec.get("posts", [])
                                                        if p not in old.get("posts", [])]
        return cls(people, sources)

    # ------------------------------------------------------------------ lookups
    def by_name(self, name: str, day: str | None = None) -> Holder | None:
        """The holder a full name (any spelling the data or transliteration allow) names."""
        key = _key(name)
        words = key.split()
        if len(words) < 2:
            return None
        found = self._by_key.get(key)
        if not found:
            from .people import _given_names_match
            found = [h for h in self._by_surname.get(words[-1], [])
                     if any(len(k.split()) > 1 and k.split()[-1] == words[-1]
                            and _given_names_match(words[:-1], k.split()[:-1])
                            for k in map(_key, (h.name, *h.aliases)))]
        return self._one(found, day)

    def by_surname(self, surname: str, day: str | None = None, title: str | None = None,
                   org: str | None = None) -> Holder | None:
        """The one holder of this surname in office on the day (and in a post that fits the
        title and organisation the text gives); None when none or several fit."""
        key = _key(surname)
        if not key or len(key.split()) != 1:
            return None
        found = self._by_surname.get(key, [])
        if title or org:
            org_key = _org_key(org)
            found = [h for h in found if any(
                (not title or _title_fits(title, p)) and (not org_key or _org_key(p.org) == org_key)
                for p in (h.posts_at(day) or (h.posts if day is None else ())))]
        if day:
            found = [h for h in found if h.posts_at(day)]
        return found[0] if len(found) == 1 else None

    def by_post(self, title: str | None, org: str | None, day: str | None) -> Holder | None:
        """Who held this post of this state or organisation on the day (both needed)."""
        kind, org_key = post_kind(title), _org_key(org)
        if not kind or not org_key or not day:
            return None
        found = [h for h in self.people for p in h.posts_at(day)
                 if post_kind(p.title) == kind and _org_key(p.org) == org_key]
        found = list(dict.fromkeys(found))
        return found[0] if len(found) == 1 else None

    @staticmethod
    def _one(found: list[Holder], day: str | None) -> Holder | None:
        if len(found) > 1 and day:
            found = [h for h in found if h.posts_at(day)] or found
        return found[0] if len(found) == 1 else None


def data_dirs() -> tuple[str, ...]:
    """The user's data directories from $COMMUNIQUE_DATA_DIR."""
    value = os.environ.get(DATA_DIR_ENV, "")
    return tuple(d for d in value.split(os.pathsep) if d)


@functools.lru_cache(maxsize=4)
def _holders_for(dirs: tuple[str, ...]) -> Holders:
    return Holders.load(list(dirs))


def default_holders() -> Holders:
    """The package's office holders plus the user's (see the module doc), loaded once per
    process and set of directories."""
    return _holders_for(data_dirs())
