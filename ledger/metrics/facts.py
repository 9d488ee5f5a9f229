"""What the yearly metric parts read beyond the chain core, as coded columns: exits, closures,
rounds with each investor's attributed USD, fund raises with their LPs' shares, headcounts,
licensing deals and origins.

One bulk query per table; ids are coded with the core's vocabulary (a copy, so the core is never
changed), dates are day numbers. Money stays exact: USD amounts are Decimals in object columns
(None where unknown), converted by `FxTable.usd_many` and split by the spec's rules
(attributed_usd, LP weights) with numpy's element-wise operations over those columns.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import numpy as np
import numpy.typing as npt
import sqlalchemy as sa
from sqlalchemy.orm import Session

from ledger.actors.models import Actor
from ledger.chains.core import I32, I64, Bools, Vocabulary, keys
from ledger.db import BulkColumn, DaysSinceEpoch, columns_of
from ledger.money import FxTable, Objects, is_none
from ledger.projections import models as m

day = DaysSinceEpoch
Read = list[BulkColumn]  # a query's result, column by column


def _column(read: Read, i: int) -> Objects:
    out = np.empty(len(read[i]), dtype=object)
    out[:] = read[i]
    return out


def _days(read: Read, i: int) -> I32:
    return np.asarray(read[i], dtype=np.int32)


def _ints(read: Read, i: int) -> I64:
    return np.asarray(read[i], dtype=np.int64)


def group_starts(sorted_codes: npt.NDArray[Any]) -> I64:
    """Where each run of equal values begins in a sorted column."""
    if len(sorted_codes) == 0:
        return np.zeros(0, np.int64)
    return np.flatnonzero(np.concatenate([[True], sorted_codes[1:] != sorted_codes[:-1]])).astype(np.int64)


def decimal_sums(values: Objects, groups: npt.NDArray[Any], size: int) -> Objects:
    """Per group code 0..size-1, the exact sum of its values (Decimal(0) for none)."""
    out = np.empty(size, dtype=object)
    out[:] = [Decimal(0)] * size
    if len(values):
        order = np.argsort(groups, kind="stable")
        codes = groups[order]
        starts = group_starts(codes)
        out[codes[starts]] = np.add.reduceat(values[order], starts) + Decimal(0)
    return out


@dataclass(frozen=True)
class Facts:
    vocabulary: Vocabulary  # the core's, extended by the actors only these tables name
    # exits: the value in USD (None: none given, or not convertible)
    exit_firm: I32
    exit_on: I32
    exit_given: Bools
    exit_usd: Objects
    # per firm that is gone, sorted by firm: the first day it was closed or acquired
    gone_firm: I32
    gone_on: I32
    # rounds: the amount in USD, and one line per (round, investor) with its attributed_usd
    round_firm: I32
    round_on: I32
    round_given: Bools
    round_usd: Objects
    round_has_lines: Bools
    line_round: I64  # row of the round
    line_investor: I32
    line_usd: Objects
    # fund raises by (fund, date, seq), and per raise each LP's share of the LP weight
    raise_key: I64
    raise_fund: I32
    raise_on: I32
    share_raise: I64  # row of the raise (in raise_key order)
    share_lp: I32
    share: Objects
    # headcounts by (firm, date, seq)
    head_key: I64
    head_employees: I64
    # licensing deals: upfront + milestones in USD, and whether a given part was not convertible
    deal_licensor: I32
    deal_on: I32
    deal_usd: Objects
    deal_unconverted: Bools
    # origins: one row per (firm, org kind)
    origin_firm: I32
    origin_kind: I32
    kinds: list[str]


def read(session: Session, vocabulary: Vocabulary) -> Facts:
    """Every table at the session's snapshot."""
    vocabulary = vocabulary.copy()
    fx = FxTable.load(session)
    x = m.FirmExit.__table__.c  # type: ignore[attr-defined]
    exits = columns_of(session, sa.select(x.firm_id, day(x.occurred_on), x.kind, x.value, x.value_currency, x.value_usd))
    c = m.Closure.__table__.c  # type: ignore[attr-defined]
    closures = columns_of(session, sa.select(c.firm_id, day(c.closed_on)))
    exit_on = _days(exits, 1)
    exit_firm = vocabulary.encode(exits[0])
    acquired = np.fromiter((k == "acquisition" for k in exits[2]), dtype=np.bool_, count=len(exits[2]))
    gone_firm, gone_on = _earliest(
        np.concatenate([exit_firm[acquired], vocabulary.encode(closures[0])]),
        np.concatenate([exit_on[acquired], _days(closures, 1)]),
    )
    rounds, lines = _rounds(session, vocabulary, fx)
    raises = _raises(session, vocabulary, fx)
    h = m.Headcount.__table__.c  # type: ignore[attr-defined]
    heads = columns_of(session, sa.select(h.firm_id, day(h.reported_on), h.event_seq, h.employees))
    head_firm, head_on, head_seq = vocabulary.encode(heads[0]), _days(heads, 1), _ints(heads, 2)
    order = np.lexsort((head_seq, head_on, head_firm))
    d = m.LicenseDeal.__table__.c  # type: ignore[attr-defined]
    parts = (d.upfront, d.upfront_currency, d.upfront_usd, d.milestones, d.milestones_currency, d.milestones_usd)
    deals = columns_of(session, sa.select(d.licensor_id, day(d.occurred_on), *parts))
    deal_on = _days(deals, 1)
    upfront = _column(deals, 2)
    up = fx.usd_many(upfront, _column(deals, 3), _column(deals, 4), deal_on)
    milestones = _column(deals, 5)
    ms = fx.usd_many(milestones, _column(deals, 6), _column(deals, 7), deal_on)
    unconverted = (~is_none(upfront) & is_none(up)) | (~is_none(milestones) & is_none(ms))
    deal_usd = np.where(is_none(up), Decimal(0), up) + np.where(is_none(ms), Decimal(0), ms)
    o = m.FirmOrigin.__table__.c  # type: ignore[attr-defined]
    actors = Actor.__table__  # type: ignore[attr-defined]
    origins = columns_of(session, sa.select(o.firm_id, actors.c.kind).join(actors, actors.c.id == o.org_id).distinct())
    kinds = sorted(set(origins[1]))
    kind_code = {k: i for i, k in enumerate(kinds)}
    return Facts(
        vocabulary=vocabulary,
        exit_firm=exit_firm,
        exit_on=exit_on,
        exit_given=~is_none(_column(exits, 3)),
        exit_usd=fx.usd_many(_column(exits, 3), _column(exits, 4), _column(exits, 5), exit_on),
        gone_firm=gone_firm,
        gone_on=gone_on,
        **rounds,
        **lines,
        **raises,
        head_key=keys(head_firm[order], head_on[order]),
        head_employees=_ints(heads, 3)[order],
        deal_licensor=vocabulary.encode(deals[0]),
        deal_on=deal_on,
        deal_usd=deal_usd,
        deal_unconverted=unconverted,
        origin_firm=vocabulary.encode(origins[0]),
        origin_kind=np.fromiter((kind_code[k] for k in origins[1]), dtype=np.int32, count=len(origins[1])),
        kinds=kinds,
    )


