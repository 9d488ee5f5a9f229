"""Typed event contract (spec/events.md): one model per event type, a union discriminated on `type`."""

from __future__ import annotations

import uuid
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import Field, TypeAdapter, ValidationInfo, field_serializer, field_validator

from ledger.events.values import (
    ActorObject,
    ActorRef,
    Amount,
    CurrencyCode,
    Frozen,
    IsoDate,
    Label,
    Location,
    Money,
    OrgKind,
    Percent,
    SourceText,
    Text,
    ref_id,
)


class BusinessModel(StrEnum):
    rnd = "rnd"
    service = "service"
    platform = "platform"
    other = "other"


class OriginRelation(StrEnum):
    spin_off = "spin_off"
    alumni = "alumni"
    license = "license"
    incubated = "incubated"


class Role(StrEnum):
    founder = "founder"
    executive = "executive"
    employee = "employee"
    scientist = "scientist"
    board = "board"
    advisor = "advisor"
    mentor = "mentor"


RoundKind = Literal[
    "pre_seed", "seed", "angel",
    "series_a", "series_b", "series_c", "series_d", "series_e",
    "series_f", "series_g", "series_h", "series_i", "series_j",
    "growth", "grant", "debt", "corporate", "other",
]  # fmt: skip


# ---- data bodies -------------------------------------------------------------------------------


class Origin(Frozen):
    org: ActorRef
    relation: OriginRelation


class FirmFoundedData(Frozen):
    firm: ActorRef
    # Real exports often lack it: such a firm is in no region until a firm.relocated places it.
    location: Location | None = None
    sector: Text | None = None
    business_model: BusinessModel | None = None
    founders: list[ActorRef] = Field(default_factory=list, max_length=1000)
    origins: list[Origin] = Field(default_factory=list, max_length=1000)


class PersonJoinedData(Frozen):
    person: ActorRef
    org: ActorRef
    role: Role
    title: Text | None = None


class PersonLeftData(Frozen):
    person: ActorRef
    org: ActorRef


class RoundInvestor(Frozen):
    investor: ActorRef
    amount: Money | None = None
    lead: bool | None = None


class FundingRoundData(Frozen):
    firm: ActorRef
    round: RoundKind
    amount: Money | None = None
    investors: list[RoundInvestor] = Field(default_factory=list, max_length=10_000)
    valuation_post: Money | None = None


class LicenseDealData(Frozen):
    licensor: ActorRef
    licensee: ActorRef
    technology: Text | None = None
    upfront: Money | None = None
    milestones: Money | None = None
    royalty_pct: Percent | None = None

    # Field validators rather than model validators, so the error is located at the field at fault.
    @field_validator("licensee")
    @classmethod
    def _distinct_parties(cls, value: ActorRef, info: ValidationInfo) -> ActorRef:
        licensor = info.data.get("licensor")
        if licensor is not None and ref_id(licensor) == ref_id(value):
            raise ValueError("licensor and licensee must differ")
        return value


class Proceeds(Frozen):
    actor: ActorRef
    amount: Money | None = None


class IpoData(Frozen):
    firm: ActorRef
    exchange: Label
    raised: Money | None = None
    market_cap: Money | None = None
    proceeds: list[Proceeds] | None = Field(default=None, max_length=10_000)


class AcquisitionData(Frozen):
    firm: ActorRef
    acquirer: ActorRef
    price: Money | None = None
    proceeds: list[Proceeds] | None = Field(default=None, max_length=10_000)

    @field_validator("acquirer")
    @classmethod
    def _not_self(cls, value: ActorRef, info: ValidationInfo) -> ActorRef:
        firm = info.data.get("firm")
        if firm is not None and ref_id(firm) == ref_id(value):
            raise ValueError("a firm cannot acquire itself")
        return value


class RelocatedData(Frozen):
    firm: ActorRef
    location: Location


class ClosedData(Frozen):
    firm: ActorRef
    reason: Text | None = None


