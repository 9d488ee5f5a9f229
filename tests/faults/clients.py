"""Clients that keep posting through a fault: every event is sent with a fixed event_id and body
until some answer acknowledges it (2xx), and every answer is recorded for the checks after."""

from __future__ import annotations

import threading
import time
import uuid
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import httpx

from tests.faults.conftest import AUTH

# After a failed attempt: short, so the test ends soon after the service returns, but no busy loop.
RETRY_PAUSE_SECONDS = 0.05


# Two regions: a catch-up refreshes the metric parts only of the regions new events touch, so
# the parts of the other must stay exact without being recomputed.
REGIONS = {"daejeon": "KR-30", "seoul": "KR-11"}


def put_regions(client: httpx.Client) -> None:
    for slug, subdivision in REGIONS.items():
        definition = {"name": slug, "members": [{"country": "KR", "subdivision": subdivision}]}
        response = client.put(f"/v1/regions/{slug}", json=definition)
        assert response.is_success, response.text


def event_id(scope: str, index: int) -> str:
    """A fixed event_id: the same event posted again is an identical replay."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"loopledger-tests/faults/{scope}/{index}"))


def with_ids(events: Sequence[dict[str, Any]], scope: str) -> list[dict[str, Any]]:
    return [{**e, "event_id": event_id(scope, i)} for i, e in enumerate(events)]


@dataclass
class Tally:
    """Shared by the client threads: what the test's main thread waits on."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    acknowledged: int = 0
    failed: int = 0

    def add(self, *, acknowledged: int = 0, failed: int = 0) -> None:
        with self.lock:
            self.acknowledged += acknowledged
            self.failed += failed


@dataclass
class Outcome:
    """One client's record: the seq of each event's first 2xx, every seq any 2xx gave, and how
    the attempts ended (HTTP status or transport error name)."""

    first_ack: dict[str, int] = field(default_factory=dict)
    acked_seqs: dict[str, set[int]] = field(default_factory=dict)
    answers: Counter[str] = field(default_factory=Counter)

    def merge(self, other: Outcome) -> Outcome:
        assert not self.first_ack.keys() & other.first_ack.keys(), "two clients posted the same event"
        return Outcome(self.first_ack | other.first_ack, self.acked_seqs | other.acked_seqs, self.answers + other.answers)

    @property
    def failures(self) -> int:
        return sum(n for answer, n in self.answers.items() if answer not in ("200", "201"))

    def _ack(self, event_id: str, seq: int) -> None:
        self.first_ack.setdefault(event_id, seq)
        self.acked_seqs.setdefault(event_id, set()).add(seq)


class Poster:
    """One client (one connection pool) posting until acknowledged or `deadline` (monotonic)."""

    def __init__(self, base_url: str, tally: Tally, *, deadline: float, timeout: float = 30.0) -> None:
        self.client = httpx.Client(base_url=base_url, headers=AUTH, timeout=timeout)
        self.tally = tally
        self.deadline = deadline
        self.outcome = Outcome()

    def __enter__(self) -> Poster:
        return self

    def __exit__(self, *_: object) -> None:
        self.client.close()

    def _attempt(self, path: str, body: dict[str, Any]) -> httpx.Response | None:
        try:
            response = self.client.post(path, json=body)
        except httpx.TransportError as exc:
            self.outcome.answers[type(exc).__name__] += 1
            return None
        self.outcome.answers[str(response.status_code)] += 1
        return response

    def _failed(self, what: str) -> None:
        self.tally.add(failed=1)
        if time.monotonic() > self.deadline:
            raise AssertionError(f"{what} still not acknowledged at the deadline; answers so far: {dict(self.outcome.answers)}")
        time.sleep(RETRY_PAUSE_SECONDS)

    def _post_once(self, event: dict[str, Any]) -> int | None:
        """One POST /v1/events: its seq when acknowledged (and recorded as such), else None."""
        response = self._attempt("/v1/events", event)
        if response is None or not response.is_success:
            return None
        body = response.json()
        assert body["event_id"] == event["event_id"], body
        self.outcome._ack(event["event_id"], body["seq"])
        self.tally.add(acknowledged=1)
        return int(body["seq"])

    def post_one(self, event: dict[str, Any]) -> int:
        """POST /v1/events until a 2xx; returns its seq."""
        while (seq := self._post_once(event)) is None:
            self._failed(f"event {event['event_id']}")
        return seq

    def post_batch(self, events: Sequence[dict[str, Any]]) -> list[int]:
        """POST /v1/events/batch until a 2xx; returns the seqs in order."""
        while True:
            response = self._attempt("/v1/events/batch", {"events": list(events)})
            if response is not None and response.is_success:
                results = response.json()["results"]
                assert [r["event_id"] for r in results] == [e["event_id"] for e in events]
                for r in results:
                    self.outcome._ack(r["event_id"], r["seq"])
                self.tally.add(acknowledged=len(results))
                return [int(r["seq"]) for r in results]
            self._failed(f"batch starting with {events[0]['event_id']}")

    def post_all_independent(self, events: Sequence[dict[str, Any]]) -> Outcome:
        """Events that do not depend on each other: go round the unacknowledged ones until none
        is left (a failed event is retried on the next round, with the same id and body)."""
        pending = list(events)
        while pending:
            missed: list[dict[str, Any]] = []
            for event in pending:
                if self._post_once(event) is None:
                    missed.append(event)
                    self._failed(f"event {event['event_id']}")
            pending = missed
        return self.outcome

    def post_in_order(self, events: Sequence[dict[str, Any]], *, batch_every: int = 5, batch_size: int = 20) -> Outcome:
        """Events that refer to earlier ones, in order: mostly single posts, and every
        `batch_every`-th step a batch of the next `batch_size`; each retried until acknowledged."""
        position = 0
        step = 0
        while position < len(events):
            step += 1
            if step % batch_every == 0:
                chunk = events[position : position + batch_size]
                self.post_batch(chunk)
                position += len(chunk)
            else:
                self.post_one(events[position])
                position += 1
        return self.outcome
