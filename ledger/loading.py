"""Load an event document ({"regions": {...}?, "events": [...]}) through the same append path as the API."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from sqlalchemy.orm import Session, sessionmaker

from ledger import exact_json
from ledger.db import unit_of_work
from ledger.errors import ErrorItem, InvalidEvent, LedgerError
from ledger.events import service as events_service
from ledger.events.invalid import error_items
from ledger.events.schemas import MAX_BATCH_EVENTS, EventBatch
from ledger.regions import service as regions_service
from ledger.regions.schemas import RegionDefinition


@dataclass(frozen=True)
class Loaded:
    new: int
    duplicates: int
    regions: int


def _shape(doc: Any) -> tuple[list[Any], dict[str, Any]]:
    if isinstance(doc, list):
        return doc, {}
    if not isinstance(doc, dict) or not isinstance(doc.get("events"), list):
        raise InvalidEvent('a document is a list of events or {"regions": {...}, "events": [...]}', loc=("events",))
    regions = doc.get("regions") or {}
    if not isinstance(regions, dict):
        raise InvalidEvent("regions must be an object of slug -> definition", loc=("regions",))
    return doc["events"], regions


def load_document(factory: sessionmaker[Session], doc: Any, *, future_tolerance_days: int = 1) -> Loaded:
    """Regions first, then events in atomic batches of at most 10,000; replays are no-ops.

    Raises InvalidEvent located at the bad part (`events.<index>.<field>` or `regions.<slug>`);
    nothing of the failing batch is written. Earlier batches stay (they are whole and valid).
    """
    raw, regions = _shape(doc)
    definitions = {}
    for slug, definition in regions.items():
        try:
            definitions[slug] = RegionDefinition.model_validate(definition)
        except ValidationError as exc:
            raise InvalidEvent(error_items(exc.errors(), prefix=("regions", slug))) from None
    for slug, definition in definitions.items():
        with unit_of_work(factory) as session:
            regions_service.put(session, slug=slug, definition=definition)
    new = dup = 0
    for start in range(0, len(raw), MAX_BATCH_EVENTS):
        try:
            batch = EventBatch.model_validate({"events": raw[start : start + MAX_BATCH_EVENTS]})
        except ValidationError as exc:
            raise _offset(InvalidEvent(error_items(exc.errors(), drop=1)), start) from None
        try:
            with unit_of_work(factory) as session:
                results = events_service.append(session, events=batch.events, future_tolerance_days=future_tolerance_days, indexed=True)
        except LedgerError as exc:  # invalid (422) or in conflict with the ledger (409)
            raise _offset(exc, start) from None
        dup += sum(r.duplicate for r in results)
        new += sum(not r.duplicate for r in results)
    return Loaded(new=new, duplicates=dup, regions=len(regions))


def _offset(exc: LedgerError, start: int) -> LedgerError:
    """Batch-relative event indexes as positions in the document's events list."""
    return type(exc)(
        [ErrorItem(("events", e.loc[0] + start, *e.loc[1:]) if e.loc and isinstance(e.loc[0], int) else e.loc, e.msg) for e in exc.errors]
    )


def load_path(factory: sessionmaker[Session], path: Path, *, future_tolerance_days: int = 1) -> Loaded:
    try:
        doc = exact_json.loads(path.read_bytes())
    except UnicodeDecodeError as exc:
        raise InvalidEvent(f"not UTF-8 text: {exc.reason} at byte {exc.start}") from None
    except json.JSONDecodeError as exc:
        raise InvalidEvent(f"not valid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}") from None
    except (RecursionError, ValueError) as exc:
        raise InvalidEvent(exact_json.unreadable(exc, what="document") or str(exc)) from None
    return load_document(factory, doc, future_tolerance_days=future_tolerance_days)
