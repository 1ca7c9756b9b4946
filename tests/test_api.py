"""The REST API against a real server process on loopback (uvicorn in a subprocess), over a store
built from tests/fixtures with the real pipeline; plus a bounded property-based run of its
OpenAPI document with schemathesis."""
from __future__ import annotations

import concurrent.futures
import csv
import io
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from communique.actors.people import people_report
from communique.store import Store

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
SEED = ROOT.parent / "shared" / "corpus" / "seed-csto-2019-09.txt"

# a document with markup and script in it: the API returns it as it is, the page shows it as text
HOSTILE = """Foreign Minister met UN envoy <script>window.__pwned = 1</script>

GENEVA, 3 March 2022 – On 3 March, Minister of Foreign Affairs of Kazakhstan Mukhtar Tileuberdi \
met with UN Special Envoy <img src=x onerror="window.__pwned = 2">Martin Griffiths in Geneva.
The parties discussed <b onmouseover="window.__pwned = 3">humanitarian</b> cooperation \
<script>window.__pwned = 4</script>.
"""

# a name wrapped in a right-to-left override, as plain-text inputs may carry: the API gives the
# name without the control characters
BIDI = """Minister meets senator

WASHINGTON, 5 April 2022 – On 5 April, Secretary of State Antony Blinken met with Senator \
\u202eCory Booker\u202c in Washington. They discussed aid to Ukraine.
"""

_BUILT: dict[str, Path] = {}


def shared_store(tmp_path_factory, extractor) -> Path:
    """One store per test session: tests/fixtures, the hostile document and (when it is beside
    the repository) the seed, through the real pipeline. Shared by test_api and test_web."""
    if "db" not in _BUILT:
        from communique.ingest import read_inputs
        from communique.pipeline_run import ingest_inputs

        root = tmp_path_factory.mktemp("api-store")
        hostile = root / "hostile-markup.txt"
        hostile.write_text(HOSTILE, encoding="utf-8")
        bidi = root / "bidi-name.txt"
        bidi.write_text(BIDI, encoding="utf-8")
        inputs = [str(FIXTURES), str(hostile), str(bidi)] + ([str(SEED)] if SEED.exists() else [])
        db = root / "store.duckdb"
        summary = ingest_inputs(read_inputs(inputs, published=None), str(db), extractor=extractor)
        assert summary["events"] > 0, summary
        _BUILT["db"] = db
    return _BUILT["db"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """`uvicorn --factory communique.api.app:app_from_env` on a free loopback port."""

    def __init__(self, db: Path, timeout: float = 30.0):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = dict(os.environ, COMMUNIQUE_DB=str(db))
        self.log = open(Path(db).with_suffix(f".{self.port}.log"), "w+")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "--factory", "communique.api.app:app_from_env",
             "--host", "127.0.0.1", "--port", str(self.port), "--log-level", "warning"],
            env=env, stdout=self.log, stderr=subprocess.STDOUT, cwd=str(ROOT))
        deadline = time.monotonic() + timeout
        while True:
            if self.proc.poll() is not None:
                self.log.seek(0)
                raise RuntimeError(f"the server exited: {self.log.read()[-2000:]}")
            try:
                if httpx.get(self.url + "/api/stats", timeout=1.0).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("the server did not answer in time")
            time.sleep(0.1)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        self.log.close()


@pytest.fixture(scope="module")
def store_path(tmp_path_factory, extractor):
    return shared_store(tmp_path_factory, extractor)


@pytest.fixture(scope="module")
def server(store_path):
    srv = Server(store_path)
    yield srv.url
    srv.stop()


@pytest.fixture(scope="module")
def client(server):
    with httpx.Client(base_url=server, timeout=30.0) as c:
        yield c


@pytest.fixture(scope="module")
def store(store_path):
    with Store(str(store_path), read_only=True) as s:
        yield s


def assert_error(response, status, error=None):
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error", "message", "hint"}, body
    assert body["message"]
    if error:
        assert body["error"] == error, body
    return body


def ids(items):
    return [item["id"] for item in items]


def as_served(events):
    """Event records as the API gives them: newest first by default, names without bidi
    controls."""
    from communique.api.views import clean_event
    return [clean_event(ev.to_dict()) for ev in events]


