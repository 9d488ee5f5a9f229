"""Where actors are on a date (spec: a firm by its founding and relocations, any other actor by
where it was registered), read for exactly the actors a question names."""

from __future__ import annotations

import bisect
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ledger.actors.models import Actor
from ledger.db import KeySet
from ledger.projections import models as m
from ledger.projections.archive import visible
from ledger.regions.patterns import LocationT, matches, sql_match


class Places:
    """Location histories of firms and registered locations of other actors, loaded on demand."""

    def __init__(self, session: Session, *, as_of: int | None = None) -> None:
        self.session = session
        self.as_of = as_of
        self.keys = KeySet(session)
        # firm -> sorted [(date, seq)] and the locations in the same order; None: not a founded firm
        self._history: dict[str, tuple[list[tuple[dt.date, int]], list[LocationT | None]] | None] = {}
        self._registered: dict[str, LocationT | None] = {}

    def load(self, actor_ids: Iterable[str]) -> None:
        wanted = sorted({a for a in actor_ids if a not in self._history})
        if not wanted:
            return
        ff = visible(m.FirmFounding, self.as_of)
        rl = visible(m.Relocation, self.as_of)
        ac = visible(Actor, self.as_of)
        rows: dict[str, list[tuple[dt.date, int, LocationT | None]]] = defaultdict(list)
        for chunk in self.keys.chunks(wanted):
            for firm, on, seq, country, subdivision, city in self.session.execute(
                sa.select(ff.c.firm_id, ff.c.founded_on, ff.c.event_seq, ff.c.country, ff.c.subdivision, ff.c.city).where(
                    self.keys.has(ff.c.firm_id, chunk)
                )
            ):
                rows[firm].append((on, seq, None if country is None else (country, subdivision, city)))
            founded = {f for f in chunk if f in rows}
            for firm, on, seq, country, subdivision, city in self.session.execute(
                sa.select(rl.c.firm_id, rl.c.occurred_on, rl.c.event_seq, rl.c.country, rl.c.subdivision, rl.c.city).where(
                    self.keys.has(rl.c.firm_id, sorted(founded))
                )
            ):
                rows[firm].append((on, seq, (country, subdivision, city)))
            others = [a for a in chunk if a not in founded]
            for actor, country, subdivision, city in self.session.execute(
                sa.select(ac.c.id, ac.c.country, ac.c.subdivision, ac.c.city).where(self.keys.has(ac.c.id, others))
            ):
                self._registered[actor] = None if country is None else (country, subdivision, city)
        for actor in wanted:
            history = sorted(rows.get(actor, ()), key=lambda r: (r[0], r[1]))
            self._history[actor] = ([(d, s) for d, s, _ in history], [loc for _, _, loc in history]) if history else None

    def on(self, actor_id: str, day: dt.date) -> LocationT | None:
        """Where the actor is on `day` (a firm: nowhere before its founding)."""
        if actor_id not in self._history:
            self.load([actor_id])
        history = self._history[actor_id]
        if history is None:
            return self._registered.get(actor_id)
        keys, locations = history
        i = bisect.bisect_right(keys, (day, 2**63))
        return None if i == 0 else locations[i - 1]

    def in_region(self, actor_id: str, day: dt.date, region: Sequence[dict[str, Any]]) -> bool:
        return matches(self.on(actor_id, day), region)

    def membership(self, region: Sequence[dict[str, Any]]) -> Membership:
        return Membership(self, region)


class Membership:
    """Whether actors are in one region on a date: each actor's location history is matched
    against the region once, then every date is a bisection (metric parts ask it per fact)."""

    def __init__(self, places: Places, region: Sequence[dict[str, Any]]) -> None:
        self.places, self.region = places, region
        # actor -> (history keys, in the region from each key on), or a registered actor's answer
        self._steps: dict[str, tuple[list[tuple[dt.date, int]], list[bool]] | bool] = {}

    def __call__(self, actor_id: str, day: dt.date) -> bool:
        steps = self._steps.get(actor_id)
        if steps is None:
            places = self.places
            places.load([actor_id])
            history = places._history[actor_id]
            if history is None:
                steps = matches(places._registered.get(actor_id), self.region)
            else:
                keys, locations = history
                steps = (keys, [matches(location, self.region) for location in locations])
            self._steps[actor_id] = steps
        if isinstance(steps, bool):
            return steps
        keys, inside = steps
        i = bisect.bisect_right(keys, (day, 2**63))
        return i > 0 and inside[i - 1]


def ever_in(session: Session, region: Sequence[dict[str, Any]], *, as_of: int | None = None) -> tuple[set[str], set[str]]:
    """(firms founded in or ever moved to the region, other actors registered there): everyone
    who can be in the region on some date. Read through the location indexes."""
    ff = visible(m.FirmFounding, as_of)
    rl = visible(m.Relocation, as_of)
    ac = visible(Actor, as_of)
    firms = set(session.scalars(sa.select(ff.c.firm_id).where(sql_match(ff.c.country, ff.c.subdivision, ff.c.city, region))))
    firms |= set(session.scalars(sa.select(rl.c.firm_id).where(sql_match(rl.c.country, rl.c.subdivision, rl.c.city, region))))
    registered = set(session.scalars(sa.select(ac.c.id).where(sql_match(ac.c.country, ac.c.subdivision, ac.c.city, region))))
    return firms, registered
