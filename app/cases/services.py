"""Case-registry operations. Each state change and its audit entry commit together."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from tortoise.transactions import in_transaction

from app import clock
from app.accounts.models import User
from app.accounts.roles import AccountStatus, Role
from app.audit.service import record
from app.cases import access
from app.cases.kinds import (
    CaseCategory,
    CustodyStatus,
    EventKind,
    stage_after,
)
from app.cases.models import (
    Case,
    CaseDetainee,
    CaseEvent,
    CaseInvestigator,
    Detainee,
)
from app.errors import DomainError, raise_all
from app.orgs.models import Facility

_ID_NUMBER = re.compile(r"^[0-9A-Z]{6,32}$")
# An effective time may lie in the past (recorded late), but not noticeably in the future.
_CLOCK_SKEW = timedelta(minutes=5)


def normalise_id_number(raw: str) -> str:
    return re.sub(r"[\s-]", "", raw).upper()


def mask_id_number(number: str) -> str:
    if len(number) <= 8:
        return "*" * len(number)
    return number[:4] + "*" * (len(number) - 8) + number[-4:]


@dataclass(frozen=True)
class NewDetainee:
    name: str
    id_number: str
    facility_id: int
    admitted_at: datetime


def valid_id_number(raw: str) -> bool:
    """Whether ``raw`` is a document number as stored: 6-32 letters and digits once spaces and
    dashes are gone (the column holds 32)."""
    return bool(_ID_NUMBER.match(normalise_id_number(raw)))


def detainee_problems(name: str, id_number: str) -> list[DomainError]:
    """Every field of a detainee's name and document number that is wrong."""
    problems: list[DomainError] = []
    if not name.strip():
        problems.append(DomainError("required", "name"))
    if not valid_id_number(id_number):
        problems.append(DomainError("id_number_invalid", "id_number"))
    return problems


def new_case_problems(case_number: str, name: str, id_number: str) -> list[DomainError]:
    """Every field of a new case and its detainee that is wrong, checked without the database."""
    problems = [DomainError("required", "case_number")] if not case_number.strip() else []
    return [*problems, *detainee_problems(name, id_number)]


async def _detainee(new: NewDetainee) -> Detainee:
    """The detainee with this document number at the facility, registered if new."""
    number = normalise_id_number(new.id_number)
    raise_all(detainee_problems(new.name, new.id_number))  # every field at fault, at once
    if not await Facility.filter(id=new.facility_id).exists():
        raise DomainError("facility_unknown", "facility_id")
    existing = await Detainee.get_or_none(facility_id=new.facility_id, id_number=number)
    if existing is not None:
        if existing.name != new.name.strip():
            raise DomainError("detainee_name_mismatch", "name")
        return existing
    return await Detainee.create(
        name=new.name.strip(),
        id_number=number,
        facility_id=new.facility_id,
        admitted_at=new.admitted_at,
    )


async def admit_detainee(actor: User, new: NewDetainee) -> Detainee:
    """Detention staff register an admission at their own facility."""
    if actor.role != Role.DETENTION_STAFF or actor.facility_id != new.facility_id:
        raise DomainError("facility_not_yours", "facility_id", 403)
    async with in_transaction():
        detainee = await _detainee(new)
        await record(
            actor, "detainee.admitted", "detainee", detainee.id, {"facility_id": new.facility_id}
        )
    return detainee


@dataclass(frozen=True)
class NewCase:
    case_number: str
    category: CaseCategory
    suspected_charges: str
    detainee: NewDetainee
    investigator_ids: list[int] = field(default_factory=list)
    co_defendants: tuple[NewDetainee, ...] = ()  # further suspects of the same case (同案)


async def open_case(actor: User, new: NewCase) -> Case:
    """An investigator opens a case of their agency for a detainee and any co-defendants
    (each registered if new)."""
    if actor.role != Role.INVESTIGATOR or actor.agency_id is None:
        raise DomainError("not_investigator", None, 403)
    number = new.case_number.strip()
    raise_all(new_case_problems(number, new.detainee.name, new.detainee.id_number))
    raise_all(
        p for other in new.co_defendants for p in detainee_problems(other.name, other.id_number)
    )
    async with in_transaction():
        if await Case.filter(agency_id=actor.agency_id, case_number=number).exists():
            raise DomainError("case_number_taken", "case_number", 409)
        detainee = await _detainee(new.detainee)
        case = await Case.create(
            agency_id=actor.agency_id,
            case_number=number,
            category=new.category,
            suspected_charges=new.suspected_charges.strip(),
        )
        await CaseDetainee.create(case=case, detainee=detainee)
        summary: dict[str, Any] = {"category": new.category.value, "detainee_id": detainee.id}
        for other in new.co_defendants:
            co_defendant = await _detainee(other)
            await CaseDetainee.create(case=case, detainee=co_defendant)
            summary.setdefault("co_defendant_ids", []).append(co_defendant.id)
        await _assign(actor, case, {actor.id, *new.investigator_ids})
        await record(actor, "case.opened", "case", case.id, summary)
    return case


