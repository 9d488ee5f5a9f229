"""Derived state kept up incrementally equals a full recompute from the log, whatever the history.

`maintain.catch_up` applies each range of new events to the liquidity table as a set-based
update (rows added by new exits, foundings, joins and rounds; rows of retracted events removed);
`liquidity.rebuild` derives the table from scratch, and a chunked recompute does so actor range
by actor range. Metric parts refreshed after each catch-up (only the years the new events touch)
must equal parts computed from scratch. Random but valid histories over a small universe (so
actors, firms and dates collide often), with catch-ups at random points, are checked after every
catch-up and at the end, chain searches included.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from hypothesis import given, settings
from sqlalchemy.orm import Session, sessionmaker

from ledger.chains import cores, liquidity, maintain, pages
from ledger.chains.models import LiquidityEvent
from ledger.db import read_snapshot, unit_of_work
from ledger.errors import NotFound
from ledger.events.service import head_seq
from ledger.metrics import service as metrics_service
from ledger.metrics.models import MetricPart
from ledger.regions import service as regions_service
from ledger.regions.schemas import RegionDefinition
from tests.ledger.histories import (
    FIRMS,
    HYPOTHESIS_SETTINGS,
    PRELUDE,
    Step,
    append_one,
    event_id,
    factory_for,
    fresh_postgres,
    fresh_sqlite,
    histories,
)

TODAY = dt.date(2026, 1, 1)

# ---- playing a history and comparing states ------------------------------------------------------

DAEJEON = RegionDefinition.model_validate({"name": "Daejeon", "members": [{"country": "KR", "subdivision": "KR-30"}]})
# Two regions: a refresh recomputes only the regions new events touch, so the other one's parts
# must stay exact without being recomputed.
REGIONS = {
    "daejeon": DAEJEON,
    "seoul": RegionDefinition.model_validate({"name": "Seoul", "members": [{"country": "KR", "subdivision": "KR-11"}]}),
}


def _catch_up(factory: sessionmaker[Session]) -> None:
    """What a worker does: apply the new events, then refresh the metric parts they touch."""
    with unit_of_work(factory) as session:
        maintain.catch_up(session)
    metrics_service.refresh_after(factory, today=TODAY)


Rows = list[tuple[Any, ...]]


def _table(session: Session, table: Any) -> Rows:
    rows = [tuple(row) for row in session.execute(sa.select(*table.__table__.columns))]
    return sorted(rows, key=repr)


def _assert_same(incremental: Rows, full: Rows, when: str) -> None:
    if incremental != full:
        only_inc = sorted(set(incremental) - set(full), key=repr)
        only_full = sorted(set(full) - set(incremental), key=repr)
        raise AssertionError(f"liquidity_event {when}: only incremental {only_inc}; only full recompute {only_full}")


def assert_equals_full_recompute_now(factory: sessionmaker[Session], when: str) -> None:
    """Compare the caught-up table with a full recompute made in a transaction that is then
    rolled back, so the incremental state carries on undisturbed."""
    session = factory()
    try:
        incremental = _table(session, LiquidityEvent)
        liquidity.rebuild(session, upto=maintain.position(session))
        session.flush()
        _assert_same(incremental, _table(session, LiquidityEvent), when)
    finally:
        session.rollback()
        session.close()


def _parts(factory: sessionmaker[Session]) -> dict[tuple[str, int], dict[str, Any]]:
    with read_snapshot(factory) as session:
        return {(p.region_slug, p.year): p.values for p in session.scalars(sa.select(MetricPart).where(MetricPart.window_years == 10))}


@dataclass(frozen=True)
class State:
    position: int
    liquidity: Rows
    parts: dict[tuple[str, int], dict[str, Any]]
    # (root, direction) -> (generations, hop keys)
    chains: dict[tuple[str, str], tuple[dict[str, int], list[tuple[Any, ...]]]]


def snapshot(factory: sessionmaker[Session], roots: Sequence[str] = FIRMS) -> State:
    with read_snapshot(factory) as session:
        cores.forget()  # each snapshot reads the columns anew: from the liquidity table as it is now
        chains = {}
        for root in roots:
            for direction in ("downstream", "upstream"):
                try:
                    firms = pages.chain(session, pages.ChainQuestion(root, direction), limit=pages.MAX_FIRMS_PAGE)  # type: ignore[arg-type]
                    hops = pages.chain_hops(session, pages.ChainQuestion(root, direction), limit=pages.MAX_HOPS_PAGE)  # type: ignore[arg-type]
                except NotFound:
                    continue
                assert firms.next_cursor is None and hops.next_cursor is None
                chains[(root, direction)] = ({f.id: f.generation for f in firms.firms}, [h.model_dump() for h in hops.hops])
        position = maintain.position(session)
        assert position == head_seq(session)
        return State(position, _table(session, LiquidityEvent), _parts(factory), chains)


def assert_incremental_equals_full(factory: sessionmaker[Session], history: Sequence[Step], roots: Sequence[str] = FIRMS) -> State:
    """Play the history with catch-ups where it says (each checked against a full recompute),
    catch up at the end, then replace everything by a full recompute and compare once more,
    chain searches and metric parts included."""
    with unit_of_work(factory) as session:
        for slug, definition in REGIONS.items():
            regions_service.put(session, slug=slug, definition=definition)
    for number, step in enumerate(history):
        append_one(factory, step.event)
        if step.catch_up_after:
            _catch_up(factory)
            assert_equals_full_recompute_now(factory, f"after the catch-up following step {number}")
    _catch_up(factory)
    incremental = snapshot(factory, roots)
    with unit_of_work(factory) as session:
        maintain.recompute_all(session)
    metrics_service.refresh(factory, today=TODAY)
    full = snapshot(factory, roots)
    _assert_same(incremental.liquidity, full.liquidity, "at the end")
    assert incremental.chains == full.chains
    assert incremental.parts == full.parts, "metric parts refreshed after each catch-up differ from a full refresh"
    assert incremental.position == full.position
    return full


@settings(max_examples=150, **HYPOTHESIS_SETTINGS)
@given(history=histories())
def test_incremental_equals_full_recompute_sqlite(universe_sqlite: Path, history: list[Step]) -> None:
    with fresh_sqlite(universe_sqlite) as factory:
        assert_incremental_equals_full(factory, history)


@pytest.mark.postgres
@settings(max_examples=20, **HYPOTHESIS_SETTINGS)
@given(history=histories())
def test_incremental_equals_full_recompute_postgresql(universe_postgres: str, history: list[Step]) -> None:
    with fresh_postgres(universe_postgres) as url, factory_for(url) as factory:
        assert_incremental_equals_full(factory, history)


# ---- the worked example, event by event ----------------------------------------------------------

WORKED_EXAMPLE_HOPS = [
    ("alpha", "beta", "p1", "capital", dt.date(2006, 2, 1), 500000),
    ("alpha", "gamma", "p1", "founder", dt.date(2007, 3, 1), None),
    ("alpha", "delta", "vc1", "capital", dt.date(2009, 1, 1), 1000000),
    ("beta", "gamma", "p2", "fund", dt.date(2012, 1, 1), 1500000),
    ("gamma", "epsilon", "p3", "founder", dt.date(2016, 3, 1), None),
]


def test_worked_example_event_by_event_equals_full_recompute(sqlite_template: Path, worked_example: dict[str, Any]) -> None:
    history = [Step(raw, catch_up_after=True) for raw in worked_example["events"]]
    with fresh_sqlite(sqlite_template) as factory:
        full = assert_incremental_equals_full(factory, history, roots=("alpha", "beta", "gamma", "delta", "epsilon", "zeta"))
        assert full.position == len(history)  # every event was accepted
        with read_snapshot(factory) as session:
            listed = pages.chain_hops(session, pages.ChainQuestion("alpha")).hops
            hops = sorted((h.from_, h.to, h.via, h.kind, h.on, None if h.amount_usd is None else Decimal(h.amount_usd)) for h in listed)
        assert hops == sorted(WORKED_EXAMPLE_HOPS)
        assert full.chains[("alpha", "downstream")][0] == {"beta": 1, "gamma": 1, "delta": 1, "epsilon": 2}
        assert full.chains[("beta", "downstream")][0] == {"gamma": 1, "epsilon": 2}
        assert full.chains[("epsilon", "upstream")][0] == {"gamma": 1, "alpha": 2, "beta": 2}


# ---- minimal histories of the bugs the property found -------------------------------------------


def test_a_chunked_recompute_equals_a_whole_one(sqlite_template: Path, worked_example: dict[str, Any]) -> None:
    """A full recompute split by actor into chunks (as a Celery group runs it) derives the same table."""
    with fresh_sqlite(sqlite_template) as factory:
        for raw in worked_example["events"]:
            assert append_one(factory, raw)
        _catch_up(factory)
        with read_snapshot(factory) as session:
            whole = _table(session, LiquidityEvent)
            splits = maintain.actor_splits(session, 3)
        assert len(splits) == 3
        with unit_of_work(factory) as session:
            session.execute(sa.delete(LiquidityEvent))
        for low, high in splits:
            with unit_of_work(factory) as session:
                maintain.recompute_chunk(session, low=low, high=high)
        with read_snapshot(factory) as session:
            assert _table(session, LiquidityEvent) == whole


def _history(*events: tuple[str, str, dict[str, Any]], catch_up_after: bool = True) -> list[Step]:
    first = len(PRELUDE)
    return [
        Step({"event_id": event_id(first + i), "type": kind, "occurred_on": on, "data": data}, catch_up_after)
        for i, (kind, on, data) in enumerate(events)
    ]


@pytest.mark.parametrize("catch_up_after", [True, False])
def test_firm_in_its_own_ipo_proceeds_is_self_liquidity_not_a_second_hop(universe_sqlite: Path, catch_up_after: bool) -> None:
    """Found by the property: f0 named in its own IPO's proceeds was a liquidity event (f0, f0)
    *and* a listed firm, so its later investment derived the hop f0 -> f1 via f0 twice (listed and
    not). A firm is not its own liquidity actor: its own IPO counts through the listed-firm rule."""
    history = _history(
        ("firm.founded", "2000-01-01", {"firm": {"id": "f0", "name": "F0"}, "location": {"country": "KR"}}),
        ("firm.founded", "2000-01-01", {"firm": {"id": "f1", "name": "F1"}, "location": {"country": "KR"}}),
        ("exit.ipo", "2005-01-01", {"firm": "f0", "exchange": "KOSDAQ", "proceeds": [{"actor": "f0"}, {"actor": "p0"}]}),
        ("funding.round", "2006-01-01", {"firm": "f1", "round": "seed", "investors": [{"investor": "f0"}, {"investor": "p0"}]}),
        catch_up_after=catch_up_after,
    )
    with fresh_sqlite(universe_sqlite) as factory:
        assert_incremental_equals_full(factory, history)
        with read_snapshot(factory) as session:
            liquidity = [(q.actor_id, q.firm_id) for q in session.scalars(sa.select(LiquidityEvent))]
            hops = sorted((h.from_, h.to, h.via, h.kind, h.listed) for h in pages.chain_hops(session, pages.ChainQuestion("f0")).hops)
    # p0 has liquidity from f0; f0's own IPO counts only through the listed-firm rule.
    assert liquidity == [("p0", "f0")]
    assert hops == [("f0", "f1", "f0", "capital", True), ("f0", "f1", "p0", "capital", False)]
