"""A real worker logs JSON carrying the request id of the HTTP request that enqueued its task, and
serves its task metrics on its own port."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.api.support import firm_founded
from tests.workers.conftest import ApiFactory, Workers, _free_port, caught_up, task_state

pytestmark = [pytest.mark.postgres, pytest.mark.redis]

CATCH_UP = "loopledger.catch_up"


def json_lines(output: str) -> list[dict[str, Any]]:
    """The worker's log lines (its output also holds Celery's banner, printed, not logged)."""
    return [json.loads(line) for line in output.splitlines() if line.startswith("{")]


def scrape(port: int) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    response = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=5)
    assert response.status_code == 200
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }


def test_a_task_enqueued_by_a_request_logs_its_request_id_and_is_measured(api: ApiFactory, workers: Workers, redis_url: str) -> None:
    port = _free_port()
    worker = workers.start(redis_url, settings={"worker_metrics_port": str(port)})
    client = api(redis_url)
    request_id = "ops-test-7f3a"

    batch = {"events": [firm_founded("alpha"), firm_founded("beta")]}
    response = client.post("/v1/events/batch", json=batch, headers={"X-Request-ID": request_id})
    assert response.status_code == 201, response.text
    assert response.headers["X-Request-ID"] == request_id
    workers.wait(caught_up(client, 2), 60, what="the catch-up of the two events")

    def tagged_catch_up_lines() -> list[dict[str, Any]]:
        return [line for line in json_lines(worker.output()) if line.get("request_id") == request_id]

    lines = workers.wait(tagged_catch_up_lines, 30, what=f"a worker log line with request_id {request_id}")
    assert {line["task"] for line in lines} == {CATCH_UP}, lines
    assert all(line["task_id"] for line in lines)
    # Celery's own lines are JSON too (e.g. the one saying the worker is ready).
    assert any("ready." in line["event"] for line in json_lines(worker.output()))

    def measured() -> dict[tuple[str, frozenset[tuple[str, str]]], float] | None:
        samples = scrape(port)
        runs = samples.get(("loopledger_task_runs_total", frozenset({("task", CATCH_UP), ("state", "SUCCESS")})), 0)
        return samples if runs >= 1 else None

    samples = workers.wait(measured, 30, what="the worker's metrics to count the catch-up")
    duration_count = samples[("loopledger_task_duration_seconds_count", frozenset({("task", CATCH_UP)}))]
    duration_sum = samples[("loopledger_task_duration_seconds_sum", frozenset({("task", CATCH_UP)}))]
    assert duration_count >= 1 and duration_sum > 0
    assert samples.get(("loopledger_task_failures_total", frozenset({("task", CATCH_UP)})), 0) == 0


def test_tasks_a_task_enqueues_keep_the_request_id(api: ApiFactory, workers: Workers, redis_url: str) -> None:
    """A recompute runs as a task that enqueues chunk tasks: every one of them logs the id."""
    worker = workers.start(redis_url)
    client = api(redis_url)
    assert client.post("/v1/events/batch", json={"events": [firm_founded("alpha")]}).status_code == 201
    request_id = "recompute-e2e-1"

    queued = client.post("/v1/recompute", headers={"X-Request-ID": request_id})
    assert queued.status_code == 202, queued.text
    task_id = queued.json()["task_id"]
    workers.wait(lambda: task_state(client, task_id)["state"] == "succeeded", 60, what="the recompute to finish")

    def tasks_logged() -> set[str] | None:
        tasks = {line["task"] for line in json_lines(worker.output()) if line.get("request_id") == request_id}
        return tasks if {"loopledger.recompute", "loopledger.recompute_chunk"} <= tasks else None

    workers.wait(tasks_logged, 30, what=f"the recompute and its chunk to log request_id {request_id}")
