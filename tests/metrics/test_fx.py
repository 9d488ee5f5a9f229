"""Money in other currencies: converted at the latest fx.rate on or before the event's date;
without a rate the amount is reported as unconverted, never dropped silently or taken as USD."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction
from typing import Any

from fastapi.testclient import TestClient

from tests.metrics.support import (
    SOURCE,
    assert_metrics,
    catch_up,
    firm_founded,
    investor,
    metrics,
    person,
    post_batch,
    post_event,
    put_regions,
    wait_past,
)

DAEJEON = {"country": "KR", "subdivision": "KR-30"}
SEOUL = {"country": "KR", "subdivision": "KR-11"}
P = {"from": "2010-01-01", "to": "2014-12-31"}


def _krw(amount: str) -> dict[str, str]:
    return {"amount": amount, "currency": "KRW"}


def _rate(on: str, usd_per_unit: str, currency: str = "KRW") -> dict[str, Any]:
    return {"type": "fx.rate", "occurred_on": on, "source": SOURCE, "data": {"currency": currency, "usd_per_unit": usd_per_unit}}


def _round(on: str, stage: str, amount: dict[str, Any], investors: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "type": "funding.round",
        "occurred_on": on,
        "source": SOURCE,
        "data": {"firm": "kfirm", "round": stage, "amount": amount, "investors": investors},
    }


def _setup(client: TestClient) -> None:
    """kfirm (Daejeon) raises 1,000,000,000 KRW on 2011-03-01, before any KRW rate, and
    2,000,000,000 KRW on 2013-03-01 from kvc (Daejeon, no own amount) and svc (Seoul, 500,000,000
    KRW); the first KRW rate (0.001 USD) is valid from 2012-01-01."""
    put_regions(client, {"daejeon": {"name": "Daejeon", "members": [DAEJEON]}})
    post_batch(
        client,
        [
            firm_founded("kfirm", "2010-01-01", DAEJEON, [person("kim", DAEJEON)]),
            _round("2011-03-01", "seed", _krw("1000000000"), [{"investor": investor("kvc", DAEJEON)}]),
            _rate("2012-01-01", "0.001"),
            _round(
                "2013-03-01",
                "series_a",
                _krw("2000000000"),
                [{"investor": "kvc"}, {"investor": investor("svc", SEOUL), "amount": _krw("500000000")}],
            ),
        ],
    )


def test_rounds_convert_at_the_latest_rate_on_or_before_their_date(client: TestClient) -> None:
    _setup(client)
    catch_up(client)  # the workers store the yearly parts
    # 2013 round: 2,000,000 USD; svc 500,000 and kvc the remaining 1,500,000 (3/4 local). The
    # 2011 round has no rate: counted as unconverted, out of funding_usd and of the shares.
    first = metrics(client, "daejeon", **P)
    assert_metrics(
        first,
        {"funding_usd": "2000000", "rounds_unconverted": 1, "local_funding_share": Fraction(3, 4), "recycled_funding_share": Fraction(0)},
    )
    assert first["stale"] is False

    # A newer rate (valid from 2012-06-01) replaces 0.001 for the 2013 round: 1,600,000 USD.
    newer_at = dt.datetime.fromisoformat(post_event(client, _rate("2012-06-01", "0.0008"))["recorded_at"])
    # No worker runs here: the stored parts stay as they were, flagged stale ...
    stale = metrics(client, "daejeon", **P)
    assert stale["stale"] is True and stale["seq"] == first["seq"]
    assert_metrics(stale, {"funding_usd": "2000000"})
    # ... while a set nobody asked for yet is computed on demand from the whole log.
    fresh = metrics(client, "daejeon", **P, window_years=9)
    assert fresh["stale"] is False and fresh["seq"] == first["seq"] + 1
    assert_metrics(fresh, {"funding_usd": "1600000", "rounds_unconverted": 1, "local_funding_share": Fraction(3, 4)})
    # As of just before the new rate was recorded, the old conversion holds.
    before = newer_at - dt.timedelta(microseconds=1)
    assert_metrics(metrics(client, "daejeon", **P, window_years=9, as_of=before.isoformat()), {"funding_usd": "2000000"})

    # A rate dated on the round's own day applies to it ("on or before").
    wait_past(newer_at)
    post_event(client, _rate("2013-03-01", "0.0005"))
    assert_metrics(metrics(client, "daejeon", **P, window_years=8), {"funding_usd": "1000000", "rounds_unconverted": 1})
    # A rate dated after every round changes nothing in the period.
    post_event(client, _rate("2015-01-01", "0.01"))
    assert_metrics(metrics(client, "daejeon", **P, window_years=7), {"funding_usd": "1000000", "rounds_unconverted": 1})
    # A rate before the first round converts it too: 1,000,000,000 x 0.002; kvc's whole round is local.
    post_event(client, _rate("2011-01-01", "0.002"))
    # Attributed: 2011 kvc 2,000,000; 2013 svc 250,000 and kvc 750,000 -> local 2,750,000 / 3,000,000.
    assert_metrics(
        metrics(client, "daejeon", **P, window_years=6),
        {"funding_usd": "3000000", "rounds_unconverted": 0, "local_funding_share": Fraction(11, 12)},
    )


def test_given_usd_wins_and_unconvertible_values_are_reported(client: TestClient) -> None:
    _setup(client)
    post_batch(
        client,
        [
            # `usd` given with the amount: taken as is, whatever the KRW rate says.
            {
                "type": "license.deal",
                "occurred_on": "2014-02-01",
                "source": SOURCE,
                "data": {
                    "licensor": "kfirm",
                    "licensee": {"id": "jpharma", "type": "organization", "kind": "corporation", "name": "JPharma"},
                    "upfront": {"amount": "100000000", "currency": "JPY"},  # no JPY rate anywhere
                    "milestones": {"amount": "5000000", "currency": "USD"},
                },
            },
            {
                "type": "exit.ipo",
                "occurred_on": "2014-06-01",
                "source": SOURCE,
                "data": {
                    "firm": "kfirm",
                    "exchange": "KOSDAQ",
                    "market_cap": {"amount": "50000000000", "currency": "KRW", "usd": "40000000"},
                },
            },
        ],
    )
    body = metrics(client, "daejeon", **P)
    assert_metrics(
        body,
        {
            "exits": 1,
            "exit_value_usd": "40000000",
            "exits_unconverted": 0,
            "exits_without_value": 0,
            "licensing_deals": 1,
            # The USD milestones are counted; the JPY upfront is not, and the deal says so.
            "licensing_value_usd": "5000000",
            "licensing_unconverted": 1,
        },
    )


def test_exit_values_without_rate_or_without_value(client: TestClient) -> None:
    put_regions(client, {"daejeon": {"name": "Daejeon", "members": [DAEJEON]}})
    post_batch(
        client,
        [
            firm_founded("kfirm", "2010-01-01", DAEJEON, [person("kim", DAEJEON)]),
            firm_founded("lfirm", "2010-01-01", DAEJEON, [person("lee", DAEJEON)]),
            firm_founded("mfirm", "2010-01-01", DAEJEON, [person("min", DAEJEON)]),
            {
                "type": "exit.ipo",
                "occurred_on": "2012-06-01",
                "source": SOURCE,
                "data": {"firm": "kfirm", "exchange": "KOSDAQ", "market_cap": _krw("10000000000")},
            },
            {"type": "exit.ipo", "occurred_on": "2012-07-01", "source": SOURCE, "data": {"firm": "lfirm", "exchange": "KOSDAQ"}},
            {
                "type": "exit.acquisition",
                "occurred_on": "2013-01-01",
                "source": SOURCE,
                "data": {"firm": "mfirm", "acquirer": "kfirm", "price": {"amount": "3000000", "currency": "USD"}},
            },
        ],
    )
    # kfirm's market cap has no KRW rate; lfirm's IPO has no value: both count as exits, neither in the sum.
    assert_metrics(
        metrics(client, "daejeon", **P),
        {"exits": 3, "exit_value_usd": "3000000", "exits_unconverted": 1, "exits_without_value": 1, "active_firms": 2},
    )
    post_event(client, _rate("2012-01-01", "0.001"))
    assert_metrics(
        metrics(client, "daejeon", **P, window_years=5),
        {"exits": 3, "exit_value_usd": "13000000", "exits_unconverted": 0, "exits_without_value": 1},
    )
