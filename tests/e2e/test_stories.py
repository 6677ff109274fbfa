"""One browser test per user story (/work/shared/USER_STORIES.md) for stories 3 to 12, 15 and
16; stories 1, 2, 13 and 14 are in test_journeys.py. Each runs on SQLite and on PostgreSQL.

Every person acts in a browser of their own (``story_as``), from their home page, through the
main navigation, links, buttons and forms. Each story creates its own cases and engagements
through the pages, with random tags, so it does not depend on another story's data.

The server of this module has an adjustable clock that only moves forward. Each story that
names a time sets it on a weekly plan: week 0 and week 1 start on Mondays at least three days
ahead, and the stories come in file order along it. A jump of more than the 30-minute idle
timeout signs everyone out, so a person acting after a jump opens a fresh browser. Story 15
comes first: it reads the demo history's last quarter at the real date, before the clock moves.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
import subprocess
import sys
import time as timer
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Locator, Page, expect

from notifications.wording import day_in_words, local_time
from tests.e2e.conftest import PROJECT, StoryServer
from tests.e2e.flows import (
    FACILITY,
    PDF,
    accept_documents,
    main_nav,
    open_case,
    register_engagement,
)

pytestmark = pytest.mark.e2e

BEIJING = ZoneInfo("Asia/Shanghai")
MON, TUE, WED, THU, FRI, SAT = range(6)
CHAOYANG = "北京市朝阳区看守所"
EMAIL = {"zhang.lawyer": "zhang@mingde.example", "li.lawyer": "li@zhengyi.example"}
PHONE = {"zhang.lawyer": "+8613800000001", "li.lawyer": "+8613800000002"}
WAIT_MS = 20_000  # notices are delivered by the server's in-process worker

OpenAs = Callable[[str], Page]


# -- time --------------------------------------------------------------------------------------


def _monday(week: int) -> date:
    """The Monday of plan week ``week``: week 0 starts at least three days from now."""
    soon = datetime.now(BEIJING).date() + timedelta(days=3)
    return soon + timedelta(days=(7 - soon.weekday()) % 7 + 7 * week)


def _at(week: int, weekday: int, hour: int, minute: int = 0) -> datetime:
    day = _monday(week) + timedelta(days=weekday)
    return datetime.combine(day, time(hour, minute), tzinfo=BEIJING)


def _instant(scope: Page | Locator, selector: str) -> datetime:
    value = scope.locator(selector).first.get_attribute("datetime")
    assert value, selector
    return datetime.fromisoformat(value)


def _minute(moment: datetime) -> str:
    """A moment as the English pages say it: "Wed 9 Dec 2026, 12:00 Beijing time"."""
    return local_time(moment, "Asia/Shanghai", "en")


def _zh_day(day: date) -> str:
    """A date as the Chinese notices write it: 2027年1月17日."""
    return f"{day.year}年{day.month}月{day.day}日"


def _add_months(day: date, months: int) -> date:
    """The same date ``months`` later, or that month's last day (CPL 105; SPC 202)."""
    year, month = divmod(day.month - 1 + months, 12)
    year, month = day.year + year, month + 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError(day)


# -- people and pages ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Client:
    number: str
    name: str
    id_number: str


def _new_client(
    investigator: Page,
    admitted: datetime,
    *,
    category: str | None = None,
    charges: str = "诈骗罪",
    prefix: str = "京海公(刑)字",
) -> Client:
    """The investigator opens a case whose new detainee is held at Haidian."""
    tag = secrets.token_hex(4).upper()
    number, name = f"{prefix}〔S〕{tag}号", f"故事{tag}"
    id_number = f"110108199{secrets.randbelow(10**9):09d}"
    open_case(investigator, number, charges, name, id_number, admitted, category)
    return Client(number, name, id_number)


def _nav(page: Page, label: str) -> None:
    main_nav(page).get_by_role("link", name=re.compile(f"^{re.escape(label)}")).click()


def _engage_checked(lawyer: Page, client: Client, open_as: OpenAs) -> None:
    """The lawyer registers the engagement with its three documents and sends the notice; the
    Haidian desk accepts the documents."""
    register_engagement(lawyer, client.number, client.name, client.id_number)
    lawyer.get_by_role("button", name=re.compile("Send the engagement notice")).click()
    accept_documents(open_as("haidian.desk"), client.name)


def _open_client(lawyer: Page, client: Client) -> None:
    _nav(lawyer, "My clients")
    lawyer.get_by_role("link", name=client.name, exact=True).click()
    expect(lawyer.locator("h1")).to_have_text(client.name)


def _open_case(investigator: Page, client: Client) -> None:
    _nav(investigator, "Cases")
    investigator.get_by_role("link", name=client.number, exact=True).click()
    expect(investigator.locator("h1")).to_contain_text(client.number)


def _record_event(
    investigator: Page, kind: str, at: datetime, note: str = "", **details: str
) -> None:
    """On the case page: record an event effective ``at`` (Beijing wall clock)."""
    local = at.astimezone(BEIJING)
    investigator.locator("#f-event-kind").select_option(kind)
    investigator.locator("#f-event-effective_date").fill(f"{local:%Y-%m-%d}")
    investigator.locator("#f-event-effective_time").fill(f"{local:%H:%M}")
    if note:
        investigator.locator("#f-event-note").fill(note)
    for name, value in details.items():
        investigator.locator(f"#f-event-{name}").fill(value)
    investigator.get_by_role("button", name="Record the event").click()
    expect(investigator.locator("table.timeline")).to_contain_text(_minute(local))


def _detail(scope: Page | Locator, label: str | re.Pattern[str]) -> Locator:
    """The value (<dd>) of a definition list entry (<dt>)."""
    return scope.locator("dt", has_text=label).locator("xpath=following-sibling::dd[1]")


