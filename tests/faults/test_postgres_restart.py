"""PostgreSQL crashes while clients post: no 2xx for an event that is not durably stored, and
clients retrying with the same event_id end with every event in the log exactly once."""

from __future__ import annotations

import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from functools import reduce
from typing import Any

import pytest

from tests.faults.clients import Outcome, Poster, Tally, event_id
from tests.faults.conftest import ApiFactory, PrivatePostgres, loopledger_verify, read_log
from tests.faults.derived import assert_projections_equal_a_rebuild
from tests.log_checks import assert_chain_intact, assert_recorded_at_never_decreases
from tests.workers.conftest import wait_for

pytestmark = [pytest.mark.postgres]

CLIENTS = 6
EVENTS_PER_CLIENT = 120
# Clients give up (and the test fails) if an event is still unacknowledged this long after the start.
DEADLINE_SECONDS = 45
SUBDIVISIONS = ("KR-30", "KR-11", "KR-41")


def _event(client: int, index: int) -> dict[str, Any]:
    """Independent events (a new firm, or an FX rate), so clients never wait on each other's."""
    scope = f"pg-restart/{client}"
    if index % 3 == 2:
        rate = {"currency": ("KRW", "JPY", "EUR")[client % 3], "usd_per_unit": f"0.{client + 1}{index:04d}"}
        return {"event_id": event_id(scope, index), "type": "fx.rate", "occurred_on": f"2011-01-{client + 1:02d}", "data": rate}
    firm = f"pg-{client}-{index}"
    data = {"firm": {"id": firm, "name": firm.upper()}, "location": {"country": "KR", "subdivision": SUBDIVISIONS[index % 3]}}
    return {"event_id": event_id(scope, index), "type": "firm.founded", "occurred_on": "2012-03-04", "data": data}


@pytest.mark.timeout(120)
def test_a_postgresql_crash_mid_stream_loses_no_acknowledged_event_and_retries_store_each_once(
    private_postgres: PrivatePostgres, api_server: ApiFactory
) -> None:
    """Six clients post 720 events; once a third is acknowledged PostgreSQL is crashed
    (immediate stop: backends killed, no checkpoint) and, once every client has seen failures,
    started again (WAL recovery). Clients retry each unacknowledged event with the same id and
    body. Every event acknowledged before the crash is still in the log under the seq it was
    acknowledged with, every event is in the log exactly once, and the log verifies."""
    database_url = private_postgres.create_database("ledger")
    server = api_server(database_url, "memory://")
    streams = [[_event(c, i) for i in range(EVENTS_PER_CLIENT)] for c in range(CLIENTS)]
    total = CLIENTS * EVENTS_PER_CLIENT
    tally = Tally()
    deadline = time.monotonic() + DEADLINE_SECONDS

    def post(stream: list[dict[str, Any]]) -> Outcome:
        with Poster(server.url, tally, deadline=deadline) as poster:
            return poster.post_all_independent(stream)

    with ThreadPoolExecutor(CLIENTS) as pool:
        futures = [pool.submit(post, stream) for stream in streams]
        wait_for(lambda: tally.acknowledged >= total // 3, 30, what="a third of the events to be acknowledged")
        before_crash = tally.acknowledged
        private_postgres.crash()
        # Down until the clients have felt it: every one of them has had attempts fail.
        wait_for(lambda: tally.failed >= 3 * CLIENTS, 20, what="the clients to see the outage", diagnostics=server.output)
        private_postgres.start()
        outcome = reduce(Outcome.merge, (f.result() for f in futures))

    assert before_crash < total
    assert outcome.failures > 0, "no attempt failed: the crash did not hit the stream"
    assert len(outcome.first_ack) == total
    answered_twice = {e: seqs for e, seqs in outcome.acked_seqs.items() if len(seqs) > 1}
    assert not answered_twice, f"events acknowledged under two different seqs: {answered_twice}"

    rows = read_log(database_url)
    stored = Counter(r.event_id for r in rows)
    lost = sorted(set(outcome.first_ack) - set(stored))
    assert not lost, f"{len(lost)} acknowledged events are not in the log after recovery, e.g. {lost[:3]}"
    assert [e for e, n in stored.items() if n > 1] == [], "events stored twice"
    assert [r.seq for r in rows] == list(range(1, total + 1)), "seq has gaps or repeats"
    # No 2xx for an event that is not durable: each first acknowledgement (some before the
    # crash) names the seq the event has in the recovered log.
    assert {r.event_id: r.seq for r in rows} == outcome.first_ack
    assert_chain_intact(rows)
    assert_recorded_at_never_decreases(rows)
    assert loopledger_verify(database_url) == f"ok, {total} events"
    # Nothing half-applied survived recovery: the projections equal a replay of the log.
    assert_projections_equal_a_rebuild(database_url)
