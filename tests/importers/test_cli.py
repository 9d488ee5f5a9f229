"""`loopledger import crunchbase|events` and `loopledger export --format jsonl|csv`."""

from __future__ import annotations

import csv
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from cli.main import app as cli_app
from ledger import migrate
from ledger.db import create_db_engine, make_session_factory
from ledger.events import service as events_service
from tests.importers.conftest import BULK, FIXTURES


def _one_line(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture
def cli_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A migrated SQLite ledger as LOOPLEDGER_DATABASE_URL, an in-memory broker."""
    path = tmp_path / "cli.db"
    engine = create_db_engine(f"sqlite:///{path}")
    migrate.upgrade(engine)
    engine.dispose()
    monkeypatch.setenv("LOOPLEDGER_DATABASE_URL", f"sqlite:///{path}")
    monkeypatch.setenv("LOOPLEDGER_BROKER_URL", "memory://")
    return path


def _head(path: Path) -> int:
    engine = create_db_engine(f"sqlite:///{path}")
    try:
        with make_session_factory(engine)() as session:
            return events_service.head_seq(session)
    finally:
        engine.dispose()


def test_import_crunchbase_prints_a_summary_and_writes_rejects(cli_db: Path, tmp_path: Path) -> None:
    rejects = tmp_path / "rejects.csv"
    result = CliRunner().invoke(cli_app, ["import", "crunchbase", str(BULK), "--rejects", str(rejects)])
    assert result.exit_code == 0, result.output
    text = _one_line(result.output)
    assert "Crunchbase bulk export: 68 rows" in text
    assert "new events │ 34" in text
    # The per-file table: rows read, in the ledger, rejected, repeated, skipped.
    assert "funding_rounds.csv │ 15 │ 12 │ 3 │ 0 │ 0" in text
    assert "org_parents.csv │ 1 │ 0 │ 0 │ 0 │ 1" in text
    assert "9 rows rejected, 7 partly imported: see" in text
    with rejects.open(newline="") as stream:
        assert len(list(csv.DictReader(stream))) == 16
    head = _head(cli_db)

    again = CliRunner().invoke(cli_app, ["import", "crunchbase", str(BULK)])
    assert again.exit_code == 0, again.output
    assert "already in the ledger │ 34" in _one_line(again.output)
    assert _head(cli_db) == head


def test_import_crunchbase_stops_on_a_malformed_file(cli_db: Path) -> None:
    result = CliRunner().invoke(cli_app, ["import", "crunchbase", str(FIXTURES / "bulk_malformed")])
    assert result.exit_code == 1
    assert "import stopped, nothing from the failing file was written" in _one_line(result.output)
    assert "funding_rounds.csv, line 5" in _one_line(result.output)
    assert _head(cli_db) == 0


def test_export_then_import_events_into_another_ledger(cli_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert CliRunner().invoke(cli_app, ["import", "crunchbase", str(BULK)]).exit_code == 0
    out = tmp_path / "out"
    exported = CliRunner().invoke(cli_app, ["export", "--format", "jsonl", str(out)])
    assert exported.exit_code == 0, exported.output
    assert "replay with: loopledger import events" in _one_line(exported.output)

    other = tmp_path / "other.db"
    engine = create_db_engine(f"sqlite:///{other}")
    migrate.upgrade(engine)
    engine.dispose()
    monkeypatch.setenv("LOOPLEDGER_DATABASE_URL", f"sqlite:///{other}")
    loaded = CliRunner().invoke(cli_app, ["import", "events", str(out / "events.jsonl"), "--regions", str(out / "regions.json")])
    assert loaded.exit_code == 0, loaded.output
    assert f"events.jsonl: {_head(cli_db)} new events, 0 already in the ledger, 0 regions" in _one_line(loaded.output)
    assert _head(other) == _head(cli_db)


def test_export_csv_writes_the_tables(cli_db: Path, tmp_path: Path) -> None:
    assert CliRunner().invoke(cli_app, ["import", "crunchbase", str(BULK)]).exit_code == 0
    result = CliRunner().invoke(cli_app, ["export", "--format", "csv", str(tmp_path / "csv")])
    assert result.exit_code == 0, result.output
    names = {p.name for p in (tmp_path / "csv").iterdir()}
    assert names == {"firms.csv", "rounds.csv", "round_investors.csv", "exits.csv", "hops.csv", "metric_parts.csv"}
    assert "firms.csv: 10 rows" in _one_line(result.output)  # o-nowhere (no country) and o-ghost (no name) too


def test_export_parquet_holds_the_csv_tables_with_their_types(cli_db: Path, tmp_path: Path) -> None:
    assert CliRunner().invoke(cli_app, ["import", "crunchbase", str(BULK)]).exit_code == 0
    for kind in ("csv", "parquet"):
        result = CliRunner().invoke(cli_app, ["export", "--format", kind, str(tmp_path / kind)])
        assert result.exit_code == 0, result.output
    for name in ("firms", "rounds", "round_investors", "exits", "hops", "metric_parts"):
        typed = pl.read_parquet(tmp_path / "parquet" / f"{name}.parquet")
        text = pl.read_csv(tmp_path / "csv" / f"{name}.csv", infer_schema=False)
        assert typed.columns == text.columns, name
        assert typed.height == text.height, name
    rounds = pl.read_parquet(tmp_path / "parquet" / "rounds.parquet")
    assert rounds.schema["occurred_on"] == pl.Date
    assert isinstance(rounds.schema["amount"], pl.Decimal)
    # The same amounts as the CSV's plain decimals, exactly.
    csv_amounts = pl.read_csv(tmp_path / "csv" / "rounds.csv", infer_schema=False)["amount"].to_list()
    assert [None if a is None else format(a.normalize(), "f") for a in rounds["amount"].to_list()] == csv_amounts
