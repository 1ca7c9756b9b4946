"""What the API returns beyond the store's own queries: event records and the event view, with
names cleaned of bidirectional control characters (see communique.bidi).

Plain functions of a DuckDB connection (a request's cursor), returning JSON-ready values.
"""
from __future__ import annotations

import json
import re
from typing import Any

from ..bidi import BIDI_RE, strip_bidi
from ..store import queries

# a bidi control in stored JSON, as the character or as its \u escape
_BIDI_IN_JSON = re.compile(BIDI_RE.pattern + r"|\\u(?:061[cC]|200[eEfF]|202[a-eA-E]|206[6-9])")


def clean_event(record: dict) -> dict:
    """The event record with its participants' and place's names free of bidi controls."""
    for group in ("actors", "recipients"):
        for p in record.get(group) or []:
            for key in ("name", "title", "org"):
                p[key] = strip_bidi(p.get(key))
    if record.get("where"):
        record["where"]["name"] = strip_bidi(record["where"].get("name"))
    return record


def event_records(con, filters: dict[str, Any], limit: int, offset: int = 0,
                  order: str = "when") -> list[str]:
    """The stored JSON records (communique-event/1 text) of the events the filters select, in
    the order and page of `queries.events`, without rebuilding Event objects."""
    where, params = queries.event_filters(**filters)
    sql = (f"SELECT CAST(e.record AS VARCHAR) FROM events e{where} "
           f"ORDER BY {queries.ORDERS[order]} LIMIT ? OFFSET ?")
    rows = [r for (r,) in con.execute(sql, params + [int(limit), int(offset)]).fetchall()]
    return [json.dumps(clean_event(json.loads(r)), ensure_ascii=False) if _BIDI_IN_JSON.search(r)
            else r for r in rows]


def event_view(con, event_id: str) -> dict | None:
    """The event, its evidence in its paragraph, and its document with highlight spans.

    document.highlights: [{kind: evidence|actor|recipient|where, name, start, end}] with
    offsets into document.text, each checked against the text (`document.text[start:end]`
    is the evidence, the participant's surface text or the place).
    """
    ev = queries.event(con, event_id)
    if ev is None:
        return None
    context = queries.evidence_context(con, event_id)
    doc = queries.document(con, ev.doc_id)
    document = None
    if doc is not None:
        document = {"id": doc.id, "title": doc.title, "url": doc.url, "source": doc.source,
                    "published": doc.published, "language": doc.language, "text": doc.text,
                    "articles": [a.to_dict() for a in doc.articles],
                    "furniture": doc.furniture,
                    "highlights": _highlights(doc.text, context)}
    if context:
        for p in context.get("participants", []):
            p["name"] = strip_bidi(p["name"])
    return {"event": clean_event(ev.to_dict()), "context": context, "document": document}


def _highlights(text: str, context: dict | None) -> list[dict]:
    if not context or context.get("paragraph_start") is None:
        return []
    base = context["paragraph_start"]
    spans = []
    evid = context["evidence"]
    s, e = base + evid["start"], base + evid["end"]
    if text[s:e] == evid["text"]:
        spans.append({"kind": "evidence", "name": None, "start": s, "end": e})
    for p in context.get("participants", []):
        if p.get("start") is None:
            continue
        s, e = base + p["start"], base + p["end"]
        if 0 <= s < e <= len(text):
            spans.append({"kind": p["role"], "name": p["name"], "start": s, "end": e})
    where = context.get("where")
    if where and where.get("start") is not None:
        s, e = base + where["start"], base + where["end"]
        if 0 <= s < e <= len(text):
            spans.append({"kind": "where", "name": where["name"], "start": s, "end": e})
    return spans
