"""What an attacker's probe found: every answer is a located problem+json, nothing reaches the
database that it cannot hold, and money keeps every digit it was sent with."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from api.app import create_app
from ledger.config import Settings
from tests.api.support import accepted, assert_error, check_problem, firm_founded, rejected, snapshot

SessionFactory = sessionmaker[Session]
JSON = {"content-type": "application/json"}
PROBLEM = "application/problem+json"


@pytest.fixture
def founded(client: TestClient) -> dict[str, Any]:
    """A log holding a founded firm `alpha` and a region `kr`, so 'unchanged' is not 'empty'."""
    assert client.put("/v1/regions/kr", json={"name": "Korea", "members": [{"country": "KR"}]}).status_code == 201
    return accepted(client, firm_founded())


def _round(amount: Any = "5", **extra: Any) -> dict[str, Any]:
    return {
        "type": "funding.round",
        "occurred_on": "2005-01-01",
        "data": {"firm": "alpha", "round": "seed", "amount": {"amount": amount, "currency": "USD"}, **extra},
    }


def _with_number(body: dict[str, Any], number: str) -> bytes:
    """`body` as JSON text with the placeholder amount "N" replaced by a bare JSON number, written
    exactly as given (json.dumps would go through a float)."""
    text = json.dumps(body)
    assert text.count('"N"') == 1
    return text.replace('"N"', number).encode()


def _post_raw(client: TestClient, factory: SessionFactory, body: bytes, status: int, path: str = "/v1/events") -> list[dict[str, Any]]:
    before = snapshot(factory)
    return check_problem(client.post(path, content=body, headers=JSON), status, before, factory)


def _get(client: TestClient, factory: SessionFactory, url: str, status: int = 422) -> list[dict[str, Any]]:
    before = snapshot(factory)
    return check_problem(client.get(url), status, before, factory)


# ---- error shapes ------------------------------------------------------------------------------

UNREADABLE = [
    pytest.param(b"[" * 100_000 + b"]" * 100_000, "nested too deeply", id="deep-nesting"),
    pytest.param(b'{"type": "fx.rate", "occurred_on": ' + b"1" * 5000 + b"}", "more than 4300 digits", id="huge-integer"),
    pytest.param(b'{"type": "fx.rate", "occurred_on": "\xff\xfe"}', "not utf-8", id="bad-utf8"),
    pytest.param(b'{"type": "fx.rate", "occurred_on": "2005-01-01", "data": {"currency": "EUR", "usd_per_unit": NaN}}', "NaN", id="nan"),
]


@pytest.mark.parametrize(("body", "words"), UNREADABLE)
@pytest.mark.parametrize("path", ["/v1/events", "/v1/events/batch"])
def test_unreadable_event_bodies_say_what_is_wrong(
    client: TestClient, session_factory: SessionFactory, founded: dict[str, Any], path: str, body: bytes, words: str
) -> None:
    assert_error(_post_raw(client, session_factory, body, 422, path), [], words)


@pytest.mark.parametrize(("body", "words"), UNREADABLE[:3])
def test_unreadable_bodies_of_other_routes_say_what_is_wrong(
    client: TestClient, session_factory: SessionFactory, founded: dict[str, Any], body: bytes, words: str
) -> None:
    before = snapshot(session_factory)
    response = client.put("/v1/regions/other", content=body, headers=JSON)
    assert_error(check_problem(response, 422, before, session_factory), [], words)
    assert client.get("/v1/regions/other").status_code == 404


def test_unknown_route_is_a_problem(client: TestClient, session_factory: SessionFactory) -> None:
    assert_error(_get(client, session_factory, "/v1/nothing-here", 404), [], "nothing at /v1/nothing-here")


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [
        ("DELETE", "/v1/events", "GET, POST"),
        ("PATCH", "/v1/events/3f0c0b8e-0000-4000-8000-000000000000", "GET"),
        ("POST", "/v1/regions/kr", "GET, PUT"),
        ("PUT", "/healthz", "GET"),
    ],
)
def test_wrong_method_is_a_problem_naming_the_allowed_ones(
    client: TestClient, session_factory: SessionFactory, founded: dict[str, Any], method: str, path: str, allow: str
) -> None:
    before = snapshot(session_factory)
    response = client.request(method, path, json={"name": "x"})
    assert response.headers["allow"] == allow
    assert_error(check_problem(response, 405, before, session_factory), [], method, allow)


def test_body_too_large_is_a_problem(client: TestClient, session_factory: SessionFactory, founded: dict[str, Any]) -> None:
    before = snapshot(session_factory)
    response = client.post("/v1/events", content=b" " * (16 * 1024 * 1024 + 1), headers=JSON)
    assert_error(check_problem(response, 413, before, session_factory), [], "exceeds")


@pytest.fixture
def failing_client(settings: Settings) -> Iterator[TestClient]:
    """The real app plus a route that fails, answered the way a server answers (no re-raise)."""
    app = create_app(settings)

    @app.get("/v1/boom")
    def boom() -> None:
        raise RuntimeError("secret internals: connection string postgresql://user:pw@db")

    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


def test_unhandled_failure_is_a_logged_500_problem_without_internals(
    failing_client: TestClient, session_factory: SessionFactory, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR, logger="api.problems"):
        errors = _get(failing_client, session_factory, "/v1/boom", 500)
    assert errors == [{"loc": [], "msg": "the server failed to answer; the failure is logged"}]
    body = failing_client.get("/v1/boom").text
    assert "secret" not in body and "Traceback" not in body and "RuntimeError" not in body
    logged = [r for r in caplog.records if r.name == "api.problems"]
    assert logged and "GET /v1/boom" in logged[0].getMessage()
    assert logged[0].exc_info is not None and "secret internals" in str(logged[0].exc_info[1])


def test_openapi_documents_problems_for_every_operation(client: TestClient) -> None:
    document = client.get("/openapi.json").json()
    problem_schema = {"schema": {"$ref": "#/components/schemas/Problem"}}
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            for code in ("4XX", "5XX"):
                assert responses[code]["content"] == {PROBLEM: problem_schema}, (method, path, code)
            for code, response in responses.items():
                if code[0] in "45" and path != "/readyz":
                    assert response["content"] == {PROBLEM: problem_schema}, (method, path, code)


# ---- control characters ------------------------------------------------------------------------

CONTROLS = [
    pytest.param("\x00", id="nul"),
    pytest.param("\x1b", id="escape"),
    pytest.param("\x7f", id="del"),
    pytest.param("\x85", id="c1"),
    pytest.param("\n", id="line-feed"),
]


def _actor(name: str) -> dict[str, Any]:
    return {"type": "actor.registered", "occurred_on": "2005-01-01", "data": {"id": "kaist", "name": name, "kind": "university"}}


@pytest.mark.parametrize("char", CONTROLS)
@pytest.mark.parametrize(
    ("build", "loc"),
    [
        pytest.param(lambda c: _actor(f"KA{c}IST"), ["data", "name"], id="registered-name"),
        pytest.param(
            lambda c: firm_founded("beta") | {"data": {**firm_founded("beta")["data"], "firm": {"id": "beta", "name": f"Be{c}ta"}}},
            ["data", "firm", "name"],
            id="inline-firm-name",
        ),
        pytest.param(
            lambda c: {
                "type": "firm.relocated",
                "occurred_on": "2005-01-01",
                "data": {"firm": "alpha", "location": {"country": "KR", "city": f"Se{c}oul"}},
            },
            ["data", "location", "city"],
            id="city",
        ),
        pytest.param(
            lambda c: {"type": "exit.ipo", "occurred_on": "2005-01-01", "data": {"firm": "alpha", "exchange": f"KOS{c}DAQ"}},
            ["data", "exchange"],
            id="exchange",
        ),
    ],
)
def test_control_characters_in_names_are_refused_at_the_field(
    client: TestClient, session_factory: SessionFactory, founded: dict[str, Any], build: Any, loc: list[str], char: str
) -> None:
    errors = rejected(client, session_factory, build(char), 422)
    assert_error(errors, loc, "control character", f"U+{ord(char):04X}")


@pytest.mark.parametrize("char", CONTROLS[:4])
def test_control_characters_in_free_text_are_refused(
    client: TestClient, session_factory: SessionFactory, founded: dict[str, Any], char: str
) -> None:
    body = {**_actor("KAIST"), "source": f"press release{char}2005"}
    assert_error(rejected(client, session_factory, body, 422), ["source"], "control character")
    closed = {"type": "firm.closed", "occurred_on": "2005-01-01", "data": {"firm": "alpha", "reason": f"ran out{char}of cash"}}
    assert_error(rejected(client, session_factory, closed, 422), ["data", "reason"], "control character")


def test_free_text_keeps_tabs_and_line_breaks(client: TestClient, founded: dict[str, Any]) -> None:
    posted = accepted(client, {**_actor("KAIST"), "source": "press release\r\n\tpage 2"})
    assert client.get(f"/v1/events/{posted['event_id']}").json()["source"] == "press release\r\n\tpage 2"


def test_unpaired_surrogate_is_refused(client: TestClient, session_factory: SessionFactory, founded: dict[str, Any]) -> None:
    body = json.dumps(_actor("KA-IST")).replace("KA-IST", "KA\\ud800IST").encode()
    assert_error(_post_raw(client, session_factory, body, 422), ["data", "name"])


def test_control_characters_in_a_batch_are_located_by_index(
    client: TestClient, session_factory: SessionFactory, founded: dict[str, Any]
) -> None:
    events = [_actor("KAIST"), {**_actor("Postech\x00"), "data": {"id": "postech", "name": "Post\x00ech"}}]
    errors = rejected(client, session_factory, {"events": events}, 422, path="/v1/events/batch")
    assert_error(errors, [1, "data", "name"], "U+0000")


@pytest.mark.parametrize(
    ("definition", "loc"),
    [
        pytest.param({"name": "Dae\x00jeon", "members": [{"country": "KR"}]}, ["name"], id="name"),
        pytest.param({"name": "Daejeon", "members": [{"country": "KR", "city": "Dae\x00jeon"}]}, ["members", 0, "city"], id="city"),
        pytest.param({"name": "Daejeon", "members": [{"country": "K\x00R"}]}, ["members", 0, "country"], id="country"),
    ],
)
def test_control_characters_in_a_region_are_refused(
    client: TestClient, session_factory: SessionFactory, founded: dict[str, Any], definition: dict[str, Any], loc: list[str | int]
) -> None:
    before = snapshot(session_factory)
    response = client.put("/v1/regions/daejeon", json=definition)
    assert_error(check_problem(response, 422, before, session_factory), loc)
    assert client.get("/v1/regions/daejeon").status_code == 404


@pytest.mark.parametrize(
    ("url", "loc"),
    [
        pytest.param("/v1/actors?q=al%00pha", ["query", "q"], id="actors-q"),
        pytest.param("/v1/actors?q=al%1Bpha", ["query", "q"], id="actors-q-escape"),
        pytest.param("/v1/actors?cursor=a%00", ["query", "cursor"], id="actors-cursor"),
        pytest.param("/v1/events?actor=al%00pha", ["query", "actor"], id="events-actor"),
        pytest.param("/v1/events?type=fx.rate%00", ["query", "type"], id="events-type"),
        pytest.param("/v1/chains/alpha?cursor=%00", ["query", "cursor"], id="chains-cursor"),
        pytest.param("/v1/regions/kr/metrics?from=2000-01-01%00", ["query", "from"], id="metrics-from"),
        pytest.param("/v1/compare?regions=kr%00", ["query", "regions"], id="compare-regions"),
        pytest.param("/v1/actors?unknown=%00", ["query", "unknown"], id="unknown-parameter"),
        pytest.param("/v1/events/al%00pha", ["path", "event_id"], id="event-id"),
        pytest.param("/v1/actors/al%00pha", ["path", "actor_id"], id="actor-id"),
        pytest.param("/v1/actors/al%00pha/recycling", ["path", "actor_id"], id="recycling"),
        pytest.param("/v1/chains/al%00pha", ["path", "firm_id"], id="chain-root"),
        pytest.param("/v1/lineage/kri%00bb", ["path", "org_id"], id="lineage-root"),
        pytest.param("/v1/regions/k%00r", ["path", "slug"], id="region-slug"),
        pytest.param("/v1/tasks/t%00", ["path", "task_id"], id="task-id"),
        pytest.param("/v1/imports/t%00/rejects", ["path", "task_id"], id="rejects-task-id"),
    ],
)
def test_control_characters_in_parameters_are_refused(
    client: TestClient, session_factory: SessionFactory, founded: dict[str, Any], url: str, loc: list[str]
) -> None:
    assert_error(_get(client, session_factory, url), loc, "control character")


def test_control_characters_in_a_path_parameter_of_a_command_are_refused(
    client: TestClient, session_factory: SessionFactory, founded: dict[str, Any]
) -> None:
    before = snapshot(session_factory)
    response = client.put("/v1/regions/k%00r", json={"name": "Korea", "members": [{"country": "KR"}]})
    assert_error(check_problem(response, 422, before, session_factory), ["path", "slug"], "control character")


def test_control_characters_in_an_import_path_are_refused(
    client: TestClient, session_factory: SessionFactory, founded: dict[str, Any]
) -> None:
    before = snapshot(session_factory)
    response = client.post("/v1/imports", json={"path": "/tmp/ex\x00port"})
    assert_error(check_problem(response, 422, before, session_factory), ["path"], "control character")


# ---- dates and instants ------------------------------------------------------------------------

METRIC_URLS = [
    pytest.param("/v1/regions/kr/metrics?", id="metrics"),
    pytest.param("/v1/regions/kr/metrics/series?from_year=2000&to_year=2001&", id="series"),
    pytest.param("/v1/compare?regions=kr&", id="compare"),
]


@pytest.mark.parametrize("url", METRIC_URLS)
@pytest.mark.parametrize(
    ("as_of", "words"),
    [
        pytest.param("0001-01-01T00:00:00%2B01:00", ("out of range", "UTC"), id="before-year-1-in-utc"),
        pytest.param("9999-12-31T23:59:59-01:00", ("out of range", "UTC"), id="after-year-9999-in-utc"),
        pytest.param("-1", ("ISO 8601",), id="minus-one"),
        pytest.param("0", ("ISO 8601",), id="zero"),
        pytest.param("1700000000", ("ISO 8601",), id="unix-time"),
        pytest.param("0000-01-01T00:00:00Z", (), id="year-0"),
        pytest.param("2020-13-01T00:00:00Z", (), id="month-13"),
    ],
)
def test_as_of_out_of_range_or_not_an_instant(
    client: TestClient, session_factory: SessionFactory, founded: dict[str, Any], url: str, as_of: str, words: tuple[str, ...]
) -> None:
    assert_error(_get(client, session_factory, f"{url}as_of={as_of}"), ["query", "as_of"], *words)


@pytest.mark.parametrize("url", METRIC_URLS)
@pytest.mark.parametrize("as_of", ["0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "2020-01-01T09:00:00%2B09:00"])
def test_as_of_at_the_edges_of_the_calendar(client: TestClient, founded: dict[str, Any], url: str, as_of: str) -> None:
    response = client.get(f"{url}as_of={as_of}")
    assert response.status_code == 200, response.text


@pytest.mark.parametrize("url", [METRIC_URLS[0], METRIC_URLS[2]])
@pytest.mark.parametrize(
    ("query", "loc"),
    [
        pytest.param("from=-1", ["query", "from"], id="from-minus-one"),
        pytest.param("from=0", ["query", "from"], id="from-zero"),
        pytest.param("to=1700000000", ["query", "to"], id="to-unix-time"),
        pytest.param("from=0000-01-01", ["query", "from"], id="from-year-0"),
        pytest.param("to=2020-02-30", ["query", "to"], id="to-feb-30"),
        pytest.param("to=2020-01-01T00:00:00", ["query", "to"], id="to-datetime"),
    ],
)
def test_period_bounds_must_be_iso_dates(
    client: TestClient, session_factory: SessionFactory, founded: dict[str, Any], url: str, query: str, loc: list[str]
) -> None:
    assert_error(_get(client, session_factory, f"{url}{query}"), loc)


@pytest.mark.parametrize("url", [METRIC_URLS[0], METRIC_URLS[2]])
def test_period_at_the_edges_of_the_calendar(client: TestClient, founded: dict[str, Any], url: str) -> None:
    response = client.get(f"{url}from=0001-01-01&to=9999-12-31")
    assert response.status_code == 200, response.text


# ---- amounts -----------------------------------------------------------------------------------


def _stored_amount(client: TestClient, event_id: str) -> str:
    amount: str = client.get(f"/v1/events/{event_id}").json()["data"]["amount"]["amount"]
    return amount


@pytest.mark.parametrize(
    ("number", "stored"),
    [
        ("12345678901234567.89", "12345678901234567.89"),
        ("0.1", "0.1"),
        ("999999999999999999.9999999999", "999999999999999999.9999999999"),
        ("2.5e3", "2500"),
        ("1E+2", "100"),
        ("1.50", "1.5"),
    ],
)
def test_json_number_amounts_are_kept_exactly(client: TestClient, founded: dict[str, Any], number: str, stored: str) -> None:
    response = client.post("/v1/events", content=_with_number(_round("N"), number), headers=JSON)
    assert response.status_code == 201, response.text
    assert _stored_amount(client, response.json()["event_id"]) == stored


@pytest.mark.parametrize(("written", "stored"), [("0.0000001", "0.0000001"), ("3.50", "3.50"), ("N", "12.5")])
def test_royalty_is_stored_in_plain_notation(client: TestClient, founded: dict[str, Any], written: str, stored: str) -> None:
    """Decimal's str() would write 0.0000001 as 1E-7, which an import of the export would refuse."""
    body = {"type": "license.deal", "occurred_on": "2005-01-01", "data": {"licensor": "kribb", "licensee": "alpha", "royalty_pct": written}}
    response = client.post(
        "/v1/events", content=_with_number(body, "1.25e1") if written == "N" else json.dumps(body).encode(), headers=JSON
    )
    assert response.status_code == 201, response.text
    assert client.get(f"/v1/events/{response.json()['event_id']}").json()["data"]["royalty_pct"] == stored


