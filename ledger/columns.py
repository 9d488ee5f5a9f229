"""Column builders for projection tables, so every table spells the same concept the same way."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlmodel import Field

from ledger.db import Money


def source_event(primary_key: bool = False) -> Any:
    """The event a projection row came from: retraction deletes by it, rebuild recreates it. No
    foreign key: the log is append-only, and a key checked row by row halved batch writes
    (migration 0008)."""
    return Field(
        sa_column=sa.Column(
            sa.BigInteger,
            primary_key=primary_key,
            nullable=False,
            index=not primary_key,
        )
    )


def actor_ref(nullable: bool = False, index: bool = True) -> Any:
    return Field(
        default=None if nullable else ...,
        sa_column=sa.Column(sa.String(200), nullable=nullable, index=index),
    )


def date_col(nullable: bool = False) -> Any:
    return Field(default=None if nullable else ..., sa_column=sa.Column(sa.Date, nullable=nullable))


def text_col(length: int | None = None, nullable: bool = True) -> Any:
    kind = sa.Text if length is None else sa.String(length)
    return Field(default=None if nullable else ..., sa_column=sa.Column(kind, nullable=nullable))


def money_col() -> Any:
    return Field(default=None, sa_column=sa.Column(Money(), nullable=True))


def currency_col() -> Any:
    return Field(default=None, sa_column=sa.Column(sa.String(3), nullable=True))


def position_col() -> Any:
    return Field(sa_column=sa.Column(sa.Integer, primary_key=True, autoincrement=False))
