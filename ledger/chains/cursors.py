"""Opaque page cursors: the sort key of the last item a page gave out, as url-safe base64 JSON."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from typing import Any

from ledger.errors import InvalidEvent


def encode(key: tuple[Any, ...]) -> str:
    return base64.urlsafe_b64encode(json.dumps([k.isoformat() if isinstance(k, dt.date) else k for k in key]).encode()).decode()


def decode(cursor: str, shape: tuple[type, ...]) -> tuple[Any, ...]:
    """The key a cursor holds, each part of the type `shape` gives (dates from ISO strings)."""
    try:
        parts = json.loads(base64.urlsafe_b64decode(cursor.encode()))
        if not isinstance(parts, list) or len(parts) != len(shape):
            raise ValueError("wrong shape")
        out: list[Any] = []
        for kind, part in zip(shape, parts, strict=True):
            if kind is dt.date:
                out.append(dt.date.fromisoformat(part))
            elif isinstance(part, kind) and not (kind is int and isinstance(part, bool)):
                out.append(part)
            else:
                raise ValueError("wrong part")
        return tuple(out)
    except (ValueError, TypeError, binascii.Error, json.JSONDecodeError, UnicodeDecodeError):
        raise InvalidEvent("not a cursor this route gave out", loc=("query", "cursor")) from None
