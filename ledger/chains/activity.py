"""What actors did, read when asked: their liquidity events and their engagements with firms.

A hop is the join "liquidity (X, F, t), engagement of X with G dated t2, t < t2 <= t + W,
G != F"; nothing of it is stored. This module reads the two sides over indexes (by actor and
date, by firm and date), for the live ledger or as of an earlier seq, so that chains and
metrics can join and count them for exactly the firms and actors a question is about.

Spec: a reinvestment of X into G is `capital` (X invests in a round of G), `founder` (X founds
G), `fund` (X is an LP of a raise of fund V at t1, and V invests in a round of G at t2 within W
after t1; the window after X's liquidity is tested on t1) or `mentor` (X joins G as mentor,
advisor or board). A listed firm's own IPO is a liquidity event of the firm itself for its
`capital` and `fund` engagements only.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from more_itertools import chunked
from sqlalchemy.orm import Session

from ledger.chains import liquidity, maintain
from ledger.chains.amounts import attributed, lp_shares, per_investor
from ledger.chains.models import LiquidityEvent
from ledger.dates import add_years, window_opens
from ledger.db import KeySet
from ledger.events.service import head_seq
from ledger.money import FxTable
from ledger.projections import models as m
from ledger.projections.archive import visible

MENTOR_ROLES = ("mentor", "advisor", "board")


@dataclass(frozen=True)
class Liquidity:
    """(X, F, t): the earliest exit of F that X took part in. `listed`: F's own IPO, X = F."""

    actor_id: str
    firm_id: str
    on: dt.date
    listed: bool = False


@dataclass(frozen=True)
class Engagement:
    """X engaged with firm G on `on` (the hop date). `opens` is the date X's window must reach:
    `on` itself, or for a fund engagement the date X committed to the fund (t1)."""

    actor_id: str
    kind: str  # capital | founder | fund | mentor
    target_id: str
    on: dt.date
    opens: dt.date
    cause_seq: int  # the round, founding or join
    amount_usd: Decimal | None = None
    fund_id: str | None = None
    fund_seq: int = 0  # the raise, for fund engagements


@dataclass(frozen=True)
class Hop:
    """One reinvestment: source F -> target G via X, after X's liquidity from F on `liquidity_on`."""

    source_id: str
    liquidity_on: dt.date
    listed: bool
    engagement: Engagement

    @property
    def target_id(self) -> str:
        return self.engagement.target_id

    @property
    def via_id(self) -> str:
        return self.engagement.actor_id

    @property
    def on(self) -> dt.date:
        return self.engagement.on

    def key(self) -> tuple[Any, ...]:
        e = self.engagement
        return (e.on, self.source_id, e.target_id, e.actor_id, e.kind, e.cause_seq, e.fund_seq)


