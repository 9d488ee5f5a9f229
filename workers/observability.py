"""The worker's JSON logs, task metrics and request ids, through Celery signals.

Metrics: with LOOPLEDGER_WORKER_METRICS_PORT set, the worker's main process serves them over
HTTP. Tasks run in the pool's processes (prefork) or in the main one (solo, threads), so
prometheus_client runs in multiprocess mode whatever the pool: every process writes its samples
to files in one directory, made fresh at each start, and a scrape adds them up. That mode is chosen
when prometheus_client is first imported, hence the imports inside functions here: nothing in the
worker may import it before `serve_metrics` has set the directory.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from functools import cache
from typing import TYPE_CHECKING, Any

import structlog
from celery import Task
from celery.signals import before_task_publish, setup_logging, task_failure, task_postrun, task_prerun, worker_init, worker_ready

from ledger.config import Settings
from ledger.logs import REQUEST_ID, configure_logging
from workers.app import app

if TYPE_CHECKING:
    from ledger.observability import WorkerMetrics

log = structlog.get_logger(__name__)
# Start times by task id; prerun and postrun of one run happen in the same process.
_started: dict[str, float] = {}
_served: list[int] = []


def _settings() -> Settings:
    settings: Settings = app.conf.loopledger_settings
    return settings


@setup_logging.connect
def _configure_logging(**_: Any) -> None:
    # Connected, this handler replaces Celery's own logging setup (and its stdout redirection).
    configure_logging(_settings().log_level)


def serve_metrics(port: int) -> None:
    """Serve the metrics of this worker's processes on `port`; call before the pool starts."""
    if "prometheus_client" in sys.modules:
        raise RuntimeError("prometheus_client was imported before multiprocess mode was set: pool processes' metrics would be lost")
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="loopledger-worker-metrics-")
    from prometheus_client import CollectorRegistry, start_http_server
    from prometheus_client.multiprocess import MultiProcessCollector

    registry = CollectorRegistry()
    MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    start_http_server(port, registry=registry)
    _served.append(port)


@worker_init.connect
def _serve_metrics(**_: Any) -> None:
    # worker_init runs in the main process before the pool forks, so every pool process inherits
    # the multiprocess directory.
    port = _settings().worker_metrics_port
    if port:
        serve_metrics(port)


@worker_ready.connect
def _say_where_metrics_are(**_: Any) -> None:
    # Logged here, not when served: logging is configured only after worker_init.
    for port in _served:
        log.info("worker metrics served", port=port, directory=os.environ.get("PROMETHEUS_MULTIPROC_DIR"))


@cache
def metrics() -> WorkerMetrics:
    from prometheus_client import REGISTRY

    from ledger.observability import WorkerMetrics

    return WorkerMetrics(REGISTRY)


@task_prerun.connect
def _task_started(task_id: str, task: Task, **_: Any) -> None:
    request_id = getattr(task.request, REQUEST_ID, None)
    structlog.contextvars.clear_contextvars()
    structlog.contextvars.bind_contextvars(task=task.name, task_id=task_id)
    if isinstance(request_id, str):
        structlog.contextvars.bind_contextvars(**{REQUEST_ID: request_id})
    _started[task_id] = time.perf_counter()


@task_postrun.connect
def _task_ended(task_id: str, task: Task, state: str | None = None, **_: Any) -> None:
    started = _started.pop(task_id, None)
    measured = metrics()
    measured.runs.labels(task.name, state or "UNKNOWN").inc()
    if started is not None:
        measured.duration.labels(task.name).observe(time.perf_counter() - started)
    structlog.contextvars.clear_contextvars()


@task_failure.connect
def _task_failed(sender: Task, **_: Any) -> None:
    metrics().failures.labels(sender.name).inc()


@before_task_publish.connect
def _carry_request_id(headers: dict[str, Any] | None = None, **_: Any) -> None:
    # Tasks a task enqueues (a recompute's chunks, an import's catch-up) keep the request's id.
    request_id = structlog.contextvars.get_contextvars().get(REQUEST_ID)
    if headers is not None and isinstance(request_id, str):
        headers.setdefault(REQUEST_ID, request_id)