def _open_request(lawyer: Page, client: Client) -> None:
    """The lawyer's meeting request for ``client``, from the Meetings list."""
    _nav(lawyer, "Meetings")
    lawyer.locator("tr", has_text=client.name).get_by_role("link", name="Open").click()
    expect(lawyer.locator("h1")).to_contain_text(client.name)


def _board_of(desk: Page, day: date) -> None:
    """The day board of ``day``, from today's, day by day."""
    _nav(desk, "Day board")
    for _ in range(7):
        if desk.locator("h1 time").get_attribute("datetime") == day.isoformat():
            return
        desk.get_by_role("link", name="Next day").click()
    expect(desk.locator("h1 time")).to_have_attribute("datetime", day.isoformat())


def _ask_for_meeting(lawyer: Page, **fields: str) -> None:
    """From the client's page: request a meeting (optional form fields by id suffix)."""
    lawyer.get_by_role("link", name="Request a meeting").first.click()
    for name, value in fields.items():
        lawyer.locator(f"#f-request-{name}").fill(value)
    lawyer.get_by_role("button", name="Send the request").click()
    expect(lawyer.locator("h1")).to_contain_text("Meeting request")


def _book_on(lawyer: Page, day: date) -> str:
    """On a request page: book the first free time of ``day``; the meeting's reference."""
    slots = lawyer.locator("fieldset.slot-day").filter(
        has=lawyer.locator(f"time[datetime='{day.isoformat()}']")
    )
    slots.locator("input[type=radio]").first.check()
    lawyer.locator("form", has=slots).get_by_role("button", name="Book the chosen time").click()
    expect(lawyer.locator("h1 code.reference")).to_be_visible()
    return lawyer.locator("h1 code.reference").inner_text().strip()


def _book_earliest(lawyer: Page) -> tuple[str, datetime]:
    lawyer.locator(".earliest").get_by_role("button", name="Book this").click()
    expect(lawyer.locator("h1 code.reference")).to_be_visible()
    reference = lawyer.locator("h1 code.reference").inner_text().strip()
    return reference, _instant(lawyer, "dd time[datetime]")


def _inbox_notice(page: Page, *texts: str) -> Locator:
    """The newest inbox notice holding every one of ``texts``, waiting for its delivery."""
    deadline = timer.monotonic() + WAIT_MS / 1000
    while True:
        _nav(page, "Inbox")
        notice = page.locator("ul.inbox > li")
        for text in texts:
            notice = notice.filter(has_text=text)
        if notice.count() or timer.monotonic() > deadline:
            expect(notice.first).to_be_visible()
            return notice.first
        page.wait_for_timeout(500)


def _sent_message(server: StoryServer, channel: str, address: str, *texts: str) -> str:
    """A message the server sent by e-mail or SMS (the console backend prints each one)."""
    log = server.folder / "server.log"
    pattern = re.compile(
        rf"--- notification \d+ \({channel}\) to {re.escape(address)}\n(.*?)\n---", re.S
    )
    deadline = timer.monotonic() + WAIT_MS / 1000
    while True:
        found = [m for m in pattern.findall(log.read_text("utf-8")) if all(t in m for t in texts)]
        if found:
            return found[-1]
        assert timer.monotonic() < deadline, f"no {channel} to {address} with {texts}"
        timer.sleep(0.5)


def _enable_wang(open_as: OpenAs) -> None:
    """Lawyer Wang's account waits for licence verification in the demo (story 14's subject);
    these stories need him practising, so the administrator enables it (Disable, Enable)."""
    admin = open_as("admin")
    _nav(admin, "Users")
    row = admin.locator("tr", has=admin.get_by_role("cell", name="wang.lawyer", exact=True))
    if row.locator(".status").inner_text() == "Active":
        return
    if row.get_by_role("button", name="Disable").count():
        row.get_by_role("button", name="Disable").click()
    row.get_by_role("button", name="Enable").click()
    expect(row.locator(".status")).to_have_text("Active")


def _take_audit_checkpoint(server: StoryServer) -> None:
    """The operator's scheduled `lawmeet audit checkpoint`, written outside the database."""
    env = {
        **os.environ,
        "LAWMEET_DATABASE__URL": server.database_url,
        "LAWMEET_APP__DATA_DIR": str(server.folder),
        "LAWMEET_CLOCK__ADJUSTABLE": "true",
    }
    subprocess.run(
        [sys.executable, "-m", "app.cli", "audit", "checkpoint"],
        cwd=PROJECT,
        env=env,
        check=True,
        capture_output=True,
        timeout=120,
    )


# -- bar associations: the quarter's audit, at the real date ------------------------------------


def test_story_15_last_quarter_shows_96_and_71_percent_drills_exports_and_prints_verified(
    story_as: OpenAs, tmp_path: Path
) -> None:
    """Story 15: the auditor opens the dashboard for the last quarter: one centre met the
    48-hour limit in about 96% of requests, another in about 71%; she drills down into the
    breaches, exports them as CSV and prints the report with the audit-trail verification."""
    auditor = story_as("chen.auditor")
    _nav(auditor, "Compliance audit")
    auditor.get_by_role("navigation", name="Quick periods").get_by_role(
        "link", name="Last quarter"
    ).click()
    expect(auditor.locator(".compliance-scope")).to_contain_text("Period:")
    # Few requests in a quarter: each share is as near the designed one as the counts allow.
    assert abs(_facility_share(auditor, FACILITY) - 0.96) <= 0.025
    assert abs(_facility_share(auditor, CHAOYANG) - 0.71) <= 0.025
    dashboard = auditor.url

    # The breaches behind Chaoyang's figure, for the same quarter, and their CSV.
    _breaches_of(auditor, CHAOYANG)
    breaches = auditor.locator("table.breaches tbody tr")
    expect(breaches.first).to_contain_text(CHAOYANG)
    shown = breaches.count()
    with auditor.expect_download() as download_info:
        auditor.get_by_role("link", name="CSV", exact=True).click()
    saved = tmp_path / download_info.value.suggested_filename
    download_info.value.save_as(saved)
    rows = [line for line in saved.read_text("utf-8").splitlines()[1:] if line]
    assert len(rows) >= shown > 0  # every breach of the quarter, not only the first page
    assert all(CHAOYANG in row for row in rows)

    # The printable report carries the audit-trail verification result.
    auditor.goto(dashboard)
    auditor.get_by_role("link", name="Printable report").click()
    verification = auditor.locator("section[aria-labelledby=h-verification]")
    expect(verification.locator(".result-ok")).to_have_text("Intact")
    expect(verification).to_contain_text("Entries checked")
    auditor.emulate_media(media="print")
    expect(auditor.locator(".print-tools")).to_be_hidden()
    auditor.emulate_media(media="screen")


