"""The regional metric set of spec/chains-and-metrics.md, computed from MetricFacts."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ledger.chains.dates import add_years, within
from ledger.chains.derive import HopFact
from ledger.metrics.snapshot import MetricFacts
from ledger.regions.patterns import LocationT, matches

Patterns = Sequence[dict[str, Any]]


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date

    def __contains__(self, day: dt.date) -> bool:
        return self.start <= day <= self.end


def _share(numerator: Decimal | int, denominator: Decimal | int) -> float | None:
    return None if not denominator else float(Decimal(numerator) / Decimal(denominator))


def _money(value: Decimal) -> str:
    return format(value.quantize(Decimal("0.01")), "f")


class _Context:
    def __init__(self, f: MetricFacts, region: Patterns, period: Period, window: int) -> None:
        self.f, self.region, self.period, self.window = f, region, period, window
        self.hops = [h for h in f.hops if h.min_window_years <= window]
        self.acquired_on: dict[str, dt.date] = {}
        self.ipo_on: dict[str, dt.date] = {}
        for x in f.exits:
            target = self.acquired_on if x.kind == "acquisition" else self.ipo_on
            target[x.firm_id] = min(x.on, target.get(x.firm_id, x.on))
        self.liquidity_by_actor: dict[str, list[dt.date]] = defaultdict(list)
        for q in f.liquidity:
            self.liquidity_by_actor[q.actor_id].append(q.on)

    def in_region(self, actor_id: str, on: dt.date) -> bool:
        return matches(self.f.location_on(actor_id, on), self.region)

    def gone_by(self, firm: str, day: dt.date) -> bool:
        """Closed or acquired on or before `day`."""
        closed, acquired = self.f.closed_on.get(firm), self.acquired_on.get(firm)
        return (closed is not None and closed <= day) or (acquired is not None and acquired <= day)

    def recycled_at(self, actor: str, day: dt.date) -> bool:
        """recycled_fraction's first rule: a liquidity event (or own IPO) t with day within W after t."""
        starts = [*self.liquidity_by_actor.get(actor, ()), *([self.ipo_on[actor]] if actor in self.ipo_on else [])]
        return any(within(t, day, self.window) for t in starts)

    def recycled_fraction(self, investor: str, day: dt.date) -> Decimal:
        if self.recycled_at(investor, day):
            return Decimal(1)
        raises = [r for r in self.f.chain.raises.values() if r.fund_id == investor and r.on <= day]
        if not raises:
            return Decimal(0)
        latest = max(raises, key=lambda r: (r.on, r.seq))
        return sum((share for lp, share in latest.shares.items() if self.recycled_at(lp, latest.on)), Decimal(0))

    def local_hop(self, h: HopFact) -> bool:
        return matches(h.source_location, self.region) and matches(h.target_location, self.region)


def compute(f: MetricFacts, *, region: Patterns, period: Period, window_years: int, today: dt.date) -> dict[str, Any]:
    c = _Context(f, region, period, window_years)
    out: dict[str, Any] = {}
    out.update(_firms(c))
    out.update(_exits(c))
    out.update(_recycling(c, today))
    out.update(_funding(c))
    out.update(_hops(c))
    out.update(_employment(c, out.pop("_active")))
    out.update(_licensing(c))
    return out


