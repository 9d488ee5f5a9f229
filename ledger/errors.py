"""Domain errors. Adapters map them to transport codes (422, 409, 404); the domain knows no HTTP."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

Loc = tuple[str | int, ...]


@dataclass(frozen=True)
class ErrorItem:
    loc: Loc
    msg: str

    def prefixed(self, *prefix: str | int) -> ErrorItem:
        return ErrorItem(loc=(*prefix, *self.loc), msg=self.msg)


class LedgerError(Exception):
    """Base: carries field-located messages so a client can see what to fix."""

    title = "Ledger error"

    def __init__(self, errors: Sequence[ErrorItem] | str, *, loc: Loc = ()) -> None:
        if isinstance(errors, str):
            errors = [ErrorItem(loc=loc, msg=errors)]
        self.errors: list[ErrorItem] = list(errors)
        super().__init__("; ".join(f"{'.'.join(map(str, e.loc)) or '<root>'}: {e.msg}" for e in self.errors))


class InvalidEvent(LedgerError):
    """The input breaks the contract or a lifecycle rule; nothing was written."""

    title = "Invalid event"


class Conflict(LedgerError):
    """The input contradicts what the ledger already holds (id clash, re-registration, double retraction)."""

    title = "Conflict with the ledger"


class NotFound(LedgerError):
    title = "Not found"


class Overloaded(LedgerError):
    """The question could not be answered within its deadline; asking again later may succeed."""

    title = "Over its deadline"
    retry_after_seconds = 5
