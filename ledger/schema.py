"""Every table of the application, imported in one place for Alembic and the drift test."""

from sqlmodel import SQLModel

import ledger.actors.models
import ledger.chains.models
import ledger.events.models
import ledger.keys.models
import ledger.metrics.models
import ledger.projections.archive
import ledger.projections.models
import ledger.regions.models
import ledger.tasks.models  # noqa: F401

metadata = SQLModel.metadata
