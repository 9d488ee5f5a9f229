"""Response shapes of the HTTP contract (spec/api.md); request bodies are ledger.events.schemas."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, Field


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


PROBLEM_RESPONSES: dict[int | str, dict[str, Any]] = {
    code: {"model": Problem, "content": {"application/problem+json": {}}, "description": text}
    for code, text in (
        (404, "Not found"),
        (409, "Conflict with what the ledger holds"),
        (413, "Body too large"),
        (422, "Invalid input; `errors` lists each field at fault"),
    )
}


# ---- chains ------------------------------------------------------------------------------------


class ActorNamePublic(BaseModel):
    id: str
    name: str | None


class FirmGenerationPublic(BaseModel):
    id: str
    name: str | None
    generation: int = Field(description="fewest hops from the root (or the roots)")


class EdgePublic(BaseModel):
    """Every hop between two firms, aggregated."""

    from_: str = Field(alias="from")
    to: str
    vias: int = Field(description="distinct actors who carried hops between the two firms")
    hops: int
    kinds: list[str]
    first_on: dt.date
    amount_usd: str | None = Field(description="sum of the known USD amounts (decimal string); null when none is known")


class HopPublic(BaseModel):
    """One reinvestment: from the exited firm to the next one, via an actor."""

    from_: str = Field(alias="from")
    to: str
    via: str
    kind: str = Field(description="capital, founder, fund or mentor")
    liquidity_on: dt.date
    on: dt.date
    amount_usd: str | None
    fund: str | None
    listed: bool = Field(description="a listed firm reinvesting its own IPO money")


class ChainPublic(BaseModel):
    root: ActorNamePublic
    direction: str
    window_years: int
    max_depth: int | None
    region: str | None
    firms: list[FirmGenerationPublic]
    edges: list[EdgePublic] = Field(description="all hops of the chain aggregated per firm pair")
    hops: list[HopPublic] = Field(description="a page of the individual hops, in date order")
    hops_total: int
    next_cursor: str | None = Field(description="pass back as `cursor` for the next page of hops; null on the last page")
    multiplier: int = Field(description="distinct firms downstream (upstream) at any depth, in any region")
    local_multiplier: int | None = Field(description="the same over hops local to `region`, when one is given")
    seq: int = Field(description="the log seq the chain reflects")
    stale: bool = Field(description="newer events exist than `seq`")


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
    reinvestments: list[HopPublic] = Field(description="a page of the actor's hops, in date order")
    reinvestments_total: int
    next_cursor: str | None
    recycled: bool
    downstream: list[FirmGenerationPublic] = Field(description="firms downstream of any firm the actor reinvested in")
    seq: int
    stale: bool


class LineageFirmPublic(FirmGenerationPublic):
    founders: list[str]


class LineagePublic(BaseModel):
    root: ActorNamePublic
    firms: list[LineageFirmPublic]
    alumni_founded: int
    seq: int
