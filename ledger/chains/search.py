"""Time-respecting chain search over liquidity events and engagements (spec: Chains).

A hop is a liquidity event (X, F, t) and an engagement of X with G whose date falls within W
after t, G != F. The search never lists hops to move on: per level, each actor's engagements
are sorted by date and each one is checked against the actor's usable liquidity events by
binary search (downstream), or each liquidity event against the usable engagements (upstream).
It is an earliest-arrival search (downstream; latest-departure upstream): a firm may be reached
first with many hops and an early date and later with fewer hops and a late date; both matter,
so a firm is expanded again whenever a level improves its date, and its generation is the first
level that reached it. Dates strictly improve, so it ends even where edges form cycles.

One traversal answers everything: the firms of the question (within `max_depth`, local to
`region` when given), the hops it used (kept as ranges of each actor's sorted engagements, so
they can be counted, aggregated per firm pair and paged without being listed), and the
multipliers (every depth; any region, and local).
"""

from __future__ import annotations

import bisect
import datetime as dt
import heapq
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from ledger.chains.activity import Activity, Engagement, Hop, Liquidity
from ledger.chains.dates import add_years, window_opens
from ledger.chains.places import Places

Direction = Literal["downstream", "upstream"]
_CAPITAL = ("capital", "fund")


def _fits(q: Liquidity, e: Engagement) -> bool:
    """Hop rules besides the window: into another firm; a listed firm's own IPO funds only."""
    return e.target_id != q.firm_id and (not q.listed or e.kind in _CAPITAL)


@dataclass
class _Search:
    """One labelling of the graph: generations and best dates of the firms it reached."""

    local: bool
    generation: dict[str, int] = field(default_factory=dict)
    best: dict[str, dt.date] = field(default_factory=dict)
    frontier: dict[str, dt.date | None] = field(default_factory=dict)


@dataclass(frozen=True)
class _Used:
    """Hops the question used: liquidity event q with the engagements es[lo:hi] (sorted by date)."""

    q: Liquidity
    es: Sequence[Engagement]
    lo: int
    hi: int

    def pairs(self) -> Iterator[tuple[Liquidity, Engagement]]:
        q = self.q
        for i in range(self.lo, self.hi):
            e = self.es[i]
            if _fits(q, e):
                yield q, e

    def hops(self) -> Iterator[Hop]:
        for q, e in self.pairs():
            yield Hop(q.firm_id, q.on, q.listed, e)


@dataclass(frozen=True)
class ChainFound:
    roots: tuple[str, ...]
    generations: dict[str, int]  # of the question: within max_depth, local when a region is given
    used: list[_Used]  # the hops the question's search used
    upstream: bool
    multiplier: int  # firms downstream (upstream) at any depth, any region
    local_multiplier: int | None  # the same over local hops, when a region is given

    def pairs(self) -> Iterator[tuple[Liquidity, Engagement]]:
        """Every used hop once, as (liquidity event, engagement), in no particular order. An
        upstream search may meet a hop at two levels; those repeats are dropped here."""
        if not self.upstream:
            for u in self.used:
                yield from u.pairs()
            return
        seen: set[tuple[Any, ...]] = set()
        for u in self.used:
            for q, e in u.pairs():
                key = (q.actor_id, q.firm_id, e.kind, e.target_id, e.cause_seq, e.fund_seq)
                if key not in seen:
                    seen.add(key)
                    yield q, e

    def hops_in_order(self) -> Iterator[Hop]:
        """Every used hop once, in date order (Hop.key), merged lazily from the sorted ranges."""
        last = None
        for h in heapq.merge(*(u.hops() for u in self.used), key=Hop.key):
            key = h.key()
            if key != last:
                yield h
            last = key


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
    excluded = set(roots) if len(roots) == 1 else set()  # a single root is not in its own chain
    searches = [_Search(local=False, frontier=dict.fromkeys(roots))]
    if region is not None:
        searches.append(_Search(local=True, frontier=dict.fromkeys(roots)))
    answer = searches[-1]
    used: dict[tuple[Any, ...], _Used] = {}
    depth = 0

    def local(firm: str, day: dt.date) -> bool:
        return places.in_region(firm, day, region or ())

    while any(s.frontier for s in searches):
        depth += 1
        level = (_Downstream if downstream else _Upstream)(activity, searches, local if region is not None else None)
        for s in searches:
            record = used if s is answer and (max_depth is None or depth <= max_depth) else None
            frontier: dict[str, dt.date | None] = {}
            for there, reach in level.expand(s, record, depth).items():
                if there in excluded:
                    continue
                s.generation.setdefault(there, depth)
                if there in roots:
                    continue  # a root is reached without bound: nothing can improve on that
                previous = s.best.get(there)
                if previous is None or (reach < previous if downstream else reach > previous):
                    s.best[there] = reach
                    frontier[there] = reach
            s.frontier = frontier
    generations = {f: g for f, g in answer.generation.items() if max_depth is None or g <= max_depth}
    return ChainFound(
        roots=tuple(roots),
        generations=generations,
        used=list(used.values()),
        upstream=not downstream,
        multiplier=len(searches[0].generation),
        local_multiplier=len(searches[1].generation) if region is not None else None,
    )


