"""Migrations build the schema the models declare, from an empty database, and can be undone.

Run on PostgreSQL (required under CI=true, like every postgres test) and on SQLite.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy.engine import Engine, make_url

from ledger import migrate
from ledger.db import create_db_engine
from ledger.events.canonical import GENESIS_HASH
from ledger.schema import metadata
from tests.conftest import POSTGRES_URL, _postgres_error, require_service


@pytest.fixture
def empty_postgresql_engine() -> Iterator[Engine]:
    """A brand-new PostgreSQL database with nothing in it (not a copy of the migrated template)."""
    require_service(_postgres_error())
    name = f"ll_empty_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    engine = create_db_engine(make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False))
    try:
        yield engine
    finally:
        engine.dispose()
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


@pytest.fixture
def empty_sqlite_engine(tmp_path: Path) -> Iterator[Engine]:
    engine = create_db_engine(f"sqlite:///{tmp_path / 'empty.db'}")
    yield engine
    engine.dispose()


@pytest.fixture(params=["postgresql", "sqlite"])
def empty_engine(request: pytest.FixtureRequest) -> Engine:
    engine: Engine = request.getfixturevalue(f"empty_{request.param}_engine")
    return engine


def _drift(engine: Engine) -> list[object]:
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        return list(compare_metadata(context, metadata))


def _tables(engine: Engine) -> set[str]:
    return set(sa.inspect(engine).get_table_names())


def _downgrade(engine: Engine, revision: str) -> None:
    cfg = migrate.alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, revision)


def test_upgrade_from_empty_database_reaches_head(empty_engine: Engine) -> None:
    assert _tables(empty_engine) == set()
    migrate.upgrade(empty_engine)

    assert _tables(empty_engine) == {*metadata.tables, "alembic_version"}
    assert migrate.head_revision() is not None
    assert migrate.current_revision(empty_engine) == migrate.head_revision()
    with empty_engine.connect() as conn:
        head = conn.execute(sa.text("SELECT id, last_seq, last_hash, last_recorded_at FROM ledger_head")).all()
    assert [tuple(row) for row in head] == [(1, 0, GENESIS_HASH, None)]


def test_migrated_schema_has_no_autogenerate_drift(empty_engine: Engine) -> None:
    migrate.upgrade(empty_engine)
    assert _drift(empty_engine) == []


def test_downgrade_to_base_then_upgrade_again(empty_engine: Engine) -> None:
    migrate.upgrade(empty_engine)
    _downgrade(empty_engine, "base")
    assert _tables(empty_engine) <= {"alembic_version"}
    assert migrate.current_revision(empty_engine) is None

    migrate.upgrade(empty_engine)
    assert migrate.current_revision(empty_engine) == migrate.head_revision()
    assert _drift(empty_engine) == []
    # The append-only triggers come back with the schema (PostgreSQL TRUNCATE fires even on an empty log).
    with pytest.raises(sa.exc.DBAPIError, match="append-only"), empty_engine.begin() as conn:
        if empty_engine.dialect.name == "postgresql":
            conn.exec_driver_sql("TRUNCATE event CASCADE")
        else:
            _seed_one_event(conn)
            conn.exec_driver_sql("DELETE FROM event")


def _seed_one_event(conn: sa.Connection) -> None:
    # SQLite triggers are row-level: give the DELETE a row to refuse.
    conn.exec_driver_sql(
        "INSERT INTO event (seq, event_id, type, occurred_on, recorded_at, data, body_hash, chain_hash) "
        f"VALUES (1, '{uuid.uuid4()}', 'fx.rate', '2020-01-01', '2020-01-01 00:00:00', '{{}}', '{'0' * 64}', '{'0' * 64}')"
    )


def _replace_first_event_at_seq_2(conn: sa.Connection) -> None:
    conn.exec_driver_sql(
        "INSERT OR REPLACE INTO event (seq, event_id, type, occurred_on, recorded_at, data, body_hash, chain_hash) "
        "SELECT 2, event_id, type, occurred_on, recorded_at, data, body_hash, chain_hash FROM event WHERE seq = 1"
    )


def test_sqlite_insert_guard_comes_and_goes_with_0006(empty_sqlite_engine: Engine) -> None:
    # Before 0006 a REPLACE silently deletes the stored row: no delete trigger fires for it.
    migrate.upgrade(empty_sqlite_engine, "0005")
    with empty_sqlite_engine.begin() as conn:
        _seed_one_event(conn)
        _replace_first_event_at_seq_2(conn)
        assert conn.exec_driver_sql("SELECT seq FROM event").scalars().all() == [2]

    migrate.upgrade(empty_sqlite_engine, "0006")
    with pytest.raises(sa.exc.DBAPIError, match="append-only"), empty_sqlite_engine.begin() as conn:
        conn.exec_driver_sql("REPLACE INTO event SELECT * FROM event")

    _downgrade(empty_sqlite_engine, "0005")
    with empty_sqlite_engine.begin() as conn:
        assert conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE name = 'event_no_replace'").all() == []
