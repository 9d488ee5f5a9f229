// Every region as a node and the hops between regions as weighted, directed edges.
"use strict";

(() => {
  const { api, $, escapeHtml } = LL;
  // /v1/compare takes at most 20 regions and gives flows only among those it is asked about:
  // regions go in batches of 10 and every pair of batches is asked once (so every pair of
  // regions is covered), which bounds the calls at 21 for the 60 regions drawn at most.
  const BATCH = 10;
  const MAX_REGIONS = 60;

  function batches(slugs) {
    const out = [];
    for (let i = 0; i < slugs.length; i += BATCH) out.push(slugs.slice(i, i + BATCH));
    const asks = [];
    for (let i = 0; i < out.length; i++) {
      for (let j = i; j < out.length; j++) asks.push(i === j ? out[i] : [...out[i], ...out[j]]);
    }
    return asks;
  }

  LL.start(async () => {
    const period = LL.periodFromQuery();
    const { regions } = await api("/v1/regions");
    const note = $("network-note");
    note.hidden = regions.length <= MAX_REGIONS;
    if (regions.length > MAX_REGIONS) {
      note.textContent = `${regions.length} regions are defined; the first ${MAX_REGIONS} by slug are drawn (the API compares at most 20 at a time, so more would take too many calls).`;
    }
    const shown = regions.slice(0, MAX_REGIONS);
    const names = Object.fromEntries(shown.map((r) => [r.slug, r.name]));
    const flows = {};
    const metrics = {};
    let seq = 0;
    const answers = shown.length ? await Promise.all(batches(shown.map((r) => r.slug)).map((slugs) => api("/v1/compare", { regions: slugs.join(","), ...period }))) : [];
    for (const answer of answers) {
      seq = Math.max(seq, answer.seq);
      Object.assign(metrics, answer.metrics);
      for (const [from, row] of Object.entries(answer.hop_flows)) Object.assign((flows[from] ||= {}), row);
    }
    $("staleness").textContent = `${answers[0] ? `${answers[0].from} to ${answers[0].to}` : "no region"}, window ${period.window_years} years · ledger seq ${seq}`;

    const local = (s) => (flows[s] && flows[s][s]) || 0;
    const biggest = Math.max(1, ...shown.map((r) => local(r.slug)));
    // Placed on a circle here rather than by ECharts' circular layout, which bends every edge
    // towards the centre: the two directions between a pair of regions would lie on each other.
    // Labels point away from the centre; big nodes shrink when there are many.
    const growth = Math.min(46, 700 / Math.max(1, shown.length));
    const nodes = shown.map((r, i) => {
      const angle = (2 * Math.PI * i) / shown.length - Math.PI / 2;
      const [x, y] = [Math.cos(angle), Math.sin(angle)];
      const position = x < -0.25 ? "left" : x > 0.25 ? "right" : y < 0 ? "top" : "bottom";
      return {
        id: r.slug, name: r.name, category: i, value: local(r.slug), firms: metrics[r.slug] ? metrics[r.slug].firms_founded : null,
        symbolSize: 16 + growth * Math.sqrt(local(r.slug) / biggest), x: 100 * x, y: 100 * y, label: { position },
      };
    });
    $("chart-network").style.height = `${Math.max(560, 18 * shown.length)}px`;
    const links = [];
    for (const [from, row] of Object.entries(flows)) {
      for (const [to, hops] of Object.entries(row)) if (from !== to && hops > 0) links.push({ source: from, target: to, value: hops });
    }
    const heaviest = Math.max(1, ...links.map((l) => l.value));
    for (const l of links) l.lineStyle = { width: 1 + 7 * (l.value / heaviest), curveness: 0.2 };

    const chart = LL.chart("chart-network", {
      title: { text: links.length ? "Hops between regions" : "No hops between regions in the period", left: 8, textStyle: { fontSize: 14 } },
      tooltip: {
        formatter: (p) => p.dataType === "edge"
          ? `${escapeHtml(names[p.data.source])} → ${escapeHtml(names[p.data.target])}: ${p.data.value} hops`
          : `<b>${escapeHtml(p.data.name)}</b><br>${p.data.value} hops within the region<br>${p.data.firms ?? "?"} firms founded<br>click to open`,
      },
      series: [{
        type: "graph", layout: "none", preserveAspect: true, roam: true, data: nodes, links, top: 60, bottom: 60, left: 320, right: 320,
        categories: shown.map((r) => ({ name: r.name })),
        edgeSymbol: ["none", "arrow"], edgeSymbolSize: 10,
        label: { show: true, formatter: (p) => p.data.name },
        edgeLabel: { show: true, formatter: (p) => String(p.data.value), fontSize: 11 },
        lineStyle: { color: "source", opacity: 0.7 },
        emphasis: { focus: "adjacency" },
      }],
    });
    chart.off("click");
    chart.on("click", (p) => {
      if (p.dataType === "node") location.href = LL.regionUrl(p.data.id);
    });
  });
})();
