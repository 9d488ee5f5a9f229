"""Who took part in which exit, and why: the participations behind every liquidity event.

Spec: the participants of firm F at an exit on t are the exit's `proceeds` actors when given,
otherwise F's founders (since <= t) and the investors of F's rounds dated <= t; a firm is not
its own liquidity actor. One row per (actor, exit, reason event): the exit itself for proceeds,
else the founding or join that made the actor a founder, or the round it invested in.

The same set-based query serves three uses:
- maintenance of the `liquidity_event` table: the rows a range of new events adds (each pair of
  an exit and a reason is added by whichever of the two came later in the log), and the rows a
  retraction removes (those naming the retracted event);
- a full recompute (all events up to a seq), in chunks of actors;
- answers as of an earlier seq, over the projections visible then (nothing is stored for those).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlmodel import col

from ledger.chains.models import LiquidityEvent
from ledger.events.models import Retraction
from ledger.projections import models as m
from ledger.projections.archive import visible

COLUMNS = ("actor_id", "exit_seq", "reason_seq", "firm_id", "liquidity_on")


@dataclass(frozen=True)
class Scope:
    """Which participations a query wants: of these firms, of these actors, of actors in an id range."""

    firm_ids: Sequence[str] | None = None
    actor_ids: Sequence[str] | None = None
    actor_low: str | None = None
    actor_high: str | None = None

    def where(self, firm: sa.ColumnElement[str], actor: sa.ColumnElement[str]) -> list[sa.ColumnElement[bool]]:
        parts: list[sa.ColumnElement[bool]] = []
        if self.firm_ids is not None:
            parts.append(firm.in_(self.firm_ids))
        if self.actor_ids is not None:
            parts.append(actor.in_(self.actor_ids))
        if self.actor_low is not None:
            parts.append(actor >= self.actor_low)
        if self.actor_high is not None:
            parts.append(actor < self.actor_high)
        return parts


EVERYTHING = Scope()


def participations(
    *, as_of: int | None = None, after: int = 0, upto: int | None = None, scope: Scope = EVERYTHING
) -> sa.Select[tuple[str, int, int, str, dt.date]]:
    """(actor_id, exit_seq, reason_seq, firm_id, liquidity_on) of every participation in `scope`
    whose later event has a seq in (after, upto], among the rows visible as of `as_of` (None: now)."""
    x = visible(m.FirmExit, as_of).alias("x")
    founder = visible(m.Founder, as_of).alias("f")
    investor = visible(m.RoundInvestor, as_of).alias("ri")
    proceeds = visible(m.ExitProceeds, as_of).alias("p")

    def new(reason_seq: sa.ColumnElement[int]) -> list[sa.ColumnElement[bool]]:
        # The pair is new in this range when one side is, and neither is beyond it.
        parts: list[sa.ColumnElement[bool]] = [sa.or_(x.c.event_seq > after, reason_seq > after)]
        if upto is not None:
            parts += [x.c.event_seq <= upto, reason_seq <= upto]
        return parts

    by_proceeds = (
        sa.select(proceeds.c.actor_id, x.c.event_seq, x.c.event_seq, x.c.firm_id, x.c.occurred_on)
        .join(x, x.c.event_seq == proceeds.c.event_seq)
        .where(proceeds.c.actor_id != x.c.firm_id, *new(x.c.event_seq), *scope.where(x.c.firm_id, proceeds.c.actor_id))
    )
    by_founding = (
        sa.select(founder.c.person_id, x.c.event_seq, founder.c.event_seq, x.c.firm_id, x.c.occurred_on)
        .join(x, sa.and_(x.c.firm_id == founder.c.firm_id, founder.c.since <= x.c.occurred_on))
        .where(sa.not_(x.c.has_proceeds), founder.c.person_id != x.c.firm_id, *new(founder.c.event_seq))
        .where(*scope.where(x.c.firm_id, founder.c.person_id))
    )
    by_investing = (
        sa.select(investor.c.investor_id, x.c.event_seq, investor.c.event_seq, x.c.firm_id, x.c.occurred_on)
        .join(x, sa.and_(x.c.firm_id == investor.c.firm_id, investor.c.occurred_on <= x.c.occurred_on))
        .where(sa.not_(x.c.has_proceeds), investor.c.investor_id != x.c.firm_id, *new(investor.c.event_seq))
        .where(*scope.where(x.c.firm_id, investor.c.investor_id))
    )
    # union, not union all: a founder listed twice, an investor named twice, is one reason.
    return sa.union(by_proceeds, by_founding, by_investing)  # type: ignore[return-value]


def apply_range(session: Session, *, after: int, upto: int) -> int:
    """Bring the table from `after` to `upto`: remove what retractions in the range undid, add
    what the range's exits, foundings, joins and rounds made. Returns the rows added."""
    retracted = sa.select(Retraction.target_seq).where(Retraction.retraction_seq > after, Retraction.retraction_seq <= upto)
    session.execute(
        sa.delete(LiquidityEvent).where(sa.or_(col(LiquidityEvent.exit_seq).in_(retracted), col(LiquidityEvent.reason_seq).in_(retracted)))
    )
    return _insert(session, participations(after=after, upto=upto))


def rebuild(session: Session, *, upto: int, low: str | None = None, high: str | None = None) -> int:
    """Derive the table anew from every event up to `upto` for the actors with low <= id < high
    (all when both are None): one chunk of a full recompute. Returns the rows written."""
    scope = Scope(actor_low=low, actor_high=high)
    session.execute(sa.delete(LiquidityEvent).where(*scope.where(col(LiquidityEvent.firm_id), col(LiquidityEvent.actor_id))))
    return _insert(session, participations(upto=upto, scope=scope))


def _insert(session: Session, query: sa.Select[tuple[str, int, int, str, dt.date]]) -> int:
    result = session.execute(sa.insert(LiquidityEvent).from_select(list(COLUMNS), query))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
