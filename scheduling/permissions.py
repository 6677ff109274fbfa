"""The investigating authority's written answer to a permission case (M5; CPL 39(3), MPS 52-53,
R2015 Art 9).

A request in a state-security or terrorism case under investigation (policy P5) waits as
awaiting_permission; ``open_request`` stored when the answer is due (3 days, policy P4). The
authority permits, or refuses with written reasons. A grant starts the 48-hour clock (M1) at the
decision, exactly as a request opened then would; a refusal ends the request, and the lawyer may
apply again with a new request once the obstacle has ended (or, after investigation, needs no
permission at all). The answer goes to the lawyer (in-app and e-mail, a statutory notice) and
to the detention centre's staff (in-app), in the same transaction as the decision.
"""

from __future__ import annotations

from datetime import datetime

from tortoise.transactions import in_transaction

from app import clock as app_clock
from app.accounts.models import User
from app.accounts.roles import AccountStatus, Role
from app.audit.service import record
from app.cases.models import Case
from app.errors import DomainError
from app.law.basis import in_words
from app.law.policies import LegalPolicies
from app.law.restdays import RestDayCalendar
from notifications.kinds import Channel
from notifications.services import notice_language, notify_user
from notifications.wording import local_time
from scheduling.kinds import RequestStatus
from scheduling.models import MeetingRequest
from scheduling.requests import meeting_deadline, permission_basis, permission_needed

NOTICE_KIND = "meeting_permission_decided"


async def decide_permission(
    actor: User,
    request: MeetingRequest,
    *,
    granted: bool,
    reasons: str,
    policies: LegalPolicies,
    calendar: RestDayCalendar,
) -> MeetingRequest:
    """Record the written answer; a grant makes the request bookable with its own 48 hours."""
    reasons = reasons.strip()
    if not granted and not reasons:
        raise DomainError("permission_reasons_required", field="reasons")
    await request.fetch_related("facility", "engagement__case", "lawyer", "detainee")
    case: Case = request.engagement.case
    if actor.role != Role.INVESTIGATOR or actor.agency_id != case.agency_id:
        raise DomainError("not_investigator", status=403)
    if request.status != RequestStatus.AWAITING_PERMISSION:
        raise DomainError("permission_not_awaited", status=409)
    now = app_clock.now()
    clock: dict[str, object] = {"clock_started_at": None, "deadline_at": None, "deadline": None}
    if granted:  # the 48 hours run from the permission, as for a request made now
        deadline_at, stored = meeting_deadline(now, request.facility.timezone, policies, calendar)
        clock = {"clock_started_at": now, "deadline_at": deadline_at, "deadline": stored}
    status = RequestStatus.REQUESTED if granted else RequestStatus.PERMISSION_REFUSED
    async with in_transaction() as connection:
        # Conditional, so two answers given at once never both count.
        changed = await MeetingRequest.filter(
            id=request.id, status=RequestStatus.AWAITING_PERMISSION
        ).using_db(connection).update(
            status=status, permission_decided_at=now, permission_decided_by_id=actor.id,
            permission_granted=granted, permission_reasons=reasons, **clock,
        )  # fmt: skip
        if not changed:
            raise DomainError("permission_not_awaited", status=409)
        await request.refresh_from_db(using_db=connection)
        await record(actor, "meeting_request.permission_decided", "meeting_request", request.id,
                     {"granted": granted, "reasons": reasons, "due_at": request.permission_due_at,
                      "late": _late(request, now), "deadline_at": request.deadline_at,
                      "basis": permission_basis()})  # fmt: skip
        # M5's written answer is statutory: it carries its duty and the date it was due.
        language = await notice_language(request.lawyer)
        payload = _payload(request, case, language)
        await notify_user(request.lawyer, NOTICE_KIND, payload, duty_id="M5",
                          deadline=request.permission_due_at, case=case,
                          language=language)  # fmt: skip
        # The detention centre gets the answer too (M5): in its staff's inboxes.
        staff = await User.filter(
            role=Role.DETENTION_STAFF, facility_id=request.facility_id, status=AccountStatus.ACTIVE
        ).using_db(connection)
        for member in staff:
            told = await notice_language(member)
            theirs = {**_payload(request, case, told), "display_name": member.display_name}
            await notify_user(member, NOTICE_KIND, theirs, channels=(Channel.INAPP,), case=case,
                              language=told)  # fmt: skip
    return request


def _late(request: MeetingRequest, now: datetime) -> bool:
    return request.permission_due_at is not None and now > request.permission_due_at


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
        "deadline": shown(request.deadline_at),
        "legal_basis": in_words(permission_basis(), language),
        "request_id": request.id,
    }


async def investigation_ended(
    actor: User,
    case: Case,
    ended_at: datetime,
    *,
    policies: LegalPolicies,
    calendar: RestDayCalendar,
) -> list[MeetingRequest]:
    """M5 ends with the investigation (CPL 39(3); R2015 art. 9: "permit once the obstacle
    ends"): a request still waiting for permission needs none any more. It becomes an ordinary
    request whose 48 hours run from the end of the investigation (or from the request, if that
    came later). Called in the transaction that records the event."""
    if permission_needed(case, policies):
        return []  # the case is still under investigation: nothing to lift
    waiting = await MeetingRequest.filter(
        engagement__case_id=case.id, status=RequestStatus.AWAITING_PERMISSION
    ).prefetch_related("facility")
    for request in waiting:
        start = max(ended_at, request.requested_at)
        deadline_at, stored = meeting_deadline(start, request.facility.timezone, policies,
                                               calendar)  # fmt: skip
        await MeetingRequest.filter(id=request.id, status=RequestStatus.AWAITING_PERMISSION).update(
            status=RequestStatus.REQUESTED, clock_started_at=start, deadline_at=deadline_at,
            deadline=stored,
        )  # fmt: skip
        lifted = {"case": case.id, "clock_started_at": start, "deadline_at": deadline_at}
        await record(actor, "meeting_request.permission_lifted", "meeting_request", request.id,
                     lifted)  # fmt: skip
    return waiting
