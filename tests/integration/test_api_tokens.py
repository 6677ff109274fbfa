"""API tokens: created on the profile page, shown once, stored hashed, listed, revocable."""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from httpx import AsyncClient

from app.accounts.models import ApiToken, User
from app.accounts.roles import AccountStatus, Role
from app.accounts.services import set_status
from app.audit.models import AuditEntry
from notifications.wording import local_time
from tests.integration.helpers import api_token, bearer, make_user, post_form, signed_in, snapshot


@pytest.fixture
async def lawyer(client: AsyncClient) -> User:
    return await signed_in(client, Role.LAWYER)


async def create_token(client: AsyncClient, name: str = "case software") -> httpx.Response:
    return await post_form(client, "/profile/tokens", {"name": name})


def shown_token(response: httpx.Response) -> str:
    found = re.search(r'<code class="token" id="new-token">([^<]+)</code>', response.text)
    assert found, "no token shown"
    return found.group(1)


async def me(client: AsyncClient, raw: str) -> httpx.Response:
    return await client.get("/api/v1/me", headers=bearer(raw))


async def test_created_token_is_shown_once(client: AsyncClient, lawyer: User) -> None:
    response = await create_token(client)
    assert response.status_code == 201
    raw = shown_token(response)
    assert raw.startswith("lm_")
    later = await client.get("/profile")
    assert raw not in later.text
    assert "case software" in later.text


async def test_token_has_at_least_256_bits_of_randomness(client: AsyncClient, lawyer: User) -> None:
    raw = shown_token(await create_token(client))
    assert len(raw.removeprefix("lm_")) >= 43  # 32 random bytes, base64url


async def test_token_is_stored_only_as_its_sha256(client: AsyncClient, lawyer: User) -> None:
    raw = shown_token(await create_token(client))
    token = await ApiToken.get(user_id=lawyer.id)
    assert token.token_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert raw not in repr(await snapshot())
    assert raw.startswith(token.prefix) and len(token.prefix) < len(raw) // 4


async def test_token_authenticates_its_owner_on_the_api(client: AsyncClient, lawyer: User) -> None:
    raw = shown_token(await create_token(client))
    response = await me(client, raw)
    assert response.status_code == 200
    assert response.json()["username"] == lawyer.username


async def test_profile_lists_tokens_with_prefix_and_last_use(
    client: AsyncClient, lawyer: User
) -> None:
    raw = shown_token(await create_token(client))
    token = await ApiToken.get(user_id=lawyer.id)
    assert token.last_used_at is None
    await me(client, raw)
    await token.refresh_from_db()
    assert token.last_used_at is not None
    page = await client.get("/profile")
    assert token.prefix in page.text
    assert local_time(token.last_used_at, "Asia/Shanghai", "zh-CN") in page.text


async def test_last_use_is_refreshed_at_most_once_a_minute(
    client: AsyncClient, lawyer: User
) -> None:
    raw = await api_token(lawyer)
    await me(client, raw)
    token = await ApiToken.get(user_id=lawyer.id)
    first = token.last_used_at
    await me(client, raw)
    await token.refresh_from_db()
    assert token.last_used_at == first
    earlier = datetime.now(UTC) - timedelta(minutes=5)
    await ApiToken.filter(id=token.id).update(last_used_at=earlier)
    await me(client, raw)
    await token.refresh_from_db()
    assert token.last_used_at is not None and token.last_used_at > earlier


async def test_token_needs_a_name(client: AsyncClient, lawyer: User) -> None:
    response = await create_token(client, "  ")
    assert response.status_code == 400
    assert await ApiToken.all().count() == 0


async def test_revoked_token_gets_401(client: AsyncClient, lawyer: User) -> None:
    raw = shown_token(await create_token(client))
    token = await ApiToken.get(user_id=lawyer.id)
    response = await post_form(client, f"/profile/tokens/{token.id}/revoke")
    assert response.status_code == 303
    await token.refresh_from_db()
    assert token.revoked_at is not None
    refused = await me(client, raw)
    assert refused.status_code == 401
    assert refused.headers["content-type"] == "application/problem+json"
    assert f"/profile/tokens/{token.id}/revoke" not in (await client.get("/profile")).text


