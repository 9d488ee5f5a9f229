"""Unit tests of ledger/metrics/compute.py on hand-built facts (no database): the rules of
spec/chains-and-metrics.md that the worked example does not reach."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest

from ledger.chains import derive
from ledger.chains.derive import HopFact
from ledger.chains.facts import Exit, Facts, Raise, Round, attributed, lp_shares
from ledger.metrics.compute import Period, compute, hop_flows, loop_depth
from ledger.metrics.snapshot import Deal, ExitValue, Founding, MetricFacts
from ledger.regions.patterns import LocationT
from tests.metrics.support import assert_metrics

D30: LocationT = ("KR", "KR-30", None)
D11: LocationT = ("KR", "KR-11", None)
US: LocationT = ("US", None, None)
DAEJEON = [{"country": "KR", "subdivision": "KR-30"}]
SEOUL = [{"country": "KR", "subdivision": "KR-11"}]
KOREA = [{"country": "KR"}]
TODAY = dt.date(2030, 1, 1)


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def usd(value: int | str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


class World:
    """Facts as the projections would hold them, built event by event (seq in call order)."""

    def __init__(self) -> None:
        self.seq = 0
        self.chain = Facts()
        self.foundings: dict[str, Founding] = {}
        self.origins: dict[str, list[str]] = {}
        self.actors: dict[str, tuple[str, str | None, LocationT | None]] = {}
        self.closed_on: dict[str, dt.date] = {}
        self.exits: list[ExitValue] = []
        self.headcounts: dict[str, list[tuple[dt.date, int, int]]] = {}
        self.deals: list[Deal] = []

    def _next(self) -> int:
        self.seq += 1
        return self.seq

    def actor(self, actor_id: str, location: LocationT | None = None, *, type_: str = "person", kind: str | None = None) -> World:
        self.actors[actor_id] = (type_, kind, location)
        return self

    def found(self, firm: str, on: str, location: LocationT, founders: Sequence[str], origins: Sequence[str] = ()) -> World:
        seq = self._next()
        self.actors[firm] = ("organization", "startup", location)
        self.foundings[firm] = Founding(firm, day(on), location)
        self.chain.founded.add(firm)
        self.chain.locations.setdefault(firm, []).append((day(on), seq, location))
        self.chain.founders |= {(firm, p, day(on), seq) for p in founders}
        for p in founders:
            self.actors.setdefault(p, ("person", None, None))
        self.origins[firm] = list(origins)
        return self

    def joined_as_founder(self, person: str, firm: str, on: str) -> World:
        self.chain.founders.add((firm, person, day(on), self._next()))
        return self

    def mentor(self, person: str, firm: str, on: str) -> World:
        """person.joined with a mentor, advisor or board role."""
        self.chain.mentors.add((person, firm, day(on), self._next()))
        return self

    def relocate(self, firm: str, on: str, location: LocationT) -> World:
        self.chain.locations[firm].append((day(on), self._next(), location))
        self.chain.locations[firm].sort()
        return self

    def round(self, firm: str, on: str, amount: int | None, investors: Sequence[tuple[str, int | None]]) -> World:
        seq = self._next()
        total = usd(amount)
        split = attributed(total, [(inv, own is not None, usd(own)) for inv, own in investors])
        self.chain.rounds[seq] = Round(seq, firm, day(on), total, tuple(split), has_amount=amount is not None)
        return self

    def exit(self, firm: str, kind: str, on: str, value: int | None = None, proceeds: Sequence[str] | None = None) -> World:
        seq = self._next()
        self.chain.exits[seq] = Exit(seq, firm, kind, day(on), None if proceeds is None else tuple(proceeds))
        self.exits.append(ExitValue(firm, kind, day(on), usd(value), value is not None))
        return self

    def raise_(self, fund: str, on: str, lps: Sequence[tuple[str, int | None]]) -> World:
        seq = self._next()
        self.chain.raises[seq] = Raise(seq, fund, day(on), lp_shares([(lp, usd(c)) for lp, c in lps]))
        return self

    def close(self, firm: str, on: str) -> World:
        self.closed_on[firm] = day(on)
        return self

    def headcount(self, firm: str, on: str, employees: int) -> World:
        self.headcounts.setdefault(firm, []).append((day(on), self._next(), employees))
        self.headcounts[firm].sort()
        return self

    def deal(self, licensor: str, on: str, value: int | None, *, unconverted: bool = False) -> World:
        self._next()
        self.deals.append(Deal(licensor, day(on), usd(value), unconverted))
        return self

    def facts(self) -> MetricFacts:
        liquidity, hops = derive.derive(self.chain)
        return MetricFacts(
            seq=self.seq,
            chain=self.chain,
            liquidity=liquidity,
            hops=hops,
            foundings=dict(self.foundings),
            origins=dict(self.origins),
            actors=dict(self.actors),
            closed_on=dict(self.closed_on),
            exits=list(self.exits),
            headcounts=dict(self.headcounts),
            deals=list(self.deals),
        )

    def metrics(
        self, start: str, end: str, region: Sequence[dict[str, Any]] = DAEJEON, window: int = 10, today: dt.date = TODAY
    ) -> dict[str, Any]:
        return compute(self.facts(), region=region, period=Period(day(start), day(end)), window_years=window, today=today)


def exited_founder() -> World:
    """x founded a (Daejeon) in 2000; a went public on 2005-05-05, so x is liquid from then."""
    return World().actor("x", D30).found("a", "2000-01-01", D30, ["x"]).exit("a", "ipo", "2005-05-05", 1_000)


# ---- period, shares, money ---------------------------------------------------------------------


def test_period_bounds_are_inclusive() -> None:
    p = Period(day("2005-01-01"), day("2005-12-31"))
    assert day("2005-01-01") in p and day("2005-12-31") in p
    assert day("2004-12-31") not in p and day("2006-01-01") not in p


def test_empty_facts_give_zeros_and_nulls() -> None:
    out = World().metrics("2000-01-01", "2020-12-31")
    nulls = [k for k, v in out.items() if v is None]
    assert sorted(nulls) == sorted(
        [
            "recycling_rate",
            "local_recycling_rate",
            "median_reinvestment_lag_days",
            "recycled_funding_share",
            "local_funding_share",
            "serial_founder_share",
            "retention_rate",
            "window_ends_on",
        ]
    )
    assert out["spinoff_share"] == {} and out["window_complete"] is True
    assert out["funding_usd"] == out["exit_value_usd"] == out["licensing_value_usd"] == "0.00"


# ---- funding shares ----------------------------------------------------------------------------


def test_round_without_investors_adds_its_amount_to_the_denominator_only() -> None:
    w = exited_founder().found("b", "2006-01-01", D30, ["y"])
    w.round("b", "2007-01-01", 1_000_000, [])  # amount, nobody named
    w.round("b", "2008-01-01", 500_000, [("x", 500_000)])  # x, recycled and in Daejeon
    out = w.metrics("2006-01-01", "2008-12-31")
    assert_metrics(out, {"funding_usd": "1500000", "recycled_funding_share": Fraction(1, 3), "local_funding_share": Fraction(1, 3)})


def test_investors_without_amount_share_the_rest_equally() -> None:
    w = exited_founder().actor("v", D11, type_="organization", kind="investor").actor("u", D30, type_="organization", kind="investor")
    w.found("b", "2006-01-01", D30, ["y"])
    # 900,000 - 300,000 (x) = 600,000 split between v (Seoul) and u (Daejeon).
    w.round("b", "2007-01-01", 900_000, [("x", 300_000), ("v", None), ("u", None)])
    out = w.metrics("2007-01-01", "2007-12-31")
    assert_metrics(out, {"recycled_funding_share": Fraction(1, 3), "local_funding_share": Fraction(2, 3)})


def test_given_amounts_above_the_round_floor_the_rest_at_zero() -> None:
    w = exited_founder().actor("v", D11).found("b", "2006-01-01", D30, ["y"])
    w.round("b", "2007-01-01", 100, [("x", 300), ("v", None)])  # v gets max(100 - 300, 0) = 0
    out = w.metrics("2007-01-01", "2007-12-31")
    assert_metrics(out, {"funding_usd": "100", "recycled_funding_share": Fraction(1), "local_funding_share": Fraction(1)})


@pytest.mark.parametrize(
    ("round_on", "window", "recycled"),
    [
        ("2005-05-05", 10, False),  # the exit's own day is not "after" it
        ("2005-05-06", 10, True),
        ("2015-05-05", 10, True),  # t + W years is inside the window
        ("2015-05-06", 10, False),
        ("2006-05-05", 1, True),
        ("2006-05-06", 1, False),
    ],
)
def test_recycled_fraction_window_bounds(round_on: str, window: int, recycled: bool) -> None:
    w = exited_founder().found("b", "2005-01-01", D30, ["y"]).round("b", round_on, 1_000, [("x", 1_000)])
    out = w.metrics(round_on, round_on, window=window)
    assert_metrics(out, {"recycled_funding_share": Fraction(int(recycled))})


def test_recycled_fraction_counts_liquidity_anywhere() -> None:
    """recycled_fraction is about the investor, not the region: x's money is recycled even when
    x's exit happened in Seoul and the round is in Daejeon."""
    w = World().actor("x", US).found("a", "2000-01-01", D11, ["x"]).exit("a", "acquisition", "2005-05-05", 1_000)
    w.found("b", "2006-01-01", D30, ["y"]).round("b", "2007-01-01", 1_000, [("x", None)])
    assert_metrics(w.metrics("2007-01-01", "2007-12-31"), {"recycled_funding_share": Fraction(1), "local_funding_share": Fraction(0)})


