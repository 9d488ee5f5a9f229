"""Large answers checked and encoded in slices.

FastAPI validates and encodes a route's answer in single calls into pydantic-core, which hold
the interpreter lock throughout: for a hub firm's chain on a million-event ledger (3.3 million
edges) that is over a minute in which the process answers nothing, and uvicorn's supervisor
kills it for missing its health check. Here each long list is validated and encoded a slice at a
time, so other threads (the health check, other requests) run between slices. Every slice is
encoded before the response starts, so an answer that breaks its model is still a 500, not a
truncated 200.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import cache
from typing import Any, get_origin

from fastapi import Response
from pydantic import BaseModel, TypeAdapter

SLICE = 2_000


@cache
def _adapter(annotation: Any) -> TypeAdapter[Any]:
    return TypeAdapter(annotation)


def _value(annotation: Any, value: Any, size: int) -> bytes:
    adapter = _adapter(annotation)
    if get_origin(annotation) is not list or len(value) <= size:
        return adapter.dump_json(adapter.validate_python(value), by_alias=True)
    slices = (adapter.dump_json(adapter.validate_python(value[i : i + size]), by_alias=True)[1:-1] for i in range(0, len(value), size))
    return b"[" + b",".join(slices) + b"]"


def encode(model: type[BaseModel], content: Mapping[str, Any], *, size: int = SLICE) -> bytes:
    """`model.model_validate(content).model_dump_json(by_alias=True)`, one slice of each list at a time."""
    parts = []
    for name, field in model.model_fields.items():
        key = field.alias or name
        value = content[key] if key in content else content.get(name, field.get_default(call_default_factory=True))
        parts.append(json.dumps(key).encode() + b":" + _value(field.annotation, value, size))
    return b"{" + b",".join(parts) + b"}"


def json_response(model: type[BaseModel], content: Mapping[str, Any]) -> Response:
    """The answer as `model`, encoded by `encode`; the route still declares `model` for OpenAPI."""
    return Response(encode(model, content), media_type="application/json")
