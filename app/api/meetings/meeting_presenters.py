"""Meeting requests, meetings and the day board as API models (what each role may see)."""

from __future__ import annotations

from app import clock
from app.accounts.models import User
from app.accounts.roles import Role
from app.api.meetings.meeting_models import (
    BoardMeetingOut,
    LawyerOut,
    MeetingOut,
    PersonOut,
    RequestOut,
    RiskOut,
    SlotOut,
    VideoLinkOut,
)
from app.cases.models import Detainee
from scheduling.availability import Slot
from scheduling.forecast import RiskItem
from scheduling.kinds import MeetingStatus, RequestPurpose, RequestStatus
from scheduling.models import Meeting, MeetingRequest
from scheduling.video import VideoLink

# Requests whose 48 hours are still owed: overdue once the deadline passes without a meeting.
WAITING = (RequestStatus.REQUESTED, RequestStatus.SCHEDULED)


def meeting_out(
    meeting: Meeting, request_status: RequestStatus, video: VideoLink | None = None
) -> MeetingOut:
    """``video``: the reader's own join link (``scheduling.video_links.link_of``)."""
    return MeetingOut(
        id=meeting.id,
        reference=meeting.reference,
        request_id=meeting.request_id,
        request_status=request_status,
        room_id=meeting.room_id,
        lawyer_id=meeting.lawyer_id,
        detainee_id=meeting.detainee_id,
        starts_at=meeting.starts_at,
        ends_at=meeting.ends_at,
        status=meeting.status,
        sequence=meeting.sequence,
        uid=meeting.uid,
        cancelled_at=meeting.cancelled_at,
        cancel_reason=meeting.cancel_reason,
        documents_verified=meeting.documents_verified,
        assistant_present=meeting.assistant_present,
        checked_in_at=meeting.checked_in_at,
        started_at=meeting.started_at,
        ended_at=meeting.ended_at,
        no_show_at=meeting.no_show_at,
        needs_rebooking=meeting.needs_rebooking,
        confidentiality_confirmed_at=meeting.confidentiality_confirmed_at,
        video=(
            VideoLinkOut(url=video.url, opens_at=video.opens_at, closes_at=video.closes_at)
            if video
            else None
        ),
    )


async def meeting_with_status(meeting: Meeting, video: VideoLink | None = None) -> MeetingOut:
    request = await MeetingRequest.get(id=meeting.request_id).only("id", "status")
    return meeting_out(meeting, request.status, video)


async def active_meetings(request_ids: list[int]) -> dict[int, Meeting]:
    """The active meeting of each request, in one query."""
    rows = await Meeting.filter(request_id__in=request_ids, status=MeetingStatus.ACTIVE)
    return {m.request_id: m for m in rows}


def _overdue(request: MeetingRequest, meeting: Meeting | None) -> bool:
    if request.deadline_at is None or request.status not in WAITING:
        return False
    if meeting is not None and meeting.starts_at < request.deadline_at:
        return False  # booked in time
    return request.deadline_at < clock.now()


def request_out(user: User, request: MeetingRequest, meeting: Meeting | None) -> RequestOut:
    sees_ids = user.role in (Role.LAWYER, Role.DETENTION_STAFF)
    return RequestOut(
        id=request.id,
        engagement_id=request.engagement_id,
        lawyer_id=request.lawyer_id,
        detainee_id=request.detainee_id,
        facility_id=request.facility_id,
        status=request.status,
        walk_in=request.walk_in,
        purpose=request.purpose,
        priority=RequestPurpose(request.purpose).priority,
        longer_reason=request.longer_reason,
        longer_decision=request.longer_decision,
        longer_refusal_ground=request.longer_refusal_ground,
        interrogation_room_consent_at=request.interrogation_room_consent_at,
        requested_at=request.requested_at,
        length_minutes=request.length_minutes,
        room_kind=request.room_kind,
        preferred_windows=list(request.preferred_windows),
        assistant_name=request.assistant_name,
        assistant_id_number=request.assistant_id_number if sees_ids else None,
        interpreter_needed=request.interpreter_needed,
        clock_started_at=request.clock_started_at,
        deadline_at=request.deadline_at,
        deadline=request.deadline,
        overdue=_overdue(request, meeting),
        permission_due_at=request.permission_due_at,
        permission_deadline=request.permission_deadline,
        permission_decided_at=request.permission_decided_at,
        permission_granted=request.permission_granted,
        permission_reasons=request.permission_reasons,
        permission_contact_unit=request.permission_contact_unit,
        permission_contact_person=request.permission_contact_person,
        permission_contact_phone=request.permission_contact_phone,
        permission_lifted_at=request.permission_lifted_at,
        refusal_reason=request.refusal_reason,
        facility_cancel_reason=request.facility_cancel_reason,
        meeting=meeting_out(meeting, request.status) if meeting else None,
    )


async def requests_out(user: User, requests: list[MeetingRequest]) -> list[RequestOut]:
    meetings = await active_meetings([r.id for r in requests])
    return [request_out(user, r, meetings.get(r.id)) for r in requests]


def slot_out(slot: Slot) -> SlotOut:
    return SlotOut(room_id=slot.room_id, starts_at=slot.start, ends_at=slot.end)


def lawyer_out(lawyer: User) -> LawyerOut:
    return LawyerOut(
        id=lawyer.id,
        name=lawyer.display_name,
        law_firm=lawyer.law_firm or "",
        licence_number=lawyer.licence_number or "",
    )


def detainee_out(detainee: Detainee) -> PersonOut:
    return PersonOut(id=detainee.id, name=detainee.name)


def board_meeting_out(meeting: Meeting) -> BoardMeetingOut:
    """Needs meeting.request, .lawyer and .detainee fetched."""
    request = meeting.request
    return BoardMeetingOut(
        meeting=meeting_out(meeting, request.status),
        lawyer=lawyer_out(meeting.lawyer),
        detainee=detainee_out(meeting.detainee),
        assistant_name=request.assistant_name,
        interpreter_needed=request.interpreter_needed,
        walk_in=request.walk_in,
        deadline_at=request.deadline_at,
        purpose=request.purpose,
        interrogation_room_consent_at=request.interrogation_room_consent_at,
    )


def risk_out(item: RiskItem) -> RiskOut:
    """Needs item.request.lawyer and .detainee fetched."""
    request = item.request
    return RiskOut(
        request_id=request.id,
        meeting_id=item.meeting.id if item.meeting else None,
        lawyer=lawyer_out(request.lawyer),
        detainee=detainee_out(request.detainee),
        walk_in=request.walk_in,
        deadline_at=item.deadline_at,
        purpose=request.purpose,
        hours_left=item.hours_left,
        earliest_slot=slot_out(item.earliest_slot) if item.earliest_slot else None,
        breach_forecast=item.breach_forecast,
    )
