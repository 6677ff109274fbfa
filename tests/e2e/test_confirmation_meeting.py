"""Browser: the art. 8 confirmation meeting (R2015 art. 8). Zhang asks to meet her client to
confirm his ending of the engagement and books the earliest time; the desk sees the priority
mark in words on its day board, then records the client's written refusal on the request's
page; Zhang's request page shows the refusal passed to her."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.flows import main_nav

pytestmark = pytest.mark.e2e

CLIENT = "刘建国"  # Zhang's client in the demo data, held at Haidian
BEIJING = ZoneInfo("Asia/Shanghai")
MARK = "Priority: Meeting to confirm the client's ending or changing of the engagement"


def test_the_desk_sees_a_confirmation_meeting_first_and_passes_on_the_written_refusal(
    open_as: Callable[[str], Page],
) -> None:
    lawyer = open_as("zhang.lawyer")
    main_nav(lawyer).get_by_role("link", name="My clients").click()
    lawyer.get_by_role("link", name=CLIENT, exact=True).first.click()
    lawyer.get_by_role("link", name="Request a meeting").click()
    lawyer.locator("#f-request-purpose").select_option("engagement_confirmation")
    lawyer.get_by_role("button", name="Send the request").click()
    expect(lawyer.locator(".request-purpose")).to_contain_text(MARK)
    request_url = lawyer.url
    request_id = request_url.rstrip("/").rsplit("/", 1)[-1]
    # A later free time (the earliest ones may be held for offers to other lawyers).
    lawyer.locator("#book .slot-days input[type=radio]").last.check()
    lawyer.locator("#book .slot-days").locator("..").get_by_role(
        "button", name="Book the chosen time"
    ).click()
    expect(lawyer.locator("h1 code.reference")).to_be_visible()
    reference = lawyer.locator("h1 code.reference").inner_text().strip()
    start = datetime.fromisoformat(
        lawyer.locator("dd time[datetime]").first.get_attribute("datetime") or ""
    )

    staff = open_as("haidian.desk")
    main_nav(staff).get_by_role("link", name="Day board").click()
    staff.goto(f"/board?day={start.astimezone(BEIJING).date().isoformat()}")
    item = staff.locator("article.board-item", has_text=reference)
    expect(item).to_contain_text(MARK)

    staff.goto(f"/board/requests/{request_id}")
    staff.locator("#f-client_refusal_refused_on").fill(datetime.now(BEIJING).date().isoformat())
    staff.locator("#f-client_refusal_statement").fill("当事人亲笔书写拒绝会见书并签名")
    staff.get_by_role("button", name="Record the written refusal and tell the lawyer").click()
    expect(staff.locator(".request-status")).to_contain_text("Refused")
    expect(staff.locator(".written-refusal-date")).to_be_visible()

    lawyer.goto(request_url)
    expect(lawyer.locator("#h-request").locator("..")).to_contain_text(
        "当事人亲笔书写拒绝会见书并签名"
    )
