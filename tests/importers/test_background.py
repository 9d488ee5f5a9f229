"""POST /v1/imports queues an import (zip upload or server path); the task body reports progress
in the task record that GET /v1/tasks/{id} shows. The task body is called directly here; the
real-worker behaviour of tasks is covered in tests/workers."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from tests.importers.conftest import BULK, FIXTURES
from workers.tasks import run_import


@pytest.fixture(autouse=True)
def import_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    directory = tmp_path / "imports"
    monkeypatch.setenv("LOOPLEDGER_IMPORT_DIR", str(directory))
    return directory


def _zip(source: Path) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(source.glob("*.csv")):
            zf.write(path, f"export/{path.name}")
    return buffer.getvalue()


def _task(client: TestClient, task_id: str) -> dict[str, Any]:
    response = client.get(f"/v1/tasks/{task_id}")
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def test_uploaded_zip_is_imported_with_progress_and_rejects(
    client: TestClient, session_factory: sessionmaker[Session], import_dir: Path
) -> None:
    response = client.post("/v1/imports", files={"file": ("bulk.zip", _zip(BULK), "application/zip")})
    assert response.status_code == 202, response.text
    task_id = response.json()["task_id"]
    queued = _task(client, task_id)
    assert (queued["kind"], queued["state"], queued["params"]["upload"]) == ("import", "queued", "bulk.zip")
    upload = Path(queued["params"]["path"])
    assert upload.parent == import_dir and upload.is_file()

    summary = run_import(session_factory, task_id=task_id, path=str(upload), remove_after=True)
    assert summary is not None
    done = _task(client, task_id)
    assert (done["state"], done["progress"], done["error"]) == ("succeeded", 1.0, None)
    assert done["message"].startswith("writing 36/36 events")
    assert (done["result"]["new"], done["result"]["rejected"], done["result"]["total_rows"]) == (34, 9, 68)
    assert not upload.exists()  # the upload is removed once imported

    rejects = client.get(f"/v1/imports/{task_id}/rejects")
    assert rejects.status_code == 200
    rows = list(csv.DictReader(io.StringIO(rejects.text)))
    assert len(rows) == 16 and {"file", "line", "outcome", "reason"} == set(rows[0])

    assert client.get(f"/v1/actors/{'o-acme'}").json()["lifecycle"]["founded"]["on"] == "2010-03-01"


def test_server_side_path(client: TestClient, session_factory: sessionmaker[Session]) -> None:
    response = client.post("/v1/imports", json={"path": str(BULK)})
    assert response.status_code == 202, response.text
    task_id = response.json()["task_id"]
    assert _task(client, task_id)["params"] == {"path": str(BULK)}
    run_import(session_factory, task_id=task_id, path=str(BULK))
    assert _task(client, task_id)["result"]["new"] == 34
    assert BULK.is_dir()  # a server-side export is never removed


def test_a_malformed_export_fails_the_task_with_the_reason(client: TestClient, session_factory: sessionmaker[Session]) -> None:
    path = str(FIXTURES / "bulk_malformed")
    task_id = client.post("/v1/imports", json={"path": path}).json()["task_id"]
    assert run_import(session_factory, task_id=task_id, path=path) is None
    failed = _task(client, task_id)
    assert failed["state"] == "failed"
    assert "Malformed file: funding_rounds.csv, line 5" in failed["error"]
    assert client.get("/v1/events").json()["events"] == []


@pytest.mark.parametrize(
    ("kwargs", "status", "fragment"),
    [
        ({"json": {"path": "relative/dir"}}, 422, "absolute path"),
        ({"json": {"path": "/no/such/export"}}, 422, "neither a directory nor a zip archive"),
        ({"json": {"dir": "/tmp"}}, 422, "Field required"),
        ({"files": {"file": ("x.zip", b"not a zip", "application/zip")}}, 422, "not a zip archive"),
        ({"files": {"other": ("x.zip", b"PK", "application/zip")}}, 422, "multipart field `file`"),
        ({"content": b"path=/tmp", "headers": {"content-type": "text/plain"}}, 415, "multipart/form-data"),
    ],
)
def test_bad_requests_are_problems(client: TestClient, kwargs: dict[str, Any], status: int, fragment: str) -> None:
    response = client.post("/v1/imports", **kwargs)
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert fragment in response.text


def test_no_rejects_for_an_unknown_task(client: TestClient) -> None:
    assert client.get("/v1/imports/00000000-0000-0000-0000-000000000000/rejects").status_code == 404
