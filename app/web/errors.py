"""Error pages: the status a person and a browser expect, and a message in the user's language."""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import quote

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from app.accounts.policy import NotFound, NotPermitted
from app.presentation.i18n import _, gettext
from app.presentation.messages import message
from app.presentation.problems import problem_response
from app.web.auth import LoginRequired
from app.web.csrf import CsrfFailed

TITLES = {
    400: _("Bad request"),
    403: _("Not allowed"),
    404: _("Page not found"),
    405: _("Method not allowed"),
    413: _("File too large"),
    429: _("Too many requests"),
    500: _("Something went wrong"),
}
DETAILS = {
    400: _("The request could not be read. Check what was sent and try again."),
    403: _("Your account may not use this page."),
    404: _("The page or record does not exist, or is not yours to see."),
    405: _("This address does not accept that kind of request."),
    413: _("The upload is larger than allowed."),
    500: _("The error has been logged. Please try again later."),
}


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def error_page(
    request: Request,
    status: int,
    detail: str | None = None,
    headers: Mapping[str, str] | None = None,
) -> Response:
    title = gettext(TITLES.get(status, TITLES[500]))
    fallback = DETAILS[500] if status >= 500 else DETAILS[400]  # a 4xx is never "our error"
    text = detail or gettext(DETAILS.get(status, fallback))
    if _is_api(request):
        return problem_response(status, title, text, headers=dict(headers or {}))
    page: Response = request.app.state.templates.render(
        request, "error.html", {"status": status, "title": title, "detail": text}, status
    )
    page.headers.update(headers or {})
    return page


async def on_http_exception(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    # Starlette's headers carry what the status needs, e.g. Allow on a 405 (RFC 9110).
    return error_page(request, exc.status_code, headers=exc.headers)


async def on_not_found(request: Request, exc: Exception) -> Response:
    return error_page(request, 404)


async def on_not_permitted(request: Request, exc: Exception) -> Response:
    return error_page(request, 403)


async def on_csrf_failed(request: Request, exc: Exception) -> Response:
    return error_page(request, 403, message("csrf"))


async def on_login_required(request: Request, exc: Exception) -> Response:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/login?next={quote(target)}", status_code=303)


EXCEPTION_HANDLERS = {
    HTTPException: on_http_exception,
    NotFound: on_not_found,
    NotPermitted: on_not_permitted,
    CsrfFailed: on_csrf_failed,
    LoginRequired: on_login_required,
}
