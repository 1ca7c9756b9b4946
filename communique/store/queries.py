"""Reading the store: the functions the CLI and the REST API call.

Each takes a DuckDB connection (Store's methods pass theirs) and returns records
(Event, Document, Mention) or plain dicts and lists ready for JSON.
"""
from __future__ import annotations

import datetime as _dt
import json
from typing import Any, Iterable, Sequence

from ..errors import StoreError
from ..records import Article, Document, Event, Mention
from .schema import TABLES

ORDERS = {
    "when": "e.when_start ASC NULLS LAST, e.when_end ASC NULLS LAST, e.doc_id, e.evidence_start, e.id",
    "-when": "e.when_start DESC NULLS LAST, e.when_end DESC NULLS LAST, e.doc_id, e.evidence_start, e.id",
    "confidence": "e.confidence DESC, e.when_start ASC NULLS LAST, e.id",
    "doc": "e.doc_id, e.evidence_start, e.id",
    "id": "e.id",
    "type": "e.type, e.when_start DESC NULLS LAST, e.id",
    "status": "e.status, e.when_start DESC NULLS LAST, e.id",
}
COUNT_BY = {
    "month": "strftime(e.when_start, '%Y-%m')",
    "year": "CAST(year(e.when_start) AS VARCHAR)",
    "day": "strftime(e.when_start, '%Y-%m-%d')",
    "type": "e.type",
    "status": "e.status",
    "mode": "e.mode",
    "source": "e.source",
}


def _as_date(value: Any, name: str) -> _dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, _dt.datetime):
        return value.date()
    if isinstance(value, _dt.date):
        return value
    text = str(value).strip()
    try:
        if len(text) == 4:                      # a year
            return _dt.date(int(text), 1, 1) if name == "since" else _dt.date(int(text), 12, 31)
        if len(text) == 7:                      # a month
            year, month = int(text[:4]), int(text[5:7])
            if name == "since":
                return _dt.date(year, month, 1)
            nxt = _dt.date(year + (month == 12), month % 12 + 1, 1)
            return nxt - _dt.timedelta(days=1)
        return _dt.date.fromisoformat(text[:10])
    except ValueError:
        raise StoreError(f"{name}={value!r} is not a date",
                         hint="give YYYY-MM-DD, YYYY-MM or YYYY") from None


def _values(value: str | Sequence[str] | None) -> list[str]:
    """One value, a comma-separated string or a list of them."""
    if value is None:
        return []
    if isinstance(value, str):
        return [v.strip() for v in value.split(",") if v.strip()]
    return [str(v).strip() for v in value if str(v).strip()]


# the site of a document: the host of its URL, else "file" (read from a local path)
SITE_SQL = ("coalesce(nullif(lower(regexp_extract(coalesce({d}.url, ''), "
            "'^[A-Za-z][A-Za-z0-9+.-]*://([^/:?#]+)', 1)), ''), 'file')")


