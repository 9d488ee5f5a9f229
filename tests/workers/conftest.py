"""Real Celery workers on real Redis against the real PostgreSQL: processes, brokers and waits.

Nothing here is eager or mocked. A worker is `.venv/bin/loopledger worker --pool solo` (or the
command's default pool) in its own process group (so its embedded beat dies with it), started with only the LOOPLEDGER_* settings a
test chose, and always killed at teardown. Tests wait on watermarks (`GET /v1/status`, task
state) with `wait_for`, never on a fixed sleep. Under CI=true a missing PostgreSQL, Redis or
redis-server binary fails these tests instead of skipping them (tests.conftest.require_service).
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager, suppress
from pathlib import Path
from typing import Any, Protocol, TypeVar

import pytest
import redis
import sqlalchemy as sa
from fastapi.testclient import TestClient

from api.app import create_app
from ledger.config import Settings
from ledger.events.schemas import MAX_BATCH_EVENTS
from tests.conftest import POSTGRES_URL, REDIS_URL, _pg_url, _redis_error, authorized, grant, require_service

ROOT = Path(__file__).resolve().parents[2]
LOOPLEDGER = ROOT / ".venv" / "bin" / "loopledger"
# Celery prints this once the consumer is connected and the worker takes tasks.
READY = re.compile(r"celery@\S+ ready\.")
T = TypeVar("T")


# ---- waiting -----------------------------------------------------------------------------------


def wait_for(predicate: Callable[[], T | None], timeout: float, *, what: str, diagnostics: Callable[[], str] | None = None) -> T:
    """Poll `predicate` until it returns something truthy and return that; fail after `timeout` s.

    This waits on an observable watermark (status lag, task state), so a slow machine only makes
    the test slower, never wrong. `diagnostics` adds e.g. the worker logs to the failure message.
    """
    deadline = time.monotonic() + timeout
    last = predicate()
    while not last:
        if time.monotonic() > deadline:
            extra = f"\n{diagnostics()}" if diagnostics else ""
            pytest.fail(f"timed out after {timeout:.0f}s waiting for {what} (last: {last!r}){extra}")
        time.sleep(0.05)
        last = predicate()
    assert last is not None
    return last


def status(client: TestClient) -> dict[str, Any]:
    response = client.get("/v1/status")
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def caught_up(client: TestClient, through_seq: int) -> Callable[[], bool]:
    """Predicate: the liquidity watermark has reached `through_seq` and nothing is left (lag 0)."""

    def check() -> bool:
        derived = status(client)["derived"]["liquidity"]
        return bool(derived["lag"] == 0 and derived["seq"] >= through_seq)

    return check


def task_state(client: TestClient, task_id: str) -> dict[str, Any]:
    response = client.get(f"/v1/tasks/{task_id}")
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def post_events(client: TestClient, events: Sequence[dict[str, Any]]) -> int:
    """Append `events` with POST /v1/events/batch in chunks of MAX_BATCH_EVENTS; returns the last seq."""
    last = 0
    for start in range(0, len(events), MAX_BATCH_EVENTS):
        response = client.post("/v1/events/batch", json={"events": list(events[start : start + MAX_BATCH_EVENTS])})
        assert response.status_code == 201, response.text[:2000]
        last = max(r["seq"] for r in response.json()["results"])
    return last


def count_rows(database_url: str, sql: str) -> int:
    engine = sa.create_engine(database_url)
    try:
        with engine.connect() as conn:
            return int(conn.execute(sa.text(sql)).scalar_one())
    finally:
        engine.dispose()


# ---- processes ---------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    """SIGKILL the process and everything in its group (the worker's embedded beat, pool children)."""
    with suppress(ProcessLookupError):  # the whole group is already gone
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=15)


class Worker:
    """One `loopledger worker` process; its output goes to `log`."""

    def __init__(self, process: subprocess.Popen[bytes], log: Path) -> None:
        self.process = process
        self.log = log
        self.killed = False

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def kill(self) -> None:
        """SIGKILL the whole process group: no warm shutdown, so nothing is acknowledged or restored."""
        self.killed = True
        _kill_group(self.process)


