"""The worked example of spec/chains-and-metrics.md through the HTTP API, number for number,
and what changes with window_years, per year (series) and side by side (compare)."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.metrics.support import (
    ENVELOPE_NAMES,
    METRIC_NAMES,
    PERIOD,
    WORKED_EXAMPLE,
    assert_metrics,
    catch_up,
    load_example,
    metrics,
)

# Seoul (KR-11) over the same period, by hand from the spec's definitions:
# founded: delta (2008); active: delta and zeta (moved in 2014-06-01); no exits; the delta seed
# round of 1,000,000 (vc1, a Seoul investor, recycled: alpha's IPO 2005-05-05 is within 10 years);
# delta's founder p4 founded nothing before; delta has no origins; retention: delta stayed;
# hops: alpha->delta comes in from Daejeon; no local hops, so loop depth 0.
SEOUL: dict[str, Any] = {
    "firms_founded": 1,
    "active_firms": 2,
    "exits": 0,
    "exit_value_usd": "0",
    "liquidity_actors": 0,
    "recycling_rate": None,
    "local_recycling_rate": None,
    "median_reinvestment_lag_days": None,
    "funding_usd": "1000000",
    "recycled_funding_share": Fraction(1),
    "local_funding_share": Fraction(1),
    "serial_founder_share": Fraction(0),
    "spinoff_share": {},
    "retention_rate": Fraction(1),
    "loop_depth": 0,
    "local_hops": 0,
    "hops_in": 1,
    "hops_out": 0,
    "employment": 0,
    "large_firms": 0,
    "licensing_deals": 0,
    "licensing_value_usd": "0",
    "window_complete": True,
}


@pytest.fixture
def example(client: TestClient, worked_example: dict[str, Any]) -> TestClient:
    results = load_example(client, worked_example)
    assert [r["seq"] for r in results] == list(range(1, 32))
    catch_up(client)  # the workers: liquidity table and yearly metric parts
    return client


def test_worked_example_number_for_number(example: TestClient) -> None:
    body = metrics(example, "daejeon", **PERIOD)
    assert_metrics(body, WORKED_EXAMPLE)
    # The last cohort member's window (gamma's IPO 2015-06-01 + 10 years) has ended.
    assert body["window_ends_on"] == "2025-06-01" and body["window_complete"] is True
    assert body["region"] == "daejeon"
    assert body["from"] == "2005-01-01" and body["to"] == "2016-12-31"
    assert body["as_of"] is None
    assert body["window_years"] == 10
    assert body["seq"] == 31
    assert body["stale"] is False
    assert set(body) == METRIC_NAMES | ENVELOPE_NAMES


def test_worked_example_is_served_from_the_stored_snapshot(example: TestClient) -> None:
    first = metrics(example, "daejeon", **PERIOD)
    again = metrics(example, "daejeon", **PERIOD, window_years=10)
    assert again["computed_at"] == first["computed_at"]  # the same stored row, not a recomputation
    assert again == first


# window_years changes which hops count (hops and their smallest windows, from the example):
#   alpha->beta   p1 capital, liquidity 2005-05-05, hop 2006-02-01: W >= 1
#   alpha->gamma  p1 founder, liquidity 2005-05-05, hop 2007-03-01: W >= 2
#   alpha->delta  vc1 capital, liquidity 2005-05-05, hop 2009-01-01: W >= 4 (2009-05-05 is the 4-year bound)
#   beta->gamma   p2 fund, liquidity 2010-07-01, raise 2011-01-01, round 2012-01-01: W >= 1
#                 (2012-01-01 is exactly one year after the raise: the bound is inclusive)
#   gamma->epsilon p3 founder, liquidity 2015-06-01, hop 2016-03-01: W >= 1
# With W = 1 vc1 no longer recycles: recycled p1 (272 days), p2 (549), p3 (274) -> 3/7, median 274;
# all three targets are in Daejeon -> local 3/7; local hops: alpha->beta, beta->gamma,
# gamma->epsilon = 3; no hop out; the chain alpha->beta->gamma->epsilon still holds (depth 3).
# Funding is unchanged: p1's 500,000 in beta (2006-02-01) is within a year of alpha's IPO, and
# p2 was recycled on the raise date 2011-01-01 (beta sold 2010-07-01), so bioha-fund's
# 2,000,000 is 3/4 recycled: (500,000 + 1,500,000) / 6,000,000 = 1/3.
W1 = {
    "liquidity_actors": 7,
    "recycling_rate": Fraction(3, 7),
    "local_recycling_rate": Fraction(3, 7),
    "median_reinvestment_lag_days": 274.0,
    "local_hops": 3,
    "hops_in": 0,
    "hops_out": 0,
    "loop_depth": 3,
    "recycled_funding_share": Fraction(1, 3),
    "local_funding_share": Fraction(2, 3),
}
# W = 2 adds alpha->gamma (p1 founder): one more local hop, but p1's first reinvestment is still
# beta, so the rates and the median stay; W = 3 is the same; W = 4 adds vc1 (1,337 days, Seoul).
W2 = {**W1, "local_hops": 4}
W4 = {**W2, "recycling_rate": Fraction(4, 7), "median_reinvestment_lag_days": 411.5, "hops_out": 1}


@pytest.mark.parametrize(("window", "expected"), [(1, W1), (2, W2), (3, W2), (4, W4), (10, WORKED_EXAMPLE)])
def test_window_years_changes_recycling(example: TestClient, window: int, expected: dict[str, Any]) -> None:
    body = metrics(example, "daejeon", **PERIOD, window_years=window)
    assert body["window_years"] == window
    assert_metrics(body, expected)
    # What does not depend on W stays as in the worked example.
    unchanged = {k: WORKED_EXAMPLE[k] for k in ("firms_founded", "active_firms", "exits", "funding_usd", "employment", "licensing_deals")}
    assert_metrics(body, unchanged)


def test_funding_recycled_share_needs_the_window(example: TestClient) -> None:
    """Rounds dated before the period's start are not counted, but recycled_fraction looks back
    over the whole log: with W = 1 and P = 2012 only gamma's round counts, 3/4 of bioha-fund's
    2,000,000 is recycled (p2 sold beta on 2010-07-01, within a year of the raise 2011-01-01)."""
    body = metrics(example, "daejeon", **{"from": "2012-01-01", "to": "2012-12-31"}, window_years=1)
    assert_metrics(body, {"funding_usd": "4000000", "recycled_funding_share": Fraction(1_500_000, 4_000_000)})
    # bioha-fund (Daejeon) 2,000,000 of 4,000,000; vc3 is in Seoul.
    assert_metrics(body, {"local_funding_share": Fraction(1, 2)})


def test_window_complete_follows_the_calendar(example: TestClient) -> None:
    """Cohort liquidity dates run from 2005-05-05 to 2015-06-01: with W = 50 the last window ends
    in 2065, so the cohort view is still open today."""
    wide = metrics(example, "daejeon", **PERIOD, window_years=50)
    assert wide["window_ends_on"] == "2065-06-01" and wide["window_complete"] is False
    assert metrics(example, "daejeon", **PERIOD, window_years=10)["window_complete"] is True


def test_series_splits_the_period_into_years(example: TestClient) -> None:
    response = example.get("/v1/regions/daejeon/metrics/series", params={"from_year": 2005, "to_year": 2016})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["region"] == "daejeon" and body["window_years"] == 10 and body["as_of"] is None
    years = body["years"]
    assert [(y["from"], y["to"]) for y in years] == [(f"{y}-01-01", f"{y}-12-31") for y in range(2005, 2017)]
    assert all(y["seq"] == 31 and y["stale"] is False for y in years)
    whole = metrics(example, "daejeon", **PERIOD)
    # Counts of things dated in the period add up over the years.
    for name in ("firms_founded", "exits", "licensing_deals", "local_hops", "hops_in", "hops_out"):
        assert sum(y[name] for y in years) == whole[name], name
    for name in ("exit_value_usd", "funding_usd", "licensing_value_usd"):
        assert sum(Decimal(y[name]) for y in years) == Decimal(whole[name]), name
    by_year = {int(y["from"][:4]): y for y in years}
    assert [y for y, s in by_year.items() if s["firms_founded"]] == [2007, 2013, 2016]  # gamma, zeta, epsilon
    assert [y for y, s in by_year.items() if s["exits"]] == [2005, 2010, 2015]
    # 2005: alpha's IPO; p1 and vc1 both reinvest later (cohort view), p1 locally (beta), vc1 in Seoul.
    assert_metrics(
        by_year[2005],
        {
            "liquidity_actors": 2,
            "recycling_rate": Fraction(1),
            "local_recycling_rate": Fraction(1, 2),
            "median_reinvestment_lag_days": (272 + 1337) / 2,
            "exit_value_usd": "50000000",
            "funding_usd": "0",
            "recycled_funding_share": None,
            "firms_founded": 0,
            "serial_founder_share": None,
        },
    )
    # 2014: zeta leaves for Seoul; at the end of 2014 only alpha and gamma are active in Daejeon
    # (beta was acquired in 2010); retention over alpha, gamma and zeta is 2/3.
    assert_metrics(by_year[2014], {"active_firms": 2, "retention_rate": Fraction(2, 3), "licensing_value_usd": "100000000"})


def test_compare_daejeon_and_seoul(example: TestClient) -> None:
    response = example.get("/v1/compare", params={"regions": "daejeon,seoul", **PERIOD})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["regions"] == ["daejeon", "seoul"]
    assert body["from"] == PERIOD["from"] and body["to"] == PERIOD["to"] and body["window_years"] == 10 and body["seq"] == 31
    assert body["hop_flows"] == {"daejeon": {"daejeon": 4, "seoul": 1}, "seoul": {"daejeon": 0, "seoul": 0}}
    assert_metrics(body["metrics"]["daejeon"], WORKED_EXAMPLE)
    assert_metrics(body["metrics"]["seoul"], SEOUL)
    # The same sets as asked one by one.
    assert body["metrics"]["seoul"] == metrics(example, "seoul", **PERIOD)
    assert body["metrics"]["daejeon"] == metrics(example, "daejeon", **PERIOD)


def test_compare_flows_follow_the_window(example: TestClient) -> None:
    """With W = 1 the only hop out of Daejeon (vc1 into delta, four years after alpha's IPO) is gone,
    and alpha->gamma (two years) too."""
    body = example.get("/v1/compare", params={"regions": "seoul,daejeon", **PERIOD, "window_years": 1}).json()
    assert body["hop_flows"] == {"seoul": {"seoul": 0, "daejeon": 0}, "daejeon": {"seoul": 0, "daejeon": 3}}


def test_seoul_by_hand(example: TestClient) -> None:
    assert_metrics(metrics(example, "seoul", **PERIOD), SEOUL)
