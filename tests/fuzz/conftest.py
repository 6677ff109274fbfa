"""The API fuzz tests' server: a real `lawmeet serve` on a fresh demo database, on SQLite and
on PostgreSQL (a database of its own, dropped afterwards), with an API token per role."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.live_server import (
    demo_env,
    lawmeet,
    off_the_loop,
    postgres_database,
    serve_demo_with,
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
    from tests.conftest import POSTGRES_ADMIN_URL, _require, postgres_reachable

    folder = tmp_path_factory.mktemp(f"fuzz-{request.param}")
    database, url = "", ""
    if request.param == "postgres":
        if not off_the_loop(postgres_reachable):
            if _require("LAWMEET_REQUIRE_POSTGRES"):
                pytest.fail(f"PostgreSQL is required but not reachable at {POSTGRES_ADMIN_URL}")
            pytest.skip("PostgreSQL not reachable (set LAWMEET_REQUIRE_POSTGRES=1 to fail)")
        database = f"lawmeet_fuzz_{os.getpid()}"
        postgres_database(database, f'CREATE DATABASE "{database}"')
        url = f"{POSTGRES_ADMIN_URL.rpartition('/')[0]}/{database}"
    env = demo_env(folder, url)
    base, server = serve_demo_with(env, folder)
    tokens = {
        role: lawmeet(env, "user", "token", username, "--name", "fuzz").strip()
        for role, username in ROLE_USERS.items()
    }
    yield FuzzServer(base, folder, tokens)
    stop_server(server)
    if database:
        postgres_database(database, "")
