"""ledger/metrics/service.py below the HTTP layer: stored sets and what is judged at read time."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from ledger.metrics import compute
from ledger.metrics import service as metrics_service
from ledger.metrics.models import MetricSnapshot
from tests.metrics.support import WORKED_EXAMPLE, assert_metrics, load_example, recorded_at

QUESTION = metrics_service.Question(compute.Period(dt.date(2005, 1, 1), dt.date(2016, 12, 31)), 10)


def test_window_complete_is_judged_on_the_day_of_reading(
    client: TestClient, session_factory: sessionmaker[Session], worked_example: dict[str, Any]
) -> None:
    """The cohort's last liquidity event is gamma's IPO (2015-06-01): with W = 10 its window ends
    on 2025-06-01. A set stored while that window was open must not keep saying so once it has
    ended ("whether every cohort member's window has ended as of now"), for live and as-of sets."""
    results = load_example(client, worked_example)
    t = recorded_at(client, results[-1]["event_id"])
    for as_of in (None, t):
        (open_,) = metrics_service.answer(session_factory, slug="daejeon", questions=[QUESTION], as_of=as_of, today=dt.date(2020, 1, 1))
        assert open_["window_complete"] is False
        assert open_["window_ends_on"] == "2025-06-01"
        (last_day,) = metrics_service.answer(session_factory, slug="daejeon", questions=[QUESTION], as_of=as_of, today=dt.date(2025, 6, 1))
        assert last_day["window_complete"] is False  # a reinvestment on 2025-06-01 still counts
        (ended,) = metrics_service.answer(session_factory, slug="daejeon", questions=[QUESTION], as_of=as_of, today=dt.date(2025, 6, 2))
        assert ended["window_complete"] is True
        assert ended["computed_at"] == open_["computed_at"]  # the same stored set, read on another day
        assert_metrics(ended, WORKED_EXAMPLE)


def test_empty_cohort_has_no_window_end(client: TestClient, session_factory: sessionmaker[Session]) -> None:
    client.put("/v1/regions/busan", json={"name": "Busan", "members": [{"country": "KR", "subdivision": "KR-26"}]})
    (body,) = metrics_service.answer(session_factory, slug="busan", questions=[QUESTION], today=dt.date(2000, 1, 1))
    assert body["window_ends_on"] is None and body["window_complete"] is True


def test_series_and_compare_reuse_stored_sets(
    client: TestClient, session_factory: sessionmaker[Session], worked_example: dict[str, Any]
) -> None:
    load_example(client, worked_example)
    series = metrics_service.series(session_factory, slug="daejeon", from_year=2015, to_year=2016, window_years=10)
    (again_2016,) = metrics_service.answer(
        session_factory,
        slug="daejeon",
        questions=[metrics_service.Question(compute.Period(dt.date(2016, 1, 1), dt.date(2016, 12, 31)), 10)],
    )
    assert again_2016["computed_at"] == series["years"][1]["computed_at"]
    compared = metrics_service.compare(session_factory, slugs=["daejeon", "seoul"], period=QUESTION.period, window_years=10)
    (direct,) = metrics_service.answer(session_factory, slug="daejeon", questions=[QUESTION])
    assert compared["metrics"]["daejeon"]["computed_at"] == direct["computed_at"]


def test_sets_stored_without_a_window_end_are_recomputed(
    client: TestClient, session_factory: sessionmaker[Session], worked_example: dict[str, Any]
) -> None:
    """A set stored before `window_ends_on` existed carries a `window_complete` frozen on the day it
    was computed; it is recomputed on reading instead of being served as it is."""
    load_example(client, worked_example)
    (first,) = metrics_service.answer(session_factory, slug="daejeon", questions=[QUESTION], today=dt.date(2020, 1, 1))
    with session_factory() as session:
        row = session.scalars(sa.select(MetricSnapshot)).one()
        row.values = {k: v for k, v in row.values.items() if k != "window_ends_on"}
        session.commit()
    (again,) = metrics_service.answer(session_factory, slug="daejeon", questions=[QUESTION], today=dt.date(2026, 1, 1))
    assert again["computed_at"] != first["computed_at"]
    assert again["window_ends_on"] == "2025-06-01" and again["window_complete"] is True
    assert_metrics(again, WORKED_EXAMPLE)
