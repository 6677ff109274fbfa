"""Opening a meeting request and starting its 48-hour clock (M1; CPL 39(2), MPS 53, R2015 Art 7).

Policy P1 says when the clock starts: when the lawyer asks ("on_request", the default) or when
staff have checked the three documents ("after_document_check"); until then the request has no
deadline. The deadline comes from the period engine (48 hours, kind procedural), so P2 and P3
apply there, and the stored deadline JSON names P1 next to them.

Permission cases (M5): a request in a case whose category needs permission (P5) while it is
under investigation waits as awaiting_permission, without a clock; the investigating authority
owes its written answer within 3 days (a decision period, so P4 applies), stored here as
``permission_due_at`` / ``permission_deadline``. ``scheduling.permissions`` records the answer;
a grant starts the 48 hours from the decision. Once the case has left investigation, a new
request needs no permission.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Final

from tortoise.transactions import in_transaction

from app import clock as app_clock
from app.accounts.models import User
from app.audit.service import record
from app.cases.engagements import documents_not_presented
from app.cases.kinds import CaseStage, EngagementStatus
from app.cases.models import Case, Engagement
from app.errors import DomainError
from app.law.catalogue import load_catalogue
from app.law.context import LegalContext, duty_deadline
from app.law.periods import Deadline
from app.law.policies import LegalPolicies
from app.law.restdays import RestDayCalendar
from scheduling.availability import FacilityPlan, Interval, Slot, alternatives, earliest_slot
from scheduling.kinds import RequestPurpose, RequestStatus, RoomKind
from scheduling.models import MeetingRequest
from scheduling.plan_store import load_plan, schedule_of

# The 48 hours and the 3 days, with their kind and legal basis, are the statutory catalogue's.
MEETING_DUTY: Final = "M1"
PERMISSION_DUTY: Final = "M5"
SEARCH_AHEAD: Final = timedelta(days=7)  # how far to look when no clock runs yet
NOT_YET_TRANSFERRED: Final = (CaseStage.INVESTIGATION, CaseStage.INVESTIGATION_ENDED)


@dataclass(frozen=True, slots=True)
class NewRequest:
    length_minutes: int = 60
    room_kind: RoomKind = RoomKind.IN_PERSON
    preferred_windows: Sequence[dict[str, str]] = ()  # {"from": iso, "to": iso}
    assistant_name: str = ""
    assistant_id_number: str = ""
    interpreter_needed: bool = False
    walk_in: bool = False
    requested_at: datetime | None = None  # now, unless staff record a walk-in afterwards
    documents_checked_at: datetime | None = None  # P1 after_document_check
    purpose: RequestPurpose = RequestPurpose.ORDINARY
    longer_reason: str = ""  # why a length beyond the facility's longest (R2015 art. 7)
    interrogation_room_consent_at: datetime | None = None  # the lawyer's written consent


async def open_request(
    actor: User,
    engagement: Engagement,
    new: NewRequest,
    *,
    policies: LegalPolicies,
    calendar: RestDayCalendar,
) -> MeetingRequest:
    """Record the request of ``engagement``'s lawyer; its deadline when the clock runs.

    A lawyer who holds the three documents may ask at once (CPL 39(2)): the engagement need
    not have been checked by the desk yet, only none of its documents may be missing or
    rejected. The desk's check comes later (``scheduling.document_checks``).

    A meeting to confirm the client's ending or changing of the engagement (R2015 art. 8) may
    be asked for on an ended engagement: that is what it is for."""
    confirming = new.purpose == RequestPurpose.ENGAGEMENT_CONFIRMATION
    if engagement.status == EngagementStatus.TERMINATED and not confirming:
        raise DomainError("engagement_terminated", status=409)
    if engagement.status == EngagementStatus.PENDING:
        missing = await documents_not_presented(engagement)
        if missing:
            named = {"missing_documents": [kind.value for kind in missing]}
            raise DomainError("documents_not_presented", "documents", 409, extensions=named)
    assistant_rule(new.assistant_name, new.assistant_id_number)
    await engagement.fetch_related("case", "detainee__facility")
    purpose_rule(engagement.case, new.purpose)
    facility = engagement.detainee.facility
    allowed, _buffer = await schedule_of(facility.id)
    longer_reason = length_rule(new.length_minutes, new.longer_reason, allowed)
    requested_at = _aware(new.requested_at or app_clock.now())
    needs_permission = permission_needed(engagement.case, policies)
    status = RequestStatus.AWAITING_PERMISSION if needs_permission else RequestStatus.REQUESTED
    clock = None if needs_permission else _clock_start(policies, requested_at, new)
    request = MeetingRequest(
        engagement=engagement,
        lawyer_id=engagement.lawyer_id,
        detainee_id=engagement.detainee_id,
        facility=facility,
        requested_at=requested_at,
        preferred_windows=list(new.preferred_windows),
        length_minutes=new.length_minutes,
        room_kind=new.room_kind,
        assistant_name=new.assistant_name,
        assistant_id_number=new.assistant_id_number,
        interpreter_needed=new.interpreter_needed,
        walk_in=new.walk_in,
        status=status,
        purpose=new.purpose,
        longer_reason=longer_reason,
        interrogation_room_consent_at=new.interrogation_room_consent_at,
    )
    if clock is not None:
        set_deadline(request, clock, facility.timezone, policies, calendar)
    if needs_permission:
        _set_permission_due(request, requested_at, facility.timezone, policies, calendar)
    async with in_transaction():
        await request.save()
        await record(
            actor, "meeting_request.opened", "meeting_request", request.id, _summary(request)
        )
    return request


def permission_needed(case: Case, policies: LegalPolicies) -> bool:
    """M5: a case of a category that needs permission (P5), while it is under investigation.
    The investigation ends with its end or with the transfer for prosecution review."""
    return (
        case.category.value in policies.permission_case_categories
        and case.stage == CaseStage.INVESTIGATION
    )


def purpose_rule(case: Case, purpose: RequestPurpose) -> None:
    """The first meeting after the transfer for prosecution review needs a case transferred."""
    if purpose == RequestPurpose.FIRST_AFTER_TRANSFER and case.stage in NOT_YET_TRANSFERRED:
        raise DomainError("purpose_case_not_transferred", field="purpose")


def length_rule(length_minutes: int, longer_reason: str, allowed: Sequence[int]) -> str:
    """The reason stored with a request of ``length_minutes``: a facility's lengths are not a
    cap (R2015 art. 7), so a length beyond its longest may be asked for with a reason, which
    the desk accepts or refuses on a lawful ground; any other length must be one it offers."""
    if length_minutes in allowed:
        return ""  # an offered length needs no reason
    if allowed and length_minutes > max(allowed):
        if not longer_reason.strip():
            raise DomainError("longer_reason_required", field="longer_reason")
        return longer_reason.strip()
    raise DomainError("length_not_allowed", field="length_minutes")


def assistant_rule(name: str, id_number: str) -> None:
    """M6: one assistant may come, identified by name and identity document number, both or
    neither (R2015 art. 7, 10)."""
    if bool(name.strip()) != bool(id_number.strip()):
        field = "assistant_id_number" if name.strip() else "assistant_name"
        raise DomainError("assistant_incomplete", field=field)


async def start_clock(
    actor: User,
    request: MeetingRequest,
    at: datetime,
    *,
    policies: LegalPolicies,
    calendar: RestDayCalendar,
) -> MeetingRequest:
    """Start a waiting clock (P1 after_document_check: staff have checked the documents)."""
    if request.clock_started_at is not None or request.status != RequestStatus.REQUESTED:
        raise DomainError("clock_already_running", status=409)
    await request.fetch_related("facility")
    set_deadline(request, _aware(at), request.facility.timezone, policies, calendar)
    async with in_transaction():
        await request.save(update_fields=["clock_started_at", "deadline_at", "deadline"])
        await record(actor, "meeting_request.clock_started", "meeting_request", request.id,
                     _summary(request))  # fmt: skip
    return request


async def earliest_free_slot(
    request: MeetingRequest, now: datetime | None = None, *, exclude_meeting_id: int | None = None
) -> Slot | None:
    """The first free slot of the request's length and room kind that ends by its deadline
    (story 1: "as early as possible"); None when nothing fits in time. ``exclude_meeting_id``
    ignores the request's own meeting (rebooking a meeting a closure fell on)."""
    start = _aware(now or app_clock.now())
    end = request.deadline_at or start + SEARCH_AHEAD
    if end <= start:
        return None
    await request.fetch_related("facility")
    window = Interval(start, end)
    plan = await load_plan(
        request.facility, window, room_kind=request.room_kind, detainee_id=request.detainee_id,
        lawyer_id=request.lawyer_id, exclude_meeting_id=exclude_meeting_id,
    )  # fmt: skip
    return earliest_slot(plan, window, timedelta(minutes=request.length_minutes), end)


