"""Lawyers register themselves and wait until a bar auditor of their jurisdiction verifies them."""

from __future__ import annotations

import re

import httpx
import pytest
from httpx import AsyncClient
from starlette.applications import Starlette

from app.accounts.models import User
from app.accounts.passwords import verify_password
from app.accounts.roles import AccountStatus, Role
from app.audit.models import AuditEntry
from tests.integration.helpers import (
    DEFAULT_PASSWORD,
    SHANGHAI,
    api_token,
    bearer,
    client_from,
    licence_for,
    login,
    make_user,
    page_csrf,
    post_form,
    put_on_register,
    signed_in,
)


def registration(**changes: str) -> dict[str, str]:
    form = {
        "username": "zhang.lawyer",
        "display_name": "张律师",
        "email": "zhang@mingde.example",
        "phone": "+86 138 0000 0001",
        "licence_number": "11012015110123456",
        "law_firm": "北京明德律师事务所",
        "password": DEFAULT_PASSWORD,
        "password_again": DEFAULT_PASSWORD,
    }
    return {**form, **changes}


async def register(client: AsyncClient, **changes: str) -> httpx.Response:
    token = await page_csrf(client, "/register")
    return await client.post("/register", data={"csrf_token": token, **registration(**changes)})


def field_error(response: httpx.Response, field: str) -> str:
    found = re.search(rf'id="e-{field}"[^>]*>([^<]+)<', response.text)
    assert found, f"no error shown for {field}"
    return found.group(1)


async def pending_lawyer(region_prefix: str = "1101") -> User:
    """A pending lawyer whose licence the register shows practising under the same name."""
    lawyer = await make_user(
        Role.LAWYER, licence_number=licence_for(region_prefix), status=AccountStatus.PENDING
    )
    await put_on_register(lawyer)
    return lawyer


# Registration


async def test_registration_page_asks_for_licence_and_firm(client: AsyncClient) -> None:
    response = await client.get("/register")
    assert response.status_code == 200
    for field in ("username", "licence_number", "law_firm", "password", "password_again"):
        assert f'name="{field}"' in response.text


async def test_registered_lawyer_waits_for_verification(client: AsyncClient) -> None:
    response = await register(client)
    assert response.status_code == 200
    lawyer = await User.get(username="zhang.lawyer")
    assert lawyer.role == Role.LAWYER
    assert lawyer.status == AccountStatus.PENDING
    assert lawyer.licence_number == "11012015110123456"
    assert lawyer.region_code == "110100"
    assert lawyer.law_firm == "北京明德律师事务所"
    assert lawyer.verified_by_id is None


async def test_registration_stores_only_an_argon2id_hash(client: AsyncClient) -> None:
    await register(client)
    lawyer = await User.get(username="zhang.lawyer")
    assert lawyer.password_hash.startswith("$argon2id$")
    assert verify_password(lawyer.password_hash, DEFAULT_PASSWORD)


async def test_registration_writes_exactly_one_audit_entry(client: AsyncClient) -> None:
    await register(client)
    lawyer = await User.get(username="zhang.lawyer")
    entries = await AuditEntry.all()
    assert [(e.action, e.object_id, e.actor_id) for e in entries] == [
        ("lawyer.registered", str(lawyer.id), lawyer.id)
    ]


async def test_licence_may_be_typed_with_spaces(client: AsyncClient) -> None:
    await register(client, licence_number="1101 2015 1101 23456")
    assert (await User.get(username="zhang.lawyer")).licence_number == "11012015110123456"


