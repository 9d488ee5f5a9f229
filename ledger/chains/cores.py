"""The cores a process keeps: one set of columns per database, read again when the log moves.

A core is valid for exactly one log state, named by the head's (seq, hash): any append or
retraction moves it. Readers that find the head where their core was use it at once; the first
reader after a move reads the columns again (one bulk read per table) while the others wait for
that read rather than start their own. The API and the workers each keep their own, so they
need not run on the same host: the database is the only thing they share.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ledger.chains.core import Columns, Core, build, read
from ledger.events.models import LedgerHead

_WINDOWS_KEPT = 4


@dataclass
class _Entry:
    columns: Columns
    cores: OrderedDict[int, Core] = field(default_factory=OrderedDict)


_entries: dict[str, _Entry] = {}
_lock = threading.Lock()


def _head(session: Session) -> tuple[int, str]:
    head = session.execute(sa.select(LedgerHead.last_seq, LedgerHead.last_hash)).first()
    return (int(head[0]), str(head[1])) if head else (0, "")


def core(session: Session, *, window_years: int) -> Core:
    """The core for the log as this session's snapshot sees it, for window W."""
    database = session.get_bind().engine.url.render_as_string(hide_password=True)
    head = _head(session)
    with _lock:
        entry = _entries.get(database)
        if entry is None or (entry.columns.seq, entry.columns.head_hash) != head:
            columns = read(session)
            entry = _entries[database] = _Entry(columns)
        found = entry.cores.get(window_years)
        if found is None:
            found = entry.cores[window_years] = build(entry.columns, window_years)
            while len(entry.cores) > _WINDOWS_KEPT:
                entry.cores.popitem(last=False)
        else:
            entry.cores.move_to_end(window_years)
        return found


def forget() -> None:
    """Drop every core (tests that rewrite a database behind the log's back)."""
    with _lock:
        _entries.clear()
