"""Import a Crunchbase CSV export (the current bulk export or the 2015 public export).

Two passes (docs/import.md has the mapping rules):
1. read every file of the export, streaming, validating its structure and mapping each row to
   staged facts and events in a temporary SQLite file (staging.py explains why); a malformed
   file stops the import here, before anything is written;
2. infer founding dates, then write the staged events in date order (foundings first on a day,
   closures last) in atomic batches through the ledger's append (writer.py).

Before pass 1 every file is read once to count its lines (the reading stage's total); `limits`
(limits.py) hold the declared and the actual bytes, and the rows, so an export over a limit is
refused before anything is written.

Event ids are uuid5 of the source keys, so importing the same export again writes nothing and a
newer export writes only new rows and corrections of changed ones.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from more_itertools import chunked
from pydantic import ValidationError
from sqlalchemy.orm import Session, sessionmaker

from ledger.events.refs import references
from ledger.events.schemas import EVENT_ADAPTER
from ledger.events.values import REF_TAGS, control_character, ref_id, replace_controls
from ledger.importers import mapping
from ledger.importers.limits import NO_LIMITS, ByteBudget, LimitedSource, Limits, check_declared, too_many_rows
from ledger.importers.mapping import text
from ledger.importers.progress import Meter, ProgressCallback
from ledger.importers.rejects import PARTIAL, Rejects
from ledger.importers.sources import CsvFile, MalformedFile, Row, Source, count_lines, open_source
from ledger.importers.staging import (
    PHASE_ACTIVITY,
    PHASE_CLOSED,
    PHASE_LEFT,
    SUBJECT_TYPES,
    OrgFacts,
    StagedEvent,
    Staging,
    founding_key,
)
from ledger.importers.writer import EventWriter, Item, Origin, known_actors

# ---- layouts -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FileSpec:
    name: str
    required: tuple[str, ...]
    optional: tuple[str, ...] = ()


@dataclass(frozen=True)
class Layout:
    key: str
    label: str
    anchor: str  # the file that must be there and identifies the layout by its header
    files: tuple[FileSpec, ...]  # in reading order: organizations before what refers to them


_LOCATION = ("country_code", "state_code", "city")

BULK = Layout(
    "bulk",
    "Crunchbase bulk export",
    "organizations.csv",
    (
        FileSpec(
            "organizations.csv",
            ("uuid", "name"),
            ("primary_role", "status", "founded_on", "closed_on", "category_list", "category_groups_list", "region", *_LOCATION),
        ),
        FileSpec("people.csv", ("uuid",), ("name", "first_name", "last_name", *_LOCATION)),
        FileSpec("investors.csv", ("uuid", "name"), ("type", "investor_types", *_LOCATION)),
        FileSpec(
            "funding_rounds.csv",
            ("uuid", "org_uuid", "announced_on"),
            (
                "investment_type",
                "raised_amount_usd",
                "raised_amount",
                "raised_amount_currency_code",
                "post_money_valuation_usd",
                "post_money_valuation",
                "post_money_valuation_currency_code",
                "org_name",
                *_LOCATION,
            ),
        ),
        FileSpec("investments.csv", ("funding_round_uuid", "investor_uuid"), ("investor_type", "is_lead_investor", "investor_name")),
        FileSpec(
            "acquisitions.csv",
            ("acquiree_uuid", "acquirer_uuid", "acquired_on"),
            (
                "uuid",
                "price_usd",
                "price",
                "price_currency_code",
                "acquiree_name",
                "acquiree_country_code",
                "acquiree_state_code",
                "acquiree_city",
                "acquirer_name",
                "acquirer_country_code",
                "acquirer_state_code",
                "acquirer_city",
            ),
        ),
        FileSpec(
            "ipos.csv",
            ("org_uuid", "went_public_on"),
            (
                "uuid",
                "stock_exchange_symbol",
                "money_raised_usd",
                "money_raised",
                "money_raised_currency_code",
                "valuation_price_usd",
                "valuation_price",
                "valuation_price_currency_code",
                "org_name",
                *_LOCATION,
            ),
        ),
        FileSpec(
            "jobs.csv", ("person_uuid", "org_uuid"), ("uuid", "title", "job_type", "started_on", "ended_on", "person_name", "org_name")
        ),
        FileSpec("org_parents.csv", ("uuid", "parent_uuid"), ()),
    ),
)

_COMPANY = ("company_name", "company_country_code", "company_state_code", "company_city")
_ROUND_2015 = ("funding_round_permalink", "funding_round_type", "funding_round_code", "funded_at", "raised_amount_usd")

PUBLIC_2015 = Layout(
    "2015",
    "Crunchbase 2015 public export",
    "companies.csv",
    (
        FileSpec("companies.csv", ("permalink", "name"), ("category_list", "status", "founded_at", "region", *_LOCATION)),
        FileSpec("rounds.csv", ("company_permalink", "funding_round_permalink", "funded_at"), (*_ROUND_2015, *_COMPANY)),
        FileSpec(
            "investments.csv",
            ("company_permalink", "investor_permalink", "funding_round_permalink", "funded_at"),
            ("investor_name", "investor_country_code", "investor_state_code", "investor_city", *_ROUND_2015, *_COMPANY),
        ),
        FileSpec(
            "acquisitions.csv",
            ("company_permalink", "acquirer_permalink", "acquired_at"),
            (
                "price_amount",
                "price_currency_code",
                "acquirer_name",
                "acquirer_country_code",
                "acquirer_state_code",
                "acquirer_city",
                *_COMPANY,
            ),
        ),
    ),
)

LAYOUTS = (BULK, PUBLIC_2015)


def detect_layout(source: Source) -> Layout:
    """The layout whose anchor file is present with the anchor's required columns."""
    names = source.names()
    found = [layout for layout in LAYOUTS if layout.anchor in names]
    if not found:
        raise MalformedFile(
            source.label, None, "neither organizations.csv (Crunchbase bulk export) nor companies.csv (2015 public export) is there"
        )
    if len(found) > 1:
        raise MalformedFile(source.label, None, "both organizations.csv and companies.csv are there: import one export at a time")
    layout = found[0]
    CsvFile(source, layout.anchor, layout.files[0].required).header()  # raises with the missing columns
    return layout


