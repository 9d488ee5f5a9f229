"""Progress of a long import: rows (or events) done of a total, and the rate, for bars and tasks."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Progress:
    stage: str  # "reading" (CSV rows staged) or "writing" (events appended)
    done: int
    total: int
    per_second: float

    @property
    def fraction(self) -> float:
        return 0.0 if self.total <= 0 else min(1.0, self.done / self.total)


ProgressCallback = Callable[[Progress], None]


class Meter:
    """Calls the callback at most every `interval` seconds (and always at the end of a stage)."""

    def __init__(self, callback: ProgressCallback | None, stage: str, total: int, *, interval: float = 0.5) -> None:
        self.callback, self.stage, self.total, self.interval = callback, stage, total, interval
        self.started = self.last = time.monotonic()
        self.done = 0

    def advance(self, count: int = 1, *, force: bool = False) -> None:
        self.done += count
        if self.callback is None:
            return
        now = time.monotonic()
        if force or now - self.last >= self.interval:
            self.last = now
            self.total = max(self.total, self.done)
            elapsed = max(now - self.started, 1e-9)
            self.callback(Progress(self.stage, self.done, self.total, self.done / elapsed))

    def finish(self) -> None:
        self.total = self.done
        self.advance(0, force=True)
