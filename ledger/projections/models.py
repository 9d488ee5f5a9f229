"""Projection tables: the lifecycle facts of firms, funds and deals, one row set per source event.

Every row names its source event (`event_seq`). Retracting an event moves exactly those rows to
the table's archive (ledger/projections/archive.py), where answers "as of" an earlier point still
find them; "current" state (location now, status) is derived by query, so nothing has to be
un-applied.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from ledger.columns import (
    actor_ref,
    currency_col,
    date_col,
    money_col,
    position_col,
    source_event,
    text_col,
)
from ledger.db import Money


class FirmFounding(SQLModel, table=True):
    """firm_id is the primary key: a firm is founded once (until that founding is retracted)."""

    __tablename__ = "firm_founding"
    __table_args__ = (sa.Index("ix_firm_founding_country_subdivision", "country", "subdivision"),)

    firm_id: str = Field(sa_column=sa.Column(sa.String(200), primary_key=True))
    event_seq: int = source_event()
    founded_on: dt.date = date_col()
    # None: founded where the ledger does not know (in no region until a relocation places it).
    country: str | None = text_col(2)
    subdivision: str | None = text_col(10)
    city: str | None = text_col(200)
    sector: str | None = text_col()
    business_model: str | None = text_col(20)


class Founder(SQLModel, table=True):
    """Founders from firm.founded and from person.joined with role founder, dated when they became one."""

    __tablename__ = "founder"
    __table_args__ = (
        sa.Index("ix_founder_firm_id_since", "firm_id", "since"),
        sa.Index("ix_founder_person_id_since", "person_id", "since"),
    )

    event_seq: int = source_event(primary_key=True)
    position: int = position_col()
    firm_id: str = actor_ref(index=False)
    person_id: str = actor_ref()
    since: dt.date = date_col()


class FirmOrigin(SQLModel, table=True):
    __tablename__ = "firm_origin"

    event_seq: int = source_event(primary_key=True)
    position: int = position_col()
    firm_id: str = actor_ref()
    org_id: str = actor_ref()
    relation: str = text_col(20, nullable=False)


class Affiliation(SQLModel, table=True):
    """person.joined: a role of a person at an organization from a date."""

    __tablename__ = "affiliation"
    __table_args__ = (
        sa.Index("ix_affiliation_org_id_started_on", "org_id", "started_on"),
        sa.Index("ix_affiliation_person_id_started_on", "person_id", "started_on"),
    )

    event_seq: int = source_event(primary_key=True)
    person_id: str = actor_ref(index=False)
    org_id: str = actor_ref(index=False)
    role: str = text_col(20, nullable=False)
    title: str | None = text_col()
    started_on: dt.date = date_col()


class Departure(SQLModel, table=True):
    """person.left."""

    __tablename__ = "departure"

    event_seq: int = source_event(primary_key=True)
    person_id: str = actor_ref()
    org_id: str = actor_ref()
    left_on: dt.date = date_col()


class FundingRound(SQLModel, table=True):
    __tablename__ = "funding_round"
    __table_args__ = (sa.Index("ix_funding_round_firm_id_occurred_on", "firm_id", "occurred_on"),)

    event_seq: int = source_event(primary_key=True)
    firm_id: str = actor_ref(index=False)
    occurred_on: dt.date = Field(sa_column=sa.Column(sa.Date, nullable=False, index=True))
    round: str = text_col(20, nullable=False)
    amount: Decimal | None = money_col()
    amount_currency: str | None = currency_col()
    amount_usd: Decimal | None = money_col()
    valuation_post: Decimal | None = money_col()
    valuation_post_currency: str | None = currency_col()
    valuation_post_usd: Decimal | None = money_col()


class RoundInvestor(SQLModel, table=True):
    """One investor line of a round. The round's firm and date are repeated here (same event, so
    never out of step) so that an investor's rounds in a date range are one index range."""

    __tablename__ = "round_investor"
    __table_args__ = (
        sa.Index("ix_round_investor_investor_id_occurred_on", "investor_id", "occurred_on"),
        sa.Index("ix_round_investor_firm_id_occurred_on", "firm_id", "occurred_on"),
    )

    event_seq: int = source_event(primary_key=True)
    position: int = position_col()
    investor_id: str = actor_ref(index=False)
    firm_id: str = actor_ref(index=False)
    occurred_on: dt.date = date_col()
    amount: Decimal | None = money_col()
    amount_currency: str | None = currency_col()
    amount_usd: Decimal | None = money_col()
    lead: bool | None = Field(default=None, sa_column=sa.Column(sa.Boolean, nullable=True))


class LicenseDeal(SQLModel, table=True):
    __tablename__ = "license_deal"

    event_seq: int = source_event(primary_key=True)
    licensor_id: str = actor_ref()
    licensee_id: str = actor_ref()
    occurred_on: dt.date = date_col()
    technology: str | None = text_col()
    upfront: Decimal | None = money_col()
    upfront_currency: str | None = currency_col()
    upfront_usd: Decimal | None = money_col()
    milestones: Decimal | None = money_col()
    milestones_currency: str | None = currency_col()
    milestones_usd: Decimal | None = money_col()
    royalty_pct: Decimal | None = money_col()


