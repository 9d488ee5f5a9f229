"""Retractions inside a batch: what a retraction undoes is seen by the events after it in the same
batch, its target's rows reach the archive whether they were written or still buffered, and each
event type writes only the tables a retraction of it empties (both backends)."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from ledger.db import unit_of_work
from ledger.errors import InvalidEvent
from ledger.events import service as events_service
from ledger.events.schemas import EventBatch
from ledger.projections import archive
from ledger.projections.apply import WRITES
from ledger.projections.models import PROJECTION_TABLES
from tests.ledger.test_rebuild import EXTRA_EVENTS


def _id(name: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"loopledger-tests/batch-retractions/{name}"))


def _founded(event_id: str, on: str, city: str) -> dict[str, Any]:
    return {
        "event_id": event_id,
        "type": "firm.founded",
        "occurred_on": on,
        "data": {
            "firm": {"id": "kappa", "name": "Kappa"},
            "location": {"country": "KR", "subdivision": "KR-30", "city": city},
            "founders": [{"id": "p-kappa", "type": "person", "name": "P Kappa"}],
        },
    }


def _retract(event_id: str) -> dict[str, Any]:
    return {"type": "event.retracted", "occurred_on": "2020-01-01", "data": {"event_id": event_id, "reason": "test"}}


def _append(factory: sessionmaker[Session], events: list[dict[str, Any]]) -> list[events_service.Appended]:
    with unit_of_work(factory) as session:
        return events_service.append(session, events=EventBatch.model_validate({"events": events}).events)


def _rows(factory: sessionmaker[Session], table: str, *columns: str) -> list[tuple[Any, ...]]:
    with factory() as session:
        return [tuple(r) for r in session.execute(sa.text(f"SELECT {', '.join(columns)} FROM {table} ORDER BY 1, 2"))]


def test_a_founding_retracted_and_founded_again_in_one_batch(session_factory: sessionmaker[Session]) -> None:
    first, second = _id("first"), _id("second")
    done = _append(session_factory, [_founded(first, "2010-01-01", "Daejeon"), _retract(first), _founded(second, "2011-01-01", "Seoul")])
    assert [r.seq for r in done] == [1, 2, 3]
    assert _rows(session_factory, "firm_founding", "firm_id", "event_seq", "city") == [("kappa", 3, "Seoul")]
    assert _rows(session_factory, "firm_founding_retracted", "firm_id", "event_seq", "retraction_seq") == [("kappa", 1, 2)]
    assert _rows(session_factory, "founder_retracted", "person_id", "event_seq") == [("p-kappa", 1)]
    assert _rows(session_factory, "retraction", "target_seq", "retraction_seq") == [(1, 2)]


def test_a_stored_founding_retracted_and_founded_again_in_one_batch(session_factory: sessionmaker[Session]) -> None:
    first, second = _id("first"), _id("second")
    _append(session_factory, [_founded(first, "2010-01-01", "Daejeon")])
    _append(session_factory, [_retract(first), _founded(second, "2011-01-01", "Seoul")])
    assert _rows(session_factory, "firm_founding", "firm_id", "event_seq", "city") == [("kappa", 3, "Seoul")]
    assert _rows(session_factory, "firm_founding_retracted", "firm_id", "event_seq", "retraction_seq") == [("kappa", 1, 2)]


def test_a_firm_named_after_its_founding_was_retracted_is_not_founded(session_factory: sessionmaker[Session]) -> None:
    first = _id("first")
    _append(session_factory, [_founded(first, "2010-01-01", "Daejeon")])
    headcount = {"type": "headcount.reported", "occurred_on": "2012-06-30", "data": {"firm": "kappa", "employees": 3}}
    with pytest.raises(InvalidEvent, match=r"has no firm\.founded event"):
        _append(session_factory, [_retract(first), headcount])
    # In separate batches the same: the retraction's moves reached the tables.
    _append(session_factory, [_retract(first)])
    with pytest.raises(InvalidEvent, match=r"has no firm\.founded event"):
        _append(session_factory, [headcount])


def test_a_retracted_closure_lifts_only_itself(session_factory: sessionmaker[Session]) -> None:
    first_close, second_close = _id("close-1"), _id("close-2")
    closes = [
        {"event_id": first_close, "type": "firm.closed", "occurred_on": "2016-01-01", "data": {"firm": "kappa"}},
        {"event_id": second_close, "type": "firm.closed", "occurred_on": "2015-01-01", "data": {"firm": "kappa"}},
    ]
    _append(session_factory, [_founded(_id("first"), "2010-01-01", "Daejeon"), *closes])
    headcount = {"type": "headcount.reported", "occurred_on": "2015-06-30", "data": {"firm": "kappa", "employees": 3}}
    # With the 2015 closure retracted the firm is still closed from 2016: a 2015 report is fine,
    # a 2017 one is refused, both in the batch that retracts.
    _append(session_factory, [_retract(second_close), headcount])
    later = {**headcount, "occurred_on": "2017-06-30"}
    with pytest.raises(InvalidEvent, match="closed on 2016-01-01"):
        _append(session_factory, [later])
    _append(session_factory, [_retract(first_close), later])
    assert _rows(session_factory, "closure_retracted", "event_seq", "retraction_seq") == [(2, 6), (3, 4)]


def test_retracting_twice_in_one_batch_is_a_conflict(session_factory: sessionmaker[Session]) -> None:
    first = _id("first")
    _append(session_factory, [_founded(first, "2010-01-01", "Daejeon")])
    with pytest.raises(Exception, match="already retracted"):
        _append(session_factory, [_retract(first), _retract(first)])
    assert _rows(session_factory, "retraction", "target_seq", "retraction_seq") == []
    assert _rows(session_factory, "firm_founding", "firm_id", "event_seq") == [("kappa", 1)]


def test_each_type_writes_only_the_tables_its_retraction_empties(
    session_factory: sessionmaker[Session], worked_example: dict[str, Any]
) -> None:
    _append(session_factory, [*worked_example["events"], *EXTRA_EVENTS])
    with session_factory() as session:
        for model in PROJECTION_TABLES:
            table = model.__table__  # type: ignore[attr-defined]
            for source in (table, archive.ARCHIVES[table.name]):
                types = session.scalars(
                    sa.select(sa.text("DISTINCT event.type"))
                    .select_from(source)
                    .join(sa.table("event", sa.column("seq")), sa.text(f"event.seq = {source.name}.event_seq"))
                ).all()
                for type_ in types:
                    assert model in WRITES[type_], f"{type_} writes {table.name}, which a retraction of it leaves alone"
