"""Append mapped events in atomic batches through the ledger's own append path.

Per batch: events already in the ledger with the same body are skipped (re-imports are cheap);
with `versioned`, an event whose source row changed since it was written is corrected the
contract's way (a retraction plus the new version); actors named by bare id and not yet known
are registered just before their first use; events the ledger refuses go to the reject file and
the rest of the batch is appended again.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from ledger.actors.models import Actor
from ledger.db import KeySet, unit_of_work
from ledger.errors import Conflict, InvalidEvent, LedgerError
from ledger.events import canonical
from ledger.events import service as events_service
from ledger.events.models import EventRow, Retraction
from ledger.events.refs import references
from ledger.events.schemas import EVENT_ADAPTER, MAX_BATCH_EVENTS, Event
from ledger.importers.mapping import event_id
from ledger.importers.progress import Meter
from ledger.importers.rejects import Rejects

# The retraction reason names the new version: that is how a later import finds the live one.
_SUPERSEDED = re.compile(r"^superseded by ([0-9a-f-]{36})")

ActorFacts = Callable[[Sequence[str]], dict[str, dict[str, Any]]]


@dataclass(frozen=True)
class Origin:
    file: str
    line: int | None


@dataclass(frozen=True)
class Item:
    event: Event  # event_id set: the id derived from the source key
    origin: Origin
    parts: tuple[Origin, ...] = ()  # other rows the event carries (a round's investments)

    @property
    def rows(self) -> tuple[Origin, ...]:
        return (self.origin, *self.parts)


@dataclass
class Tally:
    new: int = 0
    duplicates: int = 0
    corrected: int = 0
    registered: int = 0
    refused: int = 0  # events the ledger refused (in the reject file)
    kept_retracted: int = 0  # retracted by someone else since: not written again

    def as_dict(self) -> dict[str, int]:
        return dict(self.__dict__)


@dataclass
class _Planned:
    event: Event
    origin: Origin
    group: int
    role: str  # item | retraction | registration
    note: str = ""
    parts: tuple[Origin, ...] = ()


@dataclass
class _Batch:
    planned: list[_Planned] = field(default_factory=list)


class StopImport(LedgerError):
    """A strict import (an event log) met an event the ledger refuses; earlier batches are kept."""

    title = "Import stopped"

    def __str__(self) -> str:
        return self.errors[0].msg


class EventWriter:
    def __init__(
        self,
        factory: sessionmaker[Session],
        *,
        rejects: Rejects | None = None,
        actor_facts: ActorFacts | None = None,
        versioned: bool = False,
        batch_size: int = 2000,
        future_tolerance_days: int = 1,
        registration_source: str | None = None,
        meter: Meter | None = None,
    ) -> None:
        if not 1 <= batch_size <= MAX_BATCH_EVENTS:
            raise ValueError(f"batch_size must be 1..{MAX_BATCH_EVENTS}")
        self.factory = factory
        self.rejects = rejects
        self.actor_facts = actor_facts
        self.versioned = versioned
        self.batch_size = batch_size
        self.future_tolerance_days = future_tolerance_days
        self.registration_source = registration_source
        self.meter = meter
        self.tally = Tally()
        self._pending: list[Item] = []

    def add(self, item: Item) -> None:
        self._pending.append(item)
        if len(self._pending) >= self.batch_size:
            self.flush()

    def flush(self) -> None:
        items, self._pending = self._pending, []
        if not items:
            return
        with self.factory() as session:
            batch = self._plan(session, items)
        self._append(batch)
        if self.meter is not None:
            self.meter.advance(len(items))

    def _landed(self, rows: Iterable[Origin]) -> None:
        """These rows' event is in the ledger (written now, or there already)."""
        if self.rejects is not None:
            self.rejects.in_ledger((r.file, r.line) for r in rows)

    # ---- planning --------------------------------------------------------------------------------

    def _plan(self, session: Session, items: list[Item]) -> _Batch:
        ids = [str(i.event.event_id) for i in items]
        stored = _stored(session, ids)
        batch = _Batch()
        for group, item in enumerate(items):
            base = str(item.event.event_id)
            if base not in stored:
                batch.planned.append(_Planned(item.event, item.origin, group, "item", parts=item.parts))
                continue
            digest = canonical.body_hash(canonical.canonical_body(item.event))
            _seq, stored_hash, retracted = stored[base]
            if not self.versioned or (stored_hash == digest and not retracted):
                if stored_hash == digest:
                    self.tally.duplicates += 1
                    self._landed(item.rows)
                else:  # not versioned: let the ledger say 409 with its message
                    batch.planned.append(_Planned(item.event, item.origin, group, "item", parts=item.parts))
                continue
            self._correct(session, batch, item, group, base, digest)
        if self.actor_facts is not None:
            self._register(session, batch)
        return batch

    def _correct(self, session: Session, batch: _Batch, item: Item, group: int, base: str, digest: str) -> None:
        """The row changed since it was imported: retract the live version, append the new one."""
        live, live_hash, state = _live_version(session, base)
        if state == "manual":
            self.tally.kept_retracted += 1
            self._landed(item.rows)  # in the log, retracted by someone: respected, not lost
            return
        if state == "live" and live_hash == digest:
            self.tally.duplicates += 1
            self._landed(item.rows)
            return
        new_id = event_id(live, digest)
        if state == "live":
            retraction = EVENT_ADAPTER.validate_python(
                {
                    "event_id": str(event_id("retract", live)),
                    "type": "event.retracted",
                    "occurred_on": item.event.occurred_on,
                    "source": item.event.source,
                    "data": {"event_id": live, "reason": f"superseded by {new_id}: the source row changed in a newer export"},
                }
            )
            batch.planned.append(_Planned(retraction, item.origin, group, "retraction"))
        batch.planned.append(
            _Planned(item.event.model_copy(update={"event_id": new_id}), item.origin, group, "item", "correction", item.parts)
        )

    def _register(self, session: Session, batch: _Batch) -> None:
        assert self.actor_facts is not None
        wanted: dict[str, dt.date] = {}
        for p in batch.planned:
            for ref in references(p.event):
                if isinstance(ref.ref, str):
                    wanted.setdefault(ref.ref, p.event.occurred_on)
        if not wanted:
            return
        known = known_actors(session, list(wanted))
        missing = [a for a in wanted if a not in known]
        facts = self.actor_facts(missing) if missing else {}
        registration_ids = {a: str(event_id("actor", a)) for a in missing}
        taken = _stored(session, list(registration_ids.values()))
        out: list[_Planned] = []
        done: set[str] = set()
        next_group = len(batch.planned) + 1_000_000
        for p in batch.planned:
            for ref in references(p.event):
                actor = ref.ref
                if not isinstance(actor, str) or actor in known or actor in done or actor not in facts:
                    continue
                done.add(actor)
                if registration_ids[actor] in taken:
                    continue  # registered and retracted since: the ledger will say the actor is unknown
                registration = EVENT_ADAPTER.validate_python(
                    {
                        "event_id": registration_ids[actor],
                        "type": "actor.registered",
                        "occurred_on": wanted[actor],
                        "source": None
                        if self.registration_source is None
                        else f"{self.registration_source} (first named in {p.origin.file})",
                        "data": facts[actor],
                    }
                )
                out.append(_Planned(registration, p.origin, next_group, "registration", f"registering actor {actor!r}: "))
                next_group += 1
            out.append(p)
        batch.planned = out

    # ---- appending -------------------------------------------------------------------------------

    def _append(self, batch: _Batch) -> None:
        planned = batch.planned
        while planned:
            events = [p.event for p in planned]
            try:
                with unit_of_work(self.factory) as session:
                    results = events_service.append(session, events=events, future_tolerance_days=self.future_tolerance_days, indexed=True)
            except (InvalidEvent, Conflict) as exc:
                planned = self._drop_refused(planned, exc)
                continue
            self._landed(row for p in planned if p.role == "item" for row in (p.origin, *p.parts))
            for p, r in zip(planned, results, strict=True):
                if r.duplicate:
                    if p.role == "item":
                        self.tally.duplicates += 1
                    continue
                if p.role == "registration":
                    self.tally.registered += 1
                elif p.role == "retraction":
                    self.tally.corrected += 1
                else:
                    self.tally.new += 1
            return

    def _drop_refused(self, planned: list[_Planned], exc: LedgerError) -> list[_Planned]:
        by_index: dict[int, list[str]] = {}
        for e in exc.errors:
            if not e.loc or not isinstance(e.loc[0], int):
                raise exc
            where = ".".join(map(str, e.loc[1:]))
            by_index.setdefault(e.loc[0], []).append(f"{where}: {e.msg}" if where else e.msg)
        if self.rejects is None:
            first = min(by_index)
            p = planned[first]
            raise StopImport(f"{p.origin.file} line {p.origin.line}: {'; '.join(by_index[first])}")
        failed_groups = {planned[i].group for i in by_index}
        for i, messages in sorted(by_index.items()):
            p = planned[i]
            if p.role == "item":
                self.tally.refused += 1
            self.rejects.add(p.origin.file, p.origin.line, f"refused by the ledger: {p.note}{'; '.join(messages)}")
            for part in p.parts if p.role == "item" else ():
                self.rejects.add(part.file, part.line, f"its event ({p.origin.file} line {p.origin.line}) was refused by the ledger")
        for i, p in enumerate(planned):
            # The other half of a correction goes too: never a retraction without its new version.
            if p.group in failed_groups and p.role == "item" and i not in by_index:
                self.tally.refused += 1
                self.rejects.add(p.origin.file, p.origin.line, "refused by the ledger: its correction could not be applied")
        return [p for p in planned if p.group not in failed_groups]


