"""What a capable analyst would write instead of loopledger: vectorized pandas and numpy over the export.

Reads the replayable event log (`loopledger export --format jsonl`) into tables with one Python
pass over the JSON (retracted events dropped), then computes with array operations only what
shared/spec/chains-and-metrics.md defines, in the spec's common cases (capital / founder / fund /
mentor reinvestments, listed firms):

- every id (firm, person, investor, fund, org) becomes an integer code (one `pd.factorize` over
  all id columns) and every date an integer day number (days since 1970-01-01); a (code, day)
  pair packs into one int64 key `code * 2**22 + (day + 2**21)`, so sorted keys order by code,
  then day, and `np.searchsorted` finds "the rows of this code within these dates";
- "t < t2 <= t + W years" uses numpy month arithmetic with the day clamped to the month's
  length (29 Feb -> 28 Feb);
- liquidity events: each participant's first founder / investor date finds the firm's earliest
  plain exit on or after it by `searchsorted`, then a sort keeps the earliest per (actor, firm);
- hops: engagements (capital, founder, mentor, and fund via LP commitments, found the same way)
  sorted by (actor, opens); each liquidity event (and each listed firm's own IPO) takes the range
  of its actor's engagements within the window, and the ranges expand with `np.repeat` and
  `np.arange` (no per-row Python and no cartesian merge);
- chains: hops grouped by source firm (sort plus offsets); a time-respecting earliest-arrival
  search runs level by level over an array frontier, re-expanding a firm whenever its arrival
  date improves;
- regional metrics: a firm's location on a date is the last founding / relocation row at or
  before it (`searchsorted` over (firm, day) keys); membership of a region is decided once per
  distinct location; the per-year counts are bincounts over all years at once.

It is the speed to beat, not a second engine: the harness compares its numbers with
loopledger's on the same data and reports any disagreement.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

MENTOR = {"mentor", "advisor", "board"}
KINDS = ("capital", "founder", "mentor", "fund")
CAPITAL, FOUNDER, MENTORING, FUND = range(len(KINDS))

Ints = npt.NDArray[np.int64]
Bools = npt.NDArray[np.bool_]

DAY_BITS = 22  # a key is code * 2**22 + (day + 2**21): days from about 3700 BC to 7700 AD
DAY_SHIFT = 1 << 21
DAY_MASK = (1 << DAY_BITS) - 1
NO_BOUND = -(1 << 40)  # an arrival date earlier than any liquidity date
NEVER = 1 << 40  # an arrival date later than any hop date


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
    # The integer-coded arrays derived from the tables, built on first use (hops and every
    # region's metrics share them).
    coded: Coded | None = field(default=None, init=False, repr=False, compare=False)


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


# ---- integer days, keys and ranges ----------------------------------------------------------------


def _days(column: pd.Series) -> Ints:
    """Dates as days since 1970-01-01."""
    return np.asarray(column.to_numpy().astype("datetime64[D]").astype(np.int64), dtype=np.int64)


def _dates(days: Ints) -> npt.NDArray[np.datetime64]:
    return days.astype("datetime64[D]")


def _year(days: Ints) -> Ints:
    return np.asarray(_dates(days).astype("datetime64[Y]").astype(np.int64) + 1970, dtype=np.int64)


def _add_years(days: Ints, years: int) -> Ints:
    """The same day and month `years` later, the day clamped to the month (29 Feb -> 28 Feb)."""
    dates = _dates(days)
    months = dates.astype("datetime64[M]")
    day_of_month = (dates - months.astype("datetime64[D]")).astype(np.int64)
    later = months + np.timedelta64(12 * years, "M")
    start = later.astype("datetime64[D]")
    length = ((later + np.timedelta64(1, "M")).astype("datetime64[D]") - start).astype(np.int64)
    return np.asarray(start.astype(np.int64) + np.minimum(day_of_month, length - 1), dtype=np.int64)


def _key(code: Ints, days: Ints) -> Ints:
    """One sortable int64 per (code, day): by code, then by day."""
    return np.asarray((code << DAY_BITS) + (days + DAY_SHIFT), dtype=np.int64)


def _key_code(key: Ints) -> Ints:
    return np.asarray(key >> DAY_BITS, dtype=np.int64)


def _key_day(key: Ints) -> Ints:
    return np.asarray((key & DAY_MASK) - DAY_SHIFT, dtype=np.int64)


def _ranges(lo: Ints, hi: Ints) -> tuple[Ints, Ints]:
    """The index ranges [lo, hi) laid end to end: (which range, index) for every member."""
    counts = hi - lo
    ends = np.cumsum(counts)
    total = int(ends[-1]) if len(ends) else 0
    which = np.repeat(np.arange(len(lo), dtype=np.int64), counts)
    index = np.arange(total, dtype=np.int64) - np.repeat(ends - counts - lo, counts)
    return which, index


def _min_per(key: Ints, value: Ints) -> tuple[Ints, Ints]:
    """Distinct keys (ascending) and the least value of each."""
    order = np.lexsort((value, key))
    key, value = key[order], value[order]
    first = np.ones(len(key), dtype=bool)
    first[1:] = key[1:] != key[:-1]
    return key[first], value[first]


def _first_rows(key: Ints) -> Ints:
    """Row indices keeping one row per distinct key (drop_duplicates)."""
    return np.asarray(np.unique(key, return_index=True)[1], dtype=np.int64)


# ---- coded tables ---------------------------------------------------------------------------------


@dataclass
class Coded:
    """The tables as integer arrays: ids as codes into `ids`, dates as day numbers."""

    ids: pd.Index  # code -> id
    found_firm: Ints
    found_day: Ints
    reloc_firm: Ints
    reloc_day: Ints
    founder_person: Ints
    founder_firm: Ints
    founder_day: Ints
    inv_seq: Ints
    inv_firm: Ints
    inv_investor: Ints
    inv_day: Ints
    exit_firm: Ints
    exit_day: Ints
    exit_ipo: Bools
    raise_seq: Ints
    raise_fund: Ints
    raise_lp: Ints
    raise_day: Ints
    mentor_person: Ints  # joins as mentor, advisor or board member of founded firms
    mentor_org: Ints
    mentor_day: Ints
    liq_actor: Ints  # liquidity events (X, F, t), sorted by (X, F)
    liq_firm: Ints
    liq_day: Ints


def _coded(f: Frames) -> Coded:
    if f.coded is None:
        f.coded = _code(f)
    return f.coded


def _code(f: Frames) -> Coded:
    proceeds = f.exits.proceeds.explode()  # one row per proceeds actor; None and [] give NaN
    id_columns = [
        f.foundings.firm,
        f.relocations.firm,
        f.founders.person,
        f.founders.firm,
        f.investors.firm,
        f.investors.investor,
        f.exits.firm,
        proceeds,
        f.raises.fund,
        f.raises.lp,
        f.joins.person,
        f.joins.org,
    ]
    codes, uniques = pd.factorize(pd.concat([c.reset_index(drop=True).astype(object) for c in id_columns], ignore_index=True))
    parts = np.split(codes.astype(np.int64), np.cumsum([len(c) for c in id_columns])[:-1])
    found_firm, reloc_firm, founder_person, founder_firm, inv_firm, inv_investor, exit_firm, proceeds_actor = parts[:8]
    raise_fund, raise_lp, join_person, join_org = parts[8:]
    ids = pd.Index(uniques)
    n = len(ids)
    exit_day = _days(f.exits.on)
    founded = np.zeros(n, dtype=bool)
    founded[found_firm] = True
    mentor = f.joins.role.isin(MENTOR).to_numpy(dtype=bool) & founded[join_org]
    join_day = _days(f.joins.on)
    c = Coded(
        ids=ids,
        found_firm=found_firm,
        found_day=_days(f.foundings.on),
        reloc_firm=reloc_firm,
        reloc_day=_days(f.relocations.on),
        founder_person=founder_person,
        founder_firm=founder_firm,
        founder_day=_days(f.founders.since),
        inv_seq=f.investors.seq.to_numpy(dtype=np.int64),
        inv_firm=inv_firm,
        inv_investor=inv_investor,
        inv_day=_days(f.investors.on),
        exit_firm=exit_firm,
        exit_day=exit_day,
        exit_ipo=(f.exits.kind == "exit.ipo").to_numpy(dtype=bool),
        raise_seq=f.raises.seq.to_numpy(dtype=np.int64),
        raise_fund=raise_fund,
        raise_lp=raise_lp,
        raise_day=_days(f.raises.on),
        mentor_person=join_person[mentor],
        mentor_org=join_org[mentor],
        mentor_day=join_day[mentor],
        liq_actor=np.empty(0, dtype=np.int64),
        liq_firm=np.empty(0, dtype=np.int64),
        liq_day=np.empty(0, dtype=np.int64),
    )
    # Liquidity: the exit's proceeds actors when given; otherwise founders and investors dated on
    # or before the exit, i.e. the firm's earliest plain exit on or after the participant's date.
    exit_row = proceeds.index.to_numpy(dtype=np.int64)
    given = proceeds_actor >= 0
    plain = f.exits.proceeds.isna().to_numpy(dtype=bool)
    plain_exits = np.sort(_key(exit_firm[plain], exit_day[plain]))
    part_actor = np.concatenate([founder_person, inv_investor])
    part_firm = np.concatenate([founder_firm, inv_firm])
    at = np.searchsorted(plain_exits, _key(part_firm, np.concatenate([c.founder_day, c.inv_day])), side="left")
    found = at < len(plain_exits)
    found[found] = _key_code(plain_exits[at[found]]) == part_firm[found]
    actor = np.concatenate([proceeds_actor[given], part_actor[found]])
    firm = np.concatenate([exit_firm[exit_row[given]], part_firm[found]])
    day = np.concatenate([exit_day[exit_row[given]], _key_day(plain_exits[at[found]])])
    other = actor != firm
    pair, c.liq_day = _min_per(actor[other] * n + firm[other], day[other])
    c.liq_actor, c.liq_firm = pair // n, pair % n
    return c


# ---- hops -----------------------------------------------------------------------------------------


@dataclass
class _Engagements:
    actor: Ints
    target: Ints
    on: Ints
    opens: Ints  # when the engagement counts for the window (a fund's raise for `fund`)
    kind: Ints


def _engagements(c: Coded, window: int) -> _Engagements:
    """Capital, founder, mentor, and fund via LP commitments."""
    n = len(c.ids)
    cap = _first_rows(c.inv_seq * n + c.inv_investor)  # an investor once per round
    pair, founder_on = _min_per(c.founder_person * n + c.founder_firm, c.founder_day)  # earliest date per (person, firm)
    raised = _first_rows(c.raise_seq * n + c.raise_lp)  # an LP once per raise
    # A fund's rounds dated within W after the raise: a range of the rounds sorted by (fund, day).
    rounds = cap[np.argsort(_key(c.inv_investor[cap], c.inv_day[cap]), kind="stable")]
    round_keys = _key(c.inv_investor[rounds], c.inv_day[rounds])
    fund, raise_day = c.raise_fund[raised], c.raise_day[raised]
    lo = np.searchsorted(round_keys, _key(fund, raise_day), side="right")
    hi = np.searchsorted(round_keys, _key(fund, _add_years(raise_day, window)), side="right")
    which, index = _ranges(lo, hi)
    by_fund = rounds[index]
    kinds = [CAPITAL, FOUNDER, MENTORING, FUND]
    parts = [len(cap), len(pair), len(c.mentor_person), len(which)]
    return _Engagements(
        actor=np.concatenate([c.inv_investor[cap], pair // n, c.mentor_person, c.raise_lp[raised][which]]),
        target=np.concatenate([c.inv_firm[cap], pair % n, c.mentor_org, c.inv_firm[by_fund]]),
        on=np.concatenate([c.inv_day[cap], founder_on, c.mentor_day, c.inv_day[by_fund]]),
        opens=np.concatenate([c.inv_day[cap], founder_on, c.mentor_day, raise_day[which]]),
        kind=np.repeat(np.array(kinds, dtype=np.int64), parts),
    )


def hops(f: Frames, window: int) -> pd.DataFrame:
    """Every hop: each liquidity event (and each listed firm's own first IPO, with capital and fund
    engagements only) with its actor's engagements opening within the window, into another firm.

    Columns source, target, actor (categoricals over every id: `.cat.codes` are the integer
    codes), kind, liquidity_on, on, listed."""
    c = _coded(f)
    listed_firm, listed_day = _min_per(c.exit_firm[c.exit_ipo], c.exit_day[c.exit_ipo])
    src_actor = np.concatenate([c.liq_actor, listed_firm])
    src_firm = np.concatenate([c.liq_firm, listed_firm])
    src_day = np.concatenate([c.liq_day, listed_day])
    src_listed = np.repeat(np.array([False, True]), [len(c.liq_actor), len(listed_firm)])
    e = _engagements(c, window)
    order = np.argsort(_key(e.actor, e.opens), kind="stable")
    eng_keys = _key(e.actor[order], e.opens[order])
    lo = np.searchsorted(eng_keys, _key(src_actor, src_day), side="right")
    hi = np.searchsorted(eng_keys, _key(src_actor, _add_years(src_day, window)), side="right")
    which, index = _ranges(lo, hi)
    eng = order[index]
    keep = (e.target[eng] != src_firm[which]) & (~src_listed[which] | (e.kind[eng] == CAPITAL) | (e.kind[eng] == FUND))
    which, eng = which[keep], eng[keep]
    ids = pd.CategoricalDtype(c.ids)
    return pd.DataFrame(
        {
            "source": pd.Categorical.from_codes(src_firm[which], dtype=ids),
            "target": pd.Categorical.from_codes(e.target[eng], dtype=ids),
            "actor": pd.Categorical.from_codes(src_actor[which], dtype=ids),
            "kind": pd.Categorical.from_codes(e.kind[eng], categories=list(KINDS)),
            "liquidity_on": _dates(src_day[which]),
            "on": _dates(e.on[eng]),
            "listed": src_listed[which],
        }
    )


def _codes_in(column: pd.Series, ids: pd.Index) -> Ints:
    """A hops column's ids as codes into `ids` (-1 for an id not there)."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        categories = column.cat.categories
        codes: Ints = column.cat.codes.to_numpy(dtype=np.int64)
        if categories is ids or categories.equals(ids):
            return codes
        mapped = np.asarray(ids.get_indexer(categories), dtype=np.int64)
        return np.where(codes >= 0, mapped[codes], -1)
    return np.asarray(ids.get_indexer(column.astype(str)), dtype=np.int64)


