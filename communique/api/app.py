"""The REST API (FastAPI) and the web page over a communique store, read-only.

    GET /api/events            events with the filters of `communique events`, paged and sorted
    GET /api/events/{id}       one event with its evidence in context and its document
    GET /api/entities          entities, most mentioned first
    GET /api/entities/{id}     one entity
    GET /api/entities/{id}/events   the events the entity takes part in
    GET /api/people            people with their posts
    GET /api/documents/{id}    a document with its articles, sources and dropped furniture
    GET /api/counts?by=month&stack=type   events per month stacked by type or status (planned
                               apart), or per type, status, … (for charts)
    GET /api/facets            counts beside the filters: types, statuses, sites, places, actors
    GET /api/network           who met whom: CONSULT co-participation as weighted edges
    GET /api/export?format=    what the filters select: csv, jsonl, plover, graphml, gexf, parquet
    GET /api/export.csv|.json  the same as CSV / a JSON array
    GET /api/stats             rows per table
    GET /api/openapi.json      the OpenAPI document
    GET /                      the web page (static files from communique/web/static)

Every error has one JSON body: {"error", "message", "hint"}. Unknown query parameters and
bad values are 422; HEAD works wherever GET does; see guard.py for the Host check.
"""
from __future__ import annotations

import datetime as _dt
import functools
import json
import logging
import os
import threading
from typing import Any, Literal

from fastapi import APIRouter, Depends, FastAPI, Path, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..actors.people import people_report
from ..errors import CommuniqueError
from ..records import PLOVER_TYPES, STATUSES
from ..store import queries
from . import views
from ..bidi import strip_bidi
from .guard import Guard
from .reader import BadRequest, NotFound, Reader

log = logging.getLogger("communique.api")

MAX_PAGE = 500                 # largest page of events, entities, people
MAX_EXPORT = 100_000           # most events in one export
QUERY_TIMEOUT = 10.0           # seconds before a query is interrupted
SORTS = tuple(queries.ORDERS)  # -when, when, confidence, doc, id, type, status
COUNT_BY = tuple(queries.COUNT_BY)
STACKS = tuple(queries.HISTOGRAM_STACKS)
EXPORT_FORMATS = ("csv", "jsonl", "plover", "graphml", "gexf", "parquet")
ID_PATTERN = r"^[A-Za-z0-9_\-]{1,80}$"
IDS_PATTERN = r"^[A-Za-z0-9_\-]{1,80}(,[A-Za-z0-9_\-]{1,80}){0,9}$"
# ASCII digits only: \d would let other scripts' digits through to int()
DATE_PATTERN = r"^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$"


# -- response bodies (for the OpenAPI document) -----------------------------------------------
class ErrorBody(BaseModel):
    error: str = Field(description="kind of error, e.g. NotFound, ValidationError, QueryTimeout")
    message: str
    hint: str | None = None


class EventList(BaseModel):
    total: int = Field(description="how many events the filters select")
    limit: int
    offset: int
    items: list[dict[str, Any]] = Field(description="communique-event/1 records")


class EventView(BaseModel):
    event: dict[str, Any]
    context: dict[str, Any] | None = Field(
        description="the evidence in its paragraph (see Store.evidence_context)")
    document: dict[str, Any] | None = Field(
        description="the document with `highlights`: evidence and participant spans in its text")


class Page(BaseModel):
    limit: int
    offset: int
    more: bool
    items: list[dict[str, Any]]


class EntityEvents(EventList):
    entity: dict[str, Any]


class CountList(BaseModel):
    by: str
    items: list[dict[str, Any]] = Field(description="[{key, count}]")


class Network(BaseModel):
    events: int = Field(description="CONSULT events selected")
    nodes: list[dict[str, Any]] = Field(description="[{id, name, type, events}]")
    edges: list[dict[str, Any]] = Field(description="[{source, target, weight}]")


ERRORS = {code: {"model": ErrorBody, "description": text} for code, text in (
    (400, "A value the store cannot use"), (404, "Not found"),
    (422, "Invalid parameters"), (500, "Internal error"), (504, "Query time limit reached"))}


class _JSON(JSONResponse):
    def render(self, content: Any) -> bytes:
        return json.dumps(content, ensure_ascii=False, separators=(",", ":"),
                          default=str).encode("utf-8")


def _error(status: int, error: str, message: str, hint: str | None = None) -> _JSON:
    return _JSON({"error": error, "message": message, "hint": hint}, status_code=status)


