"""Retracted projection rows, kept for answers "as of" an earlier point of the log.

A retraction moves its target's rows out of the live tables (which readers of the current state
use as they are) into an archive twin of each table: the same columns plus `retraction_seq`.
`visible(table, as_of_seq)` is what a reader sees as of a seq: the live rows recorded by then,
plus the archived rows recorded by then and retracted only later. Nothing is rewound, nothing
written: an as-of answer is a filter.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlmodel import SQLModel

from ledger.actors.models import Actor
from ledger.projections.models import PROJECTION_TABLES

RETRACTION_SEQ = "retraction_seq"


def _twin(table: sa.Table, seq_column: str) -> sa.Table:
    columns = [sa.Column(c.name, c.type, nullable=True) for c in table.columns]
    return sa.Table(
        f"{table.name}_retracted",
        SQLModel.metadata,
        *columns,
        sa.Column(RETRACTION_SEQ, sa.BigInteger, nullable=False),
        sa.Index(f"ix_{table.name}_retracted_{seq_column}", seq_column),
    )


def table_of(model: type[SQLModel]) -> sa.Table:
    """The table of a SQLModel class (typed: SQLModel does not declare `__table__`)."""
    table: sa.Table = model.__table__  # type: ignore[attr-defined]
    return table


# The column that dates a row in the log: the event that wrote it.
SEQ_COLUMN: dict[str, str] = {table_of(m).name: "event_seq" for m in PROJECTION_TABLES} | {"actor": "registered_seq"}
ARCHIVES: dict[str, sa.Table] = {
    name: _twin(table_of(m), SEQ_COLUMN[name]) for name, m in ((table_of(m).name, m) for m in (*PROJECTION_TABLES, Actor))
}


@dataclass(frozen=True)
class Move:
    """One retraction's move: the rows `target_seq` wrote go to the archive, marked as retracted by
    `retraction_seq`; `actor_id` is the actor an actor.registered target registered."""

    target_seq: int
    retraction_seq: int
    # The projections the target's type writes.
    tables: tuple[type[SQLModel], ...]
    actor_id: str | None = None


def archive(session: Session, moves: Sequence[Move]) -> None:
    """Move the rows the targets wrote into the archive (the caller's transaction): two
    statements per table the targets wrote, for all the moves of a batch. Actors registered
    inline by a target stay: later events may name them by id."""
    if not moves:
        return
    for model in PROJECTION_TABLES:
        retracted_by = {m.target_seq: m.retraction_seq for m in moves if model in m.tables}
        if retracted_by:
            table = table_of(model)
            _move(session, table, table.c[SEQ_COLUMN[table.name]].in_(retracted_by), retracted_by)
    retracted_by = {m.target_seq: m.retraction_seq for m in moves}
    actors = table_of(Actor)
    registered = [sa.and_(actors.c.registered_seq == m.target_seq, actors.c.id == m.actor_id) for m in moves if m.actor_id is not None]
    if registered:
        _move(session, actors, sa.or_(*registered), retracted_by)


def _move(session: Session, table: sa.Table, condition: Any, retracted_by: dict[int, int]) -> None:
    seq = table.c[SEQ_COLUMN[table.name]]
    names = [c.name for c in table.columns]
    marked = sa.case(retracted_by, value=seq)
    twin = ARCHIVES[table.name]
    session.execute(twin.insert().from_select([*names, RETRACTION_SEQ], sa.select(*table.columns, marked).where(condition)))
    session.execute(table.delete().where(condition))


def visible(model: type[SQLModel], as_of_seq: int | None) -> sa.FromClause:
    """The rows of a projection as of `as_of_seq` (None: now), with the table's columns."""
    table = table_of(model)
    if as_of_seq is None:
        return table
    seq_name = SEQ_COLUMN[table.name]
    twin = ARCHIVES[table.name]
    live = sa.select(*table.columns).where(table.c[seq_name] <= as_of_seq)
    gone = sa.select(*(twin.c[c.name] for c in table.columns)).where(twin.c[seq_name] <= as_of_seq, twin.c[RETRACTION_SEQ] > as_of_seq)
    return sa.union_all(live, gone).subquery(table.name)


def clear(session: Session) -> None:
    """Empty every archive (a rebuild replays the retractions and fills them again)."""
    for twin in ARCHIVES.values():
        session.execute(twin.delete())
