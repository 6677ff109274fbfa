"""The /audit page and its API twins: who may see it, scope by jurisdiction, verification."""

from __future__ import annotations

import re

import pytest
from httpx import AsyncClient

from app.accounts.models import User
from app.accounts.roles import Role
from app.audit.models import AuditVerification
from app.audit.service import record
from tests.integration.helpers import (
    SHANGHAI,
    api_token,
    bearer,
    csrf_from,
    in_english,
    licence_for,
    make_user,
    signed_in,
)


async def regional_entries() -> dict[str, User]:
    """Entries by and about a Beijing and a Shanghai lawyer, and by an admin about each."""
    beijing = await make_user(Role.LAWYER, licence_number=licence_for("1101"))
    shanghai = await make_user(Role.LAWYER, licence_number=licence_for("3101"))
    admin = await make_user(Role.ADMIN)
    await record(beijing, "test.bj_self", "user", beijing.id)
    await record(shanghai, "test.sh_self", "user", shanghai.id)
    await record(admin, "test.admin_on_bj", "user", beijing.id)
    await record(admin, "test.admin_on_sh", "user", shanghai.id)
    await record(admin, "test.admin_on_facility", "facility", beijing.id)
    return {"beijing": beijing, "shanghai": shanghai, "admin": admin}


def actions(html: str) -> set[str]:
    return set(re.findall(r"<code>(test\.[a-z_]+)</code>", html))


@pytest.mark.parametrize("role", [Role.LAWYER, Role.DETENTION_STAFF, Role.INVESTIGATOR])
async def test_other_roles_are_refused(client: AsyncClient, role: Role) -> None:
    user = await signed_in(client, role)
    assert (await client.get("/audit")).status_code == 403
    assert (await client.post("/audit/verify", data={"csrf_token": "x"})).status_code == 403
    headers = bearer(await api_token(user))
    for method, path in [
        ("GET", "/api/v1/audit/entries"),
        ("POST", "/api/v1/audit/verify"),
        ("GET", "/api/v1/audit/verifications/latest"),
    ]:
        assert (await client.request(method, path, headers=headers)).status_code == 403


async def test_signed_out_visitors_are_sent_to_log_in(client: AsyncClient) -> None:
    response = await client.get("/audit")
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login")


async def test_admin_sees_every_entry_and_the_navigation_link(client: AsyncClient) -> None:
    await regional_entries()
    await signed_in(client, Role.ADMIN)
    response = await client.get("/audit")
    assert response.status_code == 200
    assert actions(response.text) == {
        "test.bj_self",
        "test.sh_self",
        "test.admin_on_bj",
        "test.admin_on_sh",
        "test.admin_on_facility",
    }
    assert 'href="/audit"' in response.text


async def test_auditor_sees_only_entries_by_or_about_users_in_the_jurisdiction(
    client: AsyncClient,
) -> None:
    await regional_entries()
    await signed_in(client, Role.BAR_AUDITOR)  # Beijing
    assert actions((await client.get("/audit")).text) == {"test.bj_self", "test.admin_on_bj"}


async def test_auditor_of_another_jurisdiction_sees_the_other_entries(client: AsyncClient) -> None:
    await regional_entries()
    auditor = await signed_in(client, Role.BAR_AUDITOR, region_code=SHANGHAI)
    assert actions((await client.get("/audit")).text) == {"test.sh_self", "test.admin_on_sh"}
    response = await client.get("/api/v1/audit/entries", headers=bearer(await api_token(auditor)))
    assert {e["action"] for e in response.json() if e["action"].startswith("test.")} == {
        "test.sh_self",
        "test.admin_on_sh",
    }


async def test_filters_narrow_the_entries(client: AsyncClient) -> None:
    users = await regional_entries()
    await signed_in(client, Role.ADMIN)
    by_action = await client.get("/audit", params={"action": "test.admin_on_"})
    assert actions(by_action.text) == {
        "test.admin_on_bj",
        "test.admin_on_sh",
        "test.admin_on_facility",
    }
    by_type = await client.get("/audit", params={"object_type": "facility"})
    assert actions(by_type.text) == {"test.admin_on_facility"}
    by_actor = await client.get("/audit", params={"actor": users["beijing"].username})
    assert actions(by_actor.text) == {"test.bj_self"}
    future = await client.get("/audit", params={"date_from": "2999-01-01"})
    assert actions(future.text) == set()
    past = await client.get("/audit", params={"date_to": "2000-01-01"})
    assert actions(past.text) == set()
    bad = await client.get("/audit", params={"date_from": "soon"})
    assert bad.status_code == 200 and 'aria-invalid="true"' in bad.text


