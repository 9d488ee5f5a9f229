// Home: the regions (to open or compare), actor search, ledger status.
"use strict";

(() => {
  const { api, el, $, clear, link } = LL;
  const q = (LL.query().get("q") || "").trim();
  let cursor = null;

  async function showRegions() {
    const { regions } = await api("/v1/regions");
    const list = clear($("regions"));
    if (!regions.length) list.append(el("li", { class: "muted" }, "No region is defined yet (PUT /v1/regions/{slug})."));
    for (const region of regions) {
      list.append(
        el("li", {},
          el("input", { type: "checkbox", value: region.slug, "aria-label": `compare ${region.name}` }), " ",
          link(LL.regionUrl(region.slug), region.name), el("span", { class: "muted" }, ` ${region.slug}`)),
      );
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
