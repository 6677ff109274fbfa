"""Account operations. Each state change and its audit entry commit together."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from tortoise.transactions import in_transaction

from app.accounts import sessions, throttle
from app.accounts.licence import LicenceError, licence_region, validate_licence_number
from app.accounts.models import ApiToken, User
from app.accounts.passwords import (
    dummy_hash,
    hash_password,
    needs_rehash,
    password_problem,
    verify_password,
)
from app.accounts.policy import Action, require
from app.accounts.roles import ROLE_BINDING, AccountStatus, Role
from app.accounts.tokens import create_token, revoke_token
from app.audit.service import record
from app.errors import DomainError, raise_all
from app.orgs.models import ORGANISATION_MODELS, Agency, BarAssociation, Facility
from app.settings import SecuritySection

_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{2,63}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE = re.compile(r"^\+?[0-9 -]{6,20}$")


class AccountError(DomainError):
    """A request about accounts that cannot be carried out."""

    def __init__(self, code: str, field: str | None = None) -> None:
        status = 409 if code in ("username_taken", "licence_taken", "name_taken") else 400
        super().__init__(code, field, status)


@dataclass(frozen=True)
class NewAccount:
    username: str
    display_name: str
    password: str
    email: str = ""
    phone: str = ""
    # The password typed a second time, where a form asks for it (None: not asked).
    password_again: str | None = None


def _common_problems(account: NewAccount) -> tuple[str, list[AccountError]]:
    """The normalised user name and every field of ``account`` that is wrong."""
    username = account.username.strip().lower()
    problems: list[AccountError] = []
    if not _USERNAME.match(username):
        problems.append(AccountError("username_invalid", "username"))
    if not account.display_name.strip():
        problems.append(AccountError("required", "display_name"))
    if account.email and not _EMAIL.match(account.email):
        problems.append(AccountError("email_invalid", "email"))
    if account.phone and not _PHONE.match(account.phone):
        problems.append(AccountError("phone_invalid", "phone"))
    problem = password_problem(account.password, username)
    if problem:
        problems.append(AccountError(f"password_{problem.value}", "password"))
    if account.password_again is not None and account.password_again != account.password:
        problems.append(AccountError("passwords_differ", "password_again"))
    return username, problems


def account_problems(account: NewAccount) -> list[AccountError]:
    """Every field of ``account`` that is wrong (a form checks them beside its own fields)."""
    return _common_problems(account)[1]


async def _ensure_unique(username: str, licence_number: str | None = None) -> None:
    if await User.filter(username=username).exists():
        raise AccountError("username_taken", "username")
    if licence_number and await User.filter(licence_number=licence_number).exists():
        raise AccountError("licence_taken", "licence_number")


async def register_lawyer(account: NewAccount, licence_number: str, law_firm: str) -> User:
    """A lawyer's self-registration; the account stays pending until a bar auditor verifies it."""
    username, problems = _common_problems(account)
    licence = ""
    try:
        licence = validate_licence_number(licence_number)
    except LicenceError as exc:
        problems.append(AccountError(exc.code, "licence_number"))
    if not law_firm.strip():
        problems.append(AccountError("required", "law_firm"))
    if not account.email:
        problems.append(AccountError("required", "email"))
    raise_all(problems)  # every field at fault, at once
    async with in_transaction():
        await _ensure_unique(username, licence)
        user = await User.create(
            username=username,
            display_name=account.display_name.strip(),
            email=account.email,
            phone=account.phone,
            role=Role.LAWYER,
            status=AccountStatus.PENDING,
            password_hash=hash_password(account.password),
            licence_number=licence,
            law_firm=law_firm.strip(),
            region_code=licence_region(licence),
        )
        await record(user, "lawyer.registered", "user", user.id, {"region_code": user.region_code})
    return user


