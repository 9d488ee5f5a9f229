"""A malformed file stops the import with a clear message, and nothing from it is written."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from ledger.importers.crunchbase import import_crunchbase
from ledger.importers.sources import MalformedFile
from tests.conftest import log_snapshot
from tests.importers.conftest import BULK, FIXTURES, copy_of


def _log(factory: sessionmaker[Session]) -> list[tuple[object, ...]]:
    with factory() as session:
        return log_snapshot(session)


def test_truncated_line_in_the_committed_fixture(session_factory: sessionmaker[Session], tmp_path: Path) -> None:
    rejects = tmp_path / "rejects.csv"
    with pytest.raises(MalformedFile) as caught:
        import_crunchbase(session_factory, FIXTURES / "bulk_malformed", rejects_path=rejects)
    assert (caught.value.file, caught.value.line) == ("funding_rounds.csv", 5)
    assert "6 fields where the header has 14" in caught.value.reason
    assert _log(session_factory) == []
    assert not rejects.exists()


def _semicolons(export: Path) -> None:
    path = export / "funding_rounds.csv"
    path.write_text(path.read_text().replace(",", ";"))


def _binary(export: Path) -> None:
    (export / "ipos.csv").write_bytes(b"PK\x03\x04\x14\x00\x00\x00\x08\x00\xff\xfe\x00\x00binary")


def _nul_bytes(export: Path) -> None:
    path = export / "jobs.csv"
    path.write_text(path.read_text() + "j9,x,p-dan,Dan,o-acme,Acme,CEO\x00,executive,2015-01-01,,true\n")


def _unterminated_quote(export: Path) -> None:
    with (export / "acquisitions.csv").open("a") as out:
        out.write('a-cut,"BigCo acquires,o-gamma\n')


def _extra_field(export: Path) -> None:
    with (export / "investments.csv").open("a") as out:
        out.write("v99,x,r-acme-a,o-redwood,Redwood Ventures,organization,true,surplus\n")


def _missing_column(export: Path) -> None:
    path = export / "funding_rounds.csv"
    path.write_text(path.read_text().replace("announced_on", "announced"))


def _empty(export: Path) -> None:
    (export / "people.csv").write_text("")


@pytest.mark.parametrize(
    ("damage", "file", "fragment"),
    [
        (_semicolons, "funding_rounds.csv", "wrong delimiter: the header is separated by semicolons"),
        (_binary, "ipos.csv", "not UTF-8 text"),
        (_nul_bytes, "jobs.csv", "contains NUL bytes"),
        (_unterminated_quote, "acquisitions.csv", "unterminated quote or a truncated file"),
        (_extra_field, "investments.csv", "8 fields where the header has 7"),
        (_missing_column, "funding_rounds.csv", "missing required columns: announced_on"),
        (_empty, "people.csv", "empty file"),
    ],
)
def test_malformed_file_stops_before_anything_is_written(
    session_factory: sessionmaker[Session], tmp_path: Path, damage: Callable[[Path], None], file: str, fragment: str
) -> None:
    import_crunchbase(session_factory, BULK)
    before = _log(session_factory)
    export = copy_of(BULK, tmp_path)
    (export / "funding_rounds.csv").write_text(
        (export / "funding_rounds.csv").read_text() + "r-new,Series C - Acme Bio,o-acme,Acme Bio,series_c,2017-07-07,1,,,,USA,CA,,0\n"
    )
    damage(export)
    with pytest.raises(MalformedFile) as caught:
        import_crunchbase(session_factory, export)
    assert caught.value.file == file
    assert fragment in str(caught.value)
    assert _log(session_factory) == before  # not even the new round of the well-formed files


def test_a_directory_without_an_export(session_factory: sessionmaker[Session], tmp_path: Path) -> None:
    (tmp_path / "notes.csv").write_text("a,b\n1,2\n")
    with pytest.raises(MalformedFile, match=r"neither organizations\.csv .* nor companies\.csv"):
        import_crunchbase(session_factory, tmp_path)
