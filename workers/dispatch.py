"""Hand work to Celery after a command committed; never let a broker outage fail the command."""

from __future__ import annotations

import logging
import uuid

import structlog
from celery import Celery
from sqlalchemy.orm import Session, sessionmaker

from ledger.config import Settings
from ledger.db import unit_of_work
from ledger.events import service as events_service
from ledger.logs import REQUEST_ID
from workers.app import CATCH_UP, IMPORT, RECOMPUTE

log = logging.getLogger(__name__)

# Enqueueing runs on the request path after the commit, so a broker outage must cost an append
# milliseconds. `retry=False` is not enough: kombu then still retries *connecting* for
# broker_connection_timeout (4 s) plus a 2 s sleep, so every append stalled 6 s while Redis was
# down. One immediate reconnect is allowed, so a pooled connection left stale by a Redis restart
# does not lose the first enqueue after it. (Hung brokers: see create_celery(publisher=True).)
FAIL_FAST: dict[str, float] = {"max_retries": 1, "interval_start": 0, "interval_step": 0, "interval_max": 0}


def trace_headers() -> dict[str, str]:
    """The id of the HTTP request enqueueing, as a message header: the worker binds it to its log
    lines for the task (workers/observability.py), so one id follows the work end to end."""
    request_id = structlog.contextvars.get_contextvars().get(REQUEST_ID)
    return {REQUEST_ID: request_id} if isinstance(request_id, str) else {}


class Dispatcher:
    def __init__(self, celery: Celery, factory: sessionmaker[Session], settings: Settings) -> None:
        self.celery = celery
        self.factory = factory
        self.delay = settings.dispatch_delay_seconds

    def catch_up_soon(self) -> None:
        """Enqueue one delayed catch-up. Called only by the append that claimed the dispatch flag."""
        try:
            self.celery.send_task(CATCH_UP, countdown=self.delay, retry=True, retry_policy=FAIL_FAST, headers=trace_headers())
        except Exception as exc:  # broker down: events are safe in the log; the sweep catches up
            log.warning("could not enqueue catch-up (%s); it runs when a worker or broker returns", exc)
            with unit_of_work(self.factory) as session:
                events_service.release_dispatch(session)

    def recompute(self, task_id: str | None = None, regions: list[str] | None = None) -> str:
        task_id = task_id or str(uuid.uuid4())
        self.celery.send_task(RECOMPUTE, args=[task_id, regions or []], retry=True, retry_policy=FAIL_FAST, headers=trace_headers())
        return task_id

    def run_import(self, task_id: str, path: str, remove_after: bool) -> None:
        self.celery.send_task(IMPORT, args=[task_id, path, remove_after], retry=True, retry_policy=FAIL_FAST, headers=trace_headers())
