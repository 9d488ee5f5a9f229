"""Importing the current Crunchbase bulk-export layout: what each file becomes, read back over HTTP."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from ledger.importers.crunchbase import Summary, import_crunchbase
from tests.importers.conftest import BULK


@pytest.fixture
def imported(session_factory: sessionmaker[Session], tmp_path: Path) -> tuple[Summary, Path]:
    rejects = tmp_path / "rejects.csv"
    return import_crunchbase(session_factory, BULK, rejects_path=rejects), rejects


def _profile(client: TestClient, actor_id: str) -> dict[str, Any]:
    response = client.get(f"/v1/actors/{actor_id}")
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _events(client: TestClient, actor: str, kind: str) -> list[dict[str, Any]]:
    response = client.get("/v1/events", params={"actor": actor, "type": kind, "limit": 1000})
    assert response.status_code == 200, response.text
    events: list[dict[str, Any]] = response.json()["events"]
    return events


def test_summary_counts_every_row(imported: tuple[Summary, Path]) -> None:
    summary, _ = imported
    assert summary.layout == "Crunchbase bulk export"
    assert summary.rows == {
        "organizations.csv": 13,
        "people.csv": 5,
        "investors.csv": 6,
        "funding_rounds.csv": 15,
        "investments.csv": 15,
        "acquisitions.csv": 3,
        "ipos.csv": 2,
        "jobs.csv": 8,
        "org_parents.csv": 1,
    }
    assert (summary.new, summary.registered, summary.duplicates, summary.corrected) == (34, 23, 0, 0)
    assert (summary.rejected, summary.partial, summary.collapsed, summary.skipped) == (9, 7, 4, 1)
    # Every row is accounted for: in the ledger (as an event, a part of one or a registration),
    # rejected (nothing of it can be an event: see the reject file), collapsed or skipped.
    columns = ("rows", "in_ledger", "rejected", "collapsed", "skipped", "unaccounted")
    assert {name: tuple(counts[c] for c in columns) for name, counts in summary.files.items()} == {
        "organizations.csv": (13, 10, 2, 1, 0, 0),  # no uuid; o-beta again with other values; o-acme again
        "people.csv": (5, 5, 0, 0, 0, 0),
        "investors.csv": (6, 4, 0, 2, 0, 0),  # two investors organizations.csv describes already
        "funding_rounds.csv": (15, 12, 3, 0, 0, 0),  # a bad date, after the closure, in the future
        "investments.csv": (15, 13, 1, 1, 0, 0),  # a round not in the export; a repeated row
        "acquisitions.csv": (3, 2, 1, 0, 0, 0),  # a firm acquiring itself
        "ipos.csv": (2, 1, 1, 0, 0, 0),  # no date
        "jobs.csv": (8, 7, 1, 0, 0, 0),  # not a founder, no date
        "org_parents.csv": (1, 0, 0, 0, 1, 0),
    }


def test_firm_with_founding_date_rounds_investors_founders_and_exit(imported: object, client: TestClient) -> None:
    acme = _profile(client, "o-acme")
    assert acme["kind"] == "startup"
    founded = acme["lifecycle"]["founded"]
    assert founded["on"] == "2010-03-01"
    # USA -> US, state CA -> ISO 3166-2 US-CA
    assert founded["location"] == {"country": "US", "subdivision": "US-CA", "city": "South San Francisco"}
    assert founded["sector"] == "Biotechnology, Health Care"
    assert founded["founders"] == [{"person": "p-alice", "since": "2010-03-01"}]  # "Co-Founder & CEO"
    rounds = {r["on"]: r for r in acme["lifecycle"]["rounds"]}
    # 2011-05-05 is a seed round whose amount ("lots") is not a number: kept without it.
    assert {(on, r["round"]) for on, r in rounds.items()} == {("2011-01-15", "seed"), ("2011-05-05", "seed"), ("2013-04-01", "series_a")}
    assert rounds["2011-05-05"]["amount"] is None
    rounds = {r["round"]: r for r in acme["lifecycle"]["rounds"] if r["on"] != "2011-05-05"}
    assert rounds["seed"]["investors"] == [
        {"investor": "p-bob", "amount": None, "lead": False},
        {"investor": "i-angels", "amount": None, "lead": True},
    ]
    assert rounds["series_a"]["amount"] == {"amount": "15000000", "currency": "USD", "usd": None}
    assert rounds["series_a"]["valuation_post"] == {"amount": "60000000", "currency": "USD", "usd": None}
    assert [i["investor"] for i in rounds["series_a"]["investors"]] == ["o-redwood", "i-cvc", "p-eve", "i-ghost"]
    (exit_,) = acme["lifecycle"]["exits"]
    assert (exit_["kind"], exit_["on"], exit_["acquirer"]) == ("acquisition", "2019-09-09", "m-megacorp")
    people = {(p["person"], p["role"]): p for p in acme["people"]}
    assert people[("p-alice", "founder")]["left_on"] == "2018-01-01"
    assert people[("p-dan", "employee")]["title"] == "VP Engineering"
    assert people[("p-dan", "board")]["left_on"] is None  # ended_on before started_on: no person.left


def test_missing_founding_date_is_inferred_from_the_first_event_and_said_in_source(imported: object, client: TestClient) -> None:
    beta = _profile(client, "o-beta")
    assert beta["lifecycle"]["founded"]["on"] == "2012-02-01"  # its seed round
    (founding,) = _events(client, "o-beta", "firm.founded")
    assert "no founding date in the export: dated to the firm's first known event (2012-02-01)" in founding["source"]
    # a founder job without started_on is dated to the founding
    assert beta["lifecycle"]["founded"]["founders"] == [{"person": "p-carol", "since": "2012-02-01"}]
    (seed,) = beta["lifecycle"]["rounds"]
    assert seed["amount"] == {"amount": "650000", "currency": "GBP", "usd": "1000000"}


def test_founding_date_after_the_first_event_moves_back_to_it(imported: object, client: TestClient) -> None:
    assert _profile(client, "o-early")["lifecycle"]["founded"]["on"] == "2014-01-01"
    (founding,) = _events(client, "o-early", "firm.founded")
    assert "founded_on 2015-06-01 is after the firm's first known event" in founding["source"]


def test_closed_status_with_a_date_becomes_firm_closed(imported: object, client: TestClient) -> None:
    gamma = _profile(client, "o-gamma")
    assert gamma["lifecycle"]["closure"]["on"] == "2016-06-30"
    assert [r["round"] for r in gamma["lifecycle"]["rounds"]] == ["series_a"]  # the 2017 round is rejected


def test_ipo_and_non_usd_round(imported: object, client: TestClient) -> None:
    delta = _profile(client, "o-delta")
    (ipo,) = delta["lifecycle"]["exits"]
    assert (ipo["kind"], ipo["exchange"], ipo["on"]) == ("ipo", "KOSDAQ", "2012-12-12")
    assert ipo["value"]["amount"] == "400000000" and ipo["raised"]["amount"] == "50000000"
    rounds = {r["round"]: r for r in delta["lifecycle"]["rounds"]}
    assert rounds["series_b"]["amount"] == {"amount": "5500000000", "currency": "KRW", "usd": None}
    assert rounds["grant"]["investors"] == [{"investor": "i-state", "amount": None, "lead": True}]


@pytest.mark.parametrize(
    ("actor_id", "actor_type", "kind"),
    [
        ("o-redwood", "organization", "investor"),  # primary_role investor
        ("i-angels", "organization", "investor"),  # investors.csv only
        ("i-newvc", "organization", "investor"),  # named only in investments.csv
        ("i-state", "organization", "government"),  # investor_types government_office
        ("m-megacorp", "organization", "corporation"),  # seen only as an acquirer
        ("o-zeta", "organization", "startup"),  # named only by its funding round
        ("p-eve", "person", None),  # a person in investors.csv only
        ("p-carol", "person", None),  # name from first_name + last_name
    ],
)
def test_actor_kinds(imported: object, client: TestClient, actor_id: str, actor_type: str, kind: str | None) -> None:
    actor = _profile(client, actor_id)
    assert (actor["type"], actor["kind"]) == (actor_type, kind)


def test_firm_without_a_country_is_founded_without_a_location(imported: object, client: TestClient) -> None:
    nowhere = _profile(client, "o-nowhere")
    assert nowhere["lifecycle"]["founded"]["on"] == "2011-01-01"
    assert nowhere["lifecycle"]["founded"]["location"] is None and nowhere["location_now"] is None
    assert [(r["on"], r["round"]) for r in nowhere["lifecycle"]["rounds"]] == [("2012-01-01", "seed")]


def test_actors_without_a_name_are_kept_under_their_id(imported: object, client: TestClient) -> None:
    assert (_profile(client, "o-ghost")["name"], _profile(client, "o-ghost")["kind"]) == ("o-ghost", "startup")
    assert _profile(client, "p-nobody")["name"] == "p-nobody"
    assert _profile(client, "i-ghost")["name"] == "i-ghost"


def test_firm_named_only_by_a_round_is_founded_with_that_rows_location(imported: object, client: TestClient) -> None:
    zeta = _profile(client, "o-zeta")
    assert zeta["lifecycle"]["founded"]["on"] == "2014-07-07"
    assert zeta["lifecycle"]["founded"]["location"] == {"country": "JP", "subdivision": None, "city": "Tokyo"}


def test_rejects_file_lists_file_line_and_reason(imported: tuple[Summary, Path]) -> None:
    summary, path = imported
    with path.open(newline="", encoding="utf-8") as stream:
        rows = list(csv.DictReader(stream))
    assert list(rows[0]) == ["file", "line", "outcome", "reason"]
    found = {(r["file"], int(r["line"]), r["outcome"]): r["reason"] for r in rows}
    expected = {
        ("organizations.csv", 10, "partial"): "unknown US state code 'ZZ'",
        ("organizations.csv", 12, "rejected"): "no uuid",
        ("organizations.csv", 14, "rejected"): "duplicate of organizations.csv line 3 with other values",
        ("people.csv", 6, "partial"): "no name (nor first_name/last_name): p-nobody named by its id",
        ("funding_rounds.csv", 7, "rejected"): "after o-gamma closed on 2016-06-30",
        ("funding_rounds.csv", 10, "rejected"): "not a calendar date",
        ("funding_rounds.csv", 11, "partial"): "'lots' is not a number: amount left out",
        ("funding_rounds.csv", 12, "partial"): "no org_name: o-ghost named by its id",
        ("funding_rounds.csv", 14, "rejected"): "in the future",
        ("investments.csv", 10, "rejected"): "funding round r-missing is not in the export",
        ("investments.csv", 12, "partial"): "no investor_name: i-ghost named by its id",
        ("acquisitions.csv", 3, "rejected"): "a firm cannot acquire itself",
        ("ipos.csv", 3, "rejected"): "no went_public_on",
        ("jobs.csv", 5, "rejected"): "no started_on",
        ("jobs.csv", 7, "partial"): "no person_name: p-ghost named by its id",
        ("jobs.csv", 8, "partial"): "ended_on 2013-01-01 is before started_on 2014-01-01",
    }
    assert set(found) == set(expected)
    for key, fragment in expected.items():
        assert fragment in found[key], (key, found[key])
    assert summary.rejected == sum(1 for r in rows if r["outcome"] == "rejected")
    assert summary.partial == sum(1 for r in rows if r["outcome"] == "partial")
