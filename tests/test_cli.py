"""The `loopledger` command line: the demo loads the scenarios once and compares them; the report
fits the terminal and never cuts a number; serve refuses an old schema."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from cli import report as report_view
from cli.main import DEMO_READ_KEY_FILE, DEMO_REGIONS, DEMO_SCENARIOS, EXAMPLES
from cli.main import app as cli_app
from ledger import migrate
from ledger.chains import maintain
from ledger.db import create_db_engine, make_session_factory, unit_of_work
from ledger.events import service as events_service
from ledger.keys import service as keys_service
from ledger.keys.service import Scope
from ledger.loading import load_path
from ledger.metrics import service as metrics_service

ROOT = Path(__file__).resolve().parent.parent


def _one_line(text: str) -> str:
    # rich wraps long lines at the console width; the message is what matters, not where it breaks.
    return " ".join(text.split())


@pytest.fixture
def sqlite_file_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """LOOPLEDGER_DATABASE_URL at a not-yet-existing SQLite file, run from inside tmp_path."""
    monkeypatch.chdir(tmp_path)
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("LOOPLEDGER_DATABASE_URL", url)
    monkeypatch.setenv("LOOPLEDGER_BROKER_URL", "memory://")
    return url


def _events_in(name: str) -> int:
    return len(json.loads((EXAMPLES / name).read_text(encoding="utf-8"))["events"])


def test_demo_loads_every_scenario_once_and_prints_the_comparison_and_what_to_try(sqlite_file_url: str) -> None:
    runner = CliRunner()
    counts = {name: _events_in(name) for name in DEMO_SCENARIOS}
    total = sum(counts.values())
    period = metrics_service.default_period(dt.date.today())

    first = runner.invoke(cli_app, ["demo", "--no-serve", "--port", "8123"])
    assert first.exit_code == 0, first.output
    text = _one_line(first.output)
    for name, count in counts.items():
        assert f"loaded {name}: {count} new events, 0 already present" in text
    # The background worker computed the chains before the comparison was printed.
    assert f"period: {period.start} to {period.end}" in text
    assert f"side by side, {period.start} to {period.end}" in text
    assert all(slug in text for slug in DEMO_REGIONS)
    assert "loop depth" in text and "hops between regions" in text
    assert f"the ledger holds {total} events: the next event appended gets seq {total + 1}" in text
    # The README's example says which seq a first POST gets on the demo's database.
    assert f"the ledger holds {total} events: the next event appended gets seq {total + 1}" in (ROOT / "README.md").read_text()
    read_key = Path(DEMO_READ_KEY_FILE).read_text(encoding="utf-8").strip()
    assert f"dashboard: http://127.0.0.1:8123/#key={read_key}\n" in first.output  # one line, to copy whole
    assert "loopledger report --region daejeon" in text and "loopledger keys list" in text
    assert re.search(r"curl -H 'Authorization: Bearer ll_\S+' http://127\.0\.0\.1:8123/v1/regions/daejeon/metrics\n", first.output)
    assert "…" not in first.output

    second = runner.invoke(cli_app, ["demo", "--no-serve", "--port", "8123"])
    assert second.exit_code == 0, second.output
    again = _one_line(second.output)
    assert all(f"loaded {name}: 0 new events, {count} already present" in again for name, count in counts.items())
    assert f"the next event appended gets seq {total + 1}" in again
    assert f"dashboard: http://127.0.0.1:8123/#key={read_key}\n" in second.output  # the same key, not a new one

    engine = create_db_engine(sqlite_file_url)
    try:
        with make_session_factory(engine)() as session:
            assert events_service.head_seq(session) == total
            assert maintain.lag(session) == 0
            caller = keys_service.authenticate(session, key=read_key)
            assert caller is not None and caller.scope is Scope.read
    finally:
        engine.dispose()


# ---- loopledger report ---------------------------------------------------------------------------

EVERY_REGION = ["--region", DEMO_REGIONS[0], *(arg for slug in DEMO_REGIONS[1:] for arg in ("--compare", slug))]


@pytest.fixture
def demo_ledger(sqlite_file_url: str) -> Iterator[str]:
    """Every demo scenario loaded and its chains computed, as after `loopledger demo`."""
    engine = create_db_engine(sqlite_file_url)
    migrate.upgrade(engine)
    factory = make_session_factory(engine)
    for name in DEMO_SCENARIOS:
        load_path(factory, EXAMPLES / name)
    with unit_of_work(factory) as session:
        maintain.catch_up(session)
    engine.dispose()
    yield sqlite_file_url


def _cells(output: str) -> set[str]:
    return {part.strip() for line in output.splitlines() for part in re.split("[│┃]", line)}


def _expected_cells(report: dict[str, Any]) -> set[str]:
    """Every number the report must show, formatted as it shows them."""
    period = report["period"]
    wanted = {report_view.cell(period["metrics"][slug][key], kind) for slug in period["regions"] for key, _h, kind in report_view.COLUMNS}
    wanted |= {str(n) for row in period["hop_flows"].values() for n in row.values()}
    for years in report["series"].values():
        for row in years:
            wanted |= {row["from"][:4]} | {
                report_view.cell(row[key], kind) for key, _h, kind in report_view.COLUMNS if key in report_view.YEARLY
            }
    return wanted


def test_report_at_80_columns_stacks_tables_and_shows_every_number_in_full(demo_ledger: str, tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    result = CliRunner().invoke(cli_app, ["report", *EVERY_REGION, "--json", str(out)], env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    assert "…" not in result.output
    assert max(len(line) for line in result.output.splitlines()) <= 80
    report = json.loads(out.read_text(encoding="utf-8"))
    assert _expected_cells(report) <= _cells(result.output)
    assert "100%" in _cells(result.output) and "founded" in _cells(result.output)  # once shown as `10…` and `fou…`
    # The one default period: the whole history to the end of this year; the yearly tables
    # begin at each region's first active year instead of 1900.
    period = metrics_service.default_period(dt.date.today())
    assert (report["period"]["from"], report["period"]["to"]) == (period.start.isoformat(), period.end.isoformat())
    assert all(int(years[0]["from"][:4]) > period.start.year for years in report["series"].values())


def test_report_into_a_pipe_is_never_truncated(demo_ledger: str, tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    cmd = [sys.executable, "-m", "cli.main", "report", *EVERY_REGION, "--from", "1990", "--to", "2024", "--json", str(out)]
    # No terminal on any standard stream: what `loopledger report | less` or `> file` sees.
    done = subprocess.run(cmd, cwd=ROOT, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert "…" not in done.stdout
    report = json.loads(out.read_text(encoding="utf-8"))
    assert (report["period"]["from"], report["period"]["to"]) == ("1990-01-01", "2024-12-31")
    assert _expected_cells(report) <= _cells(done.stdout)


def test_serve_refuses_an_unmigrated_database(sqlite_file_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    started: list[tuple[Any, ...]] = []
    monkeypatch.setattr("uvicorn.run", lambda *args, **kwargs: started.append(args))  # a regression must not hang here

    result = CliRunner().invoke(cli_app, ["serve"])
    assert started == []
    assert result.exit_code == 2, result.output
    assert "run `loopledger db upgrade`" in _one_line(result.output)


FOUNDED = {"type": "firm.founded", "occurred_on": "2001-01-01", "data": {"firm": {"id": "a", "name": "A"}}}


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (json.dumps({"events": [FOUNDED, {**FOUNDED, "occurred_on": "2001-02-30"}]}), "events.1.occurred_on: not a calendar date"),
        (
            json.dumps(
                {"events": [FOUNDED, {"type": "funding.round", "occurred_on": "2001-02-03", "data": {"firm": "b", "round": "seed"}}]}
            ),
            "events.1.data.firm: unknown actor 'b'",
        ),
        (json.dumps({"events": [FOUNDED, {"type": "firm.merged", "occurred_on": "2001-02-03", "data": {}}]}), "events.1.type"),
        ('{"events": [', "document: not valid JSON at line 1 column 13"),
        (
            json.dumps({"regions": {"dj": {"name": "DJ", "members": [{"country": "XX"}]}}, "events": [FOUNDED]}),
            "regions.dj.members.0.country: unknown ISO 3166-1 country code",
        ),
    ],
    ids=["bad-date", "unknown-actor", "unknown-type", "malformed-json", "bad-region"],
)
def test_load_rejects_a_bad_document_in_one_line_and_writes_nothing(
    sqlite_file_url: str, tmp_path: Path, content: str, expected: str
) -> None:
    assert CliRunner().invoke(cli_app, ["db", "upgrade"]).exit_code == 0
    document = tmp_path / "events.json"
    document.write_text(content, encoding="utf-8")
    result = CliRunner().invoke(cli_app, ["load", str(document)])
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    first = result.output.splitlines()[0]
    assert first.startswith(f"{document}: ") and expected in first, result.output
    engine = create_db_engine(sqlite_file_url)
    try:
        with make_session_factory(engine)() as session:
            assert events_service.head_seq(session) == 0
    finally:
        engine.dispose()