class Activity:
    """Reads over one session, for the ledger now (`as_of` None) or as of a seq, window W.

    Liquidity comes from the `liquidity_event` table when the workers have brought it up to the
    log head (in this session's snapshot), else from the same participations joined from the
    projections: an answer is always exact for the log as the snapshot sees it, and fast once
    the workers have caught up."""

    def __init__(self, session: Session, *, window_years: int, as_of: int | None = None, fx: FxTable | None = None) -> None:
        self.session = session
        self.keys = KeySet(session)
        self.window = window_years
        self.as_of = as_of
        self.seq = head_seq(session) if as_of is None else as_of
        self.from_table = as_of is None and maintain.position(session) >= self.seq
        self._fx = fx
        self._round_cache: dict[int, dict[str, Decimal | None]] = {}
        self._raise_cache: dict[int, tuple[str, dt.date, dict[str, Decimal]]] = {}
        self._founded: dict[str, bool] = {}
        # actor -> (after, until, with amounts, its engagements opening in (after, until])
        self._engaged: dict[str, tuple[dt.date, dt.date, bool, list[Engagement]]] = {}

    @property
    def fx(self) -> FxTable:
        if self._fx is None:
            self._fx = FxTable.load(self.session, as_of=self.as_of)
        return self._fx

    def _rows(self, query_for: Any, keys: Iterable[Any]) -> list[Any]:
        out: list[Any] = []
        for chunk in self.keys.chunks(keys):
            out.extend(self.session.execute(query_for(chunk)).all())  # one fetch, not one per row
        return out

    # ---- liquidity ---------------------------------------------------------------------------------

    def _earliest(self, *, firm_ids: Sequence[str] | None = None, actor_ids: Sequence[str] | None = None) -> list[Liquidity]:
        """Earliest participation per (actor, firm) for these firms or actors."""
        if self.from_table:
            t = LiquidityEvent
            column = t.firm_id if firm_ids is not None else t.actor_id

            def query(chunk: Sequence[str]) -> Any:
                return (
                    sa.select(t.actor_id, t.firm_id, sa.func.min(t.liquidity_on))
                    .where(self.keys.has(column, chunk))
                    .group_by(t.actor_id, t.firm_id)
                )
        else:

            def query(chunk: Sequence[str]) -> Any:
                scope = liquidity.Scope(firm_ids=chunk) if firm_ids is not None else liquidity.Scope(actor_ids=chunk)
                sub = liquidity.participations(as_of=self.as_of, scope=scope).subquery()
                return sa.select(sub.c[0], sub.c[3], sa.func.min(sub.c[4])).group_by(sub.c[0], sub.c[3])

        keys = firm_ids if firm_ids is not None else actor_ids or ()
        return [Liquidity(actor, firm, on) for actor, firm, on in self._rows(query, keys)]

    def ipo_on(self, firm_ids: Iterable[str]) -> dict[str, dt.date]:
        """The earliest IPO of each firm that has one: when it became a listed firm."""
        x = visible(m.FirmExit, self.as_of)
        query = lambda chunk: (  # noqa: E731
            sa.select(x.c.firm_id, sa.func.min(x.c.occurred_on))
            .where(x.c.kind == "ipo", self.keys.has(x.c.firm_id, chunk))
            .group_by(x.c.firm_id)
        )
        return dict(self._rows(query, firm_ids))

    def liquidity_of_firms(self, firm_ids: Iterable[str], *, listed: bool = True) -> dict[str, list[Liquidity]]:
        """Per firm F: the liquidity events (X, F, t), and F's own IPO when `listed`."""
        ids = sorted(set(firm_ids))
        out: dict[str, list[Liquidity]] = defaultdict(list)
        for q in self._earliest(firm_ids=ids):
            out[q.firm_id].append(q)
        if listed:
            for firm, on in self.ipo_on(ids).items():
                out[firm].append(Liquidity(firm, firm, on, listed=True))
        return out

    def liquidity_of_actors(self, actor_ids: Iterable[str], *, listed: bool = True) -> dict[str, list[Liquidity]]:
        """Per actor X: its liquidity events (X, F, t), and its own IPO when X is a listed firm."""
        ids = sorted(set(actor_ids))
        out: dict[str, list[Liquidity]] = defaultdict(list)
        for q in self._earliest(actor_ids=ids):
            out[q.actor_id].append(q)
        if listed:
            for firm, on in self.ipo_on(ids).items():
                out[firm].append(Liquidity(firm, firm, on, listed=True))
        return out

    # ---- amounts -----------------------------------------------------------------------------------

    def invested(self, round_seqs: Iterable[int]) -> dict[int, dict[str, Decimal | None]]:
        """Per round: each investor's attributed_usd (summed when named twice)."""
        round_seqs = set(round_seqs)
        wanted = [s for s in round_seqs if s not in self._round_cache]
        if wanted:
            r = visible(m.FundingRound, self.as_of)
            ri = visible(m.RoundInvestor, self.as_of)
            rounds = {
                row.event_seq: row
                for row in self._rows(
                    lambda c: sa.select(r.c.event_seq, r.c.occurred_on, r.c.amount, r.c.amount_currency, r.c.amount_usd).where(
                        self.keys.has(r.c.event_seq, c)
                    ),
                    wanted,
                )
            }
            lines: dict[int, list[Any]] = defaultdict(list)
            for row in self._rows(
                lambda c: sa.select(
                    ri.c.event_seq, ri.c.position, ri.c.investor_id, ri.c.amount, ri.c.amount_currency, ri.c.amount_usd
                ).where(self.keys.has(ri.c.event_seq, c)),
                wanted,
            ):
                lines[row.event_seq].append(row)
            for seq in wanted:
                rnd = rounds.get(seq)
                if rnd is None:
                    self._round_cache[seq] = {}
                    continue
                total = self.fx.usd(rnd.amount, rnd.amount_currency, rnd.amount_usd, rnd.occurred_on)
                given = [
                    (i.investor_id, i.amount is not None, self.fx.usd(i.amount, i.amount_currency, i.amount_usd, rnd.occurred_on))
                    for i in sorted(lines[seq], key=lambda i: i.position)
                ]
                self._round_cache[seq] = per_investor(attributed(total, given))
        return {s: self._round_cache[s] for s in round_seqs}

    def raises(self, raise_seqs: Iterable[int]) -> dict[int, tuple[str, dt.date, dict[str, Decimal]]]:
        """Per raise: (fund, date, each LP's share of the LP weight)."""
        raise_seqs = set(raise_seqs)
        wanted = [s for s in raise_seqs if s not in self._raise_cache]
        if wanted:
            fr = visible(m.FundRaise, self.as_of)
            lp = visible(m.FundLp, self.as_of)
            heads = {
                row.event_seq: row
                for row in self._rows(
                    lambda c: sa.select(fr.c.event_seq, fr.c.fund_id, fr.c.occurred_on).where(self.keys.has(fr.c.event_seq, c)), wanted
                )
            }
            commitments: dict[int, list[Any]] = defaultdict(list)
            for row in self._rows(
                lambda c: sa.select(
                    lp.c.event_seq, lp.c.position, lp.c.lp_id, lp.c.commitment, lp.c.commitment_currency, lp.c.commitment_usd
                ).where(self.keys.has(lp.c.event_seq, c)),
                wanted,
            ):
                commitments[row.event_seq].append(row)
            for seq in wanted:
                head = heads.get(seq)
                if head is None:
                    continue
                lines = sorted(commitments[seq], key=lambda c: c.position)
                usd = [(c.lp_id, self.fx.usd(c.commitment, c.commitment_currency, c.commitment_usd, head.occurred_on)) for c in lines]
                self._raise_cache[seq] = (head.fund_id, head.occurred_on, lp_shares(usd))
        return {s: self._raise_cache[s] for s in raise_seqs if s in self._raise_cache}

    # ---- engagements -------------------------------------------------------------------------------

    def founded(self, firm_ids: Iterable[str]) -> set[str]:
        """The firms the ledger has founded (any date): only they can be mentored."""
        firm_ids = set(firm_ids)
        wanted = [f for f in firm_ids if f not in self._founded]
        if wanted:
            ff = visible(m.FirmFounding, self.as_of)
            found = {row[0] for row in self._rows(lambda c: sa.select(ff.c.firm_id).where(self.keys.has(ff.c.firm_id, c)), wanted)}
            self._founded.update((f, f in found) for f in wanted)
        return {f for f in firm_ids if self._founded.get(f)}

    def engagements_of(
        self, actor_ids: Iterable[str], *, after: dt.date, until: dt.date, amounts: bool = True
    ) -> dict[str, list[Engagement]]:
        """Per actor: its engagements whose `opens` date is in (after, until]. Kept per actor for
        the Activity's life, so a search asking again for the same actors reads nothing more."""
        ids = set(actor_ids)
        missing = [a for a in ids if not self._covers(a, after, until, amounts)]
        if missing:
            lo = min([after, *(self._engaged[a][0] for a in missing if a in self._engaged)])
            hi = max([until, *(self._engaged[a][1] for a in missing if a in self._engaged)])
            fetched = self._fetch_engagements(missing, after=lo, until=hi, amounts=amounts)
            for actor in missing:
                self._engaged[actor] = (lo, hi, amounts, fetched.get(actor, []))
        out: dict[str, list[Engagement]] = {}
        for actor in ids:
            kept = [e for e in self._engaged[actor][3] if after < e.opens <= until]
            if kept:
                out[actor] = kept
        return out

    def _covers(self, actor: str, after: dt.date, until: dt.date, amounts: bool) -> bool:
        cached = self._engaged.get(actor)
        return cached is not None and cached[0] <= after and until <= cached[1] and (cached[2] or not amounts)

    def _fetch_engagements(
        self, actor_ids: Iterable[str], *, after: dt.date, until: dt.date, amounts: bool = True
    ) -> dict[str, list[Engagement]]:
        ids = sorted(set(actor_ids))
        out: dict[str, list[Engagement]] = defaultdict(list)
        if not ids:
            return out
        ri = visible(m.RoundInvestor, self.as_of)
        capital = self._rows(
            lambda c: (
                sa.select(ri.c.investor_id, ri.c.firm_id, ri.c.occurred_on, ri.c.event_seq)
                .where(self.keys.has(ri.c.investor_id, c), ri.c.occurred_on > after, ri.c.occurred_on <= until)
                .distinct()
            ),
            ids,
        )
        money = self.invested(row.event_seq for row in capital) if amounts else {}
        for actor, firm, on, seq in capital:
            out[actor].append(Engagement(actor, "capital", firm, on, on, seq, money.get(seq, {}).get(actor)))
        self._founder_engagements(out, ids, lambda f: f.c.person_id, after, until)
        af = visible(m.Affiliation, self.as_of)
        mentoring = self._rows(
            lambda c: sa.select(af.c.person_id, af.c.org_id, af.c.started_on, af.c.event_seq).where(
                self.keys.has(af.c.person_id, c), af.c.role.in_(MENTOR_ROLES), af.c.started_on > after, af.c.started_on <= until
            ),
            ids,
        )
        founded = self.founded(row.org_id for row in mentoring)
        for person, org, on, seq in mentoring:
            if org in founded:
                out[person].append(Engagement(person, "mentor", org, on, on, seq))
        lp = visible(m.FundLp, self.as_of)
        commitments = self._rows(
            lambda c: (
                sa.select(lp.c.lp_id, lp.c.fund_id, lp.c.occurred_on, lp.c.event_seq)
                .where(self.keys.has(lp.c.lp_id, c), lp.c.occurred_on > after, lp.c.occurred_on <= until)
                .distinct()
            ),
            ids,
        )
        self._fund_engagements(out, commitments, amounts)
        return out

    def _founder_engagements(self, out: dict[str, list[Engagement]], keys: Sequence[str], key: Any, after: dt.date, until: dt.date) -> None:
        """A firm founded by X counts once, from the earliest date X became its founder."""
        f = visible(m.Founder, self.as_of)
        first: dict[tuple[str, str], tuple[dt.date, int]] = {}
        for person, firm, since, seq in self._rows(
            lambda c: sa.select(f.c.person_id, f.c.firm_id, f.c.since, f.c.event_seq).where(self.keys.has(key(f), c)), keys
        ):
            first[(person, firm)] = min((since, seq), first.get((person, firm), (since, seq)))
        for (person, firm), (since, seq) in first.items():
            if after < since <= until:
                out[person].append(Engagement(person, "founder", firm, since, since, seq))

    def _fund_engagements(self, out: dict[str, list[Engagement]], commitments: Sequence[Any], amounts: bool) -> None:
        """LP X of a raise of V at t1 engages with every firm V invests in within W after t1."""
        if not commitments:
            return
        shares = self.raises(row.event_seq for row in commitments) if amounts else {}
        ri = visible(m.RoundInvestor, self.as_of)
        first = min(row.occurred_on for row in commitments)
        last = max(add_years(row.occurred_on, self.window) for row in commitments)
        rounds: dict[str, list[tuple[str, dt.date, int]]] = defaultdict(list)
        for fund, firm, on, seq in self._rows(
            lambda c: (
                sa.select(ri.c.investor_id, ri.c.firm_id, ri.c.occurred_on, ri.c.event_seq)
                .where(self.keys.has(ri.c.investor_id, c), ri.c.occurred_on > first, ri.c.occurred_on <= last)
                .distinct()
            ),
            {row.fund_id for row in commitments},
        ):
            rounds[fund].append((firm, on, seq))
        money = self.invested(seq for fund_rounds in rounds.values() for _, _, seq in fund_rounds) if amounts else {}
        for lp_id, fund, t1, raise_seq in commitments:
            share = shares.get(raise_seq, ("", t1, {}))[2].get(lp_id) if amounts else None
            horizon = add_years(t1, self.window)
            for firm, t2, seq in rounds.get(fund, ()):
                if t1 < t2 <= horizon:
                    usd = money.get(seq, {}).get(fund)
                    amount = None if usd is None or share is None else usd * share
                    out[lp_id].append(Engagement(lp_id, "fund", firm, t2, t1, seq, amount, fund, raise_seq))

    def engagements_into(
        self, firm_ids: Iterable[str], *, until: dt.date | None = None, amounts: bool = True
    ) -> dict[str, list[Engagement]]:
        """Per target firm G: every engagement with it dated on or before `until` (all when None)."""
        ids = sorted(set(firm_ids))
        out: dict[str, list[Engagement]] = defaultdict(list)
        if not ids:
            return out
        end = until or dt.date.max
        ri = visible(m.RoundInvestor, self.as_of)
        capital = self._rows(
            lambda c: (
                sa.select(ri.c.investor_id, ri.c.firm_id, ri.c.occurred_on, ri.c.event_seq)
                .where(self.keys.has(ri.c.firm_id, c), ri.c.occurred_on <= end)
                .distinct()
            ),
            ids,
        )
        money = self.invested(row.event_seq for row in capital) if amounts else {}
        for actor, firm, on, seq in capital:
            out[firm].append(Engagement(actor, "capital", firm, on, on, seq, money.get(seq, {}).get(actor)))
        by_actor: dict[str, list[Engagement]] = defaultdict(list)
        self._founder_engagements(by_actor, ids, lambda f: f.c.firm_id, dt.date.min, end)
        for engagements in by_actor.values():
            for e in engagements:
                out[e.target_id].append(e)
        af = visible(m.Affiliation, self.as_of)
        founded = self.founded(ids)
        for person, org, on, seq in self._rows(
            lambda c: sa.select(af.c.person_id, af.c.org_id, af.c.started_on, af.c.event_seq).where(
                self.keys.has(af.c.org_id, c), af.c.role.in_(MENTOR_ROLES), af.c.started_on <= end
            ),
            ids,
        ):
            if org in founded:
                out[org].append(Engagement(person, "mentor", org, on, on, seq))
        # Fund engagements: the rounds' investors that raised funds, and their LPs before each round.
        lp = visible(m.FundLp, self.as_of)
        funds = {row.investor_id for row in capital}
        commitments: dict[str, list[Any]] = defaultdict(list)
        for row in self._rows(
            lambda c: (
                sa.select(lp.c.lp_id, lp.c.fund_id, lp.c.occurred_on, lp.c.event_seq).where(self.keys.has(lp.c.fund_id, c)).distinct()
            ),
            funds,
        ):
            commitments[row.fund_id].append(row)
        shares = self.raises(row.event_seq for rows in commitments.values() for row in rows) if amounts else {}
        for fund, firm, t2, seq in capital:
            opens = window_opens(t2, self.window)
            for lp_id, _fund, t1, raise_seq in commitments.get(fund, ()):
                if opens <= t1 < t2:
                    usd = money.get(seq, {}).get(fund)
                    share = shares.get(raise_seq, ("", t1, {}))[2].get(lp_id) if amounts else None
                    amount = None if usd is None or share is None else usd * share
                    out[firm].append(Engagement(lp_id, "fund", firm, t2, t1, seq, amount, fund, raise_seq))
        return out