# -- parameters -------------------------------------------------------------------------------
def _check_values(value: str | None, allowed: tuple[str, ...], name: str, fold) -> str | None:
    if value is None or value == "":
        return None
    parts = [v.strip() for v in value.split(",") if v.strip()]
    bad = [v for v in parts if fold(v) not in allowed]
    if bad:
        raise BadRequest(f"unknown {name} {bad[0]!r}", hint="one of " + ", ".join(allowed)
                         + " (several: comma-separated)")
    return ",".join(fold(v) for v in parts) or None


def _check_date(value: str | None, name: str) -> str | None:
    if not value:
        return None
    if not value.isascii():
        raise BadRequest(f"{name}={value!r} is not a date", hint="give YYYY-MM-DD, YYYY-MM or "
                         "YYYY in ASCII digits")
    try:
        parts = [int(p) for p in value.split("-")]
        _dt.date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)
    except ValueError:
        raise BadRequest(f"{name}={value!r} is not a date",
                         hint="give YYYY-MM-DD, YYYY-MM or YYYY") from None
    return value


def event_filters(
    actor: str | None = Query(None, max_length=200, description=(
        "case-insensitive part of a participant's name, title, organisation or entity id")),
    type: str | None = Query(None, max_length=300, description=(
        "PLOVER type(s), comma-separated: " + ", ".join(PLOVER_TYPES))),
    status: str | None = Query(None, max_length=200, description=(
        "status(es), comma-separated: " + ", ".join(STATUSES))),
    since: str | None = Query(None, pattern=DATE_PATTERN, description=(
        "events whose dates reach this day or later (YYYY-MM-DD, YYYY-MM or YYYY)")),
    until: str | None = Query(None, pattern=DATE_PATTERN, description=(
        "events whose dates begin on this day or earlier")),
    text: str | None = Query(None, max_length=200, description=(
        "case-insensitive part of the evidence or of the document's text")),
    entity: str | None = Query(None, pattern=IDS_PATTERN, description=(
        "entity id(s), comma-separated: events with every one of them among the participants "
        "(two ids: the pair's meetings)")),
    place: str | None = Query(None, max_length=200, description="the event's place (exact name)"),
    site: str | None = Query(None, max_length=200, description=(
        "host of the document's URL, e.g. www.state.gov ('file' for local files)")),
) -> dict[str, Any]:
    """The filters of `communique events`, and entity, place and site."""
    filters = {
        "entity": entity or None, "place": place or None, "site": site or None,
        "actor": actor or None,
        "type": _check_values(type, PLOVER_TYPES, "type", str.upper),
        "status": _check_values(status, STATUSES, "status", str.lower),
        "since": _check_date(since, "since"),
        "until": _check_date(until, "until"),
        "text": text or None,
    }
    if filters["since"] and filters["until"]:
        lo = queries._as_date(filters["since"], "since")
        hi = queries._as_date(filters["until"], "until")
        if lo > hi:
            raise BadRequest(f"since ({since}) is after until ({until})",
                             hint="swap them, or leave one out")
    return filters


Filters = Depends(event_filters)
Limit = Query(100, ge=0, le=MAX_PAGE, description=f"page size, at most {MAX_PAGE}")
Offset = Query(0, ge=0, le=10_000_000, description="rows to skip")
Sort = Query("-when", description="-when (newest first), when (oldest first), confidence, doc, "
             "id, type, status")


# -- the app ----------------------------------------------------------------------------------
def create_app(db_path: str, *, read_only: bool = True,
               query_timeout: float | None = QUERY_TIMEOUT, allow_hosts: tuple[str, ...] = (),
               reader: Reader | None = None, live=None) -> FastAPI:
    """The API and web page over the store at `db_path` (opened once; a cursor per request).

    allow_hosts: Host names answered besides the addresses the server listens on ("*": any).
    reader: a Reader made by the caller; live: the server's ingestion (see live.py), whose
    state /api/stats reports."""
    reader = reader or Reader(str(db_path), read_only=read_only, timeout=query_timeout)
    app = FastAPI(title="communique", version=_version(),
                  description="Events from official news, each with its evidence. Read-only.",
                  openapi_url="/api/openapi.json", docs_url=None, redoc_url=None,
                  default_response_class=_JSON)
    app.state.reader = reader
    app.router.add_event_handler("shutdown", reader.close)
    _errors(app)
    app.include_router(_api(reader, live))
    _web(app)
    app.add_middleware(Guard, allow_hosts=tuple(allow_hosts))
    return app


