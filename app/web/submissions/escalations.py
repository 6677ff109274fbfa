"""Escalated statutory notices for the unit that owes them, with a resolve action."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from app.accounts.models import User
from app.accounts.policy import Action, allowed
from app.accounts.scopes import visible_row
from app.errors import DomainError
from app.presentation.notification_labels import JINJA_LABELS
from app.web.auth import permitted
from app.web.csrf import checked_form
from app.web.forms import every_form_error
from notifications import escalation
from notifications.models import Escalation


async def _render(
    request: Request,
    user: User,
    values: dict[int, str] | None = None,
    errors: dict[int, dict[str, str]] | None = None,
    status: int = 200,
) -> Response:
    show = request.query_params.get("show", "open")
    rows = await escalation.listing(user, open_only=show != "all")
    context = {
        **JINJA_LABELS,
        "rows": rows,
        "show": show,
        "can_resolve": allowed(user, Action.RESOLVE_ESCALATIONS),
        "sees_cases": allowed(user, Action.BROWSE_CASES),
        "values": values or {},
        "errors": errors or {},
        "zone": request.app.state.settings.i18n.timezone,
        "resolved": request.query_params.get("resolved") == "1",
    }
    return request.app.state.templates.render(  # type: ignore[no-any-return]
        request, "escalations.html", context, status_code=status
    )


async def escalations_page(request: Request) -> Response:
    user = permitted(request, Action.VIEW_ESCALATIONS)
    return await _render(request, user)


async def resolve(request: Request) -> Response:
    user = permitted(request, Action.RESOLVE_ESCALATIONS)
    form = await checked_form(request)
    found = await visible_row(Escalation, user, request.path_params["escalation_id"])
    note = str(form.get("note", ""))
    try:
        await escalation.resolve(user, found, note)
    except DomainError as exc:
        errors = {found.id: every_form_error(exc, ("note",))}
        return await _render(request, user, {found.id: note}, errors, exc.status)
    return RedirectResponse("/escalations?resolved=1", status_code=303)


routes = [
    Route("/escalations", escalations_page, methods=["GET"]),
    Route("/escalations/{escalation_id:int}/resolve", resolve, methods=["POST"]),
]
