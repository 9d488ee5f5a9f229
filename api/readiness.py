"""Readiness checks: database reachable, schema at the migration head, broker reachable."""

from __future__ import annotations

import sqlalchemy as sa
from kombu.connection import Connection
from sqlalchemy.engine import Engine

from api.schemas import CheckPublic
from ledger import migrate


def database(engine: Engine) -> CheckPublic:
    try:
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
    except Exception as exc:  # any driver error means "not ready", reported, not raised
        return CheckPublic(ok=False, detail=f"unreachable: {type(exc).__name__}: {exc}"[:500])
    return CheckPublic(ok=True, detail=engine.dialect.name)


def migrations(engine: Engine) -> CheckPublic:
    try:
        current, head = migrate.current_revision(engine), migrate.head_revision()
    except Exception as exc:
        return CheckPublic(ok=False, detail=f"cannot read schema version: {exc}"[:500])
    if current != head:
        return CheckPublic(ok=False, detail=f"schema at {current}, head is {head}: run `loopledger db upgrade`")
    return CheckPublic(ok=True, detail=f"at head {head}")


def broker(url: str, timeout: float = 2.0) -> CheckPublic:
    try:
        with Connection(url, connect_timeout=timeout) as conn:  # type: ignore[no-untyped-call]
            conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=timeout)
    except Exception as exc:
        return CheckPublic(ok=False, detail=f"unreachable: {type(exc).__name__}: {exc}"[:500])
    return CheckPublic(ok=True, detail=url.split("://", 1)[0])
