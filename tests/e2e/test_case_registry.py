"""The case registry in a browser (user stories 1, 11 and 12): an investigator opens a case, a
lawyer registers the engagement from the documents up, staff check them, the investigator
records an arrest, and the lawyer reads it on the timeline.

Everything the story needs is created through the pages, so it does not depend on demo cases.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.flows import DOCUMENTS, main_nav, open_case, register_engagement

pytestmark = pytest.mark.e2e

AGENCY = "北京市公安局海淀分局刑侦支队"


def test_engagement_from_registration_to_the_timeline(open_as: Callable[[str], Page]) -> None:
    tag = secrets.token_hex(4).upper()
    number = f"京海公(刑)立字〔E2E〕{tag}号"
    name = f"测试{tag}"
    id_number = f"110108199{secrets.randbelow(10**9):09d}"
    beijing = ZoneInfo("Asia/Shanghai")
    yesterday = datetime.now(beijing) - timedelta(days=1)

    # Story 12, first half: the investigator opens the case with a new detainee.
    investigator: Page = open_as("zhao.investigator")
    open_case(investigator, number, "诈骗罪", name, id_number, yesterday)
    case_url = investigator.url

    # Story 1: the lawyer finds her client, registers, uploads the three documents, notifies.
    lawyer: Page = open_as("zhang.lawyer")
    nav = main_nav(lawyer)
    expect(nav.get_by_role("link", name="Cases", exact=True)).to_have_count(0)
    register_engagement(lawyer, number, name, id_number)
    expect(lawyer.locator("#documents")).to_contain_text("Not yet checked")
    lawyer.get_by_role("button", name=re.compile("Send the engagement notice")).click()
    expect(lawyer.locator("#notice")).to_contain_text(f"Sent to {AGENCY} on")
    expect(
        lawyer.get_by_role("button", name=re.compile("Send the engagement notice"))
    ).to_have_count(0)
    engagement_url = lawyer.url.split("#")[0]

    # Story 11: the desk officer checks the three documents against the engagement.
    staff: Page = open_as("haidian.desk")
    main_nav(staff).get_by_role("link", name="Detainees").click()
    staff.get_by_role("link", name=name, exact=True).click()
    expect(staff.locator(".id-number")).to_have_text(id_number)
    for _ in DOCUMENTS:
        staff.get_by_role("button", name=re.compile("^Accept")).first.click()
        expect(staff.locator("h1")).to_have_text(name)
    expect(staff.locator("main")).to_contain_text("3 of 3 accepted")
    expect(staff.get_by_role("button", name=re.compile("^Accept"))).to_have_count(0)

    # Story 12: the arrest, effective yesterday 17:30 on the detention centre's clock.
    investigator.goto(case_url)
    investigator.locator("#f-event-kind").select_option("arrest")
    investigator.locator("#f-event-effective_date").fill(f"{yesterday:%Y-%m-%d}")
    investigator.locator("#f-event-effective_time").fill("17:30")
    investigator.locator("#f-event-note").fill("经检察院批准逮捕")
    investigator.get_by_role("button", name="Record the event").click()
    expect(investigator.locator("table.timeline")).to_contain_text("Arrest")
    expect(investigator.locator("#engagements")).to_contain_text("Active")

    # The lawyer's engagement is active and the arrest is on her timeline.
    lawyer.goto(engagement_url)
    timeline = lawyer.locator("table.timeline")
    expect(timeline).to_contain_text("Arrest")
    said = f"{yesterday.day} {yesterday:%b} {yesterday.year}, 17:30 Beijing time"
    expect(timeline).to_contain_text(said)
    expect(timeline).to_contain_text("经检察院批准逮捕")

    # Issue 7's scenario: the arrest notice reaches the lawyer's inbox (delivered by the
    # server's in-process worker), she files a written opinion, the investigator acknowledges
    # it and attaches it to the file, and her rights checklist shows that duty (O1) met on time.
    lawyer.goto("/inbox")
    expect(lawyer.locator("main")).to_contain_text(number, timeout=20_000)
    lawyer.goto(f"{engagement_url}/submissions")
    lawyer.locator("#f-submit-kind").select_option("opinion")
    lawyer.locator("#f-submit-text").fill("犯罪嫌疑人无罪的书面辩护意见")
    lawyer.get_by_role("button", name="Submit", exact=True).click()
    expect(lawyer).to_have_url(re.compile(r"/submissions/\d+/receipt$"))
    submission_url = lawyer.url.removesuffix("/receipt")

    investigator.goto(submission_url)
    investigator.get_by_role("button", name="Acknowledge receipt").click()
    investigator.locator("#f-attach-file_reference").fill("卷一第7页")
    investigator.get_by_role("button", name="Record: attached to the case file").click()
    expect(investigator.get_by_role("button", name="Acknowledge receipt")).to_have_count(0)

    lawyer.goto(f"{engagement_url}/checklist")
    expect(lawyer.locator("tr.duty-met_on_time", has_text="O1")).to_have_count(1)
    # The arrest predates her engagement notice, so N1 (charges and facts) is what she is owed.
    expect(lawyer.locator("tr.duty", has_text="N1")).to_have_count(1)
    expect(lawyer.locator("tr.duty", has_text="N2")).to_have_count(0)
