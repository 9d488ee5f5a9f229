"""Task records: create, report progress, finish; read for GET /v1/tasks/{id}."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from ledger.db import aware, unit_of_work
from ledger.errors import NotFound
from ledger.tasks.models import TaskRecord


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def create(session: Session, *, kind: str, params: dict[str, Any], state: str = "queued") -> TaskRecord:
    record = TaskRecord(id=str(uuid.uuid4()), kind=kind, state=state, progress=0.0, params=params, attempts=0, created_at=_now())
    session.add(record)
    session.flush()
    return record


def start(factory: sessionmaker[Session], *, task_id: str) -> None:
    with unit_of_work(factory) as session:
        record = session.get(TaskRecord, task_id)
        if record is not None:
            record.state, record.started_at, record.attempts = "running", _now(), record.attempts + 1
            record.progress, record.error = 0.0, None


def report(factory: sessionmaker[Session], *, task_id: str, progress: float, message: str) -> None:
    """Progress is written in its own short transaction so readers see it while work runs."""
    with unit_of_work(factory) as session:
        record = session.get(TaskRecord, task_id)
        if record is not None:
            record.progress, record.message = progress, message


def finish(factory: sessionmaker[Session], *, task_id: str, result: dict[str, Any] | None = None, error: str | None = None) -> None:
    with unit_of_work(factory) as session:
        record = session.get(TaskRecord, task_id)
        if record is None:
            return
        record.state = "failed" if error else "succeeded"
        # What the task recorded on the way (chunks done) stays beside its result.
        merged = None if result is None and record.result is None else {**(record.result or {}), **(result or {})}
        record.result, record.error, record.finished_at = merged, error, _now()
        if not error:
            record.progress = 1.0


def fail_unfinished(factory: sessionmaker[Session], *, task_id: str, error: str) -> bool:
    """Fail a record still queued or running (its process was killed under it); True if it was."""
    with unit_of_work(factory) as session:
        record = session.get(TaskRecord, task_id, with_for_update=True)
        if record is None or record.state not in ("queued", "running"):
            return False
        record.state, record.error, record.finished_at = "failed", error, _now()
        return True


@dataclass(frozen=True)
class Stage:
    """A stage of a task split into pieces, and the part of the progress bar it fills."""

    name: str
    verb: str
    start: float
    end: float


CHUNKS = Stage("chunks", "recomputed", 0.0, 0.5)
REGIONS = Stage("regions", "refreshed", 0.5, 1.0)
STAGES = (CHUNKS, REGIONS)


def count_done(factory: sessionmaker[Session], *, task_id: str, stage: Stage, key: str, total: int, written: int = 0) -> bool:
    """Record that one piece of a stage of a task is done (a redelivered piece counts once). True
    when the stage is complete and the task still running: the caller then starts the next stage
    or finishes the task. A redelivered last piece gets True again, so a worker killed between
    counting and starting the next stage does not leave the task running for ever (the stages
    are idempotent). The row lock makes the count exact when pieces finish at the same moment."""
    with unit_of_work(factory) as session:
        record = session.get(TaskRecord, task_id, with_for_update=True)
        if record is None:
            return False
        result = dict(record.result or {})
        done = {**result.get(f"{stage.name}_done", {}), key: written}
        result[f"{stage.name}_done"] = done
        result[f"{stage.name}_total"] = total
        record.result = result
        # Stages may run side by side: each fills its share of the bar as its pieces end.
        shares = [
            (s.end - s.start) * len(result.get(f"{s.name}_done", {})) / result[f"{s.name}_total"]
            for s in STAGES
            if f"{s.name}_total" in result
        ]
        record.progress = round(min(sum(shares), 1.0), 4)
        record.message = f"{len(done)} of {total} {stage.name} {stage.verb}"
        return len(done) == total and record.state == "running"


def stages_complete(factory: sessionmaker[Session], *, task_id: str, totals: dict[Stage, int]) -> bool:
    """Every stage has all its pieces done and the task still runs: the stages of a task that run
    side by side each ask when one of theirs ends, and the last to ask finishes the task (the row
    lock orders them; a task finished twice by two askers is finished once, see `finish`)."""
    with unit_of_work(factory) as session:
        record = session.get(TaskRecord, task_id, with_for_update=True)
        if record is None or record.state != "running":
            return False
        result = record.result or {}
        return all(len(result.get(f"{stage.name}_done", {})) >= total for stage, total in totals.items())


def done_counts(factory: sessionmaker[Session], *, task_id: str, stage: Stage) -> dict[str, int]:
    with factory() as session:
        record = session.get(TaskRecord, task_id)
        return {} if record is None else dict((record.result or {}).get(f"{stage.name}_done", {}))


def public(record: TaskRecord) -> dict[str, Any]:
    return {
        "task_id": record.id,
        "kind": record.kind,
        "state": record.state,
        "progress": record.progress,
        "message": record.message,
        "params": record.params,
        "result": record.result,
        "error": record.error,
        "attempts": record.attempts,
        "created_at": aware(record.created_at),
        "started_at": aware(record.started_at),
        "finished_at": aware(record.finished_at),
    }


def get_or_raise(session: Session, *, task_id: str) -> TaskRecord:
    record = session.get(TaskRecord, task_id)
    if record is None:
        raise NotFound(f"no task {task_id!r}", loc=("task_id",))
    return record