# -- lawyers ------------------------------------------------------------------------------------


def test_story_3_a_state_security_meeting_is_refused_in_writing_then_needs_no_permission(
    story_server: StoryServer, story_as: OpenAs
) -> None:
    """Story 3: Wang asks to meet a client in a state-security case under investigation; the
    investigating unit has 3 days to answer in writing and refuses with reasons; once the
    investigation ends, Wang asks again and no permission is needed."""
    asked = _at(0, MON, 9, 0)
    story_server.set_clock(asked)
    _enable_wang(story_as)
    investigator = story_as("zhao.investigator")
    client = _new_client(
        investigator,
        asked - timedelta(days=2),
        category="state_security",
        charges="危害国家安全罪",
        prefix="京海国安(侦)字",
    )
    lawyer = story_as("wang.lawyer")
    register_engagement(lawyer, client.number, client.name, client.id_number)
    lawyer.get_by_role("button", name=re.compile("Send the engagement notice")).click()
    lawyer.get_by_role("link", name="Request a meeting").first.click()
    expect(lawyer.locator("main")).to_contain_text("first goes to the investigating authority")
    lawyer.get_by_role("button", name="Send the request").click()

    # The request waits for the unit's written answer, due within 3 days (Thursday 24:00).
    permission = lawyer.locator("#permission")
    expect(permission).to_contain_text("answer in writing within 3 days")
    assert _instant(permission, "time[datetime]") == datetime.combine(
        asked.date() + timedelta(days=4), time(0), tzinfo=BEIJING
    )
    expect(lawyer.locator("main")).to_contain_text("Awaiting permission")
    expect(lawyer.locator("#book")).to_have_count(0)

    # The investigating unit refuses, with its reasons in writing.
    reasons = "会见可能泄露国家秘密：同案犯尚未到案"
    _nav(investigator, "Meeting permissions")
    row = investigator.locator("tr", has_text=client.name)
    expect(row).to_contain_text("王律师")
    row.get_by_role("link", name="Decide").click()
    investigator.get_by_label("Refuse (written reasons required)").check()
    investigator.get_by_role("textbox", name="Written reasons").fill(reasons)
    investigator.get_by_role("textbox", name="Contact unit").fill("北京市国家安全局")
    investigator.get_by_role("textbox", name="Contact person").fill("李警官")
    investigator.get_by_role("button", name="Record the decision").click()
    expect(investigator.locator("#permission")).to_contain_text("Refused")

    # Wang reads the refusal and its reasons, on the request and in his inbox.
    _open_request(lawyer, client)
    expect(lawyer.locator("#permission")).to_contain_text("Refused")
    expect(lawyer.locator("#permission .reasons")).to_have_text(reasons)
    expect(lawyer.locator("#permission .contact-unit")).to_have_text("北京市国家安全局")
    expect(lawyer.locator("#deadline")).to_contain_text("No meeting clock runs")
    _inbox_notice(lawyer, reasons)

    # Half an hour later the investigation ends; Wang asks again: no permission is needed.
    ended = asked + timedelta(minutes=30)
    story_server.set_clock(ended)
    investigator = story_as("zhao.investigator")
    _open_case(investigator, client)
    _record_event(investigator, "investigation_ended", ended, "侦查终结")
    lawyer = story_as("wang.lawyer")
    _open_client(lawyer, client)
    lawyer.get_by_role("link", name="Request a meeting").first.click()
    expect(lawyer.locator("main")).to_contain_text("must arrange the meeting within 48 hours")
    expect(lawyer.locator("main")).not_to_contain_text("first goes to the investigating authority")
    lawyer.get_by_role("button", name="Send the request").click()
    expect(lawyer.locator("#permission")).to_have_count(0)
    next_full_hour = ended.replace(minute=0) + timedelta(hours=1)
    assert _instant(lawyer, "#deadline time[datetime]") == next_full_hour + timedelta(hours=48)
    expect(lawyer.locator("#book")).to_be_visible()


