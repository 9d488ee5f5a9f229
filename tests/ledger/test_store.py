"""The event store contract, checked on SQLite and PostgreSQL: gap-free seq, append-only, hash chain."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from ledger.db import create_db_engine, make_session_factory, unit_of_work
from ledger.errors import Conflict, InvalidEvent
from ledger.events import canonical
from ledger.events import service as events_service
from ledger.events.schemas import EVENT_ADAPTER, Event
from tests.conftest import log_snapshot
from tests.ledger.tamper import set_data, stored_data, tampering
from tests.log_checks import assert_chain_intact, assert_recorded_at_never_decreases, log_rows


def _event(raw: dict[str, Any]) -> Event:
    return EVENT_ADAPTER.validate_python(raw)


def _fx(rate: str, on: str = "2010-01-01", currency: str = "KRW", event_id: str | None = None) -> Event:
    raw: dict[str, Any] = {"type": "fx.rate", "occurred_on": on, "data": {"currency": currency, "usd_per_unit": rate}}
    if event_id is not None:
        raw["event_id"] = event_id
    return _event(raw)


def _founding(firm_id: str, on: str = "2001-02-03") -> Event:
    return _event(
        {
            "type": "firm.founded",
            "occurred_on": on,
            "data": {
                "firm": {"id": firm_id, "name": firm_id.title()},
                "location": {"country": "KR", "subdivision": "KR-30"},
                "founders": [{"id": f"{firm_id}-founder", "type": "person", "name": "Founder"}],
            },
        }
    )


def _round_of_unfounded_firm() -> Event:
    # A bare id nobody registered: 422, and the whole batch with it.
    return _event({"type": "funding.round", "occurred_on": "2010-01-01", "data": {"firm": "nobody", "round": "seed"}})


def _append(factory: sessionmaker[Session], events: Sequence[Event], now: dt.datetime | None = None) -> list[events_service.Appended]:
    with unit_of_work(factory) as session:
        return events_service.append(session, events=events, now=now)


def _seqs(factory: sessionmaker[Session]) -> list[int]:
    with factory() as session:
        return [row.seq for row in log_rows(session)]


def test_seq_is_gap_free_across_appends_and_batches(session_factory: sessionmaker[Session]) -> None:
    first = _append(session_factory, [_fx("0.001")])
    batch = _append(session_factory, [_founding("alpha"), _fx("0.002"), _fx("0.003")])
    last = _append(session_factory, [_fx("0.004")])
    assert [r.seq for r in first + batch + last] == [1, 2, 3, 4, 5]
    assert _seqs(session_factory) == [1, 2, 3, 4, 5]


def test_rejected_batch_consumes_no_seq(session_factory: sessionmaker[Session]) -> None:
    _append(session_factory, [_fx("0.001"), _fx("0.002")])
    # The good events before the bad one were inserted and then rolled back with it.
    with pytest.raises(InvalidEvent):
        _append(session_factory, [_fx("0.003"), _founding("alpha"), _round_of_unfounded_firm()])
    after = _append(session_factory, [_fx("0.004")])

    assert after[0].seq == 3
    assert _seqs(session_factory) == [1, 2, 3]
    with session_factory() as session:
        assert events_service.head_seq(session) == 3


def test_conflicting_replay_consumes_no_seq(session_factory: sessionmaker[Session]) -> None:
    event_id = str(uuid.uuid4())
    _append(session_factory, [_fx("0.001", event_id=event_id)])
    with pytest.raises(Conflict):
        _append(session_factory, [_fx("0.005"), _fx("0.002", event_id=event_id)])
    after = _append(session_factory, [_fx("0.003")])

    assert after[0].seq == 2
    assert _seqs(session_factory) == [1, 2]


def test_replay_is_compared_with_the_stored_body_not_its_hash(session_factory: sessionmaker[Session], database_url: str) -> None:
    event_id = str(uuid.uuid4())
    original = _fx("0.001", event_id=event_id)
    _append(session_factory, [original, _fx("0.002")])
    (replayed,) = _append(session_factory, [original])
    assert (replayed.seq, replayed.duplicate) == (1, True)

    # Changed behind the application's back, body_hash left as it was: the stored row is no
    # longer the client's event, and the replay must not confirm it as one.
    with tampering(database_url) as conn:
        set_data(conn, 1, {**stored_data(conn, 1), "usd_per_unit": "0.5"})
    with session_factory() as session:
        before = log_snapshot(session)

    with pytest.raises(Conflict, match=f"event_id {event_id} is already used \\(seq 1\\) with a different body"):
        _append(session_factory, [original])
    with pytest.raises(Conflict):
        _append(session_factory, [_fx("0.003"), original])
    with session_factory() as session:
        assert log_snapshot(session) == before


@pytest.mark.parametrize(
    "statement",
    ["UPDATE event SET source = 'tampered' WHERE seq = 1", "DELETE FROM event WHERE seq = 1", "DELETE FROM event"],
)
def test_database_refuses_to_change_the_log(session_factory: sessionmaker[Session], statement: str) -> None:
    _assert_refused(session_factory, statement)


def _assert_refused(session_factory: sessionmaker[Session], statement: str) -> None:
    """The statement fails as append-only and the two-event log is left exactly as it was."""
    _append(session_factory, [_fx("0.001"), _fx("0.002")])
    with session_factory() as session:
        before = log_snapshot(session)

    with pytest.raises(sa.exc.DBAPIError, match="append-only"), unit_of_work(session_factory) as session:
        session.execute(sa.text(statement))

    with session_factory() as session:
        assert log_snapshot(session) == before
        assert session.scalar(sa.text("SELECT source FROM event WHERE seq = 1")) is None


def test_postgresql_refuses_truncate_of_the_log(postgres_url: str) -> None:
    engine = create_db_engine(postgres_url)
    factory = make_session_factory(engine)
    try:
        _append(factory, [_fx("0.001")])
        with pytest.raises(sa.exc.DBAPIError, match="append-only"), engine.begin() as conn:
            conn.exec_driver_sql("TRUNCATE event CASCADE")
        assert _seqs(factory) == [1]
    finally:
        engine.dispose()


_EVENT_COLUMNS = "seq, event_id, type, occurred_on, recorded_at, source, data, body_hash, chain_hash"


@pytest.mark.parametrize(
    "statement",
    [
        "REPLACE INTO event SELECT * FROM event WHERE seq = 1",
        # Same seq, another event_id: REPLACE would delete the stored fact and put this one in its place.
        f"INSERT OR REPLACE INTO event ({_EVENT_COLUMNS}) SELECT seq, '{uuid.uuid4()}', type, occurred_on, recorded_at, "
        "'tampered', data, body_hash, chain_hash FROM event WHERE seq = 1",
        # Same event_id at a new seq: the stored row would go, the id would move.
        f"INSERT OR REPLACE INTO event ({_EVENT_COLUMNS}) SELECT 3, event_id, type, occurred_on, recorded_at, "
        "source, data, body_hash, chain_hash FROM event WHERE seq = 1",
    ],
    ids=["replace-same-row", "replace-seq", "replace-event-id"],
)
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_sqlite_refuses_to_replace_a_stored_event(session_factory: sessionmaker[Session], statement: str) -> None:
    _assert_refused(session_factory, statement)


def test_sqlite_syncs_the_wal_at_every_commit(sqlite_url: str) -> None:
    # An acknowledged append must survive a power cut: synchronous=FULL (2), not NORMAL (1).
    engine = create_db_engine(sqlite_url)
    try:
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2
    finally:
        engine.dispose()


def test_chain_hash_links_every_row_to_its_predecessor(session_factory: sessionmaker[Session]) -> None:
    _append(session_factory, [_fx("0.001")])
    _append(session_factory, [_founding("alpha"), _fx("0.002", on="2011-01-01")])
    # A clock that steps back: recorded_at is then taken from the head, and must hash the same way.
    _append(session_factory, [_fx("0.003")], now=dt.datetime(2000, 1, 1, tzinfo=dt.UTC))
    _append(session_factory, [_fx("0.004")])

    with session_factory() as session:
        rows = log_rows(session)
        head_hash = session.scalar(sa.text("SELECT last_hash FROM ledger_head"))
    assert len(rows) == 5
    assert_chain_intact(rows)
    assert head_hash == rows[-1].chain_hash
    # The chain also pins the bodies: each body_hash is the hash of the stored canonical body.
    assert rows[0].body_hash == canonical.body_hash(canonical.canonical_body(_fx("0.001")))


def test_chain_hash_does_not_depend_on_the_postgresql_session_time_zone(postgres_url: str) -> None:
    # PostgreSQL renders timestamptz in the session's TimeZone. The hash must not: the head's
    # recorded_at (taken over when the clock steps back) has to be hashed as UTC like any other.
    engine = create_db_engine(f"{postgres_url}?options=-c%20timezone%3DAsia/Seoul")
    factory = make_session_factory(engine)
    try:
        _append(factory, [_fx("0.001")], now=dt.datetime(2030, 1, 1, tzinfo=dt.UTC))
        (appended,) = _append(factory, [_fx("0.002")])
        with factory() as session:
            rows = log_rows(session)
    finally:
        engine.dispose()
    assert_chain_intact(rows)
    assert appended.recorded_at.utcoffset() == dt.timedelta(0)


def test_recorded_at_never_decreases_even_when_the_clock_steps_back(session_factory: sessionmaker[Session]) -> None:
    start = dt.datetime(2030, 6, 1, 12, 0, tzinfo=dt.UTC)
    _append(session_factory, [_fx("0.001")], now=start)
    _append(session_factory, [_fx("0.002")], now=start - dt.timedelta(hours=3))
    _append(session_factory, [_fx("0.003"), _fx("0.004")], now=start - dt.timedelta(days=1))
    _append(session_factory, [_fx("0.005")], now=start + dt.timedelta(seconds=1))
    _append(session_factory, [_fx("0.006")])

    with session_factory() as session:
        rows = log_rows(session)
    assert len(rows) == 6
    assert_recorded_at_never_decreases(rows)
    assert [r.recorded_at for r in rows[:4]] == [start] * 4
    assert rows[4].recorded_at == start + dt.timedelta(seconds=1)
