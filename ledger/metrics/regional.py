"""One region's metric parts (spec: Metrics of region R over period P), for any set of periods,
from the rows of that region only.

`RegionData.load` reads what can touch the region: the firms ever located in it (through the
location indexes), their foundings, rounds, exits, deals, headcounts and liquidity events; the
engagements of the actors liquid from them; the engagements into them and the liquidity of the
actors behind those. `parts` then computes, in one pass, a Part per period: sums that add up
across periods, the liquidity cohort (which combines by earliest date) and the state at the
period's end. Hops are never listed: they are counted by range over each actor's sorted dates.
"""

from __future__ import annotations

import bisect
import datetime as dt
import statistics
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Context, Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ledger.actors.models import Actor
from ledger.chains.activity import Activity, Engagement, Liquidity, hops_from
from ledger.chains.places import Places, ever_in
from ledger.dates import add_years, window_opens, within
from ledger.db import KeySet
from ledger.money import FxTable
from ledger.projections import models as m
from ledger.projections.archive import visible
from ledger.regions.patterns import matches

Patterns = Sequence[dict[str, Any]]
_DAY = dt.timedelta(days=1)
_STORED_PLACES = Decimal("1e-10")
_WIDE = Context(prec=60)


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date

    def __contains__(self, day: dt.date) -> bool:
        return self.start <= day <= self.end


@dataclass
class Part:
    """A region's numbers over one period: counts and sums that add across periods, the cohort
    (actor -> [cohort date, first reinvestment date or None, reinvested locally]) and the state
    at the period's end."""

    sums: dict[str, Any] = field(default_factory=dict)
    spinoff: dict[str, int] = field(default_factory=dict)
    cohort: dict[str, list[Any]] = field(default_factory=dict)
    end: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        # Sums kept to 10 places (the precision of stored amounts): two exact computations that
        # add the same amounts in another order may differ in the 28th digit, never here.
        sums = {k: format(v.quantize(_STORED_PLACES, context=_WIDE), "f") if isinstance(v, Decimal) else v for k, v in self.sums.items()}
        return {"sums": sums, "spinoff": self.spinoff, "cohort": self.cohort, "end": self.end}

    @classmethod
    def from_json(cls, values: dict[str, Any]) -> Part:
        sums = {k: Decimal(v) if k in DECIMAL_SUMS else v for k, v in values["sums"].items()}
        # The cohort's entries are the decoded JSON's own lists: read, never changed, so not copied.
        return cls(sums, dict(values["spinoff"]), values["cohort"], dict(values["end"]))


DECIMAL_SUMS = ("exit_value_usd", "funding_usd", "attributed_usd", "recycled_usd", "local_usd", "licensing_value_usd")
COUNT_SUMS = (
    "firms_founded", "serial_founded", "exits", "exits_without_value", "exits_unconverted", "rounds_unconverted",
    "local_hops", "hops_in", "hops_out", "licensing_deals", "licensing_unconverted",
)  # fmt: skip


def _empty_sums() -> dict[str, Any]:
    return {**{k: Decimal(0) for k in DECIMAL_SUMS}, **dict.fromkeys(COUNT_SUMS, 0)}


