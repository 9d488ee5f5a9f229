"""Canonical form of an event body: what is stored, hashed for idempotency and chained."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from ledger import exact_json
from ledger.events.schemas import Event


def canonical_body(event: Event) -> dict[str, Any]:
    """The envelope without event_id, nulls dropped: two spellings of one fact compare equal."""
    return event.model_dump(mode="json", exclude_none=True, exclude={"event_id"})


def stored_body(*, type: str, occurred_on: dt.date, source: str | None, data: dict[str, Any]) -> dict[str, Any]:
    """The canonical body of a stored row, put back together from the columns it was split into."""
    body: dict[str, Any] = {"type": type, "occurred_on": occurred_on.isoformat(), "data": data}
    if source is not None:
        body["source"] = source
    return body


def same_body(first: dict[str, Any], second: dict[str, Any]) -> bool:
    # Compared as canonical text, not as dicts: Python finds True == 1 and 1 == 1.0, the hash does not.
    return exact_json.canonical(first) == exact_json.canonical(second)


def body_hash(body: dict[str, Any]) -> str:
    return hashlib.sha256(exact_json.canonical(body)).hexdigest()


def chain_hash(prev_hash: str, *, seq: int, event_id: str, recorded_at: str, body_hash: str) -> str:
    return hashlib.sha256(exact_json.canonical([prev_hash, seq, event_id, recorded_at, body_hash])).hexdigest()


GENESIS_HASH = "0" * 64
