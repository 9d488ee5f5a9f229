"""Helpers for tests that post bad input: the answer is a located problem and the log is untouched."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from tests.conftest import log_snapshot

FOUNDED_ON = "2001-02-03"


def firm_founded(firm_id: str = "alpha", on: str = FOUNDED_ON, **extra: Any) -> dict[str, Any]:
    """A valid firm.founded registering the firm, a founder person and an origin lab inline."""
    return {
        "type": "firm.founded",
        "occurred_on": on,
        "data": {
            "firm": {"id": firm_id, "name": firm_id.title()},
            "location": {"country": "KR", "subdivision": "KR-30", "city": "Daejeon"},
            "founders": [{"id": f"{firm_id}-founder", "type": "person", "name": "Founder"}],
            "origins": [{"org": {"id": "kribb", "name": "KRIBB", "kind": "research_institute"}, "relation": "spin_off"}],
        },
        **extra,
    }


def accepted(client: TestClient, body: dict[str, Any], path: str = "/v1/events") -> dict[str, Any]:
    response = client.post(path, json=body)
    assert response.status_code == 201, response.text
    out: dict[str, Any] = response.json()
    return out


def snapshot(session_factory: sessionmaker[Session]) -> list[tuple[Any, ...]]:
    with session_factory() as session:
        return log_snapshot(session)


def rejected(
    client: TestClient,
    session_factory: sessionmaker[Session],
    body: Any,
    status: int,
    path: str = "/v1/events",
) -> list[dict[str, Any]]:
    """Post `body`, check the answer is a `status` problem+json with errors and the log did not change."""
    before = snapshot(session_factory)
    response = client.post(path, json=body)
    return check_problem(response, status, before, session_factory)


def check_problem(
    response: Any,
    status: int,
    before: list[tuple[Any, ...]],
    session_factory: sessionmaker[Session],
) -> list[dict[str, Any]]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    problem = response.json()
    assert problem["status"] == status
    assert problem["errors"], problem
    assert all(set(e) == {"loc", "msg"} and isinstance(e["loc"], list) and e["msg"] for e in problem["errors"]), problem
    assert snapshot(session_factory) == before
    errors: list[dict[str, Any]] = problem["errors"]
    return errors


def assert_error(errors: list[dict[str, Any]], loc: list[str | int], *words: str) -> None:
    """Some error is located exactly at `loc` and its message contains every one of `words`."""
    at_loc = [e["msg"] for e in errors if e["loc"] == loc]
    assert at_loc, f"no error at {loc}: {errors}"
    assert any(all(w.lower() in msg.lower() for w in words) for msg in at_loc), f"no message at {loc} mentions {words}: {at_loc}"
