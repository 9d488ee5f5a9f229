"""`loopledger verify`: `ok, N events` and exit 0 on an intact ledger, the first bad seq and exit 1 otherwise."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from cli.main import app as cli_app
from ledger.loading import load_document
from tests.ledger.tamper import delete_event, set_data, stored_data, tampering


@pytest.fixture
def configured(database_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """The CLI reads its database from the environment, as in production."""
    monkeypatch.setenv("LOOPLEDGER_DATABASE_URL", database_url)
    monkeypatch.setenv("LOOPLEDGER_BROKER_URL", "memory://")
    return database_url


@pytest.fixture
def loaded(configured: str, session_factory: sessionmaker[Session], worked_example: dict[str, Any]) -> str:
    assert load_document(session_factory, worked_example).new == 31
    return configured


def test_verify_passes_an_intact_ledger(loaded: str) -> None:
    result = CliRunner().invoke(cli_app, ["verify"])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "ok, 31 events"


def test_verify_passes_an_empty_ledger(configured: str) -> None:
    result = CliRunner().invoke(cli_app, ["verify"])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "ok, 0 events"


def test_verify_fails_on_a_changed_body(loaded: str) -> None:
    with tampering(loaded) as conn:
        set_data(conn, 16, {**stored_data(conn, 16), "round": "seed"})

    result = CliRunner().invoke(cli_app, ["verify"])
    assert result.exit_code == 1, result.output
    assert "seq 16: body does not match its hash" in result.stderr
    assert "ok" not in result.stdout
    assert "Traceback" not in result.output


def test_verify_fails_when_the_last_event_is_gone(loaded: str) -> None:
    with tampering(loaded) as conn:
        delete_event(conn, 31)

    result = CliRunner().invoke(cli_app, ["verify"])
    assert result.exit_code == 1, result.output
    assert "seq 31 missing (the ledger head is at seq 31, the log ends at 30)" in result.stderr
