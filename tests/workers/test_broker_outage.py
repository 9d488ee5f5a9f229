"""A broker outage never fails or stalls an append; the work is done once the broker is back."""

from __future__ import annotations

import time
from typing import Any

import pytest

from ledger.config import Settings
from tests.workers.conftest import ApiFactory, RedisServer, Workers, caught_up, post_events, status
from workers.app import SWEEP, create_celery

pytestmark = [pytest.mark.postgres, pytest.mark.redis]

# Each append must answer well within this while Redis is down (enqueueing is best effort).
APPEND_BUDGET_SECONDS = 2.0


def _downstream(body: dict[str, Any]) -> dict[str, int]:
    return {f["id"]: f["generation"] for f in body["firms"]}


def test_appends_succeed_while_the_broker_is_down_and_are_applied_after_it_returns(
    private_redis: RedisServer, workers: Workers, api: ApiFactory, worked_example: dict[str, Any]
) -> None:
    """Appends during the outage answer 201 quickly and lag grows; the worker survives the outage
    although it holds an unacknowledged task; after Redis restarts (empty: it kept nothing) the
    beat sweep notices the lag and a catch-up brings the hops up to the head."""
    events: list[dict[str, Any]] = worked_example["events"]
    registrations = [e for e in events if e["type"] == "actor.registered"]
    rest = events[len(registrations) :]
    assert all(e["type"] != "actor.registered" for e in rest)

    worker = workers.start(private_redis.url, beat=True, sweep_interval_seconds=1)
    client = api(private_redis.url, dispatch_delay_seconds=0.2)
    # The pipeline works before the outage.
    head = post_events(client, registrations)
    workers.wait(caught_up(client, head), 30, what="the registrations to be applied")
    # The broker dies while the worker, idle in BRPOP, holds a task waiting for its ETA,
    # unacknowledged (as it holds every catch-up for the dispatch delay). That once made the
    # worker exit for good ("Unrecoverable error", see workers/broker.py).
    held = create_celery(Settings(broker_url=private_redis.url), publisher=True).send_task(SWEEP, countdown=600)
    workers.wait(lambda: f"{held.id}] received" in worker.output(), 30, what="the worker to hold the delayed task")
    workers.wait(private_redis.blocked_clients, 10, what="the worker to wait in BRPOP")

    private_redis.stop()
    for event in rest:
        started = time.monotonic()
        response = client.post("/v1/events", json=event)
        took = time.monotonic() - started
        assert response.status_code == 201, response.text
        assert took < APPEND_BUDGET_SECONDS, f"{event['type']} took {took:.2f}s with the broker down"
        head = response.json()["seq"]
    assert head == len(events)
    during = status(client)
    assert during["head_seq"] == head
    assert during["derived"]["liquidity"]["lag"] > 0, during

    private_redis.start()
    workers.wait(caught_up(client, head), 60, what="the sweep to catch up after the broker returned")
    assert worker.process.poll() is None, "the worker exited during the outage"
    alpha = client.get("/v1/chains/alpha").json()
    assert _downstream(alpha) == {"beta": 1, "gamma": 1, "delta": 1, "epsilon": 2}
    assert alpha["multiplier"] == 4
    assert len(client.get("/v1/chains/alpha/hops").json()["hops"]) == 5
    assert (alpha["seq"], alpha["stale"]) == (head, False)
