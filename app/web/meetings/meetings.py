"""Meeting pages: the list of requests and meetings each role may see, and the request form a
lawyer fills in from a client's engagement (and staff fill in for phone requests and walk-ins,
M2). Same services as the API (scheduling.requests, scheduling.access)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from app.accounts.models import User
from app.accounts.policy import Action
from app.accounts.roles import Role
from app.accounts.scopes import visible, visible_row
from app.cases.models import Engagement
from app.commands import build
from app.errors import DomainError, raise_all
from app.presentation.meeting_labels import JINJA_LABELS
from app.web.auth import permitted
from app.web.cases import case_views
from app.web.csrf import checked_form
from app.web.forms import every_form_error, local_datetime, show_local, text_values
from app.web.meetings.meeting_views import Clock, clock
from scheduling.asking import AskForMeeting, ask_for_meeting
from scheduling.kinds import MeetingStatus, RequestPurpose, RequestStatus, RoomKind
from scheduling.models import Meeting, MeetingRequest, Room
from scheduling.plan_store import schedule_of
from scheduling.requests import permission_needed

WINDOWS: Final = 3
WINDOW_FIELDS: Final = tuple(
    f"window{n}_{part}" for n in range(1, WINDOWS + 1) for part in ("date", "from", "to")
)
TEXT_FIELDS: Final = (
    "length_minutes", "room_kind", "assistant_name", "assistant_id_number", *WINDOW_FIELDS,
    "purpose", "longer_minutes", "longer_reason",
)  # fmt: skip
FORM_FIELDS: Final = (*TEXT_FIELDS, "interpreter_needed", "walk_in", "interrogation_room_consent")
OPEN_STATUSES: Final = (
    RequestStatus.REQUESTED, RequestStatus.AWAITING_PERMISSION, RequestStatus.SCHEDULED,
    RequestStatus.CHECKED_IN, RequestStatus.IN_PROGRESS,
)  # fmt: skip
LIST_LIMIT: Final = 200


def render(request: Request, name: str, context: dict[str, Any], status: int = 200) -> Response:
    return case_views.render(request, name, {**JINJA_LABELS, **context}, status)


@dataclass(frozen=True)
class Row:
    request: MeetingRequest
    deadline: str
    clock: Clock | None
    permission_due: str
    permission_clock: Clock | None
    meeting: Meeting | None
    meeting_time: str


def _listed(user: User) -> Any:
    found = visible(MeetingRequest, user)
    if user.role == Role.DETENTION_STAFF:
        return found.filter(status__in=OPEN_STATUSES)
    if user.role == Role.INVESTIGATOR:
        return found.filter(permission_due_at__not_isnull=True)
    return found


async def meeting_list(request: Request) -> Response:
    user = permitted(request, Action.VIEW_MEETINGS)
    items = list(
        await _listed(user)
        .select_related("facility", "detainee", "lawyer")
        .order_by("-requested_at", "-id")
        .limit(LIST_LIMIT)
    )
    upcoming: dict[int, Meeting] = {}
    active = Meeting.filter(
        request_id__in=[r.id for r in items], status=MeetingStatus.ACTIVE
    ).select_related("room")
    for found in await active.order_by("starts_at"):
        upcoming.setdefault(found.request_id, found)
    rows = []
    for item in items:
        zone = item.facility.timezone
        meeting = upcoming.get(item.id)
        rows.append(
            Row(
                request=item,
                deadline=show_local(item.deadline_at, zone),
                clock=clock(item.deadline_at) if item.status in OPEN_STATUSES[:2] else None,
                permission_due=show_local(item.permission_due_at, zone),
                permission_clock=(
                    clock(item.permission_due_at)
                    if item.status == RequestStatus.AWAITING_PERMISSION
                    else None
                ),
                meeting=meeting,
                meeting_time=show_local(meeting.starts_at, zone) if meeting else "",
            )
        )
    if user.role == Role.DETENTION_STAFF:  # the most urgent clock first
        rows.sort(key=lambda r: r.request.deadline_at or datetime.max.replace(tzinfo=UTC))
    return render(request, "meetings/list.html", {"rows": rows, "role": user.role})


# --- The request form -------------------------------------------------------------------


async def _engagement(request: Request) -> Engagement:
    user = permitted(request, Action.REQUEST_MEETINGS)
    engagement = await visible_row(Engagement, user, request.path_params["engagement_id"])
    await engagement.fetch_related("case", "detainee__facility", "lawyer")
    return engagement


async def _form_page(
    request: Request,
    engagement: Engagement,
    values: dict[str, str],
    errors: dict[str, str],
    status: int = 200,
) -> Response:
    facility = engagement.detainee.facility
    lengths, _buffer = await schedule_of(facility.id)
    kinds = {
        room.kind.value for room in await Room.filter(facility_id=facility.id, in_service=True)
    }
    policies = request.app.state.law.policies
    context = {
        "engagement": engagement,
        "facility": facility,
        "zone": facility.timezone,
        "lengths": lengths,
        # An interrogation room is never asked for as such: the lawyer consents to it (art. 7).
        "kinds": [k.value for k in RoomKind if k.value in kinds and k != RoomKind.INTERROGATION]
        or [RoomKind.IN_PERSON.value],
        "purposes": [purpose.value for purpose in RequestPurpose],
        "windows": range(1, WINDOWS + 1),
        "staff": request.state.user.role == Role.DETENTION_STAFF,
        "needs_permission": permission_needed(engagement.case, policies),
        "values": values,
        "errors": errors,
    }
    return render(request, "meetings/new.html", context, status)


async def new_request_page(request: Request) -> Response:
    engagement = await _engagement(request)
    lengths, _buffer = await schedule_of(engagement.detainee.facility_id)
    length = 60 if 60 in lengths else lengths[0]
    values = {"length_minutes": str(length), "room_kind": RoomKind.IN_PERSON.value,
              "purpose": RequestPurpose.ORDINARY.value}  # fmt: skip
    return await _form_page(request, engagement, values, {})


def _windows(
    values: dict[str, str], zone: str
) -> tuple[list[dict[str, datetime]], list[int], list[DomainError]]:
    """The filled-in preferred windows (local date and times, read in the facility's zone), the
    form's row number of each, and an error at the row of each half-filled or unreadable one."""
    found: list[dict[str, datetime]] = []
    rows: list[int] = []
    problems: list[DomainError] = []
    for n in range(1, WINDOWS + 1):
        day, start, end = (values[f"window{n}_{part}"] for part in ("date", "from", "to"))
        if not (day or start or end):
            continue
        try:
            if not (day and start and end):
                raise DomainError("window_incomplete", f"window{n}")
            begins = local_datetime(day, start, zone, f"window{n}")
            found.append({"start": begins, "end": local_datetime(day, end, zone, f"window{n}")})
            rows.append(n)
        except DomainError as exc:
            problems.append(exc)
    return found, rows, problems


def _command(
    values: dict[str, str], zone: str, engagement_id: int
) -> tuple[AskForMeeting, list[int]]:
    """The form as the domain's command, and the form's row of each of its windows; an error
    names the form's own field and carries every other field at fault."""
    windows, rows, problems = _windows(values, zone)
    try:
        command = build(
            AskForMeeting,
            engagement_id=engagement_id,
            # A longer meeting, when asked for, instead of one of the centre's lengths.
            length_minutes=values["longer_minutes"] or values["length_minutes"],
            longer_reason=values["longer_reason"],
            purpose=values["purpose"] or RequestPurpose.ORDINARY,
            interrogation_room_consent=values["interrogation_room_consent"] == "on",
            room_kind=values["room_kind"],
            preferred_windows=windows,
            assistant_name=values["assistant_name"],
            assistant_id_number=values["assistant_id_number"],
            interpreter_needed=values["interpreter_needed"] == "on",
            walk_in=values["walk_in"] == "on",
        )
    except DomainError as exc:
        longer = bool(values["longer_minutes"])
        problems.extend(_on_form(one, rows, longer) for one in exc.each())
    raise_all(problems)
    return command, rows


def _on_form(exc: DomainError, rows: list[int], longer: bool = False) -> DomainError:
    """The command's "preferred_windows.0" is the form's row of that window ("window1"); its
    length is the longer length's field when one was asked for."""
    if longer and exc.field == "length_minutes":
        exc.field = "longer_minutes"
    path = (exc.field or "").split(".")
    if path[0] == "preferred_windows" and len(path) > 1 and path[1].isdigit():
        index = int(path[1])
        exc.field = f"window{rows[index] if index < len(rows) else index + 1}"
    return exc


async def create_request(request: Request) -> Response:
    engagement = await _engagement(request)
    form = await checked_form(request)
    values = text_values(form, FORM_FIELDS)
    rows: list[int] = []
    try:
        command, rows = _command(values, engagement.detainee.facility.timezone, engagement.id)
        legal = await request.app.state.law.context()
        opened = await ask_for_meeting(request.state.user, command, legal)
    except DomainError as exc:
        fields = {*FORM_FIELDS, *(f"window{n}" for n in range(1, WINDOWS + 1))}
        if request.state.user.role != Role.DETENTION_STAFF:
            fields.discard("walk_in")  # not on a lawyer's form: the error goes above it
        for one in exc.each():
            _on_form(one, rows, bool(values["longer_minutes"]))
        errors = every_form_error(exc, fields)
        return await _form_page(request, engagement, values, errors, exc.status)
    return RedirectResponse(f"/meeting-requests/{opened.id}", status_code=303)


routes = [
    Route("/meetings", meeting_list, methods=["GET"]),
    Route("/clients/{engagement_id:int}/meetings/new", new_request_page, methods=["GET"]),
    Route("/clients/{engagement_id:int}/meetings/new", create_request, methods=["POST"]),
]
