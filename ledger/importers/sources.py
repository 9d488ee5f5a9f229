"""Where export files come from (a directory or a zip archive) and how one CSV file is read.

Files are streamed row by row; nothing is read whole. A structural problem (not UTF-8, NUL bytes,
wrong delimiter, missing columns, a row with the wrong number of fields, an unterminated quote)
raises MalformedFile naming the file and line.
"""

from __future__ import annotations

import contextlib
import csv
import io
import stat
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO, Protocol

from ledger.errors import InvalidEvent, LedgerError

# Crunchbase descriptions can be long; the csv module's default field limit (128 KiB) is not
# a format rule, so allow 16 MiB per field before calling a file malformed.
csv.field_size_limit(16 * 1024 * 1024)

_CHUNK = 1 << 20
# A physical line is read whole before the csv module sees it, so a file of one endless line (a
# zip bomb of zeros) would be held in memory: stop at twice the field limit instead.
_MAX_LINE_CHARS = 32 * 1024 * 1024


class MalformedFile(LedgerError):
    """A file of the export cannot be read as the CSV it should be; nothing of it is written."""

    title = "Malformed file"

    def __init__(self, file: str, line: int | None, reason: str) -> None:
        self.file, self.line, self.reason = file, line, reason
        where = file if line is None else f"{file}, line {line}"
        super().__init__(f"{where}: {reason}")

    def __str__(self) -> str:
        return self.errors[0].msg


class Source(Protocol):
    """A set of CSV files addressed by base name (organizations.csv, ...)."""

    @property
    def label(self) -> str: ...

    def names(self) -> set[str]: ...

    def sizes(self, name: str) -> tuple[int, int | None]:
        """(uncompressed size as the source declares it, compressed size or None)."""
        ...

    def open_binary(self, name: str) -> contextlib.AbstractContextManager[IO[bytes]]: ...


@dataclass(frozen=True)
class DirectorySource:
    path: Path

    @property
    def label(self) -> str:
        return str(self.path)

    def names(self) -> set[str]:
        # Only regular files in the folder itself: a link could lead out of the import root and
        # a FIFO or device (/dev/zero) would never end.
        return {p.name for p in self.path.iterdir() if _regular(p) and p.suffix.lower() == ".csv"}

    def sizes(self, name: str) -> tuple[int, int | None]:
        return (self.path / name).lstat().st_size, None

    def open_binary(self, name: str) -> contextlib.AbstractContextManager[IO[bytes]]:
        return (self.path / name).open("rb")


@dataclass(frozen=True)
class ZipSource:
    """CSV files inside a zip archive, read in place (no extraction). They may sit in a folder."""

    path: Path
    members: dict[str, str]  # base name -> member name

    @property
    def label(self) -> str:
        return str(self.path)

    def names(self) -> set[str]:
        return set(self.members)

    def sizes(self, name: str) -> tuple[int, int | None]:
        with zipfile.ZipFile(self.path) as archive:
            info = archive.getinfo(self.members[name])
        return info.file_size, info.compress_size

    @contextlib.contextmanager
    def open_binary(self, name: str) -> Iterator[IO[bytes]]:
        with zipfile.ZipFile(self.path) as archive, archive.open(self.members[name]) as stream:
            try:
                yield stream
            except (zipfile.BadZipFile, EOFError, zlib.error):
                # zipfile stops at the size the header declares and then finds the CRC wrong, or
                # the compressed data ends early: the member is not what its header says.
                raise MalformedFile(name, None, "damaged zip member: its data does not match its header") from None


def _regular(path: Path) -> bool:
    try:
        return stat.S_ISREG(path.lstat().st_mode)
    except OSError:
        return False


def server_export(root: Path, given: str) -> Path:
    """The export a server-side import may read: a zip file or a directory under `root`.

    Every refusal says the same thing, so a caller cannot map the server's files (missing,
    directory, device and outside the root all look alike); no file is opened here.
    """
    refused = InvalidEvent(f"no export (a .zip file or a directory of CSV files) at this path under the import root {root}", loc=("path",))
    path = Path(given)
    if not path.is_absolute():
        raise InvalidEvent("give an absolute path on the server", loc=("path",))
    try:
        resolved = path.resolve(strict=True)
        mode = resolved.stat().st_mode
    except (OSError, RuntimeError):
        raise refused from None
    if not resolved.is_relative_to(root.resolve()) or not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
        raise refused
    if stat.S_ISREG(mode) and not zipfile.is_zipfile(resolved):
        raise refused
    return resolved


