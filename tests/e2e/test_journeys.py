"""Journeys across roles at the time the story says (issue 15), on a server whose clock the test
sets: a lawyer asks on a Friday night before the desk has checked her documents (story 1), and
an unbooked lawyer whose uploads nobody has checked yet is found and checked at the gate
(story 2); an investigator's deadlines and the supervisor who sees the overdue ones (story 13);
the licence checked against the bar's imported register (story 14). Each person acts in a
browser of their own, from their home page."""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Page, expect

from app.demo import demo_register
from tests.e2e.conftest import StoryServer
from tests.e2e.flows import (
    accept_documents,
    main_nav,
    open_case,
    open_detainee,
    register_engagement,
)

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
    main_nav(lawyer).get_by_role("link", name=re.compile("Inbox")).click()
    expect(lawyer.locator("main")).to_contain_text("律师事务所证明未盖章")


def test_story_2_an_unchecked_walk_in_is_found_checked_at_the_gate_and_booked(
    story_server: StoryServer, story_as: Callable[[str], Page]
) -> None:
    investigator = story_as("zhao.investigator")
    number, name, id_number = _new_client(investigator, datetime.now(BEIJING) - timedelta(days=1))
    lawyer = story_as("li.lawyer")
    register_engagement(lawyer, number, name, id_number)  # uploaded, never checked

    desk = story_as("haidian.desk")
    main_nav(desk).get_by_role("link", name="Day board").click()
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


def _submit(lawyer: Page, client_url: str, kind: str, text: str) -> None:
    lawyer.goto(client_url)
    lawyer.get_by_role("link", name="Submit to the agency").click()
    lawyer.locator("#f-submit-kind").select_option(kind)
    lawyer.locator("#f-submit-text").fill(text)
    lawyer.get_by_role("button", name="Submit", exact=True).click()
    expect(lawyer).to_have_url(re.compile(r"/submissions/\d+/receipt$"))


def test_story_13_the_task_list_shows_deadlines_and_the_supervisor_sees_the_overdue_one(
    story_server: StoryServer, story_as: Callable[[str], Page]
) -> None:
    filed = _next_friday_night() + timedelta(days=7, hours=-10)  # a Friday, 11:40
    story_server.set_clock(filed)
    investigator = story_as("zhao.investigator")
    number, name, id_number = _new_client(investigator, filed - timedelta(days=3))
    lawyer = story_as("zhang.lawyer")
    register_engagement(lawyer, number, name, id_number)
    client_url = lawyer.url.split("#")[0]
    accept_documents(story_as("haidian.desk"), name)
    _submit(lawyer, client_url, "opinion", f"关于{name}一案的辩护意见（一）")
    _submit(lawyer, client_url, "opinion", f"关于{name}一案的辩护意见（二）")
    _submit(lawyer, client_url, "measure_change", f"申请对{name}变更为取保候审")

    # The investigator's list: two opinions to acknowledge, one application with its deadline.
    main_nav(investigator).get_by_role("link", name="Submissions to handle").click()
    mine = investigator.locator("#h-tasks").locator("xpath=..").locator("tbody tr", has_text=number)
    expect(mine).to_have_count(3)
    application = mine.filter(has_text="Application to change a compulsory measure")
    expect(application.locator("td").nth(4)).to_contain_text(
        re.compile(r"\d{1,2} [A-Z][a-z]{2} \d{4}, ")
    )
    expect(application).not_to_have_class(re.compile("overdue"))

    # Days later the decision is still not taken (sessions have lapsed: each signs in again):
    # the row is red, and the supervisor sees it.
    story_server.set_clock(filed + timedelta(days=6))
    investigator = story_as("zhao.investigator")
    main_nav(investigator).get_by_role("link", name="Submissions to handle").click()
    mine = investigator.locator("#h-tasks").locator("xpath=..").locator("tbody tr", has_text=number)
    application = mine.filter(has_text="Application to change a compulsory measure")
    expect(application).to_have_class(re.compile("overdue"))
    supervisor = story_as("qian.supervisor")
    main_nav(supervisor).get_by_role("link", name="Submissions to handle").click()
    overdue = supervisor.locator(".supervision tbody tr", has_text=number)
    expect(overdue).to_have_count(1)
    expect(overdue).to_contain_text("Decide a lawyer's application")
    # ... and is told: the worker's sweep leaves a notice in the inbox.
    inbox = main_nav(supervisor).get_by_role("link", name=re.compile("Inbox"))
    for _ in range(20):
        inbox.click()
        if supervisor.locator("main", has_text=number).count():
            break
        supervisor.wait_for_timeout(1000)
    expect(supervisor.locator("main")).to_contain_text(number)


