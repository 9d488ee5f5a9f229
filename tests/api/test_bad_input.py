"""Every bad input is a 4xx problem+json naming the field at fault, and leaves the log unchanged."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from tests.api.support import FOUNDED_ON, accepted, assert_error, check_problem, firm_founded, rejected, snapshot

SessionFactory = sessionmaker[Session]


@pytest.fixture
def founded(client: TestClient) -> dict[str, Any]:
    """A log that already holds a founded firm `alpha`, so 'unchanged' is not trivially 'empty'."""
    return accepted(client, firm_founded())


def _round(**data: Any) -> dict[str, Any]:
    return {"type": "funding.round", "occurred_on": "2005-01-01", "data": {"firm": "alpha", "round": "seed", **data}}


def _headcount(employees: Any) -> dict[str, Any]:
    return {"type": "headcount.reported", "occurred_on": "2005-01-01", "data": {"firm": "alpha", "employees": employees}}


def _relocated(location: Any) -> dict[str, Any]:
    return {"type": "firm.relocated", "occurred_on": "2005-01-01", "data": {"firm": "alpha", "location": location}}


def _fx(currency: Any = "EUR", usd_per_unit: Any = "1.1") -> dict[str, Any]:
    return {"type": "fx.rate", "occurred_on": "2005-01-01", "data": {"currency": currency, "usd_per_unit": usd_per_unit}}


def _without(body: dict[str, Any], key: str) -> dict[str, Any]:
    return {k: v for k, v in body.items() if k != key}


def _money(amount: Any, currency: Any = "USD") -> dict[str, Any]:
    return {"amount": amount, "currency": currency}


@pytest.mark.parametrize(
    ("body", "loc", "words"),
    [
        pytest.param({**_round(), "type": "funding.raised"}, ["type"], ("unknown event type", "funding.raised"), id="misspelled"),
        pytest.param({**_round(), "type": ""}, ["type"], ("unknown event type",), id="empty"),
        pytest.param(_without(_round(), "type"), ["type"], ("required",), id="absent"),
    ],
)
def test_unknown_event_type(
    client: TestClient, session_factory: SessionFactory, founded: dict[str, Any], body: dict[str, Any], loc: list[str], words: tuple[str]
) -> None:
    assert_error(rejected(client, session_factory, body, 422), loc, *words)


@pytest.mark.parametrize(
    ("body", "loc"),
    [
        pytest.param(_without(_round(), "occurred_on"), ["occurred_on"], id="occurred_on"),
        pytest.param(_without(_round(), "data"), ["data"], id="data"),
        pytest.param({**_round(), "data": {"firm": "alpha"}}, ["data", "round"], id="round"),
        pytest.param({**_round(), "data": {"round": "seed"}}, ["data", "firm"], id="firm"),
        pytest.param(_round(amount={"currency": "USD"}), ["data", "amount", "amount"], id="money-amount"),
        pytest.param(_round(amount={"amount": "5"}), ["data", "amount", "currency"], id="money-currency"),
        pytest.param(_relocated({"city": "Seoul"}), ["data", "location", "country"], id="location-country"),
        pytest.param({**_fx(), "data": {"currency": "EUR"}}, ["data", "usd_per_unit"], id="fx-rate"),
        pytest.param(
            {"type": "event.retracted", "occurred_on": "2005-01-01", "data": {"event_id": str(uuid.uuid4())}},
            ["data", "reason"],
            id="retraction-reason",
        ),
    ],
)
def test_missing_required_field(
    client: TestClient, session_factory: SessionFactory, founded: dict[str, Any], body: dict[str, Any], loc: list[str]
) -> None:
    assert_error(rejected(client, session_factory, body, 422), loc, "field required")


@pytest.mark.parametrize(
    ("body", "loc", "words"),
    [
        pytest.param(_headcount("12"), ["data", "employees"], ("valid integer",), id="employees-string"),
        pytest.param(_headcount(12.5), ["data", "employees"], ("valid integer",), id="employees-float"),
        pytest.param(_headcount(True), ["data", "employees"], ("valid integer",), id="employees-bool"),
        pytest.param(_headcount([12]), ["data", "employees"], ("valid integer",), id="employees-list"),
        pytest.param(_relocated(["KR", "KR-11"]), ["data", "location"], ("dictionary",), id="location-list"),
        pytest.param(_round(amount=["1000", "USD"]), ["data", "amount"], ("dictionary",), id="money-list"),
        pytest.param({**_round(), "data": ["alpha", "seed"]}, ["data"], ("dictionary",), id="data-list"),
        pytest.param(_round(investors={"investor": "kribb"}), ["data", "investors"], ("valid list",), id="investors-object"),
        pytest.param(_round(round="series_z"), ["data", "round"], ("series_a",), id="round-enum"),
        pytest.param({**_round(), "event_id": "not-a-uuid"}, ["event_id"], ("uuid",), id="event-id"),
        pytest.param({**_round(), "occurred_on": 20050101}, ["occurred_on"], ("iso date",), id="date-number"),
        pytest.param(_round(valuation="1000"), ["data", "valuation"], ("extra inputs",), id="unknown-field"),
    ],
)
def test_mistyped_field(
    client: TestClient, session_factory: SessionFactory, founded: dict[str, Any], body: dict[str, Any], loc: list[str], words: tuple[str]
) -> None:
    assert_error(rejected(client, session_factory, body, 422), loc, *words)


@pytest.mark.parametrize(
    ("body", "loc", "words"),
    [
        pytest.param(_round(amount=_money("-5")), ["data", "amount", "amount"], ("greater than or equal to 0",), id="string"),
        pytest.param(_round(amount=_money(-5)), ["data", "amount", "amount"], ("greater than or equal to 0",), id="number"),
        pytest.param(_round(amount={**_money("5"), "usd": "-1"}), ["data", "amount", "usd"], ("greater than or equal to 0",), id="usd"),
        pytest.param(
            _round(investors=[{"investor": "kribb", "amount": _money("-0.01")}]),
            ["data", "investors", 0, "amount", "amount"],
            ("greater than or equal to 0",),
            id="investor-amount",
        ),
        pytest.param(_headcount(-1), ["data", "employees"], ("greater than or equal to 0",), id="employees"),
        pytest.param(_fx(usd_per_unit="0"), ["data", "usd_per_unit"], ("greater than 0",), id="fx-rate-zero"),
    ],
)
def test_negative_amount(
    client: TestClient, session_factory: SessionFactory, founded: dict[str, Any], body: dict[str, Any], loc: list[str], words: tuple[str]
) -> None:
    assert_error(rejected(client, session_factory, body, 422), loc, *words)


@pytest.mark.parametrize("amount", ["abc", "", "1,000", "12e", "NaN", "Infinity", True, {"value": 1}])
def test_non_numeric_amount(client: TestClient, session_factory: SessionFactory, founded: dict[str, Any], amount: Any) -> None:
    errors = rejected(client, session_factory, _round(amount=_money(amount)), 422)
    assert_error(errors, ["data", "amount", "amount"])
    assert any(w in e["msg"].lower() for e in errors for w in ("decimal", "finite number")), errors


@pytest.mark.parametrize(
    ("body", "loc", "code"),
    [
        pytest.param(_round(amount=_money("5", "EUR1")), ["data", "amount", "currency"], "EUR1", id="money"),
        pytest.param(_round(amount=_money("5", "XYZ")), ["data", "amount", "currency"], "XYZ", id="three-letters"),
        pytest.param(_fx(currency="EUR1"), ["data", "currency"], "EUR1", id="fx-rate"),
    ],
)
def test_unknown_currency(
    client: TestClient, session_factory: SessionFactory, founded: dict[str, Any], body: dict[str, Any], loc: list[str], code: str
) -> None:
    assert_error(rejected(client, session_factory, body, 422), loc, "ISO 4217", code)


def test_rate_for_usd_itself_is_rejected_at_the_currency(client: TestClient, session_factory: SessionFactory) -> None:
    assert_error(rejected(client, session_factory, _fx(currency="usd", usd_per_unit="1"), 422), ["data", "currency"], "USD needs no rate")


@pytest.mark.parametrize(
    ("body", "loc"),
    [
        pytest.param(_relocated({"country": "XX"}), ["data", "location", "country"], id="relocation"),
        pytest.param(
            {**firm_founded("beta"), "data": {**firm_founded("beta")["data"], "location": {"country": "XX"}}},
            ["data", "location", "country"],
            id="founding",
        ),
        pytest.param(
            {
                "type": "actor.registered",
                "occurred_on": "2005-01-01",
                "data": {"id": "x", "name": "X", "kind": "other", "location": {"country": "XX"}},
            },
            ["data", "location", "country"],
            id="actor-location",
        ),
    ],
)
def test_unknown_country(
    client: TestClient, session_factory: SessionFactory, founded: dict[str, Any], body: dict[str, Any], loc: list[str]
) -> None:
    assert_error(rejected(client, session_factory, body, 422), loc, "ISO 3166-1", "XX")


@pytest.mark.parametrize(
    ("location", "words"),
    [
        pytest.param({"country": "KR", "subdivision": "KR-99"}, ("ISO 3166-2", "KR-99"), id="unknown"),
        pytest.param({"country": "KR", "subdivision": "US-CA"}, ("US-CA", "not in country KR"), id="other-country"),
    ],
)
def test_bad_subdivision(
    client: TestClient, session_factory: SessionFactory, founded: dict[str, Any], location: dict[str, str], words: tuple[str]
) -> None:
    assert_error(rejected(client, session_factory, _relocated(location), 422), ["data", "location", "subdivision"], *words)


@pytest.mark.parametrize(
    ("occurred_on", "words"),
    [
        pytest.param("2014-13-01", ("not a calendar date", "2014-13-01"), id="month-13"),
        pytest.param("2014-02-30", ("not a calendar date",), id="feb-30"),
        pytest.param("2014/05/01", ("ISO date",), id="slashes"),
        pytest.param("2014-05-01T00:00:00", ("ISO date",), id="datetime"),
    ],
)
def test_malformed_date(
    client: TestClient, session_factory: SessionFactory, founded: dict[str, Any], occurred_on: str, words: tuple[str]
) -> None:
    assert_error(rejected(client, session_factory, {**_round(), "occurred_on": occurred_on}, 422), ["occurred_on"], *words)


@pytest.mark.parametrize(
    ("data", "loc"),
    [
        pytest.param({"firm": "nobody", "round": "seed"}, ["data", "firm"], id="firm"),
        pytest.param(
            {"firm": "alpha", "round": "seed", "investors": [{"investor": "nobody"}]}, ["data", "investors", 0, "investor"], id="investor"
        ),
    ],
)
def test_funding_round_for_unknown_actor_id(
    client: TestClient, session_factory: SessionFactory, founded: dict[str, Any], data: dict[str, Any], loc: list[str | int]
) -> None:
    body = {"type": "funding.round", "occurred_on": "2005-01-01", "data": data}
    assert_error(rejected(client, session_factory, body, 422), loc, "unknown actor", "nobody")


def test_funding_round_dated_before_founding(client: TestClient, session_factory: SessionFactory, founded: dict[str, Any]) -> None:
    body = {**_round(), "occurred_on": "2001-02-02"}
    assert_error(rejected(client, session_factory, body, 422), ["data", "firm"], f"founded on {FOUNDED_ON}", "2001-02-02")
    # The founding day itself is fine.
    accepted(client, {**_round(), "occurred_on": FOUNDED_ON})


@pytest.mark.parametrize(
    "again",
    [
        pytest.param(firm_founded(), id="identical-body"),
        pytest.param(firm_founded(on="2009-09-09"), id="later-date"),
        pytest.param({**firm_founded(on="1999-01-01"), "data": {"firm": "alpha", "location": {"country": "KR"}}}, id="bare-id"),
    ],
)
def test_founding_the_same_firm_twice(
    client: TestClient, session_factory: SessionFactory, founded: dict[str, Any], again: dict[str, Any]
) -> None:
    assert_error(rejected(client, session_factory, again, 422), ["data", "firm"], "alpha", "already founded")


def test_retracting_an_unknown_event(client: TestClient, session_factory: SessionFactory, founded: dict[str, Any]) -> None:
    target = str(uuid.uuid4())
    body = {"type": "event.retracted", "occurred_on": "2005-01-01", "data": {"event_id": target, "reason": "wrong"}}
    assert_error(rejected(client, session_factory, body, 422), ["data", "event_id"], "unknown event", target)


# ---- batches -----------------------------------------------------------------------------------


def _batch_of_ten() -> list[dict[str, Any]]:
    """Ten valid events, each with its own event_id: a founding (with inline actors) then headcounts."""
    events = [firm_founded("beta", on="2003-01-01")]
    events += [
        {"type": "headcount.reported", "occurred_on": f"2003-02-{i:02d}", "data": {"firm": "beta", "employees": i}} for i in range(1, 10)
    ]
    return [{**e, "event_id": str(uuid.uuid4())} for e in events]


def _with_data(event: dict[str, Any], **data: Any) -> dict[str, Any]:
    return {**event, "data": {**event["data"], **data}}


@pytest.mark.parametrize(
    ("spoil", "loc", "words"),
    [
        pytest.param(lambda e: {**e, "type": "headcount.guessed"}, [6, "type"], ("unknown event type",), id="unknown-type"),
        pytest.param(lambda e: _with_data(e, employees=-6), [6, "data", "employees"], ("greater than or equal to 0",), id="negative"),
        pytest.param(lambda e: _with_data(e, employees="6"), [6, "data", "employees"], ("valid integer",), id="mistyped"),
        pytest.param(lambda e: {**e, "occurred_on": "2003-13-01"}, [6, "occurred_on"], ("not a calendar date",), id="date"),
        pytest.param(lambda e: _with_data(e, firm="nobody"), [6, "data", "firm"], ("unknown actor",), id="unknown-firm"),
        # Before `beta`'s founding, which is event 0 of this very batch.
        pytest.param(lambda e: {**e, "occurred_on": "2002-12-31"}, [6, "data", "firm"], ("founded on 2003-01-01",), id="before-founding"),
    ],
)
def test_batch_with_one_bad_event_writes_nothing(
    client: TestClient, session_factory: SessionFactory, founded: dict[str, Any], spoil: Any, loc: list[str | int], words: tuple[str]
) -> None:
    events = _batch_of_ten()
    bad = [*events[:6], spoil(events[6]), *events[7:]]
    errors = rejected(client, session_factory, {"events": bad}, 422, path="/v1/events/batch")
    assert_error(errors, loc, *words)
    assert all(e["loc"][0] == 6 for e in errors), errors

    # Events 0-5 were valid and came before the bad one: none of them (nor their actors) was kept.
    for event in events[:6]:
        assert client.get(f"/v1/events/{event['event_id']}").status_code == 404
    assert client.get("/v1/actors/beta").status_code == 404
    assert client.get("/v1/actors/beta-founder").status_code == 404

    # Control: the same batch with event 6 intact is accepted whole, with the same event_ids.
    results = accepted(client, {"events": events}, path="/v1/events/batch")["results"]
    assert [r["event_id"] for r in results] == [e["event_id"] for e in events]
    assert [r["seq"] for r in results] == list(range(founded["seq"] + 1, founded["seq"] + 11))


def test_batch_lists_every_bad_event_by_index(client: TestClient, session_factory: SessionFactory, founded: dict[str, Any]) -> None:
    events = _batch_of_ten()
    events[2] = _with_data(events[2], firm="nobody")
    events[6] = _with_data(events[6], firm="nobody")
    errors = rejected(client, session_factory, {"events": events}, 422, path="/v1/events/batch")
    assert sorted(e["loc"][0] for e in errors) == [2, 6]
    assert_error(errors, [2, "data", "firm"], "unknown actor")
    assert_error(errors, [6, "data", "firm"], "unknown actor")


def test_batch_of_more_than_10000_events(client: TestClient, session_factory: SessionFactory, founded: dict[str, Any]) -> None:
    errors = rejected(client, session_factory, {"events": [_fx()] * 10_001}, 422, path="/v1/events/batch")
    assert_error(errors, ["events"], "at most 10000")


def test_empty_batch(client: TestClient, session_factory: SessionFactory, founded: dict[str, Any]) -> None:
    assert_error(rejected(client, session_factory, {"events": []}, 422, path="/v1/events/batch"), ["events"], "at least 1")


# ---- the body itself ---------------------------------------------------------------------------

FIFTY_MB = 50 * 1024 * 1024
JSON = {"content-type": "application/json"}


def _huge_body() -> bytes:
    # Well-formed JSON, so only its size is wrong.
    return b'{"type": "fx.rate", "occurred_on": "2005-01-01", "source": "' + b"x" * FIFTY_MB + b'", "data": {}}'


@pytest.mark.parametrize("path", ["/v1/events", "/v1/events/batch"])
def test_body_over_the_limit(client: TestClient, session_factory: SessionFactory, founded: dict[str, Any], path: str) -> None:
    before = snapshot(session_factory)
    response = client.post(path, content=_huge_body(), headers=JSON)
    assert_error(check_problem(response, 413, before, session_factory), [], "exceeds")


def test_body_over_the_limit_without_content_length(client: TestClient, session_factory: SessionFactory, founded: dict[str, Any]) -> None:
    body = _huge_body()
    chunk = 1024 * 1024
    before = snapshot(session_factory)
    response = client.post("/v1/events", content=(body[i : i + chunk] for i in range(0, len(body), chunk)), headers=JSON)
    assert "content-length" not in response.request.headers  # streamed: the limit is enforced while reading
    assert_error(check_problem(response, 413, before, session_factory), [], "exceeds")


@pytest.mark.parametrize("path", ["/v1/events", "/v1/events/batch"])
def test_malformed_json(client: TestClient, session_factory: SessionFactory, founded: dict[str, Any], path: str) -> None:
    before = snapshot(session_factory)
    response = client.post(path, content=b'{"events": [{"type": "fx.rate", ', headers=JSON)
    errors = check_problem(response, 422, before, session_factory)
    # The whole body is at fault: a character offset must not pass for a field or a batch index.
    assert_error(errors, [], "not valid JSON", "character 32")
