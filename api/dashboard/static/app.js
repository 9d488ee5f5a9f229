// Shared by every dashboard page: the API key, calls to the JSON API, DOM and number helpers, charts.
"use strict";

const LL = (() => {
  const KEY = "loopledger.key";
  const body = document.body;
  const root = body.dataset.root || "";

  class ApiError extends Error {
    constructor(status, message) {
      super(message);
      this.status = status;
    }
  }

  // The key comes in the fragment because browsers never send a fragment to a server (so it is in
  // no request line, log or Referer). It moves to sessionStorage and leaves the address bar.
  function takeKeyFromFragment() {
    const fragment = new URLSearchParams(location.hash.slice(1));
    if (!fragment.has("key")) return;
    const key = fragment.get("key").trim();
    if (key) sessionStorage.setItem(KEY, key);
    fragment.delete("key");
    const rest = fragment.toString();
    history.replaceState(history.state, "", location.pathname + location.search + (rest ? "#" + rest : ""));
  }

  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

  async function api(path, params = {}) {
    const url = new URL(root + path, location.origin);
    for (const [name, value] of Object.entries(params)) {
      if (value !== undefined && value !== null && value !== "") url.searchParams.set(name, value);
    }
    const headers = { Accept: "application/json" };
    const key = sessionStorage.getItem(KEY);
    if (key) headers.Authorization = "Bearer " + key;
    // A metric set the server has not computed yet may be answered 202: ask again shortly.
    for (let attempt = 0; ; attempt++) {
      const response = await fetch(url, { headers, credentials: "omit", redirect: "error" });
      if (response.status === 202 && attempt < 30) {
        notice("The server is computing these numbers…");
        await sleep(2000);
        continue;
      }
      if (response.ok) {
        if (attempt) notice("");
        return response.json();
      }
      let message = `${response.status} ${response.statusText}`;
      try {
        const problem = await response.json();
        message = problem.detail || problem.title || message;
      } catch {
        // not problem+json: keep the status line
      }
      throw new ApiError(response.status, message);
    }
  }

  // ---- DOM ----------------------------------------------------------------------------------

  // Text always goes in as text nodes: names and ids come from the ledger, never as markup.
  function el(tag, attrs = {}, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs)) {
      if (value === undefined || value === null || value === false) continue;
      if (name === "class") node.className = value;
      else if (name === "text") node.textContent = value;
      else node.setAttribute(name, value === true ? "" : value);
    }
    for (const child of children.flat()) {
      if (child === undefined || child === null || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  const $ = (id) => document.getElementById(id);

  // For the few strings that end up in HTML anyway: ECharts tooltips are markup.
  const escapeHtml = (text) =>
    String(text ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);

  function clear(node) {
    node.replaceChildren();
    return node;
  }

  function notice(message, kind = "") {
    const box = $("notice");
    box.textContent = message;
    box.className = "notice " + kind;
    box.hidden = !message;
  }

  // ---- links --------------------------------------------------------------------------------

  // Ids may hold ':' and '/': each segment is escaped, ':' left readable.
  const encodeId = (id) => id.split("/").map((part) => encodeURIComponent(part).replace(/%3A/gi, ":")).join("/");
  const firmUrl = (id) => `${root}/firms/${encodeId(id)}`;
  const actorUrl = (id) => `${root}/actors/${encodeId(id)}`;
  const lineageUrl = (id) => `${root}/lineage/${encodeId(id)}`;
  const regionUrl = (slug) => `${root}/regions/${encodeURIComponent(slug)}`;
  const compareUrl = (slugs) => `${root}/compare?regions=${slugs.map(encodeURIComponent).join(",")}`;
  const link = (href, text) => el("a", { href }, text);
  const firmLink = (id, name) => link(firmUrl(id), name || id);
  const actorLink = (id, name) => link(actorUrl(id), name || id);

  const query = () => new URLSearchParams(location.search);

  // ---- numbers ------------------------------------------------------------------------------

  const DASH = "—";
  const compactUsd = new Intl.NumberFormat("en-US", { style: "currency", currency: "USD", notation: "compact", maximumFractionDigits: 1 });
  const integer = new Intl.NumberFormat("en-US");

  function usd(value) {
    return value === null || value === undefined ? DASH : compactUsd.format(Number(value));
  }

  function money(m) {
    if (!m) return DASH;
    let text;
    try {
      text = new Intl.NumberFormat("en-US", { style: "currency", currency: m.currency, notation: "compact", maximumFractionDigits: 1 }).format(Number(m.amount));
    } catch {
      text = `${m.amount} ${m.currency}`;
    }
    return m.usd && m.currency !== "USD" ? `${text} (${usd(m.usd)})` : text;
  }

  const share = (x) => (x === null || x === undefined ? DASH : `${(x * 100).toFixed(1)}%`);
  const count = (n) => (n === null || n === undefined ? DASH : integer.format(n));
  const place = (loc) => (loc ? [loc.city, loc.subdivision, loc.country].filter(Boolean).join(", ") : "no location");
  const when = (instant) => (instant ? new Date(instant).toLocaleString() : DASH);

  const days = (d) => (d === null || d === undefined ? DASH : `${Math.round(d)} days`);
  // The metric set's numbers in reading order: name in the API, label, format.
  const METRICS = [
    ["firms_founded", "firms founded", count],
    ["active_firms", "active firms at period end", count],
    ["exits", "exits", count],
    ["exit_value_usd", "exit value", usd],
    ["liquidity_actors", "actors with a liquidity event", count],
    ["recycling_rate", "recycling rate", share],
    ["local_recycling_rate", "local recycling rate", share],
    ["median_reinvestment_lag_days", "median reinvestment lag", days],
    ["funding_usd", "funding", usd],
    ["recycled_funding_share", "recycled funding share", share],
    ["local_funding_share", "local funding share", share],
    ["serial_founder_share", "serial founder share", share],
    ["retention_rate", "retention rate", share],
    ["loop_depth", "loop depth (hops)", count],
    ["local_hops", "local hops", count],
    ["hops_in", "hops in", count],
    ["hops_out", "hops out", count],
    ["employment", "employment", count],
    ["large_firms", "large firms (500+)", count],
    ["licensing_deals", "licensing deals", count],
    ["licensing_value_usd", "licensing value", usd],
  ];

  function staleness(node, { seq, stale, computed_at: computedAt }) {
    clear(node).append(
      `ledger seq ${seq} · `,
      el("span", { class: stale ? "stale" : "fresh" }, stale ? "stale: newer events are not counted yet" : "up to date"),
      computedAt ? ` · computed ${when(computedAt)}` : "",
    );
  }

  // ---- forms --------------------------------------------------------------------------------

  // A period form starts from the query string, else the server's default period and window.
  function periodFromQuery() {
    const q = query();
    return {
      from: q.get("from") || body.dataset.defaultFrom,
      to: q.get("to") || body.dataset.defaultTo,
      window_years: q.get("window_years") || body.dataset.defaultWindow,
    };
  }

  function fillForm(values) {
    for (const [id, value] of Object.entries(values)) {
      const input = $(id);
      if (input && value !== undefined && value !== null) input.value = value;
    }
  }

  // ---- charts -------------------------------------------------------------------------------

  const charts = new Set();
  window.addEventListener("resize", () => charts.forEach((c) => c.resize()));

  function chart(id, option) {
    const node = $(id);
    const existing = echarts.getInstanceByDom(node);
    // A page drawn again (after a key was given) may have resized its container.
    if (existing) existing.resize();
    const instance = existing || echarts.init(node);
    charts.add(instance);
    // data-drawn marks a chart whose animation has ended (what a screenshot should wait for).
    delete node.dataset.drawn;
    instance.off("finished");
    instance.on("finished", () => { node.dataset.drawn = "1"; });
    instance.setOption({ animationDuration: 300, textStyle: { fontFamily: "system-ui, sans-serif" }, ...option }, true);
    return instance;
  }

  // ---- page start ---------------------------------------------------------------------------

  // body[data-ready] tells a reader (and the browser tests) that the page finished: "ok", "key"
  // (waiting for a key) or "error".
  async function start(run) {
    takeKeyFromFragment();
    const form = $("key-form");
    const input = $("key-input");
    const go = async () => {
      delete body.dataset.ready;
      notice("");
      try {
        await run();
        body.dataset.ready = "ok";
      } catch (error) {
        if (error instanceof ApiError && error.status === 401) {
          sessionStorage.removeItem(KEY);
          form.hidden = false;
          input.focus();
          body.dataset.ready = "key";
        } else {
          notice(error instanceof ApiError ? `The API answered: ${error.message}` : `This page failed: ${error.message}`, "error");
          body.dataset.ready = "error";
        }
      }
    };
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const key = input.value.trim();
      input.value = "";
      if (!key) return;
      sessionStorage.setItem(KEY, key);
      form.hidden = true;
      go();
    });
    await go();
  }

  return {
    ApiError, api, el, $, clear, notice, escapeHtml, start, chart, query, periodFromQuery, fillForm, staleness,
    encodeId, firmUrl, actorUrl, lineageUrl, regionUrl, compareUrl, link, firmLink, actorLink,
    usd, money, share, count, days, place, when, DASH, METRICS,
  };
})();
