"""Metric sets per region and period: combined from stored yearly parts, computed when missing.

The workers keep, per region and window, one part per calendar year (ledger/metrics/models.py),
refreshed after new events for the regions and years they touch. A question about whole years
(a period, a series, a comparison) is answered by combining stored parts. Any other question
(days inside a year, as of an earlier seq, a region or window with nothing stored yet) is
computed when asked from that region's rows only. A read never writes.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, sessionmaker
from sqlmodel import col

from ledger.chains import cores, maintain
from ledger.chains.core import Columns, build, read
from ledger.chains.places import Places
from ledger.db import aware, read_snapshot, unit_of_work
from ledger.errors import InvalidEvent
from ledger.events.models import EventRow
from ledger.events.service import head_seq
from ledger.metrics import facts, touched, yearly
from ledger.metrics.models import MetricPart
from ledger.metrics.regional import Part, Period, RegionData, metric_values
from ledger.regions import service as regions_service
from ledger.regions.models import Region
from ledger.regions.patterns import matches

DEFAULT_FROM = dt.date(1900, 1, 1)
# Parts are stored from this year on, the default period's first; a question about earlier years
# is computed when asked. So every whole-year question about the default period (the dashboard's
# series from 1900) is served from stored parts: the vectorized pass makes the early, mostly
# empty years cheap, and a year before a region's first fact is not empty (`firms_unlocated`
# counts firms anywhere).
FIRST_STORED_YEAR = DEFAULT_FROM.year
DEFAULT_WINDOW = 10
# The tracking row of the parts: the liquidity seq they were last brought up to.
PARTS = "metric_parts"


@dataclass(frozen=True)
class Question:
    period: Period
    window_years: int


def default_period(today: dt.date) -> Period:
    """The one default period, the whole history: from 1900 to the end of this year (whole years,
    so served from stored parts). The API, `loopledger report`, the demo and the dashboard all
    use it when no period is given; change it here only."""
    return Period(DEFAULT_FROM, dt.date(today.year, 12, 31))


def period_or_raise(start: dt.date | None, end: dt.date | None, *, today: dt.date) -> Period:
    default = default_period(today)
    period = Period(start or default.start, end or default.end)
    if period.start > period.end:
        raise InvalidEvent(f"from ({period.start}) is after to ({period.end})", loc=("query", "from"))
    return period


def _years(period: Period) -> list[int] | None:
    """The calendar years a period is made of, or None when it does not start and end with one."""
    if (period.start.month, period.start.day, period.end.month, period.end.day) != (1, 1, 12, 31):
        return None
    return list(range(period.start.year, period.end.year + 1))


def seq_as_of(session: Session, as_of: dt.datetime) -> int:
    """The last seq recorded at or before `as_of` (recorded_at never decreases with seq)."""
    return int(session.scalar(sa.select(sa.func.max(EventRow.seq)).where(EventRow.recorded_at <= as_of)) or 0)


def _envelope(region: Region, q: Question, *, as_of: dt.datetime | None, seq: int, stale: bool, computed_at: dt.datetime) -> dict[str, Any]:
    return {
        "region": region.slug,
        "region_revision": region.revision,
        "from": q.period.start.isoformat(),
        "to": q.period.end.isoformat(),
        "as_of": None if as_of is None else as_of.isoformat(),
        "window_years": q.window_years,
        "seq": seq,
        "stale": stale,
        "computed_at": computed_at,
    }


def answer(
    factory: sessionmaker[Session],
    *,
    slug: str,
    questions: Sequence[Question],
    as_of: dt.datetime | None = None,
    today: dt.date | None = None,
) -> list[dict[str, Any]]:
    """Metric sets for one region, in question order, from one snapshot."""
    today = today or dt.date.today()
    with read_snapshot(factory) as session:
        return answer_in(session, slug=slug, questions=questions, as_of=as_of, today=today)


def answer_in(
    session: Session, *, slug: str, questions: Sequence[Question], as_of: dt.datetime | None, today: dt.date
) -> list[dict[str, Any]]:
    region = regions_service.get_or_raise(session, slug=slug)
    head = head_seq(session)
    as_of_seq = None if as_of is None else seq_as_of(session, as_of)
    now = dt.datetime.now(dt.UTC)
    out: list[dict[str, Any] | None] = [None] * len(questions)
    missing: list[int] = []
    if as_of_seq is None:
        windows = {q.window_years for q in questions}
        first = _first_years(session, region, windows)
        wanted = [years for q in questions if (years := _years(q.period))]
        stored = _stored(session, region, windows, (min(y[0] for y in wanted), max(y[-1] for y in wanted))) if wanted and first else {}
        for i, q in enumerate(questions):
            years = _years(q.period)
            parts = None if years is None else _parts_for(stored.get(q.window_years, {}), first.get(q.window_years), years)
            if parts is None:
                missing.append(i)
                continue
            seq = min(row.seq for row in parts)
            values = metric_values([Part.from_json(row.values) for row in parts], window_years=q.window_years, today=today)
            computed = min(aware(row.computed_at) or now for row in parts)
            out[i] = _envelope(region, q, as_of=None, seq=seq, stale=head > seq, computed_at=computed) | values
    else:
        missing = list(range(len(questions)))
    by_window: dict[int, list[int]] = {}
    for i in missing:
        by_window.setdefault(questions[i].window_years, []).append(i)
    for window, indexes in by_window.items():
        until = max(questions[i].period.end for i in indexes)
        data = RegionData(session, region.members, window_years=window, until=until, as_of=as_of_seq)
        for i in indexes:
            q = questions[i]
            (part,) = data.parts([q.period], today)
            values = metric_values([part], window_years=window, today=today)
            # Computed from this snapshot's log (see Activity): never stale.
            out[i] = _envelope(region, q, as_of=as_of, seq=data.activity.seq, stale=False, computed_at=now) | values
    return [o for o in out if o is not None]


def _first_years(session: Session, region: Region, windows: set[int]) -> dict[int, int]:
    """The first stored year of the region's parts, per window (none stored: absent)."""
    rows = session.execute(
        sa.select(MetricPart.window_years, sa.func.min(MetricPart.year))
        .where(
            MetricPart.region_slug == region.slug, MetricPart.region_revision == region.revision, col(MetricPart.window_years).in_(windows)
        )
        .group_by(MetricPart.window_years)
    )
    return {window: first for window, first in rows}


