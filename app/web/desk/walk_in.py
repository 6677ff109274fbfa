"""The desk's walk-in registration (story 2, duty M2) and one-click booking of a request's
earliest free slot, for walk-ins and for the requests at risk on the day board.

A lawyer at the gate is never turned away for not having booked: the officer finds the
engagement (checked or not yet checked; registered there and then when none is on record), ticks
the documents presented (the three of M1, nothing more), and the request starts its 48-hour
clock like any other; the page then offers the first free room and time. The rules live in
``scheduling.document_checks``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route
from tortoise.expressions import Q

from app import clock
from app.accounts.models import User
from app.accounts.policy import Action
from app.accounts.roles import AccountStatus, Role
from app.accounts.scopes import visible, visible_row
from app.cases import engagements
from app.cases.kinds import (
    GATE_CHECK,
    DocumentKind,
    EngagementKind,
    EngagementStatus,
    presented_at_gate,
)
from app.cases.models import Detainee, Engagement
from app.commands import build
from app.errors import DomainError, raise_all, together
from app.presentation.board_labels import JINJA_LABELS
from app.presentation.case_labels import DOCUMENT_LABELS, ENGAGEMENT_KIND_LABELS
from app.presentation.meeting_labels import REFUSAL_REASON_LABELS
from app.web.auth import permitted
from app.web.cases import case_views
from app.web.csrf import checked_form
from app.web.desk.board import local_day, staff_facility
from app.web.forms import attempt, every_form_error, form_errors, int_or_none, text_values, zone
from scheduling.asking import AskForMeeting, ask_for_meeting
from scheduling.attendance import REFUSABLE, refuse_request
from scheduling.availability import Slot
from scheduling.booking import MeetingConflict
from scheduling.booking_command import BookMeeting, book_meeting
from scheduling.confirmation import refused_in_writing
from scheduling.document_checks import CheckDocuments, check_documents
from scheduling.kinds import LongerDecision, RequestPurpose, RequestStatus, RoomKind
from scheduling.longer_meetings import DECIDABLE
from scheduling.models import Meeting, MeetingRequest, Room
from scheduling.plan_store import schedule_of
from scheduling.requests import assistant_rule, earliest_free_slot

WALK_IN_FIELDS = (
    "q", "engagement_id", "assistant_name", "assistant_id_number", "length_minutes", "room_kind",
    "purpose",
)  # fmt: skip
REGISTER_FIELDS = ("q", "lawyer_id", "detainee_id", "case_id", "kind")
# The gate check's checkboxes, one per item of app.cases.kinds.GATE_CHECK ("doc_mandate" ...).
GATE_BOXES = {f"doc_{item}": item for item in GATE_CHECK}
MAX_LISTED = 50


REFUSAL_FIELDS = ("reason", "details", "document")


def _render(request: Request, name: str, context: dict[str, Any], status: int = 200) -> Response:
    return case_views.render(request, name, {**JINJA_LABELS, **context}, status)


def presented_documents(ticked: set[str]) -> set[DocumentKind]:
    return presented_at_gate({GATE_BOXES[name] for name in ticked if name in GATE_BOXES})


async def _walk_in_page(
    request: Request,
    user: User,
    values: dict[str, str],
    errors: dict[str, str],
    status: int = 200,
) -> Response:
    facility = await staff_facility(user)
    # Pending engagements too: a lawyer whose uploads the desk has not checked yet is found
    # and checked at the gate (story 2).
    engagements = visible(Engagement, user).filter(
        status__in=[EngagementStatus.PENDING, EngagementStatus.ACTIVE]
    )
    q = values.get("q", "")
    if q:
        engagements = engagements.filter(
            Q(lawyer__display_name__icontains=q) | Q(detainee__name__icontains=q)
        )
    found = await engagements.select_related("lawyer", "detainee").order_by("detainee__name")
    allowed, _buffer = await schedule_of(facility.id)
    context = {
        "facility": facility,
        "engagements": found[:MAX_LISTED],
        "more": len(found) > MAX_LISTED,
        "lengths": allowed,
        # An interrogation room comes only with the lawyer's consent, never asked for as such.
        "room_kinds": [kind.value for kind in RoomKind if kind != RoomKind.INTERROGATION],
        "values": values,
        "errors": errors,
        "ENGAGEMENT_KIND_LABELS": ENGAGEMENT_KIND_LABELS,
        **(await _registration_choices(user, q) if q and not found else {}),
    }
    return _render(request, "board/walk_in.html", context, status)


async def _registration_choices(user: User, q: str) -> dict[str, Any]:
    """No engagement on record matches: the lawyers and detainees the desk may register one
    for, from the documents the lawyer presents."""
    lawyers = await User.filter(
        Q(display_name__icontains=q) | Q(licence_number=q), role=Role.LAWYER,
        status=AccountStatus.ACTIVE,
    ).order_by("display_name").limit(MAX_LISTED)  # fmt: skip
    detainees = await (
        visible(Detainee, user).filter(name__icontains=q)
        .prefetch_related("case_links__case").order_by("name").limit(MAX_LISTED)
    )  # fmt: skip
    return {"register": {"lawyers": lawyers, "detainees": detainees}}


async def walk_in_page(request: Request) -> Response:
    user = permitted(request, Action.RUN_DAY_BOARD)
    values = {"q": request.query_params.get("q", "").strip(), "length_minutes": "60",
              "engagement_id": request.query_params.get("engagement", "")}  # fmt: skip
    return await _walk_in_page(request, user, values, {})


async def register_engagement(request: Request) -> Response:
    """Register the engagement the lawyer's documents show, then go on with the walk-in."""
    user = permitted(request, Action.RUN_DAY_BOARD)
    values = text_values(await checked_form(request), REGISTER_FIELDS)
    try:
        problems: list[DomainError] = []  # every field at fault, at once
        chosen = attempt(problems, _detainee_and_case, values)
        if int_or_none(values["lawyer_id"]) is None:
            problems.append(DomainError("lawyer_required", field="lawyer_id"))
        kind = values["kind"] if values["kind"] in set(EngagementKind) else ""
        if not kind:
            problems.append(DomainError("required", field="kind"))
        if problems or chosen is None:
            raise together(problems)
        detainee, case_id = chosen
        engagement = await engagements.register_at_gate(
            user, int_or_none(values["lawyer_id"]) or 0, detainee, case_id, EngagementKind(kind),
            conflict_policy=request.app.state.settings.legal.co_defendant_conflict,
        )  # fmt: skip
    except DomainError as exc:
        errors = every_form_error(exc, REGISTER_FIELDS)
        return await _walk_in_page(request, user, {**values, "length_minutes": "60"},
                                   {f"register_{k}": v for k, v in errors.items()},
                                   exc.status)  # fmt: skip
    query = urlencode({"q": values["q"], "engagement": engagement.id})
    return RedirectResponse(f"/board/walk-in?{query}#h-walk-in", status_code=303)