async def fitting_slot(
    request: MeetingRequest,
    length: timedelta,
    *,
    room_id: int | None = None,
    starts_at: datetime | None = None,
    now: datetime | None = None,
) -> Slot | None:
    """The slot a booking that names no room or no time gets: at ``starts_at`` in the first
    free room (of the request's kind, or ``room_id``), else the earliest one that ends by the
    deadline (7 days ahead while no clock runs). None when nothing fits."""
    moment = _aware(now or app_clock.now())
    if starts_at is not None:
        start = _aware(starts_at)
        window = Interval(start, start + length)
        end = window.end
    else:
        end = request.deadline_at or moment + SEARCH_AHEAD
        if end <= moment or end - moment < length:
            return None
        window = Interval(moment, end)
    plan = await _plan(request, window, room_id)
    return earliest_slot(plan, window, length, end)


async def next_slots(
    request: MeetingRequest, length: timedelta, *, room_id: int | None = None,
    now: datetime | None = None, count: int = 3,
) -> list[Slot]:  # fmt: skip
    """The next free slots whatever the deadline: the alternatives offered with a refusal."""
    moment = _aware(now or app_clock.now())
    window = Interval(moment, max(moment, request.deadline_at or moment) + SEARCH_AHEAD)
    return alternatives(await _plan(request, window, room_id), window, length, count)


