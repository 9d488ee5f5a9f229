"""What a capable analyst would write instead of loopledger: pandas and networkx over the export.

Reads the replayable event log (`loopledger export --format jsonl`), drops retracted events,
and computes with pandas merges what shared/spec/chains-and-metrics.md defines: liquidity events
(exits joined with their participants), every hop (liquidity joined with later engagements
within the window: the "merge that lists every hop"), chains by a time-respecting search over a
networkx graph of those hops, and per region and year the counting metrics. It keeps to the
spec's common cases (USD amounts converted at the latest rate, capital / founder / fund /
mentor reinvestments, listed firms) and is the speed to beat, not a second engine: the harness
compares its numbers with loopledger's on the same data and reports any disagreement.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import networkx as nx
import pandas as pd

MENTOR = {"mentor", "advisor", "board"}


def _ref(value: Any) -> str:
    return value if isinstance(value, str) else str(value["id"])


@dataclass
class Frames:
    foundings: pd.DataFrame  # firm, on, country, subdivision, city
    relocations: pd.DataFrame  # firm, on, seq, country, subdivision, city
    founders: pd.DataFrame  # firm, person, since
    rounds: pd.DataFrame  # seq, firm, on, amount_usd
    investors: pd.DataFrame  # seq, firm, on, investor
    exits: pd.DataFrame  # seq, firm, on, kind, proceeds (list or None)
    raises: pd.DataFrame  # seq, fund, on, lp
    joins: pd.DataFrame  # person, org, role, on
    actors: pd.DataFrame  # id, country, subdivision, city


def load(path: Path) -> Frames:
    """The export's events as tables (retracted events left out)."""
    events = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    retracted = {e["data"]["event_id"] for e in events if e["type"] == "event.retracted"}
    rows: dict[str, list[dict[str, Any]]] = defaultdict(list)
    registered: dict[str, dict[str, Any]] = {}

    def note(ref: Any) -> None:
        if isinstance(ref, dict) and ref["id"] not in registered:
            registered[ref["id"]] = ref.get("location") or {}

    for seq, e in enumerate(events, start=1):
        if e["event_id"] in retracted or e["type"] == "event.retracted":
            continue
        d, on, kind = e["data"], e["occurred_on"], e["type"]
        if kind == "actor.registered":
            note(d)
        elif kind == "firm.founded":
            note(d["firm"])
            firm = _ref(d["firm"])
            loc = d.get("location") or registered.get(firm) or {}
            rows["foundings"].append({"firm": firm, "on": on, **_loc(loc)})
            for f in d.get("founders", []):
                note(f)
                rows["founders"].append({"firm": firm, "person": _ref(f), "since": on})
        elif kind == "firm.relocated":
            rows["relocations"].append({"firm": _ref(d["firm"]), "on": on, "seq": seq, **_loc(d["location"])})
        elif kind == "person.joined":
            note(d["person"])
            note(d["org"])
            rows["joins"].append({"person": _ref(d["person"]), "org": _ref(d["org"]), "role": d["role"], "on": on})
            if d["role"] == "founder":
                rows["founders"].append({"firm": _ref(d["org"]), "person": _ref(d["person"]), "since": on})
        elif kind == "funding.round":
            rows["rounds"].append({"seq": seq, "firm": _ref(d["firm"]), "on": on, "amount": d.get("amount")})
            for inv in d.get("investors", []):
                note(inv["investor"])
                rows["investors"].append(
                    {"seq": seq, "firm": _ref(d["firm"]), "on": on, "investor": _ref(inv["investor"]), "amount": inv.get("amount")}
                )
        elif kind in ("exit.ipo", "exit.acquisition"):
            proceeds = d.get("proceeds")
            rows["exits"].append(
                {
                    "seq": seq,
                    "firm": _ref(d["firm"]),
                    "on": on,
                    "kind": kind,
                    "proceeds": None if proceeds is None else [_ref(p["actor"]) for p in proceeds],
                }
            )
        elif kind == "fund.raised":
            note(d["fund"])
            for lp in d.get("lps", []):
                note(lp["lp"])
                rows["raises"].append({"seq": seq, "fund": _ref(d["fund"]), "on": on, "lp": _ref(lp["lp"])})
    actors = pd.DataFrame([{"id": a, **_loc(loc)} for a, loc in registered.items()])
    columns = {
        "foundings": ["firm", "on", "country", "subdivision", "city"],
        "relocations": ["firm", "on", "seq", "country", "subdivision", "city"],
        "founders": ["firm", "person", "since"],
        "rounds": ["seq", "firm", "on", "amount"],
        "investors": ["seq", "firm", "on", "investor", "amount"],
        "exits": ["seq", "firm", "on", "kind", "proceeds"],
        "raises": ["seq", "fund", "on", "lp"],
        "joins": ["person", "org", "role", "on"],
    }
    frames = {name: pd.DataFrame(rows[name], columns=cols) for name, cols in columns.items()}
    for frame in frames.values():
        for col in ("on", "since"):
            if col in frame:
                frame[col] = pd.to_datetime(frame[col])
    return Frames(**frames, actors=actors)  # type: ignore[arg-type]


