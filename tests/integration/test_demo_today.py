"""`lawmeet demo` tells today's story, relative to the moment it runs (issue 15; stories 9, 13, 5,
6): meetings across today on the Haidian day board, two requests whose 48 hours run out in the
coming hours at its top, documents for the desk to check, opinions and an overdue application on
the investigator's task list, a custody extension in Zhang's inbox. All of it is made through
the services, so every step is in the audit trail, and loading twice adds nothing.

The clock is set (frozen) to a Monday morning, a Sunday (the centre is closed: the desk opens an
extra session) and a Monday night."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from httpx import AsyncClient

from app import clock
from app.accounts.models import User
from app.audit.models import AuditEntry
from app.audit.verify import verify_chain
from app.cases.kinds import DocumentReview, EngagementStatus
from app.cases.models import Case, Engagement, EngagementDocument
from app.demo import DEMO_PASSWORD, load_demo_data
from app.demo.cases import load_demo_cases
from app.demo.meetings import load_demo_meetings
from app.demo.today import AT_RISK, CLIENTS, MEETINGS, id_number, load_demo_today
from app.law.context import Law, load_context
from app.orgs.models import Facility
from app.settings import Settings
from notifications.models import Notification
from rights_checklist.kinds import SubmissionKind
from rights_checklist.notice_tasks import owed_notices
from rights_checklist.submissions import open_tasks
from scheduling.forecast import requests_at_risk
from scheduling.kinds import MeetingStatus
from scheduling.models import Meeting, OpeningSession
from tests.integration.helpers import in_english, login, row_counts

BEIJING = ZoneInfo("Asia/Shanghai")
MONDAY_MORNING = datetime(2026, 12, 7, 10, 20, tzinfo=BEIJING)
SUNDAY = datetime(2026, 12, 6, 10, 20, tzinfo=BEIJING)
MONDAY_NIGHT = datetime(2026, 12, 7, 22, 30, tzinfo=BEIJING)
INSTANTS = [MONDAY_MORNING, SUNDAY, MONDAY_NIGHT]
HAIDIAN = "北京市海淀区看守所"
CLIENT = {c.key: c for c in CLIENTS}


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """The test settings with an adjustable clock (kept in the test's data folder)."""
    return settings.model_copy(
        update={"clock": settings.clock.model_copy(update={"adjustable": True})}
    )


@pytest.fixture
def at_instant(settings: Settings) -> Iterator[None]:
    """The app's clock stands at MONDAY_MORNING unless a test moves it (``set_clock``)."""
    set_clock(settings, MONDAY_MORNING)
    yield
    clock.use_data_dir(None)


def set_clock(settings: Settings, at: datetime) -> None:
    clock.set_to(settings.data_dir, at, frozen=True)
    clock.use_data_dir(settings.data_dir)


async def load_today(settings: Settings) -> None:
    """The demo without its six months of history (app.demo.compliance, tested elsewhere)."""
    await load_demo_data()
    await load_demo_cases(settings.data_dir, settings.uploads.max_bytes)
    await load_demo_meetings(settings, Law.from_settings(settings.legal))


async def audited_ids(action: str) -> set[str]:
    rows = await AuditEntry.filter(action=action).values_list("object_id", flat=True)
    return {str(row) for row in rows}


async def haidian() -> Facility:
    return await Facility.get(name=HAIDIAN)


async def todays_meetings(facility: Facility) -> list[Meeting]:
    now = clock.now()
    day = now.astimezone(BEIJING).date()
    start = datetime.combine(day, datetime.min.time(), BEIJING)
    return await Meeting.filter(
        room__facility_id=facility.id, status=MeetingStatus.ACTIVE,
        starts_at__gte=start, starts_at__lt=start + timedelta(days=1),
    ).order_by("starts_at")  # fmt: skip


@pytest.mark.parametrize("at", INSTANTS, ids=["monday-morning", "sunday", "monday-night"])
async def test_the_day_board_has_meetings_across_today(
    settings: Settings, at_instant: None, database: None, at: datetime
) -> None:
    set_clock(settings, at)
    await load_today(settings)
    now, facility = clock.now(), await haidian()
    meetings = await todays_meetings(facility)
    assert len(meetings) == len(MEETINGS)
    assert len({m.room_id for m in meetings}) == 5  # every room of the centre has one
    for m in meetings:
        recorded = [t for t in (m.checked_in_at, m.started_at, m.ended_at) if t is not None]
        assert all(t <= now for t in recorded)  # nothing recorded ahead of the clock
        assert (m.ended_at is not None) == (m.ends_at <= now)  # over: completed, else not yet
        if m.starts_at > now + timedelta(minutes=20):
            assert not recorded  # still to come: scheduled
    if at == MONDAY_MORNING:  # 10:20: one over, two under way, three to come
        assert [m.ended_at is not None for m in meetings].count(True) == 1
        assert sum(1 for m in meetings if m.started_at and not m.ended_at) == 2
    if at == SUNDAY:  # closed on Sundays: the desk opened today's sessions
        extra = await OpeningSession.filter(facility_id=facility.id, valid_from=at.date())
        assert extra and all(s.valid_to == at.date() for s in extra)


@pytest.mark.parametrize("at", INSTANTS, ids=["monday-morning", "sunday", "monday-night"])
async def test_two_requests_fall_due_in_the_coming_hours(
    settings: Settings, at_instant: None, database: None, at: datetime
) -> None:
    set_clock(settings, at)
    await load_today(settings)
    now = clock.now()
    risks = await requests_at_risk((await haidian()).id)
    assert all(item.deadline_at > now for item in risks)  # nothing long overdue on the board
    first_two = risks[:2]
    names = [(await Engagement.get(id=r.request.engagement_id).select_related("case")).case
             .case_number for r in first_two]  # fmt: skip
    assert names == [CLIENT[key].case_number for key, _ in AT_RISK]
    for item, (_, left) in zip(first_two, AT_RISK, strict=True):
        assert left < item.deadline_at - now <= left + timedelta(hours=1)
        assert 0 < item.hours_left <= 8


async def test_the_board_page_shows_the_day_and_the_risks_at_the_top(
    settings: Settings, at_instant: None, client: AsyncClient
) -> None:
    await load_today(settings)
    in_english(client)
    assert (await login(client, "haidian.desk", DEMO_PASSWORD)).status_code == 303
    page = (await client.get("/board")).text
    assert "2026-12-07" in page and "Overdue" not in page
    risks, grid = page.split('id="h-risks"', 1)[1].split('class="board-grid', 1)
    assert risks.index(CLIENT["G"].detainee) < risks.index(CLIENT["H"].detainee)
    for meeting in await todays_meetings(await haidian()):
        assert meeting.reference in grid


async def test_the_desk_has_three_documents_to_check(
    settings: Settings, at_instant: None, database: None
) -> None:
    await load_today(settings)
    waiting = await Engagement.get(detainee__id_number=id_number(CLIENT["H"].id_body))
    assert waiting.status == EngagementStatus.PENDING
    documents = await EngagementDocument.filter(engagement_id=waiting.id)
    assert [d.review for d in documents] == [DocumentReview.PENDING] * 3


async def test_the_investigator_has_two_opinions_and_an_overdue_application(
    settings: Settings, at_instant: None, database: None
) -> None:
    await load_today(settings)
    investigator = await User.get(username="zhao.investigator")
    tasks = await open_tasks(investigator).order_by("submitted_at")
    kinds = sorted(t.kind.value for t in tasks)
    assert kinds == ["measure_change", "opinion", "opinion"]
    application = next(t for t in tasks if t.kind == SubmissionKind.MEASURE_CHANGE)
    assert application.due_at is not None and application.due_at < clock.now()  # red
    assert all(t.due_at is None for t in tasks if t.kind == SubmissionKind.OPINION)
    owed = await owed_notices(investigator, await load_context(settings.legal))
    assert all(task.due_at > clock.now() for task in owed)  # no months-old notice owed


async def test_zhang_is_told_of_her_clients_custody_extension(
    settings: Settings, at_instant: None, database: None
) -> None:
    await load_today(settings)
    zhang = await User.get(username="zhang.lawyer")
    notices = await Notification.filter(recipient_id=zhang.id, duty_id="N3")
    assert {n.channel.value for n in notices} >= {"inapp"}
    assert all(n.payload["new_expiry"] and n.payload["extension_basis"] for n in notices)
    assert all(n.payload["case_number"] == CLIENT["Z"].case_number for n in notices)


async def test_todays_work_is_in_the_audit_trail_and_loads_once(
    settings: Settings, at_instant: None, database: None
) -> None:
    await load_today(settings)
    facility = await haidian()
    cases = await Case.filter(case_number__in=[c.case_number for c in CLIENTS])
    assert len(cases) == len(CLIENTS) and not any(c.demo_history for c in cases)
    opened = set(await AuditEntry.filter(action="case.opened").values_list("object_id", flat=True))
    assert {str(c.id) for c in cases} <= opened
    booked = set(
        await AuditEntry.filter(action="meeting.booked").values_list("object_id", flat=True)
    )
    assert {str(m.id) for m in await todays_meetings(facility)} <= booked
    assert (await verify_chain()).broken is None

    before = await row_counts()
    assert await load_demo_today(settings, Law.from_settings(settings.legal)) is False
    await load_today(settings)
    assert await row_counts() == before
