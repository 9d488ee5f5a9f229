"""Helpers for the metric tests: load documents over HTTP, read metric sets, compare numbers.

Expected values are written as exact fractions and decimal strings, the way the spec states
them; `assert_metrics` compares shares as floats (pytest.approx), counts exactly and money as
Decimal, so "280000000" equals the server's "280000000.00".
"""

from __future__ import annotations

import datetime as dt
import time
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest
from fastapi.testclient import TestClient

PERIOD = {"from": "2005-01-01", "to": "2016-12-31"}
SOURCE = "test: tests/metrics"
KR30 = {"country": "KR", "subdivision": "KR-30"}

# The worked example of spec/chains-and-metrics.md: daejeon, 2005-01-01..2016-12-31, W = 10.
WORKED_EXAMPLE: dict[str, Any] = {
    "firms_founded": 3,
    "active_firms": 3,
    "exits": 3,
    "exit_value_usd": "280000000",
    "liquidity_actors": 7,
    "recycling_rate": Fraction(4, 7),
    "local_recycling_rate": Fraction(3, 7),
    "median_reinvestment_lag_days": 411.5,
    "funding_usd": "6000000",
    "recycled_funding_share": Fraction(1, 3),
    "local_funding_share": Fraction(2, 3),
    "serial_founder_share": Fraction(2, 3),
    "spinoff_share": {"research_institute": Fraction(1, 3)},
    "retention_rate": Fraction(3, 4),
    "loop_depth": 3,
    "local_hops": 4,
    "hops_in": 0,
    "hops_out": 1,
    "employment": 532,
    "large_firms": 1,
    "licensing_deals": 1,
    "licensing_value_usd": "100000000",
    # Conventions of the code around the spec's numbers: nothing unconverted or missing here.
    "exits_without_value": 0,
    "exits_unconverted": 0,
    "rounds_unconverted": 0,
    "licensing_unconverted": 0,
    "firms_unlocated": 0,
}

# Names the metric set must carry (the spec's table plus the code's bookkeeping fields).
METRIC_NAMES = frozenset(
    {
        *WORKED_EXAMPLE,
        "window_complete",
        "window_ends_on",
    }
)
ENVELOPE_NAMES = frozenset({"region", "region_revision", "from", "to", "as_of", "window_years", "seq", "stale", "computed_at"})
MONEY_NAMES = frozenset({"exit_value_usd", "funding_usd", "licensing_value_usd"})


def _same(name: str, actual: Any, expected: Any) -> None:
    if expected is None:
        assert actual is None, f"{name}: expected null, got {actual!r}"
    elif name in MONEY_NAMES:
        assert isinstance(actual, str), f"{name}: money must be a decimal string, got {actual!r}"
        assert Decimal(actual) == Decimal(expected), f"{name}: {actual} != {expected}"
    elif isinstance(expected, dict):
        assert isinstance(actual, dict), f"{name}: expected an object, got {actual!r}"
        assert set(actual) == set(expected), f"{name}: keys {sorted(actual)} != {sorted(expected)}"
        for key, value in expected.items():
            _same(f"{name}.{key}", actual[key], value)
    elif isinstance(expected, str):
        assert actual == expected, f"{name}: {actual!r} != {expected!r}"
    elif isinstance(expected, bool):
        assert actual is expected, f"{name}: {actual!r} != {expected!r}"
    elif isinstance(expected, int):
        assert type(actual) is int and actual == expected, f"{name}: {actual!r} != {expected!r}"
    elif isinstance(expected, Fraction | float):
        assert isinstance(actual, float), f"{name}: expected a float, got {actual!r}"
        assert actual == pytest.approx(float(expected), abs=1e-12), f"{name}: {actual} != {expected}"
    else:
        raise AssertionError(f"{name}: no rule to compare {expected!r}")


