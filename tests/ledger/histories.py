"""Random but valid ledger histories over a small universe, for the property tests.

A history interleaves recycling "plots" (an exit, then a reinvestment of some kind), their
disturbances (relocations, retractions, re-foundings) and stray events, recorded in a random
order that keeps only what the ledger needs. Also: fresh databases holding the prelude of
registrations every history starts from.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import shutil
import tempfile
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from hypothesis import HealthCheck
from hypothesis import strategies as st
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from ledger.db import create_db_engine, make_session_factory, unit_of_work
from ledger.errors import LedgerError
from ledger.events.schemas import EVENT_ADAPTER
from ledger.events.service import append
from tests.conftest import POSTGRES_URL

# ---- the universe --------------------------------------------------------------------------------

FIRMS = tuple(f"f{i}" for i in range(6))
PERSONS = tuple(f"p{i}" for i in range(6))
INVESTORS = ("vc0", "vc1", "vc2")  # investor organizations; they may raise funds too
FUNDS = ("fund0", "fund1")
LOCATIONS: tuple[dict[str, str], ...] = (
    {"country": "KR", "subdivision": "KR-30"},
    {"country": "KR", "subdivision": "KR-11"},
    {"country": "US", "subdivision": "US-MD"},
)
ROLES = ("founder", "mentor", "advisor", "board", "employee")
MENTOR_ROLES = ("mentor", "advisor", "board")


def _date_pool() -> tuple[dt.date, ...]:
    """Three dates a year over 2000-2024: ties are frequent, and spans both fit in and exceed a
    10-year window. The end of February is the 29th in leap years (29 Feb + W years -> 28 Feb)."""
    out = []
    for year in range(2000, 2025):
        out += [dt.date(year, 1, 1), dt.date(year, 2, 29 if year % 4 == 0 else 28), dt.date(year, 7, 1)]
    return tuple(out)


DATES = _date_pool()
LAST = len(DATES) - 1


def event_id(index: int) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"loopledger-tests/incremental/{index}"))


# ---- references and values -----------------------------------------------------------------------


def ref(actor_id: str, inline: bool = False) -> Any:
    """By bare id (must be known) or by an inline object with the same facts (always accepted).

    Firms are inline startups unless founded for sure: naming one registers it without a founding.
    """
    if not inline:
        return actor_id
    if actor_id in PERSONS:
        return {"id": actor_id, "type": "person", "name": actor_id.upper()}
    if actor_id in FIRMS:
        return {"id": actor_id, "name": actor_id.upper(), "kind": "startup"}
    return {"id": actor_id, "type": "organization", "kind": "investor", "name": actor_id.upper()}


def _ref(draw: st.DrawFn, actor_id: str) -> Any:
    return ref(actor_id, actor_id in FIRMS or draw(st.booleans()))


def registration(actor_id: str) -> dict[str, Any]:
    """actor.registered data of a person (some with a location) or an investor organization."""
    data: dict[str, Any] = ref(actor_id, True)
    if actor_id not in PERSONS or int(actor_id[1:]) % 2 == 0:
        data["location"] = LOCATIONS[len(actor_id) % 3]
    return data


REGISTERED = (*PERSONS, *INVESTORS, *FUNDS)
# Every history starts with these registrations (applied once into a template database); they
# are ordinary events of the log, so a history may retract them too (refused while in use).
PRELUDE = [
    {"event_id": event_id(i), "type": "actor.registered", "occurred_on": "1999-01-01", "data": registration(actor)}
    for i, actor in enumerate(REGISTERED)
]


@st.composite
def money(draw: st.DrawFn) -> dict[str, str]:
    """KRW without a USD value (converted only through an fx.rate on or before the event date),
    KRW with one, or USD; zero now and then."""
    amount = draw(st.sampled_from(["1000000", "500000", "2500000", "0"]))
    currency = draw(st.sampled_from(["KRW", "KRW+usd", "USD"]))
    if currency == "USD":
        return {"amount": amount, "currency": "USD"}
    out = {"amount": str(int(amount) * 1000), "currency": "KRW"}
    if currency == "KRW+usd":
        out["usd"] = str(int(amount) * 9 // 10)
    return out


def _with_money(draw: st.DrawFn, body: dict[str, Any], key: str) -> dict[str, Any]:
    if draw(st.booleans()):
        body[key] = draw(money())
    return body


# ---- histories -----------------------------------------------------------------------------------
#
# Uniformly random events over this universe rarely make a hop, let alone the orderings that
# matter to an incremental recompute. So a history interleaves a few "plots", each a small
# recycling story with random parts (which firms and actors, how the actor gets liquidity, dates
# in or out of the window, money in KRW or USD), disturbed now and then (a relocation, a
# retraction, a founding retracted and made again), plus stray events of every kind (rejected
# when invalid). All of it is recorded in a random order that keeps only what the ledger needs
# (a firm's founding before its rounds, exits and moves; a retraction after its target) and
# what a "late" plot asks for, so a fund raise may be recorded after the round it feeds, an IPO
# after its firm's investments, a mentor's join before the firm is founded. Catch-ups fall at
# random points, and right after the event that completes a late plot.


@dataclass
class Draft:
    type: str
    day: int  # index into DATES
    data: dict[str, Any]
    after: tuple[int, ...] = ()  # drafts to record first (the firm's founding; the retracted event)
    retracts: int | None = None  # a draft, or a prelude registration counted from its end (< 0)
    settle: bool = False  # catch up (and compare) right after it


class Drafts(list[Draft]):
    def add(self, kind: str, day: int, data: dict[str, Any], after: Sequence[int] = (), **more: Any) -> int:
        assert all(0 <= a < len(self) for a in after), after  # only drafts already made
        self.append(Draft(kind, min(max(day, 0), LAST), data, tuple(after), **more))
        return len(self) - 1


PLOTS = ("capital", "founder", "fund", "mentor", "listed_capital", "listed_fund")
LIQUIDITY_PATHS = ("founder", "investor", "proceeds", "joined")


def _others(draw: st.DrawFn) -> list[str]:
    """Bystanders: co-founders, co-investors, other LPs or holders (firms too: any actor may be)."""
    return draw(st.lists(st.sampled_from((*PERSONS, *INVESTORS, FUNDS[0], *FIRMS[:3])), max_size=2))


def _founding(draw: st.DrawFn, firm: str, founders: Sequence[str]) -> dict[str, Any]:
    origins = [{"org": {"id": "lab", "name": "Lab", "kind": "research_institute"}, "relation": "spin_off"}]
    return {
        "firm": {"id": firm, "name": firm.upper()},
        "location": draw(st.sampled_from(LOCATIONS)),
        "founders": [_ref(draw, a) for a in dict.fromkeys(founders)] or [_ref(draw, draw(st.sampled_from(PERSONS)))],
        "origins": origins[: draw(st.integers(0, 1))],
    }


def _round(draw: st.DrawFn, firm: str, investors: Sequence[str]) -> dict[str, Any]:
    lines = [_with_money(draw, {"investor": _ref(draw, a)} | ({"lead": True} if draw(st.booleans()) else {}), "amount") for a in investors]
    return _with_money(draw, {"firm": firm, "round": draw(st.sampled_from(["seed", "series_a", "growth"])), "investors": lines}, "amount")


def _exit(draw: st.DrawFn, kind: str, firm: str, proceeds: Sequence[str] | None) -> dict[str, Any]:
    if kind == "exit.ipo":
        data = _with_money(draw, {"firm": firm, "exchange": "KOSDAQ"}, "market_cap")
    else:
        acquirer = draw(st.sampled_from(["bigco", *(f for f in FIRMS if f != firm)]))
        bigco = {"id": "bigco", "name": "BigCo", "kind": "corporation"}
        data = _with_money(draw, {"firm": firm, "acquirer": bigco if acquirer == "bigco" else ref(acquirer, True)}, "price")
    if proceeds is not None:
        data["proceeds"] = [_with_money(draw, {"actor": _ref(draw, a)}, "amount") for a in proceeds]
    return data


def _raise(draw: st.DrawFn, fund: str, lps: Sequence[str]) -> dict[str, Any]:
    return {"fund": _ref(draw, fund), "lps": [_with_money(draw, {"lp": _ref(draw, a)}, "commitment") for a in lps]}


# What may happen to a plot afterwards: a move of F or G (often dated before the hop, so it
# changes an end of it), or the retraction of one of its parts (a retracted founding may be
# made again, elsewhere or on another date).
DISTURBANCES = (
    "move F",
    "move G",
    "retract exit",
    "retract F's founding",
    "retract G's founding",
    "retract reinvestment",
    "retract liquidity",
)


def _plot(draw: st.DrawFn, drafts: Drafts, kind: str, f: str, g: str, found_f: int | None) -> int:
    """X gets liquidity from an exit of F, then reinvests in G (or, listed, F itself invests).

    F was founded by an earlier plot when `found_f` is given (it was that plot's G: a chain).
    In a "late" plot the event that completes the hop is recorded after the rest of it and
    caught up at once: the exit after the reinvestment, the fund raise after the fund's round,
    G's founding after a mentor's join; so are its disturbances. Returns the draft founding G.
    """
    mine = len(drafts)
    base = draw(st.integers(0, 30)) if found_f is None else drafts[found_f].day + draw(st.integers(0, 6))
    t_exit = base + draw(st.integers(0, 12))
    t_re = t_exit + draw(st.integers(2, 36))  # up to 12 years on: in and out of a 10-year window
    late = draw(st.booleans())
    listed = kind.startswith("listed")
    if listed:
        x, path = f, "listed"
    else:
        pool = PERSONS if kind == "mentor" else (*PERSONS, *INVESTORS, *(FUNDS if kind == "capital" else ()))
        x = draw(st.sampled_from(pool))
        paths = [p for p in LIQUIDITY_PATHS if (p != "joined" or x in PERSONS) and (p != "founder" or found_f is None)]
        path = draw(st.sampled_from(paths))

    # X's liquidity: a participant of F (founder, investor, founder by joining) or in the proceeds.
    if found_f is None:
        found_f = drafts.add("firm.founded", base, _founding(draw, f, [x] * (path == "founder") + _others(draw)))
    liquidity = found_f
    if path == "investor" or draw(st.booleans()):
        round_f = drafts.add(
            "funding.round", draw(st.integers(base, t_exit)), _round(draw, f, [x] * (path == "investor") + _others(draw)), [found_f]
        )
        liquidity = round_f if path == "investor" else liquidity
    if path == "joined":
        liquidity = drafts.add(
            "person.joined", draw(st.integers(base, t_exit)), {"person": _ref(draw, x), "org": f, "role": "founder"}, [found_f]
        )
    proceeds = [x, *_others(draw)] if path == "proceeds" else (_others(draw) if draw(st.integers(0, 4)) == 4 else None)
    exit_kind = "exit.ipo" if listed else draw(st.sampled_from(["exit.ipo", "exit.acquisition"]))
    exit_data = _exit(draw, exit_kind, f, proceeds)
    exit_late = late and kind in ("capital", "listed_capital", "listed_fund")
    exit_ = -1 if exit_late else drafts.add(exit_kind, t_exit, exit_data, [found_f])

    # The reinvestment into G.
    founds_g = kind == "founder" and (x not in PERSONS or draw(st.booleans()))  # else X joins G as founder
    founders_g = [x, *_others(draw)] if founds_g else _others(draw)
    g_day = t_re if founds_g else draw(st.integers(0, t_re))
    if kind == "mentor":
        # The org inline, so the join may be recorded before G is founded (it counts from then).
        role = draw(st.sampled_from(MENTOR_ROLES))
        reinvest = drafts.add("person.joined", t_re, {"person": _ref(draw, x), "org": ref(g, True), "role": role}, settle=not late)
        found_g = drafts.add("firm.founded", g_day, _founding(draw, g, founders_g), [reinvest] if late else [], settle=late)
    else:
        found_g = drafts.add("firm.founded", g_day, _founding(draw, g, founders_g), [exit_] if late and founds_g else [], settle=late)
        reinvest = found_g
    if kind == "founder" and not founds_g:
        reinvest = drafts.add(
            "person.joined", t_re, {"person": _ref(draw, x), "org": ref(g, True), "role": "founder"}, [exit_] if late else []
        )
    elif kind in ("capital", "listed_capital"):
        reinvest = drafts.add("funding.round", t_re, _round(draw, g, [x, *_others(draw)]), [found_g])
    elif kind in ("fund", "listed_fund"):
        fund = draw(st.sampled_from((*FUNDS, *INVESTORS)))
        t_raise = draw(st.integers(t_exit + 1, t_re - 1))
        if late and kind == "fund":  # the raise after the round it feeds and the exit
            round_g = drafts.add("funding.round", t_re, _round(draw, g, [fund, *_others(draw)]), [found_g])
            reinvest = drafts.add("fund.raised", t_raise, _raise(draw, fund, [x, *_others(draw)]), [round_g, exit_], settle=True)
        else:
            raised = drafts.add("fund.raised", t_raise, _raise(draw, fund, [x, *_others(draw)]))
            reinvest = drafts.add("funding.round", t_re, _round(draw, g, [fund, *_others(draw)]), [found_g, raised])
    if exit_late:
        exit_ = drafts.add(exit_kind, t_exit, exit_data, [found_f, reinvest], settle=True)
    if path in ("proceeds", "listed"):
        liquidity = exit_

    parts = {"exit": exit_, "F's founding": found_f, "G's founding": found_g, "reinvestment": reinvest, "liquidity": liquidity}
    for what in draw(st.lists(st.sampled_from(DISTURBANCES), max_size=2, unique=True)):
        if what.startswith("move"):
            firm, target = (f, found_f) if what == "move F" else (g, found_g)
            day = draw(st.integers(drafts[target].day, t_re + 3))
            data: dict[str, Any] = {"firm": firm, "location": draw(st.sampled_from(LOCATIONS))}
            kind_ = "firm.relocated"
        else:
            target = parts[what.removeprefix("retract ")]
            day, data, kind_ = t_re, {"reason": "test"}, "event.retracted"
        after = [target, *range(mine, len(drafts))] if late else [target]
        done = drafts.add(kind_, day, data, after, retracts=target if kind_ == "event.retracted" else None, settle=late)
        if what.endswith("founding") and draw(st.booleans()):
            again = drafts[target].data["firm"]["id"]
            drafts.add("firm.founded", draw(st.integers(0, t_re)), _founding(draw, again, _others(draw)), [done], settle=late)
    return found_g


def _stray(draw: st.DrawFn, drafts: Drafts) -> None:
    """An event outside any plot (rejected when it names a firm not founded yet)."""
    kind = draw(
        st.sampled_from(("funding.round", "exit", "person.joined", "fund.raised", "firm.relocated", "fx.rate", "retraction", "actor"))
    )
    day = draw(st.integers(0, LAST))
    firm = draw(st.sampled_from(FIRMS))
    if kind == "funding.round":
        drafts.add(kind, day, _round(draw, firm, [draw(st.sampled_from((*PERSONS, *INVESTORS, *FUNDS, *FIRMS))), *_others(draw)]))
    elif kind == "exit":
        exit_kind = draw(st.sampled_from(["exit.ipo", "exit.acquisition"]))
        drafts.add(exit_kind, day, _exit(draw, exit_kind, firm, _others(draw) if draw(st.booleans()) else None))
    elif kind == "person.joined":
        org = ref(firm, True) if draw(st.booleans()) else draw(st.sampled_from(INVESTORS))
        drafts.add(kind, day, {"person": _ref(draw, draw(st.sampled_from(PERSONS))), "org": org, "role": draw(st.sampled_from(ROLES))})
    elif kind == "fund.raised":
        drafts.add(
            kind,
            day,
            _raise(
                draw,
                draw(st.sampled_from((*FUNDS, *INVESTORS))),
                draw(st.lists(st.sampled_from((*PERSONS, *FIRMS)), min_size=1, max_size=3)),
            ),
        )
    elif kind == "firm.relocated":
        drafts.add(kind, day, {"firm": firm, "location": draw(st.sampled_from(LOCATIONS))})
    elif kind == "fx.rate":  # usually early, so that it converts amounts already recorded
        day = draw(st.sampled_from([draw(st.integers(0, 15)), day]))
        drafts.add(kind, day, {"currency": "KRW", "usd_per_unit": draw(st.sampled_from(["0.001", "0.00085", "0.0007"]))})
    elif kind == "retraction":  # of any earlier draft, or of a prelude registration (negative)
        target = draw(st.integers(-len(PRELUDE), len(drafts) - 1))
        drafts.add("event.retracted", day, {"reason": "test"}, [target] if target >= 0 else [], retracts=target)
    else:  # registered again: the same facts are accepted (a conflict if they differ)
        drafts.add("actor.registered", day, registration(draw(st.sampled_from(REGISTERED))))


@dataclass(frozen=True)
class Step:
    event: dict[str, Any]
    catch_up_after: bool


@st.composite
def histories(draw: st.DrawFn) -> list[Step]:
    """One to three plots (mostly chained: one plot's G is the next one's F), maybe an early KRW
    rate recorded late, up to four stray events; recorded in a random order that respects each
    draft's `after`, each followed by a catch-up or not (always after a `settle` draft)."""
    drafts = Drafts()
    unused = list(FIRMS)
    chain: tuple[str, int] | None = None  # the last plot's G and its founding: the next F, mostly
    for kind in draw(st.lists(st.sampled_from(PLOTS), min_size=1, max_size=3)):
        if chain is not None and draw(st.integers(0, 3)) < 3:
            f, found_f = chain[0], chain[1]
        else:
            f, found_f = draw(st.sampled_from(unused or FIRMS)), None
        g = draw(st.sampled_from([x for x in unused if x != f] or [x for x in FIRMS if x != f]))
        unused = [x for x in unused if x not in (f, g)]
        chain = (g, _plot(draw, drafts, kind, f, g, found_f))
    if draw(st.integers(0, 2)) == 2:  # an early KRW rate recorded after the amounts it converts
        rate = {"currency": "KRW", "usd_per_unit": draw(st.sampled_from(["0.001", "0.00085"]))}
        drafts.add("fx.rate", draw(st.integers(0, 15)), rate, range(len(drafts)) if draw(st.booleans()) else (), settle=True)
    for _ in range(draw(st.integers(0, 4))):
        _stray(draw, drafts)
    # Record in a random order that keeps each draft after the ones it needs.
    order: list[int] = []
    while len(order) < len(drafts):
        ready = [i for i in range(len(drafts)) if i not in order and all(a in order for a in drafts[i].after)]
        order.append(draw(st.sampled_from(ready)))
    position = {draft: len(PRELUDE) + n for n, draft in enumerate(order)} | {-i: len(PRELUDE) - i for i in range(1, len(PRELUDE) + 1)}
    steps = []
    for draft_index in order:
        d = drafts[draft_index]
        data = d.data if d.retracts is None else {"event_id": event_id(position[d.retracts]), **d.data}
        raw = {"event_id": event_id(position[draft_index]), "type": d.type, "occurred_on": DATES[d.day].isoformat(), "data": data}
        steps.append(Step(raw, d.settle or draw(st.booleans())))
    return steps


def append_one(factory: sessionmaker[Session], raw: dict[str, Any]) -> bool:
    """Append one event in its own transaction; False when the ledger rejects it (skipped)."""
    event = EVENT_ADAPTER.validate_python(raw)
    try:
        with unit_of_work(factory) as session:
            append(session, events=[event])
    except LedgerError:
        return False
    return True


# ---- databases -----------------------------------------------------------------------------------


@contextlib.contextmanager
def factory_for(url: str) -> Iterator[sessionmaker[Session]]:
    engine = create_db_engine(url)
    try:
        yield make_session_factory(engine)
    finally:
        engine.dispose()  # on SQLite the last connection to close checkpoints the WAL into the file


@contextlib.contextmanager
def fresh_sqlite(template: Path) -> Iterator[sessionmaker[Session]]:
    """A private copy of a template file (function-scoped fixtures are not reset per example)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "ledger.db"
        shutil.copy(template, path)
        with factory_for(f"sqlite:///{path}") as factory:
            yield factory


@contextlib.contextmanager
def fresh_postgres(template: str) -> Iterator[str]:
    """The URL of a new database copied from a template (CREATE DATABASE ... TEMPLATE, which
    needs no session open on the template), dropped afterwards."""
    name = f"ll_h_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        try:
            yield make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
        finally:
            with admin.connect() as conn:
                conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        admin.dispose()


def play_prelude(url: str) -> None:
    with factory_for(url) as factory:
        for raw in PRELUDE:
            assert append_one(factory, raw), raw


HYPOTHESIS_SETTINGS: dict[str, Any] = {
    "deadline": None,
    "derandomize": True,
    "database": None,
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.function_scoped_fixture, HealthCheck.data_too_large],
}
