"""A lawyer on a 390 px phone (issue 17): from signing in, her home page shows her next meeting
and her open request's time left on the first screen, and she books the offered time in two
taps (the request, then "book this"), in Chinese.

The demo data gives Zhang a meeting with 刘建国 at the Haidian centre; she asks for another
through her client's page first, as she would from the client's file.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.e2e.test_roles import sign_in

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
CLIENT = "刘建国"  # Zhang's client in the demo data, held at Haidian


@pytest.fixture
def phone(browser: Any, live_server: str) -> Iterator[Page]:
    context = browser.new_context(base_url=live_server, locale="zh-CN", viewport=PHONE)
    page = context.new_page()
    yield page
    context.close()


def _on_first_screen(item: Locator) -> None:
    box = item.bounding_box()
    assert box is not None
    assert box["y"] + box["height"] <= PHONE["height"], f"below the first screen: {box}"


def _ask_for_a_meeting(page: Page) -> None:
    page.goto("/clients")
    page.get_by_role("link", name=CLIENT, exact=True).first.click()
    page.get_by_role("link", name="申请会见").click()
    page.get_by_role("button", name="提交申请").click()
    expect(page.locator("#deadline")).to_be_visible()


def test_a_lawyer_on_a_phone_sees_what_is_next_and_books_the_offered_time_in_two_taps(
    phone: Page,
) -> None:
    sign_in(phone, "zhang.lawyer")
    _ask_for_a_meeting(phone)
    phone.goto("/")

    next_meeting = phone.locator("#h-next-meetings + .home-list .home-item").first
    expect(next_meeting).to_contain_text("北京时间")
    _on_first_screen(next_meeting)
    request = phone.locator("#h-open-requests + .home-list .home-item", has_text=CLIENT).first
    time_left = request.locator(".time-left")
    expect(time_left).to_contain_text("剩余")
    expect(time_left).not_to_contain_text(".")  # words, never "29.3"
    _on_first_screen(time_left)

    request.locator("a.home-action").click()  # tap 1: the request, at its booking section
    phone.locator(".earliest button[type=submit]").click()  # tap 2: book the offered time
    expect(phone.locator("h1 code.reference")).to_be_visible()
    reference = phone.locator("h1 code.reference").inner_text().strip()

    phone.goto("/")
    expect(phone.locator("#h-next-meetings + .home-list")).to_contain_text(reference)