async def test_revoking_leaves_other_tokens_working(client: AsyncClient, lawyer: User) -> None:
    keep = await api_token(lawyer, "keep")
    await api_token(lawyer, "drop")
    drop = await ApiToken.get(name="drop")
    await post_form(client, f"/profile/tokens/{drop.id}/revoke")
    assert (await me(client, keep)).status_code == 200


async def test_someone_elses_token_cannot_be_revoked(client: AsyncClient, lawyer: User) -> None:
    other = await make_user(Role.LAWYER)
    raw = await api_token(other)
    token = await ApiToken.get(user_id=other.id)
    response = await post_form(client, f"/profile/tokens/{token.id}/revoke")
    assert response.status_code == 404
    assert (await me(client, raw)).status_code == 200


async def test_revoking_twice_answers_404(client: AsyncClient, lawyer: User) -> None:
    await api_token(lawyer)
    token = await ApiToken.get(user_id=lawyer.id)
    await post_form(client, f"/profile/tokens/{token.id}/revoke")
    again = await post_form(client, f"/profile/tokens/{token.id}/revoke")
    assert again.status_code == 404
    assert await AuditEntry.filter(action="api_token.revoked").count() == 1


async def test_token_creation_and_revocation_are_audited_without_the_secret(
    client: AsyncClient, lawyer: User
) -> None:
    raw = shown_token(await create_token(client))
    token = await ApiToken.get(user_id=lawyer.id)
    await post_form(client, f"/profile/tokens/{token.id}/revoke")
    entries = await AuditEntry.filter(object_type="api_token").order_by("seq")
    assert [(e.action, e.object_id, e.actor_id) for e in entries] == [
        ("api_token.created", str(token.id), lawyer.id),
        ("api_token.revoked", str(token.id), lawyer.id),
    ]
    assert raw not in repr([e.summary for e in entries])


async def test_api_lists_my_tokens_without_secrets(client: AsyncClient, lawyer: User) -> None:
    raw = await api_token(lawyer, "one")
    await api_token(lawyer, "two")
    await api_token(await make_user(Role.LAWYER), "not mine")
    response = await client.get("/api/v1/me/tokens", headers=bearer(raw))
    assert response.status_code == 200
    listed = response.json()
    assert sorted(t["name"] for t in listed) == ["one", "two"]
    assert set(listed[0]) == {"id", "name", "prefix", "created_at", "last_used_at", "revoked_at"}
    assert raw not in response.text


async def test_api_revokes_a_token(client: AsyncClient, lawyer: User) -> None:
    raw = await api_token(lawyer)
    token = await ApiToken.get(user_id=lawyer.id)
    response = await client.delete(f"/api/v1/me/tokens/{token.id}", headers=bearer(raw))
    assert response.status_code == 204
    assert (await me(client, raw)).status_code == 401


async def test_api_cannot_revoke_someone_elses_token(client: AsyncClient, lawyer: User) -> None:
    mine = await api_token(lawyer)
    theirs = await api_token(await make_user(Role.ADMIN))
    token = await ApiToken.get(token_hash=hashlib.sha256(theirs.encode()).hexdigest())
    response = await client.delete(f"/api/v1/me/tokens/{token.id}", headers=bearer(mine))
    assert response.status_code == 404
    assert (await me(client, theirs)).status_code == 200


async def test_token_of_a_disabled_user_gets_401(client: AsyncClient, lawyer: User) -> None:
    raw = await api_token(lawyer)
    await set_status(None, lawyer, AccountStatus.DISABLED)
    assert (await me(client, raw)).status_code == 401
    await set_status(None, lawyer, AccountStatus.ACTIVE)
    assert (await me(client, raw)).status_code == 200


@pytest.mark.parametrize(
    "header",
    [
        "",
        "Bearer",
        "Bearer ",
        "Basic dXNlcjpwYXNz",
        "Bearer lm_not-a-real-token",
        "Bearer not-even-prefixed",
        "Bearer lm_" + "x" * 200,
    ],
)
async def test_missing_or_bad_authorization_gets_401(client: AsyncClient, header: str) -> None:
    response = await client.get("/api/v1/me", headers={"Authorization": header} if header else {})
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")


async def test_bearer_scheme_is_case_insensitive(client: AsyncClient, lawyer: User) -> None:
    raw = await api_token(lawyer)
    response = await client.get("/api/v1/me", headers={"Authorization": f"bearer {raw}"})
    assert response.status_code == 200
