"""The operator's view of notifications: undelivered ones with a retry action, statutory
fallbacks, SMS opt-outs, and a preview of every message template."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from app.accounts.policy import Action, NotFound
from app.presentation.notification_labels import JINJA_LABELS
from app.web.auth import permitted
from app.web.csrf import checked_form
from notifications import preferences, services
from notifications.previews import previews


async def troubled_page(request: Request) -> Response:
    permitted(request, Action.MANAGE_NOTIFICATIONS)
    return request.app.state.templates.render(  # type: ignore[no-any-return]
        request,
        "admin/notifications.html",
        {
            **JINJA_LABELS,
            "rows": await services.troubled(),
            "fallbacks": await preferences.recent_fallbacks(),
            "opt_outs": await preferences.opt_outs(),
            "zone": request.app.state.settings.i18n.timezone,
        },
    )


async def templates_page(request: Request) -> Response:
    permitted(request, Action.MANAGE_NOTIFICATIONS)
    return request.app.state.templates.render(  # type: ignore[no-any-return]
        request, "admin/notification_templates.html", {"previews": previews()}
    )


async def retry(request: Request) -> Response:
    user = permitted(request, Action.MANAGE_NOTIFICATIONS)
    await checked_form(request)
    if not await services.retry(user, request.path_params["notification_id"]):
        raise NotFound("notification")
    return RedirectResponse("/admin/notifications?retried=1", status_code=303)


routes = [
    Route("/admin/notifications", troubled_page, methods=["GET"]),
    Route("/admin/notifications/templates", templates_page, methods=["GET"]),
    Route("/admin/notifications/{notification_id:int}/retry", retry, methods=["POST"]),
]