def _firms(c: _Context) -> dict[str, Any]:
    f, p = c.f, c.period
    founded = [x for x in f.foundings.values() if x.on in p and matches(x.location, c.region)]
    active = sorted(
        x.firm_id for x in f.foundings.values() if x.on <= p.end and c.in_region(x.firm_id, p.end) and not c.gone_by(x.firm_id, p.end)
    )
    # Firms each person had founded, with the dates they became founder.
    founder_of: dict[str, list[tuple[str, dt.date]]] = defaultdict(list)
    founders_of: dict[str, list[tuple[str, dt.date]]] = defaultdict(list)
    for firm, person, since, _seq in f.chain.founders:
        founder_of[person].append((firm, since))
        founders_of[firm].append((person, since))
    serial = 0
    for x in founded:
        people = {person for person, since in founders_of.get(x.firm_id, ()) if since <= x.on}
        if any(other != x.firm_id and since < x.on for person in people for other, since in founder_of[person]):
            serial += 1
    spinoff: dict[str, int] = defaultdict(int)
    for x in founded:
        kinds = {f.actors[org][1] for org in f.origins.get(x.firm_id, ()) if org in f.actors}
        for kind in kinds:
            if kind is not None:
                spinoff[kind] += 1
    cohort = [
        x.firm_id for x in f.foundings.values() if x.on <= p.end and matches(x.location, c.region) and not c.gone_by(x.firm_id, p.end)
    ]
    retained = sum(1 for firm in cohort if c.in_region(firm, p.end))
    # Live firms the ledger cannot place at P end: in no region, so active_firms cannot count them.
    unlocated = sum(
        1
        for x in f.foundings.values()
        if x.on <= p.end and not c.gone_by(x.firm_id, p.end) and not _located(c.f.location_on(x.firm_id, p.end))
    )
    return {
        "firms_founded": len(founded),
        "_active": active,
        "active_firms": len(active),
        "serial_founder_share": _share(serial, len(founded)),
        "spinoff_share": {kind: _share(n, len(founded)) for kind, n in sorted(spinoff.items())},
        "retention_rate": _share(retained, len(cohort)),
        "firms_unlocated": unlocated,
    }


def _located(location: LocationT | None) -> bool:
    return location is not None and location[0] is not None


def _exits(c: _Context) -> dict[str, Any]:
    exits = [x for x in c.f.exits if x.on in c.period and c.in_region(x.firm_id, x.on)]
    value = sum((x.value_usd for x in exits if x.value_usd is not None), Decimal(0))
    return {
        "exits": len(exits),
        "exit_value_usd": _money(value),
        "exits_without_value": sum(1 for x in exits if not x.has_value),
        "exits_unconverted": sum(1 for x in exits if x.has_value and x.value_usd is None),
    }


def _recycling(c: _Context, today: dt.date) -> dict[str, Any]:
    cohort: dict[str, dt.date] = {}
    for q in c.f.liquidity:
        if q.on in c.period and c.in_region(q.firm_id, q.on):
            cohort[q.actor_id] = min(q.on, cohort.get(q.actor_id, q.on))
    firsts: dict[str, set[str]] = defaultdict(set)
    for q in c.f.liquidity:
        if q.actor_id in cohort and q.on == cohort[q.actor_id] and q.on in c.period and c.in_region(q.firm_id, q.on):
            firsts[q.actor_id].add(q.firm_id)
    first_hop: dict[str, HopFact] = {}
    recycled_local: set[str] = set()
    for h in c.hops:
        if h.listed or h.via_id not in cohort or h.liquidity_on != cohort[h.via_id] or h.source_id not in firsts[h.via_id]:
            continue
        best = first_hop.get(h.via_id)
        if best is None or h.hop_on < best.hop_on:
            first_hop[h.via_id] = h
        if matches(h.target_location, c.region):
            recycled_local.add(h.via_id)
    lags = sorted((h.hop_on - h.liquidity_on).days for h in first_hop.values())
    ends_on = window_ends_on(cohort.values(), c.window)
    return {
        "liquidity_actors": len(cohort),
        "recycling_rate": _share(len(first_hop), len(cohort)),
        "local_recycling_rate": _share(len(recycled_local), len(cohort)),
        "median_reinvestment_lag_days": float(statistics.median(lags)) if lags else None,
        "window_ends_on": None if ends_on is None else ends_on.isoformat(),
        "window_complete": window_complete(ends_on, today),
    }


def window_ends_on(liquidity_dates: Iterable[dt.date], window: int) -> dt.date | None:
    """The last day on which a reinvestment of the cohort can still count (t + W years of its
    latest member); None for an empty cohort."""
    return max((add_years(t, window) for t in liquidity_dates), default=None)


def window_complete(ends_on: dt.date | None, today: dt.date) -> bool:
    """Every cohort member's window has ended: `today` is after the last day that still counts."""
    return ends_on is None or ends_on < today


