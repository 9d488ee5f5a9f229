"""Batch appends timed in process: the schema validation and `events_service.append` of a
generated ledger in 1,000-event batches into a new PostgreSQL database, without HTTP and
without the worker. Prints the rate over each 100k events and over the whole.

    python -m bench.append_in_process --events 20000

To compare with another commit, run the same command from a checkout of it (`git worktree add`).
"""

from __future__ import annotations

import argparse
import json
import time

from bench import harness, ledgers
from ledger import migrate
from ledger.db import create_db_engine, make_session_factory, unit_of_work
from ledger.events import service as events_service
from ledger.events.schemas import EventBatch

DATABASE = "loopledger_bench_append"


def measure(events: int, batch: int = 1000) -> dict[str, float]:
    generated = ledgers.generate(events)["events"]
    bodies = [json.dumps({"events": generated[start : start + batch]}).encode() for start in range(0, len(generated), batch)]
    del generated
    with harness.fresh_database(DATABASE) as url:
        engine = create_db_engine(url)
        migrate.upgrade(engine)
        factory = make_session_factory(engine)
        started = last = time.perf_counter()
        for i, body in enumerate(bodies, start=1):
            parsed = EventBatch.model_validate_json(body)
            with unit_of_work(factory) as session:
                events_service.append(session, events=parsed.events, indexed=True)
            if (i * batch) % 100_000 == 0:
                now = time.perf_counter()
                print(f"{i * batch:>9,} events: {100_000 / (now - last):,.0f}/s over the last 100k", flush=True)
                last = now
        took = time.perf_counter() - started
        engine.dispose()
    return {"events": events, "seconds": round(took, 2), "events_per_second": round(events / took)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=20_000)
    args = parser.parse_args()
    print(json.dumps(measure(args.events)))


if __name__ == "__main__":
    main()
