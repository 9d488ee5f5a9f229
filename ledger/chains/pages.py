"""Chain answers a page at a time (spec/api.md, "Chain answers are bounded").

The search over the columnar core counts the whole chain (generations, multipliers); a page
then costs only its own firms: their order is one sort of the reached firms, the edges into
them one gather of the hops into (upstream: out of) those firms, the money of the edges shown
the only per-item work. The hops route goes through the chain's hops a group of firms at a
time, keeping only the candidates for one page, so a hub's millions of hops are never held at
once.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import numpy as np
import numpy.typing as npt
from sqlalchemy.orm import Session

from ledger.actors import service as actors_service
from ledger.chains import cores, cursors, frontier
from ledger.chains import pairs as pairs_
from ledger.chains.activity import Activity
from ledger.chains.core import CAPITAL, FUND, I64, KINDS, Bools, Core, head
from ledger.chains.schemas import ChainEdge, ChainFirm, ChainGeneration, ChainHop, ChainHops, ChainPage, ChainRoot
from ledger.dates import day_number, from_day_number
from ledger.errors import Overloaded
from ledger.regions import service as regions_service

DEFAULT_FIRMS_PAGE = 200
MAX_FIRMS_PAGE = 2000
DEFAULT_HOPS_PAGE = 500
MAX_HOPS_PAGE = 5000
EDGES_PER_FIRM = 5
HOP_CHUNK_ROWS = 20_000

_FIRM_KEY: tuple[type, ...] = (int, dt.date, str)  # (generation, first_on, id)
_HOP_KEY: tuple[type, ...] = (dt.date, str, str, str, str, int, int)  # (on, from, to, via, kind, cause, raise)


def _after(columns: Sequence[npt.NDArray[Any]], key: Sequence[float]) -> Bools:
    """Rows whose (columns...) tuple sorts after `key`, compared lexicographically."""
    n = len(columns[0])
    later, equal = np.zeros(n, np.bool_), np.ones(n, np.bool_)
    for column, k in zip(columns, key, strict=True):
        later |= equal & (column > k)
        equal &= column == k
    return later


@dataclass(frozen=True)
class ChainQuestion:
    """Which chain: of a firm, one way, within max_depth generations, window W, local to a region."""

    firm_id: str
    direction: frontier.Direction = "downstream"
    max_depth: int | None = None
    window_years: int = 10
    region: str | None = None


class _Search:
    """The search a chain question needs, shared by its page of firms and its hops."""

    def __init__(self, session: Session, question: ChainQuestion, deadline: float | None) -> None:
        actors_service.get_or_raise(session, actor_id=question.firm_id)
        patterns = None if question.region is None else regions_service.get_or_raise(session, slug=question.region).members
        self.session = session
        seen = head(session)
        self.core: Core = cores.core(session, window_years=question.window_years, deadline=deadline, seen=seen)
        self.downstream = question.direction == "downstream"
        self.stale = seen[0] > self.core.seq
        code = self.core.vocabulary.code(question.firm_id)
        roots = np.array([] if code is None else [code], dtype=np.int64)
        self.root = -1 if code is None else code
        self.reach = frontier.search(
            self.core, roots, direction=question.direction, max_depth=question.max_depth, region=patterns, deadline=deadline
        )

    def expanded_chunks(self) -> Iterator[I64]:
        """The firms the chain leaves from, in groups with about HOP_CHUNK_ROWS liquidity events
        (upstream: engagements) between them: at 1M events about a million hops a group."""
        rows_per_chunk = HOP_CHUNK_ROWS
        firms = np.flatnonzero(self.reach.was_expanded()).astype(np.int64)
        rows = self.core.liquidity.by_firm if self.downstream else self.core.engagements.by_target
        total = np.cumsum(rows.offsets[firms + 1] - rows.offsets[firms])
        cuts = np.searchsorted(total, np.arange(rows_per_chunk, int(total[-1]) if len(total) else 0, rows_per_chunk))
        yield from (chunk for chunk in np.split(firms, np.unique(cuts)) if len(chunk))

    def used(self, firms: I64) -> pairs_.Pairs:
        """The hops of the chain (within max_depth, local when asked) out of (upstream: into) these
        firms, each once."""
        return pairs_.step(self.core, firms, self.reach.expanded[firms], downstream=self.downstream, local=self.reach.local)

    def amounts(self, pairs: pairs_.Pairs) -> list[Decimal | None]:
        """Each hop's USD amount: the investor's attributed_usd in the round, for a fund hop the
        fund's times the LP's share of that raise; none for founder and mentor hops."""
        e = self.core.engagements
        kind, cause, fund_seq = e.kind[pairs.e], e.cause[pairs.e], e.fund_seq[pairs.e]
        ids = self.core.vocabulary.ids
        activity = Activity(self.session, window_years=self.core.window)
        money = activity.invested(int(s) for s in cause[(kind == CAPITAL) | (kind == FUND)])
        shares = activity.raises(int(s) for s in fund_seq[kind == FUND])
        out: list[Decimal | None] = []
        for i, k in enumerate(kind.tolist()):
            actor = ids[e.actor[pairs.e[i]]]
            if k == CAPITAL:
                out.append(money.get(int(cause[i]), {}).get(actor))
            elif k == FUND:
                usd = money.get(int(cause[i]), {}).get(ids[e.fund[pairs.e[i]]])
                share = shares.get(int(fund_seq[i]), ("", None, {}))[2].get(actor)
                out.append(None if usd is None or share is None else usd * share)
            else:
                out.append(None)
        return out


def chain(
    session: Session,
    question: ChainQuestion,
    *,
    limit: int = DEFAULT_FIRMS_PAGE,
    cursor: str | None = None,
    deadline: float | None = None,
) -> ChainPage:
    """One page of the firms downstream (upstream) of a firm, the edges into them, and the
    counts of the whole chain."""
    after = None if cursor is None else cursors.decode(cursor, _FIRM_KEY)
    q = _Search(session, question, deadline)
    reach, vocabulary = q.reach, q.core.vocabulary
    members = np.flatnonzero(reach.generation > 0).astype(np.int64)
    generation, first_on, rank = reach.generation[members], reach.first_on[members], vocabulary.rank[members]
    order = np.lexsort((rank, first_on, generation))
    members, generation, first_on, rank = members[order], generation[order], first_on[order], rank[order]
    start = 0
    if after is not None:
        key = (float(after[0]), float(day_number(after[1])), vocabulary.position(after[2]))
        start = int(np.argmax(np.r_[_after((generation, first_on, rank), key), True]))
    end = min(start + limit, len(members))
    position = np.full(q.core.size, np.iinfo(np.int64).max, np.int64)
    position[members] = np.arange(len(members))
    edges, left_out = _edges(q, members[start:end], position, end)
    shown = vocabulary.names(members[start:end])
    names = actors_service.names(session, [question.firm_id, *shown])
    counts = np.bincount(generation) if len(generation) else np.zeros(0, np.int64)
    last = None
    if end < len(members):
        last = cursors.encode((int(generation[end - 1]), from_day_number(int(first_on[end - 1])), vocabulary.ids[members[end - 1]]))
    return ChainPage(
        root=ChainRoot(id=question.firm_id, name=names.get(question.firm_id)),
        direction=question.direction,
        window_years=question.window_years,
        max_depth=question.max_depth,
        region=question.region,
        seq=q.core.seq,
        stale=q.stale,
        multiplier=reach.multiplier,
        local_multiplier=reach.local_multiplier,
        generations=[ChainGeneration(generation=g, firms=int(c)) for g, c in enumerate(counts.tolist()) if c],
        firms=[
            ChainFirm(id=f, name=names.get(f), generation=int(g), first_on=from_day_number(int(d)))
            for f, g, d in zip(shown, generation[start:end].tolist(), first_on[start:end].tolist(), strict=True)
        ],
        edges=edges,
        edges_left_out=left_out,
        next_cursor=last,
    )


def _edges(q: _Search, page: I64, position: I64, end: int) -> tuple[list[ChainEdge], int]:
    """Edges into the page's firms (upstream: out of them) from the root or from firms ranked
    before the page's end, among the hops the chain uses; the 5 earliest per firm."""
    core, reach = q.core, q.reach
    lq, en = core.liquidity, core.engagements
    if q.downstream:  # every hop into the page's firms, then those out of a usable liquidity event
        pairs = pairs_.step(core, page, np.full(len(page), frontier.LATEST, np.int64), downstream=False, local=reach.local)
        other = lq.firm[pairs.q]
        usable = lq.on[pairs.q] >= reach.expanded[other]
    else:  # every hop out of the page's firms, then those into a firm the chain left from late enough
        pairs = pairs_.step(core, page, np.full(len(page), frontier.EARLIEST, np.int64), downstream=True, local=reach.local)
        other = en.target[pairs.e]
        usable = en.on[pairs.e] <= reach.expanded[other]
    keep = usable & ((other == q.root) | (position[other] < end))
    pairs = pairs_.Pairs(pairs.q[keep], pairs.e[keep])
    source, target = lq.firm[pairs.q], en.target[pairs.e]
    if len(source) == 0:
        return [], 0
    page_firm = target if q.downstream else source
    # one row per firm pair: its earliest hop date; then the 5 earliest pairs per page firm
    order = np.lexsort((en.on[pairs.e], target, source))
    pair_start = np.r_[True, (source[order][1:] != source[order][:-1]) | (target[order][1:] != target[order][:-1])]
    firsts = order[pair_start]
    by_id = core.vocabulary.rank
    rank = np.lexsort((by_id[source[firsts]], by_id[target[firsts]], en.on[pairs.e][firsts], position[page_firm[firsts]]))
    ranked = firsts[rank]  # in the page's order, each firm's edges earliest first
    owner = position[page_firm[ranked]]
    index_in_firm = np.arange(len(ranked)) - np.searchsorted(owner, owner, side="left")
    shown_pairs = ranked[index_in_firm < EDGES_PER_FIRM]
    left_out = int((index_in_firm >= EDGES_PER_FIRM).sum())
    pair_key = source.astype(np.int64) * core.size + target
    hop_rows = np.flatnonzero(np.isin(pair_key, pair_key[shown_pairs]))
    hops = pairs_.Pairs(pairs.q[hop_rows], pairs.e[hop_rows])
    amounts = q.amounts(hops)
    grouped: dict[int, list[Any]] = {}
    for n, ei in enumerate(hops.e.tolist()):
        agg = grouped.setdefault(int(pair_key[hop_rows[n]]), [set(), 0, set(), None])
        agg[0].add(int(en.actor[ei]))
        agg[1] += 1
        agg[2].add(KINDS[en.kind[ei]])
        if amounts[n] is not None:
            agg[3] = amounts[n] if agg[3] is None else agg[3] + amounts[n]
    ids = core.vocabulary.ids
    edges = []
    for i in shown_pairs.tolist():
        vias, count, kinds, amount = grouped[int(pair_key[i])]
        edges.append(
            ChainEdge(
                from_=str(ids[source[i]]),
                to=str(ids[target[i]]),
                vias=len(vias),
                hops=count,
                kinds=sorted(kinds),
                first_on=from_day_number(int(en.on[pairs.e[i]])),
                amount_usd=None if amount is None else format(amount, "f"),
            )
        )
    return edges, left_out


