"""Chain answers timed in process, on a kept bench database: for ledgers whose hub answers
outlive an API process (at 1M a hub's search runs minutes, and uvicorn's supervisor kills the
process whose health check it no longer answers). 10 random founded firms (seeded), depth 6,
the default page, one after another; no query starts after `--budget` seconds in a direction.

    python -m bench.chains_in_process --database loopledger_bench_1m --budget 240
"""

from __future__ import annotations

import argparse
import json
import random
import time
from typing import Any

import sqlalchemy as sa

from bench.harness import db_url
from ledger.chains import service as chains
from ledger.db import create_db_engine, make_session_factory, read_snapshot


def measure(database: str, budget: float, roots: int = 10) -> dict[str, list[dict[str, Any]]]:
    factory = make_session_factory(create_db_engine(db_url(database)))
    with read_snapshot(factory) as session:
        firms = list(session.scalars(sa.text("SELECT firm_id FROM firm_founding WHERE firm_id NOT LIKE 'bench-single-%' ORDER BY firm_id")))
    sample = random.Random(7).sample(firms, roots)
    out: dict[str, list[dict[str, Any]]] = {}
    for direction in ("downstream", "upstream"):
        rows: list[dict[str, Any]] = []
        deadline = time.perf_counter() + budget
        for root in sample:
            if time.perf_counter() > deadline:
                break
            started = time.perf_counter()
            with read_snapshot(factory) as session:
                body = chains.chain(session, firm_id=root, direction=direction, max_depth=6)
            rows.append(
                {
                    "root": root,
                    "ms": round((time.perf_counter() - started) * 1000),
                    "firms": len(body["firms"]),
                    "edges": len(body["edges"]),
                    "hops": body["hops_total"],
                    "multiplier": body["multiplier"],
                }
            )
            print(direction, json.dumps(rows[-1]), flush=True)
        out[direction] = rows
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", required=True, help="a database a bench run left, e.g. loopledger_bench_1m")
    parser.add_argument("--budget", type=float, default=240.0, help="seconds per direction after which no query starts")
    args = parser.parse_args()
    print(json.dumps(measure(args.database, args.budget)))


if __name__ == "__main__":
    main()
