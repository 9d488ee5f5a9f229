"""The OpenAPI document is the contract: requests generated from it (schemathesis, bounded, fixed
seed) never get a 5xx, and every answer matches the status codes, content types, headers and
schemas the document declares."""

from __future__ import annotations

import json
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from schemathesis import checks
from schemathesis.core.result import Ok

from api.app import create_app
from ledger.config import Settings
from tests.conftest import ROOT, authorized, grant

# Per operation; ~25 operations, so the whole run stays near a minute on 2 cores.
EXAMPLES = 25
CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_headers_conformance,
    checks.response_schema_conformance,
]


@pytest.fixture
def loaded(settings: Settings) -> Any:
    """The app on a ledger holding the worked example (so ids in generated paths sometimes exist)."""
    app = create_app(settings)
    with TestClient(app) as client:
        key = grant(settings.database_url)
        authorized(client, key)
        doc = json.loads((ROOT / "examples" / "worked-example.json").read_text())
        for slug, region in doc.get("regions", {}).items():
            assert client.put(f"/v1/regions/{slug}", json=region).status_code == 201
        assert client.post("/v1/events/batch", json={"events": doc["events"]}).status_code == 201
        yield app, {"Authorization": f"Bearer {key}"}


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_generated_requests_get_documented_answers_and_no_5xx(loaded: Any) -> None:
    app, headers = loaded
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    failures: list[str] = []
    results = list(schema.get_all_operations())
    assert all(isinstance(result, Ok) for result in results), [r for r in results if not isinstance(r, Ok)]
    operations = [result.ok() for result in results if isinstance(result, Ok)]
    assert len(operations) >= 18

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES,
            derandomize=True,
            database=None,
            deadline=None,
            suppress_health_check=list(HealthCheck),
        )
        def run(case: Any) -> None:
            case.call_and_validate(headers=headers, checks=CHECKS)

        try:
            run()
        except Exception as exc:  # collect every operation's failure, then report them all
            failures.append(f"{operation.method.upper()} {operation.path}: {exc}")
    assert not failures, "\n\n".join(failures)
