/* communique web page: the month histogram and the network, drawn by Apache ECharts (vendored
 * from npm by `make install`, served by communique: /static/vendor/echarts.min.js).
 *
 * SVG renderer (the charts are part of the DOM: readable text, testable); tooltips in rich
 * text, never HTML, so no name from a document is ever parsed as markup.
 */
"use strict";

(function () {
  const TYPE_COLORS = {
    AGREE: "#2e7d32", CONSULT: "#1565c0", SUPPORT: "#00897b", CONCEDE: "#7cb342",
    COOPERATE: "#6a1b9a", AID: "#00acc1", RETREAT: "#9e9d24", REQUEST: "#f9a825",
    ACCUSE: "#ef6c00", REJECT: "#d84315", THREATEN: "#c62828", PROTEST: "#ad1457",
    SANCTION: "#4e342e", MOBILIZE: "#5d4037", COERCE: "#b71c1c", ASSAULT: "#880e4f",
  };
  const STATUS_COLORS = {
    occurred: "#2e7d32", planned: "#1565c0", ongoing: "#00897b", cancelled: "#9e9e9e",
    hypothetical: "#8e24aa", negated: "#616161",
  };
  // where the range's slider sits in the histogram's box (its handles are dragged there)
  const SLIDER = { left: 60, right: 40, bottom: 14, height: 26 };
  const NODE_COLORS = { PERSON: "#1565c0", ORG: "#ef6c00", GPE: "#2e7d32", LOC: "#2e7d32" };

  function chartOf(dom) {
    return echarts.getInstanceByDom(dom) || echarts.init(dom, null, { renderer: "svg" });
  }

  // ------------------------------------------------------------------ histogram
  /* data: /api/counts?by=month&stack=… ; range: [since, until] (YYYY-MM… or null);
   * onRange(sinceMonth|null, untilMonth|null) when the user drags or zooms the range. */
  function histogram(dom, data, range, onRange) {
    const chart = chartOf(dom);
    const months = data.months;
    const colors = data.stack === "status" ? STATUS_COLORS : TYPE_COLORS;
    const monthIndex = (value, last) => {
      if (!value || !months.length) return last ? months.length - 1 : 0;
      const m = value.slice(0, 7), y = value.slice(0, 4);
      let i = months.indexOf(m.length === 7 ? m : (last ? y + "-12" : y + "-01"));
      if (i === -1) i = last ? months.findLastIndex((x) => x <= value) : months.findIndex((x) => x >= value.slice(0, 7));
      return i === -1 ? (last ? months.length - 1 : 0) : i;
    };
    const startValue = monthIndex(range[0], false), endValue = monthIndex(range[1], true);
    const series = data.series.map((s) => {
      const color = colors[s.key] || "#607d8b";
      return {
        name: s.key + (s.planned ? " (planned)" : ""), type: "bar",
        data: s.counts.map((n) => n || null),      // no stub of a border where a month has none
        stack: s.planned ? "planned" : "said done", barMaxWidth: 28,
        itemStyle: s.planned ? { color: color, opacity: 0.4, borderColor: color, borderType: "dashed", borderWidth: 1 }
          : { color: color },
        emphasis: { focus: "series" },
      };
    });
    chart.setOption({
      animation: false,
      aria: { enabled: true },
      grid: { left: 44, right: 18, top: 34, bottom: 74 },
      legend: { type: "scroll", top: 0, left: 0, right: 0, itemWidth: 12, itemHeight: 10,
        textStyle: { fontSize: 11 } },
      tooltip: { trigger: "axis", renderMode: "richText", axisPointer: { type: "shadow" } },
      xAxis: { type: "category", data: months, axisLabel: { fontSize: 11 } },
      yAxis: { type: "value", minInterval: 1, axisLabel: { fontSize: 11 } },
      dataZoom: [
        { type: "slider", xAxisIndex: 0, startValue: startValue, endValue: endValue,
          left: SLIDER.left, right: SLIDER.right, bottom: SLIDER.bottom, height: SLIDER.height, brushSelect: true, labelFormatter: (i) => months[i] || "" },
        { type: "inside", xAxisIndex: 0, startValue: startValue, endValue: endValue },
      ],
      series: series,
    }, { notMerge: true });
    chart.off("datazoom");
    let timer = null;
    chart.on("datazoom", () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        const dz = chart.getOption().dataZoom[0];
        let lo = Math.max(0, Math.round(dz.startValue)), hi = Math.min(months.length - 1, Math.round(dz.endValue));
        const full = lo <= 0 && hi >= months.length - 1;
        onRange(full ? null : months[lo], full ? null : months[hi]);
      }, 350);
    });
    return chart;
  }

  // ------------------------------------------------------------------ network
  /* net: /api/network; selected: entity ids in the filter; onNode(node), onEdge(edge). */
  function network(dom, net, selected, onNode, onEdge) {
    const chart = chartOf(dom);
    const chosen = new Set(selected || []);
    const names = new Map(net.nodes.map((n) => [n.id, n.name]));
    const maxW = Math.max(1, ...net.edges.map((e) => e.weight));
    chart.setOption({
      animation: false,
      aria: { enabled: true },
      tooltip: { renderMode: "richText", formatter: (p) => p.dataType === "edge"
        ? names.get(p.data.source) + " — " + names.get(p.data.target) + ": " + p.data.value +
          " meeting" + (p.data.value === 1 ? "" : "s") + (p.data.first ? " (" + p.data.first + " … " + p.data.last + ")" : "")
        : p.data.name + " (" + (p.data.kind || "?") + "): " + p.data.value + " meeting" + (p.data.value === 1 ? "" : "s") },
      series: [{
        type: "graph", layout: "force", roam: true, draggable: true,
        force: { repulsion: 200, gravity: 0.3, edgeLength: [40, 150], layoutAnimation: false, friction: 0.2 },
        zoom: 0.9,
        labelLayout: { hideOverlap: true },
        // a line of 16 px for 11 px type and 3 px each side: the labels kept apart by the
        // overlap check get air (ECharts measures on a canvas; the drawn text runs a little wider)
        label: { show: true, position: "right", fontSize: 11, lineHeight: 16, padding: [0, 3],
          color: "#263238", textBorderColor: "#fff", textBorderWidth: 3 },
        emphasis: { focus: "adjacency", lineStyle: { width: 4 } },
        lineStyle: { color: "#90a4ae", opacity: 0.7 },
        data: net.nodes.map((n) => ({
          id: n.id, name: n.name, value: n.events, kind: n.type,
          // radius on a log scale: 1 meeting → 10 px, 1,000 → about 51 px across
          symbolSize: 10 + 6 * Math.log(1 + n.events),
          itemStyle: { color: NODE_COLORS[n.type] || "#757575",
            borderColor: chosen.has(n.id) ? "#000" : "#fff", borderWidth: chosen.has(n.id) ? 3 : 1 },
          label: chosen.has(n.id) ? { fontWeight: "bold" } : undefined,
        })),
        links: net.edges.map((e) => ({ source: e.source, target: e.target, value: e.weight,
          first: e.first, last: e.last,
          lineStyle: { width: 1 + 5 * Math.log(1 + e.weight) / Math.log(1 + maxW) } })),
      }],
    }, { notMerge: true });
    chart.off("click");
    chart.on("click", (p) => {
      if (p.dataType === "node") onNode(net.nodes[p.dataIndex]);
      else if (p.dataType === "edge") onEdge(net.edges[p.dataIndex]);
    });
    return chart;
  }

  /* Where a node is drawn, in page pixels ({x, y}), or null: for keyboard users' focus rings
   * and for the browser tests, which click it as a user would. */
  function nodePosition(dom, id) {
    const chart = echarts.getInstanceByDom(dom);
    if (!chart) return null;
    const data = chart.getModel().getSeriesByIndex(0).getData();
    for (let i = 0; i < data.count(); i++) {
      if (data.getId(i) !== id) continue;
      const xy = chart.convertToPixel({ seriesIndex: 0 }, data.getItemLayout(i));
      const box = dom.getBoundingClientRect();
      return { x: box.left + xy[0], y: box.top + xy[1] };
    }
    return null;
  }

  function resize() {
    document.querySelectorAll(".chart").forEach((dom) => {
      const chart = echarts.getInstanceByDom(dom);
      if (chart) chart.resize();
    });
  }

  window.communiqueCharts = { histogram, network, nodePosition, resize, TYPE_COLORS, SLIDER };
})();