def _detainee_and_case(values: dict[str, str]) -> tuple[int, int]:
    """The form's one choice "detainee:case" (a detainee may be held in several cases)."""
    detainee, _, case = values["detainee_id"].partition(":")
    if not detainee.isdigit() or not case.isdigit():
        raise DomainError("detainee_required", field="detainee_id")
    return int(detainee), int(case)


async def register_walk_in(request: Request) -> Response:
    user = permitted(request, Action.RUN_DAY_BOARD)
    form = await checked_form(request)
    values = text_values(form, WALK_IN_FIELDS)
    ticked = {name for name in GATE_BOXES if form.get(name) == "yes"}
    interpreter = form.get("interpreter_needed") == "yes"
    consent = form.get("interrogation_room_consent") == "yes"
    values.update({name: "yes" for name in ticked})
    values["interpreter_needed"] = "yes" if interpreter else ""
    values["interrogation_room_consent"] = "yes" if consent else ""
    try:
        problems: list[DomainError] = []  # every field at fault, at once
        engagement_id = int_or_none(values["engagement_id"])
        engagement = await (
            visible(Engagement, user)
            .filter(status__in=[EngagementStatus.PENDING, EngagementStatus.ACTIVE])
            .get_or_none(id=engagement_id or 0)
        )
        if engagement is None:  # and M6's assistant, which the command checks once it has one
            problems.append(DomainError("engagement_required", field="engagement_id"))
            attempt(
                problems, assistant_rule, values["assistant_name"], values["assistant_id_number"]
            )
        try:
            command = build(
                AskForMeeting,
                engagement_id=engagement.id if engagement else 0,
                length_minutes=values["length_minutes"] or 60,
                room_kind=values["room_kind"] or RoomKind.IN_PERSON,
                assistant_name=values["assistant_name"],
                assistant_id_number=values["assistant_id_number"],
                interpreter_needed=interpreter,
                purpose=values["purpose"] or RequestPurpose.ORDINARY,
                interrogation_room_consent=consent,
                documents_presented=presented_documents(ticked),
            )
        except DomainError as exc:
            raise together([*problems, exc]) from None
        raise_all(problems)
        legal = await request.app.state.law.context()
        opened = await ask_for_meeting(user, command, legal)
    except DomainError as exc:
        fields = (*WALK_IN_FIELDS, "documents", "interrogation_room_consent")
        errors = every_form_error(exc, fields)
        return await _walk_in_page(request, user, values, errors, exc.status)
    return RedirectResponse(f"/board/requests/{opened.id}", status_code=303)


