"""Response shapes of the HTTP contract (spec/api.md); request bodies are ledger.events.schemas."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from ledger.chains.schemas import ChainHop, ChainRoot


class ProblemItem(BaseModel):
    loc: list[str | int]
    msg: str


class Problem(BaseModel):
    """RFC 9457 problem details with the fields at fault."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str
    errors: list[ProblemItem] = Field(default_factory=list)


class AppendedPublic(BaseModel):
    event_id: str
    seq: int
    recorded_at: dt.datetime
    duplicate: bool


class BatchItemPublic(BaseModel):
    event_id: str
    seq: int
    duplicate: bool


class BatchPublic(BaseModel):
    results: list[BatchItemPublic]


class EventPublic(BaseModel):
    event_id: str
    seq: int
    type: str
    occurred_on: dt.date
    recorded_at: dt.datetime
    source: str | None
    data: dict[str, Any]


class EventDetailPublic(EventPublic):
    retracted_by: str | None


class EventsPublic(BaseModel):
    events: list[EventPublic]
    next_after_seq: int | None


class ActorSummaryPublic(BaseModel):
    id: str
    type: str
    name: str
    kind: str | None
    location: dict[str, Any] | None


class ActorsPublic(BaseModel):
    actors: list[ActorSummaryPublic]
    next_cursor: str | None


class CheckPublic(BaseModel):
    ok: bool
    detail: str


class ReadinessPublic(BaseModel):
    status: str
    checks: dict[str, CheckPublic]


def problem_doc(description: str) -> dict[str, Any]:
    """An OpenAPI response entry for a problem+json answer."""
    return {"model": Problem, "content": {"application/problem+json": {}}, "description": description}


OVERLOADED: dict[int | str, dict[str, Any]] = {
    503: problem_doc("Not answered within the request's deadline; retry after `Retry-After` seconds")
}

PROBLEM_RESPONSES: dict[int | str, dict[str, Any]] = {
    code: problem_doc(text)
    for code, text in (
        (404, "Not found"),
        (409, "Conflict with what the ledger holds"),
        (413, "Body too large"),
        (422, "Invalid input; `errors` lists each field at fault"),
    )
}


# ---- chains ------------------------------------------------------------------------------------


class FirmGenerationPublic(BaseModel):
    id: str
    name: str | None
    generation: int = Field(description="fewest hops from the root (or the roots)")


class ActorKindPublic(BaseModel):
    id: str
    name: str
    type: str
    kind: str | None


class LiquidityPublic(BaseModel):
    firm: str
    on: dt.date
    listed: bool


class RecyclingPublic(BaseModel):
    actor: ActorKindPublic
    window_years: int
    liquidity_events: list[LiquidityPublic]
    reinvestments: list[ChainHop] = Field(description="a page of the actor's hops, in date order")
    reinvestments_total: int
    next_cursor: str | None
    recycled: bool
    downstream: list[FirmGenerationPublic] = Field(
        description="firms downstream of any firm the actor reinvested in, by (generation, id): the first 200"
    )
    downstream_total: int = Field(description="how many firms are downstream in all")
    seq: int
    stale: bool


class LineageFirmPublic(FirmGenerationPublic):
    founders: list[str]
    parents: list[str] = Field(description="the firms of the previous generation (or the root) whose alumni founded this one")


class LineagePublic(BaseModel):
    root: ChainRoot
    firms: list[LineageFirmPublic]
    alumni_founded: int
    seq: int


# ---- actors, regions, metrics, tasks -----------------------------------------------------------

Share = Annotated[float | None, Field(ge=0, le=1, description="a share in [0, 1]; null when its denominator is 0")]
Usd = Annotated[str, Field(description="a decimal string in USD")]


class LocationPublic(BaseModel):
    country: str | None
    subdivision: str | None
    city: str | None


