"""The built-in demo scenarios (examples/*.json but the worked example) load cleanly and show the loop."""

from __future__ import annotations

import datetime as dt
import importlib.util
import itertools
import json
import sys
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from ledger.actors.models import Actor
from ledger.chains import cores, frontier
from ledger.chains import service as chains_service
from ledger.chains.activity import Activity, Hop, every_hop
from ledger.chains.maintain import catch_up
from ledger.chains.models import LiquidityEvent
from ledger.chains.places import Places
from ledger.db import create_db_engine, make_session_factory, unit_of_work
from ledger.loading import load_path
from ledger.metrics import service as metrics_service
from ledger.money import FxTable
from ledger.projections import models as m
from ledger.regions.patterns import matches

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
REAL_NAMES = {
    "KRIBB (Korea Research Institute of Bioscience and Biotechnology)",
    "LG Chem (Daejeon R&D campus)",
    "Ministry of Food and Drug Safety",
    "BioHA (Daejeon BioHealthcare Association)",
    "BioHA private investment partnership",
    "Alteogen",
    "LigaChem Biosciences",
    "Peptron",
    "Curocell",
    "NIH (National Institutes of Health)",
    "NCI (National Cancer Institute)",
    "FDA (US Food and Drug Administration)",
    "Walter Reed Army Institute of Research",
    "Johns Hopkins University",
    "University of Maryland",
    "US Department of Defense",
    "MIT (Massachusetts Institute of Technology)",
    "Biogen",
    "Genetics Institute",
    "University of Cambridge",
    "MRC Laboratory of Molecular Biology",
    "Cambridge Science Park",
    "Novo Nordisk",
    "Lundbeck",
    "AstraZeneca (Skåne R&D site)",
    "Medicon Valley Academy",
}
# In the order the demo loads them (cli/main.py DEMO_SCENARIOS).
SCENARIOS = ("daejeon.json", "bhcr.json", "osong.json", "boston.json", "cambridge-uk.json", "medicon-valley.json")


@dataclass(frozen=True)
class Case:
    file: str
    region: str
    first_generation: tuple[str, ...]
    # A founder-to-founder path through local exits: (source, target, via) per hop.
    founder_chain: tuple[tuple[str, str, str], ...]


DAEJEON = Case(
    "daejeon.json",
    "daejeon",
    ("dj:hanbit", "dj:gyeryong", "dj:daedeok-peptide", "dj:yuseong-dx", "dj:gapcheon", "dj:expo-cell", "dj:bomun"),
    (("dj:hanbit", "dj:sintanjin", "dj:han"), ("dj:sintanjin", "dj:tanbang", "dj:ryu"), ("dj:tanbang", "dj:daehwa", "dj:song")),
)
BHCR = Case(
    "bhcr.json",
    "bhcr",
    (
        "bhcr:rockville-cra",
        "bhcr:potomac-cell",
        "bhcr:chesapeake-reagents",
        "bhcr:frederick-kits",
        "bhcr:gaithersburg-assay",
        "bhcr:tysons-virology",
    ),
    (
        ("bhcr:rockville-cra", "bhcr:patuxent", "bhcr:whitcomb"),
        ("bhcr:patuxent", "bhcr:seneca", "bhcr:hpark"),
        ("bhcr:seneca", "bhcr:great-falls", "bhcr:hpark"),
        ("bhcr:great-falls", "bhcr:olney", "bhcr:hpark"),
    ),
)


def _doc(file: str) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads((EXAMPLES / file).read_text(encoding="utf-8"))
    return doc


def _load(url: str, *files: str) -> sessionmaker[Session]:
    """Load the files, check nothing was rejected or duplicated, then compute the hops."""
    factory = make_session_factory(create_db_engine(url))
    for file in files:
        loaded = load_path(factory, EXAMPLES / file)
        assert (loaded.new, loaded.duplicates) == (len(_doc(file)["events"]), 0), file
    with unit_of_work(factory) as session:
        catch_up(session)
    return factory


def _regional(session: Session, root: str, members: list[dict[str, Any]]) -> set[str]:
    """The firms of root's chain over hops local to the region."""
    core = cores.core(session, window_years=10)
    found = frontier.search(core, np.array([core.vocabulary.code(root)], dtype=np.int64), region=members)
    return {str(core.vocabulary.ids[f]) for f in np.flatnonzero(found.generation > 0)}


