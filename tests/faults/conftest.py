"""Fault injection against real services: a private PostgreSQL that a test may crash, the API as
a subprocess that a test may SIGKILL, and (from tests/workers/conftest.py) real Celery workers and
a private redis-server.

The machine's shared PostgreSQL is never restarted: `private_postgres` runs its own server
(initdb into a temporary directory, `pg_ctl start` on a free port) and `crash()` stops it with
`pg_ctl stop -m immediate`, which is a crash for PostgreSQL (no shutdown checkpoint; the next
start replays the WAL). Under CI=true a missing initdb/pg_ctl or redis-server fails these tests
instead of skipping them (tests.conftest.require_service).
"""

from __future__ import annotations

import os
import pwd
import shlex
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import ExitStack, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from ledger import migrate
from ledger.db import create_db_engine
from ledger.keys import service as keys_service
from tests.conftest import require_service
from tests.log_checks import LogRow, log_rows
from tests.workers.conftest import LOOPLEDGER, _free_port, _kill_group, wait_for
from tests.workers.conftest import private_redis as private_redis
from tests.workers.conftest import workers as workers

# The API stores this as its operator key at start-up (LOOPLEDGER_ADMIN_KEY), as compose does.
ADMIN_KEY = keys_service.generate()
AUTH = {"Authorization": f"Bearer {ADMIN_KEY}"}


# ---- a private PostgreSQL ------------------------------------------------------------------------


def _bindir() -> Path | None:
    """The directory holding initdb and pg_ctl: LOOPLEDGER_TEST_PG_BINDIR, pg_config, Debian's
    versioned directories (newest first), then PATH."""
    candidates: list[Path] = []
    if configured := os.environ.get("LOOPLEDGER_TEST_PG_BINDIR"):
        candidates.append(Path(configured))
    if pg_config := shutil.which("pg_config"):
        with suppress(OSError, subprocess.CalledProcessError):
            candidates.append(Path(subprocess.run([pg_config, "--bindir"], capture_output=True, text=True, check=True).stdout.strip()))

    def version(path: Path) -> int:
        return int(path.parent.name) if path.parent.name.isdigit() else 0

    candidates += sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=version, reverse=True)
    if pg_ctl := shutil.which("pg_ctl"):
        candidates.append(Path(pg_ctl).parent)
    return next((c for c in candidates if (c / "initdb").is_file() and (c / "pg_ctl").is_file()), None)


@dataclass(frozen=True)
class OsUser:
    uid: int
    gid: int
    name: str


def _server_user() -> OsUser | str | None:
    """Who runs the server: None for the current user; as root (initdb and postgres refuse to run
    as root) the `postgres` OS user, or LOOPLEDGER_TEST_PG_OS_USER; a string says what is missing."""
    if os.geteuid() != 0:
        return None
    name = os.environ.get("LOOPLEDGER_TEST_PG_OS_USER", "postgres")
    try:
        entry = pwd.getpwnam(name)
    except KeyError:
        return f"running as root and there is no OS user {name!r} to run a private PostgreSQL as (set LOOPLEDGER_TEST_PG_OS_USER)"
    return OsUser(entry.pw_uid, entry.pw_gid, name)


