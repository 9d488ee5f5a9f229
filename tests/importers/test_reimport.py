"""Deterministic event ids: the same export adds nothing, a newer one adds only what is new, a
changed row is corrected by a retraction plus the new version; a zip reads like a directory."""

from __future__ import annotations

import zipfile
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from ledger.events import service as events_service
from ledger.importers.crunchbase import import_crunchbase
from ledger.importers.mapping import event_id
from tests.conftest import log_snapshot
from tests.importers.conftest import BULK, PUBLIC_2015, copy_of, newer_export


def _log(factory: sessionmaker[Session]) -> list[tuple[object, ...]]:
    with factory() as session:
        return log_snapshot(session)


def test_reimporting_the_same_export_adds_nothing(session_factory: sessionmaker[Session]) -> None:
    first = import_crunchbase(session_factory, BULK)
    before = _log(session_factory)
    again = import_crunchbase(session_factory, BULK)
    assert (again.new, again.registered, again.corrected) == (0, 0, 0)
    assert again.duplicates == first.new
    assert _log(session_factory) == before


def test_event_ids_derive_from_the_source_keys(session_factory: sessionmaker[Session], client: TestClient) -> None:
    import_crunchbase(session_factory, BULK)
    response = client.get(f"/v1/events/{event_id('crunchbase', 'round/r-acme-seed')}")
    assert response.status_code == 200, response.text
    assert response.json()["type"] == "funding.round"
    assert response.json()["data"]["firm"] == "o-acme"


def test_a_newer_export_adds_only_its_new_rows(session_factory: sessionmaker[Session], client: TestClient, tmp_path: Path) -> None:
    import_crunchbase(session_factory, BULK)
    before = _log(session_factory)
    newer = import_crunchbase(session_factory, newer_export(tmp_path))
    # one new firm (registered and founded), two new rounds, one new founder job
    assert (newer.new, newer.registered, newer.corrected) == (4, 1, 0)
    after = _log(session_factory)
    assert after[: len(before)] == before
    added = [row[1] for row in after[len(before) :]]
    assert set(added) >= {
        str(event_id("crunchbase", "round/r-acme-b")),
        str(event_id("crunchbase", "round/r-hotel-seed")),
        str(event_id("crunchbase", "org/o-hotel/founded")),
        str(event_id("crunchbase", "job/j20/joined")),
    }
    hotel = client.get("/v1/actors/o-hotel").json()
    assert hotel["lifecycle"]["founded"]["founders"] == [{"person": "p-dan", "since": "2017-02-02"}]
    assert import_crunchbase(session_factory, newer_export(tmp_path / "again")).new == 0


def test_a_changed_row_is_retracted_and_replaced(session_factory: sessionmaker[Session], client: TestClient, tmp_path: Path) -> None:
    import_crunchbase(session_factory, BULK)
    export = copy_of(BULK, tmp_path)
    rounds = export / "funding_rounds.csv"
    rounds.write_text(rounds.read_text().replace("2012-02-01,1000000,650000,GBP", "2012-02-01,1300000,800000,GBP"))
    changed = import_crunchbase(session_factory, export)
    assert (changed.new, changed.corrected) == (1, 1)

    old_id = str(event_id("crunchbase", "round/r-beta-seed"))
    old = client.get(f"/v1/events/{old_id}").json()
    assert old["retracted_by"] is not None
    retraction = client.get(f"/v1/events/{old['retracted_by']}").json()
    assert retraction["data"]["reason"].startswith("superseded by ")
    (seed,) = client.get("/v1/actors/o-beta").json()["lifecycle"]["rounds"]
    assert seed["amount"] == {"amount": "800000", "currency": "GBP", "usd": "1300000"}

    with session_factory() as session:
        head = events_service.head_seq(session)
    assert import_crunchbase(session_factory, export).new == 0  # the corrected version is now the live one
    with session_factory() as session:
        assert events_service.head_seq(session) == head

    # ... and changing it back is one more correction, not a conflict with the first version
    back = import_crunchbase(session_factory, BULK)
    assert (back.new, back.corrected) == (1, 1)
    (seed,) = client.get("/v1/actors/o-beta").json()["lifecycle"]["rounds"]
    assert seed["amount"]["amount"] == "650000"


def test_a_manual_retraction_is_respected_by_later_imports(session_factory: sessionmaker[Session], client: TestClient) -> None:
    import_crunchbase(session_factory, BULK)
    target = str(event_id("crunchbase", "round/r-acme-seed"))
    response = client.post(
        "/v1/events",
        json={"type": "event.retracted", "occurred_on": "2020-01-01", "data": {"event_id": target, "reason": "not a real round"}},
    )
    assert response.status_code == 201, response.text
    again = import_crunchbase(session_factory, BULK)
    assert again.new == 0
    # the seed round of 2011-05-05 (its amount unreadable) is another row, untouched
    assert [(r["on"], r["round"]) for r in client.get("/v1/actors/o-acme").json()["lifecycle"]["rounds"]] == [
        ("2011-05-05", "seed"),
        ("2013-04-01", "series_a"),
    ]


def test_a_zip_archive_imports_like_its_directory(session_factory: sessionmaker[Session], tmp_path: Path) -> None:
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(PUBLIC_2015.glob("*.csv")):
            zf.write(path, f"crunchbase-2015/{path.name}")
    from_zip = import_crunchbase(session_factory, archive)
    assert (from_zip.layout, from_zip.new) == ("Crunchbase 2015 public export", 16)
    assert import_crunchbase(session_factory, PUBLIC_2015).new == 0
