"""A deliberately naive reading of shared/spec/chains-and-metrics.md, for the property tests.

Everything here is written from the spec's sentences, pairwise and in memory, sharing no code
with the engine: it enumerates every liquidity event, every reinvestment and every hop, and
searches chains by listing every time-respecting chain. It is slow on purpose and only meant
for the small random ledgers of the tests. Where the spec leaves a choice open, the conventions
of docs/metrics.md are followed and named in a comment.

Input: the events the ledger accepted, as posted (envelope dicts), each with its `seq`.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

Loc = tuple[str, str | None, str | None]
MENTOR_ROLES = {"mentor", "advisor", "board"}


def add_years(day: dt.date, years: int) -> dt.date:
    if day.month == 2 and day.day == 29:
        try:
            return dt.date(day.year + years, 2, 29)
        except ValueError:
            return dt.date(day.year + years, 2, 28)
    return dt.date(day.year + years, day.month, day.day)


def within(t: dt.date, t2: dt.date, w: int) -> bool:
    """t < t2 <= t plus W calendar years."""
    return t < t2 <= add_years(t, w)


def _ref(value: Any) -> str:
    return value if isinstance(value, str) else str(value["id"])


def _date(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


@dataclass(frozen=True)
class Hop:
    source: str
    target: str
    via: str
    kind: str
    liquidity_on: dt.date
    on: dt.date
    amount: Decimal | None
    listed: bool


@dataclass
class Actor:
    id: str
    type: str | None
    kind: str | None
    location: Loc | None


class Oracle:
    """The ledger as of `as_of_seq` (None: everything): events recorded by then, minus those a
    retraction recorded by then undid."""

    def __init__(self, events: Sequence[dict[str, Any]], *, as_of_seq: int | None = None) -> None:
        known = [e for e in events if as_of_seq is None or e["seq"] <= as_of_seq]
        retracted = {e["data"]["event_id"] for e in known if e["type"] == "event.retracted"}
        self.seq = max((e["seq"] for e in known), default=0)
        self.events = [e for e in known if e["type"] != "event.retracted" and e["event_id"] not in retracted]
        self.actors = self._actors(known, retracted)
        self.fx = self._fx()
        self._load()

    # ---- actors ------------------------------------------------------------------------------------

    @staticmethod
    def _actors(known: Sequence[dict[str, Any]], retracted: set[str]) -> dict[str, Actor]:
        """An actor is what its first registration said: an explicit actor.registered (gone when
        retracted) or an inline object in any event (which stays, retracted or not)."""
        actors: dict[str, Actor] = {}

        def register(obj: dict[str, Any], type_: str | None = None, kind: str | None = None) -> None:
            if obj["id"] in actors:
                return
            loc = obj.get("location")
            location = None if loc is None else (loc["country"], loc.get("subdivision"), loc.get("city"))
            kind = obj.get("kind") or kind
            type_ = obj.get("type") or type_ or ("organization" if kind else None)
            actors[obj["id"]] = Actor(obj["id"], type_, kind, location)

        for e in known:
            if e["type"] == "actor.registered":
                if e["event_id"] not in retracted:
                    register(e["data"])
                continue
            for obj, type_, kind in _inline(e):
                register(obj, type_, kind)
        return actors

    # ---- facts -------------------------------------------------------------------------------------

    def _fx(self) -> dict[str, list[tuple[dt.date, int, Decimal]]]:
        rates: dict[str, list[tuple[dt.date, int, Decimal]]] = defaultdict(list)
        for e in self.events:
            if e["type"] == "fx.rate":
                rates[e["data"]["currency"]].append((_date(e["occurred_on"]), e["seq"], Decimal(str(e["data"]["usd_per_unit"]))))
        return rates

    def usd(self, money: dict[str, Any] | None, on: dt.date) -> Decimal | None:
        if money is None:
            return None
        if money.get("usd") is not None:
            return Decimal(str(money["usd"]))
        if money["currency"] == "USD":
            return Decimal(str(money["amount"]))
        rates = [(d, s, r) for d, s, r in self.fx.get(money["currency"], []) if d <= on]
        return None if not rates else Decimal(str(money["amount"])) * max(rates)[2]

    def _load(self) -> None:
        self.foundings: dict[str, tuple[dt.date, Loc | None, int]] = {}  # firm -> (on, location, seq)
        self.relocations: dict[str, list[tuple[dt.date, int, Loc]]] = defaultdict(list)
        self.founders: list[tuple[str, str, dt.date]] = []  # (firm, person, since)
        self.origins: dict[str, list[str]] = defaultdict(list)
        self.joins: list[tuple[str, str, str, dt.date]] = []  # (person, org, role, on)
        self.rounds: list[dict[str, Any]] = []
        self.exits: list[dict[str, Any]] = []
        self.raises: list[dict[str, Any]] = []
        self.closures: dict[str, dt.date] = {}
        self.headcounts: dict[str, list[tuple[dt.date, int, int]]] = defaultdict(list)
        self.deals: list[dict[str, Any]] = []
        for e in sorted(self.events, key=lambda e: e["seq"]):
            d, on, kind = e["data"], _date(e["occurred_on"]), e["type"]
            if kind == "firm.founded":
                firm = _ref(d["firm"])
                loc = d.get("location")
                # Convention (docs/metrics.md): a founding without a location takes the firm's
                # registered one, if any.
                registered = self.actors[firm].location if firm in self.actors else None
                location = (loc["country"], loc.get("subdivision"), loc.get("city")) if loc else registered
                self.foundings[firm] = (on, location, e["seq"])
                self.founders += [(firm, _ref(f), on) for f in d.get("founders", [])]
                self.origins[firm] += [_ref(o["org"]) for o in d.get("origins", [])]
            elif kind == "firm.relocated":
                loc = d["location"]
                self.relocations[_ref(d["firm"])].append((on, e["seq"], (loc["country"], loc.get("subdivision"), loc.get("city"))))
            elif kind == "person.joined":
                person, org = _ref(d["person"]), _ref(d["org"])
                self.joins.append((person, org, d["role"], on))
                if d["role"] == "founder":
                    self.founders.append((org, person, on))
            elif kind == "funding.round":
                self.rounds.append({"seq": e["seq"], "firm": _ref(d["firm"]), "on": on, "data": d})
            elif kind in ("exit.ipo", "exit.acquisition"):
                proceeds = d.get("proceeds")
                value = d.get("market_cap") if kind == "exit.ipo" else d.get("price")
                self.exits.append(
                    {
                        "seq": e["seq"],
                        "firm": _ref(d["firm"]),
                        "on": on,
                        "kind": kind,
                        "proceeds": None if proceeds is None else [_ref(p["actor"]) for p in proceeds],
                        "value": value,
                    }
                )
            elif kind == "fund.raised":
                self.raises.append({"seq": e["seq"], "fund": _ref(d["fund"]), "on": on, "lps": d.get("lps", [])})
            elif kind == "firm.closed":
                firm = _ref(d["firm"])
                self.closures[firm] = min(on, self.closures.get(firm, on))
            elif kind == "headcount.reported":
                self.headcounts[_ref(d["firm"])].append((on, e["seq"], d["employees"]))
            elif kind == "license.deal":
                self.deals.append({"licensor": _ref(d["licensor"]), "on": on, "data": d})

    # ---- building blocks ---------------------------------------------------------------------------

    def location_on(self, actor: str, day: dt.date) -> Loc | None:
        """A firm: its founding location, replaced by each relocation dated <= day (nothing before
        its founding). Any other actor: where it was registered."""
        if actor in self.foundings:
            on, location, seq = self.foundings[actor]
            if on > day:
                return None
            best = (on, seq, location)
            for moved in self.relocations.get(actor, []):
                if moved[0] <= day and moved[:2] > best[:2]:
                    best = moved
            return best[2]
        found = self.actors.get(actor)
        return None if found is None else found.location

    def attributed(self, r: dict[str, Any]) -> list[tuple[str, Decimal | None]]:
        """(investor, attributed_usd) per investor line: its own amount, else an equal share of
        what the given amounts leave of the round amount (floored at 0). Unknown when a USD value
        it depends on is unknown."""
        lines = r["data"].get("investors", [])
        total = self.usd(r["data"].get("amount"), r["on"])
        given = [self.usd(i.get("amount"), r["on"]) for i in lines if i.get("amount") is not None]
        without = [i for i in lines if i.get("amount") is None]
        share = None
        if without and total is not None and all(g is not None for g in given):
            share = max(total - sum((g for g in given if g is not None), Decimal(0)), Decimal(0)) / len(without)
        return [(_ref(i["investor"]), self.usd(i["amount"], r["on"]) if i.get("amount") is not None else share) for i in lines]

    def invested(self, r: dict[str, Any]) -> dict[str, Decimal | None]:
        """Convention: an investor named twice in a round made one investment of the sum."""
        out: dict[str, Decimal | None] = {}
        for investor, usd in self.attributed(r):
            if investor in out:
                before = out[investor]
                out[investor] = None if before is None or usd is None else before + usd
            else:
                out[investor] = usd
        return out

    def participants(self, x: dict[str, Any]) -> set[str]:
        if x["proceeds"] is not None:
            return set(x["proceeds"])
        founders = {p for firm, p, since in self.founders if firm == x["firm"] and since <= x["on"]}
        investors = {i for r in self.rounds if r["firm"] == x["firm"] and r["on"] <= x["on"] for i in self.invested(r)}
        return founders | investors

    def liquidity(self) -> dict[tuple[str, str], dt.date]:
        """(X, F) -> t: the earliest exit of F with X among its participants. A firm in its own
        exit is not its own liquidity actor (the listed-firm rule covers it)."""
        out: dict[tuple[str, str], dt.date] = {}
        for x in self.exits:
            for actor in self.participants(x):
                if actor == x["firm"]:
                    continue
                key = (actor, x["firm"])
                out[key] = min(x["on"], out.get(key, x["on"]))
        return out

    def ipo_on(self, firm: str) -> dt.date | None:
        return min((x["on"] for x in self.exits if x["firm"] == firm and x["kind"] == "exit.ipo"), default=None)

    def lp_weights(self, raise_: dict[str, Any]) -> dict[str, Fraction]:
        """Each LP's share of a raise: USD commitments, or equal weights when any is missing."""
        lps = raise_["lps"]
        if not lps:
            return {}
        usd = [self.usd(lp.get("commitment"), raise_["on"]) for lp in lps]
        weights: dict[str, Fraction] = defaultdict(Fraction)
        for lp, value in zip(lps, usd, strict=True):
            if any(u is None for u in usd):
                weights[_ref(lp["lp"])] = Fraction(1)  # every LP weighs the same, however often named
            else:
                weights[_ref(lp["lp"])] += Fraction(value or 0)
        total = sum(weights.values(), Fraction(0))
        if total == 0:
            return {lp: Fraction(1, len(weights)) for lp in weights}
        return {lp: w / total for lp, w in weights.items()}

    def founded_firms_of(self, person: str) -> dict[str, dt.date]:
        """Firms X founded, each from the earliest date X became its founder (a convention)."""
        out: dict[str, dt.date] = {}
        for firm, p, since in self.founders:
            if p == person:
                out[firm] = min(since, out.get(firm, since))
        return out

    def reinvestments(self, actor: str, t: dt.date, w: int, *, listed: bool = False) -> list[tuple[str, str, dt.date, Decimal | None]]:
        """(kind, target, t2, amount) of X after liquidity on t: capital, founder, fund, mentor
        within W (a listed firm: capital and fund only)."""
        out: list[tuple[str, str, dt.date, Decimal | None]] = []
        for r in self.rounds:
            if actor in self.invested(r) and within(t, r["on"], w):
                out.append(("capital", r["firm"], r["on"], self.invested(r)[actor]))
        for rz in self.raises:
            weights = self.lp_weights(rz)
            if actor not in weights or not within(t, rz["on"], w):
                continue
            for r in self.rounds:
                if rz["fund"] in self.invested(r) and within(rz["on"], r["on"], w):
                    amount = self.invested(r)[rz["fund"]]
                    out.append(
                        (
                            "fund",
                            r["firm"],
                            r["on"],
                            None if amount is None else amount * Decimal(weights[actor].numerator) / weights[actor].denominator,
                        )
                    )
        if listed:
            return out
        for firm, since in self.founded_firms_of(actor).items():
            if within(t, since, w):
                out.append(("founder", firm, since, None))
        for person, org, role, on in self.joins:
            # Convention: mentoring counts at a firm the ledger has founded (whatever the date).
            if person == actor and role in MENTOR_ROLES and org in self.foundings and within(t, on, w):
                out.append(("mentor", org, on, None))
        return out

    def hops(self, w: int) -> list[Hop]:
        out = []
        for (actor, firm), t in self.liquidity().items():
            for kind, target, t2, amount in self.reinvestments(actor, t, w):
                if target != firm:
                    out.append(Hop(firm, target, actor, kind, t, t2, amount, False))
        for firm in {x["firm"] for x in self.exits}:  # whatever became of its founding, an IPO lists it
            ipo = self.ipo_on(firm)
            if ipo is None:
                continue
            for kind, target, t2, amount in self.reinvestments(firm, ipo, w, listed=True):
                if target != firm:
                    out.append(Hop(firm, target, firm, kind, ipo, t2, amount, True))
        return out

    # ---- chains and lineage ------------------------------------------------------------------------

    def chain(self, root: str, *, downstream: bool = True, w: int = 10, max_depth: int | None = None) -> dict[str, int]:
        """Every firm reachable by a time-respecting chain (downstream) or reaching `root`
        (upstream), with the fewest hops over all such chains: every chain is listed."""
        hops = self.hops(w)
        generation: dict[str, int] = {}
        # A chain is its last hop (downstream) or first hop (upstream); extend it hop by hop.
        frontier: list[Hop] = [h for h in hops if (h.source if downstream else h.target) == root]
        depth = 0
        while frontier and (max_depth is None or depth < max_depth):
            depth += 1
            for h in frontier:
                reached = h.target if downstream else h.source
                if reached != root:
                    generation.setdefault(reached, depth)
            if downstream:
                frontier = list({n for h in frontier for n in hops if n.source == h.target and h.on <= n.liquidity_on})
            else:
                frontier = list({p for h in frontier for p in hops if p.target == h.source and p.on <= h.liquidity_on})
        return generation

    def chain_hops(self, root: str, *, downstream: bool = True, w: int = 10) -> set[Hop]:
        """Every hop that lies on some time-respecting chain from (to) `root`: chains listed
        hop by hop, each extended while it can be."""
        hops = self.hops(w)
        frontier = {h for h in hops if (h.source if downstream else h.target) == root}
        seen: set[Hop] = set()
        while frontier - seen:
            seen |= frontier
            if downstream:
                frontier = {n for h in frontier for n in hops if n.source == h.target and h.on <= n.liquidity_on}
            else:
                frontier = {p for h in frontier for p in hops if p.target == h.source and p.on <= h.liquidity_on}
        return seen

    def lineage(self, org: str, *, max_depth: int | None = None) -> dict[str, int]:
        """Alumni-founded firms of O (origins name O, or a founder held a person.joined role at O
        that started before the firm's founding), then theirs, with fewest steps."""

        def alumni_founded(o: str) -> set[str]:
            out = {firm for firm, orgs in self.origins.items() if o in orgs and firm in self.foundings}
            for firm, (founded, _loc, _seq) in self.foundings.items():
                people = {p for f, p, _ in self.founders if f == firm}
                if any(p in people and org_ == o and on < founded for p, org_, _role, on in self.joins):
                    out.add(firm)
            return out

        generation: dict[str, int] = {}
        frontier, depth = {org}, 0
        while frontier and (max_depth is None or depth < max_depth):
            depth += 1
            nxt = set()
            for o in frontier:
                for firm in alumni_founded(o):
                    if firm != org and firm not in generation:
                        generation[firm] = depth
                        nxt.add(firm)
            frontier = nxt
        return generation

    # ---- metrics -----------------------------------------------------------------------------------

    def metrics(self, region: Sequence[dict[str, Any]], start: dt.date, end: dt.date, w: int, today: dt.date) -> dict[str, Any]:
        def in_r(actor: str, day: dt.date) -> bool:
            return matches(self.location_on(actor, day), region)

        def in_p(day: dt.date) -> bool:
            return start <= day <= end

        def gone(firm: str, day: dt.date) -> bool:
            acquired = any(x["firm"] == firm and x["kind"] == "exit.acquisition" and x["on"] <= day for x in self.exits)
            return acquired or (firm in self.closures and self.closures[firm] <= day)

        out: dict[str, Any] = {}
        founded = [f for f, (on, loc, _s) in self.foundings.items() if in_p(on) and matches(loc, region)]
        out["firms_founded"] = len(founded)
        active = [f for f, (on, _l, _s) in self.foundings.items() if on <= end and in_r(f, end) and not gone(f, end)]
        out["active_firms"] = len(active)
        out["firms_unlocated"] = sum(
            1 for f, (on, _l, _s) in self.foundings.items() if on <= end and not gone(f, end) and self.location_on(f, end) is None
        )
        exits = [x for x in self.exits if in_p(x["on"]) and in_r(x["firm"], x["on"])]
        out["exits"] = len(exits)
        out["exit_value_usd"] = sum((v for x in exits if (v := self.usd(x["value"], x["on"])) is not None), Decimal(0))

        # Recycling: the cohort and whether each member reinvested after its cohort date.
        liquidity = self.liquidity()
        cohort: dict[str, dt.date] = {}
        for (actor, firm), t in liquidity.items():
            if in_p(t) and in_r(firm, t):
                cohort[actor] = min(t, cohort.get(actor, t))
        hops = self.hops(w)
        recycled: dict[str, dt.date] = {}
        local: set[str] = set()
        for actor, t in cohort.items():
            firsts = {firm for (a, firm), t_ in liquidity.items() if a == actor and t_ == t and in_r(firm, t)}
            for h in hops:
                if h.via == actor and not h.listed and h.liquidity_on == t and h.source in firsts:
                    recycled[actor] = min(h.on, recycled.get(actor, h.on))
                    if in_r(h.target, h.on):
                        local.add(actor)
        out["liquidity_actors"] = len(cohort)
        out["recycling_rate"] = _share(len(recycled), len(cohort))
        out["local_recycling_rate"] = _share(len(local), len(cohort))
        lags = [(recycled[a] - cohort[a]).days for a in recycled]
        out["median_reinvestment_lag_days"] = float(statistics.median(lags)) if lags else None
        ends = max((add_years(t, w) for t in cohort.values()), default=None)
        out["window_ends_on"] = None if ends is None else ends.isoformat()
        out["window_complete"] = ends is None or ends < today

        # Funding: rounds with a USD amount, in P and in R.
        def recycled_at(actor: str, day: dt.date) -> bool:
            starts = [t for (a, _f), t in liquidity.items() if a == actor]
            ipo = self.ipo_on(actor)
            return any(within(t, day, w) for t in [*starts, *([ipo] if ipo else [])])

        def fraction(investor: str, day: dt.date) -> Fraction:
            if recycled_at(investor, day):
                return Fraction(1)
            raised = [rz for rz in self.raises if rz["fund"] == investor and rz["on"] <= day]
            if not raised:
                return Fraction(0)
            latest = max(raised, key=lambda rz: (rz["on"], rz["seq"]))
            return sum((s for lp, s in self.lp_weights(latest).items() if recycled_at(lp, latest["on"])), Fraction(0))

        funding = Decimal(0)
        attributed_total = Fraction(0)
        recycled_money = Fraction(0)
        local_money = Fraction(0)
        for r in self.rounds:
            total = self.usd(r["data"].get("amount"), r["on"])
            if not in_p(r["on"]) or not in_r(r["firm"], r["on"]) or total is None:
                continue
            funding += total
            lines = self.attributed(r)
            if not lines:
                attributed_total += Fraction(total)
            for investor, usd in lines:
                if usd is None:
                    continue
                attributed_total += Fraction(usd)
                recycled_money += Fraction(usd) * fraction(investor, r["on"])
                if in_r(investor, r["on"]):
                    local_money += Fraction(usd)
        out["funding_usd"] = funding
        out["recycled_funding_share"] = _share(recycled_money, attributed_total)
        out["local_funding_share"] = _share(local_money, attributed_total)

        # Founders, origins, retention.
        serial = 0
        spinoff: dict[str, int] = defaultdict(int)
        for firm in founded:
            on = self.foundings[firm][0]
            people = {p for f, p, since in self.founders if f == firm and since <= on}
            if any(f != firm and since < on for f, p, since in self.founders if p in people):
                serial += 1
            for kind in {self.actors[o].kind for o in self.origins.get(firm, []) if o in self.actors}:
                if kind is not None:
                    spinoff[kind] += 1
        out["serial_founder_share"] = _share(serial, len(founded))
        out["spinoff_share"] = {k: _share(n, len(founded)) for k, n in spinoff.items()}
        stayers = [f for f, (on, loc, _s) in self.foundings.items() if on <= end and matches(loc, region) and not gone(f, end)]
        out["retention_rate"] = _share(sum(1 for f in stayers if in_r(f, end)), len(stayers))

        # Hops: local ones make the loop.
        local_hops = [h for h in hops if in_r(h.source, h.liquidity_on) and in_r(h.target, h.on)]
        out["loop_depth"] = longest_chain([h for h in local_hops if h.on <= end])
        dated = [h for h in hops if in_p(h.on)]
        out["local_hops"] = sum(1 for h in dated if in_r(h.source, h.liquidity_on) and in_r(h.target, h.on))
        out["hops_in"] = sum(1 for h in dated if not in_r(h.source, h.liquidity_on) and in_r(h.target, h.on))
        out["hops_out"] = sum(1 for h in dated if in_r(h.source, h.liquidity_on) and not in_r(h.target, h.on))

        employment = large = 0
        for firm in active:
            reports = [r for r in self.headcounts.get(firm, []) if r[0] <= end]
            if reports:
                employees = max(reports)[2]
                employment += employees
                large += employees >= 500
        out["employment"], out["large_firms"] = employment, large

        deals = [d for d in self.deals if in_p(d["on"]) and in_r(d["licensor"], d["on"])]
        out["licensing_deals"] = len(deals)
        value = Decimal(0)
        for d in deals:
            for part in ("upfront", "milestones"):
                usd = self.usd(d["data"].get(part), d["on"])
                value += usd or Decimal(0)
        out["licensing_value_usd"] = value
        return out


