"""Canonical form of an event body: what is stored, hashed for idempotency and chained."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from ledger.events.schemas import Event


def canonical_body(event: Event) -> dict[str, Any]:
    """The envelope without event_id, nulls dropped: two spellings of one fact compare equal."""
    return event.model_dump(mode="json", exclude_none=True, exclude={"event_id"})


def _dumps(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def body_hash(body: dict[str, Any]) -> str:
    return hashlib.sha256(_dumps(body).encode()).hexdigest()


def chain_hash(prev_hash: str, *, seq: int, event_id: str, recorded_at: str, body_hash: str) -> str:
    material = _dumps([prev_hash, seq, event_id, recorded_at, body_hash])
    return hashlib.sha256(material.encode()).hexdigest()


GENESIS_HASH = "0" * 64