def test_story_4_a_drill_closure_tells_each_booked_lawyer_with_alternatives_within_48_hours(
    story_server: StoryServer, story_as: OpenAs
) -> None:
    """Story 4: the centre closes its meeting wing for a day for a drill; the three lawyers
    booked that day are told at once, each with alternatives that still meet their 48-hour
    limits, and the day board's breach forecast shows the requests at risk."""
    asked = _at(0, MON, 10, 0)
    drill_day = (asked + timedelta(days=1)).date()  # Tuesday
    story_server.set_clock(asked)
    _enable_wang(story_as)
    investigator = story_as("zhao.investigator")
    booked: dict[str, tuple[Page, str, datetime]] = {}
    for username in ("zhang.lawyer", "li.lawyer", "wang.lawyer"):
        client = _new_client(investigator, asked - timedelta(days=1))
        lawyer = story_as(username)
        register_engagement(lawyer, client.number, client.name, client.id_number)
        _ask_for_meeting(lawyer)
        deadline = _instant(lawyer, "#deadline time[datetime]")
        booked[username] = (lawyer, _book_on(lawyer, drill_day), deadline)

    # The desk enters the closure of the whole centre for the drill day.
    reason = "消防演练，会见区全天关闭"
    desk = story_as("haidian.desk")
    _nav(desk, "Rooms and hours")
    closures = desk.locator("#closures")
    closures.locator("#f-closure-room").select_option(label="The whole detention centre")
    closures.locator("#f-closure-starts_date").fill(drill_day.isoformat())
    closures.locator("#f-closure-starts_time").fill("08:00")
    closures.locator("#f-closure-ends_date").fill(drill_day.isoformat())
    closures.locator("#f-closure-ends_time").fill("18:00")
    closures.locator("#f-closure-reason").fill(reason)
    closures.get_by_role("button", name="Enter the closure").click()
    entered = desk.locator("#closures ul.closures > li", has_text=reason)
    expect(entered).to_contain_text("Meetings to rebook (their lawyers were told)")
    for _lawyer, reference, _deadline in booked.values():
        expect(entered.get_by_role("link", name=reference)).to_be_visible()

    # Each lawyer is told at once, with free times that still meet the 48 hours.
    for lawyer, reference, deadline in booked.values():
        notice = _inbox_notice(lawyer, reference, reason)
        text = notice.locator(".notice-text").inner_text()
        alternatives = re.findall(
            r"^- (\d{4})年(\d{1,2})月(\d{1,2})日（周.）(\d{2}:\d{2})至(\d{2}:\d{2}) 北京时间",
            text,
            re.M,
        )
        assert alternatives, text
        for year, month, day, start, end in alternatives:
            on = date(int(year), int(month), int(day))
            begins = datetime.combine(on, time.fromisoformat(start), tzinfo=BEIJING)
            ends = datetime.combine(on, time.fromisoformat(end), tzinfo=BEIJING)
            assert begins.date() != drill_day, text
            assert asked < begins and ends <= deadline, (text, deadline)

    # The breach forecast at the top of the day board: each request flagged for rebooking,
    # with the earliest free slot before its limit.
    _nav(desk, "Day board")
    risks = desk.locator("#at-risk")
    for _lawyer, reference, _deadline in booked.values():
        row = risks.locator("tr", has_text=reference)
        expect(row).to_contain_text("Needs rebooking")
        expect(row).not_to_contain_text("capacity breach forecast")


def test_story_5_a_custody_extension_notice_names_the_basis_and_new_expiry(
    story_server: StoryServer, story_as: OpenAs
) -> None:
    """Story 5: the police extend a client's custody by one month; Zhang gets a notice by
    e-mail and SMS the same day naming the legal basis and the new expiry, and her checklist
    shows the duty met."""
    engaged = _at(0, MON, 11, 0)
    story_server.set_clock(engaged)
    investigator = story_as("zhao.investigator")
    client = _new_client(investigator, engaged - timedelta(days=52))
    arrested = engaged - timedelta(days=50)
    _record_event(investigator, "arrest", arrested, "经检察院批准逮捕")
    lawyer = story_as("zhang.lawyer")
    _engage_checked(lawyer, client, story_as)

    # That afternoon the investigator records the extension: one more month (CPL 156).
    extended = _at(0, MON, 15, 0)
    story_server.set_clock(extended)
    new_expiry = _add_months(arrested.date(), 3)
    decision = f"京海检批延〔{extended.year}〕{secrets.randbelow(900) + 100}号"
    investigator = story_as("zhao.investigator")
    _open_case(investigator, client)
    _record_event(
        investigator,
        "custody_extension",
        extended,
        new_expiry=new_expiry.isoformat(),
        legal_basis=f"CPL art. 156; {decision}",
    )

    # Her inbox, her e-mail and her phone: the same day, with the basis and the new expiry.
    lawyer = story_as("zhang.lawyer")
    notice = _inbox_notice(lawyer, client.number, "延长侦查羁押期限")
    expect(notice).to_contain_text(_zh_day(new_expiry))
    expect(notice).to_contain_text(decision)
    expect(notice).to_contain_text("第一百五十六条")  # CPL art. 156, in words
    expect(notice.locator(".hint")).to_contain_text(day_in_words(extended.date(), "en"))
    email = _sent_message(story_server, "email", EMAIL["zhang.lawyer"], client.number)
    assert _zh_day(new_expiry) in email and decision in email, email
    sms = _sent_message(story_server, "sms", PHONE["zhang.lawyer"], client.number)
    assert _zh_day(new_expiry) in sms, sms

    # Her rights checklist: N3 (tell the lawyer of each extension) met on time.
    _open_client(lawyer, client)
    lawyer.get_by_role("link", name="Rights checklist").click()
    expect(lawyer.locator("tr.duty", has_text="N3")).to_have_class(re.compile("duty-met_on_time"))


