"""Browser tests: a real `lawmeet serve` on a fresh database, driven by Playwright.

The user stories (``story_server``) run twice, on SQLite and on PostgreSQL (a database of
their own, dropped afterwards); the other browser tests share one server on SQLite.

Chromium comes from Debian (/usr/bin/chromium); Playwright's own browser download is not used.
Without Chromium the tests are skipped, unless LAWMEET_REQUIRE_BROWSER=1 makes that a failure.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from app import clock
from tests.live_server import serve_demo, server_database, stop_server

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


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    base, server = serve_demo(tmp_path_factory.mktemp("e2e"))
    yield base
    stop_server(server)


@dataclass
class StoryServer:
    """A server of its own whose clock a story sets (``[clock] adjustable``): Friday 21:40 is
    Friday 21:40 for every page, without editing the database."""

    base: str
    folder: Path
    database_url: str

    def set_clock(self, at: datetime) -> None:
        clock.set_to(self.folder, at)


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def story_server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[StoryServer]:
    folder = tmp_path_factory.mktemp(f"story-{request.param}")
    with server_database(request.param, folder, "lawmeet_e2e") as url:
        # Overdue tasks are looked for every 2 s, so a story sees its supervisor told promptly.
        base, server = serve_demo(folder, url, LAWMEET_CLOCK__ADJUSTABLE="true",
                              LAWMEET_NOTIFICATIONS__OVERDUE_SWEEP_SECONDS="2")  # fmt: skip
        yield StoryServer(base, folder, url)
        stop_server(server)


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
