"""Browser tests: a real `lawmeet serve` on a fresh database, driven by Playwright.

The user stories (``story_server``) run twice, on SQLite and on PostgreSQL (a database of
their own, dropped afterwards); the other browser tests share one server on SQLite.

Chromium comes from Debian (/usr/bin/chromium); Playwright's own browser download is not used.
Without Chromium the tests are skipped, unless LAWMEET_REQUIRE_BROWSER=1 makes that a failure.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from app import clock

CHROMIUM = os.environ.get("LAWMEET_CHROMIUM", "/usr/bin/chromium")
PROJECT = Path(__file__).resolve().parents[2]
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def sqlite_url(folder: Path) -> str:
    return f"sqlite://{folder / 'e2e.sqlite3'}"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _lawmeet(env: dict[str, str], *args: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "app.cli", *args],
        cwd=PROJECT,
        env=env,
        check=True,
        capture_output=True,
        timeout=120,
    )


def _serve(
    folder: Path, database_url: str = "", **extra: str
) -> tuple[str, subprocess.Popen[bytes]]:
    """Migrate, load the demo and serve on a free port; the base URL and the server process."""
    port = _free_port()
    env = {
        **os.environ,
        "LAWMEET_DATABASE__URL": database_url or sqlite_url(folder),
        "LAWMEET_APP__DATA_DIR": str(folder),
        "LAWMEET_APP__PUBLIC_URL": f"http://127.0.0.1:{port}",
        "LAWMEET_SERVER__PORT": str(port),
        **extra,
    }
    _lawmeet(env, "migrate")
    _lawmeet(env, "demo")
    log = (folder / "server.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "serve"], cwd=PROJECT, env=env, stdout=log, stderr=log
    )
    base = f"http://127.0.0.1:{port}"
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


def _stop(server: subprocess.Popen[bytes]) -> None:
    server.terminate()
    server.wait(timeout=10)


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    base, server = _serve(tmp_path_factory.mktemp("e2e"))
    yield base
    _stop(server)


@dataclass
class StoryServer:
    """A server of its own whose clock a story sets (``[clock] adjustable``): Friday 21:40 is
    Friday 21:40 for every page, without editing the database."""

    base: str
    folder: Path
    database_url: str

    def set_clock(self, at: datetime) -> None:
        clock.set_to(self.folder, at)


def _postgres_database(name: str, statement: str) -> None:
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

    _off_the_loop(lambda: asyncio.run(run()))


def _off_the_loop(work: Callable[[], Any]) -> Any:
    """Playwright's sync API keeps an event loop running in this thread: asyncio work runs in
    another one."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(work).result()


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def story_server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[StoryServer]:
    from tests.conftest import POSTGRES_ADMIN_URL, _require, postgres_reachable

    folder = tmp_path_factory.mktemp(f"story-{request.param}")
    database, url = "", sqlite_url(folder)
    if request.param == "postgres":
        if not _off_the_loop(postgres_reachable):
            if _require("LAWMEET_REQUIRE_POSTGRES"):
                pytest.fail(f"PostgreSQL is required but not reachable at {POSTGRES_ADMIN_URL}")
            pytest.skip("PostgreSQL not reachable (set LAWMEET_REQUIRE_POSTGRES=1 to fail)")
        database = f"lawmeet_e2e_{os.getpid()}_{folder.name.replace('-', '_')}"
        _postgres_database(database, f'CREATE DATABASE "{database}"')
        url = f"{POSTGRES_ADMIN_URL.rpartition('/')[0]}/{database}"
    # Overdue tasks are looked for every 2 s, so a story sees its supervisor told promptly.
    base, server = _serve(folder, url, LAWMEET_CLOCK__ADJUSTABLE="true",
                          LAWMEET_NOTIFICATIONS__OVERDUE_SWEEP_SECONDS="2")  # fmt: skip
    yield StoryServer(base, folder, url)
    _stop(server)
    if database:
        _postgres_database(database, "")


def signed_in_pages(browser: Any, base: str) -> tuple[Callable[[str], Any], list[Any]]:
    """open_as(user): a browser context of its own, signed in, pages in English."""
    from playwright.sync_api import expect

    from tests.e2e.test_roles import sign_in, switch_to_english

    contexts: list[Any] = []

    def open_as(username: str, *, viewport: dict[str, int] | None = None) -> Any:
        context = browser.new_context(base_url=base, locale="zh-CN", viewport=viewport)
        contexts.append(context)
        page = context.new_page()
        page.goto("/login")
        switch_to_english(page)
        sign_in(page, username)
        expect(page.locator(".whoami")).to_be_visible()
        return page

    return open_as, contexts


@pytest.fixture
def story_as(browser: Any, story_server: StoryServer) -> Iterator[Callable[[str], Any]]:
    open_as, contexts = signed_in_pages(browser, story_server.base)
    yield open_as
    for context in contexts:
        context.close()


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).exists():
        if os.environ.get("LAWMEET_REQUIRE_BROWSER", "") not in ("", "0"):
            pytest.fail(f"Chromium is required but missing at {CHROMIUM}")
        pytest.skip(f"Chromium not installed at {CHROMIUM} (set LAWMEET_REQUIRE_BROWSER=1 to fail)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: object, live_server: str) -> Iterator[object]:
    context = browser.new_context(base_url=live_server, locale="zh-CN")  # type: ignore[attr-defined]
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def open_as(browser: Any, live_server: str) -> Iterator[Callable[[str], Any]]:
    """A separate browser (context) per user, signed in with the pages in English."""
    open_as, contexts = signed_in_pages(browser, live_server)
    yield open_as
    for context in contexts:
        context.close()