class PrivatePostgres:
    """One PostgreSQL server of this test's own, in `directory`, on a free port of 127.0.0.1."""

    def __init__(self, bindir: Path, directory: Path, user: OsUser | None) -> None:
        self.bindir = bindir
        self.directory = directory
        self.data = directory / "data"
        self.log = directory / "postgresql.log"
        self.user = user
        self.port = _free_port()

    def _run(self, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
        user = self.user
        # extra_groups=[] drops root's supplementary groups along with its uid.
        return subprocess.run(
            [str(self.bindir / args[0]), *args[1:]],
            cwd=self.directory,
            capture_output=True,
            text=True,
            timeout=timeout,
            user=None if user is None else user.uid,
            group=None if user is None else user.gid,
            extra_groups=None if user is None else [],
        )

    def _checked(self, *args: str) -> None:
        done = self._run(*args)
        if done.returncode != 0:
            pytest.fail(f"{shlex.join(args)} exited with {done.returncode}:\n{done.stdout}\n{done.stderr}\n{self.output()}")

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-6000:] if self.log.exists() else ""

    def init(self) -> None:
        # --no-sync only skips initdb's own flush of the files it writes; the server runs with
        # fsync and synchronous_commit on (see start), which is what an acknowledged append relies on.
        self._checked("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-instructions", "--no-sync")

    def start(self) -> None:
        options = [
            "-c", "listen_addresses=127.0.0.1", "-c", f"port={self.port}", "-c", f"unix_socket_directories={self.directory}",
            "-c", "fsync=on", "-c", "synchronous_commit=on", "-c", "full_page_writes=on",
            "-c", "shared_buffers=32MB", "-c", "max_connections=80",
        ]  # fmt: skip
        self._checked("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", shlex.join(options), "-w", "-t", "60", "start")

    def crash(self) -> None:
        """Immediate stop: every backend is killed at once, nothing is flushed or checkpointed;
        the next start recovers from the WAL, as after a crash."""
        self._checked("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")

    def url(self, database: str = "postgres", *, application_name: str | None = None) -> str:
        query = {} if application_name is None else {"application_name": application_name}
        url = sa.URL.create("postgresql+psycopg", username="postgres", host="127.0.0.1", port=self.port, database=database, query=query)
        return url.render_as_string(hide_password=False)

    def create_database(self, name: str) -> str:
        """A new database migrated to head; returns its URL."""
        admin = sa.create_engine(self.url(), isolation_level="AUTOCOMMIT")
        try:
            with admin.connect() as conn:
                conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
        finally:
            admin.dispose()
        engine = create_db_engine(self.url(name))
        try:
            migrate.upgrade(engine)
        finally:
            engine.dispose()
        return self.url(name)


@pytest.fixture
def private_postgres(tmp_path: Path) -> Iterator[PrivatePostgres]:
    """A started private PostgreSQL, always stopped and removed at teardown."""
    bindir = _bindir()
    require_service(None if bindir else "initdb/pg_ctl not found (set LOOPLEDGER_TEST_PG_BINDIR) to run a private PostgreSQL")
    user = _server_user()
    require_service(user if isinstance(user, str) else None)
    assert bindir is not None and not isinstance(user, str)
    if user is None:
        directory = tmp_path / "postgresql"
        directory.mkdir()
    else:
        # pytest's tmp_path lies under a directory only root may enter, so the server's user
        # gets a directory of its own beside it.
        directory = Path(tempfile.mkdtemp(prefix="loopledger-faults-pg-"))
        os.chown(directory, user.uid, user.gid)
    server = PrivatePostgres(bindir, directory, user)
    try:
        server.init()
        server.start()
        yield server
    finally:
        server.stop()
        if user is not None:
            shutil.rmtree(directory, ignore_errors=True)


# ---- the API as a subprocess -------------------------------------------------------------------


class ApiServer:
    """`loopledger serve` in its own process group; `kill()` is SIGKILL, `start()` again reuses the port."""

    def __init__(self, database_url: str, broker_url: str, directory: Path, *, workers: int, dispatch_delay_seconds: float) -> None:
        self.database_url = database_url
        self.broker_url = broker_url
        self.directory = directory
        self.workers = workers
        self.dispatch_delay_seconds = dispatch_delay_seconds
        self.port = _free_port()
        self.log = directory / f"api-{self.port}.log"
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def client(self, timeout: float = 30.0) -> httpx.Client:
        return httpx.Client(base_url=self.url, headers=AUTH, timeout=timeout)

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-6000:] if self.log.exists() else ""

    def start(self, ready_timeout: float = 60.0) -> None:
        # Only the settings chosen here: a developer's LOOPLEDGER_* variables or .env must not leak in.
        env = {k: v for k, v in os.environ.items() if not k.startswith("LOOPLEDGER_")}
        env.update(
            LOOPLEDGER_DATABASE_URL=self.database_url,
            LOOPLEDGER_BROKER_URL=self.broker_url,
            LOOPLEDGER_ADMIN_KEY=ADMIN_KEY,
            LOOPLEDGER_LOG_LEVEL="warning",
            LOOPLEDGER_DISPATCH_DELAY_SECONDS=str(self.dispatch_delay_seconds),
        )
        command = [str(LOOPLEDGER), "serve", "--host", "127.0.0.1", "--port", str(self.port), "--workers", str(self.workers)]
        with self.log.open("ab") as out:
            # Own process group: kill() takes uvicorn's worker processes with the supervisor.
            self.process = subprocess.Popen(
                command, cwd=self.directory, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )
        process = self.process

        def healthy() -> bool:
            if process.poll() is not None:
                pytest.fail(f"the API exited with {process.returncode}:\n{self.output()}")
            try:
                return httpx.get(f"{self.url}/healthz", timeout=1.0).status_code == 200
            except httpx.TransportError:
                return False

        wait_for(healthy, ready_timeout, what="the API to answer /healthz", diagnostics=self.output)

    def kill(self) -> None:
        """SIGKILL the supervisor and its workers: no shutdown, open requests just end."""
        if self.process is not None:
            _kill_group(self.process)
            self.process = None

    def stop(self) -> None:
        if self.process is None:
            return
        with suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            _kill_group(self.process)
        self.process = None


