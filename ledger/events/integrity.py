"""Check the stored log against itself: bodies, hash chain, gap-free seq, head and watermarks.

What `loopledger verify` runs. It reads the log in seq order through keyset pages of plain
rows, so memory stays flat however long the log is, and inside one read snapshot, so appends
committed meanwhile neither show up half-way nor make the head look wrong.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ledger.chains.models import Tracking
from ledger.db import aware
from ledger.events import canonical
from ledger.events.models import EventRow, LedgerHead
from ledger.events.service import HEAD_ID
from ledger.metrics.models import MetricPart

Progress = Callable[[int, int], None]

_EVENT = EventRow.__table__  # type: ignore[attr-defined]
_COLUMNS = ("seq", "event_id", "type", "occurred_on", "recorded_at", "source", "data", "body_hash", "chain_hash")


@dataclass(frozen=True)
class Verification:
    events: int  # rows read before the first problem (all of them when there is none)
    problem: str | None = None  # the first thing wrong, naming the seq it concerns

    @property
    def ok(self) -> bool:
        return self.problem is None


def verify(session: Session, *, chunk: int = 5000, progress: Progress | None = None) -> Verification:
    """Recompute every body hash and the hash chain in seq order; stop at the first problem.

    `session` should be a read snapshot (ledger.db.begin_snapshot) so the scan and the head it
    is compared with are one state of the database. `progress(done, total)` is called per chunk.
    """
    head = session.execute(sa.select(LedgerHead.last_seq, LedgerHead.last_hash).where(LedgerHead.id == HEAD_ID)).one_or_none()
    if head is None:
        return Verification(0, "the ledger head row is missing")
    total = int(head.last_seq)
    last_seq, last_hash = 0, canonical.GENESIS_HASH
    done = 0
    query = sa.select(*(_EVENT.c[name] for name in _COLUMNS)).order_by(_EVENT.c.seq).limit(chunk)
    while True:
        rows = session.execute(query.where(_EVENT.c.seq > last_seq)).all()
        if not rows:
            break
        for row in rows:
            problem = _check_row(row, last_seq, last_hash)
            if problem is not None:
                return Verification(done, problem)
            last_seq, last_hash = row.seq, row.chain_hash
            done += 1
        if progress is not None:
            progress(done, max(total, done))

    if int(head.last_seq) > last_seq:
        return Verification(done, f"seq {last_seq + 1} missing (the ledger head is at seq {head.last_seq}, the log ends at {last_seq})")
    if int(head.last_seq) < last_seq:
        return Verification(done, f"seq {head.last_seq + 1}: after the ledger head (seq {head.last_seq}, the log ends at {last_seq})")
    if head.last_hash != last_hash:
        return Verification(done, f"seq {last_seq}: the ledger head's hash does not match the chain")
    problem = _watermark_problem(session, last_seq)
    return Verification(done, problem)


def _check_row(row: sa.Row[tuple[object, ...]], last_seq: int, last_hash: str) -> str | None:
    seq: int = row.seq
    if seq != last_seq + 1:
        missing = last_seq + 1
        span = f"seq {missing}" if seq == missing + 1 else f"seq {missing} to {seq - 1}"
        return f"{span} missing (gap after {last_seq})" if last_seq else f"{span} missing (the log starts at seq {seq})"
    body = canonical.stored_body(type=row.type, occurred_on=row.occurred_on, source=row.source, data=row.data)
    if canonical.body_hash(body) != row.body_hash:
        return f"seq {seq}: body does not match its hash"
    recorded_at = aware(row.recorded_at)
    assert recorded_at is not None
    expected = canonical.chain_hash(last_hash, seq=seq, event_id=row.event_id, recorded_at=recorded_at.isoformat(), body_hash=row.body_hash)
    if expected != row.chain_hash:
        return f"seq {seq}: chain hash does not match (this row or the one before it was changed)"
    return None


def _watermark_problem(session: Session, last_seq: int) -> str | None:
    """Derived state can only reflect events that exist: a watermark past the log means the log
    lost events after they were applied (or the watermark was written by hand)."""
    tracking = session.execute(
        sa.select(Tracking.consumer, Tracking.position).where(Tracking.position > last_seq).order_by(Tracking.consumer).limit(1)
    ).first()
    if tracking is not None:
        return f"the {tracking.consumer!r} watermark is at seq {tracking.position}, beyond the log (its last seq is {last_seq})"
    part = session.execute(
        sa.select(MetricPart.region_slug, MetricPart.year, MetricPart.window_years, MetricPart.seq)
        .where(MetricPart.seq > last_seq)
        .order_by(MetricPart.region_slug, MetricPart.year, MetricPart.window_years)
        .limit(1)
    ).first()
    if part is not None:
        return (
            f"the metric part {part.region_slug} {part.year} (W={part.window_years}) was computed at seq {part.seq}, "
            f"beyond the log (its last seq is {last_seq})"
        )
    return None


__all__ = ["Verification", "verify"]