def _version() -> str:
    try:
        from importlib.metadata import version
        return version("communique")
    except Exception:               # not installed (running from a checkout)
        return "0"


def _errors(app: FastAPI) -> None:
    names = {400: "BadRequest", 404: "NotFound", 405: "MethodNotAllowed",
             406: "NotAcceptable", 413: "TooLarge", 415: "UnsupportedMediaType"}

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        hint = None
        if exc.status_code == 404:
            hint = "see /api/openapi.json for the routes"
        elif exc.status_code == 405:
            hint = "the API is read-only: use GET"
        message = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
        response = _error(exc.status_code, names.get(exc.status_code, "HTTPError"), message, hint)
        if exc.headers:
            response.headers.update(exc.headers)
        return response

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError):
        parts = []
        for err in exc.errors()[:5]:
            where = ".".join(str(x) for x in err.get("loc", ()))
            parts.append(f"{where}: {err.get('msg', 'invalid')}")
        return _error(422, "ValidationError", "; ".join(parts) or "invalid request",
                      "see /api/openapi.json for the parameters")

    @app.exception_handler(CommuniqueError)
    async def communique_error(request: Request, exc: CommuniqueError):
        body = exc.to_dict()
        if isinstance(exc, BadRequest):
            body["error"] = "ValidationError"
        return _JSON(body, status_code=getattr(exc, "status", 400))

    @app.exception_handler(Exception)
    async def internal_error(request: Request, exc: Exception):
        log.exception("internal error on %s", request.url.path)
        return _error(500, "InternalError", "the server failed to answer this request",
                      "the server's log has the details")


def people_list(reader: Reader, name: str | None = None) -> list[dict]:
    """`communique people` (people merged one per person), kept per store generation: the merge
    runs in Python over every person and took most of a second on 1,200 documents."""
    def compute():
        with reader.cursor() as con:
            return people_report(functools.partial(queries.people, con), name=name)
    return reader.memo(("people", name), compute)


def _clean_entity(entity: dict) -> dict:
    """An entity or person with its name and aliases free of bidi controls."""
    entity["name"] = strip_bidi(entity.get("name"))
    if entity.get("aliases"):
        entity["aliases"] = [strip_bidi(a) for a in entity["aliases"]]
    return entity


def _known_parameters(request: Request) -> None:
    """422 for a query parameter the route does not take (`?actr=Putin` is a typo, not 'all'),
    or one given twice."""
    route = request.scope.get("route")
    dependant = getattr(route, "dependant", None)
    if dependant is None:
        return
    known, todo = set(), [dependant]
    while todo:                                 # the route's parameters and its dependencies'
        current = todo.pop()
        known.update(p.alias for p in current.query_params)
        todo.extend(current.dependencies)
    given = request.query_params.multi_items()
    for name, _ in given:
        if name not in known:
            raise BadRequest(f"unknown parameter {name!r}", hint="this route takes "
                             + (", ".join(sorted(known)) or "no parameters"))
    names = [n for n, _ in given]
    for name in names:
        if names.count(name) > 1:
            raise BadRequest(f"parameter {name!r} given {names.count(name)} times",
                             hint="give it once; several values: comma-separated")


