"""Actor queries: listing and the profile with lifecycle, people and roles."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from more_itertools import chunked
from sqlalchemy.orm import Session
from sqlmodel import col

from ledger.actors.models import Actor
from ledger.errors import NotFound
from ledger.projections import models as m
from ledger.regions.patterns import LocationT, matches


def _location(country: str | None, subdivision: str | None, city: str | None) -> dict[str, Any] | None:
    if country is None:
        return None
    return {"country": country, "subdivision": subdivision, "city": city}


def _money(amount: Decimal | None, currency: str | None, usd: Decimal | None) -> dict[str, Any] | None:
    if amount is None:
        return None
    return {"amount": format(amount, "f"), "currency": currency, "usd": None if usd is None else format(usd, "f")}


def summary(actor: Actor) -> dict[str, Any]:
    return {
        "id": actor.id,
        "type": actor.type,
        "name": actor.name,
        "kind": actor.kind,
        "location": _location(actor.country, actor.subdivision, actor.city),
    }


def get_all(
    session: Session,
    *,
    kind: str | None = None,
    q: str | None = None,
    region: Sequence[dict[str, Any]] | None = None,
    limit: int = 100,
    cursor: str | None = None,
) -> tuple[list[dict[str, Any]], str | None]:
    """Actors ordered by id; `cursor` is the last id of the previous page. With `region`, only
    actors located in it now (firms where their headquarters is, others where registered)."""
    query = sa.select(Actor).order_by(Actor.id)
    if kind is not None:
        query = query.where(Actor.kind == kind)
    if q:
        pattern = f"%{q.lower()}%"
        query = query.where(sa.or_(sa.func.lower(Actor.name).like(pattern), sa.func.lower(Actor.id).like(pattern)))
    located = None if region is None else _located_now(session)
    page: list[Actor] = []
    after = cursor
    while len(page) <= limit:
        chunk_query = query.limit(500) if after is None else query.where(Actor.id > after).limit(500)
        chunk = list(session.scalars(chunk_query))
        if not chunk:
            break
        for actor in chunk:
            if located is None or matches(located.get(actor.id, _registered(actor)), region or ()):
                page.append(actor)
        after = chunk[-1].id
    more = len(page) > limit
    page = page[:limit]
    return [summary(a) for a in page], page[-1].id if more else None


def _registered(actor: Actor) -> LocationT | None:
    return None if actor.country is None else (actor.country, actor.subdivision, actor.city)


def _located_now(session: Session) -> dict[str, LocationT]:
    """Every founded firm's current headquarters: the latest relocation, else where it was founded."""
    now: dict[str, tuple[tuple[dt.date, int], LocationT]] = {}
    for f in session.scalars(sa.select(m.FirmFounding)):
        now[f.firm_id] = ((f.founded_on, f.event_seq), (f.country, f.subdivision, f.city))
    for r in session.scalars(sa.select(m.Relocation)):
        key = (r.occurred_on, r.event_seq)
        if r.firm_id in now and key > now[r.firm_id][0]:
            now[r.firm_id] = (key, (r.country, r.subdivision, r.city))
    return {firm: loc for firm, (_key, loc) in now.items()}


def names(session: Session, ids: Iterable[str]) -> dict[str, str]:
    """The names of these actors (those that have one)."""
    out: dict[str, str] = {}
    for chunk in chunked(sorted(set(ids)), 900):
        out.update((actor_id, name) for actor_id, name in session.execute(sa.select(Actor.id, Actor.name).where(col(Actor.id).in_(chunk))))
    return out


def get_or_raise(session: Session, *, actor_id: str) -> Actor:
    actor = session.get(Actor, actor_id)
    if actor is None:
        raise NotFound(f"no actor {actor_id!r}", loc=("actor_id",))
    return actor


def location_on(session: Session, *, firm_id: str, on: dt.date) -> dict[str, Any] | None:
    """A firm's headquarters on a date: its founding location, replaced by each relocation up to then."""
    moved = session.execute(
        sa.select(m.Relocation.country, m.Relocation.subdivision, m.Relocation.city)
        .where(m.Relocation.firm_id == firm_id, m.Relocation.occurred_on <= on)
        .order_by(m.Relocation.occurred_on.desc(), m.Relocation.event_seq.desc())  # type: ignore[attr-defined]
        .limit(1)
    ).first()
    if moved is not None:
        return _location(*moved)
    founding = session.get(m.FirmFounding, firm_id)
    if founding is None or founding.founded_on > on:
        return None
    return _location(founding.country, founding.subdivision, founding.city)


