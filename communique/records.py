"""Records that flow between stages: plain dataclasses with to_dict/from_dict.

Every record that comes from text keeps character offsets (`start`, `end`) into the clean text
of its document, like spaCy's Span, so any field can be shown in context.
"""
from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from typing import Any

from .ids import content_id

EVENT_SCHEMA = "communique-event/1"
_SURROGATE = re.compile("[\ud800-\udfff]")


def encodable(value: str | None) -> str | None:
    """A name, key or id that encodes as UTF-8: lone surrogates (from JSON escapes, or the
    bytes of a file name that is not UTF-8) are written as backslash escapes."""
    if value is None or not _SURROGATE.search(value):
        return value
    return value.encode("utf-8", "backslashreplace").decode("utf-8")


def clean_surrogates(text: str) -> str:
    """A text without lone surrogates (each becomes U+FFFD), so it can be hashed and stored."""
    return _SURROGATE.sub("\ufffd", text) if _SURROGATE.search(text) else text


PLOVER_TYPES = (
    "AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST",
    "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT",
)
STATUSES = ("occurred", "planned", "ongoing", "cancelled", "hypothetical", "negated")


class _Record:
    """to_dict/from_dict shared by every record; nested records are rebuilt by field type."""

    _nested: dict[str, type] = {}
    _nested_lists: dict[str, type] = {}

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]):
        names = {f.name for f in dataclasses.fields(cls)}
        kwargs = {}
        for key, value in data.items():
            if key not in names:
                continue
            if key in cls._nested and isinstance(value, dict):
                value = cls._nested[key].from_dict(value)
            elif key in cls._nested_lists and isinstance(value, list):
                value = [cls._nested_lists[key].from_dict(v) if isinstance(v, dict) else v
                         for v in value]
            kwargs[key] = value
        return cls(**kwargs)


@dataclass
class Article(_Record):
    """One news item inside a document: a character range of the document's clean text."""
    index: int
    start: int
    end: int
    title: str | None = None
    # where the article's title ends (== start when it has none); its body follows
    body_start: int | None = None


@dataclass
class Document(_Record):
    """A source text after cleaning. `text` is what every offset points into."""
    text: str
    source: str = ""
    url: str | None = None
    title: str | None = None
    published: str | None = None          # ISO date YYYY-MM-DD when known
    language: str | None = "en"
    furniture: list[str] = field(default_factory=list)   # dropped page furniture, kept
    raw_text: str | None = None            # text before cleaning, when it differed
    articles: list[Article] = field(default_factory=list)
    id: str = ""

    _nested_lists = {"articles": Article}

    def __post_init__(self):
        if not self.id:
            self.id = content_id(self.text, prefix="doc_")


@dataclass
class Timex(_Record):
    """A temporal expression, TimeML TIMEX3 conventions.

    `value` is the ISO value at the text's precision (2019-09-26, 2019-09, 2019, P1M,
    PRESENT_REF, XXXX-09-26); a range has `begin`/`finish` values (start and end of the range).
    """
    start: int
    end: int
    text: str
    type: str = "DATE"                     # DATE TIME DURATION SET
    value: str | None = None
    begin: str | None = None               # for ranges: first value
    finish: str | None = None              # for ranges: last value
    precision: str = "none"                # day month year none
    basis: str = "text"                    # text, publication, anchor, none
    error: str | None = None               # e.g. "impossible date: 31 September"
    # TIMEX3 mod: START, MID, END ("early next year"), AFTER/BEFORE ("later this month": the part
    # of the period after the anchor); begin/finish then give the part of the period meant
    mod: str | None = None

    @property
    def range(self) -> tuple[str | None, str | None]:
        if self.begin or self.finish:
            return self.begin, self.finish
        return self.value, self.value


@dataclass
class Mention(_Record):
    """A mention of an actor, place or agreement, resolved to an entity where possible."""
    start: int
    end: int
    text: str
    type: str                              # PERSON ORG GPE LOC AGREEMENT
    name: str                              # canonical name
    entity_id: str = ""
    title: str | None = None               # a person's post
    org: str | None = None                 # the organisation of the post (or parent body)
    sentence: int | None = None
    via: str = "name"                      # name, post, pronoun, acronym, implied

    def __post_init__(self):
        if not self.entity_id:
            self.entity_id = content_id(self.type, self.name.lower(), prefix="ent_")


@dataclass
class Participant(_Record):
    """An actor of an event as the event record shows it."""
    name: str
    type: str
    entity_id: str
    text: str
    start: int
    end: int
    title: str | None = None
    org: str | None = None


@dataclass
class When(_Record):
    start: str | None = None
    end: str | None = None
    precision: str = "none"
    basis: str = "none"
    text: str | None = None
    approximate: bool = False


@dataclass
class Where(_Record):
    name: str
    country: str | None = None
    geonameid: int | None = None
    lat: float | None = None
    lon: float | None = None
    start: int | None = None
    end: int | None = None


@dataclass
class Evidence(_Record):
    text: str
    start: int
    end: int
    sentence: int


@dataclass
class Event(_Record):
    """One event, as one line of `communique-event/1` JSON."""
    doc_id: str
    type: str
    evidence: Evidence
    source: str = ""
    article: int = 0
    mode: str | None = None
    status: str = "occurred"
    when: When = field(default_factory=When)
    where: Where | None = None
    actors: list[Participant] = field(default_factory=list)
    recipients: list[Participant] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)
    trigger: str = ""
    cameo: str | None = None
    quad: str | None = None
    confidence: float = 0.5
    also_evidence: list[Evidence] = field(default_factory=list)
    id: str = ""
    schema: str = EVENT_SCHEMA

    _nested = {"evidence": Evidence, "when": When, "where": Where}
    _nested_lists = {"actors": Participant, "recipients": Participant,
                     "also_evidence": Evidence}

    def __post_init__(self):
        if not self.id:
            self.id = content_id(self.doc_id, self.evidence.start, self.evidence.end,
                                 self.type, self.trigger, prefix="ev_")

    @property
    def participants(self) -> list[Participant]:
        return self.actors + self.recipients
