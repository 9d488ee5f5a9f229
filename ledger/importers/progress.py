"""Progress of a long import, stage by stage: done of a total and the rate, for bars and tasks."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Span:
    """What a stage counts, and the part of a whole Crunchbase import's progress it fills."""

    unit: str
    start: float
    end: float


# In the order they run. The parts are rough shares of the time on the bench's 100k-row export:
# counting is one read of the bytes, reading and staging about a fifth, writing most of the rest.
STAGES: dict[str, Span] = {
    "counting": Span("bytes", 0.0, 0.05),  # files read once: the reading stage's total, the byte limits
    "reading": Span("rows", 0.05, 0.25),  # CSV rows mapped and staged
    "founding": Span("firms", 0.25, 0.3),  # founding dates inferred per startup
    "writing": Span("events", 0.3, 0.95),  # events appended
    "registering": Span("actors", 0.95, 1.0),  # actors no event names, registered on their own
}


@dataclass(frozen=True)
class Progress:
    stage: str  # a key of STAGES
    done: int
    total: int
    per_second: float

    @property
    def fraction(self) -> float:
        return 0.0 if self.total <= 0 else min(1.0, self.done / self.total)

    @property
    def unit(self) -> str:
        span = STAGES.get(self.stage)
        return "items" if span is None else span.unit

    @property
    def overall(self) -> float:
        """The whole import's progress, 0..1, when this is one of its stages."""
        span = STAGES.get(self.stage, Span("items", 0.0, 1.0))
        return span.start + (span.end - span.start) * self.fraction


ProgressCallback = Callable[[Progress], None]


class Meter:
    """Calls the callback when the stage begins, then at most every `interval` seconds, and
    always at its end: a task record is not written once per row."""

    def __init__(self, callback: ProgressCallback | None, stage: str, total: int, *, interval: float = 0.5) -> None:
        self.callback, self.stage, self.total, self.interval = callback, stage, total, interval
        self.started = self.last = time.monotonic()
        self.done = 0
        # Said at once, so a stage that takes long before its first step (an index being built,
        # a large first file) does not show the previous stage's figures meanwhile.
        self.advance(0, force=True)

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
