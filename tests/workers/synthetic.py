"""A deterministic, valid ledger whose full hop derivation takes a few seconds.

A few VCs back most rounds and many firms exit, so each VC has many liquidity events, each
followed by many reinvestments: hops grow with (liquidity events x later rounds) per actor,
which makes the derivation heavy while the ledger stays small enough to load quickly.
Founders of earlier firms found again, invest as angels and commit to funds that invest too,
so every hop kind but `mentor` occurs. Events come out in an order the ledger accepts.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

FIRST_FOUNDING = dt.date(1990, 1, 1)
LAST_FOUNDING = dt.date(2014, 12, 31)
LAST_DAY = dt.date(2023, 12, 31)
SUBDIVISIONS = ("KR-30", "KR-11", "KR-41")
ROUNDS = ("seed", "series_a", "series_b", "series_c")


def _usd(amount: int) -> dict[str, str]:
    return {"amount": str(amount), "currency": "USD"}


def _location(rng: random.Random) -> dict[str, str]:
    return {"country": "KR", "subdivision": rng.choice(SUBDIVISIONS)}


def _event(kind: str, on: dt.date, data: dict[str, Any]) -> dict[str, Any]:
    return {"type": kind, "occurred_on": on.isoformat(), "data": data}


def synthetic_ledger(*, firms: int, vcs: int, funds: int = 4, seed: int = 20260101) -> list[dict[str, Any]]:
    """About 3.5 events per firm; the number of hops grows roughly with firms^2 / vcs."""
    rng = random.Random(seed)
    vc_ids = [f"vc-{i}" for i in range(vcs)]
    fund_ids = [f"fund-{i}" for i in range(funds)]
    corp_ids = [f"corp-{i}" for i in range(3)]
    start = dt.date(1989, 1, 1)
    head = [
        _event(
            "actor.registered", start, {"id": org, "type": "organization", "kind": kind, "name": org.title(), "location": _location(rng)}
        )
        for org, kind in [*((v, "investor") for v in vc_ids), *((f, "investor") for f in fund_ids), *((c, "corporation") for c in corp_ids)]
    ]
    foundings = sorted(FIRST_FOUNDING + dt.timedelta(days=rng.randrange((LAST_FOUNDING - FIRST_FOUNDING).days)) for _ in range(firms))
    people: list[str] = []  # persons already registered (by an earlier founding), in order
    dated: list[tuple[dt.date, int, dict[str, Any]]] = []  # (date, order within a day, event)
    for i, founded in enumerate(foundings):
        firm = f"firm-{i}"
        founders: list[Any] = []
        if people and rng.random() < 0.3:
            founders.append(rng.choice(people))  # a serial founder
        else:
            person = f"person-{len(people)}"
            founders.append({"id": person, "type": "person", "name": person.title(), "location": _location(rng)})
        data = {"firm": {"id": firm, "name": firm.title()}, "location": _location(rng), "founders": founders}
        dated.append((founded, 0, _event("firm.founded", founded, data)))
        earlier = list(people)
        people.extend(f["id"] for f in founders if isinstance(f, dict))
        if earlier and rng.random() < 0.02:
            lps = [{"lp": p, "commitment": _usd(rng.randrange(1, 20) * 100_000)} for p in rng.sample(earlier, min(len(earlier), 4))]
            dated.append((founded, 1, _event("fund.raised", founded, {"fund": rng.choice(fund_ids), "lps": lps})))
        on = founded
        for kind in ROUNDS[: rng.choice((2, 2, 3))]:
            on += dt.timedelta(days=rng.randrange(90, 700))
            pool = (
                rng.sample(vc_ids, 3)
                + rng.sample(earlier, min(len(earlier), rng.choice((0, 1))))
                + rng.sample(fund_ids, rng.choice((0, 0, 1)))
            )
            investors = [
                {"investor": x, "amount": _usd(rng.randrange(1, 40) * 50_000)} if rng.random() < 0.7 else {"investor": x} for x in pool
            ]
            round_data = {"firm": firm, "round": kind, "amount": _usd(rng.randrange(10, 200) * 100_000), "investors": investors}
            dated.append((on, 2, _event("funding.round", on, round_data)))
        if rng.random() < 0.45:
            exit_on = on + dt.timedelta(days=rng.randrange(200, 1500))
            if exit_on <= LAST_DAY and rng.random() < 0.4:
                cap = _usd(rng.randrange(20, 500) * 1_000_000)
                dated.append((exit_on, 3, _event("exit.ipo", exit_on, {"firm": firm, "exchange": "KOSDAQ", "market_cap": cap})))
            elif exit_on <= LAST_DAY:
                deal = {"firm": firm, "acquirer": rng.choice(corp_ids), "price": _usd(rng.randrange(10, 300) * 1_000_000)}
                dated.append((exit_on, 3, _event("exit.acquisition", exit_on, deal)))
    dated.sort(key=lambda item: (item[0], item[1]))
    return head + [event for _, _, event in dated]