class RegionData:
    """Everything one region's metrics read, as of now or of a seq, for window W up to `until`."""

    def __init__(self, session: Session, region: Patterns, *, window_years: int, until: dt.date, as_of: int | None = None) -> None:
        self.session, self.region, self.window, self.until, self.as_of = session, region, window_years, until, as_of
        self.keys = KeySet(session)
        self.fx = FxTable.load(session, as_of=as_of)
        self.activity = Activity(session, window_years=window_years, as_of=as_of, fx=self.fx)
        self.places = Places(session, as_of=as_of)
        self.firms, self.registered = ever_in(session, region, as_of=as_of)
        self.places.load(self.firms)
        self._member = self.places.membership(region)
        self._load_lifecycle()
        self._load_recycling()

    def hops_after(self, q: Liquidity) -> Iterable[Engagement]:
        """The hops liquidity event q of the region makes: its actor's engagements within W."""
        return hops_from(q, self.engagements_of.get(q.actor_id, ()), self.window)

    def first_year(self) -> int | None:
        """The year of the region's oldest fact: a founding (every other fact of a firm comes
        after it) or a licensing deal of an actor registered there."""
        days = [r.founded_on for r in self.foundings.values()] + [d.occurred_on for d in self.deals]
        return min(days).year if days else None

    def in_r(self, actor: str, day: dt.date) -> bool:
        # Firms never located in the region cannot be in it; nobody else needs a look-up.
        if actor not in self.firms and actor not in self.registered:
            return False
        return self._member(actor, day)

    def _rows(self, model: Any, column: str, keys: Iterable[str], *extra: Any) -> list[Any]:
        t = visible(model, self.as_of)
        out: list[Any] = []
        for chunk in self.keys.chunks(keys):
            out.extend(self.session.execute(sa.select(t).where(self.keys.has(t.c[column], chunk), *(e(t) for e in extra))).all())
        return out

    def _load_lifecycle(self) -> None:
        until = self.until

        def before_end(column: str) -> Callable[[Any], Any]:
            return lambda t: t.c[column] <= until

        self.foundings = {r.firm_id: r for r in self._rows(m.FirmFounding, "firm_id", self.firms, before_end("founded_on"))}
        self.closed: dict[str, dt.date] = {}
        for r in self._rows(m.Closure, "firm_id", self.firms, before_end("closed_on")):
            self.closed[r.firm_id] = min(r.closed_on, self.closed.get(r.firm_id, r.closed_on))
        self.exits = self._rows(m.FirmExit, "firm_id", self.firms, before_end("occurred_on"))
        self.acquired: dict[str, dt.date] = {}
        for x in self.exits:
            if x.kind == "acquisition":
                self.acquired[x.firm_id] = min(x.occurred_on, self.acquired.get(x.firm_id, x.occurred_on))
        self.rounds = self._rows(m.FundingRound, "firm_id", self.firms, before_end("occurred_on"))
        self.headcounts: dict[str, list[tuple[dt.date, int, int]]] = defaultdict(list)
        for h in self._rows(m.Headcount, "firm_id", self.firms, before_end("reported_on")):
            self.headcounts[h.firm_id].append((h.reported_on, h.event_seq, h.employees))
        for rows in self.headcounts.values():
            rows.sort()
        self.deals = self._rows(m.LicenseDeal, "licensor_id", self.firms | self.registered, before_end("occurred_on"))
        # Founders: of the firms founded here (serial founders need their other firms too).
        founded_here = [f for f, r in self.foundings.items() if matches(_loc(r), self.region)]
        founders = self._rows(m.Founder, "firm_id", founded_here)
        self.founders_of: dict[str, list[tuple[str, dt.date]]] = defaultdict(list)
        for f in founders:
            self.founders_of[f.firm_id].append((f.person_id, f.since))
        self.founded_by: dict[str, list[tuple[str, dt.date]]] = defaultdict(list)
        for f in self._rows(m.Founder, "person_id", {f.person_id for f in founders}):
            self.founded_by[f.person_id].append((f.firm_id, f.since))
        self.origins: dict[str, list[str]] = defaultdict(list)
        for o in self._rows(m.FirmOrigin, "firm_id", founded_here):
            self.origins[o.firm_id].append(o.org_id)
        self.kinds = {a.id: a.kind for a in self._rows(Actor, "id", {o for orgs in self.origins.values() for o in orgs})}

    def _load_recycling(self) -> None:
        a = self.activity
        # Liquidity from firms of the region, and what those actors did afterwards.
        self.liquidity = [q for events in a.liquidity_of_firms(self.firms).values() for q in events]
        actors = {q.actor_id for q in self.liquidity}
        if self.liquidity:
            first = min(q.on for q in self.liquidity)
            last = max(add_years(q.on, self.window) for q in self.liquidity)
            self.engagements_of = a.engagements_of(actors, after=first, until=last, amounts=False)
        else:
            self.engagements_of = {}
        # Engagements into firms of the region, and the liquidity of the actors behind them.
        self.into = [e for events in a.engagements_into(self.firms, until=self.until, amounts=False).values() for e in events]
        self.liquidity_of = a.liquidity_of_actors({e.actor_id for e in self.into})
        # Investors of the region's rounds: their money (attributed), liquidity and funds' LPs.
        self.invested = a.invested(r.event_seq for r in self.rounds if r.amount is not None)
        investors = {i for lines in self.invested.values() for i in lines}
        self.places.load(investors)
        self.investor_liquidity = a.liquidity_of_actors(investors)
        fr = visible(m.FundRaise, self.as_of)
        raises: dict[str, list[tuple[dt.date, int]]] = defaultdict(list)
        for chunk in self.keys.chunks(investors):
            for fund, on, seq in self.session.execute(
                sa.select(fr.c.fund_id, fr.c.occurred_on, fr.c.event_seq).where(self.keys.has(fr.c.fund_id, chunk))
            ):
                raises[fund].append((on, seq))
        self.raises_of = {fund: sorted(rows) for fund, rows in raises.items()}
        self.raise_shares = a.raises(seq for rows in raises.values() for _, seq in rows)
        lps = {lp for _fund, _on, shares in self.raise_shares.values() for lp in shares}
        self.lp_liquidity = a.liquidity_of_actors(lps)

    # ---- computing ---------------------------------------------------------------------------------

    def parts(self, periods: Sequence[Period], today: dt.date) -> list[Part]:
        out = [Part(sums=_empty_sums()) for _ in periods]
        starts = [p.start for p in periods]

        def bucket(day: dt.date) -> Part | None:
            i = bisect.bisect_right(starts, day) - 1
            return out[i] if i >= 0 and day in periods[i] else None

        self._firms(out, bucket)
        self._exits(bucket)
        self._funding(bucket)
        self._licensing(bucket)
        self._cohorts(bucket)
        self._hops(periods, out, bucket)
        self._ends(periods, out)
        return out

    def _firms(self, parts: list[Part], bucket: Any) -> None:
        for firm, r in self.foundings.items():
            part = bucket(r.founded_on)
            if part is None or not matches(_loc(r), self.region):
                continue
            part.sums["firms_founded"] += 1
            people = {p for p, since in self.founders_of.get(firm, ()) if since <= r.founded_on}
            if any(other != firm and since < r.founded_on for p in people for other, since in self.founded_by.get(p, ())):
                part.sums["serial_founded"] += 1
            for kind in {self.kinds.get(o) for o in self.origins.get(firm, ())}:
                if kind is not None:
                    part.spinoff[kind] = part.spinoff.get(kind, 0) + 1

    def _exits(self, bucket: Any) -> None:
        for x in self.exits:
            part = bucket(x.occurred_on)
            if part is None or not self.in_r(x.firm_id, x.occurred_on):
                continue
            value = self.fx.usd(x.value, x.value_currency, x.value_usd, x.occurred_on)
            part.sums["exits"] += 1
            part.sums["exits_without_value"] += x.value is None
            part.sums["exits_unconverted"] += x.value is not None and value is None
            part.sums["exit_value_usd"] += value or Decimal(0)

    def _funding(self, bucket: Any) -> None:
        for r in self.rounds:
            part = bucket(r.occurred_on)
            if part is None or not self.in_r(r.firm_id, r.occurred_on):
                continue
            total = self.fx.usd(r.amount, r.amount_currency, r.amount_usd, r.occurred_on)
            if total is None:
                # Both shares are "over those rounds" funding_usd counts: a round without a known
                # USD amount is left out, whatever its investors state.
                part.sums["rounds_unconverted"] += r.amount is not None
                continue
            part.sums["funding_usd"] += total
            lines = self.invested.get(r.event_seq, {})
            if not lines:
                part.sums["attributed_usd"] += total  # a round with no investors: the denominator only
            for investor, usd in lines.items():
                if usd is None:
                    continue
                part.sums["attributed_usd"] += usd
                part.sums["recycled_usd"] += usd * self._recycled_fraction(investor, r.occurred_on)
                if matches(self.places.on(investor, r.occurred_on), self.region):
                    part.sums["local_usd"] += usd

    def _recycled_at(self, liquidity: Sequence[Liquidity], day: dt.date) -> bool:
        return any(within(q.on, day, self.window) for q in liquidity)

    def _recycled_fraction(self, investor: str, day: dt.date) -> Decimal:
        """1 when the investor's own exit money (or own IPO) is within W; else, for a fund, the
        LP weight of its latest raise on or before the day held by LPs recycled at that raise."""
        if self._recycled_at(self.investor_liquidity.get(investor, ()), day):
            return Decimal(1)
        raises = self.raises_of.get(investor, [])
        i = bisect.bisect_right(raises, (day, 2**63))
        if i == 0:
            return Decimal(0)
        _fund, raised_on, shares = self.raise_shares.get(raises[i - 1][1], ("", day, {}))
        return sum((s for lp, s in shares.items() if self._recycled_at(self.lp_liquidity.get(lp, ()), raised_on)), Decimal(0))

    def _licensing(self, bucket: Any) -> None:
        for d in self.deals:
            part = bucket(d.occurred_on)
            if part is None or not self.in_r(d.licensor_id, d.occurred_on):
                continue
            values = [
                (given, self.fx.usd(given, currency, usd, d.occurred_on))
                for given, currency, usd in (
                    (d.upfront, d.upfront_currency, d.upfront_usd),
                    (d.milestones, d.milestones_currency, d.milestones_usd),
                )
            ]
            part.sums["licensing_deals"] += 1
            part.sums["licensing_value_usd"] += sum((usd for given, usd in values if given is not None and usd is not None), Decimal(0))
            part.sums["licensing_unconverted"] += any(given is not None and usd is None for given, usd in values)

    def _cohorts(self, bucket: Any) -> None:
        """Per period: each liquidity actor's earliest liquidity date in the region and period,
        and its first reinvestment after that (any kind, any region, within W), local or not."""
        firsts: dict[tuple[int, str], tuple[dt.date, list[Liquidity], Part]] = {}
        for q in self.liquidity:
            part = bucket(q.on)
            if q.listed or part is None or not self.in_r(q.firm_id, q.on):
                continue
            key = (id(part), q.actor_id)
            best = firsts.get(key)
            if best is None or q.on < best[0]:
                firsts[key] = (q.on, [q], part)
            elif q.on == best[0]:
                best[1].append(q)
        for (_, actor), (t, events, part) in firsts.items():
            first: dt.date | None = None
            local = False
            for q in events:
                for e in hops_from(q, self.engagements_of.get(actor, ()), self.window):
                    first = e.on if first is None else min(first, e.on)
                    local = local or self.in_r(e.target_id, e.on)
            part.cohort[actor] = [t.isoformat(), None if first is None else first.isoformat(), local]

    def _hops(self, periods: Sequence[Period], parts: list[Part], bucket: Any) -> None:
        """local_hops, hops_in, hops_out per period, by range counting: each engagement into the
        region counts the liquidity events of its actor whose window reaches it; each liquidity
        event of the region counts its actor's engagements out of the region within its window."""
        # Into the region: per actor, its liquidity events sorted by date.
        sorted_liquidity = {actor: _Sorted(events, lambda q: self.in_r(q.firm_id, q.on)) for actor, events in self.liquidity_of.items()}
        for e in self.into:
            part = bucket(e.on)
            if part is None or not self.in_r(e.target_id, e.on):
                continue
            events = sorted_liquidity.get(e.actor_id)
            if events is None:
                continue
            local, total = events.count(
                window_opens(e.opens, self.window), e.opens, exclude_firm=e.target_id, capital=e.kind in ("capital", "fund")
            )
            part.sums["local_hops"] += local
            part.sums["hops_in"] += total - local
        # Out of the region: per liquidity event of the region, its actor's engagements elsewhere.
        outward = {actor: _Engaged(events, lambda e: not self.in_r(e.target_id, e.on)) for actor, events in self.engagements_of.items()}
        for q in self.liquidity:
            engaged = outward.get(q.actor_id)
            if engaged is None or not self.in_r(q.firm_id, q.on):
                continue
            horizon = add_years(q.on, self.window)
            # A fund hop is dated up to W after the commitment, so past q's own horizon.
            reach = max(horizon, engaged.last_fund_hop)
            for period, part in zip(periods, parts, strict=True):
                if period.end > q.on and period.start <= reach:
                    part.sums["hops_out"] += engaged.count(q, period, horizon)

    def _ends(self, periods: Sequence[Period], parts: list[Part]) -> None:
        ends = [p.end for p in periods]
        depths = self._loop_depths(ends)
        unlocated = self._unlocated(ends)
        for period, part, depth, lost in zip(periods, parts, depths, unlocated, strict=True):
            end = period.end
            active = [f for f, r in self.foundings.items() if r.founded_on <= end and not self._gone(f, end) and self.in_r(f, end)]
            employment = large = 0
            for firm in active:
                rows = self.headcounts.get(firm, [])
                i = bisect.bisect_right(rows, (end, 2**63, 0))
                if i:
                    employment += rows[i - 1][2]
                    large += rows[i - 1][2] >= 500
            stayers = [
                f for f, r in self.foundings.items() if r.founded_on <= end and matches(_loc(r), self.region) and not self._gone(f, end)
            ]
            part.end = {
                "active_firms": len(active),
                "employment": employment,
                "large_firms": large,
                "retained": sum(1 for f in stayers if self.in_r(f, end)),
                "retention_base": len(stayers),
                "loop_depth": depth,
                "firms_unlocated": lost,
            }

    def _gone(self, firm: str, day: dt.date) -> bool:
        """Closed or acquired on or before `day`."""
        closed, acquired = self.closed.get(firm), self.acquired.get(firm)
        return (closed is not None and closed <= day) or (acquired is not None and acquired <= day)

    def _loop_depths(self, ends: Sequence[dt.date]) -> list[int]:
        """Hops in the longest time-respecting chain of local hops dated on or before each end.

        In date order: an engagement into the region on t2 makes a chain one longer than the
        longest chain arriving at the source firm by its actor's liquidity date (a local
        liquidity event in the engagement's window); a liquidity event on t sees every arrival at
        its firm dated t or earlier. Liquidity dates strictly increase along a chain, so date
        order is a topological order.
        """
        arrive: dict[str, int] = defaultdict(int)  # firm -> longest chain arriving so far
        chain_in: dict[tuple[str, str], int] = {}  # (actor, firm) of a local liquidity event -> its in-chain length
        local = defaultdict(list)
        for q in self.liquidity:
            if self.in_r(q.firm_id, q.on):
                local[q.actor_id].append(q)
        for events in local.values():
            events.sort(key=lambda q: q.on)
        steps: list[tuple[dt.date, int, Any]] = [(q.on, 1, q) for events in local.values() for q in events]
        steps += [(e.on, 0, e) for e in self.into if e.actor_id in local and self.in_r(e.target_id, e.on)]
        steps.sort(key=lambda s: (s[0], s[1]))
        longest = 0
        marks = sorted(range(len(ends)), key=lambda i: ends[i])
        result = [0] * len(ends)
        k = 0
        for day, kind, item in steps:
            while k < len(marks) and ends[marks[k]] < day:
                result[marks[k]] = longest
                k += 1
            if kind == 1:
                chain_in[(item.actor_id, item.firm_id)] = arrive[item.firm_id]
                continue
            e: Engagement = item
            opens = window_opens(e.opens, self.window)
            best = -1
            for q in local[e.actor_id]:
                if opens <= q.on < e.opens and q.firm_id != e.target_id and (not q.listed or e.kind in ("capital", "fund")):
                    best = max(best, chain_in.get((q.actor_id, q.firm_id), 0))
            if best >= 0:
                arrive[e.target_id] = max(arrive[e.target_id], best + 1)
                longest = max(longest, best + 1)
        while k < len(marks):
            result[marks[k]] = longest
            k += 1
        return result

    def _unlocated(self, ends: Sequence[dt.date]) -> list[int]:
        """Per end: firms (anywhere) founded by then, not gone, whose location then is unknown."""
        ff = visible(m.FirmFounding, self.as_of)
        firms = list(self.session.scalars(sa.select(ff.c.firm_id).where(ff.c.country.is_(None))))
        if not firms:
            return [0] * len(ends)
        places = Places(self.session, as_of=self.as_of)
        places.load(firms)
        founded = {r.firm_id: r.founded_on for r in self._rows(m.FirmFounding, "firm_id", firms)}
        gone: dict[str, dt.date] = {}
        for r in self._rows(m.Closure, "firm_id", firms):
            gone[r.firm_id] = min(r.closed_on, gone.get(r.firm_id, r.closed_on))
        for x in self._rows(m.FirmExit, "firm_id", firms, lambda t: t.c.kind == "acquisition"):
            gone[x.firm_id] = min(x.occurred_on, gone.get(x.firm_id, x.occurred_on))
        return [
            sum(1 for f in firms if founded[f] <= end and not (f in gone and gone[f] <= end) and places.on(f, end) is None) for end in ends
        ]


