"""The vectorized yearly parts (ledger/metrics/yearly.py) against the row-by-row computation of
one region (ledger/metrics/regional.py, RegionData), part by part, on a seeded ledger with every
kind of fact (the bench generator: power-law exits, funds and LPs, listed firms investing,
relocations, closures, FX, retractions), on both backends; and the column form of USD
conversion against the scalar one."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session, sessionmaker

from bench import ledgers
from ledger import loading
from ledger.chains import maintain
from ledger.dates import day_number
from ledger.db import read_snapshot, unit_of_work
from ledger.metrics import service as metrics_service
from ledger.metrics.models import MetricPart
from ledger.metrics.regional import Period, RegionData
from ledger.money import FxTable
from ledger.regions import service as regions_service

TODAY = dt.date(2026, 6, 30)


def _json(values: dict[str, Any]) -> Any:
    return json.loads(json.dumps(values))


def test_every_stored_part_equals_the_row_by_row_computation(session_factory: sessionmaker[Session]) -> None:
    loading.load_document(session_factory, ledgers.generate(2500, seed=7))
    with unit_of_work(session_factory) as session:
        maintain.catch_up(session)
    written = metrics_service.refresh(session_factory, today=TODAY)
    assert written and all(n == TODAY.year - metrics_service.DEFAULT_FROM.year + 1 for n in written.values())
    compared = 0
    with read_snapshot(session_factory) as session:
        for region in regions_service.get_all(session):
            stored = {p.year: p.values for p in session.query(MetricPart).filter(MetricPart.region_slug == region.slug)}
            data = RegionData(session, region.members, window_years=10, until=dt.date(TODAY.year, 12, 31))
            years = sorted(stored)
            periods = [Period(dt.date(y, 1, 1), dt.date(y, 12, 31)) for y in years]
            for year, part in zip(years, data.parts(periods, TODAY), strict=True):
                assert stored[year] == _json(part.as_json()), f"{region.slug} {year}"
                compared += 1
            # Not empty: the comparison covers cohorts, hops and money.
            assert any(v["cohort"] for v in stored.values()) and any(v["sums"]["local_hops"] for v in stored.values())
    assert compared == sum(written.values())


CURRENCIES = ["USD", "KRW", "GBP", None]
amounts = st.one_of(st.none(), st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False, allow_infinity=False))
rows = st.tuples(amounts, st.sampled_from(CURRENCIES), amounts, st.dates(dt.date(1990, 1, 1), dt.date(2030, 12, 31)))


@settings(max_examples=60, deadline=None)
@given(st.lists(rows, max_size=40))
def test_column_conversion_equals_the_scalar_one(values: list[tuple[Decimal | None, str | None, Decimal | None, dt.date]]) -> None:
    fx = FxTable(
        {
            "KRW": [
                (dt.date(2000, 1, 1), 1, Decimal("0.0008")),
                (dt.date(2010, 6, 1), 2, Decimal("0.00085")),
                (dt.date(2010, 6, 1), 3, Decimal("0.0009")),
            ],
            "GBP": [(dt.date(2005, 1, 1), 4, Decimal("1.5"))],
        }
    )

    def column(i: int) -> Any:
        out = np.empty(len(values), dtype=object)
        out[:] = [v[i] for v in values]
        return out

    days = np.array([day_number(v[3]) for v in values], np.int32)
    got = fx.usd_many(column(0), column(1), column(2), days)
    assert list(got) == [fx.usd(a, c, u, d) for a, c, u, d in values]
