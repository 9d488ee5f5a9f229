"""Keep hops and liquidity events in step with the log (the workers call these)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from ledger.chains import affected, derive, facts, store
from ledger.db import read_snapshot, unit_of_work
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


def lag(session: Session) -> int:
    """How many events the hops have not seen yet."""
    return head_seq(session) - store.position(session, CONSUMER)


def _replace_all(session: Session) -> CatchUp:
    """Derive every hop from scratch inside the caller's transaction."""
    start = store.position(session, CONSUMER, lock=True)
    head = head_seq(session)
    liquidity, hops = derive.derive(facts.load(session))
    store.replace(session, actors=None, liquidity=liquidity, hops=hops)
    store.set_position(session, CONSUMER, head)
    return CatchUp(start, head, "full", len({q.actor_id for q in liquidity}), len(hops))


def recompute_all(factory: sessionmaker[Session], progress: Progress | None = None) -> CatchUp:
    """Full recompute in phases, so progress can be reported between them on any backend.

    The derivation reads one consistent snapshot; the write phase then installs it at that
    snapshot's seq and applies whatever was appended meanwhile incrementally.
    """
    report = progress or (lambda _f, _m: None)
    report(0.05, "reading the ledger")
    with read_snapshot(factory) as session:
        start = store.position(session, CONSUMER)
        head = head_seq(session)
        everything = facts.load(session)
    report(0.4, f"deriving hops through seq {head}")
    liquidity, hops = derive.derive(everything)
    report(0.7, f"writing {len(hops)} hops")
    with unit_of_work(factory) as session:
        store.position(session, CONSUMER, lock=True)
        store.replace(session, actors=None, liquidity=liquidity, hops=hops)
        store.set_position(session, CONSUMER, head)
        rest = catch_up(session)
    report(1.0, "done")
    return CatchUp(start, rest.to_seq, "full", len({q.actor_id for q in liquidity}), len(hops) + rest.hops_written)


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
        return _replace_all(session)
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
            return _replace_all(session)
        actors |= touched
    if actors:
        subset = facts.load(session, vias=actors)
        liquidity, hops = derive.derive(subset, actors)
        store.replace(session, actors=actors, liquidity=liquidity, hops=hops)
    else:
        hops = []
    store.set_position(session, CONSUMER, head)
    return CatchUp(start, head, "incremental", len(actors), len(hops))
