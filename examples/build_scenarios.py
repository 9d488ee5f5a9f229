#!/usr/bin/env python3
"""Write the built-in demo scenarios: examples/{daejeon,bhcr,osong,boston,cambridge-uk,medicon-valley}.json.

Deterministic and stdlib-only: running it again rewrites every file byte for byte. Event ids are
uuid5(scenario namespace, readable key), so loading a file twice adds nothing, and actor ids carry
a scenario prefix (`dj:`, `bhcr:`, `os:`, `bos:`, `cuk:`, `mv:`), so all files (and the worked
example) fit in one ledger. A scenario may `borrow` an actor of another one: it registers the same
id with the same facts, so each file still loads alone, and loaded together (as the demo does) the
borrowed person or investor is one actor whose exits in one file feed hops in the other.

Every event's `source` starts with "real:" (a fact from ../shared/context.md) or "illustrative:"
(invented for the demo). Invented people and small firms carry "(illustrative)" in their names;
real organisations appear only with the facts context.md gives, anything more is marked.

    python examples/build_scenarios.py           # rewrite every file
    python examples/build_scenarios.py --check   # exit 1 when a file is out of date
"""

from __future__ import annotations

import argparse
import json
import sys
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

Json = dict[str, Any]
HERE = Path(__file__).resolve().parent

GOVERNMENT_KINDS = ("government", "research_institute")


def loc(country: str, subdivision: str | None = None, city: str | None = None) -> Json:
    out: Json = {"country": country}
    if subdivision is not None:
        out["subdivision"] = subdivision
    if city is not None:
        out["city"] = city
    return out


def krw_m(millions: int) -> Json:
    """Money in KRW, given in millions (USD value comes from the fx.rate events)."""
    return {"amount": str(millions * 1_000_000), "currency": "KRW"}


def usd_k(thousands: int) -> Json:
    """Money in USD, given in thousands."""
    return {"amount": str(thousands * 1_000), "currency": "USD"}


def gbp_k(thousands: int) -> Json:
    """Money in GBP, given in thousands (USD value from the fx.rate events)."""
    return {"amount": str(thousands * 1_000), "currency": "GBP"}


def dkk_m(millions: int) -> Json:
    """Money in DKK, given in millions (USD value from the fx.rate events)."""
    return {"amount": str(millions * 1_000_000), "currency": "DKK"}


def sek_m(millions: int) -> Json:
    """Money in SEK, given in millions (USD value from the fx.rate events)."""
    return {"amount": str(millions * 1_000_000), "currency": "SEK"}


# Greater London has no ISO 3166-2 code of its own: GB-LND is the City of London only, so the
# region lists the City and the 32 London boroughs.
# fmt: off
LONDON_BOROUGHS = (
    "GB-BDG", "GB-BEN", "GB-BEX", "GB-BNE", "GB-BRY", "GB-CMD", "GB-CRY", "GB-EAL", "GB-ENF", "GB-GRE", "GB-HAV",
    "GB-HCK", "GB-HIL", "GB-HMF", "GB-HNS", "GB-HRW", "GB-HRY", "GB-ISL", "GB-KEC", "GB-KTT", "GB-LBH", "GB-LEW",
    "GB-MRT", "GB-NWM", "GB-RDB", "GB-RIC", "GB-STN", "GB-SWK", "GB-TWH", "GB-WFT", "GB-WND", "GB-WSM",
)
# fmt: on


# Every document defines the same regions, so loading any of them (or all) leaves one definition.
REGIONS: Json = {
    "daejeon": {"name": "Daejeon", "members": [loc("KR", "KR-30")]},
    "seoul": {"name": "Seoul", "members": [loc("KR", "KR-11")]},
    "chungbuk": {"name": "Chungbuk (Osong/Ochang)", "members": [loc("KR", "KR-43")]},
    "bhcr": {
        "name": "BioHealth Capital Region (Maryland, Virginia, Washington DC)",
        "members": [loc("US", "US-MD"), loc("US", "US-VA"), loc("US", "US-DC")],
    },
    "boston": {"name": "Boston/Cambridge (Massachusetts)", "members": [loc("US", "US-MA")]},
    "cambridge-uk": {"name": "Cambridge, UK (Cambridgeshire)", "members": [loc("GB", "GB-CAM")]},
    "london": {"name": "London (the City and the 32 boroughs)", "members": [loc("GB", "GB-LND")] + [loc("GB", b) for b in LONDON_BOROUGHS]},
    # One cluster across a border: the Capital Region of Denmark (Hovedstaden) and Skåne.
    "medicon-valley": {"name": "Medicon Valley (Capital Region of Denmark and Skåne)", "members": [loc("DK", "DK-84"), loc("SE", "SE-M")]},
}


@dataclass(frozen=True)
class _Actor:
    obj: Json
    since: str
    source: str


@dataclass
class _Firm:
    id: str
    founded_on: str
    founders: list[str]
    closed_on: str | None = None
    acquired_on: str | None = None
    investors: list[str] = field(default_factory=list)
    government_backed: bool = False


@dataclass(frozen=True)
class _Pending:
    on: str
    rank: int  # 0: registrations and fx rates before anything else of the same day
    order: int
    key: str
    type: str
    source: str
    data: Json


class Scenario:
    """Collects events by readable key; checks references and lifecycle order as it goes."""

    def __init__(self, *, slug: str, prefix: str, label: str, description: str) -> None:
        self.slug = slug
        self.prefix = prefix
        self.label = label
        self.description = description
        self.namespace = uuid.uuid5(uuid.NAMESPACE_URL, f"https://loopledger.example/scenarios/{slug}")
        self._actors: dict[str, _Actor] = {}
        self._firms: dict[str, _Firm] = {}
        self._pending: list[_Pending] = []
        self._keys: set[str] = set()

    # ---- plumbing --------------------------------------------------------------------------

    def _src(self, src: str | None, what: str) -> str:
        if src is None:
            return f"illustrative: {what}, invented for the {self.label} demo scenario"
        if not src.startswith(("real: ", "illustrative: ")):
            raise ValueError(f"source must start with 'real: ' or 'illustrative: ': {src!r}")
        return src

    def _emit(self, type_: str, on: str, key: str, data: Json, source: str, rank: int = 1) -> None:
        if key in self._keys:
            raise ValueError(f"duplicate event key {key!r}")
        self._keys.add(key)
        self._pending.append(_Pending(on, rank, len(self._pending), key, type_, source, data))

    def _full(self, key: str) -> str:
        return f"{self.prefix}:{key}"

    def _use(self, on: str, key: str) -> str:
        """The full id of a declared actor or founded firm, checked for use on `on`."""
        if key in self._firms:
            firm = self._firms[key]
            if firm.closed_on is not None and firm.closed_on < on:
                raise ValueError(f"{key} closed on {firm.closed_on}, used on {on}")
            return firm.id
        actor = self._actors.get(key)
        if actor is None:
            raise KeyError(f"unknown actor {key!r} in {self.slug}")
        if on < actor.since:
            raise ValueError(f"{key} is registered on {actor.since}, used on {on}")
        return str(actor.obj["id"])

    def _firm(self, on: str, key: str) -> _Firm:
        firm = self._firms.get(key)
        if firm is None:
            raise KeyError(f"{key!r} is not a founded firm in {self.slug}")
        if on < firm.founded_on:
            raise ValueError(f"{key} is founded on {firm.founded_on}, referenced on {on}")
        self._use(on, key)
        return firm

    def _kind(self, key: str) -> str | None:
        actor = self._actors.get(key)
        return None if actor is None else actor.obj.get("kind")

    # ---- actors ----------------------------------------------------------------------------

    def org(self, key: str, name: str, kind: str, location: Json | None, *, since: str, src: str | None = None) -> None:
        obj: Json = {"id": self._full(key), "type": "organization", "name": name, "kind": kind}
        if location is not None:
            obj["location"] = location
        self._declare(key, obj, since, self._src(src, f"{name}, a {kind}"))

    def person(self, key: str, name: str, location: Json | None, *, since: str, src: str | None = None) -> None:
        obj: Json = {"id": self._full(key), "type": "person", "name": name}
        if location is not None:
            obj["location"] = location
        self._declare(key, obj, since, self._src(src, f"{name}, an invented person"))

    def borrow(self, other: Scenario, key: str) -> str:
        """Register an actor of `other` here with the same id and facts; returns the key to use here.

        Identical facts are no conflict, so this file loads alone and, beside `other`, the actor's
        liquidity in one file and its reinvestments in the other form one chain. Only people and
        organisations: a firm's founding cannot be stated twice."""
        actor = other._actors[key]
        local = f"{other.prefix}:{key}"
        note = "registered again with the same facts so this file loads on its own"
        self._declare(local, actor.obj, actor.since, f"{actor.source}; {note}")
        return local

    def _declare(self, key: str, obj: Json, since: str, source: str) -> None:
        if key in self._actors or key in self._firms:
            raise ValueError(f"{key} declared twice")
        self._actors[key] = _Actor(obj, since, source)
        self._emit("actor.registered", since, f"actor.registered:{key}", obj, source, rank=0)

    # ---- lifecycle -------------------------------------------------------------------------

    def found(
        self,
        key: str,
        name: str,
        on: str,
        location: Json,
        *,
        founders: list[str],
        origins: Sequence[tuple[str, str]] = (),
        model: str | None = None,
        sector: str | None = None,
        src: str | None = None,
    ) -> None:
        if key in self._actors or key in self._firms:
            raise ValueError(f"{key} declared twice")
        founder_ids = [self._use(on, p) for p in founders]
        origin_refs = [{"org": self._use(on, org), "relation": relation} for org, relation in origins]
        data: Json = {"firm": {"id": self._full(key), "name": name}, "location": location}
        if sector is not None:
            data["sector"] = sector
        if model is not None:
            data["business_model"] = model
        data["founders"] = founder_ids
        data["origins"] = origin_refs
        self._firms[key] = _Firm(self._full(key), on, list(founders))
        self._emit("firm.founded", on, f"firm.founded:{key}", data, self._src(src, f"{name} and its founding"))

    def career(
        self, person: str, org: str, start: str, end: str | None = None, *, role: str = "scientist", title: str | None = None
    ) -> None:
        """A person.joined (and, with `end`, a person.left): where a founder came from."""
        self.joined(person, org, start, role=role, title=title)
        if end is not None:
            data = {"person": self._use(end, person), "org": self._use(end, org)}
            self._emit("person.left", end, f"person.left:{person}:{org}:{end}", data, self._src(None, "departure"))

    def joined(self, person: str, org: str, on: str, *, role: str, title: str | None = None, src: str | None = None) -> None:
        data: Json = {"person": self._use(on, person), "org": self._use(on, org), "role": role}
        if title is not None:
            data["title"] = title
        self._emit("person.joined", on, f"person.joined:{person}:{org}:{role}:{on}", data, self._src(src, f"{role} role"))

    def round(
        self,
        firm: str,
        on: str,
        kind: str,
        investors: list[tuple[str, Json | None]],
        *,
        amount: Json | None = None,
        src: str | None = None,
    ) -> None:
        """A funding round; the first investor leads. Without `amount`, the investors' sum."""
        f = self._firm(on, firm)
        if f.acquired_on is not None:
            raise ValueError(f"{firm} was acquired on {f.acquired_on}: no round on {on}")
        rows: list[Json] = []
        for i, (investor, money) in enumerate(investors):
            row: Json = {"investor": self._use(on, investor)}
            if money is not None:
                row["amount"] = money
            if i == 0:
                row["lead"] = True
            rows.append(row)
            f.investors.append(investor)
            f.government_backed |= self._kind(investor) in GOVERNMENT_KINDS
        total = amount if amount is not None else _sum([m for _, m in investors])
        data: Json = {"firm": f.id, "round": kind}
        if total is not None:
            data["amount"] = total
        data["investors"] = rows
        self._emit("funding.round", on, f"funding.round:{firm}:{kind}:{on}", data, self._src(src, f"{kind} round and its amounts"))

    def license(
        self,
        licensor: str,
        licensee: str,
        on: str,
        technology: str,
        *,
        upfront: Json | None = None,
        milestones: Json | None = None,
        src: str | None = None,
    ) -> None:
        data: Json = {"licensor": self._ref(on, licensor), "licensee": self._ref(on, licensee), "technology": technology}
        if upfront is not None:
            data["upfront"] = upfront
        if milestones is not None:
            data["milestones"] = milestones
        self._emit("license.deal", on, f"license.deal:{licensor}:{licensee}:{on}", data, self._src(src, "licensing deal and its terms"))

    def _ref(self, on: str, key: str) -> str:
        return self._firm(on, key).id if key in self._firms else self._use(on, key)

    def _proceeds(self, f: _Firm) -> list[Json] | None:
        """Founders and equity investors, when a government contract would otherwise count."""
        if not f.government_backed:
            return None
        holders = list(f.founders)
        holders += [i for i in f.investors if i not in holders and self._kind(i) not in GOVERNMENT_KINDS]
        return [{"actor": self._firms[h].id if h in self._firms else str(self._actors[h].obj["id"])} for h in holders]

    def ipo(
        self,
        firm: str,
        on: str,
        exchange: str,
        *,
        market_cap: Json | None = None,
        raised: Json | None = None,
        src: str | None = None,
    ) -> None:
        f = self._firm(on, firm)
        data: Json = {"firm": f.id, "exchange": exchange}
        if raised is not None:
            data["raised"] = raised
        if market_cap is not None:
            data["market_cap"] = market_cap
        proceeds = self._proceeds(f)
        if proceeds is not None:
            data["proceeds"] = proceeds
        self._emit("exit.ipo", on, f"exit.ipo:{firm}", data, self._exit_src(src, "listing date and figures", proceeds))

    def acquired(self, firm: str, on: str, acquirer: str, *, price: Json | None = None, src: str | None = None) -> None:
        f = self._firm(on, firm)
        data: Json = {"firm": f.id, "acquirer": self._ref(on, acquirer)}
        if price is not None:
            data["price"] = price
        proceeds = self._proceeds(f)
        if proceeds is not None:
            data["proceeds"] = proceeds
        f.acquired_on = on
        self._emit("exit.acquisition", on, f"exit.acquisition:{firm}", data, self._exit_src(src, "acquisition and price", proceeds))

    def _exit_src(self, src: str | None, what: str, proceeds: list[Json] | None) -> str:
        text = self._src(src, what)
        return text if proceeds is None else f"{text}; proceeds: founders and equity investors, not the contracting agency"

    def relocated(self, firm: str, on: str, location: Json, *, src: str | None = None) -> None:
        data = {"firm": self._firm(on, firm).id, "location": location}
        self._emit("firm.relocated", on, f"firm.relocated:{firm}:{on}", data, self._src(src, "headquarters move"))

    def closed(self, firm: str, on: str, reason: str, *, src: str | None = None) -> None:
        f = self._firm(on, firm)
        self._emit("firm.closed", on, f"firm.closed:{firm}", {"firm": f.id, "reason": reason}, self._src(src, "closure"))
        f.closed_on = on

    def headcount(self, firm: str, on: str, employees: int, *, src: str | None = None) -> None:
        data = {"firm": self._firm(on, firm).id, "employees": employees}
        self._emit("headcount.reported", on, f"headcount.reported:{firm}:{on}", data, self._src(src, "headcount"))

    def fund(
        self,
        fund: str,
        on: str,
        lps: list[tuple[str, Json | None]],
        *,
        manager: str | None = None,
        size: Json | None = None,
        src: str | None = None,
    ) -> None:
        data: Json = {"fund": self._use(on, fund)}
        if manager is not None:
            data["manager"] = self._use(on, manager)
        total = size if size is not None else _sum([m for _, m in lps])
        if total is not None:
            data["size"] = total
        rows: list[Json] = []
        for lp, commitment in lps:
            row: Json = {"lp": self._ref(on, lp)}
            if commitment is not None:
                row["commitment"] = commitment
            rows.append(row)
        data["lps"] = rows
        self._emit("fund.raised", on, f"fund.raised:{fund}:{on}", data, self._src(src, "fund raise, LPs and commitments"))

    def member(self, org: str, association: str, on: str, *, src: str | None = None) -> None:
        data = {"org": self._ref(on, org), "association": self._use(on, association)}
        self._emit("association.joined", on, f"association.joined:{org}:{association}", data, self._src(src, "membership"))

    def fx(self, currency: str, on: str, usd_per_unit: str, *, src: str) -> None:
        data = {"currency": currency, "usd_per_unit": usd_per_unit}
        self._emit("fx.rate", on, f"fx.rate:{currency}:{on}", data, self._src(src, "rate"), rank=0)

    # ---- output ----------------------------------------------------------------------------

    def document(self) -> Json:
        events: list[Json] = []
        for p in sorted(self._pending, key=lambda p: (p.on, p.rank, p.order)):
            event_id = str(uuid.uuid5(self.namespace, p.key))
            events.append({"event_id": event_id, "type": p.type, "occurred_on": p.on, "source": p.source, "data": p.data})
        return {"description": self.description, "regions": REGIONS, "events": events}

    def firm_count(self) -> int:
        return len(self._firms)


def _sum(amounts: list[Json | None]) -> Json | None:
    if not amounts or any(a is None for a in amounts):
        return None
    currencies = {a["currency"] for a in amounts if a is not None}
    if len(currencies) != 1:
        raise ValueError(f"mixed currencies {currencies}")
    total = sum(int(a["amount"]) for a in amounts if a is not None)
    return {"amount": str(total), "currency": currencies.pop()}


# ---- Daejeon ---------------------------------------------------------------------------------

DAEJEON = loc("KR", "KR-30", "Daejeon")
SEOUL = loc("KR", "KR-11", "Seoul")
OSONG = loc("KR", "KR-43", "Osong")
OCHANG = loc("KR", "KR-43", "Ochang")

# Approximate annual-average USD per KRW, rounded; the demo's own figures, not an official series.
# fmt: off
KRW_USD = {
    1995: "0.00129", 1996: "0.00124", 1997: "0.00105", 1998: "0.00072", 1999: "0.00084", 2000: "0.00088",
    2001: "0.00077", 2002: "0.00080", 2003: "0.00084", 2004: "0.00087", 2005: "0.00098", 2006: "0.00105",
    2007: "0.00108", 2008: "0.00091", 2009: "0.00078", 2010: "0.00087", 2011: "0.00090", 2012: "0.00089",
    2013: "0.00091", 2014: "0.00095", 2015: "0.00088", 2016: "0.00086", 2017: "0.00088", 2018: "0.00091",
    2019: "0.00086", 2020: "0.00085", 2021: "0.00087", 2022: "0.00077", 2023: "0.00077", 2024: "0.00073",
}
# fmt: on

BIOHA_FACTS = (
    "context.md: BioHA (Daejeon BioHealthcare Association) was founded in 2015 by 15 ventures and runs networking, "
    "tech exchange, investment forums, IR and a private investment partnership; it now has 163 member firms, 29 listed, "
    "listed members' combined market cap about 53 trillion KRW (real figures as of the source). The modelled membership "
    "is a subset"
)
PARTNERSHIP = "context.md: BioHA runs a private investment partnership"
WAVE = "context.md: KRIBB and LG Chem researchers founded ventures en masse in Daejeon in the late 1990s"
RECYCLE_DJ = "context.md: grown Daejeon firms and founders consulted for and reinvested in junior start-ups"
REAL_FIRM = (
    "real: context.md: {name} is a Daejeon bio firm named as a BioHA member example; illustrative: {what} "
    "(approximate, from general knowledge, not from context.md); founders and figures not modelled"
)