def _hops(session: Session) -> list[Hop]:
    return list(every_hop(Activity(session, window_years=10)))


def _ends(session: Session, h: Hop) -> tuple[Any, Any]:
    """Where the hop's source was at the liquidity date and its target at the hop date."""
    places = Places(session)
    return places.on(h.source_id, h.liquidity_on), places.on(h.target_id, h.on)


def _longest_local_chain(session: Session, hops: list[Hop], members: list[dict[str, Any]]) -> int:
    """Hops in the longest time-respecting chain whose every hop has both ends in the region."""
    local = sorted((h for h in hops if all(matches(end, members) for end in _ends(session, h))), key=lambda h: h.on)
    longest: list[int] = []
    for i, h in enumerate(local):
        before = [longest[j] for j, g in enumerate(local[:i]) if g.target_id == h.source_id and g.on <= h.liquidity_on]
        longest.append(1 + max(before, default=0))
    return max(longest, default=0)


def _assert_loop(session: Session, case: Case) -> None:
    """Structural facts both scenarios promise: size, exits, hops of every kind, deep local chains."""
    members = _doc(case.file)["regions"][case.region]["members"]
    foundings = list(session.scalars(sa.select(m.FirmFounding)))
    local_firms = {f.firm_id for f in foundings if matches((f.country, f.subdivision, f.city), members)}
    assert 30 <= len(foundings) <= 60 and len(local_firms) >= 25
    exited = {e.firm_id for e in session.scalars(sa.select(m.FirmExit))}
    assert len(exited & local_firms) >= 15
    hops = _hops(session)
    assert {h.engagement.kind for h in hops} == {"capital", "founder", "fund", "mentor"}
    assert _longest_local_chain(session, hops, members) >= 3

    # The founder path is there hop by hop, time-respecting, and the regional search follows it.
    path = []
    for source, target, via in case.founder_chain:
        found = [h for h in hops if (h.source_id, h.target_id, h.via_id, h.engagement.kind) == (source, target, via, "founder")]
        assert found, (source, target, via)
        path.append(found[0])
    assert all(a.on <= b.liquidity_on for a, b in itertools.pairwise(path))
    assert case.founder_chain[-1][1] in _regional(session, case.founder_chain[0][0], members)

    # Every first-generation firm that exited seeds chains more than one generation deep.
    for root in case.first_generation:
        downstream, _ = chains_service.reached(session, [root], window_years=10)
        assert max(downstream.values(), default=0) >= 2, root

    # Most, not all, of those who got liquidity reinvested.
    liquid = {q.actor_id for q in session.scalars(sa.select(LiquidityEvent))}
    recycled = liquid & {h.via_id for h in hops if not h.listed}
    assert 0.5 < len(recycled) / len(liquid) < 1


def test_daejeon_scenario_loads_and_recycles_locally_and_towards_seoul(sqlite_url: str) -> None:
    factory = _load(sqlite_url, DAEJEON.file)
    assert load_path(factory, EXAMPLES / DAEJEON.file).new == 0  # replaying the file adds nothing
    with factory() as session:
        _assert_loop(session, DAEJEON)

        # KRW amounts convert through the fx.rate events.
        fx = FxTable.load(session)
        rounds = list(session.scalars(sa.select(m.FundingRound)))
        assert {r.amount_currency for r in rounds} == {"KRW"}
        assert all(fx.usd(r.amount, r.amount_currency, r.amount_usd, r.occurred_on) for r in rounds)
        hops = _hops(session)
        assert all(h.engagement.amount_usd is not None for h in hops if h.engagement.kind in ("capital", "fund"))
        # Yoon's 500M KRW into the 2007 Sintanjin seed, at the 2007 rate of 0.00108 USD per KRW.
        yoon = [h for h in hops if (h.via_id, h.target_id, h.engagement.kind) == ("dj:yoon", "dj:sintanjin", "capital")]
        assert [h.engagement.amount_usd for h in yoon] == [Decimal("540000")]

        # Local and Seoul money; hops out to Seoul and Chungbuk and in from Seoul; moves to Seoul.
        investors = sa.select(Actor.subdivision).join(m.RoundInvestor, m.RoundInvestor.investor_id == Actor.id)
        assert {"KR-30", "KR-11"} <= set(session.scalars(investors))
        flows = {tuple(None if end is None else end[1] for end in _ends(session, h)) for h in hops}
        assert {("KR-30", "KR-11"), ("KR-30", "KR-43"), ("KR-11", "KR-30")} <= flows
        assert len(set(session.scalars(sa.select(m.Relocation.firm_id)))) >= 2
        bioha = session.scalars(sa.select(m.AssociationMembership).where(m.AssociationMembership.association_id == "dj:bioha"))
        assert sum(1 for row in bioha if row.joined_on.year == 2015) == 15


