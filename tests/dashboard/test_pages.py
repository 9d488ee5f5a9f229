"""The dashboard in a real browser: every page renders from the JSON API with no console error,
draws its charts, asks nothing of any host but 127.0.0.1 and keeps the key out of every URL; the
firm graph is the API's chain and a click on a firm opens that firm; a page without a key asks for
one; with public reads no key is needed; the network batches /v1/compare; /docs and /redoc work
offline."""

from __future__ import annotations

import math
import sqlite3
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from ledger.config import Settings
from ledger.db import create_db_engine, make_session_factory, unit_of_work
from ledger.regions import service as regions_service
from ledger.regions.schemas import RegionDefinition
from tests.dashboard.conftest import Server, Visit
from tests.servers import serve

# Subjects from the scenarios (examples/daejeon.json, examples/bhcr.json).
FIRM = "bhcr:severn-protein"  # firms both upstream and downstream within three generations
ACTOR = "dj:lim"  # an exited founder who reinvested
ORG = "dj:kribb"  # KRIBB and the firms its alumni founded
CHAIN_DEPTH = 3  # what the firm page asks for by default

PAGES = [
    pytest.param("/", "home", True, id="home"),
    pytest.param("/?q=kribb", "search", True, id="search"),
    pytest.param("/regions/daejeon", "region", True, id="region"),
    pytest.param("/compare?regions=daejeon,bhcr,seoul", "compare", True, id="compare"),
    pytest.param("/network", "network", True, id="network"),
    pytest.param(f"/firms/{FIRM}", "firm", True, id="firm"),
    pytest.param(f"/actors/{ACTOR}", "actor", True, id="actor"),
    pytest.param(f"/lineage/{ORG}", "lineage", True, id="lineage"),
]

# Per chart container: a canvas drawn, and the number of data items of each series.
CHARTS = """() => [...document.querySelectorAll(".chart")].map((node) => {
  const chart = echarts.getInstanceByDom(node);
  const series = chart ? chart.getOption().series : [];
  return {id: node.id, canvas: node.querySelector("canvas") !== null,
          items: series.map((s) => (s.data || []).length + (s.links || []).length)};
})"""

CHAIN_OPTION = """() => {
  const series = echarts.getInstanceByDom(document.getElementById("chart-chain")).getOption().series[0];
  return {nodes: series.data.map((n) => n.id), links: series.links.map((l) => [l.source, l.target])};
}"""

# Where a node of the chain graph is on the screen, relative to the chart's box.
NODE_PIXEL = """(id) => {
  const chart = echarts.getInstanceByDom(document.getElementById("chart-chain"));
  const node = chart.getOption().series[0].data.find((n) => n.id === id);
  return chart.convertToPixel({seriesIndex: 0}, [node.x, node.y]);
}"""


def open_page(visit: Visit, base: str, path: str, *, key: str | None) -> str:
    """Open `path` (with `#key=` when given) and wait until the page says it finished."""
    visit.page.goto(base + path + (f"#key={key}" if key else ""))
    visit.page.wait_for_selector("body[data-ready]", state="attached", timeout=20_000)
    ready: str = visit.page.evaluate("document.body.dataset.ready")
    return ready


def assert_ready(visit: Visit, ready: str) -> None:
    notice = visit.page.locator("#notice").text_content()
    assert ready == "ok", f"page ended {ready!r}: {notice}"


def assert_private(visit: Visit, server: Server) -> None:
    """Nothing left 127.0.0.1; the key was in no URL and went only to the API, as a header."""
    assert visit.hosts() == {"127.0.0.1"}, sorted(visit.hosts())
    assert not [r.url for r in visit.requests if server.key in r.url]
    carried = {r.url.removeprefix(server.base).split("?")[0] for r in visit.requests if "authorization" in r.headers}
    assert carried and all(path.startswith("/v1/") for path in carried), carried
    assert server.key not in visit.page.url


