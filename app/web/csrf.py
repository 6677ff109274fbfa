"""CSRF protection for every state-changing form (synchroniser token bound to the session).

Signed-in users' tokens derive from their session id; visitors' from an anonymous cookie.
A request whose Origin names another site is refused whatever its token.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from contextlib import aclosing
from urllib.parse import urlsplit

from python_multipart.multipart import parse_options_header
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.formparsers import MultiPartException, MultiPartParser
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


class _CappedParser(MultiPartParser):
    """Starlette's multipart parser keeping at most ``file_limit`` + 1 bytes of each file: enough
    for the page to say that a file is too large, without spooling all of it to disk."""

    def __init__(self, request: Request, stream: AsyncGenerator[bytes], file_limit: int) -> None:
        super().__init__(request.headers, stream, max_part_size=file_limit)
        self.file_limit = file_limit
        self._kept: dict[int, int] = {}  # bytes kept, by the id of the part's UploadFile

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        file = self._current_part.file
        if file is not None:
            kept = self._kept.get(id(file), 0)
            end = min(end, start + max(0, self.file_limit + 1 - kept))
            self._kept[id(file)] = kept + end - start
            if end <= start:
                return
        super().on_part_data(data, start, end)


async def _form(request: Request, max_size: int) -> FormData:
    """The form; of a file uploaded with it, no more than one byte over ``max_size``."""
    content_type, _options = parse_options_header(request.headers.get("content-type", ""))
    if content_type != b"multipart/form-data":
        return await request.form(max_part_size=max_size)
    try:
        async with aclosing(request.stream()) as stream:
            form = await _CappedParser(request, stream, max_size).parse()
    except MultiPartException as exc:
        raise HTTPException(status_code=400, detail=exc.message) from None
    request._form = form  # what request.form() answers from now on
    return form


async def checked_form(request: Request) -> FormData:
    """The submitted form, after checking that it came from a page of this site."""
    max_size = request.app.state.settings.uploads.max_bytes
    form = await _form(request, max_size)
    submitted = form.get(FIELD)
    if not _same_origin(request) or not isinstance(submitted, str):
        raise CsrfFailed()
    if not same(submitted, csrf_token(request)):
        raise CsrfFailed()
    return form
