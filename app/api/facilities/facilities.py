"""/api/v1 endpoints of rooms, weekly opening sessions, meeting settings and closures.

Anyone signed in may read a facility's rooms, hours, settings and closures (lawyers plan by
them); only the facility's own staff change them, and other staff get 404 (the object scope
of scheduling.facility_admin). The services validate and audit every change.
"""

from __future__ import annotations

from starlette.requests import Request

from app.accounts.models import User
from app.accounts.policy import Action, NotFound
from app.api.facilities.facility_models import (
    AffectedMeetingOut,
    ClosureCreate,
    ClosureEnd,
    ClosureOut,
    RoomCreate,
    RoomOut,
    RoomPatch,
    ScheduleIn,
    ScheduleOut,
    SessionCreate,
    SessionOut,
)
from app.api.framework import Endpoint
from app.errors import DomainError
from app.orgs.models import Facility
from scheduling import closures
from scheduling import facility_admin as admin
from scheduling.models import Closure, Meeting, OpeningSession, Room
from scheduling.plan_store import schedule_of

P = "/api/v1"


async def _facility(facility_id: int) -> Facility:
    facility = await Facility.get_or_none(id=facility_id)
    if facility is None:
        raise NotFound("facility")
    return facility


def room_out(room: Room) -> RoomOut:
    return RoomOut.model_validate(room, from_attributes=True)


def session_out(s: OpeningSession) -> SessionOut:
    return SessionOut(
        id=s.id, facility_id=s.facility_id, weekday=s.weekday,
        start=admin.wall_clock(s.start_minute), end=admin.wall_clock(s.end_minute),
        room_id=s.room_id, valid_from=s.valid_from, valid_to=s.valid_to,
    )  # fmt: skip


async def closure_out(user: User, closure: Closure) -> ClosureOut:
    affected = None
    if user.facility_id == closure.facility_id:
        meetings = await Meeting.filter(closure_id=closure.id).order_by("starts_at", "id")
        affected = [AffectedMeetingOut.model_validate(m, from_attributes=True) for m in meetings]
    return ClosureOut(
        id=closure.id, facility_id=closure.facility_id, room_id=closure.room_id,
        starts_at=closure.starts_at, ends_at=closure.ends_at, reason=closure.reason,
        created_at=closure.created_at, affected_meetings=affected,
    )  # fmt: skip


async def list_rooms(user: User, facility_id: int) -> list[RoomOut]:
    facility = await _facility(facility_id)
    return [room_out(r) for r in await Room.filter(facility_id=facility.id)]


async def create_room(user: User, facility_id: int, body: RoomCreate) -> RoomOut:
    facility = await admin.managed_facility(user, facility_id)
    return room_out(await admin.create_room(user, facility, name=body.name, kind=body.kind))


async def update_room(user: User, room_id: int, body: RoomPatch) -> RoomOut:
    room = await admin.managed_room(user, room_id)
    changed = await admin.update_room(
        user, room, name=body.name, kind=body.kind, in_service=body.in_service
    )
    return room_out(changed)


async def list_sessions(user: User, facility_id: int) -> list[SessionOut]:
    facility = await _facility(facility_id)
    rows = await OpeningSession.filter(facility_id=facility.id).order_by(
        "weekday", "start_minute", "id"
    )
    return [session_out(s) for s in rows]


async def add_sessions(
    user: User, facility_id: int, body: SessionCreate, request: Request
) -> list[SessionOut]:
    facility = await admin.managed_facility(user, facility_id)
    new = admin.NewSessions(
        start_minute=admin.parse_wall(body.start, "start"),
        end_minute=admin.parse_wall(body.end, "end"),
        weekdays=body.weekdays, room_ids=body.room_ids,
        valid_from=body.valid_from, valid_to=body.valid_to,
    )  # fmt: skip
    public_url: str = request.app.state.settings.app.public_url
    return [session_out(s) for s in await admin.add_sessions(user, facility, new, public_url)]


async def delete_session(user: User, session_id: int) -> None:
    await admin.delete_session(user, await admin.managed_session(user, session_id))


