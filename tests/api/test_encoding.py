"""Answers encoded a slice at a time (api/encoding.py) are byte for byte what pydantic gives for
the whole model, and an answer that breaks its model fails before anything is sent."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from api.encoding import encode
from api.schemas import RecyclingPublic


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


def _recycling(hops: int) -> dict[str, Any]:
    return {
        "actor": {"id": "a", "name": "Zero — 零", "type": "person", "kind": None},
        "window_years": 5,
        "liquidity_events": [{"firm": f"f{i}", "on": "2003-03-01", "listed": True} for i in range(hops)],
        "reinvestments": [_hop(i) for i in range(hops)],
        "reinvestments_total": hops,
        "next_cursor": "abc",
        "recycled": True,
        "downstream": [{"id": f"f{i}", "name": None if i == 3 else f"F{i}", "generation": 1 + i // 3} for i in range(hops)],
        "downstream_total": hops,
        "seq": 9,
        "stale": True,
        "not_in_the_model": "dropped, as model_validate drops it",
    }


@pytest.mark.parametrize("hops", [0, 1, 3, 4, 7])
@pytest.mark.parametrize("size", [1, 3, 1000])
def test_a_recycling_answer_encoded_in_slices_is_the_whole_models_json(hops: int, size: int) -> None:
    content = _recycling(hops)
    whole = RecyclingPublic.model_validate(content).model_dump_json(by_alias=True).encode()
    assert encode(RecyclingPublic, content, size=size) == whole


def test_an_answer_that_breaks_its_model_in_a_later_slice_raises_before_any_byte_is_sent() -> None:
    content = _recycling(7)
    del content["reinvestments"][6]["to"]
    with pytest.raises(ValidationError):
        encode(RecyclingPublic, content, size=2)


def test_a_missing_required_field_raises() -> None:
    content = _recycling(2)
    del content["recycled"]
    with pytest.raises(ValidationError):
        encode(RecyclingPublic, content, size=2)