async def test_pages_hold_fifty_entries_newest_first(client: AsyncClient) -> None:
    for n in range(60):
        await record(None, f"test.n{n:02d}", "test", n)
    await signed_in(client, Role.ADMIN)
    first = await client.get("/audit", params={"action": "test."})
    seen = re.findall(r"<code>test\.n(\d\d)</code>", first.text)
    assert len(seen) == 50 and seen[0] == "59" and seen[-1] == "10"
    older = re.search(r'href="(/audit\?[^"]*before_seq=\d+)"', first.text)
    assert older
    second = await client.get(older.group(1).replace("&amp;", "&"))
    assert re.findall(r"<code>test\.n(\d\d)</code>", second.text) == [
        f"{n:02d}" for n in range(9, -1, -1)
    ]
    newer = re.search(r'href="(/audit\?[^"]*after_seq=\d+)"', second.text)
    assert newer
    back = await client.get(newer.group(1).replace("&amp;", "&"))
    assert re.findall(r"<code>test\.n(\d\d)</code>", back.text) == seen


async def test_verify_now_stores_and_shows_the_result(client: AsyncClient) -> None:
    in_english(client)
    auditor = await signed_in(client, Role.BAR_AUDITOR)
    page = await client.get("/audit")
    assert "The chain has not been verified yet." in page.text
    response = await client.post("/audit/verify", data={"csrf_token": csrf_from(page.text)})
    assert response.status_code == 303
    stored = await AuditVerification.all().first()
    assert stored is not None and stored.ok and stored.actor_label == auditor.username
    shown = await client.get("/audit?verified=1")
    assert "Verification finished." in shown.text and "Intact" in shown.text
    assert str(stored.head_hash) in shown.text


async def test_verify_now_needs_the_csrf_token(client: AsyncClient) -> None:
    await signed_in(client, Role.ADMIN)
    response = await client.post("/audit/verify", data={"csrf_token": "forged"})
    assert response.status_code in (400, 403)
    assert await AuditVerification.all().count() == 0


async def test_api_verify_and_latest_result(client: AsyncClient) -> None:
    admin = await make_user(Role.ADMIN)
    headers = bearer(await api_token(admin))
    missing = await client.get("/api/v1/audit/verifications/latest", headers=headers)
    assert missing.status_code == 404
    verified = await client.post("/api/v1/audit/verify", headers=headers)
    assert verified.status_code == 200
    body = verified.json()
    assert body["ok"] is True and body["first_bad_seq"] is None and body["entries_checked"] == 1
    latest = await client.get("/api/v1/audit/verifications/latest", headers=headers)
    assert latest.json() == body


async def test_api_entries_page_with_before_seq(client: AsyncClient) -> None:
    for n in range(5):
        await record(None, "test.api", "test", n, {"n": n})
    admin = await make_user(Role.ADMIN)
    headers = bearer(await api_token(admin))
    params = {"action": "test.", "limit": "3"}
    first = (await client.get("/api/v1/audit/entries", params=params, headers=headers)).json()
    assert [e["summary"]["n"] for e in first] == [4, 3, 2]
    assert set(first[0]) >= {"seq", "at", "actor_label", "prev_hash", "hash", "object_id"}
    params["before_seq"] = str(first[-1]["seq"])
    second = (await client.get("/api/v1/audit/entries", params=params, headers=headers)).json()
    assert [e["summary"]["n"] for e in second] == [1, 0]
    wrong = await client.get("/api/v1/audit/entries", params={"limt": "3"}, headers=headers)
    assert wrong.status_code == 422


async def test_openapi_lists_the_audit_endpoints(client: AsyncClient) -> None:
    paths = (await client.get("/api/v1/openapi.json")).json()["paths"]
    assert {"/api/v1/audit/entries", "/api/v1/audit/verify"} <= set(paths)
    assert "/api/v1/audit/verifications/latest" in paths