def daejeon() -> Scenario:
    s = Scenario(
        slug="daejeon",
        prefix="dj",
        label="Daejeon",
        description=(
            "Daejeon (KR-30) bio cluster demo: KRIBB and LG Chem alumni found ventures in the late 1990s, exit, and reinvest "
            "as founders, angels, mentors, listed firms and LPs of the BioHA private investment partnership over four "
            "generations; Seoul VCs co-invest, some winners move to Seoul, Osong/Ochang (Chungbuk) hosts CROs/CMOs. "
            "Real (../shared/context.md): KRIBB and LG Chem alumni founding wave, BioHA founded 2015 by 15 ventures, "
            "163 members / 29 listed / about 53 trillion KRW combined market cap (as of the source; the modelled "
            "membership is a subset), Alteogen, LigaChem Biosciences, Peptron and Curocell as members, MFDS and CROs/CMOs "
            "in Osong/Ochang. Everything else (people, small firms, dates, amounts, KRW/USD rates) is illustrative; "
            "see each event's source."
        ),
    )
    for year, rate in KRW_USD.items():
        s.fx("KRW", f"{year}-01-01", rate, src="illustrative: approximate annual-average KRW/USD rate, rounded; not an official rate")

    # Anchors and investors.
    s.org(
        "kribb",
        "KRIBB (Korea Research Institute of Bioscience and Biotechnology)",
        "research_institute",
        DAEJEON,
        since="1989-01-01",
        src="real: context.md: KRIBB is a government research institute in Daejeon whose researchers founded ventures",
    )
    s.org(
        "lgchem",
        "LG Chem (Daejeon R&D campus)",
        "corporation",
        DAEJEON,
        since="1989-01-01",
        src="real: context.md: LG Chem researchers founded Daejeon ventures in the late 1990s; illustrative: as its Daejeon R&D site",
    )
    s.org(
        "mfds",
        "Ministry of Food and Drug Safety",
        "government",
        OSONG,
        since="1995-01-01",
        src="real: context.md: Osong/Ochang (Chungbuk) hosts the Ministry of Food and Drug Safety",
    )
    s.org(
        "osong-cro",
        "Osong Clinical CRO (illustrative)",
        "service_provider",
        OSONG,
        since="1995-01-01",
        src="illustrative: invented CRO standing for the Osong/Ochang CROs of context.md",
    )
    s.org(
        "ochang-cmo",
        "Ochang BioCMO (illustrative)",
        "service_provider",
        OCHANG,
        since="1995-01-01",
        src="illustrative: invented CMO standing for the Osong/Ochang CMOs of context.md",
    )
    s.org("daedeok-angels", "Daedeok Angel Club (illustrative)", "investor", DAEJEON, since="1997-01-01")
    s.org("hanbat-invest", "Hanbat Technology Investment (illustrative)", "investor", DAEJEON, since="1997-01-01")
    s.org(
        "hangang-vc",
        "Hangang Bio Ventures (illustrative)",
        "investor",
        SEOUL,
        since="1997-01-01",
        src="illustrative: invented Seoul VC; context.md: the capital region was long seen as necessary to grow",
    )
    s.org("namsan-lsp", "Namsan Life Science Partners (illustrative)", "investor", SEOUL, since="1997-01-01")
    s.org("yeouido-gc", "Yeouido Growth Capital (illustrative)", "investor", SEOUL, since="1997-01-01")
    s.org("hanyang-pharma", "Hanyang Pharmaceutical (illustrative)", "corporation", SEOUL, since="1997-01-01")
    s.org("rhine-pharma", "Rhine Pharma AG (illustrative)", "corporation", loc("DE"), since="1997-01-01")
    s.org("kanto-bio", "Kanto Biopharma K.K. (illustrative)", "corporation", loc("JP"), since="1997-01-01")
    s.org("northfield", "Northfield Therapeutics Inc. (illustrative)", "corporation", loc("US", "US-MA"), since="1997-01-01")

    # People: where they worked before founding (talent lineage) and who they are.
    people = [
        ("han", "Han Seo-jun (illustrative)", DAEJEON, "kribb", "1989-03-02", "1997-03-31"),
        ("oh", "Oh Min-ji (illustrative)", DAEJEON, "kribb", "1991-03-04", "1998-01-31"),
        ("seo", "Seo Tae-ho (illustrative)", DAEJEON, "kribb", "1990-09-03", "1998-01-31"),
        ("yoon", "Yoon Jae-hyuk (illustrative)", DAEJEON, "lgchem", "1989-02-01", "1998-05-31"),
        ("kang", "Kang Eun-ji (illustrative)", DAEJEON, "kribb", "1992-03-02", "1998-12-31"),
        ("lim", "Lim Hyun-woo (illustrative)", DAEJEON, "lgchem", "1989-07-03", "1999-05-31"),
        ("jang", "Jang So-ra (illustrative)", DAEJEON, "lgchem", "1990-03-02", "1999-05-31"),
        ("choi", "Choi Min-ho (illustrative)", DAEJEON, "kribb", "1993-03-02", "1998-09-30"),
        ("bae", "Bae Ji-won (illustrative)", SEOUL, "lgchem", "1993-03-02", "2000-02-29"),
        ("nam", "Nam Gyu-ri (illustrative)", DAEJEON, "kribb", "1994-03-02", "2000-06-30"),
        ("ryu", "Ryu Da-hye (illustrative)", DAEJEON, "kribb", "1999-03-02", "2006-06-30"),
        ("song", "Song Ye-rin (illustrative)", DAEJEON, "kribb", "2008-03-03", "2015-08-31"),
        ("moon", "Moon Seo-jin (illustrative)", DAEJEON, "kribb", "2010-03-02", "2019-03-29"),
        ("hwang", "Hwang Min-seo (illustrative)", DAEJEON, "kribb", "2004-03-02", "2012-06-29"),
        ("park", "Park Seo-yeon (illustrative)", DAEJEON, "kribb", "2005-09-01", "2014-01-31"),
        # Co-founders who cash out and do not come back: the loop is not closed by everyone.
        ("lee", "Lee Ji-hoon (illustrative)", SEOUL, "kribb", "1990-03-02", "1997-03-31"),
        ("cho", "Cho Eun-woo (illustrative)", DAEJEON, "lgchem", "1991-03-04", "1998-05-31"),
        ("yoo", "Yoo Seung-min (illustrative)", DAEJEON, "kribb", "2001-03-02", "2008-08-29"),
    ]
    for key, name, where, employer, start, end in people:
        s.person(key, name, where, since=start)
        s.career(key, employer, start, end, role="scientist")
    s.person("kwon", "Kwon Ha-na (illustrative)", DAEJEON, since="2008-03-03")
    s.person("baek", "Baek Jun-ho (illustrative)", DAEJEON, since="2010-03-02")
    s.person("kim", "Kim Do-hyun (illustrative)", DAEJEON, since="2012-01-02")
    s.person("jung", "Jung Woo-jin (illustrative)", SEOUL, since="2012-01-02")

    # Generation 1: the late-1990s founding wave.
    gen1 = f"illustrative: invented firm of the founding wave ({WAVE})"
    s.found(
        "hanbit",
        "Hanbit Bio (illustrative)",
        "1997-05-12",
        DAEJEON,
        founders=["han", "lee"],
        origins=[("kribb", "spin_off")],
        model="rnd",
        sector="recombinant protein therapeutics",
        src=gen1,
    )
    s.license("kribb", "hanbit", "1997-06-02", "protein expression strain (illustrative)", upfront=krw_m(50))
    s.round("hanbit", "1998-06-15", "angel", [("daedeok-angels", krw_m(400))])
    s.round("hanbit", "2001-04-10", "series_a", [("hanbat-invest", krw_m(1500)), ("hangang-vc", krw_m(1500))])
    s.round("hanbit", "2003-09-01", "series_b", [("namsan-lsp", krw_m(5000)), ("hanbat-invest", krw_m(3000))])
    s.headcount("hanbit", "2004-12-31", 70)
    s.ipo("hanbit", "2005-11-21", "KOSDAQ", market_cap=krw_m(150_000), raised=krw_m(20_000))

    s.found(
        "gyeryong",
        "Gyeryong Genomics (illustrative)",
        "1998-03-02",
        DAEJEON,
        founders=["oh", "seo"],
        origins=[("kribb", "spin_off")],
        model="platform",
        sector="genome analysis services and platform",
        src=gen1,
    )
    s.round("gyeryong", "1999-05-03", "angel", [("daedeok-angels", krw_m(300))])
    s.round("gyeryong", "2002-03-15", "series_a", [("hangang-vc", krw_m(1500)), ("hanbat-invest", krw_m(1000))])
    s.headcount("gyeryong", "2006-12-31", 45)
    s.acquired("gyeryong", "2008-06-30", "hanyang-pharma", price=krw_m(60_000))

    s.found(
        "daedeok-peptide",
        "Daedeok Peptide Works (illustrative)",
        "1998-07-01",
        DAEJEON,
        founders=["yoon", "cho"],
        origins=[("lgchem", "alumni")],
        model="rnd",
        sector="peptide drug delivery",
        src=gen1,
    )
    s.round("daedeok-peptide", "2000-02-01", "seed", [("daedeok-angels", krw_m(400))])
    s.round("daedeok-peptide", "2003-05-20", "series_a", [("namsan-lsp", krw_m(2500)), ("hanbat-invest", krw_m(1500))])
    s.ipo("daedeok-peptide", "2007-06-25", "KOSDAQ", market_cap=krw_m(210_000))
    s.headcount("daedeok-peptide", "2007-12-31", 120)
    s.headcount("daedeok-peptide", "2014-12-31", 230)

    s.found(
        "yuseong-dx",
        "Yuseong Diagnostics (illustrative)",
        "1999-02-01",
        DAEJEON,
        founders=["kang"],
        origins=[("kribb", "alumni")],
        model="service",
        sector="diagnostic kits",
        src=gen1,
    )
    s.round("yuseong-dx", "2001-07-02", "seed", [("hanbat-invest", krw_m(600))])
    s.headcount("yuseong-dx", "2005-12-31", 55)
    s.acquired("yuseong-dx", "2009-09-15", "rhine-pharma", price=krw_m(25_000))

    s.found(
        "gapcheon",
        "Gapcheon Biologics (illustrative)",
        "1999-08-02",
        DAEJEON,
        founders=["lim", "jang"],
        origins=[("lgchem", "alumni")],
        model="rnd",
        sector="antibody biologics",
        src=gen1,
    )
    s.round("gapcheon", "2000-06-01", "seed", [("daedeok-angels", krw_m(500))])
    s.round("gapcheon", "2002-10-01", "series_a", [("hangang-vc", krw_m(3000)), ("hanbat-invest", krw_m(2000))])
    s.round("gapcheon", "2005-03-02", "series_b", [("namsan-lsp", krw_m(7000)), ("yeouido-gc", krw_m(5000))])
    s.ipo("gapcheon", "2006-12-15", "KOSDAQ", market_cap=krw_m(320_000), raised=krw_m(30_000))
    s.headcount("gapcheon", "2008-12-31", 210)

    s.found(
        "doryong",
        "Doryong Enzyme (illustrative)",
        "1998-11-02",
        DAEJEON,
        founders=["choi"],
        origins=[("kribb", "spin_off")],
        model="rnd",
        sector="industrial enzymes",
        src=gen1,
    )
    s.round("doryong", "2000-03-02", "seed", [("daedeok-angels", krw_m(300))])
    s.closed("doryong", "2003-12-31", "ran out of cash before a series A (illustrative)")

    s.found(
        "expo-cell",
        "Expo Cell Lines (illustrative)",
        "2000-04-03",
        DAEJEON,
        founders=["bae"],
        origins=[("lgchem", "alumni")],
        model="service",
        sector="cell line development",
        src=gen1,
    )
    s.round("expo-cell", "2002-01-15", "seed", [("hangang-vc", krw_m(800))])
    s.relocated(
        "expo-cell",
        "2006-03-02",
        SEOUL,
        src="illustrative: invented move to Seoul (context.md: the capital region was long seen as necessary to grow)",
    )
    s.round("expo-cell", "2007-05-02", "series_a", [("yeouido-gc", krw_m(4000)), ("hangang-vc", krw_m(2000))])
    s.ipo("expo-cell", "2010-05-20", "KOSDAQ", market_cap=krw_m(90_000))

    s.found(
        "bomun",
        "Bomun Antibody Lab (illustrative)",
        "2000-09-01",
        DAEJEON,
        founders=["nam"],
        origins=[("kribb", "spin_off")],
        model="rnd",
        sector="antibody discovery",
        src=gen1,
    )
    s.round("bomun", "2002-08-01", "seed", [("daedeok-angels", krw_m(700))])
    s.round("bomun", "2004-11-01", "series_a", [("hanbat-invest", krw_m(3000))])
    s.acquired("bomun", "2011-03-15", "kanto-bio", price=krw_m(40_000))

    # Real firms: only what context.md says, plus approximate dates marked as such.
    s.found("peptron", "Peptron", "1997-10-01", DAEJEON, founders=[], src=REAL_FIRM.format(name="Peptron", what="founding date"))
    s.found(
        "ligachem",
        "LigaChem Biosciences",
        "2006-05-01",
        DAEJEON,
        founders=[],
        src=REAL_FIRM.format(name="LigaChem Biosciences", what="founding date"),
    )
    s.found("alteogen", "Alteogen", "2008-05-01", DAEJEON, founders=[], src=REAL_FIRM.format(name="Alteogen", what="founding date"))
    s.ipo("ligachem", "2013-05-10", "KOSDAQ", src=REAL_FIRM.format(name="LigaChem Biosciences", what="listing date, KOSDAQ"))
    s.ipo("alteogen", "2014-12-12", "KOSDAQ", src=REAL_FIRM.format(name="Alteogen", what="listing date, KOSDAQ"))
    s.ipo("peptron", "2015-07-01", "KOSDAQ", src=REAL_FIRM.format(name="Peptron", what="listing date, KOSDAQ"))
    s.found("curocell", "Curocell", "2016-02-01", DAEJEON, founders=[], src=REAL_FIRM.format(name="Curocell", what="founding date"))
    s.ipo("curocell", "2021-02-05", "KOSDAQ", src=REAL_FIRM.format(name="Curocell", what="listing date, KOSDAQ"))

    # Generation 2: founders and investors of the first exits start and back the next firms.
    gen2 = f"illustrative: invented second-generation firm ({RECYCLE_DJ})"
    s.found(
        "sintanjin",
        "Sintanjin Therapeutics (illustrative)",
        "2006-09-01",
        DAEJEON,
        founders=["han", "ryu"],
        origins=[("kribb", "alumni")],
        model="rnd",
        sector="targeted oncology small molecules",
        src=gen2,
    )
    s.round("sintanjin", "2007-10-01", "seed", [("daedeok-angels", krw_m(1000)), ("yoon", krw_m(500))])
    s.round("sintanjin", "2009-04-01", "series_a", [("hangang-vc", krw_m(6000)), ("gapcheon", krw_m(2000))])
    s.joined("lim", "sintanjin", "2009-04-01", role="board", title="outside director (illustrative)")
    s.round("sintanjin", "2011-09-01", "series_b", [("namsan-lsp", krw_m(12_000)), ("hanbat-invest", krw_m(8000))])
    s.headcount("sintanjin", "2012-12-31", 60)
    s.ipo("sintanjin", "2014-07-10", "KOSDAQ", market_cap=krw_m(400_000), raised=krw_m(40_000))
    s.headcount("sintanjin", "2016-12-31", 180)
    s.license(
        "sintanjin",
        "northfield",
        "2017-03-20",
        "kinase inhibitor programme (illustrative)",
        upfront=usd_k(35_000),
        milestones=usd_k(850_000),
        src="illustrative: invented big out-licensing deal to a foreign corporation",
    )

    s.found(
        "wolpyeong",
        "Wolpyeong Cell Therapy (illustrative)",
        "2008-10-01",
        DAEJEON,
        founders=["oh", "yoo"],
        origins=[("kribb", "alumni")],
        model="rnd",
        sector="cell therapy",
        src=gen2,
    )
    s.round("wolpyeong", "2009-06-01", "seed", [("seo", krw_m(600)), ("daedeok-angels", krw_m(600))])
    s.round("wolpyeong", "2011-05-02", "series_a", [("hanbat-invest", krw_m(4000)), ("hanbit", krw_m(2000))])
    s.round("wolpyeong", "2014-02-03", "series_b", [("namsan-lsp", krw_m(9000)), ("yeouido-gc", krw_m(6000))])
    s.headcount("wolpyeong", "2015-12-31", 95)
    s.acquired("wolpyeong", "2016-05-10", "hanyang-pharma", price=krw_m(120_000))

    s.career("jang", "gapcheon", "2000-01-03", "2007-09-28", role="executive", title="CSO (illustrative)")
    s.found(
        "noeun",
        "Noeun ADC Labs (illustrative)",
        "2007-11-01",
        DAEJEON,
        founders=["jang"],
        origins=[("lgchem", "alumni"), ("gapcheon", "alumni")],
        model="rnd",
        sector="antibody-drug conjugates",
        src=gen2,
    )
    s.round("noeun", "2008-05-02", "seed", [("lim", krw_m(1000))])
    s.round("noeun", "2010-03-02", "series_a", [("hangang-vc", krw_m(4000)), ("gapcheon", krw_m(3000))])
    s.round("noeun", "2013-01-15", "series_b", [("namsan-lsp", krw_m(12_000)), ("hanbat-invest", krw_m(8000))])
    s.headcount("noeun", "2014-12-31", 90)
    s.headcount("gapcheon", "2013-12-31", 410)
    s.ipo("noeun", "2015-03-20", "KOSDAQ", market_cap=krw_m(650_000), raised=krw_m(50_000))

    s.career("choi", "ochang-cmo", "2004-03-02", "2009-12-31", role="executive", title="process development lead (illustrative)")
    s.found(
        "doan-dx",
        "Doan Molecular Diagnostics (illustrative)",
        "2010-02-01",
        DAEJEON,
        founders=["kang", "choi"],
        origins=[("kribb", "alumni")],
        model="service",
        sector="molecular diagnostics services",
        src=gen2,
    )
    s.round("doan-dx", "2011-03-02", "seed", [("daedeok-angels", krw_m(400)), ("bae", krw_m(400))])
    s.round("doan-dx", "2013-06-03", "series_a", [("hanbat-invest", krw_m(3000)), ("hanbit", krw_m(2000))])
    s.headcount("doan-dx", "2017-12-31", 130)
    s.acquired(
        "doan-dx",
        "2018-08-01",
        "osong-cro",
        price=krw_m(45_000),
        src="illustrative: invented acquisition by an Osong CRO, a rare Daejeon-Chungbuk link (context.md: close, not functionally linked)",
    )

    s.found(
        "ochang-trials",
        "Ochang Trial Services (illustrative)",
        "2009-05-04",
        OCHANG,
        founders=["seo"],
        origins=[("kribb", "alumni")],
        model="service",
        sector="clinical CRO",
        src="illustrative: invented Chungbuk CRO founded by a Daejeon founder after his exit",
    )
    s.round("ochang-trials", "2010-01-15", "seed", [("daedeok-angels", krw_m(600))])
    s.headcount("ochang-trials", "2014-12-31", 40)
    s.round("ochang-trials", "2016-09-01", "series_a", [("yeouido-gc", krw_m(2000)), ("daedeok-angels", krw_m(1000))])
    s.headcount("ochang-trials", "2020-12-31", 85)

    s.found(
        "jeonmin",
        "Jeonmin NeuroBio (illustrative)",
        "2010-06-01",
        DAEJEON,
        founders=["yoon"],
        origins=[("lgchem", "alumni")],
        model="rnd",
        sector="neurodegeneration biologics",
        src=gen2,
    )
    s.round("jeonmin", "2011-06-01", "seed", [("hanbit", krw_m(1200)), ("daedeok-angels", krw_m(800))])
    s.round("jeonmin", "2013-09-02", "series_a", [("hangang-vc", krw_m(5000)), ("daedeok-peptide", krw_m(4000))])
    s.relocated("jeonmin", "2015-01-15", SEOUL, src="illustrative: invented move to Seoul after a Seoul-led series A")
    s.round("jeonmin", "2016-06-01", "series_b", [("yeouido-gc", krw_m(15_000)), ("namsan-lsp", krw_m(10_000))])
    s.ipo("jeonmin", "2019-10-15", "KOSDAQ", market_cap=krw_m(380_000))

    s.found(
        "gung-dong",
        "Gung-dong Bioinformatics (illustrative)",
        "2011-09-01",
        DAEJEON,
        founders=["nam"],
        origins=[("kribb", "alumni")],
        model="platform",
        sector="bioinformatics",
        src=gen2,
    )
    s.round("gung-dong", "2012-05-02", "seed", [("daedeok-angels", krw_m(400)), ("kang", krw_m(300))])
    s.closed("gung-dong", "2017-06-30", "no follow-on funding (illustrative)")

    s.found(
        "banseok",
        "Banseok Vaccine (illustrative)",
        "2012-02-01",
        DAEJEON,
        founders=["lim"],
        origins=[("lgchem", "alumni")],
        model="rnd",
        sector="vaccines",
        src=gen2,
    )
    s.round("banseok", "2013-03-04", "seed", [("gapcheon", krw_m(1000)), ("jang", krw_m(1000))])

    s.found(
        "mapo-dtx",
        "Mapo Digital Therapeutics (illustrative)",
        "2012-06-01",
        SEOUL,
        founders=["jung"],
        model="platform",
        sector="digital therapeutics",
        src="illustrative: invented Seoul start-up that draws Daejeon exit money out",
    )
    s.round("mapo-dtx", "2013-02-01", "seed", [("bae", krw_m(400)), ("han", krw_m(300)), ("hangang-vc", krw_m(300))])
    s.round("mapo-dtx", "2016-04-01", "series_a", [("yeouido-gc", krw_m(6000))])

    small = "illustrative: invented small Daejeon firm (one of the modelled BioHA founding members)"
    s.found(
        "daedeok-assay",
        "Daedeok Assay Services (illustrative)",
        "2012-09-03",
        DAEJEON,
        founders=["hwang"],
        origins=[("kribb", "alumni")],
        model="service",
        sector="bioanalytical assays",
        src=small,
    )
    s.round("daedeok-assay", "2013-05-02", "seed", [("daedeok-angels", krw_m(500))])
    s.headcount("daedeok-assay", "2018-12-31", 35)
    s.found(
        "yuseong-models",
        "Yuseong Animal Models (illustrative)",
        "2013-04-01",
        DAEJEON,
        founders=["kim"],
        model="service",
        sector="preclinical animal models",
        src=small,
    )
    s.round("yuseong-models", "2014-03-03", "seed", [("nam", krw_m(500))])
    s.headcount("yuseong-models", "2019-12-31", 28)
    s.found(
        "daejeon-natural",
        "Daejeon Natural Products Lab (illustrative)",
        "2014-03-03",
        DAEJEON,
        founders=["park"],
        origins=[("kribb", "spin_off")],
        model="rnd",
        sector="natural-product drug candidates",
        src=small,
    )
    s.round("daejeon-natural", "2014-09-01", "seed", [("gapcheon", krw_m(800))])

    s.career("kwon", "daedeok-peptide", "2008-03-03", "2014-06-30", role="scientist")
    s.found(
        "sinseong",
        "Sinseong Peptide Therapeutics (illustrative)",
        "2014-08-01",
        DAEJEON,
        founders=["kwon"],
        origins=[("daedeok-peptide", "alumni")],
        model="rnd",
        sector="peptide therapeutics",
        src=gen2,
    )
    s.round("sinseong", "2015-03-02", "seed", [("yoon", krw_m(500)), ("daedeok-angels", krw_m(500))])
    s.found(
        "hwaam",
        "Hwaam Diagnostics AI (illustrative)",
        "2015-02-02",
        DAEJEON,
        founders=["kang"],
        origins=[("kribb", "alumni")],
        model="platform",
        sector="diagnostics software",
        src=gen2,
    )
    s.round("hwaam", "2016-03-02", "seed", [("daedeok-angels", krw_m(900))])

    # Generation 3.
    gen3 = f"illustrative: invented third-generation firm ({RECYCLE_DJ})"
    s.found(
        "tanbang",
        "Tanbang Gene Therapy (illustrative)",
        "2015-09-01",
        DAEJEON,
        founders=["ryu", "song"],
        origins=[("kribb", "spin_off"), ("sintanjin", "alumni")],
        model="rnd",
        sector="AAV gene therapy",
        src=gen3,
    )
    s.license("kribb", "tanbang", "2015-10-01", "AAV vector technology (illustrative)", upfront=krw_m(300))
    s.round("tanbang", "2016-04-01", "seed", [("han", krw_m(1000)), ("daedeok-angels", krw_m(1000))])

    # BioHA: founded 2015 by 15 ventures (the 15 modelled here are fictional stand-ins).
    s.org(
        "bioha",
        "BioHA (Daejeon BioHealthcare Association)",
        "association",
        DAEJEON,
        since="2015-11-02",
        src=f"real: {BIOHA_FACTS}; illustrative: the day",
    )
    founders_of_bioha = [
        "hanbit",
        "daedeok-peptide",
        "gapcheon",
        "sintanjin",
        "wolpyeong",
        "noeun",
        "doan-dx",
        "gung-dong",
        "banseok",
        "sinseong",
        "hwaam",
        "tanbang",
        "daedeok-assay",
        "yuseong-models",
        "daejeon-natural",
    ]
    assert len(founders_of_bioha) == 15
    for firm in founders_of_bioha:
        s.member(firm, "bioha", "2015-11-02", src=f"real: {BIOHA_FACTS}; illustrative: which 15 firms (fictional stand-ins) and the day")
    for firm, name, on in (
        ("alteogen", "Alteogen", "2016-03-02"),
        ("ligachem", "LigaChem Biosciences", "2016-03-02"),
        ("peptron", "Peptron", "2016-06-01"),
        ("curocell", "Curocell", "2017-03-02"),
    ):
        s.member(firm, "bioha", on, src=f"real: context.md: {name} is a BioHA member; illustrative: the join date")
    s.org(
        "bioha-fund",
        "BioHA private investment partnership",
        "investor",
        DAEJEON,
        since="2016-06-01",
        src=f"real: {PARTNERSHIP}; illustrative: its raises, LPs, sizes and investments",
    )
    s.fund(
        "bioha-fund",
        "2016-06-01",
        [
            ("gapcheon", krw_m(5000)),
            ("sintanjin", krw_m(6000)),
            ("noeun", krw_m(6000)),
            ("han", krw_m(3000)),
            ("yoon", krw_m(2000)),
            ("lim", krw_m(2000)),
            ("jang", krw_m(2000)),
            ("oh", krw_m(2000)),
            ("seo", krw_m(1000)),
            ("daedeok-angels", krw_m(1000)),
        ],
        manager="bioha",
        src=f"illustrative: invented first raise; listed alumni firms and exited founders as LPs ({PARTNERSHIP})",
    )

    s.career("jang", "noeun", "2007-11-01", "2016-02-29", role="executive", title="CEO (illustrative)")
    s.found(
        "dunsan",
        "Dunsan Antibody Engineering (illustrative)",
        "2016-03-02",
        DAEJEON,
        founders=["jang"],
        origins=[("lgchem", "alumni"), ("noeun", "alumni")],
        model="rnd",
        sector="bispecific antibodies",
        src=gen3,
    )
    s.round("dunsan", "2016-06-01", "seed", [("noeun", krw_m(2000)), ("lim", krw_m(1000))])
    s.member("dunsan", "bioha", "2016-09-01")

    s.found(
        "gwanpyeong",
        "Gwanpyeong Microbiome (illustrative)",
        "2017-05-15",
        DAEJEON,
        founders=["oh"],
        origins=[("kribb", "alumni")],
        model="rnd",
        sector="microbiome therapeutics",
        src=gen3,
    )
    s.round("banseok", "2017-04-03", "series_a", [("namsan-lsp", krw_m(6000)), ("bioha-fund", krw_m(4000))])
    s.round("tanbang", "2017-06-01", "series_a", [("sintanjin", krw_m(7000)), ("bioha-fund", krw_m(5000))])
    s.round("sinseong", "2017-09-01", "series_a", [("noeun", krw_m(4000)), ("bioha-fund", krw_m(3000))])
    s.member("gwanpyeong", "bioha", "2017-09-01")
    s.round("gwanpyeong", "2018-01-10", "seed", [("daedeok-angels", krw_m(800)), ("seo", krw_m(700))])
    s.round("dunsan", "2018-03-02", "series_a", [("hanbat-invest", krw_m(10_000)), ("bioha-fund", krw_m(5000))])
    s.headcount("tanbang", "2018-12-31", 45)
    s.headcount("gapcheon", "2018-12-31", 560)
    s.round("hwaam", "2019-03-04", "series_a", [("hanbat-invest", krw_m(4000)), ("bioha-fund", krw_m(2000))])
    s.round(
        "tanbang", "2019-05-02", "series_b", [("hangang-vc", krw_m(15_000)), ("yeouido-gc", krw_m(10_000)), ("bioha-fund", krw_m(5000))]
    )
    s.license(
        "noeun",
        "kanto-bio",
        "2019-07-01",
        "ADC linker platform (illustrative)",
        upfront=usd_k(15_000),
        milestones=usd_k(280_000),
        src="illustrative: invented out-licensing deal to a foreign corporation",
    )
    s.headcount("noeun", "2019-12-31", 240)

    s.found(
        "munji",
        "Munji Cell Manufacturing (illustrative)",
        "2019-03-04",
        DAEJEON,
        founders=["choi"],
        origins=[("ochang-cmo", "alumni")],
        model="service",
        sector="cell and gene therapy CDMO",
        src="illustrative: invented third firm of a founder whose first failed (context.md: failure followed by a new attempt)",
    )
    s.round("munji", "2019-09-02", "seed", [("daedeok-angels", krw_m(1000)), ("kang", krw_m(500))])
    s.member("munji", "bioha", "2019-11-01")

    s.found(
        "gajeong",
        "Gajeong Organoid (illustrative)",
        "2019-06-03",
        DAEJEON,
        founders=["moon"],
        origins=[("kribb", "spin_off")],
        model="rnd",
        sector="organoid screening",
        src=gen3,
    )
    s.round("gajeong", "2019-09-02", "seed", [("han", krw_m(700)), ("bioha-fund", krw_m(800))])
    s.member("gajeong", "bioha", "2019-11-01")
    s.round("gwanpyeong", "2020-02-03", "series_a", [("hangang-vc", krw_m(5000)), ("bioha-fund", krw_m(3000))])
    s.headcount("sintanjin", "2020-06-30", 260)
    s.acquired("banseok", "2020-11-10", "kanto-bio", price=krw_m(150_000))
    s.ipo("sinseong", "2020-12-15", "KOSDAQ", market_cap=krw_m(250_000))
    s.relocated("gwanpyeong", "2021-02-01", SEOUL, src="illustrative: invented move to Seoul after a Seoul-led series A")

    s.fund(
        "bioha-fund",
        "2021-03-02",
        [
            ("sintanjin", krw_m(8000)),
            ("noeun", krw_m(8000)),
            ("sinseong", krw_m(6000)),
            ("hanbat-invest", krw_m(5000)),
            ("yeouido-gc", krw_m(5000)),
            ("lim", krw_m(4000)),
            ("oh", krw_m(3000)),
            ("kang", krw_m(3000)),
            ("han", krw_m(3000)),
            ("jang", krw_m(3000)),
            ("kwon", krw_m(2000)),
        ],
        manager="bioha",
        src=f"illustrative: invented second raise, with a Seoul VC among the LPs ({PARTNERSHIP})",
    )
    s.joined("kwon", "gajeong", "2021-03-02", role="advisor", title="scientific advisor (illustrative)")

    # Generation 4.
    gen4 = f"illustrative: invented fourth-generation firm ({RECYCLE_DJ})"
    s.career("baek", "noeun", "2010-03-02", "2020-12-31", role="scientist")
    s.found(
        "jijok",
        "Jijok Radiopharma (illustrative)",
        "2021-04-01",
        DAEJEON,
        founders=["baek"],
        origins=[("noeun", "alumni")],
        model="rnd",
        sector="radiopharmaceuticals",
        src=gen4,
    )
    s.ipo("tanbang", "2021-08-10", "KOSDAQ", market_cap=krw_m(520_000), raised=krw_m(60_000))
    s.round("jijok", "2021-10-01", "seed", [("noeun", krw_m(2000)), ("jang", krw_m(1000))])
    s.member("jijok", "bioha", "2021-11-01")
    s.license(
        "dunsan",
        "northfield",
        "2021-05-03",
        "bispecific T-cell engager (illustrative)",
        upfront=usd_k(10_000),
        milestones=usd_k(410_000),
        src="illustrative: invented big out-licensing deal to a foreign corporation",
    )
    s.career("song", "tanbang", "2015-09-01", "2022-01-28", role="executive", title="CTO (illustrative)")
    s.found(
        "daehwa",
        "Daehwa Protein Design (illustrative)",
        "2022-03-02",
        DAEJEON,
        founders=["song"],
        origins=[("kribb", "alumni"), ("tanbang", "alumni")],
        model="rnd",
        sector="computational protein design",
        src=gen4,
    )
    s.round("munji", "2022-03-02", "series_a", [("tanbang", krw_m(5000)), ("bioha-fund", krw_m(3000))])
    s.round("gajeong", "2022-04-01", "series_a", [("namsan-lsp", krw_m(6000)), ("tanbang", krw_m(3000))])
    s.ipo("dunsan", "2022-06-15", "KOSDAQ", market_cap=krw_m(300_000))
    s.round("daehwa", "2022-09-01", "seed", [("tanbang", krw_m(2000)), ("ryu", krw_m(1000))])
    s.member("daehwa", "bioha", "2022-11-01")
    s.headcount("tanbang", "2022-12-31", 150)
    s.found(
        "eoeun",
        "Eoeun Oligo Therapeutics (illustrative)",
        "2023-01-02",
        DAEJEON,
        founders=["jang"],
        origins=[("lgchem", "alumni"), ("dunsan", "alumni")],
        model="rnd",
        sector="oligonucleotide therapeutics",
        src=gen4,
    )
    s.round("eoeun", "2023-06-01", "seed", [("dunsan", krw_m(2000)), ("lim", krw_m(2000))])
    s.member("eoeun", "bioha", "2023-11-01")
    s.acquired("gwanpyeong", "2023-09-01", "hanyang-pharma", price=krw_m(90_000))
    s.headcount("hwaam", "2023-12-31", 45)
    s.round("jijok", "2024-02-01", "series_a", [("yeouido-gc", krw_m(8000)), ("bioha-fund", krw_m(4000))])
    s.round("daehwa", "2024-05-02", "series_a", [("hangang-vc", krw_m(10_000)), ("bioha-fund", krw_m(5000))])
    s.headcount("dunsan", "2024-06-30", 140)
    s.headcount("munji", "2024-06-30", 60)
    s.headcount("hanbit", "2016-12-31", 320)
    return s


