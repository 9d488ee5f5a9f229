"""Metric parts: one region's numbers for one calendar year and window, as the workers computed them.

A period of whole years, a series or a comparison combines stored parts (ledger/metrics/parts.py);
a new event refreshes only the parts of the regions and years it touches.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from ledger.db import json_type


class MetricPart(SQLModel, table=True):
    __tablename__ = "metric_part"

    region_slug: str = Field(sa_column=sa.Column(sa.String(64), primary_key=True))
    window_years: int = Field(sa_column=sa.Column(sa.SmallInteger, primary_key=True, autoincrement=False))
    year: int = Field(sa_column=sa.Column(sa.SmallInteger, primary_key=True, autoincrement=False))
    # The region definition and the log seq the part was computed for: a part of another
    # revision is never served; one behind the log is served as stale.
    region_revision: int = Field(sa_column=sa.Column(sa.Integer, nullable=False))
    seq: int = Field(sa_column=sa.Column(sa.BigInteger, nullable=False))
    values: dict[str, Any] = Field(sa_column=sa.Column(json_type(), nullable=False))
    computed_at: dt.datetime = Field(sa_column=sa.Column(sa.DateTime(timezone=True), nullable=False))
