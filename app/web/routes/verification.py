"""The licence-verification queue of bar auditors (and admins)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from app.accounts import policy
from app.accounts.policy import Action
from app.web.auth import permitted
from app.web.csrf import checked_form
from notifications.account_notices import verify_lawyer_and_notify


async def queue_page(request: Request) -> Response:
    user = permitted(request, Action.VERIFY_LAWYERS)
    pending = await policy.pending_lawyers_in_scope(user).order_by("created_at")
    return request.app.state.templates.render(  # type: ignore[no-any-return]
        request, "verification.html", {"pending": pending}
    )


async def verify(request: Request) -> Response:
    user = permitted(request, Action.VERIFY_LAWYERS)
    await checked_form(request)
    lawyer = await policy.pending_lawyer_for(user, request.path_params["user_id"])
    await verify_lawyer_and_notify(user, lawyer, request.app.state.settings.app.public_url)
    return RedirectResponse("/verification?verified=1", status_code=303)


routes = [
    Route("/verification", queue_page, methods=["GET"]),
    Route("/verification/{user_id:int}/verify", verify, methods=["POST"]),
]