@pytest.mark.parametrize(
    ("commitments", "share"),
    [
        ([("x", 3_000_000), ("y", 1_000_000)], Fraction(3, 4)),  # weights are USD commitments
        ([("x", 3_000_000), ("y", None)], Fraction(1, 2)),  # one missing: every LP weighs the same
        ([("x", None), ("y", None), ("z", None)], Fraction(1, 3)),
    ],
)
def test_fund_money_is_recycled_by_its_lp_weights(commitments: list[tuple[str, int | None]], share: Fraction) -> None:
    w = exited_founder().actor("fund", D30, type_="organization", kind="investor")
    w.raise_("fund", "2006-01-01", commitments)
    w.found("b", "2006-06-01", D30, ["b-founder"]).round("b", "2007-01-01", 1_000_000, [("fund", 1_000_000)])
    out = w.metrics("2007-01-01", "2007-12-31")
    assert_metrics(out, {"recycled_funding_share": share, "local_funding_share": Fraction(1)})
    # The fund hop carries x's share of the fund's money and counts as x's reinvestment.
    (hop,) = [h for h in w.facts().hops if h.kind == "fund"]
    assert (hop.source_id, hop.target_id, hop.via_id, hop.fund_id) == ("a", "b", "x", "fund")
    assert hop.amount_usd is not None and float(hop.amount_usd) == pytest.approx(1_000_000 * float(share))
    assert_metrics(w.metrics("2005-01-01", "2007-12-31"), {"liquidity_actors": 1, "recycling_rate": Fraction(1)})


