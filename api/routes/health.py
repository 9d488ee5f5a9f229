"""Liveness and readiness probes."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from api import readiness
from api.schemas import HealthPublic, ReadinessPublic

router = APIRouter(tags=["health"])


@router.get("/healthz", response_model=HealthPublic)
def healthz() -> dict[str, str]:
    """The process is up."""
    return {"status": "ok"}


@router.get("/readyz", response_model=ReadinessPublic, responses={503: {"model": ReadinessPublic}})
def readyz(request: Request) -> JSONResponse:
    """Ready when the database answers, its schema is at head and the broker answers."""
    engine = request.app.state.engine
    checks = {
        "database": readiness.database(engine),
        "migrations": readiness.migrations(engine),
        "broker": readiness.broker(request.app.state.settings.broker_url),
    }
    ok = all(c.ok for c in checks.values())
    body = ReadinessPublic(status="ready" if ok else "not ready", checks=checks)
    return JSONResponse(body.model_dump(), status_code=200 if ok else 503)