def test_story_6_a_written_opinion_gets_a_fingerprinted_receipt_and_is_attached_to_the_file(
    story_server: StoryServer, story_as: OpenAs
) -> None:
    """Story 6: before the case is transferred for prosecution review, Zhang submits a written
    defence opinion with two PDF attachments and keeps a receipt with the submission time and
    a SHA-256 fingerprint; the investigator acknowledges it and records it attached to the
    file."""
    submitted = _at(0, MON, 16, 0)
    story_server.set_clock(submitted)
    investigator = story_as("zhao.investigator")
    client = _new_client(investigator, submitted - timedelta(days=20))
    lawyer = story_as("zhang.lawyer")
    _engage_checked(lawyer, client, story_as)

    # Zhang submits the opinion with two PDF attachments.
    text = f"关于{client.name}涉嫌诈骗一案的书面辩护意见：现有证据不足以认定其具有非法占有目的。"
    files = [
        {"name": "辩护意见.pdf", "mimeType": "application/pdf", "buffer": PDF + b"opinion"},
        {"name": "证据目录.pdf", "mimeType": "application/pdf", "buffer": PDF + b"evidence"},
    ]
    _open_client(lawyer, client)
    lawyer.get_by_role("link", name="Submit to the agency").click()
    lawyer.locator("#f-submit-kind").select_option("opinion")
    lawyer.locator("#f-submit-text").fill(text)
    lawyer.locator("#f-submit-files").set_input_files(files)
    lawyer.get_by_role("button", name="Submit", exact=True).click()

    # The receipt: number, submission time, each file's SHA-256 and the fingerprint of all.
    expect(lawyer).to_have_url(re.compile(r"/submissions/\d+/receipt$"))
    receipt = lawyer.locator("section.receipt")
    at = _instant(receipt, "time[datetime]")
    assert submitted <= at < submitted + timedelta(minutes=5)
    hashes = [hashlib.sha256(f["buffer"]).hexdigest() for f in files]
    rows = receipt.locator("table tbody tr")
    expect(rows).to_have_count(2)
    for row, file, digest in zip(rows.all(), files, hashes, strict=True):
        expect(row).to_contain_text(str(file["name"]))
        expect(row.locator("code.sha256")).to_have_text(digest)
    canonical = json.dumps(
        {"attachments": hashes, "kind": "opinion", "text": text},
        ensure_ascii=False,
        separators=(",", ":"),
        sort_keys=True,
    )
    fingerprint = hashlib.sha256(canonical.encode()).hexdigest()
    expect(receipt.locator("dd code.sha256")).to_have_text(fingerprint)
    receipt_number = _detail(receipt, "Receipt number").inner_text().strip()

    # The investigator acknowledges it and records it attached to the case file (附卷).
    _nav(investigator, "Submissions to handle")
    investigator.get_by_role("link", name=receipt_number).click()
    investigator.get_by_role("button", name="Acknowledge receipt").click()
    investigator.locator("#f-attach-file_reference").fill("卷二第15页")
    investigator.get_by_role("button", name="Record: attached to the case file").click()
    expect(investigator.get_by_role("button", name="Acknowledge receipt")).to_have_count(0)
    expect(investigator.locator("main")).to_contain_text("卷二第15页")

    # Zhang sees both on her submission.
    _open_client(lawyer, client)
    lawyer.get_by_role("link", name="Submit to the agency").click()
    lawyer.get_by_role("link", name=receipt_number).click()
    for label in ("Acknowledged", "Attached to the case file"):
        expect(_detail(lawyer, label)).to_contain_text(day_in_words(submitted.date(), "en"))

    # Then the case goes for prosecution review: the opinion was heard in time (O1).
    transferred = submitted + timedelta(minutes=20)
    story_server.set_clock(transferred)
    investigator = story_as("zhao.investigator")
    _open_case(investigator, client)
    _record_event(investigator, "transfer_for_prosecution", transferred, "移送审查起诉")
    lawyer = story_as("zhang.lawyer")
    _open_client(lawyer, client)
    lawyer.get_by_role("link", name="Rights checklist").click()
    expect(lawyer.locator("tr.duty", has_text="O1")).to_have_class(re.compile("duty-met_on_time"))


def test_story_7_a_meeting_missed_52_hours_on_is_complained_of_with_a_copy_to_the_bar(
    story_server: StoryServer, story_as: OpenAs
) -> None:
    """Story 7: Li's meeting is still not arranged 52 hours after he asked; his checklist
    shows the duty missed; one click opens a complaint pre-filled with the facts, addressed
    to the procuratorate and copied to the bar association, whose 10-day reply is tracked."""
    asked = _at(0, MON, 17, 0)
    story_server.set_clock(asked)
    investigator = story_as("zhao.investigator")
    client = _new_client(investigator, asked - timedelta(days=1))
    lawyer = story_as("li.lawyer")
    _engage_checked(lawyer, client, story_as)
    _open_client(lawyer, client)
    _ask_for_meeting(lawyer)
    deadline = _instant(lawyer, "#deadline time[datetime]")
    assert deadline == asked + timedelta(hours=49)  # 48 hours from the next full hour

    # 52 hours on, nothing was arranged: the checklist shows the duty missed.
    story_server.set_clock(asked + timedelta(hours=52))
    lawyer = story_as("li.lawyer")
    _open_client(lawyer, client)
    lawyer.get_by_role("link", name="Rights checklist").click()
    duty = lawyer.locator("tr.duty", has_text="M1")
    expect(duty).to_have_class(re.compile("duty-missed"))

    # One click: the complaint, pre-filled with the facts and addressed as the law has it.
    duty.get_by_role("link", name="Complain about this").click()
    expect(lawyer.locator("#f-complain-case_id option:checked")).to_contain_text(client.number)
    expect(lawyer.locator("#f-complain-addressed_to option:checked")).to_have_text("Procuratorate")
    expect(lawyer.locator("#f-complain-copied_to option:checked")).to_have_text("Bar association")
    facts = lawyer.locator("#f-complain-description")
    for fact in (FACILITY, f"{asked:%H:%M}", f"{deadline.astimezone(BEIJING):%H:%M}", "48 hours",
                 "Article 39", "has still not been arranged"):  # fmt: skip
        expect(facts).to_contain_text(fact)
    lawyer.get_by_role("button", name="File the complaint").click()

    # Filed: the reply is due in 10 days (C1), and the copy is on record.
    expect(lawyer.locator("h1")).to_contain_text("Meeting refused or delayed")
    expect(_detail(lawyer, "Addressed to")).to_have_text("Procuratorate")
    expect(_detail(lawyer, "Copied to")).to_have_text("Bar association")
    due = _detail(lawyer, "Reply due")
    expect(due).to_contain_text("within 10 days")
    expect(due.get_by_role("link", name=re.compile("complaint"))).to_have_attribute(
        "href", "/law/C1"
    )
    complaint = lawyer.url.rsplit("/", 1)[1]

    # The bar association's auditor is told of the copy, and tracks the reply deadline.
    auditor = story_as("chen.auditor")
    notice = _inbox_notice(auditor, client.number)
    expect(notice).to_contain_text("抄送本会")  # in the auditor's own language, Chinese
    _nav(auditor, "Complaints")
    row = auditor.locator("tr", has=auditor.get_by_role("link", name=complaint, exact=True))
    expect(row).to_contain_text(client.number)
    expect(row).to_contain_text("within 10 days")
    auditor.get_by_role("link", name=complaint, exact=True).click()
    due = _detail(auditor, "Reply due")
    expect(due.get_by_role("link", name=re.compile("complaint"))).to_have_attribute(
        "href", "/law/C1"
    )
    expect(auditor.get_by_role("button", name="Record the reply")).to_be_visible()


