"""Fixtures of the ledger property tests: template databases holding the histories' prelude."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from tests.ledger.histories import fresh_postgres, play_prelude


@pytest.fixture(scope="session")
def universe_sqlite(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The migrated template plus the prelude, copied for each example (cheaper than appending)."""
    path = tmp_path_factory.mktemp("universe") / "universe.db"
    shutil.copy(sqlite_template, path)
    play_prelude(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def universe_postgres(postgres_template: str) -> Iterator[str]:
    """The name of a PostgreSQL template database holding the migrations and the prelude."""
    with fresh_postgres(postgres_template) as url:
        play_prelude(url)
        database = make_url(url).database
        assert database is not None
        yield database


# Deterministic for CI: derandomized, no example database carried between runs.
