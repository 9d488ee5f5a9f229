"""Background task records: what `GET /v1/tasks/{id}` reports, on either backend."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from ledger.db import json_type


class TaskRecord(SQLModel, table=True):
    __tablename__ = "task"
    __table_args__ = (sa.Index("ix_task_created_at", "created_at"),)

    id: str = Field(sa_column=sa.Column(sa.String(36), primary_key=True))
    kind: str = Field(sa_column=sa.Column(sa.String(40), nullable=False))
    state: str = Field(sa_column=sa.Column(sa.String(20), nullable=False))  # queued|running|succeeded|failed
    progress: float = Field(sa_column=sa.Column(sa.Float, nullable=False))
    message: str | None = Field(default=None, sa_column=sa.Column(sa.Text, nullable=True))
    params: dict[str, Any] = Field(sa_column=sa.Column(json_type(), nullable=False))
    result: dict[str, Any] | None = Field(default=None, sa_column=sa.Column(json_type(), nullable=True))
    error: str | None = Field(default=None, sa_column=sa.Column(sa.Text, nullable=True))
    attempts: int = Field(sa_column=sa.Column(sa.Integer, nullable=False))
    created_at: dt.datetime = Field(sa_column=sa.Column(sa.DateTime(timezone=True), nullable=False))
    started_at: dt.datetime | None = Field(default=None, sa_column=sa.Column(sa.DateTime(timezone=True), nullable=True))
    finished_at: dt.datetime | None = Field(default=None, sa_column=sa.Column(sa.DateTime(timezone=True), nullable=True))