async def _plan(request: MeetingRequest, window: Interval, room_id: int | None) -> FacilityPlan:
    return await load_plan(  # by id: the facility's zone comes in the plan's one statement
        request.facility_id, window, room_kind=None if room_id else request.room_kind,
        room_id=room_id, detainee_id=request.detainee_id, lawyer_id=request.lawyer_id,
    )  # fmt: skip


def _clock_start(
    policies: LegalPolicies, requested_at: datetime, new: NewRequest
) -> datetime | None:
    if policies.meeting_clock_start == "on_request":
        return requested_at
    return _aware(new.documents_checked_at) if new.documents_checked_at else None


def meeting_deadline(
    clock: datetime, zone: str, policies: LegalPolicies, calendar: RestDayCalendar
) -> tuple[datetime, dict[str, object]]:
    """The 48-hour limit from ``clock``: its UTC end and the stored JSON (naming P1 too)."""
    deadline = _duty_deadline(MEETING_DUTY, clock, zone, policies, calendar)
    stored = deadline.to_json_dict()
    applied = dict(deadline.policies)
    applied["meeting_clock_start"] = policies.meeting_clock_start  # P1 chose the trigger
    stored["policies"] = applied
    return deadline.expires_at_utc, stored


def set_deadline(
    request: MeetingRequest,
    clock: datetime,
    zone: str,
    policies: LegalPolicies,
    calendar: RestDayCalendar,
) -> None:
    request.deadline_at, request.deadline = meeting_deadline(clock, zone, policies, calendar)
    request.clock_started_at = clock


def _set_permission_due(
    request: MeetingRequest,
    applied_at: datetime,
    zone: str,
    policies: LegalPolicies,
    calendar: RestDayCalendar,
) -> None:
    """M5: the authority answers within 3 days of the application (P4 picks the day kind)."""
    due = _duty_deadline(PERMISSION_DUTY, applied_at, zone, policies, calendar)
    request.permission_due_at = due.expires_at_utc
    request.permission_deadline = due.to_json_dict()


def _duty_deadline(
    duty_id: str, trigger: datetime, zone: str, policies: LegalPolicies, calendar: RestDayCalendar
) -> Deadline:
    return duty_deadline(duty_id, trigger, zone, LegalContext(calendar, policies))


def permission_basis() -> str:
    """M5's legal basis as the catalogue states it (stored with the decision, shown in words)."""
    return load_catalogue().by_id(PERMISSION_DUTY).basis


def _aware(moment: datetime) -> datetime:
    if moment.utcoffset() is None:
        raise DomainError("time_needs_zone")
    return moment.astimezone(UTC)


def _summary(request: MeetingRequest) -> dict[str, object]:
    return {
        "engagement": request.engagement_id,
        "detainee": request.detainee_id,
        "facility": request.facility_id,
        "status": request.status.value,
        "walk_in": request.walk_in,
        "purpose": request.purpose.value,
        "length_minutes": request.length_minutes,
        "longer_reason": request.longer_reason,
        "interrogation_room_consent_at": request.interrogation_room_consent_at,
        "clock_started_at": request.clock_started_at,
        "deadline_at": request.deadline_at,
        "permission_due_at": request.permission_due_at,
    }