def _api(reader: Reader, live=None) -> APIRouter:
    api = APIRouter(prefix="/api", responses=ERRORS, dependencies=[Depends(_known_parameters)])

    @api.get("/events", response_model=EventList, tags=["events"])
    def list_events(filters: dict = Filters, limit: int = Limit, offset: int = Offset,
                    sort: Literal[SORTS] = Sort):
        """Events matching every filter given, a page at a time."""
        with reader.cursor() as con:
            total = queries.count_events(con, **filters)
            records = views.event_records(con, filters, limit=limit, offset=offset, order=sort)
        # the stored records are Event.to_dict() as JSON: spliced in as they are (re-parsed only
        # to clean names of bidirectional controls)
        head = json.dumps({"total": total, "limit": limit, "offset": offset})[:-1]
        body = head + ',"items":[' + ",".join(records) + "]}"
        return Response(body.encode("utf-8"), media_type="application/json")

    @api.get("/events/{event_id}", response_model=EventView, tags=["events"])
    def get_event(event_id: str = Path(pattern=ID_PATTERN)):
        """One event with its evidence paragraph and its document, with highlight spans."""
        with reader.cursor() as con:
            found = views.event_view(con, event_id)
        if found is None:
            raise NotFound(f"no event {event_id!r}", hint="list events with GET /api/events")
        return _JSON(found)

    @api.get("/entities", response_model=Page, tags=["entities"])
    def list_entities(type: str | None = Query(None, max_length=100, description=(
                          "PERSON, ORG, GPE, LOC, AGREEMENT (comma-separated)")),
                      name: str | None = Query(None, max_length=200, description=(
                          "case-insensitive part of the name or an alias")),
                      limit: int = Limit, offset: int = Offset):
        """Entities, most mentioned first."""
        with reader.cursor() as con:
            found = queries.entities(con, type=type or None, name=name or None,
                                     limit=offset + limit + 1)
        page = [_clean_entity(e) for e in found[offset:offset + limit]]
        return _JSON({"limit": limit, "offset": offset, "more": len(found) > offset + limit,
                      "items": page})

    def _entity(con, entity_id: str) -> dict:
        found = [e for e in queries.entities(con, name=entity_id) if e["id"] == entity_id]
        if not found:
            raise NotFound(f"no entity {entity_id!r}", hint="list entities with GET /api/entities")
        return _clean_entity(found[0])

    @api.get("/entities/{entity_id}", response_model=dict[str, Any], tags=["entities"])
    def get_entity(entity_id: str = Path(pattern=ID_PATTERN)):
        """One entity with its aliases and how often it is mentioned."""
        with reader.cursor() as con:
            return _JSON(_entity(con, entity_id))

    @api.get("/entities/{entity_id}/events", response_model=EntityEvents, tags=["entities"])
    def entity_events(entity_id: str = Path(pattern=ID_PATTERN), limit: int = Limit,
                      offset: int = Offset, sort: Literal[SORTS] = Sort):
        """The events the entity takes part in (as actor or recipient)."""
        with reader.cursor() as con:
            entity = _entity(con, entity_id)
            total = queries.count_events(con, entity=entity_id)
            found = queries.events(con, entity=entity_id, limit=limit, offset=offset, order=sort)
        return _JSON({"entity": entity, "total": total, "limit": limit, "offset": offset,
                      "items": [views.clean_event(ev.to_dict()) for ev in found]})

    @api.get("/people", response_model=Page, tags=["entities"])
    def list_people(name: str | None = Query(None, max_length=200, description=(
                        "case-insensitive part of the name or an alias")),
                    limit: int = Limit, offset: int = Offset):
        """People, one per person however the texts spell the name, with the posts the texts
        give them, when and in how many documents each was seen (as `communique people`)."""
        found = people_list(reader, name or None)
        return _JSON({"limit": limit, "offset": offset, "more": len(found) > offset + limit,
                      "items": [_clean_entity(p) for p in found[offset:offset + limit]]})

    @api.get("/documents/{doc_id}", response_model=dict[str, Any], tags=["documents"])
    def get_document(doc_id: str = Path(pattern=ID_PATTERN)):
        """A document: clean text, articles, sources, dropped page furniture, its events."""
        with reader.cursor() as con:
            doc = queries.document(con, doc_id)
            if doc is None:
                raise NotFound(f"no document {doc_id!r}",
                               hint="an event's doc_id names its document")
            body = doc.to_dict()
            body["sources"] = queries.sources(con, doc_id)
            body["events"] = [{"id": ev.id, "type": ev.type, "status": ev.status,
                               "evidence": ev.evidence.to_dict()}
                              for ev in queries.events(con, doc_id=doc_id, limit=None,
                                                       order="doc")]
        return _JSON(body)

    @api.get("/counts", response_model=CountList, tags=["events"])
    def get_counts(by: Literal[COUNT_BY] = Query("month", description="what to count by"),
                   stack: Literal[STACKS] | None = Query(None, description=(
                       "with by=month: the histogram over the whole selection, stacked by type "
                       "or status, planned events apart (months, series, year_only, undated)")),
                   filters: dict = Filters):
        """Number of events per month (of their start), year, day, type, status, mode, source;
        with `stack`, the month histogram of the page."""
        with reader.cursor() as con:
            items = queries.counts(con, by=by, **filters)
            body = {"by": by, "items": items}
            if stack:
                if by != "month":
                    raise BadRequest("stack goes with by=month", hint="leave stack out, or "
                                     "count by month")
                body.update(queries.histogram(con, stack=stack, **filters))
        return _JSON(body)

    @api.get("/facets", response_model=dict[str, Any], tags=["events"])
    def get_facets(filters: dict = Filters,
                   top: int = Query(12, ge=1, le=100, description="values kept per facet")):
        """Counts of the selected events by type, status, site, place and participant (entity
        id): what a click beside the filters would narrow to."""
        with reader.cursor() as con:
            found = queries.facets(con, limit=top, **filters)
        for item in found["entity"]:
            item["name"] = strip_bidi(item["name"])
        return _JSON(found)

    @api.get("/network", response_model=Network, tags=["events"])
    def get_network(filters: dict = Filters,
                    top: int = Query(60, ge=1, le=500, description=(
                        "the entities in most meetings kept")),
                    min_meetings: int = Query(1, ge=1, le=10_000, description=(
                        "fewest meetings an edge needs"))):
        """Who met whom: the participants (by entity id) of the selected CONSULT events (the
        type filter is not used), edges weighted by the number of events the two took part in
        together, with the first and last date."""
        from ..export import meetings_graph
        with reader.cursor() as con:
            graph = meetings_graph(con, filters, top=top, min_meetings=min_meetings)
        for edge in graph["edges"]:
            del edge["event_ids"]
        return _JSON(graph)

    def _rows(filters, sort, limit):
        from ..export import event_rows
        with reader.cursor() as con:
            return event_rows(con, filters, limit=limit, order=sort)

    ExportLimit = Query(MAX_EXPORT, ge=0, le=MAX_EXPORT, description="most events exported")

    @api.get("/export.csv", tags=["export"], response_class=Response,
             responses={200: {"content": {"text/csv": {}}, "description": "CSV, one event a row"}})
    def export_csv(filters: dict = Filters, sort: Literal[SORTS] = Sort, limit: int = ExportLimit):
        """What the filters select, as CSV (one event a row)."""
        from ..export import to_csv
        body = to_csv(_rows(filters, sort, limit))
        return Response(body, media_type="text/csv; charset=utf-8", headers={
            "content-disposition": 'attachment; filename="communique-events.csv"'})

    @api.get("/export", tags=["export"], response_class=Response, responses={200: {
        "content": {"text/csv": {}, "application/x-ndjson": {}, "application/json": {},
                    "application/graphml+xml": {}, "application/gexf+xml": {},
                    "application/zip": {}}, "description": "a file to download"}})
    def export_any(format: Literal[EXPORT_FORMATS] = Query(..., description=(
                       "csv, jsonl, plover (JSON), graphml, gexf (who met whom), parquet (a zip "
                       "of every table, the part the filters select)")),
                   filters: dict = Filters, sort: Literal[SORTS] = Sort,
                   limit: int = ExportLimit,
                   top: int | None = Query(None, ge=1, le=100_000, description=(
                       "graphs: the entities in most meetings kept (default all)")),
                   min_meetings: int = Query(1, ge=1, le=10_000, description=(
                       "graphs: fewest meetings an edge needs"))):
        """What the filters select, as a file for pandas, R, Gephi or networkx."""
        import tempfile
        from .. import export as ex
        media = {"csv": "text/csv; charset=utf-8", "jsonl": "application/x-ndjson",
                 "plover": "application/json", "graphml": "application/graphml+xml",
                 "gexf": "application/gexf+xml", "parquet": "application/zip"}[format]
        suffix = {"plover": "plover.json", "parquet": "parquet.zip"}.get(format, format)
        disposition = {"content-disposition":
                       f'attachment; filename="communique-events.{suffix}"'}
        with tempfile.TemporaryDirectory(prefix="communique-export-") as tmp:
            target = os.path.join(tmp, "tables" if format == "parquet" else "out")
            with reader.cursor() as con:
                ex.export(con, format, target, filters, limit=limit, order=sort, top=top,
                          min_meetings=min_meetings)
            if format == "parquet":
                target = ex.zip_folder(target, os.path.join(tmp, "tables.zip"))
            with open(target, "rb") as fh:
                body = fh.read()
        return Response(body, media_type=media, headers=disposition)

    @api.get("/export.json", tags=["export"], response_model=list[dict[str, Any]])
    def export_json(filters: dict = Filters, sort: Literal[SORTS] = Sort, limit: int = ExportLimit):
        """What the filters select, as a JSON array of communique-event/1 records."""
        with reader.cursor() as con:
            found = queries.events(con, **filters, limit=limit, offset=0, order=sort)
        return _JSON([views.clean_event(ev.to_dict()) for ev in found], headers={
            "content-disposition": 'attachment; filename="communique-events.json"'})

    @api.get("/stats", response_model=dict[str, Any], tags=["store"])
    def get_stats():
        """Rows per table, the store's path, the API's limits and the server's ingestion
        (`live`: what it watches, how often, how many ingests it ran; null when it runs none)."""
        with reader.cursor() as con:
            tables = queries.stats(con)
        return _JSON({"tables": tables, "store": os.path.basename(reader.store.path),
                      "read_only": reader.store.read_only,
                      "live": live.status() if live is not None else None,
                      "limits": {"page": MAX_PAGE, "export": MAX_EXPORT,
                                 "query_seconds": reader.timeout},
                      "types": list(PLOVER_TYPES), "statuses": list(STATUSES)})

    return api


