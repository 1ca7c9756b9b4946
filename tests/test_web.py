"""The web page in headless Chromium (Debian's /usr/bin/chromium driven by Playwright), served by a
real server process over a store built with the real pipeline (tests/fixtures, a hostile
document and, when present, the seed). `.ci/browser.sh` installs chromium in CI.

Set COMMUNIQUE_SCREENSHOTS=DIR to keep PNG screenshots of the views the tests open.
"""
from __future__ import annotations

import csv
import io
import math
import os
import re
from pathlib import Path

import httpx
import pytest

from tests.test_api import SEED, Server, shared_store

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]

pytestmark = pytest.mark.skipif(
    not os.path.exists(CHROMIUM),
    reason=f"{CHROMIUM} is missing: install Debian's chromium (bash .ci/browser.sh)")


@pytest.fixture(scope="module")
def server(tmp_path_factory, extractor):
    srv = Server(shared_store(tmp_path_factory, extractor))
    yield srv.url
    srv.stop()


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, server):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    pg = context.new_page()
    pg.set_default_timeout(15_000)
    pg.problems = []
    pg.on("pageerror", lambda exc: pg.problems.append(f"page error: {exc}"))
    pg.on("console", lambda m: m.type == "error" and pg.problems.append(f"console: {m.text}"))
    # the page must not reach anything but its own server (no CDN)
    pg.outside = []
    pg.on("request", lambda r: r.url.startswith(server) or r.url.startswith("data:")
          or pg.outside.append(r.url))
    yield pg
    context.close()


def api(server, path, **params):
    return httpx.get(server + path, params=params, timeout=30).json()


def open_page(page, server, query=""):
    page.goto(server + "/" + query)
    page.wait_for_selector("body[data-loaded=true]")