async def _request_page(
    request: Request,
    user: User,
    meeting_request: MeetingRequest,
    error: str = "",
    alternatives: list[Slot] | None = None,
    status: int = 200,
    refusal: tuple[dict[str, str], dict[str, str]] = ({}, {}),
    clock_error: str = "",
    decisions: dict[str, Any] | None = None,
) -> Response:
    facility = await staff_facility(user)
    await meeting_request.fetch_related("lawyer", "detainee")
    now = clock.now()
    slot = None
    if meeting_request.status == RequestStatus.REQUESTED:
        slot = await earliest_free_slot(meeting_request, now)
    offers = alternatives if alternatives is not None else ([slot] if slot else [])
    rooms = {room.id: room for room in await Room.filter(facility_id=facility.id)}
    meetings = await Meeting.filter(request_id=meeting_request.id).order_by("-starts_at")
    context = {
        "r": meeting_request,
        "facility": facility,
        "zone": facility.timezone,
        "offers": offers,
        "today": local_day(now, facility),
        "rooms": rooms,
        "meetings": meetings,
        "error": error,
        "tz": zone(facility.timezone),
        "refusable": meeting_request.status in REFUSABLE,
        # P1 after_document_check: no deadline until the desk has checked the documents.
        "clock_waiting": meeting_request.status == RequestStatus.REQUESTED
        and meeting_request.clock_started_at is None,
        "clock_error": clock_error,
        "refusal_values": refusal[0],
        "refusal_errors": refusal[1],
        "REFUSAL_REASON_LABELS": REFUSAL_REASON_LABELS,
        "DOCUMENT_LABELS": DOCUMENT_LABELS,
        # R2015 art. 7-8: the longer meeting's answer and the client's written refusal.
        "longer_decidable": bool(meeting_request.longer_reason)
        and meeting_request.longer_decision == LongerDecision.UNDECIDED
        and meeting_request.status in DECIDABLE,
        "confirmation": meeting_request.purpose == RequestPurpose.ENGAGEMENT_CONFIRMATION,
        "written_refusal": refused_in_writing(meeting_request),
        "longer_values": {},
        "longer_errors": {},
        "client_refusal_values": {},
        "client_refusal_errors": {},
        **(decisions or {}),
    }
    return _render(request, "board/request.html", context, status)


async def desk_request_page(
    request: Request,
    user: User,
    meeting_request: MeetingRequest,
    *,
    decisions: dict[str, Any],
    status: int,
) -> Response:
    """The desk's request page again, with a decision form's values and errors."""
    return await _request_page(request, user, meeting_request, status=status, decisions=decisions)