# ---- BioHealth Capital Region ------------------------------------------------------------------


def md(city: str) -> Json:
    return loc("US", "US-MD", city)


def va(city: str) -> Json:
    return loc("US", "US-VA", city)


DC = loc("US", "US-DC", "Washington")
ANCHORS = (
    "context.md: the BHCR (Maryland, Virginia, Washington DC) has 70+ federal agencies and labs "
    "(NIH, FDA, NCI, Walter Reed Army Institute of Research), Johns Hopkins and University of Maryland"
)
SERVICE_ERA = (
    "context.md: in the 1970s BHCR firms were mostly service firms (clinical trials, cell culture, reagents, test kits) "
    "under NIH and Department of Defense contracts, many founded by NIH / Walter Reed alumni"
)
RECYCLE_US = (
    "context.md: founders and investors of BHCR firms that went public or were bought by multinationals reinvested in "
    "new local start-ups, and the structure upgraded from service to R&D firms"
)
OVERLOOKED = "context.md: entrepreneurs who had sold a firm sought out overlooked local service firms to back"
AROUND_2010 = "context.md: around 2010 the cluster became competitive as many exited founders and investors appeared"
SCALE = (
    "context.md: firms of 500+ employees appeared; employment grew about 25% a year after 2003, to about 56,000 bio-industry "
    "employees in 2016 (real cluster figures; the modelled firms are a small subset)"
)
CONTRACT = "illustrative: {agency} contract modelled as a grant round, amount invented ({era})"


