"""Browser: a freed time goes to the request with the least statutory time left (issue 20).

Zhang cancels her meeting at Haidian. The demo's most urgent request there is He's for 郑志远
(3 hours left at loading, nothing booked): the waitlist holds Zhang's freed hour for it. The
desk sees the held time on its day board; He, on his phone and in Chinese, finds it at the top
of his home page and accepts it in one tap; the desk then sees it taken. Each person in a
browser of their own; on SQLite and PostgreSQL.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import StoryServer
from tests.e2e.test_roles import sign_in

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
URGENT_CLIENT = "郑志远"  # client G of app.demo.today: he.lawyer, 3 hours left at loading


@pytest.fixture
def phone_as(browser: Any, story_server: StoryServer) -> Iterator[Callable[[str], Page]]:
    contexts: list[Any] = []

    def open_phone(username: str) -> Page:
        context = browser.new_context(base_url=story_server.base, locale="zh-CN", viewport=PHONE)
        contexts.append(context)
        page = context.new_page()
        sign_in(page, username)
        return page

    yield open_phone
    for context in contexts:
        context.close()


def _until_shown(page: Page, path: str, selector: str, seconds: float = 30) -> None:
    """Reload ``path`` until ``selector`` appears: the worker makes the offer within a poll."""
    deadline = time.monotonic() + seconds
    while True:
        page.goto(path)
        if page.locator(selector).count() or time.monotonic() > deadline:
            break
        page.wait_for_timeout(500)
    expect(page.locator(selector).first).to_be_visible()


def test_a_freed_hour_is_held_for_the_most_urgent_request_and_accepted_on_a_phone(
    story_as: Callable[[str], Page], phone_as: Callable[[str], Page]
) -> None:
    zhang = story_as("zhang.lawyer")
    zhang.goto("/")
    zhang.locator("#h-next-meetings + .home-list .home-main").first.click()
    reference = zhang.locator("h1 code.reference").inner_text()
    freed_start = zhang.locator("dl.details time").first.inner_text()
    zhang.locator("#cancel textarea").fill("The client has engaged another firm")
    zhang.get_by_role("button", name="Cancel the meeting").click()
    expect(zhang).to_have_url(re.compile(r"/meeting-requests/\d+$"))

    desk = story_as("haidian.desk")
    _until_shown(desk, "/board", f"#offers li:has-text('{URGENT_CLIENT}')")
    held = desk.locator("#offers li", has_text=URGENT_CLIENT)
    expect(held).to_contain_text("held until")
    expect(held).to_contain_text(freed_start)  # Zhang's freed hour, not any free time
    offer_path = held.locator("a").first.get_attribute("href")
    assert offer_path is not None and re.fullmatch(r"/offers/\d+", offer_path)

    he = phone_as("he.lawyer")
    _until_shown(he, "/", "#h-offers")
    offered = he.locator(".home-card.offers .home-item").first
    expect(offered).to_contain_text("北京市海淀区看守所")
    expect(offered).to_contain_text("为您保留至")
    box = offered.bounding_box()
    assert box is not None and box["y"] + box["height"] <= PHONE["height"]  # first screen
    offered.get_by_role("button", name="接受此时间").click()  # the one tap
    expect(he).to_have_url(re.compile(r"/meetings/\d+$"))
    expect(he.locator("main")).to_contain_text(URGENT_CLIENT)
    expect(he.locator("h1 code.reference")).not_to_have_text(reference)

    desk.goto(offer_path)
    expect(desk.locator("main")).to_contain_text("Accepted")
    desk.goto("/board")
    expect(desk.locator(f'#offers a[href="{offer_path}"]')).to_have_count(0)
