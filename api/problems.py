"""Every error leaves as application/problem+json with the locations of the fields at fault."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.schemas import Problem, ProblemItem
from ledger.errors import Conflict, InvalidEvent, LedgerError, NotFound
from ledger.events.invalid import error_item

_STATUS: dict[type[LedgerError], int] = {InvalidEvent: 422, Conflict: 409, NotFound: 404}


def problem(status: int, title: str, errors: Sequence[ProblemItem] = (), detail: str | None = None) -> JSONResponse:
    if detail is None:
        detail = "; ".join(f"{'.'.join(map(str, e.loc)) or '<body>'}: {e.msg}" for e in errors) or title
    body = Problem(title=title, status=status, detail=detail, errors=list(errors))
    return JSONResponse(body.model_dump(), status_code=status, media_type="application/problem+json")


def _public_loc(loc: Sequence[Any]) -> list[str | int]:
    """Drop FastAPI's 'body' / batch 'events' prefix from a location."""
    parts = list(loc)
    if parts[:1] == ["body"]:
        parts = parts[1:]
    if parts[:1] == ["events"] and len(parts) > 1 and isinstance(parts[1], int):
        parts = parts[1:]
    return parts


def _validation_item(err: dict[str, Any]) -> ProblemItem:
    item = error_item(err, _public_loc(err.get("loc", ())))
    return ProblemItem(loc=list(item.loc), msg=item.msg)


def install(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        return problem(422, "Invalid request", [_validation_item(e) for e in exc.errors()])

    @app.exception_handler(LedgerError)
    async def _ledger(_: Request, exc: LedgerError) -> JSONResponse:
        status = next((code for cls, code in _STATUS.items() if isinstance(exc, cls)), 400)
        return problem(status, exc.title, [ProblemItem(loc=list(e.loc), msg=e.msg) for e in exc.errors])

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        return problem(exc.status_code, str(exc.detail), detail=str(exc.detail))