def _loc(loc: dict[str, Any]) -> dict[str, Any]:
    return {"country": loc.get("country"), "subdivision": loc.get("subdivision"), "city": loc.get("city")}


def liquidity(f: Frames) -> pd.DataFrame:
    """(actor, firm, t): earliest exit of the firm the actor took part in."""
    with_proceeds = f.exits[f.exits.proceeds.notna()].explode("proceeds").rename(columns={"proceeds": "actor"})[["actor", "firm", "on"]]
    plain = f.exits[f.exits.proceeds.isna()][["firm", "on"]]
    by_founder = plain.merge(f.founders, on="firm")
    by_founder = by_founder[by_founder.since <= by_founder.on].rename(columns={"person": "actor"})[["actor", "firm", "on"]]
    by_investor = plain.merge(f.investors[["firm", "investor", "on"]].rename(columns={"on": "invested_on"}), on="firm")
    by_investor = by_investor[by_investor.invested_on <= by_investor.on].rename(columns={"investor": "actor"})[["actor", "firm", "on"]]
    out = pd.concat([with_proceeds, by_founder, by_investor])
    out = out[out.actor != out.firm]
    return out.groupby(["actor", "firm"], as_index=False).on.min()


def engagements(f: Frames, window: int) -> pd.DataFrame:
    """(actor, target, kind, on, opens): capital, founder, mentor, and fund via LP commitments."""
    capital = f.investors[["investor", "firm", "on", "seq"]].drop_duplicates().rename(columns={"investor": "actor", "firm": "target"})
    capital = capital.assign(kind="capital", opens=capital.on)
    founder = (
        f.founders.groupby(["person", "firm"], as_index=False)
        .since.min()
        .rename(columns={"person": "actor", "firm": "target", "since": "on"})
    )
    founder = founder.assign(kind="founder", opens=founder.on)
    founded = set(f.foundings.firm)
    mentor = f.joins[f.joins.role.isin(MENTOR) & f.joins.org.isin(founded)].rename(columns={"person": "actor", "org": "target"})[
        ["actor", "target", "on"]
    ]
    mentor = mentor.assign(kind="mentor", opens=mentor.on)
    fund_rounds = f.investors[["investor", "firm", "on", "seq"]].drop_duplicates()
    fund_rounds = fund_rounds.rename(columns={"investor": "fund", "firm": "target", "on": "round_on", "seq": "round_seq"})
    fund = f.raises[["lp", "fund", "on", "seq"]].drop_duplicates().merge(fund_rounds, on="fund")
    fund = fund[(fund.round_on > fund.on) & (fund.round_on <= fund.on + pd.DateOffset(years=window))]
    fund = fund.rename(columns={"lp": "actor", "on": "opens", "round_on": "on"})[["actor", "target", "on", "opens"]].assign(kind="fund")
    return pd.concat([capital, founder, mentor, fund], ignore_index=True)


def hops(f: Frames, window: int, chunk_pairs: int = 5_000_000) -> pd.DataFrame:
    """Every hop: liquidity merged with the actor's engagements within the window (and listed
    firms' own IPOs with their capital and fund engagements)."""
    liq = liquidity(f).assign(listed=False)
    ipo = f.exits[f.exits.kind == "exit.ipo"].groupby("firm", as_index=False).on.min()
    listed = ipo.assign(actor=ipo.firm, listed=True)[["actor", "firm", "on", "listed"]]
    sources = pd.concat([liq, listed], ignore_index=True)
    eng = engagements(f, window)
    # The merge pairs each of an actor's liquidity events with each of its engagements before the
    # window keeps a few: tens of millions of rows at 1M events, so actors go a group at a time.
    pairs = sources.groupby("actor").size().mul(eng.groupby("actor").size(), fill_value=0)
    pairs = pairs[pairs > 0]
    groups = pairs.cumsum() // chunk_pairs
    kept = []
    for _, members in groups.groupby(groups):
        merged = sources[sources.actor.isin(members.index)].merge(eng[eng.actor.isin(members.index)], on="actor", suffixes=("_liq", ""))
        within = (merged.opens > merged.on_liq) & (merged.opens <= merged.on_liq + pd.DateOffset(years=window))
        kept.append(merged[within & (merged.target != merged.firm) & (~merged.listed | merged.kind.isin(["capital", "fund"]))])
    columns = ["source", "target", "actor", "kind", "liquidity_on", "on", "listed"]
    if not kept:
        return pd.DataFrame(columns=columns)
    return pd.concat(kept, ignore_index=True).rename(columns={"firm": "source", "on_liq": "liquidity_on"})[columns]


