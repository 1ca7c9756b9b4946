"""PLOVER-style JSON records: one object per event with the PLOVER fields (event, mode, context,
actor, recipient, date, location) and where each came from (text, url, date precision)."""
from __future__ import annotations

import json

from .rows import SEP, EventRow


def _split(cell: str) -> list[str]:
    return [v for v in cell.split(SEP) if v] if cell else []


def plover_record(row: EventRow) -> dict:
    return {
        "id": row.id,
        "date": row.date_start or None,
        "date_end": row.date_end or None,
        "date_precision": row.date_precision,
        "date_basis": row.date_basis,
        "event": row.type,
        "mode": row.mode or None,
        "context": _split(row.topics),
        "status": row.status,
        "actor": _split(row.actors),
        "actor_id": _split(row.actor_ids),
        "recipient": _split(row.recipients),
        "recipient_id": _split(row.recipient_ids),
        "location": ({"placename": row.place, "country": row.country or None}
                     if row.place else None),
        "text": row.evidence,
        "trigger": row.trigger,
        "confidence": row.confidence,
        "url": row.url or None,
        "title": row.title or None,
        "published": row.published or None,
        "doc_id": row.doc_id,
    }


def to_plover(rows: list[EventRow]) -> str:
    return json.dumps([plover_record(r) for r in rows], ensure_ascii=False, indent=1) + "\n"
