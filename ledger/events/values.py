"""Shared value shapes of the event contract: actor references, locations, money, dates."""

from __future__ import annotations

import datetime as dt
import functools
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
    Discriminator,
    Field,
    PlainSerializer,
    Tag,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
    model_validator,
)

ACTOR_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._:/-]{0,199}$"
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

# C0 and C1 controls, DEL, and unpaired surrogates (JSON can spell them as \ud800, UTF-8 cannot
# encode them). PostgreSQL cannot store NUL in text or JSONB at all; the rest are refused on both
# backends so one ledger exports into the other, and a name never hides characters from a reader.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
# Free text (reasons, titles, provenance) may be laid out in lines and columns.
_CONTROL_IN_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
# The same rules for the OpenAPI document (surrogates left out: a JSON Schema regex sees UTF-16).
LINE_PATTERN = r"^[^\u0000-\u001f\u007f-\u009f]*$"
TEXT_PATTERN = r"^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]*$"


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


def control_character(value: str, *, text: bool = False) -> str | None:
    """Why `value` cannot be stored, or None: the first control character it holds (tab, line
    feed and carriage return are allowed in free `text`)."""
    found = (_CONTROL_IN_TEXT if text else _CONTROL).search(value)
    if found is None:
        return None
    code = ord(found.group())
    what = "an unpaired surrogate" if 0xD800 <= code <= 0xDFFF else "a control character"
    return f"contains {what} (U+{code:04X}) at position {found.start()}"


def replace_controls(value: str) -> str:
    """`value` with each control character (tab and line breaks included) replaced by a space."""
    return _CONTROL.sub(" ", value)


def plain_line(value: str) -> str:
    """`value` unchanged; ValueError when it holds a control character."""
    reason = control_character(value)
    if reason is not None:
        raise ValueError(reason)
    return value


def plain_text(value: str) -> str:
    """`value` unchanged; ValueError when it holds a control character other than tab and line breaks."""
    reason = control_character(value, text=True)
    if reason is not None:
        raise ValueError(reason)
    return value


# Every string of the contract is one of these (or matches a pattern that excludes controls):
# single-line names and labels, or free text. The lengths sit in the same Annotated as str so
# their errors read "String should have at most N characters".
Name = Annotated[str, Field(min_length=1, max_length=500, json_schema_extra={"pattern": LINE_PATTERN}), AfterValidator(plain_line)]
ShortName = Annotated[str, Field(min_length=1, max_length=200, json_schema_extra={"pattern": LINE_PATTERN}), AfterValidator(plain_line)]
Label = Annotated[str, Field(min_length=1, max_length=100, json_schema_extra={"pattern": LINE_PATTERN}), AfterValidator(plain_line)]
Text = Annotated[str, Field(min_length=1, max_length=2000, json_schema_extra={"pattern": TEXT_PATTERN}), AfterValidator(plain_text)]
SourceText = Annotated[str, Field(max_length=2000, json_schema_extra={"pattern": TEXT_PATTERN}), AfterValidator(plain_text)]


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


# The ISO look-ups are cached: pycountry checks its database is loaded on every call, which cost
# more than the rest of an event's schema validation together.
@functools.lru_cache(maxsize=4096)
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


@functools.lru_cache(maxsize=1024)
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


AMOUNT_DECIMALS = 10
# One way to write an amount as text; a sign is let through only so a negative amount is told
# "greater than or equal to 0" by the bound below rather than "not a decimal".
_DECIMAL_TEXT = re.compile(r"-?(0|[1-9][0-9]*)(\.[0-9]+)?")
AMOUNT_PATTERN = r"^(0|[1-9][0-9]{0,17})(\.[0-9]{1,10})?$"
_DECIMAL_FORM = (
    "must be a decimal written as digits with an optional fraction, such as 12500000 or 1234.56 (no sign, spaces, separators or exponent)"
)


