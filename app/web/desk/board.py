"""The staff day board (user stories 9 and 11): the requests at risk of passing 48 hours first,
then rooms down the side and the day's meetings across, with check-in, start, complete,
no-show and cancellation by the facility. Printable for the gate.

Only times and the document check are recorded, never what is said in a meeting (M4). The
services are scheduling.attendance and scheduling.forecast; scope is scheduling.access.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from app import clock
from app.accounts.models import User
from app.accounts.policy import Action, NotFound
from app.accounts.scopes import visible, visible_row
from app.commands import build
from app.errors import DomainError
from app.orgs.models import Facility
from app.presentation.board_labels import JINJA_LABELS
from app.web.auth import permitted
from app.web.cases import case_views
from app.web.csrf import checked_form
from app.web.desk.board_grid import build_grid, day_bounds
from app.web.forms import form_errors, text_values, zone
from app.web.meetings.meeting_views import JoinView, join_view
from scheduling import attendance, forecast, offer_answers
from scheduling.kinds import MeetingStatus
from scheduling.models import Meeting, OpeningSession, Room
from scheduling.video_links import is_video, link_for

ACTION_FIELDS = ("reason", "documents_verified", "confidentiality_confirmed")


@dataclass(frozen=True)
class BoardMeeting:
    meeting: Meeting
    state: str  # a key of BOARD_STATE_LABELS
    start: str  # wall clock "09:00"
    end: str
    # A video meeting: the staff's own join link, and whether the desk accepted the uploads.
    video: JoinView | None = None
    uploads_accepted: bool = False


def _render(request: Request, name: str, context: dict[str, Any], status: int = 200) -> Response:
    return case_views.render(request, name, {**JINJA_LABELS, **context}, status)


async def staff_facility(user: User) -> Facility:
    """The facility whose board the user runs; staff without one see nothing."""
    facility = await Facility.get_or_none(id=user.facility_id) if user.facility_id else None
    if facility is None:
        raise NotFound("facility")
    return facility


def board_state(meeting: Meeting) -> str:
    if meeting.status == MeetingStatus.CANCELLED:
        return "cancelled"
    if meeting.no_show_at:
        return "no_show"
    if meeting.ended_at:
        return "completed"
    if meeting.started_at:
        return "in_progress"
    if meeting.checked_in_at:
        return "checked_in"
    return "scheduled"


def local_day(moment: datetime, facility: Facility) -> date:
    return moment.astimezone(zone(facility.timezone)).date()


def _day(request: Request, facility: Facility) -> date:
    raw = request.query_params.get("day", "")
    try:
        return date.fromisoformat(raw)
    except ValueError:
        return local_day(clock.now(), facility)  # no or a malformed day: today


async def _opening(facility: Facility, day: date) -> list[tuple[int, int]]:
    sessions = await OpeningSession.filter(facility_id=facility.id, weekday=day.weekday())
    return [
        (s.start_minute, s.end_minute)
        for s in sessions
        if (s.valid_from is None or s.valid_from <= day)
        and (s.valid_to is None or day <= s.valid_to)
    ]


async def _board(
    request: Request,
    user: User,
    facility: Facility,
    day: date,
    errors: dict[int, dict[str, str]] | None = None,
    values: dict[int, dict[str, str]] | None = None,
    status: int = 200,
) -> Response:
    tz = zone(facility.timezone)
    start, end = day_bounds(day, tz)
    rooms = await Room.filter(facility_id=facility.id).order_by("name")
    meetings = await (
        visible(Meeting, user)
        .filter(starts_at__lt=end, ends_at__gt=start)
        .select_related("request", "lawyer", "detainee", "room")
        .order_by("starts_at", "room_id")
    )
    accepted = await attendance.uploads_accepted(
        m.request.engagement_id for m in meetings if is_video(m.room)
    )
    video = request.app.state.notices.video
    rows = [
        BoardMeeting(
            m,
            board_state(m),
            f"{m.starts_at.astimezone(tz):%H:%M}",
            f"{m.ends_at.astimezone(tz):%H:%M}",
            join_view(link_for(m, m.room, user.display_name, video), facility.timezone),
            m.request.engagement_id in accepted,
        )
        for m in meetings
    ]
    grid = build_grid(
        day,
        tz,
        [room.id for room in rooms],
        await _opening(facility, day),
        [(r.meeting.room_id, r.meeting.starts_at, r.meeting.ends_at, r) for r in rows
         if r.state != "cancelled"],
    )  # fmt: skip
    risks = await forecast.requests_at_risk(facility.id)
    for item in risks:
        await item.request.fetch_related("lawyer", "detainee")
    context = {
        "facility": facility,
        "zone": facility.timezone,
        "tz": tz,
        "day": day,
        "today": local_day(clock.now(), facility),
        "previous_day": day - timedelta(days=1),
        "next_day": day + timedelta(days=1),
        "grid": grid,
        "rooms": {room.id: room for room in rooms},
        "rows": rows,
        "risks": risks,
        # Freed times held for waiting requests (scheduling.offers): nobody else may book them.
        "offers": await offer_answers.open_offers(user),
        "errors": errors or {},
        "values": values or {},
    }
    return _render(request, "board/board.html", context, status)


async def board_page(request: Request) -> Response:
    user = permitted(request, Action.RUN_DAY_BOARD)
    facility = await staff_facility(user)
    return await _board(request, user, facility, _day(request, facility))


async def _act(request: Request, step: str) -> Response:
    user = permitted(request, Action.RUN_DAY_BOARD)
    facility = await staff_facility(user)
    meeting = await visible_row(Meeting, user, request.path_params["meeting_id"])
    form = await checked_form(request)
    values = text_values(form, ("reason",))
    try:
        if step == "check-in":
            command = build(
                attendance.CheckIn,
                meeting_id=meeting.id,
                documents_verified=form.get("documents_verified") == "yes",
                assistant_present=form.get("assistant_present") == "yes",
                confidentiality_confirmed=form.get("confidentiality_confirmed") == "yes",
            )
            await attendance.check_in_meeting(user, command)
        elif step == "start":
            await attendance.start(user, meeting)
        elif step == "complete":
            await attendance.complete(user, meeting)
        elif step == "no-show":
            await attendance.mark_no_show(user, meeting)
        else:
            await attendance.cancel_by_facility(
                user, meeting, values["reason"], notices=request.app.state.notices
            )
    except DomainError as exc:
        errors = {meeting.id: form_errors(exc, ACTION_FIELDS)}
        day = local_day(meeting.starts_at, facility)
        return await _board(request, user, facility, day, errors, {meeting.id: values}, exc.status)
    day = local_day(meeting.starts_at, facility)
    return RedirectResponse(f"/board?day={day.isoformat()}#m-{meeting.id}", status_code=303)


async def check_in(request: Request) -> Response:
    return await _act(request, "check-in")


async def start(request: Request) -> Response:
    return await _act(request, "start")


async def complete(request: Request) -> Response:
    return await _act(request, "complete")


async def no_show(request: Request) -> Response:
    return await _act(request, "no-show")


async def cancel(request: Request) -> Response:
    return await _act(request, "cancel")


routes = [
    Route("/board", board_page, methods=["GET"]),
    Route("/board/meetings/{meeting_id:int}/check-in", check_in, methods=["POST"]),
    Route("/board/meetings/{meeting_id:int}/start", start, methods=["POST"]),
    Route("/board/meetings/{meeting_id:int}/complete", complete, methods=["POST"]),
    Route("/board/meetings/{meeting_id:int}/no-show", no_show, methods=["POST"]),
    Route("/board/meetings/{meeting_id:int}/cancel", cancel, methods=["POST"]),
]