def bhcr() -> Scenario:
    s = Scenario(
        slug="bhcr",
        prefix="bhcr",
        label="BioHealth Capital Region",
        description=(
            "BioHealth Capital Region (US-MD, US-VA, US-DC) demo: NIH, NCI, FDA, Walter Reed, Johns Hopkins and University "
            "of Maryland alumni found service firms in the 1970s-80s under NIH/DoD contracts; some go public or are bought "
            "by multinationals, and their founders and investors back new local start-ups, increasingly R&D firms, and "
            "overlooked service firms; around 2010 exited founders pool money in a local fund; firms of 500+ employees "
            "appear. Real (../shared/context.md): the anchors, the service-to-R&D path, the recycling pattern, 2014 "
            "venture inflow about $319.65M (4th in the US), employment growth about 25% a year after 2003, about 56,000 "
            "bio-industry employees in 2016 (the modelled firms are a small subset of these). Everything else (people, "
            "firms, dates, amounts) is illustrative; see each event's source."
        ),
    )
    since = "1960-01-01"
    s.org("nih", "NIH (National Institutes of Health)", "government", md("Bethesda"), since=since, src=f"real: {ANCHORS}")
    s.org("nci", "NCI (National Cancer Institute)", "research_institute", md("Bethesda"), since=since, src=f"real: {ANCHORS}")
    s.org("fda", "FDA (US Food and Drug Administration)", "government", loc("US", "US-MD"), since=since, src=f"real: {ANCHORS}")
    s.org("wrair", "Walter Reed Army Institute of Research", "research_institute", loc("US", "US-MD"), since=since, src=f"real: {ANCHORS}")
    s.org("jhu", "Johns Hopkins University", "university", md("Baltimore"), since=since, src=f"real: {ANCHORS}")
    s.org("umd", "University of Maryland", "university", loc("US", "US-MD"), since=since, src=f"real: {ANCHORS}")
    s.org(
        "dod",
        "US Department of Defense",
        "government",
        va("Arlington"),
        since=since,
        src="real: context.md: 1970s BHCR service firms worked under Department of Defense contracts",
    )
    s.org("old-line", "Old Line Bio Ventures (illustrative)", "investor", md("Baltimore"), since="1975-01-01")
    s.org("beltway-angels", "Beltway Angels (illustrative)", "investor", va("Tysons"), since="1975-01-01")
    s.org("chesapeake-growth", "Chesapeake Growth Partners (illustrative)", "investor", md("Annapolis"), since="1995-01-02")
    s.org("sand-hill", "Sand Hill Life Partners (illustrative)", "investor", loc("US", "US-CA"), since="1975-01-01")
    s.org("back-bay", "Back Bay Bio Capital (illustrative)", "investor", loc("US", "US-MA"), since="1975-01-01")
    s.org("hudson-health", "Hudson Healthcare Equity (illustrative)", "investor", loc("US", "US-NY"), since="1975-01-01")
    multinational = (
        "illustrative: invented multinational acquirer outside the region (context.md: some firms were bought by multinationals)"
    )
    s.org("hartwell", "Hartwell Diagnostics plc (illustrative)", "corporation", loc("GB"), since="1970-01-01", src=multinational)
    s.org("basel-life", "Basel Life Sciences AG (illustrative)", "corporation", loc("CH"), since="1970-01-01", src=multinational)
    s.org(
        "garden-state",
        "Garden State Pharmaceuticals Inc. (illustrative)",
        "corporation",
        loc("US", "US-NJ"),
        since="1970-01-01",
        src=multinational,
    )
    s.org("lakeshore", "Lakeshore Medical Corp. (illustrative)", "corporation", loc("US", "US-IL"), since="1970-01-01", src=multinational)

    people = [
        ("whitcomb", "Harold Whitcomb (illustrative)", md("Potomac"), "nih", "1966-09-01", "1973-03-30", "post-doctoral fellow"),
        ("delaney", "Ruth Delaney (illustrative)", md("Bethesda"), "nci", "1968-07-01", "1975-01-31", "visiting researcher"),
        ("brandt", "Samuel Brandt (illustrative)", md("Baltimore"), "jhu", "1970-09-01", "1977-06-30", "research associate"),
        ("vasquez", "Irene Vasquez (illustrative)", md("Frederick"), "wrair", "1972-07-03", "1979-02-28", "research microbiologist"),
        ("haddad", "George Haddad (illustrative)", md("Bethesda"), "nih", "1971-09-01", "1978-06-30", "post-doctoral fellow"),
        ("mercer", "Diane Mercer (illustrative)", md("Gaithersburg"), "fda", "1974-01-02", "1981-01-30", "reviewer"),
        ("lindqvist", "Walter Lindqvist (illustrative)", md("Columbia"), "umd", "1975-09-02", "1982-01-29", "research associate"),
        ("okafor", "Thomas Okafor (illustrative)", va("Vienna"), "wrair", "1977-07-01", "1984-05-31", "visiting researcher"),
        ("calloway", "Marcus Calloway (illustrative)", md("Rockville"), "nih", "1980-07-01", "1986-08-29", "post-doctoral fellow"),
        ("hpark", "Helen Park (illustrative)", md("Gaithersburg"), "wrair", "1982-09-01", "1988-01-29", "research scientist"),
        ("brooks", "Imani Brooks (illustrative)", md("Bethesda"), "nci", "1992-09-01", "1999-03-31", "post-doctoral fellow"),
        ("raman", "Priya Raman (illustrative)", md("Baltimore"), "jhu", "2006-09-01", "2014-01-31", "post-doctoral fellow"),
        ("reyes", "Marisol Reyes (illustrative)", md("College Park"), "umd", "2010-09-01", "2020-03-31", "research scientist"),
        # Co-founders who cash out and do not come back.
        ("jennings", "Carol Jennings (illustrative)", md("Rockville"), "nih", "1967-09-01", "1973-03-30", "post-doctoral fellow"),
        ("marsh", "Edwin Marsh (illustrative)", md("Frederick"), "wrair", "1973-07-02", "1979-02-28", "research chemist"),
        ("sato", "Kenji Sato (illustrative)", md("Rockville"), "nih", "1990-09-04", "1999-03-31", "visiting researcher"),
    ]
    for key, name, where, employer, start, end, title in people:
        s.person(key, name, where, since=start)
        s.career(key, employer, start, end, title=f"{title} (illustrative)")
    s.person("ortega", "Luis Ortega (illustrative)", md("Frederick"), since="1998-03-02")
    s.person("whitfield", "Grace Whitfield (illustrative)", md("Laurel"), since="2005-01-03")
    s.person("kessler", "Daniel Kessler (illustrative)", md("Silver Spring"), since="2012-01-03")
    s.person("adeyemi", "Olu Adeyemi (illustrative)", md("Rockville"), since="2012-03-01")
    s.person("feld", "Nora Feld (illustrative)", loc("US", "US-MA", "Cambridge"), since="2008-01-02")

    # Generation 1: service firms of the 1970s-80s under NIH / DoD contracts.
    gen1 = f"illustrative: invented service firm ({SERVICE_ERA})"
    s.found(
        "rockville-cra",
        "Rockville Clinical Research Associates (illustrative)",
        "1973-06-01",
        md("Rockville"),
        founders=["whitcomb", "jennings"],
        origins=[("nih", "alumni")],
        model="service",
        sector="clinical trial management",
        src=gen1,
    )
    s.round("rockville-cra", "1974-01-15", "grant", [("nih", usd_k(350))], src=CONTRACT.format(agency="NIH", era=SERVICE_ERA))
    s.found(
        "potomac-cell",
        "Potomac Cell Culture Laboratories (illustrative)",
        "1975-03-03",
        md("Bethesda"),
        founders=["delaney"],
        origins=[("nci", "alumni")],
        model="service",
        sector="cell culture media and services",
        src=gen1,
    )
    s.round("potomac-cell", "1976-02-02", "grant", [("nci", usd_k(500))], src=CONTRACT.format(agency="NCI", era=SERVICE_ERA))
    s.found(
        "chesapeake-reagents",
        "Chesapeake Reagents Inc. (illustrative)",
        "1977-09-01",
        md("Baltimore"),
        founders=["brandt"],
        origins=[("jhu", "alumni")],
        model="service",
        sector="research reagents",
        src=gen1,
    )
    s.found(
        "bethesda-biosvc",
        "Bethesda Biologic Services (illustrative)",
        "1978-10-02",
        md("Bethesda"),
        founders=["haddad"],
        origins=[("nih", "alumni")],
        model="service",
        sector="laboratory animal models",
        src=gen1,
    )
    s.round("rockville-cra", "1979-04-02", "series_a", [("old-line", usd_k(1200))])
    s.round("bethesda-biosvc", "1979-05-01", "grant", [("nih", usd_k(200))], src=CONTRACT.format(agency="NIH", era=SERVICE_ERA))
    s.found(
        "frederick-kits",
        "Frederick Test Kits Corp. (illustrative)",
        "1979-05-01",
        md("Frederick"),
        founders=["vasquez", "marsh"],
        origins=[("wrair", "alumni")],
        model="service",
        sector="diagnostic test kits",
        src=gen1,
    )
    s.round("chesapeake-reagents", "1979-10-01", "seed", [("beltway-angels", usd_k(300))])
    s.round("frederick-kits", "1980-03-03", "grant", [("dod", usd_k(800))], src=CONTRACT.format(agency="DoD", era=SERVICE_ERA))
    s.round("potomac-cell", "1980-06-02", "series_a", [("old-line", usd_k(1000)), ("back-bay", usd_k(500))])
    s.headcount("rockville-cra", "1980-12-31", 90)
    s.found(
        "gaithersburg-assay",
        "Gaithersburg Assay Services (illustrative)",
        "1981-04-01",
        md("Gaithersburg"),
        founders=["mercer"],
        origins=[("fda", "alumni")],
        model="service",
        sector="bioanalytical assays",
        src=gen1,
    )
    s.found(
        "columbia-lab",
        "Columbia Contract Laboratories (illustrative)",
        "1982-02-01",
        md("Columbia"),
        founders=["lindqvist"],
        origins=[("umd", "alumni")],
        model="service",
        sector="contract laboratory testing",
        src=gen1,
    )
    s.round("frederick-kits", "1983-07-01", "series_a", [("old-line", usd_k(1500)), ("back-bay", usd_k(1000))])
    s.headcount("potomac-cell", "1983-12-31", 150)
    s.round("gaithersburg-assay", "1984-02-01", "seed", [("beltway-angels", usd_k(400))])
    s.found(
        "tysons-virology",
        "Tysons Virology Services (illustrative)",
        "1984-07-02",
        va("Tysons"),
        founders=["okafor"],
        origins=[("wrair", "alumni")],
        model="service",
        sector="virology testing",
        src=gen1,
    )
    s.ipo(
        "potomac-cell",
        "1984-10-10",
        "NASDAQ",
        market_cap=usd_k(60_000),
        src="illustrative: invented listing (context.md: some service firms went public)",
    )
    s.round("tysons-virology", "1985-04-01", "grant", [("dod", usd_k(600))], src=CONTRACT.format(agency="DoD", era=SERVICE_ERA))
    s.headcount("rockville-cra", "1986-12-31", 260)
    s.acquired("rockville-cra", "1987-05-15", "hartwell", price=usd_k(45_000), src=multinational)

    # Generation 2: the first exits' founders and investors back new, increasingly R&D, firms.
    gen2 = f"illustrative: invented firm of the second generation ({RECYCLE_US})"
    s.found(
        "shady-grove",
        "Shady Grove Genetics (illustrative)",
        "1986-09-02",
        md("Rockville"),
        founders=["delaney", "calloway"],
        origins=[("nih", "alumni"), ("potomac-cell", "alumni")],
        model="rnd",
        sector="gene-based diagnostics and therapeutics",
        src=gen2,
    )
    s.round("shady-grove", "1987-11-02", "series_a", [("sand-hill", usd_k(2000)), ("old-line", usd_k(2000))])
    s.found(
        "patuxent",
        "Patuxent Vaccines (illustrative)",
        "1988-03-01",
        md("Silver Spring"),
        founders=["whitcomb", "hpark"],
        origins=[("wrair", "spin_off")],
        model="rnd",
        sector="vaccines",
        src=gen2,
    )
    s.round("tysons-virology", "1988-05-02", "series_a", [("hudson-health", usd_k(1200)), ("beltway-angels", usd_k(800))])
    s.headcount("frederick-kits", "1988-12-31", 220)
    s.closed("bethesda-biosvc", "1988-12-30", "lost its main NIH contract (illustrative)")
    s.round("patuxent", "1989-06-01", "seed", [("old-line", usd_k(1000))])
    s.ipo(
        "frederick-kits",
        "1989-06-15",
        "NASDAQ",
        market_cap=usd_k(85_000),
        src="illustrative: invented listing (context.md: some service firms went public)",
    )
    s.round("patuxent", "1989-09-01", "grant", [("dod", usd_k(1500))], src=CONTRACT.format(agency="DoD", era="vaccine development"))
    s.round("shady-grove", "1989-09-01", "series_b", [("sand-hill", usd_k(5000)), ("back-bay", usd_k(4000)), ("whitcomb", usd_k(1000))])
    s.acquired("chesapeake-reagents", "1990-02-01", "garden-state", price=usd_k(38_000), src=multinational)
    s.found(
        "catoctin",
        "Catoctin Bioprocessing (illustrative)",
        "1990-08-01",
        md("Frederick"),
        founders=["vasquez"],
        origins=[("wrair", "alumni"), ("frederick-kits", "alumni")],
        model="service",
        sector="biologics contract manufacturing",
        src=gen2,
    )
    s.headcount("potomac-cell", "1990-12-31", 310)
    s.round("patuxent", "1991-04-01", "series_a", [("back-bay", usd_k(6000)), ("potomac-cell", usd_k(2000))])
    s.found(
        "severn-protein",
        "Severn Protein Sciences (illustrative)",
        "1991-05-01",
        md("Annapolis"),
        founders=["brandt"],
        origins=[("jhu", "alumni")],
        model="rnd",
        sector="protein engineering",
        src=gen2,
    )
    s.round("catoctin", "1991-05-01", "seed", [("old-line", usd_k(2000))])
    s.round("severn-protein", "1992-03-02", "seed", [("old-line", usd_k(800)), ("beltway-angels", usd_k(700))])
    s.acquired("gaithersburg-assay", "1993-08-02", "lakeshore", price=usd_k(52_000), src=multinational)
    s.found(
        "montgomery-immuno",
        "Montgomery Immunoassays (illustrative)",
        "1994-05-02",
        md("Germantown"),
        founders=["mercer"],
        origins=[("fda", "alumni")],
        model="service",
        sector="immunoassay development",
        src=gen2,
    )
    s.round("severn-protein", "1994-06-01", "series_a", [("hudson-health", usd_k(5000)), ("sand-hill", usd_k(4000))])
    s.headcount("shady-grove", "1994-12-31", 140)
    s.round("montgomery-immuno", "1995-03-01", "seed", [("vasquez", usd_k(600)), ("beltway-angels", usd_k(600))])
    s.ipo("shady-grove", "1995-04-20", "NASDAQ", market_cap=usd_k(240_000))
    s.acquired(
        "tysons-virology",
        "1995-09-01",
        "hartwell",
        price=usd_k(70_000),
        src=f"{multinational}; proceeds: founders and equity investors, not DoD",
    )
    s.round("catoctin", "1995-10-02", "growth", [("chesapeake-growth", usd_k(6000)), ("hudson-health", usd_k(6000))])
    s.headcount("catoctin", "1995-12-31", 150)
    s.headcount("columbia-lab", "1995-12-31", 80)
    s.round(
        "columbia-lab",
        "1996-03-01",
        "growth",
        [("whitcomb", usd_k(1500)), ("brandt", usd_k(1500)), ("old-line", usd_k(1000))],
        src=f"illustrative: invented first outside round of a 14-year-old service firm ({OVERLOOKED})",
    )
    s.found(
        "rock-creek",
        "Rock Creek Therapeutics (illustrative)",
        "1996-06-03",
        DC,
        founders=["okafor", "haddad"],
        origins=[("wrair", "alumni")],
        model="rnd",
        sector="antiviral small molecules",
        src=gen2,
    )
    s.round("rock-creek", "1997-02-03", "seed", [("beltway-angels", usd_k(1000)), ("hudson-health", usd_k(500))])
    s.headcount("severn-protein", "1997-12-31", 110)
    s.ipo("severn-protein", "1998-02-10", "NASDAQ", market_cap=usd_k(180_000))
    s.acquired("frederick-kits", "1998-11-02", "lakeshore", price=usd_k(150_000), src=multinational)

    # Generation 3: R&D firms.
    gen3 = f"illustrative: invented R&D firm of the third generation ({RECYCLE_US})"
    s.found(
        "twinbrook",
        "Twinbrook Oncology (illustrative)",
        "1999-05-03",
        md("Rockville"),
        founders=["brooks", "sato"],
        origins=[("nci", "spin_off")],
        model="rnd",
        sector="oncology antibodies",
        src=gen3,
    )
    s.acquired(
        "patuxent",
        "1999-06-01",
        "basel-life",
        price=usd_k(310_000),
        src=f"{multinational}; proceeds: founders and equity investors, not DoD",
    )
    s.license("nci", "twinbrook", "1999-06-01", "tumour antigen patent (illustrative)", upfront=usd_k(100))
    s.round("rock-creek", "1999-08-02", "series_a", [("hudson-health", usd_k(3000)), ("sand-hill", usd_k(3000))])
    s.round("twinbrook", "1999-10-01", "seed", [("delaney", usd_k(1000)), ("calloway", usd_k(1000))])
    s.joined("delaney", "twinbrook", "1999-10-01", role="board", title="director (illustrative)")
    s.found(
        "seneca",
        "Seneca Antibodies (illustrative)",
        "2000-03-01",
        md("Gaithersburg"),
        founders=["hpark"],
        origins=[("wrair", "alumni"), ("patuxent", "alumni")],
        model="rnd",
        sector="antibodies for infectious disease",
        src=gen3,
    )
    s.round("seneca", "2000-09-01", "seed", [("whitcomb", usd_k(1500)), ("old-line", usd_k(1000))])
    s.found(
        "bay-bridge",
        "Bay Bridge Genomics (illustrative)",
        "2001-02-01",
        md("Annapolis"),
        founders=["calloway"],
        origins=[("nih", "alumni"), ("shady-grove", "alumni")],
        model="platform",
        sector="genomics tools",
        src=gen3,
    )
    s.license(
        "severn-protein", "garden-state", "2001-05-01", "engineered enzyme (illustrative)", upfront=usd_k(25_000), milestones=usd_k(200_000)
    )
    s.round("twinbrook", "2001-06-01", "series_a", [("sand-hill", usd_k(10_000)), ("old-line", usd_k(5000))])
    s.round("bay-bridge", "2001-09-04", "seed", [("delaney", usd_k(1500))])
    s.found(
        "linganore",
        "Linganore Biodefense (illustrative)",
        "2002-01-15",
        md("Frederick"),
        founders=["brandt"],
        origins=[("wrair", "license")],
        model="rnd",
        sector="biodefense countermeasures",
        src=gen3,
    )
    s.license("wrair", "linganore", "2002-03-01", "countermeasure candidate (illustrative)", upfront=usd_k(200))
    s.round("linganore", "2002-09-03", "grant", [("dod", usd_k(5000))], src=CONTRACT.format(agency="DoD", era="biodefense development"))
    s.acquired("montgomery-immuno", "2002-10-01", "lakeshore", price=usd_k(95_000), src=multinational)
    s.round("linganore", "2003-02-03", "series_a", [("hudson-health", usd_k(6000)), ("old-line", usd_k(4000))])
    s.round("seneca", "2003-04-01", "series_a", [("back-bay", usd_k(7000)), ("chesapeake-growth", usd_k(5000))])
    s.found(
        "falls-church-dx",
        "Falls Church Diagnostics (illustrative)",
        "2003-05-01",
        va("Falls Church"),
        founders=["okafor"],
        origins=[("wrair", "alumni")],
        model="service",
        sector="molecular diagnostics laboratory",
        src=gen3,
    )
    s.round("bay-bridge", "2003-11-03", "series_a", [("sand-hill", usd_k(8000))])
    for firm, n in (("catoctin", 420), ("columbia-lab", 260), ("severn-protein", 260), ("shady-grove", 450)):
        s.headcount(firm, "2003-12-31", n, src=f"illustrative: invented headcount, the 2003 baseline ({SCALE})")
    s.round("falls-church-dx", "2004-02-02", "seed", [("beltway-angels", usd_k(1500))])
    s.round("twinbrook", "2004-03-01", "series_b", [("back-bay", usd_k(25_000)), ("chesapeake-growth", usd_k(15_000))])
    s.closed("rock-creek", "2004-06-30", "failed phase 1 (illustrative)")
    s.ipo("catoctin", "2005-05-10", "NASDAQ", market_cap=usd_k(600_000))
    s.found(
        "anacostia",
        "Anacostia Health Analytics (illustrative)",
        "2005-06-01",
        DC,
        founders=["mercer"],
        origins=[("fda", "alumni")],
        model="platform",
        sector="clinical trial data analytics",
        src=gen3,
    )
    s.round("anacostia", "2006-02-01", "seed", [("vasquez", usd_k(1000)), ("beltway-angels", usd_k(1000))])
    s.acquired("bay-bridge", "2006-08-01", "hartwell", price=usd_k(150_000), src=multinational)
    s.headcount("twinbrook", "2006-12-31", 120)
    s.headcount("seneca", "2007-12-31", 140)
    s.ipo("twinbrook", "2007-06-12", "NASDAQ", market_cap=usd_k(420_000), raised=usd_k(80_000))
    s.acquired("seneca", "2008-04-01", "garden-state", price=usd_k(520_000), src=multinational)
    s.found(
        "charles-river-prot",
        "Charles River Proteomics (illustrative)",
        "2008-06-02",
        loc("US", "US-MA", "Cambridge"),
        founders=["feld"],
        model="rnd",
        sector="proteomics",
        src="illustrative: invented Boston firm where BHCR exit money lands (a hop out of the region)",
    )
    for firm, n in (("catoctin", 560), ("columbia-lab", 420), ("linganore", 150), ("falls-church-dx", 90), ("shady-grove", 520)):
        s.headcount(firm, "2008-12-31", n, src=f"illustrative: invented headcount ({SCALE})")

    # Generation 4: around 2010, exited founders and listed firms pool money and back new R&D firms.
    gen4 = f"illustrative: invented firm of the fourth generation ({RECYCLE_US}; {AROUND_2010})"
    s.career("brooks", "twinbrook", "1999-05-03", "2009-03-31", role="executive", title="CEO (illustrative)")
    s.found(
        "cabin-john",
        "Cabin John Immunotherapy (illustrative)",
        "2009-04-01",
        md("Bethesda"),
        founders=["brooks"],
        origins=[("nci", "alumni"), ("twinbrook", "alumni")],
        model="rnd",
        sector="cell-based cancer immunotherapy",
        src=gen4,
    )
    s.license("twinbrook", "basel-life", "2009-02-02", "oncology antibody (illustrative)", upfront=usd_k(50_000), milestones=usd_k(500_000))
    s.round(
        "charles-river-prot", "2009-05-01", "series_a", [("back-bay", usd_k(10_000)), ("sand-hill", usd_k(5000)), ("calloway", usd_k(1000))]
    )
    s.round("cabin-john", "2009-10-01", "seed", [("twinbrook", usd_k(1500)), ("delaney", usd_k(1500))])
    s.acquired("shady-grove", "2009-11-02", "basel-life", price=usd_k(2_400_000), src=multinational)
    s.found(
        "great-falls",
        "Great Falls Biologics (illustrative)",
        "2010-05-03",
        va("Great Falls"),
        founders=["hpark"],
        origins=[("wrair", "alumni"), ("seneca", "alumni")],
        model="rnd",
        sector="biodefense vaccines",
        src=gen4,
    )
    s.headcount("twinbrook", "2010-12-31", 310)
    s.org("potomac-founders", "Potomac Founders Fund (illustrative)", "investor", md("Rockville"), since="2010-09-15")
    s.fund(
        "potomac-founders",
        "2010-09-15",
        [
            ("brooks", usd_k(10_000)),
            ("hpark", usd_k(15_000)),
            ("calloway", usd_k(10_000)),
            ("delaney", usd_k(10_000)),
            ("vasquez", usd_k(10_000)),
            ("whitcomb", usd_k(5000)),
            ("mercer", usd_k(5000)),
            ("twinbrook", usd_k(20_000)),
            ("catoctin", usd_k(15_000)),
            ("old-line", usd_k(15_000)),
        ],
        src=f"illustrative: invented fund of exited founders, listed alumni firms and a local VC ({AROUND_2010})",
    )
    s.round("great-falls", "2010-11-01", "seed", [("whitcomb", usd_k(1500)), ("beltway-angels", usd_k(1500))])
    s.found(
        "glen-echo",
        "Glen Echo Gene Therapy (illustrative)",
        "2011-03-01",
        md("Rockville"),
        founders=["calloway"],
        origins=[("nih", "alumni")],
        model="rnd",
        sector="gene therapy",
        src=gen4,
    )
    s.round("great-falls", "2011-03-01", "grant", [("dod", usd_k(8000))], src=CONTRACT.format(agency="DoD", era="biodefense development"))
    s.round("cabin-john", "2011-06-01", "series_a", [("back-bay", usd_k(12_000)), ("potomac-founders", usd_k(8000))])
    s.acquired(
        "linganore",
        "2011-07-01",
        "hartwell",
        price=usd_k(380_000),
        src=f"{multinational}; proceeds: founders and equity investors, not DoD",
    )
    s.round("glen-echo", "2011-09-01", "seed", [("potomac-founders", usd_k(2000)), ("twinbrook", usd_k(2000))])
    s.career("ortega", "catoctin", "1998-03-02", "2012-02-29", role="executive", title="operations director (illustrative)")
    s.found(
        "monocacy",
        "Monocacy Bioanalytics (illustrative)",
        "2012-04-02",
        md("Frederick"),
        founders=["ortega"],
        origins=[("catoctin", "alumni")],
        model="service",
        sector="bioanalytical services",
        src=gen4,
    )
    s.round("great-falls", "2012-08-01", "series_a", [("chesapeake-growth", usd_k(10_000)), ("potomac-founders", usd_k(8000))])
    for firm, n in (("catoctin", 720), ("columbia-lab", 610), ("twinbrook", 420), ("falls-church-dx", 160)):
        s.headcount(firm, "2012-12-31", n, src=f"illustrative: invented headcount ({SCALE})")
    s.round("monocacy", "2013-01-15", "seed", [("vasquez", usd_k(1500))], src=f"illustrative: invented round ({OVERLOOKED})")
    s.acquired("anacostia", "2013-04-01", "garden-state", price=usd_k(60_000), src=multinational)
    s.round(
        "cabin-john",
        "2013-09-03",
        "series_b",
        [("sand-hill", usd_k(30_000)), ("hudson-health", usd_k(20_000)), ("potomac-founders", usd_k(10_000))],
    )
    s.found(
        "hyattsville",
        "Hyattsville RNA Therapeutics (illustrative)",
        "2014-02-03",
        md("Hyattsville"),
        founders=["raman"],
        origins=[("jhu", "spin_off")],
        model="rnd",
        sector="RNA therapeutics",
        src=gen4,
    )
    s.round(
        "glen-echo",
        "2014-05-01",
        "series_a",
        [("sand-hill", usd_k(15_000)), ("potomac-founders", usd_k(10_000))],
        src="illustrative: invented round (context.md: 2014 BHCR venture inflow was about $319.65M, 4th in the US; this is a small part)",
    )
    s.round("hyattsville", "2014-08-01", "seed", [("brandt", usd_k(2000)), ("potomac-founders", usd_k(2000))])
    s.headcount("falls-church-dx", "2014-06-30", 210)
    s.headcount("twinbrook", "2014-12-31", 540)
    s.headcount("cabin-john", "2014-12-31", 180)
    s.acquired("falls-church-dx", "2014-09-02", "lakeshore", price=usd_k(260_000), src=multinational)
    s.ipo("cabin-john", "2015-10-08", "NASDAQ", market_cap=usd_k(1_200_000), raised=usd_k(150_000))
    s.fund(
        "potomac-founders",
        "2016-04-01",
        [
            ("brooks", usd_k(20_000)),
            ("cabin-john", usd_k(30_000)),
            ("hpark", usd_k(10_000)),
            ("calloway", usd_k(10_000)),
            ("okafor", usd_k(5000)),
            ("mercer", usd_k(5000)),
            ("old-line", usd_k(20_000)),
            ("sand-hill", usd_k(20_000)),
        ],
        src="illustrative: invented second fund, with a non-local VC among the LPs",
    )
    s.career("kessler", "cabin-john", "2012-01-03", "2018-12-31", role="scientist")
    s.found(
        "clarksburg",
        "Clarksburg Gene Editing (illustrative)",
        "2016-06-01",
        md("Clarksburg"),
        founders=["brooks"],
        origins=[("nci", "alumni"), ("cabin-john", "alumni")],
        model="rnd",
        sector="gene editing",
        src=gen4,
    )
    for firm, n in (
        ("catoctin", 950),
        ("columbia-lab", 780),
        ("twinbrook", 680),
        ("cabin-john", 360),
        ("great-falls", 210),
        ("glen-echo", 95),
        ("monocacy", 85),
        ("hyattsville", 40),
        ("clarksburg", 12),
    ):
        s.headcount(firm, "2016-12-31", n, src=f"illustrative: invented headcount ({SCALE})")
    s.round("hyattsville", "2016-11-01", "series_a", [("hudson-health", usd_k(20_000)), ("old-line", usd_k(10_000))])
    s.round("clarksburg", "2016-12-01", "seed", [("cabin-john", usd_k(5000)), ("potomac-founders", usd_k(5000))])
    s.acquired("columbia-lab", "2017-03-01", "basel-life", price=usd_k(900_000), src=multinational)
    s.headcount("glen-echo", "2017-12-31", 140)

    # Generation 5.
    gen5 = f"illustrative: invented firm of the fifth generation ({RECYCLE_US})"
    s.career("whitfield", "catoctin", "2005-01-03", "2017-06-30", role="executive", title="manufacturing director (illustrative)")
    s.found(
        "laurel",
        "Laurel Cell Manufacturing (illustrative)",
        "2017-08-01",
        md("Laurel"),
        founders=["whitfield"],
        origins=[("catoctin", "alumni")],
        model="service",
        sector="cell therapy manufacturing",
        src=gen5,
    )
    s.round(
        "laurel",
        "2017-11-01",
        "seed",
        [("lindqvist", usd_k(2000)), ("old-line", usd_k(1500))],
        src=f"illustrative: invented round ({OVERLOOKED})",
    )
    s.acquired(
        "great-falls",
        "2018-03-01",
        "basel-life",
        price=usd_k(600_000),
        src=f"{multinational}; proceeds: founders and equity investors, not DoD",
    )
    s.ipo("glen-echo", "2018-06-14", "NASDAQ", market_cap=usd_k(900_000))
    s.found(
        "olney",
        "Olney Vaccine Platforms (illustrative)",
        "2018-09-04",
        md("Olney"),
        founders=["hpark"],
        origins=[("wrair", "alumni"), ("great-falls", "alumni")],
        model="rnd",
        sector="mRNA vaccine platforms",
        src=gen5,
    )
    s.round("olney", "2019-01-15", "seed", [("potomac-founders", usd_k(3000)), ("chesapeake-growth", usd_k(2000))])
    s.found(
        "silver-spring-io",
        "Silver Spring Immuno-Oncology (illustrative)",
        "2019-02-01",
        md("Silver Spring"),
        founders=["kessler"],
        origins=[("cabin-john", "alumni")],
        model="rnd",
        sector="immuno-oncology",
        src=gen5,
    )
    s.round("clarksburg", "2019-03-01", "series_a", [("sand-hill", usd_k(30_000)), ("potomac-founders", usd_k(10_000))])
    s.round("silver-spring-io", "2019-06-03", "seed", [("cabin-john", usd_k(5000)), ("brooks", usd_k(2000))])
    s.career("adeyemi", "glen-echo", "2012-03-01", "2019-12-20", role="scientist")
    s.found(
        "kensington",
        "Kensington Capsid Bio (illustrative)",
        "2020-01-06",
        md("Kensington"),
        founders=["adeyemi", "calloway"],
        origins=[("glen-echo", "alumni")],
        model="rnd",
        sector="capsid engineering",
        src=gen5,
    )
    s.found(
        "takoma",
        "Takoma Park Sample Logistics (illustrative)",
        "2020-05-04",
        md("Takoma Park"),
        founders=["reyes"],
        origins=[("umd", "alumni")],
        model="service",
        sector="clinical sample logistics",
        src=gen5,
    )
    s.round("kensington", "2020-06-01", "seed", [("glen-echo", usd_k(3000)), ("calloway", usd_k(2000))])
    s.round("takoma", "2020-10-01", "seed", [("lindqvist", usd_k(1500))], src=f"illustrative: invented round ({OVERLOOKED})")
    s.joined("lindqvist", "takoma", "2020-10-01", role="mentor")
    s.headcount("cabin-john", "2020-12-31", 620)
    s.headcount("clarksburg", "2020-12-31", 230)
    s.found(
        "arlington-bio",
        "Arlington Biothreat Analytics (illustrative)",
        "2021-03-01",
        va("Arlington"),
        founders=["okafor"],
        origins=[("wrair", "alumni")],
        model="rnd",
        sector="biothreat detection",
        src=gen5,
    )
    s.ipo("clarksburg", "2021-04-15", "NASDAQ", market_cap=usd_k(1_500_000))
    s.round("olney", "2021-05-03", "series_a", [("back-bay", usd_k(20_000)), ("potomac-founders", usd_k(8000))])
    s.acquired("monocacy", "2021-06-01", "lakeshore", price=usd_k(120_000), src=multinational)
    s.round("arlington-bio", "2021-06-01", "seed", [("potomac-founders", usd_k(2000)), ("beltway-angels", usd_k(1000))])
    s.acquired("hyattsville", "2021-09-01", "garden-state", price=usd_k(750_000), src=multinational)
    s.round("arlington-bio", "2021-09-01", "grant", [("dod", usd_k(3000))], src=CONTRACT.format(agency="DoD", era="biothreat detection"))
    s.headcount("glen-echo", "2021-12-31", 380)
    s.headcount("laurel", "2021-12-31", 140)
    s.round("silver-spring-io", "2022-02-01", "series_a", [("back-bay", usd_k(20_000)), ("potomac-founders", usd_k(10_000))])
    s.found(
        "bowie",
        "Bowie Biorepository (illustrative)",
        "2022-02-01",
        md("Bowie"),
        founders=["ortega"],
        origins=[("monocacy", "alumni")],
        model="service",
        sector="biorepository services",
        src=gen5,
    )
    s.round(
        "bowie",
        "2022-06-01",
        "seed",
        [("lindqvist", usd_k(1000)), ("vasquez", usd_k(500))],
        src=f"illustrative: invented round ({OVERLOOKED})",
    )
    s.found(
        "poolesville",
        "Poolesville Base Editing (illustrative)",
        "2022-08-01",
        md("Poolesville"),
        founders=["brooks"],
        origins=[("clarksburg", "alumni")],
        model="rnd",
        sector="base editing",
        src=gen5,
    )
    s.round("poolesville", "2022-12-01", "seed", [("clarksburg", usd_k(5000)), ("potomac-founders", usd_k(5000))])
    s.joined("raman", "poolesville", "2023-01-09", role="advisor", title="scientific advisor (illustrative)")
    s.round("poolesville", "2024-03-01", "series_a", [("sand-hill", usd_k(25_000)), ("old-line", usd_k(10_000))])
    return s


