"""The worked example of spec/chains-and-metrics.md, derived by a real worker, read over HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack
from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.workers.conftest import Workers, api_client, caught_up, flushed_redis, fresh_database, post_events

pytestmark = [pytest.mark.postgres, pytest.mark.redis]

HopKey = tuple[str, str, str, str, str, Decimal | None]

# (from, to, via, kind, on, amount_usd): the five hops of the spec, all downstream of alpha.
ALPHA_BETA = ("alpha", "beta", "p1", "capital", "2006-02-01", Decimal(500000))
ALPHA_GAMMA = ("alpha", "gamma", "p1", "founder", "2007-03-01", None)
ALPHA_DELTA = ("alpha", "delta", "vc1", "capital", "2009-01-01", Decimal(1000000))
BETA_GAMMA = ("beta", "gamma", "p2", "fund", "2012-01-01", Decimal(1500000))
GAMMA_EPSILON = ("gamma", "epsilon", "p3", "founder", "2016-03-01", None)


def _get(client: TestClient, path: str) -> dict[str, Any]:
    response = client.get(path)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _firms(body: dict[str, Any]) -> dict[str, int]:
    return {f["id"]: f["generation"] for f in body["firms"]}


def _hop(h: dict[str, Any]) -> HopKey:
    amount = None if h["amount_usd"] is None else Decimal(h["amount_usd"])
    return (h["from"], h["to"], h["via"], h["kind"], h["on"], amount)


def _hops(body: dict[str, Any]) -> list[HopKey]:
    return sorted((_hop(h) for h in body["hops"]), key=lambda k: (k[4], k[0], k[1]))


@pytest.fixture(scope="module")
def worked(
    postgres_template: str, tmp_path_factory: pytest.TempPathFactory, worked_example: dict[str, Any]
) -> Iterator[tuple[TestClient, int]]:
    """The worked example appended in one batch and applied by a real worker (lag 0).

    Shared by this module's tests, which only read it (and add a region): one database, one
    flushed Redis database and one worker for all of them.
    """
    with ExitStack() as stack:
        database_url = stack.enter_context(fresh_database(postgres_template))
        broker_url = flushed_redis()
        workers = Workers(database_url, tmp_path_factory.mktemp("worked-example"))
        stack.callback(workers.kill_all)
        workers.start(broker_url)
        client = stack.enter_context(api_client(database_url, broker_url, dispatch_delay_seconds=0.2))
        head = post_events(client, worked_example["events"])
        assert head == len(worked_example["events"])
        workers.wait(caught_up(client, head), 60, what=f"hops to reach seq {head}")
        yield client, head


def _all_hops(client: TestClient, path: str, limit: int = 500) -> list[HopKey]:
    """Every hop of a chain from its hops route, page by page."""
    hops: list[dict[str, Any]] = []
    cursor = None
    while True:
        page = _get(client, f"{path}{'&' if '?' in path else '?'}limit={limit}" + (f"&cursor={cursor}" if cursor else ""))
        hops += page["hops"]
        cursor = page["next_cursor"]
        if cursor is None:
            return sorted((_hop(h) for h in hops), key=lambda k: (k[4], k[0], k[1]))


def test_chains_of_the_worked_example(worked: tuple[TestClient, int]) -> None:
    """Downstream of alpha and beta, upstream of epsilon: exactly the spec's firms, generations and hops."""
    client, head = worked
    alpha = _get(client, "/v1/chains/alpha")
    assert _firms(alpha) == {"beta": 1, "gamma": 1, "delta": 1, "epsilon": 2}
    assert [(f["id"], f["generation"], f["first_on"]) for f in alpha["firms"]] == [
        ("beta", 1, "2006-02-01"),
        ("gamma", 1, "2007-03-01"),
        ("delta", 1, "2009-01-01"),
        ("epsilon", 2, "2016-03-01"),
    ]
    assert alpha["generations"] == [{"generation": 1, "firms": 3}, {"generation": 2, "firms": 1}]
    assert alpha["multiplier"] == 4
    assert alpha["local_multiplier"] is None
    assert [(e["from"], e["to"], e["vias"], e["kinds"], e["first_on"], e["amount_usd"]) for e in alpha["edges"]] == [
        ("alpha", "beta", 1, ["capital"], "2006-02-01", "500000"),
        ("alpha", "gamma", 1, ["founder"], "2007-03-01", None),
        ("beta", "gamma", 1, ["fund"], "2012-01-01", "1500000"),
        ("alpha", "delta", 1, ["capital"], "2009-01-01", "1000000"),
        ("gamma", "epsilon", 1, ["founder"], "2016-03-01", None),
    ]
    assert (alpha["edges_left_out"], alpha["next_cursor"]) == (0, None)
    assert (alpha["seq"], alpha["stale"]) == (head, False)
    assert _all_hops(client, "/v1/chains/alpha/hops") == [ALPHA_BETA, ALPHA_GAMMA, ALPHA_DELTA, BETA_GAMMA, GAMMA_EPSILON]
    # Firms come in pages of `limit`, in (generation, first_on, id) order; each page's edges come
    # from the root or from firms of this or an earlier page, so one request draws a page.
    first = _get(client, "/v1/chains/alpha?limit=2")
    assert [f["id"] for f in first["firms"]] == ["beta", "gamma"]
    assert [(e["from"], e["to"]) for e in first["edges"]] == [("alpha", "beta"), ("alpha", "gamma"), ("beta", "gamma")]
    second = _get(client, f"/v1/chains/alpha?limit=2&cursor={first['next_cursor']}")
    assert [f["id"] for f in second["firms"]] == ["delta", "epsilon"]
    assert [(e["from"], e["to"]) for e in second["edges"]] == [("alpha", "delta"), ("gamma", "epsilon")]
    assert second["next_cursor"] is None and second["multiplier"] == 4
    # Hops come in pages too: two at a time, following next_cursor, the same five in date order.
    pages, cursor = [], None
    while True:
        page = _get(client, "/v1/chains/alpha/hops?limit=2" + (f"&cursor={cursor}" if cursor else ""))
        pages.append(page["hops"])
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert [len(p) for p in pages] == [2, 2, 1]
    assert [h["on"] for p in pages for h in p] == ["2006-02-01", "2007-03-01", "2009-01-01", "2012-01-01", "2016-03-01"]
    assert _all_hops(client, "/v1/chains/alpha/hops?from=beta&to=gamma") == [BETA_GAMMA]

    beta = _get(client, "/v1/chains/beta")
    assert _firms(beta) == {"gamma": 1, "epsilon": 2}
    assert _all_hops(client, "/v1/chains/beta/hops") == [BETA_GAMMA, GAMMA_EPSILON]

    upstream = _get(client, "/v1/chains/epsilon?direction=upstream")
    assert _firms(upstream) == {"gamma": 1, "alpha": 2, "beta": 2}
    # Upstream, edges leave the page's firms (alpha -> beta -> gamma -> epsilon is a chain too).
    assert [(e["from"], e["to"]) for e in upstream["edges"]] == [
        ("gamma", "epsilon"),
        ("alpha", "beta"),
        ("alpha", "gamma"),
        ("beta", "gamma"),
    ]
    assert [(f["id"], f["first_on"]) for f in upstream["firms"]] == [
        ("gamma", "2015-06-01"),
        ("alpha", "2005-05-05"),
        ("beta", "2010-07-01"),
    ]
    assert (upstream["seq"], upstream["stale"]) == (head, False)


