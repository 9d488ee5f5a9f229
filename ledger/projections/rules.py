"""Validation against ledger state: references, roles and lifecycle rules (spec/events.md).

`check` reads state and returns a Plan (actors to register, references to index) or raises;
it writes nothing, so a rejected event leaves no trace.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

import sqlalchemy as sa

from ledger.errors import Conflict, ErrorItem, InvalidEvent
from ledger.events import schemas as s
from ledger.events.models import EventActor, Retraction
from ledger.events.refs import Reference, references
from ledger.events.values import ActorObject, ActorType, Location, OrgKind
from ledger.projections.state import Facts, LedgerState, Target


@dataclass
class Plan:
    registrations: list[Facts] = field(default_factory=list)
    mentions: set[tuple[str, str]] = field(default_factory=set)
    retract: Target | None = None


def check(state: LedgerState, event: s.Event, *, latest_allowed: dt.date, named: Sequence[Reference] | None = None) -> Plan:
    """`named`: the event's references when the caller has listed them already."""
    errors: list[ErrorItem] = []
    conflicts: list[ErrorItem] = []
    plan = Plan()
    if event.occurred_on > latest_allowed:
        errors.append(ErrorItem(("occurred_on",), f"{event.occurred_on} is in the future (latest allowed {latest_allowed})"))

    local: dict[str, Facts] = {}
    if isinstance(event, s.ActorRegistered):
        facts = _register(state, event.data, Reference("actor", ("data",), event.data), local, plan, errors, conflicts)
        if facts is not None:
            plan.mentions.add((facts.id, "actor"))
    for ref in references(event) if named is None else named:
        facts = _resolve(state, ref, local, plan, errors, conflicts)
        if facts is None:
            continue
        plan.mentions.add((facts.id, ref.role))
        _lifecycle(state, event, ref, facts, errors)

    if isinstance(event, s.EventRetracted):
        plan.retract = _retraction_target(state, event, errors, conflicts)

    if errors:
        raise InvalidEvent(errors + conflicts)
    if conflicts:
        raise Conflict(conflicts)
    return plan


def _resolve(
    state: LedgerState,
    ref: Reference,
    local: dict[str, Facts],
    plan: Plan,
    errors: list[ErrorItem],
    conflicts: list[ErrorItem],
) -> Facts | None:
    if isinstance(ref.ref, ActorObject):
        return _register(state, ref.ref, ref, local, plan, errors, conflicts)
    known = _known(state, ref.ref, local)
    if known is None:
        errors.append(ErrorItem(ref.loc, f"unknown actor {ref.ref!r}: register it first or pass an object with id, type and name"))
        return None
    return _fits_role(ref, known, errors)


def _article(word: str) -> str:
    return f"an {word}" if word[:1] in "aeiou" else f"a {word}"


def _fits_role(ref: Reference, known: Facts, errors: list[ErrorItem]) -> Facts | None:
    """A known actor must have the type and kind its role in the event requires."""
    if ref.type is not None and known.type != ref.type:
        errors.append(
            ErrorItem(ref.loc, f"actor {known.id!r} is {_article(known.type)}, the {ref.role} must be {_article(ref.type.value)}")
        )
        return None
    if ref.kind is not None and known.kind != ref.kind:
        errors.append(ErrorItem(ref.loc, f"actor {known.id!r} is of kind {known.kind}, the {ref.role} must be of kind {ref.kind.value}"))
        return None
    return known


def _known(state: LedgerState, actor_id: str, local: dict[str, Facts]) -> Facts | None:
    if actor_id in local:
        return local[actor_id]
    return state.actor(actor_id)


