"""API keys: only a salted hash of each key is stored, never the key itself."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlmodel import Field, SQLModel


class ApiKey(SQLModel, table=True):
    __tablename__ = "api_key"
    __table_args__ = (sa.Index("ix_api_key_revoked_at", "revoked_at"),)

    name: str = Field(sa_column=sa.Column(sa.String(100), primary_key=True))
    scope: str = Field(sa_column=sa.Column(sa.String(10), nullable=False))  # read|write|admin
    salt: str = Field(sa_column=sa.Column(sa.String(64), nullable=False))
    key_hash: str = Field(sa_column=sa.Column(sa.String(128), nullable=False))
    created_at: dt.datetime = Field(sa_column=sa.Column(sa.DateTime(timezone=True), nullable=False))
    revoked_at: dt.datetime | None = Field(default=None, sa_column=sa.Column(sa.DateTime(timezone=True), nullable=True))
