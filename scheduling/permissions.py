"""The investigating authority's written answer to a permission case (M5; CPL 39(3), MPS 52-53,
R2015 Art 9), and the lifting of a refusal once its reason has ended.

A request in a state-security or terrorism case under investigation (policy P5) waits as
awaiting_permission; ``open_request`` stored when the answer is due (3 days, policy P4). The
authority answers by the command ``DecidePermission``: it permits, or refuses with written
reasons, and either way names the unit and the person the lawyer and the centre contact about
the decision (R2015 art. 9; the phone is optional). A grant starts the 48-hour clock (M1) at the
decision, exactly as a request opened then would; a refusal ends the request for now.

When the reason for refusing ends, the authority records it by the command ``LiftRefusal``
(with a short statement of why): the refused request becomes permitted, its 48 hours start as on
a grant, and the lawyer and the centre are told (R2015 art. 9: "permit once the obstacle ends").
The end of the investigation does the same by itself (``investigation_ended``): after it no
permission is needed, so a request waiting for an answer or refused is released.

Each command checks, in this order: that the actor decides permissions (403), that the request
is in her scope (404 outside: her agency's cases), that it is in the state the step needs (409),
then every field at once. Every answer goes to the lawyer (in-app and e-mail, a statutory
notice) and to the detention centre's staff (in-app), in the same transaction as the change.
"""

from __future__ import annotations

from datetime import datetime
from typing import Final

from pydantic import Field
from tortoise.transactions import in_transaction

from app import clock as app_clock
from app.accounts.models import User
from app.accounts.policy import Action, require
from app.accounts.roles import AccountStatus, Role
from app.accounts.scopes import visible_row
from app.audit.service import record
from app.cases.models import Case
from app.commands import Command
from app.errors import DomainError, raise_all
from app.law.basis import in_words
from app.law.context import LegalContext
from app.law.policies import LegalPolicies
from app.law.restdays import RestDayCalendar
from notifications.kinds import Channel
from notifications.services import notice_language, notify_user
from notifications.wording import local_time
from scheduling.kinds import RequestStatus
from scheduling.models import MeetingRequest
from scheduling.requests import meeting_deadline, permission_basis, permission_needed

NOTICE_KIND: Final = "meeting_permission_decided"
LIFTED_KIND: Final = "meeting_permission_lifted"
# Released by the end of the investigation: no permission is needed any more.
RELEASED: Final = (RequestStatus.AWAITING_PERMISSION, RequestStatus.PERMISSION_REFUSED)


class DecidePermission(Command):
    """The written answer to request ``request_id``: ``granted`` (None: no choice made), the
    reasons (required when refusing) and whom to contact about it (unit and person required)."""

    request_id: int = Field(ge=1)
    granted: bool | None = None
    reasons: str = Field("", max_length=10_000)
    contact_unit: str = Field("", max_length=200)
    contact_person: str = Field("", max_length=100)
    contact_phone: str = Field("", max_length=40)


class LiftRefusal(Command):
    """The reason for refusing request ``request_id`` has ended; ``reason`` says why."""

    request_id: int = Field(ge=1)
    reason: str = Field("", max_length=2000)


