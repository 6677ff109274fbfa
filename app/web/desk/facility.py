"""Rooms and hours: detention-centre staff manage their own facility's rooms, weekly opening
sessions, room overrides, meeting lengths, turnover buffer and closures (stories 4 and 10);
anyone signed in reads a facility's public opening hours.
The API (app.api.facilities) calls the same services.

Times are read and shown on the facility's wall clock. Each form re-renders the page with its
error and everything typed when a service refuses it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from app import clock
from app.accounts.models import User
from app.accounts.policy import Action, NotFound
from app.errors import DomainError, together
from app.orgs.models import Facility
from app.presentation.facility_labels import JINJA_LABELS
from app.web.auth import permitted
from app.web.cases import case_views
from app.web.csrf import checked_form
from app.web.forms import attempt, every_form_error, int_list, local_datetime, text_values, zone
from scheduling import closures
from scheduling import facility_admin as admin
from scheduling.kinds import RoomKind
from scheduling.models import OpeningSession, Room
from scheduling.plan_store import schedule_of

ROOM_FIELDS = ("name", "kind", "video_address")
SESSION_FIELDS = ("start", "end", "weekdays", "room_ids", "valid_from", "valid_to")
SCHEDULE_FIELDS = ("allowed_lengths", "buffer_minutes")
CLOSURE_FIELDS = ("room", "starts_at", "ends_at", "reason")
ANCHORS = {"room": "rooms", "edit": "rooms", "session": "sessions", "schedule": "schedule",
           "closure": "closures", "closure_end": "closures"}  # fmt: skip


@dataclass(frozen=True)
class ShownSession:
    session: OpeningSession
    start: str
    end: str
    room: str  # "" for the whole facility


def _render(request: Request, name: str, context: dict[str, Any], status: int = 200) -> Response:
    return case_views.render(request, name, {**JINJA_LABELS, **context}, status)


async def _my_facility(request: Request) -> tuple[User, Facility]:
    user = permitted(request, Action.MANAGE_FACILITY_SCHEDULE)
    if user.facility_id is None:
        raise NotFound("facility")
    return user, await admin.managed_facility(user, user.facility_id)


async def _hours(facility: Facility) -> dict[str, Any]:
    """What both pages show: rooms, current sessions by weekday, overrides, lengths."""
    rooms = await Room.filter(facility_id=facility.id).order_by("name")
    names = {r.id: r.name for r in rooms}
    today = clock.now().astimezone(zone(facility.timezone)).date()
    current = [
        ShownSession(
            s,
            admin.wall_clock(s.start_minute),
            admin.wall_clock(s.end_minute),
            names.get(s.room_id, "") if s.room_id else "",
        )
        for s in await OpeningSession.filter(facility_id=facility.id).order_by(
            "weekday", "start_minute", "id"
        )
        if s.valid_to is None or s.valid_to >= today
    ]
    week = [[s for s in current if s.session.weekday == d and not s.room] for d in range(7)]
    lengths, buffer = await schedule_of(facility.id)
    return {
        "facility": facility,
        "zone": facility.timezone,
        "rooms": rooms,
        "week": week,
        "overrides": [s for s in current if s.room],
        "lengths": lengths,
        "buffer_minutes": int(buffer.total_seconds() // 60),
        "closures": await closures.upcoming(facility.id),
        "room_names": names,
    }


async def _overview(
    request: Request,
    facility: Facility,
    form: str = "",
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    context = await _hours(facility)
    defaults: dict[str, dict[str, Any]] = {
        "room": {"kind": RoomKind.IN_PERSON.value},
        "session": {"weekdays": [], "room_ids": []},
        "schedule": {
            "allowed_lengths": [str(n) for n in context["lengths"]],
            "buffer_minutes": str(context["buffer_minutes"]),
        },
        "closure": {},
        "closure_end": {},
    }
    if form:
        defaults[form] = values or {}
    context.update(
        values=defaults,
        errors={form: errors or {}} if form else {},
        form=form,
        kinds=[k.value for k in RoomKind],
        length_choices=admin.LENGTH_CHOICES,
    )
    return _render(request, "facility/overview.html", context, status)


async def overview(request: Request) -> Response:
    _user, facility = await _my_facility(request)
    return await _overview(request, facility)


Change = Callable[[User, Facility, FormData], Awaitable[None]]


async def _change(request: Request, form_name: str, fields: tuple[str, ...], run: Change,
                  keep: Callable[[FormData], dict[str, Any]]) -> Response:  # fmt: skip
    user, facility = await _my_facility(request)
    form = await checked_form(request)
    try:
        await run(user, facility, form)
    except DomainError as exc:
        errors = every_form_error(exc, fields)
        return await _overview(request, facility, form_name, keep(form), errors, exc.status)
    return RedirectResponse(f"/facility#{ANCHORS[form_name]}", status_code=303)


def _room_values(form: FormData) -> dict[str, Any]:
    values = text_values(form, ("name", "kind", "room_id", "video_address"))
    return {**values, "in_service": "in_service" in form}


def _address(form: FormData) -> str | None:
    """A video room's fixed address as typed; None when the form has no such field."""
    if "video_address" not in form:
        return None
    return text_values(form, ("video_address",))["video_address"]


