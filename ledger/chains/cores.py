"""The cores a process keeps, one set of columns per database, kept current from the log by seq.

A core is valid for exactly one log state, named by the head's (seq, hash). A reader that finds
the log moved asks for a refresh and waits for it until its deadline: the refresh reads only the
rows of the new events (a whole read after a retraction), in a thread of its own, one at a time
per database, so readers never start reads of their own and one that stops waiting leaves the
refresh to finish for the next. A reader whose deadline comes first is answered from the core
it would have had (its answer says the older `seq` and `stale`), or, when there is none yet,
told to retry (Overloaded). The API and the workers each keep their own: the database is all
they share, so they can run on different hosts.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field

import structlog
from sqlalchemy.orm import Session, sessionmaker

from ledger.chains import hop_index
from ledger.chains.core import Columns, Core, build, head, read
from ledger.db import read_snapshot
from ledger.errors import Overloaded

log = structlog.get_logger(__name__)

_WINDOWS_KEPT = 4
_ANSWER_MARGIN_SECONDS = 1.0  # what a page needs after its core is there (at most a quarter of the time left)
_FIRST_READ_WAIT_SECONDS = 600.0  # without a deadline (CLI, tests): wait for a whole read


@dataclass
class _Entry:
    factory: sessionmaker[Session]
    columns: Columns | None = None
    cores: OrderedDict[int, Core] = field(default_factory=OrderedDict)
    refreshing: bool = False
    wanted: tuple[int, str] = (0, "")
    changed: threading.Condition = field(default_factory=threading.Condition)
    error: BaseException | None = None


_entries: dict[str, _Entry] = {}
_entries_lock = threading.Lock()


def _entry(session: Session) -> _Entry:
    engine = session.get_bind().engine
    database = engine.url.render_as_string(hide_password=True)
    with _entries_lock:
        found = _entries.get(database)
        if found is None:
            found = _entries[database] = _Entry(sessionmaker(bind=engine))
        return found


def _refresh(entry: _Entry) -> None:
    """Bring the entry's columns to the log's head, and its cores with them; until the head
    stops moving."""
    while True:
        try:
            with read_snapshot(entry.factory) as session:
                started = time.monotonic()
                columns = read(session, entry.columns)
                cores: OrderedDict[int, Core] = OrderedDict((w, build(columns, w)) for w in entry.cores or [10])
                for built in cores.values():  # the hop lists too: the first question should not list them
                    hop_index.out(built).ends(built)
                    hop_index.into(built)
            log.info("chain core refreshed", seq=columns.seq, seconds=round(time.monotonic() - started, 3), actors=len(columns.vocabulary))
        except BaseException as exc:
            with entry.changed:
                entry.refreshing, entry.error = False, exc
                entry.changed.notify_all()
            return
        with entry.changed:
            entry.columns, entry.cores, entry.error = columns, cores, None
            entry.changed.notify_all()
            if entry.wanted[0] <= columns.seq:
                entry.refreshing = False
                return


def _current(entry: _Entry, seen: tuple[int, str]) -> bool:
    c = entry.columns
    return c is not None and ((c.seq, c.head_hash) == seen or c.seq > seen[0])


def core(session: Session, *, window_years: int, deadline: float | None = None, seen: tuple[int, str] | None = None) -> Core:
    """The core for the log as this session sees it (`seen`: its head, when the caller has read
    it) or newer, for window W; past the deadline the latest one there is, or Overloaded when
    there is none yet."""
    entry = _entry(session)
    seen = head(session) if seen is None else seen
    now = time.monotonic()
    wait_until = now + _FIRST_READ_WAIT_SECONDS if deadline is None else deadline - min(_ANSWER_MARGIN_SECONDS, (deadline - now) / 4)
    with entry.changed:
        if not _current(entry, seen):
            entry.wanted = max(entry.wanted, seen)
            if not entry.refreshing:
                entry.refreshing = True
                threading.Thread(target=_refresh, args=(entry,), name="chain-core-refresh", daemon=True).start()
            while not _current(entry, seen) and entry.refreshing:
                remaining = wait_until - time.monotonic()
                if remaining <= 0 or not entry.changed.wait(remaining):
                    break
            if entry.error is not None and not _current(entry, seen):
                raise entry.error
        if entry.columns is None:
            raise Overloaded("the chain engine is still reading the ledger")
        found = entry.cores.get(window_years)
        if found is None:
            found = entry.cores[window_years] = build(entry.columns, window_years)
            while len(entry.cores) > _WINDOWS_KEPT:
                entry.cores.popitem(last=False)
        else:
            entry.cores.move_to_end(window_years)
        return found


def warm(factory: sessionmaker[Session]) -> None:
    """Start reading the columns of a non-empty ledger in the background (an API process that
    starts), so that its first chain question does not wait for them."""
    with read_snapshot(factory) as session:
        seen = head(session)
        if seen[0] == 0:
            return
        entry = _entry(session)
    with entry.changed:
        if _current(entry, seen) or entry.refreshing:
            return
        entry.wanted, entry.refreshing = max(entry.wanted, seen), True
        threading.Thread(target=_refresh, args=(entry,), name="chain-core-refresh", daemon=True).start()


def forget() -> None:
    """Drop every core (tests that rewrite a database behind the log's back)."""
    with _entries_lock:
        _entries.clear()
