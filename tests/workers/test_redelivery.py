"""A worker killed in the middle of a recompute loses nothing: the task is redelivered and redone."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa

from ledger.chains import derive, facts, maintain, store
from ledger.chains.derive import HopFact
from ledger.chains.models import Hop, LiquidityEvent
from ledger.db import create_db_engine, make_session_factory, read_snapshot
from tests.workers.conftest import ApiFactory, Workers, caught_up, post_events, task_state
from tests.workers.synthetic import synthetic_ledger

pytestmark = [pytest.mark.postgres, pytest.mark.redis]

# Redis gives an unacknowledged message back after this long; small so the test does not wait an hour.
VISIBILITY_TIMEOUT_SECONDS = 5
# Money columns are NUMERIC(38, 10): compare amounts at the precision the store keeps.
STORED_PRECISION = Decimal("1e-10")


def _amount(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.quantize(STORED_PRECISION)


def _row_key(h: Hop) -> tuple[Any, ...]:
    return (
        h.source_id, h.via_id, h.kind, h.cause_seq, h.fund_seq, h.target_id, h.fund_id, h.liquidity_on, h.fund_on, h.hop_on,
        _amount(h.amount_usd), h.min_window_years, h.listed,
        (h.source_country, h.source_subdivision, h.source_city), (h.target_country, h.target_subdivision, h.target_city),
    )  # fmt: skip


def _fact_key(h: HopFact) -> tuple[Any, ...]:
    return (
        h.source_id, h.via_id, h.kind, h.cause_seq, h.fund_seq, h.target_id, h.fund_id, h.liquidity_on, h.fund_on, h.hop_on,
        _amount(h.amount_usd), h.min_window_years, h.listed,
        h.source_location or (None, None, None), h.target_location or (None, None, None),
    )  # fmt: skip


def _assert_hops_equal_a_fresh_derivation(database_url: str) -> tuple[int, int, int]:
    """Stored hops and liquidity events == derive(load()) of the same snapshot; returns (hops, tracking position, log head)."""
    engine = create_db_engine(database_url)
    try:
        with read_snapshot(make_session_factory(engine)) as session:
            stored_hops: Counter[tuple[Any, ...]] = Counter(_row_key(h) for h in session.scalars(sa.select(Hop)))
            stored_liquidity: Counter[tuple[Any, ...]] = Counter(
                (q.actor_id, q.firm_id, q.liquidity_on, q.exit_seq) for q in session.scalars(sa.select(LiquidityEvent))
            )
            liquidity, hops = derive.derive(facts.load(session))
            position = store.position(session, maintain.CONSUMER)
            head = int(session.execute(sa.text("SELECT last_seq FROM ledger_head")).scalar_one())
    finally:
        engine.dispose()
    derived_hops: Counter[tuple[Any, ...]] = Counter(_fact_key(h) for h in hops)
    derived_liquidity: Counter[tuple[Any, ...]] = Counter((q.actor_id, q.firm_id, q.on, q.exit_seq) for q in liquidity)
    extra, missing = stored_hops - derived_hops, derived_hops - stored_hops
    assert not extra and not missing, f"{extra.total()} stored hops not derived, {missing.total()} derived hops not stored"
    assert stored_liquidity == derived_liquidity
    return stored_hops.total(), position, head


def test_sigkill_during_a_recompute_loses_nothing(api: ApiFactory, workers: Workers, redis_url: str, postgres_url: str) -> None:
    """SIGKILL the worker while a recompute runs: the task is not marked done, the unacknowledged
    message goes back to the queue after the visibility timeout, a new worker runs it again
    (attempts >= 2) and the hop table equals a from-scratch derivation of the ledger."""
    client = api(redis_url)
    head = post_events(client, synthetic_ledger(firms=180, vcs=6))
    first = workers.start(redis_url, visibility_timeout_seconds=VISIBILITY_TIMEOUT_SECONDS)
    workers.wait(caught_up(client, head), 120, what=f"hops to reach seq {head}")

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
    assert done["attempts"] >= 2, done
    workers.wait(caught_up(client, head), 30, what="lag 0 after the recompute")

    hops, position, log_head = _assert_hops_equal_a_fresh_derivation(postgres_url)
    assert (position, log_head) == (head, head)
    assert hops > 10_000  # big enough that the recompute ran for seconds, not milliseconds
