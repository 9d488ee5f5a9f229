"""A background import runs under limits: uncompressed bytes (declared by the archive and actually
read), rows, compression ratio and time. Over one, the task record fails with a clear message that
echoes nothing of the files, and nothing is written (a time limit reached while writing keeps the
atomic batches written before it, and importing again completes the export). Progress moves
through every stage. The task body is called directly; tests/workers/test_imports.py runs it on a
real worker."""

from __future__ import annotations

import contextlib
import struct
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import pytest
from celery.exceptions import SoftTimeLimitExceeded, TimeLimitExceeded
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from ledger.config import Settings
from ledger.events import service as events_service
from ledger.importers import crunchbase
from ledger.importers.crunchbase import import_crunchbase
from ledger.importers.limits import ImportLimitExceeded, LimitedSource, Limits
from ledger.importers.sources import DirectorySource, Source
from ledger.tasks import service as tasks_service
from tests.importers.conftest import BULK, copy_of
from workers.app import app as celery_app
from workers.tasks import import_crunchbase as import_task
from workers.tasks import run_import

BULK_ROWS = 68  # data rows of the bulk fixture, all files
SECRET = "do-not-echo-me"


@pytest.fixture(autouse=True)
def import_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    directory = tmp_path / "imports"
    monkeypatch.setenv("LOOPLEDGER_IMPORT_DIR", str(directory))
    monkeypatch.setenv("LOOPLEDGER_IMPORT_ROOT", str(tmp_path))
    return directory


@pytest.fixture
def bulk(tmp_path: Path) -> Path:
    """The bulk fixture export, under the import root."""
    return copy_of(BULK, tmp_path, "bulk")


def _queue(client: TestClient, path: Path) -> str:
    response = client.post("/v1/imports", json={"path": str(path)})
    assert response.status_code == 202, response.text
    task_id: str = response.json()["task_id"]
    return task_id


def _task(client: TestClient, task_id: str) -> dict[str, Any]:
    response = client.get(f"/v1/tasks/{task_id}")
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _head(factory: sessionmaker[Session]) -> int:
    with factory() as session:
        return events_service.head_seq(session)


def _failed(client: TestClient, factory: sessionmaker[Session], path: Path, import_dir: Path) -> str:
    """Run a queued import of `path` that must fail having written nothing; its error."""
    task_id = _queue(client, path)
    assert run_import(factory, task_id=task_id, path=str(path)) is None
    record = _task(client, task_id)
    assert record["state"] == "failed", record
    assert _head(factory) == 0
    assert not list(import_dir.glob(f"{task_id}-rejects.csv*"))  # no reject file, whole or half
    error: str = record["error"]
    assert SECRET not in error
    return error


def _member(path: Path, name: str, write: Callable[[IO[bytes]], None]) -> None:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive, archive.open(name, "w") as member:
        write(member)


def _declaring(path: Path, size: int) -> None:
    """Make the one-member archive at `path` declare `size` uncompressed bytes (both headers)."""
    data = bytearray(path.read_bytes())
    struct.pack_into("<I", data, data.index(b"PK\x03\x04") + 22, size)
    struct.pack_into("<I", data, data.rindex(b"PK\x01\x02") + 24, size)
    path.write_bytes(bytes(data))


# ---- bytes and ratio ---------------------------------------------------------------------------


