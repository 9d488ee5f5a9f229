"""Chain first pages timed in process, on a kept bench database: the engine without HTTP.

Reads the columns once (timed: what the first question after the ledger moved pays), then asks
for the first page of the chain of random founded firms (seeded) and of the hubs (the firms
with the most liquidity events), every generation, both directions; prints one line per
question and a summary with p50/p95.

    python -m bench.chains_in_process --database loopledger_bench_1m --roots 100
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import time
from typing import Any

import sqlalchemy as sa

from bench.harness import db_url
from ledger.chains import cores, pages
from ledger.db import create_db_engine, make_session_factory, read_snapshot


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


def _percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p * len(ordered)))] if ordered else 0.0


def measure(database: str, roots: int = 100, hubs: int = 3) -> dict[str, Any]:
    factory = make_session_factory(create_db_engine(db_url(database)))
    with read_snapshot(factory) as session:
        firms = list(session.scalars(sa.text("SELECT firm_id FROM firm_founding WHERE firm_id NOT LIKE 'bench-single-%' ORDER BY firm_id")))
        busiest = list(
            session.scalars(sa.text(f"SELECT firm_id FROM liquidity_event GROUP BY firm_id ORDER BY count(*) DESC, firm_id LIMIT {hubs}"))
        )
        started = time.perf_counter()
        core = cores.core(session, window_years=10)
        load = time.perf_counter() - started
    sizes = {"actors": core.size, "liquidity": len(core.liquidity.actor), "engagements": len(core.engagements.actor)}
    print("core", json.dumps({"load_ms": _ms(load), **sizes}), flush=True)
    sample = random.Random(7).sample(firms, min(roots, len(firms)))
    out: dict[str, Any] = {"core_load_ms": _ms(load), **sizes}
    for direction in ("downstream", "upstream"):
        rows: list[dict[str, Any]] = []
        for root in [*busiest, *sample]:
            started = time.perf_counter()
            with read_snapshot(factory) as session:
                page = pages.chain(session, pages.ChainQuestion(root, direction))  # type: ignore[arg-type]
            took = time.perf_counter() - started
            rows.append(
                {
                    "root": root,
                    "hub": root in busiest,
                    "ms": _ms(took),
                    "firms": len(page.firms),
                    "edges": len(page.edges),
                    "multiplier": page.multiplier,
                }
            )
            print(direction, json.dumps(rows[-1]), flush=True)
        random_ms = [r["ms"] for r in rows if not r["hub"]]
        out[direction] = {
            "p50_ms": _percentile(random_ms, 0.5),
            "p95_ms": _percentile(random_ms, 0.95),
            "max_ms": max(random_ms, default=0.0),
            "hubs": [r for r in rows if r["hub"]],
        }
    out["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", required=True, help="a database a bench run left, e.g. loopledger_bench_1m")
    parser.add_argument("--roots", type=int, default=100, help="random founded firms per direction")
    args = parser.parse_args()
    print(json.dumps(measure(args.database, args.roots)))


if __name__ == "__main__":
    main()
