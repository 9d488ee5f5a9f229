"""Write derived liquidity events and hops: replace one set of actors, or everything."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlmodel import col

from ledger.chains.derive import HopFact, Liquidity
from ledger.chains.facts import _chunks
from ledger.chains.models import Hop, LiquidityEvent, Tracking

_INSERT_CHUNK = 2000


def _hop_row(h: HopFact) -> dict[str, Any]:
    src = h.source_location or (None, None, None)
    dst = h.target_location or (None, None, None)
    return {
        "source_id": h.source_id,
        "via_id": h.via_id,
        "kind": h.kind,
        "cause_seq": h.cause_seq,
        "fund_seq": h.fund_seq,
        "target_id": h.target_id,
        "fund_id": h.fund_id,
        "liquidity_on": h.liquidity_on,
        "fund_on": h.fund_on,
        "hop_on": h.hop_on,
        "amount_usd": h.amount_usd,
        "min_window_years": h.min_window_years,
        "listed": h.listed,
        "source_country": src[0],
        "source_subdivision": src[1],
        "source_city": src[2],
        "target_country": dst[0],
        "target_subdivision": dst[1],
        "target_city": dst[2],
    }


def _insert(session: Session, table: Any, rows: Sequence[dict[str, Any]]) -> None:
    for i in range(0, len(rows), _INSERT_CHUNK):
        session.execute(sa.insert(table), list(rows[i : i + _INSERT_CHUNK]))


def replace(session: Session, *, actors: Iterable[str] | None, liquidity: Sequence[Liquidity], hops: Sequence[HopFact]) -> None:
    """Delete what the given actors (all, when None) had, then insert the freshly derived rows."""
    if actors is None:
        session.execute(sa.delete(Hop))
        session.execute(sa.delete(LiquidityEvent))
    else:
        for chunk in _chunks(set(actors)):
            session.execute(sa.delete(Hop).where(col(Hop.via_id).in_(chunk)))
            session.execute(sa.delete(LiquidityEvent).where(col(LiquidityEvent.actor_id).in_(chunk)))
    _insert(
        session,
        LiquidityEvent,
        [{"actor_id": q.actor_id, "firm_id": q.firm_id, "liquidity_on": q.on, "exit_seq": q.exit_seq} for q in liquidity],
    )
    _insert(session, Hop, [_hop_row(h) for h in hops])


def position(session: Session, consumer: str, *, lock: bool = False) -> int:
    query = sa.select(Tracking).where(Tracking.consumer == consumer)
    if lock:
        query = query.with_for_update()
    row = session.scalars(query).first()
    return 0 if row is None else row.position


def set_position(session: Session, consumer: str, seq: int) -> None:
    row = session.get(Tracking, consumer)
    if row is None:
        session.add(Tracking(consumer=consumer, position=seq))
    else:
        row.position = seq
    session.flush()
