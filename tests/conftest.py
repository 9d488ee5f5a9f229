"""Shared fixtures: a fresh migrated database per test, on SQLite and on the real PostgreSQL.

Under CI=true the PostgreSQL and Redis tests must run: a missing server fails the session
instead of skipping. Locally they are skipped with the reason when the server is not there.
"""

from __future__ import annotations

import json
import os
import queue
import shutil
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from api.app import create_app
from ledger import migrate
from ledger.config import Settings
from ledger.db import create_db_engine, make_session_factory
from ledger.keys import service as keys_service
from ledger.keys.service import Scope

ROOT = Path(__file__).resolve().parent.parent
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
POSTGRES_URL = os.environ.get("LOOPLEDGER_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("LOOPLEDGER_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def _postgres_error() -> str | None:
    try:
        engine = sa.create_engine(POSTGRES_URL, connect_args={"connect_timeout": 3})
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
        engine.dispose()
    except Exception as exc:
        return f"PostgreSQL at {make_url(POSTGRES_URL).render_as_string(hide_password=True)} unreachable: {exc}"
    return None


def _redis_error() -> str | None:
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=3).ping()
    except Exception as exc:
        return f"Redis at {REDIS_URL} unreachable: {exc}"
    return None


def pytest_sessionstart(session: pytest.Session) -> None:
    if not IN_CI:
        return
    problems = [p for p in (_postgres_error(), _redis_error()) if p]
    if problems:
        raise pytest.UsageError("CI=true but required services are missing:\n  " + "\n  ".join(problems))


def require_service(error: str | None) -> None:
    if error is None:
        return
    if IN_CI:
        pytest.fail(error)
    pytest.skip(error)


# ---- databases ---------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.db"
    engine = create_db_engine(f"sqlite:///{path}")
    migrate.upgrade(engine)
    engine.dispose()  # the last connection to close checkpoints the WAL into the file we copy
    return path


@pytest.fixture(scope="session")
def postgres_template() -> Iterator[str]:
    """A migrated database used as CREATE DATABASE ... TEMPLATE for each test (fast copies)."""
    require_service(_postgres_error())
    name = f"ll_tpl_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    engine = create_db_engine(_pg_url(name))
    migrate.upgrade(engine)
    engine.dispose()
    yield name
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.dispose()


def _pg_url(database: str) -> str:
    return make_url(POSTGRES_URL).set(database=database).render_as_string(hide_password=False)


class DatabasePool:
    """Fresh copies of the template made ahead, and used ones dropped behind, by one thread.

    Copying the template and dropping a copy take PostgreSQL about 0.6 s per test; done beside
    the running test (on the server's core, while the test's Python runs on the other), that
    time mostly disappears from the suite's. Each test still gets a database nobody used.
    """

    AHEAD = 2

    def __init__(self, template: str) -> None:
        self.template = template
        self.admin = sa.create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
        self.ready: queue.Queue[str | BaseException] = queue.Queue()
        self.work: queue.Queue[tuple[str, str] | None] = queue.Queue()
        self.thread = threading.Thread(target=self._run, name="pg-database-pool", daemon=True)
        self.thread.start()
        for _ in range(self.AHEAD):
            self.work.put(("create", f"ll_t_{uuid.uuid4().hex[:12]}"))

    def _run(self) -> None:
        while (job := self.work.get()) is not None:
            action, name = job
            try:
                with self.admin.connect() as conn:
                    if action == "create":
                        conn.exec_driver_sql(f'CREATE DATABASE "{name}" TEMPLATE "{self.template}"')
                    else:
                        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            except BaseException as exc:  # handed to the test that waits for a database
                if action == "create":
                    self.ready.put(exc)
                continue
            if action == "create":
                self.ready.put(name)

    def take(self) -> str:
        self.work.put(("create", f"ll_t_{uuid.uuid4().hex[:12]}"))
        got = self.ready.get(timeout=120)
        if isinstance(got, BaseException):
            raise got
        return got

    def give_back(self, name: str) -> None:
        self.work.put(("drop", name))

    def close(self) -> None:
        self.work.put(None)
        self.thread.join(timeout=120)
        with self.admin.connect() as conn:
            while not self.ready.empty():
                name = self.ready.get()
                if isinstance(name, str):
                    conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        self.admin.dispose()


@pytest.fixture(scope="session")
def postgres_pool(postgres_template: str) -> Iterator[DatabasePool]:
    pool = DatabasePool(postgres_template)
    yield pool
    pool.close()


@pytest.fixture
def postgres_url(postgres_pool: DatabasePool) -> Iterator[str]:
    name = postgres_pool.take()
    yield _pg_url(name)
    postgres_pool.give_back(name)


@pytest.fixture
def sqlite_url(sqlite_template: Path, tmp_path: Path) -> str:
    path = tmp_path / "ledger.db"
    shutil.copy(sqlite_template, path)
    return f"sqlite:///{path}"


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest) -> str:
    """Runs the test once per backend: the store contract is written once, checked on both."""
    fixture = "sqlite_url" if request.param == "sqlite" else "postgres_url"
    url: str = request.getfixturevalue(fixture)
    return url


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(database_url=database_url, broker_url="memory://")


@pytest.fixture
def session_factory(settings: Settings) -> Iterator[sessionmaker[Session]]:
    engine = create_db_engine(settings.database_url)
    yield make_session_factory(engine)
    engine.dispose()


def grant(database_url: str, *, scope: Scope = Scope.admin, name: str | None = None) -> str:
    """A new API key with `scope` stored in the database at `database_url`."""
    engine = create_db_engine(database_url)
    try:
        with make_session_factory(engine)() as session, session.begin():
            return keys_service.create(session, name=name or f"test-{uuid.uuid4().hex[:8]}", scope=scope)
    finally:
        engine.dispose()


def authorized(test_client: TestClient, key: str) -> TestClient:
    test_client.headers["Authorization"] = f"Bearer {key}"
    return test_client


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    """The real app with an admin key sent on every request (tests of access control use `anonymous`)."""
    with TestClient(create_app(settings)) as test_client:
        yield authorized(test_client, grant(settings.database_url))


# ---- data --------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def worked_example() -> dict[str, Any]:
    """The worked example of spec/chains-and-metrics.md as shipped in examples/."""
    doc: dict[str, Any] = json.loads((ROOT / "examples" / "worked-example.json").read_text())
    return doc


def log_snapshot(session: Session) -> list[tuple[Any, ...]]:
    """Every stored event row, to prove a rejected request left the log unchanged."""
    return [tuple(r) for r in session.execute(sa.text("SELECT seq, event_id, body_hash FROM event ORDER BY seq"))]