def _loc(founding: Any) -> tuple[str | None, str | None, str | None] | None:
    return None if founding.country is None else (founding.country, founding.subdivision, founding.city)


class _Sorted:
    """An actor's liquidity events by date, with running counts of those in the region, for
    counting the ones in a date range."""

    def __init__(self, events: Sequence[Liquidity], in_region: Any) -> None:
        plain = sorted((q for q in events if not q.listed), key=lambda q: q.on)
        self.dates = [q.on for q in plain]
        self.local = [0]
        for q in plain:
            self.local.append(self.local[-1] + bool(in_region(q)))
        self.by_firm = {q.firm_id: (q.on, bool(in_region(q))) for q in plain}
        self.listed = [(q.on, q.firm_id, bool(in_region(q))) for q in events if q.listed]

    def count(self, start: dt.date, end: dt.date, *, exclude_firm: str, capital: bool) -> tuple[int, int]:
        """(in the region, all) of the events dated in [start, end), other than from `exclude_firm`;
        a listed firm's own IPO only for capital and fund engagements."""
        lo, hi = bisect.bisect_left(self.dates, start), bisect.bisect_left(self.dates, end)
        local, total = self.local[hi] - self.local[lo], hi - lo
        own = self.by_firm.get(exclude_firm)
        if own is not None and start <= own[0] < end:
            local, total = local - own[1], total - 1
        for on, firm, inside in self.listed if capital else ():
            if start <= on < end and firm != exclude_firm:
                local, total = local + inside, total + 1
        return local, total


