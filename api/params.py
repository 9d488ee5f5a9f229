"""Query and path parameters: the check every route gets, and the shared date and instant types."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from pydantic import AfterValidator, BeforeValidator

from ledger.events.values import control_character

_ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}([T ]|$)")


def plain_parameters(request: Request) -> None:
    """Refuse control characters in any path or query parameter before a route reads it: no id,
    slug, cursor or search text carries one, and PostgreSQL cannot even compare text holding NUL."""
    errors: list[dict[str, Any]] = []
    for where, items in (("path", list(request.path_params.items())), ("query", request.query_params.multi_items())):
        for name, value in items:
            reason = control_character(name) or (control_character(value) if isinstance(value, str) else None)
            if reason is not None:
                errors.append({"type": "control_character", "loc": (where, name), "msg": reason, "input": value})
    if errors:
        raise RequestValidationError(errors)


def _iso_instant(value: Any) -> Any:
    # Pydantic also reads numbers as Unix timestamps (as_of=-1 would be 1969-12-31T23:59:59Z).
    if isinstance(value, str) and not _ISO_DATETIME.match(value):
        raise ValueError("must be an ISO 8601 date-time such as 2020-01-01T00:00:00Z")
    return value


def _utc(value: dt.datetime) -> dt.datetime:
    """Naive means UTC (as stored); an offset is converted, which can leave years 1 to 9999."""
    if value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    try:
        return value.astimezone(dt.UTC)
    except OverflowError:
        raise ValueError(f"{value.isoformat()} is out of range once converted to UTC (years 1 to 9999)") from None


Instant = Annotated[dt.datetime, BeforeValidator(_iso_instant), AfterValidator(_utc)]
