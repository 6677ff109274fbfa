"""Administration: users and reference organisations (admins only)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from app.accounts import policy, services
from app.accounts.models import User
from app.accounts.organisations import (
    OrganisationKind,
    create_organisation,
    organisation_problems,
)
from app.accounts.policy import Action
from app.accounts.roles import ROLE_BINDING, AccountStatus, Role
from app.errors import DomainError, together
from app.orgs.models import Agency, BarAssociation, Facility
from app.presentation.messages import message
from app.web.auth import permitted
from app.web.csrf import checked_form
from app.web.forms import every_form_error

USER_FIELDS = ("username", "display_name", "email", "phone", "role", "organisation_id")
ORG_FIELDS = ("kind", "name", "region_code", "timezone", "address")


async def _organisations() -> dict[str, list[Facility] | list[Agency] | list[BarAssociation]]:
    return {
        "facility": await Facility.all(),
        "agency": await Agency.all(),
        "bar_association": await BarAssociation.all(),
    }


def _organisation_choice(value: str, role: Role) -> int | None:
    """The organisation picked for `role`. Ids repeat across facilities, agencies and bars, so
    the form's options read "facility:3"; an option of another kind than the role's is no choice.
    """
    kind, _sep, number = value.rpartition(":")
    if not number.isdigit() or (kind and kind != ROLE_BINDING[role]):
        return None
    return int(number)


async def users_page(request: Request) -> Response:
    permitted(request, Action.MANAGE_USERS)
    users = await User.all().select_related("facility", "agency", "bar_association")
    return request.app.state.templates.render(  # type: ignore[no-any-return]
        request, "admin/users.html", {"users": users}
    )


async def _user_form(
    request: Request, values: dict[str, str], errors: dict[str, str], status: int = 200
) -> Response:
    return request.app.state.templates.render(  # type: ignore[no-any-return]
        request,
        "admin/user_new.html",
        {
            "values": values,
            "errors": errors,
            "organisations": await _organisations(),
            "roles": [r for r in Role if r != Role.LAWYER],
        },
        status_code=status,
    )


async def new_user_page(request: Request) -> Response:
    permitted(request, Action.MANAGE_USERS)
    return await _user_form(request, {}, {})


async def create_user(request: Request) -> Response:
    actor = permitted(request, Action.MANAGE_USERS)
    form = await checked_form(request)
    values = {name: str(form.get(name, "")).strip() for name in USER_FIELDS}
    account = services.NewAccount(
        username=values["username"],
        display_name=values["display_name"],
        password=str(form.get("password", "")),
        email=values["email"],
        phone=values["phone"],
    )
    try:
        if values["role"] not in {r.value for r in Role}:  # the account's own faults as well
            raise together([DomainError("required", "role"), *services.account_problems(account)])
        role = Role(values["role"])
        org_id = _organisation_choice(values["organisation_id"], role)
        await services.create_user(actor, account, role, org_id)
    except DomainError as exc:
        errors = every_form_error(exc, (*USER_FIELDS, "password"))
        return await _user_form(request, values, errors, 400)
    return RedirectResponse("/admin/users", status_code=303)


async def change_status(request: Request) -> Response:
    actor = permitted(request, Action.MANAGE_USERS)
    await checked_form(request)
    target = await policy.managed_user(actor, request.path_params["user_id"])
    status = (
        AccountStatus.DISABLED if request.url.path.endswith("/disable") else AccountStatus.ACTIVE
    )
    try:
        await services.set_status(actor, target, status)
    except services.AccountError as exc:
        users = await User.all().select_related("facility", "agency", "bar_association")
        return request.app.state.templates.render(  # type: ignore[no-any-return]
            request,
            "admin/users.html",
            {"users": users, "error": message(exc.code)},
            status_code=400,
        )
    return RedirectResponse("/admin/users", status_code=303)


async def change_supervisor(request: Request) -> Response:
    actor = permitted(request, Action.MANAGE_USERS)
    await checked_form(request)
    target = await policy.managed_user(actor, request.path_params["user_id"])
    supervises = request.url.path.endswith("/supervisor")
    try:
        await services.set_supervisor(actor, target, supervises)
    except services.AccountError as exc:
        users = await User.all().select_related("facility", "agency", "bar_association")
        return request.app.state.templates.render(  # type: ignore[no-any-return]
            request, "admin/users.html", {"users": users, "error": message(exc.code)},
            status_code=exc.status)  # fmt: skip
    return RedirectResponse("/admin/users", status_code=303)


async def _organisations_page(
    request: Request, values: dict[str, str], errors: dict[str, str], status: int = 200
) -> Response:
    return request.app.state.templates.render(  # type: ignore[no-any-return]
        request,
        "admin/organisations.html",
        {"organisations": await _organisations(), "values": values, "errors": errors},
        status_code=status,
    )


async def organisations_page(request: Request) -> Response:
    permitted(request, Action.MANAGE_ORGANISATIONS)
    return await _organisations_page(request, {"timezone": "Asia/Shanghai"}, {})


async def create_organisation_form(request: Request) -> Response:
    actor = permitted(request, Action.MANAGE_ORGANISATIONS)
    form = await checked_form(request)
    values = {name: str(form.get(name, "")).strip() for name in ORG_FIELDS}
    kind, zone = values["kind"], values["timezone"] or "Asia/Shanghai"
    try:
        if kind not in ("facility", "agency", "bar_association"):  # and the other fields' faults
            problems = organisation_problems(kind, values["name"], values["region_code"], zone)
            raise together([DomainError("required", "kind"), *problems])
        org_kind: OrganisationKind = kind  # type: ignore[assignment]
        await create_organisation(
            actor, org_kind, values["name"], values["region_code"], zone, values["address"]
        )
    except DomainError as exc:
        return await _organisations_page(request, values, every_form_error(exc, ORG_FIELDS), 400)
    return RedirectResponse("/admin/organisations", status_code=303)


routes = [
    Route("/admin/users", users_page, methods=["GET"]),
    Route("/admin/users/new", new_user_page, methods=["GET"]),
    Route("/admin/users", create_user, methods=["POST"]),
    Route("/admin/users/{user_id:int}/disable", change_status, methods=["POST"]),
    Route("/admin/users/{user_id:int}/enable", change_status, methods=["POST"]),
    Route("/admin/users/{user_id:int}/supervisor", change_supervisor, methods=["POST"]),
    Route("/admin/users/{user_id:int}/not-supervisor", change_supervisor, methods=["POST"]),
    Route("/admin/organisations", organisations_page, methods=["GET"]),
    Route("/admin/organisations", create_organisation_form, methods=["POST"]),
]