class _Engaged:
    """An actor's engagements kept by a predicate (e.g. outside the region), sorted by date, for
    counting the hops one liquidity event makes in a date range without listing them."""

    def __init__(self, events: Sequence[Engagement], keep: Any) -> None:
        kept = [e for e in events if keep(e)]
        # Direct engagements: the window is tested on the hop date itself.
        self.direct = sorted(e.on for e in kept if e.kind != "fund")
        self.capital = sorted(e.on for e in kept if e.kind == "capital")
        self.into: dict[str, list[tuple[dt.date, str]]] = defaultdict(list)
        for e in kept:
            if e.kind != "fund":
                self.into[e.target_id].append((e.on, e.kind))
        # Fund engagements: the window is tested on the commitment date, the hop is dated later.
        self.fund = sorted((e.opens, e.on, e.target_id) for e in kept if e.kind == "fund")
        self.last_fund_hop = max((on for _, on, _ in self.fund), default=dt.date.min)

    def count(self, q: Liquidity, period: Period, horizon: dt.date) -> int:
        """Hops from liquidity event q (window (q.on, horizon]) dated in the period."""
        n = 0
        first, last = max(period.start, q.on + _DAY), min(period.end, horizon)
        if first <= last:
            dates = self.capital if q.listed else self.direct
            n = bisect.bisect_right(dates, last) - bisect.bisect_left(dates, first)
            # No hop into the exited firm itself.
            n -= sum(1 for on, kind in self.into.get(q.firm_id, ()) if first <= on <= last and (not q.listed or kind == "capital"))
        lo, hi = bisect.bisect_right(self.fund, (q.on, dt.date.max)), bisect.bisect_right(self.fund, (horizon, dt.date.max))
        n += sum(1 for _, on, target in self.fund[lo:hi] if on in period and target != q.firm_id)
        return n