def _earliest(codes: I32, days: I32) -> tuple[I32, I32]:
    order = np.lexsort((days, codes))
    starts = group_starts(codes[order])
    return codes[order][starts], days[order][starts]


def _rounds(session: Session, vocabulary: Vocabulary, fx: FxTable) -> tuple[dict[str, Any], dict[str, Any]]:
    """Rounds with their USD amount, and attributed_usd per (round, investor) (spec): an
    investor's own amount, else an equal share of what the given amounts leave of the round
    amount (floored at 0); unknown where a conversion it depends on is; summed for an investor
    named twice (unknown when either part is)."""
    r = m.FundingRound.__table__.c  # type: ignore[attr-defined]
    ri = m.RoundInvestor.__table__.c  # type: ignore[attr-defined]
    rounds = columns_of(
        session, sa.select(r.event_seq, r.firm_id, day(r.occurred_on), r.amount, r.amount_currency, r.amount_usd).order_by(r.event_seq)
    )
    lines = columns_of(
        session, sa.select(ri.event_seq, ri.investor_id, ri.amount, ri.amount_currency, ri.amount_usd).order_by(ri.event_seq, ri.position)
    )
    seqs, on = _ints(rounds, 0), _days(rounds, 2)
    given = _column(rounds, 3)
    total = fx.usd_many(given, _column(rounds, 4), _column(rounds, 5), on)
    n = len(seqs)
    at = np.searchsorted(seqs, _ints(lines, 0))
    kept = at < n
    kept[kept] = seqs[at[kept]] == _ints(lines, 0)[kept]
    line_round = at[kept].astype(np.int64)
    investor = vocabulary.encode(lines[1])[kept]
    own = _column(lines, 2)[kept]
    has_own = ~is_none(own)
    own_usd = fx.usd_many(own, _column(lines, 3)[kept], _column(lines, 4)[kept], on[line_round])
    known = has_own & ~is_none(own_usd)
    without = np.bincount(line_round[~has_own], minlength=n)
    own_unknown = np.bincount(line_round[has_own & ~known], minlength=n) > 0
    own_sum = decimal_sums(own_usd[known], line_round[known], n)
    splits = (without > 0) & ~is_none(total) & ~own_unknown
    rest = np.full(n, None, dtype=object)
    if splits.any():
        left = total[splits] - own_sum[splits]
        rest[splits] = np.where(left > 0, left, Decimal(0)) / without[splits].astype(object)
    usd = np.where(has_own, own_usd, rest[line_round])
    # One line per (round, investor).
    order = np.lexsort((investor, line_round))
    line_round, investor, usd = line_round[order], investor[order], usd[order]
    pair = line_round * (len(vocabulary) + 1) + investor
    starts = group_starts(pair)
    first = np.zeros(len(pair), np.bool_)
    first[starts] = True
    group = np.cumsum(first) - 1
    unknown = np.bincount(group[is_none(usd)], minlength=len(starts)) > 0
    summed = np.add.reduceat(np.where(is_none(usd), Decimal(0), usd), starts) if len(starts) else np.zeros(0, dtype=object)
    combined = np.where(unknown, None, summed)
    return (
        {
            "round_firm": vocabulary.encode(rounds[1]),
            "round_on": on,
            "round_given": ~is_none(given),
            "round_usd": total,
            "round_has_lines": np.bincount(line_round, minlength=n) > 0,
        },
        {"line_round": line_round[starts], "line_investor": investor[starts], "line_usd": combined.astype(object)},
    )


