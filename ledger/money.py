"""USD conversion through fx.rate events (spec: latest rate on or before the date)."""

from __future__ import annotations

import bisect
import datetime as dt
from collections import defaultdict
from decimal import Decimal

import numpy as np
import numpy.typing as npt
import sqlalchemy as sa
from sqlalchemy.orm import Session

from ledger.dates import day_numbers
from ledger.projections.archive import visible
from ledger.projections.models import FxRate

Objects = npt.NDArray[np.object_]


def is_none(values: Objects) -> npt.NDArray[np.bool_]:
    return np.fromiter((v is None for v in values), dtype=np.bool_, count=len(values))


class FxTable:
    """All fx.rate facts in memory (they are few), answering 'USD per unit on date d'."""

    def __init__(self, rates: dict[str, list[tuple[dt.date, int, Decimal]]]) -> None:
        self._rates = {cur: sorted(rows) for cur, rows in rates.items()}
        self._dates = {cur: [r[0] for r in rows] for cur, rows in self._rates.items()}

    @classmethod
    def load(cls, session: Session, *, as_of: int | None = None) -> FxTable:
        """The rates the ledger holds now, or held as of a seq."""
        rates: dict[str, list[tuple[dt.date, int, Decimal]]] = defaultdict(list)
        fx = visible(FxRate, as_of)
        for row in session.execute(sa.select(fx.c.currency, fx.c.valid_from, fx.c.event_seq, fx.c.usd_per_unit)):
            rates[row.currency].append((row.valid_from, row.event_seq, row.usd_per_unit))
        return cls(rates)

    def rate(self, currency: str, on: dt.date) -> Decimal | None:
        dates = self._dates.get(currency)
        if not dates:
            return None
        i = bisect.bisect_right(dates, on)
        # Several rates on one day: the one recorded last (highest seq) wins, it sorts last.
        return None if i == 0 else self._rates[currency][i - 1][2]

    def usd(self, amount: Decimal | None, currency: str | None, usd: Decimal | None, on: dt.date) -> Decimal | None:
        """The USD value: given `usd`, else the amount itself for USD, else via the rate; None if unknown."""
        if amount is None:
            return None
        if usd is not None:
            return usd
        if currency == "USD":
            return amount
        rate = None if currency is None else self.rate(currency, on)
        return None if rate is None else amount * rate

    def usd_many(self, amounts: Objects, currencies: Objects, usds: Objects, days: npt.NDArray[np.int32]) -> Objects:
        """`usd` over columns (Decimals and None in object arrays, dates as day numbers): one rate
        look-up per currency, the products element-wise."""
        given = ~is_none(amounts)
        out: Objects = np.where(given, usds, None).astype(object)
        need = given & is_none(out)
        if not need.any():
            return out
        currency = np.full(len(currencies), None, dtype=object)
        currency[need] = currencies[need]
        plain = np.asarray(currency == "USD", dtype=np.bool_)
        out[plain] = amounts[plain]
        need &= ~plain
        for code in set(currency[need].tolist()) - {None}:
            rows = self._rates.get(code)
            if not rows:
                continue
            at = np.flatnonzero(need & np.asarray(currency == code, dtype=np.bool_))
            dates = day_numbers([r[0] for r in rows])
            i = np.searchsorted(dates, days[at], side="right") - 1
            rates = np.empty(len(rows), dtype=object)
            rates[:] = [r[2] for r in rows]
            found = i >= 0
            out[at[found]] = amounts[at[found]] * rates[i[found]]
        return out
