"""Celery tasks: thin wrappers that own a session and call one ledger function each."""

from __future__ import annotations

import contextlib
import dataclasses
import fcntl
import logging
import os
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

from celery import Task, group
from celery.exceptions import SoftTimeLimitExceeded, TimeLimitExceeded
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
from ledger.regions import service as regions_service
from ledger.tasks import service as tasks_service
from workers.app import CATCH_UP, IMPORT, RECOMPUTE, RECOMPUTE_CHUNK, RECOMPUTE_PARTS, SWEEP, app

log = logging.getLogger(__name__)
# Database restarts and lock timeouts are worth retrying; anything else is a bug to report.
TRANSIENT = (OperationalError,)


@cache
def session_factory() -> sessionmaker[Session]:
    settings: Settings = app.conf.loopledger_settings
    return make_session_factory(create_db_engine(settings.database_url))


@app.task(name=CATCH_UP, bind=True, autoretry_for=TRANSIENT, retry_backoff=True, retry_jitter=True, max_retries=10)
def catch_up(self: Task) -> dict[str, Any]:
    """Apply the log after the liquidity watermark, then refresh the metric parts it touches; a
    redelivered message finds nothing left to do."""
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
    settings: Settings = app.conf.loopledger_settings
    with factory() as session:
        backlog = maintain.lag(session)
    if backlog > settings.metrics_refresh_max_backlog:
        # A load is under way: the events appended since this catch-up began have enqueued the
        # next one. Refreshing parts now would be redone at once and takes the CPU the appends
        # need; the parts say `stale` meanwhile.
        log.info("catch-up %s; metric parts wait for the %d events behind it", done, backlog)
        return {**dataclasses.asdict(done), "metric_parts": 0, "deferred": backlog}
    refreshed = metrics_service.refresh_after(factory, max_backlog=settings.metrics_refresh_max_backlog)
    log.info("catch-up %s; %d metric parts refreshed", done, refreshed)
    return {**dataclasses.asdict(done), "metric_parts": refreshed}


@app.task(name=RECOMPUTE, bind=True, autoretry_for=TRANSIENT, retry_backoff=True, retry_jitter=True, max_retries=5)
def recompute(self: Task, task_id: str, regions: list[str] | None = None) -> dict[str, Any]:
    """Full recomputation in two stages that run side by side over the worker processes: the
    liquidity table split by actor into chunks, and the metric parts of `regions` (or all) in one
    task, one vectorized pass over every region at once (ledger/metrics/yearly.py) that derives
    the liquidity events itself instead of reading the table being rebuilt. The last piece to
    end closes the task record."""
    factory = session_factory()
    tasks_service.start(factory, task_id=task_id)
    settings: Settings = app.conf.loopledger_settings
    with factory() as session:
        splits = maintain.actor_splits(session, settings.recompute_chunks)
        slugs = regions or [r.slug for r in regions_service.get_all(session)]
    tasks_service.report(
        factory, task_id=task_id, progress=0.0, message=f"recomputing liquidity in {len(splits)} chunks and {len(slugs)} regions' parts"
    )
    # The parts first: the longer piece, so that it starts while the chunks share the other process.
    pieces = [recompute_parts.s(task_id, slugs, len(splits))]
    pieces += [recompute_chunk.s(task_id, low, high, len(splits), slugs) for low, high in splits]
    group(pieces).apply_async()
    return {"chunks": len(splits), "regions": len(slugs)}


@app.task(name=RECOMPUTE_CHUNK, bind=True, autoretry_for=TRANSIENT, retry_backoff=True, retry_jitter=True, max_retries=5)
def recompute_chunk(self: Task, task_id: str, low: str | None, high: str | None, chunks: int, regions: list[str]) -> dict[str, Any]:
    """One chunk of actors; idempotent (it derives its actors' rows anew). The last one catches
    the table up with the events appended meanwhile."""
    factory = session_factory()
    with unit_of_work(factory) as session:
        done = maintain.recompute_chunk(session, low=low, high=high)
    if tasks_service.count_done(factory, task_id=task_id, stage=tasks_service.CHUNKS, key=f"{low}..{high}", total=chunks):
        with _finishing_on_error(factory, task_id):
            with unit_of_work(factory) as session:
                maintain.catch_up(session)
            _finish_recompute_if_complete(factory, task_id, chunks=chunks, regions=len(regions))
    return dataclasses.asdict(done)


@app.task(name=RECOMPUTE_PARTS, bind=True, autoretry_for=TRANSIENT, retry_backoff=True, retry_jitter=True, max_retries=5)
def recompute_parts(self: Task, task_id: str, slugs: list[str], chunks: int) -> int:
    """These regions' metric parts, anew; idempotent."""
    factory = session_factory()
    with _finishing_on_error(factory, task_id):
        written = metrics_service.refresh(factory, slugs=slugs, anew=True)
        for slug in slugs:  # a region deleted since the task was queued counts as done, with none written
            tasks_service.count_done(
                factory, task_id=task_id, stage=tasks_service.REGIONS, key=slug, total=len(slugs), written=written.get(slug, 0)
            )
        _finish_recompute_if_complete(factory, task_id, chunks=chunks, regions=len(slugs))
    return sum(written.values())


