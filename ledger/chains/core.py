"""The columnar core of the chain engine: what the search needs, as integer-coded columns.

Actors are coded by their rank in the sorted list of ids (so code order is id order, and hop
keys sort as their strings would), dates are day numbers. Liquidity events are sorted by
(actor, date) and engagements by (actor, opens), each with a combined int64 key, so "the
engagements of X opening in (t, t + W]" is two `searchsorted` calls for any number of X at once;
both are also grouped by firm (CSR offsets) for the frontier's gathers. Nothing here loops over
rows in Python: rows are read in bulk and every column is built by numpy.

A `Core` is for one window W (fund engagements depend on it: an LP's raise at t1 reaches the
fund's rounds within W after t1); its `Columns` (W-independent) are shared by every W.
"""

from __future__ import annotations

import datetime as dt
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
from ledger.chains.dates import add_years_days, day_numbers, window_opens_days
from ledger.chains.models import LiquidityEvent
from ledger.events.models import LedgerHead
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


def keys(codes: npt.NDArray[Any], days: npt.NDArray[Any]) -> I64:
    """(code, day) as one sortable int64."""
    return codes.astype(np.int64) * _SHIFT + (days.astype(np.int64) + _OFFSET)


def ranges(starts: I64, ends: I64) -> tuple[I64, I64]:
    """The concatenated ranges [starts[i], ends[i]) and, for each element, the i it came from."""
    lengths = np.maximum(ends - starts, 0)
    total = int(lengths.sum())
    owner = np.repeat(np.arange(len(starts), dtype=np.int64), lengths)
    if total == 0:
        return np.zeros(0, np.int64), owner
    begin = np.repeat(starts - (np.cumsum(lengths) - lengths), lengths)
    return begin + np.arange(total, dtype=np.int64), owner


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


@dataclass(frozen=True)
class Vocabulary:
    ids: npt.NDArray[np.object_]  # sorted
    index: dict[str, int]

    @classmethod
    def of(cls, *columns: Sequence[str]) -> Vocabulary:
        ids = sorted(set().union(*columns))
        return cls(np.array(ids, dtype=object), {a: i for i, a in enumerate(ids)})

    def codes(self, values: Sequence[str]) -> I32:
        return np.fromiter(map(self.index.__getitem__, values), dtype=np.int32, count=len(values))

    def code(self, actor_id: str) -> int | None:
        return self.index.get(actor_id)

    def rank(self, actor_id: str) -> float:
        """Where an id sorts among the codes: its code, or half-way between two codes."""
        code = self.index.get(actor_id)
        return float(code) if code is not None else float(np.searchsorted(self.ids, actor_id)) - 0.5

    def __len__(self) -> int:
        return len(self.ids)


def _columns(rows: Sequence[Sequence[Any]], width: int) -> list[list[Any]]:
    return [list(c) for c in zip(*rows, strict=True)] if rows else [[] for _ in range(width)]


@dataclass
class Columns:
    """The W-independent inputs, as read from the projections (ids still strings)."""

    seq: int
    head_hash: str
    liquidity: list[list[Any]]  # actor, firm, on
    ipos: list[list[Any]]  # firm, on
    capital: list[list[Any]]  # investor, firm, on, round seq
    founders: list[list[Any]]  # person, firm, since, seq (the earliest per pair)
    mentors: list[list[Any]]  # person, org, started, seq (orgs that were founded)
    commitments: list[list[Any]]  # lp, fund, t1, raise seq
    places: list[list[Any]]  # actor, day, seq, country, subdivision, city


