"""Every read that reports `seq`/`stale` answers from one consistent snapshot (issue 8, part 3).

A catch-up that commits while a chain is being read must not give an answer that combines hops
from before it with the watermark from after it ("stale: false" with a hop missing). The test
lets a catch-up commit right after the request's k-th SQL statement, for every k: the answer
must then be either stale (and without the new hop) or fresh (and with it).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from tests.metrics.support import SOURCE, catch_up, load_example, post_event

# p1 (liquid since alpha's IPO in 2005) founds kappa in 2008: a new hop alpha -> kappa at depth 1.
KAPPA = {
    "type": "firm.founded",
    "occurred_on": "2008-06-01",
    "source": SOURCE,
    "data": {"firm": {"id": "kappa", "name": "Kappa"}, "location": {"country": "KR", "subdivision": "KR-30"}, "founders": ["p1"]},
}


@contextmanager
def catch_up_after_statement(client: TestClient, k: int) -> Iterator[list[int]]:
    """Run a catch-up (committed in its own transaction) right after the k-th statement that the
    request issues; yields a list holding how many statements ran."""
    engine = client.app.state.engine  # type: ignore[attr-defined]
    seen = [0]
    busy = [False]

    def after(*_: Any) -> None:
        if busy[0]:
            return
        seen[0] += 1
        if seen[0] == k:
            busy[0] = True
            try:
                catch_up(client)
            finally:
                busy[0] = False

    sa.event.listen(engine, "after_cursor_execute", after)
    try:
        yield seen
    finally:
        sa.event.remove(engine, "after_cursor_execute", after)


def _consistent(client: TestClient, path: str, has_new_hop: Callable[[dict[str, Any]], bool], k: int) -> int:
    with catch_up_after_statement(client, k) as seen:
        response = client.get(path)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["stale"] is not has_new_hop(body), f"after statement {k}: stale={body['stale']} but new hop seen={has_new_hop(body)}"
    return seen[0]


@pytest.mark.parametrize("k", range(1, 13))
def test_a_chain_is_stale_or_complete_whatever_commits_during_the_read(client: TestClient, worked_example: dict[str, Any], k: int) -> None:
    load_example(client, worked_example)
    catch_up(client)
    post_event(client, KAPPA)
    statements = _consistent(client, "/v1/chains/alpha", lambda body: "kappa" in {f["id"] for f in body["firms"]}, k)
    assert statements >= 2  # the read takes several statements: the interleaving is real


@pytest.mark.parametrize("k", range(1, 9))
def test_an_actors_recycling_is_stale_or_complete(client: TestClient, worked_example: dict[str, Any], k: int) -> None:
    load_example(client, worked_example)
    catch_up(client)
    post_event(client, KAPPA)
    _consistent(client, "/v1/actors/p1/recycling", lambda body: "kappa" in {h["to"] for h in body["reinvestments"]}, k)
