"""What validation reads and what projections write, for one append (or one replay).

Appending event by event with the ORM cost several round trips per event. Here the state that
rules need (actors, foundings, closures, retraction targets) is read once per batch, one query
per kind, and kept current in memory as events are applied; the rows to write are buffered and
inserted in bulk by `flush()`, and a retraction's archive moves wait for the same flush (rows still
buffered go straight to the archive), so a batch with retractions costs no extra round trips.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlmodel import SQLModel

from ledger.actors.models import Actor
from ledger.db import KeySet, bulk_insert
from ledger.events.models import EventRow, Retraction
from ledger.projections import archive
from ledger.projections.models import Closure, FirmFounding


@dataclass(frozen=True)
class Facts:
    """What the ledger knows of an actor's identity."""

    id: str
    type: str
    name: str
    kind: str | None
    country: str | None = None
    subdivision: str | None = None
    city: str | None = None


@dataclass(frozen=True)
class Founded:
    on: dt.date
    seq: int


@dataclass
class Target:
    """A logged event, as a retraction naming it needs to know it."""

    seq: int
    type: str
    data: dict[str, Any]
    retracted_by: int | None = None

    @property
    def actor_id(self) -> str | None:
        """The actor an actor.registered event registered."""
        return str(self.data["id"]) if self.type == "actor.registered" else None

    def named(self, key: str) -> str:
        ref = self.data[key]
        return str(ref if isinstance(ref, str) else ref["id"])


