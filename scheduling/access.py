"""Who sees which meeting requests and meetings: the object rules, as in app.cases.access.

Role rules live in `app.accounts.policy`; these scope the queries, so that a request or meeting
outside the user's scope is simply not found (404), whether it exists or not.
- lawyer: their own requests and meetings;
- detention staff: those at their facility;
- investigator: those whose engagement's case belongs to their agency (permission cases, M5);
- bar auditor: those at facilities in their jurisdiction (region prefix), read only;
- admin: none (admins run the system, not cases).
"""

from __future__ import annotations

from tortoise.queryset import QuerySet

from app.accounts.models import User
from app.accounts.policy import NotFound
from app.accounts.roles import Role
from app.orgs.regions import jurisdiction_prefix
from scheduling.models import Meeting, MeetingRequest


def requests_in_scope(user: User) -> QuerySet[MeetingRequest]:
    if not user.is_active:
        return MeetingRequest.filter(id__in=[])
    if user.role == Role.LAWYER:
        return MeetingRequest.filter(lawyer_id=user.id)
    if user.role == Role.DETENTION_STAFF and user.facility_id:
        return MeetingRequest.filter(facility_id=user.facility_id)
    if user.role == Role.INVESTIGATOR and user.agency_id:
        return MeetingRequest.filter(engagement__case__agency_id=user.agency_id)
    if user.role == Role.BAR_AUDITOR and user.region_code:
        prefix = jurisdiction_prefix(user.region_code)
        return MeetingRequest.filter(facility__region_code__startswith=prefix)
    return MeetingRequest.filter(id__in=[])


def request_scope_column(user: User) -> tuple[str, int] | None:
    """``requests_in_scope`` of a lawyer or of staff as one column and its value, for a
    statement written by hand (the booking endpoint's read); None for other users."""
    if not user.is_active:
        return None
    if user.role == Role.LAWYER:
        return "lawyer_id", user.id
    if user.role == Role.DETENTION_STAFF and user.facility_id:
        return "facility_id", user.facility_id
    return None


def meetings_in_scope(user: User) -> QuerySet[Meeting]:
    if not user.is_active:
        return Meeting.filter(id__in=[])
    if user.role == Role.LAWYER:
        return Meeting.filter(lawyer_id=user.id)
    if user.role == Role.DETENTION_STAFF and user.facility_id:
        return Meeting.filter(room__facility_id=user.facility_id)
    if user.role == Role.INVESTIGATOR and user.agency_id:
        return Meeting.filter(request__engagement__case__agency_id=user.agency_id)
    if user.role == Role.BAR_AUDITOR and user.region_code:
        prefix = jurisdiction_prefix(user.region_code)
        return Meeting.filter(room__facility__region_code__startswith=prefix)
    return Meeting.filter(id__in=[])


async def request_for(user: User, request_id: int) -> MeetingRequest:
    request = await requests_in_scope(user).get_or_none(id=request_id)
    if request is None:
        raise NotFound("meeting_request")
    return request


async def meeting_for(user: User, meeting_id: int) -> Meeting:
    meeting = await meetings_in_scope(user).get_or_none(id=meeting_id)
    if meeting is None:
        raise NotFound("meeting")
    return meeting