# ---- Osong/Ochang (Chungbuk) -------------------------------------------------------------------

CHEONGJU = loc("KR", "KR-43", "Cheongju")
OSONG_FACTS = "context.md: Osong/Ochang (Chungbuk) hosts the Ministry of Food and Drug Safety, CROs and CMOs"
NOT_LINKED = "context.md: Daejeon and Osong/Ochang are close but not functionally linked"
LINES = (
    "context.md: Korea's diagnosis: little long-term capital links research, trials and firms, and policy should connect "
    "clusters (points) into inter-cluster links (lines)"
)


def osong(dj: Scenario) -> Scenario:
    s = Scenario(
        slug="osong",
        prefix="os",
        label="Osong/Ochang",
        description=(
            "Osong/Ochang (Chungbuk, KR-43) demo, next to Daejeon: alumni of the regulator, CROs and CMOs found service firms "
            "around 2010; their exits feed a second and third generation and a local recycling fund, while Daejeon founders and "
            "investors (the same actors as in daejeon.json) put exit money in, so loaded together the two files show "
            "Daejeon -> Chungbuk hops; Seoul buyers and VCs take part. Real (../shared/context.md): Osong/Ochang hosts the "
            "Ministry of Food and Drug Safety, CROs and CMOs; Daejeon and Osong/Ochang are close but not functionally linked; "
            "Korea's diagnosis that clusters (points) should be connected into lines. Everything else (people, firms, dates, "
            "amounts, KRW/USD rates) is illustrative; see each event's source."
        ),
    )
    for year, rate in KRW_USD.items():
        s.fx("KRW", f"{year}-01-01", rate, src="illustrative: approximate annual-average KRW/USD rate, rounded; not an official rate")

    # The regulator, the CRO/CMO stand-ins and the Daejeon actors are daejeon.json's own.
    mfds, cro, cmo = (s.borrow(dj, k) for k in ("mfds", "osong-cro", "ochang-cmo"))
    dj_angels, hanbat, hangang, hanyang = (s.borrow(dj, k) for k in ("daedeok-angels", "hanbat-invest", "hangang-vc", "hanyang-pharma"))
    han, yoon, seo, kang = (s.borrow(dj, k) for k in ("han", "yoon", "seo", "kang"))

    s.org("chungbuk-angels", "Chungbuk Bio Angels (illustrative)", "investor", CHEONGJU, since="2005-01-03")
    s.org("osong-invest", "Osong Bio Investment (illustrative)", "investor", OSONG, since="2008-01-02")
    s.org("gangnam-vc", "Gangnam Health Partners (illustrative)", "investor", SEOUL, since="2005-01-03")
    s.org("cheongju-hospital", "Cheongju Teaching Hospital (illustrative)", "hospital", CHEONGJU, since="2000-01-03")
    s.org(
        "seoul-cro",
        "Hangang CRO Holdings (illustrative)",
        "corporation",
        SEOUL,
        since="2005-01-03",
        src="illustrative: invented Seoul buyer (context.md: the capital region was long seen as necessary to grow)",
    )
    s.org("pacific-cdmo", "Pacific Biologics CDMO Inc. (illustrative)", "corporation", loc("US", "US-CA"), since="2005-01-03")

    people = [
        ("jeon", "Jeon Hye-won (illustrative)", OSONG, mfds, "2003-03-03", "2010-06-30", "reviewer (illustrative)"),
        ("min", "Min Jae-seok (illustrative)", OCHANG, cmo, "2001-03-02", "2010-08-31", "plant manager (illustrative)"),
        ("ha", "Ha Ji-min (illustrative)", OSONG, cro, "2004-03-02", "2011-03-31", "bioanalysis lead (illustrative)"),
        (
            "noh",
            "Noh Sang-woo (illustrative)",
            CHEONGJU,
            "cheongju-hospital",
            "2003-03-03",
            "2012-02-29",
            "clinical pathologist (illustrative)",
        ),
    ]
    for key, name, where, employer, start, end, title in people:
        s.person(key, name, where, since=start)
        s.career(key, employer, start, end, role="scientist", title=title)
    s.person("yang", "Yang Ji-ho (illustrative)", OCHANG, since="2011-01-03")

    # Generation 1: service firms of the regulator's, the CROs' and the CMOs' alumni.
    gen1 = f"illustrative: invented first-generation Osong/Ochang service firm ({OSONG_FACTS})"
    s.found(
        "osong-reg",
        "Osong Regulatory Science (illustrative)",
        "2010-09-01",
        OSONG,
        founders=["jeon"],
        origins=[(mfds, "alumni")],
        model="service",
        sector="regulatory affairs consulting",
        src=gen1,
    )
    daejeon_in = f"illustrative: invented round with exited Daejeon money in it (a rare link; {NOT_LINKED})"
    s.round("osong-reg", "2011-03-02", "seed", [("chungbuk-angels", krw_m(300)), (seo, krw_m(200))], src=daejeon_in)
    s.found(
        "ochang-ff",
        "Ochang Fill-Finish (illustrative)",
        "2010-11-01",
        OCHANG,
        founders=["min"],
        origins=[(cmo, "alumni")],
        model="service",
        sector="sterile fill-finish CMO",
        src=gen1,
    )
    s.found(
        "osong-bioanalytics",
        "Osong Bioanalytics (illustrative)",
        "2011-05-02",
        OSONG,
        founders=["ha"],
        origins=[(cro, "alumni")],
        model="service",
        sector="GLP bioanalysis",
        src=gen1,
    )
    s.round("ochang-ff", "2011-06-01", "seed", [("chungbuk-angels", krw_m(500)), (dj_angels, krw_m(500))], src=daejeon_in)
    s.round("osong-bioanalytics", "2011-12-01", "seed", [("chungbuk-angels", krw_m(400)), (kang, krw_m(300))], src=daejeon_in)
    s.found(
        "cheongju-sensor",
        "Cheongju Biosensor (illustrative)",
        "2012-03-02",
        CHEONGJU,
        founders=["noh"],
        origins=[("cheongju-hospital", "alumni")],
        model="rnd",
        sector="point-of-care biosensors",
        src=gen1,
    )
    s.round("osong-reg", "2012-04-02", "series_a", [("osong-invest", krw_m(1500)), (hanbat, krw_m(1000))], src=daejeon_in)
    s.round("cheongju-sensor", "2012-10-01", "seed", [("chungbuk-angels", krw_m(300))])
    s.round("ochang-ff", "2013-09-02", "series_a", [("gangnam-vc", krw_m(4000)), (hanbat, krw_m(2000))], src=daejeon_in)
    s.acquired(
        "osong-reg",
        "2013-11-01",
        "seoul-cro",
        price=krw_m(18_000),
        src="illustrative: invented acquisition by a Seoul group (context.md: winners' money leaving for the capital region)",
    )

    # Generation 2: the first exits' founders and investors start and back the next firms.
    gen2 = f"illustrative: invented second-generation Osong/Ochang firm ({OSONG_FACTS})"
    s.round("osong-bioanalytics", "2014-03-03", "series_a", [("osong-invest", krw_m(2000)), (hangang, krw_m(2000)), ("jeon", krw_m(500))])
    s.found(
        "osong-data",
        "Osong Clinical Data (illustrative)",
        "2014-09-01",
        OSONG,
        founders=["jeon"],
        origins=[(mfds, "alumni"), ("osong-reg", "alumni")],
        model="platform",
        sector="clinical data management",
        src=gen2,
    )
    s.round("osong-data", "2015-02-02", "seed", [("chungbuk-angels", krw_m(500)), ("osong-invest", krw_m(500))])
    s.joined(
        yoon,
        "osong-data",
        "2015-03-02",
        role="advisor",
        title="scientific advisor (illustrative)",
        src="illustrative: invented advisory role of an exited Daejeon founder",
    )
    s.headcount("ochang-ff", "2015-12-31", 120)
    s.round("ochang-ff", "2016-05-02", "series_b", [("gangnam-vc", krw_m(8000)), ("osong-invest", krw_m(4000))])
    s.closed("cheongju-sensor", "2016-06-30", "no series A (illustrative)")
    s.found(
        "ochang-dx",
        "Ochang Point-of-Care Diagnostics (illustrative)",
        "2017-03-02",
        OCHANG,
        founders=["noh"],
        origins=[("cheongju-hospital", "alumni")],
        model="rnd",
        sector="point-of-care diagnostics",
        src="illustrative: invented second attempt of a founder whose first firm closed",
    )
    s.acquired("osong-bioanalytics", "2017-06-01", "pacific-cdmo", price=krw_m(60_000))
    s.round("ochang-dx", "2017-06-01", "seed", [("chungbuk-angels", krw_m(400)), (dj_angels, krw_m(400))], src=daejeon_in)
    s.career("yang", "ochang-ff", "2011-01-03", "2017-06-30", role="scientist")
    s.found(
        "ochang-cell",
        "Ochang Cell Logistics (illustrative)",
        "2017-09-01",
        OCHANG,
        founders=["yang"],
        origins=[("ochang-ff", "alumni")],
        model="service",
        sector="cell therapy cold-chain logistics",
        src=gen2,
    )
    s.round("ochang-cell", "2017-11-01", "seed", [("ha", krw_m(800)), ("jeon", krw_m(500))])
    s.headcount("ochang-ff", "2017-12-31", 180)
    s.round("osong-data", "2018-04-02", "series_a", [("gangnam-vc", krw_m(3000)), ("ha", krw_m(1000))])
    s.ipo("ochang-ff", "2018-07-20", "KOSDAQ", market_cap=krw_m(280_000), raised=krw_m(30_000))
    s.found(
        "osong-cdmo",
        "Osong Biologics CDMO (illustrative)",
        "2019-01-15",
        OSONG,
        founders=["min"],
        origins=[(cmo, "alumni"), ("ochang-ff", "alumni")],
        model="service",
        sector="biologics CDMO",
        src=gen2,
    )
    s.round("ochang-cell", "2019-03-04", "series_a", [("ochang-ff", krw_m(3000)), ("osong-invest", krw_m(2000))])
    s.round("osong-cdmo", "2019-05-02", "seed", [(han, krw_m(1000)), ("jeon", krw_m(500))], src=daejeon_in)

    s.org(
        "chungbuk-fund",
        "Chungbuk Bio Recycling Fund (illustrative)",
        "investor",
        OSONG,
        since="2019-10-01",
        src=f"illustrative: invented fund of exited local founders, a listed local firm and Daejeon money ({LINES})",
    )
    s.fund(
        "chungbuk-fund",
        "2019-10-01",
        [
            ("ochang-ff", krw_m(5000)),
            ("min", krw_m(3000)),
            ("jeon", krw_m(2000)),
            ("ha", krw_m(2000)),
            (seo, krw_m(1000)),
            (dj_angels, krw_m(2000)),
            ("osong-invest", krw_m(3000)),
        ],
        manager="osong-invest",
        src=f"illustrative: invented first raise; Daejeon founders and angels among the LPs ({LINES})",
    )
    s.round("osong-cdmo", "2020-06-01", "series_a", [("chungbuk-fund", krw_m(5000)), (hanbat, krw_m(3000)), ("gangnam-vc", krw_m(4000))])
    s.round("ochang-dx", "2020-09-01", "series_a", [("chungbuk-fund", krw_m(2000)), ("osong-invest", krw_m(2000))])
    s.acquired(
        "ochang-cell", "2021-06-01", "ochang-ff", price=krw_m(40_000), src="illustrative: invented acquisition by a listed local firm"
    )
    s.headcount("ochang-ff", "2021-12-31", 420)

    # Generation 3.
    gen3 = f"illustrative: invented third-generation Osong/Ochang firm ({OSONG_FACTS})"
    s.found(
        "osong-mrna",
        "Osong mRNA Fill (illustrative)",
        "2022-03-02",
        OSONG,
        founders=["yang"],
        origins=[("ochang-ff", "alumni"), ("ochang-cell", "alumni")],
        model="rnd",
        sector="mRNA formulation and fill",
        src=gen3,
    )
    s.acquired(
        "osong-data",
        "2022-05-02",
        hanyang,
        price=krw_m(70_000),
        src="illustrative: invented acquisition by a Seoul pharmaceutical firm",
    )
    s.round("osong-mrna", "2022-06-01", "seed", [("chungbuk-fund", krw_m(2000)), ("ha", krw_m(1000)), ("min", krw_m(1000))])
    s.relocated("ochang-dx", "2022-09-01", SEOUL, src="illustrative: invented move to Seoul after a Seoul-led search for a series B")
    s.found(
        "osong-reg-ai",
        "Osong Regulatory AI (illustrative)",
        "2023-02-01",
        OSONG,
        founders=["jeon"],
        origins=[(mfds, "alumni"), ("osong-data", "alumni")],
        model="platform",
        sector="regulatory submission software",
        src=gen3,
    )
    s.round("osong-reg-ai", "2023-06-01", "seed", [("chungbuk-fund", krw_m(1500)), (kang, krw_m(500))], src=daejeon_in)
    s.headcount("osong-cdmo", "2023-12-31", 150)
    s.round(
        "osong-mrna", "2024-03-04", "series_a", [("gangnam-vc", krw_m(6000)), ("chungbuk-fund", krw_m(3000)), ("ochang-ff", krw_m(2000))]
    )
    s.headcount("osong-mrna", "2024-06-30", 35)
    return s


