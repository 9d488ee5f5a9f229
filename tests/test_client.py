"""loopledger.client against a running server: frames with the API's numbers, paging followed to
the end, refusals as ApiError."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from ledger.config import Settings
from ledger.keys.service import Scope
from loopledger.client import ApiError, Client
from tests.conftest import grant
from tests.metrics.support import PERIOD, catch_up, load_example
from tests.servers import serve


@pytest.fixture
def served(client: TestClient, settings: Settings, worked_example: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """The worked example, caught up, behind a real server; its address and a read key."""
    load_example(client, worked_example)
    catch_up(client)
    running = serve(settings)
    try:
        yield running.base, grant(settings.database_url, scope=Scope.read)
    finally:
        running.stop()


def _json(base: str, key: str, path: str, **params: Any) -> Any:
    response = httpx.get(base + path, params=params, headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == 200, response.text
    return response.json()


def test_metric_sets_series_and_compare_are_the_apis_numbers(served: tuple[str, str]) -> None:
    base, key = served
    with Client(base, key) as ll:
        metric_set = ll.metric_set("daejeon", start=PERIOD["from"], end=PERIOD["to"])
        series = ll.series("daejeon", 2005, 2016)
        compared = ll.compare(["daejeon", "seoul"], start=PERIOD["from"], end=PERIOD["to"])
        regions = ll.regions()
    direct = _json(base, key, "/v1/regions/daejeon/metrics", **PERIOD)
    assert metric_set.height == 1
    row = metric_set.row(0, named=True)
    for name in ("firms_founded", "active_firms", "exits", "exit_value_usd", "recycling_rate", "local_funding_share", "loop_depth", "seq"):
        assert row[name] == direct[name], name
    assert (row["firms_founded"], row["active_firms"], Decimal(row["exit_value_usd"])) == (3, 3, Decimal("280000000"))
    assert series["from"].to_list() == [f"{year}-01-01" for year in range(2005, 2017)]
    assert series["firms_founded"].sum() == 3
    assert compared.metrics["region"].to_list() == ["daejeon", "seoul"]
    flows = _json(base, key, "/v1/compare", regions="daejeon,seoul", **PERIOD)["hop_flows"]
    assert sorted(compared.hop_flows.rows()) == sorted((a, b, n) for a, row in flows.items() for b, n in row.items())
    assert sorted(regions["slug"].to_list()) == ["daejeon", "seoul"]


def test_chain_pages_are_followed_to_the_end(served: tuple[str, str]) -> None:
    base, key = served
    with Client(base, key) as ll:
        roots = ll.actors(kind="startup")["id"].to_list()
        assert roots
        for root in roots:
            for direction in ("downstream", "upstream"):
                whole = ll.chain(root, direction=direction, page_size=1000)
                paged = ll.chain(root, direction=direction, page_size=1)
                assert paged.equals(whole), (root, direction)
                hops = ll.hops(root, direction=direction, page_size=1)
                assert hops.equals(ll.hops(root, direction=direction)), (root, direction)
        busiest = max(roots, key=lambda r: ll.chain(r).height)
        assert ll.chain(busiest).height > 1  # paging one firm at a time was exercised
        assert ll.chain(busiest, max_rows=1).height == 1


def test_refusals_raise_api_errors(served: tuple[str, str]) -> None:
    base, key = served
    with Client(base, key) as ll, pytest.raises(ApiError) as refused:
        ll.metric_set("atlantis")
    assert refused.value.status == 404
    with Client(base) as anonymous, pytest.raises(ApiError) as denied:
        anonymous.regions()
    assert denied.value.status == 401
    assert denied.value.errors[0]["loc"] == ["header", "Authorization"]
