/* communique web page: timeline, network, event view. Vanilla JS, no dependencies.
 *
 * Everything that comes from documents or events is put on the page with textContent or
 * setAttribute on inert attributes (never innerHTML), so markup in a document is shown as text.
 * Filters live in the URL query string (?actor=&type=&status=&since=&until=&text=&event=).
 */
"use strict";

(function () {
  const FILTERS = ["actor", "type", "status", "since", "until", "text"];
  const PAGE = 500;
  const SVGNS = "http://www.w3.org/2000/svg";
  const TYPES = ["AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT",
    "REQUEST", "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE",
    "ASSAULT"];
  const STATUSES = ["occurred", "planned", "ongoing", "cancelled", "hypothetical", "negated"];
  const COLORS = {
    AGREE: "#2e7d32", CONSULT: "#1565c0", SUPPORT: "#00897b", CONCEDE: "#7cb342",
    COOPERATE: "#6a1b9a", AID: "#00acc1", RETREAT: "#9e9d24", REQUEST: "#f9a825",
    ACCUSE: "#ef6c00", REJECT: "#d84315", THREATEN: "#c62828", PROTEST: "#ad1457",
    SANCTION: "#4e342e", MOBILIZE: "#5d4037", COERCE: "#b71c1c", ASSAULT: "#880e4f",
  };
  const NODE_COLORS = { PERSON: "#1565c0", ORG: "#ef6c00", GPE: "#2e7d32", LOC: "#2e7d32" };

  const state = { filters: {}, event: null, items: [], total: 0, network: null };
  let loadSeq = 0;

  // ---------------------------------------------------------------- DOM helpers
  function el(tag, props, ...children) {
    const node = document.createElement(tag);
    setProps(node, props);
    for (const child of children) append(node, child);
    return node;
  }

  function svg(tag, props, ...children) {
    const node = document.createElementNS(SVGNS, tag);
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

  // ---------------------------------------------------------------- URL and API
  function readURL() {
    const q = new URLSearchParams(location.search);
    state.filters = {};
    for (const f of FILTERS) {
      const v = (q.get(f) || "").trim();
      if (v) state.filters[f] = v;
    }
    state.event = q.get("event") || null;
  }

  function filterQuery(extra) {
    const q = new URLSearchParams();
    for (const f of FILTERS) if (state.filters[f]) q.set(f, state.filters[f]);
    if (extra) for (const [k, v] of Object.entries(extra)) if (v !== null && v !== undefined) q.set(k, v);
    return q;
  }

  function writeURL(push) {
    const q = filterQuery(state.event ? { event: state.event } : null);
    const s = q.toString();
    const url = location.pathname + (s ? "?" + s : "");
    if (url === location.pathname + location.search) return;
    if (push) history.pushState(null, "", url); else history.replaceState(null, "", url);
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
      state.filters = {};
      for (const f of FILTERS) {
        const v = String(form.get(f) || "").trim();
        if (v) state.filters[f] = v;
      }
      state.event = null;
      writeURL(true);
      load();
    });
    $("reset").addEventListener("click", () => {
      state.filters = {};
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
    $("close-event").addEventListener("click", () => closeEvent(true));
    document.addEventListener("keydown", (ev) => {
      if (ev.key === "Escape" && !$("event-view").hidden) closeEvent(true);
    });
    window.addEventListener("popstate", () => { readURL(); load(); });
    let resizeTimer = null;
    window.addEventListener("resize", () => {
      clearTimeout(resizeTimer);
      resizeTimer = setTimeout(() => { renderTimeline(state.items); renderNetwork(state.network); }, 150);
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
  }

  function setDownloads() {
    const s = filterQuery().toString();
    $("dl-csv").setAttribute("href", "/api/export.csv" + (s ? "?" + s : ""));
    $("dl-json").setAttribute("href", "/api/export.json" + (s ? "?" + s : ""));
  }

  // ---------------------------------------------------------------- loading
  async function load() {
    const seq = ++loadSeq;
    fillForm();
    setDownloads();
    showMessage("");
    $("summary").textContent = "loading…";
    try {
      const [events, network, byStatus] = await Promise.all([
        api("/api/events", filterQuery({ limit: PAGE, sort: "when" })),
        api("/api/network", filterQuery()),
        api("/api/counts", filterQuery({ by: "status" })),
      ]);
      if (seq !== loadSeq) return;
      state.items = events.items;
      state.total = events.total;
      state.network = network;
      renderSummary(events, byStatus.items);
      renderTimeline(state.items);
      renderNetwork(network);
      renderList(state.items);
      document.body.dataset.loaded = "true";
    } catch (err) {
      if (seq !== loadSeq) return;
      $("summary").textContent = "";
      showMessage(errorText(err));
    }
    if (state.event) openEvent(state.event, false); else closeEvent(false);
  }

  async function loadStats() {
    try {
      const stats = await api("/api/stats");
      const t = stats.tables || {};
      $("stats").textContent = (t.documents || 0) + " documents · " + (t.events || 0) +
        " events · " + (t.entities || 0) + " entities";
    } catch (e) { /* the page works without */ }
  }

  function renderSummary(events, statusCounts) {
    const parts = [];
    parts.push(events.total + " event" + (events.total === 1 ? "" : "s"));
    if (events.total > events.items.length) parts.push("showing the first " + events.items.length);
    const st = statusCounts.map((c) => c.count + " " + c.key).join(", ");
    $("summary").textContent = parts.join(" · ") + (st ? " (" + st + ")" : "");
  }

  // ---------------------------------------------------------------- dates
  function dayOf(value, last) {
    if (!value) return null;
    const m = /^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?/.exec(value);
    if (!m) return null;
    const y = +m[1];
    if (m[3]) return Date.UTC(y, +m[2] - 1, +m[3]);
    if (m[2]) return last ? Date.UTC(y, +m[2], 0) : Date.UTC(y, +m[2] - 1, 1);
    return last ? Date.UTC(y, 11, 31) : Date.UTC(y, 0, 1);
  }

  function whenText(when) {
    if (!when || !when.start) return "undated";
    return when.end && when.end !== when.start ? when.start + " – " + when.end : when.start;
  }

  const names = (list) => (list || []).map((p) => p.name).join("; ");

  function label(ev) {
    const who = names(ev.actors) || "?";
    const whom = names(ev.recipients);
    return ev.type + " (" + ev.status + ") " + whenText(ev.when) + ": " + who +
      (whom ? " → " + whom : "");
  }

  // ---------------------------------------------------------------- timeline
  function markStyle(ev) {
    const color = COLORS[ev.type] || "#555";
    switch (ev.status) {
      case "occurred": return { fill: color, stroke: color };
      case "planned": return { fill: "#ffffff", stroke: color, "stroke-dasharray": "3 2", "stroke-width": 2 };
      case "ongoing": return { fill: color, "fill-opacity": 0.45, stroke: color, "stroke-width": 2 };
      case "cancelled": return { fill: "#ffffff", stroke: "#9e9e9e", "stroke-width": 2 };
      case "negated": return { fill: "#ffffff", stroke: "#9e9e9e", "stroke-dasharray": "1 2", "stroke-width": 2 };
      default: return { fill: "#ffffff", stroke: color, "stroke-dasharray": "1 2", "stroke-width": 2 };
    }
  }

  function renderLegend() {
    const box = $("legend");
    clear(box);
    for (const status of STATUSES) {
      const style = markStyle({ type: "CONSULT", status: status });
      const icon = svg("svg", { width: 16, height: 16, "aria-hidden": "true" },
        svg("circle", Object.assign({ cx: 8, cy: 8, r: 5.5 }, style)),
        (status === "cancelled" || status === "negated")
          ? svg("line", { x1: 2, y1: 14, x2: 14, y2: 2, stroke: "#757575", "stroke-width": 1.5 }) : null);
      box.appendChild(el("span", { class: "legend-item" }, icon, " " + status));
    }
  }

  function ticks(lo, hi) {
    const day = 86400000, span = (hi - lo) / day, out = [];
    const d = new Date(lo);
    if (span <= 45) {
      let t = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
      const step = span <= 14 ? 1 : 7;
      for (; t <= hi; t += step * day) if (t >= lo) out.push([t, new Date(t).toISOString().slice(0, 10)]);
    } else if (span <= 3 * 366) {
      const every = span <= 400 ? 1 : 3;
      let y = d.getUTCFullYear(), m = d.getUTCMonth();
      for (let t = Date.UTC(y, m, 1); t <= hi; m += every, t = Date.UTC(y, m, 1)) {
        if (t >= lo) out.push([t, new Date(t).toISOString().slice(0, 7)]);
      }
    } else {
      const step = Math.max(1, Math.ceil(span / 366 / 10));
      for (let y = d.getUTCFullYear(); Date.UTC(y, 0, 1) <= hi; y += step) {
        const t = Date.UTC(y, 0, 1);
        if (t >= lo) out.push([t, String(y)]);
      }
    }
    return out;
  }

  function renderTimeline(items) {
    const box = $("timeline");
    clear(box);
    const dated = [], undated = [];
    for (const ev of items) {
      const s = dayOf(ev.when && ev.when.start, false);
      const e = dayOf((ev.when && (ev.when.end || ev.when.start)), true);
      if (s === null) undated.push(ev); else dated.push({ ev: ev, s: s, e: Math.max(s, e === null ? s : e) });
    }
    if (!dated.length) {
      box.appendChild(el("p", { class: "empty", text: items.length ? "No dated events in this selection." : "No events match these filters." }));
      if (undated.length) box.appendChild(el("p", { class: "note", text: undatedNote(undated.length) }));
      return;
    }
    const day = 86400000;
    let lo = Math.min(...dated.map((d) => d.s)), hi = Math.max(...dated.map((d) => d.e + day));
    // the filters' dates bound the axis: events that reach past them are cut at the edges
    const since = dayOf(state.filters.since, false), until = dayOf(state.filters.until, true);
    if (since !== null && since > lo) lo = since;
    if (until !== null && until + day < hi) hi = until + day;
    if (hi <= lo) hi = lo + day;
    const pad = Math.max(day, (hi - lo) * 0.03);
    const lo0 = lo - pad, hi0 = hi + pad;
    lo = lo0; hi = hi0;
    const width = Math.max(480, box.clientWidth || 900);
    const left = 110, right = 16, rowH = 18, laneGap = 10, top = 8;
    const x = (t) => left + (Math.min(hi0, Math.max(lo0, t)) - lo) / (hi - lo) * (width - left - right);
    const types = TYPES.filter((t) => dated.some((d) => d.ev.type === t))
      .concat([...new Set(dated.map((d) => d.ev.type))].filter((t) => !TYPES.includes(t)));
    const lanes = [];
    let y = top;
    for (const type of types) {
      const rows = [];            // last x end per row
      const placed = [];
      const inLane = dated.filter((d) => d.ev.type === type).sort((a, b) => a.s - b.s || a.e - b.e);
      for (const d of inLane) {
        const x0 = x(d.s), x1 = Math.max(x(d.e + day), x0 + 12);
        let row = rows.findIndex((end) => end + 3 <= x0);
        if (row === -1) {
          if (rows.length < 6) { rows.push(0); row = rows.length - 1; } else row = placed.length % rows.length;
        }
        rows[row] = Math.max(rows[row], x1);
        placed.push({ d: d, row: row, x0: x0, x1: x1 });
      }
      const height = Math.max(1, rows.length) * rowH;
      lanes.push({ type: type, y: y, height: height, placed: placed, count: inLane.length });
      y += height + laneGap;
    }
    const axisY = y + 4;
    const chart = svg("svg", { width: width, height: axisY + 26, class: "timeline-svg", role: "img",
      "aria-label": "timeline of " + dated.length + " dated events" });
    for (const [t, text] of ticks(lo, hi)) {
      chart.appendChild(svg("line", { x1: x(t), x2: x(t), y1: top - 4, y2: axisY, class: "grid" }));
      chart.appendChild(svg("text", { x: x(t) + 2, y: axisY + 16, class: "tick", text: text }));
    }
    for (const lane of lanes) {
      chart.appendChild(svg("rect", { x: 0, y: lane.y - 3, width: width, height: lane.height + 6, class: "lane" }));
      chart.appendChild(svg("text", { x: 6, y: lane.y + 13, class: "lane-label", fill: COLORS[lane.type] || "#333",
        text: lane.type + " " + lane.count }));
      for (const p of lane.placed) {
        const ev = p.d.ev, cy = lane.y + p.row * rowH + rowH / 2 - 1;
        const style = markStyle(ev);
        const g = svg("g", { class: "mark st-" + ev.status, tabindex: 0, role: "button",
          "aria-label": label(ev), dataset: { eventId: ev.id, status: ev.status, type: ev.type } });
        g.appendChild(svg("title", { text: label(ev) + "\n" + ev.evidence.text }));
        const w = p.x1 - p.x0;
        if (w <= 14) g.appendChild(svg("circle", Object.assign({ cx: p.x0 + 6, cy: cy, r: 6 }, style)));
        else g.appendChild(svg("rect", Object.assign({ x: p.x0, y: cy - 6, width: w, height: 12, rx: 6 }, style)));
        if (ev.status === "cancelled" || ev.status === "negated") {
          g.appendChild(svg("line", { x1: p.x0, y1: cy + 6, x2: p.x0 + Math.max(12, Math.min(w, 24)), y2: cy - 6,
            stroke: "#757575", "stroke-width": 1.5 }));
        }
        if (ev.id === state.event) g.classList.add("selected");
        g.addEventListener("click", () => openEvent(ev.id, true));
        g.addEventListener("keydown", (k) => { if (k.key === "Enter" || k.key === " ") { k.preventDefault(); openEvent(ev.id, true); } });
        chart.appendChild(g);
      }
    }
    box.appendChild(chart);
    if (undated.length) box.appendChild(el("p", { class: "note", text: undatedNote(undated.length) }));
  }

  function undatedNote(n) {
    return n === 1 ? "1 undated event is in the list below." : n + " undated events are in the list below.";
  }

  // ---------------------------------------------------------------- network
  function layout(nodes, edges, width, height) {
    // Fruchterman-Reingold with gravity, unconstrained, then fitted to the box
    const n = nodes.length, k = 40, gravity = 0.6;
    const pos = nodes.map((_, i) => {
      const a = 2.4 * i, r = k * Math.sqrt(i + 1);       // a deterministic spiral start
      return { x: r * Math.cos(a), y: r * Math.sin(a), dx: 0, dy: 0 };
    });
    const index = new Map(nodes.map((node, i) => [node.id, i]));
    const links = edges.map((e) => [index.get(e.source), index.get(e.target), e.weight])
      .filter((l) => l[0] !== undefined && l[1] !== undefined);
    const degree = new Array(n).fill(0);
    for (const [a, b] of links) { degree[a]++; degree[b]++; }
    let temp = k * Math.sqrt(n) / 3;
    const iterations = n > 150 ? 200 : 350;
    for (let it = 0; it < iterations; it++) {
      pos.forEach((p, i) => { const g = gravity * (degree[i] ? 1 : 5); p.dx = -g * p.x; p.dy = -g * p.y; });
      for (let i = 0; i < n; i++) {
        for (let j = i + 1; j < n; j++) {
          let dx = pos[i].x - pos[j].x, dy = pos[i].y - pos[j].y;
          let d = Math.sqrt(dx * dx + dy * dy);
          if (d < 0.01) { dx = 0.01 * (i - j); dy = 0.01; d = Math.sqrt(dx * dx + dy * dy); }
          const f = k * k / d / d;
          pos[i].dx += dx * f; pos[i].dy += dy * f; pos[j].dx -= dx * f; pos[j].dy -= dy * f;
        }
      }
      for (const [a, b, w] of links) {
        const dx = pos[a].x - pos[b].x, dy = pos[a].y - pos[b].y;
        const d = Math.sqrt(dx * dx + dy * dy) || 0.01;
        const f = d / k * (1 + 0.5 * Math.log(w));
        pos[a].dx -= dx * f; pos[a].dy -= dy * f; pos[b].dx += dx * f; pos[b].dy += dy * f;
      }
      for (const p of pos) {
        const d = Math.sqrt(p.dx * p.dx + p.dy * p.dy) || 1;
        p.x += p.dx / d * Math.min(d, temp); p.y += p.dy / d * Math.min(d, temp);
      }
      temp = Math.max(0.3, temp * 0.98);
    }
    const xs = pos.map((p) => p.x), ys = pos.map((p) => p.y);
    const x0 = Math.min(...xs), x1 = Math.max(...xs), y0 = Math.min(...ys), y1 = Math.max(...ys);
    const mx = 24, my = 22;
    const sx = (width - 2 * mx) / Math.max(1, x1 - x0), sy = (height - 2 * my) / Math.max(1, y1 - y0);
    const s = Math.min(sx, sy * 1.6);
    const cx = (x0 + x1) / 2, cy = (y0 + y1) / 2;
    return pos.map((p) => ({ x: width / 2 + (p.x - cx) * Math.min(s, sx), y: height / 2 + (p.y - cy) * Math.min(s, sy) }));
  }

  function renderNetwork(net) {
    const box = $("network");
    clear(box);
    if (!net) return;
    if (!net.nodes.length) {
      box.appendChild(el("p", { class: "empty", text: "No meetings (CONSULT events) in this selection." }));
      return;
    }
    const width = Math.max(320, box.clientWidth || 600), height = 420;
    const pos = layout(net.nodes, net.edges, width, height);
    const at = new Map(net.nodes.map((node, i) => [node.id, pos[i]]));
    const byId = new Map(net.nodes.map((node) => [node.id, node]));
    const chart = svg("svg", { width: width, height: height, class: "network-svg", role: "img",
      "aria-label": "network of " + net.nodes.length + " actors" });
    const maxW = Math.max(1, ...net.edges.map((e) => e.weight));
    for (const e of net.edges) {
      const a = at.get(e.source), b = at.get(e.target);
      if (!a || !b) continue;
      const line = svg("line", { x1: a.x, y1: a.y, x2: b.x, y2: b.y, class: "edge",
        "stroke-width": 1 + 5 * Math.sqrt(e.weight / maxW), dataset: { weight: e.weight } });
      line.appendChild(svg("title", { text: byId.get(e.source).name + " — " + byId.get(e.target).name +
        ": " + e.weight + " meeting" + (e.weight === 1 ? "" : "s") }));
      chart.appendChild(line);
    }
    const actor = (state.filters.actor || "").toLowerCase();
    const labelled = new Set(net.nodes.slice().sort((a, b) => b.events - a.events).slice(0, 24).map((n) => n.id));
    net.nodes.forEach((node, i) => {
      const p = pos[i];
      const r = 4 + 2.5 * Math.sqrt(node.events);
      const selected = actor && node.name.toLowerCase() === actor;
      const g = svg("g", { class: "node" + (selected ? " selected" : ""), tabindex: 0, role: "button",
        "aria-label": node.name + ", " + node.events + " meetings; filter by this actor",
        dataset: { entityId: node.id, name: node.name } });
      g.appendChild(svg("title", { text: node.name + " (" + (node.type || "?") + "): " + node.events +
        " meeting" + (node.events === 1 ? "" : "s") + " — click to filter" }));
      g.appendChild(svg("circle", { cx: p.x, cy: p.y, r: r, fill: NODE_COLORS[node.type] || "#757575" }));
      if (labelled.has(node.id)) {
        const leftSide = p.x > width * 0.72;
        g.appendChild(svg("text", { x: leftSide ? p.x - r - 3 : p.x + r + 3, y: p.y + 4, class: "node-label",
          "text-anchor": leftSide ? "end" : "start", text: node.name }));
      }
      const pick = () => {
        state.filters.actor = node.name;
        state.event = null;
        writeURL(true);
        load();
      };
      g.addEventListener("click", pick);
      g.addEventListener("keydown", (k) => { if (k.key === "Enter" || k.key === " ") { k.preventDefault(); pick(); } });
      chart.appendChild(g);
    });
    box.appendChild(chart);
    box.appendChild(el("p", { class: "note", text: net.nodes.length + " actors, " + net.edges.length +
      " pairs, from " + net.events + " meetings" }));
  }

  // ---------------------------------------------------------------- list
  function renderList(items) {
    const body = document.querySelector("#events tbody");
    clear(body);
    if (!items.length) {
      body.appendChild(el("tr", null, el("td", { colspan: 7, class: "empty", text: "No events." })));
      return;
    }
    for (const ev of items) {
      const evidence = ev.evidence.text.length > 220 ? ev.evidence.text.slice(0, 220) + "…" : ev.evidence.text;
      const row = el("tr", { tabindex: 0, class: "row st-" + ev.status, dataset: { eventId: ev.id } },
        el("td", { class: "nowrap", text: whenText(ev.when) }),
        el("td", null, el("span", { class: "type", text: ev.type }), ev.mode ? el("small", { text: " " + ev.mode }) : null),
        el("td", null, el("span", { class: "badge st-" + ev.status, text: ev.status })),
        el("td", { text: names(ev.actors) }),
        el("td", { text: names(ev.recipients) }),
        el("td", { text: ev.where ? ev.where.name : "" }),
        el("td", { class: "evidence", text: evidence }));
      if (ev.id === state.event) row.classList.add("selected");
      row.addEventListener("click", () => openEvent(ev.id, true));
      row.addEventListener("keydown", (k) => { if (k.key === "Enter") openEvent(ev.id, true); });
      body.appendChild(row);
    }
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

  function renderText(box, text, spans) {
    clear(box);
    let first = null;
    for (const seg of segments(text, spans)) {
      const piece = text.slice(seg.start, seg.end);
      if (!seg.covers.length) { box.appendChild(document.createTextNode(piece)); continue; }
      const kinds = [...new Set(seg.covers.map((s) => s.kind))];
      const mark = el("mark", { class: kinds.map((k) => "hl-" + k).join(" "), text: piece,
        title: seg.covers.map((s) => s.kind + (s.name ? ": " + s.name : "")).join("; ") });
      if (kinds.includes("evidence") && !first) { mark.id = "evidence-start"; first = mark; }
      box.appendChild(mark);
    }
    return first;
  }

  function metaRow(name, value) {
    if (value === null || value === undefined || value === "" || (Array.isArray(value) && !value.length)) return null;
    return el("div", { class: "meta-row" }, el("span", { class: "meta-key", text: name }), el("span", { class: "meta-val" }, value));
  }

  function people(list, role) {
    return (list || []).map((p) => el("span", { class: "person hl-" + role,
      title: [p.title, p.org].filter(Boolean).join(", ") || p.type, text: p.name }));
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
      metaRow("Where", ev.where ? ev.where.name + (ev.where.country ? " (" + ev.where.country + ")" : "") : null),
      metaRow("Date", ev.when && ev.when.text ? whenText(ev.when) + " — “" + ev.when.text + "” (" + ev.when.basis + ")" : whenText(ev.when) + (ev.when && ev.when.basis ? " (" + ev.when.basis + ")" : "")),
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
    renderLegend();
    readURL();
    loadStats();
    load();
  });
})();
