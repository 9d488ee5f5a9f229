"""What new events can change in the stored metric parts: from which year, and in which regions.

Both are supersets worked out from indexes, so a refresh after a few events recomputes a few
regions' recent years instead of every region's history. A region's part can change only through
a firm ever located in it (its own facts, hops into it) or an actor liquid from such a firm (hops
out of it, the recycling rates); the events name the actors, and a short walk over the indexed
relations (rounds, founders, roles, fund LPs, liquidity) reaches every firm whose region that
may be. An exchange rate converts amounts anywhere, and a firm without a location counts in every
region's `firms_unlocated`: they touch every region.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ledger.actors.models import Actor
from ledger.chains.models import LiquidityEvent
from ledger.db import KeySet
from ledger.events.models import EventActor, EventRow, Retraction
from ledger.projections import models as m
from ledger.projections.archive import ARCHIVES
from ledger.regions.models import Region
from ledger.regions.patterns import LocationT, matches

# Event types whose effect is not tied to the actors they name.
_EVERYWHERE = {"fx.rate"}
# Event types that change only facts of the actors they name, in those actors' own regions (no
# engagement, liquidity or location of anyone): no walk from them.
_OWN_FACTS = {"headcount.reported", "firm.closed", "license.deal", "association.joined", "person.left", "event.retracted"}
# Beyond this many new events, every region is taken as touched.
_WALK_AT_MOST = 5_000


def _typed_seqs(session: Session, keys: KeySet, *, after: int, upto: int) -> dict[int, str]:
    """seq -> type of the events after..upto and of the targets of the retractions among them
    (a retraction undoes what its target did)."""
    targets = list(
        session.scalars(sa.select(Retraction.target_seq).where(Retraction.retraction_seq > after, Retraction.retraction_seq <= upto))
    )
    query = sa.select(EventRow.seq, EventRow.type)
    out = {seq: kind for seq, kind in session.execute(query.where(EventRow.seq > after, EventRow.seq <= upto))}
    for chunk in keys.chunks(targets):
        out.update((seq, kind) for seq, kind in session.execute(query.where(keys.has(EventRow.seq, chunk))))
    return out


def touched_from(session: Session, *, after: int, upto: int, window_years: int) -> int | None:
    """The first calendar year whose parts events after..upto can change, or None when they change
    none. An event dated t changes hops dated t and on, and the cohorts of liquidity events whose
    reinvestment it may be: up to 2W years before it, since a fund hop is dated up to W after a
    commitment made up to W after the liquidity event. A retraction changes what its target did."""
    if upto <= after:
        return None
    first = session.scalar(sa.select(sa.func.min(EventRow.occurred_on)).where(EventRow.seq > after, EventRow.seq <= upto))
    target = session.scalar(
        sa.select(sa.func.min(EventRow.occurred_on))
        .join(Retraction, Retraction.target_seq == EventRow.seq)
        .where(Retraction.retraction_seq > after, Retraction.retraction_seq <= upto)
    )
    dates = [d for d in (first, target) if d is not None]
    return None if not dates else min(dates).year - 2 * window_years


def touched_regions(session: Session, regions: Sequence[Region], *, after: int, upto: int) -> set[str] | None:
    """The slugs of the regions whose parts events after..upto can change; None for all of them."""
    if upto <= after:
        return set()
    if upto - after > _WALK_AT_MOST:
        return None  # a load of that size reaches every region anyway: skip the walk
    keys = KeySet(session)
    types = _typed_seqs(session, keys, after=after, upto=upto)
    if _EVERYWHERE & set(types.values()):
        return None
    walk = _Walk(session, keys)
    own = walk.named([seq for seq, kind in types.items() if kind in _OWN_FACTS])
    named = walk.named([seq for seq, kind in types.items() if kind not in _OWN_FACTS])
    # The actors the events name, with their funds and LPs: their own facts and money.
    near = named | walk.fund_links(named)
    # Everyone whose hops or cohorts those facts can change: who engaged into the firms named,
    # who was liquid from them, and their funds and LPs.
    engaged = walk.engaged_into(near) | walk.liquid_from(near)
    if walk.ever_unlocated(own | near):
        return None  # `firms_unlocated` counts firms in no region, and every region reports it
    around = near | engaged | walk.fund_links(engaged)
    firms = own | near | walk.liquid_firms(around) | walk.engagement_targets(around)
    places = walk.locations(firms) | walk.registered(own | near)
    return {r.slug for r in regions if any(matches(place, r.members) for place in places)}


class _Walk:
    """Indexed look-ups from a set of actors to related actors, live rows only (a retracted
    event's actors are named by the retraction's target, see `_typed_seqs`)."""

    def __init__(self, session: Session, keys: KeySet) -> None:
        self.session, self.keys = session, keys

    def named(self, seqs: Iterable[int]) -> set[str]:
        """The actors these events name."""
        ea = EventActor
        return self.pairs(lambda c: sa.select(ea.event_seq, ea.actor_id).where(self.keys.has(ea.event_seq, c)), seqs)

    def pairs(self, query_for: object, ids: Iterable[object]) -> set[str]:
        out: set[str] = set()
        for chunk in self.keys.chunks(ids):
            out.update(row[1] for row in self.session.execute(query_for(chunk)))  # type: ignore[operator]
        return out

    def fund_links(self, actors: set[str]) -> set[str]:
        lp = m.FundLp
        has = self.keys.has
        return self.pairs(lambda c: sa.select(lp.fund_id, lp.lp_id).where(has(lp.fund_id, c)), actors) | self.pairs(
            lambda c: sa.select(lp.lp_id, lp.fund_id).where(has(lp.lp_id, c)), actors
        )

    def engaged_into(self, firms: set[str]) -> set[str]:
        has = self.keys.has
        ri, f, af = m.RoundInvestor, m.Founder, m.Affiliation
        return (
            self.pairs(lambda c: sa.select(ri.firm_id, ri.investor_id).where(has(ri.firm_id, c)), firms)
            | self.pairs(lambda c: sa.select(f.firm_id, f.person_id).where(has(f.firm_id, c)), firms)
            | self.pairs(lambda c: sa.select(af.org_id, af.person_id).where(has(af.org_id, c)), firms)
        )

    def liquid_from(self, firms: set[str]) -> set[str]:
        le = LiquidityEvent
        return self.pairs(lambda c: sa.select(le.firm_id, le.actor_id).where(self.keys.has(le.firm_id, c)), firms)

    def liquid_firms(self, actors: set[str]) -> set[str]:
        le = LiquidityEvent
        return self.pairs(lambda c: sa.select(le.actor_id, le.firm_id).where(self.keys.has(le.actor_id, c)), actors)

    def engagement_targets(self, actors: set[str]) -> set[str]:
        has = self.keys.has
        ri, f, af, fo = m.RoundInvestor, m.Founder, m.Affiliation, m.FirmOrigin
        return (
            self.pairs(lambda c: sa.select(ri.investor_id, ri.firm_id).where(has(ri.investor_id, c)), actors)
            | self.pairs(lambda c: sa.select(f.person_id, f.firm_id).where(has(f.person_id, c)), actors)
            | self.pairs(lambda c: sa.select(af.person_id, af.org_id).where(has(af.person_id, c)), actors)
            # an organisation's kind counts in its spin-offs' spinoff_share
            | self.pairs(lambda c: sa.select(fo.org_id, fo.firm_id).where(has(fo.org_id, c)), actors)
        )

    def locations(self, firms: set[str]) -> set[LocationT]:
        """Every place the firms were ever founded or moved to, retracted rows included (a
        retracted founding or move changes the region it pointed to)."""
        return self._places([m.FirmFounding.__table__, m.Relocation.__table__], "firm_id", firms)  # type: ignore[attr-defined]

    def ever_unlocated(self, firms: set[str]) -> bool:
        """Whether one of the firms was founded without a location (retracted foundings too)."""
        table = m.FirmFounding.__table__  # type: ignore[attr-defined]
        for t in (table, ARCHIVES[table.name]):
            for chunk in self.keys.chunks(firms):
                if self.session.scalar(sa.select(sa.func.count()).where(self.keys.has(t.c.firm_id, chunk), t.c.country.is_(None))):
                    return True
        return False

    def registered(self, actors: set[str]) -> set[LocationT]:
        return self._places([Actor.__table__], "id", actors)  # type: ignore[attr-defined]

    def _places(self, tables: list[sa.Table], key: str, ids: set[str]) -> set[LocationT]:
        """The distinct known locations of these ids in the tables and their archive twins."""
        out: set[LocationT] = set()
        for table in [*tables, *(ARCHIVES[t.name] for t in tables)]:
            for chunk in self.keys.chunks(ids):
                rows = self.session.execute(
                    sa.select(table.c.country, table.c.subdivision, table.c.city).where(self.keys.has(table.c[key], chunk)).distinct()
                )
                out.update((country, subdivision, city) for country, subdivision, city in rows if country is not None)
        return out
