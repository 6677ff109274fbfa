"""CSRF: every state-changing form of the web app refuses a post without this session's token.

The walk takes the routes from the running app, so a route added later is covered too.
"""

from __future__ import annotations

from typing import Any

import pytest
from httpx import AsyncClient
from starlette.applications import Starlette
from starlette.routing import Route

from app.accounts.models import ApiToken, User
from app.accounts.roles import AccountStatus, Role
from app.orgs.models import Facility
from tests.integration.helpers import (
    DEFAULT_PASSWORD,
    api_token,
    client_from,
    licence_for,
    login,
    make_user,
    page_csrf,
    signed_in,
    snapshot,
)

STATE_CHANGING = {"POST", "PUT", "PATCH", "DELETE"}
# The JSON API authenticates by bearer token (no cookies, so no CSRF); webhooks by signature.
NOT_FORMS = ("/api/", "/webhooks/")


def form_routes(app: Starlette) -> list[tuple[str, str, Route]]:
    found = []
    for route in app.routes:
        if not isinstance(route, Route) or route.path.startswith(NOT_FORMS):
            continue
        for method in sorted((route.methods or set()) & STATE_CHANGING):
            found.append((method, route.path, route))
    return found


def page_routes(app: Starlette) -> list[Route]:
    return [
        route
        for route in app.routes
        if isinstance(route, Route)
        and "GET" in (route.methods or set())
        and not route.path.startswith(NOT_FORMS)
    ]


class World:
    """Records for every path parameter, and a valid body for every known form, so a route that
    skipped the CSRF check would really change something."""

    def __init__(self, admin: User, pending: User, token: ApiToken, facility: Facility) -> None:
        self.admin, self.pending, self.token, self.facility = admin, pending, token, facility

    def url(self, route: Route) -> str:
        ids = {"user_id": self.pending.id, "token_id": self.token.id}
        params = {name: ids.get(name, 1) for name in route.param_convertors}
        return route.url_path_for(route.name, **params)

    def body(self, path: str) -> dict[str, str]:
        bodies = {
            "/login": {"username": self.admin.username, "password": DEFAULT_PASSWORD},
            "/register": {
                "username": "csrf.victim",
                "display_name": "Victim",
                "email": "victim@example.test",
                "licence_number": licence_for(),
                "law_firm": "Firm",
                "password": DEFAULT_PASSWORD,
                "password_again": DEFAULT_PASSWORD,
            },
            "/language": {"locale": "en", "next": "/"},
            "/profile/tokens": {"name": "planted"},
            "/admin/users": {
                "username": "planted.admin",
                "display_name": "Planted",
                "role": "detention_staff",
                "organisation_id": f"facility:{self.facility.id}",
                "password": DEFAULT_PASSWORD,
            },
            "/admin/organisations": {
                "kind": "facility",
                "name": "Planted centre",
                "region_code": "110108",
                "timezone": "Asia/Shanghai",
            },
        }
        return bodies.get(path, {})


@pytest.fixture
async def world(client: AsyncClient) -> World:
    facility = await Facility.create(name="海淀看守所", region_code="110108")
    pending = await make_user(Role.LAWYER, status=AccountStatus.PENDING)
    admin = await make_user(Role.ADMIN, "csrf.admin")
    await api_token(admin, "mine")
    token = await ApiToken.get(user_id=admin.id)
    return World(admin, pending, token, facility)


async def refusals(
    client: AsyncClient, app: Starlette, world: World, token: str | None
) -> list[str]:
    """Post every form with `token` (None: without one); name each route that did not refuse
    with 403 or that changed any row."""
    wrong = []
    for method, path, route in form_routes(app):
        before = await snapshot()
        data: dict[str, Any] = dict(world.body(path))
        if token is not None:
            data["csrf_token"] = token
        response = await client.request(method, world.url(route), data=data)
        after = await snapshot()
        if response.status_code != 403:
            wrong.append(f"{method} {path}: answered {response.status_code}")
        if after != before:
            changed = [name for name in after if after[name] != before.get(name)]
            wrong.append(f"{method} {path}: changed {changed}")
    return wrong


async def test_the_walk_covers_every_known_form(app: Starlette) -> None:
    walked = {(method, path) for method, path, _ in form_routes(app)}
    assert {
        ("POST", "/login"),
        ("POST", "/logout"),
        ("POST", "/register"),
        ("POST", "/language"),
        ("POST", "/profile/tokens"),
        ("POST", "/profile/tokens/{token_id:int}/revoke"),
        ("POST", "/admin/users"),
        ("POST", "/admin/users/{user_id:int}/disable"),
        ("POST", "/admin/users/{user_id:int}/enable"),
        ("POST", "/admin/organisations"),
        ("POST", "/verification/{user_id:int}/verify"),
    } <= walked