def event_filters(actor=None, type=None, status=None, since=None, until=None, text=None,
                  doc_id=None, entity=None, place=None, site=None) -> tuple[str, list]:
    """The WHERE clause (over `events e`) and its parameters for the events filters.

    entity: entity id(s); an event must have every one of them among its participants (two ids
    select the meetings of a pair); place: the event's place name (case-insensitive, exact);
    site: the host of the document's URL ("file" for local files), see SITE_SQL.
    """
    where, params = [], []
    for entity_id in _values(entity):
        where.append("e.id IN (SELECT p.event_id FROM participants p WHERE p.entity_id = ?)")
        params.append(entity_id)
    places = [p.lower() for p in _values(place)]
    if places:
        where.append("lower(e.where_name) IN (" + ", ".join("?" * len(places)) + ")")
        params += places
    sites = [x.lower() for x in _values(site)]
    if sites:
        where.append("e.doc_id IN (SELECT d.id FROM documents d WHERE "
                     + SITE_SQL.format(d="d") + " IN (" + ", ".join("?" * len(sites)) + "))")
        params += sites
    if actor:
        needle = str(actor).lower()
        where.append(
            "e.id IN (SELECT p.event_id FROM participants p WHERE "
            "contains(lower(coalesce(p.name, '')), ?) OR contains(lower(coalesce(p.title, '')), ?) "
            "OR contains(lower(coalesce(p.org, '')), ?) "
            "OR contains(lower(coalesce(p.entity_id, '')), ?))")
        params += [needle] * 4
    types = [t.upper() for t in _values(type)]
    if types:
        where.append("upper(e.type) IN (" + ", ".join("?" * len(types)) + ")")
        params += types
    statuses = [s.lower() for s in _values(status)]
    if statuses:
        where.append("lower(e.status) IN (" + ", ".join("?" * len(statuses)) + ")")
        params += statuses
    since_d, until_d = _as_date(since, "since"), _as_date(until, "until")
    if since_d and until_d and since_d > until_d:
        raise StoreError(f"since ({since_d}) is after until ({until_d})")
    if since_d:                                 # the event's dates overlap [since, until]
        where.append("coalesce(e.when_end, e.when_start) >= ?")
        params.append(since_d)
    if until_d:
        where.append("coalesce(e.when_start, e.when_end) <= ?")
        params.append(until_d)
    if text:
        needle = str(text).lower()
        where.append("(contains(lower(coalesce(e.evidence_text, '')), ?) OR e.doc_id IN "
                     "(SELECT d.id FROM documents d WHERE contains(lower(d.text), ?)))")
        params += [needle, needle]
    if doc_id:
        where.append("e.doc_id = ?")
        params.append(doc_id)
    return (" WHERE " + " AND ".join(where)) if where else "", params


def events(con, actor: str | None = None, type: str | Sequence[str] | None = None,
           status: str | Sequence[str] | None = None, since=None, until=None,
           text: str | None = None, doc_id: str | None = None, limit: int | None = 100,
           offset: int = 0, order: str = "when", entity=None, place=None,
           site=None) -> list[Event]:
    """Events matching every filter given.

    actor: case-insensitive substring of a participant's name, title, org or entity id;
    type/status: one value, a list or "A,B"; since/until: the event's dates overlap the range
    (dates, or YYYY-MM-DD / YYYY-MM / YYYY strings; undated events are left out when given);
    text: case-insensitive substring of the evidence or of the document's text;
    entity/place/site: see `event_filters`; order: when, -when, confidence, doc, id.
    """
    if order not in ORDERS:
        raise StoreError(f"unknown order {order!r}", hint="one of " + ", ".join(ORDERS))
    where, params = event_filters(actor, type, status, since, until, text, doc_id,
                                  entity=entity, place=place, site=site)
    sql = f"SELECT e.record FROM events e{where} ORDER BY {ORDERS[order]}"
    if limit is not None:
        if int(limit) < 0:
            raise StoreError("limit must be 0 or more")
        sql += " LIMIT ?"
        params.append(int(limit))
    if offset:
        if int(offset) < 0:
            raise StoreError("offset must be 0 or more")
        sql += " OFFSET ?"
        params.append(int(offset))
    return [_event(record) for (record,) in con.execute(sql, params).fetchall()]


def count_events(con, **filters) -> int:
    """How many events match the filters of `events` (for paging)."""
    where, params = event_filters(**filters)
    return con.execute(f"SELECT count(*) FROM events e{where}", params).fetchone()[0]


def _event(record: str | dict) -> Event:
    data = json.loads(record) if isinstance(record, str) else record
    return Event.from_dict(data)


def event(con, event_id: str) -> Event | None:
    row = con.execute("SELECT record FROM events WHERE id = ?", [event_id]).fetchone()
    return _event(row[0]) if row else None