# ---- summary -------------------------------------------------------------------------------------


@dataclass
class Summary:
    layout: str
    rows: dict[str, int] = field(default_factory=dict)  # data rows read per file
    staged_events: int = 0
    collapsed: int = 0  # duplicate rows (same key, same values) counted once
    skipped: int = 0  # rows with nothing to import by design (org_parents.csv)
    rejected: int = 0  # rows (or events) not imported: see the reject file
    partial: int = 0  # rows imported without a part of them: see the reject file
    new: int = 0
    duplicates: int = 0  # events already in the ledger with the same body
    corrected: int = 0  # events replaced by a newer version of their row (retraction + new event)
    registered: int = 0  # actors registered
    kept_retracted: int = 0  # events someone retracted since an earlier import: not written again
    unnamed_actors: int = 0  # organizations and people no event names: registered on their own
    # Per file: rows read, and how many are in the ledger, rejected, collapsed, skipped.
    files: dict[str, dict[str, int]] = field(default_factory=dict)
    seconds: float = 0.0
    rejects_file: str | None = None

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())

    def as_dict(self) -> dict[str, Any]:
        out = dict(self.__dict__)
        out["total_rows"] = self.total_rows
        out["rows_per_second"] = round(self.total_rows / self.seconds, 1) if self.seconds else None
        return out


# ---- pass 1: rows to staged facts and events -----------------------------------------------------


def _digest(row: dict[str, str]) -> str:
    return hashlib.sha1(json.dumps(row, sort_keys=True).encode()).hexdigest()


