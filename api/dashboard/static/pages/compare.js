// Regions side by side: their metric sets, and the hop flows between them (Sankey and matrix).
"use strict";

(() => {
  const { api, el, $, clear, share } = LL;
  const MAX_REGIONS = 20; // what /v1/compare accepts
  const RATES = [
    ["recycling_rate", "recycling rate"],
    ["local_recycling_rate", "local recycling rate"],
    ["recycled_funding_share", "recycled funding share"],
    ["local_funding_share", "local funding share"],
    ["serial_founder_share", "serial founder share"],
    ["retention_rate", "retention rate"],
  ];

  function chosen() {
    return (LL.query().get("regions") || "").split(",").map((s) => s.trim()).filter(Boolean);
  }

  function showChoices(regions, slugs) {
    const box = clear($("region-choices"));
    for (const region of regions) {
      box.append(el("label", {}, el("input", { type: "checkbox", value: region.slug, checked: slugs.includes(region.slug) }), region.name));
    }
  }

  function showTable(result, names) {
    const { regions, metrics } = result;
    const table = clear($("metrics"));
    table.append(el("thead", {}, el("tr", {}, el("th", {}, "metric"), regions.map((s) => el("th", {}, LL.link(LL.regionUrl(s), names[s] || s))))));
    const rows = el("tbody");
    for (const [key, label, format] of LL.METRICS) {
      rows.append(el("tr", {}, el("td", { title: key }, label), regions.map((s) => el("td", { class: "num" }, format(metrics[s][key])))));
    }
    const kinds = [...new Set(regions.flatMap((s) => Object.keys(metrics[s].spinoff_share)))].sort();
    for (const kind of kinds) {
      rows.append(el("tr", {}, el("td", { title: "spinoff_share" }, `founded out of a ${kind.replaceAll("_", " ")}`),
        regions.map((s) => el("td", { class: "num" }, share(metrics[s].spinoff_share[kind] ?? 0)))));
    }
    table.append(rows);
  }

  function showRates(result, names) {
    LL.chart("chart-rates", {
      title: { text: "Shares side by side", left: 8, textStyle: { fontSize: 14 } },
      legend: { top: 30 }, grid: { top: 70, left: 56, right: 16, bottom: 72 },
      tooltip: { trigger: "axis", valueFormatter: share },
      xAxis: { type: "category", data: RATES.map(([, label]) => label), axisLabel: { interval: 0, rotate: 20 } },
      yAxis: { type: "value", min: 0, max: 1, axisLabel: { formatter: (v) => `${Math.round(v * 100)}%` } },
      series: result.regions.map((s) => ({ name: names[s] || s, type: "bar", data: RATES.map(([key]) => result.metrics[s][key]) })),
    });
  }

  // Flows between regions run both ways, and a Sankey must be acyclic: sources on the left and
  // targets on the right are separate nodes.
  function showFlows(result, names) {
    const label = (s) => names[s] || s;
    const links = [];
    for (const [from, row] of Object.entries(result.hop_flows)) {
      for (const [to, hops] of Object.entries(row)) {
        if (hops > 0) links.push({ source: `${label(from)} ▸`, target: `▸ ${label(to)}`, value: hops });
      }
    }
    const nodes = [...new Set(links.flatMap((l) => [l.source, l.target]))].map((name) => ({ name }));
    LL.chart("chart-flows", {
      title: { text: links.length ? "Hop flows: from (left) to (right)" : "No hops between these regions in the period", left: 8, textStyle: { fontSize: 14 } },
      tooltip: { trigger: "item" },
      series: [{ type: "sankey", top: 40, bottom: 16, left: 16, right: 120, nodeAlign: "justify", emphasis: { focus: "adjacency" }, data: nodes, links, lineStyle: { color: "source", opacity: 0.35 } }],
    });

    const table = clear($("flows"));
    table.append(el("thead", {}, el("tr", {}, el("th", {}, "from \\ to"), result.regions.map((s) => el("th", {}, label(s))))));
    table.append(el("tbody", {}, result.regions.map((from) =>
      el("tr", {}, el("th", {}, label(from)), result.regions.map((to) =>
        el("td", { class: from === to ? "self" : "" }, LL.count(result.hop_flows[from][to])))))));
  }

  $("compare-form").addEventListener("submit", () => {
    $("regions-field").value = [...$("region-choices").querySelectorAll("input:checked")].map((box) => box.value).join(",");
  });

  LL.start(async () => {
    const period = LL.periodFromQuery();
    LL.fillForm({ from: period.from, to: period.to, window: period.window_years });
    const { regions } = await api("/v1/regions");
    const names = Object.fromEntries(regions.map((r) => [r.slug, r.name]));
    let slugs = chosen();
    if (!slugs.length) slugs = regions.slice(0, 3).map((r) => r.slug);
    showChoices(regions, slugs);
    if (!slugs.length) return;
    if (slugs.length > MAX_REGIONS) {
      LL.notice(`The API compares at most ${MAX_REGIONS} regions at a time: showing the first ${MAX_REGIONS}.`);
      slugs = slugs.slice(0, MAX_REGIONS);
    }
    const result = await api("/v1/compare", { regions: slugs.join(","), ...period });
    const stale = result.regions.filter((s) => result.metrics[s].stale);
    $("staleness").textContent =
      `${result.from} to ${result.to}, window ${result.window_years} years · ledger seq ${result.seq}` +
      (stale.length ? ` · stale metric sets: ${stale.join(", ")}` : " · up to date");
    document.title = `${slugs.map((s) => names[s] || s).join(" vs ")} · loopledger`;
    showTable(result, names);
    showRates(result, names);
    showFlows(result, names);
  });
})();
