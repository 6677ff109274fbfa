"""The operator's view of notifications that could not be delivered, with a retry action."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from app.accounts.policy import Action, NotFound
from app.web.auth import permitted
from app.web.csrf import checked_form
from notifications import services


async def troubled_page(request: Request) -> Response:
    permitted(request, Action.MANAGE_NOTIFICATIONS)
    return request.app.state.templates.render(  # type: ignore[no-any-return]
        request,
        "admin/notifications.html",
        {
            "rows": await services.troubled(),
            "zone": request.app.state.settings.i18n.timezone,
        },
    )


async def retry(request: Request) -> Response:
    user = permitted(request, Action.MANAGE_NOTIFICATIONS)
    await checked_form(request)
    if not await services.retry(user, request.path_params["notification_id"]):
        raise NotFound("notification")
    return RedirectResponse("/admin/notifications?retried=1", status_code=303)


routes = [
    Route("/admin/notifications", troubled_page, methods=["GET"]),
    Route("/admin/notifications/{notification_id:int}/retry", retry, methods=["POST"]),
]
