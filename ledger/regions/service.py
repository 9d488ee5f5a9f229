"""Regions: create or replace (keeping every revision), read."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ledger.db import aware
from ledger.errors import NotFound
from ledger.regions.models import Region, RegionRevision
from ledger.regions.schemas import RegionDefinition


def public(region: Region) -> dict[str, Any]:
    return {
        "slug": region.slug,
        "name": region.name,
        "members": region.members,
        "revision": region.revision,
        "updated_at": aware(region.updated_at),
    }


def put(session: Session, *, slug: str, definition: RegionDefinition, now: dt.datetime | None = None) -> tuple[Region, bool]:
    """Create or replace a region; returns it and whether it was created. Caller commits."""
    now = now or dt.datetime.now(dt.UTC)
    members = [m.model_dump(mode="json") for m in definition.members]
    region = session.get(Region, slug, with_for_update=True)
    created = region is None
    if region is None:
        region = Region(slug=slug, name=definition.name, members=members, revision=1, updated_at=now)
        session.add(region)
    elif region.name == definition.name and region.members == members:
        return region, False
    else:
        region.name, region.members, region.revision, region.updated_at = definition.name, members, region.revision + 1, now
    session.add(RegionRevision(slug=slug, revision=region.revision, name=definition.name, members=members, recorded_at=now))
    session.flush()
    return region, created


def get_or_raise(session: Session, *, slug: str) -> Region:
    region = session.get(Region, slug)
    if region is None:
        raise NotFound(f"no region {slug!r}: define it with PUT /v1/regions/{slug}", loc=("slug",))
    return region


def get_all(session: Session) -> list[Region]:
    return list(session.scalars(sa.select(Region).order_by(Region.slug)))