# ---------------------------------------------------------------------------------- events
def test_events_list_matches_the_store(client, store):
    body = client.get("/api/events", params={"limit": 500}).json()
    assert body["total"] == store.count_events() == len(body["items"])
    assert body["items"] == as_served(store.events(limit=500, order="-when"))
    first = body["items"][0]
    for key in ("id", "doc_id", "type", "status", "when", "actors", "recipients", "evidence"):
        assert key in first


@pytest.mark.parametrize("filters", [
    {"type": "CONSULT"}, {"type": "consult,agree"}, {"status": "planned"},
    {"status": "cancelled,negated"}, {"actor": "Tileuberdi"}, {"since": "2022-01", "until": "2022-12-31"},
    {"since": "2022"}, {"text": "telephone"}, {"actor": "Zelenskyy", "type": "CONSULT", "status": "occurred"},
])
def test_every_filter_of_the_cli(client, store, filters):
    body = client.get("/api/events", params={**filters, "limit": 500}).json()
    expected = store.events(limit=500, order="-when", **filters)
    assert ids(body["items"]) == [ev.id for ev in expected]
    assert body["total"] == store.count_events(**filters)
    if "type" in filters:
        allowed = {t.upper() for t in filters["type"].split(",")}
        assert all(item["type"] in allowed for item in body["items"])
    if "status" in filters:
        allowed = set(filters["status"].split(","))
        assert all(item["status"] in allowed for item in body["items"])


def test_paging_and_sorting(client, store):
    total = store.count_events()
    pages = []
    for offset in range(0, total, 7):
        page = client.get("/api/events", params={"limit": 7, "offset": offset}).json()
        assert page["total"] == total and page["offset"] == offset and page["limit"] == 7
        pages += page["items"]
    assert ids(pages) == [ev.id for ev in store.events(limit=None, order="-when")]
    newest = client.get("/api/events", params={"sort": "-when", "limit": 500}).json()["items"]
    starts = [it["when"]["start"] for it in newest if it["when"]["start"]]
    assert starts[0] >= starts[-1]
    assert ids(client.get("/api/events", params={"sort": "id", "limit": 500}).json()["items"]) == \
        sorted(ids(pages))


@pytest.mark.parametrize("params,fragment", [
    ({"limit": 501}, "limit"), ({"limit": -1}, "limit"), ({"offset": -3}, "offset"),
    ({"type": "FOO"}, "FOO"), ({"status": "maybe"}, "maybe"), ({"since": "2019-13"}, "since"),
    ({"since": "yesterday"}, "since"), ({"since": "2022-02", "until": "2021"}, "after"),
    ({"sort": "random"}, "sort"),
])
def test_bad_parameters_get_422_with_the_error_body(client, params, fragment):
    body = assert_error(client.get("/api/events", params=params), 422, "ValidationError")
    assert fragment in body["message"]
    assert body["hint"]


def test_one_error_body_for_404_405(client):
    assert_error(client.get("/api/events/ev_0000000000000000"), 404, "NotFound")
    assert_error(client.get("/api/documents/doc_0000000000000000"), 404, "NotFound")
    assert_error(client.get("/api/entities/ent_0000000000000000/events"), 404, "NotFound")
    assert_error(client.get("/api/no-such-route"), 404, "NotFound")
    assert_error(client.get("/api/events/bad id!"), 422, "ValidationError")
    for method in ("POST", "PUT", "DELETE", "PATCH"):
        body = assert_error(client.request(method, "/api/events"), 405, "MethodNotAllowed")
        assert "read-only" in body["hint"]


def test_an_event_opens_on_its_evidence_in_its_document(client, store):
    for ev in store.events(limit=None):
        body = client.get(f"/api/events/{ev.id}").json()
        assert body["event"] == as_served([ev])[0]
        ctx, doc = body["context"], body["document"]
        para = ctx["paragraph"]
        assert para[ctx["evidence"]["start"]:ctx["evidence"]["end"]] == ev.evidence.text
        assert doc["id"] == ev.doc_id
        spans = doc["highlights"]
        evidence = [s for s in spans if s["kind"] == "evidence"]
        if ctx["exact"]:
            assert len(evidence) == 1
        for s in evidence:
            assert doc["text"][s["start"]:s["end"]] == ev.evidence.text
        texts = {p.text for p in ev.participants}
        for s in spans:
            if s["kind"] in ("actor", "recipient"):
                assert doc["text"][s["start"]:s["end"]] in texts