def _hop_ids(h: pd.DataFrame) -> pd.Index:
    if isinstance(h.source.dtype, pd.CategoricalDtype):
        return h.source.cat.categories
    return pd.Index(pd.unique(pd.concat([h.source.astype(str), h.target.astype(str)], ignore_index=True)))


# ---- chains ---------------------------------------------------------------------------------------


def chains(h: pd.DataFrame, roots: list[str]) -> dict[str, dict[str, int]]:
    """For each root, the firms downstream of it by time-respecting chains and their generation
    (fewest hops): {root: {firm: generation}} (the root itself never in its own answer)."""
    ids = _hop_ids(h)
    n = len(ids)
    source, target = _codes_in(h.source, ids), _codes_in(h.target, ids)
    order = np.argsort(source, kind="stable")
    target, liquidity_on, on = target[order], _days(h.liquidity_on)[order], _days(h.on)[order]
    offsets = np.zeros(n + 1, dtype=np.int64)
    offsets[1:] = np.cumsum(np.bincount(source, minlength=n))
    best = np.full(n, NEVER, dtype=np.int64)  # earliest arrival date per firm so far
    generation = np.zeros(n, dtype=np.int64)  # 0: not reached
    names = ids.to_numpy()
    out: dict[str, dict[str, int]] = {}
    for root, code in zip(roots, ids.get_indexer(roots).tolist(), strict=True):
        if code < 0:
            out[root] = {}
            continue
        frontier = np.array([code], dtype=np.int64)
        bound = np.array([NO_BOUND], dtype=np.int64)
        reached: list[Ints] = []
        depth = 0
        while len(frontier):
            depth += 1
            which, index = _ranges(offsets[frontier], offsets[frontier + 1])
            usable = (liquidity_on[index] >= bound[which]) & (target[index] != code)
            arrivals = np.sort(_key(target[index[usable]], on[index[usable]]))
            firm = _key_code(arrivals)
            first = np.ones(len(firm), dtype=bool)
            first[1:] = firm[1:] != firm[:-1]
            firm, arrival = firm[first], _key_day(arrivals[first])
            new = firm[generation[firm] == 0]
            generation[new] = depth
            reached.append(new)
            better = arrival < best[firm]
            frontier, bound = firm[better], arrival[better]
            best[frontier] = bound
        firms = np.concatenate(reached) if reached else np.empty(0, dtype=np.int64)
        out[root] = dict(zip(names[firms].tolist(), generation[firms].tolist(), strict=True))
        generation[firms] = 0
        best[firms] = NEVER
    return out