class FundLp(Frozen):
    lp: ActorRef
    commitment: Money | None = None


class FundRaisedData(Frozen):
    fund: ActorRef
    manager: ActorRef | None = None
    size: Money | None = None
    lps: list[FundLp] = Field(default_factory=list, max_length=10_000)


class AssociationJoinedData(Frozen):
    org: ActorRef
    association: ActorRef


class HeadcountData(Frozen):
    firm: ActorRef
    employees: Annotated[int, Field(ge=0, le=10_000_000, strict=True)]


class FxRateData(Frozen):
    currency: CurrencyCode
    usd_per_unit: Annotated[Amount, Field(gt=0)]

    @field_validator("currency")
    @classmethod
    def _not_usd(cls, value: str) -> str:
        if value == "USD":
            raise ValueError("USD needs no rate")
        return value


class RetractedData(Frozen):
    event_id: uuid.UUID
    reason: Text


# ---- envelopes ---------------------------------------------------------------------------------


class EnvelopeBase(Frozen):
    event_id: uuid.UUID | None = None
    occurred_on: IsoDate
    source: SourceText | None = None

    @field_serializer("event_id")
    def _uuid_str(self, value: uuid.UUID | None) -> str | None:
        return None if value is None else str(value)


class ActorRegistered(EnvelopeBase):
    type: Literal["actor.registered"]
    data: ActorObject


class FirmFounded(EnvelopeBase):
    type: Literal["firm.founded"]
    data: FirmFoundedData


class PersonJoined(EnvelopeBase):
    type: Literal["person.joined"]
    data: PersonJoinedData


class PersonLeft(EnvelopeBase):
    type: Literal["person.left"]
    data: PersonLeftData


class FundingRound(EnvelopeBase):
    type: Literal["funding.round"]
    data: FundingRoundData


class LicenseDeal(EnvelopeBase):
    type: Literal["license.deal"]
    data: LicenseDealData


class ExitIpo(EnvelopeBase):
    type: Literal["exit.ipo"]
    data: IpoData


class ExitAcquisition(EnvelopeBase):
    type: Literal["exit.acquisition"]
    data: AcquisitionData


class FirmRelocated(EnvelopeBase):
    type: Literal["firm.relocated"]
    data: RelocatedData


class FirmClosed(EnvelopeBase):
    type: Literal["firm.closed"]
    data: ClosedData


class FundRaised(EnvelopeBase):
    type: Literal["fund.raised"]
    data: FundRaisedData


class AssociationJoined(EnvelopeBase):
    type: Literal["association.joined"]
    data: AssociationJoinedData


class HeadcountReported(EnvelopeBase):
    type: Literal["headcount.reported"]
    data: HeadcountData


class FxRate(EnvelopeBase):
    type: Literal["fx.rate"]
    data: FxRateData


class EventRetracted(EnvelopeBase):
    type: Literal["event.retracted"]
    data: RetractedData


Event = Annotated[
    ActorRegistered
    | FirmFounded
    | PersonJoined
    | PersonLeft
    | FundingRound
    | LicenseDeal
    | ExitIpo
    | ExitAcquisition
    | FirmRelocated
    | FirmClosed
    | FundRaised
    | AssociationJoined
    | HeadcountReported
    | FxRate
    | EventRetracted,
    Field(discriminator="type"),
]

EVENT_ADAPTER: TypeAdapter[Event] = TypeAdapter(Event)
EVENT_TYPES: tuple[str, ...] = tuple(
    cls.model_fields["type"].annotation.__args__[0]  # type: ignore[union-attr]
    for cls in EnvelopeBase.__subclasses__()
)


MAX_BATCH_EVENTS = 10_000


class EventBatch(Frozen):
    events: list[Event] = Field(min_length=1, max_length=MAX_BATCH_EVENTS)


__all__ = [
    "EVENT_ADAPTER",
    "EVENT_TYPES",
    "ActorObject",
    "ActorRef",
    "Event",
    "EventBatch",
    "OrgKind",
]
