"""Group commit of single appends: whatever is waiting for the log goes into one transaction.

Concurrent clients each posting one event would otherwise each pay a transaction, the log head
lock and a durable commit (fsync), one after the other. Here each caller hands its event to a
committer thread and waits; the committer takes everything waiting (up to a limit), appends it
in one transaction, commits once, and only then answers every caller (so no client hears of an
event before it is durable). An event the ledger refuses is answered with its error, and the
others of the group are appended without it: one client's bad event never fails another's.
"""

from __future__ import annotations

import queue
import threading
from concurrent.futures import Future
from dataclasses import dataclass

from sqlalchemy.orm import Session, sessionmaker

from ledger.db import unit_of_work
from ledger.errors import ErrorItem, LedgerError
from ledger.events import service as events_service
from ledger.events.schemas import Event

MAX_GROUP = 500


@dataclass(frozen=True)
class Committed:
    appended: events_service.Appended
    # True for the one caller of a group that claimed the catch-up dispatch: it enqueues it,
    # after answering, so nothing slow runs in the committer.
    dispatch: bool


@dataclass
class _Waiting:
    event: Event
    answer: Future[Committed]


class GroupCommitter:
    """One per process. `append` blocks until the event is committed (or refused)."""

    def __init__(self, factory: sessionmaker[Session], *, future_tolerance_days: int = 1) -> None:
        self.factory = factory
        self.future_tolerance_days = future_tolerance_days
        self._queue: queue.Queue[_Waiting | None] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def append(self, event: Event, timeout: float = 60.0) -> Committed:
        """Append one event as part of the next group; raises its LedgerError if refused."""
        return self.submit(event).result(timeout=timeout)

    def submit(self, event: Event) -> Future[Committed]:
        """Queue one event for the next group; the future resolves once it is committed."""
        waiting = _Waiting(event, Future())
        self._queue.put(waiting)
        self._start()
        return waiting.answer

    def close(self) -> None:
        if self._thread is not None:
            self._queue.put(None)
            self._thread.join(timeout=10)
            self._thread = None

    def _start(self) -> None:
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="group-commit", daemon=True)
                self._thread.start()

    def _run(self) -> None:
        while True:
            first = self._queue.get()
            if first is None:
                return
            group = [first]
            while len(group) < MAX_GROUP:
                try:
                    nxt = self._queue.get_nowait()
                except queue.Empty:
                    break
                if nxt is None:
                    self._queue.put(None)  # stop after this group
                    break
                group.append(nxt)
            self._commit(group)

    def _commit(self, group: list[_Waiting]) -> None:
        pending = list(group)
        while pending:
            try:
                with unit_of_work(self.factory) as session:
                    results = events_service.append(
                        session, events=[w.event for w in pending], future_tolerance_days=self.future_tolerance_days, indexed=True
                    )
                    claimed = any(not r.duplicate for r in results) and events_service.claim_dispatch(session)
            except LedgerError as exc:
                pending = self._refuse(pending, exc)
                continue
            except BaseException as exc:  # the database is gone: nobody was committed, everyone hears why
                for w in pending:
                    w.answer.set_exception(exc)
                return
            for i, (w, r) in enumerate(zip(pending, results, strict=True)):
                w.answer.set_result(Committed(r, dispatch=claimed and i == 0))
            return

    @staticmethod
    def _refuse(pending: list[_Waiting], exc: LedgerError) -> list[_Waiting]:
        """Answer the refused events with their own errors (their index taken off the location);
        the rest goes again. An error the batch cannot place fails everyone still waiting."""
        by_index: dict[int, list[ErrorItem]] = {}
        for item in exc.errors:
            if not item.loc or not isinstance(item.loc[0], int):
                for w in pending:
                    w.answer.set_exception(exc)
                return []
            by_index.setdefault(item.loc[0], []).append(ErrorItem(item.loc[1:], item.msg))
        for index, items in by_index.items():
            pending[index].answer.set_exception(type(exc)(items))
        return [w for i, w in enumerate(pending) if i not in by_index]
