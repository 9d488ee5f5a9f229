"""The Celery application: one app, Redis in production and CI, an embedded broker by default."""

from __future__ import annotations

from celery import Celery

from ledger.config import Settings
from workers import broker

CATCH_UP = "loopledger.catch_up"
RECOMPUTE = "loopledger.recompute"
RECOMPUTE_CHUNK = "loopledger.recompute_chunk"
RECOMPUTE_PARTS = "loopledger.recompute_parts"
SWEEP = "loopledger.sweep"
IMPORT = "loopledger.import"

# Queues. Imports run for minutes to an hour, so they have their own: a worker consuming only
# DEFAULT_QUEUE (docker-compose's `worker`) is never held up by one (README, "Workers and queues").
DEFAULT_QUEUE = "celery"  # Celery's own default name: catch-ups, sweeps, recomputes
IMPORTS_QUEUE = "imports"


# A publisher waits at most this long on a Redis socket. Without a socket timeout a publish to a
# hung broker (accepting connections, never answering) blocks forever (kombu's Redis transport
# docs: socket_timeout), and the API publishes on the request path.
PUBLISHER_SOCKET_TIMEOUT_SECONDS = 1.0


def _is_redis(url: str) -> bool:
    return url.startswith(("redis://", "rediss://"))


def _transport_options(settings: Settings, *, publisher: bool) -> dict[str, object]:
    if not _is_redis(settings.broker_url):
        return {}  # the embedded SQLAlchemy transport passes its options to create_engine
    visibility = settings.visibility_timeout_seconds
    options: dict[str, object] = {
        "visibility_timeout": visibility,
        # kombu gives a dead worker's unacknowledged messages back only in periodic scans, by
        # default every unacked_restore_interval (10 s) x unacked_restore_throttle (10) = ~100 s.
        # A task lost with a SIGKILLed worker then waited ~90 s past its visibility timeout
        # (measured with a 5 s timeout). Scan every visibility/5 seconds (1..10 s) instead; a scan
        # is one ZRANGE on the unacked index under a short Redis mutex.
        "unacked_restore_interval": max(1, min(10, visibility // 5)),
        "unacked_restore_throttle": 1,
    }
    if publisher:
        options |= {"socket_connect_timeout": PUBLISHER_SOCKET_TIMEOUT_SECONDS, "socket_timeout": PUBLISHER_SOCKET_TIMEOUT_SECONDS}
    return options


def create_celery(settings: Settings | None = None, *, publisher: bool = False) -> Celery:
    """The Celery app; `publisher=True` for processes that only enqueue (the API)."""
    settings = settings or Settings()
    # workers.observability connects the logging, metrics and request-id signal handlers.
    app = Celery("loopledger", broker=settings.broker_url, include=["workers.tasks", "workers.observability"])
    if _is_redis(settings.broker_url):
        # Same Redis transport, minus a crash on connection loss (see workers/broker.py).
        app.conf.broker_transport = broker.TRANSPORT
    app.conf.update(
        # A task is acknowledged only after it finished, and a worker that dies mid-task gives
        # it back: safe because every task is idempotent (tracking position / full replace).
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_serializer="json",
        accept_content=["json"],
        task_ignore_result=True,
        broker_connection_retry_on_startup=True,
        broker_transport_options=_transport_options(settings, publisher=publisher),
        beat_schedule={"sweep": {"task": SWEEP, "schedule": settings.sweep_interval_seconds}},
        worker_hijack_root_logger=False,
        task_default_queue=DEFAULT_QUEUE,
        task_routes={IMPORT: {"queue": IMPORTS_QUEUE}},
    )
    app.conf.loopledger_settings = settings
    return app


app = create_celery()
