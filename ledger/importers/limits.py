"""Limits of one import: uncompressed bytes of the export and of each file, data rows, and how far
a zip member may be compressed.

A zip archive's sizes are written by whoever made it, so they are checked twice: as declared,
before a byte is read (a zip bomb is refused at once), and as actually read (every stream is
counted and stopped once past the limit, whatever its header said). Limit errors name the file
and the figures, never the file's content.
"""

from __future__ import annotations

import contextlib
import io
import math
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING

from ledger.errors import LedgerError

if TYPE_CHECKING:
    from _typeshed import WriteableBuffer

    from ledger.importers.sources import Source

# A member smaller than this is read whatever its ratio: it cannot hurt, and a small file of
# repeated commas (an org_parents.csv of empty rows) can compress very well.
_RATIO_FLOOR = 1 << 20
_BUFFER = 1 << 16


@dataclass(frozen=True)
class Limits:
    max_bytes: int  # uncompressed bytes of the export's CSV files together
    max_file_bytes: int  # uncompressed bytes of one file
    max_rows: int  # data rows of the export, all files together
    max_compression_ratio: float  # a zip member's uncompressed size over its compressed size


NO_LIMITS = Limits(sys.maxsize, sys.maxsize, sys.maxsize, math.inf)


class ImportLimitExceeded(LedgerError):
    """The export is larger than a background import may be; nothing of it was written."""

    title = "Import limit exceeded"

    def __str__(self) -> str:
        return self.errors[0].msg


def _too_large(what: str, figure: str, limit: str, setting: str) -> ImportLimitExceeded:
    return ImportLimitExceeded(f"{what}: {figure}, over the limit of {limit} (LOOPLEDGER_{setting}); nothing was imported")


def check_declared(source: Source, names: Iterable[str], limits: Limits) -> int:
    """Hold the sizes the files declare to the limits, before reading any; returns their total."""
    total = 0
    for name in sorted(names):
        size, packed = source.sizes(name)
        if packed is not None and size > _RATIO_FLOOR and size > limits.max_compression_ratio * max(packed, 1):
            ratio = f"{size:,} bytes compressed to {packed:,} ({size / max(packed, 1):,.0f} to 1)"
            raise _too_large(name, ratio, f"{limits.max_compression_ratio:g} to 1", "IMPORT_MAX_COMPRESSION_RATIO")
        if size > limits.max_file_bytes:
            raise _too_large(name, f"{size:,} bytes uncompressed", f"{limits.max_file_bytes:,} per file", "IMPORT_MAX_FILE_BYTES")
        total += size
    if total > limits.max_bytes:
        raise _too_large("the export", f"{total:,} bytes uncompressed", f"{limits.max_bytes:,}", "IMPORT_MAX_BYTES")
    return total


class ByteBudget:
    """Bytes actually read in one pass over the export, held to the export's limit."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.read = 0

    def spend(self, count: int) -> None:
        self.read += count
        if self.read > self.limits.max_bytes:
            raise _too_large("the export", f"{self.read:,} bytes read", f"{self.limits.max_bytes:,}", "IMPORT_MAX_BYTES")


def too_many_rows(rows: int, limits: Limits) -> ImportLimitExceeded:
    return _too_large("the export", f"{rows:,} data rows read", f"{limits.max_rows:,} rows", "IMPORT_MAX_ROWS")


@dataclass(frozen=True)
class LimitedSource:
    """A source whose every stream stops with ImportLimitExceeded past the per-file limit."""

    source: Source
    limits: Limits

    @property
    def label(self) -> str:
        return self.source.label

    def names(self) -> set[str]:
        return self.source.names()

    def sizes(self, name: str) -> tuple[int, int | None]:
        return self.source.sizes(name)

    @contextlib.contextmanager
    def open_binary(self, name: str) -> Iterator[IO[bytes]]:
        with self.source.open_binary(name) as raw:
            yield io.BufferedReader(_Counted(raw, name, self.limits.max_file_bytes), buffer_size=_BUFFER)


class _Counted(io.RawIOBase):
    def __init__(self, raw: IO[bytes], name: str, limit: int) -> None:
        super().__init__()
        self._raw, self._name, self._limit = raw, name, limit
        self.count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: WriteableBuffer) -> int:
        view = memoryview(buffer).cast("B")
        data = self._raw.read(len(view))
        view[: len(data)] = data
        self.count += len(data)
        if self.count > self._limit:
            # Reached only when the file holds more than it declared (a lying zip header, a file
            # growing while read): the declared size was checked before.
            raise _too_large(self._name, f"{self.count:,} bytes read", f"{self._limit:,} per file", "IMPORT_MAX_FILE_BYTES")
        return len(data)
