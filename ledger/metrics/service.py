"""Metric sets per region and period: served from stored snapshots, computed when missing.

Live snapshots (no as_of) are refreshed by the workers after new events; a reader may get one
that is `stale` (newer events exist) until then. As-of snapshots never change.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker
from sqlmodel import col

from ledger.db import aware, read_snapshot, unit_of_work
from ledger.errors import InvalidEvent
from ledger.events.service import head_seq
from ledger.metrics import compute, snapshot
from ledger.metrics.models import MetricSnapshot
from ledger.regions import service as regions_service
from ledger.regions.models import Region

DEFAULT_FROM = dt.date(1900, 1, 1)


@dataclass(frozen=True)
class Question:
    period: compute.Period
    window_years: int


def period_or_raise(start: dt.date | None, end: dt.date | None, *, today: dt.date) -> compute.Period:
    period = compute.Period(start or DEFAULT_FROM, end or today)
    if period.start > period.end:
        raise InvalidEvent(f"from ({period.start}) is after to ({period.end})", loc=("query", "from"))
    return period


def _key(slug: str, q: Question, as_of_seq: int | None) -> str:
    tail = "live" if as_of_seq is None else str(as_of_seq)
    return f"{slug}|{q.period.start}|{q.period.end}|{q.window_years}|{tail}"


def _usable(row: MetricSnapshot | None, region: Region) -> bool:
    """Stored for the region's current definition, in the current shape (sets stored before
    `window_ends_on` existed are recomputed rather than served with a frozen `window_complete`)."""
    return row is not None and row.region_revision == region.revision and "window_ends_on" in row.values


def _window_complete(values: dict[str, Any], today: dt.date) -> bool:
    """Judged on the day of reading, not of computing: a stored set outlives the cohort's window."""
    ends_on = values["window_ends_on"]
    return compute.window_complete(None if ends_on is None else dt.date.fromisoformat(ends_on), today)


def _public(row: MetricSnapshot, *, as_of: dt.datetime | None, head: int, today: dt.date) -> dict[str, Any]:
    return {
        "region": row.region_slug,
        "region_revision": row.region_revision,
        "from": row.from_on.isoformat(),
        "to": row.to_on.isoformat(),
        "as_of": None if as_of is None else as_of.isoformat(),
        "window_years": row.window_years,
        "seq": row.seq,
        "stale": row.live and head > row.seq,
        "computed_at": aware(row.computed_at),
        **row.values,
        "window_complete": _window_complete(row.values, today),
    }


def answer(
    factory: sessionmaker[Session],
    *,
    slug: str,
    questions: Sequence[Question],
    as_of: dt.datetime | None = None,
    today: dt.date | None = None,
) -> list[dict[str, Any]]:
    """Metric sets for one region, in question order; missing ones are computed (one ledger load)."""
    today = today or dt.date.today()
    with read_snapshot(factory) as session:  # the head and the stored sets from one moment
        region = regions_service.get_or_raise(session, slug=slug)
        head = head_seq(session)
        as_of_seq = None if as_of is None else snapshot.seq_as_of(session, as_of)
        keys = [_key(slug, q, as_of_seq) for q in questions]
        found = {r.key: r for r in session.scalars(sa.select(MetricSnapshot).where(col(MetricSnapshot.key).in_(keys)))}
    missing = [(k, q) for k, q in zip(keys, questions, strict=True) if not _usable(found.get(k), region)]
    if missing:
        facts = snapshot.load(factory, as_of_seq=as_of_seq)
        rows = [_row(k, region, q, facts, as_of_seq, today) for k, q in missing]
        _store(factory, rows)
        found.update({r.key: r for r in rows})
    return [_public(found[k], as_of=as_of, head=head, today=today) for k in keys]


