"""CSRF protection for every state-changing form (synchroniser token bound to the session).

Signed-in users' tokens derive from their session id; visitors' from an anonymous cookie.
A request whose Origin names another site is refused whatever its token.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.datastructures import FormData
from starlette.requests import Request

from app.accounts.secrets import digest, keyed_digest, same

FIELD = "csrf_token"


class CsrfFailed(Exception):
    pass


def _secret(request: Request) -> str:
    secret: str = request.app.state.settings.app.secret_key
    return secret


def csrf_token(request: Request) -> str:
    session_raw = getattr(request.state, "session_raw", "")
    if session_raw:
        return keyed_digest(_secret(request), "session", digest(session_raw))
    return keyed_digest(_secret(request), "anonymous", getattr(request.state, "anon_csrf", ""))


def _same_origin(request: Request) -> bool:
    origin = request.headers.get("origin")
    if origin is None:  # older browsers and non-browser clients; the token still decides
        return True
    public = urlsplit(request.app.state.settings.app.public_url)
    allowed = {f"{public.scheme}://{public.netloc}", f"{request.url.scheme}://{request.url.netloc}"}
    return origin in allowed


async def checked_form(request: Request) -> FormData:
    """The submitted form, after checking that it came from a page of this site."""
    max_size = request.app.state.settings.uploads.max_bytes
    form = await request.form(max_part_size=max_size)
    submitted = form.get(FIELD)
    if not _same_origin(request) or not isinstance(submitted, str):
        raise CsrfFailed()
    if not same(submitted, csrf_token(request)):
        raise CsrfFailed()
    return form