def get_profile_or_raise(session: Session, *, actor_id: str) -> dict[str, Any]:
    """Everything the ledger knows of one actor, as projected from live (unretracted) events."""
    actor = get_or_raise(session, actor_id=actor_id)
    profile = summary(actor)
    founding = session.get(m.FirmFounding, actor_id)
    profile["location_now"] = location_on(session, firm_id=actor_id, on=dt.date.max) if founding is not None else profile["location"]
    profile["lifecycle"] = _lifecycle(session, actor_id, founding)
    profile["people"] = [
        {
            "person": a.person_id,
            "role": a.role,
            "title": a.title,
            "started_on": a.started_on.isoformat(),
            "left_on": _left_on(session, a.person_id, actor_id, a.started_on),
        }
        for a in session.scalars(
            sa.select(m.Affiliation).where(m.Affiliation.org_id == actor_id).order_by(m.Affiliation.started_on, m.Affiliation.event_seq)
        )
    ]
    profile["roles"] = [
        {
            "org": a.org_id,
            "role": a.role,
            "title": a.title,
            "started_on": a.started_on.isoformat(),
            "left_on": _left_on(session, actor_id, a.org_id, a.started_on),
        }
        for a in session.scalars(
            sa.select(m.Affiliation).where(m.Affiliation.person_id == actor_id).order_by(m.Affiliation.started_on, m.Affiliation.event_seq)
        )
    ]
    first_founded: dict[str, dt.date] = {}
    for f in session.scalars(sa.select(m.Founder).where(m.Founder.person_id == actor_id)):
        first_founded[f.firm_id] = min(f.since, first_founded.get(f.firm_id, f.since))
    profile["founded"] = [{"firm": firm, "since": since.isoformat()} for firm, since in sorted(first_founded.items())]
    profile["investments"] = [
        {
            "firm": r.firm_id,
            "round": r.round,
            "on": r.occurred_on.isoformat(),
            "amount": _money(i.amount, i.amount_currency, i.amount_usd),
            "seq": r.event_seq,
        }
        for i, r in session.execute(
            sa.select(m.RoundInvestor, m.FundingRound)
            .join(m.FundingRound, m.FundingRound.event_seq == m.RoundInvestor.event_seq)
            .where(m.RoundInvestor.investor_id == actor_id)
            .order_by(m.FundingRound.occurred_on, m.FundingRound.event_seq)
        )
    ]
    profile["fund_commitments"] = [
        {
            "fund": r.fund_id,
            "on": r.occurred_on.isoformat(),
            "commitment": _money(lp.commitment, lp.commitment_currency, lp.commitment_usd),
            "seq": r.event_seq,
        }
        for lp, r in session.execute(
            sa.select(m.FundLp, m.FundRaise)
            .join(m.FundRaise, m.FundRaise.event_seq == m.FundLp.event_seq)
            .where(m.FundLp.lp_id == actor_id)
            .order_by(m.FundRaise.occurred_on, m.FundRaise.event_seq)
        )
    ]
    profile["associations"] = [
        {"association": a.association_id, "joined_on": a.joined_on.isoformat()}
        for a in session.scalars(sa.select(m.AssociationMembership).where(m.AssociationMembership.org_id == actor_id))
    ]
    return profile


def _left_on(session: Session, person_id: str, org_id: str, started_on: dt.date) -> str | None:
    left = session.scalar(
        sa.select(sa.func.min(m.Departure.left_on)).where(
            m.Departure.person_id == person_id, m.Departure.org_id == org_id, m.Departure.left_on >= started_on
        )
    )
    return None if left is None else left.isoformat()


