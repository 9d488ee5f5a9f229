// An organisation's alumni tree: firms founded out of it, then out of those, as an ECharts tree.
"use strict";

(() => {
  const { api, $, escapeHtml } = LL;
  const id = document.body.dataset.id;
  const DEFAULT_DEPTH = 3;
  const MAX_FIRMS = 1500;
  const ROW_HEIGHT = 22;

  // The API names each firm's parents (previous generation); a tree shows one, the first.
  function tree(lineage) {
    // The root's name can be long: it goes under its node, wrapped, rather than off the left edge.
    const root = {
      id: lineage.root.id, name: lineage.root.name || lineage.root.id, generation: 0, children: [],
      label: { position: "bottom", align: "center", verticalAlign: "top", width: 200, overflow: "break", lineHeight: 15, fontWeight: "bold" },
    };
    const nodes = new Map([[root.id, root]]);
    for (const f of lineage.firms.slice(0, MAX_FIRMS)) {
      const node = { id: f.id, name: f.name || f.id, generation: f.generation, founders: f.founders, parents: f.parents, children: [] };
      nodes.set(f.id, node);
      (nodes.get(f.parents[0]) || root).children.push(node);
    }
    return root;
  }

  const leaves = (node) => (node.children.length ? node.children.reduce((n, c) => n + leaves(c), 0) : 1);

  function tooltip(p) {
    const d = p.data;
    if (!d.generation) return `<b>${escapeHtml(d.name)}</b>`;
    return [
      `<b>${escapeHtml(d.name)}</b>`, escapeHtml(d.id), `generation ${d.generation}`,
      d.founders.length ? `founders: ${escapeHtml(d.founders.join(", "))}` : "",
      d.parents.length > 1 ? `also out of: ${escapeHtml(d.parents.slice(1).join(", "))}` : "",
      "click to open",
    ].filter(Boolean).join("<br>");
  }

  LL.start(async () => {
    const maxDepth = LL.query().get("max_depth") || DEFAULT_DEPTH;
    LL.fillForm({ "max-depth": maxDepth });
    const lineage = await api(`/v1/lineage/${LL.encodeId(id)}`, { max_depth: maxDepth });
    const name = lineage.root.name || lineage.root.id;
    document.title = `Lineage of ${name} · loopledger`;
    $("title").textContent = `Lineage of ${name}`;
    const generations = Math.max(0, ...lineage.firms.map((f) => f.generation));
    $("summary").textContent =
      `${lineage.alumni_founded} firms founded by its alumni, ${lineage.firms.length} in ${generations} generation${generations === 1 ? "" : "s"} ` +
      `(at most ${maxDepth})` + (lineage.firms.length > MAX_FIRMS ? `; the first ${MAX_FIRMS} are drawn` : "") + ` · ledger seq ${lineage.seq}`;
    const data = tree(lineage);
    // One row per leaf keeps labels apart, however wide the tree.
    $("chart-lineage").style.height = `${Math.max(560, leaves(data) * ROW_HEIGHT + 80)}px`;
    const chart = LL.chart("chart-lineage", {
      tooltip: { trigger: "item", formatter: tooltip, confine: true },
      series: [{
        type: "tree", data: [data], orient: "LR", top: 24, bottom: 48, left: 120, right: 260,
        initialTreeDepth: -1, expandAndCollapse: false, symbolSize: 10,
        label: { position: "left", verticalAlign: "middle", align: "right", fontSize: 12 },
        leaves: { label: { position: "right", verticalAlign: "middle", align: "left" } },
        emphasis: { focus: "descendant" },
      }],
    });
    chart.off("click");
    chart.on("click", (p) => {
      if (p.data && p.data.generation) location.href = LL.firmUrl(p.data.id);
    });
  });
})();