async def _assign(actor: User, case: Case, investigator_ids: set[int]) -> None:
    colleagues = await User.filter(
        id__in=investigator_ids,
        role=Role.INVESTIGATOR,
        agency_id=case.agency_id,
        status=AccountStatus.ACTIVE,
    )
    if len(colleagues) != len(investigator_ids):
        raise DomainError("investigator_unknown", "investigator_ids")
    for colleague in colleagues:
        _, created = await CaseInvestigator.get_or_create(case=case, investigator=colleague)
        if created and colleague.id != actor.id:
            await record(
                actor,
                "case.investigator_assigned",
                "case",
                case.id,
                {"investigator_id": colleague.id},
            )


async def assign_investigators(actor: User, case: Case, investigator_ids: list[int]) -> None:
    if actor.role != Role.INVESTIGATOR or case.agency_id != actor.agency_id:
        raise DomainError("not_investigator", None, 403)
    async with in_transaction():
        await _assign(actor, case, set(investigator_ids))


@dataclass(frozen=True)
class NewEvent:
    kind: EventKind
    effective_at: datetime
    note: str = ""
    detainee_id: int | None = None
    details: dict[str, Any] = field(default_factory=dict)
    corrects_id: int | None = None


async def record_event(actor: User, case: Case, new: NewEvent) -> CaseEvent:
    """Add to the timeline. Events are never edited: a correction names the event it corrects."""
    if not access.may_record_event(actor, case, new.kind):
        raise DomainError("event_not_allowed", "kind", 403)
    problems: list[DomainError] = []  # the fields checked together, reported at once
    if new.effective_at.tzinfo is None:
        problems.append(DomainError("time_needs_zone", "effective_at"))
    elif new.effective_at > clock.now() + _CLOCK_SKEW:
        problems.append(DomainError("effective_in_future", "effective_at"))
    detainee_ids = await CaseDetainee.filter(case_id=case.id).values_list("detainee_id", flat=True)
    detainee_id = new.detainee_id or (detainee_ids[0] if len(detainee_ids) == 1 else None)
    if detainee_id is not None and detainee_id not in detainee_ids:
        problems.append(DomainError("detainee_not_in_case", "detainee_id"))
    if new.kind == EventKind.CORRECTION and (
        not new.corrects_id
        or not await CaseEvent.filter(id=new.corrects_id, case_id=case.id).exists()
    ):
        problems.append(DomainError("correction_needs_event", "corrects_id"))
    details = dict(new.details)
    if new.kind == EventKind.CUSTODY_EXTENSION:
        problems.extend(_extension_problems(details))
    raise_all(problems)
    async with in_transaction():
        if actor.role == Role.DETENTION_STAFF:
            detainee = await Detainee.get_or_none(id=detainee_id, facility_id=actor.facility_id)
            if detainee is None:
                raise DomainError("detainee_not_in_case", "detainee_id", 404)
            await _apply_custody_change(detainee, new.kind, details)
        event = await CaseEvent.create(
            case=case,
            detainee_id=detainee_id,
            kind=new.kind,
            effective_at=new.effective_at,
            recorded_by=actor,
            note=new.note.strip(),
            details=details,
            corrects_id=new.corrects_id if new.kind == EventKind.CORRECTION else None,
        )
        stage = stage_after(case.stage, new.kind)
        if stage != case.stage:
            case.stage = stage
            await case.save(update_fields=["stage", "updated_at"])
        await record(
            actor,
            f"case_event.{new.kind.value}",
            "case",
            case.id,
            {"event_id": event.id, "effective_at": new.effective_at.isoformat()},
        )
    return event


def _extension_problems(details: dict[str, Any]) -> list[DomainError]:
    problems: list[DomainError] = []
    if not details.get("new_expiry"):
        problems.append(DomainError("extension_needs_expiry", "new_expiry"))
    if not details.get("legal_basis"):
        problems.append(DomainError("extension_needs_basis", "legal_basis"))
    return problems


async def _apply_custody_change(
    detainee: Detainee, kind: EventKind, details: dict[str, Any]
) -> None:
    if kind == EventKind.RELEASED:
        detainee.custody_status = CustodyStatus.RELEASED
        await detainee.save(update_fields=["custody_status"])
    elif kind == EventKind.MOVED_FACILITY:
        target = details.get("to_facility_id")
        if not isinstance(target, int) or not await Facility.filter(id=target).exists():
            raise DomainError("facility_unknown", "to_facility_id")
        if target == detainee.facility_id:
            raise DomainError("facility_same", "to_facility_id")
        details["from_facility_id"] = detainee.facility_id
        detainee.facility_id = target
        await detainee.save(update_fields=["facility_id"])
