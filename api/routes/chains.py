"""Recycling chains, an actor's recycling history, talent lineage."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Response

from api.deps import DeadlineDep, SnapshotDep
from api.encoding import json_response
from api.schemas import OVERLOADED, PROBLEM_RESPONSES, LineagePublic, RecyclingPublic
from api.security import AUTH_RESPONSES, READ, AuthFirstRoute
from ledger.chains import pages
from ledger.chains import service as chains_service
from ledger.chains.schemas import ChainHops, ChainPage
from ledger.dates import MAX_WINDOW_YEARS
from ledger.regions.schemas import SLUG_PATTERN

router = APIRouter(prefix="/v1", tags=["chains"], dependencies=[READ], responses=AUTH_RESPONSES, route_class=AuthFirstRoute)

WindowYears = Annotated[int, Query(ge=1, le=MAX_WINDOW_YEARS, description="reinvestment window W in calendar years")]
MaxDepth = Annotated[int | None, Query(ge=1, le=100, description="stop after this many generations")]


HopsLimit = Annotated[int, Query(ge=1, le=10_000, description="hops per page")]
Cursor = Annotated[str | None, Query(max_length=2000, description="next_cursor of the previous page")]


def chain_question(
    firm_id: str,
    direction: Literal["downstream", "upstream"] = "downstream",
    max_depth: MaxDepth = None,
    window_years: WindowYears = 10,
    region: Annotated[str | None, Query(pattern=SLUG_PATTERN, description="only hops local to this region")] = None,
) -> pages.ChainQuestion:
    """The parameters that name a chain, shared by its page of firms and its hops."""
    return pages.ChainQuestion(firm_id, direction, max_depth, window_years, region)


Question = Annotated[pages.ChainQuestion, Depends(chain_question)]


@router.get("/chains/{firm_id:path}/hops", response_model=ChainHops, responses=PROBLEM_RESPONSES | OVERLOADED)
def get_chain_hops(
    question: Question,
    session: SnapshotDep,
    deadline: DeadlineDep,
    from_: Annotated[str | None, Query(alias="from", max_length=200, description="only hops out of this firm")] = None,
    to: Annotated[str | None, Query(max_length=200, description="only hops into this firm")] = None,
    limit: Annotated[int, Query(ge=1, le=pages.MAX_HOPS_PAGE, description="hops per page")] = pages.DEFAULT_HOPS_PAGE,
    cursor: Cursor = None,
) -> ChainHops:
    """The individual hops of a chain (or of one firm pair of it), in date order, a page at a time."""
    return pages.chain_hops(session, question, from_id=from_, to_id=to, limit=limit, cursor=cursor, deadline=deadline)


@router.get("/chains/{firm_id:path}", response_model=ChainPage, responses=PROBLEM_RESPONSES | OVERLOADED)
def get_chain(
    question: Question,
    session: SnapshotDep,
    deadline: DeadlineDep,
    limit: Annotated[int, Query(ge=1, le=pages.MAX_FIRMS_PAGE, description="firms per page")] = pages.DEFAULT_FIRMS_PAGE,
    cursor: Cursor = None,
) -> ChainPage:
    """One page of the firms downstream (or upstream) of a firm by time-respecting recycling
    chains, with the edges into them and the counts of the whole chain."""
    return pages.chain(session, question, limit=limit, cursor=cursor, deadline=deadline)


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
