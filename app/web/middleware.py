"""ASGI middleware: request ids and access logs, security headers, session and language."""

from __future__ import annotations

import logging
import re
import time
import uuid
from http.cookies import SimpleCookie

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.accounts.secrets import new_token
from app.accounts.sessions import load_session
from app.logs import request_id_var
from app.presentation.i18n import LOCALE_COOKIE, current_locale, pick_locale
from app.settings import Settings
from notifications.services import unread_count

log = logging.getLogger("lawmeet.http")
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
ANON_CSRF_COOKIE = "lawmeet_csrf"
_COOKIELESS = ("/api/", "/healthz", "/readyz", "/webhooks/", "/metrics")


class RequestContextMiddleware:
    """Gives each request an id (kept from X-Request-ID when sane), echoes it, logs the outcome."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = dict(scope["headers"]).get(b"x-request-id", b"").decode("latin-1")
        request_id = incoming if _REQUEST_ID.match(incoming) else uuid.uuid4().hex
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                MutableHeaders(scope=message).append("X-Request-ID", request_id)
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            log.info(
                "%s %s %s",
                scope["method"],
                scope["path"],
                status,
                extra={"status": status, "ms": round((time.perf_counter() - started) * 1000, 1)},
            )
            request_id_var.reset(token)


class SecurityHeadersMiddleware:
    CSP = (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
        "form-action 'self'; frame-ancestors 'none'"
    )

    def __init__(self, app: ASGIApp, https: bool) -> None:
        self.app = app
        self.https = https

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers["Content-Security-Policy"] = self.CSP
                headers["X-Content-Type-Options"] = "nosniff"
                headers["Referrer-Policy"] = "same-origin"
                headers["X-Frame-Options"] = "DENY"
                headers["Cross-Origin-Opener-Policy"] = "same-origin"
                headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
                if self.https:
                    headers["Strict-Transport-Security"] = "max-age=63072000; includeSubDomains"
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _cookies(scope: Scope) -> dict[str, str]:
    raw = dict(scope["headers"]).get(b"cookie", b"").decode("latin-1")
    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(raw)
    except Exception:
        return {}
    return {key: morsel.value for key, morsel in jar.items()}


class WebContextMiddleware:
    """Loads the signed-in user from the session cookie and picks the language for the request.

    Visitors without a session get an anonymous CSRF cookie, so their forms (login, registration,
    language) are protected too.
    """

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith("/static/"):
            await self.app(scope, receive, send)
            return
        if scope["path"].startswith(_COOKIELESS):
            await self._without_session(scope, receive, send)
            return
        cookies = _cookies(scope)
        raw_session = cookies.get(self.settings.session.cookie_name, "")
        active = await load_session(raw_session, self.settings.session) if raw_session else None
        anon_csrf = cookies.get(ANON_CSRF_COOKIE, "")
        new_anon = not anon_csrf or len(anon_csrf) > 64
        if new_anon:
            anon_csrf = new_token(16)
        state = scope.setdefault("state", {})
        state["user"] = active.user if active else None
        state["session_raw"] = raw_session if active else ""
        state["anon_csrf"] = anon_csrf
        if active and scope["method"] == "GET":
            # The inbox badge in the navigation: one indexed COUNT per page view.
            state["unread_count"] = await unread_count(active.user.id)
        accept = dict(scope["headers"]).get(b"accept-language", b"").decode("latin-1")
        locale = pick_locale(
            cookies.get(LOCALE_COOKIE),
            active.user.locale if active else None,
            accept,
            self.settings.i18n.default_locale,
        )
        state["locale"] = locale
        token = current_locale.set(locale)
        secure = "; Secure" if self.settings.uses_https else ""
        clear_session = bool(raw_session) and active is None

        async def send_with_cookies(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                # Clear a dead session's cookie unless the response sets a new one (login).
                session_prefix = f"{self.settings.session.cookie_name}="
                sets_session = any(
                    value.startswith(session_prefix) for value in headers.getlist("set-cookie")
                )
                if new_anon:
                    headers.append(
                        "Set-Cookie",
                        f"{ANON_CSRF_COOKIE}={anon_csrf}; Path=/; HttpOnly; SameSite=Lax{secure}",
                    )
                if clear_session and not sets_session:
                    headers.append(
                        "Set-Cookie",
                        f"{self.settings.session.cookie_name}=; Path=/; Max-Age=0; HttpOnly; "
                        f"SameSite=Lax{secure}",
                    )
            await send(message)

        try:
            await self.app(scope, receive, send_with_cookies)
        finally:
            current_locale.reset(token)

    async def _without_session(self, scope: Scope, receive: Receive, send: Send) -> None:
        """API and probe paths use no cookies; they still answer in the caller's language."""
        accept = dict(scope["headers"]).get(b"accept-language", b"").decode("latin-1")
        locale = pick_locale(None, None, accept, self.settings.i18n.default_locale)
        scope.setdefault("state", {})["locale"] = locale
        token = current_locale.set(locale)
        try:
            await self.app(scope, receive, send)
        finally:
            current_locale.reset(token)


class BodyLimitMiddleware:
    """Refuses request bodies beyond the upload limit (plus room for the form around the file)
    before they are spooled to disk: by Content-Length at once, by counting when it streams.

    The upload forms named in ``form_paths`` (patterns of the path) answer an oversized file
    themselves, on the form with the other values kept: their bodies may run to
    ``FORM_FACTOR`` times the limit, and ``app.web.csrf.checked_form`` keeps no more of a file
    than one byte over the limit, enough for the route to say that it is too large."""

    FORM_ALLOWANCE = 64 * 1024
    FORM_FACTOR = 10

    def __init__(self, app: ASGIApp, max_bytes: int, form_paths: tuple[str, ...] = ()) -> None:
        self.app = app
        self.limit = max_bytes + self.FORM_ALLOWANCE
        self.form_limit = max_bytes * self.FORM_FACTOR + self.FORM_ALLOWANCE
        self.form_paths = tuple(re.compile(pattern) for pattern in form_paths)

    def _limit_for(self, scope: Scope) -> int:
        path = scope.get("path", "")
        if scope.get("method") == "POST" and any(p.fullmatch(path) for p in self.form_paths):
            return self.form_limit
        return self.limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self._limit_for(scope)
        declared = dict(scope["headers"]).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > limit:
            await self._too_large(scope, receive, send)
            return
        received = 0

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > limit:
                raise _BodyTooLarge()
            return message

        try:
            await self.app(scope, counting_receive, send)
        except _BodyTooLarge:
            await self._too_large(scope, receive, send)

    async def _too_large(self, scope: Scope, receive: Receive, send: Send) -> None:
        from starlette.requests import Request

        from app.web.errors import error_page

        await error_page(Request(scope, receive), 413)(scope, receive, send)


class _BodyTooLarge(Exception):
    pass