def downstream(graph: nx.MultiDiGraph, root: str) -> dict[str, int]:
    """Firms reachable from root by time-respecting chains, fewest hops (keeping the best date per firm and level)."""
    generation: dict[str, int] = {}
    best: dict[str, Any] = {}
    frontier: dict[str, Any] = {root: None}
    depth = 0
    while frontier:
        depth += 1
        improved: dict[str, Any] = {}
        for firm, bound in frontier.items():
            for _, target, data in graph.out_edges(firm, data=True):
                if target == root or (bound is not None and data["liquidity_on"] < bound):
                    continue
                generation.setdefault(target, depth)
                previous = improved.get(target, best.get(target))
                if previous is None or data["on"] < previous:
                    improved[target] = data["on"]
        best.update(improved)
        frontier = improved
    return generation


def graph_of(h: pd.DataFrame) -> nx.MultiDiGraph:
    g = nx.MultiDiGraph()
    g.add_edges_from((s, t, {"liquidity_on": lq, "on": on}) for s, t, lq, on in zip(h.source, h.target, h.liquidity_on, h.on, strict=True))
    return g


def region_firms_on(f: Frames, members: list[dict[str, Any]]) -> Any:
    """A function (firm, date) -> in the region, from foundings and relocations."""
    history: dict[str, list[tuple[Any, int, tuple[Any, ...]]]] = defaultdict(list)
    for row in f.foundings.itertuples():
        history[row.firm].append((row.on, 0, (row.country, row.subdivision, row.city)))
    for row in f.relocations.itertuples():
        history[row.firm].append((row.on, row.seq, (row.country, row.subdivision, row.city)))
    for rows in history.values():
        rows.sort(key=lambda r: (r[0], r[1]))

    def matches(loc: tuple[Any, ...]) -> bool:
        country, subdivision, city = loc
        return country is not None and any(
            m["country"] == country
            and (m.get("subdivision") is None or m["subdivision"] == subdivision)
            and (m.get("city") is None or (isinstance(city, str) and m["city"].casefold() == city.casefold()))
            for m in members
        )

    def in_region(firm: str, day: Any) -> bool:
        where = None
        for on, _seq, loc in history.get(firm, ()):
            if on > day:
                break
            where = loc
        return where is not None and matches(where)

    return in_region


def yearly_metrics(f: Frames, h: pd.DataFrame, members: list[dict[str, Any]], years: range, window: int) -> dict[int, dict[str, Any]]:
    """Per calendar year: firms_founded, exits, liquidity_actors, recycling_rate, local_hops, hops_in, hops_out."""
    in_region = region_firms_on(f, members)
    liq = liquidity(f)
    liq["inside"] = [in_region(firm, on) for firm, on in zip(liq.firm, liq.on, strict=True)]
    h = h.copy()
    h["src"] = [in_region(s, t) for s, t in zip(h.source, h.liquidity_on, strict=True)]
    h["dst"] = [in_region(t, on) for t, on in zip(h.target, h.on, strict=True)]
    out: dict[int, dict[str, Any]] = {}
    for year in years:

        def in_year(col: pd.Series, year: int = year) -> pd.Series:
            return col.dt.year == year

        founded = f.foundings[in_year(f.foundings.on)]
        founded_here = sum(in_region(firm, on) for firm, on in zip(founded.firm, founded.on, strict=True))
        exits = f.exits[in_year(f.exits.on)]
        cohort = liq[in_year(liq.on) & liq.inside]
        first = cohort.groupby("actor").on.min()
        firsts = cohort.merge(first.rename("first").reset_index(), on="actor")
        firsts = firsts[firsts.on == firsts["first"]].reset_index(drop=True)
        plain = h[~h.listed].merge(
            firsts[["actor", "firm", "on"]],
            left_on=["actor", "source", "liquidity_on"],
            right_on=["actor", "firm", "on"],
            suffixes=("", "_c"),
        )
        recycled = plain.actor.nunique()
        dated = h[in_year(h.on)]
        out[year] = {
            "firms_founded": int(founded_here),
            "exits": int(sum(in_region(firm, on) for firm, on in zip(exits.firm, exits.on, strict=True))),
            "liquidity_actors": len(first),
            "recycling_rate": None if len(first) == 0 else recycled / len(first),
            "local_hops": int((dated.src & dated.dst).sum()),
            "hops_in": int((~dated.src & dated.dst).sum()),
            "hops_out": int((dated.src & ~dated.dst).sum()),
        }
    return out
