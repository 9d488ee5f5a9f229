// Home: the regions (to open or compare), actor search, ledger status.
"use strict";

(() => {
  const { api, el, $, clear, link } = LL;
  const q = (LL.query().get("q") || "").trim();
  let cursor = null;

  // The main question on arrival: how does each region's loop do? The last 20 whole years,
  // served from the stored yearly parts.
  const YEARS = 20;

  async function showRegions() {
    const { regions } = await api("/v1/regions");
    const tbody = clear($("regions").tBodies[0]);
    if (!regions.length) {
      tbody.append(el("tr", {}, el("td", { colspan: 8, class: "muted" }, "No region is defined yet (PUT /v1/regions/{slug}).")));
      return;
    }
    const last = new Date().getFullYear() - 1;
    const first = last - YEARS + 1;
    $("headline-period").textContent = `${first}–${last}, window ${document.body.dataset.defaultWindow} years:`;
    const rows = await Promise.all(regions.map(async (region) => {
      const [m, series] = await Promise.all([
        api(`/v1/regions/${encodeURIComponent(region.slug)}/metrics`, { from: `${first}-01-01`, to: `${last}-12-31` }),
        api(`/v1/regions/${encodeURIComponent(region.slug)}/metrics/series`, { from_year: first, to_year: last }),
      ]);
      return { region, m, series };
    }));
    for (const { region, m, series } of rows) {
      const trend = el("div", { class: "chart trend", id: `trend-${region.slug}` });
      tbody.append(
        el("tr", {},
          el("td", {}, el("input", { type: "checkbox", value: region.slug, "aria-label": `compare ${region.name}` })),
          el("td", {}, link(LL.regionUrl(region.slug), region.name), el("div", { class: "muted" }, region.slug)),
          el("td", {}, LL.share(m.recycling_rate)), el("td", {}, LL.share(m.local_recycling_rate)),
          el("td", {}, LL.share(m.local_funding_share)), el("td", {}, String(m.loop_depth ?? LL.DASH)),
          el("td", {}, `${LL.count(m.hops_in)} / ${LL.count(m.hops_out)}`),
          el("td", {}, trend)),
      );
      LL.chart(trend.id, {
        animation: false, grid: { top: 4, bottom: 4, left: 4, right: 4 },
        tooltip: { trigger: "axis", valueFormatter: LL.share },
        xAxis: { type: "category", show: false, data: series.years.map((y) => y.from.slice(0, 4)) },
        yAxis: { type: "value", show: false, min: 0, max: 1 },
        series: [{ name: "recycling rate", type: "line", symbolSize: 3, connectNulls: false, data: series.years.map((y) => y.recycling_rate) }],
      });
    }
  }

  function pagesOf(actor) {
    const pages = [];
    if (actor.kind === "startup") pages.push(link(LL.firmUrl(actor.id), "firm & chain"));
    pages.push(link(LL.actorUrl(actor.id), "recycling"));
    if (actor.type === "organization") pages.push(link(LL.lineageUrl(actor.id), "lineage"));
    return pages.flatMap((a, i) => (i ? [" · ", a] : [a]));
  }

  async function search(more) {
    const tbody = $("results").tBodies[0];
    if (!more) {
      clear(tbody);
      cursor = null;
    }
    const page = await api("/v1/actors", { q, limit: 25, cursor });
    for (const actor of page.actors) {
      const main = actor.kind === "startup" ? LL.firmUrl(actor.id) : LL.actorUrl(actor.id);
      tbody.append(
        el("tr", {},
          el("td", {}, link(main, actor.name)), el("td", {}, el("code", {}, actor.id)), el("td", {}, actor.type),
          el("td", {}, actor.kind || LL.DASH), el("td", {}, actor.location ? LL.place(actor.location) : LL.DASH),
          el("td", {}, pagesOf(actor))),
      );
    }
    if (!more && !page.actors.length) tbody.append(el("tr", {}, el("td", { colspan: 6, class: "muted" }, `Nothing matches “${q}”.`)));
    $("results").hidden = false;
    cursor = page.next_cursor;
    $("results-more").hidden = !cursor;
  }

  async function showStatus() {
    const status = await api("/v1/status");
    const lags = Object.entries(status.derived).map(([name, d]) => `${name} ${d.lag ? `${d.lag} events behind` : "caught up"}`);
    $("status").textContent = `Ledger head: seq ${status.head_seq}; ${lags.join(", ")}.`;
  }

  $("compare-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const slugs = [...$("regions").querySelectorAll("input:checked")].map((box) => box.value);
    if (!slugs.length) return LL.notice("Check one or more regions to compare.");
    location.href = LL.compareUrl(slugs);
  });
  $("results-more").addEventListener("click", () => search(true).catch((error) => LL.notice(error.message, "error")));

  LL.start(async () => {
    $("search-q").value = q;
    await Promise.all([showRegions(), showStatus(), q ? search(false) : null]);
  });
})();
