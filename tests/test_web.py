"""The web page in headless Chromium (Debian's /usr/bin/chromium driven by Playwright), served by a
real server process over a store built with the real pipeline (tests/fixtures, a hostile
document and, when present, the seed). `.ci/browser.sh` installs chromium in CI.

Set COMMUNIQUE_SCREENSHOTS=DIR to keep PNG screenshots of the views the tests open.
"""
from __future__ import annotations

import csv
import io
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


def open_event(page, event_id):
    page.click(f'#timeline .mark[data-event-id="{event_id}"]')
    page.wait_for_selector(f'#event-view[data-ready=true][data-event-id="{event_id}"]')


def shot(page, name, tmp_path):
    folder = Path(os.environ.get("COMMUNIQUE_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=False)


def test_timeline_shows_the_events(page, server, tmp_path):
    open_page(page, server)
    items = api(server, "/api/events", limit=500)["items"]
    dated = [it for it in items if it["when"]["start"]]
    marks = page.locator("#timeline .mark")
    assert marks.count() == len(dated)
    assert page.locator("#events tbody tr.row").count() == len(items)
    assert re.match(rf"{len(items)} events", page.text_content("#summary"))
    # planned and occurred look different: filled vs hollow and dashed
    styles = page.eval_on_selector_all("#timeline .mark", """marks => marks.map(m => {
        const shape = m.querySelector('circle, rect');
        return [m.dataset.status, shape.getAttribute('fill'), shape.getAttribute('stroke-dasharray')];
    })""")
    occurred = [s for s in styles if s[0] == "occurred"]
    planned = [s for s in styles if s[0] == "planned"]
    assert occurred and planned
    assert all(s[1] != "#ffffff" and s[2] is None for s in occurred)
    assert all(s[1] == "#ffffff" and s[2] for s in planned)
    # the network of who met whom
    net = api(server, "/api/network")
    assert page.locator("#network .node").count() == len(net["nodes"])
    assert page.locator("#network .edge").count() == len(net["edges"])
    shot(page, "timeline", tmp_path)
    assert not page.problems and not page.outside


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
    open_page(page, server)
    mark = page.locator('#timeline .mark[data-type="CONSULT"][aria-label*="Vladimir Voronkov"]')
    assert mark.count() >= 1
    event_id = mark.first.get_attribute("data-event-id")
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
    assert "type=CONSULT" in href and "actor=Zelenskyy" in href
    exported = list(csv.DictReader(io.StringIO(httpx.get(server + href).text)))
    assert [r["id"] for r in exported] == [it["id"] for it in expected["items"]]
    # a shared link to one event opens it
    ev = expected["items"][0]
    page.goto(server + "/" + query + "&event=" + ev["id"])
    page.wait_for_selector(f'#event-view[data-ready=true][data-event-id="{ev["id"]}"]')
    assert "".join(page.locator("#doc-text mark.hl-evidence").all_text_contents()) == \
        ev["evidence"]["text"]
    assert not page.problems


def test_filters_from_the_form_and_the_network(page, server, tmp_path):
    open_page(page, server)
    page.select_option("#f-type", "AGREE")
    page.click("#apply")
    page.wait_for_url(re.compile(r"type=AGREE"))
    # Playwright's expect polls without eval, which the page's CSP (no 'unsafe-eval') forbids
    expect = pytest.importorskip("playwright.sync_api").expect
    expect(page.locator("#events tbody tr.row")).to_have_count(api(server, "/api/events", type="AGREE")["total"])
    assert set(page.locator("#events tbody tr.row td:nth-child(2) .type").all_text_contents()) \
        == {"AGREE"}
    page.click("#reset")
    page.wait_for_url(re.compile(r"/$"))
    # click an actor in the network: the page filters on it and the URL says so
    node = page.locator("#network .node").first
    name = node.get_attribute("data-name")
    node.locator("circle").dispatch_event("click")   # the layout may still be moving
    page.wait_for_url(re.compile(r"actor="))
    page.wait_for_selector("#network .node.selected")
    total = api(server, "/api/events", actor=name)["total"]
    expect(page.locator("#events tbody tr.row")).to_have_count(total)
    assert page.input_value("#f-actor") == name
    shot(page, "network-filter", tmp_path)
    page.go_back()
    expect(page.locator("#f-actor")).to_have_value("")
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
                     "#events script", "#ev-meta script", "#timeline img"):
        assert page.locator(selector).count() == 0, selector
    assert "<img src=x" in page.text_content("#events tbody")
    shot(page, "hostile", tmp_path)
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert not page.outside