def test_an_uploaded_zip_bomb_fails_at_once_with_default_limits(
    client: TestClient, session_factory: sessionmaker[Session], tmp_path: Path, import_dir: Path
) -> None:
    bomb = tmp_path / "bomb.zip"

    def write(member: IO[bytes]) -> None:
        member.write(f"uuid,name\n{SECRET},x\n".encode())
        for _ in range(200):
            member.write(b"0" * (1 << 20))

    _member(bomb, "export/organizations.csv", write)  # 200 MiB in about 200 KB
    assert bomb.stat().st_size < 1_000_000
    response = client.post("/v1/imports", files={"file": ("bomb.zip", bomb.read_bytes(), "application/zip")})
    assert response.status_code == 202, response.text
    task_id = response.json()["task_id"]
    upload = Path(_task(client, task_id)["params"]["path"])
    started = time.monotonic()
    assert run_import(session_factory, task_id=task_id, path=str(upload), remove_after=True) is None
    assert time.monotonic() - started < 10  # refused by its header; reading 200 MiB would take longer
    record = _task(client, task_id)
    assert record["state"] == "failed" and _head(session_factory) == 0 and not upload.exists()
    assert not list(import_dir.glob(f"{task_id}-rejects.csv*"))
    with zipfile.ZipFile(bomb) as archive:
        (member,) = archive.infolist()
    ratio = member.file_size / member.compress_size
    assert member.file_size > 200 * 2**20 and ratio > 1000
    assert record["error"] == (
        f"Import limit exceeded: organizations.csv: {member.file_size:,} bytes compressed to {member.compress_size:,}"
        f" ({ratio:,.0f} to 1), over the limit of 100 to 1 (LOOPLEDGER_IMPORT_MAX_COMPRESSION_RATIO); nothing was imported"
    )


