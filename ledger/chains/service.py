"""Queries analysts ask of recycling: chains, an actor's recycling, talent lineage.

Every answer is computed when asked from the projections and the liquidity table, in the
caller's session (one snapshot: the `seq` it reports is the watermark that snapshot saw).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from more_itertools import chunked
from sqlalchemy.orm import Session
from sqlmodel import col

from ledger.actors import service as actors_service
from ledger.chains import cursors, search
from ledger.chains.activity import Activity, Engagement, Hop, Liquidity, hops_from
from ledger.chains.dates import add_years
from ledger.chains.places import Places
from ledger.events.service import head_seq
from ledger.projections import models as m
from ledger.regions import service as regions_service

DEFAULT_HOPS_PAGE = 500
# Hop.key: (on, source, target, via, kind, cause_seq, fund_seq)
HOP_KEY: tuple[type, ...] = (dt.date, str, str, str, str, int, int)


def freshness(activity: Activity) -> dict[str, Any]:
    """The log seq an answer reflects: the head its snapshot saw (Activity reads the liquidity
    table only when the workers have brought it there), so never stale."""
    return {"seq": activity.seq, "stale": False}


def _usd(value: Decimal | None) -> str | None:
    return None if value is None else format(value, "f")


def hop_public(h: Hop) -> dict[str, Any]:
    e = h.engagement
    return {
        "from": h.source_id,
        "to": e.target_id,
        "via": e.actor_id,
        "kind": e.kind,
        "liquidity_on": h.liquidity_on.isoformat(),
        "on": e.on.isoformat(),
        "amount_usd": _usd(e.amount_usd),
        "fund": e.fund_id,
        "listed": h.listed,
    }


def edges(pairs: Iterable[tuple[Liquidity, Engagement]]) -> tuple[list[dict[str, Any]], int]:
    """The hops aggregated per firm pair (how many actors carried them, of which kinds, from
    when, and how much money: the sum of the known amounts, null when none is known), and how
    many hops there are. One pass over the pairs, no hop objects."""
    pairs_by: dict[tuple[str, str], list[Any]] = {}
    total = 0
    for q, e in pairs:
        total += 1
        key = (q.firm_id, e.target_id)
        agg = pairs_by.get(key)
        if agg is None:
            agg = pairs_by[key] = [set(), 0, set(), e.on, None]
        agg[0].add(e.actor_id)
        agg[1] += 1
        agg[2].add(e.kind)
        if e.on < agg[3]:
            agg[3] = e.on
        if e.amount_usd is not None:
            agg[4] = e.amount_usd if agg[4] is None else agg[4] + e.amount_usd
    out = [
        {
            "from": source,
            "to": target,
            "vias": len(vias),
            "hops": count,
            "kinds": sorted(kinds) if len(kinds) > 1 else list(kinds),
            "first_on": first.isoformat(),
            "amount_usd": None if amount is None else format(amount, "f"),
        }
        for (source, target), (vias, count, kinds, first, amount) in sorted(pairs_by.items())
    ]
    return out, total


def page(hops: Iterable[Hop], *, limit: int, cursor: str | None) -> tuple[list[Hop], str | None]:
    """A page of hops (given in date order) after `cursor`, and the cursor of the next page (None at the end)."""
    after = None if cursor is None else cursors.decode(cursor, HOP_KEY)
    chunk: list[Hop] = []
    for h in hops:
        if after is not None and h.key() <= after:
            continue
        if len(chunk) == limit:
            return chunk, cursors.encode(chunk[-1].key())
        chunk.append(h)
    return chunk, None


def chain(
    session: Session,
    *,
    firm_id: str,
    direction: search.Direction = "downstream",
    max_depth: int | None = None,
    window_years: int = 10,
    region: str | None = None,
    limit: int = DEFAULT_HOPS_PAGE,
    cursor: str | None = None,
) -> dict[str, Any]:
    """Firms downstream (upstream) of a firm by generation, the hops between them aggregated per
    firm pair, a page of the individual hops, and the multipliers."""
    actors_service.get_or_raise(session, actor_id=firm_id)
    patterns = None if region is None else regions_service.get_or_raise(session, slug=region).members
    activity = Activity(session, window_years=window_years)
    found = search.search(
        activity,
        Places(session),
        roots=[firm_id],
        direction=direction,
        max_depth=max_depth,
        region=patterns,
    )
    hops, next_cursor = page(found.hops_in_order(), limit=limit, cursor=cursor)
    aggregated, total = edges(found.pairs())
    names = actors_service.names(session, [*found.generations, firm_id])
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
        "edges": aggregated,
        "hops": [hop_public(h) for h in hops],
        "hops_total": total,
        "next_cursor": next_cursor,
        "multiplier": found.multiplier,
        "local_multiplier": found.local_multiplier,
        **freshness(activity),
    }


def recycling(
    session: Session, *, actor_id: str, window_years: int = 10, limit: int = DEFAULT_HOPS_PAGE, cursor: str | None = None
) -> dict[str, Any]:
    """X's liquidity events, its reinvestments within the window (hops via X, paged), and the
    downstream of the firms it reinvested in (one search from all of them)."""
    actor = actors_service.get_or_raise(session, actor_id=actor_id)
    activity = Activity(session, window_years=window_years)
    liquidity = sorted(activity.liquidity_of_actors([actor_id]).get(actor_id, []), key=lambda q: (q.on, q.firm_id))
    hops: list[Hop] = []
    if liquidity:
        first, last = min(q.on for q in liquidity), max(q.on for q in liquidity)
        engagements = activity.engagements_of([actor_id], after=first, until=add_years(last, window_years)).get(actor_id, [])
        hops = sorted(
            (Hop(q.firm_id, q.on, q.listed, e) for q in liquidity for e in hops_from(q, engagements, window_years)),
            key=Hop.key,
        )
    targets = sorted({h.target_id for h in hops})
    downstream = search.search(activity, Places(session), roots=targets) if targets else None
    shown, next_cursor = page(hops, limit=limit, cursor=cursor)
    generations = {} if downstream is None else downstream.generations
    names = actors_service.names(session, generations)
    return {
        "actor": {"id": actor.id, "name": actor.name, "type": actor.type, "kind": actor.kind},
        "window_years": window_years,
        "liquidity_events": [{"firm": q.firm_id, "on": q.on.isoformat(), "listed": q.listed} for q in liquidity],
        "reinvestments": [hop_public(h) for h in shown],
        "reinvestments_total": len(hops),
        "next_cursor": next_cursor,
        "recycled": any(not h.listed for h in hops),
        "downstream": [
            {"id": f, "name": names.get(f), "generation": g} for f, g in sorted(generations.items(), key=lambda item: (item[1], item[0]))
        ],
        **freshness(activity),
    }


def lineage(session: Session, *, org_id: str, max_depth: int | None = None) -> dict[str, Any]:
    """Alumni-founded firms of an organization (spec: origins naming it, or a founder who held a
    role there before the founding), then of those firms, with fewest-step generation and the
    firms (or the root) of the generation before that it descends from. Read a generation at a
    time through the org and person indexes."""
    actors_service.get_or_raise(session, actor_id=org_id)
    generation: dict[str, int] = {}
    founders: dict[str, set[str]] = {}
    parents: dict[str, set[str]] = {}
    frontier = {org_id}
    depth = 0
    while frontier and (max_depth is None or depth < max_depth):
        depth += 1
        found = _alumni_founded(session, sorted(frontier))
        nxt = set()
        for firm, (people, sources) in found.items():
            founders[firm] = people
            if firm != org_id and firm not in generation:
                generation[firm] = depth
                parents[firm] = sources
                nxt.add(firm)
        frontier = nxt
    names = actors_service.names(session, [*generation, org_id])
    return {
        "root": {"id": org_id, "name": names.get(org_id)},
        "firms": [
            {"id": f, "name": names.get(f), "generation": g, "founders": sorted(founders.get(f, ())), "parents": sorted(parents[f])}
            for f, g in sorted(generation.items(), key=lambda i: (i[1], i[0]))
        ],
        "alumni_founded": sum(1 for g in generation.values() if g == 1),
        "seq": head_seq(session),
    }


def _alumni_founded(session: Session, orgs: Sequence[str]) -> dict[str, tuple[set[str], set[str]]]:
    """Founded firms whose origins name one of `orgs`, or one of whose founders held a role at
    one of them that started before the firm's founding; with each firm's founders and the
    orgs among `orgs` it was founded out of."""
    sources: dict[str, set[str]] = defaultdict(set)
    for chunk in chunked(orgs, 900):
        for firm, org in session.execute(sa.select(m.FirmOrigin.firm_id, m.FirmOrigin.org_id).where(col(m.FirmOrigin.org_id).in_(chunk))):
            sources[firm].add(org)
        roles = session.execute(
            sa.select(m.Affiliation.person_id, m.Affiliation.org_id, m.Affiliation.started_on).where(col(m.Affiliation.org_id).in_(chunk))
        ).all()
        first_role: dict[str, dict[str, dt.date]] = defaultdict(dict)
        for person, org, started in roles:
            first_role[person][org] = min(started, first_role[person].get(org, started))
        for people in chunked(sorted(first_role), 900):
            for firm, person, founded_on in session.execute(
                sa.select(m.Founder.firm_id, m.Founder.person_id, m.FirmFounding.founded_on)
                .join(m.FirmFounding, m.FirmFounding.firm_id == m.Founder.firm_id)
                .where(col(m.Founder.person_id).in_(people))
            ):
                sources[firm].update(org for org, started in first_role[person].items() if started < founded_on)
    founded = set()
    people_of: dict[str, set[str]] = defaultdict(set)
    for chunk in chunked(sorted(f for f, s in sources.items() if s), 900):
        founded |= set(session.scalars(sa.select(m.FirmFounding.firm_id).where(col(m.FirmFounding.firm_id).in_(chunk))))
        for firm, person in session.execute(sa.select(m.Founder.firm_id, m.Founder.person_id).where(col(m.Founder.firm_id).in_(chunk))):
            people_of[firm].add(person)
    return {firm: (people_of[firm], sources[firm]) for firm in founded}