async def decide_permission(
    actor: User, command: DecidePermission, legal: LegalContext
) -> MeetingRequest:
    """Record the written answer; a grant makes the request bookable with its own 48 hours."""
    require(actor, Action.DECIDE_MEETING_PERMISSIONS)
    request = await visible_row(MeetingRequest, actor, command.request_id)
    if request.status != RequestStatus.AWAITING_PERMISSION:
        raise _wrong_state("permission_not_awaited", request.status)
    reasons = command.reasons.strip()
    contact = {
        "permission_contact_unit": command.contact_unit.strip(),
        "permission_contact_person": command.contact_person.strip(),
        "permission_contact_phone": command.contact_phone.strip(),
    }
    problems: list[DomainError] = []
    if command.granted is None:
        problems.append(DomainError("decision_required", field="granted"))
    elif not command.granted and not reasons:
        problems.append(DomainError("permission_reasons_required", field="reasons"))
    if not contact["permission_contact_unit"]:
        problems.append(DomainError("permission_contact_unit_required", field="contact_unit"))
    if not contact["permission_contact_person"]:
        problems.append(DomainError("permission_contact_person_required", field="contact_person"))
    raise_all(problems)
    granted = command.granted is True
    await request.fetch_related("facility", "engagement__case", "lawyer", "detainee")
    case: Case = request.engagement.case
    now = app_clock.now()
    clock: dict[str, object] = {"clock_started_at": None, "deadline_at": None, "deadline": None}
    if granted:  # the 48 hours run from the permission, as for a request made now
        clock = _meeting_clock(request, now, legal.policies, legal.calendar)
    status = RequestStatus.REQUESTED if granted else RequestStatus.PERMISSION_REFUSED
    async with in_transaction() as connection:
        # Conditional, so two answers given at once never both count.
        changed = await MeetingRequest.filter(
            id=request.id, status=RequestStatus.AWAITING_PERMISSION
        ).using_db(connection).update(
            status=status, permission_decided_at=now, permission_decided_by_id=actor.id,
            permission_granted=granted, permission_reasons=reasons, **contact, **clock,
        )  # fmt: skip
        if not changed:
            raise _wrong_state("permission_not_awaited", None)
        await request.refresh_from_db(using_db=connection)
        await record(actor, "meeting_request.permission_decided", "meeting_request", request.id,
                     {"granted": granted, "reasons": reasons, "due_at": request.permission_due_at,
                      "late": _late(request, now), "deadline_at": request.deadline_at,
                      **_contact_summary(request), "basis": permission_basis()})  # fmt: skip
        # M5's written answer is statutory: it carries its duty and the date it was due.
        await _tell(request, case, NOTICE_KIND, {}, deadline=request.permission_due_at)
    return request


async def lift_refusal(actor: User, command: LiftRefusal, legal: LegalContext) -> MeetingRequest:
    """The refused request becomes permitted: its 48 hours start now, as on a grant."""
    require(actor, Action.DECIDE_MEETING_PERMISSIONS)
    request = await visible_row(MeetingRequest, actor, command.request_id)
    if request.status != RequestStatus.PERMISSION_REFUSED:
        raise _wrong_state("permission_not_refused", request.status)
    reason = command.reason.strip()
    if not reason:
        raise DomainError("lift_reason_required", field="reason")
    await request.fetch_related("facility", "engagement__case", "lawyer", "detainee")
    case: Case = request.engagement.case
    now = app_clock.now()
    clock = _meeting_clock(request, now, legal.policies, legal.calendar)
    async with in_transaction() as connection:
        changed = await MeetingRequest.filter(
            id=request.id, status=RequestStatus.PERMISSION_REFUSED
        ).using_db(connection).update(
            status=RequestStatus.REQUESTED, permission_lifted_at=now, **clock
        )  # fmt: skip
        if not changed:
            raise _wrong_state("permission_not_refused", None)
        await request.refresh_from_db(using_db=connection)
        summary = {"reason": reason, "clock_started_at": now, "deadline_at": request.deadline_at,
                   **_contact_summary(request), "basis": permission_basis()}  # fmt: skip
        await record(actor, "meeting_request.permission_refusal_lifted", "meeting_request",
                     request.id, summary)  # fmt: skip
        told = {"lift_reason": reason, "investigation_ended": False}
        await _tell(request, case, LIFTED_KIND, told)
    return request