def shot(page, name, tmp_path):
    folder = Path(os.environ.get("COMMUNIQUE_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=False)


def open_event(page, event_id):
    page.click(f'#events tbody tr.row[data-event-id="{event_id}"] td.evidence')
    page.wait_for_selector(f'#event-view[data-ready=true][data-event-id="{event_id}"]')


def expect():
    return pytest.importorskip("playwright.sync_api").expect


def chart_option(page, element_id):
    """What ECharts draws in #element_id (its option), read from the page."""
    return page.evaluate("id => echarts.getInstanceByDom(document.getElementById(id))"
                         ".getOption()", element_id)


def node_position(page, entity_id):
    """Where the network draws the node, in the viewport (the panel scrolled into view)."""
    page.locator("#network").scroll_into_view_if_needed()
    return page.evaluate("id => communiqueCharts.nodePosition(document.getElementById('network'),"
                         " id)", entity_id)


def row_ids(page):
    return [r.get_attribute("data-event-id") for r in page.locator("#events tbody tr.row").all()]


def test_overview_first(page, server, tmp_path):
    open_page(page, server)
    counts = api(server, "/api/counts", by="month", stack="type")
    # the histogram: every month from the first to the last, the bars the store's counts
    option = chart_option(page, "histogram")
    assert option["xAxis"][0]["data"] == counts["months"]
    drawn = {}
    for series in option["series"]:
        for month, n in zip(counts["months"], series["data"]):
            drawn[month] = drawn.get(month, 0) + (n or 0)
    with_events = {m for m, n in drawn.items() if n}
    per_month = {m: sum(s["counts"][i] for s in counts["series"])
                 for i, m in enumerate(counts["months"])}
    assert drawn == per_month and with_events
    assert any(s["name"].endswith("(planned)") for s in option["series"])
    labels = page.locator("#histogram svg text").all_text_contents()
    assert any(label in counts["months"] for label in labels)
    # the list: newest first, a page of 100
    first = api(server, "/api/events", limit=100)
    assert row_ids(page) == [it["id"] for it in first["items"]]
    starts = [it["when"]["start"] for it in first["items"] if it["when"]["start"]]
    assert starts == sorted(starts, reverse=True)
    assert page.text_content("#summary").startswith(f"{first['total']} events")
    # facets and the network
    facets = api(server, "/api/facets")
    assert page.locator('#facets ul[data-facet="type"] li').count() == len(facets["type"])
    net = api(server, "/api/network", top=60, min_meetings=1)
    assert page.get_attribute("#network", "data-nodes") == str(len(net["nodes"]))
    drawn_nodes = chart_option(page, "network")["series"][0]["data"]
    assert {d["name"] for d in drawn_nodes} == {n["name"] for n in net["nodes"]}
    # radius on a log scale: the most met is not drawn over its neighbours
    sizes = {d["id"]: d["symbolSize"] for d in drawn_nodes}
    most = max(net["nodes"], key=lambda n: n["events"])
    assert sizes[most["id"]] <= 10 + 6 * math.log(1 + most["events"]) + 0.01 < 60
    # the labels shown do not overlap one another (the others are hidden, not piled up)
    page.locator("#network").scroll_into_view_if_needed()
    boxes = [t.bounding_box() for t in page.locator("#network svg text").all() if t.is_visible()]
    # an SVG text's box is its line (19 px for 11 px type): its letters are the middle 11 px
    boxes = [dict(b, y=b["y"] + 4, height=b["height"] - 8) for b in boxes if b and b["width"] > 0]
    assert len(boxes) >= 5
    # (ECharts measures the labels on a canvas: the SVG's boxes may come out 2-3 px wider)
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            assert (a["x"] + a["width"] <= b["x"] + 3 or b["x"] + b["width"] <= a["x"] + 3
                    or a["y"] + a["height"] <= b["y"] + 1 or b["y"] + b["height"] <= a["y"] + 1), \
                (a, b)
    shot(page, "overview", tmp_path)
    assert not page.problems and not page.outside


def test_a_dragged_range_filters_the_list(page, server, tmp_path):
    open_page(page, server)
    months = api(server, "/api/counts", by="month", stack="type")["months"]
    assert len(months) >= 6
    box = page.locator("#histogram").bounding_box()
    slider = page.evaluate("communiqueCharts.SLIDER")
    y = box["y"] + box["height"] - slider["bottom"] - slider["height"] / 2
    x0 = box["x"] + slider["left"]
    width = box["width"] - slider["left"] - slider["right"]
    # drag the range's left handle to the middle, as a user would
    page.mouse.move(x0 + 1, y)
    page.mouse.down()
    page.mouse.move(x0 + width * 0.5, y, steps=12)
    page.mouse.up()
    page.wait_for_url(re.compile(r"since=\d{4}-\d{2}"))
    since = re.search(r"since=(\d{4}-\d{2})", page.url).group(1)
    assert months[0] < since <= months[-1]
    total = api(server, "/api/events", since=since)["total"]
    expect()(page.locator("#summary")).to_have_text(re.compile(rf"^{total} events"))
    assert page.input_value("#f-since") == since
    rows = api(server, "/api/events", since=since, limit=100)["items"]
    assert row_ids(page) == [it["id"] for it in rows]
    # every event listed reaches into the range; a year ("2022") reaches to its last month
    def last_month(when):
        value = when["end"] or when["start"]
        return value + "-12" if len(value) == 4 else value
    assert all(last_month(it["when"]) >= since for it in rows)
    shot(page, "range", tmp_path)
    assert not page.problems


def test_a_node_click_filters_by_entity_id(page, server, tmp_path):
    open_page(page, server)
    net = api(server, "/api/network", top=60, min_meetings=1)
    node = net["nodes"][0]
    where = node_position(page, node["id"])
    page.mouse.click(where["x"], where["y"])
    page.wait_for_url(re.compile(rf"entity={node['id']}"))
    expected = api(server, "/api/events", entity=node["id"], limit=100)
    expect()(page.locator("#summary")).to_have_text(re.compile(rf"^{expected['total']} event"))
    assert row_ids(page) == [it["id"] for it in expected["items"]]
    # every row has the entity among its participants, whatever the spelling in the text
    for row in page.locator("#events tbody tr.row").all():
        assert row.locator(f'a.chip[data-entity-id="{node["id"]}"]').count() >= 1
    assert node["name"] in page.text_content("#active")
    shot(page, "node-filter", tmp_path)
    page.go_back()
    expect()(page.locator("#active")).to_have_text("")
    assert not page.problems


def test_an_edge_click_lists_the_meetings_of_the_pair(page, server, tmp_path):
    open_page(page, server)
    net = api(server, "/api/network", top=60, min_meetings=1)
    at = {n["id"]: node_position(page, n["id"]) for n in net["nodes"]}

    def to_segment(x, y, p, q):
        dx, dy = q["x"] - p["x"], q["y"] - p["y"]
        t = max(0, min(1, ((x - p["x"]) * dx + (y - p["y"]) * dy) / (dx * dx + dy * dy or 1)))
        return math.hypot(x - p["x"] - t * dx, y - p["y"] - t * dy)

    def clearance(x, y, edge):
        """How far (x, y) is from every other line, every node and every label (7 px a letter)."""
        worst = min([to_segment(x, y, at[e["source"]], at[e["target"]]) for e in net["edges"]
                     if e is not edge] or [1e9])
        for n in net["nodes"]:
            p = at[n["id"]]
            dx = 0 if p["x"] - 12 <= x <= p["x"] + 16 + 7 * len(n["name"]) else \
                min(abs(x - p["x"] + 12), abs(x - p["x"] - 16 - 7 * len(n["name"])))
            worst = min(worst, max(dx, abs(y - p["y"]) - 9))
        return worst

    # the line a user can click without touching anything else, where it is clearest
    best = []
    for edge in net["edges"]:
        a, b = at[edge["source"]], at[edge["target"]]
        for t in range(3, 18):
            x, y = a["x"] + (b["x"] - a["x"]) * t / 20, a["y"] + (b["y"] - a["y"]) * t / 20
            best.append((clearance(x, y, edge), edge["weight"], x, y, edge))
    clear, _, x, y, edge = max(best, key=lambda c: c[:2])
    assert clear >= 4, "no line of the network can be clicked clear of the rest"
    page.mouse.click(x, y)
    expect()(page.locator("#pair .pair-event")).to_have_count(edge["weight"])
    pair = api(server, "/api/events", entity=f"{edge['source']},{edge['target']}", type="CONSULT")
    assert [li.get_attribute("data-event-id") for li in page.locator("#pair .pair-event").all()] \
        == [it["id"] for it in pair["items"]]
    # the shown graph downloads with its settings
    href = page.get_attribute("#dl-graphml", "href")
    assert "format=graphml" in href and "top=60" in href and "min_meetings=1" in href
    assert not page.problems


def test_chips_link_to_their_filters(page, server, tmp_path):
    items = api(server, "/api/events", type="CONSULT", limit=500)["items"]
    ev = next(it for it in items if it["recipients"] and it["where"])
    person = ev["recipients"][0]
    open_page(page, server, "?type=CONSULT&per=500")
    open_event(page, ev["id"])
    page.click(f'#ev-meta a.chip[data-entity-id="{person["entity_id"]}"]')
    page.wait_for_url(re.compile(rf"entity={person['entity_id']}"))
    total = api(server, "/api/events", type="CONSULT", entity=person["entity_id"])["total"]
    expect()(page.locator("#summary")).to_have_text(re.compile(rf"^{total} event"))
    assert page.locator("#event-view").is_hidden()
    # a place chip in the list
    place = page.locator("#events tbody a.chip.hl-where").first
    name = place.get_attribute("data-place")
    place.click()
    page.wait_for_url(re.compile(r"place="))
    total = api(server, "/api/events", type="CONSULT", entity=person["entity_id"], place=name)["total"]
    expect()(page.locator("#summary")).to_have_text(re.compile(rf"^{total} event"))
    # a facet
    page.click("#reset")
    page.wait_for_url(re.compile(r"/$"))
    page.click('#facets ul[data-facet="status"] a[data-value="planned"]')
    page.wait_for_url(re.compile(r"status=planned"))
    total = api(server, "/api/events", status="planned")["total"]
    expect()(page.locator("#summary")).to_have_text(re.compile(rf"^{total} event"))
    assert not page.problems


def test_later_pages_and_sorting(page, server, tmp_path):
    total = api(server, "/api/events")["total"]
    assert total > 50, "the fixtures give more than two pages of 25"
    open_page(page, server, "?per=25")
    assert row_ids(page) == [it["id"] for it in api(server, "/api/events", limit=25)["items"]]
    page.click("#pager a.next")
    page.wait_for_url(re.compile(r"page=2"))
    second = api(server, "/api/events", limit=25, offset=25)["items"]
    expect()(page.locator("#events")).to_have_attribute("data-page", "2")
    assert row_ids(page) == [it["id"] for it in second]
    assert page.text_content("#summary").endswith("showing 26–50")
    # a shared link to the last page
    last = (total - 1) // 25 + 1
    open_page(page, server, f"?per=25&page={last}")
    assert row_ids(page) == [it["id"] for it in api(server, "/api/events", limit=25,
                                                    offset=(last - 1) * 25)["items"]]
    # oldest first at a click on When
    open_page(page, server)
    page.click('button.sort[data-sort="when"]')
    page.wait_for_url(re.compile(r"sort=when"))
    expect()(page.locator("#order-note")).to_have_text("oldest first")
    assert row_ids(page) == [it["id"] for it in api(server, "/api/events", sort="when",
                                                    limit=100)["items"]]
    assert not page.problems and not page.outside


def test_documents_keep_their_paragraphs(page, server, tmp_path):
    ev = api(server, "/api/events", actor="Landsbergis", type="CONSULT")["items"][0]
    doc = api(server, f"/api/events/{ev['id']}")["document"]
    paragraphs = [line for line in doc["text"].split("\n") if line.strip()]
    assert len(paragraphs) >= 2
    open_page(page, server)
    open_event(page, ev["id"])
    assert page.locator("#doc-text p.para").count() == len(paragraphs)
    assert page.locator("#doc-text p.para").first.text_content() == paragraphs[0]


def test_an_event_opens_on_its_highlighted_evidence(page, server, tmp_path):
    items = api(server, "/api/events", actor="Landsbergis", type="CONSULT")["items"]
    assert items, "the fixtures hold the Zelenskyy-Landsbergis meeting"
    ev = items[0]
    open_page(page, server)
    open_event(page, ev["id"])
    assert f"event={ev['id']}" in page.url
    evidence = "".join(page.locator("#doc-text mark.hl-evidence").all_text_contents())
    assert evidence == ev["evidence"]["text"]
    people = " ".join(page.locator("#doc-text mark.hl-actor, #doc-text mark.hl-recipient")
                      .all_text_contents())
    assert any(p["text"] in people for p in ev["actors"] + ev["recipients"])
    assert page.locator("#event-view").is_visible()
    shot(page, "event-fixture", tmp_path)
    page.click("#close-event")
    assert page.locator("#event-view").is_hidden() and "event=" not in page.url
    assert not page.problems


@pytest.mark.skipif(not SEED.exists(), reason="the seed (../shared/corpus) is not beside the repository")
def test_seed_voronkov_meeting(page, server, tmp_path):
    found = api(server, "/api/events", type="CONSULT", actor="Vladimir Voronkov")["items"]
    assert found
    event_id = found[0]["id"]
    open_page(page, server, "?type=CONSULT&actor=Vladimir+Voronkov")
    open_event(page, event_id)
    evidence = "".join(page.locator("#doc-text mark.hl-evidence").all_text_contents())
    assert evidence.startswith("On September 26, the CSTO Acting Secretary General met with")
    assert "Vladimir Voronkov" in page.locator("#doc-text mark.hl-recipient").all_text_contents()
    assert page.locator("#doc-text mark.hl-actor").count() >= 1
    assert page.locator("#ev-title").text_content().startswith("CONSULToccurred")
    # the highlighted sentence is scrolled into view in its whole document
    assert page.locator("#doc-text mark.hl-evidence").first.is_visible()
    assert "Semerikov" in page.text_content("#doc-text")
    shot(page, "event-voronkov", tmp_path)
    assert not page.problems and not page.outside


def test_a_shared_url_with_filters(page, server, tmp_path):
    query = "?type=CONSULT&status=occurred&since=2021-11&actor=Zelenskyy"
    expected = api(server, "/api/events", type="CONSULT", status="occurred", since="2021-11",
                   actor="Zelenskyy", limit=500)
    assert expected["total"] > 0
    open_page(page, server, query)
    assert page.input_value("#f-actor") == "Zelenskyy"
    assert page.input_value("#f-type") == "CONSULT"
    assert page.input_value("#f-status") == "occurred"
    assert page.input_value("#f-since") == "2021-11"
    rows = page.locator("#events tbody tr.row")
    assert rows.count() == expected["total"]
    assert [r.get_attribute("data-event-id") for r in rows.all()] == \
        [it["id"] for it in expected["items"]]
    # downloads carry the same filters
    href = page.get_attribute("#dl-csv", "href")
    assert "format=csv" in href and "type=CONSULT" in href and "actor=Zelenskyy" in href
    exported = list(csv.DictReader(io.StringIO(httpx.get(server + href).text)))
    assert [r["id"] for r in exported] == [it["id"] for it in expected["items"]]
    # a shared link to one event opens it
    ev = expected["items"][0]
    page.goto(server + "/" + query + "&event=" + ev["id"])
    page.wait_for_selector(f'#event-view[data-ready=true][data-event-id="{ev["id"]}"]')
    assert "".join(page.locator("#doc-text mark.hl-evidence").all_text_contents()) == \
        ev["evidence"]["text"]
    assert not page.problems


def test_filters_from_the_form(page, server, tmp_path):
    open_page(page, server)
    page.select_option("#f-type", "AGREE")
    page.click("#apply")
    page.wait_for_url(re.compile(r"type=AGREE"))
    # Playwright's expect polls without eval, which the page's CSP (no 'unsafe-eval') forbids
    expect()(page.locator("#events tbody tr.row")).to_have_count(
        api(server, "/api/events", type="AGREE")["total"])
    assert set(page.locator("#events tbody tr.row td:nth-child(2) .type").all_text_contents()) \
        == {"AGREE"}
    page.click("#reset")
    page.wait_for_url(re.compile(r"/$"))
    page.go_back()
    expect()(page.locator("#f-type")).to_have_value("AGREE")
    assert not page.problems


def test_a_hostile_document_is_shown_as_text_never_run(page, server, tmp_path):
    items = api(server, "/api/events", text="onerror")["items"]
    assert items
    open_page(page, server, "?text=onerror")
    assert page.evaluate("typeof window.__pwned") == "undefined"
    open_event(page, items[0]["id"])
    page.wait_for_timeout(300)              # time for an injected onerror to fire, if any
    assert page.evaluate("typeof window.__pwned") == "undefined"
    text = page.text_content("#doc-text")
    assert "<script>window.__pwned = 1</script>" in text
    assert '<img src=x onerror="window.__pwned = 2">' in text
    # nothing from the document became an element (the content security policy would block
    # an inline handler anyway, so the DOM is checked too)
    for selector in ("#doc-text img", "#doc-text script", "#doc-text b", "#events img",
                     "#events script", "#ev-meta script", "#facets img", "#network img",
                     "#histogram img"):
        assert page.locator(selector).count() == 0, selector
    assert "<img src=x" in page.text_content("#events tbody")
    shot(page, "hostile", tmp_path)
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert not page.outside