# ---- Boston/Cambridge (US) ---------------------------------------------------------------------


def ma(city: str) -> Json:
    return loc("US", "US-MA", city)


MIT_FACTS = "context.md: MIT's tech-transfer office turned market-facing, and its faculty may found and advise firms"
LINKED = "context.md: Biogen and Genetics Institute linked university research to drugs in Boston/Cambridge"
TOLERANT = "context.md: Boston capital is tolerant of long failure, and failure followed by a new attempt is normal"
RECYCLE_BOS = "illustrative: invented firm of the {n} generation, backed or founded by people who exited earlier Boston firms"
REAL_CORP = "real: {facts}; illustrative: the registration date and location (approximate, from general knowledge, not from context.md)"


def boston(bhcr: Scenario) -> Scenario:
    s = Scenario(
        slug="boston",
        prefix="bos",
        label="Boston/Cambridge",
        description=(
            "Boston/Cambridge (US-MA) demo: MIT faculty and Biogen / Genetics Institute alumni found R&D firms from the mid "
            "1980s; exited founders found again, back the next firms, sit on their boards and pool money in a founders' fund "
            "over four generations; a founder whose first firm failed tries again with the same VC. A Washington-area VC of "
            "bhcr.json (the same actor) invests here, so loaded together the files show BHCR -> Boston hops. Real "
            "(../shared/context.md): MIT's market-facing tech-transfer office, faculty who found and advise firms, capital "
            "tolerant of long failure, failure followed by a new attempt as normal, Biogen and Genetics Institute linking "
            "university research to drugs; in 2021 a biotech market cap of about $344.9B and R&D of about $20.5B a year "
            "(cluster figures; the modelled firms are a small subset). Everything else (people, firms, dates, amounts) is "
            "illustrative; see each event's source."
        ),
    )
    s.org(
        "mit",
        "MIT (Massachusetts Institute of Technology)",
        "university",
        ma("Cambridge"),
        since="1960-01-01",
        src=f"real: {MIT_FACTS}; illustrative: the registration date",
    )
    s.org("biogen", "Biogen", "corporation", ma("Cambridge"), since="1980-01-02", src=REAL_CORP.format(facts=LINKED))
    s.org("gi", "Genetics Institute", "corporation", ma("Cambridge"), since="1981-01-02", src=REAL_CORP.format(facts=LINKED))
    s.org("longwood-hosp", "Longwood Teaching Hospital (illustrative)", "hospital", ma("Boston"), since="1970-01-02")
    s.org("route128", "Route 128 Angels (illustrative)", "investor", ma("Waltham"), since="1980-01-02")
    s.org(
        "kendall-vc",
        "Kendall Square Ventures (illustrative)",
        "investor",
        ma("Cambridge"),
        since="1980-01-02",
        src=f"illustrative: invented Cambridge VC ({TOLERANT})",
    )
    s.org("charles-lp", "Charles River Life Partners (illustrative)", "investor", ma("Boston"), since="1985-01-02")
    back_bay, sand_hill = s.borrow(bhcr, "back-bay"), s.borrow(bhcr, "sand-hill")
    s.org("palisades", "Palisades Pharmaceuticals Inc. (illustrative)", "corporation", loc("US", "US-NJ"), since="1970-01-02")
    s.org("rhone", "Rhône Biotherapeutics SA (illustrative)", "corporation", loc("FR"), since="1970-01-02")
    s.org("limmat", "Limmat Pharma AG (illustrative)", "corporation", loc("CH"), since="1970-01-02")

    people = [
        ("obrien", "Patrick O'Brien (illustrative)", ma("Boston"), "biogen", "1980-06-02", "1986-03-31", "research scientist"),
        ("chen", "Linda Chen (illustrative)", ma("Lexington"), "gi", "1982-03-01", "1991-06-28", "research scientist"),
        ("alvarez", "Sofia Alvarez (illustrative)", ma("Somerville"), "mit", "1984-09-04", "1988-12-30", "postdoctoral associate"),
        ("nakamura", "Ken Nakamura (illustrative)", ma("Brookline"), "longwood-hosp", "1985-07-01", "1996-02-29", "physician-scientist"),
        ("goldberg", "Rachel Goldberg (illustrative)", ma("Cambridge"), "mit", "1990-09-04", "1997-01-31", "postdoctoral associate"),
        ("frost", "Daniel Frost (illustrative)", ma("Waltham"), "biogen", "1995-03-01", "2008-12-31", "research director"),
        ("osei", "Kwame Osei (illustrative)", ma("Cambridge"), "mit", "2012-09-04", "2019-08-30", "graduate researcher"),
    ]
    for key, name, where, employer, start, end, title in people:
        s.person(key, name, where, since=start)
        s.career(key, employer, start, end, title=f"{title} (illustrative)")
    # Faculty keep their chair while they found and advise firms.
    s.person("whitaker", "Alan Whitaker (illustrative)", ma("Cambridge"), since="1975-09-02")
    s.joined("whitaker", "mit", "1975-09-02", role="scientist", title="professor (illustrative)")
    s.person("patel", "Anita Patel (illustrative)", ma("Cambridge"), since="2009-01-05")

    # Generation 1: MIT and Biogen / Genetics Institute people found R&D firms.
    gen1 = f"illustrative: invented first-generation firm ({MIT_FACTS}; {LINKED})"
    s.found(
        "kendall-protein",
        "Kendall Protein Therapeutics (illustrative)",
        "1986-04-01",
        ma("Cambridge"),
        founders=["whitaker", "obrien"],
        origins=[("mit", "spin_off"), ("biogen", "alumni")],
        model="rnd",
        sector="recombinant protein drugs",
        src=gen1,
    )
    s.license("mit", "kendall-protein", "1986-05-01", "protein expression patents (illustrative)", upfront=usd_k(150))
    s.round("kendall-protein", "1986-09-02", "seed", [("route128", usd_k(1000))])
    s.round(
        "kendall-protein",
        "1988-03-01",
        "series_a",
        [("kendall-vc", usd_k(6000)), (back_bay, usd_k(4000))],
        src="illustrative: invented round with a VC that also backs Washington-area firms (bhcr.json)",
    )
    s.found(
        "mystic-dx",
        "Mystic Diagnostics (illustrative)",
        "1989-02-01",
        ma("Medford"),
        founders=["alvarez"],
        origins=[("mit", "alumni")],
        model="rnd",
        sector="immunodiagnostics",
        src=gen1,
    )
    s.round("mystic-dx", "1989-06-01", "seed", [("route128", usd_k(800))])
    s.round("kendall-protein", "1990-06-01", "series_b", [("charles-lp", usd_k(12_000)), (sand_hill, usd_k(8000))])
    s.round("mystic-dx", "1991-03-01", "series_a", [("kendall-vc", usd_k(3000))])
    s.found(
        "fenway-genomics",
        "Fenway Genomics (illustrative)",
        "1992-01-06",
        ma("Boston"),
        founders=["chen"],
        origins=[("gi", "alumni")],
        model="platform",
        sector="gene expression tools",
        src=gen1,
    )
    s.round("fenway-genomics", "1992-05-01", "seed", [("route128", usd_k(1000))])
    s.ipo("kendall-protein", "1993-05-12", "NASDAQ", market_cap=usd_k(450_000), raised=usd_k(60_000))
    s.round("fenway-genomics", "1993-09-01", "series_a", [(back_bay, usd_k(5000)), ("kendall-vc", usd_k(3000))])
    s.closed("mystic-dx", "1994-09-30", "failed its validation study; investors wrote it off (illustrative)")
    s.headcount("kendall-protein", "1995-12-31", 380)

    # Generation 2.
    gen2 = RECYCLE_BOS.format(n="second")
    s.found(
        "charlestown-bio",
        "Charlestown Biologics (illustrative)",
        "1995-06-01",
        ma("Boston"),
        founders=["alvarez"],
        origins=[("mit", "alumni")],
        model="rnd",
        sector="vaccine adjuvants",
        src=f"illustrative: invented second attempt of a founder whose first firm failed ({TOLERANT})",
    )
    s.round(
        "charlestown-bio",
        "1995-10-02",
        "seed",
        [("kendall-vc", usd_k(1500)), ("route128", usd_k(500))],
        src=f"illustrative: invented round; the VC that lost money on her first firm backs her again ({TOLERANT})",
    )
    s.found(
        "longwood-ab",
        "Longwood Antibodies (illustrative)",
        "1996-05-01",
        ma("Boston"),
        founders=["obrien", "nakamura"],
        origins=[("longwood-hosp", "alumni"), ("biogen", "alumni")],
        model="rnd",
        sector="therapeutic antibodies",
        src=gen2,
    )
    s.round("longwood-ab", "1996-09-02", "seed", [("kendall-protein", usd_k(2000)), ("whitaker", usd_k(1000))])
    s.found(
        "somerville-rna",
        "Somerville RNA (illustrative)",
        "1997-03-03",
        ma("Somerville"),
        founders=["goldberg"],
        origins=[("mit", "spin_off")],
        model="rnd",
        sector="RNA interference tools",
        src=gen2,
    )
    s.license("mit", "somerville-rna", "1997-04-01", "RNA delivery patents (illustrative)", upfront=usd_k(200))
    s.joined(
        "whitaker",
        "somerville-rna",
        "1997-03-03",
        role="board",
        title="director (illustrative)",
        src=f"illustrative: invented board seat ({MIT_FACTS})",
    )
    s.round("somerville-rna", "1997-06-02", "seed", [("route128", usd_k(1000)), ("whitaker", usd_k(500))])
    s.round("longwood-ab", "1998-04-01", "series_a", [("kendall-vc", usd_k(10_000)), ("charles-lp", usd_k(8000))])
    s.acquired("fenway-genomics", "1999-03-01", "palisades", price=usd_k(220_000))
    s.round("somerville-rna", "1999-05-03", "series_a", [(back_bay, usd_k(8000)), ("kendall-vc", usd_k(4000))])
    s.round("charlestown-bio", "1999-09-01", "series_a", [("charles-lp", usd_k(8000)), ("chen", usd_k(1500))])
    s.headcount("kendall-protein", "2000-12-31", 650)
    s.round("longwood-ab", "2001-03-01", "series_b", [(sand_hill, usd_k(20_000)), ("charles-lp", usd_k(10_000))])
    s.round("charlestown-bio", "2002-05-01", "series_b", [(sand_hill, usd_k(15_000)), ("kendall-vc", usd_k(5000))])
    s.acquired("somerville-rna", "2004-08-02", "limmat", price=usd_k(310_000))
    s.acquired("longwood-ab", "2005-10-03", "rhone", price=usd_k(900_000))
    s.ipo("charlestown-bio", "2006-06-15", "NASDAQ", market_cap=usd_k(600_000), raised=usd_k(75_000))

    # Generation 3.
    gen3 = RECYCLE_BOS.format(n="third")
    s.found(
        "brookline-cell",
        "Brookline Cell Therapy (illustrative)",
        "2007-02-01",
        ma("Brookline"),
        founders=["nakamura"],
        origins=[("longwood-hosp", "alumni"), ("longwood-ab", "alumni")],
        model="rnd",
        sector="CAR-T cell therapy",
        src=gen3,
    )
    s.round("brookline-cell", "2007-06-01", "seed", [("obrien", usd_k(2000)), ("goldberg", usd_k(1000))])
    s.found(
        "waltham-neuro",
        "Waltham Neurosciences (illustrative)",
        "2009-01-05",
        ma("Waltham"),
        founders=["frost"],
        origins=[("biogen", "alumni")],
        model="rnd",
        sector="neurodegeneration",
        src=gen3,
    )
    s.org("founders-fund", "Kendall Founders Fund (illustrative)", "investor", ma("Cambridge"), since="2009-03-02")
    s.fund(
        "founders-fund",
        "2009-03-02",
        [
            ("obrien", usd_k(10_000)),
            ("goldberg", usd_k(8000)),
            ("alvarez", usd_k(8000)),
            ("chen", usd_k(5000)),
            ("whitaker", usd_k(5000)),
            ("charlestown-bio", usd_k(10_000)),
            ("kendall-vc", usd_k(5000)),
        ],
        manager="kendall-vc",
        src="illustrative: invented fund of exited founders, a listed alumni firm and a local VC",
    )
    s.round("waltham-neuro", "2009-05-01", "seed", [("alvarez", usd_k(1000)), ("route128", usd_k(1000))])
    s.career("patel", "brookline-cell", "2009-01-05", "2017-01-31", role="scientist")
    s.round("brookline-cell", "2009-09-01", "series_a", [("kendall-vc", usd_k(15_000)), ("founders-fund", usd_k(5000))])
    s.headcount("charlestown-bio", "2010-12-31", 280)
    s.round("waltham-neuro", "2011-02-01", "series_a", [("kendall-vc", usd_k(12_000))])
    s.found(
        "seaport-edit",
        "Seaport Gene Editing (illustrative)",
        "2012-06-01",
        ma("Boston"),
        founders=["goldberg"],
        origins=[("mit", "alumni"), ("somerville-rna", "alumni")],
        model="rnd",
        sector="gene editing",
        src=gen3,
    )
    s.round("brookline-cell", "2012-04-02", "series_b", [(sand_hill, usd_k(30_000)), ("charles-lp", usd_k(20_000))])
    s.round("seaport-edit", "2012-10-01", "seed", [("founders-fund", usd_k(3000)), ("alvarez", usd_k(2000))])
    s.closed("waltham-neuro", "2014-03-31", "phase 2 failure (illustrative)")
    s.round(
        "seaport-edit",
        "2014-06-02",
        "series_a",
        [("charles-lp", usd_k(20_000)), (back_bay, usd_k(10_000))],
        src="illustrative: invented round with a VC that also backs Washington-area firms (bhcr.json)",
    )
    s.ipo("brookline-cell", "2015-04-22", "NASDAQ", market_cap=usd_k(1_800_000), raised=usd_k(120_000))

    # Generation 4.
    gen4 = RECYCLE_BOS.format(n="fourth")
    s.found(
        "lexington-neuro",
        "Lexington Neurotherapeutics (illustrative)",
        "2016-01-04",
        ma("Lexington"),
        founders=["frost"],
        origins=[("biogen", "alumni")],
        model="rnd",
        sector="neurodegeneration",
        src=f"illustrative: invented second attempt after a failed phase 2 ({TOLERANT})",
    )
    s.round("lexington-neuro", "2016-05-02", "seed", [("kendall-vc", usd_k(4000)), ("nakamura", usd_k(2000))])
    s.headcount("brookline-cell", "2016-12-31", 320)
    s.found(
        "alewife-protein",
        "Alewife Protein Design (illustrative)",
        "2017-03-01",
        ma("Cambridge"),
        founders=["patel"],
        origins=[("brookline-cell", "alumni")],
        model="rnd",
        sector="computational protein design",
        src=gen4,
    )
    s.round("alewife-protein", "2017-06-01", "seed", [("nakamura", usd_k(2000)), ("founders-fund", usd_k(3000))])
    s.fund(
        "founders-fund",
        "2017-09-01",
        [
            ("brookline-cell", usd_k(20_000)),
            ("nakamura", usd_k(15_000)),
            ("goldberg", usd_k(10_000)),
            ("obrien", usd_k(5000)),
            (back_bay, usd_k(10_000)),
        ],
        manager="kendall-vc",
        src="illustrative: invented second fund, with a listed alumni firm and an out-of-state VC among the LPs",
    )
    s.acquired("seaport-edit", "2019-07-01", "palisades", price=usd_k(1_200_000))
    s.round("lexington-neuro", "2019-10-01", "series_a", [(sand_hill, usd_k(15_000)), ("founders-fund", usd_k(10_000))])
    s.found(
        "charles-bend",
        "Charles Bend RNA Medicines (illustrative)",
        "2019-11-01",
        ma("Cambridge"),
        founders=["osei"],
        origins=[("mit", "spin_off")],
        model="rnd",
        sector="RNA medicines",
        src=gen4,
    )
    s.joined(
        "whitaker",
        "charles-bend",
        "2019-11-01",
        role="advisor",
        title="scientific advisor (illustrative)",
        src=f"illustrative: invented advisory role ({MIT_FACTS})",
    )
    s.round("alewife-protein", "2020-02-03", "series_a", [("charles-lp", usd_k(25_000)), ("brookline-cell", usd_k(5000))])
    s.round("charles-bend", "2020-03-02", "seed", [("goldberg", usd_k(3000)), ("founders-fund", usd_k(3000))])
    s.headcount("brookline-cell", "2020-12-31", 610)
    s.round("charles-bend", "2022-05-02", "series_a", [("kendall-vc", usd_k(30_000)), (back_bay, usd_k(10_000))])
    s.acquired("alewife-protein", "2023-09-01", "rhone", price=usd_k(950_000))
    s.round("charles-bend", "2024-06-03", "series_b", [("charles-lp", usd_k(40_000)), ("patel", usd_k(2000))])
    return s


