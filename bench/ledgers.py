"""Seeded, valid synthetic ledgers of any size, shaped like real venture histories.

Several regions (Daejeon, Seoul, Osong/Ochang, the BHCR states, Boston, Cambridge UK, Medicon
Valley across two countries); power-law activity (a few investors are in most rounds, a few
firms raise most of the money, a few exit big); busy investors with many exits and many later
investments (the hop-dense case); serial founders; funds raised from exited founders and listed
firms; listed firms investing; relocations, closures, headcounts, licensing deals, FX rates in
four currencies; retractions of mistakes. Events come in date order (what a live feed looks
like), with a few recorded late (a retraction after its target, an exit back-filled).

    python -m bench.ledgers --events 100000 --out ledger.jsonl

The document for `loopledger load` or `POST /v1/events/batch` is `{"regions": ..., "events": [...]}`;
the JSON Lines form (one event per line, then `regions.json` beside it) suits
`loopledger import events`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import random
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

NAMESPACE = uuid.UUID("0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0")

REGIONS: dict[str, dict[str, Any]] = {
    "daejeon": {"name": "Daejeon", "members": [{"country": "KR", "subdivision": "KR-30"}]},
    "seoul": {"name": "Seoul", "members": [{"country": "KR", "subdivision": "KR-11"}]},
    "osong": {"name": "Osong/Ochang (Chungbuk)", "members": [{"country": "KR", "subdivision": "KR-43"}]},
    "bhcr": {
        "name": "BioHealth Capital Region",
        "members": [{"country": "US", "subdivision": s} for s in ("US-MD", "US-VA", "US-DC")],
    },
    "boston": {"name": "Boston/Cambridge", "members": [{"country": "US", "subdivision": "US-MA"}]},
    "cambridge-uk": {"name": "Cambridge (UK)", "members": [{"country": "GB", "city": "Cambridge"}]},
    "medicon": {
        "name": "Medicon Valley",
        "members": [{"country": "DK", "subdivision": "DK-84"}, {"country": "SE", "subdivision": "SE-M"}],
    },
}
# Where firms and investors are, with weights, and the currency they report in.
PLACES: list[tuple[dict[str, str], float, str]] = [
    ({"country": "KR", "subdivision": "KR-30", "city": "Daejeon"}, 0.10, "KRW"),
    ({"country": "KR", "subdivision": "KR-11", "city": "Seoul"}, 0.14, "KRW"),
    ({"country": "KR", "subdivision": "KR-43", "city": "Cheongju"}, 0.04, "KRW"),
    ({"country": "US", "subdivision": "US-MD", "city": "Rockville"}, 0.10, "USD"),
    ({"country": "US", "subdivision": "US-VA", "city": "Arlington"}, 0.04, "USD"),
    ({"country": "US", "subdivision": "US-MA", "city": "Cambridge"}, 0.16, "USD"),
    ({"country": "US", "subdivision": "US-CA", "city": "South San Francisco"}, 0.14, "USD"),
    ({"country": "GB", "city": "Cambridge"}, 0.08, "GBP"),
    ({"country": "GB", "city": "London"}, 0.05, "GBP"),
    ({"country": "DK", "subdivision": "DK-84", "city": "Copenhagen"}, 0.06, "DKK"),
    ({"country": "SE", "subdivision": "SE-M", "city": "Lund"}, 0.04, "SEK"),
]
USD_PER_UNIT = {"KRW": 0.00085, "GBP": 1.3, "DKK": 0.15, "SEK": 0.11}
ROUND_KINDS = ["seed", "series_a", "series_b", "series_c", "series_d", "growth"]
FIRST_YEAR, LAST_YEAR = 1985, 2025
SOURCE = "illustrative: bench/ledgers.py synthetic ledger"


@dataclass
class Firm:
    id: str
    place: int
    founded: dt.date
    founders: list[str]
    rounds: int = 0
    investors: set[str] = field(default_factory=set)
    exited: dt.date | None = None
    listed: dt.date | None = None
    closed: dt.date | None = None
    last: dt.date | None = None  # latest event date so far


class Generator:
    def __init__(self, events: int, seed: int) -> None:
        self.rng = random.Random(seed)
        self.target = events
        self.out: list[tuple[dt.date, int, dict[str, Any]]] = []  # (date, phase, event)
        self.count = 0
        # Scale: about one firm per 5.5 events; investors and people follow.
        self.n_firms = max(20, events * 2 // 11)
        self.n_investors = max(5, events // 50)
        self.firms: list[Firm] = []
        self.liquid: list[tuple[str, dt.date]] = []  # people and investors with exit money, and when
        self.listed: list[tuple[str, dt.date]] = []
        self.objects: dict[str, dict[str, Any]] = {}  # how each actor registers on first use
        self.funds: list[tuple[str, int]] = []  # fund id, place

    # ---- helpers ----------------------------------------------------------------------------------

    def _id(self, *parts: object) -> str:
        return str(uuid.uuid5(NAMESPACE, "/".join(map(str, parts))))

    def emit(self, kind: str, on: dt.date, data: dict[str, Any], phase: int = 2) -> str:
        self.count += 1
        event_id = self._id("event", self.count)
        self.out.append((on, phase, {"event_id": event_id, "type": kind, "occurred_on": on.isoformat(), "source": SOURCE, "data": data}))
        return event_id

    def place(self) -> int:
        return self.rng.choices(range(len(PLACES)), weights=[w for _, w, _ in PLACES])[0]

    def zipf(self, n: int, s: float = 0.8) -> int:
        """An index in [0, n) drawn with probability ~ 1/(i+1)^s: a few are drawn most of the time."""
        u = self.rng.random()
        # Inverse of the continuous approximation of the Zipf CDF.
        if s == 1.0:
            return min(n - 1, int(math.exp(u * math.log(n + 1)) - 1))
        top = (n + 1) ** (1 - s)
        return min(n - 1, int((1 + u * (top - 1)) ** (1 / (1 - s)) - 1))

    def active_investor(self, year: int) -> int:
        """A venture investor active that year: each has an era of about a decade (funds are
        raised, invested and wound down), and within an era a few are in most rounds."""
        era = max(5, self.n_investors // 4)
        start = int((year - FIRST_YEAR) * (self.n_investors - era) / (LAST_YEAR - FIRST_YEAR))
        return start + self.zipf(era)

    def recent_liquid(self) -> tuple[str, dt.date]:
        """Someone with exit money, mostly from recent exits (the busiest recyclers among them)."""
        return self.liquid[-1 - self.zipf(min(len(self.liquid), 3000))]

    def money(self, usd: float, place: int) -> dict[str, str]:
        currency = PLACES[place][2]
        if currency == "USD" or self.rng.random() < 0.3:
            return {"amount": str(int(usd)), "currency": "USD"}
        return {"amount": str(int(usd / USD_PER_UNIT[currency])), "currency": currency}

    def ref(self, actor_id: str, obj: dict[str, Any] | None = None) -> dict[str, Any]:
        """The inline object of an actor (its first description wins). Once the events are in
        date order, every use after the first becomes a bare id (see `compact`)."""
        return self.objects.setdefault(actor_id, obj or {"id": actor_id, "type": "person", "name": f"Person {actor_id}"})

    def person(self, pid: str, place: int | None = None) -> dict[str, Any]:
        obj: dict[str, Any] = {"id": pid, "type": "person", "name": f"Person {pid[2:]}"}
        if place is not None and self.rng.random() < 0.7:
            obj["location"] = PLACES[place][0]
        return self.ref(pid, obj)

    def investor(self, index: int) -> dict[str, Any]:
        iid = f"vc{index}"
        place = index % len(PLACES)
        return self.org(iid, f"Ventures {index}", "investor", PLACES[place][0])

    def org(self, oid: str, name: str, kind: str, location: dict[str, str]) -> dict[str, Any]:
        return self.ref(oid, {"id": oid, "name": name, "kind": kind, "location": location})

    def pharma(self) -> dict[str, Any]:
        number = self.rng.randrange(20)
        return self.org(f"pharma{number}", f"Pharma {number}", "corporation", {"country": "CH"})

    def day(self, year: int) -> dt.date:
        return dt.date(year, 1, 1) + dt.timedelta(days=self.rng.randrange(365))

    # ---- the simulation ---------------------------------------------------------------------------

    def run(self) -> list[dict[str, Any]]:
        years = LAST_YEAR - FIRST_YEAR + 1
        for currency, rate in USD_PER_UNIT.items():
            for year in range(FIRST_YEAR, LAST_YEAR + 1, 1):
                drift = 1 + 0.15 * math.sin(year / 3 + len(currency))
                self.emit("fx.rate", dt.date(year, 1, 1), {"currency": currency, "usd_per_unit": f"{rate * drift:.6f}"}, phase=0)
        for year in range(FIRST_YEAR, LAST_YEAR + 1):
            # More firms every year: a young cluster grows.
            share = (year - FIRST_YEAR + 1) / sum(range(1, years + 1))
            for _ in range(max(1, int(self.n_firms * share))):
                self.found(year)
            for firm in self.firms:
                if firm.closed is None and firm.exited is None and firm.founded.year < year:
                    self.year_of(firm, year)
            self.funds_raised(year)
            if self.count >= self.target:
                break
        events = [e for _, _, e in sorted(self.out, key=lambda x: (x[0], x[1]))]
        return compact(self.late_and_retracted(events)[: self.target])

    def found(self, year: int) -> None:
        index = len(self.firms)
        fid = f"f{index}"
        place = self.place()
        on = self.day(year)
        founders = []
        for k in range(self.rng.choice((1, 1, 2, 3))):
            # Serial founders: exited founders start again now and then.
            if self.liquid and self.rng.random() < 0.15:
                candidate = self.rng.choice(self.liquid)[0]
                if candidate.startswith("p-"):
                    founders.append(candidate)
                    continue
            founders.append(f"p-{index}-{k}")
        data: dict[str, Any] = {
            "firm": self.ref(fid, {"id": fid, "name": f"Firm {index}"}),
            "founders": [self.person(p, place) for p in founders],
            "sector": self.rng.choice(["biotech", "diagnostics", "medtech", "digital health"]),
        }
        if self.rng.random() > 0.04:  # some firms come without a location, as in real exports
            data["location"] = PLACES[place][0]
        if self.rng.random() < 0.3:
            lab = f"lab{place}"
            data["origins"] = [
                {
                    "org": self.org(lab, f"Institute {place}", "research_institute", PLACES[place][0]),
                    "relation": "spin_off",
                }
            ]
        self.emit("firm.founded", on, data, phase=1)
        self.firms.append(Firm(fid, place, on, founders, last=on))

    def year_of(self, firm: Firm, year: int) -> None:
        rng = self.rng
        on = max(self.day(year), (firm.last or firm.founded) + dt.timedelta(days=1))
        if on.year > LAST_YEAR:
            return
        # Power law: a firm's chance to raise shrinks with its rank.
        if rng.random() < 0.55 / (1 + int(firm.id[1:]) % 7 * 0.2):
            self.round(firm, on)
        roll = rng.random()
        age = year - firm.founded.year
        if age >= 4 and roll < 0.035:
            self.exit(firm, on, ipo=firm.listed is None and rng.random() < 0.35)
        elif age >= 3 and roll < 0.06 and firm.listed is None:  # a listed firm may invest: it never closes
            firm.closed = on
            self.emit("firm.closed", on, {"firm": firm.id, "reason": "ran out of money"}, phase=3)
        elif roll < 0.09:
            self.join(firm, on)
        elif roll < 0.10 and firm.listed is None:
            place = self.place()
            firm.place = place
            self.emit("firm.relocated", on, {"firm": firm.id, "location": PLACES[place][0]})
        elif roll < 0.13:
            self.emit("headcount.reported", on, {"firm": firm.id, "employees": int(rng.paretovariate(1.2) * 8)})
        elif roll < 0.145:
            self.emit(
                "license.deal",
                on,
                {
                    "licensor": firm.id,
                    "licensee": self.pharma(),
                    "upfront": self.money(rng.paretovariate(1.3) * 1e6, firm.place),
                },
            )
        firm.last = on

    def round(self, firm: Firm, on: dt.date) -> None:
        rng = self.rng
        firm.rounds += 1
        lines = []
        named: set[str] = set()
        for _ in range(rng.choice((1, 2, 2, 3, 4))):
            pick = rng.random()
            if pick < 0.65:
                index = self.active_investor(on.year)
                who, ref = f"vc{index}", self.investor(index)
            elif pick < 0.8 and self.liquid:  # an exited founder or investor: recycled money
                who = self.recent_liquid()[0]
                ref = self.ref(who)
            elif pick < 0.9 and self.funds:
                who = self.funds[self.zipf(len(self.funds))][0]
                ref = self.ref(who)
            elif self.listed:  # a listed firm investing in a younger one
                who = self.rng.choice(self.listed)[0]
                ref = self.ref(who)
            else:
                who = f"angel{rng.randrange(max(1, self.n_investors))}"
                ref = self.person(who, firm.place)
            if who in named or who == firm.id:
                continue
            named.add(who)
            line: dict[str, Any] = {"investor": ref}
            if rng.random() < 0.4:
                line["amount"] = self.money(rng.paretovariate(1.5) * 2e5, firm.place)
            lines.append(line)
            firm.investors.add(who)
        data: dict[str, Any] = {"firm": firm.id, "round": ROUND_KINDS[min(firm.rounds - 1, len(ROUND_KINDS) - 1)], "investors": lines}
        if rng.random() < 0.85:
            data["amount"] = self.money(rng.paretovariate(1.2) * 1e6 * firm.rounds, firm.place)
        self.emit("funding.round", on, data)

    def exit(self, firm: Firm, on: dt.date, *, ipo: bool) -> None:
        rng = self.rng
        value = self.money(rng.paretovariate(1.1) * 2e7, firm.place)
        if ipo:
            self.emit(
                "exit.ipo", on, {"firm": firm.id, "exchange": "KOSDAQ" if PLACES[firm.place][2] == "KRW" else "NASDAQ", "market_cap": value}
            )
            firm.listed = on
            self.listed.append((firm.id, on))
        else:
            data = {"firm": firm.id, "acquirer": self.pharma(), "price": value}
            self.emit("exit.acquisition", on, data)
            firm.exited = on
        for who in [*firm.founders, *sorted(firm.investors)]:
            self.liquid.append((who, on))

    def join(self, firm: Firm, on: dt.date) -> None:
        rng = self.rng
        if self.liquid and rng.random() < 0.6:
            who = self.recent_liquid()[0]
            if not who.startswith(("p-", "angel")):
                return
            role = rng.choice(["mentor", "advisor", "board"])
        else:
            who = f"p-staff-{firm.id}-{rng.randrange(50)}"
            role = rng.choice(["scientist", "executive", "employee", "founder"])
        self.emit("person.joined", on, {"person": self.person(who, firm.place), "org": firm.id, "role": role})

    def funds_raised(self, year: int) -> None:
        """Exited founders and listed firms put money into local funds, which then invest."""
        if len(self.liquid) < 10:
            return
        for _ in range(max(1, self.n_investors // 40)):
            if self.rng.random() < 0.5:
                continue
            place = self.place()
            fund = f"fund{len(self.funds)}"
            lps = {}
            for _ in range(self.rng.randrange(2, 8)):
                who = self.recent_liquid()[0]
                lps[who] = {"lp": self.ref(who), "commitment": self.money(self.rng.paretovariate(1.5) * 5e5, place)}
            if self.listed and self.rng.random() < 0.5:
                who = self.rng.choice(self.listed)[0]
                lps[who] = {"lp": self.ref(who), "commitment": self.money(2e6, place)}
            fund_ref = self.ref(fund, {"id": fund, "name": f"Fund {fund[4:]}", "kind": "investor", "location": PLACES[place][0]})
            self.emit("fund.raised", self.day(year), {"fund": fund_ref, "lps": list(lps.values())})
            self.funds.append((fund, place))

    def late_and_retracted(self, events: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """About 0.5% of rounds and joins are retracted a little later (a mistake corrected)."""
        out: list[dict[str, Any]] = []
        pending: list[tuple[int, dict[str, Any]]] = []
        for i, e in enumerate(events):
            out.append(e)
            if e["type"] in ("funding.round", "person.joined", "headcount.reported") and self.rng.random() < 0.005:
                retraction = {
                    "event_id": self._id("retraction", e["event_id"]),
                    "type": "event.retracted",
                    "occurred_on": e["occurred_on"],
                    "source": SOURCE,
                    "data": {"event_id": e["event_id"], "reason": "recorded in error"},
                }
                pending.append((i + self.rng.randrange(1, 200), retraction))
            while pending and pending[0][0] <= i:
                out.append(pending.pop(0)[1])
        out += [r for _, r in pending]
        return out


# Where each event type names actors: (path to a list or None, key of the reference).
_REFS: dict[str, tuple[tuple[str | None, str], ...]] = {
    "firm.founded": ((None, "firm"), ("founders", ""), ("origins", "org")),
    "funding.round": ((None, "firm"), ("investors", "investor")),
    "exit.acquisition": ((None, "firm"), (None, "acquirer")),
    "exit.ipo": ((None, "firm"),),
    "person.joined": ((None, "person"), (None, "org")),
    "fund.raised": ((None, "fund"), ("lps", "lp")),
    "license.deal": ((None, "licensor"), (None, "licensee")),
}


def compact(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """In recording order, the first reference to an actor stays the inline object that
    registers it; every later one becomes its bare id."""
    seen: set[str] = set()

    def one(ref: Any) -> Any:
        if isinstance(ref, str):
            return ref
        if ref["id"] in seen:
            return ref["id"]
        seen.add(ref["id"])
        return ref

    for e in events:
        d = e["data"]
        for path, key in _REFS.get(e["type"], ()):
            if path is None:
                d[key] = one(d[key])
            elif key:
                for item in d.get(path, []):
                    item[key] = one(item[key])
            else:
                d[path] = [one(r) for r in d.get(path, [])]
    return events


def generate(events: int, *, seed: int = 42) -> dict[str, Any]:
    """A document of about `events` valid events (exactly that many when the simulation reaches it)."""
    return {"regions": REGIONS, "events": Generator(events, seed).run()}


def write_jsonl(doc: dict[str, Any], path: Path) -> Path:
    """events.jsonl plus regions.json beside it (what `loopledger import events` reads)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as out:
        for event in doc["events"]:
            out.write(json.dumps(event, separators=(",", ":")) + "\n")
    regions = path.with_name("regions.json")
    regions.write_text(json.dumps(doc["regions"], indent=1), encoding="utf-8")
    return regions


def batches(doc: dict[str, Any], size: int = 1000) -> Iterator[list[dict[str, Any]]]:
    events = doc["events"]
    for start in range(0, len(events), size):
        yield events[start : start + size]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--out", type=Path, required=True, help="events.jsonl to write (regions.json goes beside it)")
    args = parser.parse_args()
    doc = generate(args.events, seed=args.seed)
    regions = write_jsonl(doc, args.out)
    kinds: dict[str, int] = {}
    for e in doc["events"]:
        kinds[e["type"]] = kinds.get(e["type"], 0) + 1
    print(f"{len(doc['events'])} events to {args.out} (regions: {regions}): {dict(sorted(kinds.items()))}")


if __name__ == "__main__":
    main()