def exact_decimal(value: Any) -> Any:
    """A decimal string or a JSON number (parsed to Decimal or int, never through a binary float)
    as the exact Decimal it spells; ValueError for anything else."""
    if isinstance(value, float):
        raise ValueError("a binary floating-point number cannot hold an exact amount; send it as a decimal string")
    if isinstance(value, bool) or not isinstance(value, str | int | Decimal):
        raise ValueError(_DECIMAL_FORM)
    exponent: int | str
    if isinstance(value, str):
        spelled = _DECIMAL_TEXT.fullmatch(value)
        if not spelled:
            raise ValueError(_DECIMAL_FORM)
        # The places as written: as_tuple() would build a tuple of every digit to say the same.
        exponent = 1 - len(spelled.group(2) or ".")
        value = Decimal(value)
    elif isinstance(value, int):
        value, exponent = Decimal(value), 0
    else:
        exponent = value.as_tuple().exponent
    if not value.is_finite():
        raise ValueError("must be a finite number")
    if value.is_zero() and value.is_signed():
        raise ValueError("-0 is not an amount; write 0")
    if isinstance(exponent, int) and exponent < -AMOUNT_DECIMALS:
        raise ValueError(f"has {-exponent} decimal places; at most {AMOUNT_DECIMALS} are kept")
    return value


Amount = Annotated[
    Decimal,
    Field(ge=0, max_digits=28, decimal_places=AMOUNT_DECIMALS, allow_inf_nan=False),
    BeforeValidator(exact_decimal),
    PlainSerializer(_plain_decimal, return_type=str, when_used="json"),
    WithJsonSchema(
        {
            "anyOf": [{"type": "number", "minimum": 0}, {"type": "string", "pattern": AMOUNT_PATTERN}],
            "description": "an exact decimal: a JSON number or a string of digits with up to 10 decimal places",
        }
    ),
]
Percent = Annotated[
    Decimal,
    Field(ge=0, le=100, allow_inf_nan=False),
    BeforeValidator(exact_decimal),
    # As written (3.50 stays 3.50, so earlier replays still match), but never str()'s 1E-7, which
    # the amount grammar above would refuse when an export is imported again.
    PlainSerializer(lambda value: format(value, "f"), return_type=str, when_used="json"),
]


@functools.lru_cache(maxsize=8192)
def _subdivision(value: str) -> tuple[str, str]:
    """An ISO 3166-2 code, upper-cased, and its country; ValueError for an unknown one."""
    code = value.strip().upper()
    sub = pycountry.subdivisions.get(code=code)  # type: ignore[no-untyped-call]
    if sub is None:
        raise ValueError(f"unknown ISO 3166-2 subdivision code {value!r}")
    return code, str(sub.country_code)


class Location(Frozen):
    country: CountryCode
    subdivision: str | None = None
    city: ShortName | None = None

    @field_validator("subdivision")
    @classmethod
    def _subdivision(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is None:
            return None
        code, sub_country = _subdivision(value)
        country = info.data.get("country")
        if country is not None and sub_country != country:
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
    name: Name
    kind: OrgKind | None = None
    location: Location | None = None

    @model_validator(mode="after")
    def _person_has_no_kind(self) -> ActorObject:
        if self.type == ActorType.person and self.kind is not None:
            raise ValueError("a person has no organization kind")
        return self


REF_TAGS = ("actor-id", "actor-object")


def _ref_form(value: Any) -> str:
    return REF_TAGS[1] if isinstance(value, dict | ActorObject) else REF_TAGS[0]


# Tagged by the input's shape, so an error names the field at fault (data.firm.name) instead of
# one failure per member of the union ("not a valid string" beside the object's real problem).
ActorRef = Annotated[Annotated[ActorId, Tag(REF_TAGS[0])] | Annotated[ActorObject, Tag(REF_TAGS[1])], Discriminator(_ref_form)]


def ref_id(ref: ActorRef) -> str:
    return ref if isinstance(ref, str) else ref.id
