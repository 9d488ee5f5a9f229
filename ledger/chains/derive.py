"""Liquidity events and hops from facts: the exact rules of spec/chains-and-metrics.md."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from ledger.chains.dates import MAX_WINDOW_YEARS, years_needed
from ledger.chains.facts import Facts
from ledger.regions.patterns import LocationT


@dataclass(frozen=True)
class Liquidity:
    actor_id: str
    firm_id: str
    on: dt.date
    exit_seq: int


@dataclass(frozen=True)
class Reinvestment:
    kind: str  # capital | founder | fund | mentor
    target_id: str
    on: dt.date
    cause_seq: int
    amount_usd: Decimal | None = None
    fund_id: str | None = None
    fund_on: dt.date | None = None
    fund_seq: int = 0


@dataclass(frozen=True)
class HopFact:
    source_id: str
    via_id: str
    kind: str
    cause_seq: int
    fund_seq: int
    target_id: str
    fund_id: str | None
    liquidity_on: dt.date
    fund_on: dt.date | None
    hop_on: dt.date
    amount_usd: Decimal | None
    min_window_years: int
    listed: bool
    source_location: LocationT | None
    target_location: LocationT | None


class _Index:
    """Look-ups by actor over one Facts object."""

    def __init__(self, facts: Facts) -> None:
        # An investor named twice in one round is one investment of the summed amount.
        per_round: dict[str, dict[int, Decimal | None]] = defaultdict(dict)
        for r in facts.rounds.values():
            for investor, usd in r.investors:
                mine = per_round[investor]
                if r.seq in mine:
                    before = mine[r.seq]
                    mine[r.seq] = None if before is None or usd is None else before + usd
                else:
                    mine[r.seq] = usd
        self.rounds_by_investor = {inv: sorted(rounds.items()) for inv, rounds in per_round.items()}
        # A firm founded by X counts once, from the earliest date X became its founder.
        first: dict[tuple[str, str], tuple[dt.date, int]] = {}
        for firm, person, since, seq in facts.founders:
            key = (firm, person)
            first[key] = min((since, seq), first.get(key, (since, seq)))
        self.founder_since = {key: since for key, (since, _seq) in first.items()}
        self.founded_by: dict[str, list[tuple[str, dt.date, int]]] = defaultdict(list)
        for (firm, person), (since, seq) in sorted(first.items()):
            self.founded_by[person].append((firm, since, seq))
        self.exits_by_firm: dict[str, list[int]] = defaultdict(list)
        self.proceeds_of: dict[str, list[int]] = defaultdict(list)
        for e in facts.exits.values():
            self.exits_by_firm[e.firm_id].append(e.seq)
            for actor in e.proceeds or ():
                self.proceeds_of[actor].append(e.seq)
        self.raises_by_lp: dict[str, list[int]] = defaultdict(list)
        for rz in facts.raises.values():
            for lp in rz.shares:
                self.raises_by_lp[lp].append(rz.seq)
        self.mentoring: dict[str, list[tuple[str, dt.date, int]]] = defaultdict(list)
        for person, org, on, seq in facts.mentors:
            self.mentoring[person].append((org, on, seq))


def liquidity_events(facts: Facts, idx: _Index, actor: str) -> list[Liquidity]:
    """(X, F, t): exits of F where X is in `proceeds`, or, without proceeds, a founder or an
    investor of a round dated <= t. Only the earliest per firm counts."""
    candidates: set[int] = set(idx.proceeds_of.get(actor, ()))
    for firm, _since, _seq in idx.founded_by.get(actor, ()):
        candidates.update(idx.exits_by_firm.get(firm, ()))
    for seq, _usd in idx.rounds_by_investor.get(actor, ()):
        candidates.update(idx.exits_by_firm.get(facts.rounds[seq].firm_id, ()))
    earliest: dict[str, Liquidity] = {}
    for exit_seq in candidates:
        e = facts.exits[exit_seq]
        if e.firm_id == actor:
            # A firm named in its own exit (in `proceeds`, as its own founder or investor) is
            # self-liquidity: the spec keeps it out of liquidity_actors and covers a listed
            # firm's reinvestment with the listed-firm rule. Counting it here as well derived
            # the same hop twice (listed and not), which broke the hop key on insert.
            continue
        if e.proceeds is not None:
            takes_part = actor in e.proceeds
        else:
            since = idx.founder_since.get((e.firm_id, actor))
            takes_part = (since is not None and since <= e.on) or any(
                facts.rounds[s].firm_id == e.firm_id and facts.rounds[s].on <= e.on for s, _ in idx.rounds_by_investor.get(actor, ())
            )
        if not takes_part:
            continue
        best = earliest.get(e.firm_id)
        if best is None or (e.on, e.seq) < (best.on, best.exit_seq):
            earliest[e.firm_id] = Liquidity(actor, e.firm_id, e.on, e.seq)
    return sorted(earliest.values(), key=lambda liq: (liq.on, liq.firm_id))


def reinvestments(facts: Facts, idx: _Index, actor: str, *, capital_only: bool = False) -> list[Reinvestment]:
    out: list[Reinvestment] = []
    for seq, usd in idx.rounds_by_investor.get(actor, ()):
        r = facts.rounds[seq]
        out.append(Reinvestment("capital", r.firm_id, r.on, seq, usd))
    for raise_seq in idx.raises_by_lp.get(actor, ()):
        rz = facts.raises[raise_seq]
        share = rz.shares[actor]
        for seq, usd in idx.rounds_by_investor.get(rz.fund_id, ()):
            r = facts.rounds[seq]
            if r.on > rz.on:
                amount = None if usd is None else usd * share
                out.append(Reinvestment("fund", r.firm_id, r.on, seq, amount, rz.fund_id, rz.on, raise_seq))
    if capital_only:
        return out
    for firm, since, seq in idx.founded_by.get(actor, ()):
        out.append(Reinvestment("founder", firm, since, seq))
    for org, on, seq in idx.mentoring.get(actor, ()):
        out.append(Reinvestment("mentor", org, on, seq))
    return out


def _window(liquidity_on: dt.date, r: Reinvestment) -> int | None:
    """Smallest window in which r counts after liquidity on that date; None if never."""
    if r.fund_on is None:
        return years_needed(liquidity_on, r.on)
    first = years_needed(liquidity_on, r.fund_on)
    second = years_needed(r.fund_on, r.on)
    return None if first is None or second is None else max(first, second)


def hops_of(facts: Facts, idx: _Index, actor: str) -> tuple[list[Liquidity], list[HopFact]]:
    liquidity = liquidity_events(facts, idx, actor)
    sources = [(liq.firm_id, liq.on, False) for liq in liquidity]
    ipo_dates = [facts.exits[s].on for s in idx.exits_by_firm.get(actor, ()) if facts.exits[s].kind == "ipo"]
    if ipo_dates:
        sources.append((actor, min(ipo_dates), True))
    if not sources:
        return liquidity, []
    everything = reinvestments(facts, idx, actor)
    hops: list[HopFact] = []
    for source, on, listed in sources:
        for r in everything:
            if r.target_id == source or (listed and r.kind not in ("capital", "fund")):
                continue
            window = _window(on, r)
            if window is None or window > MAX_WINDOW_YEARS:
                continue
            hops.append(
                HopFact(
                    source_id=source,
                    via_id=actor,
                    kind=r.kind,
                    cause_seq=r.cause_seq,
                    fund_seq=r.fund_seq,
                    target_id=r.target_id,
                    fund_id=r.fund_id,
                    liquidity_on=on,
                    fund_on=r.fund_on,
                    hop_on=r.on,
                    amount_usd=r.amount_usd,
                    min_window_years=window,
                    listed=listed,
                    source_location=facts.location_on(source, on),
                    target_location=facts.location_on(r.target_id, r.on),
                )
            )
    return liquidity, hops


def derive(facts: Facts, actors: Iterable[str] | None = None) -> tuple[list[Liquidity], list[HopFact]]:
    """Liquidity events and hops of the given actors (all candidates when None)."""
    idx = _Index(facts)
    if actors is None:
        actors = set(idx.rounds_by_investor) | set(idx.founded_by) | set(idx.proceeds_of) | set(idx.raises_by_lp) | set(idx.mentoring)
    all_liquidity: list[Liquidity] = []
    all_hops: list[HopFact] = []
    for actor in sorted(actors):
        liquidity, hops = hops_of(facts, idx, actor)
        all_liquidity.extend(liquidity)
        all_hops.extend(hops)
    return all_liquidity, all_hops
