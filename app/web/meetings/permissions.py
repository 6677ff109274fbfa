"""The investigating authority's meeting permissions (M5): the list of answers due, and the
written decision recorded on the request's page (scheduling.permissions.decide_permission)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from app.accounts.policy import Action
from app.accounts.scopes import visible, visible_row
from app.errors import DomainError
from app.web.auth import permitted
from app.web.csrf import checked_form
from app.web.forms import every_form_error, show_deadline, show_local, text_values
from app.web.meetings.meeting_requests import request_page_response
from app.web.meetings.meeting_views import clock
from app.web.meetings.meetings import render
from scheduling.kinds import RequestStatus
from scheduling.models import MeetingRequest
from scheduling.permissions import decide_permission

DECISIONS = {"permit": True, "refuse": False}


async def task_list(request: Request) -> Response:
    user = permitted(request, Action.DECIDE_MEETING_PERMISSIONS)
    waiting = (
        await visible(MeetingRequest, user)
        .filter(status=RequestStatus.AWAITING_PERMISSION)
        .select_related("facility", "detainee", "lawyer", "engagement__case")
        .order_by("permission_due_at", "id")
    )
    rows = [
        (r, show_local(r.requested_at, r.facility.timezone),
         show_deadline(r.permission_due_at, r.facility.timezone), clock(r.permission_due_at))
        for r in waiting
    ]  # fmt: skip
    return render(request, "permissions/tasks.html", {"rows": rows})


async def decide(request: Request) -> Response:
    user = permitted(request, Action.DECIDE_MEETING_PERMISSIONS)
    item = await visible_row(MeetingRequest, user, request.path_params["request_id"])
    form = await checked_form(request)
    values = text_values(form, ("decision", "reasons"))
    try:
        if values["decision"] not in DECISIONS:
            raise DomainError("decision_required", "decision")
        legal = await request.app.state.law.context()
        await decide_permission(
            user,
            item,
            granted=DECISIONS[values["decision"]],
            reasons=values["reasons"],
            policies=legal.policies,
            calendar=legal.calendar,
        )
    except DomainError as exc:
        errors = every_form_error(exc, ("decision", "reasons"))
        return await request_page_response(
            request, item, values=values, errors=errors, status=exc.status
        )
    return RedirectResponse(f"/meeting-requests/{item.id}#permission", status_code=303)


routes = [
    Route("/tasks/permissions", task_list, methods=["GET"]),
    Route("/meeting-requests/{request_id:int}/permission", decide, methods=["POST"]),
]