def metric_values(parts: Sequence[Part], *, window_years: int, today: dt.date) -> dict[str, Any]:
    """The metric set of a period made of consecutive parts (the last one gives the state at the end)."""
    sums = _empty_sums()
    spinoff: dict[str, int] = defaultdict(int)
    cohort: dict[str, list[Any]] = {}
    for part in parts:
        for k, v in part.sums.items():
            sums[k] += v
        for k, n in part.spinoff.items():
            spinoff[k] += n
        for actor, entry in part.cohort.items():
            if actor not in cohort or entry[0] < cohort[actor][0]:
                cohort[actor] = entry
    end = parts[-1].end
    recycled = [e for e in cohort.values() if e[1] is not None]
    lags = sorted((dt.date.fromisoformat(e[1]) - dt.date.fromisoformat(e[0])).days for e in recycled)
    ends_on = max((add_years(dt.date.fromisoformat(e[0]), window_years) for e in cohort.values()), default=None)
    founded = sums["firms_founded"]
    return {
        "firms_founded": founded,
        "active_firms": end["active_firms"],
        "firms_unlocated": end["firms_unlocated"],
        "exits": sums["exits"],
        "exit_value_usd": _money(sums["exit_value_usd"]),
        "exits_without_value": sums["exits_without_value"],
        "exits_unconverted": sums["exits_unconverted"],
        "liquidity_actors": len(cohort),
        "recycling_rate": _share(len(recycled), len(cohort)),
        "local_recycling_rate": _share(sum(1 for e in recycled if e[2]), len(cohort)),
        "median_reinvestment_lag_days": float(statistics.median(lags)) if lags else None,
        "window_ends_on": None if ends_on is None else ends_on.isoformat(),
        "window_complete": ends_on is None or ends_on < today,
        "funding_usd": _money(sums["funding_usd"]),
        "rounds_unconverted": sums["rounds_unconverted"],
        "recycled_funding_share": _share(sums["recycled_usd"], sums["attributed_usd"]),
        "local_funding_share": _share(sums["local_usd"], sums["attributed_usd"]),
        "serial_founder_share": _share(sums["serial_founded"], founded),
        "spinoff_share": {kind: _share(n, founded) for kind, n in sorted(spinoff.items())},
        "retention_rate": _share(end["retained"], end["retention_base"]),
        "loop_depth": end["loop_depth"],
        "local_hops": sums["local_hops"],
        "hops_in": sums["hops_in"],
        "hops_out": sums["hops_out"],
        "employment": end["employment"],
        "large_firms": end["large_firms"],
        "licensing_deals": sums["licensing_deals"],
        "licensing_value_usd": _money(sums["licensing_value_usd"]),
        "licensing_unconverted": sums["licensing_unconverted"],
    }


def _share(numerator: Decimal | int, denominator: Decimal | int) -> float | None:
    return None if not denominator else float(Decimal(numerator) / Decimal(denominator))


def _money(value: Decimal) -> str:
    return format(value.quantize(Decimal("0.01")), "f")
