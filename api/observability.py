"""Request ids, request metrics, one JSON log line per request, and GET /metrics.

GET /metrics is the one route that does not answer JSON (Prometheus text format) and is left out
of the OpenAPI schema. Like /healthz it needs no API key: scrapers rarely carry one, and it shows
counts and latencies, never ledger contents.
"""

from __future__ import annotations

import os
import re
import time
import uuid

import structlog
from fastapi import APIRouter, FastAPI, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, GCCollector, PlatformCollector, ProcessCollector, generate_latest
from prometheus_client.multiprocess import MultiProcessCollector
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ledger.logs import REQUEST_ID, configure_logging
from ledger.observability import ApiMetrics, LagCollector

HEADER = "X-Request-ID"
# A client's id is kept when it is a plain token (a UUID, a ULID, a trace id); anything else
# (empty, long, with spaces or quotes) is replaced, so ids stay safe to log and to echo.
SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,127}")
# Anything else counts under one label value: a client cannot grow the metric's label set.
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
UNMATCHED = "<unmatched>"

log = structlog.get_logger("api.request")
router = APIRouter(tags=["health"])


def request_id(scope: Scope) -> str:
    for name, value in scope.get("headers", []):
        if name == b"x-request-id":
            given: str = value.decode("latin-1")
            if SANE_REQUEST_ID.fullmatch(given):
                return given
            break
    return uuid.uuid4().hex


def route_template(scope: Scope) -> str:
    """The route's path template (`/v1/chains/{firm_id}`), never the path asked for."""
    path = getattr(scope.get("route"), "path", None)
    return path if isinstance(path, str) else UNMATCHED


class RequestObservability:
    """Outermost middleware: binds the request id for every log line and task of the request,
    echoes it in X-Request-ID, counts and times the request and logs it once."""

    def __init__(self, app: ASGIApp, metrics: ApiMetrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        rid = request_id(scope)
        started = time.perf_counter()
        status = 500  # unless a response starts: an exception escaping the app becomes a 500
        answered: float | None = None

        async def send_with_id(message: Message) -> None:
            nonlocal status, answered
            if message["type"] == "http.response.start":
                status = message["status"]
                MutableHeaders(scope=message).append(HEADER, rid)
            elif message["type"] == "http.response.body" and not message.get("more_body", False):
                # Background tasks (enqueueing a catch-up) run after this, on the client's time no more.
                answered = time.perf_counter()
            await send(message)

        # Bound around the whole call, background tasks included: what they enqueue carries the id.
        with structlog.contextvars.bound_contextvars(**{REQUEST_ID: rid}):
            try:
                await self.app(scope, receive, send_with_id)
            finally:
                seconds = (answered or time.perf_counter()) - started
                method = scope["method"] if scope["method"] in METHODS else "OTHER"
                route = route_template(scope)
                self.metrics.requests.labels(method, route, str(status)).inc()
                self.metrics.latency.labels(method, route).observe(seconds)
                # The path without its query string: nothing a client put there is written down.
                log.info("request", method=method, path=scope["path"], route=route, status=status, duration_ms=round(seconds * 1000, 1))


def appended(request: Request, count: int) -> None:
    """Count events the request appended; call after their commit."""
    if count:
        request.app.state.metrics.events_appended.inc(count)


@router.get("/metrics", include_in_schema=False, response_class=Response)
def get_metrics(request: Request) -> Response:
    """Prometheus text format: requests, appends, the lag of derived tables (read now), the process."""
    registry: CollectorRegistry = request.app.state.metrics_registry
    if "PROMETHEUS_MULTIPROC_DIR" in os.environ:
        # Several server processes (serve --workers N): each writes its samples to files there;
        # the scrape, answered by any one of them, adds them all up. The lag is read here.
        registry = CollectorRegistry()
        MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        registry.register(LagCollector(request.app.state.session_factory))
    return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)


def install(app: FastAPI) -> None:
    """Logging, metrics and request ids for `app`; call after every other middleware is added."""
    configure_logging(app.state.settings.log_level)
    # One registry per app, not the process-global one: each app counts from zero and reads its
    # own database (tests build many apps in one process).
    registry = CollectorRegistry()
    for collector in (ProcessCollector, PlatformCollector, GCCollector):
        collector(registry=registry)
    app.state.metrics_registry = registry
    app.state.metrics = ApiMetrics(registry)
    registry.register(LagCollector(app.state.session_factory))
    app.include_router(router)
    app.add_middleware(RequestObservability, metrics=app.state.metrics)