class ApiFactory(Protocol):
    def __call__(self, database_url: str, broker_url: str, *, workers: int = ..., dispatch_delay_seconds: float = ...) -> ApiServer: ...


@pytest.fixture
def api_server(tmp_path: Path) -> Iterator[ApiFactory]:
    """Start API subprocesses: `api_server(database_url, broker_url)`; all are stopped at teardown."""
    with ExitStack() as stack:

        def start(database_url: str, broker_url: str, *, workers: int = 2, dispatch_delay_seconds: float = 0.2) -> ApiServer:
            server = ApiServer(database_url, broker_url, tmp_path, workers=workers, dispatch_delay_seconds=dispatch_delay_seconds)
            stack.callback(server.stop)
            server.start()
            return server

        yield start


# ---- the log -------------------------------------------------------------------------------------


def read_log(database_url: str) -> list[LogRow]:
    engine = create_db_engine(database_url)
    try:
        with engine.connect() as conn:
            return log_rows(conn)
    finally:
        engine.dispose()


def loopledger_verify(database_url: str) -> str:
    """`loopledger verify` on the database (hash chain, body hashes, gap-free seq, head,
    watermarks); fails the test with its verdict unless it says ok."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("LOOPLEDGER_")} | {"LOOPLEDGER_DATABASE_URL": database_url}
    done = subprocess.run([str(LOOPLEDGER), "verify"], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, f"loopledger verify exited with {done.returncode}:\n{done.stdout}\n{done.stderr}"
    return done.stdout.strip()


def with_application_name(database_url: str, name: str) -> str:
    """The URL with `application_name` set, so pg_stat_activity tells which process a backend serves."""
    return make_url(database_url).update_query_dict({"application_name": name}).render_as_string(hide_password=False)


class Backends:
    """What pg_stat_activity says about the backends serving one application_name."""

    def __init__(self, database_url: str, application_name: str) -> None:
        self.engine = sa.create_engine(make_url(database_url).set(query={}))
        self.application_name = application_name

    def _count(self, condition: str, **params: str) -> int:
        with self.engine.connect() as conn:
            query = f"SELECT count(*) FROM pg_stat_activity a WHERE a.application_name = :name AND {condition}"
            return int(conn.execute(sa.text(query), {"name": self.application_name, **params}).scalar_one())

    def writing(self) -> int:
        """Backends inside a transaction that has written or locked a row (it has an xid): an
        append holds the ledger head row lock from its first statement to its commit."""
        return self._count("a.backend_xid IS NOT NULL")

    def waiting_on(self, table: str) -> int:
        """Backends waiting for a lock on `table` (to write it, when a test holds it in SHARE mode)."""
        waiting = "EXISTS (SELECT FROM pg_locks l WHERE l.pid = a.pid AND NOT l.granted AND l.relation = CAST(:table AS regclass))"
        return self._count(waiting, table=table)

    def connected(self) -> int:
        return self._count("true")

    def close(self) -> None:
        self.engine.dispose()
