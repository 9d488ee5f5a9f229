"""Shared value shapes of the event contract: actor references, locations, money, dates."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any

import pycountry
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    ValidationInfo,
    field_validator,
    model_validator,
)

ACTOR_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._:/-]{0,199}$"
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class Frozen(BaseModel):
    """Base of every contract shape: immutable, unknown fields rejected so typos are not lost."""

    model_config = ConfigDict(frozen=True, extra="forbid")


def _iso_date(value: Any) -> Any:
    # Pydantic's lax date parsing also takes Unix timestamps and datetimes; the contract says ISO date.
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if not isinstance(value, str) or not _ISO_DATE.match(value):
        raise ValueError("must be an ISO date YYYY-MM-DD")
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise ValueError(f"not a calendar date: {value!r}") from exc


IsoDate = Annotated[dt.date, BeforeValidator(_iso_date)]
ActorId = Annotated[str, Field(pattern=ACTOR_ID_PATTERN)]


class OrgKind(StrEnum):
    startup = "startup"
    university = "university"
    research_institute = "research_institute"
    hospital = "hospital"
    corporation = "corporation"
    investor = "investor"
    association = "association"
    government = "government"
    service_provider = "service_provider"
    other = "other"


class ActorType(StrEnum):
    organization = "organization"
    person = "person"


def country_alpha2(value: str) -> str:
    """ISO 3166-1 alpha-2 or alpha-3 to alpha-2; ValueError for an unknown code."""
    code = value.strip().upper()
    found = None
    if len(code) == 2:
        found = pycountry.countries.get(alpha_2=code)
    elif len(code) == 3:
        found = pycountry.countries.get(alpha_3=code)
    if found is None:
        raise ValueError(f"unknown ISO 3166-1 country code {value!r}")
    return str(found.alpha_2)


def currency_code(value: str) -> str:
    """An ISO 4217 code, upper-cased; ValueError for an unknown one."""
    code = value.strip().upper()
    if len(code) != 3 or pycountry.currencies.get(alpha_3=code) is None:
        raise ValueError(f"unknown ISO 4217 currency code {value!r}")
    return code


CountryCode = Annotated[str, AfterValidator(country_alpha2)]
CurrencyCode = Annotated[str, AfterValidator(currency_code)]


def _plain_decimal(value: Decimal) -> str:
    # One spelling per number ("1000000", not "1E+6" or "1000000.00") so replays hash identically.
    text = format(value.normalize(), "f")
    return text


Amount = Annotated[
    Decimal,
    Field(ge=0, max_digits=28, decimal_places=10, allow_inf_nan=False),
    PlainSerializer(_plain_decimal, return_type=str, when_used="json"),
]


class Location(Frozen):
    country: CountryCode
    subdivision: str | None = None
    city: Annotated[str, Field(min_length=1, max_length=200)] | None = None

    @field_validator("subdivision")
    @classmethod
    def _subdivision(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is None:
            return None
        code = value.strip().upper()
        sub = pycountry.subdivisions.get(code=code)  # type: ignore[no-untyped-call]
        if sub is None:
            raise ValueError(f"unknown ISO 3166-2 subdivision code {value!r}")
        country = info.data.get("country")
        if country is not None and sub.country_code != country:
            raise ValueError(f"subdivision {code} is not in country {country}")
        return code


class Money(Frozen):
    amount: Amount
    currency: CurrencyCode
    usd: Amount | None = None


class ActorObject(Frozen):
    """Inline registration of an actor on first use (or an explicit actor.registered)."""

    id: ActorId
    type: ActorType | None = None
    name: Annotated[str, Field(min_length=1, max_length=500)]
    kind: OrgKind | None = None
    location: Location | None = None

    @model_validator(mode="after")
    def _person_has_no_kind(self) -> ActorObject:
        if self.type == ActorType.person and self.kind is not None:
            raise ValueError("a person has no organization kind")
        return self


ActorRef = ActorId | ActorObject


def ref_id(ref: ActorRef) -> str:
    return ref if isinstance(ref, str) else ref.id