@pytest.mark.parametrize(
    ("field", "changes"),
    [
        ("licence_number", {"licence_number": "1101201511012345"}),
        ("licence_number", {"licence_number": "99012015110123456"}),
        ("licence_number", {"licence_number": "11011970110123456"}),
        ("password", {"password": "short-pw", "password_again": "short-pw"}),
        ("password", {"password": "1234567890", "password_again": "1234567890"}),
        ("password", {"password": "x" * 129, "password_again": "x" * 129}),
        ("password_again", {"password_again": "something-else-entirely"}),
        ("username", {"username": "张"}),
        ("email", {"email": ""}),
        ("email", {"email": "not-an-address"}),
        ("law_firm", {"law_firm": " "}),
        ("display_name", {"display_name": ""}),
    ],
)
async def test_invalid_registration_is_refused_on_its_field_and_changes_nothing(
    client: AsyncClient, field: str, changes: dict[str, str]
) -> None:
    response = await register(client, **changes)
    assert response.status_code == 400
    assert field_error(response, field)
    assert await User.all().count() == 0
    assert await AuditEntry.all().count() == 0


async def test_password_of_128_characters_is_accepted(client: AsyncClient) -> None:
    long = "Ab3-" * 32
    response = await register(client, password=long, password_again=long)
    assert response.status_code == 200
    assert await User.filter(username="zhang.lawyer").exists()


async def test_registration_keeps_what_was_typed_except_the_password(client: AsyncClient) -> None:
    response = await register(client, licence_number="123")
    assert 'value="zhang@mingde.example"' in response.text
    assert DEFAULT_PASSWORD not in response.text


async def test_taken_licence_is_refused(client: AsyncClient) -> None:
    await make_user(Role.LAWYER, licence_number="11012015110123456")
    response = await register(client, username="other.lawyer")
    assert response.status_code == 400
    assert field_error(response, "licence_number")
    assert not await User.filter(username="other.lawyer").exists()


async def test_taken_user_name_is_refused(client: AsyncClient) -> None:
    await make_user(Role.ADMIN, "zhang.lawyer")
    response = await register(client)
    assert response.status_code == 400
    assert field_error(response, "username")


async def test_pending_lawyer_cannot_sign_in(client: AsyncClient) -> None:
    await register(client)
    response = await login(client, "zhang.lawyer")
    assert response.status_code == 400
    assert "lawmeet_session" not in response.headers.get("set-cookie", "")


# Verification


async def test_auditor_sees_pending_lawyers_of_their_jurisdiction(client: AsyncClient) -> None:
    local = await pending_lawyer("1101")
    foreign = await pending_lawyer("3101")
    await signed_in(client, Role.BAR_AUDITOR)  # Beijing bar, jurisdiction 110000
    page = await client.get("/verification")
    assert page.status_code == 200
    assert local.licence_number in page.text
    assert foreign.licence_number not in page.text  # type: ignore[operator]


async def test_auditor_verifies_a_lawyer_of_their_jurisdiction(client: AsyncClient) -> None:
    lawyer = await pending_lawyer("1101")
    auditor = await signed_in(client, Role.BAR_AUDITOR)
    response = await post_form(
        client, f"/verification/{lawyer.id}/verify", csrf_page="/verification"
    )
    assert response.status_code == 303
    await lawyer.refresh_from_db()
    assert lawyer.status == AccountStatus.ACTIVE
    assert lawyer.verified_by_id == auditor.id
    assert lawyer.verified_at is not None
    (entry,) = await AuditEntry.filter(action="lawyer.verified")
    assert (entry.actor_id, entry.object_id) == (auditor.id, str(lawyer.id))


async def test_verified_lawyer_can_sign_in(client: AsyncClient, app: Starlette) -> None:
    await register(client)
    lawyer = await User.get(username="zhang.lawyer")
    await put_on_register(lawyer)
    async with client_from(app) as auditor_browser:
        await signed_in(auditor_browser, Role.BAR_AUDITOR)
        await post_form(
            auditor_browser, f"/verification/{lawyer.id}/verify", csrf_page="/verification"
        )
    assert (await login(client, "zhang.lawyer")).status_code == 303


async def test_auditor_of_another_jurisdiction_gets_404_and_changes_nothing(
    client: AsyncClient,
) -> None:
    lawyer = await pending_lawyer("1101")
    await signed_in(client, Role.BAR_AUDITOR, region_code=SHANGHAI)
    response = await post_form(
        client, f"/verification/{lawyer.id}/verify", csrf_page="/verification"
    )
    assert response.status_code == 404
    await lawyer.refresh_from_db()
    assert lawyer.status == AccountStatus.PENDING
    assert not await AuditEntry.filter(action="lawyer.verified").exists()


