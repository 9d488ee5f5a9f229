"""Every region's yearly metric parts in one vectorized pass over the columnar core.

What does not depend on the region is computed once: every hop as a (liquidity row, engagement
row) pair with the location codes of both ends on their dates, each liquidity event's first
reinvestment, every firm's location, liveness and headcount at each year's end, each round
line's recycled fraction. A region is then a boolean per location code, and its numbers are
masks and `bincount`s over those columns, binned by calendar year. The parts are the same
`Part`s the row-by-row `RegionData` computes for any period (regional.py), and are stored and
combined the same way.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import numpy as np
import numpy.typing as npt

from ledger.chains import hop_index
from ledger.chains.core import I32, I64, Bools, Columns, Core, key_parts, keys
from ledger.chains.pairs import every_hop
from ledger.dates import day_number, window_opens_days
from ledger.metrics.facts import Facts, decimal_sums, group_starts
from ledger.metrics.regional import COUNT_SUMS, DECIMAL_SUMS, Part, Period
from ledger.money import Objects, is_none

Patterns = Sequence[dict[str, Any]]
_NEVER = np.iinfo(np.int32).max  # a day after every date


def _years(days: npt.NDArray[Any]) -> I64:
    return np.asarray(days, dtype=np.int64).astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64) + 1970


def _iso(days: npt.NDArray[Any]) -> list[str]:
    return np.asarray(days, dtype=np.int64).astype("datetime64[D]").astype(str).tolist()  # type: ignore[no-any-return]


@dataclass(frozen=True)
class _Span:
    first: int
    last: int

    @property
    def size(self) -> int:
        return self.last - self.first + 1

    def index(self, days: npt.NDArray[Any]) -> I32:
        """Per day: its year's position in the span, or -1 outside it."""
        i = _years(days) - self.first
        return np.where((i >= 0) & (i < self.size), i, -1).astype(np.int32)

    def count(self, index: I32, mask: Bools | None = None) -> I64:
        keep = index >= 0 if mask is None else mask & (index >= 0)
        return np.bincount(index[keep], minlength=self.size).astype(np.int64)

    def money(self, index: I32, values: Objects, mask: Bools) -> Objects:
        keep = mask & (index >= 0)
        return decimal_sums(values[keep], index[keep], self.size)