def test_latest_raise_on_or_before_the_round_decides() -> None:
    w = exited_founder().actor("fund", D30, type_="organization", kind="investor")
    w.raise_("fund", "2006-01-01", [("x", 1)])  # all recycled
    w.raise_("fund", "2008-01-01", [("y", 1)])  # none recycled
    w.found("b", "2005-06-01", D30, ["z"])
    w.round("b", "2007-01-01", 100, [("fund", 100)])
    w.round("b", "2008-01-01", 100, [("fund", 100)])  # the 2008 raise is on the round's day: it counts
    assert_metrics(w.metrics("2007-01-01", "2007-12-31"), {"recycled_funding_share": Fraction(1)})
    assert_metrics(w.metrics("2008-01-01", "2008-12-31"), {"recycled_funding_share": Fraction(0)})
    # A fund with no raise yet is nobody's recycled money.
    w.round("b", "2005-12-01", 100, [("fund", 100)])
    assert_metrics(w.metrics("2005-12-01", "2005-12-01"), {"recycled_funding_share": Fraction(0)})


def test_lp_recycled_after_the_raise_does_not_count() -> None:
    """The LP must have been recycled on the raise's date, not later."""
    w = World().actor("fund", D30, type_="organization", kind="investor")
    w.raise_("fund", "2004-01-01", [("x", 1)])
    w.actor("x", D30).found("a", "2000-01-01", D30, ["x"]).exit("a", "ipo", "2005-05-05")
    w.found("b", "2006-06-01", D30, ["z"]).round("b", "2007-01-01", 100, [("fund", 100)])
    assert_metrics(w.metrics("2007-01-01", "2007-12-31"), {"recycled_funding_share": Fraction(0)})


