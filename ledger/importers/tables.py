"""Analyst-friendly tables, as CSV or Parquet: firms, rounds, round investors, exits, hops,
metric parts.

Each table has one row per fact, ids and names side by side, amounts with their currency (the
`_usd` columns are the USD values given in the events, empty when none was given). In CSV dates
are ISO text and amounts plain decimals; in Parquet they keep their types (date, decimal,
boolean, integer), what pandas and Polars read without parsing. Retracted events are not in the
projections, so not here. Everything is read from one consistent snapshot, in chunks.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import polars as pl
import sqlalchemy as sa
from more_itertools import chunked
from sqlalchemy.orm import Session, sessionmaker
from sqlmodel import col

from ledger.actors.models import Actor
from ledger.chains.activity import Activity, every_hop
from ledger.db import read_snapshot
from ledger.metrics.models import MetricPart
from ledger.metrics.regional import Part, metric_values
from ledger.projections import models as m

CHUNK = 1000
HOPS_WINDOW_YEARS = 10


@dataclass(frozen=True)
class TablesExported:
    directory: str
    rows: dict[str, int]  # file name -> data rows


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return value


# Rows per Parquet frame built at a time (hops run to millions at 1M events).
_FRAME_ROWS = 200_000


def _write_parquet(path: Path, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    def typed(value: Any) -> Any:
        return json.dumps(value, ensure_ascii=False, sort_keys=True) if isinstance(value, dict | list) else value

    frames = [
        pl.DataFrame([[typed(v) for v in row] for row in chunk], schema=list(header), orient="row", infer_schema_length=None)
        for chunk in chunked(rows, _FRAME_ROWS)
    ]
    # A chunk whose column is all empty infers Null; vertical_relaxed gives each column one type.
    table = pl.concat(frames, how="vertical_relaxed") if frames else pl.DataFrame(schema=list(header))
    table.write_parquet(path)
    return table.height


def _write(path: Path, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    if path.suffix == ".parquet":
        return _write_parquet(path, header, rows)
    count = 0
    with path.open("w", encoding="utf-8", newline="") as stream:
        out = csv.writer(stream)
        out.writerow(header)
        for row in rows:
            out.writerow([_cell(v) for v in row])
            count += 1
    return count


def _names(session: Session, ids: Iterable[str | None]) -> dict[str, str]:
    wanted = sorted({i for i in ids if i is not None})
    out: dict[str, str] = {}
    for start in range(0, len(wanted), CHUNK):
        rows = session.execute(sa.select(Actor.id, Actor.name).where(col(Actor.id).in_(wanted[start : start + CHUNK])))
        out.update((actor_id, name) for actor_id, name in rows)
    return out


def _chunks(session: Session, model: Any, key: Any) -> Iterator[list[Any]]:
    """All rows of a table in chunks, by keyset pagination on a unique column."""
    last = None
    while True:
        page = sa.select(model) if last is None else sa.select(model).where(key > last)
        rows = list(session.scalars(page.order_by(key).limit(CHUNK)))
        if not rows:
            return
        yield rows
        last = getattr(rows[-1], key.key)
        session.expunge_all()


# ---- files ---------------------------------------------------------------------------------------

FIRM_HEADER = (
    "firm_id", "name", "founded_on", "country", "subdivision", "city", "sector", "business_model",
    "hq_country", "hq_subdivision", "hq_city", "founders", "rounds", "closed_on",
    "exit_kind", "exit_on", "acquirer_id", "founded_seq",
)  # fmt: skip


def _firms(session: Session) -> Iterator[list[Any]]:
    for firms in _chunks(session, m.FirmFounding, m.FirmFounding.firm_id):
        ids = [f.firm_id for f in firms]
        names = _names(session, ids)
        founders: dict[str, list[str]] = {}
        for firm_id, person_id in session.execute(
            sa.select(m.Founder.firm_id, m.Founder.person_id)
            .where(col(m.Founder.firm_id).in_(ids))
            .order_by(m.Founder.since, m.Founder.event_seq, m.Founder.position)
        ):
            listed = founders.setdefault(firm_id, [])
            if person_id not in listed:
                listed.append(person_id)
        rounds: dict[str, int] = {
            firm_id: count
            for firm_id, count in session.execute(
                sa.select(m.FundingRound.firm_id, sa.func.count())
                .where(col(m.FundingRound.firm_id).in_(ids))
                .group_by(m.FundingRound.firm_id)
            )
        }
        closed: dict[str, dt.date] = {
            firm_id: on
            for firm_id, on in session.execute(
                sa.select(m.Closure.firm_id, sa.func.min(m.Closure.closed_on))
                .where(col(m.Closure.firm_id).in_(ids))
                .group_by(m.Closure.firm_id)
            )
        }
        exits: dict[str, tuple[str, dt.date, str | None]] = {}
        for firm_id, kind, on, acquirer in session.execute(
            sa.select(m.FirmExit.firm_id, m.FirmExit.kind, m.FirmExit.occurred_on, m.FirmExit.acquirer_id)
            .where(col(m.FirmExit.firm_id).in_(ids))
            .order_by(m.FirmExit.occurred_on, m.FirmExit.event_seq)
        ):
            exits.setdefault(firm_id, (kind, on, acquirer))
        moved: dict[str, tuple[str, str | None, str | None]] = {}
        for firm_id, country, subdivision, city in session.execute(
            sa.select(m.Relocation.firm_id, m.Relocation.country, m.Relocation.subdivision, m.Relocation.city)
            .where(col(m.Relocation.firm_id).in_(ids))
            .order_by(m.Relocation.occurred_on, m.Relocation.event_seq)
        ):
            moved[firm_id] = (country, subdivision, city)
        for f in firms:
            hq = moved.get(f.firm_id, (f.country, f.subdivision, f.city))
            exit_ = exits.get(f.firm_id, (None, None, None))
            yield [
                f.firm_id, names.get(f.firm_id), f.founded_on, f.country, f.subdivision, f.city, f.sector, f.business_model,
                *hq, ";".join(founders.get(f.firm_id, [])), rounds.get(f.firm_id, 0), closed.get(f.firm_id),
                *exit_, f.event_seq,
            ]  # fmt: skip


ROUND_HEADER = (
    "event_seq", "firm_id", "firm_name", "occurred_on", "round",
    "amount", "amount_currency", "amount_usd", "valuation_post", "valuation_post_currency", "valuation_post_usd",
    "investors", "lead_investors",
)  # fmt: skip


def _rounds(session: Session) -> Iterator[list[Any]]:
    for rounds in _chunks(session, m.FundingRound, m.FundingRound.event_seq):
        names = _names(session, [r.firm_id for r in rounds])
        investors: dict[int, list[tuple[str, bool | None]]] = {}
        for seq, investor, lead in session.execute(
            sa.select(m.RoundInvestor.event_seq, m.RoundInvestor.investor_id, m.RoundInvestor.lead)
            .where(col(m.RoundInvestor.event_seq).in_([r.event_seq for r in rounds]))
            .order_by(m.RoundInvestor.event_seq, m.RoundInvestor.position)
        ):
            investors.setdefault(seq, []).append((investor, lead))
        for r in rounds:
            listed = investors.get(r.event_seq, [])
            yield [
                r.event_seq, r.firm_id, names.get(r.firm_id), r.occurred_on, r.round,
                r.amount, r.amount_currency, r.amount_usd, r.valuation_post, r.valuation_post_currency, r.valuation_post_usd,
                ";".join(i for i, _ in listed), ";".join(i for i, lead in listed if lead),
            ]  # fmt: skip


ROUND_INVESTOR_HEADER = (
    "event_seq", "firm_id", "occurred_on", "round", "position", "investor_id", "investor_name",
    "amount", "amount_currency", "amount_usd", "lead",
)  # fmt: skip


def _round_investors(session: Session) -> Iterator[list[Any]]:
    for chunk in _chunks(session, m.FundingRound, m.FundingRound.event_seq):
        rounds = {r.event_seq: r for r in chunk}
        entries = list(
            session.scalars(
                sa.select(m.RoundInvestor)
                .where(col(m.RoundInvestor.event_seq).in_(list(rounds)))
                .order_by(m.RoundInvestor.event_seq, m.RoundInvestor.position)
            )
        )
        names = _names(session, [e.investor_id for e in entries])
        for e in entries:
            r = rounds[e.event_seq]
            yield [
                e.event_seq, r.firm_id, r.occurred_on, r.round, e.position, e.investor_id, names.get(e.investor_id),
                e.amount, e.amount_currency, e.amount_usd, e.lead,
            ]  # fmt: skip


EXIT_HEADER = (
    "event_seq", "firm_id", "firm_name", "kind", "occurred_on", "exchange", "acquirer_id", "acquirer_name",
    "value", "value_currency", "value_usd", "raised", "raised_currency", "raised_usd",
)  # fmt: skip


def _exits(session: Session) -> Iterator[list[Any]]:
    for exits in _chunks(session, m.FirmExit, m.FirmExit.event_seq):
        names = _names(session, [x.firm_id for x in exits] + [x.acquirer_id for x in exits])
        for x in exits:
            yield [
                x.event_seq, x.firm_id, names.get(x.firm_id), x.kind, x.occurred_on, x.exchange,
                x.acquirer_id, None if x.acquirer_id is None else names.get(x.acquirer_id),
                x.value, x.value_currency, x.value_usd, x.raised, x.raised_currency, x.raised_usd,
            ]  # fmt: skip


HOP_HEADER = (
    "source_id", "source_name", "target_id", "target_name", "via_id", "via_name", "kind", "liquidity_on", "hop_on",
    "amount_usd", "fund_id", "listed", "cause_seq", "window_years",
)  # fmt: skip


def _hops(session: Session, window_years: int) -> Iterator[list[Any]]:
    """Every hop for window W (an export is the one place hops are listed), actor by actor."""
    for hops in chunked(every_hop(Activity(session, window_years=window_years)), CHUNK):
        names = _names(session, [x for h in hops for x in (h.source_id, h.target_id, h.via_id)])
        for h in hops:
            e = h.engagement
            yield [
                h.source_id, names.get(h.source_id), e.target_id, names.get(e.target_id), e.actor_id, names.get(e.actor_id), e.kind,
                h.liquidity_on, e.on, e.amount_usd, e.fund_id, h.listed, e.cause_seq, window_years,
            ]  # fmt: skip


PART_COLUMNS = ("region_slug", "region_revision", "window_years", "year", "seq", "computed_at")


def _parts(session: Session) -> tuple[list[str], list[list[Any]]]:
    """The stored yearly parts as metric sets: one column per metric (nested ones as JSON text)."""
    rows = list(session.scalars(sa.select(MetricPart).order_by(MetricPart.region_slug, MetricPart.window_years, MetricPart.year)))
    today = dt.date.today()
    values = [metric_values([Part.from_json(r.values)], window_years=r.window_years, today=today) for r in rows]
    metrics: list[str] = []
    for v in values:
        metrics.extend(k for k in v if k not in metrics)
    header = [*PART_COLUMNS, *metrics]
    return header, [[*(getattr(r, c) for c in PART_COLUMNS), *(v.get(k) for k in metrics)] for r, v in zip(rows, values, strict=True)]


def export_tables(factory: sessionmaker[Session], directory: Path, *, format: str = "csv") -> TablesExported:
    """Write firms, rounds, round_investors, exits, hops (W = 10) and metric_parts, each as
    `<name>.csv` or `<name>.parquet` (`format`)."""
    if format not in ("csv", "parquet"):
        raise ValueError(f"unknown table format {format!r}: csv or parquet")
    directory.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}

    def write(name: str, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
        counts[f"{name}.{format}"] = _write(directory / f"{name}.{format}", header, rows)

    with read_snapshot(factory) as session:
        write("firms", FIRM_HEADER, _firms(session))
        write("rounds", ROUND_HEADER, _rounds(session))
        write("round_investors", ROUND_INVESTOR_HEADER, _round_investors(session))
        write("exits", EXIT_HEADER, _exits(session))
        write("hops", HOP_HEADER, _hops(session, HOPS_WINDOW_YEARS))
        header, part_rows = _parts(session)
        write("metric_parts", header, part_rows)
    return TablesExported(str(directory), counts)
