"""Keep hops and liquidity events in step with the log (the workers call these)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ledger.chains import affected, derive, facts, store
from ledger.events.models import EventRow
from ledger.events.service import head_seq
from ledger.projections.rebuild import stored_event

CONSUMER = "hops"
# Past this many new events a full recompute is cheaper than tracing each one's actors.
FULL_RECOMPUTE_BACKLOG = 20_000

Progress = Callable[[float, str], None]


@dataclass(frozen=True)
class CatchUp:
    from_seq: int
    to_seq: int
    mode: str  # none | incremental | full
    actors: int
    hops_written: int


def recompute_all(session: Session, progress: Progress | None = None) -> CatchUp:
    """Derive every hop from scratch and move the watermark to the log head."""
    start = store.position(session, CONSUMER, lock=True)
    head = head_seq(session)
    if progress:
        progress(0.1, "loading facts")
    everything = facts.load(session)
    if progress:
        progress(0.4, "deriving hops")
    liquidity, hops = derive.derive(everything)
    if progress:
        progress(0.7, f"writing {len(hops)} hops")
    store.replace(session, actors=None, liquidity=liquidity, hops=hops)
    store.set_position(session, CONSUMER, head)
    if progress:
        progress(1.0, "done")
    return CatchUp(start, head, "full", len({q.actor_id for q in liquidity}), len(hops))


def catch_up(session: Session) -> CatchUp:
    """Apply every event after the watermark; idempotent (a replay finds nothing to do).

    The tracking row is locked first, so two workers never apply the same range; the effects
    and the new position commit together in the caller's transaction.
    """
    start = store.position(session, CONSUMER, lock=True)
    head = head_seq(session)
    if head <= start:
        return CatchUp(start, head, "none", 0, 0)
    if head - start > FULL_RECOMPUTE_BACKLOG:
        return recompute_all(session)
    actors: set[str] = set()
    rows = session.scalars(sa.select(EventRow).where(EventRow.seq > start, EventRow.seq <= head).order_by(EventRow.seq))
    for row in rows:
        event = stored_event(row)
        target = None
        if row.type == "event.retracted":
            target_row = session.scalars(sa.select(EventRow).where(EventRow.event_id == row.data["event_id"])).one()
            target = stored_event(target_row)
        touched = affected.affected_actors(session, event, target)
        if touched is None:
            return recompute_all(session)
        actors |= touched
    if actors:
        subset = facts.load(session, vias=actors)
        liquidity, hops = derive.derive(subset, actors)
        store.replace(session, actors=actors, liquidity=liquidity, hops=hops)
    else:
        hops = []
    store.set_position(session, CONSUMER, head)
    return CatchUp(start, head, "incremental", len(actors), len(hops))
