"""Regions as location patterns, empty answers, and the errors of the metric routes."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.metrics.support import (
    PERIOD,
    SOURCE,
    assert_metrics,
    firm_founded,
    load_example,
    metrics,
    person,
    post_batch,
    put_regions,
)
from tests.metrics.test_as_of import EMPTY

BUSAN = {"name": "Busan", "members": [{"country": "KR", "subdivision": "KR-26"}]}


def test_region_without_firms_answers_zeros_and_nulls(client: TestClient) -> None:
    put_regions(client, {"busan": BUSAN})
    body = metrics(client, "busan", **PERIOD)
    assert body["seq"] == 0 and body["stale"] is False
    assert_metrics(body, EMPTY)


def test_region_without_firms_in_a_full_ledger(client: TestClient, worked_example: dict[str, Any]) -> None:
    load_example(client, worked_example)
    put_regions(client, {"busan": BUSAN})
    assert_metrics(metrics(client, "busan", **PERIOD), EMPTY)
    # Default period: 1900-01-01 to today.
    whole = metrics(client, "busan")
    assert whole["from"] == "1900-01-01"
    assert_metrics(whole, EMPTY)
    series = client.get("/v1/regions/busan/metrics/series", params={"from_year": 1998, "to_year": 2016})
    assert series.status_code == 200, series.text
    assert len(series.json()["years"]) == 19
    for year in series.json()["years"]:
        assert_metrics(year, EMPTY)


def test_default_period_covers_the_whole_history(client: TestClient, worked_example: dict[str, Any]) -> None:
    """From 1900 to today Daejeon also counts alpha and beta (founded 1998/1999) and alpha's 2000 round."""
    load_example(client, worked_example)
    body = metrics(client, "daejeon")
    assert body["from"] == "1900-01-01"
    assert_metrics(
        body,
        {
            "firms_founded": 5,
            "funding_usd": "7000000",
            # alpha's 2000 round (vc1, Seoul) was nobody's recycled money.
            "recycled_funding_share": Fraction(2_000_000, 7_000_000),
            "local_funding_share": Fraction(4_000_000, 7_000_000),
            # alpha and zeta (kribb), beta (lgchem) of five firms.
            "spinoff_share": {"research_institute": Fraction(2, 5), "corporation": Fraction(1, 5)},
            "serial_founder_share": Fraction(2, 5),
            "exits": 3,
            "liquidity_actors": 7,
        },
    )


def _problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    return body


def test_unknown_region_is_404(client: TestClient, worked_example: dict[str, Any]) -> None:
    load_example(client, worked_example)
    missing = _problem(client.get("/v1/regions/nowhere/metrics", params=PERIOD), 404)
    assert missing["errors"][0]["loc"] == ["slug"]
    _problem(client.get("/v1/regions/nowhere/metrics/series", params={"from_year": 2005, "to_year": 2006}), 404)
    _problem(client.get("/v1/compare", params={"regions": "daejeon,nowhere", **PERIOD}), 404)


