// A firm: its lifecycle, and its upstream and downstream recycling chain as a graph of firms.
"use strict";

(() => {
  const { api, el, $, clear, link, money, usd, escapeHtml } = LL;
  const id = document.body.dataset.id;
  const chainPath = `/v1/chains/${LL.encodeId(id)}`;
  // The graph draws the first page of each direction's firms with the edges the answer gives for
  // them, never the hops (which can be thousands per pair on a large ledger): those are paged
  // from the hops route in the tables.
  const DEFAULT_DEPTH = 3;
  const HOPS_PAGE = 20;
  const CHAIN_PAGE = 200;
  // A generation is a band of columns, wrapped so that a big generation is not one tall line.
  const BAND_GAP = 300;
  const SUB_GAP = 200;
  const ROW_GAP = 56;
  const rowsFor = (n) => Math.max(12, Math.ceil(Math.sqrt(n * 1.6)));

  // ---- lifecycle ----------------------------------------------------------------------------

  const actors = (ids) => ids.flatMap((a, i) => (i ? [", ", LL.actorLink(a)] : [LL.actorLink(a)]));
  const words = (text) => String(text).replaceAll("_", " ");

  function lifecycleItems(profile) {
    const life = profile.lifecycle;
    const items = [];
    const add = (on, kind, what, ...detail) => items.push({ on, kind, what, detail: detail.filter((d) => d !== null && d !== "") });
    const f = life.founded;
    if (f) {
      add(f.on, "founded", "Founded",
        LL.place(f.location), f.sector ? ` · ${f.sector}` : null, f.business_model ? ` · ${words(f.business_model)}` : null,
        f.founders.length ? el("div", {}, "founders: ", actors(f.founders.map((x) => x.person))) : null,
        f.origins.length ? el("div", {}, "origins: ", f.origins.flatMap((o, i) => [i ? ", " : "", link(LL.lineageUrl(o.org), o.org), ` (${words(o.relation)})`])) : null);
    }
    for (const r of life.rounds) {
      add(r.on, "round", `${words(r.round)} round`, money(r.amount),
        r.valuation_post ? ` · post-money ${money(r.valuation_post)}` : null,
        r.investors.length ? el("div", {}, "investors: ", actors(r.investors.map((x) => x.investor))) : null);
    }
    for (const d of life.deals) {
      const out = d.licensor === id;
      add(d.on, "deal", out ? "Licensed out" : "Licensed in",
        d.technology || null, el("div", {}, out ? "to " : "from ", LL.actorLink(out ? d.licensee : d.licensor)),
        d.upfront ? el("div", {}, `upfront ${money(d.upfront)}`, d.milestones ? `, milestones ${money(d.milestones)}` : "", d.royalty_pct ? `, royalty ${d.royalty_pct}%` : "") : null);
    }
    for (const x of life.exits) {
      const what = x.kind === "ipo" ? `IPO${x.exchange ? ` on ${x.exchange}` : ""}` : "Acquired";
      add(x.on, "exit", what,
        x.acquirer ? el("span", {}, "by ", LL.actorLink(x.acquirer), " ") : null,
        x.value ? `${x.kind === "ipo" ? "market cap" : "price"} ${money(x.value)}` : null,
        x.raised ? ` · raised ${money(x.raised)}` : null,
        x.proceeds && x.proceeds.length ? el("div", {}, "proceeds to: ", actors(x.proceeds.map((p) => p.actor))) : null);
    }
    for (const m of life.relocations) add(m.on, "relocation", "Moved", `to ${LL.place(m.location)}`);
    if (life.closure) add(life.closure.on, "closure", "Closed", life.closure.reason || null);
    for (const h of life.headcount) add(h.on, "headcount", `${LL.count(h.employees)} employees`);
    return items.sort((a, b) => a.on.localeCompare(b.on));
  }

  // A person or an investor has no chain of its own: say so and point to the pages it has.
  function showNotAFirm(profile) {
    const name = profile.name || profile.id;
    document.title = `${name} · loopledger`;
    $("title").textContent = name;
    const what = profile.type === "person" ? "a person" : `an organization of kind ${profile.kind}`;
    $("facts").textContent = `${profile.id} is ${what}, not a firm: recycling chains start at founded firms (startups).`;
    clear($("links")).append(link(LL.actorUrl(id), "its recycling as an actor"), link(LL.lineageUrl(id), "firms founded by its alumni"));
    $("chain-part").hidden = true;
  }

  function showProfile(profile) {
    const name = profile.name || profile.id;
    document.title = `${name} · loopledger`;
    $("title").textContent = name;
    const f = profile.lifecycle.founded;
    $("facts").textContent = [profile.id, profile.kind, LL.place(profile.location_now), f && f.sector].filter(Boolean).join(" · ");
    clear($("links")).append(
      link(LL.actorUrl(id), "as an investor (recycling)"),
      link(LL.lineageUrl(id), "firms founded by its alumni"),
    );
    const list = clear($("timeline"));
    for (const item of lifecycleItems(profile)) {
      list.append(el("li", { class: item.kind }, el("span", { class: "date" }, item.on), el("span", { class: "what" }, item.what), " ", item.detail));
    }
    if (!list.children.length) list.append(el("li", { class: "muted" }, "No lifecycle event recorded."));
  }

  // ---- chain graph --------------------------------------------------------------------------

  const viaKey = (from, to) => `${from}\u0000${to}`;

  function edgeText(edge, vias) {
    const names = [...(vias.get(viaKey(edge.from, edge.to)) || [])];
    const who = names.length === edge.vias ? names.slice(0, 2).join(", ") + (names.length > 2 ? ` +${names.length - 2}` : "") : `${edge.vias} actor${edge.vias > 1 ? "s" : ""}`;
    return [who, edge.kinds.join("/"), edge.first_on, edge.amount_usd === null ? null : usd(edge.amount_usd)].filter(Boolean).join(" · ");
  }

  function generationLabel(g) {
    if (g === 0) return "this firm";
    return g > 0 ? `downstream, generation ${g}` : `upstream, generation ${-g}`;
  }

  const COLORS = { root: "#1d4e89", down: "#2e7d4f", up: "#c46a00" };

  const total = (chain) => chain.generations.reduce((sum, g) => sum + g.firms, 0);

  function drawGraph(down, up, hops) {
    const rootId = down.root.id;
    const firms = new Map([[rootId, { id: rootId, name: down.root.name, generation: 0 }]]);
    // A firm both up- and downstream (firm edges can form cycles) is drawn once, downstream.
    for (const f of down.firms) if (!firms.has(f.id)) firms.set(f.id, { ...f });
    for (const f of up.firms) if (!firms.has(f.id)) firms.set(f.id, { ...f, generation: -f.generation });
    const shown = [...firms.values()];
    const note = $("chain-note");
    const partial = [down, up].filter((c) => c.next_cursor);
    note.hidden = !partial.length;
    if (partial.length) {
      note.textContent = partial.map((c) => `${c.direction}: ${LL.count(total(c))} firms at this depth, the ${c.firms.length} nearest drawn`).join(" · ") +
        ". Ask for fewer generations to see all of them.";
    }
    const columns = new Map();
    for (const f of shown) columns.set(f.generation, [...(columns.get(f.generation) || []), f]);
    const nodes = [];
    let left = 0;
    for (const g of [...columns.keys()].sort((a, b) => a - b)) {
      const column = columns.get(g).sort((a, b) => (a.name || a.id).localeCompare(b.name || b.id));
      const rows = Math.min(rowsFor(column.length), column.length);
      const color = g === 0 ? COLORS.root : g > 0 ? COLORS.down : COLORS.up;
      column.forEach((f, i) => {
        const sub = Math.floor(i / rows);
        // Every other column half a row down, so that labels and straight edges do not line up.
        const y = (i % rows - (rows - 1) / 2) * ROW_GAP + (sub % 2 ? ROW_GAP / 2 : 0);
        nodes.push({ id: f.id, name: f.name || f.id, generation: g, x: left + sub * SUB_GAP, y, symbolSize: g === 0 ? 30 : 18, itemStyle: { color } });
      });
      left += (Math.ceil(column.length / rows) - 1) * SUB_GAP + BAND_GAP;
    }
    const drawn = new Set(nodes.map((n) => n.id));

    const vias = new Map();
    for (const hop of hops) {
      const key = viaKey(hop.from, hop.to);
      vias.set(key, new Set([...(vias.get(key) || []), hop.via]));
    }
    const edges = new Map();
    for (const e of [...down.edges, ...up.edges]) {
      if (drawn.has(e.from) && drawn.has(e.to)) edges.set(viaKey(e.from, e.to), e);
    }
    const generation = new Map(nodes.map((n) => [n.id, n.generation]));
    const links = [...edges.values()].map((e) => ({
      source: e.from, target: e.to, edge: e, text: edgeText(e, vias),
      lineStyle: { width: 1 + Math.log2(e.hops), color: generation.get(e.to) > 0 ? COLORS.down : COLORS.up },
    }));

    const names = new Map(nodes.map((n) => [n.id, n.name]));
    const tooltip = (p) => {
      if (p.dataType === "edge") {
        const e = p.data.edge;
        const known = [...(vias.get(viaKey(e.from, e.to)) || [])];
        return [
          `<b>${escapeHtml(names.get(e.from))} → ${escapeHtml(names.get(e.to))}</b>`,
          `${e.hops} hop${e.hops > 1 ? "s" : ""} by ${e.vias} actor${e.vias > 1 ? "s" : ""}: ${escapeHtml(e.kinds.join(", "))}`,
          `first on ${e.first_on}`,
          `amount ${e.amount_usd === null ? "unknown" : usd(e.amount_usd)}`,
          known.length ? `actors (on the hops pages shown): ${escapeHtml(known.join(", "))}` : "",
        ].filter(Boolean).join("<br>");
      }
      return `<b>${escapeHtml(p.data.name)}</b><br>${escapeHtml(p.data.id)}<br>${generationLabel(p.data.generation)}` +
        (p.data.id === rootId ? "" : "<br>click to open");
    };

    const chart = LL.chart("chart-chain", {
      animation: false,
      tooltip: { formatter: tooltip, confine: true },
      series: [{
        type: "graph", layout: "none", roam: true, data: nodes, links,
        edgeSymbol: ["none", "arrow"], edgeSymbolSize: 8,
        label: { show: true, position: "bottom", fontSize: 11, formatter: (p) => (p.data.name.length > 28 ? p.data.name.slice(0, 27) + "…" : p.data.name) },
        edgeLabel: { show: links.length <= 30, fontSize: 10, color: "#5b6878", formatter: (p) => p.data.text },
        lineStyle: { curveness: 0.12, opacity: 0.45 },
        emphasis: { focus: "adjacency", edgeLabel: { show: true }, lineStyle: { opacity: 1 } },
      }],
    });
    chart.off("click");
    chart.on("click", (p) => {
      if (p.dataType === "node" && p.data.id !== rootId) location.href = LL.firmUrl(p.data.id);
    });
  }

  // ---- hops tables --------------------------------------------------------------------------

  function showHops(boxId, chain, first, names) {
    const box = clear($(boxId));
    box.append(el("h3", {}, `${chain.direction}: hops in date order`));
    if (!first.hops.length) {
      box.append(el("p", { class: "muted" }, "none"));
      return;
    }
    const firm = (f) => LL.firmLink(f, names.get(f));
    const tbody = el("tbody");
    box.append(el("table", { class: "list" }, el("thead", {}, el("tr", {}, ["date", "kind", "from", "into", "via", "amount"].map((h) => el("th", {}, h)))), tbody));
    const more = el("button", { type: "button" }, "More hops");
    box.append(more);
    let cursor = first.next_cursor;
    const add = (hops) => {
      for (const h of hops) {
        tbody.append(el("tr", {}, el("td", {}, h.on), el("td", {}, h.kind, h.listed ? " (listed firm)" : ""), el("td", {}, firm(h.from)),
          el("td", {}, firm(h.to)), el("td", {}, LL.actorLink(h.via), h.fund ? el("span", { class: "muted" }, ` via ${h.fund}`) : ""), el("td", {}, usd(h.amount_usd))));
      }
      more.hidden = !cursor;
    };
    add(first.hops);
    more.addEventListener("click", async () => {
      more.disabled = true;
      try {
        const params = { direction: chain.direction, window_years: chain.window_years, max_depth: chain.max_depth, limit: HOPS_PAGE, cursor };
        const page = await api(`${chainPath}/hops`, params);
        cursor = page.next_cursor;
        add(page.hops);
      } catch (error) {
        LL.notice(error.message, "error");
      } finally {
        more.disabled = false;
      }
    });
  }

  LL.start(async () => {
    const q = LL.query();
    const params = { max_depth: q.get("max_depth") || DEFAULT_DEPTH, window_years: q.get("window_years") || document.body.dataset.defaultWindow };
    LL.fillForm({ "max-depth": params.max_depth, window: params.window_years });
    const profile = await api(`/v1/actors/${LL.encodeId(id)}`);
    if (profile.kind !== "startup") {
      showNotAFirm(profile);
      return;
    }
    const [down, up, downHops, upHops] = await Promise.all([
      api(chainPath, { ...params, direction: "downstream", limit: CHAIN_PAGE }),
      api(chainPath, { ...params, direction: "upstream", limit: CHAIN_PAGE }),
      api(`${chainPath}/hops`, { ...params, direction: "downstream", limit: HOPS_PAGE }),
      api(`${chainPath}/hops`, { ...params, direction: "upstream", limit: HOPS_PAGE }),
    ]);
    showProfile(profile);
    const names = new Map([[down.root.id, down.root.name], ...[...down.firms, ...up.firms].map((f) => [f.id, f.name])]);
    clear($("chain-summary")).append(
      `${params.max_depth} generations, window ${params.window_years} years · downstream ${LL.count(total(down))} firms (multiplier ${down.multiplier} at any depth) · `,
      `upstream ${LL.count(total(up))} firms (${up.multiplier} at any depth) · ledger seq ${down.seq}`,
    );
    drawGraph(down, up, [...downHops.hops, ...upHops.hops]);
    showHops("hops-down", down, downHops, names);
    showHops("hops-up", up, upHops, names);
  });
})();
