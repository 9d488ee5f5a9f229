"""The `loopledger` command line."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table
from sqlalchemy.orm import Session, sessionmaker

from cli import keys, transfer
from ledger import migrate
from ledger.config import Settings
from ledger.db import create_db_engine, make_session_factory, read_snapshot, unit_of_work
from ledger.errors import LedgerError

app = typer.Typer(help="loopledger: venture lifecycles, recycling chains, regional loop metrics.", no_args_is_help=True)
db_app = typer.Typer(help="Database schema (Alembic migrations).", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(transfer.import_app, name="import")
app.add_typer(keys.keys_app, name="keys")
app.command("export")(transfer.export)
console = Console()
err = Console(stderr=True)


@app.callback()
def _quiet_engine() -> None:
    """A one-shot command prints its own results: the engine's info lines (a core read, a
    refresh) would interleave with them, so only warnings are logged (`serve` and `worker`
    configure their own logging)."""
    from ledger.logs import configure_logging

    configure_logging("warning")


EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
DEMO_SCENARIOS = ("daejeon.json", "bhcr.json", "osong.json", "boston.json", "cambridge-uk.json", "medicon-valley.json")
# The regions the demo sets side by side, neighbours together (all are defined by every scenario file).
DEMO_REGIONS = ("daejeon", "chungbuk", "seoul", "bhcr", "boston", "cambridge-uk", "london", "medicon-valley")
# Beside the demo database (the working directory), readable by its owner only.
DEMO_KEY_FILE = ".loopledger-demo-key"
DEMO_READ_KEY_FILE = ".loopledger-demo-read-key"


@db_app.command("upgrade")
def db_upgrade(revision: Annotated[str, typer.Argument(help="target revision")] = "head") -> None:
    """Apply migrations up to REVISION (default: head)."""
    settings = Settings()
    engine = create_db_engine(settings.database_url)
    migrate.upgrade(engine, revision)
    console.print(f"schema at [bold]{migrate.current_revision(engine)}[/] ({_safe_url(settings.database_url)})")


@db_app.command("current")
def db_current() -> None:
    """Print the schema revision of the configured database and the head revision."""
    engine = create_db_engine(Settings().database_url)
    console.print(f"current: {migrate.current_revision(engine)}  head: {migrate.head_revision()}")


def _safe_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def _require_schema(settings: Settings) -> None:
    engine = create_db_engine(settings.database_url)
    current, head = migrate.current_revision(engine), migrate.head_revision()
    engine.dispose()
    if current != head:
        err.print(f"[red]database schema is at {current}, head is {head}[/]: run `loopledger db upgrade` first")
        raise typer.Exit(2)


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="interface to bind")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port")] = 8000,
    workers: Annotated[int, typer.Option(help="server processes")] = 1,
) -> None:
    """Serve the HTTP API."""
    import uvicorn

    from ledger.logs import configure_logging

    settings = Settings()
    _require_schema(settings)
    console.print(f"serving on http://{host}:{port} (database {_safe_url(settings.database_url)}); Ctrl-C stops")
    configure_logging(settings.log_level)
    uvicorn.run(
        "api.app:app_from_env",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level=settings.log_level,
        # Logging is JSON (ledger/logs.py), and the API logs each request itself with its id,
        # route and duration (api/observability.py), so uvicorn's own setup and access lines are off.
        log_config=None,
        access_log=False,
        # With several processes uvicorn kills a worker that misses a 5 s health ping; a worker
        # busy with a long answer (a hub firm's chain on a big ledger) can miss it and be killed
        # mid-request. A hung worker is still replaced, after a minute.
        timeout_worker_healthcheck=60,
    )


@app.command()
def rebuild() -> None:
    """Drop all projections and replay them from the event log."""
    from ledger.projections.rebuild import rebuild as replay

    settings = Settings()
    _require_schema(settings)
    factory = make_session_factory(create_db_engine(settings.database_url))
    with Progress(TextColumn("replaying"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(), console=err, transient=False) as bar:
        task = bar.add_task("replay", total=None)

        def report(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        with unit_of_work(factory) as session:
            count = replay(session, progress=report)
    console.print(f"rebuilt projections from {count} events")


@app.command()
def verify() -> None:
    """Check the event log: every body against its hash, the hash chain, gap-free seq, the head, the watermarks."""
    from ledger.events import integrity

    settings = Settings()
    _require_schema(settings)
    engine = create_db_engine(settings.database_url)
    try:
        # On a terminal only: a log file or a pipe gets the verdict alone.
        columns = (TextColumn("verifying"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
        bar = Progress(*columns, console=err, transient=True, disable=not err.is_terminal)
        with bar, read_snapshot(make_session_factory(engine)) as session:
            task = bar.add_task("verify", total=None)

            def report(done: int, total: int) -> None:
                bar.update(task, completed=done, total=total)

            result = integrity.verify(session, progress=report)
    finally:
        engine.dispose()
    if result.problem is not None:
        err.print(result.problem, markup=False, highlight=False, soft_wrap=True)
        raise typer.Exit(1)
    console.print(f"ok, {result.events} events", highlight=False)


@app.command()
def worker(
    pool: Annotated[str, typer.Option(help="prefork (enforces import time limits), solo (one task at a time) or threads")] = "prefork",
    concurrency: Annotated[int, typer.Option(help="processes or threads for prefork/threads")] = 2,
    queues: Annotated[str, typer.Option(help="comma-separated queues: celery (catch-ups, recomputes), imports")] = "celery,imports",
    beat: Annotated[bool, typer.Option("--beat/--no-beat", help="also run the periodic sweep in this process")] = False,
) -> None:
    """Start a Celery worker on the configured broker (LOOPLEDGER_BROKER_URL).

    By default it takes catch-ups and imports with two processes; imports run one at a time, so
    one process stays free for catch-ups while an import runs."""
    from workers.app import IMPORTS_QUEUE
    from workers.app import app as celery_app

    settings = Settings()
    _require_schema(settings)
    if pool != "prefork" and IMPORTS_QUEUE in queues.split(","):
        # Celery enforces time limits in prefork pool processes only.
        err.print(f"[yellow]imports on a {pool} pool run without their time limit (LOOPLEDGER_IMPORT_TIME_LIMIT_SECONDS)[/]")
    argv = ["worker", f"--pool={pool}", f"--concurrency={concurrency}", f"--queues={queues}", f"--loglevel={settings.log_level.upper()}"]
    if beat:
        argv += ["--beat", f"--schedule={_beat_schedule_path()}"]
    celery_app.worker_main(argv)


@app.command("beat")
def beat_command() -> None:
    """Start the scheduler that enqueues the periodic sweep (one per deployment)."""
    from workers.app import app as celery_app

    settings = Settings()
    celery_app.start(["beat", f"--loglevel={settings.log_level.upper()}", f"--schedule={_beat_schedule_path()}"])


def _beat_schedule_path() -> str:
    import tempfile

    return str(Path(tempfile.gettempdir()) / "loopledger-beat-schedule")


def _load(path: Path, settings: Settings) -> None:
    from ledger.loading import load_path
    from workers.app import create_celery
    from workers.dispatch import Dispatcher

    factory = make_session_factory(create_db_engine(settings.database_url))
    loaded = load_path(factory, path, future_tolerance_days=settings.future_tolerance_days)
    console.print(f"{path.name}: {loaded.new} new events, {loaded.duplicates} already in the ledger, {loaded.regions} regions")
    if loaded.new:
        Dispatcher(create_celery(settings), factory, settings).catch_up_soon()


@app.command()
def load(path: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="JSON file with an events list")]) -> None:
    """Append the events of a JSON file (atomic per batch of 10,000; replays are no-ops)."""
    settings = Settings()
    _require_schema(settings)
    try:
        _load(path, settings)
    except LedgerError as exc:
        err.print(f"{path}: {_first_problem(exc)}", markup=False, highlight=False, soft_wrap=True)
        err.print("nothing from the failing batch of 10,000 events was written", style="red")
        raise typer.Exit(1) from None


def _first_problem(exc: LedgerError) -> str:
    """One line naming where (event index, field) and why; how many more problems there are."""
    first = exc.errors[0]
    where = ".".join(map(str, first.loc)) or "document"
    more = len(exc.errors) - 1
    return f"{where}: {first.msg}" + (f" (and {more} more problem{'s' * (more > 1)})" if more else "")


@app.command()
def report(
    region: Annotated[str, typer.Option(help="region slug")],
    compare: Annotated[list[str] | None, typer.Option("--compare", help="another region to set beside it (repeatable)")] = None,
    from_year: Annotated[
        int | None, typer.Option("--from", help="first year [default: the default period's; yearly tables from the first active year]")
    ] = None,
    to_year: Annotated[int | None, typer.Option("--to", help="last year [default: the default period's, this year]")] = None,
    window_years: Annotated[int, typer.Option("--window-years", min=1, max=50, help="reinvestment window W")] = 10,
    csv_path: Annotated[Path | None, typer.Option("--csv", help="also write one row per region and year here")] = None,
    json_path: Annotated[Path | None, typer.Option("--json", help="also write the whole report here")] = None,
) -> None:
    """Print regional loop metrics per year and side by side (computed if not stored yet), fitted to the terminal width."""
    from cli import report as report_view

    settings = Settings()
    _require_schema(settings)
    factory = make_session_factory(create_db_engine(settings.database_url))
    regions = [region, *(compare or [])]
    try:
        built = report_view.build(factory, regions=regions, from_year=from_year, to_year=to_year, window_years=window_years)
    except LedgerError as exc:
        err.print(f"[red]{exc}[/]")
        raise typer.Exit(1) from None
    report_view.render(console, built)
    if csv_path is not None:
        report_view.write_csv(csv_path, built)
        console.print(f"wrote {csv_path}")
    if json_path is not None:
        report_view.write_json(json_path, built)
        console.print(f"wrote {json_path}")


@app.command()
def demo(
    host: Annotated[str, typer.Option(help="interface to bind")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port")] = 8000,
    serve_api: Annotated[bool, typer.Option("--serve/--no-serve", help="keep serving the API afterwards")] = True,
) -> None:
    """Migrate, load the built-in scenarios, let a worker compute, print the comparison, keep serving."""
    from cli import report as report_view
    from ledger.events import service as events_service
    from ledger.keys.service import Scope
    from ledger.loading import load_path
    from ledger.metrics import service as metrics_service

    settings = Settings()
    engine = create_db_engine(settings.database_url)
    migrate.upgrade(engine)
    factory = make_session_factory(engine)
    for name in DEMO_SCENARIOS:
        loaded = load_path(factory, EXAMPLES / name, future_tolerance_days=settings.future_tolerance_days)
        console.print(f"loaded {name}: {loaded.new} new events, {loaded.duplicates} already present")
    with factory() as session:
        head = events_service.head_seq(session)
    key, created = keys.demo_key(factory, Path(DEMO_KEY_FILE))
    read_key, read_created = keys.demo_key(factory, Path(DEMO_READ_KEY_FILE), name=keys.DEMO_READ_KEY_NAME, scope=Scope.read)
    worker_process = _spawn_worker(settings)
    try:
        _wait_until_computed(factory, worker_process)
        _print_summary(settings)
        period = metrics_service.default_period(dt.date.today())
        console.print(f"period: {period.start} to {period.end} (the default period: the whole history)")
        built = report_view.build(factory, regions=DEMO_REGIONS, window_years=metrics_service.DEFAULT_WINDOW, yearly=False)
        report_view.render(console, built)
        base = f"http://{host}:{port}"
        admin_note, read_note = ("new" if new else "from an earlier run" for new in (created, read_created))
        console.print(f"the ledger holds {head} events: the next event appended gets seq {head + 1}", highlight=False)
        console.print(f"admin API key in {DEMO_KEY_FILE} ({admin_note}, mode 0600)", highlight=False)
        console.print(f"read-only API key in {DEMO_READ_KEY_FILE} ({read_note}, mode 0600)", highlight=False)
        # Whole lines, never wrapped: they are meant to be copied.
        console.print(f"dashboard: {base}/#key={read_key}", soft_wrap=True, highlight=False)
        console.print("next, try:", highlight=False)
        for line in (
            "loopledger report --region daejeon --compare chungbuk --compare seoul",
            f"curl -H 'Authorization: Bearer {key}' {base}/v1/regions/daejeon/metrics",
            "loopledger keys list",
        ):
            console.print(f"  {line}", soft_wrap=True, highlight=False)
        if serve_api:
            serve(host=host, port=port, workers=1)
    finally:
        worker_process.terminate()
        try:
            worker_process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            worker_process.kill()


def _spawn_worker(settings: Settings) -> subprocess.Popen[bytes]:
    """A background worker (with the periodic sweep) using the configured broker and database."""
    log = Path(tempfile.gettempdir()) / "loopledger-demo-worker.log"
    console.print(f"starting a background worker (log: {log})")
    argv = [sys.executable, "-m", "cli.main", "worker", "--beat"]
    if settings.broker_url.startswith("memory://"):
        # A memory:// broker lives inside one process: prefork pool processes would publish the
        # catch-ups a sweep enqueues into their own copies, and the main process never sees them.
        argv.append("--pool=solo")
    with log.open("ab") as sink:
        return subprocess.Popen(argv, stdout=sink, stderr=subprocess.STDOUT)


def _wait_until_computed(factory: sessionmaker[Session], worker_process: subprocess.Popen[bytes], timeout: float = 120) -> None:
    from ledger.chains import maintain

    deadline = time.monotonic() + timeout
    with console.status("background worker computing recycling chains...") as status:
        while True:
            with factory() as session:
                lag = maintain.lag(session)
            if lag <= 0:
                return
            if worker_process.poll() is not None:
                err.print("[red]the background worker exited[/]; see its log")
                raise typer.Exit(1)
            if time.monotonic() > deadline:
                err.print(f"[red]the worker has not caught up after {timeout:.0f} s ({lag} events behind)[/]")
                raise typer.Exit(1)
            status.update(f"background worker computing recycling chains... {lag} events to go")
            time.sleep(0.2)


def _print_summary(settings: Settings) -> None:
    import sqlalchemy as sa

    from ledger.actors.models import Actor
    from ledger.events import service as events_service
    from ledger.projections import models as m

    factory = make_session_factory(create_db_engine(settings.database_url))
    with factory() as session:
        table = Table(title="ledger contents")
        table.add_column("what")
        table.add_column("count", justify="right")
        rows = [
            ("events (log head seq)", events_service.head_seq(session)),
            ("actors", session.scalar(sa.select(sa.func.count()).select_from(Actor))),
            ("firms founded", session.scalar(sa.select(sa.func.count()).select_from(m.FirmFounding))),
            ("funding rounds", session.scalar(sa.select(sa.func.count()).select_from(m.FundingRound))),
            ("exits", session.scalar(sa.select(sa.func.count()).select_from(m.FirmExit))),
            ("licensing deals", session.scalar(sa.select(sa.func.count()).select_from(m.LicenseDeal))),
        ]
        for what, count in rows:
            table.add_row(what, str(count))
    console.print(table)


def main() -> None:  # pragma: no cover - console entry
    """The `loopledger` command: a process of its own, so the collector is set for bulk work
    (ledger.runtime); tests run `app` in their own process and keep Python's defaults."""
    from ledger import runtime

    runtime.settle_heap()
    sys.exit(app())


if __name__ == "__main__":
    main()
