"""Stored metric sets, keyed by their parameters; live ones follow the log, as-of ones are fixed."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from ledger.db import json_type


class MetricSnapshot(SQLModel, table=True):
    __tablename__ = "metric_snapshot"
    __table_args__ = (sa.Index("ix_metric_snapshot_region_slug_live", "region_slug", "live"),)

    # slug|from|to|window|live-or-as_of_seq: one row per distinct question.
    key: str = Field(sa_column=sa.Column(sa.String(200), primary_key=True))
    region_slug: str = Field(sa_column=sa.Column(sa.String(64), nullable=False))
    region_revision: int = Field(sa_column=sa.Column(sa.Integer, nullable=False))
    from_on: dt.date = Field(sa_column=sa.Column(sa.Date, nullable=False))
    to_on: dt.date = Field(sa_column=sa.Column(sa.Date, nullable=False))
    window_years: int = Field(sa_column=sa.Column(sa.SmallInteger, nullable=False))
    # Live snapshots answer "as of now" and are refreshed after new events; the others are
    # answers as of a past seq, which later events cannot change.
    live: bool = Field(sa_column=sa.Column(sa.Boolean, nullable=False))
    as_of_seq: int | None = Field(default=None, sa_column=sa.Column(sa.BigInteger, nullable=True))
    seq: int = Field(sa_column=sa.Column(sa.BigInteger, nullable=False))
    values: dict[str, Any] = Field(sa_column=sa.Column(json_type(), nullable=False))
    computed_at: dt.datetime = Field(sa_column=sa.Column(sa.DateTime(timezone=True), nullable=False))
