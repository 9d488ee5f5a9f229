"""The engine against a naive oracle of the spec (tests/oracle.py) on random ledgers.

The incremental == full property compares the engine with itself; this one compares it with an
independent reading of shared/spec/chains-and-metrics.md: chains in both directions, lineage,
every metric of a region and period, and answers as of an earlier point of the log. The random
histories are the recycling "plots" of test_incremental_equals_full (chained exits and
reinvestments of every kind, late-recorded events, relocations, retractions, FX).
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session, sessionmaker

from ledger.chains import maintain, pages
from ledger.chains import service as chains_service
from ledger.db import aware, read_snapshot, unit_of_work
from ledger.errors import LedgerError
from ledger.events import service as events_service
from ledger.events.schemas import EVENT_ADAPTER
from ledger.metrics import service as metrics_service
from ledger.metrics.regional import Period
from ledger.regions import service as regions_service
from ledger.regions.schemas import RegionDefinition
from tests.ledger.histories import FIRMS, HYPOTHESIS_SETTINGS, PRELUDE, Step, factory_for, fresh_postgres, fresh_sqlite, histories
from tests.oracle import Oracle

REGIONS: dict[str, list[dict[str, str]]] = {
    "daejeon": [{"country": "KR", "subdivision": "KR-30"}],
    "korea": [{"country": "KR"}],
    "maryland": [{"country": "US", "subdivision": "US-MD"}],
}
TODAY = dt.date.today()
SPEC_METRICS = (
    "firms_founded", "active_firms", "exits", "exit_value_usd", "liquidity_actors", "recycling_rate",
    "local_recycling_rate", "median_reinvestment_lag_days", "funding_usd", "recycled_funding_share",
    "local_funding_share", "serial_founder_share", "spinoff_share", "retention_rate", "loop_depth",
    "local_hops", "hops_in", "hops_out", "employment", "large_firms", "licensing_deals", "licensing_value_usd",
    "firms_unlocated", "window_ends_on", "window_complete",
)  # fmt: skip


def play(factory: sessionmaker[Session], history: Sequence[Step]) -> list[dict[str, Any]]:
    """Append the history event by event (the prelude is in the database already); returns
    every accepted event with its seq and recorded_at, prelude included."""
    accepted: list[dict[str, Any]] = []
    with factory() as session:
        from ledger.events.models import EventRow

        for row in session.query(EventRow).order_by(EventRow.seq):
            accepted.append({**PRELUDE[row.seq - 1], "seq": row.seq, "recorded_at": aware(row.recorded_at)})
    for step in history:
        try:
            with unit_of_work(factory) as session:
                (done,) = events_service.append(session, events=[EVENT_ADAPTER.validate_python(step.event)])
        except LedgerError:
            continue
        accepted.append({**step.event, "seq": done.seq, "recorded_at": done.recorded_at})
    with unit_of_work(factory) as session:
        maintain.catch_up(session)
    for slug, members in REGIONS.items():
        with unit_of_work(factory) as session:
            regions_service.put(session, slug=slug, definition=RegionDefinition.model_validate({"name": slug, "members": members}))
    return accepted


def _same_number(name: str, engine: Any, oracle: Any) -> bool:
    if oracle is None or engine is None:
        return engine is None and oracle is None
    if isinstance(oracle, Decimal):
        return Decimal(engine) == oracle.quantize(Decimal("0.01"))
    if isinstance(oracle, Fraction):
        return abs(float(engine) - float(oracle)) < 1e-9
    if isinstance(oracle, dict):
        return set(engine) == set(oracle) and all(_same_number(name, engine[k], v) for k, v in oracle.items())
    return bool(engine == oracle)


def assert_metrics_agree(engine: dict[str, Any], oracle: dict[str, Any], where: str) -> None:
    wrong = [f"{n}: engine {engine.get(n)!r}, oracle {oracle[n]!r}" for n in SPEC_METRICS if not _same_number(n, engine.get(n), oracle[n])]
    assert not wrong, f"{where}:\n  " + "\n  ".join(wrong)


def assert_hops_agree(session: Session, oracle: Oracle, question: pages.ChainQuestion, first_on: dict[str, dt.date]) -> None:
    """The hops route, read page by page, lists exactly the hops on the chain's time-respecting
    chains, in date order, with their amounts; each firm is first reached on its earliest one."""
    firm, direction, window = question.firm_id, question.direction, question.window_years
    downstream = direction == "downstream"
    listed: list[Any] = []
    cursor = None
    with mock.patch.object(pages, "HOP_CHUNK_ROWS", 1):  # the hops of a firm at a time, as a hub's are
        while True:
            hops = pages.chain_hops(session, question, limit=2, cursor=cursor)
            listed += hops.hops
            if hops.next_cursor is None:
                break
            cursor = hops.next_cursor
    whole = pages.chain_hops(session, question, limit=pages.MAX_HOPS_PAGE)
    assert whole.hops == listed and whole.next_cursor is None
    expected = oracle.chain_hops(firm, downstream=downstream, w=window)
    engine = sorted((h.from_, h.to, h.via, h.kind, h.liquidity_on, h.on, h.listed, h.amount_usd) for h in listed)
    wanted = sorted(
        (h.source, h.target, h.via, h.kind, h.liquidity_on, h.on, h.listed, None if h.amount is None else format(h.amount, "f"))
        for h in expected
    )
    assert [e[:7] for e in engine] == [w[:7] for w in wanted], f"hops of {direction} {firm}, W={window}"
    for e, w in zip(engine, wanted, strict=True):
        assert (e[7] is None) == (w[7] is None) and (
            e[7] is None or Decimal(e[7]).quantize(Decimal("0.01")) == Decimal(w[7]).quantize(Decimal("0.01"))
        ), (e, w)
    assert [h.on for h in listed] == sorted(h.on for h in listed)
    earliest: dict[str, dt.date] = {}
    for h in expected:
        there, on = (h.target, h.on) if downstream else (h.source, h.liquidity_on)
        if there != firm:
            earliest[there] = min(on, earliest.get(there, on))
    assert first_on == earliest, f"first_on of {direction} {firm}, W={window}"


def assert_engine_agrees(factory: sessionmaker[Session], accepted: list[dict[str, Any]], data: st.DataObject) -> None:
    oracle = Oracle(accepted)
    window = data.draw(st.sampled_from([10, 10, 3, 1]), label="window")
    with read_snapshot(factory) as session:
        for firm in FIRMS:
            if not any(e["seq"] for e in accepted):
                continue
            for direction in ("downstream", "upstream"):
                asked = pages.ChainQuestion(firm, direction, window_years=window)  # type: ignore[arg-type]
                try:
                    answer = pages.chain(session, asked, limit=3)
                except LedgerError:
                    continue  # not an actor of this ledger
                firms = list(answer.firms)
                while answer.next_cursor is not None:  # every page, in order
                    answer = pages.chain(session, asked, limit=3, cursor=answer.next_cursor)
                    firms += answer.firms
                expected = oracle.chain(firm, downstream=direction == "downstream", w=window)
                where = f"{direction} of {firm}, W={window}"
                assert {f.id: f.generation for f in firms} == expected, where
                assert answer.multiplier == len(expected) == len(firms), where
                assert [(f.generation, f.first_on, f.id) for f in firms] == sorted((f.generation, f.first_on, f.id) for f in firms)
                assert_hops_agree(session, oracle, asked, {f.id: f.first_on for f in firms})
        for org in ("lab", "vc0", "vc1", *FIRMS[:2]):
            try:
                found = chains_service.lineage(session, org_id=org)
            except LedgerError:
                continue
            assert {f["id"]: f["generation"] for f in found["firms"]} == oracle.lineage(org), f"lineage of {org}"

    # Metrics: a region, a period (years or arbitrary days), as of now or of an earlier seq.
    slug = data.draw(st.sampled_from(sorted(REGIONS)), label="region")
    first = data.draw(st.integers(1999, 2026), label="from year")
    last = data.draw(st.integers(first, 2026), label="to year")
    start, end = dt.date(first, 1, 1), dt.date(last, 12, 31)
    if data.draw(st.booleans(), label="arbitrary days"):
        start += dt.timedelta(days=data.draw(st.integers(0, 200)))
        end -= dt.timedelta(days=data.draw(st.integers(0, 200)))
        end = max(start, end)
    question = metrics_service.Question(Period(start, end), window)
    (now,) = metrics_service.answer(factory, slug=slug, questions=[question], today=TODAY)
    assert_metrics_agree(now, oracle.metrics(REGIONS[slug], start, end, window, TODAY), f"{slug} {start}..{end} W={window}")

    # As of an earlier point: one whose recorded_at the next event does not share.
    # (Drawn as a position, so the draws do not depend on the clock.)
    position = data.draw(st.integers(0, len(accepted) - 1), label="as of position")
    points = [e for e, nxt in itertools.pairwise(accepted[position:]) if nxt["recorded_at"] > e["recorded_at"]]
    if points:
        point = points[0]
        (then,) = metrics_service.answer(factory, slug=slug, questions=[question], as_of=point["recorded_at"], today=TODAY)
        past = Oracle(accepted, as_of_seq=point["seq"])
        assert_metrics_agree(then, past.metrics(REGIONS[slug], start, end, window, TODAY), f"as of seq {point['seq']}")


@settings(max_examples=int(os.environ.get("ORACLE_EXAMPLES", 60)), **HYPOTHESIS_SETTINGS)
@given(history=histories(), data=st.data())
def test_engine_agrees_with_the_oracle_sqlite(universe_sqlite: Path, history: list[Step], data: st.DataObject) -> None:
    with fresh_sqlite(universe_sqlite) as factory:
        assert_engine_agrees(factory, play(factory, history), data)


@pytest.mark.postgres
@settings(max_examples=10, **HYPOTHESIS_SETTINGS)
@given(history=histories(), data=st.data())
def test_engine_agrees_with_the_oracle_postgresql(universe_postgres: str, history: list[Step], data: st.DataObject) -> None:
    with fresh_postgres(universe_postgres) as url, factory_for(url) as factory:
        assert_engine_agrees(factory, play(factory, history), data)
