"""Request bodies parsed with exact numbers, for the routes that take money."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response

from api.security import AuthFirstRoute
from ledger import exact_json


class _ExactJsonRequest(Request):
    async def json(self) -> Any:
        # FastAPI reads bodies through Request.json(); Starlette's uses json.loads, whose floats
        # round 12345678901234567.89 and flush 1.5e-400 to 0 before any validator runs.
        if not hasattr(self, "_json"):
            self._json = exact_json.loads(await self.body())
        return self._json


class ExactJsonRoute(AuthFirstRoute):
    """A route whose JSON body keeps every number as written (Decimal for fractions and exponents)."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def exact(request: Request) -> Response:
            return await handler(_ExactJsonRequest(request.scope, request.receive))

        return exact