class _Reader:
    def __init__(
        self, layout: Layout, staging: Staging, rejects: Rejects, summary: Summary, today: dt.date, *, limits: Limits = NO_LIMITS
    ) -> None:
        self.layout, self.staging, self.rejects, self.summary, self.today = layout, staging, rejects, summary, today
        self.limits = limits
        self.rows_read = 0  # all files so far, for the row limit
        self.file = ""
        self._handlers: dict[str, Callable[[Row], None]] = {
            "organizations.csv": self._organization,
            "people.csv": self._person,
            "investors.csv": self._investor,
            "funding_rounds.csv": self._funding_round,
            "jobs.csv": self._job,
            "ipos.csv": self._ipo,
            "org_parents.csv": self._org_parent,
            "companies.csv": self._company,
            "rounds.csv": self._round_2015,
        }
        if layout is BULK:
            self._handlers |= {"investments.csv": self._investment, "acquisitions.csv": self._acquisition}
        else:
            self._handlers |= {"investments.csv": self._investment_2015, "acquisitions.csv": self._acquisition_2015}

    def read(self, csv_file: CsvFile, meter: Meter) -> None:
        self.file = csv_file.name
        handler = self._handlers[csv_file.name]
        count = 0
        for row in csv_file.rows():
            count += 1
            self.rows_read += 1
            if self.rows_read > self.limits.max_rows:
                raise too_many_rows(self.rows_read, self.limits)
            try:
                handler(row)
            except _Reject as exc:
                self.rejects.add(self.file, row.line, str(exc))
            except _Collapsed:
                self.summary.collapsed += 1
                self.rejects.collapsed(self.file, row.line)
            except _Skipped:
                self.summary.skipped += 1
                self.rejects.skipped(self.file, row.line)
            meter.advance()
        self.summary.rows[csv_file.name] = count

    # ---- helpers ---------------------------------------------------------------------------------

    def _source(self, key: str) -> str:
        return f"{self.layout.label}, {self.file} {key}"

    def _warn(self, row: Row, warnings: list[str]) -> None:
        for w in warnings:
            self.rejects.add(self.file, row.line, w, outcome=PARTIAL)

    def _location(self, row: Row, prefix: str = "") -> dict[str, str] | None:
        v = row.values
        city = self._printable(row, f"{prefix}city", text(v, f"{prefix}city"))
        loc, warnings = mapping.location(text(v, f"{prefix}country_code"), text(v, f"{prefix}state_code"), city)
        self._warn(row, warnings)
        return loc

    def _printable(self, row: Row, column: str, value: str | None) -> str | None:
        """`value` with its control characters (a stray escape, a line break in a quoted name; NUL
        stops the file before this) replaced by spaces, said in the reject file: the contract
        refuses them in names and places, and the actor matters more than the character."""
        if value is None or control_character(value) is None:
            return value
        self._warn(row, [f"{column} holds control characters: replaced by spaces"])
        return " ".join(replace_controls(value).split()) or None

    def _date(self, row: Row, column: str, *, required: bool = False) -> str | None:
        try:
            on = mapping.parse_date(text(row.values, column), column)
        except ValueError as exc:
            raise _Reject(str(exc)) from None
        if on is None:
            if required:
                raise _Reject(f"no {column}: the event needs a date")
            return None
        return on.isoformat()

    def _money(self, row: Row, amount: str | None, currency: str | None, usd: str | None) -> dict[str, Any] | None:
        v = row.values
        try:
            return mapping.money(
                mapping.parse_amount(text(v, amount), amount) if amount else None,
                text(v, currency) if currency else None,
                mapping.parse_amount(text(v, usd), usd) if usd else None,
            )
        except ValueError as exc:  # no event needs an amount: the row is kept without it
            self._warn(row, [f"{exc}: amount left out"])
            return None

    def _name(self, row: Row, column: str, actor_id: str, *fallbacks: str) -> str:
        """The name a row gives an actor; without one the actor is kept under its id (a name is
        required by the contract, but the actor's place in rounds and exits matters more)."""
        name = self._printable(row, column, text(row.values, column)) or " ".join(
            p for p in (self._printable(row, c, text(row.values, c)) for c in fallbacks) if p
        )
        if not name:
            self._warn(row, [f"no {column}{' (nor ' + '/'.join(fallbacks) + ')' if fallbacks else ''}: {actor_id} named by its id"])
            name = actor_id
        return name[:500]

    def _required(self, row: Row, column: str) -> str:
        value = text(row.values, column)
        if value is None:
            raise _Reject(f"no {column}")
        return value

    def _stage(
        self, row: Row, key: str, kind: str, subject: str | None, on: str | None, data: dict[str, Any], phase: int, *, label: str
    ) -> None:
        """Validate against the contract (actors by bare id) and stage; duplicate keys collapse.
        `label` names the source row in `source` (its uuid or permalink, never a line number,
        which would change the body between exports)."""
        envelope = {"type": kind, "occurred_on": on or "1900-01-01", "source": self._source(label), "data": data}
        try:
            event = EVENT_ADAPTER.validate_python(envelope)
        except ValidationError as exc:
            raise _Reject(_validation_message(exc)) from None
        staged = StagedEvent(
            key, kind, subject, on, self._source(label), event.model_dump(mode="json", exclude_none=True)["data"], self.file, row.line
        )
        first = self.staging.add_event(staged, phase)
        if first is not None:
            if self.staging.same_event(staged):
                raise _Collapsed
            else:
                raise _Reject(f"duplicate of {first[0]} line {first[1]} with other values (that row is kept)")

    def _org(self, row: Row, org_id: str, name_column: str, kind: str, prefix: str = "") -> None:
        """Stage what a row says about an organization it names, unless it is known already
        (organizations.csv / companies.csv are read first, so their facts win)."""
        if self.staging.known([org_id]):
            return
        name = self._name(row, name_column, org_id)
        loc = self._location(row, prefix)
        self.staging.add_org(
            OrgFacts(org_id, name, kind, *(_loc_parts(loc))),
            file=self.file,
            line=row.line,
            source=self._source(f"row naming {org_id}"),
        )

    def _person_ref(self, row: Row, person_id: str, name_column: str, prefix: str | None = None) -> None:
        if self.staging.known([person_id]):
            return
        name = self._name(row, name_column, person_id)
        self.staging.add_person(person_id, name, self._location(row, prefix) if prefix is not None else None, file=self.file, line=row.line)

    # ---- bulk export -----------------------------------------------------------------------------

    def _organization(self, row: Row) -> None:
        v = row.values
        raw = self._required(row, "uuid")
        org_id = mapping.actor_id(raw)
        name = self._name(row, "name", org_id)
        kind = mapping.org_kind(text(v, "primary_role"))
        self._add_primary_org(row, org_id, raw, name, kind, "founded_on", text(v, "category_list") or text(v, "category_groups_list"))
        status = (text(v, "status") or "").lower()
        if status == "closed":
            closed = self._soft_date(row, "closed_on")
            if kind != "startup":
                self._warn(row, [f"status closed: a {kind} is not a tracked venture, so no firm.closed is written"])
            elif closed is None:
                self._warn(row, ["status closed without closed_on: no firm.closed written"])
            else:
                self.staging.set_closed(org_id, closed)
                self._stage(
                    row,
                    f"org/{org_id}/closed",
                    "firm.closed",
                    org_id,
                    closed,
                    {"firm": org_id},
                    PHASE_CLOSED,
                    label=f"uuid {raw} closed_on",
                )

    def _add_primary_org(
        self, row: Row, org_id: str, raw_key: str, name: str, kind: str, founded_column: str, categories: str | None
    ) -> None:
        loc = self._location(row)
        founded = self._soft_date(row, founded_column)
        digest = _digest(row.values)
        added = self.staging.add_org(
            OrgFacts(org_id, name[:500], kind, *(_loc_parts(loc))),
            primary=True,
            sector=mapping.sector(self._printable(row, "category_list", categories)),
            founded_on=founded,
            source=self._source(f"uuid {raw_key}" if self.layout is BULK else raw_key),
            file=self.file,
            line=row.line,
            digest=digest,
        )
        if not added:
            file, line, first = self.staging.org_origin(org_id)
            if first == digest:
                raise _Collapsed
            raise _Reject(f"duplicate of {file} line {line} with other values (that row is kept)")

    def _soft_date(self, row: Row, column: str) -> str | None:
        """A date whose absence or error costs only that fact (logged as partial)."""
        try:
            return self._date(row, column)
        except _Reject as exc:
            self._warn(row, [f"{exc}: left out"])
            return None

    def _person(self, row: Row) -> None:
        person_id = mapping.actor_id(self._required(row, "uuid"))
        name = self._name(row, "name", person_id, "first_name", "last_name")
        if not self.staging.add_person(person_id, name, self._location(row), file=self.file, line=row.line):
            raise _Collapsed

    def _investor(self, row: Row) -> None:
        v = row.values
        investor_id = mapping.actor_id(self._required(row, "uuid"))
        name = self._name(row, "name", investor_id)
        if self.staging.known([investor_id]):
            raise _Collapsed  # organizations.csv / people.csv described it first: that description is kept
        loc = self._location(row)
        if (text(v, "type") or "").lower() == "person":
            self.staging.add_person(investor_id, name, loc, file=self.file, line=row.line)
        else:
            kind = mapping.investor_kind(text(v, "investor_types"))
            self.staging.add_org(
                OrgFacts(investor_id, name, kind, *_loc_parts(loc)),
                file=self.file,
                line=row.line,
                source=self._source(f"uuid {investor_id}"),
            )

    def _funding_round(self, row: Row) -> None:
        v = row.values
        key = self._required(row, "uuid")
        firm = mapping.actor_id(self._required(row, "org_uuid"))
        on = self._date(row, "announced_on", required=True)
        data: dict[str, Any] = {"firm": firm, "round": mapping.round_kind(text(v, "investment_type"))}
        amount = self._money(row, "raised_amount", "raised_amount_currency_code", "raised_amount_usd")
        valuation = self._money(row, "post_money_valuation", "post_money_valuation_currency_code", "post_money_valuation_usd")
        if amount is not None:
            data["amount"] = amount
        if valuation is not None:
            data["valuation_post"] = valuation
        self._org(row, firm, "org_name", "startup")
        self._stage(row, f"round/{key}", "funding.round", firm, on, data, PHASE_ACTIVITY, label=f"uuid {key}")

    def _investment(self, row: Row) -> None:
        v = row.values
        round_key = f"round/{self._required(row, 'funding_round_uuid')}"
        investor = mapping.actor_id(self._required(row, "investor_uuid"))
        if (text(v, "investor_type") or "").lower() == "person":
            self._person_ref(row, investor, "investor_name")
        else:
            self._org(row, investor, "investor_name", "investor")
        if not self.staging.add_investor(round_key, investor, mapping.flag(text(v, "is_lead_investor")), self.file, row.line):
            raise _Collapsed

    def _acquisition(self, row: Row) -> None:
        v = row.values
        firm = mapping.actor_id(self._required(row, "acquiree_uuid"))
        acquirer = mapping.actor_id(self._required(row, "acquirer_uuid"))
        key = text(v, "uuid") or f"{firm}/{acquirer}"
        on = self._date(row, "acquired_on", required=True)
        if firm == acquirer:
            raise _Reject("a firm cannot acquire itself")
        data: dict[str, Any] = {"firm": firm, "acquirer": acquirer}
        price = self._money(row, "price", "price_currency_code", "price_usd")
        if price is not None:
            data["price"] = price
        self._org(row, firm, "acquiree_name", "startup", "acquiree_")
        self._org(row, acquirer, "acquirer_name", "corporation", "acquirer_")
        self._stage(row, f"acquisition/{key}", "exit.acquisition", firm, on, data, PHASE_ACTIVITY, label=f"uuid {key}")

    def _ipo(self, row: Row) -> None:
        v = row.values
        firm = mapping.actor_id(self._required(row, "org_uuid"))
        on = self._date(row, "went_public_on", required=True)
        key = text(v, "uuid") or f"{firm}/{on}"
        data: dict[str, Any] = {"firm": firm, "exchange": (text(v, "stock_exchange_symbol") or "unknown").upper()[:100]}
        raised = self._money(row, "money_raised", "money_raised_currency_code", "money_raised_usd")
        market_cap = self._money(row, "valuation_price", "valuation_price_currency_code", "valuation_price_usd")
        if raised is not None:
            data["raised"] = raised
        if market_cap is not None:
            data["market_cap"] = market_cap
        self._org(row, firm, "org_name", "startup")
        self._stage(row, f"ipo/{key}", "exit.ipo", firm, on, data, PHASE_ACTIVITY, label=f"uuid {key}")

    def _job(self, row: Row) -> None:
        v = row.values
        person = mapping.actor_id(self._required(row, "person_uuid"))
        org = mapping.actor_id(self._required(row, "org_uuid"))
        title = text(v, "title")
        started = self._date(row, "started_on")
        ended = self._soft_date(row, "ended_on")
        key = text(v, "uuid") or f"{person}/{org}/{title or ''}/{started or ''}"
        role = mapping.job_role(title, text(v, "job_type"))
        if started is None and role != "founder":
            raise _Reject("no started_on: a person.joined needs a date (only founders are dated to the founding)")
        self._person_ref(row, person, "person_name")
        self._org(row, org, "org_name", "other")
        data: dict[str, Any] = {"person": person, "org": org, "role": role}
        if title is not None:
            data["title"] = title[:2000]
        self._stage(row, f"job/{key}/joined", "person.joined", org, started, data, PHASE_ACTIVITY, label=f"uuid {key} started_on")
        if ended is not None:
            if started is not None and ended < started:
                self._warn(row, [f"ended_on {ended} is before started_on {started}: no person.left written"])
            else:
                self._stage(
                    row,
                    f"job/{key}/left",
                    "person.left",
                    org,
                    ended,
                    {"person": person, "org": org},
                    PHASE_LEFT,
                    label=f"uuid {key} ended_on",
                )

    def _org_parent(self, row: Row) -> None:
        # Parent/subsidiary links have no event type in contract v1: counted, not imported.
        raise _Skipped

    # ---- 2015 public export ----------------------------------------------------------------------

    def _company(self, row: Row) -> None:
        v = row.values
        raw = self._required(row, "permalink")
        org_id = mapping.actor_id(raw)
        self._add_primary_org(row, org_id, raw, self._name(row, "name", org_id), "startup", "founded_at", text(v, "category_list"))
        if (text(v, "status") or "").lower() == "closed":
            self._warn(row, ["status closed, but this layout has no closing date: no firm.closed written"])

    def _round_2015(self, row: Row) -> None:
        self._stage_round_2015(row)

    def _stage_round_2015(self, row: Row) -> str:
        v = row.values
        firm = mapping.actor_id(self._required(row, "company_permalink"))
        raw = self._required(row, "funding_round_permalink")
        key = f"round/{raw.lstrip('/')}"
        on = self._date(row, "funded_at", required=True)
        data: dict[str, Any] = {"firm": firm, "round": mapping.round_kind(text(v, "funding_round_type"), text(v, "funding_round_code"))}
        amount = self._money(row, None, None, "raised_amount_usd")
        if amount is not None:
            data["amount"] = amount
        self._org(row, firm, "company_name", "startup", "company_")
        self._stage(row, key, "funding.round", firm, on, data, PHASE_ACTIVITY, label=raw)
        return key

    def _investment_2015(self, row: Row) -> None:
        raw = self._required(row, "investor_permalink")
        investor = mapping.actor_id(raw)
        round_key = f"round/{self._required(row, 'funding_round_permalink').lstrip('/')}"
        if not self.staging.has_event(round_key):
            # investments.csv repeats its round's columns: a round missing from rounds.csv comes from here.
            self._stage_round_2015(row)
        if raw.startswith("/person/"):
            self._person_ref(row, investor, "investor_name", "investor_")
        else:
            self._org(row, investor, "investor_name", "investor", "investor_")
        if not self.staging.add_investor(round_key, investor, None, self.file, row.line):
            raise _Collapsed

    def _acquisition_2015(self, row: Row) -> None:
        firm = mapping.actor_id(self._required(row, "company_permalink"))
        acquirer = mapping.actor_id(self._required(row, "acquirer_permalink"))
        on = self._date(row, "acquired_at", required=True)
        if firm == acquirer:
            raise _Reject("a firm cannot acquire itself")
        data: dict[str, Any] = {"firm": firm, "acquirer": acquirer}
        price = self._money(row, "price_amount", "price_currency_code", None)
        if price is not None:
            data["price"] = price
        self._org(row, firm, "company_name", "startup", "company_")
        self._org(row, acquirer, "acquirer_name", "corporation", "acquirer_")
        self._stage(
            row, f"acquisition/{firm}/{acquirer}", "exit.acquisition", firm, on, data, PHASE_ACTIVITY, label=f"{firm} by {acquirer}"
        )