def _finish_recompute_if_complete(factory: sessionmaker[Session], task_id: str, *, chunks: int, regions: int) -> None:
    if tasks_service.stages_complete(factory, task_id=task_id, totals={tasks_service.CHUNKS: chunks, tasks_service.REGIONS: regions}):
        _finish_recompute(factory, task_id)


@contextlib.contextmanager
def _finishing_on_error(factory: sessionmaker[Session], task_id: str) -> Iterator[None]:
    """A transient error is retried by Celery; any other fails the task record, then propagates."""
    try:
        yield
    except TRANSIENT:
        raise
    except Exception as exc:
        tasks_service.finish(factory, task_id=task_id, error=f"{type(exc).__name__}: {exc}")
        raise


def _finish_recompute(factory: sessionmaker[Session], task_id: str) -> None:
    chunks = tasks_service.done_counts(factory, task_id=task_id, stage=tasks_service.CHUNKS)
    parts = tasks_service.done_counts(factory, task_id=task_id, stage=tasks_service.REGIONS)
    with factory() as session:
        to_seq = maintain.position(session)
    result = {"chunks": len(chunks), "to_seq": to_seq, "metric_parts": sum(parts.values())}
    tasks_service.finish(factory, task_id=task_id, result=result)


@app.task(name=SWEEP)
def sweep() -> bool:
    """Periodic safety net: enqueue a catch-up when the liquidity table or a stored metric part
    lags the log (a catch-up that failed between the two is finished this way)."""
    with session_factory()() as session:
        lagging = maintain.lag(session) > 0 or metrics_service.stale_parts(session) > 0
    if lagging:
        catch_up.apply_async()
    return lagging


@worker_ready.connect
def _catch_up_on_start(**_: Any) -> None:
    # Work committed while no worker (or no broker) was up is picked up as soon as one starts.
    sweep.apply_async()


# ---- imports -----------------------------------------------------------------------------------

# Celery reads a task's time limits once, when the worker starts: so does this module.
_IMPORT_SETTINGS = ImportSettings()
# After the soft limit the task fails its record and cleans up; a pool process still busy this
# much later is killed (the hard limit) and the worker's main process fails the record instead.
HARD_LIMIT_GRACE_SECONDS = 60.0
# How long an import waits before trying again while another runs (see _import_lock).
IMPORT_WAIT_SECONDS = 10


def run_import(
    factory: sessionmaker[Session], *, task_id: str, path: str, remove_after: bool = False, settings: ImportSettings | None = None
) -> dict[str, Any] | None:
    """The body of `loopledger.import`: a Crunchbase export with its progress in the task record.

    Returns the summary, or None when the export was refused or the time limit stopped it (the
    task record says why). Transient database errors propagate for a retry, which is safe: event
    ids are derived from the export, so rows already written are skipped.
    """
    settings = settings or ImportSettings()
    rejects = settings.directory() / f"{task_id}-rejects.csv"
    last: list[Progress] = []

    def progress(p: Progress) -> None:
        # Already rate-limited by the importer's meters (import_progress_interval_seconds).
        last[:] = [p]
        tasks_service.report(factory, task_id=task_id, progress=round(p.overall, 4), message=progress_message(p))

    try:
        tasks_service.start(factory, task_id=task_id)
        summary = crunchbase_importer.import_crunchbase(
            factory,
            Path(path),
            rejects_path=rejects,
            progress=progress,
            limits=settings.limits(),
            progress_interval=settings.import_progress_interval_seconds,
        )
    except TRANSIENT:
        raise
    except SoftTimeLimitExceeded:
        tasks_service.finish(factory, task_id=task_id, error=timed_out(settings.import_time_limit_seconds, last[0] if last else None))
        _remove(path, remove_after)
        return None
    except LedgerError as exc:  # a malformed file or a limit: nothing of it was written; retrying would not help
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


def progress_message(p: Progress) -> str:
    if p.total == 0:  # a stage whose size is not known yet (founding builds its indexes first)
        return p.stage
    if p.unit == "bytes":
        return f"{p.stage} {p.done / 2**20:,.1f}/{p.total / 2**20:,.1f} MiB ({p.per_second / 2**20:,.1f} MiB/s)"
    return f"{p.stage} {p.done:,}/{p.total:,} {p.unit} ({p.per_second:,.0f}/s)"


