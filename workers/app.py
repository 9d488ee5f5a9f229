"""The Celery application: one app, Redis in production and CI, an embedded broker by default."""

from __future__ import annotations

from celery import Celery

from ledger.config import Settings

CATCH_UP = "loopledger.catch_up"
RECOMPUTE = "loopledger.recompute"
SWEEP = "loopledger.sweep"


def _transport_options(settings: Settings) -> dict[str, object]:
    if settings.broker_url.startswith(("redis://", "rediss://")):
        return {"visibility_timeout": settings.visibility_timeout_seconds}
    return {}  # the embedded SQLAlchemy transport passes its options to create_engine


def create_celery(settings: Settings | None = None) -> Celery:
    settings = settings or Settings()
    app = Celery("loopledger", broker=settings.broker_url, include=["workers.tasks"])
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
        broker_transport_options=_transport_options(settings),
        beat_schedule={"sweep": {"task": SWEEP, "schedule": settings.sweep_interval_seconds}},
        worker_hijack_root_logger=False,
    )
    app.conf.loopledger_settings = settings
    return app


app = create_celery()