def _stored(session: Session, region: Region, windows: set[int], years: tuple[int, int]) -> dict[int, dict[int, MetricPart]]:
    """The region's stored parts of these windows for the years lo..hi (only those: a part holds a
    year's cohort and can be large)."""
    lo, hi = years
    rows = session.scalars(
        sa.select(MetricPart).where(
            MetricPart.region_slug == region.slug,
            MetricPart.region_revision == region.revision,
            col(MetricPart.window_years).in_(windows),
            MetricPart.year >= lo,
            MetricPart.year <= hi,
        )
    )
    out: dict[int, dict[int, MetricPart]] = {}
    for row in rows:
        out.setdefault(row.window_years, {})[row.year] = row
    return out


def _parts_for(stored: dict[int, MetricPart], first: int | None, years: Sequence[int]) -> list[MetricPart] | None:
    """The stored parts of these years, treating years before the first stored one as empty (no
    fact of the region is older, see `refresh`); None when one is missing, or for years before
    1900, which are never stored."""
    if first is None or years[-1] < first or years[0] < DEFAULT_FROM.year:
        return None
    parts = [stored.get(y) for y in years if y >= first]
    return None if any(p is None for p in parts) else [p for p in parts if p is not None]


# ---- series and comparison ---------------------------------------------------------------------


def series(
    factory: sessionmaker[Session], *, slug: str, from_year: int, to_year: int, window_years: int, as_of: dt.datetime | None = None
) -> dict[str, Any]:
    if from_year > to_year:
        raise InvalidEvent(f"from_year ({from_year}) is after to_year ({to_year})", loc=("query", "from_year"))
    questions = [Question(Period(dt.date(y, 1, 1), dt.date(y, 12, 31)), window_years) for y in range(from_year, to_year + 1)]
    sets = answer(factory, slug=slug, questions=questions, as_of=as_of)
    return {"region": slug, "window_years": window_years, "as_of": None if as_of is None else as_of.isoformat(), "years": sets}


def compare(
    factory: sessionmaker[Session],
    *,
    slugs: Sequence[str],
    period: Period,
    window_years: int,
    as_of: dt.datetime | None = None,
    today: dt.date | None = None,
    deadline: float | None = None,
) -> dict[str, Any]:
    """Side-by-side metric sets and the matrix of hops between the regions (rows: from, columns:
    to): for the present, one pass over the chain engine's hop list; as of an earlier instant,
    from the projections visible then."""
    today = today or dt.date.today()
    q = Question(period, window_years)
    with read_snapshot(factory) as session:
        sets = {slug: answer_in(session, slug=slug, questions=[q], as_of=as_of, today=today)[0] for slug in slugs}
        regions = {slug: regions_service.get_or_raise(session, slug=slug) for slug in slugs}
        if as_of is None:
            core = cores.core(session, window_years=window_years, deadline=deadline)
            flows, seq = yearly.hop_flows(core, {slug: r.members for slug, r in regions.items()}, period), core.seq
        else:
            seq = seq_as_of(session, as_of)
            flows = hop_flows(session, regions, period, window_years, seq)
    return {
        "regions": list(slugs),
        "from": period.start.isoformat(),
        "to": period.end.isoformat(),
        "as_of": None if as_of is None else as_of.isoformat(),
        "window_years": window_years,
        "metrics": sets,
        "hop_flows": flows,
        "seq": seq,
    }


