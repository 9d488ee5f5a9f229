"""GET /metrics, request ids and JSON logs of the API."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from api.app import create_app
from ledger.config import Settings
from tests.api.support import firm_founded


def scrape(client: TestClient) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    """GET /metrics as {(sample name, labels): value}, checking it is Prometheus text format."""
    response = client.get("/metrics")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain"), response.headers
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }


def sample(samples: dict[tuple[str, frozenset[tuple[str, str]]], float], name: str, **labels: str) -> float | None:
    return samples.get((name, frozenset(labels.items())))


def json_lines(text: str) -> list[dict[str, Any]]:
    """Every stderr line must be one JSON object."""
    lines = [line for line in text.splitlines() if line.strip()]
    return [json.loads(line) for line in lines]


@pytest.fixture
def anonymous(settings: Settings) -> Iterator[TestClient]:
    """The app without an API key on its requests."""
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def test_requests_are_counted_and_timed_by_route_template(client: TestClient) -> None:
    for event_id in ("no-such-event-1", "no-such-event-2"):
        assert client.get(f"/v1/events/{event_id}").status_code == 404
    assert client.get("/healthz").status_code == 200

    samples = scrape(client)
    route = "/v1/events/{event_id}"
    assert sample(samples, "loopledger_http_requests_total", method="GET", route=route, status="404") == 2
    assert sample(samples, "loopledger_http_request_duration_seconds_count", method="GET", route=route) == 2
    assert sample(samples, "loopledger_http_request_duration_seconds_bucket", method="GET", route=route, le="+Inf") == 2
    assert sample(samples, "loopledger_http_requests_total", method="GET", route="/healthz", status="200") == 1
    # Bounded label values: the paths asked for never become labels.
    assert not any("no-such-event" in value for _, labels in samples for _, value in labels)


def test_unrouted_paths_and_odd_methods_share_one_label_value(client: TestClient) -> None:
    assert client.get(f"/nowhere/{uuid.uuid4()}").status_code == 404
    assert client.request("BREW", "/healthz").status_code == 405

    samples = scrape(client)
    assert sample(samples, "loopledger_http_requests_total", method="GET", route="<unmatched>", status="404") == 1
    assert sample(samples, "loopledger_http_requests_total", method="OTHER", route="/healthz", status="405") == 1


def test_appended_events_counter_moves_by_the_events_appended(client: TestClient) -> None:
    single = {**firm_founded("alpha"), "event_id": str(uuid.uuid4())}
    assert client.post("/v1/events", json=single).status_code == 201
    batch = {"events": [firm_founded(f"firm-{n}") for n in range(3)]}
    assert client.post("/v1/events/batch", json=batch).status_code == 201
    # A replay appends nothing, and a refused event neither.
    assert client.post("/v1/events", json=single).status_code == 200
    assert client.post("/v1/events", json={"type": "firm.founded"}).status_code == 422

    assert sample(scrape(client), "loopledger_events_appended_total") == 4


def test_lag_gauges_count_the_events_no_worker_has_applied(client: TestClient) -> None:
    """No worker runs here (the broker is in memory), so every event posted is behind."""
    samples = scrape(client)
    for table in ("liquidity", "metric_parts"):
        assert sample(samples, "loopledger_derived_events_behind", table=table) == 0
        assert sample(samples, "loopledger_derived_seconds_behind", table=table) == 0

    batch = {"events": [firm_founded(f"firm-{n}") for n in range(5)]}
    assert client.post("/v1/events/batch", json=batch).status_code == 201
    assert client.post("/v1/events", json=firm_founded("one-more")).status_code == 201

    samples = scrape(client)
    assert sample(samples, "loopledger_lag_up") == 1
    assert sample(samples, "loopledger_log_head_seq") == 6
    status = client.get("/v1/status").json()
    assert status["derived"]["liquidity"]["lag"] == 6
    for table in ("liquidity", "metric_parts"):
        assert sample(samples, "loopledger_derived_events_behind", table=table) == 6
        assert sample(samples, "loopledger_derived_seq", table=table) == 0
        seconds = sample(samples, "loopledger_derived_seconds_behind", table=table)
        assert seconds is not None and 0 < seconds < 600


def test_metrics_need_no_key_and_stay_out_of_the_openapi_schema(anonymous: TestClient) -> None:
    assert anonymous.get("/metrics").status_code == 200
    assert "/metrics" not in anonymous.get("/openapi.json").json()["paths"]


def test_request_id_round_trips_and_tags_the_request_log_line(client: TestClient, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    response = client.get("/v1/status", headers={"X-Request-ID": "client-chosen.id:42"})
    assert response.status_code == 200
    assert response.headers["X-Request-ID"] == "client-chosen.id:42"

    lines = json_lines(capsys.readouterr().err)
    request_lines = [line for line in lines if line.get("event") == "request"]
    assert len(request_lines) == 1, lines
    line = request_lines[0]
    assert line["request_id"] == "client-chosen.id:42"
    assert (line["route"], line["status"], line["method"], line["level"]) == ("/v1/status", 200, "GET", "info")
    assert {"timestamp", "duration_ms", "logger"} <= line.keys()


@pytest.mark.parametrize("given", [None, "", "has spaces", 'quote"d', "x" * 200, "-starts-with-dash"])
def test_missing_or_odd_request_ids_are_replaced(client: TestClient, given: str | None) -> None:
    headers = {} if given is None else {"X-Request-ID": given}
    first = client.get("/healthz", headers=headers).headers["X-Request-ID"]
    second = client.get("/healthz", headers=headers).headers["X-Request-ID"]
    assert first != given and first != second
    assert len(first) == 32 and int(first, 16) >= 0


def test_logs_never_carry_the_api_key(client: TestClient, capsys: pytest.CaptureFixture[str]) -> None:
    key = client.headers["Authorization"].removeprefix("Bearer ")
    capsys.readouterr()
    assert client.post("/v1/events", json=firm_founded()).status_code == 201
    assert client.get("/v1/events/nope", headers={"Authorization": "Bearer not-a-key-at-all"}).status_code == 401
    err = capsys.readouterr().err
    assert json_lines(err)
    assert key not in err and "not-a-key-at-all" not in err
