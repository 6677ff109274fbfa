"""The investigating authority's meeting permissions (M5): the list of answers due and of
refusals in force, the written decision recorded on the request's page
(scheduling.permissions.DecidePermission) and the lifting of a refusal whose reason has ended
(scheduling.permissions.LiftRefusal)."""

from __future__ import annotations

from typing import Final

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from app.accounts.policy import Action
from app.accounts.scopes import visible, visible_row
from app.commands import build
from app.errors import DomainError
from app.web.auth import permitted
from app.web.csrf import checked_form
from app.web.forms import every_form_error, show_deadline, show_local, text_values
from app.web.meetings.meeting_requests import request_page_response
from app.web.meetings.meeting_views import clock
from app.web.meetings.meetings import render
from scheduling.kinds import RequestStatus
from scheduling.models import MeetingRequest
from scheduling.permissions import DecidePermission, LiftRefusal, decide_permission, lift_refusal

DECISIONS: Final = {"permit": True, "refuse": False}
DECIDE_FIELDS: Final = ("decision", "reasons", "contact_unit", "contact_person", "contact_phone")


async def task_list(request: Request) -> Response:
    user = permitted(request, Action.DECIDE_MEETING_PERMISSIONS)
    related = ("facility", "detainee", "lawyer", "engagement__case")
    waiting = (
        await visible(MeetingRequest, user)
        .filter(status=RequestStatus.AWAITING_PERMISSION)
        .select_related(*related)
        .order_by("permission_due_at", "id")
    )
    rows = [
        (r, show_local(r.requested_at, r.facility.timezone),
         show_deadline(r.permission_due_at, r.facility.timezone), clock(r.permission_due_at))
        for r in waiting
    ]  # fmt: skip
    # Refusals in force: lifted here once their reason ends (R2015 art. 9).
    refused = (
        await visible(MeetingRequest, user)
        .filter(status=RequestStatus.PERMISSION_REFUSED)
        .select_related(*related)
        .order_by("-permission_decided_at", "id")
    )
    refusals = [(r, show_local(r.permission_decided_at, r.facility.timezone)) for r in refused]
    return render(request, "permissions/tasks.html", {"rows": rows, "refusals": refusals})


async def decide(request: Request) -> Response:
    user = permitted(request, Action.DECIDE_MEETING_PERMISSIONS)
    item = await visible_row(MeetingRequest, user, request.path_params["request_id"])
    values = text_values(await checked_form(request), DECIDE_FIELDS)
    try:
        command = build(
            DecidePermission, request_id=item.id, granted=DECISIONS.get(values["decision"]),
            reasons=values["reasons"], contact_unit=values["contact_unit"],
            contact_person=values["contact_person"], contact_phone=values["contact_phone"],
        )  # fmt: skip
        await decide_permission(user, command, await request.app.state.law.context())
    except DomainError as exc:
        errors = every_form_error(exc, ("granted", *DECIDE_FIELDS))
        if "granted" in errors:  # the command's choice is the form's radio "decision"
            errors["decision"] = errors.pop("granted")
        return await request_page_response(
            request, item, values=values, errors=errors, status=exc.status
        )
    return RedirectResponse(f"/meeting-requests/{item.id}#permission", status_code=303)


async def lift(request: Request) -> Response:
    user = permitted(request, Action.DECIDE_MEETING_PERMISSIONS)
    item = await visible_row(MeetingRequest, user, request.path_params["request_id"])
    values = text_values(await checked_form(request), ("reason",))
    try:
        command = build(LiftRefusal, request_id=item.id, reason=values["reason"])
        await lift_refusal(user, command, await request.app.state.law.context())
    except DomainError as exc:
        errors = {f"lift_{key}": text for key, text in every_form_error(exc, ("reason",)).items()}
        return await request_page_response(
            request, item, values={"lift_reason": values["reason"]}, errors=errors,
            status=exc.status,
        )  # fmt: skip
    return RedirectResponse(f"/meeting-requests/{item.id}#permission", status_code=303)


routes = [
    Route("/tasks/permissions", task_list, methods=["GET"]),
    Route("/meeting-requests/{request_id:int}/permission", decide, methods=["POST"]),
    Route("/meeting-requests/{request_id:int}/permission/lift", lift, methods=["POST"]),
]