async def test_every_form_refuses_a_post_without_a_token(
    client: AsyncClient, app: Starlette, world: World
) -> None:
    await login(client, world.admin.username)
    assert await refusals(client, app, world, None) == []


async def test_every_form_refuses_a_forged_token(
    client: AsyncClient, app: Starlette, world: World
) -> None:
    await login(client, world.admin.username)
    assert await refusals(client, app, world, "0" * 64) == []


async def test_every_form_refuses_the_token_of_another_session(
    client: AsyncClient, app: Starlette, world: World
) -> None:
    await login(client, world.admin.username)
    async with client_from(app) as other:
        await signed_in(other, Role.ADMIN)
        foreign = await page_csrf(other, "/profile")
    assert await refusals(client, app, world, foreign) == []


async def test_every_form_refuses_the_token_from_before_sign_in(
    client: AsyncClient, app: Starlette, world: World
) -> None:
    stale = await page_csrf(client, "/login")
    await login(client, world.admin.username)
    assert await refusals(client, app, world, stale) == []


@pytest.mark.parametrize("path", ["/login", "/register", "/language", "/logout"])
async def test_visitor_forms_refuse_a_post_without_a_token(
    client: AsyncClient, world: World, path: str
) -> None:
    await client.get("/login")  # the visitor has an anonymous CSRF cookie
    before = await snapshot()
    response = await client.post(path, data=world.body(path))
    assert response.status_code == 403
    assert await snapshot() == before


async def test_visitor_token_of_another_browser_is_refused(
    client: AsyncClient, app: Starlette, world: World
) -> None:
    async with client_from(app) as other:
        foreign = await page_csrf(other, "/login")
    await client.get("/login")
    data = {"csrf_token": foreign, **world.body("/login")}
    response = await client.post("/login", data=data)
    assert response.status_code == 403
    assert "lawmeet_session" not in response.headers.get("set-cookie", "")


async def test_refusal_page_explains_and_keeps_the_user_signed_in(
    client: AsyncClient, world: World
) -> None:
    await login(client, world.admin.username)
    response = await client.post("/profile/tokens", data={"name": "x"})
    assert response.status_code == 403
    assert response.headers["content-type"].startswith("text/html")
    assert (await client.get("/profile")).status_code == 200


@pytest.mark.parametrize(
    "origin", ["https://evil.example", "null", "http://testserver.evil.example"]
)
async def test_cross_origin_post_with_a_valid_token_is_refused(
    client: AsyncClient, world: World, origin: str
) -> None:
    await login(client, world.admin.username)
    token = await page_csrf(client, "/profile")
    response = await client.post(
        "/profile/tokens", data={"csrf_token": token, "name": "x"}, headers={"Origin": origin}
    )
    assert response.status_code == 403
    assert await ApiToken.filter(name="x").count() == 0


async def test_same_origin_post_with_a_valid_token_is_accepted(
    client: AsyncClient, world: World
) -> None:
    await login(client, world.admin.username)
    token = await page_csrf(client, "/profile")
    response = await client.post(
        "/profile/tokens",
        data={"csrf_token": token, "name": "x"},
        headers={"Origin": "http://testserver"},
    )
    assert response.status_code == 201
    assert await ApiToken.filter(name="x").count() == 1


async def test_cross_origin_login_is_refused(client: AsyncClient, world: World) -> None:
    token = await page_csrf(client, "/login")
    data = {"csrf_token": token, **world.body("/login")}
    response = await client.post("/login", data=data, headers={"Origin": "https://evil.example"})
    assert response.status_code == 403


async def test_no_page_changes_anything_on_get(
    client: AsyncClient, app: Starlette, world: World
) -> None:
    await login(client, world.admin.username)
    before = await snapshot()
    answered = {}
    for route in page_routes(app):
        response = await client.get(world.url(route))
        answered[route.path] = response.status_code
    assert await snapshot() == before
    assert all(status < 500 for status in answered.values()), answered
    assert answered["/profile"] == answered["/admin/users"] == 200


async def test_get_to_a_form_action_changes_nothing(client: AsyncClient, world: World) -> None:
    await login(client, world.admin.username)
    before = await snapshot()
    for path in ("/logout", "/profile/tokens", f"/verification/{world.pending.id}/verify"):
        response = await client.get(path, params=world.body(path))
        assert response.status_code in (404, 405), path
    assert await snapshot() == before
