"""Region membership: a location matches a pattern when country is equal and every non-null
pattern field is equal (city case-insensitively)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa

LocationT = tuple[str | None, str | None, str | None]


def matches(location: LocationT | None, patterns: Sequence[dict[str, Any]]) -> bool:
    if location is None or location[0] is None:
        return False
    country, subdivision, city = location
    for p in patterns:
        if p["country"] != country:
            continue
        if p.get("subdivision") is not None and p["subdivision"] != subdivision:
            continue
        if p.get("city") is not None and (city is None or p["city"].casefold() != city.casefold()):
            continue
        return True
    return False


def sql_match(country: Any, subdivision: Any, city: Any, patterns: Sequence[dict[str, Any]]) -> sa.ColumnElement[bool]:
    """The same rule as a SQL predicate over three columns."""
    clauses = []
    for p in patterns:
        parts = [country == p["country"]]
        if p.get("subdivision") is not None:
            parts.append(subdivision == p["subdivision"])
        if p.get("city") is not None:
            parts.append(sa.func.lower(city) == p["city"].lower())
        clauses.append(sa.and_(*parts))
    return sa.or_(*clauses) if clauses else sa.false()
