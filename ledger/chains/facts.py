"""The slice of the projections that recycling depends on, loaded into memory.

`load(session, vias=None)` loads everything (full recompute); with a set of actors it loads only
what decides those actors' liquidity events and reinvestments (incremental recompute).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlmodel import col

from ledger.money import FxTable
from ledger.projections import models as m
from ledger.regions.patterns import LocationT

MENTOR_ROLES = ("mentor", "advisor", "board")
_CHUNK = 500


@dataclass(frozen=True)
class Round:
    seq: int
    firm_id: str
    on: dt.date
    amount_usd: Decimal | None
    # (investor, attributed_usd) in position order
    investors: tuple[tuple[str, Decimal | None], ...]
    # An amount was given, whether or not it could be converted to USD.
    has_amount: bool = False


@dataclass(frozen=True)
class Exit:
    seq: int
    firm_id: str
    kind: str
    on: dt.date
    proceeds: tuple[str, ...] | None


@dataclass(frozen=True)
class Raise:
    seq: int
    fund_id: str
    on: dt.date
    shares: dict[str, Decimal]  # LP -> share of LP weight


@dataclass
class Facts:
    rounds: dict[int, Round] = field(default_factory=dict)
    exits: dict[int, Exit] = field(default_factory=dict)
    raises: dict[int, Raise] = field(default_factory=dict)
    # (firm, person, since, seq)
    founders: set[tuple[str, str, dt.date, int]] = field(default_factory=set)
    # (person, org, on, seq) with a mentor/advisor/board role at a founded firm
    mentors: set[tuple[str, str, dt.date, int]] = field(default_factory=set)
    founded: set[str] = field(default_factory=set)
    # firm -> [(on, seq, location)] from founding and relocations
    locations: dict[str, list[tuple[dt.date, int, LocationT]]] = field(default_factory=dict)

    def location_on(self, firm_id: str, on: dt.date) -> LocationT | None:
        best: LocationT | None = None
        for day, _seq, loc in self.locations.get(firm_id, ()):
            if day > on:
                break
            best = loc
        return best


def attributed(amount_usd: Decimal | None, given: Sequence[tuple[str, bool, Decimal | None]]) -> list[tuple[str, Decimal | None]]:
    """attributed_usd per investor (spec): own amount, else an equal share of what is left.

    `given` holds (investor, has_own_amount, own_usd). An unconvertible amount anywhere in the
    split makes the shares that depend on it unknown (None) rather than wrong.
    """
    without = [inv for inv, has, _ in given if not has]
    rest: Decimal | None = None
    if without and amount_usd is not None:
        own = [usd for _, has, usd in given if has]
        if all(u is not None for u in own):
            rest = max(amount_usd - sum((u for u in own if u is not None), Decimal(0)), Decimal(0)) / len(without)
    return [(inv, usd if has else rest) for inv, has, usd in given]


def _chunks(items: Iterable[Any]) -> Iterator[list[Any]]:
    batch = sorted(items)
    for i in range(0, len(batch), _CHUNK):
        yield batch[i : i + _CHUNK]


def load(session: Session, vias: set[str] | None = None) -> Facts:
    fx = FxTable.load(session)
    facts = Facts()
    if vias is None:
        round_seqs = None
        exit_firms = None
        raise_seqs = None
    else:
        round_seqs = _seqs(session, sa.select(m.RoundInvestor.event_seq), m.RoundInvestor.investor_id, vias)
        founder_rows = _rows(session, sa.select(m.Founder), m.Founder.person_id, vias)
        proceeds_seqs = _seqs(session, sa.select(m.ExitProceeds.event_seq), m.ExitProceeds.actor_id, vias)
        raise_seqs = _seqs(session, sa.select(m.FundLp.event_seq), m.FundLp.lp_id, vias)
        funds = {r.fund_id for r in _rows(session, sa.select(m.FundRaise), m.FundRaise.event_seq, raise_seqs)}
        round_seqs |= _seqs(session, sa.select(m.RoundInvestor.event_seq), m.RoundInvestor.investor_id, funds)
        exit_firms = {r.firm_id for r in founder_rows} | set(vias)
        exit_firms |= {r.firm_id for r in _rows(session, sa.select(m.FirmExit), m.FirmExit.event_seq, proceeds_seqs)}
        exit_firms |= {r.firm_id for r in _rows(session, sa.select(m.FundingRound), m.FundingRound.event_seq, round_seqs)}

    _load_rounds(session, facts, fx, round_seqs)
    _load_exits(session, facts, exit_firms)
    _load_raises(session, facts, fx, raise_seqs)
    founders = session.scalars(sa.select(m.Founder)) if vias is None else _rows(session, sa.select(m.Founder), m.Founder.person_id, vias)
    facts.founders = {(f.firm_id, f.person_id, f.since, f.event_seq) for f in founders}
    mentor_query = sa.select(m.Affiliation).where(col(m.Affiliation.role).in_(MENTOR_ROLES))
    affiliations = session.scalars(mentor_query) if vias is None else _rows(session, mentor_query, m.Affiliation.person_id, vias)
    mentor_rows = [(a.person_id, a.org_id, a.started_on, a.event_seq) for a in affiliations]

    firms = (
        {r.firm_id for r in facts.rounds.values()}
        | {e.firm_id for e in facts.exits.values()}
        | {f[0] for f in facts.founders}
        | {row[1] for row in mentor_rows}
    )
    _load_locations(session, facts, None if vias is None else firms)
    facts.mentors = {row for row in mentor_rows if row[1] in facts.founded}
    return facts


def _rows(session: Session, query: Any, column: Any, keys: Iterable[Any]) -> list[Any]:
    out: list[Any] = []
    for chunk in _chunks(keys):
        out.extend(session.scalars(query.where(column.in_(chunk))))
    return out


def _seqs(session: Session, query: Any, column: Any, keys: Iterable[Any]) -> set[int]:
    return {int(s) for s in _rows(session, query, column, keys)}


def _load_rounds(session: Session, facts: Facts, fx: FxTable, seqs: set[int] | None) -> None:
    round_query = sa.select(m.FundingRound)
    inv_query = sa.select(m.RoundInvestor).order_by(m.RoundInvestor.event_seq, m.RoundInvestor.position)
    rounds = session.scalars(round_query) if seqs is None else _rows(session, round_query, m.FundingRound.event_seq, seqs)
    investors = session.scalars(inv_query) if seqs is None else _rows(session, inv_query, m.RoundInvestor.event_seq, seqs)
    by_round: dict[int, list[m.RoundInvestor]] = defaultdict(list)
    for inv in investors:
        by_round[inv.event_seq].append(inv)
    for r in rounds:
        total = fx.usd(r.amount, r.amount_currency, r.amount_usd, r.occurred_on)
        given = [
            (i.investor_id, i.amount is not None, fx.usd(i.amount, i.amount_currency, i.amount_usd, r.occurred_on))
            for i in sorted(by_round[r.event_seq], key=lambda i: i.position)
        ]
        facts.rounds[r.event_seq] = Round(
            r.event_seq, r.firm_id, r.occurred_on, total, tuple(attributed(total, given)), has_amount=r.amount is not None
        )


def _load_exits(session: Session, facts: Facts, firms: set[str] | None) -> None:
    query = sa.select(m.FirmExit)
    exits = session.scalars(query) if firms is None else _rows(session, query, m.FirmExit.firm_id, firms)
    exits = list(exits)
    seqs = [e.event_seq for e in exits if e.has_proceeds]
    proceeds: dict[int, list[str]] = defaultdict(list)
    p_query = sa.select(m.ExitProceeds).order_by(m.ExitProceeds.position)
    for p in _rows(session, p_query, m.ExitProceeds.event_seq, seqs):
        proceeds[p.event_seq].append(p.actor_id)
    for e in exits:
        facts.exits[e.event_seq] = Exit(
            e.event_seq, e.firm_id, e.kind, e.occurred_on, tuple(proceeds[e.event_seq]) if e.has_proceeds else None
        )


def lp_shares(commitments: Sequence[tuple[str, Decimal | None]]) -> dict[str, Decimal]:
    """LP weights of a raise (spec): USD commitments, or equal weights if any is missing."""
    if not commitments:
        return {}
    if any(c is None for _, c in commitments):
        weights = {lp: Decimal(1) for lp, _ in commitments}
    else:
        weights = defaultdict(Decimal)
        for lp, c in commitments:
            weights[lp] += c or Decimal(0)
    total = sum(weights.values(), Decimal(0))
    if total == 0:
        return {lp: Decimal(1) / len(weights) for lp in weights}
    return {lp: w / total for lp, w in weights.items()}


def _load_raises(session: Session, facts: Facts, fx: FxTable, seqs: set[int] | None) -> None:
    query = sa.select(m.FundRaise)
    lp_query = sa.select(m.FundLp).order_by(m.FundLp.event_seq, m.FundLp.position)
    raises = session.scalars(query) if seqs is None else _rows(session, query, m.FundRaise.event_seq, seqs)
    lps = session.scalars(lp_query) if seqs is None else _rows(session, lp_query, m.FundLp.event_seq, seqs)
    raises = list(raises)
    dates = {r.event_seq: r.occurred_on for r in raises}
    by_raise: dict[int, list[tuple[str, Decimal | None]]] = defaultdict(list)
    for lp in lps:
        if lp.event_seq in dates:
            usd = fx.usd(lp.commitment, lp.commitment_currency, lp.commitment_usd, dates[lp.event_seq])
            by_raise[lp.event_seq].append((lp.lp_id, usd))
    for r in raises:
        facts.raises[r.event_seq] = Raise(r.event_seq, r.fund_id, r.occurred_on, lp_shares(by_raise[r.event_seq]))


def _load_locations(session: Session, facts: Facts, firms: set[str] | None) -> None:
    f_query = sa.select(m.FirmFounding)
    r_query = sa.select(m.Relocation)
    foundings = session.scalars(f_query) if firms is None else _rows(session, f_query, m.FirmFounding.firm_id, firms)
    moves = session.scalars(r_query) if firms is None else _rows(session, r_query, m.Relocation.firm_id, firms)
    locations: dict[str, list[tuple[dt.date, int, LocationT]]] = defaultdict(list)
    for f in foundings:
        facts.founded.add(f.firm_id)
        locations[f.firm_id].append((f.founded_on, f.event_seq, (f.country, f.subdivision, f.city)))
    for r in moves:
        locations[r.firm_id].append((r.occurred_on, r.event_seq, (r.country, r.subdivision, r.city)))
    facts.locations = {firm: sorted(rows) for firm, rows in locations.items()}
