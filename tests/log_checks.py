"""Invariants of the stored event log, checked the same way by the store and concurrency tests."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from ledger.events import canonical
from ledger.schema import metadata


@dataclass(frozen=True)
class LogRow:
    seq: int
    event_id: str
    recorded_at: dt.datetime
    body_hash: str
    chain_hash: str


def _utc(value: dt.datetime) -> dt.datetime:
    # SQLite hands timestamps back naive; everything the store writes is UTC.
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


def log_rows(db: Connection | Session) -> list[LogRow]:
    """The whole log in seq order, read straight from the table (not through the store's own code)."""
    event = metadata.tables["event"]
    columns = (event.c.seq, event.c.event_id, event.c.recorded_at, event.c.body_hash, event.c.chain_hash)
    result = db.execute(sa.select(*columns).order_by(event.c.seq))
    return [LogRow(r.seq, r.event_id, _utc(r.recorded_at), r.body_hash, r.chain_hash) for r in result]


def assert_chain_intact(rows: list[LogRow]) -> None:
    """Each chain_hash covers the previous one and its own row, starting from the genesis hash."""
    previous = canonical.GENESIS_HASH
    for row in rows:
        expected = canonical.chain_hash(
            previous,
            seq=row.seq,
            event_id=row.event_id,
            recorded_at=row.recorded_at.isoformat(),
            body_hash=row.body_hash,
        )
        assert row.chain_hash == expected, f"chain broken at seq {row.seq}"
        previous = row.chain_hash


def assert_recorded_at_never_decreases(rows: list[LogRow]) -> None:
    for earlier, later in itertools.pairwise(rows):
        assert later.recorded_at >= earlier.recorded_at, f"recorded_at goes back between seq {earlier.seq} and {later.seq}"
