"""Every table of the application, imported in one place for Alembic and the drift test."""

from sqlmodel import SQLModel

import ledger.actors.models
import ledger.events.models
import ledger.projections.models  # noqa: F401

metadata = SQLModel.metadata
