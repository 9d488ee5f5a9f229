"""Derived recycling state: why each actor took part in each exit, and how far the log has been applied.

Everything else of recycling (reinvestments, hops, chains) is a query over the projections and
this table, evaluated when asked; nothing stored grows like a product of two things.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlmodel import Field, SQLModel


class LiquidityEvent(SQLModel, table=True):
    """X took part in an exit of firm F on t, for one reason (an event naming X as F's founder or
    investor, or the exit's own proceeds): one row per (actor, exit, reason).

    The spec's liquidity event (X, F, t) is the earliest t of X's rows for F. Keeping every
    reason makes a retraction exact (delete the rows of the retracted event; the others stand)
    and keeps the table linear in the log: an exit adds a row per participant.
    """

    __tablename__ = "liquidity_event"
    __table_args__ = (
        sa.Index("ix_liquidity_event_actor_id_liquidity_on", "actor_id", "liquidity_on"),
        sa.Index("ix_liquidity_event_firm_id_liquidity_on", "firm_id", "liquidity_on"),
        sa.Index("ix_liquidity_event_reason_seq", "reason_seq"),
    )

    actor_id: str = Field(sa_column=sa.Column(sa.String(200), primary_key=True))
    exit_seq: int = Field(sa_column=sa.Column(sa.BigInteger, primary_key=True, autoincrement=False))
    reason_seq: int = Field(sa_column=sa.Column(sa.BigInteger, primary_key=True, autoincrement=False))
    firm_id: str = Field(sa_column=sa.Column(sa.String(200), nullable=False))
    liquidity_on: dt.date = Field(sa_column=sa.Column(sa.Date, nullable=False))


class Tracking(SQLModel, table=True):
    """How far a consumer has applied the log; written in the same transaction as its effects."""

    __tablename__ = "tracking"

    consumer: str = Field(sa_column=sa.Column(sa.String(40), primary_key=True))
    position: int = Field(sa_column=sa.Column(sa.BigInteger, nullable=False))