class FirmExit(SQLModel, table=True):
    """exit.ipo (kind ipo) and exit.acquisition (kind acquisition)."""

    __tablename__ = "firm_exit"
    __table_args__ = (sa.Index("ix_firm_exit_firm_id_occurred_on", "firm_id", "occurred_on"),)

    event_seq: int = source_event(primary_key=True)
    firm_id: str = actor_ref(index=False)
    kind: str = text_col(20, nullable=False)
    occurred_on: dt.date = date_col()
    exchange: str | None = text_col(100)
    acquirer_id: str | None = actor_ref(nullable=True)
    # IPO: market_cap; acquisition: price. Same columns, so exit value is one expression.
    value: Decimal | None = money_col()
    value_currency: str | None = currency_col()
    value_usd: Decimal | None = money_col()
    raised: Decimal | None = money_col()
    raised_currency: str | None = currency_col()
    raised_usd: Decimal | None = money_col()
    has_proceeds: bool = Field(sa_column=sa.Column(sa.Boolean, nullable=False))


class ExitProceeds(SQLModel, table=True):
    __tablename__ = "exit_proceeds"

    event_seq: int = source_event(primary_key=True)
    position: int = position_col()
    actor_id: str = actor_ref()
    amount: Decimal | None = money_col()
    amount_currency: str | None = currency_col()
    amount_usd: Decimal | None = money_col()


class Relocation(SQLModel, table=True):
    __tablename__ = "relocation"
    __table_args__ = (
        sa.Index("ix_relocation_firm_id_occurred_on", "firm_id", "occurred_on"),
        sa.Index("ix_relocation_country_subdivision", "country", "subdivision"),
    )

    event_seq: int = source_event(primary_key=True)
    firm_id: str = actor_ref(index=False)
    occurred_on: dt.date = date_col()
    country: str = text_col(2, nullable=False)
    subdivision: str | None = text_col(10)
    city: str | None = text_col(200)


class Closure(SQLModel, table=True):
    __tablename__ = "closure"

    event_seq: int = source_event(primary_key=True)
    firm_id: str = actor_ref()
    closed_on: dt.date = date_col()
    reason: str | None = text_col()


class FundRaise(SQLModel, table=True):
    __tablename__ = "fund_raise"
    __table_args__ = (sa.Index("ix_fund_raise_fund_id_occurred_on", "fund_id", "occurred_on"),)

    event_seq: int = source_event(primary_key=True)
    fund_id: str = actor_ref(index=False)
    manager_id: str | None = actor_ref(nullable=True)
    occurred_on: dt.date = date_col()
    size: Decimal | None = money_col()
    size_currency: str | None = currency_col()
    size_usd: Decimal | None = money_col()


class FundLp(SQLModel, table=True):
    """One LP of a raise, with the raise's fund and date repeated (as for round investors)."""

    __tablename__ = "fund_lp"
    __table_args__ = (
        sa.Index("ix_fund_lp_lp_id_occurred_on", "lp_id", "occurred_on"),
        sa.Index("ix_fund_lp_fund_id_occurred_on", "fund_id", "occurred_on"),
    )

    event_seq: int = source_event(primary_key=True)
    position: int = position_col()
    lp_id: str = actor_ref(index=False)
    fund_id: str = actor_ref(index=False)
    occurred_on: dt.date = date_col()
    commitment: Decimal | None = money_col()
    commitment_currency: str | None = currency_col()
    commitment_usd: Decimal | None = money_col()


class AssociationMembership(SQLModel, table=True):
    __tablename__ = "association_membership"

    event_seq: int = source_event(primary_key=True)
    org_id: str = actor_ref()
    association_id: str = actor_ref()
    joined_on: dt.date = date_col()


class Headcount(SQLModel, table=True):
    __tablename__ = "headcount"
    __table_args__ = (sa.Index("ix_headcount_firm_id_reported_on", "firm_id", "reported_on"),)

    event_seq: int = source_event(primary_key=True)
    firm_id: str = actor_ref(index=False)
    reported_on: dt.date = date_col()
    employees: int = Field(sa_column=sa.Column(sa.Integer, nullable=False))


class FxRate(SQLModel, table=True):
    __tablename__ = "fx_rate"
    __table_args__ = (sa.Index("ix_fx_rate_currency_valid_from", "currency", "valid_from"),)

    event_seq: int = source_event(primary_key=True)
    currency: str = text_col(3, nullable=False)
    valid_from: dt.date = date_col()
    usd_per_unit: Decimal = Field(sa_column=sa.Column(Money(), nullable=False))


PROJECTION_TABLES: tuple[type[SQLModel], ...] = (
    FirmFounding,
    Founder,
    FirmOrigin,
    Affiliation,
    Departure,
    FundingRound,
    RoundInvestor,
    LicenseDeal,
    FirmExit,
    ExitProceeds,
    Relocation,
    Closure,
    FundRaise,
    FundLp,
    AssociationMembership,
    Headcount,
    FxRate,
)
