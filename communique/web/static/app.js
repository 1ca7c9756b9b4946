/* communique web page: histogram, facets, network, paged list, event view. The charts are
 * drawn by ECharts (charts.js); everything else is plain DOM.
 *
 * Everything that comes from documents or events is put on the page with textContent or
 * setAttribute on inert attributes (never innerHTML), so markup in a document is shown as text;
 * names sit in <bdi> so a right-to-left run cannot reorder what surrounds it.
 * The view lives in the URL query string: the filters (actor, entity, type, status, since,
 * until, text, place, site), the list's page, per and sort, the chart settings and the event.
 */
"use strict";

(function () {
  const FILTERS = ["actor", "entity", "type", "status", "since", "until", "text", "place", "site"];
  const VIEW = { page: "1", per: "100", sort: "-when", stack: "type", top: "60", min: "1" };
  const PER = ["25", "100", "500"];
  const TYPES = ["AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT",
    "REQUEST", "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE",
    "ASSAULT"];
  const STATUSES = ["occurred", "planned", "ongoing", "cancelled", "hypothetical", "negated"];
  const LABELS = { actor: "actor", entity: "who", type: "type", status: "status", since: "since",
    until: "until", text: "text", place: "place", site: "site" };

  const state = { filters: {}, view: Object.assign({}, VIEW), event: null, names: new Map(),
    liveRuns: null, liveEvents: null };
  let loadSeq = 0;
  const charts = () => window.communiqueCharts;

  // ---------------------------------------------------------------- DOM helpers
  function el(tag, props, ...children) {
    const node = document.createElement(tag);
    setProps(node, props);
    for (const child of children) append(node, child);
    return node;
  }

  function setProps(node, props) {
    if (!props) return;
    for (const [key, value] of Object.entries(props)) {
      if (value === undefined || value === null || value === false) continue;
      if (key === "text") node.textContent = String(value);
      else if (key === "class") node.setAttribute("class", value);
      else if (key === "dataset") Object.assign(node.dataset, value);
      else if (key.startsWith("on") && typeof value === "function") {
        node.addEventListener(key.slice(2), value);
      } else node.setAttribute(key, String(value));
    }
  }

  function append(node, child) {
    if (child === null || child === undefined || child === false) return;
    if (Array.isArray(child)) { child.forEach((c) => append(node, c)); return; }
    node.appendChild(child instanceof Node ? child : document.createTextNode(String(child)));
  }

  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }
  const $ = (id) => document.getElementById(id);
  const bdi = (text, props) => el("bdi", props, text);

  // ---------------------------------------------------------------- URL and API
  function readURL() {
    const q = new URLSearchParams(location.search);
    state.filters = {};
    for (const f of FILTERS) {
      const v = (q.get(f) || "").trim();
      if (v) state.filters[f] = v;
    }
    state.view = Object.assign({}, VIEW);
    for (const k of Object.keys(VIEW)) if (q.get(k)) state.view[k] = q.get(k);
    if (!PER.includes(state.view.per)) state.view.per = VIEW.per;
    state.event = q.get("event") || null;
  }

  function filterQuery(extra, without) {
    const q = new URLSearchParams();
    for (const f of FILTERS) if (state.filters[f] && !(without || []).includes(f)) q.set(f, state.filters[f]);
    if (extra) for (const [k, v] of Object.entries(extra)) if (v !== null && v !== undefined) q.set(k, v);
    return q;
  }

  function writeURL(push) {
    const view = {};
    for (const [k, v] of Object.entries(state.view)) if (v !== VIEW[k]) view[k] = v;
    if (state.event) view.event = state.event;
    const s = filterQuery(view).toString();
    const url = location.pathname + (s ? "?" + s : "");
    if (url === location.pathname + location.search) return;
    if (push) history.pushState(null, "", url); else history.replaceState(null, "", url);
  }

  /* a new filter: back to the first page, the event closed, the URL and the page updated */
  function setFilters(changes) {
    for (const [k, v] of Object.entries(changes)) {
      if (v === null || v === undefined || v === "") delete state.filters[k]; else state.filters[k] = v;
    }
    state.view.page = "1";
    state.event = null;
    writeURL(true);
    load();
  }

  function filterHref(changes) {
    const q = filterQuery(changes);
    for (const [k, v] of Object.entries(changes)) if (v === null) q.delete(k);
    return "?" + q.toString();
  }

  class ApiError extends Error {
    constructor(body, status) {
      super((body && body.message) || ("HTTP " + status));
      this.body = body || {};
      this.status = status;
    }
  }

  async function api(path, query) {
    const s = query ? query.toString() : "";
    const response = await fetch(path + (s ? "?" + s : ""), { headers: { accept: "application/json" } });
    let body = null;
    try { body = await response.json(); } catch (e) { body = null; }
    if (!response.ok) throw new ApiError(body, response.status);
    return body;
  }

  function showMessage(text) {
    const box = $("message");
    if (!text) { box.hidden = true; box.textContent = ""; return; }
    box.hidden = false;
    box.textContent = text;
  }

  function errorText(err) {
    if (err instanceof ApiError) {
      return err.body.error + ": " + err.message + (err.body.hint ? " (" + err.body.hint + ")" : "");
    }
    return String(err && err.message ? err.message : err);
  }

  // ---------------------------------------------------------------- filters form
  function setupForm() {
    const type = $("f-type");
    for (const t of TYPES) type.appendChild(el("option", { value: t, text: t }));
    const status = $("f-status");
    for (const s of STATUSES) status.appendChild(el("option", { value: s, text: s }));
    $("filters").addEventListener("submit", (ev) => {
      ev.preventDefault();
      const form = new FormData($("filters"));
      const changes = {};
      for (const f of FILTERS) changes[f] = String(form.get(f) || "").trim() || null;
      setFilters(changes);
    });
    $("reset").addEventListener("click", () => {
      state.filters = {};
      state.view = Object.assign({}, VIEW);
      state.event = null;
      writeURL(true);
      load();
    });
    $("copy-link").addEventListener("click", () => {
      const input = $("share-url");
      input.hidden = false;
      input.value = location.href;
      input.select();
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(location.href).catch(() => {});
      }
    });
    $("stack").addEventListener("change", () => { state.view.stack = $("stack").value; writeURL(true); load(); });
    $("net-top").addEventListener("change", () => { state.view.top = $("net-top").value; writeURL(true); load(); });
    $("net-min").addEventListener("change", () => { state.view.min = $("net-min").value; writeURL(true); load(); });
    document.querySelectorAll("button.sort").forEach((b) => b.addEventListener("click", () => {
      const key = b.dataset.sort;
      const current = state.view.sort;
      // dates newest first on the first click; the others as listed (A→Z, highest confidence)
      state.view.sort = key === "when" ? (current === "-when" ? "when" : "-when") : key;
      state.view.page = "1";
      writeURL(true);
      loadList();
    }));
    $("close-event").addEventListener("click", () => closeEvent(true));
    document.addEventListener("keydown", (ev) => {
      if (ev.key === "Escape" && !$("event-view").hidden) closeEvent(true);
    });
    // links inside the page (chips, facets, pager) change the view without a reload
    document.addEventListener("click", (ev) => {
      const a = ev.target.closest && ev.target.closest("a.filter-link");
      if (!a || ev.ctrlKey || ev.metaKey || ev.shiftKey || ev.button !== 0) return;
      ev.preventDefault();
      history.pushState(null, "", a.getAttribute("href"));
      readURL();
      load();
    });
    window.addEventListener("popstate", () => { readURL(); load(); });
    let resizeTimer = null;
    window.addEventListener("resize", () => {
      clearTimeout(resizeTimer);
      resizeTimer = setTimeout(() => charts().resize(), 150);
    });
  }

  function fillForm() {
    for (const f of FILTERS) {
      const input = $("f-" + f);
      const value = state.filters[f] || "";
      if (input.tagName === "SELECT" && value &&
          !Array.from(input.options).some((o) => o.value === value)) {
        input.appendChild(el("option", { value: value, text: value }));
      }
      input.value = value;
    }
    $("stack").value = state.view.stack;
    $("net-top").value = state.view.top;
    $("net-min").value = state.view.min;
    renderActive();
  }

  /* the filters in force as chips, each with × to drop it */
  function renderActive() {
    const box = $("active");
    clear(box);
    for (const f of FILTERS) {
      const v = state.filters[f];
      if (!v) continue;
      let shown = v;
      if (f === "entity") shown = v.split(",").map((id) => state.names.get(id) || id).join(" & ");
      box.appendChild(el("span", { class: "active-filter", dataset: { filter: f } },
        LABELS[f] + ": ", bdi(shown),
        el("a", { class: "filter-link drop", href: filterHref({ [f]: null, page: null }),
          "aria-label": "drop the " + LABELS[f] + " filter", text: "×" })));
    }
  }

  function setDownloads() {
    for (const f of ["csv", "jsonl", "plover", "parquet"]) {
      $("dl-" + f).setAttribute("href", "/api/export?" + filterQuery({ format: f, sort: state.view.sort }).toString());
    }
    for (const f of ["graphml", "gexf"]) {
      $("dl-" + f).setAttribute("href", "/api/export?" + filterQuery({ format: f, top: state.view.top,
        min_meetings: state.view.min }).toString());
    }
  }

  async function nameEntities(ids) {
    const unknown = ids.filter((id) => !state.names.has(id));
    await Promise.all(unknown.map(async (id) => {
      try { state.names.set(id, (await api("/api/entities/" + encodeURIComponent(id))).name); } catch (e) { /* the id stays */ }
    }));
  }

  // ---------------------------------------------------------------- loading
  async function load() {
    const seq = ++loadSeq;
    fillForm();
    setDownloads();
    showMessage("");
    $("summary").textContent = "loading…";
    try {
      const entityIds = (state.filters.entity || "").split(",").filter(Boolean);
      const [counts, facets, net] = await Promise.all([
        // the histogram spans the whole store (the other filters apply; the dates are its range)
        api("/api/counts", filterQuery({ by: "month", stack: state.view.stack }, ["since", "until"])),
        api("/api/facets", filterQuery()),
        api("/api/network", filterQuery({ top: state.view.top, min_meetings: state.view.min })),
        nameEntities(entityIds),
      ]);
      if (seq !== loadSeq) return;
      for (const n of net.nodes) state.names.set(n.id, n.name);
      for (const n of facets.entity) state.names.set(n.key, n.name);
      renderActive();
      renderHistogram(counts);
      renderFacets(facets);
      renderNetwork(net);
      await loadList(seq);
      if (seq !== loadSeq) return;
      document.body.dataset.loaded = "true";
    } catch (err) {
      if (seq !== loadSeq) return;
      $("summary").textContent = "";
      showMessage(errorText(err));
      document.body.dataset.loaded = "true";
    }
    if (state.event) openEvent(state.event, false); else closeEvent(false);
  }

  async function loadList(seq) {
    const per = +state.view.per, page = Math.max(1, +state.view.page || 1);
    const events = await api("/api/events", filterQuery({ limit: per, offset: (page - 1) * per, sort: state.view.sort }));
    if (seq !== undefined && seq !== loadSeq) return;
    renderSummary(events);
    renderList(events.items);
    renderPager(events);
    document.querySelectorAll("button.sort").forEach((b) => {
      const on = state.view.sort.replace("-", "") === b.dataset.sort;
      b.classList.toggle("on", on);
      b.setAttribute("aria-pressed", on ? "true" : "false");
    });
    $("order-note").textContent = {
      "-when": "newest first", when: "oldest first", type: "by type, newest first",
      status: "by status, newest first", confidence: "most confident first",
    }[state.view.sort] || state.view.sort;
    $("events").dataset.page = String(page);
  }

  function renderSummary(events) {
    const shown = events.items.length;
    $("summary").textContent = events.total + " event" + (events.total === 1 ? "" : "s") +
      (shown < events.total ? " · showing " + (events.offset + 1) + "–" + (events.offset + shown) : "");
  }

  function renderPager(events) {
    const per = +state.view.per, pages = Math.max(1, Math.ceil(events.total / per));
    const page = Math.floor(events.offset / per) + 1;
    for (const id of ["pager-top", "pager"]) {
      const box = $(id);
      clear(box);
      if (page > 1) box.appendChild(el("a", { class: "filter-link prev", href: "?" + pageQuery(page - 1), text: "‹ previous" }));
      box.appendChild(el("span", { class: "page-of", text: "page " + page + " of " + pages }));
      if (page < pages) box.appendChild(el("a", { class: "filter-link next", href: "?" + pageQuery(page + 1), text: "next ›" }));
      const select = el("select", { "aria-label": "events per page", class: "per" },
        PER.map((n) => el("option", { value: n, text: n + " a page" })));
      select.value = state.view.per;
      select.addEventListener("change", () => { state.view.per = select.value; state.view.page = "1"; writeURL(true); loadList(); });
      box.appendChild(select);
    }
  }

  function pageQuery(page) {
    const view = {};
    for (const [k, v] of Object.entries(state.view)) if (v !== VIEW[k]) view[k] = v;
    view.page = String(page);
    return filterQuery(view).toString();
  }

  // ---------------------------------------------------------------- histogram and facets
  function renderHistogram(counts) {
    const note = [];
    if (!counts.months.length) note.push("No events dated to a month or a day here.");
    if (counts.year_only) note.push(counts.year_only + " event" + (counts.year_only === 1 ? " is" : "s are") + " dated to a year only, so in no month");
    if (counts.undated) note.push(counts.undated + " undated");
    $("histogram-note").textContent = note.join(" · ");
    $("histogram").dataset.months = String(counts.months.length);
    // without dates in the filters the range starts on the bulk of the events (counts.core): the
    // few dated decades away are still there, past the ends of the range
    const dated = state.filters.since || state.filters.until;
    const range = dated ? [state.filters.since || null, state.filters.until || null] : (counts.core || [null, null]);
    if (!dated && counts.core && counts.months.length &&
        (counts.core[0] !== counts.months[0] || counts.core[1] !== counts.months[counts.months.length - 1])) {
      note.unshift("shown: " + counts.core[0] + " to " + counts.core[1] + ", where 98% of the dated events fall; " +
        "the range runs " + counts.months[0] + " to " + counts.months[counts.months.length - 1] + ": drag its ends to see more");
      $("histogram-note").textContent = note.join(" · ");
    }
    charts().histogram($("histogram"), counts, range,
      (since, until) => {
        if ((since || null) === (state.filters.since || null) && (until || null) === (state.filters.until || null)) return;
        setFilters({ since: since, until: until });
      });
  }

  function renderFacets(facets) {
    const box = $("facets");
    clear(box);
    const groups = [["type", "Type", facets.type], ["status", "Status", facets.status],
      ["entity", "Who takes part", facets.entity], ["place", "Where", facets.place], ["site", "Site", facets.site]];
    for (const [key, title, items] of groups) {
      if (!items.length) continue;
      const list = el("ul", { class: "facet", dataset: { facet: key } });
      const max = Math.max(...items.map((i) => i.count));
      for (const item of items) {
        const on = (state.filters[key] || "") === item.key;
        const link = el("a", { class: "filter-link" + (on ? " on" : ""), href: filterHref({ [key]: on ? null : item.key, page: null }),
          dataset: { value: item.key } }, bdi(item.name || item.key));
        list.appendChild(el("li", null, link,
          el("span", { class: "bar", "aria-hidden": "true" }, el("span", { class: "bar-fill", dataset: { w: Math.round(100 * item.count / max) } })),
          el("span", { class: "count", text: item.count })));
      }
      box.appendChild(el("div", { class: "facet-group" }, el("h3", { text: title }), list));
    }
    // widths set through the CSSOM (the content security policy forbids style attributes)
    box.querySelectorAll(".bar-fill").forEach((b) => { b.style.width = b.dataset.w + "%"; });
  }

  // ---------------------------------------------------------------- network
  function renderNetwork(net) {
    const ids = (state.filters.entity || "").split(",").filter(Boolean);
    $("network").dataset.nodes = String(net.nodes.length);
    $("network-note").textContent = net.nodes.length
      ? net.nodes.length + " people and bodies, " + net.edges.length + " pairs, from " + net.events + " meetings"
      : "No meetings (CONSULT events) in this selection.";
    $("pair").hidden = true;
    charts().network($("network"), net, ids,
      (node) => setFilters({ entity: node.id, actor: null }),
      (edge) => showPair(edge));
  }

  async function showPair(edge) {
    const box = $("pair");
    box.hidden = false;
    clear(box);
    const a = state.names.get(edge.source) || edge.source, b = state.names.get(edge.target) || edge.target;
    box.appendChild(el("h3", null, bdi(a), " — ", bdi(b), ": " + edge.weight + " meeting" + (edge.weight === 1 ? "" : "s"),
      " ", el("a", { class: "filter-link", href: filterHref({ entity: edge.source + "," + edge.target, type: "CONSULT", actor: null, page: null }),
        text: "filter on the pair" })));
    const q = filterQuery({ entity: edge.source + "," + edge.target, type: "CONSULT", limit: 100, sort: "-when" }, ["actor"]);
    try {
      const found = await api("/api/events", q);
      box.dataset.pair = edge.source + "," + edge.target;
      box.appendChild(el("ul", null, found.items.map((ev) => el("li", { class: "pair-event", dataset: { eventId: ev.id } },
        el("a", { href: "?event=" + encodeURIComponent(ev.id), class: "open-event", dataset: { eventId: ev.id },
          onclick: (e) => { e.preventDefault(); openEvent(ev.id, true); } }, whenText(ev.when)),
        " ", ev.evidence.text.length > 180 ? ev.evidence.text.slice(0, 180) + "…" : ev.evidence.text))));
    } catch (err) {
      box.appendChild(el("p", { class: "message", text: errorText(err) }));
    }
  }

  // ---------------------------------------------------------------- list
  function whenText(when) {
    if (!when || !when.start) return "undated";
    const text = when.end && when.end !== when.start ? when.start + " – " + when.end : when.start;
    return text + (when.approximate ? " (about)" : "");
  }

  function precisionNote(when) {
    if (!when || !when.start) return "no date in the text";
    return "dated to the " + when.precision + (when.basis && when.basis !== "text" ? ", from the " + when.basis : "") +
      (when.text ? " — “" + when.text + "”" : "");
  }

  /* a participant as a link to the events of its entity (all its spellings) */
  function chip(p, role) {
    const title = [p.title, p.org].filter(Boolean).join(", ") || p.type;
    if (p.entity_id) state.names.set(p.entity_id, p.name);
    return el("a", { class: "chip filter-link hl-" + role, title: title,
      href: p.entity_id ? filterHref({ entity: p.entity_id, actor: null, page: null }) : filterHref({ actor: p.name, page: null }),
      dataset: { entityId: p.entity_id || "" } }, bdi(p.name));
  }

  function placeChip(where) {
    return el("a", { class: "chip filter-link hl-where", href: filterHref({ place: where.name, page: null }),
      dataset: { place: where.name } }, bdi(where.name + (where.country ? " (" + where.country + ")" : "")));
  }

  function orgChip(org) {
    return el("a", { class: "chip filter-link org", href: filterHref({ actor: org, page: null }) }, bdi(org));
  }

  function renderList(items) {
    const body = document.querySelector("#events tbody");
    clear(body);
    if (!items.length) {
      body.appendChild(el("tr", null, el("td", { colspan: 8, class: "empty", text: "No events match these filters." })));
      return;
    }
    for (const ev of items) {
      const evidence = ev.evidence.text.length > 220 ? ev.evidence.text.slice(0, 220) + "…" : ev.evidence.text;
      const when = ev.when || {};
      const row = el("tr", { tabindex: 0, class: "row st-" + ev.status, dataset: { eventId: ev.id, when: when.start || "" } },
        el("td", { class: "nowrap when prec-" + (when.precision || "none"), title: precisionNote(when) },
          whenText(when), when.precision && when.precision !== "day" && when.start ? el("small", { class: "prec", text: " " + when.precision }) : null),
        el("td", null, el("span", { class: "type", text: ev.type }), ev.mode ? el("small", { text: " " + ev.mode }) : null),
        el("td", null, el("span", { class: "badge st-" + ev.status, text: ev.status })),
        el("td", null, (ev.actors || []).map((p) => chip(p, "actor"))),
        el("td", null, (ev.recipients || []).map((p) => chip(p, "recipient"))),
        el("td", null, ev.where ? placeChip(ev.where) : null),
        el("td", { class: "evidence" }, bdi(evidence)),
        el("td", { class: "num", text: (+ev.confidence).toFixed(2) }));
      if (ev.id === state.event) row.classList.add("selected");
      row.addEventListener("click", (e) => { if (!e.target.closest("a")) openEvent(ev.id, true); });
      row.addEventListener("keydown", (k) => { if (k.key === "Enter" && !k.target.closest("a")) openEvent(ev.id, true); });
      body.appendChild(row);
    }
  }

  // ---------------------------------------------------------------- live
  /* a server that ingests (serve --watch, or an ingest handed over) says so in /api/stats: the
   * page looks again every polling period and reloads its data when the store changed */
  async function poll() {
    let every = 30;
    try {
      const stats = await api("/api/stats");
      const t = stats.tables || {};
      $("stats").textContent = (t.documents || 0) + " documents · " + (t.events || 0) +
        " events · " + (t.entities || 0) + " entities";
      const live = stats.live;
      if (live) {
        if (live.every) every = Math.min(60, Math.max(2, live.every));
        $("live").hidden = !live.watch.length && !live.runs;
        $("live").textContent = live.watch.length ? "live: every " + fmtSeconds(live.every) : "live";
        if (live.last) $("live").title = "last ingest " + live.last.at + " (" + live.last.how + "): " + live.last.events + " events";
        const changed = state.liveRuns !== null && (live.changes !== state.liveRuns || t.events !== state.liveEvents);
        state.liveRuns = live.changes;
        state.liveEvents = t.events;
        if (changed) load();
      }
    } catch (e) { /* the page works without */ }
    setTimeout(poll, every * 1000);
  }

  function fmtSeconds(s) {
    return s >= 3600 && s % 3600 === 0 ? s / 3600 + " h" : s >= 60 && s % 60 === 0 ? s / 60 + " min" : s + " s";
  }

  // ---------------------------------------------------------------- event view
  function markSelected() {
    document.querySelectorAll("[data-event-id].selected").forEach((n) => n.classList.remove("selected"));
    if (!state.event) return;
    document.querySelectorAll("[data-event-id]").forEach((n) => {
      if (n.dataset.eventId === state.event) n.classList.add("selected");
    });
  }

  function closeEvent(push) {
    $("event-view").hidden = true;
    document.body.classList.remove("with-event");
    if (state.event && push) { state.event = null; writeURL(true); }
    state.event = push ? null : state.event;
    markSelected();
  }

  function segments(text, spans) {
    // text split at every span boundary; each piece knows which spans cover it
    const cuts = new Set([0, text.length]);
    for (const s of spans) { cuts.add(Math.max(0, Math.min(text.length, s.start))); cuts.add(Math.max(0, Math.min(text.length, s.end))); }
    const points = [...cuts].sort((a, b) => a - b);
    const out = [];
    for (let i = 0; i + 1 < points.length; i++) {
      const a = points[i], b = points[i + 1];
      if (a === b) continue;
      out.push({ start: a, end: b, covers: spans.filter((s) => s.start <= a && s.end >= b) });
    }
    return out;
  }

  /* the text as paragraphs (one <p> per line of the document, blank lines dropped), with the
   * spans highlighted; a span that crosses a line break is continued in the next paragraph */
  function renderText(box, text, spans) {
    clear(box);
    let first = null;
    let para = el("p", { class: "para" });
    const flush = () => { if (para.childNodes.length) box.appendChild(para); para = el("p", { class: "para" }); };
    for (const seg of segments(text, spans)) {
      const lines = text.slice(seg.start, seg.end).split("\n");
      lines.forEach((piece, i) => {
        if (i > 0) flush();
        if (!piece) return;
        if (!seg.covers.length) { para.appendChild(document.createTextNode(piece)); return; }
        const kinds = [...new Set(seg.covers.map((s) => s.kind))];
        const mark = el("mark", { class: kinds.map((k) => "hl-" + k).join(" "), text: piece,
          title: seg.covers.map((s) => s.kind + (s.name ? ": " + s.name : "")).join("; ") });
        if (kinds.includes("evidence") && !first) { mark.id = "evidence-start"; first = mark; }
        para.appendChild(mark);
      });
    }
    flush();
    return first;
  }

  function metaRow(name, value) {
    if (value === null || value === undefined || value === "" || (Array.isArray(value) && !value.length)) return null;
    return el("div", { class: "meta-row" }, el("span", { class: "meta-key", text: name }), el("span", { class: "meta-val" }, value));
  }

  /* participants as links to their filters, each with the organisation of their post */
  function people(list, role) {
    return (list || []).map((p) => el("span", { class: "person" }, chip(p, role),
      p.org ? [" ", el("small", null, "(", p.title ? p.title + ", " : "", orgChip(p.org), ")")] : null));
  }

  async function openEvent(id, push) {
    state.event = id;
    if (push) writeURL(true);
    markSelected();
    const view = $("event-view");
    view.hidden = false;
    document.body.classList.add("with-event");
    view.dataset.eventId = id;
    view.dataset.ready = "false";
    $("ev-title").textContent = "loading…";
    clear($("ev-meta")); clear($("doc-text")); clear($("ev-furniture"));
    let data;
    try {
      data = await api("/api/events/" + encodeURIComponent(id));
    } catch (err) {
      if (state.event !== id) return;
      $("ev-title").textContent = errorText(err);
      return;
    }
    if (state.event !== id) return;
    const ev = data.event, doc = data.document, ctx = data.context;
    clear($("ev-title"));
    $("ev-title").appendChild(el("span", { class: "type", text: ev.type }));
    if (ev.mode) $("ev-title").appendChild(el("small", { text: " " + ev.mode }));
    $("ev-title").appendChild(el("span", { class: "badge st-" + ev.status, text: ev.status }));
    $("ev-title").appendChild(el("span", { class: "when", text: whenText(ev.when) }));
    const meta = $("ev-meta");
    const url = doc && doc.url && /^https?:\/\//i.test(doc.url) ? doc.url : null;
    append(meta, [
      metaRow("Document", doc ? (doc.title || doc.id) : ev.doc_id),
      metaRow("Published", doc && doc.published),
      metaRow("Source", url ? el("a", { href: url, rel: "noopener noreferrer nofollow", target: "_blank", text: url }) : (doc ? doc.source : ev.source)),
      metaRow("Who", people(ev.actors, "actor")),
      metaRow("With whom", people(ev.recipients, "recipient")),
      metaRow("Where", ev.where ? placeChip(ev.where) : null),
      metaRow("Date", whenText(ev.when) + " — " + precisionNote(ev.when)),
      metaRow("Topics", (ev.topics || []).join("; ")),
      metaRow("Trigger", ev.trigger ? "“" + ev.trigger + "”, confidence " + ev.confidence : null),
      metaRow("Record", [el("a", { href: "/api/events/" + encodeURIComponent(ev.id), text: "event JSON" }), " · ",
        el("a", { href: "/api/documents/" + encodeURIComponent(ev.doc_id), text: "document JSON" })]),
    ]);
    const box = $("doc-text");
    let first = null;
    if (doc && doc.highlights && doc.highlights.length) {
      first = renderText(box, doc.text, doc.highlights);
    } else if (ctx) {
      box.appendChild(el("p", { class: "note", text: "The evidence could not be placed in the document's text; its paragraph:" }));
      const para = el("div");
      box.appendChild(para);
      first = renderText(para, ctx.paragraph, [{ kind: "evidence", start: ctx.evidence.start, end: ctx.evidence.end }]);
    } else {
      box.textContent = ev.evidence.text;
    }
    if (doc && doc.furniture && doc.furniture.length) {
      $("ev-furniture").appendChild(el("details", { class: "furniture" },
        el("summary", { text: "Dropped as page furniture (" + doc.furniture.length + " lines)" }),
        el("ul", null, doc.furniture.map((line) => el("li", { text: line })))));
    }
    view.dataset.ready = "true";
    if (first) first.scrollIntoView({ block: "center" });
  }

  // ---------------------------------------------------------------- start
  document.addEventListener("DOMContentLoaded", () => {
    setupForm();
    readURL();
    load();
    poll();
  });
})();
