"""Random event sequences through the HTTP API, some events spoiled on the way: no answer is a
5xx, a rejected request leaves the log exactly as it was, an accepted one adds what it says."""

from __future__ import annotations

import copy
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import given, settings
from hypothesis import strategies as st

from api.app import create_app
from ledger.config import Settings
from tests.api.support import snapshot
from tests.conftest import authorized, grant
from tests.ledger.histories import HYPOTHESIS_SETTINGS, Step, factory_for, histories, play_prelude

EXAMPLES = 30


def _strings(node: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], str]]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _strings(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _strings(value, (*path, index))
    elif isinstance(node, str):
        yield path, node


def _set(node: Any, path: tuple[Any, ...], value: Any) -> None:
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value


SPOILERS = (
    "no type",
    "unknown type",
    "impossible date",
    "year zero",
    "data not an object",
    "control character",
    "unknown actor",
    "loose amount",
    "id clash",
)


def _spoil(draw: st.DrawFn, event: dict[str, Any], earlier: list[dict[str, Any]]) -> tuple[dict[str, Any], bool]:
    """A copy of `event` broken in one of the ways a careless or hostile client breaks events, and
    whether it is sure to be refused (an id clash is not: the earlier event may have been refused)."""
    spoiled = copy.deepcopy(event)
    how = draw(st.sampled_from(SPOILERS))
    strings = [(p, s) for p, s in _strings(spoiled["data"])]
    if how == "no type":
        del spoiled["type"]
    elif how == "unknown type":
        spoiled["type"] = "firm.teleported"
    elif how == "impossible date":
        spoiled["occurred_on"] = "2001-02-30"
    elif how == "year zero":
        spoiled["occurred_on"] = "0000-01-01"
    elif how == "data not an object":
        spoiled["data"] = []
    elif how == "control character" and strings:
        path, text = draw(st.sampled_from(strings))
        _set(spoiled["data"], path, text[:1] + draw(st.sampled_from(["\x00", "\x07", "\x1b", "\x7f"])) + text[1:])
    elif how == "unknown actor" and strings:
        path, _ = draw(st.sampled_from(strings))
        _set(spoiled["data"], path, {"no": "such ref"})
    elif how == "loose amount":
        amounts = [p for p, _ in strings if p[-1] == "amount"]
        if not amounts:
            spoiled["data"] = {"amount": "1"}
        else:
            _set(spoiled["data"], draw(st.sampled_from(amounts)), draw(st.sampled_from(["-0", "5_000", " 5 ", "1e400", "NaN", "-5"])))
    elif earlier:  # id clash: a known event_id with another body
        spoiled["event_id"] = draw(st.sampled_from(earlier))["event_id"]
        spoiled["occurred_on"] = "2001-01-01" if spoiled["occurred_on"] != "2001-01-01" else "2002-01-01"
        return spoiled, False
    else:
        spoiled["occurred_on"] = "not a date"
    return spoiled, True


@st.composite
def requests(draw: st.DrawFn) -> list[tuple[str, Any, bool]]:
    """(path, body, spoiled) in order: single posts and batches of a random history, where about
    one event in four is spoiled (a spoiled event spoils its whole batch)."""
    history: list[Step] = draw(histories())
    out: list[tuple[str, Any, bool]] = []
    sent: list[dict[str, Any]] = []
    i = 0
    while i < len(history):
        size = draw(st.integers(1, 3))
        events, spoiled = [], False
        for step in history[i : i + size]:
            if draw(st.integers(0, 3)) == 0:
                event, sure = _spoil(draw, step.event, sent)
                events.append(event)
                spoiled = spoiled or sure
            else:
                events.append(step.event)
        if len(events) == 1 and draw(st.booleans()):
            out.append(("/v1/events", events[0], spoiled))
        else:
            out.append(("/v1/events/batch", {"events": events}, spoiled))
        if events != [s.event for s in history[i : i + size]]:
            # Send the good version afterwards, so the rest of the history still makes sense.
            out.append(("/v1/events/batch", {"events": [s.event for s in history[i : i + size]]}, False))
        sent += [s.event for s in history[i : i + size]]
        i += size
    return out


@pytest.fixture(scope="module")
def universe(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path) -> Path:
    path = tmp_path_factory.mktemp("http-universe") / "universe.db"
    shutil.copy(sqlite_template, path)
    play_prelude(f"sqlite:///{path}")
    return path


@given(sequence=requests())
@settings(max_examples=EXAMPLES, **HYPOTHESIS_SETTINGS)
def test_random_sequences_never_5xx_and_a_rejection_changes_nothing(universe: Path, sequence: list[tuple[str, Any, bool]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "ledger.db"
        shutil.copy(universe, path)
        url = f"sqlite:///{path}"
        with factory_for(url) as factory, TestClient(create_app(Settings(database_url=url, broker_url="memory://"))) as client:
            authorized(client, grant(url))
            for route, body, spoiled in sequence:
                before = snapshot(factory)
                response = client.post(route, json=body)
                assert response.status_code < 500, (route, body, response.text)
                after = snapshot(factory)
                if response.status_code >= 400:
                    assert response.headers["content-type"].startswith("application/problem+json"), response.text
                    assert response.json()["errors"], response.text
                    assert after == before, (route, body, response.text)
                    continue
                assert not spoiled, (route, body, response.text)
                answered = response.json()["results"] if route.endswith("batch") else [response.json()]
                new = [a for a in answered if not a["duplicate"]]
                assert [row[0] for row in after[len(before) :]] == [a["seq"] for a in new]
                assert after[: len(before)] == before
