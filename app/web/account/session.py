"""Signing in and out, lawyer self-registration, and the language switch."""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from app.accounts import services
from app.presentation.i18n import LOCALE_COOKIE, LOCALES
from app.presentation.messages import message
from app.web.auth import client_address, signed_in
from app.web.csrf import checked_form
from app.web.forms import every_form_error


def _safe_next(target: str | None) -> str:
    """Only same-site paths, so the login form cannot be used to redirect elsewhere."""
    if not target:
        return "/"
    parts = urlsplit(target)
    if (
        parts.scheme
        or parts.netloc
        or not target.startswith("/")
        or target.startswith("//")
        or "\\" in target  # browsers read /\evil.example as //evil.example
    ):
        return "/"
    return target


def _session_cookie(request: Request, response: Response, raw: str) -> None:
    settings = request.app.state.settings
    response.set_cookie(
        settings.session.cookie_name,
        raw,
        httponly=True,
        samesite="lax",
        secure=settings.uses_https,
        path="/",
    )


async def login_page(request: Request) -> Response:
    if getattr(request.state, "user", None) is not None:
        return RedirectResponse("/", status_code=303)
    return request.app.state.templates.render(  # type: ignore[no-any-return]
        request, "login.html", {"next": _safe_next(request.query_params.get("next"))}
    )


async def login(request: Request) -> Response:
    form = await checked_form(request)
    settings = request.app.state.settings
    username, password = str(form.get("username", "")), str(form.get("password", ""))
    target = _safe_next(str(form.get("next", "")))
    address = client_address(request)
    try:
        user = await services.authenticate(username, password, address, settings.security)
    except services.LoginRefused as refused:
        status = 429 if refused.code == "throttled" else 400
        facts = {"minutes": settings.security.throttle_window_minutes, "reason": refused.reason}
        error = message(refused.code) % facts
        page: Response = request.app.state.templates.render(
            request,
            "login.html",
            {"error": error, "username": username, "next": target},
            status_code=status,
        )
        if refused.retry_after is not None:
            page.headers["Retry-After"] = str(refused.retry_after)
        return page
    raw = await services.log_in(
        user, address, request.headers.get("user-agent", ""), request.state.session_raw
    )
    response = RedirectResponse(target, status_code=303)
    _session_cookie(request, response, raw)
    return response


async def logout(request: Request) -> Response:
    await checked_form(request)
    user = signed_in(request)
    await services.log_out(user, request.state.session_raw)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(request.app.state.settings.session.cookie_name, path="/")
    return response


REGISTRATION_FIELDS = ("username", "display_name", "email", "phone", "licence_number", "law_firm")


async def register_page(request: Request) -> Response:
    return request.app.state.templates.render(  # type: ignore[no-any-return]
        request, "register.html", {"values": {}, "errors": {}}
    )


async def register(request: Request) -> Response:
    form = await checked_form(request)
    values = {name: str(form.get(name, "")).strip() for name in REGISTRATION_FIELDS}
    account = services.NewAccount(
        username=values["username"],
        display_name=values["display_name"],
        password=str(form.get("password", "")),
        email=values["email"],
        phone=values["phone"],
        password_again=str(form.get("password_again", "")),
    )
    templates = request.app.state.templates
    try:
        await services.register_lawyer(account, values["licence_number"], values["law_firm"])
    except services.AccountError as exc:
        fields = (*REGISTRATION_FIELDS, "password", "password_again")
        return templates.render(  # type: ignore[no-any-return]
            request,
            "register.html",
            {"values": values, "errors": every_form_error(exc, fields)},
            status_code=400,
        )
    return templates.render(request, "registered.html")  # type: ignore[no-any-return]


async def set_language(request: Request) -> Response:
    form = await checked_form(request)
    locale = str(form.get("locale", ""))
    target = _safe_next(str(form.get("next", "")))
    response = RedirectResponse(target, status_code=303)
    if locale not in LOCALES:
        return response
    # The page language only: the account's notice language stays as the user set it.
    response.set_cookie(
        LOCALE_COOKIE,
        locale,
        max_age=365 * 24 * 3600,
        samesite="lax",
        secure=request.app.state.settings.uses_https,
        httponly=True,
        path="/",
    )
    return response


routes = [
    Route("/login", login_page, methods=["GET"]),
    Route("/login", login, methods=["POST"]),
    Route("/logout", logout, methods=["POST"]),
    Route("/register", register_page, methods=["GET"]),
    Route("/register", register, methods=["POST"]),
    Route("/language", set_language, methods=["POST"]),
]
