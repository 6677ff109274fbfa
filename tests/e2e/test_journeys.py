"""Journeys across roles at the time the story says (issue 15), on a server whose clock the test
sets: a lawyer asks on a Friday night before the desk has checked her documents (story 1), and
an unbooked lawyer whose uploads nobody has checked yet is found and checked at the gate
(story 2). Each person acts in a browser of their own, from their home page."""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import StoryServer
from tests.e2e.flows import accept_documents, open_case, open_detainee, register_engagement

pytestmark = pytest.mark.e2e
BEIJING = ZoneInfo("Asia/Shanghai")


def _next_friday_night() -> datetime:
    """The coming Friday 21:40 in Beijing, at least a day ahead (the clock only moves on)."""
    now = datetime.now(BEIJING) + timedelta(days=1)
    day = now.date() + timedelta(days=(4 - now.weekday()) % 7)
    return datetime(day.year, day.month, day.day, 21, 40, tzinfo=BEIJING)


def _instant(page: Page, selector: str) -> datetime:
    value = page.locator(selector).first.get_attribute("datetime")
    assert value, selector
    return datetime.fromisoformat(value)


def _new_client(investigator: Page, admitted: datetime) -> tuple[str, str, str]:
    tag = secrets.token_hex(4).upper()
    number, name = f"京海公(刑)字〔J〕{tag}号", f"旅程{tag}"
    id_number = f"110108199{secrets.randbelow(10**9):09d}"
    open_case(investigator, number, "诈骗罪", name, id_number, admitted)
    return number, name, id_number


def test_story_1_a_friday_night_request_is_accepted_before_the_desk_checks(
    story_server: StoryServer, story_as: Callable[[str], Page]
) -> None:
    friday = _next_friday_night()
    story_server.set_clock(friday)
    investigator = story_as("zhao.investigator")
    number, name, id_number = _new_client(investigator, friday - timedelta(days=1))

    # Zhang registers the engagement from her phone, uploads the three documents, sends the
    # notice, and asks at once: nobody at the centre has checked anything yet.
    lawyer = story_as("zhang.lawyer")
    lawyer.set_viewport_size({"width": 390, "height": 844})
    register_engagement(lawyer, number, name, id_number)
    lawyer.get_by_role("button", name=re.compile("Send the engagement notice")).click()
    expect(lawyer.locator("main")).to_contain_text("you may ask for a meeting now")
    client_url = lawyer.url.split("#")[0]
    lawyer.get_by_role("link", name="Request a meeting").first.click()
    lawyer.get_by_role("button", name="Send the request").click()

    # The limit: 48 hours counted from the next full hour (22:00), so Sunday 22:00.
    expect(lawyer.locator("#deadline")).to_be_visible()
    deadline = _instant(lawyer, "#deadline time[datetime]")
    assert deadline == datetime(friday.year, friday.month, friday.day, 22, 0,
                                tzinfo=BEIJING) + timedelta(hours=48)  # fmt: skip
    lawyer.locator(".earliest").get_by_role("button", name="Book this").click()
    expect(lawyer.locator("h1 code.reference")).to_be_visible()
    start = _instant(lawyer, "dd time[datetime]").astimezone(BEIJING)
    assert start.date() == friday.date() + timedelta(days=1)  # Saturday morning
    assert start + timedelta(hours=1) <= deadline

    # Monday or Saturday, whenever the desk gets to it: it checks the three documents.
    desk = story_as("haidian.desk")
    accept_documents(desk, name)
    lawyer.goto(client_url)
    expect(lawyer.locator("main")).to_contain_text("Active")


def test_story_1_a_rejected_document_refuses_the_request_and_the_lawyer_is_told_why(
    story_server: StoryServer, story_as: Callable[[str], Page]
) -> None:
    investigator = story_as("zhao.investigator")
    number, name, id_number = _new_client(investigator, datetime.now(BEIJING) - timedelta(days=1))
    lawyer = story_as("zhang.lawyer")
    register_engagement(lawyer, number, name, id_number)
    lawyer.get_by_role("link", name="Request a meeting").first.click()
    lawyer.get_by_role("button", name="Send the request").click()
    expect(lawyer.locator("#deadline")).to_be_visible()
    request_url = lawyer.url

    desk = story_as("haidian.desk")
    open_detainee(desk, name)
    review = desk.locator("form", has=desk.get_by_role("button", name=re.compile("^Reject"))).nth(1)
    review.locator("textarea, input[name=note]").first.fill("律师事务所证明未盖章")
    review.get_by_role("button", name=re.compile("^Reject")).click()

    lawyer.goto(request_url)
    expect(lawyer.locator("main")).to_contain_text("Refused")
    lawyer.locator("nav.main-nav").get_by_role("link", name=re.compile("Inbox")).click()
    expect(lawyer.locator("main")).to_contain_text("律师事务所证明未盖章")


def test_story_2_an_unchecked_walk_in_is_found_checked_at_the_gate_and_booked(
    story_server: StoryServer, story_as: Callable[[str], Page]
) -> None:
    investigator = story_as("zhao.investigator")
    number, name, id_number = _new_client(investigator, datetime.now(BEIJING) - timedelta(days=1))
    lawyer = story_as("li.lawyer")
    register_engagement(lawyer, number, name, id_number)  # uploaded, never checked

    desk = story_as("haidian.desk")
    desk.locator("nav.main-nav").get_by_role("link", name="Day board").click()
    desk.get_by_role("link", name="Register a walk-in").click()
    desk.locator("#f-find-q").fill(name)
    desk.get_by_role("button", name="Search").click()
    # Found although nobody has checked the uploads yet, and marked so.
    desk.get_by_label(re.compile(f"李律师 → {name}.*documents not yet checked")).check()
    for label in ("Practice licence", "Law-firm letter", "Power of attorney or legal-aid letter"):
        desk.get_by_label(label).check()
    desk.get_by_role("button", name="Register the walk-in").click()

    expect(desk.locator("h1")).to_contain_text(f"李律师 → {name}")
    deadline = _instant(desk, ".request-deadline time")
    offer = desk.locator(".board-offers form").first
    start = datetime.fromisoformat(
        offer.locator("input[name=starts_at]").get_attribute("value") or ""
    )
    assert start + timedelta(minutes=60) <= deadline
    offer.get_by_role("button", name="Book this slot").click()
    expect(desk).to_have_url(re.compile(r"/board\?day=\d{4}-\d{2}-\d{2}#m-\d+$"))
    item = desk.locator(f"article#{desk.url.rsplit('#', 1)[1]}")
    expect(item.locator(".board-state")).to_contain_text("Scheduled")
