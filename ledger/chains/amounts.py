"""Money attributed to investors and LPs (spec: attributed_usd, LP weights)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal


def attributed(amount_usd: Decimal | None, given: Sequence[tuple[str, bool, Decimal | None]]) -> list[tuple[str, Decimal | None]]:
    """attributed_usd per investor line (spec): its own amount, else an equal share of what the
    given amounts leave of the round amount (floored at 0).

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


def per_investor(lines: Sequence[tuple[str, Decimal | None]]) -> dict[str, Decimal | None]:
    """An investor named twice in one round made one investment of the summed amount (unknown
    when either part is)."""
    out: dict[str, Decimal | None] = {}
    for investor, usd in lines:
        if investor in out:
            before = out[investor]
            out[investor] = None if before is None or usd is None else before + usd
        else:
            out[investor] = usd
    return out


def lp_shares(commitments: Sequence[tuple[str, Decimal | None]]) -> dict[str, Decimal]:
    """LP weights of a raise (spec): USD commitments, or equal weights if any is missing."""
    if not commitments:
        return {}
    if any(c is None for _, c in commitments):
        weights: dict[str, Decimal] = {lp: Decimal(1) for lp, _ in commitments}
    else:
        weights = defaultdict(Decimal)
        for lp, c in commitments:
            weights[lp] += c or Decimal(0)
    total = sum(weights.values(), Decimal(0))
    if total == 0:
        return {lp: Decimal(1) / len(weights) for lp in weights}
    return {lp: w / total for lp, w in weights.items()}
