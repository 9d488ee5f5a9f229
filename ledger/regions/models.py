"""Named regions (lists of location patterns), with every revision kept."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from ledger.db import json_type


class Region(SQLModel, table=True):
    __tablename__ = "region"

    slug: str = Field(sa_column=sa.Column(sa.String(64), primary_key=True))
    name: str = Field(sa_column=sa.Column(sa.String(200), nullable=False))
    members: list[dict[str, Any]] = Field(sa_column=sa.Column(json_type(), nullable=False))
    revision: int = Field(sa_column=sa.Column(sa.Integer, nullable=False))
    updated_at: dt.datetime = Field(sa_column=sa.Column(sa.DateTime(timezone=True), nullable=False))


class RegionRevision(SQLModel, table=True):
    """Every definition a region has had, so a past answer can be explained."""

    __tablename__ = "region_revision"

    slug: str = Field(sa_column=sa.Column(sa.String(64), primary_key=True))
    revision: int = Field(sa_column=sa.Column(sa.Integer, primary_key=True, autoincrement=False))
    name: str = Field(sa_column=sa.Column(sa.String(200), nullable=False))
    members: list[dict[str, Any]] = Field(sa_column=sa.Column(json_type(), nullable=False))
    recorded_at: dt.datetime = Field(sa_column=sa.Column(sa.DateTime(timezone=True), nullable=False))
