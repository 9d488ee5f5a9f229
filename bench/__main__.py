"""`python -m bench run --size 10k|100k|1m [--keep] [--stages ...] [--into FILE]`,
`python -m bench report FILE...`: see bench/harness.py;
`python -m bench soak --minutes 10`: see bench/soak.py."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from bench import harness, soak


def main() -> None:
    parser = argparse.ArgumentParser(
        prog="python -m bench", description=harness.__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="start the stack, load a synthetic ledger, measure, compare with the baseline")
    run.add_argument("--size", choices=sorted(harness.SIZES), default="10k")
    run.add_argument("--keep", action="store_true", help="keep the generated files")
    run.add_argument(
        "--stages",
        type=harness.parse_stages,
        default=list(harness.DEFAULT_STAGES),
        help=f"comma-separated subset of {','.join(harness.STAGES)} (default: all but dashboard); "
        "without ingest, the earlier run's database is reused",
    )
    run.add_argument("--into", type=Path, help="an earlier result file of this size to add the figures to")
    report = sub.add_parser("report", help="print a Markdown table of result files side by side (for bench/RESULTS.md)")
    report.add_argument("files", nargs="+", type=Path)
    soaking = sub.add_parser("soak", help="steady mixed reads and writes for a while: errors, latency per kind, memory over time")
    soaking.add_argument("--minutes", type=float, default=10.0)
    soaking.add_argument("--rate", type=float, default=20.0, help="operations per second offered")
    soaking.add_argument("--seed-events", type=int, default=10_000, help="size of the ledger loaded first")
    soaking.add_argument("--clients", type=int, default=16, help="client threads sharing the schedule")
    soaking.add_argument(
        "--fixed-size",
        action="store_true",
        help="writes only replay seeded events: the ledger stays as loaded",
    )
    args = parser.parse_args()
    if args.command == "soak":
        figures = soak.soak(args.minutes, rate=args.rate, seed_events=args.seed_events, clients=args.clients, fixed_size=args.fixed_size)
        if figures["errors"] or not figures["verify_ok"]:
            raise SystemExit(f"{figures['errors']} errors; verify: {figures['verify']}")
        return
    if args.command == "report":
        documents = [json.loads(f.read_text(encoding="utf-8")) for f in args.files]
        # bench/results/*.json holds soak results too; they have their own table (soak.table).
        print(harness.markdown([d for d in documents if d.get("kind") != "soak"]))
        return
    results = harness.run(args.size, keep=args.keep, stages=args.stages, into=args.into)
    if "baseline" in results and not results["baseline"]["agree"]:
        raise SystemExit("the baseline disagrees with loopledger: " + "; ".join(results["baseline"]["disagreements"]))


if __name__ == "__main__":
    main()