def hop_flows(
    session: Session, regions: dict[str, Region], period: Period, window_years: int, as_of: int | None
) -> dict[str, dict[str, int]]:
    """Hops dated in the period from each region to each region (a hop counts for every pair it
    fits): per source region, its liquidity events and their actors' engagements, counted."""
    flows = {a: dict.fromkeys(regions, 0) for a in regions}
    for a, region in regions.items():
        data = RegionData(session, region.members, window_years=window_years, until=period.end, as_of=as_of)
        places = Places(session, as_of=as_of)
        places.load({e.target_id for events in data.engagements_of.values() for e in events})
        for q in data.liquidity:
            if not data.in_r(q.firm_id, q.on):
                continue
            for e in data.hops_after(q):
                if e.on in period:
                    where = places.on(e.target_id, e.on)
                    for b, other in regions.items():
                        flows[a][b] += matches(where, other.members)
    return flows


# ---- stored parts (the workers) ----------------------------------------------------------------


def refresh(
    factory: sessionmaker[Session],
    *,
    slugs: Sequence[str] | None = None,
    window_years: int = DEFAULT_WINDOW,
    from_year: int | None = None,
    whole: Collection[str] = (),
    anew: bool = False,
    today: dt.date | None = None,
) -> dict[str, int]:
    """Compute and store the yearly parts of these regions (all when None) from `from_year` (or
    the first stored year; for the regions in `whole`, always from it) to this year, in one
    snapshot and one vectorized pass; returns how many parts were written per region. `anew`
    (a full recompute): every input read from the log's projections, the liquidity events
    derived rather than read from the workers' table, which the recompute rebuilds meanwhile."""
    today = today or dt.date.today()
    with read_snapshot(factory) as session:
        regions = [r for r in regions_service.get_all(session) if slugs is None or r.slug in slugs]
        if not regions:
            return {}
        seq = head_seq(session)  # the parts are exact for the log this snapshot sees
        columns = read(session, derive=True) if anew else _columns(session)
        core = build(columns, window_years)
        inputs = yearly.PartColumns(columns, core, facts.read(session, columns.vocabulary))
        spans: dict[str, list[int]] = {}
        for region in regions:
            first = FIRST_STORED_YEAR
            stored = _first_years(session, region, {window_years}).get(window_years)
            complete = stored is not None and stored <= first
            first = min(first, stored or first)  # older stored parts too: the facts that made them may be retracted
            if from_year is not None and complete and region.slug not in whole:
                first = max(first, from_year)  # the earlier parts are stored and untouched
            spans[region.slug] = list(range(first, today.year + 1))
        binned = inputs.spanning(min(years[0] for years in spans.values()), today.year)
        now = dt.datetime.now(dt.UTC)
        computed: list[dict[str, Any]] = []
        for region in regions:
            years = spans[region.slug]
            parts = binned.parts(region.members)[years[0] - binned.span.first :]
            computed += [
                {
                    "region_slug": region.slug,
                    "window_years": window_years,
                    "year": year,
                    "region_revision": region.revision,
                    "seq": seq,
                    "values": part.as_json(),
                    "computed_at": now,
                }
                for year, part in zip(years, parts, strict=True)
            ]
    with unit_of_work(factory) as session:
        _upsert(session, computed)
    return {slug: len(years) for slug, years in spans.items()}


_columns_lock = threading.Lock()
_columns_kept: dict[str, Columns] = {}


def _columns(session: Session) -> Columns:
    """The chain columns at the session's snapshot, extended from the ones this process read
    last for the database (only the new events' rows are read, see chains/core.read)."""
    database = session.get_bind().engine.url.render_as_string(hide_password=True)
    with _columns_lock:
        columns = read(session, _columns_kept.get(database))
        _columns_kept[database] = columns
    return columns


