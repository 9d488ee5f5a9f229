// An investor or founder: liquidity events (exits they took part in) and the reinvestments after
// them, paged, with the firms that grew downstream.
"use strict";

(() => {
  const { api, el, $, clear, link, usd, escapeHtml } = LL;
  const id = document.body.dataset.id;
  const recyclingPath = `/v1/actors/${LL.encodeId(id)}/recycling`;
  const PAGE = 50;
  const KINDS = ["liquidity event", "capital", "founder", "fund", "mentor"];
  let shown = { liquidity: [], reinvestments: [] };

  function showProfile(profile) {
    const name = profile.name || profile.id;
    document.title = `${name} · loopledger`;
    $("title").textContent = name;
    const location = profile.location_now || profile.location;
    $("facts").textContent = [profile.id, profile.type, profile.kind, location ? LL.place(location) : null].filter(Boolean).join(" · ");
    const links = clear($("links"));
    if (profile.kind === "startup") links.append(link(LL.firmUrl(id), "firm lifecycle and chain"));
    if (profile.type === "organization") links.append(link(LL.lineageUrl(id), "firms founded by its alumni"));
    for (const f of profile.founded) links.append(el("span", {}, "founder of ", LL.firmLink(f.firm), " "));
  }

  // One point per liquidity event and per reinvestment shown so far, on a time axis by kind.
  function drawTimeline() {
    const point = (on, kind, label) => ({ value: [on, KINDS.indexOf(kind)], label });
    const series = [
      { name: "liquidity event", type: "scatter", symbol: "diamond", symbolSize: 14, data: shown.liquidity.map((l) => point(l.on, "liquidity event", `exit of ${l.firm}`)) },
      { name: "reinvestment", type: "scatter", symbolSize: 10, data: shown.reinvestments.map((h) => point(h.on, h.kind, `${h.from} → ${h.to}${h.amount_usd ? `, ${usd(h.amount_usd)}` : ""}`)) },
    ];
    LL.chart("chart-recycling", {
      title: { text: "Exits and what followed", left: 8, textStyle: { fontSize: 14 } },
      legend: { top: 30 }, grid: { top: 70, left: 110, right: 24, bottom: 32 },
      tooltip: { trigger: "item", formatter: (p) => `${p.value[0]}<br>${escapeHtml(KINDS[p.value[1]])}: ${escapeHtml(p.data.label)}` },
      xAxis: { type: "time" },
      yAxis: { type: "category", data: KINDS, inverse: true },
      series,
    });
  }

  function addReinvestments(hops) {
    const tbody = $("reinvestments").tBodies[0];
    for (const h of hops) {
      tbody.append(el("tr", {}, el("td", {}, h.on), el("td", {}, h.kind, h.fund ? el("span", { class: "muted" }, ` (${h.fund})`) : ""),
        el("td", {}, LL.firmLink(h.from)), el("td", {}, LL.firmLink(h.to)), el("td", {}, usd(h.amount_usd))));
    }
    shown.reinvestments.push(...hops);
  }

  let cursor = null;
  let windowYears = null;
  $("reinvestments-more").addEventListener("click", async (event) => {
    const button = event.currentTarget;
    button.disabled = true;
    try {
      const page = await api(recyclingPath, { window_years: windowYears, limit: PAGE, cursor });
      cursor = page.next_cursor;
      addReinvestments(page.reinvestments);
      button.hidden = !cursor;
      drawTimeline();
    } catch (error) {
      LL.notice(error.message, "error");
    } finally {
      button.disabled = false;
    }
  });

  LL.start(async () => {
    windowYears = LL.query().get("window_years") || document.body.dataset.defaultWindow;
    LL.fillForm({ window: windowYears });
    const [profile, recycling] = await Promise.all([api(`/v1/actors/${LL.encodeId(id)}`), api(recyclingPath, { window_years: windowYears, limit: PAGE })]);
    showProfile(profile);
    shown = { liquidity: recycling.liquidity_events, reinvestments: [] };
    $("summary").textContent =
      `${recycling.recycled ? "Recycled" : "Not recycled"}: ${recycling.liquidity_events.length} liquidity events, ` +
      `${LL.count(recycling.reinvestments_total)} reinvestments within ${recycling.window_years} years, ` +
      `${recycling.downstream.length} firms downstream · ledger seq ${recycling.seq}${recycling.stale ? " (stale)" : ""}`;

    const liquidity = clear($("liquidity").tBodies[0]);
    for (const l of recycling.liquidity_events) {
      liquidity.append(el("tr", {}, el("td", {}, l.on), el("td", {}, LL.firmLink(l.firm)), el("td", {}, l.listed ? el("span", { class: "tag" }, "own IPO") : "")));
    }
    if (!recycling.liquidity_events.length) liquidity.append(el("tr", {}, el("td", { colspan: 3, class: "muted" }, "None recorded.")));

    clear($("reinvestments").tBodies[0]);
    addReinvestments(recycling.reinvestments);
    cursor = recycling.next_cursor;
    $("reinvestments-more").hidden = !cursor;

    const downstream = clear($("downstream"));
    for (const f of recycling.downstream) downstream.append(el("li", {}, LL.firmLink(f.id, f.name), el("span", { class: "muted" }, ` gen ${f.generation}`)));
    if (!recycling.downstream.length) downstream.append(el("li", { class: "muted" }, "None."));
    drawTimeline();
  });
})();
