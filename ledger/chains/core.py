"""The columnar core of the chain engine: what the search needs, as integer-coded columns.

Actors are coded in the order they were first read (a refresh appends codes, it never recodes;
`Vocabulary.rank` gives id order for sorting), dates are day numbers. Liquidity events are sorted by
(actor, date) and engagements by (actor, opens), each with a combined int64 key, so "the
engagements of X opening in (t, t + W]" is two `searchsorted` calls for any number of X at once;
both are also grouped by firm (CSR offsets) for the frontier's gathers. Rows are read in bulk
(one query per table) and every column is built by numpy; ids are coded by one sort per column
and a dict look-up per distinct id.

`Columns` (W-independent) grow by the rows of new events; a `Core` is built from them for one
window W (fund engagements depend on it: an LP's raise at t1 reaches the fund's rounds within W
after t1).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import sqlalchemy as sa
from sqlalchemy.orm import Session

from ledger.actors.models import Actor
from ledger.chains import liquidity, maintain
from ledger.chains.activity import MENTOR_ROLES
from ledger.chains.models import LiquidityEvent
from ledger.dates import add_years_days, window_opens_days
from ledger.db import BulkColumn, DaysSinceEpoch, columns_of
from ledger.events.models import EventRow, LedgerHead, Retraction
from ledger.projections import models as m
from ledger.regions.patterns import LocationT, matches

I32 = npt.NDArray[np.int32]
I64 = npt.NDArray[np.int64]
Bools = npt.NDArray[np.bool_]

# Alphabetical, so that code order is name order (hops sort by kind name).
KINDS = ("capital", "founder", "fund", "mentor")
CAPITAL, FOUNDER, FUND, MENTOR = range(4)

_OFFSET = 1 << 21  # day numbers from about 3,800 BC to 7,700 AD fit in [0, 2**22)
_SHIFT = 1 << 22
EARLIEST_DAY = -_OFFSET  # the earliest day a key holds: before every date


def keys(codes: npt.NDArray[Any], days: npt.NDArray[Any]) -> I64:
    """(code, day) as one sortable int64."""
    return codes.astype(np.int64) * _SHIFT + (days.astype(np.int64) + _OFFSET)


def clipped_keys(codes: I64, days: I64) -> I64:
    """(code, day) keys for bounds that may lie beyond any date (EARLIEST, LATEST): clipped to
    the code's own range of keys."""
    return keys(codes, np.clip(days, EARLIEST_DAY, _SHIFT - _OFFSET - 1))


