"""Background work: queue a full recomputation, follow a task."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from api.deps import SessionDep, SnapshotDep
from api.problems import problem
from api.schemas import PROBLEM_RESPONSES, TaskPublic, TaskQueuedPublic, problem_doc
from api.security import ADMIN, AUTH_RESPONSES, READ, AuthFirstRoute
from ledger.regions import service as regions_service
from ledger.regions.schemas import SLUG_PATTERN
from ledger.tasks import service as tasks_service

router = APIRouter(prefix="/v1", tags=["tasks"], responses=AUTH_RESPONSES, route_class=AuthFirstRoute)


class RecomputeRequest(BaseModel):
    regions: list[Annotated[str, Field(pattern=SLUG_PATTERN)]] | None = Field(default=None, max_length=100)


@router.post(
    "/recompute",
    status_code=202,
    dependencies=[ADMIN],
    response_model=TaskQueuedPublic,
    responses={
        503: problem_doc("Broker unreachable"),
        **PROBLEM_RESPONSES,
    },
)
def post_recompute(request: Request, session: SessionDep, body: Annotated[RecomputeRequest | None, Body()] = None) -> JSONResponse:
    """Queue a full recomputation of derived state; follow it at /v1/tasks/{task_id}."""
    regions = (body.regions if body else None) or []
    with session.begin():
        for slug in regions:
            regions_service.get_or_raise(session, slug=slug)
        record = tasks_service.create(session, kind="recompute", params={"regions": regions})
        task_id = record.id
    try:
        request.app.state.dispatcher.recompute(task_id, regions)
    except Exception as exc:
        tasks_service.finish(request.app.state.session_factory, task_id=task_id, error=f"broker unreachable: {exc}")
        return problem(503, "Broker unreachable", detail=f"the task could not be queued: {exc}")
    return JSONResponse({"task_id": task_id, "state": "queued"}, status_code=202)


@router.get("/tasks/{task_id}", dependencies=[READ], response_model=TaskPublic, responses=PROBLEM_RESPONSES)
def get_task(task_id: str, session: SnapshotDep) -> dict[str, Any]:
    """State, progress, and result or error of a background task."""
    return tasks_service.public(tasks_service.get_or_raise(session, task_id=task_id))
