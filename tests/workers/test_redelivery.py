"""A worker killed in the middle of a recompute loses nothing: the task is redelivered and redone."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import sqlalchemy as sa

from ledger.chains import liquidity, maintain
from ledger.chains.models import LiquidityEvent
from ledger.db import create_db_engine, make_session_factory
from tests.workers.conftest import ApiFactory, Workers, caught_up, post_events, task_state
from tests.workers.synthetic import synthetic_ledger

pytestmark = [pytest.mark.postgres, pytest.mark.redis]

# Redis gives an unacknowledged message back after this long; small so the test does not wait an hour.
VISIBILITY_TIMEOUT_SECONDS = 5
REGIONS = {"daejeon": "KR-30", "seoul": "KR-11"}


def _assert_liquidity_equals_a_fresh_derivation(database_url: str) -> tuple[int, int, int]:
    """The stored liquidity table == a from-scratch derivation of the same log (made in a
    transaction that is rolled back); returns (rows, watermark, log head)."""
    engine = create_db_engine(database_url)
    session = make_session_factory(engine)()
    try:
        stored = sorted(tuple(r) for r in session.execute(sa.select(*LiquidityEvent.__table__.columns)))  # type: ignore[attr-defined]
        position = maintain.position(session)
        head = int(session.execute(sa.text("SELECT last_seq FROM ledger_head")).scalar_one())
        liquidity.rebuild(session, upto=position)
        derived = sorted(tuple(r) for r in session.execute(sa.select(*LiquidityEvent.__table__.columns)))  # type: ignore[attr-defined]
    finally:
        session.rollback()
        session.close()
        engine.dispose()
    assert stored == derived, f"{len(set(stored) - set(derived))} stored rows not derived, {len(set(derived) - set(stored))} missing"
    return len(stored), position, head


def test_sigkill_during_a_recompute_loses_nothing(api: ApiFactory, workers: Workers, redis_url: str, postgres_url: str) -> None:
    """SIGKILL the worker while a recompute runs (its chunks queued or running): the task is not
    marked done, unacknowledged chunk messages go back to the queue after the visibility timeout,
    a new worker runs them, the last one closes the task, and the liquidity table equals a
    from-scratch derivation of the ledger."""
    client = api(redis_url)
    for slug, subdivision in REGIONS.items():
        assert client.put(f"/v1/regions/{slug}", json={"name": slug, "members": [{"country": "KR", "subdivision": subdivision}]}).is_success
    head = post_events(client, synthetic_ledger(firms=180, vcs=6))
    first = workers.start(redis_url, visibility_timeout_seconds=VISIBILITY_TIMEOUT_SECONDS)
    workers.wait(caught_up(client, head), 120, what=f"liquidity to reach seq {head}")

    queued = client.post("/v1/recompute")
    assert queued.status_code == 202, queued.text
    task_id: str = queued.json()["task_id"]
    workers.wait(lambda: task_state(client, task_id)["state"] == "running", 30, what="the recompute to start")
    first.kill()
    killed = task_state(client, task_id)
    assert killed["state"] == "running", killed
    assert killed["progress"] < 1.0

    workers.start(redis_url, visibility_timeout_seconds=VISIBILITY_TIMEOUT_SECONDS)

    def finished() -> dict[str, Any] | None:
        task = task_state(client, task_id)
        return task if task["state"] in ("succeeded", "failed") else None

    done = workers.wait(finished, 90, what="the redelivered recompute to finish")
    assert done["state"] == "succeeded", done
    assert len(done["result"]["chunks_done"]) == done["result"]["chunks"] > 1, done
    # The second stage: one task per region, each region's parts written once more.
    assert set(done["result"]["regions_done"]) == set(REGIONS), done
    assert done["result"]["metric_parts"] == sum(done["result"]["regions_done"].values()) > 0, done
    workers.wait(caught_up(client, head), 30, what="lag 0 after the recompute")

    rows, position, log_head = _assert_liquidity_equals_a_fresh_derivation(postgres_url)
    assert (position, log_head) == (head, head)
    assert rows > 100
    # What the parts serve equals what is computed when asked (as of now: on demand, same log).
    period = {"from": "2000-01-01", "to": "2020-12-31"}
    now = dt.datetime.now(dt.UTC).isoformat()
    for slug in REGIONS:
        stored = client.get(f"/v1/regions/{slug}/metrics", params=period).json()
        asked = client.get(f"/v1/regions/{slug}/metrics", params=period | {"as_of": now}).json()
        assert (stored["seq"], stored["stale"]) == (head, False), stored
        envelope = {"as_of", "computed_at", "stale", "seq"}
        assert {k: v for k, v in stored.items() if k not in envelope} == {k: v for k, v in asked.items() if k not in envelope}