def test_story_8_the_deadline_calculator_moves_a_3_day_decision_past_national_day(
    story_as: OpenAs,
) -> None:
    """Story 8: a bail application filed on 29 September: the 3-day decision is due on
    8 October, because of the National Day holiday, and the rule is linked."""
    lawyer = story_as("zhang.lawyer")
    _nav(lawyer, "Deadline calculator")
    lawyer.locator("#f-trigger_date").fill("2026-09-29")
    lawyer.locator("#f-trigger_time").fill("10:00")
    lawyer.locator("#f-amount").fill("3")
    lawyer.locator("#f-unit").select_option(label="days")
    lawyer.locator("#f-kind").select_option(label="Decision by an authority (policy P4)")
    lawyer.get_by_role("button", name="Calculate").click()

    result = lawyer.locator("section.deadline-result")
    expiry = result.locator(".deadline-expiry time")
    expect(expiry).to_have_attribute("datetime", "2026-10-09T00:00:00+08:00")
    expect(expiry).to_have_text("Thursday, 8 October 2026 24:00")
    expect(result).to_contain_text("the last day would have been Friday, 2 October 2026")
    expect(result.locator(".deadline-steps")).to_contain_text("National Day")
    result.get_by_role("link", name=re.compile("art. 105")).first.click()
    expect(lawyer).to_have_url(re.compile("#rule-cpl-105$"))
    rule = lawyer.locator("#rule-cpl-105")
    expect(rule).to_be_in_viewport()
    expect(rule).to_contain_text("期间的最后一日为节假日的，以节假日后的第一日为期满日期")


# -- detention-centre staff ---------------------------------------------------------------------


def test_story_9_at_0800_the_day_board_shows_requests_at_risk_on_top_and_prints(
    story_server: StoryServer, story_as: OpenAs
) -> None:
    """Story 9: at 08:00 the duty officer opens the day board: rooms down the side, the day's
    meetings across, two requests at risk of passing 48 hours at the top; he prints it."""
    asked = _at(0, THU, 9, 0)
    board_day = (asked + timedelta(days=1)).date()  # Friday
    story_server.set_clock(asked)
    investigator = story_as("zhao.investigator")
    waiting = {}
    for username in ("zhang.lawyer", "li.lawyer"):
        client = _new_client(investigator, asked - timedelta(days=1))
        lawyer = story_as(username)
        register_engagement(lawyer, client.number, client.name, client.id_number)
        _ask_for_meeting(lawyer)
        waiting[client.name] = _instant(lawyer, "#deadline time[datetime]")
    # A third client of Li's has a meeting booked on Friday.
    client = _new_client(investigator, asked - timedelta(days=1))
    register_engagement(lawyer, client.number, client.name, client.id_number)
    _ask_for_meeting(lawyer)
    reference = _book_on(lawyer, board_day)

    # Friday 08:00: the duty officer signs in and opens the day board.
    story_server.set_clock(datetime.combine(board_day, time(8, 0), tzinfo=BEIJING))
    desk = story_as("haidian.desk")
    _nav(desk, "Day board")
    expect(desk.locator("h1 time")).to_have_attribute("datetime", board_day.isoformat())

    # At the top: the requests at risk, with their deadlines and the hours left.
    risks = desk.locator("#at-risk")
    grid = desk.locator(".board-grid")
    assert risks.bounding_box()["y"] < grid.bounding_box()["y"]  # type: ignore[index]
    for name, deadline in waiting.items():
        row = risks.locator("tr", has_text=name)
        expect(row).to_contain_text(_minute(deadline))
        left = row.locator("td").nth(3).inner_text()  # "29 h 18 min left", in words
        hours = re.match(r"(\d+) h", left)
        assert left.endswith("left") and (hours is None or int(hours[1]) < 48), left

    # Rooms down the side, the day's meetings across.
    lanes = grid.locator(".board-lane[role=listitem]")
    for room in ("会见室1", "会见室2", "会见室3"):
        expect(lanes.filter(has_text=room).first).to_be_visible()
    expect(grid.locator(".board-meeting", has_text=reference)).to_contain_text(client.name)

    # Printed for the gate: the risks and the grid, no navigation, no forms.
    desk.emulate_media(media="print")
    expect(risks).to_be_visible()
    expect(grid).to_be_visible()
    expect(main_nav(desk)).to_be_hidden()
    expect(desk.locator(".board-actions").first).to_be_hidden()
    desk.emulate_media(media="screen")


