"""Rules of events.md that depend on what the ledger already holds; a rejection leaves the log unchanged."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from tests.api.support import accepted, assert_error, firm_founded, rejected

SessionFactory = sessionmaker[Session]
CLOSED_ON = "2010-06-30"
AFTER_CLOSURE = "2010-07-01"


def _event(type_: str, on: str, **data: Any) -> dict[str, Any]:
    return {"type": type_, "occurred_on": on, "data": data}


@pytest.fixture
def closed(client: TestClient) -> dict[str, str]:
    """`alpha` founded 2001-02-03, a headcount in 2005, closed on CLOSED_ON; the event ids by name."""
    founded = accepted(client, firm_founded())
    headcount = accepted(client, _event("headcount.reported", "2005-01-01", firm="alpha", employees=12))
    closure = accepted(client, _event("firm.closed", CLOSED_ON, firm="alpha", reason="ran out of money"))
    return {"founded": founded["event_id"], "headcount": headcount["event_id"], "closure": closure["event_id"]}


@pytest.mark.parametrize(
    ("event", "loc"),
    [
        pytest.param(_event("headcount.reported", AFTER_CLOSURE, firm="alpha", employees=1), ["data", "firm"], id="headcount"),
        pytest.param(_event("funding.round", AFTER_CLOSURE, firm="alpha", round="seed"), ["data", "firm"], id="round"),
        pytest.param(_event("firm.relocated", AFTER_CLOSURE, firm="alpha", location={"country": "KR"}), ["data", "firm"], id="relocation"),
        pytest.param(_event("firm.closed", AFTER_CLOSURE, firm="alpha"), ["data", "firm"], id="closed-again"),
        pytest.param(_event("exit.acquisition", AFTER_CLOSURE, firm="alpha", acquirer="kribb"), ["data", "firm"], id="acquisition"),
        pytest.param(_event("exit.ipo", AFTER_CLOSURE, firm="alpha", exchange="KOSDAQ"), ["data", "firm"], id="ipo"),
        pytest.param(_event("license.deal", AFTER_CLOSURE, licensor="kribb", licensee="alpha"), ["data", "licensee"], id="license"),
        pytest.param(
            _event("person.joined", "2012-01-01", person="alpha-founder", org="alpha", role="advisor"), ["data", "org"], id="person-joined"
        ),
        pytest.param(
            _event("association.joined", AFTER_CLOSURE, org="alpha", association={"id": "bioha", "name": "BioHA"}),
            ["data", "org"],
            id="association",
        ),
        pytest.param(
            _event("fund.raised", AFTER_CLOSURE, fund={"id": "fund-1", "name": "Fund 1"}, lps=[{"lp": "alpha"}]),
            ["data", "lps", 0, "lp"],
            id="fund-lp",
        ),
    ],
)
def test_event_for_closed_firm_after_closure_is_rejected(
    client: TestClient, session_factory: SessionFactory, closed: dict[str, str], event: dict[str, Any], loc: list[str | int]
) -> None:
    errors = rejected(client, session_factory, event, 422)
    assert_error(errors, loc, "alpha", f"closed on {CLOSED_ON}", "only event.retracted")


def test_event_on_the_closure_date_is_allowed(client: TestClient, closed: dict[str, str]) -> None:
    # events.md forbids events *after* the closure date; the day itself is still open.
    accepted(client, _event("headcount.reported", CLOSED_ON, firm="alpha", employees=0))


def test_retraction_is_allowed_after_closure(client: TestClient, closed: dict[str, str]) -> None:
    retraction = _event("event.retracted", "2011-01-01", event_id=closed["headcount"], reason="double counted")
    retracted = accepted(client, retraction)
    assert client.get(f"/v1/events/{closed['headcount']}").json()["retracted_by"] == retracted["event_id"]

    # Retracting the closure itself (also dated after it) reopens the firm to later events.
    accepted(client, _event("event.retracted", "2011-01-02", event_id=closed["closure"], reason="closure was a rumour"))
    accepted(client, _event("headcount.reported", "2011-02-01", firm="alpha", employees=3))


@pytest.fixture
def founded(client: TestClient) -> dict[str, Any]:
    return accepted(client, firm_founded())


@pytest.mark.parametrize(
    "data",
    [
        pytest.param({"firm": "alpha", "acquirer": "alpha"}, id="bare-ids"),
        pytest.param(
            {"firm": "alpha", "acquirer": {"id": "alpha", "type": "organization", "name": "Alpha", "kind": "startup"}}, id="inline"
        ),
    ],
)
def test_acquisition_of_a_firm_by_itself(
    client: TestClient, session_factory: SessionFactory, founded: dict[str, Any], data: dict[str, Any]
) -> None:
    errors = rejected(client, session_factory, {"type": "exit.acquisition", "occurred_on": "2005-01-01", "data": data}, 422)
    assert_error(errors, ["data", "acquirer"], "cannot acquire itself")


def test_license_deal_with_itself(client: TestClient, session_factory: SessionFactory, founded: dict[str, Any]) -> None:
    errors = rejected(client, session_factory, _event("license.deal", "2005-01-01", licensor="alpha", licensee="alpha"), 422)
    assert_error(errors, ["data", "licensee"], "must differ")


def _today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()  # the server's clock is UTC


@pytest.mark.parametrize("days_ahead", [2, 400, 365 * 1000])
def test_date_beyond_tomorrow_is_rejected(
    client: TestClient, session_factory: SessionFactory, founded: dict[str, Any], days_ahead: int
) -> None:
    on = (_today() + dt.timedelta(days=days_ahead)).isoformat()
    errors = rejected(client, session_factory, _event("headcount.reported", on, firm="alpha", employees=5), 422)
    assert_error(errors, ["occurred_on"], on, "in the future")


def test_date_up_to_tomorrow_is_accepted(client: TestClient, founded: dict[str, Any]) -> None:
    for days_ahead in (0, 1):
        on = (_today() + dt.timedelta(days=days_ahead)).isoformat()
        accepted(client, _event("headcount.reported", on, firm="alpha", employees=days_ahead))


KAIST = {"id": "kaist", "type": "organization", "name": "KAIST", "kind": "university", "location": {"country": "KR", "city": "Daejeon"}}


@pytest.fixture
def kaist(client: TestClient) -> dict[str, Any]:
    return accepted(client, {"type": "actor.registered", "occurred_on": "1971-02-16", "data": KAIST})


@pytest.mark.parametrize(
    ("changes", "fact"),
    [
        pytest.param({"name": "Korea Advanced Institute"}, "name", id="name"),
        pytest.param({"kind": "research_institute"}, "kind", id="kind"),
        pytest.param({"type": "person", "kind": None}, "type", id="type"),
        pytest.param({"location": {"country": "US", "city": "Daejeon"}}, "country", id="country"),
        pytest.param({"location": {"country": "KR", "city": "Seoul"}}, "city", id="city"),
    ],
)
def test_reregistering_an_actor_with_different_facts_conflicts(
    client: TestClient, session_factory: SessionFactory, kaist: dict[str, Any], changes: dict[str, Any], fact: str
) -> None:
    data = {k: v for k, v in {**KAIST, **changes}.items() if v is not None}
    errors = rejected(client, session_factory, {"type": "actor.registered", "occurred_on": "2000-01-01", "data": data}, 409)
    assert_error(errors, ["data"], "kaist", "already registered", fact)
    assert client.get("/v1/actors/kaist").json()["name"] == "KAIST"


def test_inline_reregistration_with_different_facts_conflicts(
    client: TestClient, session_factory: SessionFactory, kaist: dict[str, Any]
) -> None:
    body = firm_founded()
    body["data"]["origins"] = [{"org": {**KAIST, "name": "Not KAIST"}, "relation": "alumni"}]
    errors = rejected(client, session_factory, body, 409)
    assert_error(errors, ["data", "origins", 0, "org"], "kaist", "already registered", "name")
    assert client.get("/v1/actors/alpha").status_code == 404


def test_identical_reregistration_is_accepted(client: TestClient, kaist: dict[str, Any]) -> None:
    again = accepted(client, {"type": "actor.registered", "occurred_on": "2000-01-01", "data": KAIST})
    assert again["seq"] == kaist["seq"] + 1
    # The same facts inline, in full or in part (what the role fixes may be left out), are accepted too.
    body = firm_founded()
    body["data"]["origins"] = [
        {"org": KAIST, "relation": "alumni"},
        {"org": {"id": "kaist", "name": "KAIST", "kind": "university"}, "relation": "license"},
    ]
    accepted(client, body)
    profile = client.get("/v1/actors/kaist").json()
    assert (profile["name"], profile["kind"]) == ("KAIST", "university")


@pytest.mark.parametrize(
    ("event", "loc", "words"),
    [
        pytest.param(
            _event("person.joined", "2005-01-01", person="kribb", org="alpha", role="scientist"),
            ["data", "person"],
            ("kribb", "person"),
            id="person-is-org",
        ),
        pytest.param(
            _event("person.joined", "2005-01-01", person="alpha-founder", org="alpha-founder", role="employee"),
            ["data", "org"],
            ("alpha-founder", "organization"),
            id="org-is-person",
        ),
        pytest.param(
            _event("funding.round", "2005-01-01", firm="kribb", round="grant"),
            ["data", "firm"],
            ("kribb", "kind startup"),
            id="firm-not-startup",
        ),
        pytest.param(
            _event("fund.raised", "2005-01-01", fund="alpha"), ["data", "fund"], ("alpha", "kind investor"), id="fund-not-investor"
        ),
        pytest.param(
            _event("association.joined", "2005-01-01", org="alpha", association="kribb"),
            ["data", "association"],
            ("kribb", "kind association"),
            id="association-not-association",
        ),
        pytest.param(
            _event(
                "person.joined",
                "2005-01-01",
                person={"id": "lee", "type": "organization", "name": "Lee", "kind": "other"},
                org="alpha",
                role="employee",
            ),
            ["data", "person", "type"],
            ("person",),
            id="inline-person-is-org",
        ),
    ],
)
def test_actor_of_the_wrong_type_for_its_role(
    client: TestClient,
    session_factory: SessionFactory,
    founded: dict[str, Any],
    event: dict[str, Any],
    loc: list[str],
    words: tuple[str],
) -> None:
    assert_error(rejected(client, session_factory, event, 422), loc, *words)


@pytest.mark.parametrize(
    ("event", "loc"),
    [
        pytest.param(_event("funding.round", "2004-12-31", firm="gamma", round="seed"), ["data", "firm"], id="round"),
        pytest.param(_event("license.deal", "2004-12-31", licensor="kribb", licensee="gamma"), ["data", "licensee"], id="deal"),
        pytest.param(_event("exit.ipo", "2004-12-31", firm="gamma", exchange="KOSDAQ"), ["data", "firm"], id="ipo"),
        pytest.param(_event("exit.acquisition", "2004-12-31", firm="gamma", acquirer="kribb"), ["data", "firm"], id="acquisition"),
        pytest.param(_event("firm.relocated", "2004-12-31", firm="gamma", location={"country": "KR"}), ["data", "firm"], id="relocation"),
        pytest.param(_event("headcount.reported", "2004-12-31", firm="gamma", employees=2), ["data", "firm"], id="headcount"),
    ],
)
def test_event_for_a_firm_not_founded_yet(
    client: TestClient, session_factory: SessionFactory, founded: dict[str, Any], event: dict[str, Any], loc: list[str]
) -> None:
    # gamma is a registered startup with no founding yet; after its founding on 2005-01-01 the same
    # events are still early (dated the day before).
    accepted(client, {"type": "actor.registered", "occurred_on": "2004-06-01", "data": {"id": "gamma", "name": "Gamma", "kind": "startup"}})
    assert_error(rejected(client, session_factory, event, 422), loc, "gamma", "no firm.founded event")
    accepted(client, firm_founded("gamma", on="2005-01-01"))
    assert_error(rejected(client, session_factory, event, 422), loc, "gamma", "founded on 2005-01-01", "2004-12-31")
