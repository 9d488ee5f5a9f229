"""`python -m bench run --size 10k|100k|1m [--keep]` and `python -m bench report FILE...`: see bench/harness.py."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from bench import harness


def main() -> None:
    parser = argparse.ArgumentParser(
        prog="python -m bench", description=harness.__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="start the stack, load a synthetic ledger, measure, compare with the baseline")
    run.add_argument("--size", choices=sorted(harness.SIZES), default="10k")
    run.add_argument("--keep", action="store_true", help="keep the generated files")
    report = sub.add_parser("report", help="print a Markdown table of result files side by side (for bench/RESULTS.md)")
    report.add_argument("files", nargs="+", type=Path)
    args = parser.parse_args()
    if args.command == "report":
        print(harness.markdown([json.loads(f.read_text(encoding="utf-8")) for f in args.files]))
        return
    results = harness.run(args.size, keep=args.keep)
    if not results["baseline"]["agree"]:
        raise SystemExit("the baseline disagrees with loopledger: " + "; ".join(results["baseline"]["disagreements"]))


if __name__ == "__main__":
    main()
