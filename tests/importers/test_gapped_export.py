"""A ragged export, like real ones (issue 8): nothing that can become an event is lost.

bench/exports.py writes a bulk export with the gaps of a real one (no country for half of the
companies, missing founding dates, amounts and investor locations, unnamed actors, repeated
rows) and knows which rows cannot become an event at all (no date, a firm acquiring itself, a
buyer closed before the deal). Every other row must reach the ledger, and importing the same
export again must add nothing.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker
from sqlmodel import col

from bench.exports import Written, generate
from ledger.actors.models import Actor
from ledger.events import service as events_service
from ledger.importers.crunchbase import Summary, import_crunchbase
from ledger.projections import models as m


@pytest.fixture(scope="module")
def export(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Written]:
    directory = tmp_path_factory.mktemp("gapped") / "export"
    return directory, generate(directory, 1500, seed=11, gaps=True)


@pytest.fixture
def imported(session_factory: sessionmaker[Session], export: tuple[Path, Written], tmp_path: Path) -> Summary:
    return import_crunchbase(session_factory, export[0], rejects_path=tmp_path / "rejects.csv")


def _count(session: Session, query: sa.Select[tuple[int]]) -> int:
    return int(session.scalar(query) or 0)


def test_every_representable_row_reaches_the_ledger(imported: Summary, export: tuple[Path, Written], tmp_path: Path) -> None:
    _, written = export
    assert written.unrepresentable.total() > 0 and written.duplicates.total() > 0  # the export has both kinds
    for name, rows in written.rows.items():
        lost, repeated = written.unrepresentable[name], written.duplicates[name]
        assert imported.files[name] == {
            "rows": rows,
            "in_ledger": rows - lost - repeated,
            "rejected": lost,
            "collapsed": repeated,
            "skipped": 0,
            "unaccounted": 0,
        }, name
    with (tmp_path / "rejects.csv").open(newline="", encoding="utf-8") as stream:
        rejected = [r["reason"] for r in csv.DictReader(stream) if r["outcome"] == "rejected"]
    allowed = ("the event needs a date", "needs a date", "is not in the export", "cannot acquire itself", "closed on")
    assert rejected and all(any(a in reason for a in allowed) for reason in rejected), rejected


def test_the_ledger_holds_what_the_rows_say(
    imported: Summary, export: tuple[Path, Written], session_factory: sessionmaker[Session]
) -> None:
    directory, written = export
    with (directory / "organizations.csv").open(newline="", encoding="utf-8") as stream:
        orgs = list(csv.DictReader(stream))
    with session_factory() as session:
        actors = set(session.scalars(sa.select(Actor.id)))
        # Every organization is in the ledger: founded, or registered when the export dates it nowhere.
        assert {o["uuid"] for o in orgs} <= actors
        unlocated = _count(session, sa.select(sa.func.count()).select_from(m.FirmFounding).where(col(m.FirmFounding.country).is_(None)))
        no_country = {o["uuid"] for o in orgs if not o["country_code"] and o["primary_role"] == "company"}
        assert unlocated >= len(no_country) * 0.7  # most of them are founded (the rest have no date at all)
        # One round per dated row; one investor entry per investment row in the ledger.
        rounds = _count(session, sa.select(sa.func.count()).select_from(m.FundingRound))
        assert rounds == written.rows["funding_rounds.csv"] - written.unrepresentable["funding_rounds.csv"]
        entries = _count(session, sa.select(sa.func.count()).select_from(m.RoundInvestor))
        assert entries == imported.files["investments.csv"]["in_ledger"]
        without_amount = _count(session, sa.select(sa.func.count()).select_from(m.FundingRound).where(col(m.FundingRound.amount).is_(None)))
        assert without_amount > rounds * 0.2


def test_importing_the_same_ragged_export_again_adds_nothing(
    imported: Summary, export: tuple[Path, Written], session_factory: sessionmaker[Session]
) -> None:
    with session_factory() as session:
        head = events_service.head_seq(session)
    again = import_crunchbase(session_factory, export[0])
    assert (again.new, again.corrected, again.registered, again.unnamed_actors) == (0, 0, 0, 0)
    assert again.files == imported.files
    with session_factory() as session:
        assert events_service.head_seq(session) == head
