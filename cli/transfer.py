"""`loopledger import crunchbase|events` and `loopledger export`: bulk data in and out."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn, TimeRemainingColumn
from rich.table import Table
from sqlalchemy.orm import Session, sessionmaker

from ledger.config import Settings
from ledger.db import create_db_engine, make_session_factory, unit_of_work
from ledger.errors import LedgerError
from ledger.events import service as events_service
from ledger.importers import progress as import_progress

import_app = typer.Typer(help="Load data into the ledger (idempotent: re-running adds nothing).", no_args_is_help=True)
console = Console()
err = Console(stderr=True)

_STAGES = {
    "counting": "counting bytes",
    "reading": "reading rows",
    "founding": "founding firms",
    "writing": "writing events",
    "registering": "registering actors",
}


class ExportFormat(StrEnum):
    jsonl = "jsonl"
    csv = "csv"
    parquet = "parquet"


def _factory(settings: Settings) -> sessionmaker[Session]:
    from cli.main import _require_schema

    _require_schema(settings)
    return make_session_factory(create_db_engine(settings.database_url))


@contextmanager
def _bar() -> Iterator[import_progress.ProgressCallback]:
    """A rich progress bar per stage with rows/s and ETA (plain lines when not on a terminal)."""
    columns = (
        TextColumn("{task.description:<15}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[rate]:>10}"),
        TimeElapsedColumn(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
    )
    tasks: dict[str, TaskID] = {}
    with Progress(*columns, console=err, transient=False) as bar:

        def report(p: import_progress.Progress) -> None:
            if p.stage not in tasks:
                tasks[p.stage] = bar.add_task(_STAGES.get(p.stage, p.stage), total=p.total, rate="")
            bar.update(tasks[p.stage], completed=p.done, total=p.total, rate=f"{p.per_second:,.0f} {p.unit}/s")

        yield report


def _catch_up(settings: Settings, factory: sessionmaker[Session]) -> None:
    """Like the API after an append: claim the dispatch flag, then enqueue one catch-up."""
    from workers.app import create_celery
    from workers.dispatch import Dispatcher

    with unit_of_work(factory) as session:
        claimed = events_service.claim_dispatch(session)
    if claimed:
        Dispatcher(create_celery(settings), factory, settings).catch_up_soon()


@import_app.command("crunchbase")
def import_crunchbase_command(
    directory: Annotated[Path, typer.Argument(exists=True, help="export directory or .zip (bulk export or 2015 public export)")],
    rejects: Annotated[Path | None, typer.Option("--rejects", help="write rows that could not be imported here (CSV)")] = None,
    batch_size: Annotated[int, typer.Option(min=1, max=10_000, help="events per atomic batch")] = 2000,
) -> None:
    """Import a Crunchbase CSV export; re-importing adds nothing, a newer export adds what is new."""
    from ledger.importers.crunchbase import import_crunchbase

    settings = Settings()
    factory = _factory(settings)
    try:
        with _bar() as report:
            summary = import_crunchbase(
                factory,
                directory,
                rejects_path=rejects,
                progress=report,
                batch_size=batch_size,
                future_tolerance_days=settings.future_tolerance_days,
            )
    except LedgerError as exc:
        err.print(f"[red]import stopped, nothing from the failing file was written:[/] {exc}")
        raise typer.Exit(1) from None
    files = Table(title=f"{summary.layout}: {summary.total_rows} rows in {summary.seconds:.1f} s")
    for column in ("file", "rows", "in the ledger", "rejected", "repeated", "skipped"):
        files.add_column(column, justify="left" if column == "file" else "right")
    for name, counts in summary.files.items():
        files.add_row(name, *(str(counts[key]) for key in ("rows", "in_ledger", "rejected", "collapsed", "skipped")))
    console.print(files)
    table = Table(title="events")
    table.add_column("what")
    table.add_column("count", justify="right")
    for what, count in (
        ("new events", summary.new),
        ("already in the ledger", summary.duplicates),
        ("corrected (row changed)", summary.corrected),
        ("actors registered", summary.registered),
        ("  of them named by no event", summary.unnamed_actors),
        ("rows partly imported", summary.partial),
    ):
        table.add_row(what, str(count))
    console.print(table)
    if summary.rejected or summary.partial:
        where = f"see {rejects}" if rejects else "pass --rejects FILE to see them"
        console.print(f"{summary.rejected} rows rejected, {summary.partial} partly imported: {where}")
    if summary.new or summary.corrected:
        _catch_up(settings, factory)


@import_app.command("events")
def import_events_command(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="events.jsonl written by `loopledger export --format jsonl`")],
    regions: Annotated[Path | None, typer.Option("--regions", exists=True, dir_okay=False, help="regions.json written beside it")] = None,
) -> None:
    """Append an exported event log (JSON Lines) in its order; replays are no-ops."""
    from ledger.importers.eventlog import import_jsonl

    settings = Settings()
    factory = _factory(settings)
    try:
        with _bar() as report:
            done = import_jsonl(factory, file, regions_path=regions, progress=report, future_tolerance_days=settings.future_tolerance_days)
    except LedgerError as exc:
        err.print(f"[red]import stopped:[/] {exc}")
        raise typer.Exit(1) from None
    console.print(
        f"{file.name}: {done.new} new events, {done.duplicates} already in the ledger, {done.regions} regions ({done.seconds:.1f} s)"
    )
    if done.new:
        _catch_up(settings, factory)


def export(
    directory: Annotated[Path, typer.Argument(file_okay=False, help="directory to write into (created if missing)")],
    format: Annotated[
        ExportFormat, typer.Option("--format", help="jsonl: the replayable event log; csv or parquet: analyst tables")
    ] = ExportFormat.jsonl,
) -> None:
    """Export the event log (jsonl, replayable) or firms, rounds, exits, hops and metrics (csv, parquet)."""
    from ledger.importers import eventlog, tables

    factory = _factory(Settings())
    if format == ExportFormat.jsonl:
        done = eventlog.export_jsonl(factory, directory)
        console.print(f"wrote {done.events} events to {done.events_path} and {done.regions} regions to {done.regions_path}")
        console.print(f"replay with: loopledger import events {done.events_path} --regions {done.regions_path}")
        return
    written = tables.export_tables(factory, directory, format=format.value)
    for name, rows in written.rows.items():
        console.print(f"wrote {directory / name}: {rows} rows")