def _lifecycle(session: Session, firm_id: str, founding: m.FirmFounding | None) -> dict[str, Any]:
    founded = None
    if founding is not None:
        founded = {
            "on": founding.founded_on.isoformat(),
            "location": _location(founding.country, founding.subdivision, founding.city),
            "sector": founding.sector,
            "business_model": founding.business_model,
            "founders": [
                {"person": f.person_id, "since": f.since.isoformat()}
                for f in session.scalars(
                    sa.select(m.Founder).where(m.Founder.firm_id == firm_id).order_by(m.Founder.since, m.Founder.event_seq)
                )
            ],
            "origins": [
                {"org": o.org_id, "relation": o.relation}
                for o in session.scalars(sa.select(m.FirmOrigin).where(m.FirmOrigin.firm_id == firm_id).order_by(m.FirmOrigin.position))
            ],
            "seq": founding.event_seq,
        }
    rounds = []
    for r in session.scalars(
        sa.select(m.FundingRound).where(m.FundingRound.firm_id == firm_id).order_by(m.FundingRound.occurred_on, m.FundingRound.event_seq)
    ):
        investors = session.scalars(
            sa.select(m.RoundInvestor).where(m.RoundInvestor.event_seq == r.event_seq).order_by(m.RoundInvestor.position)
        )
        rounds.append(
            {
                "on": r.occurred_on.isoformat(),
                "round": r.round,
                "amount": _money(r.amount, r.amount_currency, r.amount_usd),
                "valuation_post": _money(r.valuation_post, r.valuation_post_currency, r.valuation_post_usd),
                "investors": [
                    {"investor": i.investor_id, "amount": _money(i.amount, i.amount_currency, i.amount_usd), "lead": i.lead}
                    for i in investors
                ],
                "seq": r.event_seq,
            }
        )
    deals = [
        {
            "on": d.occurred_on.isoformat(),
            "licensor": d.licensor_id,
            "licensee": d.licensee_id,
            "technology": d.technology,
            "upfront": _money(d.upfront, d.upfront_currency, d.upfront_usd),
            "milestones": _money(d.milestones, d.milestones_currency, d.milestones_usd),
            "royalty_pct": None if d.royalty_pct is None else format(d.royalty_pct, "f"),
            "seq": d.event_seq,
        }
        for d in session.scalars(
            sa.select(m.LicenseDeal)
            .where(sa.or_(m.LicenseDeal.licensor_id == firm_id, m.LicenseDeal.licensee_id == firm_id))
            .order_by(m.LicenseDeal.occurred_on, m.LicenseDeal.event_seq)
        )
    ]
    exits = []
    for x in session.scalars(
        sa.select(m.FirmExit).where(m.FirmExit.firm_id == firm_id).order_by(m.FirmExit.occurred_on, m.FirmExit.event_seq)
    ):
        proceeds = (
            [
                {"actor": p.actor_id, "amount": _money(p.amount, p.amount_currency, p.amount_usd)}
                for p in session.scalars(
                    sa.select(m.ExitProceeds).where(m.ExitProceeds.event_seq == x.event_seq).order_by(m.ExitProceeds.position)
                )
            ]
            if x.has_proceeds
            else None
        )
        exits.append(
            {
                "on": x.occurred_on.isoformat(),
                "kind": x.kind,
                "exchange": x.exchange,
                "acquirer": x.acquirer_id,
                "value": _money(x.value, x.value_currency, x.value_usd),
                "raised": _money(x.raised, x.raised_currency, x.raised_usd),
                "proceeds": proceeds,
                "seq": x.event_seq,
            }
        )
    relocations = [
        {"on": r.occurred_on.isoformat(), "location": _location(r.country, r.subdivision, r.city), "seq": r.event_seq}
        for r in session.scalars(
            sa.select(m.Relocation).where(m.Relocation.firm_id == firm_id).order_by(m.Relocation.occurred_on, m.Relocation.event_seq)
        )
    ]
    closure = session.scalars(sa.select(m.Closure).where(m.Closure.firm_id == firm_id).order_by(m.Closure.closed_on)).first()
    headcount = [
        {"on": h.reported_on.isoformat(), "employees": h.employees, "seq": h.event_seq}
        for h in session.scalars(
            sa.select(m.Headcount).where(m.Headcount.firm_id == firm_id).order_by(m.Headcount.reported_on, m.Headcount.event_seq)
        )
    ]
    return {
        "founded": founded,
        "rounds": rounds,
        "deals": deals,
        "exits": exits,
        "relocations": relocations,
        "closure": None if closure is None else {"on": closure.closed_on.isoformat(), "reason": closure.reason, "seq": closure.event_seq},
        "headcount": headcount,
    }