def _stored(session: Session, ids: list[str]) -> dict[str, tuple[int, str, bool]]:
    """event_id -> (seq, body_hash, retracted) for the ids already in the log."""
    out: dict[str, tuple[int, str, bool]] = {}
    keys = KeySet(session)
    for chunk in keys.chunks(ids):
        rows = session.execute(
            sa.select(EventRow.event_id, EventRow.seq, EventRow.body_hash, Retraction.retraction_seq)
            .outerjoin(Retraction, Retraction.target_seq == EventRow.seq)
            .where(keys.has(EventRow.event_id, chunk))
        )
        for event_key, seq, digest, retraction_seq in rows:
            out[event_key] = (seq, digest, retraction_seq is not None)
    return out


def known_actors(session: Session, ids: list[str]) -> set[str]:
    """The ids of these actors the ledger holds (registered and not retracted)."""
    out: set[str] = set()
    keys = KeySet(session)
    for chunk in keys.chunks(ids):
        out.update(session.scalars(sa.select(Actor.id).where(keys.has(Actor.id, chunk))))
    return out


def _live_version(session: Session, base: str) -> tuple[str, str | None, str]:
    """Follow an imported event's corrections to the version now in effect.

    Returns (id, body_hash, state): state "live" (id is in effect), "manual" (retracted by
    someone else: respected) or "gone" (the chain ends at a version never written).
    """
    current, previous = base, base
    for _ in range(10_000):
        row = session.execute(sa.select(EventRow.seq, EventRow.body_hash).where(EventRow.event_id == current)).first()
        if row is None:
            return previous, None, "gone"
        reason = session.scalar(
            sa.select(EventRow.data).join(Retraction, Retraction.retraction_seq == EventRow.seq).where(Retraction.target_seq == row.seq)
        )
        if reason is None:
            return current, row.body_hash, "live"
        match = _SUPERSEDED.match(str(reason.get("reason", "")))
        if match is None:
            return current, row.body_hash, "manual"
        previous, current = current, match[1]
    raise RuntimeError(f"correction chain of {base} does not end")
