"""The user's own profile: details, language, and API tokens."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from app.accounts import services
from app.accounts.models import ApiToken
from app.accounts.policy import Action, NotFound
from app.web.auth import permitted
from app.web.csrf import checked_form
from app.web.forms import every_form_error


async def _render(
    request: Request, extra: dict[str, object] | None = None, status: int = 200
) -> Response:
    user = permitted(request, Action.MANAGE_PROFILE)
    tokens = await ApiToken.filter(user_id=user.id)
    return request.app.state.templates.render(  # type: ignore[no-any-return]
        request, "profile.html", {"tokens": tokens, **(extra or {})}, status_code=status
    )


async def profile_page(request: Request) -> Response:
    return await _render(request)


async def create_token(request: Request) -> Response:
    user = permitted(request, Action.MANAGE_PROFILE)
    form = await checked_form(request)
    name = str(form.get("name", ""))
    try:
        token, raw = await services.issue_token(user, name)
    except services.AccountError as exc:
        errors = every_form_error(exc, ("name",))
        return await _render(request, {"token_errors": errors, "token_values": {"name": name}}, 400)
    # The secret is shown on this one response and never again.
    return await _render(request, {"new_token": raw, "new_token_name": token.name}, 201)


async def revoke_token(request: Request) -> Response:
    user = permitted(request, Action.MANAGE_PROFILE)
    await checked_form(request)
    try:
        await services.revoke_api_token(user, request.path_params["token_id"])
    except services.AccountError:
        raise NotFound("api_token") from None
    return RedirectResponse("/profile", status_code=303)


routes = [
    Route("/profile", profile_page, methods=["GET"]),
    Route("/profile/tokens", create_token, methods=["POST"]),
    Route("/profile/tokens/{token_id:int}/revoke", revoke_token, methods=["POST"]),
]
