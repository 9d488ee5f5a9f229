"""JSON text to Python with every number exactly as written: money never passes through a float;
and Python to the one canonical JSON text that hashes are made of.

`json.loads` turns 12345678901234567.89 into the float 1.2345678901234568e16 and 1.5e-400 into
0.0 before any validator sees it; here a number with a fraction or an exponent becomes the
Decimal it spells, and the amount validators decide what is acceptable.
"""

from __future__ import annotations

import json
import sys
from decimal import Decimal
from typing import Any

import orjson


class UnreadableJson(ValueError):
    """The text is JSON to Python's parser but not to the standard (NaN, Infinity)."""


def _constant(name: str) -> Any:
    raise UnreadableJson(f"{name} is not a JSON value")


def _integer(text: str) -> int | Decimal:
    # int("-0") is 0; as a Decimal it keeps its sign, so a "-0" amount is refused as such.
    return Decimal(text) if text == "-0" else int(text)


def loads(data: bytes | str) -> Any:
    """Parse JSON (bytes must be UTF-8). Raises json.JSONDecodeError for bad syntax,
    UnicodeDecodeError, RecursionError for nesting deeper than the interpreter's stack allows,
    ValueError for an integer of more digits than Python converts, UnreadableJson for NaN."""
    text = data.decode("utf-8") if isinstance(data, bytes) else data
    return json.loads(text, parse_float=Decimal, parse_int=_integer, parse_constant=_constant)


def unreadable(exc: BaseException, *, what: str = "body") -> str | None:
    """What is wrong with the JSON text (`what`: body, document) whose parsing raised `exc`, for
    the client; None when `exc` is not about the text (syntax errors have their own message)."""
    if isinstance(exc, UnicodeDecodeError):
        return f"{what} is not UTF-8: {exc.reason} at byte {exc.start}"
    if isinstance(exc, RecursionError):
        return f"{what} is nested too deeply (objects and arrays within each other)"
    if isinstance(exc, UnreadableJson):
        return f"{what} is not valid JSON: {exc}"
    if isinstance(exc, ValueError) and "integer string conversion" in str(exc):
        return f"{what} holds an integer of more than {sys.get_int_max_str_digits()} digits"
    return None


def canonical(value: Any) -> bytes:
    """Sorted keys, no spaces, UTF-8 as is: `json.dumps(value, sort_keys=True, separators=(",",
    ":"), ensure_ascii=False)`, the form every stored hash was made with, written by orjson
    (a tenth of the time: each appended event is written three times). orjson refuses what it
    cannot write the same way (integers past 64 bits, unpaired surrogates): those go to the json
    module. Canonical bodies hold no binary floats (amounts are decimal strings), the one thing
    the two spell differently (1e+16 and 1e16)."""
    try:
        return orjson.dumps(value, option=orjson.OPT_SORT_KEYS)
    except TypeError:
        return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
