"""What the API returns beyond the store's own queries: the event view, the network, exports.

Plain functions of a DuckDB connection (a request's cursor), returning JSON-ready values.
"""
from __future__ import annotations

import csv
import io
from typing import Any

from ..records import Event
from ..store import queries

EXPORT_COLUMNS = ["id", "doc_id", "type", "mode", "status", "when_start", "when_end",
                  "precision", "where", "country", "actors", "recipients", "topics",
                  "confidence", "trigger", "evidence", "source"]


def event_records(con, filters: dict[str, Any], limit: int, offset: int = 0,
                  order: str = "when") -> list[str]:
    """The stored JSON records (communique-event/1 text) of the events the filters select, in
    the order and page of `queries.events`, without rebuilding Event objects."""
    where, params = queries.event_filters(**filters)
    sql = (f"SELECT CAST(e.record AS VARCHAR) FROM events e{where} "
           f"ORDER BY {queries.ORDERS[order]} LIMIT ? OFFSET ?")
    return [r for (r,) in con.execute(sql, params + [int(limit), int(offset)]).fetchall()]


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
    return {"event": ev.to_dict(), "context": context, "document": document}


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


def network(con, filters: dict[str, Any], max_nodes: int = 80, min_weight: int = 1) -> dict:
    """Who met whom: participants of the CONSULT events the filters select (the `type` filter
    is not used), one edge per pair of participants of the same event, weighted by the number
    of such events. The `max_nodes` actors in most events are kept."""
    filters = {k: v for k, v in filters.items() if k != "type"}
    where, params = queries.event_filters(**filters)
    where = (where + " AND" if where else " WHERE") + " e.type = 'CONSULT'"
    base = (f"WITH ev AS (SELECT e.id FROM events e{where}), "
            "p AS (SELECT pa.event_id, pa.entity_id, any_value(pa.name) AS name, "
            "any_value(pa.type) AS type FROM participants pa JOIN ev ON pa.event_id = ev.id "
            "WHERE coalesce(pa.entity_id, '') <> '' GROUP BY pa.event_id, pa.entity_id) ")
    n_events = con.execute(base + "SELECT count(*) FROM ev", params).fetchone()[0]
    rows = con.execute(
        base + "SELECT p.entity_id, coalesce(any_value(en.name), any_value(p.name)), "
        "coalesce(any_value(en.type), any_value(p.type)), count(*) AS n "
        "FROM p LEFT JOIN entities en ON en.id = p.entity_id "
        "GROUP BY p.entity_id ORDER BY n DESC, p.entity_id LIMIT ?",
        params + [int(max_nodes)]).fetchall()
    nodes = [{"id": i, "name": n or i, "type": t, "events": c} for i, n, t, c in rows]
    ids = [n["id"] for n in nodes]
    edges = []
    if ids:
        edges = [{"source": a, "target": b, "weight": w} for a, b, w in con.execute(
            base + "SELECT a.entity_id, b.entity_id, count(*) AS w FROM p a JOIN p b "
            "ON a.event_id = b.event_id AND a.entity_id < b.entity_id "
            "WHERE list_contains(?, a.entity_id) AND list_contains(?, b.entity_id) "
            "GROUP BY ALL HAVING count(*) >= ? ORDER BY w DESC, 1, 2",
            params + [ids, ids, int(min_weight)]).fetchall()]
    return {"events": n_events, "nodes": nodes, "edges": edges}


def event_row(ev: Event) -> dict:
    """One flat row of an event for CSV."""
    return {"id": ev.id, "doc_id": ev.doc_id, "type": ev.type, "mode": ev.mode or "",
            "status": ev.status, "when_start": ev.when.start or "", "when_end": ev.when.end or "",
            "precision": ev.when.precision, "where": ev.where.name if ev.where else "",
            "country": (ev.where.country or "") if ev.where else "",
            "actors": "; ".join(p.name for p in ev.actors),
            "recipients": "; ".join(p.name for p in ev.recipients),
            "topics": "; ".join(ev.topics), "confidence": ev.confidence,
            "trigger": ev.trigger, "evidence": ev.evidence.text, "source": ev.source}


def _safe_cell(value: Any) -> Any:
    """Cells that a spreadsheet would read as a formula are prefixed with a quote."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def to_csv(events: list[Event]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=EXPORT_COLUMNS)
    writer.writeheader()
    for ev in events:
        writer.writerow({k: _safe_cell(v) for k, v in event_row(ev).items()})
    return out.getvalue()
