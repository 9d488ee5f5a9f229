"""API keys: 401 without a known key, 403 without the scope, reads opened only by PUBLIC_READ."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from api.app import create_app
from cli.main import app as cli_app
from ledger.config import Settings
from ledger.db import create_db_engine, make_session_factory
from ledger.keys import service as keys_service
from ledger.keys.service import Scope
from tests.api.support import FOUNDED_ON, firm_founded, snapshot
from tests.conftest import authorized, grant

OPEN_PATHS = {"/healthz", "/readyz", "/metrics"}
REGION = {"name": "Daejeon", "members": [{"country": "KR", "subdivision": "KR-30"}]}


@pytest.fixture
def anonymous(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def _protected_operations(client: TestClient) -> list[tuple[str, str]]:
    paths = client.get("/openapi.json").json()["paths"]
    return sorted((method.upper(), path) for path, operations in paths.items() if path not in OPEN_PATHS for method in operations)


def _problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    assert [e["loc"] for e in body["errors"]] == [["header", "Authorization"]], body
    return body


def test_every_route_but_health_refuses_a_caller_without_a_key(anonymous: TestClient) -> None:
    operations = _protected_operations(anonymous)
    assert len(operations) >= 15, operations
    for method, path in operations:
        concrete = re.sub(r"\{[^}]+\}", "x", path)
        response = anonymous.request(method, concrete, json={})
        _problem(response, 401)
        assert response.headers["www-authenticate"] == "Bearer", (method, path)


def test_the_key_is_checked_before_the_body_and_the_parameters(anonymous: TestClient, settings: Settings) -> None:
    """A caller without a key hears 401, not what is wrong with a request it may not make; with a
    key the same requests answer 422 as before."""
    for method, path in _protected_operations(anonymous):
        concrete = re.sub(r"\{[^}]+\}", "x", path)
        broken = anonymous.request(method, concrete, content=b"{not json", headers={"Content-Type": "application/json"})
        _problem(broken, 401)
        _problem(anonymous.get(concrete, params={"limit": "many", "max_depth": "deep"}) if method == "GET" else broken, 401)
    keyed = authorized(anonymous, grant(settings.database_url))
    assert keyed.post("/v1/events/batch", content=b"{not json", headers={"Content-Type": "application/json"}).status_code == 422
    assert keyed.get("/v1/events", params={"limit": "many"}).status_code == 422


def test_health_stays_open(anonymous: TestClient) -> None:
    assert anonymous.get("/healthz").status_code == 200


@pytest.mark.parametrize("header", ["Bearer ll_not-a-key-that-exists-anywhere-0000000", "Basic dXNlcjpwYXNz", "ll_bare-key"])
def test_unknown_keys_and_other_schemes_are_401(anonymous: TestClient, header: str) -> None:
    body = _problem(anonymous.get("/v1/regions", headers={"Authorization": header}), 401)
    assert "key" in body["errors"][0]["msg"]


def test_scopes_include_the_ones_below(anonymous: TestClient, settings: Settings, session_factory: sessionmaker[Session]) -> None:
    keys = {scope: grant(settings.database_url, scope=scope) for scope in Scope}

    def call(scope: Scope, method: str, path: str, body: Any = None) -> Any:
        return anonymous.request(method, path, json=body, headers={"Authorization": f"Bearer {keys[scope]}"})

    before = snapshot(session_factory)
    for scope in Scope:
        assert call(scope, "GET", "/v1/events").status_code == 200, scope
    body = _problem(call(Scope.read, "POST", "/v1/events", firm_founded("alpha")), 403)
    assert "scope write" in body["errors"][0]["msg"]
    _problem(call(Scope.read, "POST", "/v1/events/batch", {"events": [firm_founded("alpha")]}), 403)
    assert snapshot(session_factory) == before
    assert call(Scope.write, "POST", "/v1/events", firm_founded("alpha")).status_code == 201
    _problem(call(Scope.write, "PUT", "/v1/regions/daejeon", REGION), 403)
    _problem(call(Scope.write, "POST", "/v1/recompute", {}), 403)
    _problem(call(Scope.write, "POST", "/v1/imports", {"path": "/etc/passwd"}), 403)
    assert call(Scope.admin, "PUT", "/v1/regions/daejeon", REGION).status_code == 201
    assert call(Scope.admin, "POST", "/v1/events", firm_founded("beta", on=FOUNDED_ON)).status_code == 201


def test_a_revoked_key_is_refused_at_once(anonymous: TestClient, settings: Settings) -> None:
    key = grant(settings.database_url, scope=Scope.read, name="analyst")
    client = authorized(anonymous, key)
    assert client.get("/v1/regions").status_code == 200
    result = CliRunner().invoke(cli_app, ["keys", "revoke", "analyst"], env={"LOOPLEDGER_DATABASE_URL": settings.database_url})
    assert result.exit_code == 0, result.output
    _problem(client.get("/v1/regions"), 401)


def test_public_read_opens_reads_and_never_writes(settings: Settings, session_factory: sessionmaker[Session]) -> None:
    with TestClient(create_app(settings.model_copy(update={"public_read": True}))) as anonymous:
        assert anonymous.get("/v1/regions").status_code == 200
        assert anonymous.get("/v1/events").status_code == 200
        before = snapshot(session_factory)
        _problem(anonymous.post("/v1/events", json=firm_founded("alpha")), 401)
        _problem(anonymous.put("/v1/regions/daejeon", json=REGION), 401)
        assert snapshot(session_factory) == before
        # A wrong key is still refused: public reads do not mean any header goes.
        _problem(anonymous.get("/v1/regions", headers={"Authorization": "Bearer ll_wrong-key-0000000000000000000000000"}), 401)


def test_cross_site_form_upload_is_refused_and_queues_nothing(anonymous: TestClient, session_factory: sessionmaker[Session]) -> None:
    # A browser form from another origin can post multipart without a preflight but cannot add
    # an Authorization header: that is what keeps it out.
    response = anonymous.post("/v1/imports", files={"file": ("export.zip", b"PK\x05\x06" + b"\x00" * 18, "application/zip")})
    _problem(response, 401)
    with session_factory() as session:
        assert session.execute(sa.text("SELECT count(*) FROM task")).scalar_one() == 0


def test_the_operator_key_from_the_environment_is_an_admin_key(settings: Settings) -> None:
    key = "ll_operator-key-from-a-docker-secret-0123456789"
    with TestClient(create_app(settings.model_copy(update={"admin_key": SecretStr(key)}))) as anonymous:
        assert authorized(anonymous, key).put("/v1/regions/daejeon", json=REGION).status_code == 201
    # Restarting with another key replaces it: the old one stops working.
    with TestClient(create_app(settings.model_copy(update={"admin_key": SecretStr(key + "-rotated")}))) as anonymous:
        _problem(authorized(anonymous, key).get("/v1/regions"), 401)
        assert authorized(anonymous, key + "-rotated").get("/v1/regions").status_code == 200


def test_a_server_process_that_loses_the_race_for_the_operator_key_starts(postgres_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two server processes store the same operator key at start-up. Here the other process
    commits its row between this one's "is it there?" and its insert, which the insert then
    reports as a name already taken: the start-up looks again and finds the same key.
    PostgreSQL only: on SQLite the first read of the start-up takes the write lock, so the
    other process cannot commit in between."""
    key = "ll_operator-key-raced-by-another-process-0123456789"
    settings = Settings(database_url=postgres_url, broker_url="memory://")
    engine = create_db_engine(postgres_url)
    session_factory = make_session_factory(engine)
    create = keys_service.create

    def winner_commits_first(session: Session, **kwargs: Any) -> str:
        with session_factory() as other, other.begin():
            create(other, **kwargs)
        return create(session, **kwargs)

    monkeypatch.setattr(keys_service, "create", winner_commits_first)
    with TestClient(create_app(settings.model_copy(update={"admin_key": SecretStr(key)}))) as anonymous:
        monkeypatch.undo()
        assert authorized(anonymous, key).put("/v1/regions/daejeon", json=REGION).status_code == 201
    with session_factory() as session:
        assert [k.name for k in keys_service.get_all(session)] == ["admin-from-env"]
    engine.dispose()