def test_listed_firm_money_is_recycled_but_not_a_liquidity_actor() -> None:
    """A listed firm investing within W after its IPO yields a hop and recycled capital, but does
    not enter liquidity_actors or the recycling rates."""
    w = exited_founder().found("b", "2006-01-01", D30, ["y"]).round("b", "2007-01-01", 1_000, [("a", 1_000)])
    out = w.metrics("2005-01-01", "2007-12-31")
    assert_metrics(
        out,
        {
            "liquidity_actors": 1,  # x only
            "recycling_rate": Fraction(0),
            "median_reinvestment_lag_days": None,
            "recycled_funding_share": Fraction(1),
            "local_hops": 1,
            "loop_depth": 1,
        },
    )


def test_listed_firm_as_lp_of_a_local_fund() -> None:
    """The Daejeon pattern: a listed alumni firm puts money into a fund for younger firms. The
    fund's money is recycled by the listed firm's share of the LP weights (its IPO counts as its
    liquidity), and the hop runs from the listed firm to the fund's portfolio firm."""
    w = exited_founder().actor("fund", D30, type_="organization", kind="investor")
    w.raise_("fund", "2006-01-01", [("a", 1_000_000), ("bank", 3_000_000)])
    w.found("b", "2006-06-01", D30, ["z"]).round("b", "2007-01-01", 800, [("fund", 800)])
    out = w.metrics("2007-01-01", "2007-12-31")
    assert_metrics(out, {"recycled_funding_share": Fraction(1, 4), "local_hops": 1, "liquidity_actors": 0})
    (hop,) = w.facts().hops
    assert (hop.source_id, hop.via_id, hop.kind, hop.listed, hop.target_id) == ("a", "a", "fund", True, "b")
    assert hop.amount_usd == Decimal(200)


def test_listed_firm_hops_are_capital_or_fund_only() -> None:
    """A listed firm does not found or mentor; only its money makes hops."""
    w = exited_founder().found("b", "2006-01-01", D30, ["y"]).mentor("a", "b", "2007-01-01")
    assert [h for h in w.facts().hops if h.via_id == "a"] == []


# ---- recycling rates ---------------------------------------------------------------------------


def test_mentoring_counts_as_reinvestment() -> None:
    w = exited_founder().found("b", "2006-01-01", D11, ["y"]).mentor("x", "b", "2007-01-01")
    out = w.metrics("2005-01-01", "2007-12-31")
    # 2005-05-05 -> 2007-01-01: 606 days; b is in Seoul.
    assert_metrics(
        out,
        {"recycling_rate": Fraction(1), "local_recycling_rate": Fraction(0), "median_reinvestment_lag_days": 606.0, "hops_out": 1},
    )
    (hop,) = w.facts().hops
    assert (hop.kind, hop.amount_usd) == ("mentor", None)


