"""Who met whom as a graph file: the participants (by entity id) of the CONSULT events the
filters select; an edge for each pair that took part in the same event, weighted by how many
such events, with the first and last date and the event ids. GraphML and GEXF 1.2 are written
with the standard library; Gephi, networkx (read_graphml, read_gexf) and igraph open them."""
from __future__ import annotations

from xml.sax.saxutils import escape, quoteattr

from ..bidi import strip_bidi
from ..store import queries

GEXF_NS = "http://www.gexf.net/1.2draft"


def meetings_graph(con, filters: dict, *, top: int | None = None,
                   min_meetings: int = 1) -> dict:
    """{"events": n, "nodes": [{id, name, type, events}], "edges": [{source, target, weight,
    first, last, event_ids}]}: the `top` entities in most meetings (all when None), edges of
    at least `min_meetings` meetings between them."""
    filters = {k: v for k, v in filters.items() if k != "type"}
    where, params = queries.event_filters(**filters)
    where = (where + " AND" if where else " WHERE") + " e.type = 'CONSULT'"
    base = (f"WITH ev AS (SELECT e.id, e.when_start, e.when_end FROM events e{where}), "
            "p AS (SELECT pa.event_id, pa.entity_id, any_value(pa.name) AS name, "
            "any_value(pa.type) AS type FROM participants pa JOIN ev ON pa.event_id = ev.id "
            "WHERE coalesce(pa.entity_id, '') <> '' GROUP BY pa.event_id, pa.entity_id) ")
    n_events = con.execute(base + "SELECT count(*) FROM ev", params).fetchone()[0]
    sql = (base + "SELECT p.entity_id, coalesce(any_value(en.name), any_value(p.name)), "
           "coalesce(any_value(en.type), any_value(p.type)), count(*) AS n "
           "FROM p LEFT JOIN entities en ON en.id = p.entity_id "
           "GROUP BY p.entity_id ORDER BY n DESC, p.entity_id")
    node_params = list(params)
    if top is not None:
        sql += " LIMIT ?"
        node_params.append(int(top))
    rows = con.execute(sql, node_params).fetchall()
    nodes = [{"id": i, "name": strip_bidi(n) or i, "type": t, "events": c} for i, n, t, c in rows]
    ids = [n["id"] for n in nodes]
    edges = []
    if ids:
        for a, b, w, first, last, evs in con.execute(
                base + "SELECT a.entity_id, b.entity_id, count(*) AS w, "
                "min(ev.when_start), max(coalesce(ev.when_end, ev.when_start)), "
                "list(ev.id ORDER BY ev.when_start NULLS LAST, ev.id) "
                "FROM p a JOIN p b ON a.event_id = b.event_id AND a.entity_id < b.entity_id "
                "JOIN ev ON ev.id = a.event_id "
                "WHERE list_contains(?, a.entity_id) AND list_contains(?, b.entity_id) "
                "GROUP BY a.entity_id, b.entity_id HAVING count(*) >= ? "
                "ORDER BY w DESC, 1, 2", params + [ids, ids, int(min_meetings)]).fetchall():
            edges.append({"source": a, "target": b, "weight": w,
                          "first": first.isoformat() if first else None,
                          "last": last.isoformat() if last else None,
                          "event_ids": list(evs)})
    return {"events": n_events, "nodes": nodes, "edges": edges}


def _clean(value) -> str:
    """Text safe in XML 1.0 (control characters other than tab and newlines dropped)."""
    text = "" if value is None else str(value)
    return "".join(ch for ch in text if ch in "\t\n\r" or ord(ch) >= 32)


def to_graphml(graph: dict) -> str:
    out = ['<?xml version="1.0" encoding="UTF-8"?>',
           '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" '
           'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
           'xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns '
           'http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">',
           '<key id="name" for="node" attr.name="name" attr.type="string"/>',
           '<key id="type" for="node" attr.name="type" attr.type="string"/>',
           '<key id="events" for="node" attr.name="events" attr.type="int"/>',
           '<key id="weight" for="edge" attr.name="weight" attr.type="double"/>',
           '<key id="first" for="edge" attr.name="first" attr.type="string"/>',
           '<key id="last" for="edge" attr.name="last" attr.type="string"/>',
           '<key id="event_ids" for="edge" attr.name="event_ids" attr.type="string"/>',
           '<graph id="meetings" edgedefault="undirected">']
    for n in graph["nodes"]:
        out.append(f'<node id={quoteattr(n["id"])}><data key="name">{escape(_clean(n["name"]))}'
                   f'</data><data key="type">{escape(_clean(n["type"]))}</data>'
                   f'<data key="events">{int(n["events"])}</data></node>')
    for i, e in enumerate(graph["edges"]):
        out.append(f'<edge id="e{i}" source={quoteattr(e["source"])} '
                   f'target={quoteattr(e["target"])}><data key="weight">{float(e["weight"])}'
                   f'</data><data key="first">{escape(_clean(e["first"]))}</data>'
                   f'<data key="last">{escape(_clean(e["last"]))}</data>'
                   f'<data key="event_ids">{escape(" ".join(e["event_ids"]))}</data></edge>')
    out += ["</graph>", "</graphml>", ""]
    return "\n".join(out)


def to_gexf(graph: dict) -> str:
    out = ['<?xml version="1.0" encoding="UTF-8"?>',
           f'<gexf xmlns="{GEXF_NS}" version="1.2">',
           '<meta><creator>communique</creator>'
           '<description>who met whom: CONSULT events</description></meta>',
           '<graph defaultedgetype="undirected" mode="static">',
           '<attributes class="node"><attribute id="0" title="type" type="string"/>'
           '<attribute id="1" title="events" type="integer"/></attributes>',
           '<attributes class="edge"><attribute id="0" title="first" type="string"/>'
           '<attribute id="1" title="last" type="string"/>'
           '<attribute id="2" title="event_ids" type="string"/></attributes>',
           "<nodes>"]
    for n in graph["nodes"]:
        out.append(f'<node id={quoteattr(n["id"])} label={quoteattr(_clean(n["name"]))}>'
                   f'<attvalues><attvalue for="0" value={quoteattr(_clean(n["type"]))}/>'
                   f'<attvalue for="1" value="{int(n["events"])}"/></attvalues></node>')
    out.append("</nodes><edges>")
    for i, e in enumerate(graph["edges"]):
        out.append(f'<edge id="{i}" source={quoteattr(e["source"])} '
                   f'target={quoteattr(e["target"])} weight="{float(e["weight"])}">'
                   f'<attvalues><attvalue for="0" value={quoteattr(_clean(e["first"]))}/>'
                   f'<attvalue for="1" value={quoteattr(_clean(e["last"]))}/>'
                   f'<attvalue for="2" value={quoteattr(" ".join(e["event_ids"]))}/>'
                   '</attvalues></edge>')
    out += ["</edges>", "</graph>", "</gexf>", ""]
    return "\n".join(out)
