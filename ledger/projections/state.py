"""What validation reads and what projections write, for one append (or one replay).

Appending event by event with the ORM cost several round trips per event. Here the state that
rules need (actors, foundings, closures) is read once per batch and kept current in memory as
events are applied, and the rows to write are buffered and inserted in bulk by `flush()`.
Anything that must read the tables themselves (retractions) flushes first.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlmodel import SQLModel

from ledger.actors.models import Actor
from ledger.db import KeySet, bulk_insert
from ledger.events.models import EventRow
from ledger.projections.models import Closure, FirmFounding

_INSERT_CHUNK = 5000


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


class LedgerState:
    def __init__(self, session: Session) -> None:
        self.session = session
        # None = known to be absent; a missing key = not looked up yet.
        self._actors: dict[str, Facts | None] = {}
        self._founded: dict[str, Founded | None] = {}
        self._closed: dict[str, dt.date | None] = {}
        self._pending: dict[type[SQLModel], list[dict[str, Any]]] = defaultdict(list)
        self._pending_actor: dict[str, dict[str, Any]] = {}

    # ---- reads ---------------------------------------------------------------------------------

    def prefetch(self, actor_ids: Iterable[str]) -> None:
        """Load what is known of many actors at once (the ones a batch names)."""
        wanted = sorted({a for a in actor_ids if a not in self._actors})
        keys = KeySet(self.session)
        for chunk in keys.chunks(wanted):
            for key in chunk:
                self._actors[key] = None
                self._founded.setdefault(key, None)
                self._closed.setdefault(key, None)
            # Columns, not ORM objects: a batch reads thousands of actors.
            actors = sa.select(Actor.id, Actor.type, Actor.name, Actor.kind, Actor.country, Actor.subdivision, Actor.city)
            for row in self.session.execute(actors.where(keys.has(Actor.id, chunk))).all():
                self._actors[row[0]] = Facts(*row)
            founded = sa.select(FirmFounding.firm_id, FirmFounding.founded_on, FirmFounding.event_seq)
            for firm, on, seq in self.session.execute(founded.where(keys.has(FirmFounding.firm_id, chunk))).all():
                self._founded[firm] = Founded(on, seq)
            closed = (
                sa.select(Closure.firm_id, sa.func.min(Closure.closed_on)).where(keys.has(Closure.firm_id, chunk)).group_by(Closure.firm_id)
            )
            for firm, on in self.session.execute(closed).all():
                self._closed[firm] = on

    def actor(self, actor_id: str) -> Facts | None:
        if actor_id not in self._actors:
            self.prefetch([actor_id])
        return self._actors[actor_id]

    def founding(self, firm_id: str) -> Founded | None:
        if firm_id not in self._founded:
            self.prefetch([firm_id])
        return self._founded.get(firm_id)

    def closed_on(self, firm_id: str) -> dt.date | None:
        if firm_id not in self._closed:
            self.prefetch([firm_id])
        return self._closed.get(firm_id)

    # ---- writes --------------------------------------------------------------------------------

    def add(self, model: type[SQLModel], row: dict[str, Any]) -> None:
        self._pending[model].append(row)

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
        self._pending_actor[facts.id] = row
        self._actors[facts.id] = facts

    def founded(self, firm_id: str, on: dt.date, seq: int) -> None:
        self._founded[firm_id] = Founded(on, seq)

    def closed(self, firm_id: str, on: dt.date) -> None:
        before = self.closed_on(firm_id)
        self._closed[firm_id] = on if before is None else min(before, on)

    def flush(self) -> None:
        """Insert every buffered row: log rows first, everything else refers to them."""
        if not self._pending:
            return
        self.session.flush()  # ORM changes (the log head) go first
        order = sorted(self._pending, key=lambda model: model is not EventRow)
        for model in order:
            bulk_insert(self.session, model.__table__, self._pending[model])  # type: ignore[attr-defined]
        self._pending.clear()
        self._pending_actor.clear()

    def forget(self, actor_ids: Iterable[str]) -> None:
        """These actors' rows changed behind the cache's back (a retraction): read them afresh."""
        self.flush()
        for actor_id in actor_ids:
            self._actors.pop(actor_id, None)
            self._founded.pop(actor_id, None)
            self._closed.pop(actor_id, None)