def _kind(raw: str) -> RoomKind:
    if raw not in {k.value for k in RoomKind}:
        raise DomainError("room_kind_invalid", field="kind")
    return RoomKind(raw)


async def add_room(request: Request) -> Response:
    async def run(user: User, facility: Facility, form: FormData) -> None:
        values = text_values(form, ROOM_FIELDS)
        await admin.create_room(user, facility, name=values["name"], kind=_kind(values["kind"]),
                                video_address=values["video_address"])  # fmt: skip

    return await _change(request, "room", ROOM_FIELDS, run, _room_values)


async def edit_room(request: Request) -> Response:
    async def run(user: User, facility: Facility, form: FormData) -> None:
        room = await admin.managed_room(user, request.path_params["room_id"])
        values = text_values(form, ROOM_FIELDS)
        await admin.update_room(user, room, name=values["name"], kind=_kind(values["kind"]),
                                in_service="in_service" in form,
                                video_address=_address(form))  # fmt: skip

    def keep(form: FormData) -> dict[str, Any]:
        return {**_room_values(form), "room_id": str(request.path_params["room_id"])}

    return await _change(request, "edit", ROOM_FIELDS, run, keep)


def _session_values(form: FormData) -> dict[str, Any]:
    values: dict[str, Any] = text_values(form, ("start", "end", "valid_from", "valid_to"))
    values["weekdays"] = [str(n) for n in int_list(form, "weekdays")]
    values["room_ids"] = [str(n) for n in int_list(form, "room_ids")]
    return values


def _day(raw: str, field: str) -> Any:
    if not raw:
        return None
    try:
        return datetime.strptime(raw, "%Y-%m-%d").date()
    except ValueError:
        raise DomainError("time_invalid", field=field) from None


async def add_session(request: Request) -> Response:
    async def run(user: User, facility: Facility, form: FormData) -> None:
        values = _session_values(form)
        problems: list[DomainError] = []  # every input that cannot be read, at once
        start = attempt(problems, admin.parse_wall, values["start"], "start")
        end = attempt(problems, admin.parse_wall, values["end"], "end")
        valid_from = attempt(problems, _day, values["valid_from"], "valid_from")
        valid_to = attempt(problems, _day, values["valid_to"], "valid_to")
        if problems or start is None or end is None:
            if not int_list(form, "weekdays") and not (valid_from and valid_to):
                problems.append(DomainError("weekdays_required", field="weekdays"))
            raise together(problems)
        new = admin.NewSessions(
            start_minute=start, end_minute=end,
            weekdays=int_list(form, "weekdays"), room_ids=int_list(form, "room_ids"),
            valid_from=valid_from, valid_to=valid_to,
        )  # fmt: skip
        public_url: str = request.app.state.settings.app.public_url
        await admin.add_sessions(user, facility, new, public_url)

    return await _change(request, "session", SESSION_FIELDS, run, _session_values)


async def delete_session(request: Request) -> Response:
    async def run(user: User, facility: Facility, form: FormData) -> None:
        session = await admin.managed_session(user, request.path_params["session_id"])
        await admin.delete_session(user, session)

    return await _change(request, "session", (), run, lambda form: {})


def _schedule_values(form: FormData) -> dict[str, Any]:
    return {
        "allowed_lengths": [str(n) for n in int_list(form, "allowed_lengths")],
        **text_values(form, ("buffer_minutes",)),
    }