# ---- regional metrics -----------------------------------------------------------------------------


class _Where:
    """In the region or not, for (firm, date) pairs: the last founding / relocation of the firm at
    or before the date (none before its founding: nowhere), matched once per distinct location."""

    def __init__(self, f: Frames, c: Coded, members: list[dict[str, Any]]) -> None:
        columns = ["country", "subdivision", "city"]
        places = pd.concat([f.foundings[columns], f.relocations[columns]], ignore_index=True)
        places = places.astype({col: "str" for col in columns})  # None -> NaN, which equals nothing
        place = places.groupby(columns, dropna=False, sort=False).ngroup().to_numpy(dtype=np.int64)
        distinct = places.iloc[np.unique(place, return_index=True)[1]]
        country, subdivision = distinct.country, distinct.subdivision
        city = distinct.city.str.casefold()
        matches = np.zeros(len(distinct), dtype=bool)
        for m in members:
            hit = (country == m["country"]).to_numpy(dtype=bool)
            if m.get("subdivision") is not None:
                hit = hit & (subdivision == m["subdivision"]).to_numpy(dtype=bool)
            if m.get("city") is not None:
                hit = hit & (city == m["city"].casefold()).to_numpy(dtype=bool)
            matches = matches | hit
        keys = _key(np.concatenate([c.found_firm, c.reloc_firm]), np.concatenate([c.found_day, c.reloc_day]))
        # Stable: on the same day the founding comes first, then relocations in log order.
        order = np.argsort(keys, kind="stable")
        self.keys = keys[order]
        self.inside = matches[place[order]]

    def __call__(self, firm: Ints, day: Ints) -> Bools:
        at = np.searchsorted(self.keys, _key(np.maximum(firm, 0), day), side="right") - 1
        known = (at >= 0) & (firm >= 0)
        known[known] = _key_code(self.keys[at[known]]) == firm[known]
        out = np.zeros(len(firm), dtype=bool)
        out[known] = self.inside[at[known]]
        return out