def test_recycling_counts_from_the_earliest_liquidity_event_in_the_period() -> None:
    """x is liquid from a (2005) and from c (2012); with P = 2010.. the cohort date is 2012 and
    a reinvestment of 2008 (after the 2005 exit) does not count; one in 2013 does."""
    w = exited_founder().found("c", "2001-01-01", D30, ["x"]).found("b", "2008-01-01", D30, ["x"])
    w.exit("c", "acquisition", "2012-01-01", 10)
    assert_metrics(w.metrics("2010-01-01", "2014-12-31"), {"liquidity_actors": 1, "recycling_rate": Fraction(0)})
    assert_metrics(w.metrics("2005-01-01", "2014-12-31"), {"liquidity_actors": 1, "recycling_rate": Fraction(1)})
    w.found("d", "2013-01-01", D11, ["x"])  # after the 2012 exit, in Seoul
    assert_metrics(
        w.metrics("2010-01-01", "2014-12-31"),
        {"recycling_rate": Fraction(1), "local_recycling_rate": Fraction(0), "median_reinvestment_lag_days": 366.0},
    )


def test_liquidity_of_firms_outside_the_region_is_not_in_the_cohort() -> None:
    w = World().found("a", "2000-01-01", D11, ["x"]).exit("a", "ipo", "2005-05-05").found("b", "2006-01-01", D30, ["x"])
    assert_metrics(w.metrics("2005-01-01", "2010-12-31"), {"liquidity_actors": 0, "recycling_rate": None, "hops_in": 1})
    assert_metrics(w.metrics("2005-01-01", "2010-12-31", region=SEOUL), {"liquidity_actors": 1, "local_recycling_rate": Fraction(0)})


def test_proceeds_replace_the_inferred_participants() -> None:
    w = exited_founder()
    w.found("c", "2001-01-01", D30, ["y"]).round("c", "2002-01-01", 10, [("v", 10)])
    w.exit("c", "acquisition", "2006-01-01", 10, proceeds=["v", "angel"])  # y, a founder, not listed
    out = w.metrics("2006-01-01", "2006-12-31")
    assert out["liquidity_actors"] == 2


def test_median_lag_odd_and_even() -> None:
    w = World()
    for i, hop_day in enumerate(["2005-01-11", "2005-01-31", "2005-03-02"]):
        w.found(f"src{i}", "2000-01-01", D30, [f"p{i}"]).exit(f"src{i}", "ipo", "2005-01-01")
        w.found(f"dst{i}", hop_day, D30, [f"p{i}"])
    assert_metrics(w.metrics("2005-01-01", "2005-12-31"), {"median_reinvestment_lag_days": 30.0, "recycling_rate": Fraction(1)})
    w.found("src3", "2000-01-01", D30, ["p3"]).exit("src3", "ipo", "2005-01-01").found("dst3", "2005-04-01", D30, ["p3"])
    # lags 10, 30, 60, 90
    assert_metrics(w.metrics("2005-01-01", "2005-12-31"), {"median_reinvestment_lag_days": 45.0})


@pytest.mark.parametrize(("today", "complete"), [(dt.date(2015, 5, 5), False), (dt.date(2015, 5, 6), True), (dt.date(2010, 1, 1), False)])
def test_window_complete_once_every_window_has_ended(today: dt.date, complete: bool) -> None:
    out = exited_founder().metrics("2005-01-01", "2005-12-31", today=today)
    assert out["window_complete"] is complete


# ---- firms -------------------------------------------------------------------------------------


