"""Regions: named lists of location patterns."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any

from fastapi import APIRouter, BackgroundTasks, Path, Query, Request, Response

from api.deps import DeadlineDep, SessionDep, SnapshotDep
from api.params import Instant
from api.schemas import PROBLEM_RESPONSES, ComparePublic, MetricSeriesPublic, MetricSetPublic, RegionPublic, RegionsPublic
from api.security import ADMIN, AUTH_RESPONSES, READ, AuthFirstRoute
from ledger.dates import MAX_WINDOW_YEARS
from ledger.db import aware
from ledger.errors import InvalidEvent
from ledger.events.values import IsoDate
from ledger.metrics import service as metrics_service
from ledger.regions import service as regions_service
from ledger.regions.schemas import SLUG_PATTERN, RegionDefinition

router = APIRouter(prefix="/v1/regions", tags=["regions"], responses=AUTH_RESPONSES, route_class=AuthFirstRoute)

Slug = Annotated[str, Path(pattern=SLUG_PATTERN)]


@router.put(
    "/{slug}",
    dependencies=[ADMIN],
    response_model=RegionPublic,
    responses={201: {"model": RegionPublic, "description": "Created"}, **PROBLEM_RESPONSES},
)
def put_region(
    slug: Slug, definition: RegionDefinition, session: SessionDep, response: Response, request: Request, background: BackgroundTasks
) -> dict[str, Any]:
    """Create or replace a region; every revision is kept and its metrics are recomputed."""
    with session.begin():
        region, created = regions_service.put(session, slug=slug, definition=definition)
        body = regions_service.public(region)
    response.status_code = 201 if created else 200
    # The workers refresh live metric snapshots whose region revision changed.
    background.add_task(request.app.state.dispatcher.catch_up_soon)
    return body


@router.get("", dependencies=[READ], response_model=RegionsPublic, responses=PROBLEM_RESPONSES)
def list_regions(session: SnapshotDep) -> dict[str, Any]:
    """All regions."""
    return {"regions": [regions_service.public(r) for r in regions_service.get_all(session)]}


@router.get("/{slug}", dependencies=[READ], response_model=RegionPublic, responses=PROBLEM_RESPONSES)
def get_region(slug: Slug, session: SnapshotDep) -> dict[str, Any]:
    """One region."""
    return regions_service.public(regions_service.get_or_raise(session, slug=slug))


AsOf = Annotated[Instant | None, Query(description="answer with what the ledger knew at this instant (ISO 8601)")]
WindowYears = Annotated[int, Query(ge=1, le=MAX_WINDOW_YEARS, description="reinvestment window W in calendar years")]
# The one default period (metrics_service.default_period), shared with the report, the demo and the dashboard.
PeriodFrom = Annotated[
    IsoDate | None,
    Query(alias="from", description=f"period start (inclusive); default {metrics_service.DEFAULT_FROM.isoformat()}, the whole history"),
]
PeriodTo = Annotated[IsoDate | None, Query(description="period end (inclusive); default 31 December of this year")]


@router.get("/{slug}/metrics", dependencies=[READ], response_model=MetricSetPublic, responses=PROBLEM_RESPONSES)
def get_metrics(
    slug: Slug,
    request: Request,
    from_: PeriodFrom = None,
    to: PeriodTo = None,
    as_of: AsOf = None,
    window_years: WindowYears = 10,
) -> dict[str, Any]:
    """The region's metric set for a period, from the background-computed store (computed if missing)."""
    period = metrics_service.period_or_raise(from_, to, today=dt.date.today())
    question = metrics_service.Question(period, window_years)
    factory = request.app.state.session_factory
    (result,) = metrics_service.answer(factory, slug=slug, questions=[question], as_of=aware(as_of))
    return result


@router.get("/{slug}/metrics/series", dependencies=[READ], response_model=MetricSeriesPublic, responses=PROBLEM_RESPONSES)
def get_metric_series(
    slug: Slug,
    request: Request,
    from_year: Annotated[int, Query(ge=1800, le=2200)],
    to_year: Annotated[int, Query(ge=1800, le=2200)],
    as_of: AsOf = None,
    window_years: WindowYears = 10,
) -> dict[str, Any]:
    """One metric set per calendar year."""
    if to_year - from_year > 200:
        raise InvalidEvent("at most 200 years per series", loc=("query", "to_year"))
    factory = request.app.state.session_factory
    return metrics_service.series(factory, slug=slug, from_year=from_year, to_year=to_year, window_years=window_years, as_of=aware(as_of))


compare_router = APIRouter(prefix="/v1", tags=["regions"], dependencies=[READ], responses=AUTH_RESPONSES, route_class=AuthFirstRoute)


@compare_router.get("/compare", response_model=ComparePublic, responses=PROBLEM_RESPONSES)
def get_compare(
    request: Request,
    regions: Annotated[str, Query(description="comma-separated region slugs", max_length=2000)],
    deadline: DeadlineDep,
    from_: PeriodFrom = None,
    to: PeriodTo = None,
    as_of: AsOf = None,
    window_years: WindowYears = 10,
) -> dict[str, Any]:
    """Metric sets side by side and the hop flow matrix between the regions."""
    slugs = [s.strip() for s in regions.split(",") if s.strip()]
    bad = [s for s in slugs if not re.fullmatch(SLUG_PATTERN, s)]
    if not slugs or bad or len(slugs) > 20 or len(set(slugs)) != len(slugs):
        raise InvalidEvent("regions must be 1 to 20 distinct region slugs separated by commas", loc=("query", "regions"))
    period = metrics_service.period_or_raise(from_, to, today=dt.date.today())
    factory = request.app.state.session_factory
    return metrics_service.compare(factory, slugs=slugs, period=period, window_years=window_years, as_of=aware(as_of), deadline=deadline)
