"""A worker SIGKILLed in the middle of a task: a new worker finishes the work and the derived
state equals a full rebuild from the log.

tests/workers/test_redelivery.py kills a worker during a recompute (at a moment chosen by
timing) and compares the liquidity table with a fresh derivation. These tests stop the worker at
a chosen point inside a task instead: the test holds a SHARE lock on the table the task is about
to write, so the worker waits there, inside its transaction, until it is killed. Then every
derived layer (projections, liquidity table, every metric part) is compared with a full rebuild.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pytest
import sqlalchemy as sa

from tests.faults.clients import put_regions
from tests.faults.conftest import ApiFactory, Backends, loopledger_verify, with_application_name
from tests.faults.derived import Watermarks, assert_derived_state_equals_a_full_rebuild, caught_up, watermarks
from tests.workers.conftest import RedisServer, Workers, post_events, task_state
from tests.workers.synthetic import synthetic_ledger

pytestmark = [pytest.mark.postgres, pytest.mark.redis]

# Redis gives an unacknowledged message back after this long: the killed worker's task.
VISIBILITY_TIMEOUT_SECONDS = 5
KILLED = "faults-killed-worker"


@dataclass(frozen=True)
class KillPoint:
    task: str  # catch_up (enqueued by appends) or recompute (POST /v1/recompute)
    table: str  # the worker is held writing this table when it is killed


KILL_POINTS = {
    # Inside the catch-up's one transaction: the tracking row is locked, the new rows not written.
    "catch-up-applying-liquidity": KillPoint("catch_up", "liquidity_event"),
    # After the liquidity table committed, while the metric parts are being written.
    "catch-up-writing-metric-parts": KillPoint("catch_up", "metric_part"),
    # A chunk of a full recompute, its actors' rows deleted but not derived again.
    "recompute-chunk": KillPoint("recompute", "liquidity_event"),
}


@contextmanager
def table_locked(database_url: str, table: str) -> Iterator[None]:
    """SHARE lock on `table`: reads go on, the first write to it waits until the block ends."""
    engine = sa.create_engine(database_url)
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql(f'LOCK TABLE "{table}" IN SHARE MODE')
            try:
                yield
            finally:
                conn.rollback()
    finally:
        engine.dispose()


@pytest.mark.timeout(150)
@pytest.mark.parametrize("kill_point", list(KILL_POINTS.values()), ids=list(KILL_POINTS))
def test_a_worker_killed_mid_task_leaves_work_a_new_worker_finishes_to_a_full_rebuild(
    kill_point: KillPoint, private_redis: RedisServer, workers: Workers, postgres_url: str, api_server: ApiFactory
) -> None:
    server = api_server(postgres_url, private_redis.url)
    ledger = synthetic_ledger(firms=180, vcs=6)
    # The catch-up cases leave new events to apply (and stored parts to bring up to date).
    first_part = ledger if kill_point.task == "recompute" else ledger[: len(ledger) // 2]
    with server.client() as client:
        put_regions(client)
        head = post_events(client, first_part)  # type: ignore[arg-type]
        killed_database_url = with_application_name(postgres_url, KILLED)
        first = workers.start(
            private_redis.url, visibility_timeout_seconds=VISIBILITY_TIMEOUT_SECONDS, settings={"database_url": killed_database_url}
        )
        workers.wait(lambda: caught_up(postgres_url), 60, what="the first worker to catch up")

        held = Backends(postgres_url, KILLED)
        task_id: str | None = None
        try:
            with table_locked(postgres_url, kill_point.table):
                if kill_point.task == "recompute":
                    queued = client.post("/v1/recompute")
                    assert queued.status_code == 202, queued.text
                    task_id = queued.json()["task_id"]
                else:
                    head = post_events(client, ledger[len(first_part) :])  # type: ignore[arg-type]
                workers.wait(lambda: held.waiting_on(kill_point.table), 60, what=f"the worker to wait on its write to {kill_point.table}")
                first.kill()
            # The backend finishes the statement it waited on, then finds its client gone and rolls back.
            workers.wait(lambda: held.connected() == 0, 30, what="the killed worker's connections to end")
        finally:
            held.close()
        left = watermarks(postgres_url)
        _assert_unfinished(kill_point, left, head)
        if task_id is not None:
            assert task_state(client, task_id)["state"] == "running"

        workers.start(private_redis.url, beat=True, sweep_interval_seconds=1, visibility_timeout_seconds=VISIBILITY_TIMEOUT_SECONDS)
        if task_id is not None:

            def finished() -> dict[str, Any] | None:
                task = task_state(client, task_id)
                return task if task["state"] in ("succeeded", "failed") else None

            done = workers.wait(finished, 60, what="the redelivered recompute to finish")
            assert done["state"] == "succeeded", done
        workers.wait(lambda: caught_up(postgres_url), 60, what="the new worker to catch up")

    derived = assert_derived_state_equals_a_full_rebuild(postgres_url)
    assert derived.head == head == len(ledger)
    assert derived.liquidity_rows > 100 and derived.metric_parts > 0
    assert loopledger_verify(postgres_url) == f"ok, {head} events"


def _assert_unfinished(kill_point: KillPoint, left: Watermarks, head: int) -> None:
    """The kill left work undone (else the test proved nothing)."""
    assert left.head == head
    if kill_point.table == "metric_part":
        assert left.liquidity == head and left.metric_parts < head, left
    elif kill_point.task == "catch_up":
        assert left.liquidity < head, left
    else:
        assert left.caught_up, left  # the chunk's delete was rolled back: the table is as it was
