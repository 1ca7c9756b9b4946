"""The analyst's desk over the REST API (issue 13): strict parameters, HEAD, the Host check,
bidi controls, the histogram and facets over the whole store, filters by entity, place and site,
the network by entity id, and exports read back with pandas and networkx. A real server process
over the store built from tests/fixtures (see test_api.shared_store)."""
from __future__ import annotations

import io
import json
import zipfile

import httpx
import pytest

from tests.test_api import Server, assert_error, ids, store, store_path  # noqa: F401 (fixtures)

BIDI_CONTROLS = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"


@pytest.fixture(scope="module")
def server(store_path):
    srv = Server(store_path)
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def client(server):
    with httpx.Client(base_url=server.url, timeout=30.0) as c:
        yield c


# ---------------------------------------------------------------------------------- hardening
@pytest.mark.parametrize("path,params,fragment", [
    ("/api/events", {"actr": "Putin"}, "actr"),
    ("/api/events", {"limit": 5, "ofset": 10}, "ofset"),
    ("/api/entities", {"type": "PERSON", "nmae": "x"}, "nmae"),
    ("/api/network", {"max_nodes": 3}, "max_nodes"),
    ("/api/stats", {"x": 1}, "'x'"),
    ("/api/events", [("type", "CONSULT"), ("type", "AGREE")], "2 times"),
    ("/api/events", {"since": "\u0662\u0660\u0662\u0662"}, "since"),      # Arabic-Indic digits
    ("/api/events", {"until": "２０２２-０１"}, "until"),                  # full-width digits
    ("/api/events", {"since": "2022-02-30"}, "since"),
    ("/api/events", {"entity": "ent_1 OR 1=1"}, "entity"),
    ("/api/counts", {"by": "type", "stack": "status"}, "stack"),
    ("/api/export", {"format": "xlsx"}, "format"),
])
def test_unknown_parameters_and_bad_values_are_422(client, path, params, fragment):
    body = assert_error(client.get(path, params=params), 422, "ValidationError")
    assert fragment in body["message"], body


def test_head_answers_like_get_without_a_body(client):
    for path in ("/", "/api/events?limit=3", "/api/stats", "/static/app.js"):
        got, head = client.get(path), client.head(path)
        assert head.status_code == got.status_code == 200, path
        assert head.content == b""
        assert head.headers["content-type"] == got.headers["content-type"]
    assert client.head("/api/events/ev_0000000000000000").status_code == 404


def test_only_the_served_address_is_answered(client, server):
    for host in ("attacker.example", "attacker.example:%d" % server.port, "127.0.0.1.nip.io",
                 "localhost.attacker.example"):
        r = client.get("/api/events", headers={"host": host})
        body = assert_error(r, 421, "HostNotAllowed")
        assert "--allow-host" in body["hint"]
        assert client.get("/", headers={"host": host}).status_code == 421
    for host in (f"127.0.0.1:{server.port}", f"localhost:{server.port}", "localhost"):
        assert client.get("/api/stats", headers={"host": host}).status_code == 200, host


def test_allow_host_lets_a_name_through(store_path):
    import os
    os.environ["COMMUNIQUE_ALLOW_HOST"] = "events.example.org"
    try:
        srv = Server(store_path)
    finally:
        del os.environ["COMMUNIQUE_ALLOW_HOST"]
    try:
        ok = httpx.get(srv.url + "/api/stats", headers={"host": "events.example.org"})
        assert ok.status_code == 200
        bad = httpx.get(srv.url + "/api/stats", headers={"host": "other.example.org"})
        assert bad.status_code == 421
    finally:
        srv.stop()


def test_names_come_without_bidi_controls(client, store):
    raw = store.con.execute("SELECT count(*) FROM participants WHERE regexp_matches(name, ?)",
                            [f"[{BIDI_CONTROLS}]"]).fetchone()[0]
    assert raw > 0, "the bidi fixture gave no participant with a control character"
    items = client.get("/api/events", params={"limit": 500}).json()["items"]
    names = [p["name"] for it in items for p in it["actors"] + it["recipients"]]
    assert not [n for n in names if any(c in n for c in BIDI_CONTROLS)]
    assert any(n.startswith("Cory") for n in names)
    ents = client.get("/api/entities", params={"limit": 500}).json()["items"]
    assert not [e for e in ents if any(c in e["name"] + "".join(e["aliases"])
                                       for c in BIDI_CONTROLS)]
    csv_text = client.get("/api/export", params={"format": "csv"}).text
    assert not any(c in csv_text.split("evidence")[0] for c in BIDI_CONTROLS)


