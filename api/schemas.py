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