async def set_schedule(request: Request) -> Response:
    async def run(user: User, facility: Facility, form: FormData) -> None:
        raw = text_values(form, ("buffer_minutes",))["buffer_minutes"]
        if not raw.isdigit():  # and the lengths' faults
            lengths = sorted(set(int_list(form, "allowed_lengths")))
            problems = admin.lengths_problems(lengths)
            raise together([*problems, DomainError("buffer_out_of_range", field="buffer_minutes")])
        await admin.set_schedule(user, facility, allowed_lengths=int_list(form, "allowed_lengths"),
                                 buffer_minutes=int(raw))  # fmt: skip

    return await _change(request, "schedule", SCHEDULE_FIELDS, run, _schedule_values)


_CLOSURE_INPUTS = ("room", "starts_date", "starts_time", "ends_date", "ends_time", "reason")


async def add_closure(request: Request) -> Response:
    async def run(user: User, facility: Facility, form: FormData) -> None:
        v = text_values(form, _CLOSURE_INPUTS)
        problems: list[DomainError] = []  # every field at fault, at once
        room = None
        if v["room"]:
            room = await Room.get_or_none(id=int(v["room"]) if v["room"].isdigit() else 0,
                                          facility_id=facility.id)  # fmt: skip
            if room is None:
                problems.append(DomainError("room_unavailable", field="room"))
        tz = facility.timezone
        starts = attempt(problems, local_datetime, v["starts_date"], v["starts_time"], tz,
                         "starts_at")  # fmt: skip
        ends = attempt(problems, local_datetime, v["ends_date"], v["ends_time"], tz, "ends_at")
        if problems or starts is None or ends is None:  # and the reason's faults
            raise together([*problems, *closures.reason_problems(v["reason"])])
        public_url: str = request.app.state.settings.app.public_url
        await closures.add_closure(user, facility, room=room, starts_at=starts, ends_at=ends,
                                   reason=v["reason"], public_url=public_url)  # fmt: skip

    return await _change(request, "closure", CLOSURE_FIELDS, run,
                         lambda form: text_values(form, _CLOSURE_INPUTS))  # fmt: skip


async def remove_closure(request: Request) -> Response:
    async def run(user: User, facility: Facility, form: FormData) -> None:
        closure = await closures.managed_closure(user, request.path_params["closure_id"])
        await closures.remove_closure(user, closure)

    return await _change(request, "closure", (), run, lambda form: {})


_END_INPUTS = ("closure_id", "ends_date", "ends_time")


async def end_closure_early(request: Request) -> Response:
    """The closure ends sooner (repairs done early): its remaining hours go to the waitlist."""

    async def run(user: User, facility: Facility, form: FormData) -> None:
        closure = await closures.managed_closure(user, request.path_params["closure_id"])
        v = text_values(form, _END_INPUTS)
        ends = local_datetime(v["ends_date"], v["ends_time"], facility.timezone, "ends_at")
        await closures.end_closure_early(user, closure, ends)

    def keep(form: FormData) -> dict[str, Any]:
        return {**text_values(form, _END_INPUTS), "closure_id": request.path_params["closure_id"]}

    return await _change(request, "closure_end", ("ends_at",), run, keep)


async def public_hours(request: Request) -> Response:
    permitted(request, Action.VIEW_FACILITY_SCHEDULE)
    facility = await Facility.get_or_none(id=request.path_params["facility_id"])
    if facility is None:
        raise NotFound("facility")
    return _render(request, "facility/hours.html", await _hours(facility))


routes = [
    Route("/facility", overview, methods=["GET"]),
    Route("/facility/rooms", add_room, methods=["POST"]),
    Route("/facility/rooms/{room_id:int}", edit_room, methods=["POST"]),
    Route("/facility/sessions", add_session, methods=["POST"]),
    Route("/facility/sessions/{session_id:int}/delete", delete_session, methods=["POST"]),
    Route("/facility/schedule", set_schedule, methods=["POST"]),
    Route("/facility/closures", add_closure, methods=["POST"]),
    Route("/facility/closures/{closure_id:int}/delete", remove_closure, methods=["POST"]),
    Route("/facility/closures/{closure_id:int}/end", end_closure_early, methods=["POST"]),
    Route("/facilities/{facility_id:int}/hours", public_hours, methods=["GET"]),
]
