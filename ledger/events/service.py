"""The event store: append (validated, idempotent, gap-free seq) and read the log."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlmodel import col

from ledger.db import KeySet, aware
from ledger.errors import Conflict, ErrorItem, InvalidEvent, LedgerError, NotFound
from ledger.events import canonical
from ledger.events.models import EventActor, EventRow, LedgerHead, Retraction
from ledger.events.refs import references
from ledger.events.schemas import ActorRegistered, Event, EventRetracted
from ledger.events.values import ref_id
from ledger.projections import apply as projections_apply
from ledger.projections import rules
from ledger.projections.state import LedgerState

HEAD_ID = 1


@dataclass(frozen=True)
class Appended:
    event_id: str
    seq: int
    recorded_at: dt.datetime
    duplicate: bool


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def append(
    session: Session,
    *,
    events: Sequence[Event],
    future_tolerance_days: int = 1,
    now: dt.datetime | None = None,
    indexed: bool | None = None,
) -> list[Appended]:
    """Append events in order, all or nothing; the caller owns (commits) the transaction.

    Raises InvalidEvent (every bad event; loc starts with the event's index when `indexed`,
    which defaults to "more than one event")
    or Conflict; the caller must then roll back. Identical replays of known event_ids are not
    written again and come back with their original seq and duplicate=True.
    """
    # Every append holds the head row lock until commit: that is what makes seq gap-free and
    # the validation below see all earlier events (PostgreSQL row lock; SQLite BEGIN IMMEDIATE).
    head = session.scalars(sa.select(LedgerHead).where(LedgerHead.id == HEAD_ID).with_for_update()).one()
    recorded_at = max(now or utcnow(), aware(head.last_recorded_at) or dt.datetime.min.replace(tzinfo=dt.UTC))
    latest_allowed = recorded_at.date() + dt.timedelta(days=future_tolerance_days)
    batch = len(events) > 1 if indexed is None else indexed
    invalid: list[ErrorItem] = []
    conflicts: list[ErrorItem] = []
    in_batch: dict[str, tuple[dict[str, Any], Appended]] = {}
    results: list[Appended] = []
    known = _stored_many(session, [str(e.event_id) for e in events if e.event_id is not None])
    # The head advances in these locals and is written back once (attribute sets on the ORM row
    # are costly at 10,000 events).
    last_seq, last_hash = head.last_seq, head.last_hash
    recorded_iso = recorded_at.isoformat()
    state = LedgerState(session)
    # Listed once per event: the prefetch and the rules both walk them.
    named = [list(references(e)) for e in events]
    state.prefetch([ref_id(r.ref) for refs in named for r in refs] + [e.data.id for e in events if isinstance(e, ActorRegistered)])
    state.prefetch_targets(str(e.data.event_id) for e in events if isinstance(e, EventRetracted))

    for index, event in enumerate(events):
        prefix: tuple[int, ...] = (index,) if batch else ()
        body = canonical.canonical_body(event)
        digest = canonical.body_hash(body)
        event_id = str(event.event_id) if event.event_id is not None else str(uuid.uuid4())
        previous = in_batch.get(event_id) or known.get(event_id)
        if previous is not None:
            prev_body, prev = previous
            if not canonical.same_body(body, prev_body):
                conflicts.append(
                    ErrorItem((*prefix, "event_id"), f"event_id {event_id} is already used (seq {prev.seq}) with a different body")
                )
            results.append(Appended(event_id, prev.seq, prev.recorded_at, duplicate=True))
            continue
        # After a bad event the rest are still checked and applied, so the client sees every
        # problem without follow-on noise; the caller rolls the whole transaction back.
        try:
            plan = rules.check(state, event, latest_allowed=latest_allowed, named=named[index])
        except LedgerError as exc:
            target = invalid if isinstance(exc, InvalidEvent) else conflicts
            target.extend(e.prefixed(*prefix) for e in exc.errors)
            continue
        seq = last_seq + 1
        chained = canonical.chain_hash(last_hash, seq=seq, event_id=event_id, recorded_at=recorded_iso, body_hash=digest)
        state.log(
            {
                "seq": seq,
                "event_id": event_id,
                "type": event.type,
                "occurred_on": event.occurred_on,
                "recorded_at": recorded_at,
                "source": event.source,
                "data": body["data"],
                "body_hash": digest,
                "chain_hash": chained,
            },
        )
        projections_apply.apply(state, event, seq, plan)
        last_seq, last_hash = seq, chained
        done = Appended(event_id, seq, recorded_at, duplicate=False)
        in_batch[event_id] = (body, done)
        results.append(done)

    if invalid:
        raise InvalidEvent(invalid + conflicts)
    if conflicts:
        raise Conflict(conflicts)
    advanced = (
        sa.update(LedgerHead).where(LedgerHead.id == HEAD_ID).values(last_seq=last_seq, last_hash=last_hash, last_recorded_at=recorded_at)
    )
    # The head moves in the same round trip as the last rows; the loaded head is out of date then.
    state.flush(then=[advanced] if last_seq != head.last_seq else [])
    session.expire(head)
    return results


def _stored_many(session: Session, event_ids: Sequence[str]) -> dict[str, tuple[dict[str, Any], Appended]]:
    """Stored body and original answer of each already stored event_id (the idempotency keys).

    A replay is compared with the stored body itself, not with its stored hash: a body changed
    behind the application's back (hash left alone) then makes the replay a conflict instead of
    confirming the changed row as the client's event.
    """
    found: dict[str, tuple[dict[str, Any], Appended]] = {}
    keys = KeySet(session)
    query = sa.select(
        EventRow.event_id, EventRow.seq, EventRow.recorded_at, EventRow.type, EventRow.occurred_on, EventRow.source, EventRow.data
    )
    for chunk in keys.chunks(event_ids):
        for row in session.execute(query.where(keys.has(EventRow.event_id, chunk))):
            recorded_at = aware(row.recorded_at)
            assert recorded_at is not None
            body = canonical.stored_body(type=row.type, occurred_on=row.occurred_on, source=row.source, data=row.data)
            found[row.event_id] = (body, Appended(row.event_id, row.seq, recorded_at, duplicate=True))
    return found


# ---- reading -----------------------------------------------------------------------------------


def envelope(row: EventRow, retracted_by: str | None = None, *, with_retraction: bool = False) -> dict[str, Any]:
    """The public shape of a stored event: the posted envelope plus seq and recorded_at."""
    out: dict[str, Any] = {
        "event_id": row.event_id,
        "seq": row.seq,
        "type": row.type,
        "occurred_on": row.occurred_on.isoformat(),
        "recorded_at": aware(row.recorded_at).isoformat(),  # type: ignore[union-attr]
        "source": row.source,
        "data": row.data,
    }
    if with_retraction:
        out["retracted_by"] = retracted_by
    return out


def get_by_event_id_or_raise(session: Session, *, event_id: str) -> dict[str, Any]:
    try:
        key = str(uuid.UUID(event_id))
    except ValueError:
        raise NotFound(f"no event {event_id!r}", loc=("event_id",)) from None
    row = session.scalars(sa.select(EventRow).where(EventRow.event_id == key)).first()
    if row is None:
        raise NotFound(f"no event {event_id!r}", loc=("event_id",))
    retraction = session.scalar(
        sa.select(EventRow.event_id).join(Retraction, Retraction.retraction_seq == EventRow.seq).where(Retraction.target_seq == row.seq)
    )
    return envelope(row, retraction, with_retraction=True)


def get_all(
    session: Session,
    *,
    after_seq: int = 0,
    limit: int = 100,
    types: Sequence[str] = (),
    actor: str | None = None,
) -> tuple[list[dict[str, Any]], int | None]:
    """A page of the log in seq order and the cursor for the next page (None at the end)."""
    query = sa.select(EventRow).where(EventRow.seq > after_seq).order_by(EventRow.seq).limit(limit + 1)
    if types:
        query = query.where(EventRow.type.in_(types))  # type: ignore[attr-defined]
    if actor is not None:
        query = query.where(
            EventRow.seq.in_(sa.select(EventActor.event_seq).where(EventActor.actor_id == actor))  # type: ignore[attr-defined]
        )
    rows = list(session.scalars(query))
    more = len(rows) > limit
    rows = rows[:limit]
    next_after = rows[-1].seq if more else None
    return [envelope(r) for r in rows], next_after


def claim_dispatch(session: Session) -> bool:
    """Within an append's transaction: True if no catch-up is pending yet (then enqueue one)."""
    result = session.execute(
        sa.update(LedgerHead).where(LedgerHead.id == HEAD_ID, col(LedgerHead.dispatch_pending).is_(False)).values(dispatch_pending=True)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def release_dispatch(session: Session) -> None:
    session.execute(sa.update(LedgerHead).where(LedgerHead.id == HEAD_ID).values(dispatch_pending=False))


def head_seq(session: Session) -> int:
    return int(session.scalar(sa.select(LedgerHead.last_seq).where(LedgerHead.id == HEAD_ID)) or 0)


__all__ = ["Appended", "Conflict", "InvalidEvent", "append", "get_all", "get_by_event_id_or_raise", "head_seq"]