def test_active_firms_and_retention() -> None:
    w = World()
    w.found("stays", "2001-01-01", D30, ["p1"])
    w.found("closes", "2001-01-01", D30, ["p2"]).close("closes", "2005-01-01")
    w.found("bought", "2001-01-01", D30, ["p3"]).exit("bought", "acquisition", "2005-01-01")
    w.found("listed", "2001-01-01", D30, ["p4"]).exit("listed", "ipo", "2005-01-01")
    w.found("leaves", "2001-01-01", D30, ["p5"]).relocate("leaves", "2005-01-01", D11)
    w.found("arrives", "2001-01-01", D11, ["p6"]).relocate("arrives", "2005-01-01", D30)
    w.found("later", "2007-01-01", D30, ["p7"])
    out = w.metrics("2006-01-01", "2006-12-31")
    # Active at the end of 2006 in Daejeon: stays, listed, arrives. Retention over the firms
    # founded in Daejeon, not gone by then (stays, listed, leaves): 2/3.
    assert_metrics(out, {"active_firms": 3, "retention_rate": Fraction(2, 3), "firms_founded": 0})
    # Before the moves, closures and the sale, at the end of 2004:
    assert_metrics(w.metrics("2004-01-01", "2004-12-31"), {"active_firms": 5, "retention_rate": Fraction(1)})
    # The relocation date itself: in the new region on that day.
    assert_metrics(w.metrics("2005-01-01", "2005-01-01"), {"active_firms": 3})


def test_serial_founders_need_an_earlier_date_and_founder_status_at_founding() -> None:
    w = World()
    w.found("first", "2001-01-01", D11, ["s"])
    w.found("serial", "2003-01-01", D30, ["s", "n"])  # s founded "first" before: serial
    w.found("twin-a", "2004-01-01", D30, ["t"])
    w.found("twin-b", "2004-01-01", D30, ["t"])  # same day as twin-a: not earlier
    w.found("late", "2004-06-01", D30, ["l"])
    w.joined_as_founder("s", "late", "2005-01-01")  # s became founder of "late" only later
    out = w.metrics("2003-01-01", "2004-12-31")
    assert_metrics(out, {"firms_founded": 4, "serial_founder_share": Fraction(1, 4)})


def test_spinoff_share_by_origin_kind() -> None:
    w = World().actor("kribb", D30, type_="organization", kind="research_institute")
    w.actor("kaist", D30, type_="organization", kind="university").actor("lgchem", D30, type_="organization", kind="corporation")
    w.found("f1", "2001-01-01", D30, ["p1"], origins=["kribb"])
    w.found("f2", "2001-01-01", D30, ["p2"], origins=["kribb", "kaist"])
    w.found("f3", "2001-01-01", D30, ["p3"], origins=["lgchem"])
    w.found("f4", "2001-01-01", D30, ["p4"])
    out = w.metrics("2001-01-01", "2001-12-31")
    assert_metrics(
        out,
        {"spinoff_share": {"research_institute": Fraction(2, 4), "university": Fraction(1, 4), "corporation": Fraction(1, 4)}},
    )


def test_employment_uses_the_latest_report_and_500_is_large() -> None:
    w = World().found("f1", "2001-01-01", D30, ["p1"]).found("f2", "2001-01-01", D30, ["p2"])
    w.headcount("f1", "2003-01-01", 800).headcount("f1", "2004-01-01", 500).headcount("f1", "2009-01-01", 10)
    w.headcount("f2", "2004-06-01", 499)
    w.found("gone", "2001-01-01", D30, ["p3"]).headcount("gone", "2004-01-01", 1000).close("gone", "2004-06-01")
    assert_metrics(w.metrics("2004-01-01", "2004-12-31"), {"employment": 999, "large_firms": 1, "active_firms": 2})


def test_licensing_deals_of_any_licensor_in_the_region() -> None:
    w = World().actor("kaist", D30, type_="organization", kind="university").found("f1", "2001-01-01", D30, ["p1"])
    w.deal("kaist", "2005-01-01", 1_000)
    w.deal("f1", "2005-02-01", None, unconverted=True)
    w.deal("f1", "2005-03-01", 2_000, unconverted=True)  # part converted, part not
    w.relocate("f1", "2005-06-01", D11).deal("f1", "2005-07-01", 4_000)  # no longer in Daejeon
    assert_metrics(w.metrics("2005-01-01", "2005-12-31"), {"licensing_deals": 3, "licensing_value_usd": "3000", "licensing_unconverted": 2})


# ---- hops and loop depth -----------------------------------------------------------------------


