"""The REST API (FastAPI) and the web page over a communique store, read-only.

    GET /api/events            events with the filters of `communique events`, paged and sorted
    GET /api/events/{id}       one event with its evidence in context and its document
    GET /api/entities          entities, most mentioned first
    GET /api/entities/{id}     one entity
    GET /api/entities/{id}/events   the events the entity takes part in
    GET /api/people            people with their posts
    GET /api/documents/{id}    a document with its articles, sources and dropped furniture
    GET /api/counts?by=month   events per month, type, status, … (for charts)
    GET /api/network           who met whom: CONSULT co-participation as weighted edges
    GET /api/export.csv|.json  what the filters select, as a download
    GET /api/stats             rows per table
    GET /api/openapi.json      the OpenAPI document
    GET /                      the web page (static files from communique/web/static)

Every error has one JSON body: {"error", "message", "hint"}.
"""
from __future__ import annotations

import datetime as _dt
import functools
import json
import logging
import os
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
from .reader import BadRequest, NotFound, Reader

log = logging.getLogger("communique.api")

MAX_PAGE = 500                 # largest page of events, entities, people
MAX_EXPORT = 100_000           # most events in one export
QUERY_TIMEOUT = 10.0           # seconds before a query is interrupted
SORTS = tuple(queries.ORDERS)  # when, -when, confidence, doc, id
COUNT_BY = tuple(queries.COUNT_BY)
ID_PATTERN = r"^[A-Za-z0-9_\-]{1,80}$"
DATE_PATTERN = r"^\d{4}(-\d{2}(-\d{2})?)?$"

