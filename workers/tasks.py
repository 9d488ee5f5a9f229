"""Celery tasks: thin wrappers that own a session and call one ledger function each."""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import os
import time
from functools import cache
from pathlib import Path
from typing import Any

from celery import Task
from celery.signals import worker_ready
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from ledger.chains import maintain
from ledger.config import Settings
from ledger.db import create_db_engine, make_session_factory, unit_of_work
from ledger.errors import LedgerError
from ledger.events import service as events_service
from ledger.importers import crunchbase as crunchbase_importer
from ledger.importers.config import ImportSettings
from ledger.importers.progress import Progress
from ledger.metrics import service as metrics_service
from ledger.tasks import service as tasks_service
from workers.app import CATCH_UP, IMPORT, RECOMPUTE, SWEEP, app

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
    """Periodic safety net: enqueue a catch-up when the hops or a live metric snapshot lag the log
    (a catch-up that failed between the two is finished this way)."""
    with session_factory()() as session:
        lagging = maintain.lag(session) > 0 or metrics_service.stale_live(session) > 0
    if lagging:
        catch_up.apply_async()
    return lagging


@worker_ready.connect
def _catch_up_on_start(**_: Any) -> None:
    # Work committed while no worker (or no broker) was up is picked up as soon as one starts.
    sweep.apply_async()


# ---- imports -----------------------------------------------------------------------------------


def run_import(factory: sessionmaker[Session], *, task_id: str, path: str, remove_after: bool = False) -> dict[str, Any] | None:
    """The body of `loopledger.import`: a Crunchbase export with its progress in the task record.

    Returns the summary, or None when the export was refused (the task record says why).
    Transient database errors propagate for a retry, which is safe: event ids are derived from
    the export, so rows already written are skipped.
    """
    tasks_service.start(factory, task_id=task_id)
    rejects = ImportSettings().directory() / f"{task_id}-rejects.csv"
    last = [0.0]

    def progress(p: Progress) -> None:
        # Reading is quick; writing is most of the time: 0-20 % reading, 20-100 % writing.
        fraction = 0.2 * p.fraction if p.stage == "reading" else 0.2 + 0.8 * p.fraction
        now = time.monotonic()
        if now - last[0] >= 1.0 or p.done >= p.total:
            last[0] = now
            unit = "rows" if p.stage == "reading" else "events"
            tasks_service.report(
                factory,
                task_id=task_id,
                progress=round(fraction, 4),
                message=f"{p.stage} {p.done}/{p.total} {unit} ({p.per_second:,.0f}/s)",
            )

    try:
        summary = crunchbase_importer.import_crunchbase(factory, Path(path), rejects_path=rejects, progress=progress)
    except TRANSIENT:
        raise
    except LedgerError as exc:  # a malformed file: nothing of it was written; retrying would not help
        tasks_service.finish(factory, task_id=task_id, error=f"{exc.title}: {exc}")
        _remove(path, remove_after)
        return None
    except Exception as exc:
        tasks_service.finish(factory, task_id=task_id, error=f"{type(exc).__name__}: {exc}")
        _remove(path, remove_after)
        raise
    tasks_service.finish(factory, task_id=task_id, result=summary.as_dict())
    _remove(path, remove_after)
    return summary.as_dict()


def _remove(path: str, remove: bool) -> None:
    if remove:
        with contextlib.suppress(OSError):
            os.remove(path)


@app.task(name=IMPORT, bind=True, autoretry_for=TRANSIENT, retry_backoff=True, retry_jitter=True, max_retries=5)
def import_crunchbase(self: Task, task_id: str, path: str, remove_after: bool = False) -> dict[str, Any] | None:
    """Import a Crunchbase export (directory or zip on this host) and then catch up the chains."""
    factory = session_factory()
    summary = run_import(factory, task_id=task_id, path=path, remove_after=remove_after)
    if summary is not None and (summary["new"] or summary["corrected"]):
        with unit_of_work(factory) as session:
            claimed = events_service.claim_dispatch(session)
        if claimed:
            catch_up.apply_async()
    return summary