def assert_metrics(actual: dict[str, Any], expected: dict[str, Any]) -> None:
    """Every expected name equals the actual value (other names are not checked)."""
    problems = []
    for name, value in expected.items():
        if name not in actual:
            problems.append(f"{name}: missing")
            continue
        try:
            _same(name, actual[name], value)
        except AssertionError as exc:
            problems.append(str(exc))
    assert not problems, "metric mismatch:\n  " + "\n  ".join(problems)


def put_regions(client: TestClient, regions: dict[str, Any]) -> None:
    for slug, definition in regions.items():
        response = client.put(f"/v1/regions/{slug}", json=definition)
        assert response.status_code in (200, 201), response.text


def post_batch(client: TestClient, events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    response = client.post("/v1/events/batch", json={"events": events})
    assert response.status_code == 201, response.text
    results: list[dict[str, Any]] = response.json()["results"]
    return results


def post_event(client: TestClient, event: dict[str, Any]) -> dict[str, Any]:
    response = client.post("/v1/events", json=event)
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def load_example(client: TestClient, doc: dict[str, Any]) -> list[dict[str, Any]]:
    """PUT the document's regions, then POST its events as one batch."""
    put_regions(client, doc["regions"])
    return post_batch(client, doc["events"])


def metrics(client: TestClient, slug: str, **params: Any) -> dict[str, Any]:
    response = client.get(f"/v1/regions/{slug}/metrics", params=params)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def recorded_at(client: TestClient, event_id: str) -> dt.datetime:
    response = client.get(f"/v1/events/{event_id}")
    assert response.status_code == 200, response.text
    return dt.datetime.fromisoformat(response.json()["recorded_at"])


def wait_past(instant: dt.datetime) -> None:
    """Let the clock move past `instant`, so that the next append is recorded strictly after it."""
    while dt.datetime.now(dt.UTC) <= instant:
        time.sleep(0.001)
    time.sleep(0.002)


def event_id_of(doc: dict[str, Any], type_: str, **data: Any) -> str:
    """The event_id of the document's only event of this type whose data has these values."""
    found = [e["event_id"] for e in doc["events"] if e["type"] == type_ and all(e["data"].get(k) == v for k, v in data.items())]
    assert len(found) == 1, f"{type_} {data}: {len(found)} events"
    event_id: str = found[0]
    return event_id


def firm_founded(
    firm: str, on: str, location: dict[str, Any], founders: list[Any], origins: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    return {
        "type": "firm.founded",
        "occurred_on": on,
        "source": SOURCE,
        "data": {"firm": {"id": firm, "name": firm.title()}, "location": location, "founders": founders, "origins": origins or []},
    }


def person(person_id: str, location: dict[str, Any] | None = None) -> dict[str, Any]:
    actor: dict[str, Any] = {"id": person_id, "type": "person", "name": person_id.upper()}
    if location is not None:
        actor["location"] = location
    return actor


def investor(investor_id: str, location: dict[str, Any] | None = None) -> dict[str, Any]:
    actor: dict[str, Any] = {"id": investor_id, "type": "organization", "kind": "investor", "name": investor_id.upper()}
    if location is not None:
        actor["location"] = location
    return actor


def catch_up(client: TestClient) -> None:
    """What a worker does after new events, in this process: the liquidity table up to the log
    head, then the stored metric parts the new events touch."""
    from ledger.chains import maintain
    from ledger.db import unit_of_work
    from ledger.metrics import service as metrics_service

    factory = client.app.state.session_factory  # type: ignore[attr-defined]
    with unit_of_work(factory) as session:
        maintain.catch_up(session)
    metrics_service.refresh_after(factory)


def event(type_: str, on: str, data: dict[str, Any]) -> dict[str, Any]:
    return {"type": type_, "occurred_on": on, "source": SOURCE, "data": data}


def inline_person(pid: str) -> dict[str, str]:
    return {"id": pid, "type": "person", "name": pid.upper()}


def founded_kr30(firm: str, on: str, founders: list[Any], **more: Any) -> dict[str, Any]:
    """A firm.founded in Daejeon (KR-30)."""
    return event("firm.founded", on, {"firm": {"id": firm, "name": firm.title()}, "location": KR30, "founders": founders, **more})
