"""How far background work has followed the log."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from api.deps import SnapshotDep
from api.schemas import StatusPublic
from api.security import AUTH_RESPONSES, READ, AuthFirstRoute
from ledger.chains import maintain
from ledger.events import service as events_service

router = APIRouter(prefix="/v1", tags=["health"], dependencies=[READ], responses=AUTH_RESPONSES, route_class=AuthFirstRoute)


@router.get("/status", response_model=StatusPublic)
def get_status(session: SnapshotDep) -> dict[str, Any]:
    """The log head and the derived state's watermark; lag 0 means fully caught up."""
    head = events_service.head_seq(session)
    liquidity = maintain.position(session)
    return {"head_seq": head, "derived": {"liquidity": {"seq": liquidity, "lag": head - liquidity}}}