def _upsert(session: Session, rows: Sequence[dict[str, Any]]) -> None:
    """Insert or replace parts; a part computed at an older seq never replaces a newer one."""
    if not rows:
        return
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert(MetricPart) if dialect == "postgresql" else sqlite.insert(MetricPart)
    for start in range(0, len(rows), 500):
        stmt = insert.values(list(rows[start : start + 500]))
        excluded = stmt.excluded
        stmt = stmt.on_conflict_do_update(
            index_elements=["region_slug", "window_years", "year"],
            set_={c: excluded[c] for c in ("region_revision", "seq", "values", "computed_at")},
            where=sa.or_(MetricPart.seq <= excluded.seq, MetricPart.region_revision != excluded.region_revision),
        )
        session.execute(stmt)


def stale_parts(session: Session) -> int:
    """How many stored parts are behind the liquidity watermark, plus one when the parts' own
    watermark is (the sweep re-triggers a refresh on either)."""
    at = maintain.position(session)
    behind = int(session.scalar(sa.select(sa.func.count()).select_from(MetricPart).where(MetricPart.seq < at)) or 0)
    # With no part stored yet (a first refresh killed and its message lost) only the watermark tells.
    return behind + (maintain.position(session, consumer=PARTS) < at)


def refresh_after(factory: sessionmaker[Session], *, today: dt.date | None = None, max_backlog: int | None = None) -> int:
    """Bring the stored parts up to the liquidity watermark: refresh the regions and years the
    events since the parts' own watermark touch (ledger/metrics/touched.py), and every region
    whose parts are missing or of an older definition; the other parts are exact through the new
    watermark as they are. Returns how many parts were written.

    On PostgreSQL one refresh runs at a time (the parts' watermark row stays locked until it
    ends): two workers moving untouched parts' seq forward in the wrong order would leave some
    behind for good. A refresh that finds another one running returns at once instead of
    waiting for it: waiting held a worker process for the whole of the other refresh (minutes
    at 1M events), and with two processes both could be held so, leaving none for the
    liquidity catch-ups. The running refresh goes on to the newer events when it ends: it looks
    at the liquidity watermark again after releasing the lock, so a catch-up that committed
    before a skipped refresh tried the lock is always seen by one of the two; it stops going on
    while the liquidity table is more than `max_backlog` events behind the log (a load is under
    way: the catch-up after it refreshes, or the sweep does). SQLite (the embedded default, one
    worker process) holds nothing meanwhile.
    """
    written = 0
    with unit_of_work(factory) as session:
        maintain.ensure_row(session, PARTS)
    while True:
        with unit_of_work(factory) as held:
            serial = held.get_bind().dialect.name == "postgresql"
            after = maintain.try_lock(held, consumer=PARTS) if serial else maintain.position(held, consumer=PARTS)
            if after is None:
                return written  # another refresh holds the watermark; it goes on to these events
            upto = maintain.position(held)
            if not serial:
                held.rollback()  # SQLite: no read transaction left open across the work
            written += _refresh_between(factory, after=after, upto=upto, today=today)
            if upto > after:
                # Years the new events cannot change were exact through `after`: they are through `upto` too.
                held.execute(sa.update(MetricPart).where(MetricPart.seq >= after, MetricPart.seq < upto).values(seq=upto))
                maintain.set_position(held, upto, consumer=PARTS)
        if not serial:
            return written
        with factory() as session:
            if maintain.position(session) <= upto or (max_backlog is not None and maintain.lag(session) > max_backlog):
                return written


def _refresh_between(factory: sessionmaker[Session], *, after: int, upto: int, today: dt.date | None) -> int:
    with read_snapshot(factory) as session:
        regions = regions_service.get_all(session)
        # Parts older than the watermark were written late, by a refresh that began before it moved.
        late = set(session.scalars(sa.select(MetricPart.region_slug).where(MetricPart.seq < after).distinct()))
        behind = [r.slug for r in regions if r.slug in late or not _complete(session, r)]
        from_year = touched.touched_from(session, after=after, upto=upto, window_years=DEFAULT_WINDOW)
        regions_touched = touched.touched_regions(session, regions, after=after, upto=upto)
    rest = [r.slug for r in regions if r.slug not in behind and (regions_touched is None or r.slug in regions_touched)]
    if from_year is None:
        rest = []
    if not behind and not rest:
        return 0
    # One pass for both: the columns are read once whatever the number of regions.
    return sum(refresh(factory, slugs=[*behind, *rest], from_year=from_year, whole=behind, today=today).values())


def _complete(session: Session, region: Region) -> bool:
    """Parts of the default window are stored for this definition of the region."""
    first = _first_years(session, region, {DEFAULT_WINDOW}).get(DEFAULT_WINDOW)
    return first is not None and first <= FIRST_STORED_YEAR
