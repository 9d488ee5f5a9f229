"""Redis stopped and started while events are posted: nothing acknowledged is lost, nothing is
stored twice, and once Redis is back the worker brings the derived state to a full rebuild's."""

from __future__ import annotations

import datetime as dt
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from tests.faults.clients import Outcome, Poster, Tally, put_regions, with_ids
from tests.faults.conftest import ApiFactory, loopledger_verify, read_log
from tests.faults.derived import assert_derived_state_equals_a_full_rebuild, caught_up, watermarks
from tests.log_checks import assert_chain_intact
from tests.workers.conftest import RedisServer, Workers, wait_for
from tests.workers.synthetic import synthetic_ledger

pytestmark = [pytest.mark.postgres, pytest.mark.redis]

DEADLINE_SECONDS = 40
FIRST_RATE = dt.date(2005, 1, 3)


def _fx_rates(count: int) -> list[dict[str, Any]]:
    """Events no other event depends on, posted by a second client alongside the ledger."""
    rates = [
        {
            "type": "fx.rate",
            "occurred_on": (FIRST_RATE + dt.timedelta(weeks=i)).isoformat(),
            "data": {"currency": "KRW", "usd_per_unit": f"0.000{800 + i}"},
        }
        for i in range(count)
    ]
    return with_ids(rates, "redis-restart/fx")


@pytest.mark.timeout(120)
def test_a_redis_restart_while_posting_loses_nothing_and_the_worker_catches_up_to_a_full_rebuild(
    private_redis: RedisServer, workers: Workers, postgres_url: str, api_server: ApiFactory
) -> None:
    """One client posts a 697-event ledger in order (single posts and batches of 20), another
    posts FX rates. Redis is killed once a third is acknowledged (it keeps nothing: no RDB, no
    AOF) and started again once two thirds are. Appends never fail meanwhile; every event is in
    the log once under the seq it was acknowledged with; the worker, which outlives the outage,
    catches up through its sweep, and the liquidity table and metric parts equal a full rebuild."""
    worker = workers.start(private_redis.url, beat=True, sweep_interval_seconds=1)
    server = api_server(postgres_url, private_redis.url)
    with server.client() as client:
        put_regions(client)
    ledger = with_ids(synthetic_ledger(firms=180, vcs=6), "redis-restart/ledger")
    rates = _fx_rates(120)
    total = len(ledger) + len(rates)
    tally = Tally()
    deadline = time.monotonic() + DEADLINE_SECONDS

    def post_ledger() -> Outcome:
        with Poster(server.url, tally, deadline=deadline) as poster:
            return poster.post_in_order(ledger)

    def post_rates() -> Outcome:
        with Poster(server.url, tally, deadline=deadline) as poster:
            return poster.post_all_independent(rates)

    with ThreadPoolExecutor(2) as pool:
        futures = [pool.submit(post_ledger), pool.submit(post_rates)]
        wait_for(lambda: tally.acknowledged >= total // 3, 30, what="a third of the events to be acknowledged")
        private_redis.stop()
        down_at = tally.acknowledged
        wait_for(lambda: tally.acknowledged >= 2 * total // 3, 30, what="two thirds acknowledged with Redis down")
        during = tally.acknowledged - down_at
        behind = watermarks(postgres_url)
        private_redis.start()
        outcome = futures[0].result().merge(futures[1].result())

    assert during > 0
    assert behind.liquidity < behind.head, f"nothing was left for the worker when Redis returned: {behind}"
    assert outcome.failures == 0, f"appends failed during the broker outage: {dict(outcome.answers)}"
    rows = read_log(postgres_url)
    assert len(rows) == total and Counter(r.event_id for r in rows).most_common(1)[0][1] == 1
    assert {r.event_id: r.seq for r in rows} == outcome.first_ack
    assert [r.seq for r in rows] == list(range(1, total + 1))
    assert_chain_intact(rows)

    workers.wait(lambda: caught_up(postgres_url), 60, what="the worker to catch up after Redis returned")
    assert worker.process.poll() is None, "the worker exited during the outage"
    derived = assert_derived_state_equals_a_full_rebuild(postgres_url)
    assert derived.head == total and derived.liquidity_rows > 100 and derived.metric_parts > 0
    assert loopledger_verify(postgres_url) == f"ok, {total} events"
