"""The API SIGKILLed in the middle of a large batch: the batch is all or nothing, the same batch
posted again after a restart stores each event once, and the worker's derived state equals a
full rebuild."""

from __future__ import annotations

from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from tests.faults.clients import put_regions, with_ids
from tests.faults.conftest import ApiFactory, Backends, loopledger_verify, read_log, with_application_name
from tests.faults.derived import assert_derived_state_equals_a_full_rebuild, caught_up
from tests.log_checks import assert_chain_intact
from tests.workers.conftest import RedisServer, Workers, post_events
from tests.workers.synthetic import synthetic_ledger

pytestmark = [pytest.mark.postgres, pytest.mark.redis]

API = "faults-api"
BATCH_EVENTS = 2500


@pytest.mark.timeout(150)
def test_an_api_killed_mid_batch_stores_all_or_nothing_and_the_retried_batch_stores_each_event_once(
    private_redis: RedisServer, workers: Workers, postgres_url: str, api_server: ApiFactory
) -> None:
    """A 2,500-event batch is posted; once its transaction holds the ledger head lock (the first
    thing an append does, so the batch is being written) the API's processes are SIGKILLed.
    PostgreSQL rolls the orphaned transaction back: none of the batch is in the log (or, had the
    commit already been sent, all of it), and the log verifies. After a restart the same batch
    is posted again and answered 201; every event is in the log exactly once, and once the
    worker has caught up the derived state equals a full rebuild."""
    ledger = with_ids(synthetic_ledger(firms=800, vcs=20), "api-kill")
    prefix, batch = ledger[: len(ledger) - BATCH_EVENTS], ledger[len(ledger) - BATCH_EVENTS :]
    server = api_server(with_application_name(postgres_url, API), private_redis.url)
    workers.start(private_redis.url, beat=True, sweep_interval_seconds=1)
    with server.client() as client:
        put_regions(client)
        head = post_events(client, prefix)  # type: ignore[arg-type]

    api = Backends(postgres_url, API)
    try:
        with ThreadPoolExecutor(1) as pool, server.client(timeout=120) as client:
            posted = pool.submit(client.post, "/v1/events/batch", json={"events": batch})
            workers.wait(api.writing, 60, what="the batch's transaction to hold the ledger head")
            server.kill()
            with pytest.raises(httpx.TransportError):
                posted.result()
        # The backend notices its client is gone at its next read of the socket and rolls back.
        workers.wait(lambda: api.connected() == 0, 30, what="the killed API's connections to end")
    finally:
        api.close()

    rows = read_log(postgres_url)
    ids = {e["event_id"] for e in batch}
    stored = sum(r.event_id in ids for r in rows)
    assert stored in (0, len(batch)), f"{stored} of the batch's {len(batch)} events are in the log"
    assert [r.seq for r in rows] == list(range(1, len(rows) + 1))
    assert len(rows) == head + stored
    assert_chain_intact(rows)
    assert loopledger_verify(postgres_url) == f"ok, {len(rows)} events"

    server.start()
    with server.client(timeout=120) as client:
        retried = client.post("/v1/events/batch", json={"events": batch})
    assert retried.status_code == 201, retried.text[:2000]
    results = retried.json()["results"]
    assert [r["duplicate"] for r in results] == [stored > 0] * len(batch)

    rows = read_log(postgres_url)
    assert len(rows) == len(ledger) and Counter(r.event_id for r in rows).most_common(1)[0][1] == 1
    assert {r.event_id for r in rows} == {e["event_id"] for e in ledger}
    seq_of = {r.event_id: r.seq for r in rows}
    assert [seq_of[r["event_id"]] for r in results] == [r["seq"] for r in results] == list(range(head + 1, len(ledger) + 1))
    assert_chain_intact(rows)

    workers.wait(lambda: caught_up(postgres_url), 90, what="the worker to catch up with the retried batch")
    derived = assert_derived_state_equals_a_full_rebuild(postgres_url)
    assert derived.head == len(ledger) and derived.liquidity_rows > 100 and derived.metric_parts > 0
    assert loopledger_verify(postgres_url) == f"ok, {len(ledger)} events"