def document(con, doc_id: str) -> Document | None:
    """The document with its articles and dropped furniture, as it was written."""
    row = con.execute(
        "SELECT id, source, url, title, published_text, language, text, raw_text, furniture "
        "FROM documents WHERE id = ?", [doc_id]).fetchone()
    if not row:
        return None
    id_, source, url, title, published, language, text, raw_text, furniture = row
    articles = [Article(index=i, start=s, end=e, title=t, body_start=b)
                for i, s, e, t, b in con.execute(
                    'SELECT idx, start, "end", title, body_start FROM articles '
                    "WHERE doc_id = ? ORDER BY idx", [doc_id]).fetchall()]
    return Document(text=text, source=source or "", url=url, title=title, published=published,
                    language=language, furniture=list(furniture or []), raw_text=raw_text,
                    articles=articles, id=id_)


def sources(con, doc_id: str) -> list[dict]:
    """Every source the document was read from, first seen first."""
    rows = con.execute("SELECT source, url, seen_at FROM sources WHERE doc_id = ? "
                       "ORDER BY seen_at, source, url", [doc_id]).fetchall()
    return [{"source": s, "url": u, "seen_at": _iso(t)} for s, u, t in rows]


def mentions(con, doc_id: str) -> list[Mention]:
    rows = con.execute(
        'SELECT start, "end", text, type, name, entity_id, title, org, sentence, via '
        'FROM mentions WHERE doc_id = ? ORDER BY start, "end", id', [doc_id]).fetchall()
    return [Mention(start=s, end=e, text=t, type=ty, name=n, entity_id=eid, title=ti, org=o,
                    sentence=se, via=v) for s, e, t, ty, n, eid, ti, o, se, v in rows]


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def _locate(text: str, evidence: str, near: int) -> int | None:
    """Where `evidence` occurs in `text`, the occurrence nearest to `near`."""
    best, pos = None, text.find(evidence)
    while pos != -1:
        if best is None or abs(pos - near) < abs(best - near):
            best = pos
        pos = text.find(evidence, pos + 1)
    return best


def evidence_context(con, event_id: str) -> dict | None:
    """The paragraph holding an event's evidence, with offsets relative to the paragraph.

    paragraph: the text between the line breaks around the evidence; evidence/participants/
    where offsets are into `paragraph` (None for a participant outside it), so
    `paragraph[evidence["start"]:evidence["end"]] == evidence["text"]`; paragraph_start/
    paragraph_end are its offsets in the document's text (None when it is the evidence alone).
    Keys: event_id, doc_id, type, status, document_title, article_title, published, source,
    paragraph, paragraph_start, paragraph_end, evidence {text, start, end}, participants
    [{role, name, entity_id, type, title, org, text, start, end, in_paragraph}],
    where {name, start, end} or None, exact.
    `exact` is False when the stored offsets did not point at the evidence text and it was
    found elsewhere in the document (or not at all: then the paragraph is the evidence alone).
    None when there is no such event.
    """
    ev = event(con, event_id)
    if ev is None:
        return None
    doc = con.execute("SELECT text, title, published_text FROM documents WHERE id = ?",
                      [ev.doc_id]).fetchone()
    text, doc_title, published = doc if doc else (None, None, None)
    evidence = ev.evidence
    start, end = evidence.start, evidence.end
    exact = text is not None and text[start:end] == evidence.text
    if not exact and text and evidence.text:
        found = _locate(text, evidence.text, evidence.start)
        if found is None:
            text = None
        else:
            start, end = found, found + len(evidence.text)
    if text is None or (not exact and not evidence.text):
        # nothing in the store to place the evidence in: the paragraph is the evidence itself
        paragraph, p_start, p_end = evidence.text, None, None
        ev_start, ev_end, origin = 0, len(evidence.text), evidence.start
    else:
        p_start = text.rfind("\n", 0, start) + 1
        p_end = text.find("\n", end)
        if p_end == -1:
            p_end = len(text)
        paragraph = text[p_start:p_end]
        ev_start, ev_end = start - p_start, end - p_start
        # stored offsets (of participants, place) are shifted like the evidence's were
        origin = p_start - (start - evidence.start)

    def local(s: int | None, e: int | None) -> tuple[int | None, int | None]:
        if s is None or e is None:
            return None, None
        s2, e2 = s - origin, e - origin
        if 0 <= s2 <= e2 <= len(paragraph):
            return s2, e2
        return None, None

    people = []
    for role, group in (("actor", ev.actors), ("recipient", ev.recipients)):
        for p in group:
            s, e = local(p.start, p.end)
            people.append({"role": role, "name": p.name, "entity_id": p.entity_id,
                           "type": p.type, "title": p.title, "org": p.org, "text": p.text,
                           "start": s, "end": e, "in_paragraph": s is not None})
    where = None
    if ev.where is not None:
        s, e = local(ev.where.start, ev.where.end)
        where = {"name": ev.where.name, "start": s, "end": e}
    article_title = None
    if doc:
        row = con.execute("SELECT title FROM articles WHERE doc_id = ? AND idx = ?",
                          [ev.doc_id, ev.article]).fetchone()
        article_title = row[0] if row else None
    return {
        "event_id": ev.id, "doc_id": ev.doc_id, "type": ev.type, "status": ev.status,
        "document_title": doc_title, "article_title": article_title, "published": published,
        "source": ev.source,
        "paragraph": paragraph, "paragraph_start": p_start, "paragraph_end": p_end,
        "evidence": {"text": evidence.text, "start": ev_start, "end": ev_end},
        "participants": people, "where": where, "exact": exact,
    }