def hops_from(liquidity: Liquidity, engagements: Iterable[Engagement], window_years: int) -> Iterable[Engagement]:
    """The engagements that are hops from this liquidity event: within W after it, into another
    firm; a listed firm's own IPO counts only for its capital and fund engagements."""
    horizon = add_years(liquidity.on, window_years)
    for e in engagements:
        if (
            liquidity.on < e.opens <= horizon
            and e.target_id != liquidity.firm_id
            and (not liquidity.listed or e.kind in ("capital", "fund"))
        ):
            yield e


def every_hop(activity: Activity, *, chunk: int = 1000) -> Iterator[Hop]:
    """Every hop of the ledger for the activity's window, actor by actor (an export, a test):
    the one place hops are listed rather than counted or searched."""
    if activity.from_table:
        actors = activity.session.scalars(sa.select(LiquidityEvent.actor_id).distinct())
    else:
        sub = liquidity.participations(as_of=activity.as_of).subquery()
        actors = activity.session.scalars(sa.select(sub.c[0]).distinct())
    listed = activity.session.scalars(sa.select(m.FirmExit.firm_id).where(m.FirmExit.kind == "ipo").distinct())
    for ids in chunked(sorted({*actors, *listed}), chunk):
        events = [q for rows in activity.liquidity_of_actors(ids).values() for q in rows]
        if not events:
            continue
        engagements = activity.engagements_of(
            ids, after=min(q.on for q in events), until=max(add_years(q.on, activity.window) for q in events)
        )
        hops = (Hop(q.firm_id, q.on, q.listed, e) for q in events for e in hops_from(q, engagements.get(q.actor_id, ()), activity.window))
        yield from sorted(hops, key=Hop.key)
