"""Replaying the log rebuilds exactly the projections that live appends wrote (both backends)."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from cli.main import app as cli_app
from ledger.config import Settings
from ledger.db import unit_of_work
from ledger.events import service as events_service
from ledger.events.schemas import EVENT_ADAPTER, EVENT_TYPES, EventBatch
from ledger.projections.models import PROJECTION_TABLES
from ledger.projections.rebuild import rebuild
from ledger.schema import metadata

PROJECTION_NAMES: tuple[str, ...] = tuple(str(model.__tablename__) for model in PROJECTION_TABLES)
# Everything rebuild rewrites, and the log itself, which it must leave alone.
SNAPSHOT_TABLES: tuple[str, ...] = (*PROJECTION_NAMES, "actor", "event_actor", "retraction", "event", "ledger_head")

Snapshot = dict[str, list[tuple[Any, ...]]]


def _id(name: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"loopledger-tests/rebuild/{name}"))


ROUND_TO_RETRACT = _id("epsilon-seed")
FOUNDING_TO_RETRACT = _id("theta-founded")
REGISTRATION_TO_RETRACT = _id("unused-lab")

# Beyond the worked example: every remaining event type, inline registrations, money in KRW with
# and without a USD value, exits with proceeds, and three kinds of retraction.
EXTRA_EVENTS: list[dict[str, Any]] = [
    {"type": "fx.rate", "occurred_on": "2000-01-01", "data": {"currency": "KRW", "usd_per_unit": "0.00085"}},
    {"type": "fx.rate", "occurred_on": "2015-01-01", "data": {"currency": "KRW", "usd_per_unit": "0.00075"}},
    {
        "type": "actor.registered",
        "occurred_on": "2009-01-01",
        "data": {"id": "bioha", "type": "organization", "kind": "association", "name": "BioHA", "location": {"country": "KR"}},
    },
    {
        "event_id": REGISTRATION_TO_RETRACT,
        "type": "actor.registered",
        "occurred_on": "2009-01-01",
        "data": {"id": "unused-lab", "type": "organization", "kind": "research_institute", "name": "Unused Lab"},
    },
    {"type": "person.joined", "occurred_on": "2001-01-01", "data": {"person": "p1", "org": "kribb", "role": "advisor"}},
    {"type": "person.joined", "occurred_on": "2009-02-01", "data": {"person": "p3", "org": "delta", "role": "founder"}},
    {
        "type": "person.joined",
        "occurred_on": "2013-06-01",
        "data": {"person": {"id": "p6", "type": "person", "name": "P6"}, "org": "zeta", "role": "executive", "title": "CFO"},
    },
    {
        "type": "license.deal",
        "occurred_on": "2013-02-01",
        "data": {
            "licensor": "kribb",
            "licensee": "zeta",
            "technology": "antibody platform",
            "upfront": {"amount": "500000000", "currency": "KRW"},
            "royalty_pct": "3.5",
        },
    },
    {"type": "association.joined", "occurred_on": "2014-02-01", "data": {"org": "zeta", "association": "bioha"}},
    {"type": "association.joined", "occurred_on": "2014-03-01", "data": {"org": "gamma", "association": "bioha"}},
    {"type": "person.left", "occurred_on": "2015-03-01", "data": {"person": "p6", "org": "zeta"}},
    {
        "type": "fund.raised",
        "occurred_on": "2016-06-01",
        "data": {
            "fund": {"id": "daejeon-fund-2", "name": "Daejeon Fund II", "location": {"country": "KR", "subdivision": "KR-30"}},
            "manager": "vc2",
            "size": {"amount": "10000000000", "currency": "KRW"},
            "lps": [{"lp": "p1", "commitment": {"amount": "2000000000", "currency": "KRW"}}, {"lp": "lgchem"}],
        },
    },
    {
        "type": "funding.round",
        "occurred_on": "2016-09-01",
        "data": {
            "firm": "zeta",
            "round": "series_a",
            "amount": {"amount": "6000000000", "currency": "KRW"},
            "valuation_post": {"amount": "30000000000", "currency": "KRW", "usd": "25000000"},
            "investors": [{"investor": "daejeon-fund-2", "lead": True, "amount": {"amount": "6000000000", "currency": "KRW"}}],
        },
    },
    {
        "event_id": ROUND_TO_RETRACT,
        "type": "funding.round",
        "occurred_on": "2017-01-01",
        "data": {"firm": "epsilon", "round": "seed", "amount": {"amount": "300000", "currency": "USD"}, "investors": [{"investor": "vc2"}]},
    },
    {
        "type": "exit.acquisition",
        "occurred_on": "2018-01-01",
        "data": {
            "firm": "delta",
            "acquirer": {
                "id": "megacorp",
                "type": "organization",
                "kind": "corporation",
                "name": "MegaCorp",
                "location": {"country": "US", "subdivision": "US-MA", "city": "Boston"},
            },
            "price": {"amount": "80000000", "currency": "USD"},
            "proceeds": [{"actor": "p4", "amount": {"amount": "20000000", "currency": "USD"}}, {"actor": "vc1"}],
        },
    },
    {
        "event_id": FOUNDING_TO_RETRACT,
        "type": "firm.founded",
        "occurred_on": "2018-03-01",
        "data": {
            "firm": {"id": "theta", "name": "Theta"},
            "location": {"country": "KR", "subdivision": "KR-30", "city": "Daejeon"},
            "sector": "diagnostics",
            "business_model": "rnd",
            "founders": [{"id": "p7", "type": "person", "name": "P7"}],
            "origins": [{"org": "kribb", "relation": "license"}],
        },
    },
    {"type": "headcount.reported", "occurred_on": "2018-12-31", "data": {"firm": "zeta", "employees": 30}},
    {
        "type": "exit.ipo",
        "occurred_on": "2019-01-15",
        "data": {
            "firm": "zeta",
            "exchange": "KOSDAQ",
            "raised": {"amount": "20000000000", "currency": "KRW"},
            "market_cap": {"amount": "150000000000", "currency": "KRW"},
            "proceeds": [{"actor": "p5"}],
        },
    },
    {"type": "event.retracted", "occurred_on": "2019-02-01", "data": {"event_id": ROUND_TO_RETRACT, "reason": "never closed"}},
    {"type": "event.retracted", "occurred_on": "2019-02-01", "data": {"event_id": FOUNDING_TO_RETRACT, "reason": "duplicate entry"}},
    {"type": "event.retracted", "occurred_on": "2019-02-01", "data": {"event_id": REGISTRATION_TO_RETRACT, "reason": "not an actor"}},
    {"type": "firm.closed", "occurred_on": "2019-06-30", "data": {"firm": "epsilon", "reason": "ran out of runway"}},
]


@pytest.fixture
def loaded_ledger(session_factory: sessionmaker[Session], worked_example: dict[str, Any]) -> int:
    """The worked example in one batch, then each extra event in its own transaction; returns the event count."""
    with unit_of_work(session_factory) as session:
        events_service.append(session, events=EventBatch.model_validate({"events": worked_example["events"]}).events)
    for raw in EXTRA_EVENTS:
        with unit_of_work(session_factory) as session:
            events_service.append(session, events=[EVENT_ADAPTER.validate_python(raw)])
    return len(worked_example["events"]) + len(EXTRA_EVENTS)


def _snapshot(factory: sessionmaker[Session]) -> Snapshot:
    with factory() as session:
        out: Snapshot = {}
        for name in SNAPSHOT_TABLES:
            table = metadata.tables[name]
            query = sa.select(table).order_by(*table.primary_key.columns)
            out[name] = [tuple(row) for row in session.execute(query)]
        return out


def _assert_same(after: Snapshot, before: Snapshot) -> None:
    for name in SNAPSHOT_TABLES:
        assert after[name] == before[name], f"table {name} differs after rebuild"


def test_loaded_ledger_exercises_every_event_type_and_projection(session_factory: sessionmaker[Session], loaded_ledger: int) -> None:
    before = _snapshot(session_factory)
    with session_factory() as session:
        types = set(session.scalars(sa.text("SELECT DISTINCT type FROM event")))
    assert types == set(EVENT_TYPES)
    assert len(before["event"]) == loaded_ledger
    assert [name for name in PROJECTION_NAMES if not before[name]] == []
    assert len(before["retraction"]) == 3
    actor_ids = {row[0] for row in before["actor"]}
    assert "unused-lab" not in actor_ids and {"theta", "p7", "megacorp", "bioha"} <= actor_ids


@pytest.mark.parametrize("chunk", [2000, 5], ids=["one-chunk", "chunks-of-5"])
def test_rebuild_reproduces_every_projection_row(session_factory: sessionmaker[Session], loaded_ledger: int, chunk: int) -> None:
    before = _snapshot(session_factory)
    with unit_of_work(session_factory) as session:
        replayed = rebuild(session, chunk=chunk)
    assert replayed == loaded_ledger
    _assert_same(_snapshot(session_factory), before)


def test_cli_rebuild_reproduces_every_projection_row(
    session_factory: sessionmaker[Session], settings: Settings, loaded_ledger: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = _snapshot(session_factory)
    monkeypatch.setenv("LOOPLEDGER_DATABASE_URL", settings.database_url)
    result = CliRunner().invoke(cli_app, ["rebuild"])
    assert result.exit_code == 0, result.output
    assert f"rebuilt projections from {loaded_ledger} events" in result.output
    _assert_same(_snapshot(session_factory), before)
