"""Runtime settings, read from LOOPLEDGER_* environment variables."""

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
