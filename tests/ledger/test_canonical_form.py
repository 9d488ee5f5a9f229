"""The canonical text every hash is made of stays the json module's form, byte for byte, now that
orjson writes it: a ledger written before keeps verifying, replays keep matching."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from bench import ledgers
from ledger import exact_json
from ledger.events import canonical
from ledger.events.schemas import EventBatch

# What a canonical body can hold: JSON without binary floats (amounts are decimal strings).
_SCALARS = st.none() | st.booleans() | st.integers(min_value=-(2**70), max_value=2**70) | st.text()
_JSON = st.recursive(_SCALARS, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4), max_leaves=20)


def _reference(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


@settings(max_examples=300, deadline=None)
@given(_JSON)
def test_any_json_value_is_written_as_the_json_module_writes_it(value: Any) -> None:
    assert exact_json.canonical(value) == _reference(value)


def test_every_body_of_a_generated_ledger_hashes_as_before() -> None:
    events = EventBatch.model_validate({"events": ledgers.generate(2000)["events"]}).events
    for event in events:
        body = canonical.canonical_body(event)
        assert exact_json.canonical(body) == _reference(body)