def chain(server: Server, firm: str, direction: str, route: str = "", limit: int = 200) -> dict[str, Any]:
    response = httpx.get(
        f"{server.base}/v1/chains/{firm}{route}",
        params={"direction": direction, "max_depth": CHAIN_DEPTH, "limit": limit},
        headers={"Authorization": f"Bearer {server.key}"},
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


@pytest.mark.parametrize(("path", "name", "charts"), PAGES)
def test_page_renders_from_the_api_without_errors_and_stays_local(visit: Visit, server: Server, path: str, name: str, charts: bool) -> None:
    ready = open_page(visit, server.base, path, key=server.key)
    print(visit.screenshot(name))
    assert_ready(visit, ready)
    assert visit.errors == []
    assert_private(visit, server)
    assert visit.page.evaluate("sessionStorage.getItem('loopledger.key')") == server.key
    drawn = visit.page.evaluate(CHARTS)
    assert bool(drawn) == charts, drawn
    for chart in drawn:
        assert chart["canvas"] and chart["items"] and max(chart["items"]) > 0, chart
    if "q=" in path:
        assert visit.page.locator("#results tbody a[href='/lineage/dj:kribb']").count() == 1


def test_the_firm_page_of_a_person_says_it_is_not_a_firm(visit: Visit, server: Server) -> None:
    assert_ready(visit, open_page(visit, server.base, f"/firms/{ACTOR}", key=server.key))
    assert visit.errors == []
    assert "is a person, not a firm" in (visit.page.locator("#facts").text_content() or "")
    assert visit.page.locator("#chain-part").is_hidden()
    assert visit.page.locator(f"#links a[href='/actors/{ACTOR}']").count() == 1
    # No chain was asked for.
    assert not [r.url for r in visit.requests if "/v1/chains/" in r.url]


def test_firm_graph_is_the_chain_and_a_click_opens_that_firm(visit: Visit, server: Server) -> None:
    down, up = chain(server, FIRM, "downstream"), chain(server, FIRM, "upstream")
    assert down["firms"] and up["firms"], f"{FIRM} should have firms both ways in the scenario"
    assert_ready(visit, open_page(visit, server.base, f"/firms/{FIRM}", key=server.key))

    drawn = visit.page.evaluate(CHAIN_OPTION)
    firms = {FIRM} | {f["id"] for f in down["firms"]} | {f["id"] for f in up["firms"]}
    assert len(drawn["nodes"]) == len(firms) == 1 + len(down["firms"]) + len(up["firms"])
    assert set(drawn["nodes"]) == firms
    assert sorted(map(tuple, drawn["links"])) == sorted({(e["from"], e["to"]) for e in down["edges"] + up["edges"]})
    # Hops are paged from their own route, never all drawn: the tables hold the first page.
    hops = chain(server, FIRM, "downstream", "/hops", limit=20)["hops"]
    assert hops and visit.page.locator("#hops-down tbody tr").count() == len(hops) <= 20

    target = next(f for f in down["firms"] if f["generation"] == 1)["id"]
    chart = visit.page.locator("#chart-chain")
    chart.scroll_into_view_if_needed()
    box = chart.bounding_box()
    assert box is not None
    x, y = visit.page.evaluate(NODE_PIXEL, target)
    visit.page.mouse.click(box["x"] + x, box["y"] + y)
    visit.page.wait_for_url(f"{server.base}/firms/{target}", timeout=10_000)
    visit.page.wait_for_selector("body[data-ready]", state="attached", timeout=20_000)
    assert_ready(visit, visit.page.evaluate("document.body.dataset.ready"))
    assert visit.page.locator("#title").text_content() == next(f["name"] for f in down["firms"] if f["id"] == target)
    assert visit.errors == []
    assert_private(visit, server)


def test_a_page_without_a_key_asks_for_one_and_uses_it(visit: Visit, server: Server) -> None:
    assert open_page(visit, server.base, "/regions/daejeon", key=None) == "key"
    form = visit.page.locator("#key-form")
    assert form.is_visible()
    # The browser reports the API's 401 as a failed resource; nothing else may go wrong.
    assert visit.errors and all("401" in e for e in visit.errors), visit.errors

    visit.page.fill("#key-input", server.key)
    visit.page.click("#key-form button[type=submit]")
    # (wait_for_function would evaluate a string, which the pages' CSP forbids)
    visit.page.wait_for_selector("body[data-ready='ok']", state="attached", timeout=20_000)
    assert not form.is_visible()
    assert visit.page.locator("#cards .card").count() > 10
    assert_private(visit, server)
    print(visit.screenshot("region-after-key"))


def test_docs_and_redoc_work_offline(visit: Visit, server: Server) -> None:
    for path, rendered in (("/docs", ".swagger-ui .opblock"), ("/redoc", "[data-section-id]")):
        visit.page.goto(server.base + path)
        visit.page.wait_for_selector(rendered, timeout=20_000)
        assert visit.page.locator(rendered).count() > 10
        print(visit.screenshot(path.strip("/")))
    assert visit.errors == []
    assert visit.hosts() == {"127.0.0.1"}, sorted(visit.hosts())


# ---- public reads, and more regions than one comparison takes -----------------------------------

EXTRA_COUNTRIES = [
    "FR",
    "DE",
    "JP",
    "CN",
    "IN",
    "BR",
    "CA",
    "AU",
    "IT",
    "ES",
    "NL",
    "SE",
    "CH",
    "DK",
    "NO",
    "FI",
    "BE",
    "AT",
    "IE",
    "IL",
    "SG",
    "TW",
    "NZ",
    "PT",
    "PL",
]


@pytest.fixture(scope="module")
def public_server(seeded: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A copy of the ledger with 25 more regions, served with LOOPLEDGER_PUBLIC_READ."""
    copy = tmp_path_factory.mktemp("public") / "ledger.db"
    with sqlite3.connect(seeded.removeprefix("sqlite:///")) as source, sqlite3.connect(copy) as target:
        source.backup(target)
    url = f"sqlite:///{copy}"
    engine = create_db_engine(url)
    try:
        factory = make_session_factory(engine)
        for country in EXTRA_COUNTRIES:
            definition = RegionDefinition.model_validate({"name": f"Country {country}", "members": [{"country": country}]})
            with unit_of_work(factory) as session:
                regions_service.put(session, slug=f"country-{country.lower()}", definition=definition)
    finally:
        engine.dispose()
    running = serve(Settings(database_url=url, broker_url="memory://", public_read=True))
    try:
        yield Server(base=running.base, key="", database_url=url)
    finally:
        running.stop()


def test_with_public_reads_pages_need_no_key(visit: Visit, public_server: Server) -> None:
    assert_ready(visit, open_page(visit, public_server.base, f"/firms/{FIRM}", key=None))
    assert visit.errors == []
    assert visit.hosts() == {"127.0.0.1"}
    assert not [r.url for r in visit.requests if "authorization" in r.headers]
    assert len(visit.page.evaluate(CHAIN_OPTION)["nodes"]) > 1


def test_network_draws_every_region_from_comparisons_of_at_most_20(visit: Visit, public_server: Server) -> None:
    assert_ready(visit, open_page(visit, public_server.base, "/network", key=None))
    assert visit.errors == []
    regions = httpx.get(f"{public_server.base}/v1/regions").json()["regions"]
    assert len(regions) > 20, "more regions than one comparison takes"
    nodes = visit.page.evaluate("() => echarts.getInstanceByDom(document.getElementById('chart-network')).getOption().series[0].data")
    assert sorted(n["id"] for n in nodes) == sorted(r["slug"] for r in regions)
    asked = [httpx.URL(r.url).params["regions"].split(",") for r in visit.requests if "/v1/compare" in r.url]
    assert all(len(slugs) <= 20 for slugs in asked)
    # Every pair of regions was in one comparison: batches of 10, each pair of batches once.
    batches = math.ceil(len(regions) / 10)
    assert len(asked) == batches * (batches + 1) // 2
    pairs = {frozenset((a, b)) for slugs in asked for a in slugs for b in slugs}
    assert all(frozenset((a["slug"], b["slug"])) in pairs for a in regions for b in regions)
    print(visit.screenshot("network-many-regions"))
