"""Which actors' hops an event can change: the incremental recompute touches only those."""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlmodel import col

from ledger.chains.models import Hop
from ledger.events import schemas as s
from ledger.events.values import ref_id
from ledger.projections import models as m

EVERYONE = None  # sentinel: the event can change any hop (an fx rate re-prices amounts)


def _hop_vias_touching(session: Session, firm_id: str) -> set[str]:
    query = sa.select(Hop.via_id).where(sa.or_(Hop.source_id == firm_id, Hop.target_id == firm_id)).distinct()
    return set(session.scalars(query))


def _participants(session: Session, firm_id: str) -> set[str]:
    founders = session.scalars(sa.select(m.Founder.person_id).where(m.Founder.firm_id == firm_id))
    investors = session.scalars(
        sa.select(m.RoundInvestor.investor_id)
        .join(m.FundingRound, m.FundingRound.event_seq == m.RoundInvestor.event_seq)
        .where(m.FundingRound.firm_id == firm_id)
    )
    proceeds = session.scalars(
        sa.select(m.ExitProceeds.actor_id)
        .join(m.FirmExit, m.FirmExit.event_seq == m.ExitProceeds.event_seq)
        .where(m.FirmExit.firm_id == firm_id)
    )
    return set(founders) | set(investors) | set(proceeds)


def _mentors_of(session: Session, firm_id: str) -> set[str]:
    query = sa.select(m.Affiliation.person_id).where(m.Affiliation.org_id == firm_id)
    return set(session.scalars(query))


def _lps_of(session: Session, funds: Iterable[str]) -> set[str]:
    funds = list(funds)
    if not funds:
        return set()
    query = (
        sa.select(m.FundLp.lp_id).join(m.FundRaise, m.FundRaise.event_seq == m.FundLp.event_seq).where(col(m.FundRaise.fund_id).in_(funds))
    )
    return set(session.scalars(query))


def affected_actors(session: Session, event: s.Event, target: s.Event | None = None) -> set[str] | None:
    """Actors whose liquidity events or hops may differ after `event` (None: everyone).

    For a retraction, pass the retracted event as `target`: undoing it touches the same actors.
    """
    d = event.data
    match event:
        case s.EventRetracted():
            return set() if target is None else affected_actors(session, target)
        case s.FxRate():
            return EVERYONE
        case s.FirmFounded():
            assert isinstance(d, s.FirmFoundedData)
            firm = ref_id(d.firm)
            # Founding also decides where the firm is and whether joins as mentor count.
            touched = {ref_id(f) for f in d.founders} | _hop_vias_touching(session, firm)
            return touched | _participants(session, firm) | _mentors_of(session, firm)
        case s.PersonJoined():
            assert isinstance(d, s.PersonJoinedData)
            return {ref_id(d.person)}
        case s.FundingRound():
            assert isinstance(d, s.FundingRoundData)
            investors = {ref_id(i.investor) for i in d.investors}
            return investors | _lps_of(session, investors)
        case s.ExitIpo() | s.ExitAcquisition():
            assert isinstance(d, s.IpoData | s.AcquisitionData)
            firm = ref_id(d.firm)
            return {firm} | _participants(session, firm) | {ref_id(p.actor) for p in d.proceeds or ()}
        case s.FundRaised():
            assert isinstance(d, s.FundRaisedData)
            return {ref_id(lp.lp) for lp in d.lps}
        case s.FirmRelocated():
            assert isinstance(d, s.RelocatedData)
            return _hop_vias_touching(session, ref_id(d.firm))
        case _:
            return set()
