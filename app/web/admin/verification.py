"""Licence verification for bar auditors (and admins): the pending lawyers compared with the
register, verify or refuse with a reason, the register import, and licences it no longer backs."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from app.accounts import policy
from app.accounts.licence_register import MAX_REGISTER_BYTES
from app.accounts.models import LicenceRegisterEntry, User
from app.accounts.policy import Action
from app.accounts.register_import import import_register
from app.accounts.roles import Role
from app.accounts.verification import clear_licence_flag, register_matches
from app.errors import DomainError, raise_all
from app.orgs.models import BarAssociation
from app.presentation.messages import message
from app.web.auth import permitted
from app.web.csrf import checked_form
from app.web.forms import every_form_error
from notifications.account_notices import refuse_lawyer_and_notify, verify_lawyer_and_notify


async def _bars(user: User) -> list[BarAssociation]:
    """The registers this user may import: an auditor's own bar, every bar for an admin."""
    if user.role == Role.ADMIN:
        return list(await BarAssociation.all())
    if user.bar_association_id is None:
        return []
    return [await BarAssociation.get(id=user.bar_association_id)]


async def _page(request: Request, user: User, extra: dict[str, Any], status: int = 200) -> Response:
    pending = list(await policy.pending_lawyers_in_scope(user).order_by("created_at"))
    matches = await register_matches(pending)
    flagged = await policy.flagged_lawyers_in_scope(user).order_by("licence_flagged_at")
    bars = await _bars(user)
    sizes = {bar.id: await LicenceRegisterEntry.filter(bar_association=bar).count() for bar in bars}
    context = {"pending": pending, "matches": matches, "flagged": flagged, "bars": bars,
               "register_sizes": sizes, **extra}  # fmt: skip
    return request.app.state.templates.render(  # type: ignore[no-any-return]
        request, "verification.html", context, status_code=status
    )


async def queue_page(request: Request) -> Response:
    user = permitted(request, Action.VERIFY_LAWYERS)
    return await _page(request, user, {})


async def verify(request: Request) -> Response:
    user = permitted(request, Action.VERIFY_LAWYERS)
    await checked_form(request)
    lawyer = await policy.pending_lawyer_for(user, request.path_params["user_id"])
    try:
        await verify_lawyer_and_notify(user, lawyer, request.app.state.settings.app.public_url)
    except DomainError as error:
        return await _page(request, user, {"error": message(error.code),
                                           "error_for": lawyer.id}, error.status)  # fmt: skip
    return RedirectResponse("/verification?verified=1", status_code=303)


async def refuse(request: Request) -> Response:
    user = permitted(request, Action.VERIFY_LAWYERS)
    form = await checked_form(request)
    lawyer = await policy.pending_lawyer_for(user, request.path_params["user_id"])
    reason = str(form.get("reason", ""))
    public_url = request.app.state.settings.app.public_url
    try:
        await refuse_lawyer_and_notify(user, lawyer, reason, public_url)
    except DomainError as error:
        errors = every_form_error(error, ("reason",))
        return await _page(request, user, {"refuse_errors": errors, "error_for": lawyer.id,
                                           "reason": reason}, error.status)  # fmt: skip
    return RedirectResponse("/verification?refused=1", status_code=303)


async def clear_flag(request: Request) -> Response:
    user = permitted(request, Action.VERIFY_LAWYERS)
    await checked_form(request)
    lawyer = await policy.flagged_lawyer_for(user, request.path_params["user_id"])
    await clear_licence_flag(user, lawyer)
    return RedirectResponse("/verification?cleared=1#flagged", status_code=303)


async def import_page(request: Request) -> Response:
    user = permitted(request, Action.VERIFY_LAWYERS)
    bars = await _bars(user)
    if request.method == "GET":
        return request.app.state.templates.render(  # type: ignore[no-any-return]
            request, "verification_register.html", {"bars": bars}
        )
    form = await checked_form(request)
    upload = form.get("register")
    chosen = [bar for bar in bars if str(bar.id) == str(form.get("bar_association_id", ""))]
    bar = chosen[0] if chosen else (bars[0] if len(bars) == 1 else None)
    values = {"bar_association_id": str(bar.id) if bar else ""}
    try:
        found: list[DomainError] = []
        if upload is None or isinstance(upload, str) or not upload.filename:
            found.append(DomainError("register_file_required", "register"))
        if bar is None:
            found.append(DomainError("required", "bar_association_id"))
        raise_all(found)
        assert bar is not None and upload is not None and not isinstance(upload, str)
        report = await import_register(user, bar, await upload.read(MAX_REGISTER_BYTES + 1))
    except DomainError as error:
        facts = getattr(error, "extensions", {})
        errors = every_form_error(error, ("bar_association_id", "register"))
        return request.app.state.templates.render(  # type: ignore[no-any-return]
            request, "verification_register.html",
            {"bars": bars, "errors": errors, "facts": facts, "values": values},
            status_code=error.status,
        )  # fmt: skip
    return request.app.state.templates.render(  # type: ignore[no-any-return]
        request, "verification_register.html", {"bars": bars, "report": report}
    )


routes = [
    Route("/verification", queue_page, methods=["GET"]),
    Route("/verification/register", import_page, methods=["GET", "POST"]),
    Route("/verification/{user_id:int}/verify", verify, methods=["POST"]),
    Route("/verification/{user_id:int}/refuse", refuse, methods=["POST"]),
    Route("/verification/{user_id:int}/clear-flag", clear_flag, methods=["POST"]),
]