class _Downstream:
    """One level downstream: the liquidity events of the frontier firms and their actors'
    engagements, each actor's sorted by date."""

    def __init__(self, activity: Activity, searches: Sequence[_Search], local: Any) -> None:
        self.window, self.local = activity.window, local
        firms = {f for s in searches for f in s.frontier}
        # Usable by some search: no earlier than the firm's earliest arrival in any search.
        bound: dict[str, dt.date | None] = {}
        for s in searches:
            for firm, b in s.frontier.items():
                bound[firm] = None if b is None or (firm in bound and bound[firm] is None) else min(b, bound.get(firm) or b)
        self.liquidity: dict[str, list[Liquidity]] = defaultdict(list)
        for events in activity.liquidity_of_firms(firms).values():
            for q in events:
                b = bound[q.firm_id]
                if b is None or q.on >= b:
                    self.liquidity[q.actor_id].append(q)
        self.engagements: dict[str, list[Engagement]] = {}
        if self.liquidity:
            every = [q for qs in self.liquidity.values() for q in qs]
            found = activity.engagements_of(
                self.liquidity, after=min(q.on for q in every), until=max(add_years(q.on, self.window) for q in every)
            )
            for actor, es in found.items():
                self.engagements[actor] = sorted(es, key=lambda e: (e.opens, e.on, e.target_id, e.kind, e.cause_seq, e.fund_seq))

    def expand(self, s: _Search, used: dict[tuple[Any, ...], _Used] | None, depth: int) -> dict[str, dt.date]:
        improved: dict[str, dt.date] = {}
        for actor, events in self.liquidity.items():
            es = self.engagements.get(actor)
            if not es:
                continue
            qs = sorted(
                (
                    q
                    for q in events
                    if q.firm_id in s.frontier
                    and (s.frontier[q.firm_id] is None or q.on >= s.frontier[q.firm_id])  # type: ignore[operator]
                    and (not s.local or self.local(q.firm_id, q.on))
                ),
                key=lambda q: q.on,
            )
            if not qs:
                continue
            dates = [q.on for q in qs]
            for e in es:
                if s.local and not self.local(e.target_id, e.on):
                    continue
                lo, hi = bisect.bisect_left(dates, window_opens(e.opens, self.window)), bisect.bisect_left(dates, e.opens)
                if any(_fits(qs[i], e) for i in range(lo, hi)):
                    previous = improved.get(e.target_id)
                    improved[e.target_id] = e.on if previous is None else min(previous, e.on)
            if used is not None:
                opens = [e.opens for e in es]
                for q in qs:
                    lo, hi = bisect.bisect_right(opens, q.on), bisect.bisect_right(opens, add_years(q.on, self.window))
                    if s.local:
                        kept = [e for e in es[lo:hi] if self.local(e.target_id, e.on)]
                        used[(q.actor_id, q.firm_id)] = _Used(q, kept, 0, len(kept))
                    elif hi > lo:
                        used[(q.actor_id, q.firm_id)] = _Used(q, es, lo, hi)
        return improved


class _Upstream:
    """One level upstream: the engagements into the frontier firms and their actors' liquidity."""

    def __init__(self, activity: Activity, searches: Sequence[_Search], local: Any) -> None:
        self.window, self.local = activity.window, local
        firms = {f for s in searches for f in s.frontier}
        latest: dict[str, dt.date | None] = {}
        for s in searches:
            for firm, b in s.frontier.items():
                latest[firm] = None if b is None or (firm in latest and latest[firm] is None) else max(b, latest.get(firm) or b)
        ceiling = None if any(b is None for b in latest.values()) else max((b for b in latest.values() if b is not None), default=None)
        self.engagements: dict[str, list[Engagement]] = defaultdict(list)
        for firm, es in activity.engagements_into(firms, until=ceiling).items():
            for e in es:
                b = latest[firm]
                if b is None or e.on <= b:
                    self.engagements[e.actor_id].append(e)
        self.liquidity = activity.liquidity_of_actors(self.engagements) if self.engagements else {}

    def expand(self, s: _Search, used: dict[tuple[Any, ...], _Used] | None, depth: int) -> dict[str, dt.date]:
        improved: dict[str, dt.date] = {}
        for actor, events in self.engagements.items():
            es = sorted(
                (
                    e
                    for e in events
                    if e.target_id in s.frontier
                    and (s.frontier[e.target_id] is None or e.on <= s.frontier[e.target_id])  # type: ignore[operator]
                    and (not s.local or self.local(e.target_id, e.on))
                ),
                key=lambda e: (e.opens, e.on, e.target_id, e.kind, e.cause_seq, e.fund_seq),
            )
            if not es:
                continue
            opens = [e.opens for e in es]
            for q in self.liquidity.get(actor, ()):
                if s.local and not self.local(q.firm_id, q.on):
                    continue
                lo, hi = bisect.bisect_right(opens, q.on), bisect.bisect_right(opens, add_years(q.on, self.window))
                if any(_fits(q, es[i]) for i in range(lo, hi)):
                    previous = improved.get(q.firm_id)
                    improved[q.firm_id] = q.on if previous is None else max(previous, q.on)
                    if used is not None:
                        used[(q.actor_id, q.firm_id, depth)] = _Used(q, es, lo, hi)
        return improved