# ---------------------------------------------------------------------------------- overview
def test_events_come_newest_first(client, store):
    items = client.get("/api/events", params={"limit": 500}).json()["items"]
    starts = [it["when"]["start"] for it in items if it["when"]["start"]]
    assert starts == sorted(starts, reverse=True)
    assert ids(items) == [ev.id for ev in store.events(limit=500, order="-when")]


def test_histogram_over_the_whole_store(client, store):
    body = client.get("/api/counts", params={"by": "month", "stack": "type"}).json()
    rows = store.con.execute(
        "SELECT strftime(when_start, '%Y-%m'), count(*) FROM events "
        "WHERE precision IN ('day', 'month') GROUP BY 1").fetchall()
    per_month = dict(rows)
    assert set(per_month) <= set(body["months"])
    assert body["months"] == sorted(body["months"])
    for i, month in enumerate(body["months"]):
        assert sum(s["counts"][i] for s in body["series"]) == per_month.get(month, 0)
    year_only = store.con.execute(
        "SELECT count(*) FROM events WHERE when_start IS NOT NULL AND precision NOT IN "
        "('day', 'month')").fetchone()[0]
    assert body["year_only"] == year_only
    assert body["total"] == store.count_events()
    # planned events are a series of their own
    planned = {s["key"]: sum(s["counts"]) for s in body["series"] if s["planned"]}
    assert sum(planned.values()) == store.con.execute(
        "SELECT count(*) FROM events WHERE status = 'planned' AND precision IN ('day', 'month')"
    ).fetchone()[0]
    by_status = client.get("/api/counts", params={"by": "month", "stack": "status"}).json()
    from communique.records import STATUSES
    assert {s["key"] for s in by_status["series"]} <= set(STATUSES)
    assert by_status["months"] == body["months"]


def test_facets_count_what_the_filters_select(client, store):
    body = client.get("/api/facets", params={"type": "CONSULT"}).json()
    assert body["total"] == store.count_events(type="CONSULT")
    assert body["type"] == [{"key": "CONSULT", "count": body["total"]}]
    assert sum(f["count"] for f in body["status"]) == body["total"]
    top = body["entity"][0]
    assert top["count"] == store.count_events(type="CONSULT", entity=top["key"])
    for facet in ("place", "site"):
        for item in body[facet]:
            assert item["count"] == store.count_events(type="CONSULT", **{facet: item["key"]})


def test_filter_by_entity_id_place_and_site(client, store):
    ent = client.get("/api/facets").json()["entity"][0]["key"]
    got = client.get("/api/events", params={"entity": ent, "limit": 500}).json()
    expected = store.con.execute("SELECT count(DISTINCT event_id) FROM participants "
                                 "WHERE entity_id = ?", [ent]).fetchone()[0]
    assert got["total"] == expected > 0
    for it in got["items"]:
        assert ent in {p["entity_id"] for p in it["actors"] + it["recipients"]}
    # two ids: the events with both (the meetings of a pair)
    net = client.get("/api/network", params={"top": 500}).json()
    edge = max(net["edges"], key=lambda e: e["weight"])
    pair = client.get("/api/events", params={"entity": f"{edge['source']},{edge['target']}",
                                             "type": "CONSULT", "limit": 500}).json()
    assert pair["total"] == edge["weight"]
    place = next(it["where"]["name"] for it in got["items"] + client.get(
        "/api/events", params={"limit": 500}).json()["items"] if it.get("where"))
    at = client.get("/api/events", params={"place": place.upper(), "limit": 500}).json()
    assert at["total"] > 0 and all(it["where"]["name"].lower() == place.lower()
                                   for it in at["items"])
    files = client.get("/api/events", params={"site": "file", "limit": 1}).json()
    local = store.con.execute("SELECT count(*) FROM events e JOIN documents d ON d.id = e.doc_id "
                              "WHERE coalesce(d.url, '') = ''").fetchone()[0]
    assert files["total"] == local > 0      # read from local files: no URL, site "file"


