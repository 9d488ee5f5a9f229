"""`loopledger report`: metric tables per year and side by side, with CSV/JSON output."""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table
from sqlalchemy.orm import Session, sessionmaker

from ledger.metrics import service as metrics_service
from ledger.metrics.regional import Period

# (key, heading, kind) in the order analysts read them.
COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("firms_founded", "founded", "count"),
    ("active_firms", "active", "count"),
    ("exits", "exits", "count"),
    ("exit_value_usd", "exit value $M", "money"),
    ("liquidity_actors", "liquidity actors", "count"),
    ("recycling_rate", "recycling", "share"),
    ("local_recycling_rate", "local recycling", "share"),
    ("median_reinvestment_lag_days", "median lag (days)", "number"),
    ("funding_usd", "funding $M", "money"),
    ("recycled_funding_share", "recycled funding", "share"),
    ("local_funding_share", "local funding", "share"),
    ("serial_founder_share", "serial founders", "share"),
    ("retention_rate", "retention", "share"),
    ("loop_depth", "loop depth", "count"),
    ("local_hops", "local hops", "count"),
    ("hops_in", "hops in", "count"),
    ("hops_out", "hops out", "count"),
    ("employment", "employment", "count"),
    ("large_firms", "500+ firms", "count"),
    ("licensing_deals", "licensing deals", "count"),
    ("licensing_value_usd", "licensing $M", "money"),
)


# The yearly tables keep to what fits a terminal; the side-by-side table shows every column.
YEARLY = ("firms_founded", "exits", "exit_value_usd", "liquidity_actors", "recycling_rate", "local_recycling_rate",
          "funding_usd", "recycled_funding_share", "local_funding_share", "local_hops", "employment")  # fmt: skip
SHORT = {"liquidity_actors": "liq. actors", "local_recycling_rate": "local recyc.", "recycled_funding_share": "recycled $",
         "local_funding_share": "local $", "exit_value_usd": "exits $M", "funding_usd": "funding $M"}  # fmt: skip


def cell(value: Any, kind: str) -> str:
    if value is None:
        return "-"
    if kind == "share":
        return f"{float(value):.0%}"
    if kind == "money":
        return f"{float(value) / 1e6:,.1f}"
    if kind == "number":
        return f"{float(value):,.1f}"
    return f"{value:,}" if isinstance(value, int) else str(value)


def build(
    factory: sessionmaker[Session], *, regions: Sequence[str], from_year: int, to_year: int, window_years: int, yearly: bool = True
) -> dict[str, Any]:
    """Everything the report shows: yearly series per region (if wanted) and the period side by side."""
    period = Period(dt.date(from_year, 1, 1), dt.date(to_year, 12, 31))
    series = {
        slug: metrics_service.series(factory, slug=slug, from_year=from_year, to_year=to_year, window_years=window_years)["years"]
        for slug in (regions if yearly else ())
    }
    compared = metrics_service.compare(factory, slugs=list(regions), period=period, window_years=window_years)
    return {"from_year": from_year, "to_year": to_year, "window_years": window_years, "series": series, "period": compared}


def render(console: Console, report: dict[str, Any]) -> None:
    for slug, years in report["series"].items():
        table = Table(title=f"{slug}: metrics per year (window {report['window_years']} years)", header_style="bold")
        columns = [c for c in COLUMNS if c[0] in YEARLY]
        table.add_column("year")
        for key, heading, _kind in columns:
            table.add_column(SHORT.get(key, heading), justify="right")
        for row in years:
            if all(not row[key] for key, _h, kind in COLUMNS if kind in ("count", "money")):
                continue  # a year with no activity at all adds nothing to read
            table.add_row(row["from"][:4], *(cell(row[key], kind) for key, _h, kind in columns))
        console.print(table)
    period = report["period"]
    side = Table(title=f"side by side, {period['from']} to {period['to']}", header_style="bold")
    side.add_column("metric")
    for slug in period["regions"]:
        side.add_column(slug, justify="right")
    for key, heading, kind in COLUMNS:
        side.add_row(heading, *(cell(period["metrics"][slug][key], kind) for slug in period["regions"]))
    console.print(side)
    if len(period["regions"]) > 1:
        flows = Table(title="hops between regions (row: from, column: to)", header_style="bold")
        flows.add_column("from \\ to")
        for slug in period["regions"]:
            flows.add_column(slug, justify="right")
        for source in period["regions"]:
            flows.add_row(source, *(str(period["hop_flows"][source][target]) for target in period["regions"]))
        console.print(flows)


def write_csv(path: Path, report: dict[str, Any]) -> None:
    """One row per region and year, every metric a column (objects as JSON text)."""
    rows = [row for years in report["series"].values() for row in years]
    if not rows:
        path.write_text("")
        return
    fields = list(rows[0].keys())
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields)
        writer.writeheader()
        for row in rows:
            writer.writerow({k: json.dumps(v) if isinstance(v, dict | list) else v for k, v in row.items()})


def write_json(path: Path, report: dict[str, Any]) -> None:
    path.write_text(json.dumps(report, indent=2, default=str), encoding="utf-8")
