// A region: its metric set for a period and window, and yearly charts from /metrics/series.
"use strict";

(() => {
  const { api, el, $, clear, count, usd, share } = LL;
  const slug = document.body.dataset.slug;

  const card = (name, value, title) => el("div", { class: "card", title }, el("div", { class: "value" }, value), el("div", { class: "name" }, name));

  function showCards(m) {
    const cards = clear($("cards"));
    for (const [key, name, format] of LL.METRICS) cards.append(card(name, format(m[key]), key));
    for (const [kind, value] of Object.entries(m.spinoff_share)) cards.append(card(`founded out of a ${kind.replaceAll("_", " ")}`, share(value), "spinoff_share"));
    if (!m.window_complete && m.window_ends_on) {
      cards.append(card("reinvestment window still open", `until ${m.window_ends_on}`, "window_complete"));
    }
  }

  // The default period starts in 1900: leading years with nothing in them are left off the charts.
  function activeYears(years) {
    const busy = (y) => y.firms_founded || y.active_firms || y.exits || y.liquidity_actors || Number(y.funding_usd) || y.local_hops || y.hops_in;
    const first = years.findIndex(busy);
    return first < 0 ? years : years.slice(first);
  }

  const percentAxis = { type: "value", min: 0, max: 1, axisLabel: { formatter: (v) => `${Math.round(v * 100)}%` } };
  const lines = (years, keys) =>
    keys.map(([key, name]) => ({ name, type: "line", connectNulls: false, showSymbol: years.length < 40, data: years.map((y) => y[key]) }));

  function showSeries(series) {
    const years = activeYears(series.years);
    const x = { type: "category", data: years.map((y) => y.from.slice(0, 4)) };
    const common = { legend: { top: 30 }, grid: { top: 70, left: 64, right: 24, bottom: 32 }, tooltip: { trigger: "axis" }, xAxis: x };
    const pct = { ...common, tooltip: { trigger: "axis", valueFormatter: share } };
    LL.chart("chart-rates", {
      ...pct, title: { text: "Recycling rate", left: 8, textStyle: { fontSize: 14 } }, yAxis: percentAxis,
      series: lines(years, [["recycling_rate", "recycling rate"], ["local_recycling_rate", "local recycling rate"]]),
    });
    LL.chart("chart-shares", {
      ...pct, title: { text: "Funding: recycled and local share", left: 8, textStyle: { fontSize: 14 } }, yAxis: percentAxis,
      series: lines(years, [["recycled_funding_share", "recycled funding share"], ["local_funding_share", "local funding share"]]),
    });
    LL.chart("chart-funding", {
      ...common, tooltip: { trigger: "axis", valueFormatter: usd }, title: { text: "Funding (USD)", left: 8, textStyle: { fontSize: 14 } },
      yAxis: { type: "value", axisLabel: { formatter: usd } },
      series: [{ name: "funding", type: "bar", data: years.map((y) => Number(y.funding_usd)) }],
    });
    LL.chart("chart-firms", {
      ...common, title: { text: "Firms founded and exits", left: 8, textStyle: { fontSize: 14 } }, yAxis: { type: "value", minInterval: 1 },
      series: [
        { name: "firms founded", type: "bar", data: years.map((y) => y.firms_founded) },
        { name: "exits", type: "bar", data: years.map((y) => y.exits) },
      ],
    });
    LL.chart("chart-depth", {
      ...common, title: { text: "Loop depth (longest local chain, hops)", left: 8, textStyle: { fontSize: 14 } }, yAxis: { type: "value", minInterval: 1 },
      series: [{ name: "loop depth", type: "line", step: "end", data: years.map((y) => y.loop_depth) }],
    });
    const seq = Math.min(...series.years.map((y) => y.seq));
    const stale = series.years.some((y) => y.stale);
    $("series-note").textContent =
      `${years.length} years (${x.data[0]}–${x.data[x.data.length - 1]}), window ${series.window_years} years, ` +
      `through ledger seq ${seq}${stale ? " (stale: newer events are not counted yet)" : ""}.`;
  }

  LL.start(async () => {
    const period = LL.periodFromQuery();
    LL.fillForm({ from: period.from, to: period.to, window: period.window_years });
    $("compare-link").href = LL.compareUrl([slug]);
    const toYear = Number(period.to.slice(0, 4));
    // The series answers at most 200 years.
    const fromYear = Math.max(Number(period.from.slice(0, 4)), toYear - 200);
    const [region, metrics, series] = await Promise.all([
      api(`/v1/regions/${encodeURIComponent(slug)}`),
      api(`/v1/regions/${encodeURIComponent(slug)}/metrics`, period),
      api(`/v1/regions/${encodeURIComponent(slug)}/metrics/series`, { from_year: fromYear, to_year: toYear, window_years: period.window_years }),
    ]);
    document.title = `${region.name} · loopledger`;
    $("title").textContent = region.name;
    $("members").textContent = `${region.slug}: ${region.members.map(LL.place).join("; ")} (revision ${region.revision})`;
    LL.staleness($("staleness"), metrics);
    $("staleness").prepend(`${metrics.from} to ${metrics.to}, window ${metrics.window_years} years · `);
    showCards(metrics);
    showSeries(series);
  });
})();