def _hop(source: str, target: str, liquidity_on: str, hop_on: str, src: LocationT = D30, dst: LocationT = D30) -> HopFact:
    return HopFact(
        source_id=source,
        via_id="x",
        kind="capital",
        cause_seq=0,
        fund_seq=0,
        target_id=target,
        fund_id=None,
        liquidity_on=day(liquidity_on),
        fund_on=None,
        hop_on=day(hop_on),
        amount_usd=None,
        min_window_years=1,
        listed=False,
        source_location=src,
        target_location=dst,
    )


def test_loop_depth_respects_time() -> None:
    a_b = _hop("a", "b", "2000-01-01", "2003-01-01")
    # b's exit (2002) came before the hop into b (2003): no chain a->b->c.
    b_c_early = _hop("b", "c", "2002-01-01", "2002-06-01")
    assert loop_depth([a_b, b_c_early]) == 1
    # The hop date may equal the next liquidity date.
    b_c = _hop("b", "c", "2003-01-01", "2003-06-01")
    assert loop_depth([b_c, a_b]) == 2
    assert loop_depth([]) == 0


def test_loop_depth_is_finite_on_cycles_and_takes_the_longest_chain() -> None:
    hops = [
        _hop("a", "b", "2000-01-01", "2001-01-01"),
        _hop("b", "a", "2002-01-01", "2003-01-01"),
        _hop("a", "b", "2004-01-01", "2005-01-01"),
        _hop("b", "c", "2006-01-01", "2007-01-01"),
        _hop("a", "c", "2000-01-01", "2000-06-01"),  # a shortcut does not shorten the longest chain
    ]
    assert loop_depth(hops) == 4


def test_loop_depth_counts_only_local_hops_up_to_the_period_end() -> None:
    w = World()
    w.found("a", "2000-01-01", D30, ["x"]).exit("a", "ipo", "2002-01-01")
    w.found("b", "2003-01-01", D30, ["x", "y"]).exit("b", "ipo", "2004-01-01")
    w.found("c", "2005-01-01", D11, ["y", "z"]).exit("c", "ipo", "2006-01-01")  # Seoul breaks the local loop
    w.found("d", "2007-01-01", D30, ["z"])
    assert_metrics(w.metrics("2000-01-01", "2010-12-31"), {"loop_depth": 1, "local_hops": 1, "hops_out": 1, "hops_in": 1})
    assert_metrics(w.metrics("2000-01-01", "2010-12-31", region=KOREA), {"loop_depth": 3, "local_hops": 3})
    # Hop dates after the period's end are left out of the depth, those before its start are not.
    assert_metrics(w.metrics("2006-01-01", "2006-12-31", region=KOREA), {"loop_depth": 2, "local_hops": 0})


def test_hop_flows_count_a_hop_for_every_pair_it_fits() -> None:
    w = World()
    # x's hop into b comes a year and a day after a's IPO: it needs a window of two years.
    w.found("a", "2000-01-01", D30, ["x"]).exit("a", "ipo", "2002-01-01").found("b", "2003-01-02", D11, ["x"])
    facts = w.facts()
    regions = {"korea": KOREA, "daejeon": DAEJEON, "seoul": SEOUL}
    flows = hop_flows(facts, regions, Period(day("2003-01-01"), day("2003-12-31")), 10)
    assert flows == {
        "korea": {"korea": 1, "daejeon": 0, "seoul": 1},
        "daejeon": {"korea": 1, "daejeon": 0, "seoul": 1},
        "seoul": {"korea": 0, "daejeon": 0, "seoul": 0},
    }
    assert hop_flows(facts, regions, Period(day("2004-01-01"), day("2004-12-31")), 10)["daejeon"]["seoul"] == 0
    assert hop_flows(facts, regions, Period(day("2003-01-01"), day("2003-12-31")), 1)["daejeon"]["seoul"] == 0
    assert hop_flows(facts, regions, Period(day("2003-01-01"), day("2003-12-31")), 2)["daejeon"]["seoul"] == 1