class _Reject(Exception):
    """The row cannot be mapped; the message is the reason written to the reject file."""


class _Collapsed(Exception):
    """The row repeats an earlier one (exactly, or describes an actor described already): counted once."""


class _Skipped(Exception):
    """The row has nothing the contract can hold (org_parents.csv): counted, not imported."""


def _loc_parts(loc: dict[str, str] | None) -> tuple[str | None, str | None, str | None]:
    if loc is None:
        return None, None, None
    return loc.get("country"), loc.get("subdivision"), loc.get("city")


def _validation_message(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors():
        skip = ("funding.round", "exit.ipo", "exit.acquisition", "person.joined", *REF_TAGS)
        loc = ".".join(str(p) for p in err["loc"] if p not in skip)
        parts.append(f"{loc}: {str(err['msg']).removeprefix('Value error, ')}")
    return "; ".join(parts)


# ---- between the passes: foundings ---------------------------------------------------------------


def _found_firms(staging: Staging, rejects: Rejects, layout: Layout, meter: Meter) -> None:
    """A firm.founded for every startup: on its founded_on, or on its first known event when that
    is missing or later (said in `source`). Firms that cannot be founded are marked, so their
    rounds and exits are rejected with the reason instead of failing in the ledger."""
    staging.index()
    staging.make_subjects_startups()
    meter.total = staging.count_startups()
    for org_id, founded, first, _closed, primary, country, subdivision, city, sector, source, file, line in staging.startups():
        meter.advance()
        reason = None
        if founded is None and first is None:
            reason = "no founding date and no dated round, exit or closure to infer one from"
        if reason is not None:
            staging.mark_unfounded(org_id, reason)
            if primary:
                rejects.add(file, line, f"firm not founded ({reason}): the organization is registered without it", outcome=PARTIAL)
            continue
        on = founded
        note = source or f"{layout.label}, {org_id}"
        if founded is None:
            on = first
            note += f"; no founding date in the export: dated to the firm's first known event ({first})"
        elif first is not None and first < founded:
            on = first
            note += f"; founded_on {founded} is after the firm's first known event: dated to that event ({first})"
        data: dict[str, Any] = {"firm": org_id}
        if country is not None:  # without one the firm is in no region until a relocation places it
            data["location"] = {k: v for k, v in (("country", country), ("subdivision", subdivision), ("city", city)) if v is not None}
        if sector is not None:
            data["sector"] = sector
        staging.add_founding(StagedEvent(founding_key(org_id), "firm.founded", org_id, on, note[:2000], data, file or "", line or 0))
    staging.install_foundings()
    for file, line, round_key in staging.orphan_investments():
        rejects.add(file, line, f"funding round {round_key.removeprefix('round/')} is not in the export (or its row was rejected)")
    for file, line, org_id in staging.date_from_founding("; no started_on: a founder, dated to the firm's founding"):
        rejects.add(file, line, f"no started_on, and firm {org_id} has no founding date to take instead")


# ---- pass 2: staged events to the ledger ---------------------------------------------------------


def _items(staging: Staging, rejects: Rejects, latest: dt.date, meter: Meter) -> Iterator[Item]:
    """The staged events as typed events for the writer; those that cannot be written are
    rejected here (and counted as done for the progress)."""
    for se in staging.events():
        origin = Origin(se.file, se.line)
        data = se.data
        parts: list[Origin] = []
        if se.type == "funding.round":
            investors = []
            for investor, lead, file, line in staging.investors(se.key):
                entry: dict[str, Any] = {"investor": investor}
                if lead is not None:
                    entry["lead"] = lead
                investors.append(entry)
                parts.append(Origin(file, line))
            if investors:
                data = {**data, "investors": investors}
        reason = _blocked(staging, se, latest)
        if reason is not None:
            for where in (origin, *parts):
                rejects.add(where.file, where.line, reason)
            meter.advance()
            continue
        envelope = {
            "event_id": str(mapping.event_id("crunchbase", se.key)),
            "type": se.type,
            "occurred_on": se.on_date,
            "source": se.source,
            "data": data,
        }
        try:
            event = EVENT_ADAPTER.validate_python(envelope)
        except ValidationError as exc:
            for where in (origin, *parts):
                rejects.add(where.file, where.line, _validation_message(exc))
            meter.advance()
            continue
        staging.mark_named(ref_id(ref.ref) for ref in references(event))
        yield Item(event, origin, tuple(parts))


def _blocked(staging: Staging, se: StagedEvent, latest: dt.date) -> str | None:
    """Reasons the ledger would refuse an event, checked here so a batch rarely has to be retried."""
    if se.on_date is not None and dt.date.fromisoformat(se.on_date) > latest:
        return f"dated {se.on_date}, in the future"
    if se.subject is None or se.type == "firm.founded":
        return None
    state = staging.subject_state(se.subject)
    if state is None:
        return None
    unfounded, closed_on = state
    if unfounded is not None and se.type in SUBJECT_TYPES:
        return f"firm {se.subject} is not founded in the ledger ({unfounded})"
    if closed_on is not None and se.type != "firm.closed" and se.on_date is not None and se.on_date > closed_on:
        return f"dated {se.on_date}, after {se.subject} closed on {closed_on}"
    return None


def _keep_actors(factory: sessionmaker[Session], staging: Staging, rejects: Rejects, *, on: dt.date, source: str, meter: Meter) -> int:
    """Every organization and person the export describes is kept. Those no written event names
    are registered on their own, dated `on` (the import's day: the export dates none of them);
    then each described actor in the ledger counts its row as in the ledger. Returns how many
    were registered here."""
    writer = EventWriter(factory, rejects=rejects)
    for chunk in chunked(staging.actors(), 1000):
        meter.advance(len(chunk))
        with factory() as session:
            present = known_actors(session, [actor_id for actor_id, *_ in chunk])
        facts = staging.actor_facts([actor_id for actor_id, *_ in chunk if actor_id not in present])
        for actor_id, file, line, _named in chunk:
            if actor_id in present:
                rejects.in_ledger([(file or "", line)])
            elif actor_id in facts:
                registration = {
                    "event_id": str(mapping.event_id("actor", actor_id)),
                    "type": "actor.registered",
                    "occurred_on": on.isoformat(),
                    "source": f"{source}; named by no event of the export, registered on the day of the import",
                    "data": facts[actor_id],
                }
                writer.add(Item(EVENT_ADAPTER.validate_python(registration), Origin(file or "", line)))
    writer.flush()
    return writer.tally.new


# ---- entry point ---------------------------------------------------------------------------------


def import_crunchbase(
    factory: sessionmaker[Session],
    path: Path,
    *,
    rejects_path: Path | None = None,
    progress: ProgressCallback | None = None,
    batch_size: int = 2000,
    future_tolerance_days: int = 1,
    today: dt.date | None = None,
    scratch_dir: Path | None = None,
    limits: Limits = NO_LIMITS,
    progress_interval: float = 0.5,
) -> Summary:
    """Import the export in PATH (a directory or zip archive). Raises MalformedFile, having
    written nothing, when a file of it cannot be read, and ImportLimitExceeded, having written
    nothing, when it is over `limits`; rows that cannot be mapped are rejected. `progress` is
    called per stage (progress.STAGES) at most every `progress_interval` seconds."""
    started = time.monotonic()
    found = open_source(path, anchors=[layout.anchor for layout in LAYOUTS])
    # The anchor's header is read to tell the layout: its declared size is checked first.
    check_declared(found, found.names() & {layout.anchor for layout in LAYOUTS}, limits)
    source = LimitedSource(found, limits)
    layout = detect_layout(source)
    present = [spec for spec in layout.files if spec.name in source.names()]
    declared = check_declared(source, [spec.name for spec in present], limits)
    summary = Summary(layout=layout.label)
    latest = (today or dt.date.today()) + dt.timedelta(days=future_tolerance_days)
    pending_rejects = None if rejects_path is None else rejects_path.with_name(rejects_path.name + ".partial")
    try:
        with Rejects(pending_rejects) as rejects, Staging(scratch_dir) as staging:
            counting = Meter(progress, "counting", declared, interval=progress_interval)
            budget = ByteBudget(limits)

            def counted(size: int) -> None:
                budget.spend(size)
                counting.advance(size)

            lines = sum(max(count_lines(source, spec.name, counted) - 1, 0) for spec in present)
            counting.finish()
            reading = Meter(progress, "reading", lines, interval=progress_interval)
            reader = _Reader(layout, staging, rejects, summary, latest, limits=limits)
            for spec in present:
                reader.read(CsvFile(source, spec.name, spec.required), reading)
            reading.finish()
            founding = Meter(progress, "founding", 0, interval=progress_interval)
            _found_firms(staging, rejects, layout, founding)
            founding.finish()
            summary.staged_events = staging.count_events()
            writing = Meter(progress, "writing", summary.staged_events, interval=progress_interval)
            writer = EventWriter(
                factory,
                rejects=rejects,
                actor_facts=staging.actor_facts,
                versioned=True,
                batch_size=batch_size,
                future_tolerance_days=future_tolerance_days,
                registration_source=f"{layout.label}: actor as described there",
                meter=writing,
            )
            for item in _items(staging, rejects, latest, writing):
                writer.add(item)
            writer.flush()
            writing.finish()
            registering = Meter(progress, "registering", staging.count_actors(), interval=progress_interval)
            summary.unnamed_actors = _keep_actors(
                factory,
                staging,
                rejects,
                on=latest - dt.timedelta(days=future_tolerance_days),
                source=f"{layout.label}: actor as described there",
                meter=registering,
            )
            registering.finish()
            summary.files = rejects.tally(summary.rows)
    except Exception:
        # A half-written reject file is never published (whatever stopped the import: a malformed
        # file, a limit, the task's time limit); the next run writes it whole.
        if pending_rejects is not None:
            pending_rejects.unlink(missing_ok=True)
        raise
    if pending_rejects is not None and rejects_path is not None:
        os.replace(pending_rejects, rejects_path)
        summary.rejects_file = str(rejects_path)
    tally = writer.tally
    summary.rejected = rejects.rejected
    summary.partial = rejects.partial
    summary.new, summary.duplicates, summary.corrected = tally.new, tally.duplicates, tally.corrected
    summary.registered, summary.kept_retracted = tally.registered, tally.kept_retracted
    summary.seconds = round(time.monotonic() - started, 3)
    return summary
