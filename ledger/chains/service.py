"""Queries analysts ask of recycling besides chain pages (ledger/chains/pages.py): an actor's
recycling and talent lineage.

Every answer is computed when asked from the projections, the liquidity table and the columnar
core, in the caller's session (one snapshot: the `seq` it reports is the one that snapshot saw).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

import numpy as np
import sqlalchemy as sa
from more_itertools import chunked
from sqlalchemy.orm import Session
from sqlmodel import col

from ledger.actors import service as actors_service
from ledger.chains import cores, cursors, frontier
from ledger.chains.activity import Activity, Hop, hops_from
from ledger.dates import add_years
from ledger.events.service import head_seq
from ledger.projections import models as m

DEFAULT_HOPS_PAGE = 500
DOWNSTREAM_SHOWN = 200
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


def reached(session: Session, roots: Sequence[str], *, window_years: int, shown: int | None = None) -> tuple[dict[str, int], int]:
    """The firms downstream of any of `roots` with their fewest hops from any of them, ordered
    by (generation, id), the first `shown` of them (all when None), and how many there are."""
    core = cores.core(session, window_years=window_years)
    codes = [c for c in (core.vocabulary.code(r) for r in roots) if c is not None]
    if not codes:
        return {}, 0
    found = frontier.search(core, np.array(codes, dtype=np.int64))
    members = np.flatnonzero(found.generation > 0)
    generation = found.generation[members]
    order = np.lexsort((core.vocabulary.rank[members], generation))[: len(members) if shown is None else shown]
    ids = core.vocabulary.ids
    return {ids[members[i]]: int(generation[i]) for i in order.tolist()}, len(members)


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
    downstream, downstream_total = reached(session, targets, window_years=window_years, shown=DOWNSTREAM_SHOWN)
    shown, next_cursor = page(hops, limit=limit, cursor=cursor)
    names = actors_service.names(session, downstream)
    return {
        "actor": {"id": actor.id, "name": actor.name, "type": actor.type, "kind": actor.kind},
        "window_years": window_years,
        "liquidity_events": [{"firm": q.firm_id, "on": q.on.isoformat(), "listed": q.listed} for q in liquidity],
        "reinvestments": [hop_public(h) for h in shown],
        "reinvestments_total": len(hops),
        "next_cursor": next_cursor,
        "recycled": any(not h.listed for h in hops),
        "downstream": [{"id": f, "name": names.get(f), "generation": g} for f, g in downstream.items()],
        "downstream_total": downstream_total,
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
