"""/api/v1 endpoints of meeting requests, bookings, attendance and the day board (M1-M7).

Role rules come from the endpoint's action; every object is then looked up through
``scheduling.access`` (404 outside the user's scope), and the services enforce the domain rules.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from starlette.requests import Request
from starlette.responses import JSONResponse

from app import clock
from app.accounts.models import User
from app.accounts.policy import Action, NotFound
from app.accounts.roles import Role
from app.accounts.scopes import visible, visible_row
from app.api.framework import Endpoint
from app.api.meetings.meeting_models import (
    AvailabilityOut,
    AvailabilityQuery,
    BoardOut,
    BoardQuery,
    BoardRoomOut,
    BookingIn,
    CancelIn,
    CheckInIn,
    LiftIn,
    MeetingOut,
    MomentIn,
    PermissionIn,
    RefusalIn,
    RequestCreate,
    RequestOut,
    RequestQuery,
    RescheduleIn,
)
from app.api.meetings.meeting_presenters import (
    active_meetings,
    board_meeting_out,
    meeting_out,
    meeting_with_status,
    request_out,
    requests_out,
    risk_out,
    slot_out,
)
from app.commands import build
from app.errors import DomainError
from app.orgs.models import Facility
from scheduling import (
    attendance,
    booking,
    forecast,
    permissions,
    requests,
)
from scheduling.asking import AskForMeeting, ask_for_meeting
from scheduling.availability import Interval, Slot, free_slots
from scheduling.booking_command import BookMeeting, book_meeting
from scheduling.document_checks import CheckDocuments, check_documents
from scheduling.kinds import MeetingStatus, RequestStatus
from scheduling.models import Meeting, MeetingRequest, Room
from scheduling.plan_store import load_plan
from scheduling.video_links import link_of

P = "/api/v1"
MAX_WINDOW = timedelta(days=14)


class SlotProblem(DomainError):
    """A 409 whose problem body lists free alternatives: [{room_id, starts_at, ends_at}]."""

    def __init__(self, code: str, field: str | None, options: list[Slot], **more: Any) -> None:
        super().__init__(code, field=field, status=409)
        self.extensions = {
            "alternatives": [slot_out(s).model_dump(mode="json") for s in options],
            **more,
        }


def _from_conflict(exc: booking.MeetingConflict) -> SlotProblem:
    return SlotProblem(exc.code, exc.field, exc.alternatives, party=exc.party)


async def _request_out(user: User, mr: MeetingRequest) -> RequestOut:
    meetings = await active_meetings([mr.id])
    return request_out(user, mr, meetings.get(mr.id))


# Requests ---------------------------------------------------------------------------------------


async def create_request(user: User, body: RequestCreate, request: Request) -> RequestOut:
    command = build(AskForMeeting, **body.model_dump(exclude_none=True))
    opened = await ask_for_meeting(user, command, await request.app.state.law.context())
    return request_out(user, opened, None)


async def list_requests(user: User, query: RequestQuery) -> list[RequestOut]:
    rows = visible(MeetingRequest, user)
    if query.status is not None:
        rows = rows.filter(status=query.status)
    return await requests_out(user, await rows.limit(500))


async def get_request(user: User, request_id: int) -> RequestOut:
    return await _request_out(user, await visible_row(MeetingRequest, user, request_id))


async def availability(user: User, request_id: int, query: AvailabilityQuery) -> AvailabilityOut:
    mr = await visible_row(MeetingRequest, user, request_id)
    now = clock.now()
    start = max(query.start or now, now)
    end = query.end or mr.deadline_at or now + requests.SEARCH_AHEAD
    if end <= start or end - start > MAX_WINDOW:
        raise DomainError("window_invalid", field="to")
    if query.room_id is not None:
        await _room(mr, query.room_id)
    length = timedelta(minutes=mr.length_minutes)
    window = Interval(start, end)
    own = await Meeting.get_or_none(request_id=mr.id, status=MeetingStatus.ACTIVE)
    plan = await load_plan(  # by id: the facility's zone comes in the plan's one statement
        mr.facility_id, window, room_kind=None if query.room_id else mr.room_kind,
        room_id=query.room_id, detainee_id=mr.detainee_id, lawyer_id=mr.lawyer_id,
        exclude_meeting_id=own.id if own else None,
    )  # fmt: skip
    slots = free_slots(plan, window, length)[: query.limit] if end - start >= length else []
    return AvailabilityOut(
        request_id=mr.id, deadline_at=mr.deadline_at, window_from=start, window_to=end,
        length_minutes=mr.length_minutes, slots=[slot_out(s) for s in slots],
    )  # fmt: skip


async def _room(mr: MeetingRequest, room_id: int) -> Room:
    room = await Room.get_or_none(id=room_id, facility_id=mr.facility_id, in_service=True)
    if room is None:
        raise DomainError("room_unavailable", field="room_id")
    return room


async def book(user: User, request_id: int, body: BookingIn, request: Request) -> Any:
    command = build(
        BookMeeting, request_id=request_id, **body.model_dump(exclude_none=True),
        idempotency_key=request.headers.get("idempotency-key", "").strip() or None,
    )  # fmt: skip
    try:
        booked = await book_meeting(user, command, notices=request.app.state.notices)
    except booking.MeetingConflict as exc:
        raise _from_conflict(exc) from exc
    if booked.repeat:  # the same booking again: 200, not 201
        repeat = await meeting_with_status(booked.meeting)
        return JSONResponse(repeat.model_dump(mode="json"), status_code=200)
    link = await link_of(booked.meeting, user, request.app.state.notices.video)
    return meeting_out(booked.meeting, RequestStatus.SCHEDULED, link)


async def decide_permission(
    user: User, request_id: int, body: PermissionIn, request: Request
) -> RequestOut:
    command = build(permissions.DecidePermission, request_id=request_id, **body.model_dump())
    legal = await request.app.state.law.context()
    return await _request_out(user, await permissions.decide_permission(user, command, legal))


async def lift_refusal(user: User, request_id: int, body: LiftIn, request: Request) -> RequestOut:
    command = build(permissions.LiftRefusal, request_id=request_id, reason=body.reason)
    legal = await request.app.state.law.context()
    return await _request_out(user, await permissions.lift_refusal(user, command, legal))


async def documents_checked(
    user: User, request_id: int, body: MomentIn, request: Request
) -> RequestOut:
    command = build(CheckDocuments, request_id=request_id, at=body.at)
    started = await check_documents(user, command, await request.app.state.law.context())
    return await _request_out(user, started)


async def refuse(user: User, request_id: int, body: RefusalIn, request: Request) -> RequestOut:
    mr = await visible_row(MeetingRequest, user, request_id)
    refused = await attendance.refuse_request(
        user, mr, body.reason, body.details, document=body.document,
        notices=request.app.state.notices,
    )  # fmt: skip
    return await _request_out(user, refused)


# Meetings ---------------------------------------------------------------------------------------


async def list_meetings(user: User) -> list[MeetingOut]:
    rows = await visible(Meeting, user).prefetch_related("request").limit(500)
    return [meeting_out(m, m.request.status) for m in rows]


async def get_meeting(user: User, meeting_id: int, request: Request) -> MeetingOut:
    meeting = await visible_row(Meeting, user, meeting_id)
    link = await link_of(meeting, user, request.app.state.notices.video)
    return await meeting_with_status(meeting, link)


async def reschedule(
    user: User, meeting_id: int, body: RescheduleIn, request: Request
) -> MeetingOut:
    meeting = await visible_row(Meeting, user, meeting_id)
    if user.role == Role.DETENTION_STAFF and not body.reason:
        raise DomainError("reschedule_reason_required", field="reason")
    mr = await MeetingRequest.get(id=meeting.request_id)
    room = await _room(mr, body.room_id or meeting.room_id)
    minutes = body.length_minutes or (meeting.ends_at - meeting.starts_at) // timedelta(minutes=1)
    try:
        moved = await attendance.move(
            user, meeting, room, body.starts_at, timedelta(minutes=minutes), body.reason,
            notices=request.app.state.notices,
        )  # fmt: skip
    except booking.MeetingConflict as exc:
        raise _from_conflict(exc) from exc
    return await meeting_with_status(moved)


async def cancel(user: User, meeting_id: int, body: CancelIn, request: Request) -> MeetingOut:
    meeting = await visible_row(Meeting, user, meeting_id)
    notices = request.app.state.notices
    if user.role == Role.DETENTION_STAFF:
        cancelled = await attendance.cancel_by_facility(user, meeting, body.reason, notices=notices)
    else:
        cancelled = await attendance.cancel_by_lawyer(user, meeting, body.reason, notices=notices)
    return await meeting_with_status(cancelled)


async def check_in(user: User, meeting_id: int, body: CheckInIn) -> MeetingOut:
    command = build(attendance.CheckIn, meeting_id=meeting_id, **body.model_dump())
    return await meeting_with_status(await attendance.check_in_meeting(user, command))


async def start_meeting(user: User, meeting_id: int, body: MomentIn) -> MeetingOut:
    meeting = await visible_row(Meeting, user, meeting_id)
    return await meeting_with_status(await attendance.start(user, meeting, body.at))


async def complete_meeting(user: User, meeting_id: int, body: MomentIn) -> MeetingOut:
    meeting = await visible_row(Meeting, user, meeting_id)
    return await meeting_with_status(await attendance.complete(user, meeting, body.at))


async def no_show(user: User, meeting_id: int, body: MomentIn) -> MeetingOut:
    meeting = await visible_row(Meeting, user, meeting_id)
    return await meeting_with_status(await attendance.mark_no_show(user, meeting, body.at))


# Day board --------------------------------------------------------------------------------------


async def board(user: User, facility_id: int, query: BoardQuery) -> BoardOut:
    if user.facility_id != facility_id:
        raise NotFound("facility")  # staff see their own facility's board only
    facility = await Facility.get(id=facility_id)
    zone = ZoneInfo(facility.timezone)
    day = query.day or clock.now().astimezone(zone).date()
    start = datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone).astimezone(UTC)
    rooms = await Room.filter(facility_id=facility_id).order_by("name")
    meetings = await Meeting.filter(
        room__facility_id=facility_id, status=MeetingStatus.ACTIVE,
        starts_at__lt=end, ends_at__gt=start,
    ).order_by("starts_at").prefetch_related("request", "lawyer", "detainee")  # fmt: skip
    at_risk = await forecast.requests_at_risk(facility_id)
    for item in at_risk:
        await item.request.fetch_related("lawyer", "detainee")
    return BoardOut(
        facility_id=facility_id,
        day=day,
        timezone=facility.timezone,
        rooms=[
            BoardRoomOut(
                id=r.id,
                name=r.name,
                kind=r.kind,
                in_service=r.in_service,
                meetings=[board_meeting_out(m) for m in meetings if m.room_id == r.id],
            )
            for r in rooms
        ],
        at_risk=[risk_out(item) for item in at_risk],
    )


def _ep(
    method: str, path: str, handler: object, summary: str, action: Action, **kw: object
) -> Endpoint:
    tag = "meeting requests" if path.startswith("/meeting-requests") else "meetings"
    return Endpoint(method, P + path, handler, summary, tag, action, **kw)  # type: ignore[arg-type]


_R = "/meeting-requests/{request_id:int}"
_M = "/meetings/{meeting_id:int}"
MEETING_ENDPOINTS: list[Endpoint] = [
    _ep("POST", "/meeting-requests", create_request,
        "Ask to meet a client (lawyer), or register a walk-in or phone request (staff); "
        "starts the 48-hour clock (M1) or, in a permission case, the 3-day answer (M5)",
        Action.REQUEST_MEETINGS, body=RequestCreate, response=RequestOut, status=201,
        errors=(404, 409)),
    _ep("GET", "/meeting-requests", list_requests, "Meeting requests in my scope",
        Action.VIEW_MEETINGS, query=RequestQuery, response=RequestOut, list_response=True),
    _ep("GET", _R, get_request, "One meeting request with its deadline and meeting",
        Action.VIEW_MEETINGS, response=RequestOut, errors=(404,)),
    _ep("GET", _R + "/availability", availability,
        "Free slots (room, start, end) for the request between from and to",
        Action.BOOK_MEETINGS, query=AvailabilityQuery, response=AvailabilityOut,
        errors=(404,)),
    _ep("POST", _R + "/bookings", book,
        "Book a meeting; without room or start the earliest fitting slot before the deadline. "
        "Send an Idempotency-Key header: a repeat returns the same meeting with 200 (first "
        "booking 201). 409 problems list free 'alternatives'",
        Action.BOOK_MEETINGS, body=BookingIn, response=MeetingOut, status=201,
        errors=(404, 409)),
    _ep("POST", _R + "/permission", decide_permission,
        "Permit, or refuse with written reasons, a meeting in a permission case (M5); "
        "a grant starts the 48 hours",
        Action.DECIDE_MEETING_PERMISSIONS, body=PermissionIn, response=RequestOut,
        errors=(403, 404, 409)),
    _ep("POST", _R + "/permission/lift", lift_refusal,
        "The reason for refusing permission has ended (R2015 art. 9): the refused request "
        "becomes permitted, its 48 hours start, the lawyer and the centre are told; 409 "
        "'permission_not_refused' unless refused",
        Action.DECIDE_MEETING_PERMISSIONS, body=LiftIn, response=RequestOut,
        errors=(403, 404, 409)),
    _ep("POST", _R + "/documents-checked", documents_checked,
        "The lawyer's three documents checked: starts the 48 hours of a request that waits "
        "for it (policy P1 after_document_check); 409 if its clock already runs",
        Action.RUN_DAY_BOARD, body=MomentIn, response=RequestOut, errors=(404, 409)),
    _ep("POST", _R + "/refusal", refuse,
        "Refuse a meeting on a lawful ground only (never for lack of a booking, M2)",
        Action.RUN_DAY_BOARD, body=RefusalIn, response=RequestOut, errors=(404, 409)),
    _ep("GET", "/meetings", list_meetings, "Meetings in my scope", Action.VIEW_MEETINGS,
        response=MeetingOut, list_response=True),
    _ep("GET", _M, get_meeting, "One meeting", Action.VIEW_MEETINGS, response=MeetingOut,
        errors=(404,)),
    _ep("POST", _M + "/reschedule", reschedule,
        "Move a meeting (lawyer, or staff with a reason); same reference, SEQUENCE raised",
        Action.BOOK_MEETINGS, body=RescheduleIn, response=MeetingOut, errors=(404, 409)),
    _ep("POST", _M + "/cancel", cancel,
        "Cancel (staff: reason required, the request returns to scheduling)",
        Action.BOOK_MEETINGS, body=CancelIn, response=MeetingOut, errors=(404, 409)),
    _ep("POST", _M + "/check-in", check_in,
        "Check in: the three documents verified (a video meeting: the uploads accepted "
        "beforehand) and, required for a video meeting, confidentiality confirmed (CPL 39(4))",
        Action.RUN_DAY_BOARD, body=CheckInIn, response=MeetingOut, errors=(404, 409)),
    _ep("POST", _M + "/start", start_meeting, "Record the start", Action.RUN_DAY_BOARD,
        body=MomentIn, response=MeetingOut, errors=(404, 409)),
    _ep("POST", _M + "/complete", complete_meeting, "Record the end", Action.RUN_DAY_BOARD,
        body=MomentIn, response=MeetingOut, errors=(404, 409)),
    _ep("POST", _M + "/no-show", no_show, "Record that the lawyer did not come",
        Action.RUN_DAY_BOARD, body=MomentIn, response=MeetingOut, errors=(404, 409)),
    _ep("GET", "/facilities/{facility_id:int}/board", board,
        "Day board: rooms, the day's meetings, and requests at risk of the 48-hour limit",
        Action.RUN_DAY_BOARD, query=BoardQuery, response=BoardOut, errors=(404,)),
]  # fmt: skip