def open_source(path: Path, anchors: Iterable[str] = ()) -> Source:
    """A directory, or a zip archive whose CSVs are in one folder (the one holding an anchor file)."""
    if path.is_dir():
        return DirectorySource(path)
    if not path.is_file():
        raise MalformedFile(str(path), None, "no such directory or zip archive")
    if not zipfile.is_zipfile(path):
        raise MalformedFile(path.name, None, "not a directory or a zip archive")
    with zipfile.ZipFile(path) as archive:
        csvs = [PurePosixPath(info.filename) for info in archive.infolist() if not info.is_dir() and info.filename.lower().endswith(".csv")]
    folders = {p.parent for p in csvs if p.name in set(anchors)} or {p.parent for p in csvs}
    if len(folders) > 1:
        listing = ", ".join(sorted(str(f) for f in folders))
        raise MalformedFile(path.name, None, f"CSV files in several folders ({listing}); put one export per archive")
    folder = next(iter(folders), PurePosixPath("."))
    return ZipSource(path, {p.name: str(p) for p in csvs if p.parent == folder})


def count_lines(source: Source, name: str, on_read: Callable[[int], None] | None = None) -> int:
    """Newlines in a file, fast (an upper bound of its records, for progress estimates);
    `on_read` is told the bytes of every chunk read."""
    total = 0
    with source.open_binary(name) as raw:
        while chunk := raw.read(_CHUNK):
            total += chunk.count(b"\n")
            if on_read is not None:
                on_read(len(chunk))
    return total


@dataclass(frozen=True)
class Row:
    line: int  # the line on which the record ends (1 = header)
    values: dict[str, str]


class CsvFile:
    """One CSV file of an export, read with its header; `rows()` streams validated records."""

    def __init__(self, source: Source, name: str, required: Iterable[str]) -> None:
        self.source, self.name, self.required = source, name, tuple(required)

    def header(self) -> list[str]:
        with self._reader() as (reader, _):
            return self._header(reader)

    @contextlib.contextmanager
    def _reader(self) -> Iterator[tuple[Iterator[list[str]], list[int]]]:
        line_box = [0]
        with self.source.open_binary(self.name) as raw:
            text = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
            lines = self._checked_lines(text, line_box)
            yield csv.reader(lines, strict=True), line_box

    def _checked_lines(self, text: IO[str], line_box: list[int]) -> Iterator[str]:
        number = 0
        try:
            while line := text.readline(_MAX_LINE_CHARS):
                number += 1
                line_box[0] = number
                if len(line) == _MAX_LINE_CHARS and not line.endswith(("\n", "\r")):
                    raise MalformedFile(self.name, number, f"a line longer than {_MAX_LINE_CHARS:,} characters: not CSV text")
                if "\x00" in line:
                    raise MalformedFile(self.name, number, "contains NUL bytes: a binary file, not CSV text")
                yield line
        except UnicodeDecodeError as exc:
            raise MalformedFile(self.name, number + 1, f"not UTF-8 text (binary or another encoding): {exc.reason}") from None

    def _header(self, reader: Iterator[list[str]]) -> list[str]:
        try:
            header = next(reader)
        except StopIteration:
            raise MalformedFile(self.name, None, "empty file: no header row") from None
        except csv.Error as exc:
            raise MalformedFile(self.name, 1, f"unreadable header: {exc}") from None
        header = [h.strip() for h in header]
        duplicated = sorted({h for h in header if header.count(h) > 1})
        if duplicated:
            raise MalformedFile(self.name, 1, f"duplicate columns in the header: {', '.join(duplicated)}")
        missing = [c for c in self.required if c not in header]
        if missing:
            first = header[0] if len(header) == 1 else ""
            for delimiter, label in ((";", "semicolons"), ("\t", "tabs"), ("|", "pipes")):
                if delimiter in first:
                    raise MalformedFile(self.name, 1, f"wrong delimiter: the header is separated by {label}; expected commas")
            # The header itself is not echoed: the error goes back to whoever queued the import.
            raise MalformedFile(self.name, 1, f"missing required columns: {', '.join(missing)} ({len(header)} columns in the header)")
        return header

    def rows(self) -> Iterator[Row]:
        with self._reader() as (reader, line_box):
            header = self._header(reader)
            width = len(header)
            while True:
                try:
                    fields = next(reader)
                except StopIteration:
                    return
                except csv.Error as exc:
                    raise MalformedFile(self.name, line_box[0], f"broken CSV ({exc}): an unterminated quote or a truncated file") from None
                if not fields:
                    continue  # a blank line
                if len(fields) != width:
                    raise MalformedFile(
                        self.name,
                        line_box[0],
                        f"{len(fields)} fields where the header has {width} (a truncated line, a stray delimiter or unquoted text)",
                    )
                yield Row(line_box[0], dict(zip(header, fields, strict=True)))
