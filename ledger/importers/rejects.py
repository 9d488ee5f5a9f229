"""What became of every row of an import: in the ledger, collapsed, skipped or rejected (with why).

The reject file lists every row (or part of a row) that could not be imported, with the reason;
the per-file tally says how many rows of each file reached the ledger, as events or parts of
events (an investment is an investor entry of its round, an organization its registration).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from pathlib import Path
from types import TracebackType
from typing import IO, Any

REJECTED = "rejected"  # nothing of the row is in the ledger
PARTIAL = "partial"  # the row is in, without the part named in the reason

HEADER = ("file", "line", "outcome", "reason")

# Row states, one byte per line of each file. A row that reached the ledger in any part stays
# "in the ledger" even when another part of it was refused (a job whose person.left was refused).
_UNSEEN, _IN_LEDGER, _REJECTED, _COLLAPSED, _SKIPPED = 0, 1, 2, 3, 4
OUTCOMES = {"in_ledger": _IN_LEDGER, "rejected": _REJECTED, "collapsed": _COLLAPSED, "skipped": _SKIPPED}


class Rejects:
    """Counts rejects and, when given a path, writes them as CSV (file, line, outcome, reason);
    keeps the state of every row for the per-file tally."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.rejected = 0
        self.partial = 0
        self._stream: IO[str] | None = None
        self._csv: Any = None  # csv.writer's type is private
        self._rows: dict[str, bytearray] = {}

    def __enter__(self) -> Rejects:
        if self.path is not None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._stream = self.path.open("w", encoding="utf-8", newline="")
            self._csv = csv.writer(self._stream)
            self._csv.writerow(HEADER)
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        if self._stream is not None:
            self._stream.close()

    def add(self, file: str, line: int | None, reason: str, *, outcome: str = REJECTED) -> None:
        if outcome == REJECTED:
            self.rejected += 1
            self._mark(file, line, _REJECTED)
        else:
            self.partial += 1
        if self._csv is not None:
            self._csv.writerow((file, "" if line is None else line, outcome, reason))

    # ---- row states ------------------------------------------------------------------------------

    def in_ledger(self, rows: Iterable[tuple[str, int | None]]) -> None:
        for file, line in rows:
            if line is not None:
                self._states(file, line)[line] = _IN_LEDGER

    def collapsed(self, file: str, line: int) -> None:
        self._mark(file, line, _COLLAPSED)

    def skipped(self, file: str, line: int) -> None:
        self._mark(file, line, _SKIPPED)

    def _mark(self, file: str, line: int | None, state: int) -> None:
        if line is None:
            return
        states = self._states(file, line)
        if states[line] != _IN_LEDGER:
            states[line] = state

    def _states(self, file: str, line: int) -> bytearray:
        states = self._rows.setdefault(file, bytearray())
        if len(states) <= line:
            states.extend(bytes(line + 1024 - len(states)))
        return states

    def tally(self, rows_read: dict[str, int]) -> dict[str, dict[str, int]]:
        """Per file: rows read, and how many of them are in the ledger, rejected, collapsed, skipped."""
        out = {}
        for file, read in rows_read.items():
            states = self._rows.get(file, bytearray())
            counts = {
                name: states.count(state) for name, state in zip(OUTCOMES, (_IN_LEDGER, _REJECTED, _COLLAPSED, _SKIPPED), strict=True)
            }
            # Rows nothing was said of: a bug in the importer if ever non-zero (the gap test checks).
            out[file] = {"rows": read, **counts, "unaccounted": read - sum(counts.values())}
        return out
