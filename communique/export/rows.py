"""Flat rows of events for CSV and JSONL: the event, its date with precision and basis, its
participants by name and entity id, and the document it comes from (url, title, published)."""
from __future__ import annotations

import csv
import io
import json
from dataclasses import asdict, dataclass, fields

from ..bidi import strip_bidi
from ..records import Event
from ..store import queries
from ..store.queries import SITE_SQL

SEP = "; "                     # between several names or ids in one cell


@dataclass
class EventRow:
    id: str
    type: str
    mode: str
    status: str
    date_start: str            # as the text gives it: 2022-03-01, 2022-03 or 2022
    date_end: str
    date_precision: str        # day, month, year, none
    date_basis: str            # text, publication, anchor, none: where the date comes from
    date_text: str
    place: str
    country: str
    actors: str
    actor_ids: str
    recipients: str
    recipient_ids: str
    topics: str
    confidence: float
    trigger: str
    evidence: str
    url: str
    title: str
    published: str
    site: str                  # host of the url; "file" for a local file
    doc_id: str


ROW_COLUMNS = [f.name for f in fields(EventRow)]


def event_rows(con, filters: dict, *, limit: int | None = None, order: str = "-when",
               offset: int = 0) -> list[EventRow]:
    """The rows of the events `filters` select (see queries.event_filters), in `order`."""
    where, params = queries.event_filters(**filters)
    sql = (f"SELECT e.record, d.url, d.title, d.published_text, {SITE_SQL.format(d='d')} "
           f"FROM events e LEFT JOIN documents d ON d.id = e.doc_id{where} "
           f"ORDER BY {queries.ORDERS[order]}")
    if limit is not None:
        sql += " LIMIT ? OFFSET ?"
        params = params + [int(limit), int(offset)]
    out = []
    for record, url, title, published, site in con.execute(sql, params).fetchall():
        ev = Event.from_dict(json.loads(record))
        out.append(_row(ev, url, title, published, site))
    return out


def _names(people) -> tuple[str, str]:
    return (SEP.join(strip_bidi(p.name) for p in people),
            SEP.join(p.entity_id or "" for p in people))


def _row(ev: Event, url, title, published, site) -> EventRow:
    actors, actor_ids = _names(ev.actors)
    recipients, recipient_ids = _names(ev.recipients)
    return EventRow(
        id=ev.id, type=ev.type, mode=ev.mode or "", status=ev.status,
        date_start=ev.when.start or "", date_end=ev.when.end or "",
        date_precision=ev.when.precision, date_basis=ev.when.basis,
        date_text=ev.when.text or "", place=ev.where.name if ev.where else "",
        country=(ev.where.country or "") if ev.where else "",
        actors=actors, actor_ids=actor_ids, recipients=recipients, recipient_ids=recipient_ids,
        topics=SEP.join(ev.topics), confidence=ev.confidence, trigger=ev.trigger,
        evidence=ev.evidence.text, url=url or "", title=title or "", published=published or "",
        site=site or "", doc_id=ev.doc_id)


def _safe_cell(value):
    """Cells a spreadsheet would read as a formula get a leading quote."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def to_csv(rows: list[EventRow]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=ROW_COLUMNS)
    writer.writeheader()
    for row in rows:
        writer.writerow({k: _safe_cell(v) for k, v in asdict(row).items()})
    return out.getvalue()


def to_jsonl(rows: list[EventRow]) -> str:
    return "".join(json.dumps(asdict(r), ensure_ascii=False) + "\n" for r in rows)