def test_regional_chain_keeps_only_local_hops(worked: tuple[TestClient, int]) -> None:
    """In daejeon (KR-30) delta (KR-11) drops out: local_multiplier 3, multiplier still 4."""
    client, head = worked
    put = client.put("/v1/regions/daejeon", json={"name": "Daejeon", "members": [{"country": "KR", "subdivision": "KR-30"}]})
    assert put.status_code == 201, put.text
    local = _get(client, "/v1/chains/alpha?region=daejeon")
    assert _firms(local) == {"beta": 1, "gamma": 1, "epsilon": 2}
    assert _all_hops(client, "/v1/chains/alpha/hops?region=daejeon") == [ALPHA_BETA, ALPHA_GAMMA, BETA_GAMMA, GAMMA_EPSILON]
    assert (local["local_multiplier"], local["multiplier"]) == (3, 4)
    assert (local["seq"], local["stale"]) == (head, False)


def test_window_of_one_year_keeps_hops_within_a_year(worked: tuple[TestClient, int]) -> None:
    """W=1 keeps hops whose smallest window is 1 year: alpha->beta (2005-05-05 -> 2006-02-01),
    beta->gamma (liquidity 2010-07-01, fund 2011-01-01, round 2012-01-01: one year each) and
    gamma->epsilon (2015-06-01 -> 2016-03-01); alpha->gamma (2 years) and alpha->delta (4) go,
    so gamma is reached only through beta and epsilon one generation later."""
    client, _ = worked
    narrow = _get(client, "/v1/chains/alpha?window_years=1")
    assert _all_hops(client, "/v1/chains/alpha/hops?window_years=1") == [ALPHA_BETA, BETA_GAMMA, GAMMA_EPSILON]
    assert _firms(narrow) == {"beta": 1, "gamma": 2, "epsilon": 3}
    assert narrow["multiplier"] == 3


