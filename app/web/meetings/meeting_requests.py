"""A meeting request's page (its statutory clock explained, the permission answer, the earliest
free time and the free times to pick) and a meeting's page (reference, room, time, invite,
reschedule and cancel). Same services as the API: scheduling.booking, scheduling.attendance."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from app.accounts.policy import Action, allowed
from app.accounts.roles import Role
from app.accounts.scopes import visible_row
from app.audit import receipts
from app.commands import build
from app.errors import DomainError, raise_all
from app.presentation.messages import message
from app.web.auth import permitted
from app.web.csrf import checked_form
from app.web.forms import attempt, every_form_error, form_errors, show_local, text_values
from app.web.meetings.meeting_views import (
    by_day,
    choice,
    deadline_view,
    facility_rooms,
    join_view,
    open_slots,
    parse_slot,
)
from app.web.meetings.meetings import render
from scheduling import attendance
from scheduling.availability import Slot
from scheduling.booking import MeetingConflict
from scheduling.booking_command import BookMeeting, book_meeting
from scheduling.kinds import MeetingStatus, RequestStatus, RoomKind
from scheduling.models import Meeting, MeetingRequest, Room
from scheduling.requests import earliest_free_slot
from scheduling.video_links import is_video, link_of, may_join


def _kind(request: Request, meeting_request: MeetingRequest) -> RoomKind:
    wanted = request.query_params.get("room_kind", "")
    return RoomKind(wanted) if wanted in {k.value for k in RoomKind} else meeting_request.room_kind


async def request_page_response(
    request: Request,
    item: MeetingRequest,
    *,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    alternatives: list[Slot] | None = None,
    status: int = 200,
) -> Response:
    """The request page; also re-rendered by the booking and permission forms on errors."""
    user = request.state.user
    locale = request.state.locale
    await item.fetch_related("facility", "detainee", "lawyer", "engagement__case")
    zone = item.facility.timezone
    rooms = await facility_rooms(item.facility_id)
    kind = _kind(request, item)
    can_book = allowed(user, Action.BOOK_MEETINGS) and item.status == RequestStatus.REQUESTED
    earliest = await earliest_free_slot(item) if can_book else None
    days = by_day(await open_slots(item, kind), rooms, zone, locale) if can_book else []
    meetings = list(await Meeting.filter(request_id=item.id).order_by("-created_at"))
    context: dict[str, Any] = {
        "r": item,
        "zone": zone,
        "deadline": deadline_view(
            item.deadline_at, item.deadline, zone, locale, "M2" if item.walk_in else "M1"
        ),
        "permission": deadline_view(
            item.permission_due_at, item.permission_deadline, zone, locale, "M5"
        ),
        "decided_at": show_local(item.permission_decided_at, zone),
        "lifted_at": show_local(item.permission_lifted_at, zone),
        "requested_at": show_local(item.requested_at, zone),
        "windows": [
            (show_local(_iso(w["from"]), zone), show_local(_iso(w["to"]), zone))
            for w in item.preferred_windows
            if "from" in w and "to" in w
        ],
        "can_book": can_book,
        "staff": user.role == Role.DETENTION_STAFF,
        "can_decide": allowed(user, Action.DECIDE_MEETING_PERMISSIONS)
        and item.status == RequestStatus.AWAITING_PERMISSION,
        "can_lift": allowed(user, Action.DECIDE_MEETING_PERMISSIONS)
        and item.status == RequestStatus.PERMISSION_REFUSED,
        "earliest": choice(earliest, rooms, zone) if earliest else None,
        "days": days,
        "kind": kind.value,
        "kinds": sorted({room.kind.value for room in rooms.values() if room.in_service}),
        "meetings": [(m, rooms.get(m.room_id), show_local(m.starts_at, zone)) for m in meetings],
        "alternatives": [choice(s, rooms, zone) for s in alternatives or []],
        "key": uuid.uuid4().hex,  # one booking attempt: a double click books once
        "proofs": await receipts.ready_proofs(item.id, "meeting-request", "permission", "refusal"),
        "values": values or {},
        "errors": errors or {},
    }
    return render(request, "meetings/request.html", context, status)


def _iso(raw: str) -> datetime | None:
    try:
        return datetime.fromisoformat(raw)
    except ValueError:
        return None


async def request_page(request: Request) -> Response:
    user = permitted(request, Action.VIEW_MEETINGS)
    item = await visible_row(MeetingRequest, user, request.path_params["request_id"])
    return await request_page_response(request, item)


async def _room(facility_id: int, room_id: int) -> Room:
    room = await Room.get_or_none(id=room_id, facility_id=facility_id)
    if room is None:
        raise DomainError("room_unavailable", "slot")
    return room


# The booking form has one field, the slot: the command's room and time are its parts.
_SLOT_PARTS = ("room_id", "starts_at")


async def book_slot(request: Request) -> Response:
    user = permitted(request, Action.BOOK_MEETINGS)
    request_id = request.path_params["request_id"]
    form = await checked_form(request)
    values = text_values(form, ("slot", "idempotency_key"))
    try:
        room_id, starts_at = parse_slot(values["slot"])
        command = build(
            BookMeeting, request_id=request_id, room_id=room_id, starts_at=starts_at,
            idempotency_key=values["idempotency_key"] or None,
        )  # fmt: skip
        booked = await book_meeting(user, command, notices=request.app.state.notices)
    except DomainError as exc:
        # At the slot when it is at fault, else above the booking form ("book").
        errors = {("slot" if exc.field in ("slot", *_SLOT_PARTS) else "book"): message(exc.code)}
        alternatives = exc.alternatives if isinstance(exc, MeetingConflict) else None
        item = await visible_row(MeetingRequest, user, request_id)
        return await request_page_response(
            request, item, values=values, errors=errors, alternatives=alternatives,
            status=exc.status,
        )  # fmt: skip
    return RedirectResponse(f"/meetings/{booked.meeting.id}", status_code=303)


# --- The meeting ------------------------------------------------------------------------


async def meeting_page_response(
    request: Request,
    meeting: Meeting,
    *,
    values: dict[str, dict[str, str]] | None = None,
    errors: dict[str, dict[str, str]] | None = None,
    alternatives: list[Slot] | None = None,
    status: int = 200,
) -> Response:
    user = request.state.user
    item = await MeetingRequest.get(id=meeting.request_id)
    await item.fetch_related("facility", "detainee", "lawyer")
    zone = item.facility.timezone
    rooms = await facility_rooms(item.facility_id)
    room = rooms.get(meeting.room_id)
    changeable = (
        allowed(user, Action.BOOK_MEETINGS)
        and meeting.status == MeetingStatus.ACTIVE
        and item.status == RequestStatus.SCHEDULED
    )
    kind = room.kind if room else item.room_kind
    slots = await open_slots(item, kind, exclude_meeting_id=meeting.id) if changeable else []
    context: dict[str, Any] = {
        "m": meeting,
        "r": item,
        "room": room,
        "zone": zone,
        "starts": show_local(meeting.starts_at, zone),
        "ends": show_local(meeting.ends_at, zone),
        "cancelled_at": show_local(meeting.cancelled_at, zone),
        "changeable": changeable,
        "staff": user.role == Role.DETENTION_STAFF,
        "days": by_day(slots, rooms, zone, request.state.locale),
        "alternatives": [choice(s, rooms, zone) for s in alternatives or []],
        "values": values or {},
        "errors": errors or {},
        "proofs": await receipts.ready_proofs(meeting.id, "booking"),
        # A video meeting: the reader's own join link and when it works (scheduling.video).
        "video": room is not None and is_video(room),
        "may_join": room is not None and may_join(user, meeting, room),
        "join": join_view(await link_of(meeting, user, request.app.state.notices.video), zone),
        # CPL 39(4): her own meeting's lawyer may report it was monitored or recorded.
        "can_report_monitoring": user.id == meeting.lawyer_id
        and allowed(user, Action.FILE_COMPLAINTS),
    }
    return render(request, "meetings/meeting.html", context, status)


async def meeting_page(request: Request) -> Response:
    user = permitted(request, Action.VIEW_MEETINGS)
    meeting = await visible_row(Meeting, user, request.path_params["meeting_id"])
    return await meeting_page_response(request, meeting)


async def reschedule(request: Request) -> Response:
    user = permitted(request, Action.BOOK_MEETINGS)
    meeting = await visible_row(Meeting, user, request.path_params["meeting_id"])
    form = await checked_form(request)
    values = text_values(form, ("slot", "reason"))
    try:
        found: list[DomainError] = []
        if user.role == Role.DETENTION_STAFF and not values["reason"]:
            found.append(DomainError("reason_required", "reason"))  # staff say why they move
        picked = attempt(found, parse_slot, values["slot"])
        raise_all(found)
        assert picked is not None
        room_id, starts_at = picked
        room = await _room((await meeting.room).facility_id, room_id)
        length = meeting.ends_at - meeting.starts_at
        await attendance.move(
            user, meeting, room, starts_at, length, values["reason"],
            notices=request.app.state.notices,
        )  # fmt: skip
    except MeetingConflict as exc:
        errors = {"reschedule": {"slot": form_errors(exc, ("starts_at",)).get("starts_at", "")}}
        return await meeting_page_response(
            request, meeting, values={"reschedule": values}, errors=errors,
            alternatives=exc.alternatives, status=exc.status,
        )  # fmt: skip
    except DomainError as exc:
        errors = {"reschedule": every_form_error(exc, ("slot", "reason"))}
        return await meeting_page_response(
            request, meeting, values={"reschedule": values}, errors=errors, status=exc.status
        )
    return RedirectResponse(f"/meetings/{meeting.id}", status_code=303)


async def cancel(request: Request) -> Response:
    user = permitted(request, Action.BOOK_MEETINGS)
    meeting = await visible_row(Meeting, user, request.path_params["meeting_id"])
    form = await checked_form(request)
    values = text_values(form, ("reason",))
    try:
        notices = request.app.state.notices
        if user.role == Role.DETENTION_STAFF:
            await attendance.cancel_by_facility(user, meeting, values["reason"], notices=notices)
        else:
            await attendance.cancel_by_lawyer(user, meeting, values["reason"], notices=notices)
    except DomainError as exc:
        errors = {"cancel": every_form_error(exc, ("reason",))}
        return await meeting_page_response(
            request, meeting, values={"cancel": values}, errors=errors, status=exc.status
        )
    return RedirectResponse(f"/meeting-requests/{meeting.request_id}", status_code=303)


routes = [
    Route("/meeting-requests/{request_id:int}", request_page, methods=["GET"]),
    Route("/meeting-requests/{request_id:int}/bookings", book_slot, methods=["POST"]),
    Route("/meetings/{meeting_id:int}", meeting_page, methods=["GET"]),
    Route("/meetings/{meeting_id:int}/reschedule", reschedule, methods=["POST"]),
    Route("/meetings/{meeting_id:int}/cancel", cancel, methods=["POST"]),
]