def _web(app: FastAPI) -> None:
    from ..web import STATIC_DIR

    index = os.path.join(STATIC_DIR, "index.html")

    @app.api_route("/", methods=["GET", "HEAD"], include_in_schema=False,
                   response_class=FileResponse)
    def page():
        return FileResponse(index, media_type="text/html; charset=utf-8",
                            headers={"cache-control": "no-cache"})

    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")


# -- running ----------------------------------------------------------------------------------
def app_from_env() -> FastAPI:
    """For `uvicorn --factory communique.api.app:app_from_env`: the store in $COMMUNIQUE_DB."""
    db = os.environ.get("COMMUNIQUE_DB", "communique.duckdb")
    timeout = float(os.environ.get("COMMUNIQUE_QUERY_TIMEOUT", QUERY_TIMEOUT))
    hosts = tuple(h for h in os.environ.get("COMMUNIQUE_ALLOW_HOST", "").split(",") if h)
    return create_app(db, query_timeout=timeout or None, allow_hosts=hosts)


def serve(db: str = "communique.duckdb", host: str = "127.0.0.1", port: int = 8000, *,
          query_timeout: float | None = QUERY_TIMEOUT, log_level: str = "info",
          allow_hosts: tuple[str, ...] = (), watch: tuple[str, ...] = (),
          every: float = 900.0, fetch=None, read_only: bool = False) -> None:
    """Run the API and the web page on http://host:port/ until interrupted.

    The server owns the store (opens it for writing) and ingests what `watch` names every
    `every` seconds and what `communique ingest` hands it (live.py); the web only reads.
    read_only: open the store read-only (several servers may share it; no ingestion)."""
    import uvicorn

    from .live import Live, holder
    if read_only and watch:
        raise CommuniqueError("--watch needs the store open for writing",
                              hint="leave out --read-only")
    if not watch and db != ":memory:" and not os.path.exists(db):
        raise CommuniqueError(f"no store at {db}", hint="ingest something first, check the "
                              "path, or give --watch to start it from feeds or folders")
    shown = "127.0.0.1" if host in ("0.0.0.0", "") else host
    url = f"http://{shown}:{port}/"
    try:
        reader = Reader(db, read_only=read_only, timeout=query_timeout)
    except CommuniqueError as exc:
        who = holder(db) if os.path.exists(db) and "lock" in str(exc).lower() else None
        if who:
            raise CommuniqueError(f"the store {db} is held by {who}",
                                  hint="wait for it to finish, or serve with --read-only") from exc
        raise
    def warm() -> None:                          # the page's first /api/people is then quick
        try:
            people_list(reader)
        except Exception:                       # noqa: BLE001 - a request will say what failed
            log.exception("could not work out the people list")

    def changed() -> None:
        reader.changed()
        warm()

    live = None if read_only else Live(db, list(watch), every, fetch=fetch, url=url,
                                       on_change=changed)
    threading.Thread(target=warm, name="communique-warm", daemon=True).start()
    app = create_app(db, allow_hosts=allow_hosts, reader=reader, live=live)
    mode = "read-only" if read_only else "owning the store"
    print(f"communique: serving {db} ({mode}) on {url}  (API: {url}api/events, OpenAPI: "
          f"/api/openapi.json; Ctrl-C stops)" + (f"; watching {len(watch)} input(s) every "
                                                 f"{every:g} s" if watch else ""), flush=True)
    if live is not None:
        live.start()
    try:
        uvicorn.run(app, host=host, port=port, log_level=log_level)
    finally:
        if live is not None:
            live.stop()
