"""Recycling chains, an actor's recycling history, talent lineage."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Response

from api.deps import SnapshotDep
from api.encoding import json_response
from api.schemas import PROBLEM_RESPONSES, ChainPublic, LineagePublic, RecyclingPublic
from api.security import AUTH_RESPONSES, READ
from ledger.chains import service as chains_service
from ledger.chains.dates import MAX_WINDOW_YEARS
from ledger.regions.schemas import SLUG_PATTERN

router = APIRouter(prefix="/v1", tags=["chains"], dependencies=[READ], responses=AUTH_RESPONSES)

WindowYears = Annotated[int, Query(ge=1, le=MAX_WINDOW_YEARS, description="reinvestment window W in calendar years")]
MaxDepth = Annotated[int | None, Query(ge=1, le=100, description="stop after this many generations")]


HopsLimit = Annotated[int, Query(ge=1, le=10_000, description="hops per page")]
Cursor = Annotated[str | None, Query(max_length=2000, description="next_cursor of the previous page")]


@router.get("/chains/{firm_id:path}", response_model=ChainPublic, responses=PROBLEM_RESPONSES)
def get_chain(
    firm_id: str,
    session: SnapshotDep,
    direction: Literal["downstream", "upstream"] = "downstream",
    max_depth: MaxDepth = None,
    window_years: WindowYears = 10,
    region: Annotated[str | None, Query(pattern=SLUG_PATTERN, description="only hops local to this region")] = None,
    limit: HopsLimit = chains_service.DEFAULT_HOPS_PAGE,
    cursor: Cursor = None,
) -> Response:
    """Firms downstream (or upstream) of a firm by time-respecting recycling chains, edges per
    firm pair, and a page of the hops."""
    answer = chains_service.chain(
        session,
        firm_id=firm_id,
        direction=direction,
        max_depth=max_depth,
        window_years=window_years,
        region=region,
        limit=limit,
        cursor=cursor,
    )
    return json_response(ChainPublic, answer)


@router.get("/actors/{actor_id:path}/recycling", response_model=RecyclingPublic, responses=PROBLEM_RESPONSES)
def get_recycling(
    actor_id: str,
    session: SnapshotDep,
    window_years: WindowYears = 10,
    limit: HopsLimit = chains_service.DEFAULT_HOPS_PAGE,
    cursor: Cursor = None,
) -> Response:
    """An actor's liquidity events and reinvestments (paged), and what grew downstream of them."""
    answer = chains_service.recycling(session, actor_id=actor_id, window_years=window_years, limit=limit, cursor=cursor)
    return json_response(RecyclingPublic, answer)


@router.get("/lineage/{org_id:path}", response_model=LineagePublic, responses=PROBLEM_RESPONSES)
def get_lineage(org_id: str, session: SnapshotDep, max_depth: MaxDepth = None) -> dict[str, Any]:
    """Firms founded by an organization's alumni, and by theirs, generation by generation."""
    return chains_service.lineage(session, org_id=org_id, max_depth=max_depth)
