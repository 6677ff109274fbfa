"""The role rules of the permission policy (the object rules need a database: integration)."""

from __future__ import annotations

import pytest

from app.accounts.models import User
from app.accounts.policy import ROLE_RULES, Action, NotPermitted, allowed, require
from app.accounts.roles import AccountStatus, Role

ADMIN_ONLY = {Action.MANAGE_USERS, Action.MANAGE_ORGANISATIONS, Action.MANAGE_CALENDAR}


def user(role: Role, status: AccountStatus = AccountStatus.ACTIVE) -> User:
    return User(username="u", display_name="U", role=role, status=status, password_hash="")


def test_every_action_has_a_rule() -> None:
    assert set(ROLE_RULES) == set(Action)


def test_no_rule_is_empty() -> None:
    assert all(ROLE_RULES[action] for action in Action)


@pytest.mark.parametrize("action", sorted(ADMIN_ONLY))
def test_administration_is_for_admins_only(action: Action) -> None:
    assert ROLE_RULES[action] == {Role.ADMIN}


def test_verification_is_for_bar_auditors_and_admins() -> None:
    assert ROLE_RULES[Action.VERIFY_LAWYERS] == {Role.BAR_AUDITOR, Role.ADMIN}


@pytest.mark.parametrize("action", list(Action))
def test_nobody_signed_in_is_allowed_nothing(action: Action) -> None:
    assert not allowed(None, action)
    with pytest.raises(NotPermitted):
        require(None, action)


@pytest.mark.parametrize("status", [AccountStatus.PENDING, AccountStatus.DISABLED])
@pytest.mark.parametrize("role", list(Role))
def test_inactive_accounts_are_allowed_nothing(role: Role, status: AccountStatus) -> None:
    for action in Action:
        assert not allowed(user(role, status), action), action


@pytest.mark.parametrize("role", list(Role))
def test_active_users_are_allowed_exactly_what_their_role_rules_say(role: Role) -> None:
    someone = user(role)
    for action in Action:
        assert allowed(someone, action) == (role in ROLE_RULES[action]), action


@pytest.mark.parametrize("role", list(Role))
def test_every_role_may_see_home_and_profile_and_use_the_api(role: Role) -> None:
    for action in (Action.VIEW_HOME, Action.MANAGE_PROFILE, Action.USE_API):
        assert require(user(role), action).role == role


def test_require_names_the_refused_action() -> None:
    with pytest.raises(NotPermitted, match=r"users\.manage"):
        require(user(Role.LAWYER), Action.MANAGE_USERS)