def test_hostile_document_comes_back_as_text(client):
    items = client.get("/api/events", params={"text": "onerror", "limit": 500}).json()["items"]
    assert items, "the hostile document gave no event"
    body = client.get(f"/api/events/{items[0]['id']}").json()
    assert "<script>window.__pwned = 1</script>" in body["document"]["text"]
    assert '<img src=x onerror="window.__pwned = 2">' in body["document"]["text"]


# ---------------------------------------------------------------------------------- others
def test_entities_their_events_and_people(client, store):
    body = client.get("/api/entities", params={"limit": 5}).json()
    assert len(body["items"]) == 5 and body["more"] is True
    assert ids(body["items"]) == ids(store.entities(limit=5))
    page2 = client.get("/api/entities", params={"limit": 5, "offset": 5}).json()["items"]
    assert ids(page2) == ids(store.entities(limit=10)[5:])
    person = client.get("/api/entities", params={"type": "PERSON", "name": "Tileuberdi"}).json()
    ent = person["items"][0]
    assert client.get(f"/api/entities/{ent['id']}").json()["id"] == ent["id"]
    events = client.get(f"/api/entities/{ent['id']}/events", params={"limit": 500}).json()
    assert events["entity"]["id"] == ent["id"] and events["total"] == len(events["items"]) > 0
    for item in events["items"]:
        assert ent["id"] in {p["entity_id"] for p in item["actors"] + item["recipients"]}
    people = client.get("/api/people", params={"name": "Tileuberdi"}).json()["items"]
    assert people == people_report(store, "Tileuberdi")
    assert len(people) == 1 and people[0]["name"] == "Mukhtar Tileuberdi"
    assert any(post["title"] for p in people for post in p["posts"])


def test_documents_keep_their_dropped_furniture(client, store):
    docs = {ev.doc_id for ev in store.events(limit=None)}
    with_furniture = [d for d in docs if store.document(d).furniture]
    assert with_furniture, "no fixture document had page furniture"
    body = client.get(f"/api/documents/{with_furniture[0]}").json()
    doc = store.document(with_furniture[0])
    assert body["furniture"] == doc.furniture and body["text"] == doc.text
    assert body["sources"] and body["events"]
    assert all(e["id"] for e in body["events"])


def test_counts_for_charts(client, store):
    total = store.count_events()
    for by in ("month", "type", "status", "year"):
        body = client.get("/api/counts", params={"by": by}).json()
        assert body["by"] == by
        assert sum(c["count"] for c in body["items"]) == total
    consult = client.get("/api/counts", params={"by": "status", "type": "CONSULT"}).json()
    assert sum(c["count"] for c in consult["items"]) == store.count_events(type="CONSULT")
    assert_error(client.get("/api/counts", params={"by": "weekday"}), 422)


def test_network_edges_count_consult_events(client, store):
    body = client.get("/api/network", params={"top": 500}).json()
    consult = store.events(type="CONSULT", limit=None)
    assert body["events"] == len(consult)
    pairs: dict[tuple[str, str], int] = {}
    seen: dict[str, int] = {}
    for ev in consult:
        people = sorted({p.entity_id for p in ev.participants if p.entity_id})
        for e in people:
            seen[e] = seen.get(e, 0) + 1
        for i, a in enumerate(people):
            for b in people[i + 1:]:
                pairs[(a, b)] = pairs.get((a, b), 0) + 1
    assert {n["id"]: n["events"] for n in body["nodes"]} == seen
    assert {(e["source"], e["target"]): e["weight"] for e in body["edges"]} == pairs
    # the same filters as the events list (type aside: the network is of meetings)
    some = client.get("/api/network", params={"actor": "Zelenskyy", "type": "AGREE"}).json()
    assert some["events"] == store.count_events(actor="Zelenskyy", type="CONSULT")
    small = client.get("/api/network", params={"top": 3}).json()
    assert len(small["nodes"]) <= 3
    assert {e["source"] for e in small["edges"]} <= {n["id"] for n in small["nodes"]}