def chain_hops(
    session: Session,
    question: ChainQuestion,
    *,
    from_id: str | None = None,
    to_id: str | None = None,
    limit: int = DEFAULT_HOPS_PAGE,
    cursor: str | None = None,
    deadline: float | None = None,
) -> ChainHops:
    """A page of the chain's hops (or of one firm pair's), in date order."""
    after = None if cursor is None else cursors.decode(cursor, _HOP_KEY)
    q = _Search(session, question, deadline)
    core, vocabulary = q.core, q.core.vocabulary
    lq, en = core.liquidity, core.engagements
    by_id = vocabulary.rank
    # A firm the ledger does not know matches no hop (code -1).
    only = {
        side: -1 if (code := vocabulary.code(firm)) is None else code
        for side, firm in (("from", from_id), ("to", to_id))
        if firm is not None
    }
    key = None
    if after is not None:
        key = (
            float(day_number(after[0])),
            vocabulary.position(after[1]),
            vocabulary.position(after[2]),
            vocabulary.position(after[3]),
            float(KINDS.index(after[4])) if after[4] in KINDS else float(np.searchsorted(np.array(KINDS), after[4])) - 0.5,
            float(after[5]),
            float(after[6]),
        )

    def page_of(pairs: pairs_.Pairs) -> tuple[pairs_.Pairs, int]:
        """The first `limit` of these hops after the cursor, in key order, and how many follow it."""
        keep = np.ones(len(pairs.q), np.bool_)
        if "from" in only:
            keep &= lq.firm[pairs.q] == only["from"]
        if "to" in only:
            keep &= en.target[pairs.e] == only["to"]
        e = pairs.e
        columns: list[npt.NDArray[Any]] = [
            en.on[e],
            by_id[lq.firm[pairs.q]],
            by_id[en.target[e]],
            by_id[en.actor[e]],
            en.kind[e],
            en.cause[e],
            en.fund_seq[e],
        ]
        if key is not None:
            keep &= _after(columns, key)
        candidates = np.flatnonzero(keep)
        if len(candidates) > limit:  # only the hops on or before the page's last date need sorting
            cutoff = np.partition(columns[0][candidates], limit)[limit]
            candidates = candidates[columns[0][candidates] <= cutoff]
        order = candidates[np.lexsort([c[candidates] for c in reversed(columns)])][:limit]
        return pairs_.Pairs(pairs.q[order], pairs.e[order]), len(candidates)

    # The chain's hops a bounded number of firms at a time, keeping only the best page so far:
    # a hub's millions of hops are never held at once.
    page = pairs_.Pairs(np.zeros(0, np.int64), np.zeros(0, np.int64))
    seen = 0
    for firms in q.expanded_chunks():
        if deadline is not None and time.monotonic() > deadline:
            raise Overloaded("listing the chain's hops ran past the request's deadline")
        found, count = page_of(q.used(firms))
        seen += count
        page, _ = page_of(pairs_.Pairs(np.concatenate([page.q, found.q]), np.concatenate([page.e, found.e])))
    more = seen > limit
    amounts = q.amounts(page)
    ids = vocabulary.ids
    hops = [
        ChainHop(
            from_=ids[lq.firm[qi]],
            to=ids[en.target[ei]],
            via=ids[en.actor[ei]],
            kind=KINDS[en.kind[ei]],
            liquidity_on=from_day_number(int(lq.on[qi])),
            on=from_day_number(int(en.on[ei])),
            amount_usd=None if amount is None else format(amount, "f"),
            fund=None if en.fund[ei] < 0 else ids[en.fund[ei]],
            listed=bool(lq.listed[qi]),
        )
        for qi, ei, amount in zip(page.q.tolist(), page.e.tolist(), amounts, strict=True)
    ]
    last = None
    if more and hops:
        h, ei = hops[-1], int(page.e[-1])
        last = cursors.encode((h.on, h.from_, h.to, h.via, h.kind, int(en.cause[ei]), int(en.fund_seq[ei])))
    return ChainHops(seq=core.seq, stale=q.stale, hops=hops, next_cursor=last)
