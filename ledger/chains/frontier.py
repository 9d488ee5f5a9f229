"""Time-respecting chain search as an array frontier over the columnar core (spec: Chains).

One level is one gather: the liquidity events of every frontier firm usable from its arrival
date, then each one's engagements within the window (two `searchsorted` calls over the
(actor, opens) key for all of them at once), filtered by the hop rules, reduced per target.
Downstream it is an earliest-arrival search, upstream a latest-departure one: a firm reached
again with a better date is expanded again (a plain BFS that marks a firm visited once is
wrong), and its generation is the first level that reached it. Dates strictly improve, so it
ends even where firm-to-firm edges form cycles.

One search answers the question (within `max_depth`, local to the region when one is given)
and the multipliers (any depth; any region and local) from the same levels.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from ledger.chains import hop_index
from ledger.chains.core import I32, I64, Bools, Core, clipped_keys, spans
from ledger.errors import Overloaded

Direction = Literal["downstream", "upstream"]

EARLIEST = np.iinfo(np.int64).min
LATEST = np.iinfo(np.int64).max


@dataclass(frozen=True)
class Reach:
    """What a search found, per actor code. `generation` is -1 for firms not in the answer."""

    roots: I64
    downstream: bool
    generation: I32  # within max_depth, local when a region is given
    first_on: I64  # the earliest date the firm is reached (downstream: hop date; upstream: its liquidity date)
    expanded: I64  # the bound each firm was expanded with, within max_depth (EARLIEST/LATEST: never)
    multiplier: int
    local_multiplier: int | None
    local: tuple[Bools, Bools] | None  # the region's row masks, when one is given

    def was_expanded(self) -> Bools:
        never: Bools = self.expanded == (LATEST if self.downstream else EARLIEST)
        return ~never


class _Reducer:
    """Per distinct code of a level's hops: the best date (the earliest downstream, the latest
    upstream) and the earliest, by scatter into day arrays the size of the vocabulary (reset
    after each level), not by sorting the hops."""

    _NONE_LOW = np.iinfo(np.int32).max
    _NONE_HIGH = np.iinfo(np.int32).min

    def __init__(self, size: int, *, earliest: bool) -> None:
        self.earliest = earliest
        self.low = np.full(size, self._NONE_LOW, np.int32)
        self.high = np.full(size, self._NONE_HIGH, np.int32)

    def __call__(self, codes: I32, dates: I32) -> tuple[I64, I64, I64]:
        np.minimum.at(self.low, codes, dates)
        found = np.flatnonzero(self.low != self._NONE_LOW)
        low = self.low[found].astype(np.int64)
        self.low[found] = self._NONE_LOW
        if self.earliest:
            return found, low, low
        np.maximum.at(self.high, codes, dates)
        high = self.high[found].astype(np.int64)
        self.high[found] = self._NONE_HIGH
        return found, high, low


@dataclass
class _Labels:
    generation: I32
    best: I64
    first_on: I64
    expanded: I64


def _label(
    core: Core,
    roots: I64,
    *,
    downstream: bool,
    max_depth: int | None,
    region: Sequence[dict[str, Any]] | None,
    deadline: float | None,
) -> _Labels:
    n = core.size
    hops = hop_index.out(core) if downstream else hop_index.into(core)
    usable = None if region is None else hops.local(core, region)
    labels = _Labels(
        generation=np.full(n, -1, np.int32),
        best=np.full(n, LATEST if downstream else EARLIEST, np.int64),
        first_on=np.full(n, LATEST, np.int64),
        expanded=np.full(n, LATEST if downstream else EARLIEST, np.int64),
    )
    done = np.full(n, LATEST if downstream else EARLIEST, np.int64)  # the bound each firm was expanded with
    reduce = _Reducer(n, earliest=downstream)
    is_root = np.zeros(n, np.bool_)
    is_root[roots] = True
    single = len(roots) == 1
    frontier = roots
    bounds = np.full(len(roots), EARLIEST if downstream else LATEST, np.int64)
    depth = 0
    while len(frontier):
        if deadline is not None and time.monotonic() > deadline:
            raise Overloaded("the chain search ran past the request's deadline")
        depth += 1
        answering = max_depth is None or depth <= max_depth
        if answering:
            widen = np.minimum if downstream else np.maximum
            labels.expanded[frontier] = widen(labels.expanded[frontier], bounds)
        # Only the hops a better bound adds: those of the bound before were expanded already,
        # and give no earlier level nor another date now. Downstream a firm's hops with
        # liquidity dates in [bound, before); upstream its hops dated in (before, bound].
        side = "left" if downstream else "right"
        lo = np.searchsorted(hops.key, clipped_keys(frontier, bounds if downstream else done[frontier]), side=side)
        hi = np.searchsorted(hops.key, clipped_keys(frontier, done[frontier] if downstream else bounds), side=side)
        done[frontier] = bounds
        at = spans(lo.astype(np.int64), hi.astype(np.int64))
        if usable is not None:
            at = at[usable[at]]
        codes, best, low = reduce(hops.other[at], hops.date[at])
        if single:
            keep = ~is_root[codes]
            codes, best, low = codes[keep], best[keep], low[keep]
        fresh = labels.generation[codes] == -1
        labels.generation[codes[fresh]] = depth
        if answering:
            labels.first_on[codes] = np.minimum(labels.first_on[codes], low)
        better = ~is_root[codes] & ((best < labels.best[codes]) if downstream else (best > labels.best[codes]))
        frontier = codes[better].astype(np.int64)
        bounds = best[better]
        labels.best[frontier] = bounds
    return labels


def search(
    core: Core,
    roots: I64,
    *,
    direction: Direction = "downstream",
    max_depth: int | None = None,
    region: Sequence[dict[str, Any]] | None = None,
    deadline: float | None = None,
) -> Reach:
    """From one root, or from several at once (the union of their chains, each firm with its
    fewest hops from any root; a root reached from another root is part of the answer)."""
    downstream = direction == "downstream"
    # Levels go on past max_depth (the multipliers count every depth); only what a firm is
    # reached and expanded with is recorded within it.
    every = _label(core, roots, downstream=downstream, max_depth=max_depth, region=None, deadline=deadline)
    answer = every if region is None else _label(core, roots, downstream=downstream, max_depth=max_depth, region=region, deadline=deadline)
    limit = max_depth if max_depth is not None else np.iinfo(np.int32).max
    generation = np.where(answer.generation <= limit, answer.generation, -1).astype(np.int32)
    local_multiplier = None if region is None else int((answer.generation > 0).sum())
    return Reach(
        roots=roots,
        downstream=downstream,
        generation=generation,
        first_on=answer.first_on,
        expanded=answer.expanded,
        multiplier=int((every.generation > 0).sum()),
        local_multiplier=local_multiplier,
        local=None if region is None else core.local(region),
    )
