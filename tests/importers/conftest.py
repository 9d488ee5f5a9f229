"""Fixtures for the import/export tests: the fixture exports, a second empty ledger, imports."""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from ledger.db import create_db_engine, make_session_factory
from tests.conftest import POSTGRES_URL, _pg_url

FIXTURES = Path(__file__).resolve().parent / "fixtures"
BULK = FIXTURES / "bulk"
PUBLIC_2015 = FIXTURES / "public_2015"


@pytest.fixture
def second_database_url(database_url: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """Another empty, migrated ledger on the same backend as `database_url`."""
    if database_url.startswith("sqlite"):
        template: Path = request.getfixturevalue("sqlite_template")
        path = tmp_path / "second.db"
        shutil.copy(template, path)
        yield f"sqlite:///{path}"
        return
    template_name: str = request.getfixturevalue("postgres_template")
    name = f"ll_t_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}" TEMPLATE "{template_name}"')
    yield _pg_url(name)
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.dispose()


@pytest.fixture
def second_factory(second_database_url: str) -> Iterator[sessionmaker[Session]]:
    engine = create_db_engine(second_database_url)
    yield make_session_factory(engine)
    engine.dispose()


def newer_export(tmp_path: Path) -> Path:
    """The bulk fixture plus the rows of fixtures/bulk_v2_additions: a later export of the same data."""
    target = tmp_path / "bulk_v2"
    shutil.copytree(BULK, target)
    for extra in sorted((FIXTURES / "bulk_v2_additions").glob("*.csv")):
        with (target / extra.name).open("a", encoding="utf-8") as out:
            out.write(extra.read_text(encoding="utf-8"))
    return target


def copy_of(source: Path, tmp_path: Path, name: str = "export") -> Path:
    target = tmp_path / name
    shutil.copytree(source, target)
    return target
