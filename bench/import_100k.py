"""Generate a synthetic Crunchbase bulk export of ROWS data rows and time its import.

    .venv/bin/python bench/import_100k.py [--rows 100000] [--database-url URL] [--keep DIR]

Not part of the test suite (it takes a while); the figure goes into the issue note. Without
--database-url a fresh, migrated SQLite file in a temporary directory is used.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, TextIO

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ledger import migrate  # noqa: E402
from ledger.db import create_db_engine, make_session_factory  # noqa: E402
from ledger.importers.crunchbase import import_crunchbase  # noqa: E402
from ledger.importers.progress import Progress  # noqa: E402

# Share of the rows per file (about what a real bulk export looks like, minus descriptions).
SHARES = {
    "organizations.csv": 0.16,
    "people.csv": 0.10,
    "investors.csv": 0.02,
    "funding_rounds.csv": 0.24,
    "investments.csv": 0.36,
    "acquisitions.csv": 0.03,
    "ipos.csv": 0.01,
    "jobs.csv": 0.08,
}
COUNTRIES = [("USA", ["CA", "MA", "NY", "TX", "WA"]), ("GBR", []), ("DEU", []), ("KOR", []), ("ISR", []), ("FRA", []), ("JPN", [])]
ROUNDS = ["pre_seed", "seed", "angel", "series_a", "series_b", "series_c", "series_d", "venture", "debt_financing", "grant"]
TITLES = ["Co-Founder & CEO", "Founder", "CTO", "VP Sales", "Engineer", "Board Member", "Advisor"]
JOB_TYPES = ["executive", "executive", "executive", "executive", "employee", "board_member", "advisor"]


def _day(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randrange(max((end - start).days, 1)))


def generate(directory: Path, rows: int, seed: int = 7) -> dict[str, int]:
    rng = random.Random(seed)
    n = {name: max(1, int(rows * share)) for name, share in SHARES.items()}
    n["investments.csv"] += rows - sum(n.values())  # exact total
    directory.mkdir(parents=True, exist_ok=True)
    founded: dict[str, dt.date] = {}

    def writer(name: str, header: list[str]) -> tuple[Any, TextIO]:
        stream = (directory / name).open("w", newline="", encoding="utf-8")
        out = csv.writer(stream)
        out.writerow(header)
        return out, stream

    w, s = writer(
        "organizations.csv",
        ["uuid", "name", "primary_role", "status", "founded_on", "closed_on", "country_code", "state_code", "city", "category_list"],
    )
    orgs = [f"org-{i:07d}" for i in range(n["organizations.csv"])]
    investor_orgs = orgs[: len(orgs) // 20]
    for i, org in enumerate(orgs):
        country, states = rng.choice(COUNTRIES)
        on = _day(rng, dt.date(1995, 1, 1), dt.date(2018, 1, 1))
        role = "investor" if org in investor_orgs else "company"
        if role == "company":
            founded[org] = on
        closed = rng.random() < 0.03 and role == "company"
        closed_on = _day(rng, on + dt.timedelta(days=2000), on + dt.timedelta(days=4000)) if closed else None
        w.writerow(
            [
                org,
                f"Org {i}",
                role,
                "closed" if closed else "operating",
                on if rng.random() < 0.9 else "",
                closed_on or "",
                country,
                rng.choice(states) if states else "",
                f"City {i % 50}",
                "Biotechnology,Software",
            ]
        )
    s.close()  # type: ignore[attr-defined]

    w, s = writer("people.csv", ["uuid", "name", "first_name", "last_name", "country_code", "state_code", "city"])
    people = [f"person-{i:07d}" for i in range(n["people.csv"])]
    for i, p in enumerate(people):
        w.writerow([p, f"Person {i}", "Person", str(i), "USA", "CA", "Palo Alto"])
    s.close()  # type: ignore[attr-defined]

    w, s = writer("investors.csv", ["uuid", "name", "type", "investor_types", "country_code", "state_code", "city"])
    funds = [f"fund-{i:06d}" for i in range(n["investors.csv"])]
    for i, f in enumerate(funds):
        w.writerow([f, f"Fund {i}", "organization", "venture_capital", "USA", "CA", "Menlo Park"])
    s.close()  # type: ignore[attr-defined]

    companies = [o for o in orgs if o in founded]
    w, s = writer(
        "funding_rounds.csv",
        [
            "uuid",
            "org_uuid",
            "investment_type",
            "announced_on",
            "raised_amount_usd",
            "raised_amount",
            "raised_amount_currency_code",
            "post_money_valuation_usd",
        ],
    )
    rounds = [f"round-{i:07d}" for i in range(n["funding_rounds.csv"])]
    for r in rounds:
        org = rng.choice(companies)
        on = _day(rng, founded[org], founded[org] + dt.timedelta(days=1800))
        amount = rng.randrange(1, 500) * 100_000
        w.writerow([r, org, rng.choice(ROUNDS), on, amount, amount, "USD", amount * 4 if rng.random() < 0.2 else ""])
    s.close()  # type: ignore[attr-defined]

    w, s = writer("investments.csv", ["uuid", "funding_round_uuid", "investor_uuid", "investor_type", "is_lead_investor"])
    pool = [(x, "organization") for x in funds + investor_orgs] + [(p, "person") for p in people[: len(people) // 3]]
    for i in range(n["investments.csv"]):
        investor, kind = rng.choice(pool)
        w.writerow([f"inv-{i:07d}", rng.choice(rounds), investor, kind, "true" if rng.random() < 0.3 else "false"])
    s.close()  # type: ignore[attr-defined]

    w, s = writer("acquisitions.csv", ["uuid", "acquiree_uuid", "acquirer_uuid", "acquired_on", "price_usd"])
    targets = rng.sample(companies, min(len(companies), n["acquisitions.csv"]))
    for i, org in enumerate(targets):
        buyer = rng.choice(companies)
        while buyer == org:
            buyer = rng.choice(companies)
        on = _day(rng, founded[org] + dt.timedelta(days=1900), founded[org] + dt.timedelta(days=2000))
        w.writerow([f"acq-{i:07d}", org, buyer, on, rng.randrange(10, 900) * 1_000_000])
    s.close()  # type: ignore[attr-defined]

    w, s = writer("ipos.csv", ["uuid", "org_uuid", "went_public_on", "stock_exchange_symbol", "money_raised_usd", "valuation_price_usd"])
    for i, org in enumerate(rng.sample(companies, min(len(companies), n["ipos.csv"]))):
        on = _day(rng, founded[org] + dt.timedelta(days=1850), founded[org] + dt.timedelta(days=1890))
        w.writerow([f"ipo-{i:07d}", org, on, "nasdaq", rng.randrange(50, 500) * 1_000_000, rng.randrange(500, 5000) * 1_000_000])
    s.close()  # type: ignore[attr-defined]

    w, s = writer("jobs.csv", ["uuid", "person_uuid", "org_uuid", "title", "job_type", "started_on", "ended_on"])
    for i in range(n["jobs.csv"]):
        org = rng.choice(companies)
        t = rng.randrange(len(TITLES))
        on = founded[org] if t < 2 else _day(rng, founded[org], founded[org] + dt.timedelta(days=1500))
        w.writerow([f"job-{i:07d}", rng.choice(people), org, TITLES[t], JOB_TYPES[t], on, ""])
    s.close()  # type: ignore[attr-defined]
    return n


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--keep", type=Path, default=None, help="write the export here and keep it")
    parser.add_argument("--batch-size", type=int, default=2000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="loopledger-bench-") as tmp:
        export = args.keep or Path(tmp) / "export"
        counts = generate(export, args.rows)
        print(f"generated {sum(counts.values())} rows in {export}: {counts}")
        url = args.database_url or f"sqlite:///{Path(tmp) / 'bench.db'}"
        engine = create_db_engine(url)
        migrate.upgrade(engine)
        factory = make_session_factory(engine)
        last = [0.0]

        def report(p: Progress) -> None:
            if time.monotonic() - last[0] > 5 or p.done == p.total:
                last[0] = time.monotonic()
                print(f"  {p.stage}: {p.done}/{p.total} ({p.per_second:,.0f}/s)", flush=True)

        summary = import_crunchbase(factory, export, rejects_path=Path(tmp) / "rejects.csv", progress=report)
        print(summary.as_dict())
        print(
            f"{summary.total_rows} rows -> {summary.new} new events in {summary.seconds:.1f} s: "
            f"{summary.total_rows / summary.seconds:,.0f} rows/s"
        )
        again = import_crunchbase(factory, export)
        print(f"re-import: {again.new} new, {again.duplicates} already there, {again.seconds:.1f} s")
        engine.dispose()


if __name__ == "__main__":
    main()
