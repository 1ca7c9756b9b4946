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
from .nlp.pipeline import MODEL, build_pipeline, make_doc
from .records import Document, Event, Mention, Timex

log = logging.getLogger(__name__)


@dataclass
class Extraction:
    """What one document gave: its events, the actor mentions and the time expressions."""
    document: Document
    events: list[Event] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    timexes: list[Timex] = field(default_factory=list)
    error: str | None = None

    def to_dict(self) -> dict:
        return {"document": self.document.to_dict(), "events": [e.to_dict() for e in self.events],
                "mentions": [m.to_dict() for m in self.mentions],
                "timexes": [t.to_dict() for t in self.timexes], "error": self.error}


class Extractor:
    """Holds the loaded pipeline; build one per process and reuse it."""

    def __init__(self, model: str = MODEL, *, batch_size: int = 16):
        self.nlp = build_pipeline(model)
        self.batch_size = batch_size

    def close(self) -> None:
        """Nothing to release in-process (a PoolExtractor stops its workers here)."""

    def _doc(self, document: Document):
        doc = make_doc(self.nlp, document.text, published=document.published,
                       articles=[a.to_dict() for a in document.articles], title=document.title)
        doc._.context.update({"doc_id": document.id, "source": document.source})
        return doc

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
        try:
            docs = list(self.nlp.pipe(self._doc(d) for d in documents))
        except Exception:  # one bad document must not lose the batch: retry one by one
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
            doc = self.nlp(self._doc(document))
        except CommuniqueError as exc:
            return Extraction(document, error=str(exc))
        except Exception as exc:  # noqa: BLE001 - reported on the record, never dropped
            log.warning("extraction failed for %s: %s", document.source, exc)
            return Extraction(document, error=f"{type(exc).__name__}: {exc}")
        result = _result(document, doc)
        result.mentions += self._furniture_people(document)
        return result


def _result(document: Document, doc) -> Extraction:
    return Extraction(document, events=doc._.events or [], mentions=doc._.mentions or [],
                      timexes=doc._.timexes or [])
