"""Retracted projection rows, kept for answers "as of" an earlier point of the log.

A retraction moves its target's rows out of the live tables (which readers of the current state
use as they are) into an archive twin of each table: the same columns plus `retraction_seq`.
`visible(table, as_of_seq)` is what a reader sees as of a seq: the live rows recorded by then,
plus the archived rows recorded by then and retracted only later. Nothing is rewound, nothing
written: an as-of answer is a filter.
"""

from __future__ import annotations

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


def _table(model: type[SQLModel]) -> sa.Table:
    table: sa.Table = model.__table__  # type: ignore[attr-defined]
    return table


# The column that dates a row in the log: the event that wrote it.
SEQ_COLUMN: dict[str, str] = {_table(m).name: "event_seq" for m in PROJECTION_TABLES} | {"actor": "registered_seq"}
ARCHIVES: dict[str, sa.Table] = {
    name: _twin(_table(m), SEQ_COLUMN[name]) for name, m in ((_table(m).name, m) for m in (*PROJECTION_TABLES, Actor))
}


def archive(session: Session, model: type[SQLModel], *, target_seq: int, retraction_seq: int, where: Any = None) -> None:
    """Move the rows the target event wrote into the archive (the caller's transaction)."""
    table = _table(model)
    seq = table.c[SEQ_COLUMN[table.name]]
    condition = seq == target_seq if where is None else sa.and_(seq == target_seq, where)
    names = [c.name for c in table.columns]
    twin = ARCHIVES[table.name]
    session.execute(
        twin.insert().from_select(
            [*names, RETRACTION_SEQ], sa.select(*table.columns, sa.literal(retraction_seq, sa.BigInteger)).where(condition)
        )
    )
    session.execute(table.delete().where(condition))


def visible(model: type[SQLModel], as_of_seq: int | None) -> sa.FromClause:
    """The rows of a projection as of `as_of_seq` (None: now), with the table's columns."""
    table = _table(model)
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