def test_a_member_claiming_gigabytes_is_refused_unread(
    client: TestClient, session_factory: sessionmaker[Session], tmp_path: Path, import_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LOOPLEDGER_IMPORT_MAX_COMPRESSION_RATIO", "1e12")  # the size limit alone
    monkeypatch.setenv("LOOPLEDGER_IMPORT_MAX_FILE_BYTES", str(2 * 1024**3))
    archive = tmp_path / "claims.zip"
    _member(archive, "organizations.csv", lambda member: member.write((BULK / "organizations.csv").read_bytes()))
    _declaring(archive, 3_000_000_000)
    error = _failed(client, session_factory, archive, import_dir)
    assert error == (
        "Import limit exceeded: organizations.csv: 3,000,000,000 bytes uncompressed, over the limit of 2,147,483,648 per file"
        " (LOOPLEDGER_IMPORT_MAX_FILE_BYTES); nothing was imported"
    )


def test_the_export_total_is_limited(
    client: TestClient, session_factory: sessionmaker[Session], import_dir: Path, monkeypatch: pytest.MonkeyPatch, bulk: Path
) -> None:
    total = sum(p.stat().st_size for p in BULK.glob("*.csv"))
    monkeypatch.setenv("LOOPLEDGER_IMPORT_MAX_BYTES", str(total - 1))
    error = _failed(client, session_factory, bulk, import_dir)
    assert error.startswith(f"Import limit exceeded: the export: {total:,} bytes uncompressed, over the limit of {total - 1:,}"), error


def test_a_header_declaring_less_than_the_member_holds_is_a_damaged_member(
    client: TestClient, session_factory: sessionmaker[Session], tmp_path: Path, import_dir: Path
) -> None:
    archive = tmp_path / "lies.zip"
    _member(archive, "organizations.csv", lambda member: member.write((BULK / "organizations.csv").read_bytes()))
    _declaring(archive, 20)  # zipfile stops there, then finds the CRC wrong
    error = _failed(client, session_factory, archive, import_dir)
    assert error == "Malformed file: organizations.csv: damaged zip member: its data does not match its header"


@dataclass(frozen=True)
class _Understating:
    """A source whose files each declare one byte, as a lying archive header could."""

    source: Source

    @property
    def label(self) -> str:
        return self.source.label

    def names(self) -> set[str]:
        return self.source.names()

    def sizes(self, name: str) -> tuple[int, int | None]:
        return 1, None

    def open_binary(self, name: str) -> contextlib.AbstractContextManager[IO[bytes]]:
        return self.source.open_binary(name)


@pytest.fixture
def understated(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(crunchbase, "open_source", lambda path, anchors=(): _Understating(DirectorySource(path)))


def test_every_stream_is_counted_whatever_the_source_declares(tmp_path: Path) -> None:
    (tmp_path / "a.csv").write_bytes(b"x" * 5000)
    source = LimitedSource(_Understating(DirectorySource(tmp_path)), Limits(10**9, 4096, 10**9, 100))
    over = r"^a.csv: 5,000 bytes read, over the limit of 4,096 per file"
    with source.open_binary("a.csv") as stream, pytest.raises(ImportLimitExceeded, match=over):
        stream.read()


@pytest.mark.usefixtures("understated")
def test_bytes_actually_read_are_held_to_the_file_limit(
    client: TestClient, session_factory: sessionmaker[Session], import_dir: Path, monkeypatch: pytest.MonkeyPatch, bulk: Path
) -> None:
    monkeypatch.setenv("LOOPLEDGER_IMPORT_MAX_FILE_BYTES", "1000")
    error = _failed(client, session_factory, bulk, import_dir)
    assert error == (
        "Import limit exceeded: organizations.csv: 1,647 bytes read, over the limit of 1,000 per file"
        " (LOOPLEDGER_IMPORT_MAX_FILE_BYTES); nothing was imported"
    )


@pytest.mark.usefixtures("understated")
def test_bytes_actually_read_are_held_to_the_export_limit(
    client: TestClient, session_factory: sessionmaker[Session], import_dir: Path, monkeypatch: pytest.MonkeyPatch, bulk: Path
) -> None:
    monkeypatch.setenv("LOOPLEDGER_IMPORT_MAX_BYTES", "6000")
    error = _failed(client, session_factory, bulk, import_dir)
    assert error.startswith("Import limit exceeded: the export: ") and error.endswith(
        "bytes read, over the limit of 6,000 (LOOPLEDGER_IMPORT_MAX_BYTES); nothing was imported"
    ), error


# ---- rows --------------------------------------------------------------------------------------


def test_an_export_over_the_row_limit_fails_having_written_nothing(
    client: TestClient, session_factory: sessionmaker[Session], import_dir: Path, monkeypatch: pytest.MonkeyPatch, bulk: Path
) -> None:
    monkeypatch.setenv("LOOPLEDGER_IMPORT_MAX_ROWS", str(BULK_ROWS - 1))
    error = _failed(client, session_factory, bulk, import_dir)
    assert error == (
        f"Import limit exceeded: the export: {BULK_ROWS} data rows read, over the limit of {BULK_ROWS - 1} rows"
        " (LOOPLEDGER_IMPORT_MAX_ROWS); nothing was imported"
    )


def test_an_export_at_the_row_limit_is_imported(
    client: TestClient, session_factory: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch, bulk: Path
) -> None:
    monkeypatch.setenv("LOOPLEDGER_IMPORT_MAX_ROWS", str(BULK_ROWS))
    task_id = _queue(client, bulk)
    summary = run_import(session_factory, task_id=task_id, path=str(bulk))
    assert summary is not None and summary["total_rows"] == BULK_ROWS and summary["new"] == 34


# ---- progress ----------------------------------------------------------------------------------


def _recording(monkeypatch: pytest.MonkeyPatch) -> list[tuple[float, str]]:
    reports: list[tuple[float, str]] = []
    original = tasks_service.report

    def report(factory: sessionmaker[Session], *, task_id: str, progress: float, message: str) -> None:
        reports.append((progress, message))
        original(factory, task_id=task_id, progress=progress, message=message)

    monkeypatch.setattr(tasks_service, "report", report)
    return reports


def test_progress_moves_through_every_stage(
    client: TestClient, session_factory: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch, bulk: Path
) -> None:
    monkeypatch.setenv("LOOPLEDGER_IMPORT_PROGRESS_INTERVAL_SECONDS", "0")
    reports = _recording(monkeypatch)
    task_id = _queue(client, bulk)
    assert run_import(session_factory, task_id=task_id, path=str(bulk)) is not None
    values = [progress for progress, _ in reports]
    assert values == sorted(values) and values[-1] == 1.0
    assert len(set(values)) > 50, values  # about one per row and per batch, not a jump from 0 to 1
    stages = list(dict.fromkeys(message.split()[0] for _, message in reports))
    assert stages == ["counting", "reading", "founding", "writing", "registering"]
    reading = [message for _, message in reports if message.startswith("reading")]
    assert reading[1].startswith(f"reading 1/{BULK_ROWS} rows") and reading[-1].startswith(f"reading {BULK_ROWS}/{BULK_ROWS} rows")
    assert _task(client, task_id)["message"].startswith("registering 25/25 actors")


def test_progress_is_written_at_most_once_an_interval_per_stage(
    client: TestClient, session_factory: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch, bulk: Path
) -> None:
    monkeypatch.setenv("LOOPLEDGER_IMPORT_PROGRESS_INTERVAL_SECONDS", "1")
    reports = _recording(monkeypatch)
    task_id = _queue(client, bulk)
    started = time.monotonic()
    assert run_import(session_factory, task_id=task_id, path=str(bulk)) is not None
    elapsed = time.monotonic() - started
    # Per stage its start and its end, and in between one per second at most.
    assert len(reports) <= 5 * 2 + int(elapsed) + 1, reports


# ---- time limits -------------------------------------------------------------------------------


def _time_limit_at(stage: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Raise SoftTimeLimitExceeded, as Celery's signal handler does, when `stage` begins (once)."""
    original = tasks_service.report
    raised: list[bool] = []

    def report(factory: sessionmaker[Session], *, task_id: str, progress: float, message: str) -> None:
        if message.startswith(stage) and not raised:
            raised.append(True)
            raise SoftTimeLimitExceeded()
        original(factory, task_id=task_id, progress=progress, message=message)

    monkeypatch.setattr(tasks_service, "report", report)


def test_a_time_limit_while_reading_fails_the_task_having_written_nothing(
    client: TestClient, session_factory: sessionmaker[Session], import_dir: Path, monkeypatch: pytest.MonkeyPatch, bulk: Path
) -> None:
    monkeypatch.setenv("LOOPLEDGER_IMPORT_TIME_LIMIT_SECONDS", "5")
    _time_limit_at("reading", monkeypatch)
    error = _failed(client, session_factory, bulk, import_dir)
    assert error.startswith(
        "Time limit exceeded: the import was stopped after 5 s (LOOPLEDGER_IMPORT_TIME_LIMIT_SECONDS), while reading (0 of "
    ) and error.endswith("rows). Nothing was written."), error


def test_a_time_limit_while_writing_keeps_the_batches_written_and_a_new_import_completes_them(
    client: TestClient,
    session_factory: sessionmaker[Session],
    second_factory: sessionmaker[Session],
    import_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    bulk: Path,
) -> None:
    _time_limit_at("registering", monkeypatch)
    task_id = _queue(client, bulk)
    assert run_import(session_factory, task_id=task_id, path=str(bulk)) is None
    record = _task(client, task_id)
    assert record["state"] == "failed"
    assert (
        "while registering (0 of 25 actors). The events written so far stay in the ledger; importing the same export again"
        in (record["error"])
    )
    assert _head(session_factory) > 0  # the writing stage's batches are committed
    assert not list(import_dir.glob(f"{task_id}-rejects.csv*"))

    again = _queue(client, bulk)
    summary = run_import(session_factory, task_id=again, path=str(bulk))
    assert summary is not None and summary["new"] == 0 and summary["duplicates"] == 34 and summary["unnamed_actors"] > 0
    complete = import_crunchbase(second_factory, bulk)
    assert complete.unnamed_actors == summary["unnamed_actors"]
    assert _head(session_factory) == _head(second_factory)  # the same ledger as one import that was not stopped


def test_a_hard_time_limit_fails_the_record_from_the_main_process(
    client: TestClient, database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, bulk: Path
) -> None:
    # The worker's main process runs this after it killed the pool process that ran the import.
    monkeypatch.setitem(celery_app.conf, "loopledger_settings", Settings(database_url=database_url))
    upload = tmp_path / "upload.zip"
    upload.write_bytes(b"PK")
    task_id = _queue(client, bulk)
    import_task.on_failure(TimeLimitExceeded(import_task.time_limit), "celery-id", [task_id, str(upload), True], {}, None)
    record = _task(client, task_id)
    assert record["state"] == "failed", record
    assert record["error"].startswith(f"Time limit exceeded: the import was killed {import_task.time_limit:g} s after it started")
    assert not upload.exists()

    import_task.on_failure(TimeLimitExceeded(1), "celery-id", [task_id, str(upload), True], {}, None)
    assert _task(client, task_id)["error"] == record["error"]  # an ended record is left as it is
