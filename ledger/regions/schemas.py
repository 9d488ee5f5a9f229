"""Region definitions as clients send them."""

from __future__ import annotations

from pydantic import Field, field_validator

from ledger.events.values import Frozen, Location, ShortName

SLUG_PATTERN = r"^[a-z0-9][a-z0-9-]{0,63}$"


class RegionDefinition(Frozen):
    name: ShortName
    members: list[Location] = Field(min_length=1, max_length=500)

    @field_validator("members")
    @classmethod
    def _distinct(cls, members: list[Location]) -> list[Location]:
        seen = set()
        for m in members:
            key = (m.country, m.subdivision, None if m.city is None else m.city.casefold())
            if key in seen:
                raise ValueError(f"member {key} is listed twice")
            seen.add(key)
        return members