def _raises(session: Session, vocabulary: Vocabulary, fx: FxTable) -> dict[str, Any]:
    """Fund raises sorted by (fund, date, seq), and each LP's share of a raise's LP weight (spec):
    USD commitments, or equal weights when any is missing; equal shares when they sum to 0."""
    fr = m.FundRaise.__table__.c  # type: ignore[attr-defined]
    lp = m.FundLp.__table__.c  # type: ignore[attr-defined]
    raises = columns_of(session, sa.select(fr.event_seq, fr.fund_id, day(fr.occurred_on)))
    lines = columns_of(
        session,
        sa.select(lp.event_seq, lp.lp_id, lp.commitment, lp.commitment_currency, lp.commitment_usd).order_by(lp.event_seq, lp.position),
    )
    seqs, fund, on = _ints(raises, 0), vocabulary.encode(raises[1]), _days(raises, 2)
    order = np.lexsort((seqs, on, fund))
    seqs, fund, on = seqs[order], fund[order], on[order]
    n = len(seqs)
    by_seq = np.argsort(seqs)
    line_seq = _ints(lines, 0)
    at = np.searchsorted(seqs[by_seq], line_seq)
    kept = at < n
    kept[kept] = seqs[by_seq][at[kept]] == line_seq[kept]
    share_raise = by_seq[at[kept]].astype(np.int64)
    lps = vocabulary.encode(lines[1])[kept]
    usd = fx.usd_many(_column(lines, 2)[kept], _column(lines, 3)[kept], _column(lines, 4)[kept], on[share_raise])
    missing = np.bincount(share_raise[is_none(usd)], minlength=n) > 0
    weight = np.where(missing[share_raise] | is_none(usd), Decimal(1), usd)
    # One weight per (raise, LP).
    pair_order = np.lexsort((lps, share_raise))
    share_raise, lps, weight = share_raise[pair_order], lps[pair_order], weight[pair_order]
    pair = share_raise * (len(vocabulary) + 1) + lps
    starts = group_starts(pair)
    if len(starts):
        summed = np.add.reduceat(weight, starts)
        weight = np.where(missing[share_raise[starts]], Decimal(1), summed)
    else:
        weight = np.zeros(0, dtype=object)
    share_raise, lps = share_raise[starts], lps[starts]
    total = decimal_sums(weight, share_raise, n)
    distinct = np.bincount(share_raise, minlength=n)
    zero = np.asarray(total == 0, dtype=np.bool_) & (distinct > 0)
    equal = np.full(n, None, dtype=object)
    if zero.any():
        equal[zero] = Decimal(1) / distinct[zero].astype(object)
    divisor = np.where(zero, Decimal(1), total)
    share = np.zeros(0, dtype=object)
    if len(share_raise):
        share = np.where(zero[share_raise], equal[share_raise], weight / divisor[share_raise])
    return {
        "raise_key": keys(fund, on),
        "raise_fund": fund,
        "raise_on": on,
        "share_raise": share_raise,
        "share_lp": lps,
        "share": share.astype(object),
    }