def test_keys_cli_prints_the_key_last_and_stores_only_a_hash(settings: Settings, session_factory: sessionmaker[Session]) -> None:
    env = {"LOOPLEDGER_DATABASE_URL": settings.database_url}
    runner = CliRunner()
    created = runner.invoke(cli_app, ["keys", "create", "--name", "ci-bot", "--scope", "write"], env=env)
    assert created.exit_code == 0, created.output
    key = created.stdout.strip().splitlines()[-1]
    assert key.startswith("ll_") and len(key) > 40
    with session_factory() as session:
        stored = " ".join(str(v) for row in session.execute(sa.text("SELECT * FROM api_key")) for v in row)
    assert key not in stored and key[3:] not in stored
    listed = runner.invoke(cli_app, ["keys", "list"], env=env)
    assert "ci-bot" in listed.stdout and "write" in listed.stdout and key not in listed.stdout
    again = runner.invoke(cli_app, ["keys", "create", "--name", "ci-bot", "--scope", "read"], env=env)
    assert again.exit_code == 1 and "exists" in again.output
    missing = runner.invoke(cli_app, ["keys", "revoke", "nobody"], env=env)
    assert missing.exit_code == 1 and "nobody" in missing.output


def test_openapi_declares_the_bearer_scheme_on_every_protected_route(anonymous: TestClient) -> None:
    document = anonymous.get("/openapi.json").json()
    scheme = document["components"]["securitySchemes"]["ApiKey"]
    assert scheme == {"type": "http", "scheme": "bearer", "description": scheme["description"]}
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            if path in OPEN_PATHS:
                assert "security" not in operation, (method, path)
                continue
            assert operation["security"] == [{"ApiKey": []}], (method, path)
            assert {"401", "403"} <= set(operation["responses"]), (method, path)
