"""A burst of appends is applied by a handful of catch-ups, not one per event."""

from __future__ import annotations

import math
import time

import pytest
import sqlalchemy as sa

from tests.workers.conftest import ApiFactory, Workers, caught_up, count_rows

pytestmark = [pytest.mark.postgres, pytest.mark.redis]

DISPATCH_DELAY_SECONDS = 0.5
BURST = 1000


def test_a_burst_of_single_appends_coalesces_into_few_catch_ups(
    api: ApiFactory, workers: Workers, redis_url: str, postgres_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    """1,000 single POSTs over D seconds leave at most ceil(D / d) + 2 catch-ups (d = dispatch delay).

    Why this bound: an append enqueues a catch-up only when it claims the dispatch flag, so at most
    one catch-up is pending at any time; the flag is cleared only when that catch-up starts, which
    is no earlier than d after it was enqueued (countdown). So claims during the burst are at least
    d apart: at most ceil(D / d) + 1 of them, plus the one catch-up the worker's start-up sweep may
    enqueue. Only catch-ups that applied something leave a `task` row, so the count can be lower.
    """
    workers.start(redis_url)
    client = api(redis_url, dispatch_delay_seconds=DISPATCH_DELAY_SECONDS)
    founded = client.post(
        "/v1/events",
        json={
            "type": "firm.founded",
            "occurred_on": "2001-02-03",
            "data": {"firm": {"id": "alpha", "name": "Alpha"}, "location": {"country": "KR", "subdivision": "KR-30"}},
        },
    )
    assert founded.status_code == 201, founded.text

    started = time.monotonic()
    for n in range(BURST):
        event = {"type": "headcount.reported", "occurred_on": "2002-01-01", "data": {"firm": "alpha", "employees": n}}
        response = client.post("/v1/events", json=event)
        assert response.status_code == 201, response.text
    burst_seconds = time.monotonic() - started
    head: int = response.json()["seq"]
    assert head == BURST + 1

    workers.wait(caught_up(client, head), 60, what=f"hops to reach seq {head}")
    catch_ups = count_rows(postgres_url, "SELECT count(*) FROM task WHERE kind = 'catch_up'")
    bound = math.ceil(burst_seconds / DISPATCH_DELAY_SECONDS) + 2
    failed_enqueues = [r.getMessage() for r in caplog.records if r.name == "workers.dispatch"]
    assert 1 <= catch_ups <= bound, (
        f"{catch_ups} catch-ups for {BURST} appends in {burst_seconds:.1f}s (bound {bound});"
        f" failed enqueues: {failed_enqueues[:3]} ({len(failed_enqueues)})\n{workers.logs()}"
    )
    # Far below one per append: each catch-up covered several appends on average. (Here a single
    # POST takes ~40 ms, so d = 0.5 s spans ~12 appends; the factor leaves room for slower runners.)
    assert catch_ups <= BURST // 5, f"{catch_ups} catch-ups for {BURST} appends"


def test_metric_parts_wait_for_a_bulk_load_to_settle_and_then_catch_up(
    api: ApiFactory, workers: Workers, redis_url: str, postgres_url: str
) -> None:
    """A catch-up that ends far behind the log (a load is under way) leaves the metric parts
    alone (they would be redone at once); the catch-up after the last batch refreshes them, so
    the region's set ends exact and not stale."""
    workers.start(redis_url, settings={"metrics_refresh_max_backlog": "20"})
    client = api(redis_url, dispatch_delay_seconds=0.05)
    assert client.put("/v1/regions/daejeon", json={"name": "Daejeon", "members": [{"country": "KR", "subdivision": "KR-30"}]}).is_success

    def post(batch: int) -> int:
        events = [
            {
                "type": "firm.founded",
                "occurred_on": "2001-02-03",
                "data": {"firm": {"id": f"f{batch}-{i}", "name": f"F{batch}-{i}"}, "location": {"country": "KR", "subdivision": "KR-30"}},
            }
            for i in range(50)
        ]
        response = client.post("/v1/events/batch", json={"events": events})
        assert response.status_code == 201, response.text
        seq: int = response.json()["results"][-1]["seq"]
        return seq

    # The first catch-up is held where it records its run (an insert into `task`, after it has
    # applied the log up to the head it saw) while the rest of the load lands: it then ends
    # far behind, whatever the speed of this machine.
    engine = sa.create_engine(postgres_url)
    with engine.connect() as holder:
        holder.exec_driver_sql("LOCK TABLE task IN SHARE MODE")
        post(0)

        def held() -> bool:
            with engine.connect() as conn:
                waiting = "SELECT count(*) FROM pg_locks WHERE NOT granted AND relation = 'task'::regclass"
                return bool(conn.exec_driver_sql(waiting).scalar())

        workers.wait(held, 60, what="the first catch-up to reach its task record")
        head = max(post(batch) for batch in range(1, 30))
        holder.rollback()
    engine.dispose()

    def fresh() -> dict[str, object] | None:
        body = client.get("/v1/regions/daejeon/metrics", params={"from": "2001-01-01", "to": "2001-12-31"}).json()
        return body if body["seq"] == head and not body["stale"] else None

    body = workers.wait(fresh, 120, what=f"the stored parts to reach seq {head}")
    assert body["firms_founded"] == 1500
    assert "metric parts wait for the" in workers.logs(), workers.logs()