def entities(con, type: str | Sequence[str] | None = None, name: str | None = None,
             limit: int | None = None) -> list[dict]:
    """Entities, most mentioned first; name: case-insensitive substring of name or an alias."""
    where, params = [], []
    types = [t.upper() for t in _values(type)]
    if types:
        where.append("upper(en.type) IN (" + ", ".join("?" * len(types)) + ")")
        params += types
    if name:
        where.append("(contains(lower(en.name), ?) OR len(list_filter(en.aliases, "
                     "lambda a: contains(lower(a), ?))) > 0 OR lower(en.id) = ?)")
        params += [name.lower()] * 3
    # mentions counted per entity first, then joined: grouping by the entities' columns (a list
    # among them) took six times longer on a store of 1,200 documents
    sql = ("WITH m AS (SELECT entity_id, count(*) AS n, count(DISTINCT doc_id) AS d "
           "FROM mentions GROUP BY entity_id) "
           "SELECT en.id, en.type, en.name, en.aliases, en.wikidata, "
           "coalesce(m.n, 0) AS mentions, coalesce(m.d, 0) AS documents "
           "FROM entities en LEFT JOIN m ON m.entity_id = en.id"
           + (" WHERE " + " AND ".join(where) if where else "")
           + " ORDER BY mentions DESC, en.name, en.id")
    if limit is not None:
        sql += " LIMIT ?"
        params.append(int(limit))
    return [{"id": i, "type": t, "name": n, "aliases": list(a or []), "wikidata": w,
             "mentions": m, "documents": d}
            for i, t, n, a, w, m, d in con.execute(sql, params).fetchall()]


