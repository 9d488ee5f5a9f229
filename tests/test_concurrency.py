"""Concurrent appends over HTTP to a real multi-process server on PostgreSQL.

The log must stay gap-free and hash-chained, every acknowledged event must be in it under the seq
it was acknowledged with, and identical replays racing each other must write exactly once.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from ledger.db import create_db_engine
from ledger.keys import service as keys_service
from tests.log_checks import assert_chain_intact, assert_recorded_at_never_decreases, log_rows

ROOT = Path(__file__).resolve().parent.parent
WRITERS = 8
EVENTS_PER_WRITER = 200
REPLAYED_EVENTS = 4
REPLAYERS_PER_EVENT = 6
# Both uvicorn workers make this the operator key at start-up (they race to store it).
ADMIN_KEY = keys_service.generate()
AUTH = {"Authorization": f"Bearer {ADMIN_KEY}"}
CURRENCIES = ("KRW", "JPY", "EUR", "GBP")


@dataclass(frozen=True)
class Ack:
    event_id: str
    status: int
    seq: int
    duplicate: bool


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _wait_until_healthy(base_url: str, server: subprocess.Popen[bytes], log: Path, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"server exited with {server.returncode}:\n{log.read_text()}")
        try:
            if httpx.get(f"{base_url}/healthz", timeout=1.0).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    pytest.fail(f"server not healthy after {timeout}s:\n{log.read_text()}")


@pytest.fixture
def server(postgres_url: str, tmp_path: Path) -> Iterator[str]:
    """`uvicorn --workers 2` on a free port against a fresh PostgreSQL database; always stopped."""
    port = _free_port()
    log = tmp_path / "uvicorn.log"
    env = {**os.environ, "LOOPLEDGER_DATABASE_URL": postgres_url, "LOOPLEDGER_BROKER_URL": "memory://", "LOOPLEDGER_ADMIN_KEY": ADMIN_KEY}
    command = [
        sys.executable, "-m", "uvicorn", "--factory", "api.app:app_from_env",
        "--workers", "2", "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning",
    ]  # fmt: skip
    with log.open("wb") as out:
        # Own process group: if the supervisor does not stop in time, its workers go with it.
        proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        base_url = f"http://127.0.0.1:{port}"
        _wait_until_healthy(base_url, proc, log)
        yield base_url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def _fx_event(writer: int, index: int) -> dict[str, Any]:
    return {
        "event_id": str(uuid.uuid4()),
        "type": "fx.rate",
        "occurred_on": f"2010-01-{writer + 1:02d}",
        "source": f"writer {writer}",
        "data": {"currency": CURRENCIES[index % len(CURRENCIES)], "usd_per_unit": f"0.{writer + 1}{index:04d}"},
    }


def _post(client: httpx.Client, event: dict[str, Any]) -> Ack:
    response = client.post("/v1/events", json=event)
    assert response.status_code in (200, 201), response.text
    body = response.json()
    assert body["event_id"] == event["event_id"]
    return Ack(event_id=body["event_id"], status=response.status_code, seq=body["seq"], duplicate=body["duplicate"])


@pytest.mark.timeout(120)
def test_concurrent_appends_and_racing_replays_keep_the_log_exact(server: str, postgres_url: str) -> None:
    replayed = [_fx_event(WRITERS, i) for i in range(REPLAYED_EVENTS)]
    start = threading.Barrier(WRITERS + REPLAYED_EVENTS * REPLAYERS_PER_EVENT, timeout=30)

    def write(writer: int) -> list[Ack]:
        with httpx.Client(base_url=server, timeout=30.0, headers=AUTH) as client:
            start.wait()
            return [_post(client, _fx_event(writer, i)) for i in range(EVENTS_PER_WRITER)]

    def replay(event: dict[str, Any]) -> Ack:
        with httpx.Client(base_url=server, timeout=30.0, headers=AUTH) as client:
            start.wait()
            return _post(client, event)

    with ThreadPoolExecutor(max_workers=start.parties) as pool:
        writes = [pool.submit(write, w) for w in range(WRITERS)]
        replays = {e["event_id"]: [pool.submit(replay, e) for _ in range(REPLAYERS_PER_EVENT)] for e in replayed}
        written = [ack for future in writes for ack in future.result()]
        raced = {event_id: [f.result() for f in futures] for event_id, futures in replays.items()}

    assert len(written) == WRITERS * EVENTS_PER_WRITER
    assert all(ack.status == 201 and not ack.duplicate for ack in written)
    for event_id, acks in raced.items():
        assert sorted(ack.status for ack in acks) == [200] * (REPLAYERS_PER_EVENT - 1) + [201], event_id
        assert sum(not ack.duplicate for ack in acks) == 1, event_id
        assert len({ack.seq for ack in acks}) == 1, f"replays of {event_id} answered different seqs"

    acknowledged = {ack.event_id: ack.seq for ack in written} | {event_id: acks[0].seq for event_id, acks in raced.items()}
    expected = WRITERS * EVENTS_PER_WRITER + REPLAYED_EVENTS
    assert len(acknowledged) == expected
    assert len(set(acknowledged.values())) == expected, "two events were acknowledged with the same seq"

    engine = create_db_engine(postgres_url)
    try:
        with engine.connect() as conn:
            rows = log_rows(conn)
    finally:
        engine.dispose()
    assert [row.seq for row in rows] == list(range(1, expected + 1))
    assert {row.event_id: row.seq for row in rows} == acknowledged
    assert_chain_intact(rows)
    assert_recorded_at_never_decreases(rows)
