"""Every error leaves as application/problem+json with the locations of the fields at fault."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from api.schemas import Problem, ProblemItem
from ledger.errors import Conflict, InvalidEvent, LedgerError, NotFound, Overloaded
from ledger.events.invalid import error_item
from ledger.exact_json import unreadable

log = logging.getLogger(__name__)

PROBLEM_MEDIA_TYPE = "application/problem+json"

_STATUS: dict[type[LedgerError], int] = {InvalidEvent: 422, Conflict: 409, NotFound: 404, Overloaded: 503}

# Every route may answer any of these (an unknown method, a body too large, a failure), so they
# are declared once for the whole app; routes add the specific codes they mean.
DEFAULT_RESPONSES: dict[int | str, dict[str, Any]] = {
    "4XX": {"model": Problem, "content": {PROBLEM_MEDIA_TYPE: {}}, "description": "The request is at fault; see `errors`"},
    "5XX": {"model": Problem, "content": {PROBLEM_MEDIA_TYPE: {}}, "description": "The server failed (the failure is logged)"},
}


def problem(status: int, title: str, errors: Sequence[ProblemItem] = (), detail: str | None = None) -> JSONResponse:
    if detail is None:
        detail = "; ".join(f"{'.'.join(map(str, e.loc)) or '<body>'}: {e.msg}" for e in errors) or title
    body = Problem(title=title, status=status, detail=detail, errors=list(errors))
    return JSONResponse(body.model_dump(), status_code=status, media_type=PROBLEM_MEDIA_TYPE)


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


def _problems_in_their_media_type(app: FastAPI) -> None:
    """FastAPI files a response `model` under application/json; errors are sent as
    application/problem+json, so the document puts the Problem schema there (and only there),
    also for error codes a route lists with a description alone (503 Broker unreachable)."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        fresh = app.openapi_schema is None
        document = generate()
        if fresh:
            problem_schema = {"schema": {"$ref": "#/components/schemas/Problem"}}
            for operations in document.get("paths", {}).values():
                for operation in operations.values():
                    for code, response in operation.get("responses", {}).items():
                        content = response.setdefault("content", {})
                        if PROBLEM_MEDIA_TYPE in content and "application/json" in content:
                            content[PROBLEM_MEDIA_TYPE] = content.pop("application/json")
                        elif not content and str(code)[0] in "45":
                            content[PROBLEM_MEDIA_TYPE] = problem_schema
                        if not content:
                            del response["content"]
        return document

    app.openapi = openapi  # type: ignore[method-assign]


_LOGGED = "_loopledger_logged"


class _LoggedOnce(logging.Filter):
    """Drops the server's own report of an exception this app has already logged."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        return not getattr(exc, _LOGGED, False)


def install(app: FastAPI) -> None:
    _problems_in_their_media_type(app)
    server_log = logging.getLogger("uvicorn.error")
    if not any(isinstance(f, _LoggedOnce) for f in server_log.filters):
        server_log.addFilter(_LoggedOnce())

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        return problem(422, "Invalid request", [_validation_item(e) for e in exc.errors()])

    @app.exception_handler(LedgerError)
    async def _ledger(_: Request, exc: LedgerError) -> JSONResponse:
        status = next((code for cls, code in _STATUS.items() if isinstance(exc, cls)), 400)
        response = problem(status, exc.title, [ProblemItem(loc=list(e.loc), msg=e.msg) for e in exc.errors])
        if isinstance(exc, Overloaded):
            response.headers["Retry-After"] = str(exc.retry_after_seconds)
        return response

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        # FastAPI answers any failure to read a JSON body other than bad syntax (not UTF-8, nested
        # too deep, an integer too long to convert) with a bare 400; say what is wrong, as for syntax.
        reason = None if exc.__cause__ is None else unreadable(exc.__cause__)
        if reason is not None:
            return problem(422, "Invalid request", [ProblemItem(loc=[], msg=reason)], detail=reason)
        headers = dict(exc.headers or {})
        if exc.status_code == 405:
            headers["Allow"] = ", ".join(_allowed_methods(request))
        msg = _http_message(request, exc, headers)
        response = problem(exc.status_code, str(exc.detail), [ProblemItem(loc=[], msg=msg)], detail=msg)
        response.headers.update(headers)
        return response

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        # This line names the request. Starlette re-raises after answering and uvicorn would log
        # the same traceback again: its line is dropped (_LoggedOnce).
        log.error("unhandled %s answering %s %s", type(exc).__name__, request.method, request.url.path, exc_info=exc)
        setattr(exc, _LOGGED, True)
        msg = "the server failed to answer; the failure is logged"
        return problem(500, "Internal server error", [ProblemItem(loc=[], msg=msg)], detail=msg)


_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


def _allowed_methods(request: Request) -> list[str]:
    """Every method some route takes at this path. Starlette's Allow names only the first route
    whose path matched, and GET /v1/events and POST /v1/events are two routes."""
    routes = request.app.router.routes
    return [m for m in _METHODS if any(r.matches({**request.scope, "method": m})[0] is Match.FULL for r in routes)]


def _http_message(request: Request, exc: StarletteHTTPException, headers: dict[str, str]) -> str:
    if exc.status_code == 404:
        return f"nothing at {request.url.path}"
    if exc.status_code == 405:
        return f"{request.method} is not allowed on {request.url.path}; allowed: {headers['Allow']}"
    return str(exc.detail)
