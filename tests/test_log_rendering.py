"""A person at a terminal reads aligned lines; a pipe or a file gets one JSON object per line."""

from __future__ import annotations

import io
import json
import logging
import sys
from collections.abc import Iterator

import pytest
import structlog

from ledger.logs import configure_logging


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture
def restore_logging() -> Iterator[None]:
    yield
    configure_logging("warning")


def _written(stream: io.StringIO, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setattr(sys, "stderr", stream)
    configure_logging("info")
    structlog.get_logger("tests.logs").info("catch-up done", region="daejeon", api_key="ll_secret")
    logging.getLogger("tests.stdlib").warning("a stdlib line")
    monkeypatch.undo()
    return stream.getvalue()


@pytest.mark.usefixtures("restore_logging")
def test_a_terminal_gets_readable_lines(monkeypatch: pytest.MonkeyPatch) -> None:
    text = _written(_Terminal(), monkeypatch)
    lines = text.strip().splitlines()
    assert len(lines) == 2
    assert "catch-up done" in lines[0] and "daejeon" in lines[0] and "a stdlib line" in lines[1]
    assert not lines[0].lstrip().startswith("{")
    assert "ll_secret" not in text  # secrets are redacted whatever the rendering


@pytest.mark.usefixtures("restore_logging")
def test_anything_else_gets_json_lines(monkeypatch: pytest.MonkeyPatch) -> None:
    records = [json.loads(line) for line in _written(io.StringIO(), monkeypatch).strip().splitlines()]
    assert [r["event"] for r in records] == ["catch-up done", "a stdlib line"]
    assert records[0]["region"] == "daejeon" and records[0]["api_key"] == "[redacted]"
