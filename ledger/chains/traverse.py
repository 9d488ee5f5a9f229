"""Time-respecting chain search over the hop table (spec: Chains).

A firm may first be reached by many hops at an early date and later by fewer hops at a late
date; both matter, so the search keeps, per firm, the best date seen at each depth and expands
a firm again whenever a later level improves that date. Dates strictly improve, so it ends even
where firm-to-firm edges form cycles.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlmodel import col

from ledger.chains.facts import _chunks
from ledger.chains.models import Hop
from ledger.regions.patterns import sql_match

Direction = Literal["downstream", "upstream"]


@dataclass(frozen=True)
class ChainResult:
    root: str
    generations: dict[str, int]
    hops: list[Hop]


def _hops_from(
    session: Session, firms: Sequence[str], direction: Direction, window_years: int, region: Sequence[dict[str, Any]] | None
) -> list[Hop]:
    column = Hop.source_id if direction == "downstream" else Hop.target_id
    out: list[Hop] = []
    for chunk in _chunks(firms):
        query = sa.select(Hop).where(col(column).in_(chunk), Hop.min_window_years <= window_years)
        if region is not None:
            query = query.where(
                sql_match(Hop.source_country, Hop.source_subdivision, Hop.source_city, region),
                sql_match(Hop.target_country, Hop.target_subdivision, Hop.target_city, region),
            )
        out.extend(session.scalars(query))
    return out


def search(
    session: Session,
    *,
    root: str,
    direction: Direction = "downstream",
    max_depth: int | None = None,
    window_years: int = 10,
    region: Sequence[dict[str, Any]] | None = None,
) -> ChainResult:
    """Firms reachable from `root` (downstream) or reaching it (upstream), with fewest-hop generation.

    Downstream: a hop h out of firm F is usable when F is the root or F was reached by a hop
    dated <= h's liquidity date. Upstream mirrors it: a hop into F is usable when F is the root
    or its date is <= the liquidity date of the hop by which F was reached.
    """
    downstream = direction == "downstream"
    generation: dict[str, int] = {}
    # Best bound per firm: earliest arrival (downstream) or latest allowed date (upstream).
    best: dict[str, dt.date] = {}
    used: dict[tuple[str, str, str, int, int], Hop] = {}
    frontier: dict[str, dt.date | None] = {root: None}
    depth = 0
    while frontier and (max_depth is None or depth < max_depth):
        depth += 1
        candidates = _hops_from(session, list(frontier), direction, window_years, region)
        improved: dict[str, dt.date] = {}
        for h in candidates:
            here = h.source_id if downstream else h.target_id
            there = h.target_id if downstream else h.source_id
            bound = frontier.get(here)
            if bound is not None and (h.liquidity_on < bound if downstream else h.hop_on > bound):
                continue
            if there == root:
                continue
            used[(h.source_id, h.via_id, h.kind, h.cause_seq, h.fund_seq)] = h
            reach = h.hop_on if downstream else h.liquidity_on
            generation.setdefault(there, depth)
            previous = improved.get(there, best.get(there))
            if previous is None or (reach < previous if downstream else reach > previous):
                improved[there] = reach
        for firm, reach in improved.items():
            best[firm] = reach
        frontier = dict(improved)
    hops = sorted(used.values(), key=lambda h: (h.hop_on, h.source_id, h.target_id, h.via_id, h.kind))
    return ChainResult(root=root, generations=generation, hops=hops)
