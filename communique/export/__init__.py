"""Exports for analysts' tools: what the events filters select, as

    csv      one event a row (pandas.read_csv, R's read.csv): url, title, published, the date's
             precision and basis, participants' names and entity ids, the evidence
    jsonl    the same rows, one JSON object a line (pandas.read_json(lines=True), jsonlite)
    plover   a JSON array of PLOVER-style event records
    graphml  who met whom (CONSULT events): entities as nodes, pairs as edges with the number of
    gexf     meetings and their first and last dates (Gephi, networkx, igraph)
    parquet  every table of the store, one Parquet file each, in a folder (or a zip)

The CLI (`communique export`), the REST API (`/api/export?format=`) and the page call these.
"""
from .graph import meetings_graph, to_gexf, to_graphml
from .rows import ROW_COLUMNS, event_rows, to_csv, to_jsonl
from .plover import to_plover
from .tables import write_parquet, zip_folder

FORMATS = ("csv", "jsonl", "plover", "graphml", "gexf", "parquet")

__all__ = ["FORMATS", "ROW_COLUMNS", "event_rows", "to_csv", "to_jsonl", "to_plover",
           "meetings_graph", "to_graphml", "to_gexf", "write_parquet", "zip_folder", "export"]


def export(con, fmt: str, out: str, filters: dict | None = None, *, limit: int | None = None,
           order: str = "-when", top: int | None = None, min_meetings: int = 1) -> dict:
    """Write what `filters` select in format `fmt` to `out` (a file; a folder for parquet).
    Returns {"format", "path", "rows"} (rows: events, or edges for a graph, or tables)."""
    from ..errors import CommuniqueError
    filters = {k: v for k, v in (filters or {}).items() if v not in (None, "", ())}
    if fmt not in FORMATS:
        raise CommuniqueError(f"unknown export format {fmt!r}", hint="one of " + ", ".join(FORMATS))
    if fmt == "parquet":
        written = write_parquet(con, out, filters)
        return {"format": fmt, "path": out, "rows": len(written)}
    if fmt in ("graphml", "gexf"):
        graph = meetings_graph(con, filters, top=top, min_meetings=min_meetings)
        body = to_graphml(graph) if fmt == "graphml" else to_gexf(graph)
        n = len(graph["edges"])
    else:
        rows = event_rows(con, filters, limit=limit, order=order)
        body = {"csv": to_csv, "jsonl": to_jsonl, "plover": to_plover}[fmt](rows)
        n = len(rows)
    with open(out, "w", encoding="utf-8", newline="") as fh:
        fh.write(body)
    return {"format": fmt, "path": out, "rows": n}
