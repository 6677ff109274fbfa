"""A real `lawmeet serve` on a fresh demo database, for the browser and the API fuzz tests."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

PROJECT = Path(__file__).resolve().parents[1]


def sqlite_url(folder: Path) -> str:
    return f"sqlite://{folder / 'e2e.sqlite3'}"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def lawmeet(env: dict[str, str], *args: str) -> str:
    """Run a `lawmeet` command against the server's database; what it printed."""
    done = subprocess.run(
        [sys.executable, "-m", "app.cli", *args],
        cwd=PROJECT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
        timeout=120,
    )
    return done.stdout


def demo_env(folder: Path, database_url: str = "", **extra: str) -> dict[str, str]:
    """The settings of a demo server on a free port, as environment variables."""
    port = free_port()
    return {
        **os.environ,
        "LAWMEET_DATABASE__URL": database_url or sqlite_url(folder),
        "LAWMEET_APP__DATA_DIR": str(folder),
        "LAWMEET_APP__PUBLIC_URL": f"http://127.0.0.1:{port}",
        "LAWMEET_SERVER__PORT": str(port),
        **extra,
    }


def serve_demo(
    folder: Path, database_url: str = "", **extra: str
) -> tuple[str, subprocess.Popen[bytes]]:
    """Migrate, load the demo and serve on a free port; the base URL and the server process."""
    return serve_demo_with(demo_env(folder, database_url, **extra), folder)


def serve_demo_with(env: dict[str, str], folder: Path) -> tuple[str, subprocess.Popen[bytes]]:
    lawmeet(env, "migrate")
    lawmeet(env, "demo")
    log = (folder / "server.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "serve"], cwd=PROJECT, env=env, stdout=log, stderr=log
    )
    base = env["LAWMEET_APP__PUBLIC_URL"]
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(f"{base}/readyz", timeout=1) as response:  # noqa: S310
                if response.status == 200:
                    break
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                raise RuntimeError((folder / "server.log").read_text()) from None
            time.sleep(0.2)
    return base, server


def stop_server(server: subprocess.Popen[bytes]) -> None:
    server.terminate()
    server.wait(timeout=10)


def postgres_database(name: str, statement: str) -> None:
    import asyncio

    import asyncpg

    from tests.conftest import POSTGRES_ADMIN_URL

    async def run() -> None:
        conn = await asyncpg.connect(POSTGRES_ADMIN_URL.replace("postgres://", "postgresql://"))
        try:
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            if statement:
                await conn.execute(statement)
        finally:
            await conn.close()

    off_the_loop(lambda: asyncio.run(run()))


def off_the_loop(work: Callable[[], Any]) -> Any:
    """Playwright's sync API keeps an event loop running in this thread: asyncio work runs in
    another one."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(work).result()


@contextmanager
def server_database(backend: str, folder: Path, prefix: str) -> Iterator[str]:
    """The database URL of a served demo: SQLite in ``folder``, or a PostgreSQL database of its
    own, dropped afterwards (skipped when PostgreSQL is unreachable, unless
    LAWMEET_REQUIRE_POSTGRES=1 makes that a failure, as everywhere in the suite)."""
    import pytest

    from tests.conftest import POSTGRES_ADMIN_URL, _require, postgres_reachable

    if backend != "postgres":
        yield sqlite_url(folder)
        return
    if not off_the_loop(postgres_reachable):
        if _require("LAWMEET_REQUIRE_POSTGRES"):
            pytest.fail(f"PostgreSQL is required but not reachable at {POSTGRES_ADMIN_URL}")
        pytest.skip("PostgreSQL not reachable (set LAWMEET_REQUIRE_POSTGRES=1 to fail)")
    database = f"{prefix}_{os.getpid()}_{folder.name.replace('-', '_')}"
    postgres_database(database, f'CREATE DATABASE "{database}"')
    try:
        yield f"{POSTGRES_ADMIN_URL.rpartition('/')[0]}/{database}"
    finally:
        postgres_database(database, "")
