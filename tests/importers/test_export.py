"""Export: the JSON Lines log replays into an empty ledger as the same state (projections, chains,
metrics); the CSV tables have headers and one row per fact."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from ledger.actors.models import Actor
from ledger.chains import maintain
from ledger.chains.models import LiquidityEvent
from ledger.db import unit_of_work
from ledger.events.models import EventActor, EventRow, Retraction
from ledger.importers import eventlog, tables
from ledger.importers.crunchbase import import_crunchbase
from ledger.importers.mapping import event_id
from ledger.importers.sources import MalformedFile
from ledger.importers.writer import StopImport
from ledger.metrics import service as metrics_service
from ledger.metrics.models import MetricPart
from ledger.metrics.regional import Period
from ledger.projections import models as m
from ledger.regions import service as regions_service
from ledger.regions.schemas import RegionDefinition
from tests.importers.conftest import BULK

STATE_TABLES: tuple[Any, ...] = (*m.PROJECTION_TABLES, Actor, EventActor, Retraction)
CHAIN_TABLES: tuple[Any, ...] = (LiquidityEvent,)
PERIOD = Period(dt.date(2000, 1, 1), dt.date(2024, 12, 31))


def _table(session: Session, model: Any) -> list[tuple[Any, ...]]:
    table = model.__table__
    return sorted((tuple(row) for row in session.execute(sa.select(table))), key=repr)


def _state(factory: sessionmaker[Session], models: tuple[Any, ...]) -> dict[str, list[tuple[Any, ...]]]:
    with factory() as session:
        return {model.__tablename__: _table(session, model) for model in models}


def _log(factory: sessionmaker[Session]) -> list[tuple[Any, ...]]:
    """The log without recorded_at and chain_hash, which a replay cannot reproduce."""
    with factory() as session:
        return [
            tuple(r)
            for r in session.execute(
                sa.select(
                    EventRow.seq, EventRow.event_id, EventRow.type, EventRow.occurred_on, EventRow.source, EventRow.body_hash
                ).order_by(EventRow.seq)
            )
        ]


def _metrics(factory: sessionmaker[Session]) -> list[dict[str, Any]]:
    answers = metrics_service.answer(factory, slug="us", questions=[metrics_service.Question(PERIOD, 10)], today=dt.date(2025, 1, 1))
    return [{k: v for k, v in a.items() if k not in ("computed_at",)} for a in answers]


@pytest.fixture
def source_ledger(session_factory: sessionmaker[Session], client: TestClient) -> sessionmaker[Session]:
    """The bulk fixture, one manual retraction, one region; chains caught up."""
    import_crunchbase(session_factory, BULK)
    target = str(event_id("crunchbase", "round/r-grant"))
    response = client.post(
        "/v1/events", json={"type": "event.retracted", "occurred_on": "2020-01-01", "data": {"event_id": target, "reason": "duplicate"}}
    )
    assert response.status_code == 201, response.text
    with unit_of_work(session_factory) as session:
        regions_service.put(session, slug="us", definition=RegionDefinition.model_validate({"name": "USA", "members": [{"country": "US"}]}))
        maintain.catch_up(session)
    return session_factory


def test_jsonl_export_replays_into_an_empty_ledger_as_the_same_state(
    source_ledger: sessionmaker[Session], second_factory: sessionmaker[Session], tmp_path: Path
) -> None:
    exported = eventlog.export_jsonl(source_ledger, tmp_path / "out")
    lines = Path(exported.events_path).read_text().splitlines()
    assert len(lines) == exported.events == len(_log(source_ledger))
    first = json.loads(lines[0])
    assert set(first) <= {"event_id", "type", "occurred_on", "source", "data"}
    assert any(json.loads(line)["type"] == "event.retracted" for line in lines)

    done = eventlog.import_jsonl(second_factory, Path(exported.events_path), regions_path=Path(exported.regions_path))
    assert (done.new, done.duplicates, done.regions) == (exported.events, 0, 1)
    assert _log(second_factory) == _log(source_ledger)
    assert _state(second_factory, STATE_TABLES) == _state(source_ledger, STATE_TABLES)

    with unit_of_work(second_factory) as session:
        maintain.catch_up(session)
    chains = _state(source_ledger, CHAIN_TABLES)
    assert chains["liquidity_event"], "the fixture should produce liquidity events"
    assert _state(second_factory, CHAIN_TABLES) == chains
    assert _metrics(second_factory) == _metrics(source_ledger)

    again = eventlog.import_jsonl(second_factory, Path(exported.events_path))
    assert (again.new, again.duplicates) == (0, exported.events)


def test_importing_a_log_with_a_broken_line_writes_nothing(second_factory: sessionmaker[Session], tmp_path: Path) -> None:
    path = tmp_path / "events.jsonl"
    good = {"type": "fx.rate", "occurred_on": "2020-01-01", "data": {"currency": "EUR", "usd_per_unit": "1.1"}}
    path.write_text(json.dumps(good) + "\n" + json.dumps(good)[:30] + "\n")
    with pytest.raises(MalformedFile) as caught:
        eventlog.import_jsonl(second_factory, path)
    assert (caught.value.file, caught.value.line) == ("events.jsonl", 2)
    assert _log(second_factory) == []


def test_an_event_the_ledger_refuses_stops_the_log_import_with_its_line(second_factory: sessionmaker[Session], tmp_path: Path) -> None:
    path = tmp_path / "events.jsonl"
    orphan = {"type": "funding.round", "occurred_on": "2020-01-01", "data": {"firm": "nobody", "round": "seed"}}
    path.write_text(json.dumps(orphan) + "\n")
    with pytest.raises(StopImport, match=r"events\.jsonl line 1: .*unknown actor 'nobody'"):
        eventlog.import_jsonl(second_factory, path)
    assert _log(second_factory) == []


def _read_csv(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(newline="", encoding="utf-8") as stream:
        reader = csv.DictReader(stream)
        rows = list(reader)
        return list(reader.fieldnames or []), rows


def test_csv_export_headers_and_row_counts(source_ledger: sessionmaker[Session], tmp_path: Path) -> None:
    stored = sum(metrics_service.refresh(source_ledger, slugs=["us"]).values())  # the workers' yearly parts
    written = tables.export_tables(source_ledger, tmp_path / "csv")
    counts = {
        name: len(rows)
        for name, rows in _state(source_ledger, (m.FirmFounding, m.FundingRound, m.RoundInvestor, m.FirmExit, MetricPart)).items()
    }
    assert counts["metric_part"] == stored > 0
    assert {k: v for k, v in written.rows.items() if k != "hops.csv"} == {
        "firms.csv": counts["firm_founding"],
        "rounds.csv": counts["funding_round"],
        "round_investors.csv": counts["round_investor"],
        "exits.csv": counts["firm_exit"],
        "metric_parts.csv": stored,
    }
    assert written.rows["hops.csv"] >= 2
    header, firms = _read_csv(tmp_path / "csv" / "firms.csv")
    assert header == list(tables.FIRM_HEADER)
    acme = next(f for f in firms if f["firm_id"] == "o-acme")
    assert (acme["name"], acme["founded_on"], acme["subdivision"], acme["founders"]) == ("Acme Bio", "2010-03-01", "US-CA", "p-alice")
    assert (acme["rounds"], acme["exit_kind"], acme["acquirer_id"]) == ("3", "acquisition", "m-megacorp")
    gamma = next(f for f in firms if f["firm_id"] == "o-gamma")
    assert gamma["closed_on"] == "2016-06-30"

    header, rounds = _read_csv(tmp_path / "csv" / "rounds.csv")
    assert header == list(tables.ROUND_HEADER)
    assert ("o-delta", "grant") not in {(r["firm_id"], r["round"]) for r in rounds}  # retracted
    seed = next(r for r in rounds if r["firm_id"] == "o-acme" and r["round"] == "seed" and r["occurred_on"] == "2011-01-15")
    assert (seed["amount"], seed["amount_currency"], seed["investors"], seed["lead_investors"]) == (
        "2000000",
        "USD",
        "p-bob;i-angels",
        "i-angels",
    )

    assert _read_csv(tmp_path / "csv" / "round_investors.csv")[0] == list(tables.ROUND_INVESTOR_HEADER)
    header, exits = _read_csv(tmp_path / "csv" / "exits.csv")
    assert header == list(tables.EXIT_HEADER)
    assert {(x["firm_id"], x["kind"]) for x in exits} == {("o-acme", "acquisition"), ("o-beta", "acquisition"), ("o-delta", "ipo")}
    header, hops = _read_csv(tmp_path / "csv" / "hops.csv")
    assert header == list(tables.HOP_HEADER)
    assert {(h["source_id"], h["via_id"], h["target_id"]) for h in hops} >= {
        ("o-beta", "o-redwood", "o-early"),
        ("o-beta", "p-carol", "o-early"),
    }
    header, parts = _read_csv(tmp_path / "csv" / "metric_parts.csv")
    assert header[: len(tables.PART_COLUMNS)] == list(tables.PART_COLUMNS)
    assert "recycling_rate" in header and "loop_depth" in header  # one column per metric
    assert {p["region_slug"] for p in parts} == {"us"} and {p["window_years"] for p in parts} == {"10"}
