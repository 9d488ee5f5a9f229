"""Answers encoded a slice at a time (api/encoding.py) are byte for byte what pydantic gives for
the whole model, and an answer that breaks its model fails before anything is sent."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from api.encoding import encode
from api.schemas import ChainPublic, RecyclingPublic


def _edge(i: int) -> dict[str, Any]:
    return {
        "from": f"f{i}",
        "to": f"f{i + 1}",
        "vias": 1,
        "hops": 2,
        "kinds": ["capital", "founder"],
        "first_on": "2001-02-28",
        "amount_usd": None if i % 2 else "12.50",
    }


def _hop(i: int) -> dict[str, Any]:
    return {
        "from": f"f{i}",
        "to": f"f{i + 1}",
        "via": "a",
        "kind": "fund",
        "liquidity_on": "2000-01-01",
        "on": "2001-01-01",
        "amount_usd": "1",
        "fund": "u",
        "listed": i % 2 == 0,
    }


def _chain(edges: int) -> dict[str, Any]:
    return {
        "root": {"id": "f0", "name": "Zero — 零"},
        "direction": "downstream",
        "window_years": 10,
        "max_depth": None,
        "region": None,
        "firms": [{"id": f"f{i}", "name": None if i == 3 else f"F{i}", "generation": 1 + i // 3} for i in range(1, edges + 1)],
        "edges": [_edge(i) for i in range(edges)],
        "hops": [_hop(i) for i in range(min(edges, 4))],
        "hops_total": 2 * edges,
        "next_cursor": None,
        "multiplier": edges,
        "local_multiplier": None,
        "seq": 41,
        "stale": False,
        "not_in_the_model": "dropped, as model_validate drops it",
    }


@pytest.mark.parametrize("edges", [0, 1, 3, 4, 7])
@pytest.mark.parametrize("size", [1, 3, 1000])
def test_a_chain_encoded_in_slices_is_the_whole_models_json(edges: int, size: int) -> None:
    content = _chain(edges)
    assert encode(ChainPublic, content, size=size) == ChainPublic.model_validate(content).model_dump_json(by_alias=True).encode()


def test_a_recycling_answer_encoded_in_slices_is_the_whole_models_json() -> None:
    content = {
        "actor": {"id": "a", "name": "A", "type": "person", "kind": None},
        "window_years": 5,
        "liquidity_events": [{"firm": f"f{i}", "on": "2003-03-01", "listed": True} for i in range(5)],
        "reinvestments": [_hop(i) for i in range(5)],
        "reinvestments_total": 5,
        "next_cursor": "abc",
        "recycled": True,
        "downstream": [{"id": f"f{i}", "name": f"F{i}", "generation": 1} for i in range(5)],
        "seq": 9,
        "stale": True,
    }
    whole = RecyclingPublic.model_validate(content).model_dump_json(by_alias=True).encode()
    assert encode(RecyclingPublic, content, size=2) == whole


def test_an_answer_that_breaks_its_model_in_a_later_slice_raises_before_any_byte_is_sent() -> None:
    content = _chain(7)
    del content["edges"][6]["to"]
    with pytest.raises(ValidationError):
        encode(ChainPublic, content, size=2)


def test_a_missing_required_field_raises() -> None:
    content = _chain(2)
    del content["multiplier"]
    with pytest.raises(ValidationError):
        encode(ChainPublic, content, size=2)