# ---- Cambridge (UK) and London -----------------------------------------------------------------


def cam(city: str = "Cambridge") -> Json:
    return loc("GB", "GB-CAM", city)


# Approximate annual-average USD per GBP, rounded; the demo's own figures, not an official series.
# fmt: off
GBP_USD = {
    1985: "1.30", 1986: "1.47", 1987: "1.64", 1988: "1.78", 1989: "1.64", 1990: "1.78", 1991: "1.77", 1992: "1.77",
    1993: "1.50", 1994: "1.53", 1995: "1.58", 1996: "1.56", 1997: "1.64", 1998: "1.66", 1999: "1.62", 2000: "1.52",
    2001: "1.44", 2002: "1.50", 2003: "1.63", 2004: "1.83", 2005: "1.82", 2006: "1.84", 2007: "2.00", 2008: "1.85",
    2009: "1.57", 2010: "1.55", 2011: "1.60", 2012: "1.59", 2013: "1.56", 2014: "1.65", 2015: "1.53", 2016: "1.36",
    2017: "1.29", 2018: "1.33", 2019: "1.28", 2020: "1.28", 2021: "1.38", 2022: "1.24", 2023: "1.24", 2024: "1.28",
}
# fmt: on
CAM_FACTS = (
    "context.md: Cambridge (UK) grows through university spin-offs (MRC Laboratory of Molecular Biology, cancer institutes) "
    "and has had a Science Park since 1970"
)
FOR_THE_MARKET = "context.md: about half the Cambridge firms have no direct university tie but came for the market"
LONDON_NEAR = "context.md: London capital is one hour away from Cambridge, and VCs invest near their portfolio"


def cambridge_uk(bos: Scenario) -> Scenario:
    s = Scenario(
        slug="cambridge-uk",
        prefix="cuk",
        label="Cambridge (UK)",
        description=(
            "Cambridge, UK (GB-CAM) demo, with London (the City and the 32 boroughs): LMB and cancer-institute spin-offs and "
            "firms without a university tie that came for the market; London VCs fund them and London firms' exits send "
            "founders and money to Cambridge (London -> Cambridge hops); exited founders found again, back the next firms and "
            "pool money in a local syndicate over four generations; a Boston VC of boston.json (the same actor) co-invests. "
            "Real (../shared/context.md): university spin-offs (MRC Laboratory of Molecular Biology, cancer institutes), the "
            "Science Park since 1970, about half the firms with no direct university tie, London capital one hour away, VCs "
            "investing near their portfolio. Everything else (people, firms, dates, amounts, GBP/USD rates) is illustrative; "
            "see each event's source."
        ),
    )
    for year, rate in GBP_USD.items():
        s.fx("GBP", f"{year}-01-01", rate, src="illustrative: approximate annual-average GBP/USD rate, rounded; not an official rate")

    s.org(
        "cam-uni",
        "University of Cambridge",
        "university",
        cam(),
        since="1960-01-01",
        src=f"real: {CAM_FACTS}; illustrative: the registration date",
    )
    s.org(
        "lmb",
        "MRC Laboratory of Molecular Biology",
        "research_institute",
        cam(),
        since="1962-01-01",
        src=f"real: {CAM_FACTS}; illustrative: the registration date",
    )
    s.org(
        "cancer-inst",
        "Cambridge Cancer Research Institute (illustrative)",
        "research_institute",
        cam(),
        since="1970-01-02",
        src="illustrative: invented institute standing for the cancer institutes of context.md",
    )
    s.org(
        "science-park",
        "Cambridge Science Park",
        "other",
        cam(),
        since="1970-01-02",
        src=f"real: {CAM_FACTS}; illustrative: the registration day",
    )
    s.org("fen-angels", "Fenland Angels (illustrative)", "investor", cam(), since="1985-01-02")
    s.org(
        "granta-seed",
        "Granta Seed Partners (illustrative)",
        "investor",
        cam(),
        since="1995-01-02",
        src=f"illustrative: invented local VC ({LONDON_NEAR})",
    )
    london_vc = f"illustrative: invented London VC ({LONDON_NEAR})"
    s.org(
        "thames-vc",
        "Thames Life Science Ventures (illustrative)",
        "investor",
        loc("GB", "GB-LND", "London"),
        since="1985-01-02",
        src=london_vc,
    )
    s.org(
        "mayfair", "Mayfair Biotech Partners (illustrative)", "investor", loc("GB", "GB-WSM", "London"), since="1985-01-02", src=london_vc
    )
    s.org(
        "kings-cross",
        "King's Cross Health Capital (illustrative)",
        "investor",
        loc("GB", "GB-CMD", "London"),
        since="2000-01-03",
        src=london_vc,
    )
    kendall_vc = s.borrow(bos, "kendall-vc")
    s.org("albion", "Albion Pharmaceuticals plc (illustrative)", "corporation", loc("GB", "GB-WSM", "London"), since="1970-01-02")
    s.org("brandywine", "Brandywine Pharma Inc. (illustrative)", "corporation", loc("US", "US-PA"), since="1970-01-02")
    s.org("lemanic", "Lemanic Biopharma SA (illustrative)", "corporation", loc("CH"), since="1970-01-02")

    people = [
        ("hughes", "Margaret Hughes (illustrative)", cam(), "lmb", "1980-10-01", "1990-03-30", "staff scientist"),
        ("ward", "Oliver Ward (illustrative)", cam(), "lmb", "1983-10-03", "1990-03-30", "post-doctoral fellow"),
        (
            "harris",
            "James Harris (illustrative)",
            loc("GB", "GB-CMD", "London"),
            "albion",
            "1985-09-02",
            "1993-12-31",
            "antibody group leader",
        ),
        ("singh", "Ravi Singh (illustrative)", cam(), "cancer-inst", "1985-09-02", "1994-06-30", "group leader"),
        ("evans", "Sian Evans (illustrative)", loc("GB", "GB-TWH", "London"), "cam-uni", "1995-10-02", "2003-03-31", "research fellow"),
        ("okoro", "Ngozi Okoro (illustrative)", cam(), "cancer-inst", "1996-09-02", "2003-12-19", "post-doctoral fellow"),
    ]
    for key, name, where, employer, start, end, title in people:
        s.person(key, name, where, since=start)
        s.career(key, employer, start, end, title=f"{title} (illustrative)")
    s.person("muller", "Katrin Müller (illustrative)", loc("GB", "GB-ISL", "London"), since="1993-03-01")
    s.person("chandra", "Vikram Chandra (illustrative)", cam(), since="2002-03-01")

    # Generation 1: LMB and cancer-institute spin-offs, a firm that came for the market, a London firm.
    gen1 = f"illustrative: invented first-generation firm ({CAM_FACTS})"
    s.found(
        "granta-ab",
        "Granta Antibody Sciences (illustrative)",
        "1990-05-01",
        cam(),
        founders=["hughes", "ward"],
        origins=[("lmb", "spin_off"), ("science-park", "incubated")],
        model="rnd",
        sector="antibody engineering",
        src=gen1,
    )
    s.license("lmb", "granta-ab", "1990-06-01", "antibody display patents (illustrative)", upfront=gbp_k(100))
    s.round("granta-ab", "1990-09-03", "seed", [("fen-angels", gbp_k(500))])
    s.round(
        "granta-ab",
        "1992-04-01",
        "series_a",
        [("thames-vc", gbp_k(4000)), ("fen-angels", gbp_k(1000))],
        src=f"illustrative: invented round ({LONDON_NEAR})",
    )
    s.found(
        "fulbourn-lab",
        "Fulbourn Lab Automation (illustrative)",
        "1993-03-01",
        loc("GB", "GB-ISL", "London"),
        founders=["muller"],
        model="service",
        sector="laboratory automation",
        src="illustrative: invented London firm without a university tie",
    )
    s.round("fulbourn-lab", "1993-06-01", "seed", [("thames-vc", gbp_k(800))])
    s.found(
        "bloomsbury-ab",
        "Bloomsbury Antibodies (illustrative)",
        "1994-02-01",
        loc("GB", "GB-CMD", "London"),
        founders=["harris"],
        origins=[("albion", "alumni")],
        model="rnd",
        sector="antibody therapeutics",
        src="illustrative: invented London firm whose exit sends a founder and money to Cambridge",
    )
    s.round("bloomsbury-ab", "1994-06-01", "seed", [("mayfair", gbp_k(1000))])
    s.found(
        "hills-road",
        "Hills Road Oncology (illustrative)",
        "1994-09-01",
        cam(),
        founders=["singh"],
        origins=[("cancer-inst", "spin_off")],
        model="rnd",
        sector="oncology small molecules",
        src=gen1,
    )
    s.round("granta-ab", "1994-10-03", "series_b", [("mayfair", gbp_k(8000)), ("thames-vc", gbp_k(6000))])
    s.round("hills-road", "1995-01-16", "seed", [("fen-angels", gbp_k(600)), ("granta-seed", gbp_k(600))])
    s.relocated(
        "fulbourn-lab",
        "1996-01-15",
        cam("Fulbourn"),
        src=f"illustrative: invented move to Cambridge ({FOR_THE_MARKET})",
    )
    s.round("bloomsbury-ab", "1996-03-01", "series_a", [("thames-vc", gbp_k(5000)), ("mayfair", gbp_k(3000))])
    s.round("hills-road", "1997-05-01", "series_a", [("mayfair", gbp_k(6000)), ("granta-seed", gbp_k(2000))])
    s.ipo("granta-ab", "1997-06-18", "London Stock Exchange", market_cap=gbp_k(180_000), raised=gbp_k(25_000))
    s.round("fulbourn-lab", "1998-03-02", "series_a", [("granta-seed", gbp_k(3000)), ("thames-vc", gbp_k(2000))])
    s.ipo("bloomsbury-ab", "2000-03-15", "London Stock Exchange", market_cap=gbp_k(250_000))
    s.headcount("granta-ab", "2000-12-31", 260)

    # Generation 2.
    gen2 = "illustrative: invented second-generation firm, founded or backed by people who exited earlier firms"
    s.found(
        "mill-road",
        "Mill Road Protein Design (illustrative)",
        "2000-02-01",
        cam(),
        founders=["hughes"],
        origins=[("lmb", "alumni"), ("granta-ab", "alumni")],
        model="rnd",
        sector="protein design",
        src=gen2,
    )
    s.round("mill-road", "2000-06-01", "seed", [("granta-ab", gbp_k(2000)), ("ward", gbp_k(500)), ("fen-angels", gbp_k(500))])
    s.career("chandra", "mill-road", "2002-03-01", "2009-06-30", role="scientist")
    s.found(
        "chesterton-gx",
        "Chesterton Genomics (illustrative)",
        "2002-03-01",
        cam(),
        founders=["harris"],
        origins=[("bloomsbury-ab", "alumni")],
        model="platform",
        sector="genomics services",
        src=f"illustrative: invented firm of a London founder after his exit ({FOR_THE_MARKET})",
    )
    s.acquired("hills-road", "2002-04-02", "lemanic", price=gbp_k(140_000))
    s.round("chesterton-gx", "2002-06-03", "seed", [("mayfair", gbp_k(1500)), ("fen-angels", gbp_k(500))])
    s.round("mill-road", "2002-09-02", "series_a", [("thames-vc", gbp_k(8000)), ("granta-seed", gbp_k(3000))])
    s.found(
        "whitechapel-dx",
        "Whitechapel Diagnostics (illustrative)",
        "2003-05-01",
        loc("GB", "GB-TWH", "London"),
        founders=["evans"],
        origins=[("cam-uni", "alumni")],
        model="service",
        sector="molecular diagnostics laboratory",
        src="illustrative: invented London firm whose exit sends a founder and money to Cambridge",
    )
    s.round("whitechapel-dx", "2003-09-01", "seed", [("kings-cross", gbp_k(1500))])
    s.found(
        "trumpington-cell",
        "Trumpington Cell Therapy (illustrative)",
        "2004-01-12",
        cam(),
        founders=["okoro"],
        origins=[("cancer-inst", "spin_off")],
        model="rnd",
        sector="T-cell therapy",
        src=gen2,
    )
    s.round("trumpington-cell", "2004-05-04", "seed", [("singh", gbp_k(800)), ("granta-seed", gbp_k(800))])
    s.joined("singh", "trumpington-cell", "2004-05-04", role="board", title="chair (illustrative)")
    s.acquired("fulbourn-lab", "2004-06-01", "brandywine", price=gbp_k(60_000))
    s.round("chesterton-gx", "2005-04-01", "series_a", [("thames-vc", gbp_k(7000))])
    s.round("whitechapel-dx", "2006-02-01", "series_a", [("kings-cross", gbp_k(6000)), ("thames-vc", gbp_k(4000))])
    s.round("trumpington-cell", "2007-03-01", "series_a", [("mayfair", gbp_k(9000)), ("thames-vc", gbp_k(6000))])
    s.headcount("mill-road", "2008-12-31", 120)
    s.acquired("mill-road", "2009-05-01", "albion", price=gbp_k(300_000))
    s.career("chandra", "cam-uni", "2009-09-01", "2015-12-31", role="scientist", title="senior research associate (illustrative)")
    s.org("syndicate", "Cambridge Founders Syndicate (illustrative)", "investor", cam(), since="2010-03-01")
    s.fund(
        "syndicate",
        "2010-03-01",
        [
            ("hughes", gbp_k(3000)),
            ("harris", gbp_k(2000)),
            ("singh", gbp_k(1000)),
            ("muller", gbp_k(1000)),
            ("granta-ab", gbp_k(3000)),
            ("fen-angels", gbp_k(1000)),
        ],
        manager="granta-seed",
        src=f"illustrative: invented syndicate of exited founders and a listed alumni firm ({LONDON_NEAR})",
    )
    s.headcount("granta-ab", "2010-12-31", 540)
    s.acquired("whitechapel-dx", "2010-11-01", "brandywine", price=gbp_k(120_000))
    s.acquired("chesterton-gx", "2011-02-01", "lemanic", price=gbp_k(110_000))
    s.acquired("trumpington-cell", "2012-10-01", "brandywine", price=gbp_k(260_000))

    # Generation 3.
    gen3 = "illustrative: invented third-generation firm, founded or backed by people who exited earlier firms"
    s.found(
        "cambourne-dx",
        "Cambourne Diagnostics AI (illustrative)",
        "2013-05-01",
        cam("Cambourne"),
        founders=["evans"],
        origins=[("cam-uni", "alumni"), ("whitechapel-dx", "alumni")],
        model="platform",
        sector="diagnostics software",
        src=f"illustrative: invented Cambridge firm of a London founder after her exit ({FOR_THE_MARKET})",
    )
    s.round("cambourne-dx", "2013-09-02", "seed", [("kings-cross", gbp_k(1000)), ("fen-angels", gbp_k(500))])
    s.found(
        "coton-immuno",
        "Coton Immunotherapy (illustrative)",
        "2014-02-03",
        cam(),
        founders=["okoro"],
        origins=[("cancer-inst", "alumni"), ("trumpington-cell", "alumni")],
        model="rnd",
        sector="immunotherapy",
        src=gen3,
    )
    s.round("coton-immuno", "2014-06-02", "seed", [("syndicate", gbp_k(1500)), ("hughes", gbp_k(500))])
    s.found(
        "cherry-hinton",
        "Cherry Hinton RNA (illustrative)",
        "2016-02-01",
        cam(),
        founders=["chandra"],
        origins=[("cam-uni", "spin_off"), ("mill-road", "alumni")],
        model="rnd",
        sector="RNA therapeutics",
        src=gen3,
    )
    s.round("cherry-hinton", "2016-05-02", "seed", [("harris", gbp_k(800)), ("syndicate", gbp_k(1200))])
    s.round(
        "coton-immuno",
        "2016-09-01",
        "series_a",
        [("kings-cross", gbp_k(10_000)), ("thames-vc", gbp_k(5000)), (kendall_vc, gbp_k(5000))],
        src="illustrative: invented round with London VCs and a Boston VC (boston.json)",
    )
    s.fund(
        "syndicate",
        "2018-06-01",
        [
            ("okoro", gbp_k(3000)),
            ("hughes", gbp_k(2000)),
            ("harris", gbp_k(2000)),
            ("evans", gbp_k(1000)),
            ("kings-cross", gbp_k(2000)),
            ("granta-seed", gbp_k(1000)),
        ],
        manager="granta-seed",
        src="illustrative: invented second raise, with a London VC among the LPs",
    )
    s.round("cherry-hinton", "2019-01-15", "series_a", [("mayfair", gbp_k(12_000)), ("kings-cross", gbp_k(6000))])
    s.headcount("coton-immuno", "2020-12-31", 150)
    s.acquired("cambourne-dx", "2020-08-03", "brandywine", price=gbp_k(90_000))
    s.acquired("coton-immuno", "2021-03-01", "albion", price=gbp_k(420_000))

    # Generation 4.
    s.found(
        "grantchester",
        "Grantchester Bio (illustrative)",
        "2022-01-10",
        cam("Grantchester"),
        founders=["okoro"],
        origins=[("coton-immuno", "alumni")],
        model="rnd",
        sector="tumour microenvironment therapeutics",
        src="illustrative: invented fourth-generation firm, founded after the founder's second exit",
    )
    s.round("grantchester", "2022-05-03", "seed", [("syndicate", gbp_k(2000)), ("evans", gbp_k(500))])
    s.headcount("cherry-hinton", "2023-12-31", 60)
    s.round("grantchester", "2024-02-01", "series_a", [("thames-vc", gbp_k(15_000)), ("mayfair", gbp_k(8000))])
    return s


