"""Hops as pairs of rows of the core: a liquidity event and an engagement of its actor within
the window, by the hop rules. The row form keeps what a hop's detail needs (its round, its raise,
its via); chains search the lighter lists of hop_index.py."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ledger.chains.core import I64, Bools, Core, keys, ranges


@dataclass(frozen=True)
class Pairs:
    """Hops as row numbers: liquidity event q[i] with engagement e[i]."""

    q: I64
    e: I64


def step(core: Core, firms: I64, bounds: I64, *, downstream: bool, local: tuple[Bools, Bools] | None, before: I64 | None = None) -> Pairs:
    """Every hop out of (downstream) or into (upstream) these firms usable from these bounds,
    and not already usable from the bounds `before` (the ones the firms were expanded with)."""
    q, e = core.liquidity, core.engagements
    if downstream:
        rows, owner = q.by_firm.rows(firms)
        keep = q.on[rows] >= bounds[owner]
        if before is not None:
            keep &= q.on[rows] < before[owner]
        if local is not None:
            keep &= local[0][rows]
        rows = rows[keep]
        lo = np.searchsorted(e.key, q.key[rows], side="right")
        hi = np.searchsorted(e.key, keys(q.actor[rows], q.until[rows]), side="right")
        es, which = ranges(lo.astype(np.int64), hi.astype(np.int64))
        qs = rows[which]
    else:
        rows, owner = e.by_target.rows(firms)
        keep = e.on[rows] <= bounds[owner]
        if before is not None:
            keep &= e.on[rows] > before[owner]
        if local is not None:
            keep &= local[1][rows]
        rows = rows[keep]
        lo = np.searchsorted(q.key, keys(e.actor[rows], e.reached_from[rows]), side="left")
        hi = np.searchsorted(q.key, e.key[rows], side="left")
        qs, which = ranges(lo.astype(np.int64), hi.astype(np.int64))
        es = rows[which]
    fit = (e.target[es] != q.firm[qs]) & (~q.listed[qs] | e.capital_like[es])
    if local is not None:
        fit &= local[1][es] if downstream else local[0][qs]
    return Pairs(qs[fit], es[fit])


def every_hop(core: Core) -> Pairs:
    """Every hop of the ledger for the core's window, in runs of one liquidity row each."""
    firms = np.flatnonzero(np.diff(core.liquidity.by_firm.offsets) > 0).astype(np.int64)
    return step(core, firms, np.full(len(firms), np.iinfo(np.int64).min, np.int64), downstream=True, local=None)
