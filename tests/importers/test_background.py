"""POST /v1/imports queues an import (zip upload or server path); the task body reports progress
in the task record that GET /v1/tasks/{id} shows. The task body is called directly here; the
real-worker behaviour of tasks is covered in tests/workers."""

from __future__ import annotations

import csv
import io
import os
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
    monkeypatch.setenv("LOOPLEDGER_IMPORT_ROOT", str(FIXTURES))
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
    assert done["message"].startswith("registering 25/25 actors")
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
        ({"json": {"path": str(FIXTURES / "no-such-export")}}, 422, "no export"),
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


def test_every_problem_of_a_json_request_is_named_in_plain_words(client: TestClient) -> None:
    response = client.post("/v1/imports", json={"path": "/tmp/a\u0007b", "dir": "/tmp"})
    assert response.status_code == 422, response.text
    errors = response.json()["errors"]
    assert [e["loc"] for e in errors] == [["path"], ["dir"]]
    assert errors[0]["msg"].startswith("contains a control character")
    assert not any(e["msg"].startswith("Value error") for e in errors)
    broken = client.post("/v1/imports", content=b'{"path": ', headers={"content-type": "application/json"})
    assert broken.status_code == 422
    assert broken.json()["errors"][0]["msg"].startswith("body is not valid JSON")


def test_no_rejects_for_an_unknown_task(client: TestClient) -> None:
    assert client.get("/v1/imports/00000000-0000-0000-0000-000000000000/rejects").status_code == 404


def test_server_side_paths_are_off_without_an_import_root(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LOOPLEDGER_IMPORT_ROOT")
    response = client.post("/v1/imports", json={"path": str(BULK)})
    assert response.status_code == 403, response.text
    assert response.json()["errors"][0]["loc"] == ["path"]
    assert "LOOPLEDGER_IMPORT_ROOT" in response.json()["errors"][0]["msg"]


def _refusal(client: TestClient, path: str) -> str:
    response = client.post("/v1/imports", json={"path": path})
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    (error,) = response.json()["errors"]
    assert error["loc"] == ["path"]
    msg: str = error["msg"]
    return msg


def test_only_exports_under_the_root_are_read_and_refusals_look_alike(
    client: TestClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "root"
    root.mkdir()
    monkeypatch.setenv("LOOPLEDGER_IMPORT_ROOT", str(root))
    secrets = tmp_path / "secrets.env"
    secrets.write_text("KEY=do-not-echo-me\n")
    (root / "link-out").symlink_to(secrets)
    (root / "dir-link-out").symlink_to(tmp_path)
    (root / "notes.txt").write_text("KEY=do-not-echo-me\n")
    os.mkfifo(root / "fifo")
    (root / "export").mkdir()
    refusals = {
        path: _refusal(client, path)
        for path in (
            str(secrets),  # outside the root
            "/dev/zero",
            str(root / "link-out"),
            str(root / "dir-link-out"),
            str(root / "notes.txt"),  # a file that is not a zip
            str(root / "fifo"),
            str(root / "missing"),
            str(root / "export" / ".." / ".." / "secrets.env"),
        )
    }
    assert len(set(refusals.values())) == 1, refusals
    assert all("do-not-echo-me" not in msg for msg in refusals.values())
    assert client.post("/v1/imports", json={"path": str(root / "export")}).status_code == 202


def test_a_wrong_header_is_reported_without_echoing_the_file(
    client: TestClient, session_factory: sessionmaker[Session], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LOOPLEDGER_IMPORT_ROOT", str(tmp_path))
    export = tmp_path / "export"
    export.mkdir()
    (export / "organizations.csv").write_text("AWS_SECRET_ACCESS_KEY=abc123\n")
    task_id = client.post("/v1/imports", json={"path": str(export)}).json()["task_id"]
    assert run_import(session_factory, task_id=task_id, path=str(export)) is None
    failed = _task(client, task_id)
    assert failed["state"] == "failed"
    assert "abc123" not in failed["error"] and "AWS_SECRET" not in failed["error"], failed["error"]
