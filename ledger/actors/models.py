"""Actors: organizations and people, as registered (firm locations over time live in projections)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from ledger.columns import text_col


class Actor(SQLModel, table=True):
    __tablename__ = "actor"
    __table_args__ = (
        sa.Index("ix_actor_kind_id", "kind", "id"),
        sa.Index("ix_actor_country_subdivision", "country", "subdivision"),
    )

    id: str = Field(sa_column=sa.Column(sa.String(200), primary_key=True))
    type: str = Field(sa_column=sa.Column(sa.String(20), nullable=False))
    name: str = Field(sa_column=sa.Column(sa.String(500), nullable=False))
    kind: str | None = text_col(40)
    country: str | None = text_col(2)
    subdivision: str | None = text_col(10)
    city: str | None = text_col(200)
    registered_seq: int = Field(sa_column=sa.Column(sa.BigInteger, nullable=False, index=True))