def _funding(c: _Context) -> dict[str, Any]:
    total = attributed_total = recycled = local = Decimal(0)
    unconverted = 0
    for r in c.f.chain.rounds.values():
        if r.on not in c.period or not c.in_region(r.firm_id, r.on):
            continue
        if r.amount_usd is None:
            # Both shares are "over those rounds" that funding_usd counts: a round whose own
            # amount is unknown (or unconverted) is left out, whatever its investors state.
            unconverted += r.has_amount
            continue
        total += r.amount_usd
        for investor, usd in r.investors:
            if usd is None:
                continue
            attributed_total += usd
            recycled += usd * c.recycled_fraction(investor, r.on)
            if c.in_region(investor, r.on):
                local += usd
        if not r.investors:
            attributed_total += r.amount_usd  # "adds its amount to the denominator only"
    return {
        "funding_usd": _money(total),
        "rounds_unconverted": unconverted,
        "recycled_funding_share": _share(recycled, attributed_total),
        "local_funding_share": _share(local, attributed_total),
    }


def _hops(c: _Context) -> dict[str, Any]:
    in_p = [h for h in c.hops if h.hop_on in c.period]
    src = [matches(h.source_location, c.region) for h in in_p]
    dst = [matches(h.target_location, c.region) for h in in_p]
    return {
        "local_hops": sum(1 for s, d in zip(src, dst, strict=True) if s and d),
        "hops_in": sum(1 for s, d in zip(src, dst, strict=True) if d and not s),
        "hops_out": sum(1 for s, d in zip(src, dst, strict=True) if s and not d),
        "loop_depth": loop_depth([h for h in c.hops if h.hop_on <= c.period.end and c.local_hop(h)]),
    }


def loop_depth(hops: Sequence[HopFact]) -> int:
    """Hops in the longest time-respecting chain (h -> h' when h.target == h'.source and
    h.hop_on <= h'.liquidity_on). Liquidity dates strictly increase along a chain, so
    processing hops by liquidity date is a topological order."""
    ordered = sorted(hops, key=lambda h: (h.liquidity_on, h.hop_on))
    longest: list[int] = []
    by_target: dict[str, list[int]] = defaultdict(list)
    for i, h in enumerate(ordered):
        best = 1
        for j in by_target.get(h.source_id, ()):
            if ordered[j].hop_on <= h.liquidity_on:
                best = max(best, longest[j] + 1)
        longest.append(best)
        by_target[h.target_id].append(i)
    return max(longest, default=0)


def _employment(c: _Context, active: list[str]) -> dict[str, Any]:
    employment = large = 0
    for firm in active:
        reports = [r for r in c.f.headcounts.get(firm, ()) if r[0] <= c.period.end]
        if reports:
            employees = reports[-1][2]
            employment += employees
            large += employees >= 500
    return {"employment": employment, "large_firms": large}


def _licensing(c: _Context) -> dict[str, Any]:
    deals = [d for d in c.f.deals if d.on in c.period and c.in_region(d.licensor_id, d.on)]
    value = sum((d.value_usd for d in deals if d.value_usd is not None), Decimal(0))
    return {
        "licensing_deals": len(deals),
        "licensing_value_usd": _money(value),
        "licensing_unconverted": sum(1 for d in deals if d.unconverted),
    }


def hop_flows(f: MetricFacts, regions: dict[str, Patterns], period: Period, window_years: int) -> dict[str, dict[str, int]]:
    """Hops dated in the period between each ordered pair of regions (a hop counts for every pair it fits)."""
    flows = {a: dict.fromkeys(regions, 0) for a in regions}
    for h in f.hops:
        if h.min_window_years > window_years or h.hop_on not in period:
            continue
        sources = [slug for slug, pats in regions.items() if matches(h.source_location, pats)]
        targets = [slug for slug, pats in regions.items() if matches(h.target_location, pats)]
        for a in sources:
            for b in targets:
                flows[a][b] += 1
    return flows