def people(con, name: str | None = None) -> list[dict]:
    """People with the posts the texts give them and when each post was seen."""
    found = entities(con, type="PERSON", name=name)
    if not found:
        return []
    ids = [p["id"] for p in found]
    rows = con.execute(
        "SELECT person, title, org, min(seen), max(seen), count(DISTINCT doc_id), "
        "list(DISTINCT doc_id ORDER BY doc_id) FROM positions "
        "WHERE person IN (SELECT unnest(?::VARCHAR[])) "
        "GROUP BY person, title, org ORDER BY person, min(seen) NULLS LAST, title, org",
        [ids]).fetchall()
    posts: dict[str, list[dict]] = {}
    for person, title, org, first, last, n, docs in rows:
        posts.setdefault(person, []).append(
            {"title": title, "org": org, "first_seen": _iso(first), "last_seen": _iso(last),
             "documents": n, "doc_ids": list(docs)})
    # the documents and events of each id, so that people merged across ids count each once
    docs = dict(con.execute(
        "SELECT entity_id, list(DISTINCT doc_id ORDER BY doc_id) FROM mentions "
        "WHERE list_contains(?, entity_id) GROUP BY entity_id", [ids]).fetchall())
    events = dict(con.execute(
        "SELECT entity_id, list(DISTINCT event_id ORDER BY event_id) FROM participants "
        "WHERE list_contains(?, entity_id) GROUP BY entity_id", [ids]).fetchall())
    return [{"id": p["id"], "name": p["name"], "aliases": p["aliases"],
             "mentions": p["mentions"], "posts": posts.get(p["id"], []),
             "doc_ids": list(docs.get(p["id"]) or []), "event_ids": list(events.get(p["id"]) or [])}
            for p in found]


def counts(con, by: str = "month", **filters) -> list[dict]:
    """Number of events per month (of when_start), type, status, …; takes the events filters."""
    if by not in COUNT_BY:
        raise StoreError(f"cannot count by {by!r}", hint="one of " + ", ".join(COUNT_BY))
    where, params = event_filters(**filters)
    key = COUNT_BY[by]
    rows = con.execute(f"SELECT {key} AS k, count(*) FROM events e{where} "
                       "GROUP BY k ORDER BY k NULLS LAST", params).fetchall()
    return [{"key": k, "count": n} for k, n in rows]


HISTOGRAM_STACKS = {"type": "e.type", "status": "e.status"}
FACET_LIMIT = 12


def histogram(con, stack: str = "type", **filters) -> dict:
    """Events per month over the whole selection, stacked by type or status, planned apart.

    Only events dated to a day or a month fall in a month (a year-only date is not a month):
    the others are counted in `year_only` and `undated`. Returns {"stack", "months": [YYYY-MM
    from the first to the last month with events, gaps included], "series": [{"key", "planned":
    bool, "counts": [per month]}], "core": [first, last month of the bulk] (see _core),
    "year_only", "undated", "total"}; `planned` series hold the
    events whose status is planned (said to come), the others what happened or is said about.
    """
    if stack not in HISTOGRAM_STACKS:
        raise StoreError(f"cannot stack by {stack!r}", hint="one of " + ", ".join(HISTOGRAM_STACKS))
    where, params = event_filters(**filters)
    key = HISTOGRAM_STACKS[stack]
    rows = con.execute(
        f"SELECT CASE WHEN e.when_start IS NULL THEN 'undated' "
        f"WHEN e.precision IN ('day', 'month') THEN strftime(e.when_start, '%Y-%m') "
        f"ELSE 'year_only' END AS m, {key} AS k, e.status = 'planned' AS planned, count(*) "
        f"FROM events e{where} GROUP BY ALL", params).fetchall()
    year_only = sum(n for m, _, _, n in rows if m == "year_only")
    undated = sum(n for m, _, _, n in rows if m == "undated")
    dated = [(m, k, p, n) for m, k, p, n in rows if m not in ("year_only", "undated")]
    months = _month_range(min(m for m, *_ in dated), max(m for m, *_ in dated)) if dated else []
    index = {m: i for i, m in enumerate(months)}
    series: dict[tuple[str, bool], list[int]] = {}
    for m, k, planned, n in dated:
        counts = series.setdefault((k or "", bool(planned)), [0] * len(months))
        counts[index[m]] += n
    ordered = sorted(series.items(), key=lambda kv: (kv[0][1], -sum(kv[1]), kv[0][0]))
    return {"stack": stack, "months": months,
            "series": [{"key": k, "planned": p, "counts": c} for (k, p), c in ordered],
            "core": _core(months, series.values()),
            "year_only": year_only, "undated": undated,
            "total": sum(n for *_, n in rows)}


