"""Probes, request ids on every response and in every log record, and secrets kept out of logs."""

from __future__ import annotations

import io
import json
import logging
import re
from collections.abc import Iterator
from typing import Any

import pytest
from httpx import AsyncClient
from tortoise import Tortoise

from app.accounts.roles import Role
from app.logs import JsonFormatter, RequestIdFilter, TextFormatter
from tests.integration.helpers import (
    DEFAULT_PASSWORD,
    bearer,
    login,
    make_user,
    page_csrf,
    post_form,
)

GENERATED_ID = re.compile(r"^[0-9a-f]{32}$")


class LogCapture:
    def __init__(self) -> None:
        self.stream = io.StringIO()

    def records(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.stream.getvalue().splitlines()]

    def text(self) -> str:
        return self.stream.getvalue()


@pytest.fixture
def logs() -> Iterator[LogCapture]:
    """Every record at every level, formatted as production formats it."""
    capture = LogCapture()
    handler = logging.StreamHandler(capture.stream)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield capture
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


async def test_healthz_answers_without_the_database(client: AsyncClient) -> None:
    response = await client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "alive"}


async def test_readyz_reports_a_reachable_database(client: AsyncClient) -> None:
    response = await client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["database"] == "ok"


async def test_readyz_answers_503_when_the_database_is_gone(
    client: AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    def unreachable(name: str) -> None:
        raise ConnectionError("database down")

    monkeypatch.setattr(Tortoise, "get_connection", unreachable)
    response = await client.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "unreachable"}


async def test_probes_set_no_cookies(client: AsyncClient) -> None:
    for path in ("/healthz", "/readyz"):
        assert "set-cookie" not in (await client.get(path)).headers


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/healthz"),
        ("GET", "/login"),
        ("GET", "/"),
        ("GET", "/static/app.css"),
        ("GET", "/no-such-page"),
        ("GET", "/api/v1/me"),
        ("GET", "/api/v1/openapi.json"),
        ("POST", "/login"),
        ("DELETE", "/login"),
    ],
)
async def test_every_response_has_a_request_id(client: AsyncClient, method: str, path: str) -> None:
    response = await client.request(method, path)
    assert GENERATED_ID.match(response.headers["x-request-id"])


async def test_each_request_gets_its_own_id(client: AsyncClient) -> None:
    ids = {(await client.get("/healthz")).headers["x-request-id"] for _ in range(5)}
    assert len(ids) == 5


async def test_a_sane_incoming_request_id_is_kept(client: AsyncClient) -> None:
    response = await client.get("/healthz", headers={"X-Request-ID": "proxy-abc.123_XYZ"})
    assert response.headers["x-request-id"] == "proxy-abc.123_XYZ"


@pytest.mark.parametrize(
    "incoming", [b"short", b"has space in it", b"x" * 65, b"log\\injection", "ü".encode() * 10]
)
async def test_an_odd_incoming_request_id_is_replaced(client: AsyncClient, incoming: bytes) -> None:
    response = await client.get("/healthz", headers={b"X-Request-ID": incoming})
    assert GENERATED_ID.match(response.headers["x-request-id"])


async def test_access_log_record_carries_the_request_id(
    client: AsyncClient, logs: LogCapture
) -> None:
    response = await client.get("/login")
    request_id = response.headers["x-request-id"]
    access = [r for r in logs.records() if r["logger"] == "lawmeet.http"]
    assert access, "no access log record"
    (record,) = [r for r in access if r["request_id"] == request_id]
    assert record["message"] == "GET /login 200"
    assert record["status"] == 200
    assert isinstance(record["ms"], float | int)


async def test_records_logged_while_handling_a_request_carry_its_id(
    client: AsyncClient, logs: LogCapture
) -> None:
    response = await client.get("/healthz", headers={"X-Request-ID": "trace-0000-1111"})
    assert response.status_code == 200
    ids = {r["request_id"] for r in logs.records() if r["logger"].startswith("lawmeet")}
    assert "trace-0000-1111" in ids


def test_text_log_lines_show_the_request_id() -> None:
    record = logging.LogRecord("lawmeet.http", logging.INFO, "", 0, "GET / 200", (), None)
    record.request_id = "abc12345"
    record.status = 200
    line = TextFormatter().format(record)
    assert "[abc12345]" in line
    assert "status=200" in line


async def test_no_password_token_or_session_id_reaches_the_logs(
    client: AsyncClient, logs: LogCapture
) -> None:
    admin = await make_user(Role.ADMIN, "log.admin")
    await login(client, admin.username, "wrong-password-for-logs-1")
    await login(client, admin.username)
    session_id = client.cookies.get("lawmeet_session")
    assert session_id
    created = await post_form(client, "/profile/tokens", {"name": "ci"})
    raw_token = re.search(r'id="new-token">([^<]+)<', created.text).group(1)  # type: ignore[union-attr]
    assert (await client.get("/api/v1/me", headers=bearer(raw_token))).status_code == 200
    token = await page_csrf(client, "/profile")
    await client.post(
        "/register",
        data={
            "csrf_token": token,
            "username": "log.lawyer",
            "password": "register-secret-pw-9",
            "password_again": "register-secret-pw-9",
        },
    )
    output = logs.text()
    assert "lawmeet.http" in output  # the capture saw the requests
    for secret in (
        DEFAULT_PASSWORD,
        "wrong-password-for-logs-1",
        "register-secret-pw-9",
        raw_token,
        session_id,
        token,
    ):
        assert secret not in output
