"""Synthetic Crunchbase bulk exports, clean or ragged like real ones.

A real export (36k companies, 32.6k rounds, 80k investments, 19k acquisitions) lacks a country
for more than half of its companies, founding dates for many, amounts for a third of its rounds,
locations for half of its investors, and repeats rows. `generate(..., gaps=True)` writes those
gaps in about those proportions, plus a few rows that cannot become an event at all (no date,
a firm acquiring itself), and returns how many of those it wrote, so a test can tell what an
importer must keep from what it may reject.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

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
COUNTRIES = [
    ("USA", ["CA", "MA", "NY", "TX", "WA", "MD", "VA"]),
    ("GBR", []),
    ("DEU", []),
    ("KOR", []),
    ("ISR", []),
    ("FRA", []),
    ("JPN", []),
]
ROUNDS = ["pre_seed", "seed", "angel", "series_a", "series_b", "series_c", "series_d", "venture", "debt_financing", "grant"]
TITLES = ["Co-Founder & CEO", "Founder", "CTO", "VP Sales", "Engineer", "Board Member", "Advisor"]
JOB_TYPES = ["executive", "executive", "executive", "executive", "employee", "board_member", "advisor"]


@dataclass
class Written:
    """Rows written per file, and per file the rows that no event can be made from."""

    rows: Counter[str] = field(default_factory=Counter)
    unrepresentable: Counter[str] = field(default_factory=Counter)
    duplicates: Counter[str] = field(default_factory=Counter)

    @property
    def total(self) -> int:
        return sum(self.rows.values())


def _day(rng: random.Random, start: dt.date, days: int) -> dt.date:
    return start + dt.timedelta(days=rng.randrange(max(days, 1)))


@contextmanager
def _csv(directory: Path, name: str, header: Sequence[str], written: Written) -> Iterator[Any]:
    with (directory / name).open("w", newline="", encoding="utf-8") as stream:
        out = csv.writer(stream)
        out.writerow(header)

        class _Rows:
            def row(self, values: Sequence[Any], *, unrepresentable: bool = False, duplicate: bool = False) -> None:
                out.writerow(["" if v is None else v for v in values])
                written.rows[name] += 1
                written.unrepresentable[name] += unrepresentable
                written.duplicates[name] += duplicate

        yield _Rows()


def generate(directory: Path, rows: int, *, seed: int = 7, gaps: bool = False) -> Written:
    """Write an export of about `rows` data rows into `directory`; with `gaps`, ragged like a real one."""
    rng = random.Random(seed)
    n = {name: max(1, int(rows * share)) for name, share in SHARES.items()}
    n["investments.csv"] += rows - sum(n.values())
    directory.mkdir(parents=True, exist_ok=True)
    written = Written()

    def gap(share: float) -> bool:
        return gaps and rng.random() < share

    orgs = [f"org-{i:07d}" for i in range(n["organizations.csv"])]
    investor_orgs = set(orgs[: max(1, len(orgs) // 20)])
    founded: dict[str, dt.date] = {}  # every company, dated even when the export leaves the date out
    closed: dict[str, dt.date] = {}
    dated: set[str] = set()  # firms the export dates somehow (founded_on, a round, an exit, a closure)
    org_rows: list[list[Any]] = []
    header = ["uuid", "name", "primary_role", "status", "founded_on", "closed_on", "country_code", "state_code", "city", "category_list"]
    with _csv(directory, "organizations.csv", header, written) as out:
        for i, org in enumerate(orgs):
            country, states = rng.choice(COUNTRIES)
            on = _day(rng, dt.date(1995, 1, 1), 8000)
            company = org not in investor_orgs
            if company:
                founded[org] = on
            # Closures come late, after every round and exit the generator dates for the firm.
            if company and rng.random() < 0.03:
                closed[org] = on + dt.timedelta(days=4000 + rng.randrange(500))
            located = not gap(0.55)
            undated = gap(0.2)
            if company and (not undated or org in closed):
                dated.add(org)
            values = [
                org,
                f"Org {i}",
                "company" if company else "investor",
                "closed" if org in closed else "operating",
                None if undated else on,
                closed.get(org),
                (country if rng.random() > 0.02 else "ZZZ") if located else None,  # an unknown code now and then
                rng.choice(states) if states and located else None,
                f"City {i % 50}" if located else None,
                "Biotechnology,Software",
            ]
            out.row(values)
            org_rows.append(values)
        for values in rng.sample(org_rows, int(len(org_rows) * 0.02)) if gaps else ():
            out.row(values, duplicate=True)
    companies = sorted(founded)

    people = [f"person-{i:07d}" for i in range(n["people.csv"])]
    with _csv(directory, "people.csv", ["uuid", "name", "first_name", "last_name", "country_code", "state_code", "city"], written) as out:
        for i, p in enumerate(people):
            nameless = gap(0.05)
            out.row([p, None if nameless else f"Person {i}", None, None, *((None,) * 3 if gap(0.6) else ("USA", "CA", "Palo Alto"))])

    funds = [f"fund-{i:06d}" for i in range(n["investors.csv"])]
    header = ["uuid", "name", "type", "investor_types", "country_code", "state_code", "city"]
    with _csv(directory, "investors.csv", header, written) as out:
        for i, f in enumerate(funds):
            out.row([f, f"Fund {i}", "organization", "venture_capital", *((None,) * 3 if gap(0.5) else ("USA", "CA", "Menlo Park"))])

    header = ["uuid", "org_uuid", "org_name", "investment_type", "announced_on", "raised_amount_usd", "raised_amount"]
    header += ["raised_amount_currency_code", "post_money_valuation_usd"]
    rounds: dict[str, bool] = {}  # round -> dated (an undated one cannot be an event, nor its investments)
    with _csv(directory, "funding_rounds.csv", header, written) as out:
        for i in range(n["funding_rounds.csv"]):
            r = f"round-{i:07d}"
            if gap(0.03):  # a firm the organization files do not describe, named or not
                org, name, on = f"ghost-{i:07d}", None if rng.random() < 0.5 else f"Ghost {i}", _day(rng, dt.date(2005, 1, 1), 5000)
            else:
                org, name = rng.choice(companies), None
                on = _day(rng, founded[org], 1800)
            is_dated = not gap(0.02)
            rounds[r] = is_dated
            if is_dated:
                dated.add(org)
            amount: Any = rng.randrange(1, 500) * 100_000
            if gap(0.35):
                amount = None
            elif gap(0.03):
                amount = "n/a"
            out.row(
                [r, org, name, rng.choice(ROUNDS), on if is_dated else None, amount, amount, "USD" if amount else None, None],
                unrepresentable=not is_dated,
            )

    header = ["uuid", "funding_round_uuid", "investor_uuid", "investor_type", "is_lead_investor", "investor_name"]
    pool = [(x, "organization") for x in [*funds, *sorted(investor_orgs)]] + [(p, "person") for p in people[: len(people) // 3]]
    round_ids = sorted(rounds)
    with _csv(directory, "investments.csv", header, written) as out:
        seen: set[tuple[str, str]] = set()
        done: list[list[Any]] = []
        for i in range(n["investments.csv"]):
            investor, kind = rng.choice(pool)
            r = rng.choice(round_ids)
            stranger = gap(0.04)
            if stranger:  # an investor no other file describes (the row describes it: kept even if its round is not)
                investor, kind = f"stranger-{i:07d}", "organization"
            if (r, investor) in seen:
                continue  # the same investor twice in one round with other ids is a clash, not a gap
            seen.add((r, investor))
            values = [f"inv-{i:07d}", r, investor, kind, "true" if rng.random() < 0.3 else "false", None if gap(0.5) else "Name"]
            out.row(values, unrepresentable=not rounds[r] and not stranger)
            done.append(values)
        for values in rng.sample(done, int(len(done) * 0.03)) if gaps else ():
            out.row(values, duplicate=True)  # collapsed into the first, whatever becomes of that

    header = ["uuid", "acquiree_uuid", "acquirer_uuid", "acquired_on", "price_usd"]
    with _csv(directory, "acquisitions.csv", header, written) as out:
        for i, org in enumerate(rng.sample(companies, min(len(companies), n["acquisitions.csv"]))):
            buyer = rng.choice(companies)
            itself = buyer == org or gap(0.01)
            on = founded[org] + dt.timedelta(days=1900 + rng.randrange(100))
            is_dated = not gap(0.02)
            if is_dated and not itself:
                dated.add(org)
            price = None if gap(0.5) else rng.randrange(10, 900) * 1_000_000
            buyer = org if itself else buyer
            # A buyer that closed before the deal cannot act any more (the ledger's lifecycle rule).
            gone = buyer in closed and closed[buyer] < on
            out.row([f"acq-{i:07d}", org, buyer, on if is_dated else None, price], unrepresentable=itself or not is_dated or gone)

    header = ["uuid", "org_uuid", "went_public_on", "stock_exchange_symbol", "money_raised_usd", "valuation_price_usd"]
    with _csv(directory, "ipos.csv", header, written) as out:
        for i, org in enumerate(rng.sample(companies, min(len(companies), n["ipos.csv"]))):
            on = founded[org] + dt.timedelta(days=1850 + rng.randrange(40))
            dated.add(org)
            out.row([f"ipo-{i:07d}", org, on, "nasdaq", None if gap(0.5) else rng.randrange(50, 500) * 10**6, None if gap(0.5) else 10**9])

    header = ["uuid", "person_uuid", "org_uuid", "title", "job_type", "started_on", "ended_on"]
    with _csv(directory, "jobs.csv", header, written) as out:
        for i in range(n["jobs.csv"]):
            org = rng.choice(companies)
            t = rng.randrange(len(TITLES))
            on = founded[org] if t < 2 else _day(rng, founded[org], 1500)
            undated = gap(0.1)
            # A founder's job without a date takes the firm's founding date; any other job needs one.
            lost = undated and (t >= 2 or org not in dated)
            out.row([f"job-{i:07d}", rng.choice(people), org, TITLES[t], JOB_TYPES[t], None if undated else on, None], unrepresentable=lost)
    return written