def test_exports_hold_what_the_filters_select(client, store):
    params = {"type": "CONSULT", "since": "2021"}
    expected = [ev.id for ev in store.events(limit=None, order="-when", **params)]
    response = client.get("/api/export.csv", params=params)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [r["id"] for r in rows] == expected
    assert all(r["type"] == "CONSULT" for r in rows)
    data = client.get("/api/export.json", params=params)
    assert "attachment" in data.headers["content-disposition"]
    assert [r["id"] for r in data.json()] == expected


def test_openapi_and_headers(client):
    spec = client.get("/api/openapi.json").json()
    for path in ("/api/events", "/api/events/{event_id}", "/api/entities", "/api/people",
                 "/api/documents/{doc_id}", "/api/counts", "/api/network", "/api/export.csv",
                 "/api/export.json", "/api/entities/{entity_id}/events", "/api/facets",
                 "/api/export"):
        assert path in spec["paths"], path
    page = client.get("/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    csp = page.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    for asset in ("app.js", "charts.js", "vendor/echarts.min.js"):
        assert client.get("/static/" + asset).status_code == 200, asset
    assert client.get("/api/events").headers["x-content-type-options"] == "nosniff"
    # everything the page needs comes from this server: no CDN
    assert "http" not in page.text.replace('rel="stylesheet"', "")


def test_parallel_requests_share_the_store_safely(client, server):
    urls = ["/api/events?limit=50", "/api/network", "/api/counts?by=month",
            "/api/entities?limit=20", "/api/events?type=CONSULT&sort=-when"] * 8

    def get(url):
        with httpx.Client(base_url=server, timeout=30.0) as c:
            return c.get(url).status_code

    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        assert set(pool.map(get, urls)) == {200}


def test_a_query_past_the_time_limit_is_stopped(store_path):
    from communique.api.reader import QueryTimeout, Reader
    reader = Reader(str(store_path), timeout=0.2)
    try:
        started = time.monotonic()
        with pytest.raises(QueryTimeout) as info:
            with reader.cursor() as con:
                con.execute("SELECT count(*) FROM range(100000000000) a").fetchall()
        assert time.monotonic() - started < 10
        assert info.value.to_dict()["error"] == "QueryTimeout"
        with reader.cursor() as con:          # the store still answers afterwards
            assert con.execute("SELECT count(*) FROM events").fetchone()[0] > 0
    finally:
        reader.close()


def test_a_missing_store_is_a_clear_error(tmp_path):
    from communique.api import create_app
    from communique.errors import StoreError
    with pytest.raises(StoreError) as info:
        create_app(str(tmp_path / "none.duckdb"))
    assert info.value.hint


# ---------------------------------------------------------------------------------- schemathesis
def test_openapi_property_based(server):
    """Every operation of the OpenAPI document, with generated parameters (a few examples each,
    bounded in time): answers within its documented responses and schemas, never a 500.
    A schema-valid value that names no type or status (type=xyz) gets a documented 422, so the
    check that every schema-valid request is accepted is left out.

    (Driven by hand rather than schemathesis.pytest.from_fixture, which does not work with
    pytest 9.)"""
    schemathesis = pytest.importorskip("schemathesis")
    from hypothesis import HealthCheck, Phase, given, settings
    from schemathesis.checks import load_all_checks
    from schemathesis.specs.openapi.checks import positive_data_acceptance

    load_all_checks()
    schema = schemathesis.openapi.from_url(server + "/api/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 12
    deadline = time.monotonic() + 60
    for operation in operations:
        if time.monotonic() > deadline:
            break

        @given(case=operation.as_strategy())
        @settings(max_examples=8, deadline=None, derandomize=True, database=None,
                  phases=[Phase.explicit, Phase.generate],
                  suppress_health_check=list(HealthCheck))
        def check(case):
            case.call_and_validate(base_url=server, excluded_checks=[positive_data_acceptance],
                                   timeout=10)

        check()
