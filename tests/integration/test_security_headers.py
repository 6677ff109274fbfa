"""Security headers on every kind of response, and templates that a strict CSP can serve."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest
from asgi_lifespan import LifespanManager
from httpx import ASGITransport, AsyncClient
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.routing import Route

from app.accounts.roles import Role
from app.main import create_app
from app.settings import Settings
from app.web.templating import TEMPLATES_DIR
from tests.integration.helpers import signed_in

PUBLIC_PATHS = ["/login", "/register", "/healthz", "/static/app.css", "/no-such-page", "/api/v1/me"]


def directives(response: httpx.Response) -> dict[str, list[str]]:
    policy = response.headers["content-security-policy"]
    parsed: dict[str, list[str]] = {}
    for directive in policy.split(";"):
        name, *values = directive.split()
        parsed[name] = values
    return parsed


@pytest.mark.parametrize("path", PUBLIC_PATHS)
async def test_every_response_carries_the_security_headers(client: AsyncClient, path: str) -> None:
    response = await client.get(path)
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] in ("same-origin", "strict-origin", "no-referrer")
    assert response.headers["x-frame-options"] == "DENY"
    assert "content-security-policy" in response.headers


@pytest.mark.parametrize("path", PUBLIC_PATHS)
async def test_csp_forbids_framing_plugins_and_foreign_origins(
    client: AsyncClient, path: str
) -> None:
    csp = directives(await client.get(path))
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["default-src"] == ["'self'"]
    assert csp["script-src"] == ["'self'"]
    assert csp["base-uri"] == ["'none'"]
    assert csp["form-action"] == ["'self'"]
    for name, values in csp.items():
        for value in values:
            assert value in ("'self'", "'none'", "data:"), (name, value)
        assert "data:" not in values or name == "img-src", name


async def test_csp_allows_no_inline_script_or_style(client: AsyncClient) -> None:
    policy = (await client.get("/login")).headers["content-security-policy"]
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy
    assert "http:" not in policy and "https:" not in policy and "*" not in policy


async def test_no_hsts_when_the_public_url_is_http(client: AsyncClient) -> None:
    assert "strict-transport-security" not in (await client.get("/login")).headers


async def test_hsts_when_the_public_url_is_https(settings: Settings) -> None:
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
        response = await client.get("/login")
    hsts = response.headers["strict-transport-security"]
    max_age = int(re.search(r"max-age=(\d+)", hsts).group(1))  # type: ignore[union-attr]
    assert max_age >= 31536000


async def test_unexpected_error_answers_500_with_every_header(
    client: AsyncClient, app: Starlette
) -> None:
    async def boom(request: Request) -> None:
        raise RuntimeError("internal-detail-xyz")

    app.router.routes.append(Route("/boom", boom))
    response = await client.get("/boom")
    assert response.status_code == 500
    assert "internal-detail-xyz" not in response.text
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    assert re.fullmatch(r"[0-9a-f]{32}", response.headers["x-request-id"])


@pytest.mark.parametrize(
    "role", [Role.ADMIN, Role.LAWYER, Role.BAR_AUDITOR, Role.DETENTION_STAFF, Role.INVESTIGATOR]
)
async def test_rendered_pages_have_no_inline_script_style_or_handlers(
    client: AsyncClient, role: Role
) -> None:
    await signed_in(client, role)
    for path in ["/", "/profile", "/admin/users", "/admin/users/new", "/admin/organisations"]:
        response = await client.get(path)
        assert response.headers["content-type"].startswith("text/html"), path
        assert_csp_clean(response.text, path)


def assert_csp_clean(html: str, where: str) -> None:
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html, re.I), f"inline script in {where}"
    assert not re.search(r"<style\b", html, re.I), f"inline style element in {where}"
    assert not re.search(r"\sstyle\s*=", html, re.I), f"style attribute in {where}"
    assert not re.search(r"\son[a-z]+\s*=", html, re.I), f"event handler attribute in {where}"
    assert "javascript:" not in html.lower(), f"javascript: URL in {where}"
    for url in re.findall(r'(?:src|href|action)\s*=\s*"([^"]*)"', html, re.I):
        assert not url.startswith(("http:", "https:", "//")), f"foreign origin {url} in {where}"


@pytest.mark.parametrize(
    "template",
    sorted(TEMPLATES_DIR.rglob("*.html")),
    ids=lambda p: str(p.relative_to(TEMPLATES_DIR)),
)
def test_template_source_is_csp_clean(template: Path) -> None:
    assert_csp_clean(template.read_text(encoding="utf-8"), str(template))
