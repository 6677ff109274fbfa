"""Meetings in a browser (stories 1, 2, 3, 9 and 11): a lawyer books and the desk runs the
meeting on the day board; a walk-in is registered and scheduled within its 48 hours; a
permission case goes through the investigating authority's decision before it is booked.

The demo data (app.demo.meetings) gives the Haidian detention centre its rooms and opening
hours, and Zhang and Li their active engagements there; the permission case is created through
the pages, like a real one.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.flows import accept_documents, main_nav, open_case, register_engagement

pytestmark = pytest.mark.e2e

CLIENT = "刘建国"  # Zhang's client in the demo data, held at Haidian
WALK_IN_CLIENT = "孙志强"  # Li's client at Haidian, his documents accepted (demo data)
BEIJING = ZoneInfo("Asia/Shanghai")


def _instant(page: Page, selector: str) -> datetime:
    """The instant of a <time datetime="..."> element."""
    value = page.locator(selector).first.get_attribute("datetime")
    assert value, selector
    return datetime.fromisoformat(value)


def _book_earliest(lawyer: Page) -> tuple[str, datetime]:
    """On a request page: book the earliest free time; the meeting's reference and start."""
    lawyer.locator(".earliest").get_by_role("button", name="Book this").click()
    expect(lawyer.locator("h1 code.reference")).to_be_visible()
    reference = lawyer.locator("h1 code.reference").inner_text().strip()
    return reference, _instant(lawyer, "dd time[datetime]")


def _board_of(staff: Page, start: datetime) -> None:
    main_nav(staff).get_by_role("link", name="Day board").click()
    expect(staff.locator("h1")).to_contain_text("Day board")
    staff.goto(f"/board?day={start.astimezone(BEIJING).date().isoformat()}")


def test_a_booked_meeting_is_checked_in_and_completed_on_the_day_board(
    open_as: Callable[[str], Page],
) -> None:
    # Story 1: Zhang asks "as early as possible" and books the earliest free time.
    lawyer = open_as("zhang.lawyer")
    main_nav(lawyer).get_by_role("link", name="My clients").click()
    lawyer.get_by_role("link", name=CLIENT, exact=True).first.click()
    lawyer.get_by_role("link", name="Request a meeting").click()
    lawyer.get_by_role("button", name="Send the request").click()
    expect(lawyer.locator("#deadline")).to_be_visible()
    reference, start = _book_earliest(lawyer)
    meeting_url = lawyer.url

    # Stories 9 and 11: the desk finds it on the day board and records the attendance.
    staff = open_as("haidian.desk")
    _board_of(staff, start)
    expect(staff.locator(".board-grid")).to_contain_text(reference)
    item = staff.locator("article.board-item", has_text=reference)
    expect(item).to_contain_text("张律师")
    expect(item).to_contain_text(CLIENT)
    item.get_by_label(re.compile("The three documents were checked")).check()
    item.get_by_role("button", name="Record check-in").click()
    item = staff.locator("article.board-item", has_text=reference)
    expect(item).to_contain_text("documents verified")
    item.get_by_role("button", name="Record start").click()
    item = staff.locator("article.board-item", has_text=reference)
    expect(item.locator("dt", has_text="Started")).to_be_visible()
    item.get_by_role("button", name="Record end").click()
    item = staff.locator("article.board-item", has_text=reference)
    expect(item.locator(".board-state")).to_have_text("Completed")
    expect(item.get_by_role("button")).to_have_count(0)
    expect(staff.locator(f".board-meeting.state-completed:has-text('{reference}')")).to_be_visible()

    # Printed for the gate: the grid without navigation or forms.
    staff.emulate_media(media="print")
    expect(staff.locator(".board-grid")).to_be_visible()
    expect(main_nav(staff)).to_be_hidden()
    expect(staff.locator(".board-actions").first).to_be_hidden()
    staff.emulate_media(media="screen")

    # The lawyer sees the meeting completed; nothing about its content was asked.
    lawyer.goto(meeting_url)
    expect(lawyer.locator("main")).to_contain_text("Completed")
    expect(staff.locator("main textarea")).to_have_count(0)