def _register(
    state: LedgerState,
    obj: ActorObject,
    ref: Reference,
    local: dict[str, Facts],
    plan: Plan,
    errors: list[ErrorItem],
    conflicts: list[ErrorItem],
) -> Facts | None:
    known = _known(state, obj.id, local)
    if known is not None:
        # An inline object for a known actor only has to agree with what it states.
        loc: Location | None = obj.location
        stated = (
            ("type", None if obj.type is None else obj.type.value, known.type),
            ("name", obj.name, known.name),
            ("kind", None if obj.kind is None else obj.kind.value, known.kind),
            ("country", None if loc is None else loc.country, known.country),
            ("subdivision", None if loc is None else loc.subdivision, known.subdivision),
            ("city", None if loc is None else loc.city, known.city),
        )
        clashes = [f"{name} {mine!r} (registered: {theirs!r})" for name, mine, theirs in stated if mine is not None and mine != theirs]
        if clashes:
            conflicts.append(ErrorItem(ref.loc, f"actor {obj.id!r} is already registered with other facts: " + "; ".join(clashes)))
            return None
        return _fits_role(ref, known, errors)
    actor_type = obj.type or ref.type or (ActorType.organization if obj.kind is not None else None)
    kind = obj.kind or ref.kind
    if actor_type is None:
        errors.append(ErrorItem((*ref.loc, "type"), "type is required: organization or person"))
        return None
    if ref.type is not None and actor_type != ref.type:
        errors.append(ErrorItem((*ref.loc, "type"), f"the {ref.role} must be {_article(ref.type.value)}"))
        return None
    if ref.kind is not None and kind != ref.kind:
        errors.append(ErrorItem((*ref.loc, "kind"), f"the {ref.role} must be of kind {ref.kind.value}"))
        return None
    if actor_type == ActorType.organization and kind is None:
        errors.append(ErrorItem((*ref.loc, "kind"), "kind is required for an organization: " + ", ".join(k.value for k in OrgKind)))
        return None
    if actor_type == ActorType.person and kind is not None:
        errors.append(ErrorItem((*ref.loc, "kind"), "a person has no organization kind"))
        return None
    location = obj.location
    facts = Facts(
        id=obj.id,
        type=actor_type.value,
        name=obj.name,
        kind=None if kind is None else kind.value,
        country=None if location is None else location.country,
        subdivision=None if location is None else location.subdivision,
        city=None if location is None else location.city,
    )
    local[obj.id] = facts
    plan.registrations.append(facts)
    return facts


def _lifecycle(state: LedgerState, event: s.Event, ref: Reference, facts: Facts, errors: list[ErrorItem]) -> None:
    on = event.occurred_on
    if facts.kind == OrgKind.startup.value:
        founding = state.founding(facts.id)
        if isinstance(event, s.FirmFounded) and ref.role == "firm":
            if founding is not None:
                errors.append(ErrorItem(ref.loc, f"firm {facts.id!r} was already founded on {founding.on} (event seq {founding.seq})"))
        elif ref.founded:
            if founding is None:
                errors.append(ErrorItem(ref.loc, f"firm {facts.id!r} has no firm.founded event: found it first"))
            elif founding.on > on:
                errors.append(ErrorItem(ref.loc, f"firm {facts.id!r} is founded on {founding.on}, after this event's date {on}"))
    closed_on = state.closed_on(facts.id)
    if closed_on is not None and closed_on < on:
        errors.append(ErrorItem(ref.loc, f"firm {facts.id!r} closed on {closed_on}: only event.retracted may follow"))


def _retraction_target(state: LedgerState, event: s.EventRetracted, errors: list[ErrorItem], conflicts: list[ErrorItem]) -> Target | None:
    loc = ("data", "event_id")
    target = state.target(str(event.data.event_id))
    if target is None:
        errors.append(ErrorItem(loc, f"unknown event {event.data.event_id}"))
        return None
    if target.type == "event.retracted":
        conflicts.append(ErrorItem(loc, "a retraction cannot be retracted"))
        return None
    if target.retracted_by is not None:
        conflicts.append(ErrorItem(loc, f"event {event.data.event_id} is already retracted (by seq {target.retracted_by})"))
        return None
    actor_id = target.actor_id
    if actor_id is not None:
        state.flush()  # rare enough to pay a flush: the references may still be buffered
        session = state.session
        in_use = session.scalar(
            sa.select(sa.func.count())
            .select_from(EventActor)
            .where(EventActor.actor_id == actor_id, EventActor.event_seq != target.seq)
            .where(~EventActor.event_seq.in_(sa.select(Retraction.target_seq)))  # type: ignore[attr-defined]
        )
        if in_use:
            conflicts.append(ErrorItem(loc, f"actor {actor_id!r} is referenced by {in_use} live event(s): retract those first"))
            return None
    return target