HTML_CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
            "form-action 'self'")


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
) -> dict[str, Any]:
    """The filters of `communique events`."""
    filters = {
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
Sort = Query("when", description="when (oldest first), -when (newest first), confidence, doc, id")


# -- the app ----------------------------------------------------------------------------------
def create_app(db_path: str, *, read_only: bool = True,
               query_timeout: float | None = QUERY_TIMEOUT) -> FastAPI:
    """The API and web page over the store at `db_path` (opened once; a cursor per request)."""
    reader = Reader(str(db_path), read_only=read_only, timeout=query_timeout)
    app = FastAPI(title="communique", version=_version(),
                  description="Events from official news, each with its evidence. Read-only.",
                  openapi_url="/api/openapi.json", docs_url=None, redoc_url=None,
                  default_response_class=_JSON)
    app.state.reader = reader
    app.router.add_event_handler("shutdown", reader.close)
    _errors(app)
    app.include_router(_api(reader))
    _web(app)
    app.add_middleware(_Headers)
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


class _Headers:
    """Security headers on every response; a content security policy on HTML."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers += [(b"x-content-type-options", b"nosniff"),
                            (b"referrer-policy", b"no-referrer"),
                            (b"x-frame-options", b"DENY")]
                ctype = dict(headers).get(b"content-type", b"")
                if ctype.startswith(b"text/html"):
                    headers.append((b"content-security-policy", HTML_CSP.encode()))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _api(reader: Reader) -> APIRouter:
    api = APIRouter(prefix="/api", responses=ERRORS)

    @api.get("/events", response_model=EventList, tags=["events"])
    def list_events(filters: dict = Filters, limit: int = Limit, offset: int = Offset,
                    sort: Literal[SORTS] = Sort):
        """Events matching every filter given, a page at a time."""
        with reader.cursor() as con:
            total = queries.count_events(con, **filters)
            records = views.event_records(con, filters, limit=limit, offset=offset, order=sort)
        # the stored records are Event.to_dict() as JSON: spliced in as they are, not re-parsed
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
        page = found[offset:offset + limit]
        return _JSON({"limit": limit, "offset": offset, "more": len(found) > offset + limit,
                      "items": page})

    def _entity(con, entity_id: str) -> dict:
        found = [e for e in queries.entities(con, name=entity_id) if e["id"] == entity_id]
        if not found:
            raise NotFound(f"no entity {entity_id!r}", hint="list entities with GET /api/entities")
        return found[0]

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
            total = queries.count_events(con, actor=entity_id)
            found = queries.events(con, actor=entity_id, limit=limit, offset=offset, order=sort)
        return _JSON({"entity": entity, "total": total, "limit": limit, "offset": offset,
                      "items": [ev.to_dict() for ev in found]})

    @api.get("/people", response_model=Page, tags=["entities"])
    def list_people(name: str | None = Query(None, max_length=200, description=(
                        "case-insensitive part of the name or an alias")),
                    limit: int = Limit, offset: int = Offset):
        """People, one per person however the texts spell the name, with the posts the texts
        give them, when and in how many documents each was seen (as `communique people`)."""
        with reader.cursor() as con:
            found = people_report(functools.partial(queries.people, con), name=name or None)
        return _JSON({"limit": limit, "offset": offset, "more": len(found) > offset + limit,
                      "items": found[offset:offset + limit]})

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
                   filters: dict = Filters):
        """Number of events per month (of their start), year, day, type, status, mode, source."""
        with reader.cursor() as con:
            items = queries.counts(con, by=by, **filters)
        return _JSON({"by": by, "items": items})

    @api.get("/network", response_model=Network, tags=["events"])
    def get_network(filters: dict = Filters,
                    max_nodes: int = Query(80, ge=1, le=300, description="actors kept"),
                    min_weight: int = Query(1, ge=1, le=10_000, description="fewest events "
                                            "an edge needs")):
        """Who met whom: the participants of the selected CONSULT events (the type filter is
        not used), edges weighted by the number of events the two took part in together."""
        with reader.cursor() as con:
            return _JSON(views.network(con, filters, max_nodes=max_nodes,
                                       min_weight=min_weight))

    def _export(filters, sort, limit):
        with reader.cursor() as con:
            return queries.events(con, **filters, limit=limit, offset=0, order=sort)

    ExportLimit = Query(MAX_EXPORT, ge=0, le=MAX_EXPORT, description="most events exported")

    @api.get("/export.csv", tags=["export"], response_class=Response,
             responses={200: {"content": {"text/csv": {}}, "description": "CSV, one event a row"}})
    def export_csv(filters: dict = Filters, sort: Literal[SORTS] = Sort, limit: int = ExportLimit):
        """What the filters select, as CSV (one event a row)."""
        body = views.to_csv(_export(filters, sort, limit))
        return Response(body, media_type="text/csv; charset=utf-8", headers={
            "content-disposition": 'attachment; filename="communique-events.csv"'})

    @api.get("/export.json", tags=["export"], response_model=list[dict[str, Any]])
    def export_json(filters: dict = Filters, sort: Literal[SORTS] = Sort, limit: int = ExportLimit):
        """What the filters select, as a JSON array of communique-event/1 records."""
        found = _export(filters, sort, limit)
        return _JSON([ev.to_dict() for ev in found], headers={
            "content-disposition": 'attachment; filename="communique-events.json"'})

    @api.get("/stats", response_model=dict[str, Any], tags=["store"])
    def get_stats():
        """Rows per table, the store's path and the API's limits."""
        with reader.cursor() as con:
            tables = queries.stats(con)
        return _JSON({"tables": tables, "store": os.path.basename(reader.store.path),
                      "read_only": reader.store.read_only,
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
    return create_app(db, query_timeout=timeout or None)


def serve(db: str = "communique.duckdb", host: str = "127.0.0.1", port: int = 8000, *,
          query_timeout: float | None = QUERY_TIMEOUT, log_level: str = "info") -> None:
    """Run the API and the web page on http://host:port/ until interrupted."""
    import uvicorn

    app = create_app(db, query_timeout=query_timeout)     # fails here when the store is missing
    shown = "127.0.0.1" if host in ("0.0.0.0", "") else host
    print(f"communique: serving {db} read-only on http://{shown}:{port}/  "
          f"(API: http://{shown}:{port}/api/events, OpenAPI: /api/openapi.json; Ctrl-C stops)",
          flush=True)
    uvicorn.run(app, host=host, port=port, log_level=log_level)
