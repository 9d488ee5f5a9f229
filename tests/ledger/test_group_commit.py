"""Group commit: single appends waiting together share one transaction; each caller hears only of
its own event, once it is committed, and one client's bad event never fails another's."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.orm import Session, sessionmaker

from ledger.errors import InvalidEvent
from ledger.events import service as events_service
from ledger.events.group import Committed, GroupCommitter
from ledger.events.schemas import EVENT_ADAPTER
from tests.conftest import log_snapshot


def _founded(firm: str) -> Any:
    return EVENT_ADAPTER.validate_python(
        {"type": "firm.founded", "occurred_on": "2001-01-01", "data": {"firm": {"id": firm, "name": firm.upper()}, "founders": []}}
    )


def _round(firm: str) -> Any:
    return EVENT_ADAPTER.validate_python({"type": "funding.round", "occurred_on": "2002-01-01", "data": {"firm": firm, "round": "seed"}})


def test_a_group_commits_together_and_refuses_only_the_bad_event(session_factory: sessionmaker[Session]) -> None:
    committer = GroupCommitter(session_factory)
    try:
        # Queued before the committer runs: they wait together and go as one group.
        futures = [committer.submit(e) for e in (_founded("a"), _round("nobody"), _founded("b"), _round("a"))]
        answers = [f.exception(timeout=30) or f.result() for f in futures]
    finally:
        committer.close()
    bad = answers[1]
    assert isinstance(bad, InvalidEvent)
    assert [e.loc for e in bad.errors] == [("data", "firm")]  # located in its own event, no group index
    good = [a for i, a in enumerate(answers) if i != 1 and isinstance(a, Committed)]
    assert len(good) == 3
    assert [a.appended.seq for a in good] == [1, 2, 3]  # gap-free, in arrival order
    assert [a.dispatch for a in good] == [True, False, False]  # one catch-up for the whole group
    with session_factory() as session:
        assert [row[0] for row in log_snapshot(session)] == [1, 2, 3]
        assert events_service.head_seq(session) == 3


def test_replays_within_and_across_groups_are_duplicates(session_factory: sessionmaker[Session]) -> None:
    event = _founded("a").model_copy(update={"event_id": "9d3c8a0e-0000-4000-8000-000000000001"})
    committer = GroupCommitter(session_factory)
    try:
        first, again = (f.result(timeout=30) for f in [committer.submit(event), committer.submit(event)])
        later = committer.append(event)
    finally:
        committer.close()
    assert (first.appended.duplicate, again.appended.duplicate, later.appended.duplicate) == (False, True, True)
    assert first.appended.seq == again.appended.seq == later.appended.seq == 1


@pytest.mark.parametrize("clients", [16])
def test_concurrent_clients_all_get_their_own_answer(session_factory: sessionmaker[Session], clients: int) -> None:
    import concurrent.futures

    committer = GroupCommitter(session_factory)
    try:
        with concurrent.futures.ThreadPoolExecutor(clients) as pool:
            results = list(pool.map(lambda i: committer.append(_founded(f"f{i}")).appended.seq, range(200)))
    finally:
        committer.close()
    assert sorted(results) == list(range(1, 201))