async def test_city_bar_auditor_covers_its_city_only(client: AsyncClient) -> None:
    beijing = await pending_lawyer("1101")
    tianjin = await pending_lawyer("1201")
    await signed_in(client, Role.BAR_AUDITOR, region_code="110100")
    page = await client.get("/verification")
    assert beijing.licence_number in page.text
    assert tianjin.licence_number not in page.text  # type: ignore[operator]


async def test_admin_verifies_any_jurisdiction(client: AsyncClient) -> None:
    lawyer = await pending_lawyer("6501")
    await signed_in(client, Role.ADMIN)
    response = await post_form(
        client, f"/verification/{lawyer.id}/verify", csrf_page="/verification"
    )
    assert response.status_code == 303
    await lawyer.refresh_from_db()
    assert lawyer.status == AccountStatus.ACTIVE


async def test_verifying_twice_answers_404(client: AsyncClient) -> None:
    lawyer = await pending_lawyer()
    await signed_in(client, Role.ADMIN)
    await post_form(client, f"/verification/{lawyer.id}/verify", csrf_page="/verification")
    again = await post_form(client, f"/verification/{lawyer.id}/verify", csrf_page="/verification")
    assert again.status_code == 404
    assert await AuditEntry.filter(action="lawyer.verified").count() == 1


async def test_only_pending_lawyers_can_be_verified(client: AsyncClient) -> None:
    staff = await make_user(Role.DETENTION_STAFF, status=AccountStatus.PENDING)
    await signed_in(client, Role.ADMIN)
    response = await post_form(
        client, f"/verification/{staff.id}/verify", csrf_page="/verification"
    )
    assert response.status_code == 404


@pytest.mark.parametrize("role", [Role.LAWYER, Role.DETENTION_STAFF, Role.INVESTIGATOR])
async def test_roles_without_verification_get_403(client: AsyncClient, role: Role) -> None:
    lawyer = await pending_lawyer()
    await signed_in(client, role)
    assert (await client.get("/verification")).status_code == 403
    response = await post_form(client, f"/verification/{lawyer.id}/verify")
    assert response.status_code == 403
    await lawyer.refresh_from_db()
    assert lawyer.status == AccountStatus.PENDING


async def test_verification_link_is_in_the_auditors_navigation_only(client: AsyncClient) -> None:
    await signed_in(client, Role.BAR_AUDITOR)
    assert 'href="/verification"' in (await client.get("/")).text
    client.cookies.clear()
    await signed_in(client, Role.LAWYER)
    assert 'href="/verification"' not in (await client.get("/")).text


# The same through the API


async def test_api_auditor_lists_only_their_jurisdiction(client: AsyncClient) -> None:
    local = await pending_lawyer("1101")
    await pending_lawyer("3101")
    auditor = await make_user(Role.BAR_AUDITOR)
    response = await client.get("/api/v1/lawyers/pending", headers=bearer(await api_token(auditor)))
    assert response.status_code == 200
    assert [u["id"] for u in response.json()] == [local.id]


async def test_api_auditor_of_another_jurisdiction_gets_404(client: AsyncClient) -> None:
    lawyer = await pending_lawyer("1101")
    auditor = await make_user(Role.BAR_AUDITOR, region_code=SHANGHAI)
    response = await client.post(
        f"/api/v1/lawyers/{lawyer.id}/verify", headers=bearer(await api_token(auditor))
    )
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    await lawyer.refresh_from_db()
    assert lawyer.status == AccountStatus.PENDING


async def test_api_auditor_verifies_a_lawyer(client: AsyncClient) -> None:
    lawyer = await pending_lawyer("1101")
    auditor = await make_user(Role.BAR_AUDITOR)
    response = await client.post(
        f"/api/v1/lawyers/{lawyer.id}/verify", headers=bearer(await api_token(auditor))
    )
    assert response.status_code == 200
    assert response.json()["status"] == "active"