class PartColumns:
    """The region-independent columns of the yearly parts; `spanning` bins them by years."""

    span: _Span
    pair_year: I32
    found_year: I32
    exit_year: I32
    round_year: I32
    deal_year: I32

    def __init__(self, columns: Columns, core: Core, facts: Facts) -> None:
        self.core, self.facts = core, facts
        self.matchable = core.places.locations
        q, e = core.liquidity, core.engagements
        pairs = every_hop(core)
        self.pair_q, self.pair_e = pairs.q, pairs.e
        self.runs = group_starts(pairs.q)
        self.run_q = pairs.q[self.runs]
        self.q_loc = self.location(q.firm, q.on)
        self.source_loc = self.q_loc[pairs.q]
        self.target_loc = self.location(e.target, e.on)[pairs.e]
        first_on = np.full(len(q.actor), _NEVER, np.int32)
        if len(self.runs):
            first_on[self.run_q] = np.minimum.reduceat(e.on[pairs.e], self.runs)
        self.first_on = first_on
        # Lifecycle.
        founding = columns.tables["foundings"]
        self.found_firm, self.found_on = founding["actor"], founding["on"]
        self.found_loc = founding["location"]
        self.found_order = np.argsort(self.found_firm, kind="stable")
        self.found_firm_sorted = self.found_firm[self.found_order]
        self.serial = self._serial(columns.tables["founders"])
        self.exit_loc = self.location(facts.exit_firm, facts.exit_on)
        self.round_loc = self.location(facts.round_firm, facts.round_on)
        line_on = facts.round_on[facts.line_round]
        self.line_loc = self.location(facts.line_investor, line_on)
        self.line_recycled = self._recycled(facts.line_investor, line_on)
        self.deal_loc = self.location(facts.deal_licensor, facts.deal_on)
        # Known amounts, and the amounts with 0 for the unknown ones.
        self.exit_known, self.round_known, self.line_known = ~is_none(facts.exit_usd), ~is_none(facts.round_usd), ~is_none(facts.line_usd)
        self.exit_usd = np.where(self.exit_known, facts.exit_usd, Decimal(0))
        self.round_usd = np.where(self.round_known, facts.round_usd, Decimal(0))
        self.line_usd = np.where(self.line_known, facts.line_usd, Decimal(0))
        self.line_recycled_usd = self.line_usd * self.line_recycled

    def spanning(self, first: int, last: int) -> PartColumns:
        """These columns binned by the calendar years first..last (what parts need)."""
        out = copy.copy(self)
        out.span = span = _Span(first, last)
        f = out.facts
        out.pair_year = span.index(out.core.engagements.on)[out.pair_e]
        out.found_year = span.index(out.found_on)
        out.exit_year = span.index(f.exit_on)
        out.round_year = span.index(f.round_on)
        out.deal_year = span.index(f.deal_on)
        out._ends()
        return out

    def location(self, actors: npt.NDArray[Any], days: npt.NDArray[Any]) -> I32:
        return self.core.places.located(np.asarray(actors), np.asarray(days))

    def _held(self, actors: npt.NDArray[Any], days: npt.NDArray[Any]) -> Bools:
        """Whether each actor has a liquidity event (or, a listed firm, its IPO) within W before the day."""
        q = self.core.liquidity
        days = np.asarray(days, dtype=np.int32)
        lo = np.searchsorted(q.key, keys(np.asarray(actors), window_opens_days(days, self.core.window)), side="left")
        hi = np.searchsorted(q.key, keys(np.asarray(actors), days), side="left")
        return np.asarray(hi > lo, dtype=np.bool_)

    def _recycled(self, investors: I32, days: I32) -> Objects:
        """recycled_fraction (spec) per (investor, round date): 1 for the investor's own exit
        money within W, else for a fund the LP weight of its latest raise on or before the day
        held by LPs recycled on that raise's date."""
        f = self.facts
        recycled_lp = self._held(f.share_lp, f.raise_on[f.share_raise])
        raised = decimal_sums(f.share[recycled_lp], f.share_raise[recycled_lp], len(f.raise_fund))
        out = np.empty(len(investors), dtype=object)
        out[:] = [Decimal(0)] * len(investors)
        if len(f.raise_key):
            at = np.searchsorted(f.raise_key, keys(investors, days), side="right") - 1
            found = at >= 0
            at = np.where(found, at, 0)
            found &= f.raise_fund[at] == investors
            out[found] = raised[at[found]]
        out[self._held(investors, days)] = Decimal(1)
        return out

    def _ends(self) -> None:
        """Per founded firm and year end: alive (founded, not gone), location, latest headcount."""
        f, span = self.facts, self.span
        ends = np.array([day_number(dt.date(span.first + i, 12, 31)) for i in range(span.size)], np.int32)
        self.ends = ends
        firms = self.found_firm
        gone = np.full(len(firms), _NEVER, np.int64)
        at = np.searchsorted(f.gone_firm, firms) if len(f.gone_firm) else np.zeros(len(firms), np.int64)
        hit = at < len(f.gone_firm)
        hit[hit] = f.gone_firm[at[hit]] == firms[hit]
        gone[hit] = f.gone_on[at[hit]]
        self.alive = ((self.found_on[:, None] <= ends[None, :]) & (gone[:, None] > ends[None, :])).astype(np.bool_)
        # Year by year (a loop over years, vectorized over firms): the temporaries stay the size
        # of one year's column, not of the whole (firm, year) table.
        self.end_loc = np.full((len(firms), len(ends)), -1, np.int32)
        self.employees = np.zeros((len(firms), len(ends)), np.int32)
        first = int(self.found_on.min()) if len(firms) else _NEVER
        for i, end in enumerate(ends.tolist()):
            if end < first:
                continue  # no firm founded yet
            day = np.full(len(firms), end, np.int32)
            self.end_loc[:, i] = self.location(firms, day)
            if len(f.head_key):
                at = np.searchsorted(f.head_key, keys(firms, day), side="right") - 1
                found = at >= 0
                at = np.where(found, at, 0)
                found &= key_parts(f.head_key[at])[0] == firms
                self.employees[found, i] = f.head_employees[at[found]]
        unlocated = np.array([loc[0] is None if loc is not None else True for loc in self.matchable] + [True], np.bool_)
        self.unlocated = (self.alive & unlocated[self.end_loc]).sum(axis=0)

    # ---- one region ------------------------------------------------------------------------------

    def parts(self, patterns: Patterns) -> list[Part]:
        """The region's part of each year of the span."""
        span, f = self.span, self.facts
        inside = self.core.places.matching(patterns)
        sums: dict[str, Any] = {}
        # Foundings, serial founders, origins.
        founded_here = inside[self.found_loc]
        sums["firms_founded"] = span.count(self.found_year, founded_here)
        sums["serial_founded"] = span.count(self.found_year, founded_here & self.serial)
        # Exits.
        in_r = inside[self.exit_loc]
        sums["exits"] = span.count(self.exit_year, in_r)
        sums["exits_without_value"] = span.count(self.exit_year, in_r & ~f.exit_given)
        sums["exits_unconverted"] = span.count(self.exit_year, in_r & f.exit_given & ~self.exit_known)
        sums["exit_value_usd"] = span.money(self.exit_year, self.exit_usd, in_r)
        # Funding.
        in_r = inside[self.round_loc]
        known = self.round_known
        sums["rounds_unconverted"] = span.count(self.round_year, in_r & f.round_given & ~known)
        sums["funding_usd"] = span.money(self.round_year, self.round_usd, in_r & known)
        line_year = self.round_year[f.line_round]
        lines = (in_r & known)[f.line_round] & self.line_known
        bare = span.money(self.round_year, self.round_usd, in_r & known & ~f.round_has_lines)
        sums["attributed_usd"] = bare + span.money(line_year, self.line_usd, lines)
        sums["recycled_usd"] = span.money(line_year, self.line_recycled_usd, lines)
        sums["local_usd"] = span.money(line_year, self.line_usd, lines & inside[self.line_loc])
        # Licensing.
        in_r = inside[self.deal_loc]
        sums["licensing_deals"] = span.count(self.deal_year, in_r)
        sums["licensing_unconverted"] = span.count(self.deal_year, in_r & f.deal_unconverted)
        sums["licensing_value_usd"] = span.money(self.deal_year, f.deal_usd, in_r)
        # Hops.
        source_in, target_in = inside[self.source_loc], inside[self.target_loc]
        sums["local_hops"] = span.count(self.pair_year, source_in & target_in)
        sums["hops_in"] = span.count(self.pair_year, ~source_in & target_in)
        sums["hops_out"] = span.count(self.pair_year, source_in & ~target_in)
        spinoff = self._spinoff(founded_here)
        cohorts = self._cohorts(inside, target_in)
        depths = self._loop_depths(source_in & target_in)
        ends = self._end_states(inside)
        out = []
        for i in range(span.size):
            part = Part(
                sums={k: (sums[k][i] if k in DECIMAL_SUMS else int(sums[k][i])) for k in (*DECIMAL_SUMS, *COUNT_SUMS)},
                spinoff=spinoff[i],
                cohort=cohorts[i],
                end={**{k: int(v[i]) for k, v in ends.items()}, "loop_depth": int(depths[i]), "firms_unlocated": int(self.unlocated[i])},
            )
            out.append(part)
        return out

    def _spinoff(self, founded_here: Bools) -> list[dict[str, int]]:
        f, span = self.facts, self.span
        at = np.searchsorted(self.found_firm_sorted, f.origin_firm)
        at = np.minimum(at, max(len(self.found_firm_sorted) - 1, 0))
        hit = (self.found_firm_sorted[at] == f.origin_firm) if len(self.found_firm_sorted) else np.zeros(len(f.origin_firm), np.bool_)
        rows = self.found_order[at[hit]]
        kinds = f.origin_kind[hit]
        keep = founded_here[rows] & (self.found_year[rows] >= 0)
        out: list[dict[str, int]] = [{} for _ in range(span.size)]
        if keep.any():
            cells = self.found_year[rows[keep]] * len(f.kinds) + kinds[keep]
            counts = np.bincount(cells, minlength=span.size * len(f.kinds)).reshape(span.size, len(f.kinds))
            for i, k in zip(*np.nonzero(counts), strict=True):
                out[int(i)][f.kinds[int(k)]] = int(counts[i, k])
        return out

    def _serial(self, founders: dict[str, npt.NDArray[Any]]) -> Bools:
        """Per founding: one of its founders (as of the founding date) had become a founder of
        another firm on an earlier date. Per person, its earliest founding (s1 of firm g1) and its
        earliest of another firm than g1 (s2) answer that for any firm and date."""
        size = len(self.facts.vocabulary)
        person, firm, since = founders["person"], founders["firm"], founders["since"]
        order = np.lexsort((firm, since, person))
        starts = group_starts(person[order])
        s1, g1, s2 = np.full(size, _NEVER, np.int64), np.full(size, -1, np.int64), np.full(size, _NEVER, np.int64)
        s1[person[order][starts]] = since[order][starts]
        g1[person[order][starts]] = firm[order][starts]
        other = firm != g1[person]
        np.minimum.at(s2, person[other], since[other])
        serial = np.zeros(len(self.found_firm), np.bool_)
        if len(self.found_firm) == 0 or len(person) == 0:
            return serial
        at = np.minimum(np.searchsorted(self.found_firm_sorted, firm), len(self.found_firm) - 1)
        known = self.found_firm_sorted[at] == firm
        rows = self.found_order[at]
        day = self.found_on[rows].astype(np.int64)
        earlier = np.where(g1[person] != firm, s1[person], s2[person]) < day
        hit = known & (since <= day) & earlier
        serial[rows[hit]] = True
        return serial

    def _cohorts(self, inside: Bools, target_in: Bools) -> list[dict[str, list[Any]]]:
        """Per year: each liquidity actor's earliest plain liquidity date in the region that
        year, the first reinvestment after it (any kind, any region, within W) and whether any
        of that date's reinvestments was into the region."""
        q, span = self.core.liquidity, self.span
        local_any = np.zeros(len(q.actor), np.bool_)
        if len(self.runs):
            local_any[self.run_q] = np.maximum.reduceat(target_in.astype(np.uint8), self.runs).astype(np.bool_)
        year = span.index(q.on)
        rows = np.flatnonzero(~q.listed & inside[self.q_loc] & (year >= 0))
        order = rows[np.lexsort((q.on[rows], q.actor[rows], year[rows]))]
        out: list[dict[str, list[Any]]] = [{} for _ in range(span.size)]
        if len(order) == 0:
            return out
        cell = year[order] * (len(self.facts.vocabulary) + 1) + q.actor[order]
        starts = group_starts(cell)
        first = np.zeros(len(order), np.bool_)
        first[starts] = True
        group = np.cumsum(first) - 1
        earliest = q.on[order][starts]
        on_earliest = q.on[order] == earliest[group]
        reinvested = np.minimum.reduceat(np.where(on_earliest, self.first_on[order], _NEVER), starts)
        local = np.maximum.reduceat((on_earliest & local_any[order]).astype(np.uint8), starts).astype(np.bool_)
        actors = self.facts.vocabulary.names(q.actor[order][starts])
        dates = _iso(earliest)
        found = reinvested < _NEVER
        firsts = _iso(np.where(found, reinvested, 0))
        years = year[order][starts].tolist()
        for y, actor, day, ok, reached, near in zip(years, actors, dates, found.tolist(), firsts, local.tolist(), strict=True):
            out[y][actor] = [day, reached if ok else None, near]
        return out

    def _loop_depths(self, local: Bools) -> I64:
        """Per year end: hops in the longest time-respecting chain of local hops dated by then.

        The longest chain ending with hop h is one more than the longest ending at h's source on
        or before h's liquidity date; hop dates increase along a chain, so relaxing all hops
        together reaches the answer after as many rounds as the longest chain has hops."""
        q, e, span = self.core.liquidity, self.core.engagements, self.span
        qs, es = self.pair_q[local], self.pair_e[local]
        depths = np.zeros(span.size, np.int64)
        if len(qs) == 0:
            return depths
        source, t, target, t2 = q.firm[qs], q.on[qs], e.target[es], e.on[es]
        order = np.argsort(keys(target, t2), kind="stable")
        arrive_key = keys(target, t2)[order]
        group = np.cumsum(group_starts_mask(target[order])) - 1
        at = np.searchsorted(arrive_key, keys(source, t), side="right") - 1
        valid = at >= 0
        at = np.where(valid, at, 0)
        valid &= target[order][at] == source
        length = np.ones(len(qs), np.int64)
        big = len(qs) + 2
        while True:
            running = np.maximum.accumulate(length[order] + group * big) - group * big
            longer = np.where(valid, running[at] + 1, 1)
            if np.array_equal(longer, length):
                break
            length = longer
        by_date = np.argsort(t2, kind="stable")
        best = np.maximum.accumulate(length[by_date])
        upto = np.searchsorted(t2[by_date], self.ends, side="right") - 1
        return np.where(upto >= 0, best[np.maximum(upto, 0)], 0)

    def _end_states(self, inside: Bools) -> dict[str, I64]:
        in_r = inside[self.end_loc]
        active = self.alive & in_r
        stayers = self.alive & inside[self.found_loc][:, None]
        return {
            "active_firms": active.sum(axis=0),
            "employment": np.where(active, self.employees, 0).sum(axis=0),
            "large_firms": (active & (self.employees >= 500)).sum(axis=0),
            "retained": (stayers & in_r).sum(axis=0),
            "retention_base": stayers.sum(axis=0),
        }


def group_starts_mask(sorted_codes: npt.NDArray[Any]) -> Bools:
    mask = np.zeros(len(sorted_codes), np.bool_)
    mask[group_starts(sorted_codes)] = True
    return mask


def hop_flows(core: Core, regions: dict[str, Patterns], period: Period) -> dict[str, dict[str, int]]:
    """Hops dated in the period from each region to each region (a hop counts for every pair it
    fits), over the chain engine's list of every hop and the location codes of its ends: one mask
    per region and one count per pair."""
    hops = hop_index.out(core)
    leaving_at, reaching_at = hops.ends(core)
    dated = np.flatnonzero((hops.date >= day_number(period.start)) & (hops.date <= day_number(period.end)))
    leaving_at, reaching_at = leaving_at[dated], reaching_at[dated]
    codes = {slug: core.places.matching(patterns) for slug, patterns in regions.items()}
    leaving = {slug: inside[leaving_at] for slug, inside in codes.items()}
    reaching = {slug: inside[reaching_at] for slug, inside in codes.items()}
    return {a: {b: int(np.count_nonzero(leaving[a] & reaching[b])) for b in regions} for a in regions}