def test_bhcr_scenario_loads_and_upgrades_from_service_to_rnd(sqlite_url: str) -> None:
    factory = _load(sqlite_url, BHCR.file)
    assert load_path(factory, EXAMPLES / BHCR.file).new == 0
    with factory() as session:
        _assert_loop(session, BHCR)
        foundings = list(session.scalars(sa.select(m.FirmFounding)))
        early = {f.business_model for f in foundings if f.founded_on.year < 1986}
        late = [f.business_model for f in foundings if f.founded_on.year >= 1995]
        assert early == {"service"} and late.count("rnd") > len(late) / 2
        headcounts = list(session.scalars(sa.select(m.Headcount)))
        assert len({h.firm_id for h in headcounts if h.employees >= 500}) >= 3
        total = {year: sum(h.employees for h in headcounts if h.reported_on.year == year) for year in (2003, 2016)}
        assert total[2016] > 2 * total[2003]  # the modelled firms' employment more than doubles
        acquirers = sa.select(Actor.subdivision).join(m.FirmExit, m.FirmExit.acquirer_id == Actor.id)
        assert not {"US-MD", "US-VA", "US-DC"} & set(session.scalars(acquirers))  # bought by multinationals elsewhere


def test_scenarios_fit_in_one_ledger_with_the_worked_example() -> None:
    """Distinct event ids and firm ids, an actor in two files only with the same facts, and the
    same region definitions, so no load can clash whatever the order."""
    docs = [_doc(f) for f in SCENARIOS]
    worked = _doc("worked-example.json")

    def founded(doc: dict[str, Any]) -> list[str]:
        return [e["data"]["firm"]["id"] for e in doc["events"] if e["type"] == "firm.founded"]

    event_ids = [e["event_id"] for d in [*docs, worked] for e in d["events"]]
    assert len(event_ids) == len(set(event_ids))
    firms = [firm for d in docs for firm in founded(d)]
    assert len(firms) == len(set(firms))
    facts: dict[str, dict[str, Any]] = {}
    for d in docs:
        for e in d["events"]:
            if e["type"] == "actor.registered":
                assert facts.setdefault(e["data"]["id"], e["data"]) == e["data"]
    worked_ids = {e["data"]["id"] for e in worked["events"] if e["type"] == "actor.registered"} | set(founded(worked))
    assert not (facts.keys() | set(firms)) & worked_ids
    assert all(d["regions"] == docs[0]["regions"] for d in docs)
    shared = docs[0]["regions"].keys() & worked["regions"].keys()
    assert all(docs[0]["regions"][slug] == worked["regions"][slug] for slug in shared)