def _core(months: list[str], series) -> list[str] | None:
    """The first and last month of the span that holds all but the 1 % earliest and 1 % latest
    dated events: news dates its events near publication, and a mention of 1941 or of a 2030
    target would otherwise squeeze the rest into one column."""
    if not months:
        return None
    totals = [sum(col) for col in zip(*series)]
    cut = sum(totals) * 0.01
    lo, acc = 0, 0
    while lo < len(totals) - 1 and acc + totals[lo] <= cut:
        acc += totals[lo]
        lo += 1
    hi, acc = len(totals) - 1, 0
    while hi > lo and acc + totals[hi] <= cut:
        acc += totals[hi]
        hi -= 1
    return [months[lo], months[hi]]


def _month_range(first: str, last: str) -> list[str]:
    y, m = int(first[:4]), int(first[5:7])
    out = []
    while f"{y:04d}-{m:02d}" <= last:
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def facets(con, limit: int = FACET_LIMIT, **filters) -> dict:
    """Counts beside the filters: the events the filters select by type, status, site, place,
    and the participants (by entity id) in most of them. {"total", "type": [{"key", "count"}],
    "status", "site", "place", "entity": [{"key": id, "name", "type", "count"}]}."""
    where, params = event_filters(**filters)
    sel = f"SELECT e.id, e.type, e.status, e.where_name, e.doc_id FROM events e{where}"
    out: dict[str, Any] = {"total": con.execute(f"SELECT count(*) FROM ({sel})",
                                                params).fetchone()[0]}
    for name, col in (("type", "type"), ("status", "status"), ("place", "where_name")):
        out[name] = [{"key": k, "count": n} for k, n in con.execute(
            f"SELECT {col}, count(*) AS n FROM ({sel}) WHERE {col} IS NOT NULL "
            f"GROUP BY 1 ORDER BY n DESC, 1 LIMIT ?", params + [int(limit)]).fetchall()]
    out["site"] = [{"key": k, "count": n} for k, n in con.execute(
        f"SELECT {SITE_SQL.format(d='d')} AS site, count(*) AS n FROM ({sel}) s "
        "JOIN documents d ON d.id = s.doc_id GROUP BY 1 ORDER BY n DESC, 1 LIMIT ?",
        params + [int(limit)]).fetchall()]
    out["entity"] = [{"key": i, "name": nm, "type": t, "count": n} for i, nm, t, n in con.execute(
        f"SELECT p.entity_id, coalesce(any_value(en.name), any_value(p.name)), "
        f"coalesce(any_value(en.type), any_value(p.type)), count(DISTINCT p.event_id) AS n "
        f"FROM ({sel}) s JOIN participants p ON p.event_id = s.id "
        f"LEFT JOIN entities en ON en.id = p.entity_id WHERE coalesce(p.entity_id, '') <> '' "
        f"GROUP BY p.entity_id ORDER BY n DESC, p.entity_id LIMIT ?",
        params + [int(limit)]).fetchall()]
    return out


def stats(con) -> dict[str, int]:
    """Rows per table."""
    return {table: con.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in TABLES}


def export_tables(con, out_dir: str, tables: Iterable[str] = TABLES) -> dict[str, str]:
    """COPY each table to `out_dir/<table>.parquet`; return the paths written."""
    import os

    os.makedirs(out_dir, exist_ok=True)
    written = {}
    for table in tables:
        if table not in TABLES:
            raise StoreError(f"no table {table!r}", hint="one of " + ", ".join(TABLES))
        path = os.path.join(out_dir, f"{table}.parquet")
        quoted = path.replace("'", "''")
        try:
            con.execute(f"COPY (SELECT * FROM {table} ORDER BY ALL) TO '{quoted}' "
                        "(FORMAT parquet, COMPRESSION zstd)")
        except Exception as exc:
            raise StoreError(f"could not export {table} to {path}: {exc}") from exc
        written[table] = path
    return written
