"""The user's notification choices: e-mail, SMS, language; their SMS opt-out; fallbacks."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from app.accounts.models import User
from app.accounts.policy import Action
from app.errors import DomainError
from app.presentation.notification_labels import JINJA_LABELS
from app.web.auth import permitted
from app.web.csrf import checked_form
from app.web.forms import every_form_error
from notifications import preferences
from notifications.rendering import LANGUAGES


async def _render(
    request: Request,
    user: User,
    values: dict[str, object] | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    choice = await preferences.choice_for(user.id, user.locale)
    context = {
        **JINJA_LABELS,
        "choice": values or {"email": choice.email, "sms": choice.sms, "language": choice.language},
        "errors": errors or {},
        "languages": LANGUAGES,
        "opted_out": bool(user.phone) and await preferences.opted_out(user.phone),
        "fallbacks": await preferences.fallbacks_for(user.id),
        "zone": request.app.state.settings.i18n.timezone,
        "saved": request.query_params.get("saved") == "1",
    }
    return request.app.state.templates.render(  # type: ignore[no-any-return]
        request, "notifications/preferences.html", context, status_code=status
    )


async def preferences_page(request: Request) -> Response:
    user = permitted(request, Action.MANAGE_NOTIFICATION_PREFERENCES)
    return await _render(request, user)


async def save_preferences(request: Request) -> Response:
    user = permitted(request, Action.MANAGE_NOTIFICATION_PREFERENCES)
    form = await checked_form(request)
    values: dict[str, object] = {
        "email": form.get("email") == "on",
        "sms": form.get("sms") == "on",
        "language": str(form.get("language", "")),
    }
    try:
        await preferences.save_choice(
            user,
            email=bool(values["email"]),
            sms=bool(values["sms"]),
            language=str(values["language"]),
        )
    except DomainError as exc:
        errors = every_form_error(exc, ("email", "sms", "language"))
        return await _render(request, user, values, errors, exc.status)
    return RedirectResponse("/profile/notifications?saved=1", status_code=303)


routes = [
    Route("/profile/notifications", preferences_page, methods=["GET"]),
    Route("/profile/notifications", save_preferences, methods=["POST"]),
]
