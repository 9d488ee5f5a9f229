"""Value mapping from Crunchbase columns to the event contract: codes, dates, money, kinds, roles.

Functions raise ValueError with a message fit for the reject file when a value cannot be mapped.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

import pycountry

from ledger.events import values
from ledger.events.values import ACTOR_ID_PATTERN

# Fixed for ever: event and actor ids derived from export keys must not change between versions.
NAMESPACE = uuid.UUID("396cebf8-a1b5-4709-8990-d195174195a5")

_ACTOR_ID = re.compile(ACTOR_ID_PATTERN)
_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")


def event_id(*parts: str) -> uuid.UUID:
    """The deterministic event id of a source key: the same export row always gives the same id."""
    return uuid.uuid5(NAMESPACE, "/".join(parts))


def actor_id(raw: str) -> str:
    """Crunchbase uuids are used as they are; permalinks lose their leading slash
    (/organization/acme -> organization/acme). Anything else that does not fit the contract's id
    pattern gets a stable `cb:` id derived from it."""
    text = raw.strip().lstrip("/")
    if _ACTOR_ID.match(text):
        return text
    return f"cb:{uuid.uuid5(NAMESPACE, 'actor/' + raw.strip())}"


def text(row: dict[str, str], column: str) -> str | None:
    value = row.get(column)
    if value is None:
        return None
    value = value.strip()
    return value or None


def parse_date(value: str | None, column: str) -> dt.date | None:
    """ISO dates; a timestamp's date part is taken ("2014-05-01 00:00:00")."""
    if value is None:
        return None
    match = _DATE.match(value)
    if match is None:
        raise ValueError(f"{column} {value!r} is not a date (YYYY-MM-DD)")
    try:
        return dt.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        raise ValueError(f"{column} {value!r} is not a calendar date") from None


def parse_amount(value: str | None, column: str) -> Decimal | None:
    if value is None:
        return None
    try:
        amount = Decimal(value.replace(",", ""))
    except InvalidOperation:
        raise ValueError(f"{column} {value!r} is not a number") from None
    if not amount.is_finite() or amount < 0:
        raise ValueError(f"{column} {value!r} is not a non-negative amount")
    return amount


def _plain(amount: Decimal) -> str:
    return format(amount.normalize(), "f")


def money(amount: Decimal | None, currency: str | None, usd: Decimal | None) -> dict[str, Any] | None:
    """A money object: the original amount and currency when given, else the USD figure."""
    if amount is not None and currency is not None:
        code = currency_code(currency)
        out: dict[str, Any] = {"amount": _plain(amount), "currency": code}
        if usd is not None and code != "USD":
            out["usd"] = _plain(usd)
        return out
    if usd is not None:
        return {"amount": _plain(usd), "currency": "USD"}
    if amount is not None:
        raise ValueError("an amount without a currency code")
    return None


@lru_cache(maxsize=512)
def currency_code(value: str) -> str:
    return values.currency_code(value)


@lru_cache(maxsize=1024)
def country(value: str) -> str:
    """ISO 3166-1 alpha-3 (Crunchbase's spelling) or alpha-2 to alpha-2 (the contract's rule, cached)."""
    return values.country_alpha2(value)


@lru_cache(maxsize=1024)
def us_state(value: str) -> str:
    """A US state code to its ISO 3166-2 subdivision (CA -> US-CA), checked against pycountry."""
    code = f"US-{value.strip().upper()}"
    if pycountry.subdivisions.get(code=code) is None:  # type: ignore[no-untyped-call]
        raise ValueError(f"unknown US state code {value!r}")
    return code


def location(country_code: str | None, state_code: str | None, city: str | None) -> tuple[dict[str, str] | None, list[str]]:
    """A location object and warnings for the parts that had to be left out.

    Only US state codes become subdivisions (Crunchbase's state_code column is US-only).
    """
    if country_code is None:
        return None, []
    try:
        alpha2 = country(country_code)
    except ValueError as exc:
        return None, [f"{exc}: location left out"]
    out = {"country": alpha2}
    warnings: list[str] = []
    if state_code is not None and alpha2 == "US":
        try:
            out["subdivision"] = us_state(state_code)
        except ValueError as exc:
            warnings.append(f"{exc}: subdivision left out")
    if city is not None:
        out["city"] = city[:200]
    return out, warnings


# ---- categories ---------------------------------------------------------------------------------

_SERIES = {f"series_{c}" for c in "abcdefghij"}
_ROUND_TYPES = {
    "pre_seed": "pre_seed",
    "seed": "seed",
    "angel": "angel",
    "private_equity": "growth",
    "debt_financing": "debt",
    "post_ipo_debt": "debt",
    "grant": "grant",
    "corporate_round": "corporate",
}


def round_kind(investment_type: str | None, code: str | None = None) -> str:
    """Crunchbase investment_type (current) or funding_round_type + funding_round_code (2015)
    to the contract's round kind; unlisted types (venture without a series, crowdfunding,
    convertible notes, post-IPO equity, secondary market, ...) are `other`."""
    kind = (investment_type or "").strip().lower().replace("-", "_").replace(" ", "_")
    if kind in _SERIES:
        return kind
    if kind == "venture" and code:
        series = f"series_{code.strip().lower()}"
        return series if series in _SERIES else "other"
    return _ROUND_TYPES.get(kind, "other")


_FOUNDER = re.compile(r"\bfound(er|ing)\b|\bco-?founder\b", re.IGNORECASE)
_JOB_TYPES = {"executive": "executive", "employee": "employee", "board_member": "board", "board_observer": "board", "advisor": "advisor"}


def job_role(title: str | None, job_type: str | None) -> str:
    """Founder titles ("Co-Founder & CEO", "Founding Partner") make founders; otherwise job_type."""
    if title is not None and _FOUNDER.search(title):
        return "founder"
    return _JOB_TYPES.get((job_type or "").strip().lower(), "employee")


def org_kind(primary_role: str | None) -> str:
    """organizations.csv primary_role: company (or none) -> startup, investor, school -> university."""
    role = (primary_role or "company").strip().lower()
    return {"investor": "investor", "school": "university"}.get(role, "startup")


def investor_kind(investor_types: str | None) -> str:
    """investors.csv investor_types: a university or government office keeps that kind, the rest
    (venture capital, angel groups, accelerators, corporate VC, ...) are investors."""
    types = {t.strip().lower() for t in (investor_types or "").split(",")}
    if "university" in types:
        return "university"
    if "government_office" in types:
        return "government"
    return "investor"


def flag(value: str | None) -> bool | None:
    if value is None:
        return None
    lowered = value.strip().lower()
    if lowered in ("true", "t", "1", "yes", "y"):
        return True
    if lowered in ("false", "f", "0", "no", "n"):
        return False
    return None


def sector(categories: str | None) -> str | None:
    """category_list ("Biotechnology|Health Care" or "Biotechnology,Health Care") as one text."""
    if categories is None:
        return None
    parts = [p.strip() for p in re.split(r"[|,]", categories) if p.strip()]
    return ", ".join(parts)[:2000] or None