def read(session: Session) -> Columns:
    """Every input of the engine at the session's snapshot, one bulk read per table."""
    head = session.execute(sa.select(LedgerHead.last_seq, LedgerHead.last_hash)).first()
    seq, head_hash = (int(head[0]), str(head[1])) if head else (0, "")

    def rows(query: Any) -> list[Any]:
        return list(session.execute(query).all())

    if maintain.position(session) >= seq:
        t = LiquidityEvent.__table__.c  # type: ignore[attr-defined]
        liq = rows(sa.select(t.actor_id, t.firm_id, sa.func.min(t.liquidity_on)).group_by(t.actor_id, t.firm_id))
    else:  # the workers are behind: the same participations, joined from the projections
        sub = liquidity.participations().subquery()
        liq = rows(sa.select(sub.c[0], sub.c[3], sa.func.min(sub.c[4])).group_by(sub.c[0], sub.c[3]))
    x = m.FirmExit.__table__.c  # type: ignore[attr-defined]
    ipos = rows(sa.select(x.firm_id, sa.func.min(x.occurred_on)).where(x.kind == "ipo").group_by(x.firm_id))
    ri = m.RoundInvestor.__table__.c  # type: ignore[attr-defined]
    capital = rows(sa.select(ri.investor_id, ri.firm_id, ri.occurred_on, ri.event_seq).distinct())
    f = m.Founder.__table__.c  # type: ignore[attr-defined]
    founders = rows(sa.select(f.person_id, f.firm_id, f.since, f.event_seq))
    ff = m.FirmFounding.__table__.c  # type: ignore[attr-defined]
    af = m.Affiliation.__table__.c  # type: ignore[attr-defined]
    mentors = rows(
        sa.select(af.person_id, af.org_id, af.started_on, af.event_seq).where(
            af.role.in_(MENTOR_ROLES), af.org_id.in_(sa.select(ff.firm_id))
        )
    )
    lp = m.FundLp.__table__.c  # type: ignore[attr-defined]
    commitments = rows(sa.select(lp.lp_id, lp.fund_id, lp.occurred_on, lp.event_seq).distinct())
    rl = m.Relocation.__table__.c  # type: ignore[attr-defined]
    ac = Actor.__table__.c  # type: ignore[attr-defined]
    places = rows(sa.select(ff.firm_id, ff.founded_on, ff.event_seq, ff.country, ff.subdivision, ff.city))
    places += rows(
        sa.select(rl.firm_id, rl.occurred_on, rl.event_seq, rl.country, rl.subdivision, rl.city).where(
            rl.firm_id.in_(sa.select(ff.firm_id))
        )
    )
    places += rows(
        sa.select(ac.id, sa.null(), sa.literal(0), ac.country, ac.subdivision, ac.city).where(
            ac.country.is_not(None), ac.id.not_in(sa.select(ff.firm_id))
        )
    )
    return Columns(
        seq=seq,
        head_hash=head_hash,
        liquidity=_columns(liq, 3),
        ipos=_columns(ipos, 2),
        capital=_columns(capital, 4),
        founders=_columns(founders, 4),
        mentors=_columns(mentors, 4),
        commitments=_columns(commitments, 4),
        places=_columns(places, 6),
    )


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

    def inside(self, patterns: Sequence[dict[str, Any]]) -> Bools:
        """Per history row: whether its location matches the region (one test per location)."""
        matched = np.fromiter((matches(loc, patterns) for loc in self.locations), dtype=np.bool_, count=len(self.locations))
        return matched[self.location] if len(self.locations) else np.zeros(0, np.bool_)

    def in_region(self, inside: Bools, actors: I32, days: I32) -> Bools:
        at = np.searchsorted(self.key, keys(actors, days), side="right") - 1
        found = at >= 0
        at = np.where(found, at, 0)
        return found & (self.actor[at] == actors) & inside[at] if len(self.key) else np.zeros(len(actors), np.bool_)


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

    @property
    def size(self) -> int:
        return len(self.vocabulary)

    def local(self, patterns: Sequence[dict[str, Any]]) -> tuple[Bools, Bools]:
        """(liquidity rows whose firm is in the region on t, engagements whose target is in it on
        the hop date), computed once per region."""
        marker = tuple(tuple(sorted(p.items())) for p in patterns)
        found = self._local.get(marker)
        if found is None:
            inside = self.places.inside(patterns)
            q, e = self.liquidity, self.engagements
            found = (self.places.in_region(inside, q.firm, q.on), self.places.in_region(inside, e.target, e.on))
            self._local[marker] = found
        return found


def _days(values: Sequence[dt.date | None]) -> I32:
    return day_numbers([v or dt.date(1, 1, 1) for v in values]) if values else np.zeros(0, np.int32)