async def request_page(request: Request) -> Response:
    user = permitted(request, Action.RUN_DAY_BOARD)
    meeting_request = await visible_row(MeetingRequest, user, request.path_params["request_id"])
    return await _request_page(request, user, meeting_request)


async def book_slot(request: Request) -> Response:
    user = permitted(request, Action.RUN_DAY_BOARD)
    request_id = request.path_params["request_id"]
    form = await checked_form(request)
    values = text_values(form, ("room_id", "starts_at"))
    try:
        command = build(BookMeeting, request_id=request_id, **_offered_slot(values))
        booked = await book_meeting(user, command, notices=request.app.state.notices)
    except DomainError as exc:
        alternatives = exc.alternatives if isinstance(exc, MeetingConflict) else None
        meeting_request = await visible_row(MeetingRequest, user, request_id)
        message = form_errors(exc, ())["form"]
        return await _request_page(
            request, user, meeting_request, message, alternatives, exc.status
        )
    facility = await staff_facility(user)
    day = local_day(booked.meeting.starts_at, facility)
    return RedirectResponse(f"/board?day={day.isoformat()}#m-{booked.meeting.id}", status_code=303)


def _offered_slot(values: dict[str, str]) -> dict[str, object]:
    """The room and start of the offer the desk clicked: both, or "slot_required"."""
    room_id = int_or_none(values["room_id"])
    try:
        starts_at = datetime.fromisoformat(values["starts_at"])
    except ValueError:
        starts_at = None
    if room_id is None or starts_at is None or starts_at.utcoffset() is None:
        raise DomainError("slot_required", field="starts_at")
    return {"room_id": room_id, "starts_at": starts_at}


async def refuse(request: Request) -> Response:
    """Refuse on a lawful ground only (M2): never for want of a booking."""
    user = permitted(request, Action.RUN_DAY_BOARD)
    meeting_request = await visible_row(MeetingRequest, user, request.path_params["request_id"])
    values = text_values(await checked_form(request), REFUSAL_FIELDS)
    try:
        document = values["document"] if values["document"] in set(DocumentKind) else None
        await refuse_request(
            user, meeting_request, values["reason"], values["details"],
            document=DocumentKind(document) if document else None,
            notices=request.app.state.notices,
        )  # fmt: skip
    except DomainError as exc:
        errors = every_form_error(exc, REFUSAL_FIELDS)
        await meeting_request.refresh_from_db()
        return await _request_page(request, user, meeting_request, status=exc.status,
                                   refusal=(values, errors))  # fmt: skip
    return RedirectResponse(f"/board/requests/{meeting_request.id}", status_code=303)


async def documents_checked(request: Request) -> Response:
    """The desk checked the three documents: the 48 hours start now (policy P1)."""
    user = permitted(request, Action.RUN_DAY_BOARD)
    request_id = request.path_params["request_id"]
    await checked_form(request)
    try:
        command = build(CheckDocuments, request_id=request_id)
        await check_documents(user, command, await request.app.state.law.context())
    except DomainError as exc:
        meeting_request = await visible_row(MeetingRequest, user, request_id)
        message = form_errors(exc, ())["form"]
        return await _request_page(request, user, meeting_request, status=exc.status,
                                   clock_error=message)  # fmt: skip
    return RedirectResponse(f"/board/requests/{request_id}", status_code=303)


routes = [
    Route("/board/walk-in", walk_in_page, methods=["GET"]),
    Route("/board/walk-in", register_walk_in, methods=["POST"]),
    Route("/board/walk-in/engagement", register_engagement, methods=["POST"]),
    Route("/board/requests/{request_id:int}", request_page, methods=["GET"]),
    Route("/board/requests/{request_id:int}/book", book_slot, methods=["POST"]),
    Route("/board/requests/{request_id:int}/refusal", refuse, methods=["POST"]),
    Route(
        "/board/requests/{request_id:int}/documents-checked", documents_checked, methods=["POST"]
    ),
]