# The bar's newer register: the demo's, with Li suspended, Wang added and a mistyped line.
REGISTER = (
    demo_register().replace("李律师,北京正义律师事务所,执业", "李律师,北京正义律师事务所,停止执业")
    + "11012021120345678,王律师,北京公正律师事务所,执业\n"
    + "1101202112034567,赵某,某所,执业\n"
)


def test_story_14_the_auditor_checks_the_licence_against_the_imported_register(
    story_server: StoryServer, story_as: Callable[[str], Page], browser: Any
) -> None:
    auditor = story_as("chen.auditor")
    main_nav(auditor).get_by_role("link", name="Licence verification").click()
    wang = auditor.locator("article.verification", has_text="王律师")
    expect(wang).to_contain_text("Not on the register")
    expect(wang.get_by_role("button", name="Licence checked: activate")).to_have_count(0)

    # The bar's newest register: Wang added, Li suspended, one bad line refused.
    auditor.get_by_role("link", name="Import the register").click()
    auditor.locator("#f-register-file").set_input_files(
        {"name": "register.csv", "mimeType": "text/csv", "buffer": REGISTER.encode("gb18030")}
    )
    auditor.get_by_role("button", name="Import", exact=True).click()
    report = auditor.locator("table.import-report")
    expect(report.locator("tr.outcome-added")).to_contain_text("11012021120345678")
    expect(report.locator("tr.outcome-changed")).to_contain_text("11012010110765432")
    expect(report.locator("tr.outcome-refused")).to_contain_text("17")
    expect(auditor.locator("main")).to_contain_text("李律师")  # flagged: no longer practising

    auditor.get_by_role("link", name="Licence verification").first.click()
    wang = auditor.locator("article.verification", has_text="王律师")
    expect(wang).to_contain_text("On the register, practising")
    wang.get_by_role("button", name="Licence checked: activate").click()
    expect(auditor.locator("[role=status]")).to_contain_text("now active")
    expect(auditor.locator("#flagged").locator("xpath=..")).to_contain_text("11012010110765432")

    # Wang signs in, in a browser of his own, and reads the notice.
    lawyer = story_as("wang.lawyer")
    main_nav(lawyer).get_by_role("link", name=re.compile("Inbox")).click()
    expect(lawyer.locator("main")).to_contain_text("11012021120345678")


def test_story_14_a_licence_not_on_the_register_is_refused_and_the_lawyer_reads_why(
    story_server: StoryServer, story_as: Callable[[str], Page], browser: Any
) -> None:
    context = browser.new_context(base_url=story_server.base, locale="zh-CN")
    try:
        newcomer = context.new_page()
        newcomer.goto("/register")
        tag = secrets.randbelow(10**6)
        username, password = f"new.lawyer{tag}", "a-long-demo-password-2026"
        for field, value in (("username", username), ("display_name", "孙律师"),
                             ("email", f"{username}@example.test"),
                             ("licence_number", f"11012019110{tag:06d}"),
                             ("law_firm", "北京新锐律师事务所"), ("password", password),
                             ("password_again", password)):  # fmt: skip
            newcomer.locator(f"[name={field}]").fill(value)
        newcomer.locator("form button[type=submit]").last.click()
        auditor = story_as("chen.auditor")
        main_nav(auditor).get_by_role("link", name="Licence verification").click()
        card = auditor.locator("article.verification", has_text="孙律师")
        expect(card).to_contain_text("Not on the register")
        card.locator("textarea").fill("执业证号不在北京市律师协会执业登记中")
        card.get_by_role("button", name="Refuse the registration").click()
        expect(auditor.locator("[role=status]")).to_contain_text("refused")
        newcomer.goto("/login")
        newcomer.locator("[name=username]").fill(username)
        newcomer.locator("[name=password]").fill(password)
        newcomer.locator("form button[type=submit]").last.click()
        expect(newcomer.locator("[role=alert]")).to_contain_text(
            "执业证号不在北京市律师协会执业登记中"
        )
    finally:
        context.close()
