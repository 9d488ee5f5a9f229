"""The actor references each event type makes, with what each role fixes about the actor."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from ledger.errors import Loc
from ledger.events import schemas as s
from ledger.events.values import ActorRef, ActorType, OrgKind


@dataclass(frozen=True)
class Reference:
    role: str
    loc: Loc
    ref: ActorRef
    # The actor must be of this type/kind; inline objects that leave them out get them.
    type: ActorType | None = None
    kind: OrgKind | None = None
    # The referenced firm must have been founded on or before the event date.
    founded: bool = False


_ORG = ActorType.organization
_PERSON = ActorType.person


def references(event: s.Event) -> Iterator[Reference]:
    """Yield references in document order, so an inline object may precede a bare id use."""
    d = event.data
    match event:
        case s.ActorRegistered():
            return
        case s.FirmFounded():
            assert isinstance(d, s.FirmFoundedData)
            yield Reference("firm", ("data", "firm"), d.firm, _ORG, OrgKind.startup)
            for i, f in enumerate(d.founders):
                yield Reference("founder", ("data", "founders", i), f)
            for i, o in enumerate(d.origins):
                yield Reference("origin", ("data", "origins", i, "org"), o.org, _ORG)
        case s.PersonJoined() | s.PersonLeft():
            assert isinstance(d, s.PersonJoinedData | s.PersonLeftData)
            yield Reference("person", ("data", "person"), d.person, _PERSON)
            yield Reference("org", ("data", "org"), d.org, _ORG)
        case s.FundingRound():
            assert isinstance(d, s.FundingRoundData)
            yield Reference("firm", ("data", "firm"), d.firm, _ORG, OrgKind.startup, founded=True)
            for i, inv in enumerate(d.investors):
                yield Reference("investor", ("data", "investors", i, "investor"), inv.investor)
        case s.LicenseDeal():
            assert isinstance(d, s.LicenseDealData)
            yield Reference("licensor", ("data", "licensor"), d.licensor, founded=True)
            yield Reference("licensee", ("data", "licensee"), d.licensee, founded=True)
        case s.ExitIpo() | s.ExitAcquisition():
            assert isinstance(d, s.IpoData | s.AcquisitionData)
            yield Reference("firm", ("data", "firm"), d.firm, _ORG, OrgKind.startup, founded=True)
            if isinstance(d, s.AcquisitionData):
                yield Reference("acquirer", ("data", "acquirer"), d.acquirer, _ORG)
            for i, p in enumerate(d.proceeds or []):
                yield Reference("proceeds", ("data", "proceeds", i, "actor"), p.actor)
        case s.FirmRelocated() | s.FirmClosed() | s.HeadcountReported():
            assert isinstance(d, s.RelocatedData | s.ClosedData | s.HeadcountData)
            yield Reference("firm", ("data", "firm"), d.firm, _ORG, OrgKind.startup, founded=True)
        case s.FundRaised():
            assert isinstance(d, s.FundRaisedData)
            yield Reference("fund", ("data", "fund"), d.fund, _ORG, OrgKind.investor)
            if d.manager is not None:
                yield Reference("manager", ("data", "manager"), d.manager)
            for i, lp in enumerate(d.lps):
                yield Reference("lp", ("data", "lps", i, "lp"), lp.lp)
        case s.AssociationJoined():
            assert isinstance(d, s.AssociationJoinedData)
            yield Reference("org", ("data", "org"), d.org, _ORG)
            yield Reference("association", ("data", "association"), d.association, _ORG, OrgKind.association)
        case s.FxRate() | s.EventRetracted():
            return
