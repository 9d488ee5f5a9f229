"""Pydantic validation errors of event documents as located, readable ErrorItems.

One translation for every way events come in (HTTP bodies, `loopledger load` documents), so a
client sees the same location and message for the same mistake.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from ledger.errors import ErrorItem
from ledger.events.schemas import EVENT_TYPES
from ledger.events.values import REF_TAGS


def error_item(err: dict[str, Any], loc: Sequence[str | int]) -> ErrorItem:
    """One pydantic error at `loc` (already stripped of its transport prefix)."""
    parts = [p for p in loc if p not in EVENT_TYPES and p not in REF_TAGS]  # the discriminated unions' tags are noise
    kind = err.get("type")
    msg = str(err.get("msg", "invalid"))
    if kind == "json_invalid":
        # The character offset sits in loc, where it would read as a field or batch index.
        offset = parts[-1] if parts else "?"
        parts = []
        msg = f"body is not valid JSON at character {offset}: {err.get('ctx', {}).get('error', msg)}"
    elif kind in ("union_tag_invalid", "union_tag_not_found"):
        parts = [*parts, "type"]
        if kind == "union_tag_invalid":
            msg = f"unknown event type {err.get('ctx', {}).get('tag')!r}; expected one of: {', '.join(EVENT_TYPES)}"
        else:
            msg = "type is required"
    return ErrorItem(tuple(parts), msg.removeprefix("Value error, "))


def error_items(errors: Iterable[dict[str, Any]], *, prefix: Sequence[str | int] = (), drop: int = 0) -> list[ErrorItem]:
    """Every error, its loc without the first `drop` parts (the model's wrapping) and under `prefix`."""
    return [error_item(err, (*prefix, *tuple(err.get("loc", ()))[drop:])) for err in errors]