def yearly_metrics(f: Frames, h: pd.DataFrame, members: list[dict[str, Any]], years: range, window: int) -> dict[int, dict[str, Any]]:
    """Per calendar year: firms_founded, exits, liquidity_actors, recycling_rate, local_hops, hops_in, hops_out.

    `window` is the one `h` was listed with (its hops already end within it)."""
    c = _coded(f)
    n = len(c.ids)
    where = _Where(f, c, members)
    first_year = min(years, default=0)
    span = max(years, default=-1) - first_year + 1

    def per_year(year: Ints) -> Ints:
        year = year[(year >= first_year) & (year < first_year + span)]
        return np.asarray(np.bincount(year - first_year, minlength=max(span, 0)), dtype=np.int64)

    founded = per_year(_year(c.found_day)[where(c.found_firm, c.found_day)])
    exits = per_year(_year(c.exit_day)[where(c.exit_firm, c.exit_day)])

    # Cohorts: per (year, actor) the earliest liquidity event in the region that year; recycled
    # when one of the actor's liquidity events on that date has a (non-listed) hop.
    source, actor = _codes_in(h.source, c.ids), _codes_in(h.actor, c.ids)
    liquidity_on, on = _days(h.liquidity_on), _days(h.on)
    plain = ~h.listed.to_numpy(dtype=bool) & (source >= 0) & (actor >= 0)
    liq_pairs = c.liq_actor * n + c.liq_firm  # ascending
    hop_pairs = actor[plain] * n + source[plain]
    at = np.searchsorted(liq_pairs, hop_pairs)
    same = at < len(liq_pairs)
    same[same] = (liq_pairs[at[same]] == hop_pairs[same]) & (c.liq_day[at[same]] == liquidity_on[plain][same])
    reinvested = np.zeros(len(liq_pairs), dtype=bool)
    reinvested[at[same]] = True
    inside = where(c.liq_firm, c.liq_day)
    year, cohort_actor, day = _year(c.liq_day)[inside], c.liq_actor[inside], c.liq_day[inside]
    cohort = year * n + cohort_actor
    order = np.lexsort((day, cohort))
    cohort, day, recycles = cohort[order], day[order], reinvested[inside][order]
    starts = np.ones(len(cohort), dtype=bool)
    starts[1:] = cohort[1:] != cohort[:-1]
    group = np.cumsum(starts) - 1
    earliest = recycles & (day == day[starts][group])
    members_per_year = per_year(cohort[starts] // n)
    recycled_per_year = per_year(np.unique(cohort[earliest]) // n)

    src = where(source, liquidity_on)
    dst = where(_codes_in(h.target, c.ids), on)
    hop_year = _year(on)
    local, hops_in, hops_out = per_year(hop_year[src & dst]), per_year(hop_year[~src & dst]), per_year(hop_year[src & ~dst])

    out: dict[int, dict[str, Any]] = {}
    for y in years:
        i = y - first_year
        cohort_size = int(members_per_year[i])
        out[y] = {
            "firms_founded": int(founded[i]),
            "exits": int(exits[i]),
            "liquidity_actors": cohort_size,
            "recycling_rate": None if cohort_size == 0 else int(recycled_per_year[i]) / cohort_size,
            "local_hops": int(local[i]),
            "hops_in": int(hops_in[i]),
            "hops_out": int(hops_out[i]),
        }
    return out