def test_a_walk_in_is_registered_and_scheduled_within_48_hours(
    open_as: Callable[[str], Page],
) -> None:
    # Story 2: Li arrives unbooked; the officer registers him at the desk.
    staff = open_as("haidian.desk")
    main_nav(staff).get_by_role("link", name="Day board").click()
    staff.get_by_role("link", name="Register a walk-in").click()
    expect(staff.locator("main")).to_contain_text("never turned away for not having booked")
    staff.locator("#f-find-q").fill(WALK_IN_CLIENT)
    staff.get_by_role("button", name="Search").click()
    staff.get_by_label(re.compile(f"李律师 → {WALK_IN_CLIENT}")).first.check()
    for label in ("Practice licence", "Law-firm letter", "Power of attorney or legal-aid letter"):
        staff.get_by_label(label).check()
    staff.get_by_role("button", name="Register the walk-in").click()

    # The request runs its 48 hours; the first free room and time is one click away.
    expect(staff.locator("h1")).to_contain_text(f"李律师 → {WALK_IN_CLIENT}")
    expect(staff.locator("main")).to_contain_text("Walk-in")
    deadline = _instant(staff, ".request-deadline time")
    requested = datetime.now(BEIJING)
    assert timedelta(hours=48) <= deadline - requested <= timedelta(hours=49, minutes=1)
    offer = staff.locator(".board-offers form").first
    start = datetime.fromisoformat(
        offer.locator("input[name=starts_at]").get_attribute("value") or ""
    )
    assert start + timedelta(minutes=60) <= deadline
    offer.get_by_role("button", name="Book this slot").click()

    # Back on the day board of that day, the walk-in is booked.
    expect(staff).to_have_url(re.compile(r"/board\?day=\d{4}-\d{2}-\d{2}#m-\d+$"))
    anchor = staff.url.rsplit("#", 1)[1]
    item = staff.locator(f"article#{anchor}")
    expect(item).to_contain_text("walk-in")
    expect(item.locator(".board-state")).to_contain_text("Scheduled")
    expect(item.locator("h3")).to_contain_text(f"{start.astimezone(BEIJING):%H:%M}")


def test_a_permission_case_is_booked_after_the_investigators_decision(
    open_as: Callable[[str], Page],
) -> None:
    tag = secrets.token_hex(4).upper()
    number = f"京海国安(侦)字〔E2E〕{tag}号"
    name = f"测试{tag}"
    id_number = f"110108198{secrets.randbelow(10**9):09d}"
    yesterday = datetime.now(BEIJING) - timedelta(days=1)

    # Story 3: a state-security case under investigation, its detainee held at Haidian.
    investigator = open_as("zhao.investigator")
    open_case(investigator, number, "危害国家安全罪", name, id_number, yesterday, "state_security")

    lawyer = open_as("zhang.lawyer")
    register_engagement(lawyer, number, name, id_number)
    lawyer.get_by_role("button", name=re.compile("Send the engagement notice")).click()
    engagement_url = lawyer.url.split("#")[0]

    staff = open_as("haidian.desk")
    accept_documents(staff, name)

    # The lawyer asks; the request waits for the investigating authority (M5), no clock yet.
    lawyer.goto(engagement_url)
    lawyer.get_by_role("link", name="Request a meeting").click()
    expect(lawyer.locator("main")).to_contain_text("investigating authority")
    lawyer.get_by_role("button", name="Send the request").click()
    expect(lawyer.locator("#permission")).to_be_visible()
    expect(lawyer.locator("main")).to_contain_text("Awaiting permission")
    expect(lawyer.locator("#book")).to_have_count(0)
    request_url = lawyer.url

    # The investigator answers in writing within 3 days: permitted.
    main_nav(investigator).get_by_role("link", name="Meeting permissions").click()
    row = investigator.locator("tr", has_text=name)
    row.get_by_role("link", name="Decide").click()
    investigator.get_by_label("Permit the meeting").check()
    investigator.get_by_role("textbox", name="Contact unit").fill("北京市国家安全局")
    investigator.get_by_role("textbox", name="Contact person").fill("李警官")
    investigator.get_by_role("button", name="Record the decision").click()
    expect(investigator.locator("#permission")).to_contain_text("Permitted")

    # The 48 hours now run from the permission; the lawyer books within them.
    lawyer.goto(request_url)
    expect(lawyer.locator("#permission")).to_contain_text("Permitted")
    expect(lawyer.locator("#deadline")).to_be_visible()
    reference, start = _book_earliest(lawyer)
    staff.goto(f"/board?day={start.astimezone(BEIJING).date().isoformat()}")
    expect(staff.locator("article.board-item", has_text=reference)).to_contain_text(name)
