"""The chain search's hop lists: every hop of the ledger for a core's window, listed once (one
vectorized pass of pairs.step over every firm with liquidity) and sorted by the firm a search
leaves from, so that a level of the search is one gather of contiguous ranges.

- `out`: hops by (source, liquidity date), each with its target and hop date (downstream);
- `into`: hops by (target, hop date), each with its source and liquidity date (upstream),
  built when an upstream question first asks.

A region's mask over a list (both ends in the region on their dates) is computed when first
asked and kept with the list. Everything is kept in the core's memo, so a refresh drops it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ledger.chains.core import I32, I64, Bools, Core, key_parts, keys
from ledger.chains.pairs import every_hop


@dataclass
class HopList:
    key: I64  # (the firm a search leaves from, its date), sorted
    other: I32  # the firm the hop reaches
    date: I32  # that firm's date: downstream the hop date, upstream the liquidity date
    _local: dict[tuple[Any, ...], Bools] = field(default_factory=dict)
    _ends: tuple[I32, I32] | None = None

    def ends(self, core: Core) -> tuple[I32, I32]:
        """The location codes (-1: none) of each hop's two ends on their dates: the firm left,
        the firm reached (what compare's flows count by), kept."""
        if self._ends is None:
            self._ends = self._locate(core)
        return self._ends

    def _locate(self, core: Core) -> tuple[I32, I32]:
        leaving, leaving_on = key_parts(self.key)
        return core.places.located(leaving, leaving_on), core.places.located(self.other, self.date)

    def local(self, core: Core, patterns: Sequence[dict[str, Any]]) -> Bools:
        """Hops with both ends in the region on their dates (from the kept ends when there are
        some; else located for this question only, not kept: 8 bytes a hop)."""
        marker = tuple(tuple(sorted(p.items())) for p in patterns)
        found = self._local.get(marker)
        if found is None:
            leaving_at, reaching_at = self._ends or self._locate(core)
            inside = core.places.matching(patterns)
            found = self._local[marker] = inside[leaving_at] & inside[reaching_at]
        return found


def _listed(core: Core) -> tuple[I32, I32, I32, I32]:
    """Every hop as (source, liquidity date, target, hop date)."""
    q, e = core.liquidity, core.engagements
    pairs = every_hop(core)
    return q.firm[pairs.q], q.on[pairs.q], e.target[pairs.e], e.on[pairs.e]


def out(core: Core) -> HopList:
    """Hops out of each firm, by (source, liquidity date): target and hop date."""
    return _list(core, downstream=True)


def into(core: Core) -> HopList:
    """Hops into each firm, by (target, hop date): source and liquidity date."""
    return _list(core, downstream=False)


def _list(core: Core, *, downstream: bool) -> HopList:
    name = "hops-out" if downstream else "hops-in"
    found: HopList | None = core.memo.get(name)
    if found is None:
        if downstream:
            source, liquidity_on, target, on = _listed(core)
        else:  # the same hops as the out list, sorted the other way
            hops = out(core)
            source, liquidity_on = key_parts(hops.key)
            target, on = hops.other, hops.date
        leaving, leaving_on, reached, reached_on = (source, liquidity_on, target, on) if downstream else (target, on, source, liquidity_on)
        key = keys(leaving, leaving_on)
        order = np.argsort(key)  # hops with equal keys may come in any order
        found = core.memo[name] = HopList(key[order], reached[order], reached_on[order])
    return found
