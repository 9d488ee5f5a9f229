"""The reject file: every row (or part of a row) that could not be imported, with the reason."""

from __future__ import annotations

import csv
from pathlib import Path
from types import TracebackType
from typing import IO, Any

REJECTED = "rejected"  # nothing of the row is in the ledger
PARTIAL = "partial"  # the row is in, without the part named in the reason

HEADER = ("file", "line", "outcome", "reason")


class Rejects:
    """Counts rejects and, when given a path, writes them as CSV (file, line, outcome, reason)."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.rejected = 0
        self.partial = 0
        self._stream: IO[str] | None = None
        self._csv: Any = None  # csv.writer's type is private

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
        else:
            self.partial += 1
        if self._csv is not None:
            self._csv.writerow((file, "" if line is None else line, outcome, reason))