def test_network_nodes_are_entities_with_top_and_min_meetings(client):
    full = client.get("/api/network", params={"top": 500}).json()
    assert all(n["id"].startswith("ent_") for n in full["nodes"])
    assert len({n["id"] for n in full["nodes"]}) == len(full["nodes"])
    top = client.get("/api/network", params={"top": 4}).json()
    assert [n["id"] for n in top["nodes"]] == [n["id"] for n in full["nodes"][:4]]
    two = client.get("/api/network", params={"top": 500, "min_meetings": 2}).json()
    assert two["edges"] and all(e["weight"] >= 2 for e in two["edges"])
    assert len(two["edges"]) == len([e for e in full["edges"] if e["weight"] >= 2])
    dated = [e for e in full["edges"] if e["first"]]
    assert dated and all(e["first"] <= e["last"] for e in dated)


# ---------------------------------------------------------------------------------- exports
def test_exports_open_in_pandas_and_networkx(client, store, tmp_path):
    pd = pytest.importorskip("pandas")
    nx = pytest.importorskip("networkx")
    params = {"type": "CONSULT"}
    expected = store.events(limit=None, order="-when", **params)
    frame = pd.read_csv(io.StringIO(client.get("/api/export", params={**params, "format": "csv"})
                                    .text), keep_default_na=False)
    assert list(frame["id"]) == [ev.id for ev in expected]
    for col in ("url", "title", "published", "date_precision", "date_basis", "actor_ids",
                "recipient_ids", "site"):
        assert col in frame.columns, col
    assert "source" not in frame.columns          # a local path tells an analyst nothing
    first = expected[0]
    row = frame.iloc[0]
    assert row["date_precision"] == first.when.precision and row["date_basis"] == first.when.basis
    assert row["actor_ids"].split("; ") == [p.entity_id for p in first.actors] or not first.actors
    doc = store.document(first.doc_id)
    assert row["title"] == (doc.title or "") and str(row["published"]) == (doc.published or "")
    lines = pd.read_json(io.StringIO(client.get("/api/export", params={
        **params, "format": "jsonl"}).text), lines=True)
    assert list(lines["id"]) == [ev.id for ev in expected]
    plover = client.get("/api/export", params={**params, "format": "plover"}).json()
    assert [r["id"] for r in plover] == [ev.id for ev in expected]
    assert {r["event"] for r in plover} == {"CONSULT"}
    assert all(set(r) >= {"date", "event", "mode", "actor", "recipient", "text", "url"}
               for r in plover)
    net = client.get("/api/network", params={"top": 500}).json()
    for fmt, reader in (("graphml", nx.read_graphml), ("gexf", nx.read_gexf)):
        path = tmp_path / f"meetings.{fmt}"
        path.write_bytes(client.get("/api/export", params={"format": fmt}).content)
        graph = reader(str(path))
        assert set(graph.nodes) == {n["id"] for n in net["nodes"]}
        weights = {frozenset((a, b)): d["weight"] for a, b, d in graph.edges(data=True)}
        assert weights == {frozenset((e["source"], e["target"])): e["weight"]
                           for e in net["edges"]}
        assert any(d["first"] and d["last"] for _, _, d in graph.edges(data=True))
    archive = zipfile.ZipFile(io.BytesIO(client.get("/api/export", params={
        "format": "parquet"}).content))
    tables = {name[:-len(".parquet")]: pd.read_parquet(io.BytesIO(archive.read(name)))
              for name in archive.namelist()}
    assert {t: len(df) for t, df in tables.items()} == store.stats()
    part = zipfile.ZipFile(io.BytesIO(client.get("/api/export", params={
        "format": "parquet", **params}).content))
    events = pd.read_parquet(io.BytesIO(part.read("events.parquet")))
    assert sorted(events["id"]) == sorted(ev.id for ev in expected)
    assert json.loads(events["record"].iloc[0])["type"] == "CONSULT"