async def investigation_ended(
    actor: User,
    case: Case,
    ended_at: datetime,
    *,
    policies: LegalPolicies,
    calendar: RestDayCalendar,
) -> list[MeetingRequest]:
    """M5 ends with the investigation (CPL 39(3); R2015 art. 9: "permit once the obstacle
    ends"): a request still waiting for permission, or refused it, needs none any more. It
    becomes an ordinary request whose 48 hours run from the end of the investigation (or from
    the request or the refusal, if that came later); a refused one is lifted, and its lawyer
    and the centre are told. Called in the transaction that records the event."""
    if permission_needed(case, policies):
        return []  # the case is still under investigation: nothing to lift
    released = await MeetingRequest.filter(
        engagement__case_id=case.id, status__in=RELEASED
    ).prefetch_related("facility", "lawyer", "detainee")
    for request in released:
        was = request.status
        start = max(ended_at, request.requested_at, request.permission_decided_at or ended_at)
        clock = _meeting_clock(request, start, policies, calendar)
        lifted = {"permission_lifted_at": start} if was == RequestStatus.PERMISSION_REFUSED else {}
        await MeetingRequest.filter(id=request.id, status=was).update(
            status=RequestStatus.REQUESTED, **clock, **lifted
        )
        await request.refresh_from_db()
        summary = {"case": case.id, "status": was.value, "clock_started_at": start,
                   "deadline_at": request.deadline_at}  # fmt: skip
        await record(actor, "meeting_request.permission_lifted", "meeting_request", request.id,
                     summary)  # fmt: skip
        if was == RequestStatus.PERMISSION_REFUSED:  # told of the refusal, so told of its end
            told = {"lift_reason": "", "investigation_ended": True}
            await _tell(request, case, LIFTED_KIND, told)
    return released


def _meeting_clock(
    request: MeetingRequest, start: datetime, policies: LegalPolicies, calendar: RestDayCalendar
) -> dict[str, object]:
    """The 48-hour clock (M1) of a permitted request, started at ``start``: the fields to set."""
    deadline_at, stored = meeting_deadline(start, request.facility.timezone, policies, calendar)
    return {"clock_started_at": start, "deadline_at": deadline_at, "deadline": stored}


async def _tell(
    request: MeetingRequest,
    case: Case,
    kind: str,
    extra: dict[str, object],
    *,
    deadline: datetime | None = None,
) -> None:
    """The notice ``kind`` to the lawyer (statutory, M5) and to the centre's staff (in-app),
    each in their own language."""
    language = await notice_language(request.lawyer)
    payload = {**_payload(request, case, language), **extra}
    await notify_user(request.lawyer, kind, payload, duty_id="M5", deadline=deadline, case=case,
                      language=language)  # fmt: skip
    staff = await User.filter(
        role=Role.DETENTION_STAFF, facility_id=request.facility_id, status=AccountStatus.ACTIVE
    )
    for member in staff:
        told = await notice_language(member)
        theirs = {**_payload(request, case, told), **extra, "display_name": member.display_name}
        await notify_user(member, kind, theirs, channels=(Channel.INAPP,), case=case,
                          language=told)  # fmt: skip


def _wrong_state(code: str, status: RequestStatus | None) -> DomainError:
    """409 ``code``; the API's problem names the code and the request's status (None: changed
    by someone else meanwhile)."""
    facts = {"code": code, "current_status": status.value if status else None}
    return DomainError(code, status=409, extensions=facts)


def _late(request: MeetingRequest, now: datetime) -> bool:
    return request.permission_due_at is not None and now > request.permission_due_at


def _contact_summary(request: MeetingRequest) -> dict[str, str]:
    return {
        "contact_unit": request.permission_contact_unit,
        "contact_person": request.permission_contact_person,
        "contact_phone": request.permission_contact_phone,
    }


def _payload(request: MeetingRequest, case: Case, language: str) -> dict[str, object]:
    zone = request.facility.timezone

    def shown(moment: datetime | None) -> str:
        return local_time(moment, zone, language) if moment is not None else ""

    return {
        "display_name": request.lawyer.display_name,
        "lawyer": request.lawyer.display_name,
        "case_number": case.case_number,
        "detainee": request.detainee.name,
        "facility": request.facility.name,
        "granted": bool(request.permission_granted),
        "reasons": request.permission_reasons,
        "decided_at": shown(request.permission_decided_at),
        "lifted_at": shown(request.permission_lifted_at),
        "deadline": shown(request.deadline_at),
        **_contact_summary(request),
        "legal_basis": in_words(permission_basis(), language),
        "request_id": request.id,
    }
