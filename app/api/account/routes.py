"""The /api/v1 endpoints of the foundation: identity, accounts, verification, organisations."""

from __future__ import annotations

from starlette.requests import Request

from app.accounts import policy, services
from app.accounts.models import ApiToken, User
from app.accounts.organisations import create_organisation
from app.accounts.policy import Action
from app.accounts.roles import AccountStatus, Role
from app.api.account.models import (
    LawyerRegistration,
    OrganisationCreate,
    OrganisationOut,
    TokenOut,
    UserCreate,
    UserOut,
)
from app.api.framework import Endpoint
from app.orgs.models import Agency, BarAssociation, Facility
from notifications.account_notices import verify_lawyer_and_notify


def user_out(user: User) -> UserOut:
    return UserOut.model_validate(user, from_attributes=True)


def organisation_out(org: Facility | Agency | BarAssociation) -> OrganisationOut:
    if isinstance(org, Facility):
        return OrganisationOut(
            id=org.id,
            kind="facility",
            name=org.name,
            region_code=org.region_code,
            timezone=org.timezone,
            address=org.address,
        )
    if isinstance(org, Agency):
        return OrganisationOut(
            id=org.id,
            kind="agency",
            name=org.name,
            region_code=org.region_code,
            address=org.address,
        )
    return OrganisationOut(
        id=org.id, kind="bar_association", name=org.name, region_code=org.jurisdiction
    )


async def get_me(user: User) -> UserOut:
    return user_out(user)


async def list_my_tokens(user: User) -> list[TokenOut]:
    tokens = await ApiToken.filter(user_id=user.id)
    return [TokenOut.model_validate(t, from_attributes=True) for t in tokens]


async def revoke_my_token(user: User, token_id: int) -> None:
    try:
        await services.revoke_api_token(user, token_id)
    except services.AccountError:
        raise policy.NotFound("api_token") from None


async def register_lawyer(body: LawyerRegistration) -> UserOut:
    account = services.NewAccount(
        username=body.username,
        display_name=body.display_name,
        password=body.password,
        email=body.email,
        phone=body.phone,
    )
    return user_out(await services.register_lawyer(account, body.licence_number, body.law_firm))


async def list_users(user: User) -> list[UserOut]:
    return [user_out(u) for u in await User.all()]


async def create_user(user: User, body: UserCreate) -> UserOut:
    account = services.NewAccount(
        username=body.username,
        display_name=body.display_name,
        password=body.password,
        email=body.email,
        phone=body.phone,
    )
    created = await services.create_user(user, account, Role(body.role), body.organisation_id)
    return user_out(created)


async def disable_user(user: User, user_id: int) -> UserOut:
    target = await policy.managed_user(user, user_id)
    return user_out(await services.set_status(user, target, AccountStatus.DISABLED))


async def enable_user(user: User, user_id: int) -> UserOut:
    target = await policy.managed_user(user, user_id)
    return user_out(await services.set_status(user, target, AccountStatus.ACTIVE))


async def list_pending_lawyers(user: User) -> list[UserOut]:
    return [user_out(u) for u in await policy.pending_lawyers_in_scope(user)]


async def verify_lawyer(request: Request, user: User, user_id: int) -> UserOut:
    lawyer = await policy.pending_lawyer_for(user, user_id)
    public_url = request.app.state.settings.app.public_url
    return user_out(await verify_lawyer_and_notify(user, lawyer, public_url))


async def list_organisations(user: User) -> list[OrganisationOut]:
    orgs: list[Facility | Agency | BarAssociation] = [
        *await Facility.all(),
        *await Agency.all(),
        *await BarAssociation.all(),
    ]
    return [organisation_out(o) for o in orgs]


async def create_organisation_endpoint(user: User, body: OrganisationCreate) -> OrganisationOut:
    org = await create_organisation(
        user, body.kind, body.name, body.region_code, body.timezone, body.address
    )
    return organisation_out(org)


P = "/api/v1"
ENDPOINTS: list[Endpoint] = [
    Endpoint(
        "GET", f"{P}/me", get_me, "The signed-in user", "accounts", Action.USE_API, response=UserOut
    ),
    Endpoint(
        "GET",
        f"{P}/me/tokens",
        list_my_tokens,
        "My API tokens (never the secret)",
        "accounts",
        Action.MANAGE_PROFILE,
        response=TokenOut,
        list_response=True,
    ),
    Endpoint(
        "DELETE",
        f"{P}/me/tokens/{{token_id:int}}",
        revoke_my_token,
        "Revoke one of my tokens",
        "accounts",
        Action.MANAGE_PROFILE,
        errors=(404,),
    ),
    Endpoint(
        "POST",
        f"{P}/lawyers",
        register_lawyer,
        "Register as a lawyer (pending until the bar verifies the licence)",
        "accounts",
        None,
        body=LawyerRegistration,
        response=UserOut,
        status=201,
        errors=(409,),
    ),
    Endpoint(
        "GET",
        f"{P}/lawyers/pending",
        list_pending_lawyers,
        "Lawyers waiting for licence verification in my jurisdiction",
        "verification",
        Action.VERIFY_LAWYERS,
        response=UserOut,
        list_response=True,
    ),
    Endpoint(
        "POST",
        f"{P}/lawyers/{{user_id:int}}/verify",
        verify_lawyer,
        "Verify a lawyer's licence and activate the account",
        "verification",
        Action.VERIFY_LAWYERS,
        response=UserOut,
        errors=(404,),
    ),
    Endpoint(
        "GET",
        f"{P}/users",
        list_users,
        "All users",
        "administration",
        Action.MANAGE_USERS,
        response=UserOut,
        list_response=True,
    ),
    Endpoint(
        "POST",
        f"{P}/users",
        create_user,
        "Create a staff, investigator, auditor or admin",
        "administration",
        Action.MANAGE_USERS,
        body=UserCreate,
        response=UserOut,
        status=201,
        errors=(409,),
    ),
    Endpoint(
        "POST",
        f"{P}/users/{{user_id:int}}/disable",
        disable_user,
        "Disable a user and end their sessions",
        "administration",
        Action.MANAGE_USERS,
        response=UserOut,
        errors=(404,),
    ),
    Endpoint(
        "POST",
        f"{P}/users/{{user_id:int}}/enable",
        enable_user,
        "Re-enable a user",
        "administration",
        Action.MANAGE_USERS,
        response=UserOut,
        errors=(404,),
    ),
    Endpoint(
        "GET",
        f"{P}/organisations",
        list_organisations,
        "Detention centres, agencies and bar associations",
        "organisations",
        Action.VIEW_ORGANISATIONS,
        response=OrganisationOut,
        list_response=True,
    ),
    Endpoint(
        "POST",
        f"{P}/organisations",
        create_organisation_endpoint,
        "Create a detention centre, agency or bar association",
        "organisations",
        Action.MANAGE_ORGANISATIONS,
        body=OrganisationCreate,
        response=OrganisationOut,
        status=201,
        errors=(409,),
    ),
]
