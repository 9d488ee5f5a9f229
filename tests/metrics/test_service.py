"""ledger/metrics/service.py below the HTTP layer: stored yearly parts, what reads combine, and
what is judged at read time."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from ledger import loading
from ledger.chains import maintain
from ledger.db import aware, create_db_engine, make_session_factory, unit_of_work
from ledger.events import service as events_service
from ledger.metrics import service as metrics_service
from ledger.metrics.models import MetricPart
from ledger.metrics.regional import Period
from tests.metrics.support import WORKED_EXAMPLE, assert_metrics, load_example, recorded_at

QUESTION = metrics_service.Question(Period(dt.date(2005, 1, 1), dt.date(2016, 12, 31)), 10)


def _caught_up(factory: sessionmaker[Session]) -> None:
    """What a worker does after new events: the liquidity table, then the metric parts."""
    with unit_of_work(factory) as session:
        maintain.catch_up(session)
    metrics_service.refresh_after(factory)


def _aware(value: dt.datetime) -> dt.datetime:
    at = aware(value)
    assert at is not None
    return at


def _parts(factory: sessionmaker[Session]) -> int:
    with factory() as session:
        return int(session.scalar(sa.select(sa.func.count()).select_from(MetricPart)) or 0)


def test_window_complete_is_judged_on_the_day_of_reading(
    client: TestClient, session_factory: sessionmaker[Session], worked_example: dict[str, Any]
) -> None:
    """The cohort's last liquidity event is gamma's IPO (2015-06-01): with W = 10 its window ends
    on 2025-06-01. Stored parts must not keep saying it is open once it has ended ("whether
    every cohort member's window has ended as of now"); nor must an as-of answer."""
    results = load_example(client, worked_example)
    _caught_up(session_factory)
    t = recorded_at(client, results[-1]["event_id"])
    for as_of in (None, t):
        (open_,) = metrics_service.answer(session_factory, slug="daejeon", questions=[QUESTION], as_of=as_of, today=dt.date(2020, 1, 1))
        assert open_["window_complete"] is False
        assert open_["window_ends_on"] == "2025-06-01"
        (last_day,) = metrics_service.answer(session_factory, slug="daejeon", questions=[QUESTION], as_of=as_of, today=dt.date(2025, 6, 1))
        assert last_day["window_complete"] is False  # a reinvestment on 2025-06-01 still counts
        (ended,) = metrics_service.answer(session_factory, slug="daejeon", questions=[QUESTION], as_of=as_of, today=dt.date(2025, 6, 2))
        assert ended["window_complete"] is True
        if as_of is None:
            assert ended["computed_at"] == open_["computed_at"]  # the same stored parts, read on another day
        assert_metrics(ended, WORKED_EXAMPLE)


def test_empty_cohort_has_no_window_end(client: TestClient, session_factory: sessionmaker[Session]) -> None:
    client.put("/v1/regions/busan", json={"name": "Busan", "members": [{"country": "KR", "subdivision": "KR-26"}]})
    (body,) = metrics_service.answer(session_factory, slug="busan", questions=[QUESTION], today=dt.date(2000, 1, 1))
    assert body["window_ends_on"] is None and body["window_complete"] is True


def test_periods_series_and_compare_combine_the_stored_years(
    client: TestClient, session_factory: sessionmaker[Session], worked_example: dict[str, Any]
) -> None:
    load_example(client, worked_example)
    _caught_up(session_factory)
    with session_factory() as session:
        rows = session.scalars(sa.select(MetricPart).where(MetricPart.region_slug == "daejeon"))
        stored = {p.year: _aware(p.computed_at) for p in rows}
    assert set(stored) >= set(range(1970, dt.date.today().year + 1))
    series = metrics_service.series(session_factory, slug="daejeon", from_year=2015, to_year=2016, window_years=10)
    assert [y["computed_at"] for y in series["years"]] == [stored[2015], stored[2016]]
    (direct,) = metrics_service.answer(session_factory, slug="daejeon", questions=[QUESTION])
    assert direct["computed_at"] == min(stored[y] for y in range(2005, 2017))
    assert_metrics(direct, WORKED_EXAMPLE)
    compared = metrics_service.compare(session_factory, slugs=["daejeon", "seoul"], period=QUESTION.period, window_years=10)
    assert compared["metrics"]["daejeon"]["computed_at"] == direct["computed_at"]


def test_a_read_never_writes_and_says_how_fresh_it_is(
    client: TestClient, session_factory: sessionmaker[Session], worked_example: dict[str, Any]
) -> None:
    """With nothing stored the answer is computed when asked, and nothing is stored by the read;
    stored parts behind the log are served as stale until the workers refresh them."""
    load_example(client, worked_example)
    with unit_of_work(session_factory) as session:
        maintain.catch_up(session)
    (cold,) = metrics_service.answer(session_factory, slug="daejeon", questions=[QUESTION])
    assert_metrics(cold, WORKED_EXAMPLE)
    assert (cold["seq"], cold["stale"]) == (31, False)
    assert _parts(session_factory) == 0
    metrics_service.refresh(session_factory)
    stored = _parts(session_factory)
    assert stored > 0
    client.post(
        "/v1/events",
        json={"type": "headcount.reported", "occurred_on": "2016-06-30", "data": {"firm": "gamma", "employees": 600}},
    )
    (behind,) = metrics_service.answer(session_factory, slug="daejeon", questions=[QUESTION])
    assert (behind["seq"], behind["stale"], behind["employment"]) == (31, True, 532)
    _caught_up(session_factory)
    (fresh,) = metrics_service.answer(session_factory, slug="daejeon", questions=[QUESTION])
    assert (fresh["seq"], fresh["stale"], fresh["employment"]) == (32, False, 612)
    assert _parts(session_factory) == stored  # refreshed in place


def test_parts_of_an_older_region_definition_are_never_served(
    client: TestClient, session_factory: sessionmaker[Session], worked_example: dict[str, Any]
) -> None:
    load_example(client, worked_example)
    _caught_up(session_factory)
    response = client.put(
        "/v1/regions/daejeon",
        json={
            "name": "Daejeon and Seoul",
            "members": [{"country": "KR", "subdivision": "KR-30"}, {"country": "KR", "subdivision": "KR-11"}],
        },
    )
    assert response.status_code == 200
    (wider,) = metrics_service.answer(session_factory, slug="daejeon", questions=[QUESTION])
    assert wider["region_revision"] == 2
    assert (wider["firms_founded"], wider["hops_out"]) == (4, 0)  # delta (Seoul) is in, alpha -> delta is local
    _caught_up(session_factory)  # the workers refresh the region's parts for its new definition
    (stored,) = metrics_service.answer(session_factory, slug="daejeon", questions=[QUESTION])
    assert {k: v for k, v in stored.items() if k != "computed_at"} == {k: v for k, v in wider.items() if k != "computed_at"}


def _computed(factory: sessionmaker[Session], slug: str) -> dict[int, tuple[int, dt.datetime]]:
    with factory() as session:
        rows = session.scalars(sa.select(MetricPart).where(MetricPart.region_slug == slug))
        return {p.year: (p.seq, _aware(p.computed_at)) for p in rows}


def test_new_events_recompute_only_the_regions_they_touch(
    client: TestClient, session_factory: sessionmaker[Session], worked_example: dict[str, Any]
) -> None:
    """A headcount of delta (Seoul) touches Seoul only: Daejeon's parts are not recomputed, yet
    they are exact through the new seq. A round in delta by vc1, liquid from alpha's IPO in
    Daejeon, is a hop out of Daejeon: both regions are recomputed. An exchange rate touches all."""
    load_example(client, worked_example)
    _caught_up(session_factory)
    before = {slug: _computed(session_factory, slug) for slug in ("daejeon", "seoul")}

    def post(type_: str, occurred_on: str, data: dict[str, Any]) -> None:
        assert client.post("/v1/events", json={"type": type_, "occurred_on": occurred_on, "data": data}).status_code == 201
        _caught_up(session_factory)

    post("headcount.reported", "2012-12-31", {"firm": "delta", "employees": 40})
    daejeon, seoul = _computed(session_factory, "daejeon"), _computed(session_factory, "seoul")
    assert {y: at for y, (_, at) in daejeon.items()} == {y: at for y, (_, at) in before["daejeon"].items()}
    assert {seq for seq, _ in daejeon.values()} == {32}
    assert seoul[2012][1] > before["seoul"][2012][1]
    (dj,) = metrics_service.answer(session_factory, slug="daejeon", questions=[QUESTION])
    assert (dj["seq"], dj["stale"]) == (32, False)
    assert_metrics(dj, WORKED_EXAMPLE)

    post("funding.round", "2012-06-01", {"firm": "delta", "round": "series_a", "investors": [{"investor": "vc1"}]})
    assert _computed(session_factory, "daejeon")[2012][1] > daejeon[2012][1]
    (dj,) = metrics_service.answer(session_factory, slug="daejeon", questions=[QUESTION])
    (se,) = metrics_service.answer(session_factory, slug="seoul", questions=[QUESTION])
    assert (dj["seq"], dj["stale"], dj["hops_out"], se["hops_in"]) == (33, False, 2, 2)

    daejeon, seoul = _computed(session_factory, "daejeon"), _computed(session_factory, "seoul")
    post("fx.rate", "2013-01-01", {"currency": "KRW", "usd_per_unit": "0.00090"})
    assert all(_computed(session_factory, slug)[2013][1] > was[2013][1] for slug, was in (("daejeon", daejeon), ("seoul", seoul)))


def test_parts_are_stored_from_1900_so_early_years_are_served_from_them(client: TestClient, session_factory: sessionmaker[Session]) -> None:
    """A firm founded in 1965: the stored parts reach back to 1900 (the default period's start),
    so a question about the 1960s is served from them (and counts the firm), not computed again
    on every read."""
    client.put("/v1/regions/daejeon", json={"name": "Daejeon", "members": [{"country": "KR", "subdivision": "KR-30"}]})
    founded = {
        "type": "firm.founded",
        "occurred_on": "1965-05-01",
        "data": {"firm": {"id": "old", "name": "Old"}, "location": {"country": "KR", "subdivision": "KR-30"}},
    }
    assert client.post("/v1/events", json=founded).status_code == 201
    _caught_up(session_factory)
    stored = _computed(session_factory, "daejeon")
    assert min(stored) == metrics_service.DEFAULT_FROM.year
    sixties = metrics_service.Question(Period(dt.date(1960, 1, 1), dt.date(1969, 12, 31)), 10)
    (body,) = metrics_service.answer(session_factory, slug="daejeon", questions=[sixties])
    assert body["firms_founded"] == 1
    assert body["computed_at"] == min(at for year, (_, at) in stored.items() if year <= 1969)


def test_the_sweep_sees_parts_never_refreshed_when_no_part_is_stored(session_factory: sessionmaker[Session]) -> None:
    # A worker killed in its first parts refresh, its message lost: no part row exists, so only
    # the parts' own watermark behind the liquidity one says that a refresh is owed.
    with unit_of_work(session_factory) as session:
        maintain.set_position(session, 5)
        assert session.scalar(sa.select(sa.func.count()).select_from(MetricPart)) == 0
        assert metrics_service.stale_parts(session) == 1
        maintain.set_position(session, 5, consumer=metrics_service.PARTS)
        assert metrics_service.stale_parts(session) == 0


@pytest.fixture
def loaded_postgres(postgres_url: str, worked_example: dict[str, Any]) -> Iterator[sessionmaker[Session]]:
    """The worked example on PostgreSQL (the parts lock is a row lock there), liquidity caught up."""
    engine = create_db_engine(postgres_url)
    factory = make_session_factory(engine)
    loading.load_document(factory, worked_example)
    with unit_of_work(factory) as session:
        maintain.catch_up(session)
    yield factory
    engine.dispose()


GAMMA_ROUND = {
    "type": "funding.round",
    "occurred_on": "2016-06-01",
    "data": {"firm": "gamma", "round": "other", "amount": {"amount": "1000", "currency": "USD"}},
}
GAMMA_HEADCOUNT = {"type": "headcount.reported", "occurred_on": "2016-12-31", "data": {"firm": "gamma", "employees": 600}}


def _append(factory: sessionmaker[Session], event: dict[str, Any], *, catch_up: bool) -> None:
    loading.load_document(factory, [event])
    if catch_up:
        with unit_of_work(factory) as session:
            maintain.catch_up(session)


def _after_first_pass(monkeypatch: pytest.MonkeyPatch, action: Callable[[dict[str, Any]], None]) -> None:
    """Run `action` (given the pass's arguments) once, while the first refresh pass still holds
    the parts watermark: what a concurrent catch-up does meanwhile."""
    refresh_between = metrics_service._refresh_between
    done = False

    def meanwhile(*args: Any, **kwargs: Any) -> int:
        nonlocal done
        written = refresh_between(*args, **kwargs)
        if not done:
            done = True
            action(kwargs)
        return written

    monkeypatch.setattr(metrics_service, "_refresh_between", meanwhile)


def test_a_refresh_leaves_at_once_while_another_one_runs(loaded_postgres: sessionmaker[Session]) -> None:
    """Waiting for the running refresh held a worker process for all of it; with two processes
    both could wait so, and no catch-up of the liquidity table could run meanwhile."""
    factory = loaded_postgres
    with unit_of_work(factory) as session:
        maintain.ensure_row(session, metrics_service.PARTS)
    with factory() as running, running.begin():
        assert maintain.try_lock(running, consumer=metrics_service.PARTS) == 0  # another refresh holds the watermark
        done: list[int] = []
        skipped = threading.Thread(target=lambda: done.append(metrics_service.refresh_after(factory)))
        skipped.start()
        skipped.join(timeout=60)
        assert not skipped.is_alive(), "the refresh waited for the running one"
        assert done == [0]
    assert _parts(factory) == 0
    metrics_service.refresh_after(factory)  # the lock is free again: this one does the work
    with factory() as session:
        assert maintain.position(session, consumer=metrics_service.PARTS) == maintain.position(session)
    assert _parts(factory) > 0


def test_the_running_refresh_goes_on_to_the_events_a_skipped_one_left(
    loaded_postgres: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    """While a refresh works, new events are caught up and their own refresh finds the
    watermark taken and leaves: the running refresh must notice them when it ends."""
    factory = loaded_postgres
    skipped: list[int] = []

    def new_events_and_their_refresh(_: dict[str, Any]) -> None:
        _append(factory, GAMMA_ROUND, catch_up=True)
        inner = threading.Thread(target=lambda: skipped.append(metrics_service.refresh_after(factory)), daemon=True)
        inner.start()
        inner.join(timeout=60)
        assert not inner.is_alive(), "the new events' refresh waited for the running one"

    _after_first_pass(monkeypatch, new_events_and_their_refresh)
    metrics_service.refresh_after(factory)
    assert skipped == [0]
    with factory() as session:
        head = events_service.head_seq(session)
        assert maintain.position(session) == maintain.position(session, consumer=metrics_service.PARTS) == head
    (body,) = metrics_service.answer(factory, slug="daejeon", questions=[QUESTION])
    assert body["seq"] == head and body["stale"] is False
    assert body["funding_usd"] == "6001000.00"


def test_the_running_refresh_leaves_newer_events_to_later_while_a_load_is_under_way(
    loaded_postgres: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same, but the log has run ahead of the liquidity table by more than `max_backlog`
    meanwhile: the refresh stops after its pass (the catch-up after the load refreshes)."""
    factory = loaded_postgres
    first: list[int] = []

    def a_load_under_way(pass_: dict[str, Any]) -> None:
        first.append(pass_["upto"])
        _append(factory, GAMMA_ROUND, catch_up=True)  # the liquidity watermark moves past this pass
        _append(factory, GAMMA_HEADCOUNT, catch_up=False)  # and the log one event beyond it

    _after_first_pass(monkeypatch, a_load_under_way)
    metrics_service.refresh_after(factory, max_backlog=0)
    with factory() as session:
        assert maintain.position(session, consumer=metrics_service.PARTS) == first[0] < maintain.position(session)
    metrics_service.refresh_after(factory, max_backlog=0)  # the next catch-up's refresh takes them
    with factory() as session:
        assert maintain.position(session, consumer=metrics_service.PARTS) == maintain.position(session)
