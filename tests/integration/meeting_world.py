"""Records for meeting tests: a facility open every day 08:00-18:00, rooms, and lawyers each
acting for their own detainee (written straight to the database, no audit entries)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from app.accounts.models import User
from app.accounts.roles import Role
from app.cases.kinds import EngagementStatus
from app.cases.models import Case, CaseDetainee, Detainee, Engagement
from app.orgs.models import Agency, Facility
from scheduling.kinds import RequestStatus, RoomKind
from scheduling.models import MeetingRequest, OpeningSession, Room
from tests.integration.helpers import make_organisation, make_user

SHANGHAI = ZoneInfo("Asia/Shanghai")
_serial = itertools.count(1)


@dataclass
class Party:
    lawyer: User
    detainee: Detainee
    engagement: Engagement
    request: MeetingRequest


@dataclass
class Place:
    facility: Facility
    agency: Agency
    rooms: list[Room]
    staff: User


def meeting_day() -> date:
    """A day well in the future, so no slot of it has passed."""
    return datetime.now(SHANGHAI).date() + timedelta(days=10)


def local(hour: int, minute: int = 0, day: date | None = None) -> datetime:
    """A Beijing wall time on the meeting day, as a UTC instant."""
    moment = datetime.combine(day or meeting_day(), time(hour, minute), tzinfo=SHANGHAI)
    return moment.astimezone(UTC)


async def make_place(rooms: int = 2) -> Place:
    facility = await make_organisation("facility", "110108")
    agency = await make_organisation("agency", "110108")
    assert isinstance(facility, Facility) and isinstance(agency, Agency)
    made = [
        await Room.create(facility=facility, name=f"Room {n}", kind=RoomKind.IN_PERSON)
        for n in range(1, rooms + 1)
    ]
    for weekday in range(7):
        await OpeningSession.create(
            facility=facility, weekday=weekday, start_minute=8 * 60, end_minute=18 * 60
        )
    staff = await make_user(Role.DETENTION_STAFF, facility=facility, region_code="110108")
    return Place(facility, agency, made, staff)


async def make_party(place: Place, length_minutes: int = 60) -> Party:
    """A lawyer with an active engagement for a new detainee, and an open meeting request."""
    tag = next(_serial)
    lawyer = await make_user(Role.LAWYER)
    case = await Case.create(agency=place.agency, case_number=f"MEET-{tag}")
    detainee = await Detainee.create(
        name=f"Detainee {tag}", id_number=f"MEET{tag:08d}", facility=place.facility,
        admitted_at=datetime.now(UTC) - timedelta(days=3),
    )  # fmt: skip
    await CaseDetainee.create(case=case, detainee=detainee)
    engagement = await Engagement.create(
        lawyer=lawyer, case=case, detainee=detainee, status=EngagementStatus.ACTIVE,
        activated_at=datetime.now(UTC),
    )  # fmt: skip
    request = await MeetingRequest.create(
        engagement=engagement, lawyer=lawyer, detainee=detainee, facility=place.facility,
        requested_at=datetime.now(UTC), length_minutes=length_minutes,
        status=RequestStatus.REQUESTED,
    )  # fmt: skip
    return Party(lawyer, detainee, engagement, request)
