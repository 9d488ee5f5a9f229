"""The garbage collector's settings for a process of its own (the served API, a worker process,
a CLI command), never for a library caller or a test run.

Appending or validating a 1,000-event batch allocates some 50,000 objects that live until the
batch is written. With Python's default thresholds the collector ran every 700 allocations and
walked the whole young heap again and again: schema validation took 40 us per event instead of
20, and as much again went on the rest of the append. What start-up made (modules, routes, warm
columns) is frozen out of its sight, and it runs every 50,000 allocations: unreachable cycles
live a little longer, which costs some memory, never correctness.
"""

from __future__ import annotations

import gc

THRESHOLDS = (50_000, 20, 20)


def settle_heap() -> None:
    """Freeze what exists now and collect rarely from here on."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*THRESHOLDS)