def test_story_10_an_extra_session_for_two_rooms_is_offered_to_waiting_requests(
    story_server: StoryServer, story_as: OpenAs
) -> None:
    """Story 10: demand spikes before a holiday; the staff add an extra afternoon session for
    two rooms for the next three days, and the waiting requests are offered the new slots."""
    now = _at(0, FRI, 12, 0)
    story_server.set_clock(now)
    investigator = story_as("zhao.investigator")
    client = _new_client(investigator, now - timedelta(days=1))
    lawyer = story_as("li.lawyer")
    register_engagement(lawyer, client.number, client.name, client.id_number)
    _ask_for_meeting(lawyer)

    # The desk adds 17:30-19:30 for rooms 1 and 2 from tomorrow for three days.
    first, last = now.date() + timedelta(days=1), now.date() + timedelta(days=3)
    desk = story_as("haidian.desk")
    _nav(desk, "Rooms and hours")
    sessions = desk.locator("#sessions")
    sessions.locator("#f-session-start").fill("17:30")
    sessions.locator("#f-session-end").fill("19:30")
    for room in ("会见室1", "会见室2"):
        sessions.get_by_label(room, exact=True).check()
    sessions.locator("#f-session-valid_from").fill(first.isoformat())
    sessions.locator("#f-session-valid_to").fill(last.isoformat())
    sessions.get_by_role("button", name="Add the session").click()
    extra = desk.locator("#sessions table").last
    for room in ("会见室1", "会见室2"):
        expect(extra.locator("tr", has_text=room).first).to_contain_text("17:30")

    # Li, still waiting, is told of the new times.
    notice = _inbox_notice(lawyer, FACILITY, "17:30-19:30")
    expect(notice).to_contain_text("会见室1")
    expect(notice).to_contain_text("会见室2")
    # The new hours are capacity for the waitlist (issue 20): each first slot, 17:30 tomorrow in
    # rooms 1 and 2, is either held for a waiting request with less time left (the desk sees it
    # held on its board) or still free for Li to book on her request's page.
    # (The worker makes the offers within a poll: looked at again until then.)
    rooms = {"会见室1", "会见室2"}
    opening = _minute(datetime.combine(first, time(17, 30), tzinfo=BEIJING))
    give_up = timer.monotonic() + 30
    while True:
        _open_request(lawyer, client)
        offered = lawyer.locator("#book fieldset.slot-day").filter(
            has=lawyer.locator(f"time[datetime='{first.isoformat()}']")
        )
        new_slot = offered.locator("li", has_text=re.compile(r"^\s*17:30-18:30"))
        free = {room for room in rooms if new_slot.filter(has_text=room).count()}
        desk.goto("/board")
        held_slots = desk.locator("#offers li", has_text=opening)
        held = {room for room in rooms if held_slots.filter(has_text=room).count()}
        if free | held == rooms or timer.monotonic() > give_up:
            break
        desk.wait_for_timeout(1000)
    assert free | held == rooms, (free, held)


def test_story_11_check_in_with_an_assistant_records_times_and_nothing_said(
    story_server: StoryServer, story_as: OpenAs
) -> None:
    """Story 11: a lawyer arrives with an assistant; the officer checks the documents against
    the engagement and records check-in, start and end times; nothing about what was said is
    ever recorded."""
    asked = _at(0, FRI, 13, 0)
    story_server.set_clock(asked)
    investigator = story_as("zhao.investigator")
    client = _new_client(investigator, asked - timedelta(days=2))
    lawyer = story_as("zhang.lawyer")
    register_engagement(lawyer, client.number, client.name, client.id_number)
    _ask_for_meeting(lawyer, assistant_name="赵小助", assistant_id_number="11012023110111111")
    reference, start = _book_earliest(lawyer)

    # At the gate, ten minutes early: the officer checks the three documents.
    story_server.set_clock(start - timedelta(minutes=10))
    desk = story_as("haidian.desk")
    accept_documents(desk, client.name)
    _board_of(desk, start.astimezone(BEIJING).date())
    item = desk.locator("article.board-item", has_text=reference)
    expect(item).to_contain_text("赵小助")
    item.get_by_label(re.compile("The three documents were checked")).check()
    item.get_by_label("Assistant present: 赵小助").check()
    item.get_by_role("button", name="Record check-in").click()
    item = desk.locator("article.board-item", has_text=reference)
    checked_in = _detail(item, "Checked in")
    expect(checked_in).to_contain_text(_minute(start - timedelta(minutes=10)))
    expect(checked_in).to_contain_text("documents verified")
    expect(checked_in).to_contain_text("assistant present")

    story_server.set_clock(start)
    item.get_by_role("button", name="Record start").click()
    item = desk.locator("article.board-item", has_text=reference)
    expect(_detail(item, "Started")).to_contain_text(_minute(start))

    story_server.set_clock(start + timedelta(minutes=25))
    item.get_by_role("button", name="Record end").click()
    item = desk.locator("article.board-item", has_text=reference)
    expect(_detail(item, "Ended")).to_contain_text(_minute(start + timedelta(minutes=25)))
    expect(item.locator(".board-state")).to_have_text("Completed")

    # Only times and the check were asked: no field for what was said, anywhere.
    expect(item.locator("textarea, input[type=text], button")).to_have_count(0)
    lawyer = story_as("zhang.lawyer")
    _open_request(lawyer, client)
    lawyer.locator("#meetings").get_by_role("link", name=reference).click()
    expect(lawyer.locator("main")).to_contain_text("Completed")
    expect(lawyer.locator("main")).to_contain_text("Nothing said in the meeting is recorded")
    expect(lawyer.locator("main textarea")).to_have_count(0)


# -- investigators ------------------------------------------------------------------------------


def test_story_12_an_arrest_recorded_for_yesterday_owes_the_lawyer_and_the_family_notices(
    story_server: StoryServer, story_as: OpenAs
) -> None:
    """Story 12: an investigator records an arrest effective yesterday 17:30; the engaged
    lawyer is owed a notice and the family notice duty (24 hours) appears on his task list."""
    engaged = _at(1, TUE, 10, 0)
    story_server.set_clock(engaged)
    investigator = story_as("zhao.investigator")
    client = _new_client(investigator, engaged - timedelta(days=1))
    lawyer = story_as("zhang.lawyer")
    _engage_checked(lawyer, client, story_as)

    # The next morning the investigator records the arrest, effective yesterday 17:30.
    today = _at(1, WED, 9, 0)
    story_server.set_clock(today)
    arrested = datetime.combine(engaged.date(), time(17, 30), tzinfo=BEIJING)
    investigator = story_as("zhao.investigator")
    _open_case(investigator, client)
    _record_event(investigator, "arrest", arrested, "经检察院批准逮捕")
    expect(investigator.locator("table.timeline")).to_contain_text("Arrest")

    # His task list: the family notice, due 24 hours from 18:00 yesterday.
    _nav(investigator, "Submissions to handle")
    owed = investigator.locator("section[aria-labelledby=h-notices] tr", has_text=client.number)
    family = owed.filter(has_text="Family notice")
    expect(family).not_to_contain_text("N7")  # the duty in words, its code for the catalogue
    # 24 hours from 18:00 yesterday, the next full hour after the arrest: today 18:00.
    expect(family).to_contain_text(
        _minute(datetime.combine(today.date(), time(18, 0), tzinfo=BEIJING))
    )

    # The engaged lawyer is owed a notice of the arrest (N2) and receives it.
    family.get_by_role("link", name=client.number).click()
    expect(investigator.locator("h1")).to_contain_text(client.number)
    owed_to_lawyer = investigator.locator("tr.duty", has_text="N2")
    expect(owed_to_lawyer).to_have_count(1)
    expect(owed_to_lawyer).to_contain_text(re.compile(r"Engagement #\d+"))
    notice = _inbox_notice(story_as("zhang.lawyer"), client.number, "逮捕")
    expect(notice).to_contain_text("17:30")


