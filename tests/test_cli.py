"""The `loopledger` command line: the demo loads the scenarios once and compares them; serve refuses an old schema."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from cli.main import app as cli_app
from ledger.chains import maintain
from ledger.db import create_db_engine, make_session_factory
from ledger.events import service as events_service


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


def test_demo_loads_both_scenarios_once_and_prints_the_comparison(sqlite_file_url: str) -> None:
    runner = CliRunner()

    first = runner.invoke(cli_app, ["demo", "--no-serve"])
    assert first.exit_code == 0, first.output
    text = _one_line(first.output)
    assert "loaded daejeon.json: 296 new events, 0 already present" in text
    assert "loaded bhcr.json: 256 new events, 0 already present" in text
    # The background worker computed the chains before the comparison was printed.
    assert "side by side" in text and "daejeon" in text and "bhcr" in text
    assert "loop depth" in text and "hops between regions" in text

    second = runner.invoke(cli_app, ["demo", "--no-serve"])
    assert second.exit_code == 0, second.output
    assert "loaded daejeon.json: 0 new events, 296 already present" in _one_line(second.output)

    engine = create_db_engine(sqlite_file_url)
    try:
        with make_session_factory(engine)() as session:
            assert events_service.head_seq(session) == 296 + 256
            assert maintain.lag(session) == 0
    finally:
        engine.dispose()


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
