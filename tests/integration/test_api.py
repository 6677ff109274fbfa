"""The JSON API: bearer tokens, the permission policy, and errors as application/problem+json."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest
from httpx import AsyncClient

from app.accounts.models import Session, User
from app.accounts.roles import AccountStatus, Role
from app.audit.models import AuditEntry
from app.main import api_endpoints
from app.presentation.problems import INVALID_INPUT
from tests.integration.helpers import (
    DEFAULT_PASSWORD,
    api_token,
    bearer,
    make_organisation,
    make_user,
    signed_in,
)

PROBLEM = "application/problem+json"


def registration(**changes: Any) -> dict[str, Any]:
    body = {
        "username": "zhang.lawyer",
        "display_name": "张律师",
        "password": DEFAULT_PASSWORD,
        "email": "zhang@mingde.example",
        "licence_number": "11012015110123456",
        "law_firm": "北京明德律师事务所",
    }
    return {**body, **changes}


def assert_problem(response: httpx.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status
    assert response.headers["content-type"] == PROBLEM
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    # A field that breaks the document's own bounds is typed as such; any other problem is plain.
    assert body["type"] == "about:blank" or (body["type"] == INVALID_INPUT and status == 422)
    assert isinstance(body["title"], str) and body["title"]
    assert isinstance(body["detail"], str)
    assert isinstance(body["errors"], list)
    return body


def fields_of(body: dict[str, Any]) -> set[str]:
    return {error["field"] for error in body["errors"]}


async def as_role(role: Role, **fields: Any) -> tuple[User, dict[str, str]]:
    user = await make_user(role, **fields)
    return user, bearer(await api_token(user))


# Authentication and permission


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/api/v1/me"),
        ("GET", "/api/v1/users"),
        ("POST", "/api/v1/users"),
        ("POST", "/api/v1/users/1/disable"),
        ("GET", "/api/v1/lawyers/pending"),
        ("POST", "/api/v1/organisations"),
        ("DELETE", "/api/v1/me/tokens/1"),
    ],
)
async def test_anonymous_api_call_gets_401_problem(
    client: AsyncClient, method: str, path: str
) -> None:
    response = await client.request(method, path, json={})
    assert_problem(response, 401)
    assert response.headers["www-authenticate"] == 'Bearer realm="lawmeet"'


async def test_every_endpoint_that_needs_sign_in_answers_401_to_visitors(
    client: AsyncClient,
) -> None:
    wrong = {}
    for endpoint in api_endpoints():
        if endpoint.action is None:
            continue
        path = re.sub(r"\{(\w+):int\}", "1", endpoint.path)
        path = re.sub(r"\{(\w+)(:\w+)?\}", "x", path)
        response = await client.request(endpoint.method, path, json={})
        if response.status_code != 401 or response.headers["content-type"] != PROBLEM:
            wrong[f"{endpoint.method} {endpoint.path}"] = response.status_code
    assert wrong == {}


async def test_anonymous_api_call_is_not_redirected_to_login(client: AsyncClient) -> None:
    response = await client.get("/api/v1/users")
    assert response.status_code == 401
    assert "location" not in response.headers


async def test_session_cookie_does_not_authenticate_the_api(client: AsyncClient) -> None:
    await signed_in(client, Role.ADMIN)
    assert await Session.all().count() == 1
    assert_problem(await client.get("/api/v1/me"), 401)
    assert_problem(await client.post("/api/v1/organisations", json={}), 401)


async def test_api_sets_no_cookies(client: AsyncClient) -> None:
    _user, headers = await as_role(Role.LAWYER)
    response = await client.get("/api/v1/me", headers=headers)
    assert response.status_code == 200
    assert "set-cookie" not in response.headers


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/api/v1/users"),
        ("POST", "/api/v1/users/1/disable"),
        ("GET", "/api/v1/lawyers/pending"),
        ("POST", "/api/v1/lawyers/1/verify"),
        ("POST", "/api/v1/organisations"),
    ],
)
async def test_role_without_the_feature_gets_403_problem(
    client: AsyncClient, method: str, path: str
) -> None:
    _user, headers = await as_role(Role.LAWYER)
    body = {"kind": "facility", "name": "x", "region_code": "110108"}
    response = await client.request(method, path, headers=headers, json=body)
    assert_problem(response, 403)


async def test_every_role_reads_its_own_profile(client: AsyncClient) -> None:
    for role in Role:
        user, headers = await as_role(role)
        response = await client.get("/api/v1/me", headers=headers)
        assert response.status_code == 200, role
        body = response.json()
        assert (body["id"], body["role"]) == (user.id, role.value)
        assert "password_hash" not in body


async def test_unknown_api_path_gets_404_problem(client: AsyncClient) -> None:
    assert_problem(await client.get("/api/v1/no-such-thing"), 404)


async def test_wrong_method_gets_405_problem(client: AsyncClient) -> None:
    assert_problem(await client.put("/api/v1/me"), 405)


async def test_absent_record_gets_404_problem(client: AsyncClient) -> None:
    _admin, headers = await as_role(Role.ADMIN)
    assert_problem(await client.post("/api/v1/users/99999/disable", headers=headers), 404)


# Registration


async def test_lawyer_registers_through_the_api_without_a_token(client: AsyncClient) -> None:
    response = await client.post("/api/v1/lawyers", json=registration())
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "pending"
    assert body["role"] == "lawyer"
    assert body["region_code"] == "110100"
    assert "password" not in body and "password_hash" not in body
    user = await User.get(id=body["id"])
    assert user.status == AccountStatus.PENDING
    assert [e.action for e in await AuditEntry.all()] == ["lawyer.registered"]


async def test_taken_user_name_gets_409_with_the_field(client: AsyncClient) -> None:
    await make_user(Role.ADMIN, "zhang.lawyer")
    body = assert_problem(await client.post("/api/v1/lawyers", json=registration()), 409)
    assert fields_of(body) == {"username"}


async def test_taken_licence_gets_409_with_the_field(client: AsyncClient) -> None:
    await make_user(Role.LAWYER, licence_number="11012015110123456")
    response = await client.post("/api/v1/lawyers", json=registration(username="other"))
    assert fields_of(assert_problem(response, 409)) == {"licence_number"}


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"licence_number": "123"}, "licence_number"),
        ({"password": "short"}, "password"),
        ({"password": "1234567890"}, "password"),
        ({"password": "x" * 129}, "password"),
        ({"email": "nope"}, "email"),
        ({"username": "Bad Name!"}, "username"),
        ({"law_firm": ""}, "law_firm"),
        ({"username": "ab"}, "username"),
        ({"unexpected": 1}, "unexpected"),
    ],
)
async def test_invalid_registration_gets_422_naming_the_field(
    client: AsyncClient, changes: dict[str, Any], field: str
) -> None:
    response = await client.post("/api/v1/lawyers", json=registration(**changes))
    body = assert_problem(response, 422)
    assert field in fields_of(body)
    assert all(error["message"] for error in body["errors"])
    assert await User.all().count() == 0
    assert await AuditEntry.all().count() == 0


async def test_missing_fields_are_each_named(client: AsyncClient) -> None:
    body = assert_problem(await client.post("/api/v1/lawyers", json={}), 422)
    assert {"username", "display_name", "password", "email", "licence_number", "law_firm"} <= (
        fields_of(body)
    )


@pytest.mark.parametrize("content", [b"{not json", b"[]", b'"text"', b"\xff\xfe"])
async def test_malformed_body_gets_422(client: AsyncClient, content: bytes) -> None:
    response = await client.post(
        "/api/v1/lawyers", content=content, headers={"Content-Type": "application/json"}
    )
    assert_problem(response, 422)


# Administration


async def test_admin_creates_a_bound_user(client: AsyncClient) -> None:
    _admin, headers = await as_role(Role.ADMIN)
    facility = await make_organisation("facility", "110108")
    response = await client.post(
        "/api/v1/users",
        headers=headers,
        json={
            "username": "desk.officer",
            "display_name": "值班民警",
            "password": DEFAULT_PASSWORD,
            "role": "detention_staff",
            "organisation_id": facility.id,
        },
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["facility_id"], body["region_code"], body["status"]) == (
        facility.id,
        "110108",
        "active",
    )


async def test_bound_role_without_organisation_gets_422(client: AsyncClient) -> None:
    _admin, headers = await as_role(Role.ADMIN)
    response = await client.post(
        "/api/v1/users",
        headers=headers,
        json={
            "username": "desk.officer",
            "display_name": "x",
            "password": DEFAULT_PASSWORD,
            "role": "investigator",
        },
    )
    assert fields_of(assert_problem(response, 422)) == {"organisation_id"}


async def test_api_cannot_create_a_lawyer(client: AsyncClient) -> None:
    _admin, headers = await as_role(Role.ADMIN)
    response = await client.post(
        "/api/v1/users",
        headers=headers,
        json={
            "username": "x.lawyer",
            "display_name": "x",
            "password": DEFAULT_PASSWORD,
            "role": "lawyer",
        },
    )
    assert "role" in fields_of(assert_problem(response, 422))


async def test_admin_disables_and_enables_a_user(client: AsyncClient) -> None:
    _admin, headers = await as_role(Role.ADMIN)
    target, target_headers = await as_role(Role.INVESTIGATOR)
    disabled = await client.post(f"/api/v1/users/{target.id}/disable", headers=headers)
    assert disabled.json()["status"] == "disabled"
    assert_problem(await client.get("/api/v1/me", headers=target_headers), 401)
    enabled = await client.post(f"/api/v1/users/{target.id}/enable", headers=headers)
    assert enabled.json()["status"] == "active"


async def test_admin_cannot_disable_themselves_through_the_api(client: AsyncClient) -> None:
    admin, headers = await as_role(Role.ADMIN)
    assert_problem(await client.post(f"/api/v1/users/{admin.id}/disable", headers=headers), 400)


async def test_organisations_are_listed_for_every_role(client: AsyncClient) -> None:
    await make_organisation("facility", name="海淀看守所")
    await make_organisation("bar_association", "110000", name="北京市律师协会")
    _user, headers = await as_role(Role.LAWYER)
    response = await client.get("/api/v1/organisations", headers=headers)
    assert response.status_code == 200
    assert {(o["kind"], o["name"]) for o in response.json()} == {
        ("facility", "海淀看守所"),
        ("bar_association", "北京市律师协会"),
    }


async def test_admin_creates_an_organisation_and_a_duplicate_gets_409(
    client: AsyncClient,
) -> None:
    _admin, headers = await as_role(Role.ADMIN)
    body = {"kind": "agency", "name": "海淀分局", "region_code": "110108"}
    created = await client.post("/api/v1/organisations", headers=headers, json=body)
    assert created.status_code == 201
    assert created.json()["kind"] == "agency"
    assert fields_of(
        assert_problem(await client.post("/api/v1/organisations", headers=headers, json=body), 409)
    ) == {"name"}


@pytest.mark.parametrize("region", ["1101", "990000", "١١٠١٠٨"])
async def test_invalid_region_gets_422(client: AsyncClient, region: str) -> None:
    _admin, headers = await as_role(Role.ADMIN)
    body = {"kind": "agency", "name": "某单位", "region_code": region}
    response = await client.post("/api/v1/organisations", headers=headers, json=body)
    assert "region_code" in fields_of(assert_problem(response, 422))
