"""Records for the compliance export, API and transparency tests, made through the services:
a Beijing and a Shanghai detention centre, each with an agency; meeting requests opened by
lawyers, one booked, checked in and started within 48 hours (M1 met on time), others left
past their 48 hours (M1 missed: breaches)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from app.accounts.models import User
from app.accounts.roles import Role
from app.cases.kinds import EngagementStatus
from app.cases.models import Case, CaseDetainee, Detainee, Engagement
from app.law.policies import LegalPolicies
from app.law.restdays import RestDayCalendar
from app.orgs.models import Agency, Facility
from scheduling import attendance
from scheduling.booking import book
from scheduling.kinds import RoomKind
from scheduling.models import MeetingRequest, OpeningSession, Room
from scheduling.requests import NewRequest, earliest_free_slot, open_request
from tests.integration.helpers import NOTICES, make_organisation, make_user

_serial = itertools.count(1)
POLICIES = LegalPolicies()
CALENDAR = RestDayCalendar()
LAWYER_NAME = "Lawyer Wang Fang"
DETAINEE_NAME = "张三丰"


@dataclass
class Centre:
    facility: Facility
    agency: Agency
    room: Room
    staff: User


@dataclass
class ExportWorld:
    beijing: Centre  # 海淀 (110108): one meeting on time, two missed
    shanghai: Centre  # 310101: one missed
    auditor: User  # Beijing bar auditor (jurisdiction 110000)
    on_time_case: str
    beijing_missed: list[str]  # case numbers
    shanghai_missed: str


async def make_centre(region: str, name: str) -> Centre:
    facility = await make_organisation("facility", region, name)
    agency = await make_organisation("agency", region, name.replace("看守所", "公安分局"))
    assert isinstance(facility, Facility) and isinstance(agency, Agency)
    room = await Room.create(facility=facility, name="会见室 1", kind=RoomKind.IN_PERSON)
    for weekday in range(7):
        await OpeningSession.create(
            facility=facility, weekday=weekday, start_minute=8 * 60, end_minute=18 * 60
        )
    staff = await make_user(Role.DETENTION_STAFF, facility=facility, region_code=region)
    return Centre(facility, agency, room, staff)


async def open_case_request(centre: Centre, asked: datetime) -> tuple[str, MeetingRequest]:
    """A case with a detained client and an active engagement; the lawyer asks to meet."""
    tag = next(_serial)
    number = f"京公刑字〔2026〕{tag:03d}号"
    lawyer = await make_user(Role.LAWYER, display_name=f"{LAWYER_NAME} {tag}")
    case = await Case.create(agency=centre.agency, case_number=number)
    detainee = await Detainee.create(
        name=f"{DETAINEE_NAME}{tag}", id_number=f"EXP{tag:08d}", facility=centre.facility,
        admitted_at=asked - timedelta(days=2),
    )  # fmt: skip
    await CaseDetainee.create(case=case, detainee=detainee)
    engagement = await Engagement.create(
        lawyer=lawyer, case=case, detainee=detainee, status=EngagementStatus.ACTIVE,
        activated_at=asked - timedelta(days=1),
    )  # fmt: skip
    request = await open_request(
        lawyer, engagement, NewRequest(requested_at=asked), policies=POLICIES, calendar=CALENDAR
    )
    return number, request


async def meet_on_time(centre: Centre, request: MeetingRequest) -> None:
    """Booked in the first free slot, then checked in and started now (within 48 hours)."""
    slot = await earliest_free_slot(request)
    assert slot is not None
    room = await Room.get(id=slot.room_id)
    meeting = await book(
        centre.staff, request, room, slot.start, slot.end - slot.start, notices=NOTICES
    )
    now = datetime.now(UTC)
    meeting = await attendance.check_in(
        centre.staff, meeting, documents_verified=True, assistant_present=False, at=now
    )
    await attendance.start(centre.staff, meeting, at=now)


async def make_export_world() -> ExportWorld:
    now = datetime.now(UTC)
    beijing = await make_centre("110108", f"北京市海淀区看守所{next(_serial)}")
    shanghai = await make_centre("310101", f"上海市黄浦区看守所{next(_serial)}")
    on_time, request = await open_case_request(beijing, now - timedelta(hours=1))
    await meet_on_time(beijing, request)
    missed = [(await open_case_request(beijing, now - timedelta(days=d)))[0] for d in (6, 5)]
    shanghai_missed, _request = await open_case_request(shanghai, now - timedelta(days=5))
    auditor = await make_user(Role.BAR_AUDITOR, region_code="110000")
    return ExportWorld(beijing, shanghai, auditor, on_time, missed, shanghai_missed)
