"""Signing in and out: the session cookie, its rotation, its timeouts and its end."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from asgi_lifespan import LifespanManager
from httpx import ASGITransport, AsyncClient
from starlette.applications import Starlette
from starlette.routing import Route

from app.accounts.models import Session, User
from app.accounts.roles import AccountStatus, Role
from app.accounts.secrets import digest
from app.accounts.services import set_status
from app.main import create_app
from app.settings import Settings
from tests.integration.helpers import (
    DEFAULT_PASSWORD,
    cookie_attributes,
    login,
    make_user,
    page_csrf,
    post_form,
    set_cookies,
    snapshot,
)

COOKIE = "lawmeet_session"


def login_target(location: str) -> str:
    parts = urlsplit(location)
    assert parts.path == "/login"
    return parse_qs(parts.query)["next"][0]


def use_session(client: AsyncClient, raw: str) -> None:
    """Make the browser send `raw` as its session cookie (replacing any it has)."""
    client.cookies.delete(COOKIE)
    client.cookies.set(COOKIE, raw, domain="testserver.local")


def session_cookie(client: AsyncClient) -> str:
    value = client.cookies.get(COOKIE)
    assert value, "no session cookie"
    return value


async def stored_session(client: AsyncClient) -> Session:
    return await Session.get(id_hash=digest(session_cookie(client)))


async def age_session(client: AsyncClient, created: timedelta, last_seen: timedelta) -> None:
    now = datetime.now(UTC)
    await Session.filter(id_hash=digest(session_cookie(client))).update(
        created_at=now - created, last_seen_at=now - last_seen
    )


@pytest.fixture
async def lawyer(client: AsyncClient) -> User:
    return await make_user(Role.LAWYER, "zhang.lawyer")


# Pages and redirects


async def test_login_page_has_a_csrf_protected_form(client: AsyncClient) -> None:
    response = await client.get("/login")
    assert response.status_code == 200
    assert 'action="/login"' in response.text
    assert await page_csrf(client, "/login")


@pytest.mark.parametrize("path", ["/", "/profile", "/admin/users", "/verification"])
async def test_anonymous_page_request_redirects_to_login(client: AsyncClient, path: str) -> None:
    response = await client.get(path)
    assert response.status_code == 303
    assert login_target(response.headers["location"]) == path


PUBLIC_PAGES = {"/login", "/register", "/healthz", "/readyz", "/verify"}
# The signed audit log's public face: 404 until a key and a signed head exist (their own tests).
PUBLISHED_AUDIT_LOG = {"/audit/checkpoint", "/audit/public-key"}
# Public when [compliance] public_page is on, 404 (never a login) when off: its own tests.
OPTIONAL_PUBLIC_PAGES = {"/transparency"}
# For Prometheus: a bearer token, 404 while [metrics] is off (test_prometheus_metrics.py).
SCRAPED_PAGES = {"/metrics"}
# Calendar clients cannot sign in: the secret in the URL is the credential (404 without it).
SECRET_URL_PAGES = {"/feeds/{token}.ics"}


async def test_every_page_but_the_public_ones_sends_visitors_to_login(
    client: AsyncClient, app: Starlette
) -> None:
    wrong = {}
    for route in app.routes:
        if (
            not isinstance(route, Route)
            or "GET" not in (route.methods or set())
            or route.path.startswith("/api/")
            or route.path in PUBLIC_PAGES | SECRET_URL_PAGES | OPTIONAL_PUBLIC_PAGES
            or route.path in PUBLISHED_AUDIT_LOG | SCRAPED_PAGES
        ):
            continue
        path = route.url_path_for(route.name, **dict.fromkeys(route.param_convertors, 1))
        response = await client.get(path)
        if response.status_code != 303 or login_target(response.headers["location"]) != path:
            wrong[route.path] = response.status_code
    assert wrong == {}


async def test_a_feed_url_without_a_valid_secret_is_not_found(client: AsyncClient) -> None:
    assert (await client.get("/feeds/cal_not-a-real-token.ics")).status_code == 404


@pytest.mark.parametrize("path", sorted(PUBLIC_PAGES))
async def test_public_pages_need_no_sign_in(client: AsyncClient, path: str) -> None:
    assert (await client.get(path)).status_code == 200


async def test_redirect_to_login_keeps_the_query(client: AsyncClient) -> None:
    response = await client.get("/profile?tab=tokens")
    assert login_target(response.headers["location"]) == "/profile?tab=tokens"


async def test_login_page_redirects_a_signed_in_user_home(
    client: AsyncClient, lawyer: User
) -> None:
    await login(client, lawyer.username)
    response = await client.get("/login")
    assert response.status_code == 303
    assert response.headers["location"] == "/"


# Signing in


async def test_right_password_signs_in_and_goes_home(client: AsyncClient, lawyer: User) -> None:
    response = await login(client, lawyer.username)
    assert response.status_code == 303
    assert response.headers["location"] == "/"
    home = await client.get("/")
    assert home.status_code == 200
    assert lawyer.display_name in home.text


async def test_user_name_is_case_insensitive(client: AsyncClient, lawyer: User) -> None:
    response = await login(client, "  Zhang.LAWYER ")
    assert response.status_code == 303


async def test_wrong_password_is_refused_without_a_session(
    client: AsyncClient, lawyer: User
) -> None:
    response = await login(client, lawyer.username, "not-the-password-1")
    assert response.status_code == 400
    assert COOKIE not in set_cookies(response)
    assert await Session.all().count() == 0


async def test_unknown_user_gets_the_same_answer_as_a_wrong_password(
    client: AsyncClient, lawyer: User
) -> None:
    wrong = await login(client, lawyer.username, "not-the-password-1")
    unknown = await login(client, "nobody.here", "not-the-password-1")
    assert wrong.status_code == unknown.status_code == 400
    assert wrong.text.replace(lawyer.username, "X") == unknown.text.replace("nobody.here", "X")


async def test_disabled_user_gets_the_same_answer_as_a_wrong_password(
    client: AsyncClient,
) -> None:
    await make_user(Role.LAWYER, "gone.lawyer", status=AccountStatus.DISABLED)
    disabled = await login(client, "gone.lawyer")
    wrong = await login(client, "gone.lawyer", "not-the-password-1")
    assert disabled.status_code == wrong.status_code == 400
    assert disabled.text == wrong.text
    assert await Session.all().count() == 0


async def test_pending_lawyer_is_told_to_wait_for_verification(client: AsyncClient) -> None:
    await make_user(Role.LAWYER, "new.lawyer", status=AccountStatus.PENDING)
    response = await login(client, "new.lawyer")
    assert response.status_code == 400
    assert "verification" in response.text.lower() or "审核" in response.text
    assert await Session.all().count() == 0


@pytest.mark.parametrize("target", ["/profile", "/profile?tab=tokens"])
async def test_login_returns_to_the_requested_page(
    client: AsyncClient, lawyer: User, target: str
) -> None:
    response = await login(client, lawyer.username, next=target)
    assert response.headers["location"] == target


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:x", "x"]
)
async def test_login_never_redirects_off_site(
    client: AsyncClient, lawyer: User, target: str
) -> None:
    response = await login(client, lawyer.username, next=target)
    assert response.status_code == 303
    location = response.headers["location"]
    parts = urlsplit(location)
    assert not parts.scheme and not parts.netloc
    assert location.startswith("/") and not location.startswith(("//", "/\\"))


# The cookie


async def test_session_cookie_is_httponly_lax_and_site_wide(
    client: AsyncClient, lawyer: User
) -> None:
    response = await login(client, lawyer.username)
    attributes = cookie_attributes(set_cookies(response)[COOKIE])
    assert "httponly" in attributes
    assert attributes["samesite"].lower() == "lax"
    assert attributes["path"] == "/"
    assert "secure" not in attributes  # the public URL is http://
    assert "max-age" not in attributes and "expires" not in attributes  # ends with the browser


async def test_session_cookie_carries_only_a_random_128_bit_id(
    client: AsyncClient, lawyer: User
) -> None:
    await login(client, lawyer.username)
    raw = session_cookie(client)
    assert len(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4))) == 16
    assert lawyer.username not in raw


async def test_only_a_digest_of_the_session_id_is_stored(client: AsyncClient, lawyer: User) -> None:
    await login(client, lawyer.username)
    raw = session_cookie(client)
    stored = await stored_session(client)
    assert stored.user_id == lawyer.id
    assert raw not in repr(await snapshot())


async def test_each_login_gets_a_new_id(client: AsyncClient, app: object, lawyer: User) -> None:
    await login(client, lawyer.username)
    first = session_cookie(client)
    client.cookies.clear()
    await login(client, lawyer.username)
    assert session_cookie(client) != first


async def test_login_rotates_the_id_and_ends_the_old_session(
    client: AsyncClient, lawyer: User
) -> None:
    await login(client, lawyer.username)
    before = session_cookie(client)
    token = await page_csrf(client, "/profile")
    response = await client.post(
        "/login",
        data={"csrf_token": token, "username": lawyer.username, "password": DEFAULT_PASSWORD},
    )
    assert response.status_code == 303
    assert session_cookie(client) != before
    assert not await Session.filter(id_hash=digest(before)).exists()
    assert await Session.all().count() == 1


async def test_a_planted_session_id_is_not_adopted_at_login(
    client: AsyncClient, lawyer: User
) -> None:
    planted = "attacker-chosen-session-id"
    use_session(client, planted)
    await login(client, lawyer.username)
    assert session_cookie(client) != planted
    assert not await Session.filter(id_hash=digest(planted)).exists()


async def test_unknown_session_cookie_is_cleared(client: AsyncClient) -> None:
    use_session(client, "no-such-session")
    response = await client.get("/login")
    attributes = cookie_attributes(set_cookies(response)[COOKIE])
    assert attributes["max-age"] == "0"


async def test_https_public_url_marks_the_session_cookie_secure(settings: Settings) -> None:
    secure = settings.model_copy(
        update={"app": settings.app.model_copy(update={"public_url": "https://lawmeet.example"})}
    )
    app = create_app(secure)
    async with (
        LifespanManager(app) as manager,
        AsyncClient(
            transport=ASGITransport(app=manager.app), base_url="https://lawmeet.example"
        ) as client,
    ):
        user = await make_user(Role.LAWYER)
        response = await login(client, user.username)
        assert response.status_code == 303
        cookies = set_cookies(response)
        assert "secure" in cookie_attributes(cookies[COOKIE])
        language = await post_form(client, "/language", {"locale": "en"}, csrf_page="/")
        assert "secure" in cookie_attributes(set_cookies(language)["lawmeet_lang"])


# Timeouts


async def test_active_session_is_kept_and_its_last_use_refreshed(
    client: AsyncClient, lawyer: User
) -> None:
    await login(client, lawyer.username)
    await age_session(client, created=timedelta(hours=1), last_seen=timedelta(minutes=29))
    assert (await client.get("/profile")).status_code == 200
    refreshed = await stored_session(client)
    assert datetime.now(UTC) - refreshed.last_seen_at < timedelta(minutes=1)


async def test_idle_session_ends(client: AsyncClient, lawyer: User) -> None:
    await login(client, lawyer.username)
    raw = session_cookie(client)
    await age_session(client, created=timedelta(minutes=40), last_seen=timedelta(minutes=31))
    response = await client.get("/profile")
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login")
    assert not await Session.filter(id_hash=digest(raw)).exists()
    assert cookie_attributes(set_cookies(response)[COOKIE])["max-age"] == "0"


async def test_session_ends_after_the_absolute_timeout_however_active(
    client: AsyncClient, lawyer: User
) -> None:
    await login(client, lawyer.username)
    await age_session(client, created=timedelta(hours=12, minutes=1), last_seen=timedelta())
    response = await client.get("/profile")
    assert response.status_code == 303
    assert await Session.all().count() == 0


async def test_session_just_inside_the_absolute_timeout_is_kept(
    client: AsyncClient, lawyer: User
) -> None:
    await login(client, lawyer.username)
    await age_session(client, created=timedelta(hours=11, minutes=59), last_seen=timedelta())
    assert (await client.get("/profile")).status_code == 200


# Ending sessions


async def test_logout_ends_the_session_and_clears_the_cookie(
    client: AsyncClient, lawyer: User
) -> None:
    await login(client, lawyer.username)
    raw = session_cookie(client)
    response = await post_form(client, "/logout")
    assert response.status_code == 303
    assert response.headers["location"] == "/login"
    assert cookie_attributes(set_cookies(response)[COOKIE])["max-age"] == "0"
    assert not await Session.filter(id_hash=digest(raw)).exists()


async def test_old_cookie_is_useless_after_logout(client: AsyncClient, lawyer: User) -> None:
    await login(client, lawyer.username)
    raw = session_cookie(client)
    await post_form(client, "/logout")
    use_session(client, raw)
    assert (await client.get("/profile")).status_code == 303


async def test_logout_leaves_the_users_other_sessions(
    client: AsyncClient, app: object, lawyer: User
) -> None:
    await login(client, lawyer.username)
    other = session_cookie(client)
    client.cookies.clear()
    await login(client, lawyer.username)
    await post_form(client, "/logout")
    assert await Session.filter(id_hash=digest(other)).exists()


async def test_disabling_a_user_ends_all_their_sessions(client: AsyncClient, lawyer: User) -> None:
    await login(client, lawyer.username)
    first = session_cookie(client)
    client.cookies.clear()
    await login(client, lawyer.username)
    await set_status(None, lawyer, AccountStatus.DISABLED)
    assert await Session.filter(user_id=lawyer.id).count() == 0
    for raw in (first, session_cookie(client)):
        use_session(client, raw)
        assert (await client.get("/profile")).status_code == 303


async def test_session_of_a_user_disabled_behind_its_back_is_refused(
    client: AsyncClient, lawyer: User
) -> None:
    await login(client, lawyer.username)
    await User.filter(id=lawyer.id).update(status=AccountStatus.DISABLED)
    assert (await client.get("/profile")).status_code == 303
    assert await Session.all().count() == 0
