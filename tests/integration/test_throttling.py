"""Login throttling per account and per address, revealing nothing about which accounts exist."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest
from httpx import AsyncClient
from starlette.applications import Starlette

from app.accounts.models import LoginThrottle, Session, User
from app.accounts.roles import Role
from app.settings import SecuritySection, Settings
from tests.integration.helpers import client_from, login, make_user

ACCOUNT_LIMIT = 3
ADDRESS_LIMIT = 5
WRONG = "not-the-password-1"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """Low limits, so a handful of attempts reaches them."""
    security = SecuritySection(
        max_failures_per_account=ACCOUNT_LIMIT,
        max_failures_per_address=ADDRESS_LIMIT,
        throttle_window_minutes=15,
    )
    return settings.model_copy(update={"security": security})


@pytest.fixture
async def lawyer(client: AsyncClient) -> User:
    return await make_user(Role.LAWYER, "zhang.lawyer")


async def fail(client: AsyncClient, username: str, times: int) -> list[int]:
    return [(await login(client, username, WRONG)).status_code for _ in range(times)]


def error_of(response: httpx.Response) -> str:
    start = response.text.index('role="alert"')
    return response.text[start : response.text.index("</p>", start)]


async def test_failures_below_the_account_limit_do_not_lock(
    client: AsyncClient, lawyer: User
) -> None:
    assert await fail(client, lawyer.username, ACCOUNT_LIMIT - 1) == [400] * (ACCOUNT_LIMIT - 1)
    assert (await login(client, lawyer.username)).status_code == 303


async def test_account_is_locked_after_its_limit_even_with_the_right_password(
    client: AsyncClient, lawyer: User
) -> None:
    await fail(client, lawyer.username, ACCOUNT_LIMIT)
    response = await login(client, lawyer.username)
    assert response.status_code == 429
    assert 0 < int(response.headers["retry-after"]) <= 15 * 60  # the window of the settings
    assert await Session.all().count() == 0


async def test_locked_account_stays_locked_from_another_address(
    client: AsyncClient, app: Starlette, lawyer: User
) -> None:
    await fail(client, lawyer.username, ACCOUNT_LIMIT)
    async with client_from(app, "198.51.100.7") as elsewhere:
        assert (await login(elsewhere, lawyer.username)).status_code == 429


async def test_locking_one_account_leaves_others_alone(
    client: AsyncClient, app: Starlette, lawyer: User
) -> None:
    other = await make_user(Role.LAWYER, "li.lawyer")
    await fail(client, lawyer.username, ACCOUNT_LIMIT)
    async with client_from(app, "198.51.100.7") as elsewhere:
        assert (await login(elsewhere, other.username)).status_code == 303


async def test_address_is_locked_after_failures_across_accounts(
    client: AsyncClient, app: Starlette, lawyer: User
) -> None:
    for n in range(ADDRESS_LIMIT):
        await fail(client, f"guess-{n}", 1)
    assert (await login(client, lawyer.username)).status_code == 429
    async with client_from(app, "198.51.100.7") as elsewhere:
        assert (await login(elsewhere, lawyer.username)).status_code == 303


async def test_unknown_account_is_throttled_exactly_like_a_real_one(
    client: AsyncClient, app: Starlette, lawyer: User
) -> None:
    real = [await login(client, lawyer.username, WRONG) for _ in range(ACCOUNT_LIMIT + 1)]
    async with client_from(app, "198.51.100.7") as other:
        ghost = [await login(other, "no.such.user", WRONG) for _ in range(ACCOUNT_LIMIT + 1)]
    assert [r.status_code for r in real] == [r.status_code for r in ghost]
    assert [r.status_code for r in real][-1] == 429
    assert [error_of(r) for r in real] == [error_of(r) for r in ghost]


async def test_throttled_answer_is_the_same_for_right_and_wrong_passwords(
    client: AsyncClient, lawyer: User
) -> None:
    await fail(client, lawyer.username, ACCOUNT_LIMIT)
    right = await login(client, lawyer.username)
    wrong = await login(client, lawyer.username, WRONG)
    assert right.status_code == wrong.status_code == 429
    assert error_of(right) == error_of(wrong)


async def test_successful_login_resets_the_account_counter(
    client: AsyncClient, app: Starlette, lawyer: User
) -> None:
    async with client_from(app, "198.51.100.7") as browser:
        await fail(browser, lawyer.username, ACCOUNT_LIMIT - 1)
        assert (await login(browser, lawyer.username)).status_code == 303
    async with client_from(app, "198.51.100.8") as browser:
        await fail(browser, lawyer.username, ACCOUNT_LIMIT - 1)
        assert (await login(browser, lawyer.username)).status_code == 303


async def test_counters_are_kept_in_the_database_without_user_names(
    client: AsyncClient, lawyer: User
) -> None:
    await fail(client, lawyer.username, 1)
    keys = {row.key for row in await LoginThrottle.all()}
    assert "address:127.0.0.1" in keys
    assert not any(lawyer.username in key for key in keys)


async def test_lock_ends_when_its_time_is_up(client: AsyncClient, lawyer: User) -> None:
    await fail(client, lawyer.username, ACCOUNT_LIMIT)
    past = datetime.now(UTC) - timedelta(minutes=16)
    await LoginThrottle.all().update(window_started_at=past, locked_until=past)
    assert (await login(client, lawyer.username)).status_code == 303


async def test_old_failures_outside_the_window_are_forgotten(
    client: AsyncClient, lawyer: User
) -> None:
    await fail(client, lawyer.username, ACCOUNT_LIMIT - 1)
    await LoginThrottle.all().update(window_started_at=datetime.now(UTC) - timedelta(minutes=16))
    await fail(client, lawyer.username, ACCOUNT_LIMIT - 1)
    assert (await login(client, lawyer.username)).status_code == 303
