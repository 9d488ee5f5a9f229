"""Runtime settings, read from LOOPLEDGER_* environment variables."""

from pathlib import Path

from pydantic import SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="LOOPLEDGER_", env_file=".env", extra="ignore")

    database_url: str = "sqlite:///./loopledger.db"
    # Embedded default: a broker that needs no server (kombu's SQLAlchemy transport on a file).
    broker_url: str = "sqla+sqlite:///./loopledger-broker.db"
    max_body_bytes: int = 16 * 1024 * 1024
    # Future-dated events are rejected beyond today + this many days (events.md).
    future_tolerance_days: int = 1
    log_level: str = "info"
    # Background work: appends wait this long before a catch-up runs, so bursts coalesce.
    dispatch_delay_seconds: float = 0.5
    # Redis redelivers a task a dead worker had taken after this long (longer than any countdown).
    visibility_timeout_seconds: int = 3600
    # Beat re-checks the watermark this often, so work enqueued while the broker was down runs.
    sweep_interval_seconds: float = 15.0
    # A full recompute runs as this many chunks of actors, side by side on the workers there are.
    recompute_chunks: int = 4
    # A catch-up that ends this many events or more behind the log (a bulk load is under way)
    # leaves the metric parts to the catch-up that follows.
    metrics_refresh_max_backlog: int = 2000
    # A worker serves Prometheus metrics on this port (0: none); workers/observability.py.
    worker_metrics_port: int = 0
    # A chain question not answered within this many seconds answers 503 with Retry-After.
    request_deadline_seconds: float = 10.0
    # Reads (GET /v1/...) without an API key; writes always need one.
    public_read: bool = False
    # The operator's admin key, from the environment or a file (a Docker secret): the API makes
    # it the active key named "admin-from-env" when it starts.
    admin_key: SecretStr | None = None
    admin_key_file: Path | None = None

    def operator_key(self) -> str | None:
        if self.admin_key is not None:
            return self.admin_key.get_secret_value()
        if self.admin_key_file is not None:
            return self.admin_key_file.read_text(encoding="utf-8").strip()
        return None
