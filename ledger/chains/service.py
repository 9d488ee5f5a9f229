"""Queries analysts ask of recycling: chains, an actor's recycling, talent lineage."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlmodel import col

from ledger.actors import service as actors_service
from ledger.actors.models import Actor
from ledger.chains import maintain, store, traverse
from ledger.chains.models import Hop, LiquidityEvent
from ledger.events.service import head_seq
from ledger.projections import models as m
from ledger.regions import service as regions_service


def freshness(session: Session) -> dict[str, Any]:
    """Through which seq the derived state was computed, and whether newer events exist."""
    computed = store.position(session, maintain.CONSUMER)
    return {"seq": computed, "stale": head_seq(session) > computed}


def _usd(value: Decimal | None) -> str | None:
    return None if value is None else format(value, "f")


def hop_public(h: Hop) -> dict[str, Any]:
    return {
        "from": h.source_id,
        "to": h.target_id,
        "via": h.via_id,
        "kind": h.kind,
        "liquidity_on": h.liquidity_on.isoformat(),
        "on": h.hop_on.isoformat(),
        "amount_usd": _usd(h.amount_usd),
        "fund": h.fund_id,
        "listed": h.listed,
    }


def _names(session: Session, ids: set[str]) -> dict[str, str]:
    if not ids:
        return {}
    return dict(session.execute(sa.select(Actor.id, Actor.name).where(col(Actor.id).in_(sorted(ids)))).all())


def chain(
    session: Session,
    *,
    firm_id: str,
    direction: traverse.Direction = "downstream",
    max_depth: int | None = None,
    window_years: int = 10,
    region: str | None = None,
) -> dict[str, Any]:
    actors_service.get_or_raise(session, actor_id=firm_id)
    patterns = None if region is None else regions_service.get_or_raise(session, slug=region).members
    found = traverse.search(session, root=firm_id, direction=direction, max_depth=max_depth, window_years=window_years, region=patterns)
    # The multipliers count every depth; reuse the search above when it already did.
    everywhere = found
    if max_depth is not None or patterns is not None:
        everywhere = traverse.search(session, root=firm_id, direction=direction, window_years=window_years)
    local = None
    if patterns is not None:
        local_found = found
        if max_depth is not None:
            local_found = traverse.search(session, root=firm_id, direction=direction, window_years=window_years, region=patterns)
        local = len(local_found.generations)
    names = _names(session, set(found.generations) | {firm_id})
    return {
        "root": {"id": firm_id, "name": names.get(firm_id)},
        "direction": direction,
        "window_years": window_years,
        "max_depth": max_depth,
        "region": region,
        "firms": [
            {"id": f, "name": names.get(f), "generation": g}
            for f, g in sorted(found.generations.items(), key=lambda item: (item[1], item[0]))
        ],
        "hops": [hop_public(h) for h in found.hops],
        "multiplier": len(everywhere.generations),
        "local_multiplier": local,
        **freshness(session),
    }


def recycling(session: Session, *, actor_id: str, window_years: int = 10) -> dict[str, Any]:
    """X's liquidity events, its reinvestments within the window, and the downstream of each target."""
    actor = actors_service.get_or_raise(session, actor_id=actor_id)
    liquidity = list(
        session.scalars(sa.select(LiquidityEvent).where(LiquidityEvent.actor_id == actor_id).order_by(LiquidityEvent.liquidity_on))
    )
    hops = list(
        session.scalars(
            sa.select(Hop)
            .where(Hop.via_id == actor_id, Hop.min_window_years <= window_years)
            .order_by(Hop.hop_on, Hop.source_id, Hop.target_id)
        )
    )
    targets = sorted({h.target_id for h in hops})
    downstream = {}
    for target in targets:
        found = traverse.search(session, root=target, window_years=window_years)
        downstream[target] = [{"id": f, "generation": g} for f, g in sorted(found.generations.items(), key=lambda i: (i[1], i[0]))]
    return {
        "actor": {"id": actor.id, "name": actor.name, "type": actor.type, "kind": actor.kind},
        "window_years": window_years,
        "liquidity_events": [{"firm": q.firm_id, "on": q.liquidity_on.isoformat(), "exit_seq": q.exit_seq} for q in liquidity],
        "reinvestments": [hop_public(h) for h in hops],
        "recycled": any(not h.listed for h in hops),
        "downstream": downstream,
        **freshness(session),
    }


def lineage(session: Session, *, org_id: str, max_depth: int | None = None) -> dict[str, Any]:
    """Alumni-founded firms of an organization, then of those firms, with fewest-step generation."""
    actors_service.get_or_raise(session, actor_id=org_id)
    founded_on: dict[str, Any] = dict(session.execute(sa.select(m.FirmFounding.firm_id, m.FirmFounding.founded_on)).all())
    founders: dict[str, set[str]] = defaultdict(set)
    for firm, person in session.execute(sa.select(m.Founder.firm_id, m.Founder.person_id)):
        founders[firm].add(person)
    # org -> firms whose origins name it
    by_origin: dict[str, set[str]] = defaultdict(set)
    for firm, org in session.execute(sa.select(m.FirmOrigin.firm_id, m.FirmOrigin.org_id)):
        by_origin[org].add(firm)
    # person -> [(org, role start)]
    roles: dict[str, list[tuple[str, Any]]] = defaultdict(list)
    for person, org, started in session.execute(sa.select(m.Affiliation.person_id, m.Affiliation.org_id, m.Affiliation.started_on)):
        roles[person].append((org, started))
    alumni_of: dict[str, set[str]] = defaultdict(set)
    for firm, people in founders.items():
        if firm not in founded_on:
            continue
        for person in people:
            for org, started in roles.get(person, ()):
                if started < founded_on[firm]:
                    alumni_of[org].add(firm)

    generation: dict[str, int] = {}
    frontier = {org_id}
    depth = 0
    while frontier and (max_depth is None or depth < max_depth):
        depth += 1
        nxt: set[str] = set()
        for org in frontier:
            for firm in (by_origin.get(org, set()) | alumni_of.get(org, set())) & set(founded_on):
                if firm != org_id and firm not in generation:
                    generation[firm] = depth
                    nxt.add(firm)
        frontier = nxt
    names = _names(session, set(generation) | {org_id})
    return {
        "root": {"id": org_id, "name": names.get(org_id)},
        "firms": [
            {"id": f, "name": names.get(f), "generation": g, "founders": sorted(founders.get(f, ()))}
            for f, g in sorted(generation.items(), key=lambda i: (i[1], i[0]))
        ],
        "alumni_founded": sum(1 for g in generation.values() if g == 1),
    }
