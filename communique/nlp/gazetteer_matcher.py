"""Gazetteer entities (organisations, bodies, states, places) and posts, matched fast.

spaCy's EntityRuler runs token patterns through its Matcher, which with ten thousand
gazetteer patterns costs more than the whole statistical pipeline on long texts. The
gazetteer's patterns are plain token sequences with a few alternatives, so they are expanded
into phrases for two PhraseMatchers (hash lookups): one on the exact text (acronyms, "Turkey"
but not "turkey"), one on lowercase forms. Post titles are their heads, grown leftwards over
modifier words.
"""
from __future__ import annotations

from itertools import product

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

MAX_VARIANTS = 32


def _expand(pattern: list[dict]) -> tuple[str, list[list[str]]]:
    """The token sequences one token pattern stands for, and the attribute they match on."""
    attr = "ORTH"
    options: list[list[str | None]] = []
    for spec in pattern:
        key = "LOWER" if "LOWER" in spec else "TEXT"
        if key == "LOWER":
            attr = "LOWER"
        value = spec[key]
        values = list(value["IN"]) if isinstance(value, dict) else [value]
        if spec.get("OP") == "?":
            values = values + [None]
        options.append(values)
    sequences = []
    for combo in product(*options):
        words = [w for w in combo if w is not None]
        if words:
            sequences.append(words)
        if len(sequences) >= MAX_VARIANTS:
            break
    return attr, sequences


class GazetteerMatcher:
    """Sets doc.ents from gazetteer phrases and post titles, each span with its entity id."""

    def __init__(self, nlp: Language, patterns: list[dict], title_heads: list[str],
                 title_modifiers: list[str]):
        self.vocab = nlp.vocab
        self.exact = PhraseMatcher(nlp.vocab, attr="ORTH")
        self.lower = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.titles = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.modifiers = frozenset(w.lower() for m in title_modifiers for w in m.split())
        self.meta: dict[int, tuple[str, str]] = {}
        for n, pat in enumerate(patterns):
            attr, sequences = _expand(pat["pattern"])
            key = f"g{n}"
            self.meta[nlp.vocab.strings.add(key)] = (pat["label"], pat.get("id", ""))
            docs = [Doc(nlp.vocab, words=words) for words in sequences]
            (self.lower if attr == "LOWER" else self.exact).add(key, docs)
        self.meta[nlp.vocab.strings.add("TITLE")] = ("TITLE", "")
        self.titles.add("TITLE", [nlp.make_doc(head.lower()) for head in title_heads])

    def __call__(self, doc: Doc) -> Doc:
        spans = []
        for matcher in (self.exact, self.lower):
            for match_id, start, end in matcher(doc):
                label, ent_id = self.meta[match_id]
                spans.append(Span(doc, start, end, label=label, span_id=ent_id))
        for _, start, end in self.titles(doc):
            # a post head with its modifiers before it: "First Deputy", "Acting", "Assistant"
            while start > 0 and doc[start - 1].lower_ in self.modifiers:
                start -= 1
            spans.append(Span(doc, start, end, label="TITLE"))
        doc.ents = filter_spans(spans + list(doc.ents))
        return doc


@Language.factory("communique_gazetteer", assigns=["doc.ents", "token.ent_type"],
                  default_config={"extra_dirs": []})
def make_gazetteer_matcher(nlp: Language, name: str, extra_dirs: list[str]):
    from ..actors.gazetteer import Gazetteer
    gazetteer = Gazetteer.load(extra_dirs or None)
    return GazetteerMatcher(nlp, gazetteer.phrase_patterns(nlp), gazetteer.title_heads(),
                            gazetteer.title_modifiers())
