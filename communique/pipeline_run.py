"""Ingest: inputs through extraction into the store, every input accounted for."""
from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable

from .extract import Extractor
from .ingest import Skipped
from .records import Document


def ingest_inputs(items: Iterable[Document | Skipped], db: str, *,
                  extractor: Extractor | None = None,
                  on_item: Callable[[], None] | None = None) -> dict:
    """Extract and store each document; returns outcomes (stored, unchanged, skipped, failed),
    skip reasons and the number of events written."""
    from .store import Store
    extractor = extractor or Extractor()
    outcomes: Counter = Counter()
    reasons: Counter = Counter()

    def documents():
        # streamed: a corpus is never held in memory whole
        for item in items:
            if isinstance(item, Skipped):
                outcomes["skipped"] += 1
                reasons[item.reason] += 1
                if on_item:
                    on_item()
            else:
                yield item

    n_events = 0
    with Store(db) as store:
        with store.writer() as writer:
            for result in extractor.extract_many(documents()):
                if result.error:
                    outcomes["failed"] += 1
                    reasons[f"extraction error: {result.error[:60]}"] += 1
                else:
                    writer.add(result.document, result.events, result.mentions)
                    outcomes["extracted"] += 1
                    n_events += len(result.events)
                if on_item:
                    on_item()
        totals = writer.totals
    outcomes["new documents"] = totals.get("documents", 0)
    return {"outcomes": dict(outcomes), "reasons": dict(reasons), "events": n_events,
            "new_rows": dict(totals)}
