"""Celery tasks: thin wrappers that own a session and call one ledger function each."""

from __future__ import annotations

import dataclasses
import logging
from functools import cache
from typing import Any

from celery import Task
from celery.signals import worker_ready
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from ledger.chains import maintain
from ledger.config import Settings
from ledger.db import create_db_engine, make_session_factory, unit_of_work
from ledger.events import service as events_service
from ledger.metrics import service as metrics_service
from ledger.tasks import service as tasks_service
from workers.app import CATCH_UP, RECOMPUTE, SWEEP, app

log = logging.getLogger(__name__)
# Database restarts and lock timeouts are worth retrying; anything else is a bug to report.
TRANSIENT = (OperationalError,)


@cache
def session_factory() -> sessionmaker[Session]:
    settings: Settings = app.conf.loopledger_settings
    return make_session_factory(create_db_engine(settings.database_url))


@app.task(name=CATCH_UP, bind=True, autoretry_for=TRANSIENT, retry_backoff=True, retry_jitter=True, max_retries=10)
def catch_up(self: Task) -> dict[str, Any]:
    """Apply the log after the hops watermark; a redelivered message finds nothing left to do."""
    factory = session_factory()
    # Cleared before reading the head: an append committed after this point enqueues anew.
    with unit_of_work(factory) as session:
        events_service.release_dispatch(session)
    with unit_of_work(factory) as session:
        done = maintain.catch_up(session)
        if done.mode != "none":
            record = tasks_service.create(session, kind="catch_up", params={}, state="succeeded")
            record.progress, record.result, record.attempts = 1.0, dataclasses.asdict(done), 1
            record.started_at = record.finished_at = record.created_at
    refreshed = metrics_service.refresh_live(factory)
    log.info("catch-up %s; %d metric snapshots refreshed", done, refreshed)
    return {**dataclasses.asdict(done), "metric_snapshots": refreshed}


@app.task(name=RECOMPUTE, bind=True, autoretry_for=TRANSIENT, retry_backoff=True, retry_jitter=True, max_retries=5)
def recompute(self: Task, task_id: str, regions: list[str] | None = None) -> dict[str, Any]:
    """Full recomputation of hops and metric snapshots (of `regions`, or all), with progress in
    the task record; re-running it is harmless."""
    factory = session_factory()
    tasks_service.start(factory, task_id=task_id)

    def progress(fraction: float, message: str) -> None:
        tasks_service.report(factory, task_id=task_id, progress=fraction, message=message)

    try:
        done = maintain.recompute_all(factory, progress=lambda f, m: progress(f * 0.8, m))
        progress(0.85, "recomputing metric snapshots")
        refreshed = metrics_service.refresh_live(factory, force=regions)
    except TRANSIENT:
        raise
    except Exception as exc:
        tasks_service.finish(factory, task_id=task_id, error=f"{type(exc).__name__}: {exc}")
        raise
    result = {**dataclasses.asdict(done), "metric_snapshots": refreshed}
    tasks_service.finish(factory, task_id=task_id, result=result)
    return result


@app.task(name=SWEEP)
def sweep() -> bool:
    """Periodic safety net: enqueue a catch-up when the watermark lags the log."""
    with session_factory()() as session:
        lagging = maintain.lag(session) > 0
    if lagging:
        catch_up.apply_async()
    return lagging


@worker_ready.connect
def _catch_up_on_start(**_: Any) -> None:
    # Work committed while no worker (or no broker) was up is picked up as soon as one starts.
    sweep.apply_async()
