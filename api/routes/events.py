"""The event log over HTTP: append one, append a batch, read the log."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Body, Query, Request, Response
from sqlalchemy.orm import Session

from api import observability
from api.bodies import ExactJsonRoute
from api.deps import SessionDep, SettingsDep, SnapshotDep
from api.schemas import (
    PROBLEM_RESPONSES,
    AppendedPublic,
    BatchItemPublic,
    BatchPublic,
    EventDetailPublic,
    EventsPublic,
)
from api.security import AUTH_RESPONSES, READ, WRITE
from ledger.config import Settings
from ledger.errors import InvalidEvent
from ledger.events import service as events_service
from ledger.events.schemas import EVENT_TYPES, Event, EventBatch

router = APIRouter(prefix="/v1/events", tags=["events"], responses=AUTH_RESPONSES, route_class=ExactJsonRoute)


@router.post(
    "",
    status_code=201,
    dependencies=[WRITE],
    response_model=AppendedPublic,
    responses={200: {"model": AppendedPublic, "description": "Identical replay of a known event_id"}, **PROBLEM_RESPONSES},
)
def post_event(
    event: Annotated[Event, Body()],
    response: Response,
    request: Request,
    background: BackgroundTasks,
) -> AppendedPublic:
    """Append one event; an identical replay answers 200 with the original seq. Concurrent
    single appends share one transaction (group commit); each is answered once committed."""
    committed = request.app.state.committer.append(event)
    if committed.dispatch:
        background.add_task(request.app.state.dispatcher.catch_up_soon)
    result = committed.appended
    observability.appended(request, 0 if result.duplicate else 1)
    if result.duplicate:
        response.status_code = 200
    return AppendedPublic(event_id=result.event_id, seq=result.seq, recorded_at=result.recorded_at, duplicate=result.duplicate)


@router.post("/batch", status_code=201, dependencies=[WRITE], response_model=BatchPublic, responses=PROBLEM_RESPONSES)
def post_batch(batch: EventBatch, session: SessionDep, settings: SettingsDep, request: Request, background: BackgroundTasks) -> BatchPublic:
    """Append events atomically and in order; one bad event rejects the batch."""
    results = _append(session, settings, batch.events, request, background, indexed=True)
    return BatchPublic(results=[BatchItemPublic(event_id=r.event_id, seq=r.seq, duplicate=r.duplicate) for r in results])


def _append(
    session: Session, settings: Settings, events: Sequence[Event], request: Request, background: BackgroundTasks, *, indexed: bool
) -> list[events_service.Appended]:
    """Commit first, answer second; the background catch-up is enqueued after the response."""
    with session.begin():
        results = events_service.append(session, events=events, future_tolerance_days=settings.future_tolerance_days, indexed=indexed)
        notify = any(not r.duplicate for r in results) and events_service.claim_dispatch(session)
    observability.appended(request, sum(not r.duplicate for r in results))
    if notify:
        background.add_task(request.app.state.dispatcher.catch_up_soon)
    return results


@router.get("", dependencies=[READ], response_model=EventsPublic, responses=PROBLEM_RESPONSES)
def list_events(
    session: SnapshotDep,
    after_seq: Annotated[int, Query(ge=0, le=2**62)] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    type: Annotated[list[str] | None, Query(description="event type; repeat to ask for several")] = None,
    actor: Annotated[str | None, Query(max_length=200)] = None,
) -> EventsPublic:
    """Read the log in seq order; follow next_after_seq until it is null."""
    types = type or []
    unknown = [t for t in types if t not in EVENT_TYPES]
    if unknown:
        raise InvalidEvent(f"unknown event type(s) {', '.join(unknown)}", loc=("query", "type"))
    events, next_after = events_service.get_all(session, after_seq=after_seq, limit=limit, types=types, actor=actor)
    return EventsPublic.model_validate({"events": events, "next_after_seq": next_after})


@router.get("/{event_id}", dependencies=[READ], response_model=EventDetailPublic, responses=PROBLEM_RESPONSES)
def get_event(event_id: str, session: SnapshotDep) -> EventDetailPublic:
    """One event with its seq, recorded_at and the retraction that undid it, if any."""
    return EventDetailPublic.model_validate(events_service.get_by_event_id_or_raise(session, event_id=event_id))
