"""The Celery application. Tasks arrive with the chains issue; the broker is configured now."""

from __future__ import annotations

from celery import Celery

from ledger.config import Settings


def create_celery(settings: Settings | None = None) -> Celery:
    settings = settings or Settings()
    app = Celery("loopledger", broker=settings.broker_url)
    app.conf.update(
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_serializer="json",
        accept_content=["json"],
        broker_connection_retry_on_startup=True,
    )
    return app


app = create_celery()