# ---- Medicon Valley (Capital Region of Denmark and Skåne) -------------------------------------


def dk(city: str) -> Json:
    return loc("DK", "DK-84", city)


def se(city: str) -> Json:
    return loc("SE", "SE-M", city)


# Approximate annual-average USD per DKK and per SEK, rounded; the demo's own figures, not official series.
# fmt: off
DKK_USD = {
    1996: "0.173", 1997: "0.151", 1998: "0.149", 1999: "0.144", 2000: "0.124", 2001: "0.120", 2002: "0.127",
    2003: "0.152", 2004: "0.168", 2005: "0.167", 2006: "0.169", 2007: "0.183", 2008: "0.196", 2009: "0.186",
    2010: "0.178", 2011: "0.187", 2012: "0.173", 2013: "0.178", 2014: "0.178", 2015: "0.149", 2016: "0.149",
    2017: "0.152", 2018: "0.159", 2019: "0.150", 2020: "0.153", 2021: "0.159", 2022: "0.142", 2023: "0.145", 2024: "0.145",
}
SEK_USD = {
    1996: "0.149", 1997: "0.131", 1998: "0.126", 1999: "0.121", 2000: "0.109", 2001: "0.097", 2002: "0.103",
    2003: "0.124", 2004: "0.136", 2005: "0.134", 2006: "0.136", 2007: "0.148", 2008: "0.152", 2009: "0.131",
    2010: "0.139", 2011: "0.154", 2012: "0.148", 2013: "0.154", 2014: "0.146", 2015: "0.119", 2016: "0.117",
    2017: "0.117", 2018: "0.115", 2019: "0.106", 2020: "0.109", 2021: "0.117", 2022: "0.099", 2023: "0.094", 2024: "0.095",
}
# fmt: on
MV_ANCHORS = "context.md: Medicon Valley (Copenhagen - Lund/Malmö) is cross-border, with anchors Novo Nordisk, Lundbeck and AstraZeneca"
MVA = "context.md: Medicon Valley Academy (1997) is the cluster's association"
ACROSS = "illustrative: invented {n}-generation firm; founders and money cross the Øresund both ways ({facts})"


def medicon_valley(cuk: Scenario) -> Scenario:
    s = Scenario(
        slug="medicon-valley",
        prefix="mv",
        label="Medicon Valley",
        description=(
            "Medicon Valley demo, one region across two countries (Capital Region of Denmark DK-84 and Skåne SE-M): alumni "
            "of Novo Nordisk, Lundbeck, AstraZeneca and local universities and hospitals found firms from 1998; Danish and "
            "Swedish exited founders found again and back firms on the other side of the Øresund, and pool money in a "
            "cross-border founders' fund, over three generations; firms join Medicon Valley Academy; an exited Cambridge (UK) "
            "founder of cambridge-uk.json (the same actor) backs a Lund firm. Real "
            "(../shared/context.md): the cross-border cluster, its anchors Novo Nordisk, Lundbeck and AstraZeneca, Medicon "
            "Valley Academy (1997), 118 start-ups 1997-2007, 300+ new firms in the last five years, about 40 large firms, "
            "200 ventures, 40,000 employees, 32 hospitals, 12 universities, 80 CROs/CMOs (cluster figures; the modelled "
            "firms are a small subset). Everything else (people, firms, dates, amounts, DKK/SEK rates) is illustrative; see "
            "each event's source."
        ),
    )
    for currency, rates in (("DKK", DKK_USD), ("SEK", SEK_USD)):
        for year, rate in rates.items():
            s.fx(
                currency,
                f"{year}-01-01",
                rate,
                src=f"illustrative: approximate annual-average {currency}/USD rate, rounded; not an official rate",
            )

    anchor = f"real: {MV_ANCHORS}; illustrative: the registration date and where in the region it is placed"
    s.org("novo", "Novo Nordisk", "corporation", dk("Bagsværd"), since="1990-01-02", src=anchor)
    s.org("lundbeck", "Lundbeck", "corporation", dk("Copenhagen"), since="1990-01-02", src=anchor)
    s.org("astrazeneca", "AstraZeneca (Skåne R&D site)", "corporation", se("Lund"), since="1990-01-02", src=anchor)
    s.org(
        "mva",
        "Medicon Valley Academy",
        "association",
        dk("Copenhagen"),
        since="1997-01-02",
        src=f"real: {MVA}; illustrative: the day and its seat",
    )
    s.org("oresund-uni", "Øresund University of Life Sciences (illustrative)", "university", dk("Copenhagen"), since="1990-01-02")
    s.org("scania-inst", "Scania Institute of Biomedicine (illustrative)", "university", se("Lund"), since="1990-01-02")
    s.org("lund-hospital", "Øresund Teaching Hospital, Lund (illustrative)", "hospital", se("Lund"), since="1990-01-02")
    s.org("oresund-vc", "Øresund Life Science Ventures (illustrative)", "investor", dk("Copenhagen"), since="1996-01-02")
    s.org("nyhavn-angels", "Nyhavn Angels (illustrative)", "investor", dk("Copenhagen"), since="1996-01-02")
    s.org("lund-seed", "Lund Seed Capital (illustrative)", "investor", se("Lund"), since="1996-01-02")
    s.org("malmo-angels", "Malmö Angel Network (illustrative)", "investor", se("Malmö"), since="1996-01-02")
    s.org("stockholm-vc", "Stockholm Health Growth (illustrative)", "investor", loc("SE", "SE-AB", "Stockholm"), since="1996-01-02")
    s.org("atlantic", "Atlantic Pharma Inc. (illustrative)", "corporation", loc("US", "US-NJ"), since="1990-01-02")
    hughes = s.borrow(cuk, "hughes")
    s.org("rhein", "Rhein Biologics GmbH (illustrative)", "corporation", loc("DE"), since="1990-01-02")
    for org in ("novo", "lundbeck", "astrazeneca"):
        s.member(org, "mva", "1997-06-02", src=f"illustrative: invented membership of the anchors, and the day ({MVA})")

    people = [
        ("jensen", "Mette Jensen (illustrative)", dk("Copenhagen"), "novo", "1990-03-01", "1998-01-30", "peptide chemist"),
        # Commutes over the bridge: a Swede at a Danish anchor.
        ("lindgren", "Erik Lindgren (illustrative)", se("Malmö"), "lundbeck", "1991-09-02", "1999-02-26", "medicinal chemist"),
        ("nilsson", "Karin Nilsson (illustrative)", se("Lund"), "astrazeneca", "1992-01-06", "2000-01-31", "laboratory head"),
        ("poulsen", "Anders Poulsen (illustrative)", dk("Hellerup"), "oresund-uni", "1994-09-01", "2001-05-31", "associate professor"),
        ("berg", "Johan Berg (illustrative)", se("Malmö"), "astrazeneca", "1998-03-02", "2006-12-29", "pharmacologist"),
        ("ekstrom", "Sara Ekström (illustrative)", se("Helsingborg"), "lund-hospital", "2000-09-01", "2009-11-30", "haematologist"),
        ("madsen", "Freja Madsen (illustrative)", dk("Copenhagen"), "novo", "2008-09-01", "2019-03-29", "project leader"),
    ]
    for key, name, where, employer, start, end, title in people:
        s.person(key, name, where, since=start)
        s.career(key, employer, start, end, title=f"{title} (illustrative)")
    s.person("holm", "Lars Holm (illustrative)", dk("Copenhagen"), since="2010-02-01")

    # Generation 1 (context.md: 118 start-ups 1997-2007).
    gen1 = f"illustrative: invented first-generation firm ({MV_ANCHORS}; 118 start-ups 1997-2007)"
    s.found(
        "nordhavn-peptide",
        "Nordhavn Peptide Therapeutics (illustrative)",
        "1998-03-02",
        dk("Copenhagen"),
        founders=["jensen"],
        origins=[("novo", "alumni")],
        model="rnd",
        sector="peptide hormones",
        src=gen1,
    )
    s.round("nordhavn-peptide", "1998-09-01", "seed", [("oresund-vc", dkk_m(10)), ("nyhavn-angels", dkk_m(5))])
    s.found(
        "lund-neuro",
        "Lund Neuro Sciences (illustrative)",
        "1999-04-01",
        se("Lund"),
        founders=["lindgren"],
        origins=[("lundbeck", "alumni")],
        model="rnd",
        sector="CNS drug discovery",
        src=gen1,
    )
    s.round(
        "lund-neuro",
        "1999-09-01",
        "seed",
        [("lund-seed", sek_m(8)), ("oresund-vc", sek_m(10))],
        src="illustrative: invented round; a Copenhagen VC backs a Lund firm",
    )
    s.found(
        "malmo-dx",
        "Malmö Diagnostics (illustrative)",
        "2000-02-01",
        se("Malmö"),
        founders=["nilsson"],
        origins=[("astrazeneca", "alumni")],
        model="service",
        sector="clinical diagnostics laboratory",
        src=gen1,
    )
    s.round("nordhavn-peptide", "2000-05-02", "series_a", [("oresund-vc", dkk_m(60)), ("stockholm-vc", dkk_m(40))])
    s.round("malmo-dx", "2000-06-01", "seed", [("malmo-angels", sek_m(5))])
    s.found(
        "hellerup-enzyme",
        "Hellerup Enzyme (illustrative)",
        "2001-06-01",
        dk("Hellerup"),
        founders=["poulsen"],
        origins=[("oresund-uni", "spin_off")],
        model="rnd",
        sector="industrial enzymes",
        src=gen1,
    )
    s.round("hellerup-enzyme", "2001-10-01", "seed", [("nyhavn-angels", dkk_m(4))])
    s.round("lund-neuro", "2002-03-01", "series_a", [("stockholm-vc", sek_m(80)), ("oresund-vc", sek_m(40))])
    s.round("nordhavn-peptide", "2002-11-01", "series_b", [("oresund-vc", dkk_m(100)), ("stockholm-vc", dkk_m(60))])
    s.round("malmo-dx", "2003-04-01", "series_a", [("stockholm-vc", sek_m(40)), ("lund-seed", sek_m(10))])
    s.closed("hellerup-enzyme", "2004-12-31", "no partner for its lead enzyme (illustrative)")
    s.ipo("nordhavn-peptide", "2005-06-10", "Nasdaq Copenhagen", market_cap=dkk_m(2400), raised=dkk_m(300))

    # Generation 2.
    gen2 = ACROSS.format(n="second", facts=MV_ANCHORS)
    s.found(
        "valby-ab",
        "Valby Antibodies (illustrative)",
        "2006-03-01",
        dk("Valby"),
        founders=["poulsen"],
        origins=[("oresund-uni", "alumni")],
        model="rnd",
        sector="antibody discovery",
        src="illustrative: invented second attempt of a founder whose first firm closed",
    )
    s.round("valby-ab", "2006-06-01", "seed", [("oresund-vc", dkk_m(15)), ("nyhavn-angels", dkk_m(5))])
    s.found(
        "amager-metabolic",
        "Amager Metabolic (illustrative)",
        "2007-01-15",
        dk("Copenhagen"),
        founders=["jensen", "berg"],
        origins=[("novo", "alumni"), ("astrazeneca", "alumni"), ("nordhavn-peptide", "alumni")],
        model="rnd",
        sector="obesity and metabolic disease",
        src=gen2,
    )
    s.round("amager-metabolic", "2007-05-02", "seed", [("nordhavn-peptide", dkk_m(20)), ("oresund-vc", dkk_m(20))])
    s.acquired("lund-neuro", "2007-10-01", "lundbeck", price=sek_m(900), src="illustrative: invented acquisition by a local anchor")
    s.acquired("malmo-dx", "2008-05-02", "atlantic", price=sek_m(600))
    s.round("valby-ab", "2008-09-01", "series_a", [("stockholm-vc", dkk_m(50)), ("oresund-vc", dkk_m(30))])
    s.found(
        "lomma-bio",
        "Lomma Biologics (illustrative)",
        "2009-02-02",
        se("Lomma"),
        founders=["lindgren"],
        origins=[("lundbeck", "alumni"), ("lund-neuro", "alumni")],
        model="rnd",
        sector="biologics for inflammation",
        src=gen2,
    )
    s.round("amager-metabolic", "2009-03-02", "series_a", [("oresund-vc", dkk_m(80)), ("stockholm-vc", dkk_m(60)), ("lindgren", dkk_m(10))])
    s.round("lomma-bio", "2009-06-01", "seed", [("jensen", sek_m(5)), ("lund-seed", sek_m(5))])
    s.found(
        "helsingborg-cell",
        "Helsingborg Cell Therapy (illustrative)",
        "2010-01-11",
        se("Helsingborg"),
        founders=["ekstrom"],
        origins=[("lund-hospital", "alumni")],
        model="rnd",
        sector="stem cell therapy",
        src=gen2,
    )
    s.round("helsingborg-cell", "2010-04-01", "seed", [("nilsson", sek_m(4)), ("malmo-angels", sek_m(4))])
    s.joined("nilsson", "helsingborg-cell", "2010-04-01", role="board", title="chair (illustrative)")
    s.headcount("nordhavn-peptide", "2010-12-31", 210)
    s.org(
        "founders-fund",
        "Medicon Valley Founders Fund (illustrative)",
        "investor",
        dk("Copenhagen"),
        since="2011-04-01",
    )
    s.fund(
        "founders-fund",
        "2011-04-01",
        [
            ("jensen", dkk_m(30)),
            ("lindgren", dkk_m(20)),
            ("nilsson", dkk_m(15)),
            ("nordhavn-peptide", dkk_m(40)),
            ("oresund-vc", dkk_m(20)),
        ],
        manager="oresund-vc",
        src="illustrative: invented cross-border fund of Danish and Swedish exited founders and a listed alumni firm",
    )
    s.round("amager-metabolic", "2011-09-01", "series_b", [("stockholm-vc", dkk_m(120)), ("founders-fund", dkk_m(40))])
    s.round("lomma-bio", "2011-11-01", "series_a", [("stockholm-vc", sek_m(60)), ("founders-fund", sek_m(30))])
    s.round("helsingborg-cell", "2013-02-01", "series_a", [("lund-seed", sek_m(30)), ("founders-fund", sek_m(20))])
    s.acquired("valby-ab", "2013-06-03", "lundbeck", price=dkk_m(1100), src="illustrative: invented acquisition by a local anchor")
    s.ipo("amager-metabolic", "2014-10-02", "Nasdaq Copenhagen", market_cap=dkk_m(5500), raised=dkk_m(600))
    s.headcount("lomma-bio", "2015-12-31", 150)

    # Generation 3.
    gen3 = ACROSS.format(n="third", facts="context.md: 300+ new firms in the last five years")
    s.found(
        "malmo-peptide",
        "Malmö Peptide Design (illustrative)",
        "2016-03-01",
        se("Malmö"),
        founders=["berg"],
        origins=[("astrazeneca", "alumni"), ("amager-metabolic", "alumni")],
        model="rnd",
        sector="peptide design",
        src=gen3,
    )
    s.round("malmo-peptide", "2016-06-01", "seed", [("jensen", sek_m(5)), ("founders-fund", sek_m(10))])
    s.acquired("lomma-bio", "2016-09-01", "rhein", price=sek_m(1800))
    s.headcount("amager-metabolic", "2016-12-31", 320)
    s.fund(
        "founders-fund",
        "2018-01-15",
        [
            ("amager-metabolic", dkk_m(50)),
            ("jensen", dkk_m(30)),
            ("berg", dkk_m(20)),
            ("poulsen", dkk_m(20)),
            ("lindgren", dkk_m(20)),
        ],
        manager="oresund-vc",
        src="illustrative: invented second raise, with a listed alumni firm as the largest LP",
    )
    s.career("holm", "lomma-bio", "2010-02-01", "2017-12-29", role="scientist")
    s.found(
        "lund-gene",
        "Lund Gene Therapy (illustrative)",
        "2018-04-02",
        se("Lund"),
        founders=["holm"],
        origins=[("scania-inst", "spin_off"), ("lomma-bio", "alumni")],
        model="rnd",
        sector="AAV gene therapy",
        src=gen3,
    )
    s.round(
        "lund-gene",
        "2018-08-01",
        "seed",
        [("lindgren", sek_m(6)), ("lund-seed", sek_m(6)), (hughes, sek_m(3))],
        src="illustrative: invented round with an exited Cambridge (UK) founder of cambridge-uk.json among the angels",
    )
    s.round("malmo-peptide", "2018-09-03", "series_a", [("stockholm-vc", sek_m(80)), ("founders-fund", sek_m(30))])
    s.acquired("helsingborg-cell", "2019-05-02", "atlantic", price=sek_m(1400))
    s.found(
        "orestad-bio",
        "Ørestad Obesity Bio (illustrative)",
        "2019-06-03",
        dk("Copenhagen"),
        founders=["madsen"],
        origins=[("novo", "alumni")],
        model="rnd",
        sector="obesity therapeutics",
        src=gen3,
    )
    s.round("orestad-bio", "2019-10-01", "seed", [("amager-metabolic", dkk_m(15)), ("jensen", dkk_m(8))])
    s.headcount("amager-metabolic", "2020-12-31", 540)
    s.found(
        "kastrup-cmo",
        "Kastrup Cell Manufacturing (illustrative)",
        "2020-09-01",
        dk("Kastrup"),
        founders=["ekstrom"],
        origins=[("lund-hospital", "alumni"), ("helsingborg-cell", "alumni")],
        model="service",
        sector="cell therapy CDMO",
        src=gen3,
    )
    s.round("kastrup-cmo", "2020-12-01", "seed", [("nilsson", dkk_m(5)), ("founders-fund", dkk_m(10))])
    s.round("lund-gene", "2021-02-01", "series_a", [("founders-fund", sek_m(40)), ("stockholm-vc", sek_m(60))])
    s.acquired("malmo-peptide", "2022-03-01", "rhein", price=sek_m(1600))
    s.round("orestad-bio", "2022-09-01", "series_a", [("founders-fund", dkk_m(40)), ("oresund-vc", dkk_m(60))])
    s.round("kastrup-cmo", "2023-03-01", "series_a", [("oresund-vc", dkk_m(60)), ("berg", dkk_m(10))])
    s.headcount("kastrup-cmo", "2024-06-30", 80)
    joins = (
        ("nordhavn-peptide", "1998-06-01"),
        ("lund-neuro", "1999-09-01"),
        ("malmo-dx", "2000-09-01"),
        ("valby-ab", "2006-09-01"),
        ("amager-metabolic", "2007-06-01"),
        ("lomma-bio", "2009-09-01"),
        ("helsingborg-cell", "2010-06-01"),
        ("malmo-peptide", "2016-09-01"),
        ("lund-gene", "2018-09-03"),
        ("orestad-bio", "2019-12-02"),
        ("kastrup-cmo", "2021-03-01"),
    )
    for firm, on in joins:
        s.member(firm, "mva", on, src=f"illustrative: invented membership ({MVA})")
    return s


def build() -> dict[str, Scenario]:
    dj, us = daejeon(), bhcr()
    bos = boston(us)
    cuk = cambridge_uk(bos)
    return {
        "daejeon.json": dj,
        "bhcr.json": us,
        "osong.json": osong(dj),
        "boston.json": bos,
        "cambridge-uk.json": cuk,
        "medicon-valley.json": medicon_valley(cuk),
    }


def render(scenario: Scenario) -> str:
    return json.dumps(scenario.document(), indent=1, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--check", action="store_true", help="exit 1 when a written file differs from what would be written")
    args = parser.parse_args(argv)
    stale = []
    for name, scenario in build().items():
        path = HERE / name
        text = render(scenario)
        events = len(scenario.document()["events"])
        if args.check:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                stale.append(name)
            continue
        path.write_text(text, encoding="utf-8")
        print(f"{path.name}: {events} events, {scenario.firm_count()} firms")
    if stale:
        print("out of date: " + ", ".join(stale) + " (run python examples/build_scenarios.py)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
