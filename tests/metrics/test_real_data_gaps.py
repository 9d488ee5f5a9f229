"""Ragged real data (issue 8): firms without a location are still firms, and funding shares
are computed over the rounds funding_usd counts (those with a known USD amount)."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.metrics.support import SOURCE, assert_metrics, catch_up, investor, metrics, person, post_batch, put_regions

DAEJEON = {"country": "KR", "subdivision": "KR-30"}
SEOUL = {"country": "KR", "subdivision": "KR-11"}


def _usd(amount: str) -> dict[str, str]:
    return {"amount": amount, "currency": "USD"}


def _event(type_: str, on: str, data: dict[str, Any]) -> dict[str, Any]:
    return {"type": type_, "occurred_on": on, "source": SOURCE, "data": data}


def _founded(firm: str, on: str, founders: list[Any], location: dict[str, str] | None = None) -> dict[str, Any]:
    data: dict[str, Any] = {"firm": {"id": firm, "name": firm.title()}, "founders": founders}
    if location is not None:
        data["location"] = location
    return _event("firm.founded", on, data)


def test_firm_without_location_is_in_chains_and_left_out_of_regions(client: TestClient) -> None:
    """`nowhere` is founded without a location (as half of a real export is): it exits, its
    founder reinvests in a Daejeon firm; the chain shows the hop, the region's metrics leave the
    firm out and count it as unlocated until a relocation places it."""
    put_regions(client, {"daejeon": {"name": "Daejeon", "members": [DAEJEON]}})
    post_batch(
        client,
        [
            _founded("nowhere", "2000-01-01", [person("ana")]),
            _event(
                "exit.acquisition", "2004-01-01", {"firm": "nowhere", "acquirer": {"id": "bigco", "name": "BigCo", "kind": "corporation"}}
            ),
            _founded("dj", "2005-01-01", [person("bo", DAEJEON)], DAEJEON),
            _event(
                "funding.round",
                "2006-01-01",
                {"firm": "dj", "round": "seed", "amount": _usd("1000000"), "investors": [{"investor": "ana"}]},
            ),
        ],
    )
    profile = client.get("/v1/actors/nowhere").json()
    assert profile["location"] is None and profile["location_now"] is None
    assert profile["lifecycle"]["founded"]["location"] is None
    catch_up(client)
    chain = client.get("/v1/chains/nowhere").json()
    assert [(f["id"], f["generation"]) for f in chain["firms"]] == [("dj", 1)]
    assert chain["multiplier"] == 1
    assert client.get("/v1/chains/dj", params={"direction": "upstream"}).json()["multiplier"] == 1

    period = {"from": "2000-01-01", "to": "2010-12-31"}
    # ana's liquidity comes from a firm in no region, so it is nobody's cohort; the hop into
    # Daejeon comes from outside it.
    before = metrics(client, "daejeon", **period)
    assert_metrics(
        before,
        {"firms_founded": 1, "active_firms": 1, "exits": 0, "liquidity_actors": 0, "hops_in": 1, "local_hops": 0, "firms_unlocated": 0},
    )
    # Acquired in 2004: by 2010 it is gone, but at the end of 2003 it was a live, unlocated firm.
    assert metrics(client, "daejeon", **{"from": "2000-01-01", "to": "2003-12-31"})["firms_unlocated"] == 1

    post_batch(client, [_founded("floating", "2007-01-01", [person("cy")])])
    catch_up(client)
    assert metrics(client, "daejeon", **period)["firms_unlocated"] == 1
    post_batch(client, [_event("firm.relocated", "2009-06-01", {"firm": "floating", "location": DAEJEON})])
    catch_up(client)
    placed = metrics(client, "daejeon", **period)
    # In Daejeon from its relocation on: active there, but not founded there.
    assert_metrics(placed, {"firms_unlocated": 0, "active_firms": 2, "firms_founded": 1})
    assert metrics(client, "daejeon", **{"from": "2000-01-01", "to": "2008-12-31"})["firms_unlocated"] == 1


def test_funding_shares_leave_out_rounds_without_an_amount(client: TestClient) -> None:
    """The issue's smallest case: a 2001 round of $1,000,000 from a Seoul investor, and a 2002
    round with no amount of its own whose Daejeon investor states $1,000,000. Only the first is
    a round funding_usd counts, so the local share is 0, not 0.5."""
    put_regions(client, {"daejeon": {"name": "Daejeon", "members": [DAEJEON]}})
    post_batch(
        client,
        [
            _founded("a", "2000-01-01", [person("founder-a")], DAEJEON),
            _event(
                "funding.round",
                "2001-01-01",
                {"firm": "a", "round": "seed", "amount": _usd("1000000"), "investors": [{"investor": investor("vc-seoul", SEOUL)}]},
            ),
            _event(
                "funding.round",
                "2002-01-01",
                {"firm": "a", "round": "series_a", "investors": [{"investor": investor("vc-dj", DAEJEON), "amount": _usd("1000000")}]},
            ),
        ],
    )
    body = metrics(client, "daejeon", **{"from": "2000-01-01", "to": "2002-12-31"})
    assert_metrics(body, {"funding_usd": "1000000", "local_funding_share": 0.0, "recycled_funding_share": 0.0})
    # The 2002 round alone: no round with an amount, so both shares are undefined.
    assert_metrics(
        metrics(client, "daejeon", **{"from": "2002-01-01", "to": "2002-12-31"}),
        {"funding_usd": "0", "local_funding_share": None, "recycled_funding_share": None},
    )


def test_recycled_share_leaves_out_rounds_without_an_amount(client: TestClient) -> None:
    """vc-dj has exit money from `old` (acquired 2001) and states $1,000,000 in a 2002 round of
    `a` that has no amount: recycled money in a round funding_usd does not count is left out."""
    put_regions(client, {"daejeon": {"name": "Daejeon", "members": [DAEJEON]}})
    post_batch(
        client,
        [
            _founded("old", "1995-01-01", [person("founder-old")], DAEJEON),
            _event(
                "funding.round", "1996-01-01", {"firm": "old", "round": "seed", "investors": [{"investor": investor("vc-dj", DAEJEON)}]}
            ),
            _event("exit.acquisition", "2001-06-01", {"firm": "old", "acquirer": {"id": "bigco", "name": "BigCo", "kind": "corporation"}}),
            _founded("a", "2000-01-01", [person("founder-a")], DAEJEON),
            _event(
                "funding.round",
                "2001-09-01",
                {"firm": "a", "round": "seed", "amount": _usd("3000000"), "investors": [{"investor": investor("vc-seoul", SEOUL)}]},
            ),
            _event(
                "funding.round",
                "2002-01-01",
                {"firm": "a", "round": "series_a", "investors": [{"investor": "vc-dj", "amount": _usd("1000000")}]},
            ),
        ],
    )
    body = metrics(client, "daejeon", **{"from": "2000-01-01", "to": "2002-12-31"})
    assert_metrics(body, {"funding_usd": "3000000", "recycled_funding_share": 0.0, "local_funding_share": 0.0})
