"""Load an event document ({"regions": {...}?, "events": [...]}) through the same append path as the API."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from ledger.db import unit_of_work
from ledger.events import service as events_service
from ledger.events.schemas import MAX_BATCH_EVENTS, EventBatch
from ledger.regions import service as regions_service
from ledger.regions.schemas import RegionDefinition


@dataclass(frozen=True)
class Loaded:
    new: int
    duplicates: int
    regions: int


def load_document(factory: sessionmaker[Session], doc: dict[str, Any] | list[Any], *, future_tolerance_days: int = 1) -> Loaded:
    """Regions first, then events in atomic batches of at most 10,000; replays are no-ops."""
    raw = doc["events"] if isinstance(doc, dict) else doc
    regions = doc.get("regions", {}) if isinstance(doc, dict) else {}
    for slug, definition in regions.items():
        with unit_of_work(factory) as session:
            regions_service.put(session, slug=slug, definition=RegionDefinition.model_validate(definition))
    new = dup = 0
    for start in range(0, len(raw), MAX_BATCH_EVENTS):
        batch = EventBatch.model_validate({"events": raw[start : start + MAX_BATCH_EVENTS]})
        with unit_of_work(factory) as session:
            results = events_service.append(session, events=batch.events, future_tolerance_days=future_tolerance_days, indexed=True)
        dup += sum(r.duplicate for r in results)
        new += sum(not r.duplicate for r in results)
    return Loaded(new=new, duplicates=dup, regions=len(regions))


def load_path(factory: sessionmaker[Session], path: Path, *, future_tolerance_days: int = 1) -> Loaded:
    doc = json.loads(path.read_text(encoding="utf-8"))
    return load_document(factory, doc, future_tolerance_days=future_tolerance_days)
