"""`verify` finds every kind of tampering with the stored log, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session, sessionmaker

from ledger.chains import maintain
from ledger.db import read_snapshot, unit_of_work
from ledger.events import integrity
from ledger.loading import load_document
from ledger.metrics.models import MetricPart
from tests.ledger.tamper import delete_event, set_data, stored_data, tampering

WORKED_EXAMPLE_EVENTS = 31
ROUND_SEQ = 16  # alpha's series A, 1,000,000 USD: a body with an amount in it


def _verify(factory: sessionmaker[Session], progress: integrity.Progress | None = None) -> integrity.Verification:
    # A small chunk so that even the worked example is read in several keyset pages.
    with read_snapshot(factory) as session:
        return integrity.verify(session, chunk=7, progress=progress)


@pytest.fixture
def ledger(session_factory: sessionmaker[Session], worked_example: dict[str, Any]) -> sessionmaker[Session]:
    """The worked example appended through the ledger's own loader."""
    loaded = load_document(session_factory, worked_example)
    assert loaded.new == WORKED_EXAMPLE_EVENTS
    return session_factory


def test_an_untampered_ledger_verifies(ledger: sessionmaker[Session]) -> None:
    pages: list[tuple[int, int]] = []
    result = _verify(ledger, progress=lambda done, total: pages.append((done, total)))
    assert result == integrity.Verification(WORKED_EXAMPLE_EVENTS)
    assert result.ok
    # Read in pages, not in one go: memory stays flat however long the log is.
    assert pages == [(7, 31), (14, 31), (21, 31), (28, 31), (31, 31)]


def test_an_empty_ledger_verifies(session_factory: sessionmaker[Session]) -> None:
    assert _verify(session_factory) == integrity.Verification(0)


def _raise_amount(conn: Connection, *, rehash: bool) -> None:
    data = stored_data(conn, ROUND_SEQ)
    assert data["amount"] == {"amount": "1000000", "currency": "USD"}
    set_data(conn, ROUND_SEQ, {**data, "amount": {"amount": "9000000", "currency": "USD"}}, rehash=rehash)


def _delete_round_and_its_exit(conn: Connection) -> None:
    for seq in (ROUND_SEQ, ROUND_SEQ + 1, ROUND_SEQ + 2):
        delete_event(conn, seq)


TAMPERING: dict[str, tuple[Callable[[Connection], None], str]] = {
    "amount-changed": (lambda conn: _raise_amount(conn, rehash=False), "seq 16: body does not match its hash"),
    "amount-and-hash-changed": (
        lambda conn: _raise_amount(conn, rehash=True),
        "seq 16: chain hash does not match (this row or the one before it was changed)",
    ),
    "middle-row-deleted": (lambda conn: delete_event(conn, ROUND_SEQ), "seq 16 missing (gap after 15)"),
    "first-row-deleted": (lambda conn: delete_event(conn, 1), "seq 1 missing (the log starts at seq 2)"),
    "rows-deleted": (_delete_round_and_its_exit, "seq 16 to 18 missing (gap after 15)"),
    "last-row-deleted": (
        lambda conn: delete_event(conn, WORKED_EXAMPLE_EVENTS),
        "seq 31 missing (the ledger head is at seq 31, the log ends at 30)",
    ),
}


@pytest.mark.parametrize("case", list(TAMPERING))
def test_verify_names_the_first_tampered_seq(ledger: sessionmaker[Session], database_url: str, case: str) -> None:
    tamper, expected = TAMPERING[case]
    with tampering(database_url) as conn:
        tamper(conn)

    result = _verify(ledger)
    assert result.problem == expected
    assert not result.ok


def test_a_tracking_watermark_beyond_the_log_is_reported(ledger: sessionmaker[Session]) -> None:
    with unit_of_work(ledger) as session:
        maintain.set_position(session, WORKED_EXAMPLE_EVENTS + 5)

    result = _verify(ledger)
    assert result.problem == "the 'liquidity' watermark is at seq 36, beyond the log (its last seq is 31)"


def test_a_metric_part_beyond_the_log_is_reported(ledger: sessionmaker[Session]) -> None:
    with unit_of_work(ledger) as session:
        maintain.set_position(session, WORKED_EXAMPLE_EVENTS)  # a watermark at the head is fine
        session.add(
            MetricPart(
                region_slug="daejeon",
                window_years=10,
                year=2010,
                region_revision=1,
                seq=WORKED_EXAMPLE_EVENTS + 1,
                values={},
                computed_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
            )
        )

    result = _verify(ledger)
    assert result.problem == "the metric part daejeon 2010 (W=10) was computed at seq 32, beyond the log (its last seq is 31)"
