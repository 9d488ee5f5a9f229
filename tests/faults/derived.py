"""Derived state compared with a full rebuild from the log, after a fault.

Three layers are derived from the log: the projections (written in the append's transaction),
the liquidity table and the metric parts (both written by workers, behind watermarks). Each is
compared with the same state derived from scratch: projections and liquidity by replaying in a
transaction that is then rolled back (tests/ledger/test_rebuild.py, test_redelivery.py do the
same per layer), metric parts by computing every stored year anew in one read snapshot, as
`metrics_service.refresh` would, without writing.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ledger.actors.models import Actor
from ledger.chains import liquidity, maintain
from ledger.chains.models import LiquidityEvent
from ledger.db import create_db_engine, make_session_factory, read_snapshot
from ledger.events.models import EventActor, Retraction
from ledger.events.service import head_seq
from ledger.metrics import service as metrics_service
from ledger.metrics.models import MetricPart
from ledger.metrics.regional import Period, RegionData
from ledger.projections.archive import ARCHIVES
from ledger.projections.models import PROJECTION_TABLES
from ledger.projections.rebuild import rebuild
from ledger.regions import service as regions_service
from ledger.schema import metadata

# Everything the replay rewrites, plus the log and its head, which it must leave alone.
PROJECTED: tuple[str, ...] = (
    *(str(m.__table__.name) for m in (*PROJECTION_TABLES, Actor, EventActor, Retraction)),  # type: ignore[attr-defined]
    *sorted(ARCHIVES),
    "event",
    "ledger_head",
)

Rows = list[tuple[Any, ...]]


@dataclass(frozen=True)
class Derived:
    head: int
    projected_rows: int
    liquidity_rows: int
    metric_parts: int


def _rows(session: Session, name: str) -> Rows:
    table = metadata.tables[name]
    return sorted((tuple(r) for r in session.execute(sa.select(table))), key=repr)


def _differences(name: str, live: Rows, fresh: Rows) -> str | None:
    if live == fresh:
        return None
    only_live = sorted(set(live) - set(fresh), key=repr)
    only_fresh = sorted(set(fresh) - set(live), key=repr)
    return f"{name}: {len(only_live)} rows only live (e.g. {only_live[:3]}), {len(only_fresh)} only rebuilt (e.g. {only_fresh[:3]})"


@dataclass(frozen=True)
class Watermarks:
    head: int
    liquidity: int
    metric_parts: int
    stale_parts: int

    @property
    def caught_up(self) -> bool:
        return self.liquidity == self.metric_parts == self.head and self.stale_parts == 0


def watermarks(database_url: str) -> Watermarks:
    """The log head and how far the workers' derived state has followed it, in one snapshot."""
    engine = create_db_engine(database_url)
    try:
        with read_snapshot(make_session_factory(engine)) as session:
            return Watermarks(
                head=head_seq(session),
                liquidity=maintain.position(session),
                metric_parts=maintain.position(session, consumer=metrics_service.PARTS),
                stale_parts=metrics_service.stale_parts(session),
            )
    finally:
        engine.dispose()


def caught_up(database_url: str) -> bool:
    """Both worker watermarks (liquidity, metric parts) at the log head and no part behind it."""
    return watermarks(database_url).caught_up


def assert_projections_equal_a_rebuild(database_url: str) -> int:
    """Every projection row equals a replay of the log (made, then rolled back); returns the rows."""
    engine = create_db_engine(database_url)
    session = make_session_factory(engine)()
    try:
        live = {name: _rows(session, name) for name in PROJECTED}
        rebuild(session)
        session.flush()
        problems = [p for name in PROJECTED if (p := _differences(name, live[name], _rows(session, name)))]
    finally:
        session.rollback()
        session.close()
        engine.dispose()
    assert not problems, "projections differ from a replay of the log:\n" + "\n".join(problems)
    return sum(len(rows) for rows in live.values())


def assert_derived_state_equals_a_full_rebuild(database_url: str, *, today: dt.date | None = None) -> Derived:
    """Projections, liquidity table and metric parts all equal what a full rebuild derives from
    the log as it is now, and the workers' watermarks are at its head."""
    today = today or dt.date.today()
    projected = assert_projections_equal_a_rebuild(database_url)
    engine = create_db_engine(database_url)
    factory = make_session_factory(engine)
    session = factory()
    try:
        head = head_seq(session)
        assert maintain.position(session) == head, f"liquidity watermark {maintain.position(session)}, log head {head}"
        stored = _rows(session, LiquidityEvent.__tablename__)
        liquidity.rebuild(session, upto=head)
        session.flush()
        problem = _differences("liquidity_event", stored, _rows(session, LiquidityEvent.__tablename__))
    finally:
        session.rollback()
        session.close()
    assert problem is None, problem
    try:
        parts = _assert_parts_equal_a_fresh_computation(factory, head=head, today=today)
    finally:
        engine.dispose()
    return Derived(head=head, projected_rows=projected, liquidity_rows=len(stored), metric_parts=parts)


def _json(values: dict[str, Any]) -> Any:
    # Stored parts went through JSONB: compare the computed ones in the same form.
    return json.loads(json.dumps(values))


def _assert_parts_equal_a_fresh_computation(factory: Any, *, head: int, today: dt.date) -> int:
    window = metrics_service.DEFAULT_WINDOW
    problems: list[str] = []
    count = 0
    with read_snapshot(factory) as session:
        assert maintain.position(session, consumer=metrics_service.PARTS) == head
        for region in regions_service.get_all(session):
            stored = {
                p.year: p
                for p in session.scalars(
                    sa.select(MetricPart).where(MetricPart.region_slug == region.slug, MetricPart.window_years == window)
                )
            }
            data = RegionData(session, region.members, window_years=window, until=dt.date(today.year, 12, 31))
            first_stored = metrics_service.FIRST_STORED_YEAR
            first = max(metrics_service.DEFAULT_FROM.year, min(first_stored, data.first_year() or first_stored))
            years = list(range(min([first, *stored]), today.year + 1))
            if sorted(stored) != years:
                held = f"{min(stored)}..{max(stored)}" if stored else "no year"
                problems.append(f"{region.slug}: parts stored for {held}, expected {years[0]}..{years[-1]}")
                continue
            periods = [Period(dt.date(y, 1, 1), dt.date(y, 12, 31)) for y in years]
            for year, part in zip(years, data.parts(periods, today), strict=True):
                row = stored[year]
                count += 1
                if (row.seq, row.region_revision) != (head, region.revision):
                    problems.append(f"{region.slug} {year}: part at seq {row.seq} revision {row.region_revision}, head {head}")
                elif row.values != _json(part.as_json()):
                    problems.append(f"{region.slug} {year}: stored {row.values} != computed {_json(part.as_json())}")
    assert not problems, "metric parts differ from a fresh computation:\n" + "\n".join(problems[:20])
    return count