def _generator() -> Any:
    spec = importlib.util.spec_from_file_location("build_scenarios", EXAMPLES / "build_scenarios.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the file executes
    spec.loader.exec_module(module)
    return module


def test_committed_files_match_the_generator() -> None:
    assert _generator().main(["--check"]) == 0


@pytest.mark.parametrize("file", SCENARIOS)
def test_every_event_says_whether_it_is_real_and_invented_names_say_so(file: str) -> None:
    events = _doc(file)["events"]
    assert 100 <= len(events) <= 400
    assert all(e["source"].startswith(("real: ", "illustrative: ")) for e in events)
    names = [e["data"]["name"] for e in events if e["type"] == "actor.registered"]
    names += [e["data"]["firm"]["name"] for e in events if e["type"] == "firm.founded"]
    assert [n for n in names if n not in REAL_NAMES and "(illustrative)" not in n] == []


# ---- the other clusters of context.md, and the links between the files --------------------------

# A path of hops through local exits in each newer scenario's own region: (source, target, via, kind).
LOCAL_CHAINS = {
    "chungbuk": (
        ("os:osong-reg", "os:osong-bioanalytics", "os:jeon", "capital"),
        ("os:osong-bioanalytics", "os:ochang-cell", "os:ha", "capital"),
        ("os:ochang-cell", "os:osong-mrna", "os:yang", "founder"),
    ),
    "boston": (
        ("bos:kendall-protein", "bos:longwood-ab", "bos:obrien", "founder"),
        ("bos:longwood-ab", "bos:brookline-cell", "bos:nakamura", "founder"),
        ("bos:brookline-cell", "bos:alewife-protein", "bos:nakamura", "capital"),
        ("bos:alewife-protein", "bos:charles-bend", "bos:patel", "capital"),
    ),
    "cambridge-uk": (
        ("cuk:granta-ab", "cuk:mill-road", "cuk:hughes", "founder"),
        ("cuk:mill-road", "cuk:coton-immuno", "cuk:hughes", "capital"),
        ("cuk:coton-immuno", "cuk:grantchester", "cuk:okoro", "founder"),
    ),
    # Copenhagen -> Copenhagen -> Malmö -> Kastrup: one region across the Øresund.
    "medicon-valley": (
        ("mv:nordhavn-peptide", "mv:amager-metabolic", "mv:jensen", "founder"),
        ("mv:amager-metabolic", "mv:malmo-peptide", "mv:berg", "founder"),
        ("mv:malmo-peptide", "mv:kastrup-cmo", "mv:berg", "capital"),
    ),
}


@pytest.mark.parametrize("file", SCENARIOS)
def test_every_scenario_loads_alone_without_a_rejected_event(database_url: str, file: str) -> None:
    """Borrowed actors are registered in each file too, so none needs another loaded first."""
    factory = _load(database_url, file)
    assert load_path(factory, EXAMPLES / file).new == 0
    with factory() as session:
        assert _hops(session)


def test_all_scenarios_load_together_and_link_the_regions(database_url: str) -> None:
    factory = _load(database_url, *SCENARIOS)
    assert sum(load_path(factory, EXAMPLES / file).new for file in SCENARIOS) == 0
    regions = _doc(SCENARIOS[0])["regions"]
    compared = metrics_service.compare(
        factory, slugs=list(regions), period=metrics_service.default_period(dt.date.today()), window_years=10
    )
    flows, metrics = compared["hop_flows"], compared["metrics"]
    # Daejeon exit money reaches Seoul and Osong/Ochang; London's reaches Cambridge; and the files'
    # shared actors link Washington to Boston, Boston to Cambridge (UK), Cambridge to Medicon Valley.
    for source, target in (
        ("daejeon", "seoul"),
        ("daejeon", "chungbuk"),
        ("london", "cambridge-uk"),
        ("bhcr", "boston"),
        ("boston", "cambridge-uk"),
        ("cambridge-uk", "medicon-valley"),
    ):
        assert flows[source][target] > 0, (source, target)
    with factory() as session:
        hops = _hops(session)
        for slug, chain in LOCAL_CHAINS.items():
            assert metrics[slug]["loop_depth"] >= 3, slug
            assert metrics[slug]["exits"] >= 5 and metrics[slug]["recycling_rate"] > 0.5, slug
            path = []
            for source, target, via, kind in chain:
                found = [h for h in hops if (h.source_id, h.target_id, h.via_id, h.engagement.kind) == (source, target, via, kind)]
                assert found, (source, target, via, kind)
                path.append(found[0])
            assert all(a.on <= b.liquidity_on for a, b in itertools.pairwise(path))
            members = regions[slug]["members"]
            assert all(matches(end, members) for h in path for end in _ends(session, h)), slug
            # Reached, though often by a shorter path too: the root's own holders reinvest widely.
            assert chain[-1][1] in _regional(session, chain[0][0], members), slug


def test_medicon_valley_is_one_region_across_two_countries(sqlite_url: str) -> None:
    factory = _load(sqlite_url, "medicon-valley.json")
    members = _doc("medicon-valley.json")["regions"]["medicon-valley"]["members"]
    assert {(m["country"], m["subdivision"]) for m in members} == {("DK", "DK-84"), ("SE", "SE-M")}
    with factory() as session:
        hops = _hops(session)
        crossing = {tuple(None if end is None else end[0] for end in _ends(session, h)) for h in hops}
        assert {("DK", "SE"), ("SE", "DK")} <= crossing
        rates = {r.currency for r in session.scalars(sa.select(m.FxRate))}
        assert {"DKK", "SEK"} <= rates
