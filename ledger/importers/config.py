"""Where uploaded archives and reject files of background imports are kept (LOOPLEDGER_IMPORT_DIR),
where server-side exports may be read from (LOOPLEDGER_IMPORT_ROOT), and the limits a background
import runs under.

The API writes uploads there and the worker reads them, so in a multi-container deployment it
must be a volume both see.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from ledger.importers.limits import Limits

GIB = 1024**3


class ImportSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="LOOPLEDGER_", env_file=".env", extra="ignore")

    import_dir: Path = Path(tempfile.gettempdir()) / "loopledger-imports"
    # Server-side import paths (POST /v1/imports {"path": ...}) are refused unless this is set,
    # and then only exports under it are read.
    import_root: Path | None = None

    # Limits of one background import (docs/import.md, "Limits"). The defaults leave several
    # times the room a full Crunchbase bulk export of 1.7 million rows (about 1 GB of CSV) needs,
    # and stop an archive that would fill the worker's disk or keep it busy for hours.
    import_max_bytes: int = Field(default=8 * GIB, gt=0)  # uncompressed CSV bytes of one export
    import_max_file_bytes: int = Field(default=4 * GIB, gt=0)  # uncompressed bytes of one CSV file
    import_max_rows: int = Field(default=5_000_000, gt=0)  # data rows of one export, all files
    # A zip member this many times larger than its compressed size is refused unread. CSV text
    # deflates about 4-10 times; a zip bomb 1,000 times.
    import_max_compression_ratio: float = Field(default=100.0, gt=1)
    # Celery soft time limit of one import; the hard limit kills the worker process a minute later.
    import_time_limit_seconds: float = Field(default=3000.0, gt=0)
    # The task record's progress is written at most this often.
    import_progress_interval_seconds: float = Field(default=1.0, ge=0)

    def directory(self) -> Path:
        self.import_dir.mkdir(parents=True, exist_ok=True)
        return self.import_dir

    def limits(self) -> Limits:
        return Limits(
            max_bytes=self.import_max_bytes,
            max_file_bytes=self.import_max_file_bytes,
            max_rows=self.import_max_rows,
            max_compression_ratio=self.import_max_compression_ratio,
        )
