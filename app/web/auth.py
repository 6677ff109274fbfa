"""Who is asking: the signed-in user of a page request, and the checks routes need."""

from __future__ import annotations

from starlette.requests import Request

from app.accounts.models import User
from app.accounts.policy import Action, require


class LoginRequired(Exception):
    pass


def client_address(request: Request) -> str:
    # Behind a reverse proxy uvicorn's --proxy-headers has already put the client's address here.
    return request.client.host if request.client else "unknown"


def signed_in(request: Request) -> User:
    user: User | None = getattr(request.state, "user", None)
    if user is None:
        raise LoginRequired()
    return user


def permitted(request: Request, action: Action, *more: Action) -> User:
    """The signed-in user, allowed ``action`` and each of ``more`` (else 403)."""
    user = require(signed_in(request), action)
    for also in more:
        require(user, also)
    return user
