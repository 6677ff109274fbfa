"""A remote video meeting in a browser (issue 20): Zhang asks for a video meeting, books it,
and her meeting page and calendar invite carry the join link with the time it works; the desk
checks her in with the confirmation that nothing is monitored or recorded (CPL 39(4)); and
from her meeting page she can report monitoring, the complaint pre-filled with its facts.

The demo's video room at Haidian has a fixed address (the default "fixed" provider)."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Page, expect

from app.demo.meetings import VIDEO_ADDRESS
from tests.e2e.flows import main_nav

pytestmark = pytest.mark.e2e

CLIENT = "刘建国"  # Zhang's client in the demo data, held at Haidian, documents accepted
BEIJING = ZoneInfo("Asia/Shanghai")


def _ask_for_a_video_meeting(lawyer: Page) -> tuple[str, datetime]:
    """From her client's page: a video meeting, booked at the earliest free time."""
    main_nav(lawyer).get_by_role("link", name="My clients").click()
    lawyer.get_by_role("link", name=CLIENT, exact=True).first.click()
    lawyer.get_by_role("link", name="Request a meeting").click()
    lawyer.locator("#f-request-room_kind").select_option("video_link")
    lawyer.get_by_role("button", name="Send the request").click()
    expect(lawyer.locator("#deadline")).to_be_visible()
    lawyer.locator(".earliest").get_by_role("button", name="Book this").click()
    expect(lawyer.locator("h1 code.reference")).to_be_visible()
    start = lawyer.locator("dd time[datetime]").first.get_attribute("datetime")
    assert start
    return lawyer.locator("h1 code.reference").inner_text().strip(), datetime.fromisoformat(start)


def test_a_video_meetings_page_and_invite_carry_the_join_link(
    open_as: Callable[[str], Page],
) -> None:
    lawyer = open_as("zhang.lawyer")
    reference, start = _ask_for_a_video_meeting(lawyer)
    meeting_url = lawyer.url

    video = lawyer.locator("#video")
    join = video.get_by_role("link", name="Join the video meeting")
    expect(join).to_have_attribute("href", VIDEO_ADDRESS)
    expect(video).to_contain_text("Beijing time")
    expect(video).not_to_contain_text("Asia/Shanghai")
    expect(lawyer.locator("main")).to_contain_text("Upload the three documents before the meeting")

    invite = lawyer.get_by_role("link", name="Download the calendar invite (.ics)")
    ics = lawyer.request.get(invite.get_attribute("href") or "").text()
    assert f"URL:{VIDEO_ADDRESS}" in ics.replace("\r\n ", "")

    # The desk checks her in from a distance: documents accepted beforehand, confidentiality.
    staff = open_as("haidian.desk")
    staff.goto(f"/board?day={start.astimezone(BEIJING).date().isoformat()}")
    item = staff.locator("article.board-item", has_text=reference)
    expect(item).to_contain_text("Checked and accepted by the desk")
    item.get_by_label(re.compile("The three documents were checked")).check()
    item.get_by_label(re.compile("neither monitored nor recorded")).check()
    item.get_by_role("button", name="Record check-in").click()
    item = staff.locator("article.board-item", has_text=reference)
    expect(item).to_contain_text("Confirmed neither monitored nor recorded")

    # She suspects otherwise: the complaint opens with the meeting's facts.
    lawyer.goto(meeting_url)
    expect(lawyer.locator("main")).to_contain_text("neither monitored nor recorded")
    lawyer.get_by_role("link", name="Report that this meeting was monitored or recorded").click()
    expect(lawyer.locator("#f-complain-complaint_type")).to_have_value("meeting_monitored")
    description = lawyer.locator("#f-complain-description")
    expect(description).to_contain_text(reference)
    expect(description).to_contain_text("视频会见室")
    expect(description).to_contain_text("held by video link")