def build(columns: Columns, window: int) -> Core:
    """The core for window W from the columns read: vocabulary, codes, sorting, the fund join."""
    c = columns
    vocabulary = Vocabulary.of(
        c.liquidity[0], c.liquidity[1], c.ipos[0], c.capital[0], c.capital[1], c.founders[0], c.founders[1],
        c.mentors[0], c.mentors[1], c.commitments[0], c.commitments[1], c.places[0],
    )  # fmt: skip
    size = len(vocabulary)
    return Core(
        seq=c.seq,
        head_hash=c.head_hash,
        window=window,
        vocabulary=vocabulary,
        liquidity=_liquidity(c, vocabulary, size, window),
        engagements=_engagements(c, vocabulary, size, window),
        places=_places(c, vocabulary),
    )


def _liquidity(c: Columns, v: Vocabulary, size: int, window: int) -> LiquidityColumns:
    ipo_firms = v.codes(c.ipos[0])
    actor = np.concatenate([v.codes(c.liquidity[0]), ipo_firms])
    firm = np.concatenate([v.codes(c.liquidity[1]), ipo_firms])
    on = np.concatenate([_days(c.liquidity[2]), _days(c.ipos[1])])
    listed = np.concatenate([np.zeros(len(c.liquidity[0]), np.bool_), np.ones(len(ipo_firms), np.bool_)])
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


def _engagements(c: Columns, v: Vocabulary, size: int, window: int) -> EngagementColumns:
    parts: list[dict[str, npt.NDArray[Any]]] = []
    # capital: X invests in a round of G
    investor, firm, on = v.codes(c.capital[0]), v.codes(c.capital[1]), _days(c.capital[2])
    round_seq = np.asarray(c.capital[3], dtype=np.int64)
    parts.append(_part(investor, CAPITAL, firm, on, on, round_seq))
    # founder: the earliest date X became G's founder counts, once
    person, founded, since = v.codes(c.founders[0]), v.codes(c.founders[1]), _days(c.founders[2])
    seq = np.asarray(c.founders[3], dtype=np.int64)
    order = np.lexsort((seq, since, founded, person))
    person, founded, since, seq = person[order], founded[order], since[order], seq[order]
    first = np.ones(len(person), np.bool_)
    first[1:] = (person[1:] != person[:-1]) | (founded[1:] != founded[:-1])
    parts.append(_part(person[first], FOUNDER, founded[first], since[first], since[first], seq[first]))
    # mentor: X joins a founded G as mentor, advisor or board member
    mentor_on = _days(c.mentors[2])
    parts.append(_part(v.codes(c.mentors[0]), MENTOR, v.codes(c.mentors[1]), mentor_on, mentor_on, np.asarray(c.mentors[3], np.int64)))
    # fund: LP X of a raise of V at t1 engages with each G that V funds at t2, t1 < t2 <= t1 + W
    lp, fund, t1 = v.codes(c.commitments[0]), v.codes(c.commitments[1]), _days(c.commitments[2])
    raise_seq = np.asarray(c.commitments[3], dtype=np.int64)
    by_investor = np.lexsort((on, investor))
    round_key = keys(investor, on)[by_investor]
    lo = np.searchsorted(round_key, keys(fund, t1), side="right")
    hi = np.searchsorted(round_key, keys(fund, add_years_days(t1, window)), side="right")
    at, which = ranges(lo.astype(np.int64), hi.astype(np.int64))
    rounds = by_investor[at]
    parts.append(
        _part(lp[which], FUND, firm[rounds], on[rounds], t1[which], round_seq[rounds], fund=fund[which], fund_seq=raise_seq[which])
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


def _places(c: Columns, v: Vocabulary) -> PlaceColumns:
    actor = v.codes(c.places[0])
    day = day_numbers([d or dt.date(1, 1, 1) for d in c.places[1]]) if c.places[1] else np.zeros(0, np.int32)
    seq = np.asarray(c.places[2], dtype=np.int64)
    found: dict[LocationT, int] = {}
    location = np.fromiter(
        (found.setdefault(loc, len(found)) for loc in zip(c.places[3], c.places[4], c.places[5], strict=True)),
        dtype=np.int32,
        count=len(actor),
    )
    order = np.lexsort((seq, day, actor))
    return PlaceColumns(actor=actor[order], key=keys(actor[order], day[order]), location=location[order], locations=list(found))