class LedgerState:
    def __init__(self, session: Session) -> None:
        self.session = session
        # None = known to be absent; a missing key = not looked up yet.
        self._actors: dict[str, Facts | None] = {}
        self._founded: dict[str, Founded | None] = {}
        # Every live closure of a firm (seq -> date): retracting one leaves the others.
        self._closures: dict[str, dict[int, dt.date]] = {}
        self._targets: dict[str, Target | None] = {}
        self._pending: dict[sa.Table, list[dict[str, Any]]] = defaultdict(list)
        self._moves: list[archive.Move] = []

    # ---- reads ---------------------------------------------------------------------------------

    def prefetch(self, actor_ids: Iterable[str]) -> None:
        """Load what is known of many actors at once (the ones a batch names)."""
        wanted = sorted({a for a in actor_ids if a not in self._actors})
        keys = KeySet(self.session)
        for chunk in keys.chunks(wanted):
            for key in chunk:
                self._actors[key] = None
                self._founded.setdefault(key, None)
                self._closures.setdefault(key, {})
            # One statement, columns not ORM objects: a batch reads thousands of actors, and a
            # group commit of a few single posts pays for each round trip.
            known = (
                sa.select(
                    Actor.id, Actor.type, Actor.name, Actor.kind, Actor.country, Actor.subdivision, Actor.city,
                    FirmFounding.founded_on, FirmFounding.event_seq, Closure.event_seq, Closure.closed_on,
                )
                .outerjoin(FirmFounding, FirmFounding.firm_id == Actor.id)
                .outerjoin(Closure, Closure.firm_id == Actor.id)
                .where(keys.has(Actor.id, chunk))
            )  # fmt: skip
            for row in self.session.connection().execute(known):
                actor_id = row[0]
                self._actors[actor_id] = Facts(*row[:7])
                if row[8] is not None:
                    self._founded[actor_id] = Founded(row[7], row[8])
                if row[9] is not None:
                    self._closures[actor_id][row[9]] = row[10]

    def prefetch_targets(self, event_ids: Iterable[str]) -> None:
        """Load the logged events that retractions name, with the retraction that undid each."""
        wanted = sorted({e for e in event_ids if e not in self._targets})
        keys = KeySet(self.session)
        query = sa.select(EventRow.event_id, EventRow.seq, EventRow.type, EventRow.data, Retraction.retraction_seq).outerjoin(
            Retraction, Retraction.target_seq == EventRow.seq
        )
        for chunk in keys.chunks(wanted):
            self._targets.update(dict.fromkeys(chunk))
            for event_id, seq, type_, data, retracted_by in self.session.execute(query.where(keys.has(EventRow.event_id, chunk))):
                self._targets[event_id] = Target(seq, type_, data, retracted_by)

    def actor(self, actor_id: str) -> Facts | None:
        if actor_id not in self._actors:
            self.prefetch([actor_id])
        return self._actors[actor_id]

    def founding(self, firm_id: str) -> Founded | None:
        if firm_id not in self._founded:
            self.prefetch([firm_id])
        return self._founded.get(firm_id)

    def closed_on(self, firm_id: str) -> dt.date | None:
        closures = self._closures_of(firm_id)
        return min(closures.values()) if closures else None

    def _closures_of(self, firm_id: str) -> dict[int, dt.date]:
        if firm_id not in self._closures:
            self.prefetch([firm_id])
        return self._closures.setdefault(firm_id, {})

    def target(self, event_id: str) -> Target | None:
        if event_id not in self._targets:
            self.prefetch_targets([event_id])
        return self._targets[event_id]

    # ---- writes --------------------------------------------------------------------------------

    def add(self, model: type[SQLModel], row: dict[str, Any]) -> None:
        self._pending[archive.table_of(model)].append(row)

    def log(self, row: dict[str, Any]) -> None:
        """Buffer a log row; a later retraction in the same batch may name it."""
        self.add(EventRow, row)
        self._targets[row["event_id"]] = Target(row["seq"], row["type"], row["data"])

    def register(self, facts: Facts, seq: int) -> None:
        row = {
            "id": facts.id,
            "type": facts.type,
            "name": facts.name,
            "kind": facts.kind,
            "country": facts.country,
            "subdivision": facts.subdivision,
            "city": facts.city,
            "registered_seq": seq,
        }
        self.add(Actor, row)
        self._actors[facts.id] = facts

    def founded(self, firm_id: str, on: dt.date, seq: int) -> None:
        self._founded[firm_id] = Founded(on, seq)

    def closed(self, firm_id: str, on: dt.date, seq: int) -> None:
        self._closures_of(firm_id)[seq] = on

    def retract(self, target: Target, retraction_seq: int, tables: tuple[type[SQLModel], ...]) -> None:
        """Undo what the target did to the state and move its rows (in `tables`, the ones its type
        writes, and its actor) to the archive: rows still in the buffer now, rows already written
        at the next flush."""
        actor_id = target.actor_id
        # Each branch reads the actor first if it is not cached yet: the tables still hold the
        # target's rows until the flush, and a later read would bring them back.
        if target.type == "actor.registered" and actor_id is not None:
            self.actor(actor_id)
            self._actors[actor_id] = None
        elif target.type == "firm.founded":
            firm = target.named("firm")
            self.founding(firm)
            self._founded[firm] = None  # a firm has one live founding
        elif target.type == "firm.closed":
            self._closures_of(target.named("firm")).pop(target.seq, None)
        # Its rows may still be buffered: by this batch, or by a rebuild replaying the log.
        for table in (*tables, Actor) if actor_id is not None else tables:
            self._archive_buffered(archive.table_of(table), target, retraction_seq)
        self._moves.append(archive.Move(target.seq, retraction_seq, tables, actor_id))
        target.retracted_by = retraction_seq
        self.add(Retraction, {"target_seq": target.seq, "retraction_seq": retraction_seq})

    def _archive_buffered(self, table: sa.Table, target: Target, retraction_seq: int) -> None:
        rows = self._pending.get(table)
        if not rows:
            return
        seq = archive.SEQ_COLUMN[table.name]
        actor_id = target.actor_id
        moved = [r for r in rows if r[seq] == target.seq and (table.name != "actor" or r["id"] == actor_id)]
        if moved:
            self._pending[table] = [r for r in rows if r[seq] != target.seq or (table.name == "actor" and r["id"] != actor_id)]
            self._pending[archive.ARCHIVES[table.name]].extend({**r, archive.RETRACTION_SEQ: retraction_seq} for r in moved)

    def flush(self, then: Sequence[sa.Update] = ()) -> None:
        """Write what waits: archive moves first (a batch may found a firm again after retracting
        its founding), then log rows, then everything else (it refers to them), then `then`."""
        if not self._pending and not self._moves and not then:
            return
        self.session.flush()  # ORM changes go first
        archive.archive(self.session, self._moves)
        self._moves.clear()
        event = archive.table_of(EventRow)
        bulk_insert(self.session, sorted(self._pending.items(), key=lambda item: item[0] is not event), then)
        self._pending.clear()
