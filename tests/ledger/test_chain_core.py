"""The chain engine's columnar core: its date arithmetic equals the scalar one, and columns
refreshed event by event answer exactly what a whole read of the same log answers."""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path
from typing import Any

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from ledger.chains import core, frontier, pairs
from ledger.dates import add_years, add_years_days, day_numbers, from_day_number, window_opens, window_opens_days
from ledger.db import read_snapshot
from tests.ledger.histories import append_one, fresh_sqlite

DAYS = st.dates(min_value=dt.date(1800, 1, 1), max_value=dt.date(2200, 12, 31))


@settings(max_examples=200, deadline=None)
@given(days=st.lists(DAYS, min_size=1, max_size=50), years=st.integers(1, 50))
def test_vectorized_window_arithmetic_equals_the_scalar_one(days: list[dt.date], years: int) -> None:
    numbers = day_numbers(days)
    assert [from_day_number(d) for d in numbers] == days
    assert [from_day_number(d) for d in add_years_days(numbers, years)] == [add_years(d, years) for d in days]
    assert [from_day_number(d) for d in window_opens_days(numbers, years)] == [window_opens(d, years) for d in days]


def test_leap_days_map_to_the_28th() -> None:
    numbers = day_numbers([dt.date(2000, 2, 29), dt.date(2001, 3, 1)])
    assert [from_day_number(d) for d in add_years_days(numbers, 1)] == [dt.date(2001, 2, 28), dt.date(2002, 3, 1)]
    assert [from_day_number(d) for d in window_opens_days(numbers, 1)] == [dt.date(1999, 3, 1), dt.date(2000, 3, 1)]


def _answers(columns: core.Columns, members: list[dict[str, Any]]) -> dict[tuple[str, str, bool], Any]:
    """Every actor's chain both ways, any region and local: its firms with generation and first
    date, the multipliers, and the hops it uses, all by id."""
    out: dict[tuple[str, str, bool], Any] = {}
    built = core.build(columns, 10)
    ids = built.vocabulary.ids
    for root in sorted(ids):
        for direction in ("downstream", "upstream"):
            for region in (None, members):
                found = frontier.search(
                    built,
                    np.array([built.vocabulary.code(root)], dtype=np.int64),
                    direction=direction,  # type: ignore[arg-type]
                    region=region,
                )
                firms = {(ids[f], int(found.generation[f]), int(found.first_on[f])) for f in np.flatnonzero(found.generation > 0)}
                expanded = np.flatnonzero(found.was_expanded()).astype(np.int64)
                used = pairs.step(built, expanded, found.expanded[expanded], downstream=direction == "downstream", local=found.local)
                e, q = built.engagements, built.liquidity
                hops = sorted(
                    (ids[q.firm[a]], ids[e.target[b]], ids[e.actor[b]], int(e.kind[b]), int(q.on[a]), int(e.on[b]))
                    for a, b in zip(used.q.tolist(), used.e.tolist(), strict=True)
                )
                out[(root, direction, region is not None)] = (firms, found.multiplier, found.local_multiplier, hops)
    return out


def test_columns_refreshed_event_by_event_answer_as_a_whole_read(sqlite_template: Path, worked_example: dict[str, Any]) -> None:
    """The worked example appended one event at a time, then a round, a mentor, a founder
    joining, an actor registered somewhere and a retraction: after each, the columns extended by the new
    events' rows give every chain exactly as columns read whole do."""
    source = worked_example["events"][0]["source"]

    def event(kind: str, on: str, data: dict[str, Any]) -> dict[str, Any]:
        return {"event_id": str(uuid.uuid4()), "type": kind, "occurred_on": on, "source": source, "data": data}

    fund_raise = next(e for e in worked_example["events"] if e["type"] == "fund.raised")
    later = [
        # zeta moved to Seoul in 2014: p3's round there after gamma's IPO is not local to Daejeon
        event("funding.round", "2016-05-01", {"firm": "zeta", "round": "seed", "investors": [{"investor": "p3"}]}),
        event("person.joined", "2016-06-01", {"person": "p2", "org": "epsilon", "role": "advisor"}),
        event("person.joined", "2015-09-01", {"person": "p4", "org": "zeta", "role": "founder"}),
        event(
            "actor.registered",
            "2016-01-01",
            {"id": "p9", "type": "person", "name": "P9", "location": {"country": "KR", "subdivision": "KR-30"}},
        ),
        event("event.retracted", "2017-01-01", {"event_id": fund_raise["event_id"], "reason": "test"}),
    ]
    members = [{"country": "KR", "subdivision": "KR-30"}]
    with fresh_sqlite(sqlite_template) as factory:
        refreshed: core.Columns | None = None
        for raw in [*worked_example["events"], *later]:
            assert append_one(factory, raw), raw["type"]
            with read_snapshot(factory) as session:
                previous = refreshed
                refreshed = core.read(session, refreshed)
                whole = core.read(session)
            if previous is not None and raw["type"] != "event.retracted":  # extended, not read again
                assert refreshed.vocabulary.ids[: len(previous.vocabulary.ids)] == previous.vocabulary.ids
            assert (refreshed.seq, refreshed.head_hash) == (whole.seq, whole.head_hash)
            assert _answers(refreshed, members) == _answers(whole, members), raw["type"]
