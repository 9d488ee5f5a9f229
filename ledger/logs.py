"""Log lines on stderr for every process (API, worker, beat), stdlib loggers included: JSON, or
aligned and coloured for a person when stderr is a terminal (`make demo`, a command run by hand).

structlog renders every record, including those of uvicorn, Celery and this project's
`logging.getLogger(__name__)` loggers, through one ProcessorFormatter on the root logger. Values
bound with `structlog.contextvars` (the HTTP request id, a task's id) join every line written
while they are bound, whichever logger writes it.
"""

from __future__ import annotations

import logging
import re
import sys
from typing import Any, TextIO

import structlog
from structlog.typing import EventDict, Processor, WrappedLogger

# The context key of the HTTP request id, and the Celery message header carrying it to a task.
REQUEST_ID = "request_id"

# Secrets never reach a log line, whoever passes them: values under these keys are replaced.
SECRET_KEYS = frozenset({"authorization", "api_key", "apikey", "x-api-key", "x_api_key", "admin_key", "key", "password", "secret", "token"})
REDACTED = "[redacted]"
# A credential pasted into a message (an exception quoting a header, say) is masked as well.
_BEARER = re.compile(r"(?i)\b(bearer|basic)\s+[^\s\"',;]+")

_HANDLER_NAME = "loopledger-json"
# uvicorn's logging config gives these handlers of their own that do not propagate; without those
# their records reach the root handler and come out as JSON like everything else.
_OWN_HANDLERS = ("uvicorn", "uvicorn.error", "uvicorn.access")


def _redact(_: WrappedLogger, __: str, event_dict: EventDict) -> EventDict:
    for name in event_dict:
        if name.lower() in SECRET_KEYS:
            event_dict[name] = REDACTED
    event = event_dict.get("event")
    if isinstance(event, str):
        event_dict["event"] = _BEARER.sub(lambda m: f"{m.group(1)} {REDACTED}", event)
    return event_dict


class _Stderr(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever sys.stderr is when a record is emitted, not when the handler was made
    (a test's capture replaced and closed since would otherwise swallow or break every line)."""

    @property  # type: ignore[override]
    def stream(self) -> TextIO:
        return sys.stderr

    @stream.setter
    def stream(self, _: Any) -> None:
        pass


def _rendering(stream: TextIO) -> list[Processor]:
    """A person at a terminal reads aligned, coloured lines with readable tracebacks; anything
    else (a file, a pipe, a log collector) gets one JSON object per line."""
    if stream.isatty():
        return [structlog.dev.ConsoleRenderer()]
    return [structlog.processors.format_exc_info, structlog.processors.JSONRenderer()]


def configure_logging(level: str = "info") -> None:
    """Lines on stderr at `level` (the `log_level` setting): JSON, one object per line, unless
    stderr is a terminal, where structlog's console renderer writes them for reading. Calling it
    again replaces its handler; handlers others put on the root logger (pytest's) stay."""
    shared: list[Processor] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        _redact,
    ]
    structlog.configure(
        processors=[structlog.stdlib.filter_by_level, *shared, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=shared,
        processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, *_rendering(sys.stderr)],
    )
    handler = _Stderr()
    handler.set_name(_HANDLER_NAME)
    handler.setFormatter(formatter)
    root = logging.getLogger()
    for old in [h for h in root.handlers if h.get_name() == _HANDLER_NAME]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level.upper())
    # Alembic narrates each revision at INFO; `loopledger db upgrade` prints its own one-line
    # result, and in a process that also runs commands those lines would mix into their output.
    logging.getLogger("alembic").setLevel(logging.WARNING)
    for name in _OWN_HANDLERS:
        logger = logging.getLogger(name)
        # A logger without handlers that does not propagate was switched off (uvicorn's
        # access_log=False): it stays off.
        if logger.handlers:
            logger.handlers.clear()
            logger.propagate = True
