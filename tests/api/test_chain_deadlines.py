"""A slow chain question is bounded by its deadline and does not hold up other readers.

The search is slowed down on purpose (each level of the frontier sleeps first), standing for a
hub firm's chain on a large ledger."""

from __future__ import annotations

import concurrent.futures
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from ledger.chains import core, frontier
from ledger.config import Settings
from tests.conftest import authorized, grant


def _slowed(monkeypatch: pytest.MonkeyPatch, seconds: float) -> None:
    """Each level of the search (one gather of hop ranges) sleeps first."""
    real: Callable[..., Any] = core.spans

    def slow(*args: Any, **kwargs: Any) -> Any:
        time.sleep(seconds)
        return real(*args, **kwargs)

    monkeypatch.setattr(frontier, "spans", slow)


def _read_core(client: TestClient) -> None:
    """Ask until the engine has read the ledger, as a client honouring Retry-After would: the
    first read may outlast a short deadline, and goes on for the next question."""
    for _ in range(60):
        response = client.get("/v1/chains/alpha")
        if response.status_code == 200:
            return
        assert response.status_code == 503, response.text
        time.sleep(0.5)
    raise AssertionError("the chain engine never read the ledger")


@pytest.fixture
def loaded(settings: Settings, worked_example: dict[str, Any]) -> Iterator[Callable[[float], TestClient]]:
    """The worked example in a ledger, and an app on it with a given request deadline."""
    key = grant(settings.database_url)
    stack: list[TestClient] = []

    def app(deadline: float) -> TestClient:
        client = authorized(TestClient(create_app(settings.model_copy(update={"request_deadline_seconds": deadline}))), key)
        stack.append(client.__enter__())
        if len(stack) == 1:
            response = client.post("/v1/events/batch", json={"events": worked_example["events"]})
            assert response.status_code == 201, response.text
        return client

    yield app
    for client in stack:
        client.__exit__(None, None, None)


def test_a_question_past_its_deadline_answers_503_with_retry_after(
    loaded: Callable[[float], TestClient], monkeypatch: pytest.MonkeyPatch
) -> None:
    client = loaded(1.0)
    _read_core(client)
    _slowed(monkeypatch, 1.5)
    started = time.monotonic()
    response = client.get("/v1/chains/alpha")
    took = time.monotonic() - started
    assert response.status_code == 503, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert int(response.headers["retry-after"]) > 0
    assert "deadline" in response.json()["detail"]
    assert took < 4.0  # stopped at the next level, not at the end of the search
    hops = client.get("/v1/chains/alpha/hops")
    assert hops.status_code == 503 and "retry-after" in hops.headers


def test_a_slow_chain_does_not_stop_a_hundred_small_reads(loaded: Callable[[float], TestClient], monkeypatch: pytest.MonkeyPatch) -> None:
    client = loaded(30.0)
    _read_core(client)
    _slowed(monkeypatch, 0.5)  # alpha's chain: 4 levels, 2 s
    small = ["/v1/actors/p1", "/v1/regions", "/v1/events?limit=5", "/v1/actors/alpha", "/healthz"]
    with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
        started = time.monotonic()
        hub = pool.submit(client.get, "/v1/chains/alpha")
        time.sleep(0.2)  # the chain is under way

        def read(path: str) -> tuple[int, float]:
            t = time.monotonic()
            return client.get(path).status_code, time.monotonic() - t

        reads = list(pool.map(read, [small[i % len(small)] for i in range(100)]))
        reads_done = time.monotonic() - started
        chain = hub.result()
        chain_done = time.monotonic() - started
    assert chain.status_code == 200 and chain.json()["multiplier"] == 4
    assert [status for status, _ in reads] == [200] * 100
    assert reads_done < chain_done, (reads_done, chain_done)  # answered while the chain was searched
    assert max(took for _, took in reads) < 2.0