def test_json_number_amounts_in_a_batch_are_kept_exactly(client: TestClient, founded: dict[str, Any]) -> None:
    response = client.post("/v1/events/batch", content=_with_number({"events": [_round("N")]}, "12345678901234567.89"), headers=JSON)
    assert response.status_code == 201, response.text
    assert _stored_amount(client, response.json()["results"][0]["event_id"]) == "12345678901234567.89"


def test_an_exact_replay_with_the_amount_spelled_as_a_number_is_a_duplicate(client: TestClient, founded: dict[str, Any]) -> None:
    first = accepted(client, {**_round("12345678901234567.89"), "event_id": "3f0c0b8e-1111-4000-8000-000000000000"})
    body = _with_number({**_round("N"), "event_id": "3f0c0b8e-1111-4000-8000-000000000000"}, "12345678901234567.89")
    again = client.post("/v1/events", content=body, headers=JSON)
    assert again.status_code == 200, again.text
    assert again.json()["seq"] == first["seq"] and again.json()["duplicate"] is True


@pytest.mark.parametrize(
    ("number", "words"),
    [
        pytest.param("1.5e-400", ("401 decimal places",), id="tiny-exponent"),
        pytest.param("0.00000000001", ("11 decimal places",), id="eleven-decimals"),
        pytest.param("1e30", ("digits",), id="huge-exponent"),
        pytest.param("1234567890123456789", ("digits",), id="nineteen-whole-digits"),
        pytest.param("-0", ("-0",), id="minus-zero"),
        pytest.param("-0.0", ("-0",), id="minus-zero-point-zero"),
        pytest.param("-5", ("greater than or equal to 0",), id="negative"),
    ],
)
def test_json_number_amounts_that_cannot_be_kept_exactly(
    client: TestClient, session_factory: SessionFactory, founded: dict[str, Any], number: str, words: tuple[str, ...]
) -> None:
    errors = _post_raw(client, session_factory, _with_number(_round("N"), number), 422)
    assert_error(errors, ["data", "amount", "amount"], *words)


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        pytest.param("-0", ("-0",), id="minus-zero"),
        pytest.param("-0.00", ("-0",), id="minus-zero-decimals"),
        pytest.param("5_000", ("decimal",), id="underscore"),
        pytest.param(" 5 ", ("decimal",), id="spaces"),
        pytest.param("5\n", ("decimal",), id="line-feed"),
        pytest.param("+5", ("decimal",), id="plus"),
        pytest.param("1e3", ("decimal",), id="exponent"),
        pytest.param("05", ("decimal",), id="leading-zero"),
        pytest.param(".5", ("decimal",), id="no-integer-part"),
        pytest.param("5.", ("decimal",), id="no-fraction-digits"),
        pytest.param("\u0665", ("decimal",), id="arabic-indic-digit"),
        pytest.param("5.00000000000", ("11 decimal places",), id="eleven-decimals"),
    ],
)
def test_loose_amount_strings_are_refused(
    client: TestClient, session_factory: SessionFactory, founded: dict[str, Any], amount: str, words: tuple[str, ...]
) -> None:
    assert_error(rejected(client, session_factory, _round(amount), 422), ["data", "amount", "amount"], *words)


@pytest.mark.parametrize(
    ("build", "loc"),
    [
        pytest.param(
            lambda a: _round("5") | {"data": {**_round("5")["data"], "amount": {"amount": "5", "currency": "EUR", "usd": a}}},
            ["data", "amount", "usd"],
            id="usd",
        ),
        pytest.param(
            lambda a: {"type": "fx.rate", "occurred_on": "2005-01-01", "data": {"currency": "EUR", "usd_per_unit": a}},
            ["data", "usd_per_unit"],
            id="fx-rate",
        ),
        pytest.param(
            lambda a: {
                "type": "license.deal",
                "occurred_on": "2005-01-01",
                "data": {"licensor": "kribb", "licensee": "alpha", "royalty_pct": a},
            },
            ["data", "royalty_pct"],
            id="royalty",
        ),
    ],
)
@pytest.mark.parametrize("amount", ["5_0", " 5", "-0"])
def test_every_decimal_field_has_the_one_canonical_form(
    client: TestClient, session_factory: SessionFactory, founded: dict[str, Any], build: Any, loc: list[str], amount: str
) -> None:
    assert_error(rejected(client, session_factory, build(amount), 422), loc)
