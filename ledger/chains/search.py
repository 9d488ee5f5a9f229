"""Time-respecting chain search over liquidity events and engagements (spec: Chains).

Hops are the join of a firm's liquidity events with its liquidity actors' engagements, made one
level at a time for the firms the search has reached. A firm may be reached first with many
hops and an early date and later with fewer hops and a late date; both matter, so this is an
earliest-arrival search (downstream; latest-departure upstream): a firm is expanded again
whenever a level improves its date, and its generation is the first level that reached it.
Dates strictly improve, so it ends even where firm-to-firm edges form cycles.

One traversal answers everything: the firms and the hops of the question (within `max_depth`,
local to `region` when given) and the multipliers (every depth; any region, and local).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from ledger.chains.activity import Activity, Hop, Liquidity, hops_from
from ledger.chains.dates import add_years, window_opens
from ledger.chains.places import Places

Direction = Literal["downstream", "upstream"]


@dataclass
class _Search:
    """One labelling of the graph: generations and best dates of the firms it reached."""

    local: bool
    generation: dict[str, int] = field(default_factory=dict)
    best: dict[str, dt.date] = field(default_factory=dict)
    frontier: dict[str, dt.date | None] = field(default_factory=dict)


@dataclass(frozen=True)
class ChainFound:
    roots: tuple[str, ...]
    generations: dict[str, int]  # of the question: within max_depth, local when a region is given
    hops: list[Hop]  # the hops the question's search used, in date order
    multiplier: int  # firms downstream (upstream) at any depth, any region
    local_multiplier: int | None  # the same over local hops, when a region is given


def search(
    activity: Activity,
    places: Places,
    *,
    roots: Sequence[str],
    direction: Direction = "downstream",
    max_depth: int | None = None,
    region: Sequence[dict[str, Any]] | None = None,
) -> ChainFound:
    """From one root, or from several at once (the union of their chains, each firm with its
    fewest hops from any root; a root reached from another root is part of the answer)."""
    downstream = direction == "downstream"
    # A single root is not part of its own chain, even through a cycle.
    excluded = set(roots) if len(roots) == 1 else set()
    searches = [_Search(local=False, frontier=dict.fromkeys(roots))]
    if region is not None:
        searches.append(_Search(local=True, frontier=dict.fromkeys(roots)))
    answer = searches[-1]
    used: dict[tuple[Any, ...], Hop] = {}
    depth = 0
    while any(s.frontier for s in searches):
        depth += 1
        bounds: dict[str, list[dt.date | None]] = defaultdict(list)
        for s in searches:
            for firm, bound in s.frontier.items():
                bounds[firm].append(bound)
        hops = _level(activity, bounds, downstream)
        if region is not None:
            places.load({h.source_id for h in hops} | {h.target_id for h in hops})
        for s in searches:
            improved: dict[str, dt.date] = {}
            for h in hops:
                here, there = (h.source_id, h.target_id) if downstream else (h.target_id, h.source_id)
                if here not in s.frontier or there in excluded:
                    continue
                bound = s.frontier[here]
                if bound is not None and (h.liquidity_on < bound if downstream else h.on > bound):
                    continue
                if s.local and not (
                    places.in_region(h.source_id, h.liquidity_on, region or ()) and places.in_region(h.target_id, h.on, region or ())
                ):
                    continue
                if s is answer and (max_depth is None or depth <= max_depth):
                    used[h.key()] = h
                reach = h.on if downstream else h.liquidity_on
                s.generation.setdefault(there, depth)
                if there in roots:
                    continue  # a root is reached without bound: nothing can improve on that
                previous = improved.get(there, s.best.get(there))
                if previous is None or (reach < previous if downstream else reach > previous):
                    improved[there] = reach
            s.best.update(improved)
            s.frontier = dict(improved)
    generations = {f: g for f, g in answer.generation.items() if max_depth is None or g <= max_depth}
    return ChainFound(
        roots=tuple(roots),
        generations=generations,
        hops=sorted(used.values(), key=Hop.key),
        multiplier=len(searches[0].generation),
        local_multiplier=len(searches[1].generation) if region is not None else None,
    )


def _level(activity: Activity, bounds: dict[str, list[dt.date | None]], downstream: bool) -> list[Hop]:
    """Every hop out of (downstream) or into (upstream) these firms that some search may use."""
    if downstream:
        return _out_of(activity, bounds)
    return _into(activity, bounds)


def _out_of(activity: Activity, bounds: dict[str, list[dt.date | None]]) -> list[Hop]:
    # A liquidity event is usable when it is no earlier than the firm's earliest arrival.
    earliest = {firm: min((b for b in bs if b is not None), default=None) if None not in bs else None for firm, bs in bounds.items()}
    liquidity = [
        q
        for events in activity.liquidity_of_firms(bounds).values()
        for q in events
        if earliest[q.firm_id] is None or q.on >= earliest[q.firm_id]  # type: ignore[operator]
    ]
    if not liquidity:
        return []
    by_actor: dict[str, list[Liquidity]] = defaultdict(list)
    for q in liquidity:
        by_actor[q.actor_id].append(q)
    first = min(q.on for q in liquidity)
    last = max(add_years(q.on, activity.window) for q in liquidity)
    engagements = activity.engagements_of(by_actor, after=first, until=last)
    return [
        Hop(q.firm_id, q.on, q.listed, e)
        for actor, events in by_actor.items()
        for q in events
        for e in hops_from(q, engagements.get(actor, ()), activity.window)
    ]


def _into(activity: Activity, bounds: dict[str, list[dt.date | None]]) -> list[Hop]:
    # An engagement is usable when it is no later than the firm's latest allowed date.
    latest = {firm: max((b for b in bs if b is not None), default=None) if None not in bs else None for firm, bs in bounds.items()}
    ceiling = None if any(b is None for b in latest.values()) else max(b for b in latest.values() if b is not None)
    into = activity.engagements_into(bounds, until=ceiling)
    engagements = [e for firm, events in into.items() for e in events if latest[firm] is None or e.on <= latest[firm]]  # type: ignore[operator]
    if not engagements:
        return []
    liquidity = activity.liquidity_of_actors({e.actor_id for e in engagements})
    out = []
    for e in engagements:
        opens = window_opens(e.opens, activity.window)
        for q in liquidity.get(e.actor_id, ()):
            if opens <= q.on < e.opens and q.firm_id != e.target_id and (not q.listed or e.kind in ("capital", "fund")):
                out.append(Hop(q.firm_id, q.on, q.listed, e))
    return out
