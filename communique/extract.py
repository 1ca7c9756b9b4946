"""The Python API: documents in, events out. The CLI, the REST API and workers call these.

    from communique.extract import Extractor
    extractor = Extractor()                      # loads spaCy once
    result = extractor.extract(read_text(text, published="2019-09-28"))
    for event in result.events: print(event.to_dict())
"""
from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from .errors import CommuniqueError
from .limits import DOC_SECONDS, OverBudget, time_budget
from .nlp.pipeline import COMMUNIQUE_COMPONENTS, MODEL, build_pipeline, make_doc
from .records import Document, Event, Mention, Timex

log = logging.getLogger(__name__)
PART_CHARS = 40_000         # characters per pass of spaCy's models over a long text (memory
                            # grows with it: 0.36 GB peak for a 176k-character text, 0.56 at 100k)


@dataclass
class Extraction:
    """What one document gave: its events, the actor mentions and the time expressions."""
    document: Document
    events: list[Event] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    timexes: list[Timex] = field(default_factory=list)
    error: str | None = None
    reason: str | None = None             # with an error: extraction_error or timeout

    def to_dict(self) -> dict:
        return {"document": self.document.to_dict(), "events": [e.to_dict() for e in self.events],
                "mentions": [m.to_dict() for m in self.mentions],
                "timexes": [t.to_dict() for t in self.timexes], "error": self.error}


class Extractor:
    """Holds the loaded pipeline; build one per process and reuse it."""

    def __init__(self, model: str = MODEL, *, batch_size: int = 16,
                 seconds: float | None = DOC_SECONDS, part_chars: int = PART_CHARS,
                 trigger_thresholds: tuple[float, float] | None = None):
        self.nlp = build_pipeline(model)
        # (CONSULT/SUPPORT/AGREE, other types) for the trigger model; None: its defaults
        self.trigger_thresholds = trigger_thresholds
        self.batch_size = batch_size
        self.seconds = seconds              # time budget of one document (None: no limit)
        self.part_chars = part_chars        # longer texts go through spaCy's models in parts

    def close(self) -> None:
        """Nothing to release in-process (a PoolExtractor stops its workers here)."""

    def _doc(self, document: Document):
        doc = make_doc(self.nlp, document.text, published=document.published,
                       articles=[a.to_dict() for a in document.articles], title=document.title)
        doc._.context.update({"doc_id": document.id, "source": document.source,
                              "trigger_thresholds": self.trigger_thresholds})
        return doc

    def _parse(self, document: Document):
        """The analysed Doc of one document. A text longer than `part_chars` goes through
        spaCy's models in parts cut at line ends (spaCy refuses texts over nlp.max_length,
        and its memory grows with the text), joined into one Doc that communique's own
        components then read whole, so offsets point into the whole text."""
        import numpy
        from spacy.tokens import Doc
        text = document.text
        if len(text) <= self.part_chars:
            return self.nlp(self._doc(document))
        models = [(n, p) for n, p in self.nlp.pipeline if n not in COMMUNIQUE_COMPONENTS]
        parts = []
        for chunk in split_text(text, self.part_chars):
            doc = self.nlp.make_doc(chunk)
            for _, proc in models:
                doc = proc(doc)
            doc.tensor = numpy.zeros((0,), dtype="float32")    # the vectors are not needed now
            parts.append(doc)
        whole = Doc.from_docs(parts, ensure_whitespace=False, exclude=["tensor"])
        whole._.context = {"published": document.published, "title": document.title,
                           "articles": [a.to_dict() for a in document.articles],
                           "doc_id": document.id, "source": document.source,
                           "trigger_thresholds": self.trigger_thresholds}
        for name, proc in self.nlp.pipeline:
            if name in COMMUNIQUE_COMPONENTS:
                whole = proc(whole)
        return whole

    def extract(self, document: Document) -> Extraction:
        return next(self.extract_many([document]))

    def extract_many(self, documents: Iterable[Document]) -> Iterator[Extraction]:
        """Extraction of each document in order; a document that fails gets its error, the
        batch goes on."""
        pending: list[Document] = []
        for document in documents:
            pending.append(document)
            if len(pending) >= self.batch_size:
                yield from self._run(pending)
                pending = []
        if pending:
            yield from self._run(pending)

    def _run(self, documents: list[Document]) -> Iterator[Extraction]:
        if any(len(d.text) > self.part_chars for d in documents):
            for document in documents:
                yield self._one(document)
            return
        # the batch's budget: one document's, and more for a long batch (2,000 characters a
        # second is far slower than the pipeline runs)
        budget = self.seconds and self.seconds + sum(len(d.text) for d in documents) / 2000
        try:
            with time_budget(budget):
                docs = list(self.nlp.pipe(self._doc(d) for d in documents))
        except (Exception, OverBudget):  # one bad document must not lose the batch: retry
            log.debug("batch failed; retrying documents one by one", exc_info=True)
            for document in documents:
                yield self._one(document)
            return
        for document, doc in zip(documents, docs):
            result = _result(document, doc)
            result.mentions += self._furniture_people(document)
            yield result

    def _furniture_people(self, document: Document) -> list[Mention]:
        """People named in dropped contact lines ("The CSTO Press Secretary Vladimir
        Zaynetdinov") are real people with posts; they feed no event. Their offsets point
        into the document's raw text and `via` says "furniture"."""
        raw = document.raw_text or document.text
        lines = [line for line in document.furniture if any(c.isupper() for c in line[1:])
                 and len(line.split()) <= 20]
        if not lines:
            return []
        out = []
        for line, doc in zip(lines, self.nlp.pipe(make_doc(self.nlp, line) for line in lines)):
            base = raw.find(line)
            for m in doc._.mentions or []:
                if m.type == "PERSON" and m.title and m.via == "name":
                    m.start, m.end = (base + m.start, base + m.end) if base >= 0 else (-1, -1)
                    m.via, m.sentence = "furniture", None
                    out.append(m)
        return out

    def _one(self, document: Document) -> Extraction:
        try:
            with time_budget(self.seconds):
                doc = self._parse(document)
                result = _result(document, doc)
                result.mentions += self._furniture_people(document)
        except OverBudget as exc:
            log.warning("extraction of %s ran out of time", document.source)
            return Extraction(document, error=f"extraction: {exc} ({len(document.text)} "
                                              "characters)", reason="timeout")
        except CommuniqueError as exc:
            return Extraction(document, error=str(exc), reason="extraction_error")
        except Exception as exc:  # noqa: BLE001 - reported on the record, never dropped
            log.warning("extraction failed for %s: %s", document.source, exc)
            return Extraction(document, error=f"{type(exc).__name__}: {exc}",
                              reason="extraction_error")
        return result


def split_text(text: str, size: int) -> list[str]:
    """The text in consecutive parts of at most `size` characters that join back to it,
    each cut after a blank line, else a line end, else a space, where there is one."""
    parts, start = [], 0
    while len(text) - start > size:
        window = text[start:start + size]
        cut = -1
        for mark in ("\n\n", "\n", " "):
            at = window.rfind(mark, size // 2)
            if at >= 0:
                cut = at + len(mark)
                break
        end = start + (cut if cut > 0 else size)
        parts.append(text[start:end])
        start = end
    parts.append(text[start:])
    return parts


def _result(document: Document, doc) -> Extraction:
    return Extraction(document, events=doc._.events or [], mentions=doc._.mentions or [],
                      timexes=doc._.timexes or [])
