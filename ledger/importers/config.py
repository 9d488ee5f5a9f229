"""Where uploaded archives and reject files of background imports are kept (LOOPLEDGER_IMPORT_DIR),
and where server-side exports may be read from (LOOPLEDGER_IMPORT_ROOT).

The API writes uploads there and the worker reads them, so in a multi-container deployment it
must be a volume both see.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict


class ImportSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="LOOPLEDGER_", env_file=".env", extra="ignore")

    import_dir: Path = Path(tempfile.gettempdir()) / "loopledger-imports"
    # Server-side import paths (POST /v1/imports {"path": ...}) are refused unless this is set,
    # and then only exports under it are read.
    import_root: Path | None = None

    def directory(self) -> Path:
        self.import_dir.mkdir(parents=True, exist_ok=True)
        return self.import_dir