# -- bar associations ---------------------------------------------------------------------------


def _facility_meetings(auditor: Page, name: str) -> Locator:
    """A centre's "Meetings within 48 hours" cell on the compliance dashboard."""
    rows = auditor.locator("section[aria-labelledby=h-facilities] table tbody tr")
    return rows.filter(has=auditor.get_by_role("rowheader", name=name)).locator("td").first


def _facility_share(auditor: Page, name: str) -> float:
    """The on-time share of the cell's "71% (43/60)"."""
    found = re.search(r"\((\d+)/(\d+)\)", _facility_meetings(auditor, name).inner_text())
    assert found, name
    return int(found[1]) / int(found[2])


def _breaches_of(auditor: Page, name: str) -> None:
    """Drill down from the centre's meetings figure to the list of its breaches."""
    _facility_meetings(auditor, name).get_by_role("link", name=re.compile("breach")).click()
    expect(auditor.locator("h1")).to_contain_text("Meetings within 48 hours")


def test_story_16_audit_verification_proves_request_and_meeting_times_are_unaltered(
    story_server: StoryServer, story_as: OpenAs
) -> None:
    """Story 16: a police unit disputes a breach; the auditor runs the audit verification and
    shows that the record of request and meeting times has not been altered since the last
    checkpoint."""
    asked = _at(1, THU, 9, 0)  # the limit: Saturday 10:00
    story_server.set_clock(asked)
    investigator = story_as("zhao.investigator")
    client = _new_client(investigator, asked - timedelta(days=1))
    lawyer = story_as("li.lawyer")
    register_engagement(lawyer, client.number, client.name, client.id_number)
    _ask_for_meeting(lawyer)
    request_id = lawyer.url.split("#")[0].rsplit("/", 1)[1]

    # Saturday, past the limit: Li books, and the meeting is held late.
    story_server.set_clock(_at(1, SAT, 10, 5))
    lawyer = story_as("li.lawyer")
    _open_request(lawyer, client)
    reference = _book_on(lawyer, _at(1, SAT, 0).date())
    meeting_id = lawyer.url.split("#")[0].rsplit("/", 1)[1]
    start = _instant(lawyer, "dd time[datetime]")
    story_server.set_clock(start - timedelta(minutes=5))
    desk = story_as("haidian.desk")
    _nav(desk, "Day board")
    item = desk.locator("article.board-item", has_text=reference)
    item.get_by_label(re.compile("The three documents were checked")).check()
    item.get_by_role("button", name="Record check-in").click()
    desk.locator("article.board-item", has_text=reference).get_by_role(
        "button", name="Record start"
    ).click()
    story_server.set_clock(start + timedelta(minutes=20))
    desk.locator("article.board-item", has_text=reference).get_by_role(
        "button", name="Record end"
    ).click()
    done = desk.locator("article.board-item", has_text=reference)
    expect(done.locator(".board-state")).to_have_text("Completed")

    # That night the operator's scheduled job writes a checkpoint outside the database.
    story_server.set_clock(_at(1, SAT, 23, 0))
    _take_audit_checkpoint(story_server)

    # The auditor finds the disputed breach...
    auditor = story_as("chen.auditor")
    _nav(auditor, "Compliance audit")
    auditor.get_by_label("Detention centre", exact=True).select_option(label=FACILITY)
    auditor.get_by_role("button", name="Show").click()
    _breaches_of(auditor, FACILITY)
    breach = auditor.locator("table.breaches tbody tr", has_text=client.number)
    expect(breach).to_contain_text("M1")
    expect(breach).to_contain_text("Met late")

    # ...the entries that recorded the request and meeting times...
    _nav(auditor, "Audit trail")
    auditor.locator("#f-action").fill("meeting")
    auditor.get_by_role("button", name="Filter").click()
    entries = auditor.locator("table tbody tr")
    opened = entries.filter(has_text=f"Meeting request {request_id}")
    expect(opened.filter(has_text="Meeting requested")).to_contain_text(
        f"{day_in_words(asked, 'en')}, 09:00"
    )
    held = entries.filter(has_text=re.compile(rf"\bMeeting {meeting_id}\b"))
    for action in ("Lawyer checked in", "Meeting started", "Meeting ended"):
        expect(held.filter(has_text=action)).to_have_count(1)
    recorded = [int(row.locator("td").first.inner_text()) for row in held.all() + opened.all()]

    # ...and verifies the chain: intact, against the checkpoint that covers them.
    auditor.get_by_role("button", name="Verify now").click()
    expect(auditor.get_by_role("status")).to_contain_text("Verification finished")
    result = auditor.locator("section[aria-labelledby=h-verification] dl.details")
    expect(result).to_contain_text("Intact")
    checkpoint = _detail(result, "Checkpoint")
    found = re.search(r"\(entry (\d+)\)", checkpoint.inner_text())
    assert found, checkpoint.inner_text()
    assert int(found[1]) >= max(recorded)