class LifecyclePublic(BaseModel):
    founded: dict[str, Any] | None = Field(description="date, location, sector, business model, founders, origins, seq")
    rounds: list[dict[str, Any]]
    deals: list[dict[str, Any]]
    exits: list[dict[str, Any]]
    relocations: list[dict[str, Any]]
    closure: dict[str, Any] | None
    headcount: list[dict[str, Any]]


class ActorPublic(BaseModel):
    """An actor's profile: what the projections hold about it now."""

    id: str
    type: str = Field(description="organization or person")
    name: str | None
    kind: str | None
    location: LocationPublic | None = Field(description="the location registered with the actor")
    location_now: LocationPublic | None = Field(description="a firm's location after its relocations; else `location`")
    lifecycle: LifecyclePublic
    people: list[dict[str, Any]]
    roles: list[dict[str, Any]]
    founded: list[dict[str, Any]]
    investments: list[dict[str, Any]]
    fund_commitments: list[dict[str, Any]]
    associations: list[dict[str, Any]]


class RegionMemberPublic(BaseModel):
    country: str
    subdivision: str | None
    city: str | None


class RegionPublic(BaseModel):
    slug: str
    name: str
    members: list[RegionMemberPublic]
    revision: int = Field(description="1 on creation, +1 on each replacement")
    updated_at: dt.datetime


class RegionsPublic(BaseModel):
    regions: list[RegionPublic]


class MetricSetPublic(BaseModel):
    """The metric set of spec/chains-and-metrics.md for one region and period (docs/metrics.md)."""

    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=True)

    region: str
    region_revision: int
    from_: dt.date = Field(alias="from")
    to: dt.date
    as_of: dt.datetime | None
    window_years: int
    seq: int = Field(description="the log seq the answer reflects")
    stale: bool = Field(description="newer events exist than `seq`")
    computed_at: dt.datetime
    firms_founded: int
    active_firms: int
    firms_unlocated: int
    exits: int
    exit_value_usd: Usd
    exits_without_value: int
    exits_unconverted: int
    liquidity_actors: int
    recycling_rate: Share
    local_recycling_rate: Share
    median_reinvestment_lag_days: float | None
    window_ends_on: dt.date | None
    window_complete: bool
    funding_usd: Usd
    rounds_unconverted: int
    recycled_funding_share: Share
    local_funding_share: Share
    serial_founder_share: Share
    spinoff_share: dict[str, Share] = Field(description="share of founded firms per origin kind")
    retention_rate: Share
    loop_depth: int
    local_hops: int
    hops_in: int
    hops_out: int
    employment: int
    large_firms: int
    licensing_deals: int
    licensing_value_usd: Usd
    licensing_unconverted: int


class MetricSeriesPublic(BaseModel):
    region: str
    window_years: int
    as_of: dt.datetime | None
    years: list[MetricSetPublic] = Field(description="one metric set per calendar year")


class ComparePublic(BaseModel):
    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=True)

    regions: list[str]
    from_: dt.date = Field(alias="from")
    to: dt.date
    as_of: dt.datetime | None
    window_years: int
    metrics: dict[str, MetricSetPublic] = Field(description="per region slug")
    hop_flows: dict[str, dict[str, int]] = Field(description="hops from the row region to the column region")
    seq: int


class DerivedStatusPublic(BaseModel):
    seq: int = Field(description="the log seq this derived table has applied")
    lag: int = Field(description="events behind the log")


class StatusPublic(BaseModel):
    head_seq: int
    derived: dict[str, DerivedStatusPublic]


class HealthPublic(BaseModel):
    status: str


class TaskQueuedPublic(BaseModel):
    task_id: str
    state: str


class TaskPublic(BaseModel):
    task_id: str
    kind: str = Field(description="recompute or import")
    state: str = Field(description="queued, running, succeeded or failed")
    progress: float = Field(ge=0, le=1)
    message: str | None
    params: dict[str, Any]
    result: dict[str, Any] | None
    error: str | None
    attempts: int
    created_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
