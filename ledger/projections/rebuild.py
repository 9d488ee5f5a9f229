"""Drop every projection and replay the log through the same code path as live appends."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ledger.actors.models import Actor
from ledger.events.models import EventActor, EventRow, Retraction
from ledger.events.schemas import EVENT_ADAPTER, Event
from ledger.projections import apply as projections_apply
from ledger.projections import archive, rules
from ledger.projections.models import PROJECTION_TABLES
from ledger.projections.state import LedgerState

Progress = Callable[[int, int], None]


def stored_event(row: EventRow) -> Event:
    """The typed event of a log row (the stored body is already canonical)."""
    return EVENT_ADAPTER.validate_python(
        {"event_id": row.event_id, "type": row.type, "occurred_on": row.occurred_on, "source": row.source, "data": row.data}
    )


def rebuild(session: Session, *, chunk: int = 2000, progress: Progress | None = None) -> int:
    """Replay all events in seq order; returns how many were replayed. Caller owns the transaction."""
    for table in (*PROJECTION_TABLES, Retraction, EventActor, Actor):
        session.execute(sa.delete(table))
    archive.clear(session)
    total = int(session.scalar(sa.select(sa.func.count()).select_from(EventRow)) or 0)
    done = 0
    after = 0
    state = LedgerState(session)
    while True:
        rows = list(session.scalars(sa.select(EventRow).where(EventRow.seq > after).order_by(EventRow.seq).limit(chunk)))
        if not rows:
            break
        for row in rows:
            event = stored_event(row)
            # The log was validated when written; dates were legal then, so no future check now.
            plan = rules.check(state, event, latest_allowed=dt.date.max)
            projections_apply.apply(state, event, row.seq, plan)
        after = rows[-1].seq
        done += len(rows)
        state.flush()
        session.expunge_all()
        if progress is not None:
            progress(done, total)
    return done
