"""The desk's two answers on a request's page (/board/requests/{id}), R2015 art. 7-8:

- the client's written refusal of a meeting to confirm the ending or changing of an engagement
  (``scheduling.confirmation``): it ends the request and passes the refusal to the lawyer;
- a longer meeting than the centre's lengths, accepted or refused on a lawful ground
  (``scheduling.longer_meetings``).

Each builds its domain command and shows its errors beside its fields on the same page.
"""

from __future__ import annotations

from typing import Final

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from app.accounts.policy import Action
from app.accounts.scopes import visible_row
from app.commands import build
from app.errors import DomainError
from app.web.auth import permitted
from app.web.csrf import checked_form
from app.web.desk.walk_in import desk_request_page
from app.web.forms import every_form_error, text_values
from scheduling.confirmation import RecordWrittenRefusal, record_written_refusal
from scheduling.longer_meetings import DecideLongerMeeting, decide_longer_meeting
from scheduling.models import MeetingRequest

REFUSAL_FIELDS: Final = ("refused_on", "statement")
LONGER_FIELDS: Final = ("decision", "ground")


async def client_refusal(request: Request) -> Response:
    """Art. 8: the client refused in writing to meet the lawyer; the lawyer is told."""
    user = permitted(request, Action.RUN_DAY_BOARD)
    request_id = request.path_params["request_id"]
    values = text_values(await checked_form(request), REFUSAL_FIELDS)
    try:
        command = build(
            RecordWrittenRefusal, request_id=request_id,
            refused_on=values["refused_on"] or None, statement=values["statement"],
        )  # fmt: skip
        await record_written_refusal(user, command, notices=request.app.state.notices)
    except DomainError as exc:
        item = await visible_row(MeetingRequest, user, request_id)
        found = every_form_error(exc, REFUSAL_FIELDS)
        errors = {f"client_refusal_{k}": v for k, v in found.items()}
        return await desk_request_page(request, user, item, status=exc.status,
                                       decisions={"client_refusal_values": values,
                                                  "client_refusal_errors": errors})  # fmt: skip
    return RedirectResponse(f"/board/requests/{request_id}", status_code=303)


async def longer_decision(request: Request) -> Response:
    """Art. 7: accept the longer meeting, or refuse it on a lawful ground."""
    user = permitted(request, Action.RUN_DAY_BOARD)
    request_id = request.path_params["request_id"]
    values = text_values(await checked_form(request), LONGER_FIELDS)
    try:
        if values["decision"] not in ("accept", "refuse"):
            raise DomainError("longer_decision_required", field="decision")
        command = build(
            DecideLongerMeeting, request_id=request_id,
            accepted=values["decision"] == "accept", ground=values["ground"],
        )  # fmt: skip
        await decide_longer_meeting(user, command, notices=request.app.state.notices)
    except DomainError as exc:
        item = await visible_row(MeetingRequest, user, request_id)
        errors = {f"longer_{k}": v for k, v in every_form_error(exc, LONGER_FIELDS).items()}
        return await desk_request_page(request, user, item, status=exc.status,
                                       decisions={"longer_values": values,
                                                  "longer_errors": errors})  # fmt: skip
    return RedirectResponse(f"/board/requests/{request_id}", status_code=303)


routes = [
    Route("/board/requests/{request_id:int}/client-refusal", client_refusal, methods=["POST"]),
    Route("/board/requests/{request_id:int}/longer-decision", longer_decision, methods=["POST"]),
]
