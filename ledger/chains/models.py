"""Materialised recycling state: liquidity events, hops, and how far the log has been applied."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from ledger.columns import actor_ref, date_col, money_col, text_col


class LiquidityEvent(SQLModel, table=True):
    """(X, F, t): X received liquidity from an exit of F on t; only the earliest per (X, F)."""

    __tablename__ = "liquidity_event"
    __table_args__ = (sa.Index("ix_liquidity_event_firm_id_liquidity_on", "firm_id", "liquidity_on"),)

    actor_id: str = Field(sa_column=sa.Column(sa.String(200), primary_key=True))
    firm_id: str = Field(sa_column=sa.Column(sa.String(200), primary_key=True))
    liquidity_on: dt.date = Field(sa_column=sa.Column(sa.Date, nullable=False, index=True))
    exit_seq: int = Field(sa_column=sa.Column(sa.BigInteger, nullable=False))


class Hop(SQLModel, table=True):
    """One reinvestment: source firm -> target firm via an actor, with dates and USD amount.

    Hops are stored for every window up to MAX_WINDOW_YEARS; `min_window_years` is the smallest
    window in which the hop exists, so a query for window W filters `min_window_years <= W`.
    Both ends' locations on their dates are copied in, so regional filters are column predicates.
    """

    __tablename__ = "hop"
    __table_args__ = (
        sa.Index("ix_hop_source_id_liquidity_on", "source_id", "liquidity_on"),
        sa.Index("ix_hop_target_id_hop_on", "target_id", "hop_on"),
        sa.Index("ix_hop_hop_on", "hop_on"),
    )

    source_id: str = Field(sa_column=sa.Column(sa.String(200), primary_key=True))
    via_id: str = Field(sa_column=sa.Column(sa.String(200), primary_key=True, index=True))
    kind: str = Field(sa_column=sa.Column(sa.String(10), primary_key=True))
    # The reinvesting event (round, founding or join) and, for fund hops, the fund raise.
    cause_seq: int = Field(sa_column=sa.Column(sa.BigInteger, primary_key=True, autoincrement=False))
    fund_seq: int = Field(sa_column=sa.Column(sa.BigInteger, primary_key=True, autoincrement=False))
    target_id: str = actor_ref(index=False)
    fund_id: str | None = actor_ref(nullable=True, index=False)
    liquidity_on: dt.date = date_col()
    fund_on: dt.date | None = date_col(nullable=True)
    hop_on: dt.date = date_col()
    amount_usd: Decimal | None = money_col()
    min_window_years: int = Field(sa_column=sa.Column(sa.SmallInteger, nullable=False))
    # A listed firm reinvesting its own IPO money: a hop, but not a recycled actor (spec).
    listed: bool = Field(sa_column=sa.Column(sa.Boolean, nullable=False))
    source_country: str | None = text_col(2)
    source_subdivision: str | None = text_col(10)
    source_city: str | None = text_col(200)
    target_country: str | None = text_col(2)
    target_subdivision: str | None = text_col(10)
    target_city: str | None = text_col(200)


class Tracking(SQLModel, table=True):
    """How far a consumer has applied the log; written in the same transaction as its effects."""

    __tablename__ = "tracking"

    consumer: str = Field(sa_column=sa.Column(sa.String(40), primary_key=True))
    position: int = Field(sa_column=sa.Column(sa.BigInteger, nullable=False))
