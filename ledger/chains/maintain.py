"""Keep the liquidity table in step with the log (the workers call these).

A catch-up applies the events after the watermark as one set-based update (ledger/chains/
liquidity.py): its cost is that of the new events, whatever the size of the ledger. A full
recompute derives the table anew, in chunks of actors that workers can run side by side.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session
from sqlmodel import col

from ledger.actors.models import Actor
from ledger.chains import liquidity
from ledger.chains.models import Tracking
from ledger.events.service import head_seq

CONSUMER = "liquidity"


@dataclass(frozen=True)
class CatchUp:
    from_seq: int
    to_seq: int
    mode: str  # none | incremental | chunk
    rows: int  # participations written


def position(session: Session, *, lock: bool = False, shared: bool = False, consumer: str = CONSUMER) -> int:
    """A watermark: the log seq a consumer (by default the liquidity table) reflects. `lock` takes
    it for writing (one catch-up at a time); `shared` lets chunks of a full recompute run side by
    side while no catch-up moves it."""
    query = sa.select(Tracking.position).where(Tracking.consumer == consumer)
    if lock or shared:
        # A row lock needs the row: on a fresh database two first catch-ups would both find none.
        ensure_row(session, consumer)
        query = query.with_for_update(read=shared)
    return int(session.scalar(query) or 0)


def try_lock(session: Session, *, consumer: str) -> int | None:
    """Take a watermark for writing, or None at once when another transaction holds it
    (PostgreSQL; SQLite serialises writers by its database lock). Its row must exist and be
    committed (`ensure_row`): a row another transaction has just inserted would be waited for."""
    row = session.execute(sa.select(Tracking.position).where(Tracking.consumer == consumer).with_for_update(skip_locked=True)).first()
    return None if row is None else int(row[0])


def ensure_row(session: Session, consumer: str) -> None:
    """Create a watermark's row (at 0) if it does not exist yet."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert(Tracking) if dialect == "postgresql" else sqlite.insert(Tracking)
    session.execute(insert.values(consumer=consumer, position=0).on_conflict_do_nothing(index_elements=["consumer"]))


def set_position(session: Session, seq: int, *, consumer: str = CONSUMER) -> None:
    row = session.get(Tracking, consumer)
    if row is None:
        session.add(Tracking(consumer=consumer, position=seq))
    else:
        row.position = seq
    session.flush()


def lag(session: Session) -> int:
    """How many events the liquidity table has not seen yet."""
    return head_seq(session) - position(session)


def catch_up(session: Session) -> CatchUp:
    """Apply every event after the watermark; idempotent (a replay finds nothing to do).

    The tracking row is locked first, so two workers never apply the same range; the effects
    and the new position commit together in the caller's transaction.
    """
    start = position(session, lock=True)
    head = head_seq(session)
    if head <= start:
        return CatchUp(start, head, "none", 0)
    rows = liquidity.apply_range(session, after=start, upto=head)
    set_position(session, head)
    return CatchUp(start, head, "incremental", rows)


def recompute_chunk(session: Session, *, low: str | None, high: str | None) -> CatchUp:
    """Derive anew the rows of the actors with low <= id < high, as of the watermark (held shared,
    so catch-ups wait and other chunks run)."""
    at = position(session, shared=True)
    return CatchUp(at, at, "chunk", liquidity.rebuild(session, upto=at, low=low, high=high))


def recompute_all(session: Session) -> CatchUp:
    """Everything anew in one transaction, then the events after the watermark."""
    at = position(session, lock=True)
    rows = liquidity.rebuild(session, upto=at)
    done = catch_up(session)
    return CatchUp(0, done.to_seq, "full", rows + done.rows)


def actor_splits(session: Session, chunks: int) -> list[tuple[str | None, str | None]]:
    """Id ranges [low, high) splitting the actors into about `chunks` equal parts (for a group)."""
    total = int(session.scalar(sa.select(sa.func.count()).select_from(Actor)) or 0)
    if chunks <= 1 or total < chunks * 2:
        return [(None, None)]
    step = total // chunks
    bounds: list[str] = []
    for i in range(1, chunks):
        bound = session.scalar(sa.select(Actor.id).order_by(col(Actor.id)).offset(i * step).limit(1))
        if bound is not None and (not bounds or bound > bounds[-1]):
            bounds.append(bound)
    edges: list[str | None] = [None, *bounds, None]
    return list(itertools.pairwise(edges))