@pytest.mark.parametrize(
    ("path", "params", "loc"),
    [
        pytest.param("/v1/regions/daejeon/metrics", {"from": "2016-12-31", "to": "2005-01-01"}, ["query", "from"], id="from-after-to"),
        pytest.param("/v1/regions/daejeon/metrics", {**PERIOD, "window_years": 0}, ["query", "window_years"], id="window-zero"),
        pytest.param("/v1/regions/daejeon/metrics", {**PERIOD, "window_years": 51}, ["query", "window_years"], id="window-too-long"),
        pytest.param("/v1/regions/daejeon/metrics", {**PERIOD, "window_years": "ten"}, ["query", "window_years"], id="window-not-int"),
        pytest.param("/v1/regions/daejeon/metrics", {"from": "2005-02-30"}, ["query", "from"], id="bad-date"),
        pytest.param("/v1/regions/daejeon/metrics", {"as_of": "yesterday"}, ["query", "as_of"], id="bad-as-of"),
        pytest.param(
            "/v1/regions/daejeon/metrics/series", {"from_year": 2016, "to_year": 2005}, ["query", "from_year"], id="years-reversed"
        ),
        pytest.param("/v1/regions/daejeon/metrics/series", {"from_year": 2005}, ["query", "to_year"], id="series-no-to-year"),
        pytest.param(
            "/v1/regions/daejeon/metrics/series",
            {"from_year": 2005, "to_year": 2006, "window_years": 0},
            ["query", "window_years"],
            id="series-window-zero",
        ),
        pytest.param("/v1/compare", {"regions": "daejeon,daejeon"}, ["query", "regions"], id="compare-twice"),
        pytest.param("/v1/compare", {"regions": "Daejeon!"}, ["query", "regions"], id="compare-bad-slug"),
        pytest.param(
            "/v1/compare", {"regions": "daejeon", "from": "2016-01-01", "to": "2015-01-01"}, ["query", "from"], id="compare-reversed"
        ),
        pytest.param("/v1/compare", {"regions": "daejeon", "window_years": 0}, ["query", "window_years"], id="compare-window-zero"),
    ],
)
def test_bad_metric_queries_are_422(
    client: TestClient, worked_example: dict[str, Any], path: str, params: dict[str, Any], loc: list[str]
) -> None:
    load_example(client, worked_example)
    body = _problem(client.get(path, params=params), 422)
    assert any(e["loc"] == loc for e in body["errors"]), body["errors"]


def test_region_by_city_matches_case_insensitively(client: TestClient) -> None:
    put_regions(
        client,
        {
            "daejeon-city": {"name": "Daejeon (city)", "members": [{"country": "KR", "city": "daejeon"}]},
            "kr30": {"name": "Daejeon (KR-30)", "members": [{"country": "KR", "subdivision": "KR-30"}]},
        },
    )
    founder = [person("kim")]
    post_batch(
        client,
        [
            firm_founded("c1", "2010-01-01", {"country": "KR", "subdivision": "KR-30", "city": "Daejeon"}, founder),
            firm_founded("c2", "2011-01-01", {"country": "KR", "city": "DAEJEON"}, ["kim"]),
            firm_founded("c3", "2011-01-01", {"country": "KR", "subdivision": "KR-30"}, ["kim"]),
            firm_founded("c4", "2012-01-01", {"country": "US", "city": "Daejeon"}, ["kim"]),
            firm_founded("c5", "2012-01-01", {"country": "KR", "subdivision": "KR-11", "city": "Seoul"}, ["kim"]),
            {
                "type": "firm.relocated",
                "occurred_on": "2013-01-01",
                "source": SOURCE,
                "data": {"firm": "c5", "location": {"country": "KR", "subdivision": "KR-30", "city": "daejeon"}},
            },
            {"type": "headcount.reported", "occurred_on": "2014-01-01", "source": SOURCE, "data": {"firm": "c5", "employees": 600}},
        ],
    )
    period = {"from": "2010-01-01", "to": "2014-12-31"}
    # City pattern: c1 and c2 (any case, with or without subdivision), not c3 (no city) nor c4
    # (another country); c5 moved in, so it is active there but was not founded there.
    assert_metrics(
        metrics(client, "daejeon-city", **period),
        {
            "firms_founded": 2,
            "active_firms": 3,
            "retention_rate": Fraction(1),
            "employment": 600,
            "large_firms": 1,
            # kim had founded c1 (2010) before c2 (2011).
            "serial_founder_share": Fraction(1, 2),
        },
    )
    # Subdivision pattern: c1 and c3 founded there (c2 has no subdivision); c5 moved in.
    assert_metrics(metrics(client, "kr30", **period), {"firms_founded": 2, "active_firms": 3, "employment": 600})
    stored = client.get("/v1/regions/daejeon-city").json()
    assert stored["members"] == [{"country": "KR", "subdivision": None, "city": "daejeon"}]  # kept as written
