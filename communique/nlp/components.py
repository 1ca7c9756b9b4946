"""communique's spaCy components, each declaring what it requires and what it assigns.

The logic lives in the stage packages (time/, actors/, events/); these factories only wire
it into spaCy so that `nlp.analyze_pipes()` can check the pipeline and users can extend it.
"""
from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from . import gazetteer_matcher  # noqa: F401  (registers communique_gazetteer)

# Doc extensions are spaCy's registry for custom attributes; registering is idempotent.
for _name in ("context", "timexes", "mentions", "events"):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=None)


@Language.component("communique_linebreaks", assigns=["token.is_sent_start"])
def linebreaks(doc: Doc) -> Doc:
    """Sentences never cross a line break: a token after a newline starts a sentence."""
    for token in doc[1:]:
        prev = doc[token.i - 1]
        if "\n" in prev.whitespace_ or (prev.is_space and "\n" in prev.text):
            if not token.is_space:
                token.is_sent_start = True
    return doc


@Language.component("communique_ner_fixes", requires=["doc.ents"],
                    assigns=["doc.ents"])
def ner_fixes(doc: Doc) -> Doc:
    """Split names the statistical NER glued to a preceding place or body."""
    from ..actors.names import repair_entities
    doc.ents = repair_entities(doc)
    return doc


@Language.component("communique_times", assigns=["doc._.timexes"])
def times(doc: Doc) -> Doc:
    from ..time import tag_times
    context = doc._.context or {}
    doc._.timexes = tag_times(doc.text, context.get("published"))
    return doc


@Language.component("communique_actors",
                    requires=["doc.ents", "token.dep", "doc.sents"],
                    assigns=["doc._.mentions"])
def actors(doc: Doc) -> Doc:
    from ..actors.mentions import find_mentions
    doc._.mentions = find_mentions(doc)
    return doc


@Language.component("communique_events",
                    requires=["doc._.mentions", "doc._.timexes", "token.dep", "token.lemma"],
                    assigns=["doc._.events"])
def events(doc: Doc) -> Doc:
    from ..events.assemble import find_events
    doc._.events = find_events(doc)
    return doc
