"""Actors: list and profile."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from api.deps import SnapshotDep
from api.schemas import PROBLEM_RESPONSES, ActorPublic, ActorsPublic
from api.security import AUTH_RESPONSES, READ, AuthFirstRoute
from ledger.actors import service as actors_service
from ledger.events.values import ACTOR_ID_PATTERN, OrgKind
from ledger.regions import service as regions_service
from ledger.regions.schemas import SLUG_PATTERN

router = APIRouter(prefix="/v1/actors", tags=["actors"], dependencies=[READ], responses=AUTH_RESPONSES, route_class=AuthFirstRoute)


@router.get("", response_model=ActorsPublic, responses=PROBLEM_RESPONSES)
def list_actors(
    session: SnapshotDep,
    kind: OrgKind | None = None,
    q: Annotated[str | None, Query(max_length=200, description="substring of name or id, case-insensitive")] = None,
    region: Annotated[str | None, Query(pattern=SLUG_PATTERN, description="only actors located in this region now")] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    cursor: Annotated[str | None, Query(pattern=ACTOR_ID_PATTERN)] = None,
) -> ActorsPublic:
    """List actors by id; pass next_cursor back as cursor for the next page."""
    patterns = None if region is None else regions_service.get_or_raise(session, slug=region).members
    kind_value = None if kind is None else kind.value
    actors, next_cursor = actors_service.get_all(session, kind=kind_value, q=q, region=patterns, limit=limit, cursor=cursor)
    return ActorsPublic.model_validate({"actors": actors, "next_cursor": next_cursor})


@router.get("/{actor_id:path}", response_model=ActorPublic, responses=PROBLEM_RESPONSES)
def get_actor(actor_id: str, session: SnapshotDep) -> dict[str, Any]:
    """Profile: type, kind, location now, lifecycle, people and roles, investments."""
    return actors_service.get_profile_or_raise(session, actor_id=actor_id)
