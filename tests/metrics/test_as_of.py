"""as_of answers with what the ledger knew at an instant; live snapshots go stale until the
workers refresh them (no worker runs here: the refresh is called as the catch-up task does)."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from tests.metrics.support import (
    PERIOD,
    SOURCE,
    WORKED_EXAMPLE,
    assert_metrics,
    catch_up,
    event_id_of,
    firm_founded,
    load_example,
    metrics,
    post_event,
    recorded_at,
    wait_past,
)

DAEJEON = {"country": "KR", "subdivision": "KR-30"}

# The worked example without gamma's IPO (2015-06-01), plus theta founded in Daejeon in 2016:
# exits alpha and beta (80,000,000); liquidity actors p1, vc1, p2, vc2 (p3, bioha-fund and vc3
# only had gamma's IPO); recycled p1 (272 days), vc1 (1,337), p2 (549) -> 3/4, locally p1, p2 ->
# 2/4, median 549; gamma->epsilon (p3 after the IPO) is gone: local hops 3, depth 2
# (alpha->beta->gamma). Firms founded: gamma, zeta, epsilon, theta; serial: gamma (p1) and
# epsilon (p3 founded gamma in 2007) -> 2/4; kribb spin-off zeta -> 1/4; active alpha, gamma,
# epsilon, theta; retention 4/5 (zeta left). Funding did not change.
AFTER_RETRACTION: dict[str, Any] = {
    "firms_founded": 4,
    "active_firms": 4,
    "exits": 2,
    "exit_value_usd": "80000000",
    "liquidity_actors": 4,
    "recycling_rate": Fraction(3, 4),
    "local_recycling_rate": Fraction(2, 4),
    "median_reinvestment_lag_days": 549.0,
    "funding_usd": "6000000",
    "recycled_funding_share": Fraction(1, 3),
    "local_funding_share": Fraction(2, 3),
    "serial_founder_share": Fraction(2, 4),
    "spinoff_share": {"research_institute": Fraction(1, 4)},
    "retention_rate": Fraction(4, 5),
    "loop_depth": 2,
    "local_hops": 3,
    "hops_in": 0,
    "hops_out": 1,
    "employment": 532,
    "large_firms": 1,
    "licensing_deals": 1,
    "licensing_value_usd": "100000000",
}

EMPTY: dict[str, Any] = {
    "firms_founded": 0,
    "active_firms": 0,
    "exits": 0,
    "exit_value_usd": "0",
    "liquidity_actors": 0,
    "recycling_rate": None,
    "local_recycling_rate": None,
    "median_reinvestment_lag_days": None,
    "funding_usd": "0",
    "recycled_funding_share": None,
    "local_funding_share": None,
    "serial_founder_share": None,
    "spinoff_share": {},
    "retention_rate": None,
    "loop_depth": 0,
    "local_hops": 0,
    "hops_in": 0,
    "hops_out": 0,
    "employment": 0,
    "large_firms": 0,
    "licensing_deals": 0,
    "licensing_value_usd": "0",
    "exits_without_value": 0,
    "exits_unconverted": 0,
    "rounds_unconverted": 0,
    "licensing_unconverted": 0,
    "window_complete": True,
}


def _retract_gamma_ipo_and_found_theta(client: TestClient, doc: dict[str, Any]) -> list[dt.datetime]:
    ipo = event_id_of(doc, "exit.ipo", firm="gamma")
    retraction = {"type": "event.retracted", "occurred_on": "2016-12-31", "source": SOURCE, "data": {"event_id": ipo, "reason": "test"}}
    theta = firm_founded("theta", "2016-06-01", DAEJEON, [{"id": "p6", "type": "person", "name": "P6"}])
    retracted_at = dt.datetime.fromisoformat(post_event(client, retraction)["recorded_at"])
    wait_past(retracted_at)
    theta_at = dt.datetime.fromisoformat(post_event(client, theta)["recorded_at"])
    return [retracted_at, theta_at]


def test_as_of_keeps_the_answer_of_that_instant(client: TestClient, worked_example: dict[str, Any]) -> None:
    results = load_example(client, worked_example)
    t = recorded_at(client, results[-1]["event_id"])
    wait_past(t)
    retracted_at, theta_at = _retract_gamma_ipo_and_found_theta(client, worked_example)
    assert t < retracted_at < theta_at

    live = metrics(client, "daejeon", **PERIOD)
    assert live["seq"] == 33 and live["stale"] is False and live["as_of"] is None
    assert_metrics(live, AFTER_RETRACTION)

    then = metrics(client, "daejeon", **PERIOD, as_of=t.isoformat())
    assert_metrics(then, WORKED_EXAMPLE)
    assert then["seq"] == 31
    assert then["stale"] is False  # an as-of answer is final: later events cannot change it
    assert dt.datetime.fromisoformat(then["as_of"]) == t

    # Between the retraction and theta: the IPO is gone, theta not yet founded.
    between = metrics(client, "daejeon", **PERIOD, as_of=retracted_at.isoformat())
    assert between["seq"] == 32
    without_theta = {
        "firms_founded": 3,
        "active_firms": 3,
        "retention_rate": Fraction(3, 4),
        "serial_founder_share": Fraction(2, 3),
        "spinoff_share": {"research_institute": Fraction(1, 3)},
    }
    assert_metrics(between, {**AFTER_RETRACTION, **without_theta})

    # The same instant written in another offset is the same question.
    seoul_time = t.astimezone(dt.timezone(dt.timedelta(hours=9))).isoformat()
    assert metrics(client, "daejeon", **PERIOD, as_of=seoul_time)["seq"] == 31

    # The live answer did not overwrite the as-of one, nor the other way round.
    assert_metrics(metrics(client, "daejeon", **PERIOD, as_of=t.isoformat()), WORKED_EXAMPLE)
    assert_metrics(metrics(client, "daejeon", **PERIOD), AFTER_RETRACTION)


def test_as_of_before_any_event_is_empty_not_an_error(client: TestClient, worked_example: dict[str, Any]) -> None:
    before = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
    load_example(client, worked_example)
    body = metrics(client, "daejeon", **PERIOD, as_of=before.isoformat())
    assert body["seq"] == 0
    assert_metrics(body, EMPTY)
    long_ago = metrics(client, "daejeon", **PERIOD, as_of="2000-01-01T00:00:00Z")
    assert long_ago["seq"] == 0
    assert_metrics(long_ago, EMPTY)
    series = client.get("/v1/regions/daejeon/metrics/series", params={"from_year": 2005, "to_year": 2006, "as_of": before.isoformat()})
    assert series.status_code == 200, series.text
    for year in series.json()["years"]:
        assert_metrics(year, EMPTY)
    compare = client.get("/v1/compare", params={"regions": "daejeon,seoul", **PERIOD, "as_of": before.isoformat()})
    assert compare.status_code == 200, compare.text
    assert compare.json()["hop_flows"] == {"daejeon": {"daejeon": 0, "seoul": 0}, "seoul": {"daejeon": 0, "seoul": 0}}


def test_as_of_compare_sees_the_retracted_ipo(client: TestClient, worked_example: dict[str, Any]) -> None:
    results = load_example(client, worked_example)
    t = recorded_at(client, results[-1]["event_id"])
    wait_past(t)
    _retract_gamma_ipo_and_found_theta(client, worked_example)
    now = client.get("/v1/compare", params={"regions": "daejeon,seoul", **PERIOD}).json()
    then = client.get("/v1/compare", params={"regions": "daejeon,seoul", **PERIOD, "as_of": t.isoformat()}).json()
    assert now["hop_flows"]["daejeon"] == {"daejeon": 3, "seoul": 1}  # gamma->epsilon needed the IPO
    assert then["hop_flows"]["daejeon"] == {"daejeon": 4, "seoul": 1}
    assert then["seq"] == 31 and now["seq"] == 33
    assert_metrics(then["metrics"]["daejeon"], WORKED_EXAMPLE)


@pytest.fixture
def factory(session_factory: sessionmaker[Session]) -> sessionmaker[Session]:
    """The database the `client` fixture serves (same backend parameter)."""
    return session_factory


def test_stored_parts_go_stale_until_the_workers_refresh_them(
    client: TestClient, factory: sessionmaker[Session], worked_example: dict[str, Any]
) -> None:
    load_example(client, worked_example)
    catch_up(client)  # the workers store the yearly parts
    first = metrics(client, "daejeon", **PERIOD)
    assert first["stale"] is False and first["seq"] == 31
    _retract_gamma_ipo_and_found_theta(client, worked_example)

    # No worker ran: the stored parts are served as they were, marked stale.
    stale = metrics(client, "daejeon", **PERIOD)
    assert stale["stale"] is True and stale["seq"] == 31
    assert_metrics(stale, WORKED_EXAMPLE)
    # A question no part answers (another window) is computed on demand, from the whole log.
    fresh = metrics(client, "daejeon", **PERIOD, window_years=11)
    assert fresh["stale"] is False and fresh["seq"] == 33
    assert_metrics(fresh, AFTER_RETRACTION)

    # What the catch-up task does after applying the log: refresh the parts the events touch.
    catch_up(client)
    refreshed = metrics(client, "daejeon", **PERIOD)
    assert refreshed["stale"] is False and refreshed["seq"] == 33
    assert_metrics(refreshed, AFTER_RETRACTION)


def test_region_change_recomputes_its_snapshots(client: TestClient, worked_example: dict[str, Any]) -> None:
    """A new region revision makes stored sets of the old definition unusable: asking again
    computes with the new members, without waiting for a worker."""
    load_example(client, worked_example)
    assert metrics(client, "seoul", **PERIOD)["firms_founded"] == 1
    widened = client.put("/v1/regions/seoul", json={"name": "Seoul and Daejeon", "members": [{"country": "KR"}]})
    assert widened.status_code == 200, widened.text
    body = metrics(client, "seoul", **PERIOD)
    assert body["region_revision"] == 2
    # All of Korea: gamma, delta, zeta, epsilon founded in the period; every hop is local.
    assert_metrics(body, {"firms_founded": 4, "local_hops": 5, "hops_in": 0, "hops_out": 0, "local_recycling_rate": Fraction(4, 7)})
