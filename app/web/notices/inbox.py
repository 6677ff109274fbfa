"""The inbox of every signed-in user: their in-app notices, newest first, marked read by POST."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from app.accounts.policy import Action
from app.presentation.inbox import entry
from app.web.auth import permitted
from app.web.csrf import checked_form
from notifications import services


def _page_number(request: Request) -> int:
    raw = request.query_params.get("page", "1")
    return int(raw) if raw.isdigit() and int(raw) >= 1 else 1


async def inbox_page(request: Request) -> Response:
    user = permitted(request, Action.VIEW_INBOX)
    page = _page_number(request)
    size = services.INBOX_PAGE
    # One row more than a page says whether a next page exists, without counting them all.
    rows = await services.inbox(user.id, limit=size + 1, offset=(page - 1) * size)
    return request.app.state.templates.render(  # type: ignore[no-any-return]
        request,
        "inbox.html",
        {
            "entries": [entry(row) for row in rows[:size]],
            "page": page,
            "has_next": len(rows) > size,
            "zone": request.app.state.settings.i18n.timezone,
        },
    )


async def mark_read(request: Request) -> Response:
    user = permitted(request, Action.VIEW_INBOX)
    await checked_form(request)
    await services.mark_read(user.id, request.path_params["notification_id"])
    return RedirectResponse("/inbox", status_code=303)


async def mark_all_read(request: Request) -> Response:
    user = permitted(request, Action.VIEW_INBOX)
    await checked_form(request)
    await services.mark_read(user.id)
    return RedirectResponse("/inbox", status_code=303)


routes = [
    Route("/inbox", inbox_page, methods=["GET"]),
    Route("/inbox/read", mark_all_read, methods=["POST"]),
    Route("/inbox/{notification_id:int}/read", mark_read, methods=["POST"]),
]