def test_recycling_of_p1(worked: tuple[TestClient, int]) -> None:
    """p1 got liquidity from alpha (founder), beta and gamma; it reinvested twice after alpha's IPO."""
    client, head = worked
    p1 = _get(client, "/v1/actors/p1/recycling")
    assert [(q["firm"], q["on"]) for q in p1["liquidity_events"]] == [
        ("alpha", "2005-05-05"),
        ("beta", "2010-07-01"),
        ("gamma", "2015-06-01"),
    ]
    assert _hops(p1 | {"hops": p1["reinvestments"]}) == [ALPHA_BETA, ALPHA_GAMMA]
    assert p1["recycled"] is True
    # Downstream of both firms p1 reinvested in (beta, gamma): gamma (from beta) and epsilon (from gamma).
    assert [(f["id"], f["generation"]) for f in p1["downstream"]] == [("epsilon", 1), ("gamma", 1)]
    assert (p1["seq"], p1["stale"]) == (head, False)


def test_lineage_of_kribb(worked: tuple[TestClient, int]) -> None:
    """alpha and zeta are KRIBB spin-offs; nobody spun out of them."""
    client, _ = worked
    kribb = _get(client, "/v1/lineage/kribb")
    assert _firms(kribb) == {"alpha": 1, "zeta": 1}
    assert kribb["alumni_founded"] == 2


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/v1/chains/no-such-firm", 404),
        ("/v1/chains/alpha?region=no-such-region", 404),
        ("/v1/actors/no-such-actor/recycling", 404),
        ("/v1/lineage/no-such-org", 404),
        ("/v1/chains/alpha?window_years=0", 422),
        ("/v1/actors/p1/recycling?window_years=0", 422),
        ("/v1/chains/alpha?direction=sideways", 422),
        ("/v1/chains/alpha?limit=2001", 422),
        ("/v1/chains/alpha?cursor=bm90LWEtY3Vyc29y", 422),
        ("/v1/chains/no-such-firm/hops", 404),
        ("/v1/chains/alpha/hops?limit=5001", 422),
    ],
)
def test_unknown_ids_and_bad_parameters_are_problems(worked: tuple[TestClient, int], path: str, status: int) -> None:
    """Unknown ids answer 404 and out-of-range parameters 422, as problem+json."""
    client, _ = worked
    response = client.get(path)
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