async def create_user(
    actor: User | None, account: NewAccount, role: Role, organisation_id: int | None
) -> User:
    """Admins create staff, investigators, auditors and admins, bound to their organisation."""
    username, problems = _common_problems(account)
    binding = ROLE_BINDING[role]
    org: Facility | Agency | BarAssociation | None = None
    if binding is not None:
        model = ORGANISATION_MODELS[binding]
        org = await model.get_or_none(id=organisation_id) if organisation_id else None
        if org is None:
            problems.append(AccountError("organisation_required", "organisation_id"))
    if role == Role.LAWYER:
        problems.append(AccountError("lawyers_register_themselves", "role"))
    raise_all(problems)  # every field at fault, at once
    region = ""
    if isinstance(org, BarAssociation):
        region = org.jurisdiction
    elif org is not None:
        region = org.region_code
    async with in_transaction():
        await _ensure_unique(username)
        user = await User.create(
            username=username,
            display_name=account.display_name.strip(),
            email=account.email,
            phone=account.phone,
            role=role,
            status=AccountStatus.ACTIVE,
            password_hash=hash_password(account.password),
            region_code=region,
            **_bound_to(binding, org),
        )
        await record(actor, "user.created", "user", user.id, {"role": role.value})
    return user


def _bound_to(binding: str | None, org: object) -> dict[str, Any]:
    return {binding: org} if binding else {}


async def set_status(actor: User | None, user: User, status: AccountStatus) -> User:
    """Disable (ending every session and token's use) or re-enable an account.

    `actor` is None when an operator acts from the command line.
    """
    if actor is not None and user.id == actor.id and status == AccountStatus.DISABLED:
        raise AccountError("cannot_disable_self")
    async with in_transaction():
        user.status = status
        await user.save(update_fields=["status", "updated_at"])
        if status == AccountStatus.DISABLED:
            await sessions.end_all_sessions(user)
        await record(actor, f"user.{status.value}", "user", user.id, {})
    return user


async def set_supervisor(actor: User | None, user: User, supervises: bool) -> User:
    """Make an investigator the agency's supervisor (story 13), or end that; `actor` is None
    for the operator at the terminal."""
    if actor is not None:
        require(actor, Action.MANAGE_USERS)
    if user.role != Role.INVESTIGATOR or user.agency_id is None:
        raise AccountError("supervisor_investigators_only")
    async with in_transaction():
        user.supervises_agency = supervises
        await user.save(update_fields=["supervises_agency", "updated_at"])
        action = "user.supervisor_set" if supervises else "user.supervisor_unset"
        await record(actor, action, "user", user.id, {"agency_id": user.agency_id})
    return user


async def issue_token(user: User, name: str) -> tuple[ApiToken, str]:
    if not name.strip():
        raise AccountError("required", "name")
    async with in_transaction():
        token, raw = await create_token(user, name)
        await record(user, "api_token.created", "api_token", token.id, {"name": token.name})
    return token, raw


async def revoke_api_token(user: User, token_id: int) -> None:
    async with in_transaction():
        if not await revoke_token(user, token_id):
            raise AccountError("not_found")
        await record(user, "api_token.revoked", "api_token", token_id, {})


class LoginRefused(Exception):
    def __init__(self, code: str, reason: str = "", retry_after: int | None = None) -> None:
        super().__init__(code)
        self.code = code
        self.reason = reason  # the auditor's words, for a refused registration
        self.retry_after = retry_after  # seconds, when throttled


async def authenticate(username: str, password: str, address: str, rules: SecuritySection) -> User:
    """The user for these credentials, or LoginRefused with one code that reveals nothing more."""
    username = username.strip().lower()
    wait = await throttle.locked_for(username, address, rules)
    if wait is not None:
        raise LoginRefused("throttled", retry_after=wait)
    user = await User.get_or_none(username=username) if username else None
    valid = verify_password(user.password_hash if user else dummy_hash(), password[:256])
    if user is None or not valid:
        await throttle.record_failure(username, address, rules)
        raise LoginRefused("invalid")
    if user.status == AccountStatus.PENDING:
        raise LoginRefused("pending")
    if user.status == AccountStatus.DISABLED:
        raise LoginRefused("invalid")
    if user.status == AccountStatus.REFUSED:
        raise LoginRefused("registration_refused", user.refusal_reason)
    await throttle.clear_account(username)
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
        await user.save(update_fields=["password_hash"])
    return user


async def log_in(user: User, address: str, user_agent: str, old_session: str) -> str:
    """Start a fresh session (the id rotates at every login) and record the login."""
    async with in_transaction():
        await sessions.end_session(old_session)
        raw = await sessions.start_session(user, address, user_agent)
        await record(user, "session.login", "user", user.id, {"address": address})
    return raw


async def log_out(user: User, raw_session: str) -> None:
    async with in_transaction():
        await sessions.end_session(raw_session)
        await record(user, "session.logout", "user", user.id, {})
