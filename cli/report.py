"""`loopledger report`: metric tables per year and side by side, with CSV/JSON output.

Tables are split into stacked parts whose columns fit the console width, so a number is never
cut to `10…` on an 80-column terminal; a pipe or a file gets the same layout at rich's width.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from rich.cells import cell_len
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


# The yearly tables show the metrics that change year by year; the side-by-side table shows all.
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


def _active(row: dict[str, Any]) -> bool:
    """Whether anything was counted or paid in this set (a year without activity adds nothing to read)."""
    # Money comes as decimal text, and "0.00" is a true string.
    return any(float(row[key] or 0) for key, _h, kind in COLUMNS if kind in ("count", "money"))


def build(
    factory: sessionmaker[Session],
    *,
    regions: Sequence[str],
    from_year: int | None = None,
    to_year: int | None = None,
    window_years: int,
    yearly: bool = True,
    today: dt.date | None = None,
) -> dict[str, Any]:
    """Everything the report shows: yearly series per region (if wanted) and the period side by side.

    Years not given come from the one default period (metrics_service.default_period); then the
    yearly series start at the first year with activity instead of listing empty decades."""
    default = metrics_service.default_period(today or dt.date.today())
    first, last = from_year or default.start.year, to_year or default.end.year
    period = Period(dt.date(first, 1, 1), dt.date(last, 12, 31))
    series = {}
    for slug in regions if yearly else ():
        years = metrics_service.series(factory, slug=slug, from_year=first, to_year=last, window_years=window_years)["years"]
        if from_year is None:
            start = next((i for i, row in enumerate(years) if _active(row)), len(years))
            years = years[start:]
        series[slug] = years
    compared = metrics_service.compare(factory, slugs=list(regions), period=period, window_years=window_years)
    return {"from_year": first, "to_year": last, "window_years": window_years, "series": series, "period": compared}


def render(console: Console, report: dict[str, Any]) -> None:
    for slug, years in report["series"].items():
        metrics = [c for c in COLUMNS if c[0] in YEARLY]
        active = [row for row in years if _active(row)]
        print_fitted(
            console,
            title=f"{slug}: metrics per year (window {report['window_years']} years)",
            corner="year",
            labels=[row["from"][:4] for row in active],
            columns=[(SHORT.get(key, heading), [cell(row[key], kind) for row in active]) for key, heading, kind in metrics],
        )
    period = report["period"]
    regions = period["regions"]
    print_fitted(
        console,
        title=f"side by side, {period['from']} to {period['to']}",
        corner="metric",
        labels=[heading for _key, heading, _kind in COLUMNS],
        columns=[(slug, [cell(period["metrics"][slug][key], kind) for key, _h, kind in COLUMNS]) for slug in regions],
    )
    if len(regions) > 1:
        print_fitted(
            console,
            title="hops between regions (row: from, column: to)",
            corner="from \\ to",
            labels=list(regions),
            columns=[(target, [str(period["hop_flows"][source][target]) for source in regions]) for target in regions],
        )


# A rich table with the default box spends one border character per column plus one, and one
# space of padding on each side of every cell.
_EDGE, _PER_COLUMN = 1, 3


def print_fitted(console: Console, *, title: str, corner: str, labels: list[str], columns: list[tuple[str, list[str]]]) -> None:
    """One table, or several stacked ones with the label column repeated, each as wide as the
    console at most: columns are moved to the next table instead of being squeezed."""
    label_width = max(map(cell_len, [corner, *labels]))
    room = console.width - _EDGE - (label_width + _PER_COLUMN)
    parts: list[list[tuple[str, list[str]]]] = [[]]
    used = 0
    for heading, values in columns:
        width = max(map(cell_len, [heading, *values])) + _PER_COLUMN
        if parts[-1] and used + width > room:
            parts.append([])
            used = 0
        parts[-1].append((heading, values))
        used += width
    for n, part in enumerate(parts, start=1):
        suffix = f" ({n} of {len(parts)})" if len(parts) > 1 else ""
        # fold, not the default ellipsis: on a console too narrow for even one column a number
        # wraps onto a second line instead of losing its digits.
        table = Table(title=title + suffix, header_style="bold")
        table.add_column(corner, overflow="fold")
        for heading, _values in part:
            table.add_column(heading, justify="right", overflow="fold")
        for i, label in enumerate(labels):
            table.add_row(label, *(values[i] for _heading, values in part))
        console.print(table)


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
