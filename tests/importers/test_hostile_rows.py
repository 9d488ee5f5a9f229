"""Imports meet what the API refuses: NUL and other control characters, money as JSON numbers.
Each is reported (a reject line or a MalformedFile naming the line), never a database error."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from ledger.actors.models import Actor
from ledger.events.models import EventRow
from ledger.importers import eventlog
from ledger.importers.crunchbase import import_crunchbase
from ledger.importers.sources import MalformedFile
from tests.conftest import log_snapshot
from tests.importers.conftest import BULK, copy_of

SessionFactory = sessionmaker[Session]

FOUNDING = {
    "event_id": "6c1b7c61-0000-4000-8000-000000000001",
    "type": "firm.founded",
    "occurred_on": "2010-01-01",
    "data": {"firm": {"id": "acme", "name": "Acme"}, "location": {"country": "KR"}},
}


def _log(factory: SessionFactory) -> list[tuple[Any, ...]]:
    with factory() as session:
        return log_snapshot(session)


def _write_log(path: Path, *envelopes: dict[str, Any]) -> Path:
    # As export_jsonl writes it: json.dumps spells a NUL as the escape \u0000, so no raw NUL byte
    # is in the file (a ledger that took NUL before names were checked exports exactly this).
    path.write_text("".join(json.dumps(e, ensure_ascii=False, separators=(",", ":")) + "\n" for e in envelopes), encoding="utf-8")
    return path


@pytest.mark.parametrize("char", ["\x00", "\x1b", "\x85"])
def test_a_log_with_a_control_character_in_a_name_stops_at_its_line(session_factory: SessionFactory, tmp_path: Path, char: str) -> None:
    bad = {**FOUNDING, "event_id": "6c1b7c61-0000-4000-8000-000000000002", "data": {"firm": {"id": "beta", "name": f"Be{char}ta"}}}
    path = _write_log(tmp_path / "events.jsonl", FOUNDING, bad)
    assert "\x00" not in path.read_text(encoding="utf-8")
    with pytest.raises(MalformedFile) as caught:
        eventlog.import_jsonl(session_factory, path)
    assert (caught.value.file, caught.value.line) == ("events.jsonl", 2)
    assert "data.firm.name" in caught.value.reason and f"U+{ord(char):04X}" in caught.value.reason
    assert _log(session_factory) == []  # the whole file is checked before the first event is written


def test_a_log_with_amounts_as_json_numbers_keeps_every_digit(session_factory: SessionFactory, tmp_path: Path) -> None:
    path = tmp_path / "events.jsonl"
    funding = {
        "type": "funding.round",
        "occurred_on": "2011-01-01",
        "data": {"firm": "acme", "round": "seed", "amount": {"amount": "N", "currency": "USD"}},
    }
    path.write_text(json.dumps(FOUNDING) + "\n" + json.dumps(funding).replace('"N"', "12345678901234567.89") + "\n", encoding="utf-8")
    assert eventlog.import_jsonl(session_factory, path).new == 2
    with session_factory() as session:
        data = session.scalars(sa.select(EventRow.data).where(EventRow.type == "funding.round")).one()
    assert data["amount"]["amount"] == "12345678901234567.89"


def test_a_log_with_a_lossy_amount_stops_at_its_line(session_factory: SessionFactory, tmp_path: Path) -> None:
    path = tmp_path / "events.jsonl"
    fx = '{"type":"fx.rate","occurred_on":"2011-01-01","data":{"currency":"EUR","usd_per_unit":1.5e-400}}'
    path.write_text(json.dumps(FOUNDING) + "\n" + fx + "\n", encoding="utf-8")
    with pytest.raises(MalformedFile, match=r"data\.usd_per_unit: has 401 decimal places") as caught:
        eventlog.import_jsonl(session_factory, path)
    assert caught.value.line == 2
    assert _log(session_factory) == []


def _damage(export: Path) -> None:
    """Control characters where exports really have them: an escape in a name, a vertical tab in
    a city, a line break inside a quoted name, and one in a job title."""
    path = export / "organizations.csv"
    path.write_text(
        path.read_text().replace("o-acme,Acme Bio,", "o-acme,Acme\x1bBio,").replace("South San Francisco", "South\x0bSan Francisco")
    )
    path = export / "people.csv"
    path.write_text(path.read_text().replace("p-alice,Alice Ahn,", 'p-alice,"Alice\nAhn",'))
    path = export / "jobs.csv"
    path.write_text(path.read_text().replace("Co-Founder & CEO", "Co-Founder\x07 & CEO"))


def test_control_characters_in_an_export_are_cleaned_or_rejected_and_reported(session_factory: SessionFactory, tmp_path: Path) -> None:
    export = copy_of(BULK, tmp_path)
    _damage(export)
    rejects = tmp_path / "rejects.csv"
    summary = import_crunchbase(session_factory, export, rejects_path=rejects)

    with session_factory() as session:
        acme = session.get(Actor, "o-acme")
        alice = session.get(Actor, "p-alice")
    assert acme is not None and (acme.name, acme.city) == ("Acme Bio", "South San Francisco")
    assert alice is not None and alice.name == "Alice Ahn"

    with rejects.open(newline="", encoding="utf-8") as stream:
        rows = list(csv.DictReader(stream))
    said = {(r["file"], r["outcome"], r["reason"]) for r in rows}
    assert ("organizations.csv", "partial", "name holds control characters: replaced by spaces") in said
    assert ("organizations.csv", "partial", "city holds control characters: replaced by spaces") in said
    assert ("people.csv", "partial", "name holds control characters: replaced by spaces") in said
    # A job title is the event's own text: the row is refused with the field and the reason.
    titles = [r for r in rows if r["file"] == "jobs.csv" and r["outcome"] == "rejected"]
    assert any("data.title" in r["reason"] and "U+0007" in r["reason"] for r in titles), titles
    assert summary.files["jobs.csv"]["unaccounted"] == 0
