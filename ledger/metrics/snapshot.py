"""Everything the regional metrics read, loaded into memory as of a point in the log.

For the current state it reads the projections. For an earlier point it rewinds them inside a
transaction that is always rolled back: rows of later events are removed and events retracted
only later are applied again, through the same code as live appends.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from ledger.actors.models import Actor
from ledger.chains import derive, facts
from ledger.errors import LedgerError
from ledger.events.models import EventRow, Retraction
from ledger.events.service import head_seq
from ledger.money import FxTable
from ledger.projections import apply as projections_apply
from ledger.projections import models as m
from ledger.projections import rules
from ledger.projections.models import PROJECTION_TABLES
from ledger.projections.rebuild import stored_event
from ledger.projections.state import LedgerState
from ledger.regions.patterns import LocationT


@dataclass(frozen=True)
class Founding:
    firm_id: str
    on: dt.date
    location: LocationT


@dataclass(frozen=True)
class ExitValue:
    firm_id: str
    kind: str
    on: dt.date
    value_usd: Decimal | None
    has_value: bool


@dataclass(frozen=True)
class Deal:
    licensor_id: str
    on: dt.date
    value_usd: Decimal | None
    unconverted: bool


@dataclass
class MetricFacts:
    seq: int
    chain: facts.Facts
    liquidity: list[derive.Liquidity]
    hops: list[derive.HopFact]
    foundings: dict[str, Founding] = field(default_factory=dict)
    origins: dict[str, list[str]] = field(default_factory=dict)
    actors: dict[str, tuple[str, str | None, LocationT | None]] = field(default_factory=dict)
    closed_on: dict[str, dt.date] = field(default_factory=dict)
    exits: list[ExitValue] = field(default_factory=list)
    headcounts: dict[str, list[tuple[dt.date, int, int]]] = field(default_factory=dict)
    deals: list[Deal] = field(default_factory=list)

    def location_on(self, actor_id: str, on: dt.date) -> LocationT | None:
        """Firms move (founding, relocations); other actors keep their registered location."""
        if actor_id in self.foundings:
            return self.chain.location_on(actor_id, on)
        actor = self.actors.get(actor_id)
        return None if actor is None else actor[2]


def seq_as_of(session: Session, as_of: dt.datetime) -> int:
    """The last seq recorded at or before `as_of` (recorded_at never decreases with seq)."""
    return int(session.scalar(sa.select(sa.func.max(EventRow.seq)).where(EventRow.recorded_at <= as_of)) or 0)


@contextmanager
def _scratch(factory: sessionmaker[Session]) -> Iterator[Session]:
    session = factory()
    try:
        if session.get_bind().dialect.name == "postgresql":
            session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
        yield session
    finally:
        session.rollback()
        session.close()


def _rewind(session: Session, seq: int) -> None:
    """Make the projections what they were right after `seq` (the caller rolls this back)."""
    for table in PROJECTION_TABLES:
        session.execute(sa.delete(table).where(table.event_seq > seq))  # type: ignore[attr-defined]
    session.execute(sa.delete(Actor).where(Actor.registered_seq > seq))
    undone = session.scalars(
        sa.select(EventRow)
        .join(Retraction, Retraction.target_seq == EventRow.seq)
        .where(Retraction.retraction_seq > seq, Retraction.target_seq <= seq)
        .order_by(EventRow.seq)
    )
    state = LedgerState(session)
    for row in list(undone):
        event = stored_event(row)
        try:
            plan = rules.check(state, event, latest_allowed=dt.date.max)
        except LedgerError:
            plan = rules.Plan()  # its actors still exist; only its own rows are missing
        # Its event_actor rows were never removed, so only registrations and rows come back.
        projections_apply.apply(state, event, row.seq, rules.Plan(registrations=plan.registrations))
    state.flush()
    session.flush()


def load(factory: sessionmaker[Session], *, as_of_seq: int | None = None) -> MetricFacts:
    with _scratch(factory) as session:
        head = head_seq(session)
        seq = head if as_of_seq is None else min(as_of_seq, head)
        if seq < head:
            _rewind(session, seq)
        return _read(session, seq)


def _read(session: Session, seq: int) -> MetricFacts:
    fx = FxTable.load(session)
    chain = facts.load(session)
    liquidity, hops = derive.derive(chain)
    out = MetricFacts(seq=seq, chain=chain, liquidity=liquidity, hops=hops)
    for f in session.scalars(sa.select(m.FirmFounding)):
        out.foundings[f.firm_id] = Founding(f.firm_id, f.founded_on, (f.country, f.subdivision, f.city))
    origins: dict[str, list[str]] = defaultdict(list)
    for firm, org in session.execute(sa.select(m.FirmOrigin.firm_id, m.FirmOrigin.org_id).order_by(m.FirmOrigin.position)):
        origins[firm].append(org)
    out.origins = dict(origins)
    for a in session.scalars(sa.select(Actor)):
        out.actors[a.id] = (a.type, a.kind, None if a.country is None else (a.country, a.subdivision, a.city))
    closures = sa.select(m.Closure.firm_id, sa.func.min(m.Closure.closed_on)).group_by(m.Closure.firm_id)
    out.closed_on = dict(session.execute(closures).all())
    for x in session.scalars(sa.select(m.FirmExit).order_by(m.FirmExit.occurred_on, m.FirmExit.event_seq)):
        out.exits.append(
            ExitValue(x.firm_id, x.kind, x.occurred_on, fx.usd(x.value, x.value_currency, x.value_usd, x.occurred_on), x.value is not None)
        )
    heads: dict[str, list[tuple[dt.date, int, int]]] = defaultdict(list)
    for h in session.scalars(sa.select(m.Headcount)):
        heads[h.firm_id].append((h.reported_on, h.event_seq, h.employees))
    out.headcounts = {firm: sorted(rows) for firm, rows in heads.items()}
    for d in session.scalars(sa.select(m.LicenseDeal)):
        parts = [
            (d.upfront, fx.usd(d.upfront, d.upfront_currency, d.upfront_usd, d.occurred_on)),
            (d.milestones, fx.usd(d.milestones, d.milestones_currency, d.milestones_usd, d.occurred_on)),
        ]
        known = [usd for given, usd in parts if given is not None and usd is not None]
        unconverted = any(given is not None and usd is None for given, usd in parts)
        value = sum(known, Decimal(0)) if known else None
        out.deals.append(Deal(d.licensor_id, d.occurred_on, value, unconverted))
    return out