async def _schedule_out(facility: Facility) -> ScheduleOut:
    lengths, buffer = await schedule_of(facility.id)
    return ScheduleOut(
        facility_id=facility.id, timezone=facility.timezone, allowed_lengths=lengths,
        buffer_minutes=int(buffer.total_seconds() // 60),
        length_choices=list(admin.LENGTH_CHOICES),
    )  # fmt: skip


async def get_schedule(user: User, facility_id: int) -> ScheduleOut:
    return await _schedule_out(await _facility(facility_id))


async def put_schedule(user: User, facility_id: int, body: ScheduleIn) -> ScheduleOut:
    facility = await admin.managed_facility(user, facility_id)
    await admin.set_schedule(
        user, facility, allowed_lengths=body.allowed_lengths, buffer_minutes=body.buffer_minutes
    )
    return await _schedule_out(facility)


async def list_closures(user: User, facility_id: int) -> list[ClosureOut]:
    facility = await _facility(facility_id)
    return [await closure_out(user, c) for c in await closures.upcoming(facility.id)]


async def add_closure(
    user: User, facility_id: int, body: ClosureCreate, request: Request
) -> ClosureOut:
    facility = await admin.managed_facility(user, facility_id)
    room = None
    if body.room_id is not None:
        room = await Room.get_or_none(id=body.room_id, facility_id=facility.id)
        if room is None:
            raise DomainError("room_unavailable", field="room_id", status=422)
    closure = await closures.add_closure(
        user, facility, room=room, starts_at=body.starts_at, ends_at=body.ends_at,
        reason=body.reason, public_url=request.app.state.settings.app.public_url,
    )  # fmt: skip
    return await closure_out(user, closure)


async def remove_closure(user: User, closure_id: int) -> None:
    await closures.remove_closure(user, await closures.managed_closure(user, closure_id))


async def end_closure_early(user: User, closure_id: int, body: ClosureEnd) -> ClosureOut:
    closure = await closures.managed_closure(user, closure_id)
    return await closure_out(user, await closures.end_closure_early(user, closure, body.ends_at))


def _ep(
    method: str, path: str, handler: object, summary: str, action: Action, **kw: object
) -> Endpoint:
    return Endpoint(method, P + path, handler, summary, "facilities", action, **kw)  # type: ignore[arg-type]


_F = "/facilities/{facility_id:int}"
VIEW, MANAGE = Action.VIEW_FACILITY_SCHEDULE, Action.MANAGE_FACILITY_SCHEDULE
FACILITY_ENDPOINTS: list[Endpoint] = [
    _ep("GET", _F + "/rooms", list_rooms, "Rooms of a facility", VIEW, response=RoomOut,
        list_response=True, errors=(404,)),
    _ep("POST", _F + "/rooms", create_room, "Add a room (facility staff)", MANAGE,
        body=RoomCreate, response=RoomOut, status=201, errors=(404, 409)),
    _ep("PATCH", "/rooms/{room_id:int}", update_room,
        "Rename a room, change its kind, or take it out of or back into service", MANAGE,
        body=RoomPatch, response=RoomOut, errors=(404, 409)),
    _ep("GET", _F + "/sessions", list_sessions,
        "Weekly opening sessions and room overrides (local times)", VIEW, response=SessionOut,
        list_response=True, errors=(404,)),
    _ep("POST", _F + "/sessions", add_sessions,
        "Add opening sessions (weekdays x rooms); lawyers waiting for a slot are told", MANAGE,
        body=SessionCreate, response=SessionOut, list_response=True, status=201,
        errors=(404, 409)),
    _ep("DELETE", "/sessions/{session_id:int}", delete_session, "Delete an opening session",
        MANAGE, errors=(404,)),
    _ep("GET", _F + "/schedule", get_schedule, "Allowed meeting lengths and turnover buffer",
        VIEW, response=ScheduleOut, errors=(404,)),
    _ep("PUT", _F + "/schedule", put_schedule, "Set allowed meeting lengths and the buffer",
        MANAGE, body=ScheduleIn, response=ScheduleOut, errors=(404,)),
    _ep("GET", _F + "/closures", list_closures, "Closures not yet over", VIEW,
        response=ClosureOut, list_response=True, errors=(404,)),
    _ep("POST", _F + "/closures", add_closure,
        "Close the facility or a room: meetings hit are flagged and their lawyers told", MANAGE,
        body=ClosureCreate, response=ClosureOut, status=201, errors=(404,)),
    _ep("DELETE", "/closures/{closure_id:int}", remove_closure,
        "Remove a closure entered by mistake (meetings stay flagged for rebooking)", MANAGE,
        errors=(404, 409)),
    _ep("POST", "/closures/{closure_id:int}/end", end_closure_early,
        "End a closure early: the hours after the new end are offered to waiting requests, "
        "least statutory time left first", MANAGE, body=ClosureEnd, response=ClosureOut,
        errors=(404, 409)),
]  # fmt: skip
