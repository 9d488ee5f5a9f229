"""API keys on every /v1 route: `Authorization: Bearer <key>`, scopes read < write < admin.

A missing or unknown key is a 401, a key without the scope a 403, both problem+json naming the
Authorization header. With LOOPLEDGER_PUBLIC_READ=true reads need no key; writes always do.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Request, Response
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool

from api.problems import problem
from api.schemas import Problem, ProblemItem
from ledger.db import read_snapshot
from ledger.keys import service as keys_service
from ledger.keys.service import Caller, Scope

bearer = HTTPBearer(
    auto_error=False,
    scheme_name="ApiKey",
    description="An API key made with `loopledger keys create --name NAME --scope read|write|admin`.",
)

AUTH_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: {"model": Problem, "content": {"application/problem+json": {}}, "description": "Missing or unknown API key"},
    403: {"model": Problem, "content": {"application/problem+json": {}}, "description": "The API key lacks the scope"},
}


class AccessDenied(Exception):
    def __init__(self, status: int, msg: str) -> None:
        super().__init__(msg)
        self.status = status
        self.msg = msg


class Requires:
    """A dependency admitting callers whose key has `needed` (or a wider) scope. `AuthFirstRoute`
    runs it before the body and the parameters are read; the dependency then finds the answer."""

    def __init__(self, needed: Scope) -> None:
        self.needed = needed

    def __call__(self, request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]) -> Caller | None:
        checked: dict[Scope, Caller | None] = request.scope.setdefault(_CHECKED, {})
        if self.needed not in checked:
            checked[self.needed] = self._authorize(request, credentials)
        return checked[self.needed]

    def _authorize(self, request: Request, credentials: HTTPAuthorizationCredentials | None) -> Caller | None:
        if credentials is None:
            if self.needed is Scope.read and request.app.state.settings.public_read:
                return None
            raise AccessDenied(401, "send an API key as `Authorization: Bearer <key>`")
        # A read snapshot: on SQLite a plain session would take the write lock for this lookup.
        with read_snapshot(request.app.state.session_factory) as session:
            caller = keys_service.authenticate(session, key=credentials.credentials)
        if caller is None:
            raise AccessDenied(401, "unknown or revoked API key")
        if not caller.scope.allows(self.needed):
            raise AccessDenied(403, f"this needs a key with scope {self.needed.name}; key {caller.name!r} has {caller.scope.name}")
        return caller


_CHECKED = "loopledger_checked_scopes"

READ = Depends(Requires(Scope.read))
WRITE = Depends(Requires(Scope.write))
ADMIN = Depends(Requires(Scope.admin))


class AuthFirstRoute(APIRoute):
    """A route that checks the API key before FastAPI reads the body and the parameters: a caller
    without a key hears 401, not what is wrong with a request it may not make."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()
        needs = [d.dependency for d in self.dependencies if isinstance(d.dependency, Requires)]
        if not needs:
            return handler

        async def checked(request: Request) -> Response:
            credentials = await bearer(request)
            for need in needs:
                await run_in_threadpool(need, request, credentials)
            return await handler(request)

        return checked


def install(app: FastAPI) -> None:
    @app.exception_handler(AccessDenied)
    async def _denied(_: Request, exc: AccessDenied) -> JSONResponse:
        title = "Unauthorized" if exc.status == 401 else "Forbidden"
        response = problem(exc.status, title, [ProblemItem(loc=["header", "Authorization"], msg=exc.msg)])
        if exc.status == 401:
            response.headers["WWW-Authenticate"] = "Bearer"
        return response