def _row(key: str, region: Region, q: Question, facts: snapshot.MetricFacts, as_of_seq: int | None, today: dt.date) -> MetricSnapshot:
    values = compute.compute(facts, region=region.members, period=q.period, window_years=q.window_years, today=today)
    return MetricSnapshot(
        key=key,
        region_slug=region.slug,
        region_revision=region.revision,
        from_on=q.period.start,
        to_on=q.period.end,
        window_years=q.window_years,
        live=as_of_seq is None,
        as_of_seq=as_of_seq,
        seq=facts.seq,
        values=values,
        computed_at=dt.datetime.now(dt.UTC),
    )


def refresh_live(factory: sessionmaker[Session], *, force: Sequence[str] | None = None, today: dt.date | None = None) -> int:
    """Recompute live snapshots behind the log head or their region's revision, and every live
    snapshot of the regions in `force` (all regions when it is empty); returns how many."""
    today = today or dt.date.today()
    with factory() as session:
        head = head_seq(session)
        regions = {r.slug: r for r in regions_service.get_all(session)}
        rows = [
            r
            for r in session.scalars(sa.select(MetricSnapshot).where(col(MetricSnapshot.live).is_(True)))
            if r.seq < head
            or r.region_slug not in regions
            or r.region_revision != regions[r.region_slug].revision
            or (force is not None and (not force or r.region_slug in force))
        ]
    rows = [r for r in rows if r.region_slug in regions]
    if not rows:
        return 0
    facts = snapshot.load(factory)
    fresh = [
        _row(r.key, regions[r.region_slug], Question(compute.Period(r.from_on, r.to_on), r.window_years), facts, None, today) for r in rows
    ]
    _store(factory, fresh)
    return len(fresh)


def _store(factory: sessionmaker[Session], rows: Sequence[MetricSnapshot]) -> None:
    """Upsert computed sets. Two readers computing the same new set at once both insert it; the
    loser's rows equal the winner's (same question, same seq or later), so its clash is ignored."""
    try:
        with unit_of_work(factory) as session:
            for row in rows:
                session.merge(row)
    except IntegrityError:
        with unit_of_work(factory) as session:
            for row in rows:
                session.merge(row)


def stale_live(session: Session) -> int:
    """How many live snapshots are behind the log head (the sweep re-triggers their refresh)."""
    head = head_seq(session)
    query = sa.select(sa.func.count()).select_from(MetricSnapshot).where(col(MetricSnapshot.live).is_(True), MetricSnapshot.seq < head)
    return int(session.scalar(query) or 0)


def series(
    factory: sessionmaker[Session], *, slug: str, from_year: int, to_year: int, window_years: int, as_of: dt.datetime | None = None
) -> dict[str, Any]:
    if from_year > to_year:
        raise InvalidEvent(f"from_year ({from_year}) is after to_year ({to_year})", loc=("query", "from_year"))
    questions = [Question(compute.Period(dt.date(y, 1, 1), dt.date(y, 12, 31)), window_years) for y in range(from_year, to_year + 1)]
    sets = answer(factory, slug=slug, questions=questions, as_of=as_of)
    return {"region": slug, "window_years": window_years, "as_of": None if as_of is None else as_of.isoformat(), "years": sets}


def compare(
    factory: sessionmaker[Session],
    *,
    slugs: Sequence[str],
    period: compute.Period,
    window_years: int,
    as_of: dt.datetime | None = None,
) -> dict[str, Any]:
    """Side-by-side metric sets and the matrix of hops between the regions (rows: from, columns: to)."""
    q = Question(period, window_years)
    sets = {slug: answer(factory, slug=slug, questions=[q], as_of=as_of)[0] for slug in slugs}
    with factory() as session:
        patterns = {slug: regions_service.get_or_raise(session, slug=slug).members for slug in slugs}
        as_of_seq = None if as_of is None else snapshot.seq_as_of(session, as_of)
    facts = snapshot.load(factory, as_of_seq=as_of_seq)
    return {
        "regions": list(slugs),
        "from": period.start.isoformat(),
        "to": period.end.isoformat(),
        "as_of": None if as_of is None else as_of.isoformat(),
        "window_years": window_years,
        "metrics": sets,
        "hop_flows": compute.hop_flows(facts, patterns, period, window_years),
        "seq": facts.seq,
    }
