"""Write the projection rows of one validated event. Rows carry the event's seq (see models)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlmodel import SQLModel

from ledger.events import schemas as s
from ledger.events.models import EventActor
from ledger.events.values import Money, ref_id
from ledger.projections import models as m
from ledger.projections.rules import Plan
from ledger.projections.state import LedgerState


def apply(state: LedgerState, event: s.Event, seq: int, plan: Plan) -> None:
    """Buffer the rows of one validated event in `state` (inserted by its flush)."""
    for facts in plan.registrations:
        state.register(facts, seq)
    for actor_id, role in sorted(plan.mentions):
        state.add(EventActor, {"actor_id": actor_id, "event_seq": seq, "role": role})
    handler, _ = _HANDLERS[event.type]
    handler(state, event, seq)
    if plan.retract is not None:
        state.retract(plan.retract, seq, WRITES[plan.retract.type])


def _money(prefix: str, money: Money | None) -> dict[str, Any]:
    """Columns `<prefix>`, `<prefix>_currency`, `<prefix>_usd` (the client-given USD value)."""
    if money is None:
        return {prefix: None, f"{prefix}_currency": None, f"{prefix}_usd": None}
    return {prefix: money.amount, f"{prefix}_currency": money.currency, f"{prefix}_usd": money.usd}


def _firm_founded(state: LedgerState, e: Any, seq: int) -> None:
    d: s.FirmFoundedData = e.data
    firm_id = ref_id(d.firm)
    # A firm's location comes from its founding and relocations only (the actor keeps what it was
    # registered with, so a retracted founding takes its location with it). A founding without
    # one is where the firm was registered, if the ledger knows that.
    if d.location is not None:
        where: tuple[str | None, str | None, str | None] = (d.location.country, d.location.subdivision, d.location.city)
    else:
        facts = state.actor(firm_id)
        where = (None, None, None) if facts is None else (facts.country, facts.subdivision, facts.city)
    state.add(
        m.FirmFounding,
        dict(
            firm_id=firm_id,
            event_seq=seq,
            founded_on=e.occurred_on,
            country=where[0],
            subdivision=where[1],
            city=where[2],
            sector=d.sector,
            business_model=None if d.business_model is None else d.business_model.value,
        ),
    )
    state.founded(firm_id, e.occurred_on, seq)
    for i, founder in enumerate(d.founders):
        state.add(m.Founder, dict(event_seq=seq, position=i, firm_id=firm_id, person_id=ref_id(founder), since=e.occurred_on))
    for i, origin in enumerate(d.origins):
        state.add(m.FirmOrigin, dict(event_seq=seq, position=i, firm_id=firm_id, org_id=ref_id(origin.org), relation=origin.relation.value))


def _person_joined(state: LedgerState, e: Any, seq: int) -> None:
    d: s.PersonJoinedData = e.data
    person_id, org_id = ref_id(d.person), ref_id(d.org)
    state.add(
        m.Affiliation, dict(event_seq=seq, person_id=person_id, org_id=org_id, role=d.role.value, title=d.title, started_on=e.occurred_on)
    )
    if d.role == s.Role.founder:
        state.add(m.Founder, dict(event_seq=seq, position=0, firm_id=org_id, person_id=person_id, since=e.occurred_on))


def _person_left(state: LedgerState, e: Any, seq: int) -> None:
    d: s.PersonLeftData = e.data
    state.add(m.Departure, dict(event_seq=seq, person_id=ref_id(d.person), org_id=ref_id(d.org), left_on=e.occurred_on))


def _funding_round(state: LedgerState, e: Any, seq: int) -> None:
    d: s.FundingRoundData = e.data
    state.add(
        m.FundingRound,
        dict(
            event_seq=seq,
            firm_id=ref_id(d.firm),
            occurred_on=e.occurred_on,
            round=d.round,
            **_money("amount", d.amount),
            **_money("valuation_post", d.valuation_post),
        ),
    )
    for i, inv in enumerate(d.investors):
        state.add(
            m.RoundInvestor,
            dict(
                event_seq=seq,
                position=i,
                investor_id=ref_id(inv.investor),
                firm_id=ref_id(d.firm),
                occurred_on=e.occurred_on,
                lead=inv.lead,
                **_money("amount", inv.amount),
            ),
        )


def _license_deal(state: LedgerState, e: Any, seq: int) -> None:
    d: s.LicenseDealData = e.data
    state.add(
        m.LicenseDeal,
        dict(
            event_seq=seq,
            licensor_id=ref_id(d.licensor),
            licensee_id=ref_id(d.licensee),
            occurred_on=e.occurred_on,
            technology=d.technology,
            royalty_pct=d.royalty_pct,
            **_money("upfront", d.upfront),
            **_money("milestones", d.milestones),
        ),
    )


def _exit(state: LedgerState, e: Any, seq: int) -> None:
    d: s.IpoData | s.AcquisitionData = e.data
    ipo = isinstance(d, s.IpoData)
    state.add(
        m.FirmExit,
        dict(
            event_seq=seq,
            firm_id=ref_id(d.firm),
            kind="ipo" if ipo else "acquisition",
            occurred_on=e.occurred_on,
            exchange=d.exchange if isinstance(d, s.IpoData) else None,
            acquirer_id=ref_id(d.acquirer) if isinstance(d, s.AcquisitionData) else None,
            has_proceeds=d.proceeds is not None,
            **_money("value", d.market_cap if isinstance(d, s.IpoData) else d.price),
            **_money("raised", d.raised if isinstance(d, s.IpoData) else None),
        ),
    )
    for i, p in enumerate(d.proceeds or []):
        state.add(m.ExitProceeds, dict(event_seq=seq, position=i, actor_id=ref_id(p.actor), **_money("amount", p.amount)))


def _relocated(state: LedgerState, e: Any, seq: int) -> None:
    d: s.RelocatedData = e.data
    loc = d.location
    state.add(
        m.Relocation,
        dict(
            event_seq=seq,
            firm_id=ref_id(d.firm),
            occurred_on=e.occurred_on,
            country=loc.country,
            subdivision=loc.subdivision,
            city=loc.city,
        ),
    )


def _closed(state: LedgerState, e: Any, seq: int) -> None:
    d: s.ClosedData = e.data
    state.add(m.Closure, dict(event_seq=seq, firm_id=ref_id(d.firm), closed_on=e.occurred_on, reason=d.reason))
    state.closed(ref_id(d.firm), e.occurred_on, seq)


def _fund_raised(state: LedgerState, e: Any, seq: int) -> None:
    d: s.FundRaisedData = e.data
    state.add(
        m.FundRaise,
        dict(
            event_seq=seq,
            fund_id=ref_id(d.fund),
            manager_id=None if d.manager is None else ref_id(d.manager),
            occurred_on=e.occurred_on,
            **_money("size", d.size),
        ),
    )
    for i, lp in enumerate(d.lps):
        state.add(
            m.FundLp,
            dict(
                event_seq=seq,
                position=i,
                lp_id=ref_id(lp.lp),
                fund_id=ref_id(d.fund),
                occurred_on=e.occurred_on,
                **_money("commitment", lp.commitment),
            ),
        )


def _association_joined(state: LedgerState, e: Any, seq: int) -> None:
    d: s.AssociationJoinedData = e.data
    state.add(
        m.AssociationMembership, dict(event_seq=seq, org_id=ref_id(d.org), association_id=ref_id(d.association), joined_on=e.occurred_on)
    )


def _headcount(state: LedgerState, e: Any, seq: int) -> None:
    d: s.HeadcountData = e.data
    state.add(m.Headcount, dict(event_seq=seq, firm_id=ref_id(d.firm), reported_on=e.occurred_on, employees=d.employees))


def _fx_rate(state: LedgerState, e: Any, seq: int) -> None:
    d: s.FxRateData = e.data
    state.add(m.FxRate, dict(event_seq=seq, currency=d.currency, valid_from=e.occurred_on, usd_per_unit=d.usd_per_unit))


def _nothing(state: LedgerState, e: Any, seq: int) -> None:
    """actor.registered and event.retracted write only what every event writes (see apply)."""


# Each type's handler and the tables it writes (a retraction moves the target's rows out of them).
_HANDLERS: dict[str, tuple[Callable[[LedgerState, Any, int], None], tuple[type[SQLModel], ...]]] = {
    "actor.registered": (_nothing, ()),
    "firm.founded": (_firm_founded, (m.FirmFounding, m.Founder, m.FirmOrigin)),
    "person.joined": (_person_joined, (m.Affiliation, m.Founder)),
    "person.left": (_person_left, (m.Departure,)),
    "funding.round": (_funding_round, (m.FundingRound, m.RoundInvestor)),
    "license.deal": (_license_deal, (m.LicenseDeal,)),
    "exit.ipo": (_exit, (m.FirmExit, m.ExitProceeds)),
    "exit.acquisition": (_exit, (m.FirmExit, m.ExitProceeds)),
    "firm.relocated": (_relocated, (m.Relocation,)),
    "firm.closed": (_closed, (m.Closure,)),
    "fund.raised": (_fund_raised, (m.FundRaise, m.FundLp)),
    "association.joined": (_association_joined, (m.AssociationMembership,)),
    "headcount.reported": (_headcount, (m.Headcount,)),
    "fx.rate": (_fx_rate, (m.FxRate,)),
    "event.retracted": (_nothing, ()),
}
WRITES: dict[str, tuple[type[SQLModel], ...]] = {type_: tables for type_, (_, tables) in _HANDLERS.items()}
