"""Background imports of Crunchbase exports: an uploaded zip archive or a server-side path."""

from __future__ import annotations

import shutil
import uuid
import zipfile
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse, JSONResponse
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError
from starlette.datastructures import UploadFile

from api.deps import SnapshotDep
from api.problems import problem
from api.schemas import PROBLEM_RESPONSES, ProblemItem, TaskQueuedPublic, problem_doc
from api.security import ADMIN, AUTH_RESPONSES, AuthFirstRoute
from ledger.errors import InvalidEvent
from ledger.events.invalid import error_items
from ledger.events.values import control_character, plain_line
from ledger.importers import sources
from ledger.importers.config import ImportSettings
from ledger.tasks import service as tasks_service

router = APIRouter(prefix="/v1", tags=["imports"], dependencies=[ADMIN], responses=AUTH_RESPONSES, route_class=AuthFirstRoute)

_UPLOAD_CHUNK = 1 << 20


class ImportRequest(BaseModel):
    # Unknown fields are refused, as in event bodies: a misspelt field is not silently dropped.
    model_config = ConfigDict(extra="forbid")

    path: Annotated[
        str, Field(min_length=1, max_length=4096, description="export directory or .zip on the server"), AfterValidator(plain_line)
    ]


_OPENAPI_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": ImportRequest.model_json_schema()},
            "multipart/form-data": {
                "schema": {"type": "object", "properties": {"file": {"type": "string", "format": "binary"}}, "required": ["file"]}
            },
        },
    }
}


@router.post(
    "/imports",
    status_code=202,
    openapi_extra=_OPENAPI_BODY,
    response_model=TaskQueuedPublic,
    responses={
        503: problem_doc("Broker unreachable"),
        415: problem_doc("Neither JSON nor multipart"),
        403: problem_doc("Server-side paths are off (no LOOPLEDGER_IMPORT_ROOT) or the key is not admin"),
        **PROBLEM_RESPONSES,
    },
)
async def post_import(request: Request) -> JSONResponse:
    """Queue a Crunchbase import: a zip upload (multipart field `file`) or {"path": ...} on the server;
    follow it at /v1/tasks/{task_id}."""
    content_type = request.headers.get("content-type", "")
    if content_type.startswith("multipart/form-data"):
        form = await request.form()
        upload = form.get("file")
        if not isinstance(upload, UploadFile):
            return _invalid(["file"], "upload the export as a zip archive in the multipart field `file`")
        saved = await run_in_threadpool(ImportSettings().directory) / f"upload-{uuid.uuid4()}.zip"
        await run_in_threadpool(_save, upload, saved)
        if not await run_in_threadpool(zipfile.is_zipfile, saved):
            saved.unlink(missing_ok=True)
            return _invalid(["file"], "not a zip archive")
        # The client's file name is only a label, kept where it can be stored (no control characters).
        label = upload.filename if upload.filename and control_character(upload.filename) is None else "upload.zip"
        params: dict[str, Any] = {"path": str(saved), "upload": label}
        path, remove_after = saved, True
    elif content_type.startswith("application/json"):
        try:
            body = ImportRequest.model_validate_json(await request.body())
        except ValidationError as exc:
            # Every problem, each located ("path"; "<body>" when the JSON itself is broken) and
            # worded as the event routes word theirs.
            return problem(422, "Invalid request", [ProblemItem(loc=list(e.loc), msg=e.msg) for e in error_items(exc.errors())])
        root = ImportSettings().import_root
        if root is None:
            return problem(
                403,
                "Server-side imports are off",
                [ProblemItem(loc=["path"], msg="set LOOPLEDGER_IMPORT_ROOT on the server to import from its files, or upload a zip")],
            )
        try:
            path = await run_in_threadpool(sources.server_export, root, body.path)
        except InvalidEvent as exc:
            return _invalid(list(exc.errors[0].loc), exc.errors[0].msg)
        remove_after = False
        params = {"path": str(path)}
    else:
        return problem(415, "Unsupported media type", detail="send multipart/form-data (a zip in field `file`) or application/json")
    return await run_in_threadpool(_queue, request, params, str(path), remove_after)


def _save(upload: UploadFile, target: Path) -> None:
    with target.open("wb") as out:
        shutil.copyfileobj(upload.file, out, _UPLOAD_CHUNK)


def _invalid(loc: list[str | int], msg: str) -> JSONResponse:
    return problem(422, "Invalid request", [ProblemItem(loc=loc, msg=msg)])


def _queue(request: Request, params: dict[str, Any], path: str, remove_after: bool) -> JSONResponse:
    factory = request.app.state.session_factory
    with factory() as session, session.begin():
        task_id = tasks_service.create(session, kind="import", params=params).id
    try:
        request.app.state.dispatcher.run_import(task_id, path, remove_after)
    except Exception as exc:
        tasks_service.finish(factory, task_id=task_id, error=f"broker unreachable: {exc}")
        if remove_after:
            Path(path).unlink(missing_ok=True)
        return problem(503, "Broker unreachable", detail=f"the import could not be queued: {exc}")
    return JSONResponse({"task_id": task_id, "state": "queued"}, status_code=202)


@router.get("/imports/{task_id}/rejects", response_class=FileResponse, responses=PROBLEM_RESPONSES)
def get_rejects(task_id: str, session: SnapshotDep) -> Any:
    """The reject file (CSV: file, line, outcome, reason) of a finished import."""
    record = tasks_service.get_or_raise(session, task_id=task_id)
    rejects = (record.result or {}).get("rejects_file")
    if record.kind != "import" or not rejects or not Path(rejects).is_file():
        return problem(404, "Not found", [ProblemItem(loc=["task_id"], msg=f"no reject file for task {task_id!r}")])
    return FileResponse(rejects, media_type="text/csv", filename=f"{task_id}-rejects.csv")