def timed_out(limit: float, last: Progress | None) -> str:
    """The task record's error when the soft time limit stopped an import."""
    where = "before it began" if last is None else f"while {last.stage} ({last.done:,} of {last.total:,} {last.unit})"
    stopped = f"Time limit exceeded: the import was stopped after {limit:g} s (LOOPLEDGER_IMPORT_TIME_LIMIT_SECONDS), {where}"
    if last is not None and last.stage in ("writing", "registering"):
        # Batches are atomic, each in its own transaction: the ones committed stay (docs/import.md).
        return f"{stopped}. The events written so far stay in the ledger; importing the same export again skips them and writes the rest."
    return f"{stopped}. Nothing was written."


def _remove(path: str, remove: bool) -> None:
    if remove:
        with contextlib.suppress(OSError):
            os.remove(path)


@contextlib.contextmanager
def _import_lock(directory: Path) -> Iterator[bool]:
    """True while this process is the only one importing from `directory`.

    Imports one at a time: their appends take the ledger's append lock in turn anyway, and a
    worker consuming both queues (the default `loopledger worker`, two processes) keeps its
    other process for catch-ups instead of giving it to a second import. flock is released with
    the file, or by the kernel when a hard time limit kills the process.
    """
    with (directory / "import.lock").open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        yield True


class ImportTask(Task):  # type: ignore[misc]
    def on_failure(self, exc: Exception, task_id: str, args: Any, kwargs: Any, einfo: Any) -> None:
        # Also called in the worker's main process after the hard time limit killed the pool
        # process running the import: the task body had no chance to fail its record then. A
        # fresh engine, not session_factory(): the main process forks new pool processes, which
        # must not inherit its connections.
        if not isinstance(exc, TimeLimitExceeded) or not args:
            return
        record_id, path, remove_after = args[0], args[1], bool(args[2]) if len(args) > 2 else False
        settings: Settings = app.conf.loopledger_settings
        engine = create_db_engine(settings.database_url)
        try:
            error = (
                f"Time limit exceeded: the import was killed {self.time_limit:g} s after it started (LOOPLEDGER_IMPORT_TIME_LIMIT_SECONDS"
                f" plus {HARD_LIMIT_GRACE_SECONDS:g} s). Events written before stay in the ledger; importing the same export again"
                " skips them and writes the rest."
            )
            tasks_service.fail_unfinished(make_session_factory(engine), task_id=str(record_id), error=error)
        finally:
            engine.dispose()
        _remove(str(path), remove_after)


@app.task(
    name=IMPORT,
    bind=True,
    base=ImportTask,
    autoretry_for=TRANSIENT,
    retry_backoff=True,
    retry_jitter=True,
    max_retries=5,
    soft_time_limit=_IMPORT_SETTINGS.import_time_limit_seconds,
    time_limit=_IMPORT_SETTINGS.import_time_limit_seconds + HARD_LIMIT_GRACE_SECONDS,
)
def import_crunchbase(self: Task, task_id: str, path: str, remove_after: bool = False) -> dict[str, Any] | None:
    """Import a Crunchbase export (directory or zip on this host) and then catch up the chains."""
    factory = session_factory()
    settings = ImportSettings()
    with _import_lock(settings.directory()) as alone:
        if not alone:
            tasks_service.report(factory, task_id=task_id, progress=0.0, message="queued behind another import")
            # Sent again rather than retried: waiting is not a failure, so it must not use up the
            # retries kept for transient database errors.
            self.apply_async(args=(task_id, path, remove_after), countdown=IMPORT_WAIT_SECONDS)
            return None
        with factory() as session:
            head = events_service.head_seq(session)
        summary = run_import(factory, task_id=task_id, path=path, remove_after=remove_after, settings=settings)
    with unit_of_work(factory) as session:
        # Also after a time limit: the batches written before it need their catch-up too.
        claimed = events_service.head_seq(session) > head and events_service.claim_dispatch(session)
    if claimed:
        catch_up.apply_async()
    return summary


@worker_ready.connect
def _check_import_time_limit(**_: Any) -> None:
    settings: Settings = app.conf.loopledger_settings
    hard = _IMPORT_SETTINGS.import_time_limit_seconds + HARD_LIMIT_GRACE_SECONDS
    if settings.broker_url.startswith(("redis://", "rediss://")) and hard >= settings.visibility_timeout_seconds:
        # Redis gives an unacknowledged message to another worker after the visibility timeout,
        # even while the first still runs it (tasks are acknowledged when they end).
        log.warning(
            "an import may run %g s (LOOPLEDGER_IMPORT_TIME_LIMIT_SECONDS + %g s), not less than LOOPLEDGER_VISIBILITY_TIMEOUT_SECONDS"
            " (%d s): a long import would be started again beside itself; raise the visibility timeout",
            hard,
            HARD_LIMIT_GRACE_SECONDS,
            settings.visibility_timeout_seconds,
        )