def key_parts(key: I64) -> tuple[I32, I32]:
    """The (code, day) a key was made of."""
    return (key // _SHIFT).astype(np.int32), (key % _SHIFT - _OFFSET).astype(np.int32)


def ranges(starts: I64, ends: I64) -> tuple[I64, I64]:
    """The concatenated ranges [starts[i], ends[i]) and, for each element, the i it came from."""
    lengths = np.maximum(ends - starts, 0)
    total = int(lengths.sum())
    owner = np.repeat(np.arange(len(starts), dtype=np.int64), lengths)
    if total == 0:
        return np.zeros(0, np.int64), owner
    begin = np.repeat(starts - (np.cumsum(lengths) - lengths), lengths)
    return begin + np.arange(total, dtype=np.int64), owner


def spans(starts: I64, ends: I64) -> I64:
    """The concatenated ranges [starts[i], ends[i]), without who each came from (cheaper than
    `ranges`: a running sum over the output instead of two repeats)."""
    lengths = ends - starts
    keep = lengths > 0
    starts, ends, lengths = starts[keep], ends[keep], lengths[keep]
    total = int(lengths.sum())
    out = np.ones(total, np.int64)
    if total:
        out[0] = starts[0]
        out[np.cumsum(lengths)[:-1]] = starts[1:] - ends[:-1] + 1
        np.cumsum(out, out=out)
    return out


@dataclass(frozen=True)
class Groups:
    """Row numbers grouped by a code: the rows of code c are order[offsets[c]:offsets[c + 1]]."""

    order: I64
    offsets: I64

    @classmethod
    def of(cls, codes: I32, size: int) -> Groups:
        offsets = np.zeros(size + 1, np.int64)
        np.cumsum(np.bincount(codes, minlength=size), out=offsets[1:])
        return cls(np.argsort(codes, kind="stable").astype(np.int64), offsets)

    def rows(self, codes: npt.NDArray[Any]) -> tuple[I64, I64]:
        """The rows of these codes and, for each, the position in `codes` it belongs to."""
        at, owner = ranges(self.offsets[codes], self.offsets[codes + 1])
        return self.order[at], owner


class Vocabulary:
    """Actor ids as codes, append-only (a refresh adds ids without recoding the columns), with
    each code's rank in id order: pages and hops sort by id through `rank`."""

    def __init__(self) -> None:
        self.ids: list[str] = []
        self.index: dict[str, int] = {}
        self.sorted_ids: npt.NDArray[Any] = np.array([], dtype=object)
        self.order = np.zeros(0, np.int64)  # codes in id order
        self.rank = np.zeros(0, np.int64)

    def copy(self) -> Vocabulary:
        out = Vocabulary()
        out.ids, out.index = list(self.ids), dict(self.index)
        out.sorted_ids, out.order, out.rank = self.sorted_ids, self.order, self.rank
        return out

    def encode(self, values: Sequence[str]) -> I32:
        """Codes of these ids, adding the new ones (set and dict look-ups in C, no Python loop
        per value)."""
        fresh = sorted(set(values).difference(self.index))
        if fresh:
            first = len(self.ids)
            self.ids += fresh
            self.index.update(zip(fresh, range(first, first + len(fresh)), strict=True))
            new = np.array(fresh, dtype=object)
            at = np.searchsorted(self.sorted_ids, new) if len(self.sorted_ids) else np.zeros(len(new), np.int64)
            self.sorted_ids = np.insert(self.sorted_ids, at, new)
            self.order = np.insert(self.order, at, np.arange(first, first + len(fresh), dtype=np.int64))
            self.rank = np.empty(len(self.ids), np.int64)
            self.rank[self.order] = np.arange(len(self.ids), dtype=np.int64)
        return np.fromiter(map(self.index.__getitem__, values), dtype=np.int32, count=len(values))

    def code(self, actor_id: str) -> int | None:
        return self.index.get(actor_id)

    def position(self, actor_id: str) -> float:
        """Where an id sorts among the ranks: its rank, or half-way between two ranks."""
        at = int(np.searchsorted(self.sorted_ids, actor_id))
        found = at < len(self.sorted_ids) and self.sorted_ids[at] == actor_id
        return float(at) if found else at - 0.5

    def names(self, codes: npt.NDArray[Any]) -> list[str]:
        ids = self.ids
        return [ids[c] for c in codes.tolist()]

    def __len__(self) -> int:
        return len(self.ids)


Table = dict[str, npt.NDArray[Any]]

# The tables the engine reads, each a set of coded columns; every table grows by appending the
# rows of new events (a retraction makes the next read a whole one).
SHAPES: dict[str, tuple[str, ...]] = {
    "liquidity": ("actor", "firm", "on"),  # participations; the earliest per (actor, firm) counts
    "ipos": ("firm", "on"),
    "capital": ("investor", "firm", "on", "seq"),
    "founders": ("person", "firm", "since", "seq"),
    "mentors": ("person", "org", "started", "seq"),  # every mentor, advisor or board role
    "founded": ("firm",),
    "commitments": ("lp", "fund", "t1", "seq"),
    "foundings": ("actor", "on", "seq", "location"),
    "relocations": ("actor", "on", "seq", "location"),
    "registered": ("actor", "location"),  # actors registered with a location
}
_ACTORS = {"actor", "firm", "investor", "person", "org", "lp", "fund"}
_DAYS = {"on", "since", "started", "t1"}


@dataclass
class Columns:
    """The W-independent inputs through `seq`, coded."""

    seq: int
    head_hash: str
    vocabulary: Vocabulary
    tables: dict[str, Table]
    locations: dict[LocationT, int]

    def extended(self, rows: dict[str, list[BulkColumn]], seq: int, head_hash: str) -> Columns:
        """These columns with the rows of later events appended."""
        vocabulary, locations = self.vocabulary.copy(), dict(self.locations)
        tables = {name: _coded(name, rows[name], vocabulary, locations) for name in SHAPES}
        merged = {name: {c: np.concatenate([self.tables[name][c], tables[name][c]]) for c in SHAPES[name]} for name in SHAPES}
        return Columns(seq, head_hash, vocabulary, merged, locations)


def _coded(name: str, values: list[BulkColumn], vocabulary: Vocabulary, locations: dict[LocationT, int]) -> Table:
    """A table's coded columns from its query's result columns (dates come as day numbers)."""
    out: Table = {}
    for i, column in enumerate(SHAPES[name]):
        if column == "location":
            triples = zip(values[i], values[i + 1], values[i + 2], strict=True)
            out[column] = np.fromiter((locations.setdefault(t, len(locations)) for t in triples), dtype=np.int32, count=len(values[i]))
        elif column in _ACTORS:
            out[column] = vocabulary.encode(values[i])
        elif column in _DAYS:
            out[column] = np.asarray(values[i], dtype=np.int32)
        else:
            out[column] = np.asarray(values[i], dtype=np.int64)
    return out


def head(session: Session) -> tuple[int, str]:
    """The log's (seq, hash) as the session sees it: what a core is valid for."""
    found = session.execute(sa.select(LedgerHead.last_seq, LedgerHead.last_hash)).first()
    return (int(found[0]), str(found[1])) if found else (0, "")


def _queries(session: Session, after: int | None, upto: int, *, derive: bool = False) -> dict[str, Any]:
    """Per table, the query of its rows from the events after `after` (None: every event);
    `derive`: the liquidity events from the projections, not from the workers' table."""

    def new(column: Any) -> list[Any]:
        return [] if after is None else [column > after]

    if after is not None:
        sub = liquidity.participations(after=after, upto=upto).subquery()
        liq: Any = sa.select(sub.c[0], sub.c[3], DaysSinceEpoch(sub.c[4]))
    elif not derive and maintain.position(session) >= upto:
        t = LiquidityEvent.__table__.c  # type: ignore[attr-defined]
        liq = sa.select(t.actor_id, t.firm_id, DaysSinceEpoch(sa.func.min(t.liquidity_on))).group_by(t.actor_id, t.firm_id)
    else:  # the workers are behind: the same participations, joined from the projections
        sub = liquidity.participations().subquery()
        liq = sa.select(sub.c[0], sub.c[3], DaysSinceEpoch(sa.func.min(sub.c[4]))).group_by(sub.c[0], sub.c[3])
    x = m.FirmExit.__table__.c  # type: ignore[attr-defined]
    ri = m.RoundInvestor.__table__.c  # type: ignore[attr-defined]
    f = m.Founder.__table__.c  # type: ignore[attr-defined]
    ff = m.FirmFounding.__table__.c  # type: ignore[attr-defined]
    af = m.Affiliation.__table__.c  # type: ignore[attr-defined]
    lp = m.FundLp.__table__.c  # type: ignore[attr-defined]
    rl = m.Relocation.__table__.c  # type: ignore[attr-defined]
    ac = Actor.__table__.c  # type: ignore[attr-defined]
    days = DaysSinceEpoch
    return {
        "liquidity": liq,
        "ipos": sa.select(x.firm_id, days(x.occurred_on)).where(x.kind == "ipo", *new(x.event_seq)),
        # An investor named twice in a round, an LP twice in a raise: one row after `build` (_first).
        "capital": sa.select(ri.investor_id, ri.firm_id, days(ri.occurred_on), ri.event_seq).where(*new(ri.event_seq)),
        "founders": sa.select(f.person_id, f.firm_id, days(f.since), f.event_seq).where(*new(f.event_seq)),
        "mentors": sa.select(af.person_id, af.org_id, days(af.started_on), af.event_seq).where(
            af.role.in_(MENTOR_ROLES), *new(af.event_seq)
        ),
        "founded": sa.select(ff.firm_id).where(*new(ff.event_seq)),
        "commitments": sa.select(lp.lp_id, lp.fund_id, days(lp.occurred_on), lp.event_seq).where(*new(lp.event_seq)),
        "foundings": sa.select(ff.firm_id, days(ff.founded_on), ff.event_seq, ff.country, ff.subdivision, ff.city).where(
            *new(ff.event_seq)
        ),
        "relocations": sa.select(rl.firm_id, days(rl.occurred_on), rl.event_seq, rl.country, rl.subdivision, rl.city).where(
            *new(rl.event_seq)
        ),
        "registered": sa.select(ac.id, ac.country, ac.subdivision, ac.city).where(ac.country.is_not(None), *new(ac.registered_seq)),
    }


def read(session: Session, previous: Columns | None = None, *, derive: bool = False) -> Columns:
    """The columns at the session's snapshot: the previous ones extended by the rows of the
    events since, when the log still continues them and nothing since retracted an event; else
    every row, one bulk read per table (`derive`: liquidity derived from the projections, as a
    full recompute does while it rebuilds the liquidity table)."""
    seq, head_hash = head(session)
    if previous is not None and previous.seq <= seq and _continues(session, previous):
        rows = {name: columns_of(session, q) for name, q in _queries(session, previous.seq, seq).items()}
        return previous.extended(rows, seq, head_hash)
    vocabulary, locations = Vocabulary(), {}  # type: ignore[var-annotated]
    results = {name: columns_of(session, q) for name, q in _queries(session, None, seq, derive=derive).items()}
    # Every id at once: one sort of the vocabulary instead of one insertion per column. (A
    # location's three result columns come last, so the shapes' names line up with the rest.)
    ids = (c for name, r in results.items() for c, kind in zip(r, SHAPES[name], strict=False) if kind in _ACTORS)
    vocabulary.encode(list(set().union(*ids)))
    tables = {name: _coded(name, r, vocabulary, locations) for name, r in results.items()}
    return Columns(seq, head_hash, vocabulary, tables, locations)


def _continues(session: Session, previous: Columns) -> bool:
    """The log still holds the event the columns were read through, and retracted none since."""
    if previous.seq == 0:
        return False
    at = session.scalar(sa.select(EventRow.chain_hash).where(EventRow.seq == previous.seq))
    retracted = session.scalar(sa.select(sa.func.count()).select_from(Retraction).where(Retraction.retraction_seq > previous.seq))
    return bool(at == previous.head_hash and not retracted)


@dataclass(frozen=True)
class LiquidityColumns:
    """(X, F, t) sorted by (X, t), with F's own IPO as (F, F, t) `listed`; grouped by F."""

    actor: I32
    firm: I32
    on: I32
    until: I32  # t + W years: the window's last day
    listed: Bools
    key: I64  # (actor, on)
    by_firm: Groups


@dataclass(frozen=True)
class EngagementColumns:
    """Engagements sorted by (actor, opens); grouped by target."""

    actor: I32
    kind: npt.NDArray[np.int8]
    target: I32
    on: I32
    opens: I32
    reached_from: I32  # the earliest liquidity date whose window reaches `opens`
    cause: I64  # the round, founding or join
    fund: I32  # the fund for `fund` engagements, else -1
    fund_seq: I64  # the raise, for `fund` engagements, else 0
    key: I64  # (actor, opens)
    by_target: Groups
    capital_like: Bools  # what a listed firm's own IPO can fund: its capital and fund engagements


@dataclass(frozen=True)
class PlaceColumns:
    """Location histories sorted by (actor, day, seq): a firm from its founding, another actor
    registered somewhere from the beginning of time."""

    actor: I32
    key: I64
    location: I32
    locations: list[LocationT]

    def matching(self, patterns: Sequence[dict[str, Any]]) -> Bools:
        """Per location code, whether it matches the region; one more, False, for the code -1
        (no known location) that `located` gives."""
        return np.array([matches(loc, patterns) for loc in self.locations] + [False], np.bool_)

    def located(self, actors: npt.NDArray[Any], days: npt.NDArray[Any]) -> I32:
        """Per (actor, day): the code of its location then, or -1 when it has none."""
        if len(self.key) == 0 or len(actors) == 0:
            return np.full(len(actors), -1, np.int32)
        at = np.searchsorted(self.key, keys(actors, days), side="right") - 1
        found = at >= 0
        at = np.where(found, at, 0)
        found &= self.actor[at] == actors
        return np.where(found, self.location[at], -1).astype(np.int32)


@dataclass
class Core:
    """The engine's inputs for one window W, read through `seq`."""

    seq: int
    head_hash: str
    window: int
    vocabulary: Vocabulary
    liquidity: LiquidityColumns
    engagements: EngagementColumns
    places: PlaceColumns
    _local: dict[tuple[Any, ...], tuple[Bools, Bools]] = field(default_factory=dict)
    memo: dict[str, Any] = field(default_factory=dict)  # what is derived from the core when first asked (hop_index.py)

    @property
    def size(self) -> int:
        return len(self.vocabulary)

    def local(self, patterns: Sequence[dict[str, Any]]) -> tuple[Bools, Bools]:
        """(liquidity rows whose firm is in the region on t, engagements whose target is in it on
        the hop date), computed once per region."""
        marker = tuple(tuple(sorted(p.items())) for p in patterns)
        found = self._local.get(marker)
        if found is None:
            inside = self.places.matching(patterns)
            q, e = self.liquidity, self.engagements
            found = (inside[self.places.located(q.firm, q.on)], inside[self.places.located(e.target, e.on)])
            self._local[marker] = found
        return found


def build(columns: Columns, window: int) -> Core:
    """The core for window W: the earliest liquidity per pair, the engagements with the fund
    join for W, the place histories, each sorted and grouped. numpy throughout."""
    size = len(columns.vocabulary)
    t = columns.tables
    return Core(
        seq=columns.seq,
        head_hash=columns.head_hash,
        window=window,
        vocabulary=columns.vocabulary,
        liquidity=_liquidity(t, size, window),
        engagements=_engagements(t, size, window),
        places=_places(t, columns.locations),
    )


def _first(*columns: npt.NDArray[Any], by: int) -> tuple[I64, Bools]:
    """The lexicographic order of the rows by `columns` (first column first) and which rows of
    that order are the first of their group on the first `by` columns."""
    order = np.lexsort(columns[::-1]).astype(np.int64)
    first = np.ones(len(order), np.bool_)
    if len(order):
        same = np.ones(len(order) - 1, np.bool_)
        for column in columns[:by]:
            ordered = column[order]
            same &= ordered[1:] == ordered[:-1]
        first[1:] = ~same
    return order, first


def _liquidity(t: dict[str, Table], size: int, window: int) -> LiquidityColumns:
    q, ipo = t["liquidity"], t["ipos"]
    order, first = _first(q["actor"], q["firm"], q["on"], by=2)  # the earliest per (actor, firm)
    kept = order[first]
    ipo_order, ipo_first = _first(ipo["firm"], ipo["on"], by=1)  # a firm's earliest IPO
    ipos = ipo_order[ipo_first]
    actor = np.concatenate([q["actor"][kept], ipo["firm"][ipos]])
    firm = np.concatenate([q["firm"][kept], ipo["firm"][ipos]])
    on = np.concatenate([q["on"][kept], ipo["on"][ipos]])
    listed = np.concatenate([np.zeros(len(kept), np.bool_), np.ones(len(ipos), np.bool_)])
    order = np.lexsort((firm, on, actor))
    actor, firm, on, listed = actor[order], firm[order], on[order], listed[order]
    return LiquidityColumns(
        actor=actor,
        firm=firm,
        on=on,
        until=add_years_days(on, window),
        listed=listed,
        key=keys(actor, on),
        by_firm=Groups.of(firm, size),
    )


def _engagements(t: dict[str, Table], size: int, window: int) -> EngagementColumns:
    parts: list[dict[str, npt.NDArray[Any]]] = []
    # capital: X invests in a round of G (an investor named twice in a round is one engagement)
    c = t["capital"]
    order, first = _first(c["investor"], c["firm"], c["on"], c["seq"], by=4)
    kept = order[first]
    investor, firm, on, round_seq = c["investor"][kept], c["firm"][kept], c["on"][kept], c["seq"][kept]
    parts.append(_part(investor, CAPITAL, firm, on, on, round_seq))
    # founder: the earliest date X became G's founder counts, once
    f = t["founders"]
    order, first = _first(f["person"], f["firm"], f["since"], f["seq"], by=2)
    kept = order[first]
    parts.append(_part(f["person"][kept], FOUNDER, f["firm"][kept], f["since"][kept], f["since"][kept], f["seq"][kept]))
    # mentor: X joins a founded G as mentor, advisor or board member
    j = t["mentors"]
    into_founded = np.isin(j["org"], t["founded"]["firm"])
    started = j["started"][into_founded]
    parts.append(_part(j["person"][into_founded], MENTOR, j["org"][into_founded], started, started, j["seq"][into_founded]))
    # fund: LP X of a raise of V at t1 engages with each G that V funds at t2, t1 < t2 <= t1 + W
    lp = t["commitments"]
    order, first = _first(lp["lp"], lp["fund"], lp["t1"], lp["seq"], by=4)
    kept = order[first]
    lps, fund, t1, raise_seq = lp["lp"][kept], lp["fund"][kept], lp["t1"][kept], lp["seq"][kept]
    by_investor = np.lexsort((on, investor))
    round_key = keys(investor, on)[by_investor]
    lo = np.searchsorted(round_key, keys(fund, t1), side="right")
    hi = np.searchsorted(round_key, keys(fund, add_years_days(t1, window)), side="right")
    at, which = ranges(lo.astype(np.int64), hi.astype(np.int64))
    rounds = by_investor[at]
    parts.append(
        _part(lps[which], FUND, firm[rounds], on[rounds], t1[which], round_seq[rounds], fund=fund[which], fund_seq=raise_seq[which])
    )
    cols = {name: np.concatenate([p[name] for p in parts]) for name in parts[0]}
    order = np.lexsort((cols["fund_seq"], cols["cause"], cols["kind"], cols["target"], cols["on"], cols["opens"], cols["actor"]))
    cols = {name: col[order] for name, col in cols.items()}
    return EngagementColumns(
        actor=cols["actor"],
        kind=cols["kind"],
        target=cols["target"],
        on=cols["on"],
        opens=cols["opens"],
        reached_from=window_opens_days(cols["opens"], window),
        cause=cols["cause"],
        fund=cols["fund"],
        fund_seq=cols["fund_seq"],
        key=keys(cols["actor"], cols["opens"]),
        by_target=Groups.of(cols["target"], size),
        capital_like=(cols["kind"] == CAPITAL) | (cols["kind"] == FUND),
    )


def _part(
    actor: I32,
    kind: int,
    target: I32,
    on: I32,
    opens: I32,
    cause: I64,
    *,
    fund: I32 | None = None,
    fund_seq: I64 | None = None,
) -> dict[str, npt.NDArray[Any]]:
    n = len(actor)
    return {
        "actor": actor.astype(np.int32),
        "kind": np.full(n, kind, np.int8),
        "target": target.astype(np.int32),
        "on": on.astype(np.int32),
        "opens": opens.astype(np.int32),
        "cause": cause.astype(np.int64),
        "fund": np.full(n, -1, np.int32) if fund is None else fund.astype(np.int32),
        "fund_seq": np.zeros(n, np.int64) if fund_seq is None else fund_seq.astype(np.int64),
    }


def _places(t: dict[str, Table], locations: dict[LocationT, int]) -> PlaceColumns:
    """A founded firm from its founding on (then its relocations); any other actor where it was
    registered, from the beginning of time."""
    founded = t["foundings"]["actor"]
    moves = t["relocations"]
    moved = np.isin(moves["actor"], founded)
    registered = t["registered"]
    elsewhere = ~np.isin(registered["actor"], founded)
    never = np.full(int(elsewhere.sum()), EARLIEST_DAY, np.int32)
    actor = np.concatenate([founded, moves["actor"][moved], registered["actor"][elsewhere]])
    day = np.concatenate([t["foundings"]["on"], moves["on"][moved], never])
    seq = np.concatenate([t["foundings"]["seq"], moves["seq"][moved], np.zeros(len(never), np.int64)])
    location = np.concatenate([t["foundings"]["location"], moves["location"][moved], registered["location"][elsewhere]])
    order = np.lexsort((seq, day, actor))
    return PlaceColumns(actor=actor[order], key=keys(actor[order], day[order]), location=location[order], locations=list(locations))
