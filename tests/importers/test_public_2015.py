"""Importing the 2015 public export layout (companies, rounds, investments, acquisitions)."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from ledger.importers.crunchbase import Summary, import_crunchbase
from tests.importers.conftest import PUBLIC_2015


@pytest.fixture
def imported(session_factory: sessionmaker[Session], tmp_path: Path) -> tuple[Summary, Path]:
    rejects = tmp_path / "rejects.csv"
    return import_crunchbase(session_factory, PUBLIC_2015, rejects_path=rejects), rejects


def _profile(client: TestClient, actor_id: str) -> dict[str, Any]:
    response = client.get(f"/v1/actors/{actor_id}")
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def test_summary(imported: tuple[Summary, Path]) -> None:
    summary, _ = imported
    assert summary.layout == "Crunchbase 2015 public export"
    assert summary.rows == {"companies.csv": 6, "rounds.csv": 7, "investments.csv": 9, "acquisitions.csv": 3}
    assert (summary.rejected, summary.partial, summary.collapsed) == (2, 4, 2)
    assert summary.new == 16
    assert {name: (c["rows"], c["in_ledger"], c["rejected"], c["collapsed"], c["unaccounted"]) for name, c in summary.files.items()} == {
        "companies.csv": (6, 6, 0, 0, 0),
        "rounds.csv": (7, 5, 1, 1, 0),  # a bad date; a repeated row
        "investments.csv": (9, 8, 0, 1, 0),
        "acquisitions.csv": (3, 2, 1, 0, 0),  # a firm acquiring itself
    }


def test_permalinks_become_ids_and_rounds_get_their_investors(imported: object, client: TestClient) -> None:
    alpha = _profile(client, "organization/alpha-genomics")
    founded = alpha["lifecycle"]["founded"]
    assert founded["on"] == "2009-01-01"
    assert founded["location"] == {"country": "US", "subdivision": "US-CA", "city": "San Diego"}
    assert founded["sector"] == "Biotechnology, Genomics"
    rounds = [(r["on"], r["round"], [i["investor"] for i in r["investors"]]) for r in alpha["lifecycle"]["rounds"]]
    assert rounds == [
        ("2009-06-01", "seed", ["person/jane-angel"]),
        # funding_round_type venture + funding_round_code A -> series_a; mystery-fund has no name: kept under its id
        ("2010-06-01", "series_a", ["organization/kleiner-green", "person/jane-angel", "organization/mystery-fund"]),
    ]


def test_investor_permalinks_under_person_are_people(imported: object, client: TestClient) -> None:
    jane = _profile(client, "person/jane-angel")
    assert (jane["type"], jane["kind"]) == ("person", None)
    assert jane["location"] == {"country": "US", "subdivision": "US-WA", "city": "Seattle"}
    assert [i["firm"] for i in jane["investments"]] == ["organization/alpha-genomics", "organization/alpha-genomics"]


@pytest.mark.parametrize(
    ("actor_id", "kind"),
    [
        ("organization/kleiner-green", "investor"),  # only ever an investor
        ("organization/seine-capital", "investor"),
        ("organization/giant-pharma", "corporation"),  # only ever an acquirer
        ("organization/samsong", "corporation"),
        ("organization/alpha-genomics", "startup"),  # a company that also invests
    ],
)
def test_organisations_seen_only_as_investors_or_acquirers(imported: object, client: TestClient, actor_id: str, kind: str) -> None:
    assert _profile(client, actor_id)["kind"] == kind


def test_round_only_in_investments_csv_and_firm_only_named_there(imported: object, client: TestClient) -> None:
    foxtrot = _profile(client, "organization/foxtrot-bio")
    assert foxtrot["lifecycle"]["founded"]["on"] == "2016-06-06"
    (only,) = foxtrot["lifecycle"]["rounds"]
    assert only["round"] == "series_c"
    assert [i["investor"] for i in only["investors"]] == ["organization/kleiner-green", "organization/seine-capital"]


def test_acquisitions_with_price_in_their_currency(imported: object, client: TestClient) -> None:
    bravo = _profile(client, "organization/bravo-health")
    assert bravo["lifecycle"]["founded"]["on"] == "2011-02-02"  # no founded_at: its angel round
    assert bravo["lifecycle"]["founded"]["location"] == {"country": "CA", "subdivision": None, "city": "Toronto"}  # not US: no state
    (exit_,) = bravo["lifecycle"]["exits"]
    assert (exit_["acquirer"], exit_["value"]["amount"], exit_["value"]["currency"]) == ("organization/giant-pharma", "50000000", "USD")
    delta = _profile(client, "organization/delta-seoul")
    assert delta["lifecycle"]["exits"][0]["value"] == {"amount": "120000000000", "currency": "KRW", "usd": None}


def test_rejects(imported: tuple[Summary, Path]) -> None:
    _, path = imported
    with path.open(newline="", encoding="utf-8") as stream:
        found = [(r["file"], int(r["line"]), r["outcome"], r["reason"]) for r in csv.DictReader(stream)]
    expected = [
        ("companies.csv", 4, "partial", "status closed, but this layout has no closing date"),
        ("companies.csv", 6, "partial", "unknown ISO 3166-1 country code 'XYZ'"),
        ("companies.csv", 7, "partial", "no name: organization/no-name named by its id"),
        ("rounds.csv", 7, "rejected", "funded_at 'not-a-date' is not a date"),
        ("investments.csv", 10, "partial", "no investor_name: organization/mystery-fund named by its id"),
        ("acquisitions.csv", 3, "rejected", "a firm cannot acquire itself"),
    ]
    assert len(found) == len(expected)
    for file, line, outcome, fragment in expected:
        assert any(f == file and n == line and o == outcome and fragment in r for f, n, o, r in found), (file, line, found)