def longest_chain(hops: Iterable[Hop]) -> int:
    """Hops in the longest time-respecting chain, by trying every chain."""
    hops = list(hops)
    best: dict[Hop, int] = {}

    def longest_from(h: Hop) -> int:
        if h not in best:
            best[h] = 1 + max((longest_from(n) for n in hops if n.source == h.target and h.on <= n.liquidity_on), default=0)
        return best[h]

    return max((longest_from(h) for h in hops), default=0)


def matches(location: Loc | None, patterns: Iterable[dict[str, Any]]) -> bool:
    if location is None or location[0] is None:
        return False
    for p in patterns:
        if p["country"] != location[0]:
            continue
        if p.get("subdivision") is not None and p["subdivision"] != location[1]:
            continue
        if p.get("city") is not None and (location[2] is None or p["city"].casefold() != location[2].casefold()):
            continue
        return True
    return False


def _share(numerator: Fraction | int, denominator: Fraction | int) -> Fraction | None:
    return None if not denominator else Fraction(numerator) / Fraction(denominator)


def _inline(e: dict[str, Any]) -> Iterable[tuple[dict[str, Any], str | None, str | None]]:
    """Inline actor objects an event carries, with the type and kind its role fixes."""
    d, kind = e["data"], e["type"]
    refs: list[tuple[Any, str | None, str | None]] = []
    if kind == "firm.founded":
        refs += [(d["firm"], "organization", "startup")]
        refs += [(f, None, None) for f in d.get("founders", [])]
        refs += [(o["org"], "organization", None) for o in d.get("origins", [])]
    elif kind in ("person.joined", "person.left"):
        refs += [(d["person"], "person", None), (d["org"], "organization", None)]
    elif kind == "funding.round":
        refs += [(d["firm"], "organization", "startup")] + [(i["investor"], None, None) for i in d.get("investors", [])]
    elif kind == "license.deal":
        refs += [(d["licensor"], None, None), (d["licensee"], None, None)]
    elif kind in ("exit.ipo", "exit.acquisition"):
        refs += [(d["firm"], "organization", "startup")]
        if kind == "exit.acquisition":
            refs += [(d["acquirer"], "organization", None)]
        refs += [(p["actor"], None, None) for p in d.get("proceeds") or []]
    elif kind in ("firm.relocated", "firm.closed", "headcount.reported"):
        refs += [(d["firm"], "organization", "startup")]
    elif kind == "fund.raised":
        refs += [(d["fund"], "organization", "investor")] + [(lp["lp"], None, None) for lp in d.get("lps", [])]
        if d.get("manager") is not None:
            refs += [(d["manager"], None, None)]
    elif kind == "association.joined":
        refs += [(d["org"], "organization", None), (d["association"], "organization", "association")]
    return [(r, t, k) for r, t, k in refs if isinstance(r, dict)]
