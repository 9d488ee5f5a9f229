"""Change the stored log behind the application's back, as an intruder with database access would."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ledger.events import canonical
from ledger.schema import metadata

EVENT = metadata.tables["event"]
_SQLITE_GUARDS = ("event_no_update", "event_no_delete", "event_no_replace")


@contextmanager
def tampering(url: str) -> Iterator[Connection]:
    """One transaction in which the append-only triggers (and foreign keys) do not hold.

    A plain engine, not ledger.db's: no pragmas, so SQLite leaves foreign keys off; its triggers
    are dropped from this test's copy of the database. PostgreSQL turns them off for this
    transaction only (replica role: ordinary and foreign-key triggers do not fire).
    """
    engine = sa.create_engine(url)
    try:
        with engine.begin() as conn:
            if engine.dialect.name == "postgresql":
                conn.exec_driver_sql("SET LOCAL session_replication_role = replica")
            else:
                for trigger in _SQLITE_GUARDS:
                    conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {trigger}")
            yield conn
    finally:
        engine.dispose()


def stored_data(conn: Connection, seq: int) -> dict[str, Any]:
    data: dict[str, Any] = conn.execute(sa.select(EVENT.c.data).where(EVENT.c.seq == seq)).scalar_one()
    return data


def set_data(conn: Connection, seq: int, data: dict[str, Any], *, rehash: bool = False) -> None:
    """Replace an event's data; with `rehash` also its body_hash, so the body matches its hash again."""
    values: dict[str, Any] = {"data": data}
    if rehash:
        row = conn.execute(sa.select(EVENT.c.type, EVENT.c.occurred_on, EVENT.c.source).where(EVENT.c.seq == seq)).one()
        body = canonical.stored_body(type=row.type, occurred_on=row.occurred_on, source=row.source, data=data)
        values["body_hash"] = canonical.body_hash(body)
    conn.execute(sa.update(EVENT).where(EVENT.c.seq == seq).values(**values))


def delete_event(conn: Connection, seq: int) -> None:
    conn.execute(sa.delete(EVENT).where(EVENT.c.seq == seq))
