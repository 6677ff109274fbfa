"""The API fuzz tests' server: a real `lawmeet serve` on a fresh demo database, on SQLite and
on PostgreSQL (a database of its own, dropped afterwards), with an API token per role."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.live_server import (
    demo_env,
    lawmeet,
    serve_demo_with,
    server_database,
    stop_server,
)

# The demo's people, one per role whose token the fuzz tests use.
ROLE_USERS = {
    "lawyer": "zhang.lawyer",
    "staff": "haidian.desk",
    "investigator": "zhao.investigator",
    "auditor": "chen.auditor",
}


@dataclass
class FuzzServer:
    base: str
    folder: Path
    tokens: dict[str, str]


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def fuzz_server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[FuzzServer]:
    folder = tmp_path_factory.mktemp(f"fuzz-{request.param}")
    with server_database(request.param, folder, "lawmeet_fuzz") as url:
        env = demo_env(folder, url)
        base, server = serve_demo_with(env, folder)
        tokens = {
            role: lawmeet(env, "user", "token", username, "--name", "fuzz").strip()
            for role, username in ROLE_USERS.items()
        }
        yield FuzzServer(base, folder, tokens)
        stop_server(server)
