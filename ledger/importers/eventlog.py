"""The event log as JSON Lines: export it, and import an exported log into a ledger.

An export is replayable: one envelope per line (event_id, type, occurred_on, source, data) in
seq order, retracted events and their retractions included, so importing it into an empty
ledger gives the same projections, chains and metrics. Region definitions are not events; they
are written beside the log (regions.json) and loaded with it when given.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from pydantic import ValidationError
from sqlalchemy.orm import Session, sessionmaker

from ledger import exact_json
from ledger.db import read_snapshot, unit_of_work
from ledger.events.invalid import error_items
from ledger.events.models import EventRow
from ledger.events.schemas import EVENT_ADAPTER, Event
from ledger.importers.progress import Meter, ProgressCallback
from ledger.importers.sources import MalformedFile
from ledger.importers.writer import EventWriter, Item, Origin
from ledger.regions import service as regions_service
from ledger.regions.schemas import SLUG_PATTERN, RegionDefinition

EVENTS_FILE = "events.jsonl"
REGIONS_FILE = "regions.json"


@dataclass(frozen=True)
class Exported:
    events: int
    regions: int
    events_path: str
    regions_path: str


@dataclass(frozen=True)
class Imported:
    events: int  # lines read
    new: int
    duplicates: int
    regions: int
    seconds: float


def _envelope(row: EventRow) -> dict[str, Any]:
    out: dict[str, Any] = {"event_id": row.event_id, "type": row.type, "occurred_on": row.occurred_on.isoformat()}
    if row.source is not None:
        out["source"] = row.source
    out["data"] = row.data
    return out


def export_jsonl(factory: sessionmaker[Session], directory: Path, *, chunk: int = 5000) -> Exported:
    """Write DIR/events.jsonl (the whole log, one consistent snapshot) and DIR/regions.json."""
    directory.mkdir(parents=True, exist_ok=True)
    events_path, regions_path = directory / EVENTS_FILE, directory / REGIONS_FILE
    count = 0
    with read_snapshot(factory) as session:
        with events_path.open("w", encoding="utf-8") as out:
            after = 0
            while rows := list(session.scalars(sa.select(EventRow).where(EventRow.seq > after).order_by(EventRow.seq).limit(chunk))):
                for row in rows:
                    out.write(json.dumps(_envelope(row), ensure_ascii=False, separators=(",", ":")) + "\n")
                count += len(rows)
                after = rows[-1].seq
                session.expunge_all()
        regions = {r.slug: {"name": r.name, "members": r.members} for r in regions_service.get_all(session)}
    regions_path.write_text(json.dumps({"regions": regions}, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return Exported(count, len(regions), str(events_path), str(regions_path))


def _lines(path: Path) -> Iterator[tuple[int, Event]]:
    """Stream the log's events, validated; a line that is not an event stops with MalformedFile."""
    name = path.name
    try:
        with path.open(encoding="utf-8") as stream:
            for number, line in enumerate(stream, start=1):
                if not line.strip():
                    continue
                if "\x00" in line:
                    raise MalformedFile(name, number, "contains NUL bytes: a binary file, not JSON Lines")
                try:
                    raw = exact_json.loads(line)
                except json.JSONDecodeError as exc:
                    raise MalformedFile(name, number, f"not a JSON object ({exc.msg}): a truncated or corrupted line") from None
                except (RecursionError, ValueError) as exc:
                    raise MalformedFile(name, number, exact_json.unreadable(exc, what="line") or str(exc)) from None
                try:
                    yield number, EVENT_ADAPTER.validate_python(raw)
                except ValidationError as exc:
                    # A ledger that took a value this one refuses (NUL in a name, written to SQLite
                    # before names were checked; PostgreSQL cannot store it) is stopped here, with
                    # the line and field, before anything is written.
                    detail = "; ".join(f"{'.'.join(map(str, e.loc))}: {e.msg}" for e in error_items(exc.errors()[:5]))
                    raise MalformedFile(name, number, f"not a valid event: {detail}") from None
    except UnicodeDecodeError as exc:
        raise MalformedFile(name, None, f"not UTF-8 text: {exc.reason}") from None


def _regions(path: Path) -> dict[str, RegionDefinition]:
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise MalformedFile(path.name, None, f"not JSON: {exc}") from None
    raw = doc.get("regions", {}) if isinstance(doc, dict) else None
    if not isinstance(raw, dict):
        raise MalformedFile(path.name, None, 'expected {"regions": {slug: {"name": ..., "members": [...]}}}')
    out: dict[str, RegionDefinition] = {}
    for slug, definition in raw.items():
        if not re.match(SLUG_PATTERN, slug):
            raise MalformedFile(path.name, None, f"region slug {slug!r} does not match {SLUG_PATTERN}")
        try:
            out[slug] = RegionDefinition.model_validate(definition)
        except ValidationError as exc:
            raise MalformedFile(path.name, None, f"region {slug}: {exc.errors()[0]['msg']}") from None
    return out


def import_jsonl(
    factory: sessionmaker[Session],
    path: Path,
    *,
    regions_path: Path | None = None,
    progress: ProgressCallback | None = None,
    batch_size: int = 2000,
    future_tolerance_days: int = 1,
) -> Imported:
    """Append an exported log in its order. The whole file is validated first (MalformedFile,
    nothing written); then it is appended in atomic batches, and an event the ledger refuses
    stops the import with its line (StopImport; earlier batches stay, a re-run skips them)."""
    started = time.monotonic()
    regions = _regions(regions_path) if regions_path is not None else {}
    total = sum(1 for _ in _lines(path))
    for slug, definition in regions.items():
        with unit_of_work(factory) as session:
            regions_service.put(session, slug=slug, definition=definition)
    meter = Meter(progress, "writing", total)
    writer = EventWriter(factory, batch_size=batch_size, future_tolerance_days=future_tolerance_days, meter=meter)
    for number, event in _lines(path):
        writer.add(Item(event, Origin(path.name, number)))
    writer.flush()
    meter.finish()
    return Imported(total, writer.tally.new, writer.tally.duplicates, len(regions), round(time.monotonic() - started, 3))
