"""Regions: named lists of location patterns."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Response

from api.deps import SessionDep
from api.schemas import PROBLEM_RESPONSES
from ledger.regions import service as regions_service
from ledger.regions.schemas import SLUG_PATTERN, RegionDefinition

router = APIRouter(prefix="/v1/regions", tags=["regions"])

Slug = Annotated[str, Path(pattern=SLUG_PATTERN)]


@router.put("/{slug}", responses={201: {"description": "Created"}, **PROBLEM_RESPONSES})
def put_region(slug: Slug, definition: RegionDefinition, session: SessionDep, response: Response) -> dict[str, Any]:
    """Create or replace a region; every revision is kept."""
    with session.begin():
        region, created = regions_service.put(session, slug=slug, definition=definition)
        body = regions_service.public(region)
    response.status_code = 201 if created else 200
    return body


@router.get("", responses=PROBLEM_RESPONSES)
def list_regions(session: SessionDep) -> dict[str, Any]:
    """All regions."""
    return {"regions": [regions_service.public(r) for r in regions_service.get_all(session)]}


@router.get("/{slug}", responses=PROBLEM_RESPONSES)
def get_region(slug: Slug, session: SessionDep) -> dict[str, Any]:
    """One region."""
    return regions_service.public(regions_service.get_or_raise(session, slug=slug))