class Workers:
    """Starts workers against one database; `kill_all` runs at teardown whatever the test did."""

    def __init__(self, database_url: str, directory: Path) -> None:
        self.database_url = database_url
        self.directory = directory
        self.started: list[Worker] = []

    def start(
        self,
        broker_url: str,
        *,
        beat: bool = False,
        sweep_interval_seconds: float | None = None,
        visibility_timeout_seconds: int | None = None,
        ready_timeout: float = 60.0,
        settings: dict[str, str] | None = None,
        pool: str | None = "solo",
    ) -> Worker:
        # Only the settings chosen here: a developer's LOOPLEDGER_* variables or .env must not leak in.
        env = {k: v for k, v in os.environ.items() if not k.startswith("LOOPLEDGER_")}
        env.update(
            LOOPLEDGER_DATABASE_URL=self.database_url,
            LOOPLEDGER_BROKER_URL=broker_url,
            LOOPLEDGER_LOG_LEVEL="info",
            # Beat keeps its schedule file in the temp dir; one per test, so runs never share it.
            TMPDIR=str(self.directory),
        )
        if sweep_interval_seconds is not None:
            env["LOOPLEDGER_SWEEP_INTERVAL_SECONDS"] = str(sweep_interval_seconds)
        if visibility_timeout_seconds is not None:
            env["LOOPLEDGER_VISIBILITY_TIMEOUT_SECONDS"] = str(visibility_timeout_seconds)
        env.update({f"LOOPLEDGER_{name.upper()}": value for name, value in (settings or {}).items()})
        # pool=None: the command's defaults (prefork, two processes, both queues).
        command = [str(LOOPLEDGER), "worker", *(["--pool", pool] if pool else []), *(["--beat"] if beat else [])]
        log = self.directory / f"worker-{len(self.started) + 1}.log"
        with log.open("wb") as out:
            # Own session and process group, so kill() takes the embedded beat process with it.
            process = subprocess.Popen(command, cwd=self.directory, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        worker = Worker(process, log)
        self.started.append(worker)

        def ready() -> bool:
            if process.poll() is not None:
                pytest.fail(f"worker exited with {process.returncode} before it was ready:\n{worker.output()}")
            return READY.search(worker.output()) is not None

        wait_for(ready, ready_timeout, what="the worker to log that it is ready", diagnostics=worker.output)
        return worker

    def while_alive(self, predicate: Callable[[], T | None]) -> Callable[[], T | None]:
        """`predicate`, but failing at once (with the log) if a worker not killed by the test exited."""

        def check() -> T | None:
            for worker in self.started:
                if not worker.killed and worker.process.poll() is not None:
                    pytest.fail(f"worker exited with {worker.process.returncode}:\n{worker.output()[-6000:]}")
            return predicate()

        return check

    def wait(self, predicate: Callable[[], T | None], timeout: float, *, what: str) -> T:
        """wait_for, failing early if a worker died, with the workers' logs in any failure."""
        return wait_for(self.while_alive(predicate), timeout, what=what, diagnostics=self.logs)

    def logs(self) -> str:
        return "\n".join(f"---- {w.log.name} (pid {w.process.pid}) ----\n{w.output()[-6000:]}" for w in self.started)

    def kill_all(self) -> None:
        for worker in self.started:
            worker.kill()


class RedisServer:
    """A private redis-server on its own port that a test can kill and start again."""

    def __init__(self, binary: str, directory: Path) -> None:
        self.binary = binary
        self.directory = directory
        self.port = _free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        command = [
            self.binary, "--port", str(self.port), "--bind", "127.0.0.1",
            "--save", "", "--appendonly", "no", "--daemonize", "no", "--dir", str(self.directory),
        ]  # fmt: skip
        with (self.directory / "redis.log").open("ab") as out:
            self.process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        client = redis.Redis.from_url(self.url, socket_connect_timeout=1)

        def answers() -> bool:
            try:
                return bool(client.ping())
            except redis.RedisError:
                return False

        wait_for(answers, 20, what=f"redis-server on port {self.port}", diagnostics=lambda: (self.directory / "redis.log").read_text())
        client.close()

    def blocked_clients(self) -> int:
        """Clients waiting in a blocking command: an idle worker sits in BRPOP on its queue."""
        client = redis.Redis.from_url(self.url, socket_connect_timeout=1)
        try:
            return int(client.info("clients")["blocked_clients"])
        finally:
            client.close()

    def stop(self) -> None:
        """SIGKILL: an outage, not a shutdown (with --save "" nothing survives a restart)."""
        if self.process is not None:
            _kill_group(self.process)
            self.process = None


# ---- fixtures ----------------------------------------------------------------------------------


def flushed_redis() -> str:
    """The shared test Redis, its logical database flushed so no message of an earlier test remains."""
    require_service(_redis_error())
    client = redis.Redis.from_url(REDIS_URL)
    client.flushdb()
    client.close()
    return REDIS_URL


@contextmanager
def fresh_database(template: str) -> Iterator[str]:
    """A database copied from the migrated template (for fixtures wider than one test)."""
    name = f"ll_w_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    try:
        yield _pg_url(name)
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


def api_client(database_url: str, broker_url: str, *, dispatch_delay_seconds: float = 0.2) -> TestClient:
    """A TestClient of the real app on `database_url`, enqueueing on `broker_url` (enter it to start)."""
    settings = Settings(database_url=database_url, broker_url=broker_url, dispatch_delay_seconds=dispatch_delay_seconds)
    return authorized(TestClient(create_app(settings)), grant(database_url))


@pytest.fixture
def redis_url() -> str:
    return flushed_redis()


@pytest.fixture
def private_redis(tmp_path: Path) -> Iterator[RedisServer]:
    binary = shutil.which("redis-server")
    require_service(None if binary else "redis-server is not on PATH (needed to simulate a broker outage)")
    assert binary is not None
    directory = tmp_path / "redis"
    directory.mkdir()
    server = RedisServer(binary, directory)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def workers(postgres_url: str, tmp_path: Path) -> Iterator[Workers]:
    pool = Workers(postgres_url, tmp_path)
    try:
        yield pool
    finally:
        pool.kill_all()


class ApiFactory(Protocol):
    def __call__(self, broker_url: str, *, dispatch_delay_seconds: float = ...) -> TestClient: ...


@pytest.fixture
def api(postgres_url: str) -> Iterator[ApiFactory]:
    """Build API clients on the test database: `api(broker_url, dispatch_delay_seconds=...)`."""
    with ExitStack() as stack:

        def make(broker_url: str, *, dispatch_delay_seconds: float = 0.2) -> TestClient:
            return stack.enter_context(api_client(postgres_url, broker_url, dispatch_delay_seconds=dispatch_delay_seconds))

        yield make
