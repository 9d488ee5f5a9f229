"""The append-only log and its bookkeeping tables."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from ledger.db import json_type


class EventRow(SQLModel, table=True):
    """One fact, never updated or deleted (a database trigger enforces it on both backends)."""

    __tablename__ = "event"
    __table_args__ = (sa.Index("ix_event_type_seq", "type", "seq"),)

    seq: int = Field(sa_column=sa.Column(sa.BigInteger, primary_key=True, autoincrement=False))
    event_id: str = Field(sa_column=sa.Column(sa.String(36), nullable=False, unique=True))
    type: str = Field(sa_column=sa.Column(sa.String(40), nullable=False))
    occurred_on: dt.date = Field(sa_column=sa.Column(sa.Date, nullable=False, index=True))
    recorded_at: dt.datetime = Field(sa_column=sa.Column(sa.DateTime(timezone=True), nullable=False, index=True))
    source: str | None = Field(default=None, sa_column=sa.Column(sa.Text, nullable=True))
    data: dict[str, Any] = Field(sa_column=sa.Column(json_type(), nullable=False))
    # sha256 of the canonical body: the idempotency fingerprint of event_id.
    body_hash: str = Field(sa_column=sa.Column(sa.String(64), nullable=False))
    # sha256 over the previous row's chain_hash and this row: tamper evidence for `verify`.
    chain_hash: str = Field(sa_column=sa.Column(sa.String(64), nullable=False))


class LedgerHead(SQLModel, table=True):
    """Single row holding the log's tip; locking it serialises appends (gap-free seq)."""

    __tablename__ = "ledger_head"

    id: int = Field(sa_column=sa.Column(sa.Integer, primary_key=True, autoincrement=False))
    last_seq: int = Field(sa_column=sa.Column(sa.BigInteger, nullable=False))
    last_hash: str = Field(sa_column=sa.Column(sa.String(64), nullable=False))
    last_recorded_at: dt.datetime | None = Field(default=None, sa_column=sa.Column(sa.DateTime(timezone=True), nullable=True))
    # Set by the append that finds no catch-up queued; cleared when a worker starts one.
    # This is how a burst of appends coalesces into one background task (workers/dispatch.py).
    dispatch_pending: bool = Field(default=False, sa_column=sa.Column(sa.Boolean, nullable=False, server_default=sa.false()))


class EventActor(SQLModel, table=True):
    """Which actors an event names, and in which role: the `actor=` filter and reference checks."""

    __tablename__ = "event_actor"
    __table_args__ = (sa.Index("ix_event_actor_event_seq", "event_seq"),)

    actor_id: str = Field(sa_column=sa.Column(sa.String(200), primary_key=True))
    event_seq: int = Field(sa_column=sa.Column(sa.BigInteger, primary_key=True))  # no key: see source_event
    role: str = Field(sa_column=sa.Column(sa.String(40), primary_key=True))


class Retraction(SQLModel, table=True):
    """target_seq is the primary key, so an event can be retracted at most once."""

    __tablename__ = "retraction"

    target_seq: int = Field(sa_column=sa.Column(sa.BigInteger, sa.ForeignKey("event.seq"), primary_key=True))
    retraction_seq: int = Field(sa_column=sa.Column(sa.BigInteger, sa.ForeignKey("event.seq"), nullable=False, unique=True))
