"""The world the fleet fault test (test_fleet_faults.py) books in: one facility with ROOMS
rooms, an investigator, LAWYERS lawyers each engaged for two detainees, one open meeting
request per engagement and one case per detainee (build_world), and the slot starts the
bookings choose from (slot_starts).

A module of its own because it is data, not machinery: the rows and tokens the load
(fleet_support.py) acts on, whatever the fleet of processes (fleet_processes.py) that serves
it does. Its test helpers are imported where used, as in fleet_processes.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from app.accounts.roles import Role
from app.cases.kinds import EngagementStatus
from app.cases.models import Case, CaseDetainee, Detainee, Engagement
from scheduling.kinds import RequestStatus
from scheduling.models import MeetingRequest

LAWYERS = 8  # each acts for two detainees, and each detainee has two lawyers
ROOMS = 3


@dataclass(frozen=True)
class Asker:
    """Who a meeting request is for: the lawyer, the detainee, the engagement."""

    lawyer: int
    detainee: int
    engagement: int


@dataclass
class FleetWorld:
    """One facility with ROOMS rooms open 08:00-18:00, one agency's investigator, LAWYERS
    lawyers with e-mail and a mobile number, each engaged for detainees n and n+1 (so a
    lawyer and a detainee can each be wanted in two meetings at once), one open meeting
    request per engagement, one case per detainee; API tokens for all."""

    room_ids: list[int]
    staff_token: str
    investigator_token: str
    lawyer_tokens: dict[int, str]  # by lawyer id
    requests: dict[int, Asker]  # by meeting request id
    case_ids: list[int]


async def build_world() -> FleetWorld:
    from tests.integration.helpers import api_token, make_user  # (not in the worker process)
    from tests.integration.meeting_world import make_place

    place = await make_place(rooms=ROOMS)
    investigator = await make_user(Role.INVESTIGATOR, agency=place.agency, region_code="110108")
    lawyers = [await make_user(Role.LAWYER, phone=f"+86139{n:08d}") for n in range(LAWYERS)]
    now = datetime.now(UTC)
    detainees: list[Detainee] = []
    cases: list[Case] = []
    for n in range(LAWYERS):
        case = await Case.create(agency=place.agency, case_number=f"FLEET-{n + 1}")
        detainee = await Detainee.create(
            name=f"Detainee {n + 1}", id_number=f"FLEET{n:08d}", facility=place.facility,
            admitted_at=now - timedelta(days=3),
        )  # fmt: skip
        await CaseDetainee.create(case=case, detainee=detainee)
        cases.append(case)
        detainees.append(detainee)
    requests: dict[int, Asker] = {}
    for n, lawyer in enumerate(lawyers):
        for d in (n, (n + 1) % LAWYERS):
            engagement = await Engagement.create(
                lawyer=lawyer, case=cases[d], detainee=detainees[d],
                status=EngagementStatus.ACTIVE, activated_at=now,
            )  # fmt: skip
            request = await MeetingRequest.create(
                engagement=engagement, lawyer=lawyer, detainee=detainees[d],
                facility=place.facility, requested_at=now, length_minutes=60,
                status=RequestStatus.REQUESTED,
            )  # fmt: skip
            requests[request.id] = Asker(lawyer.id, detainees[d].id, engagement.id)
    return FleetWorld(
        room_ids=[room.id for room in place.rooms],
        staff_token=await api_token(place.staff),
        investigator_token=await api_token(investigator),
        lawyer_tokens={lawyer.id: await api_token(lawyer) for lawyer in lawyers},
        requests=requests,
        case_ids=[case.id for case in cases],
    )


def slot_starts() -> list[datetime]:
    """Every half hour from 09:00 to 16:00 of two days ahead: one-hour meetings that start
    at these overlap partly as well as wholly."""
    from tests.integration.meeting_world import local, meeting_day

    days = (meeting_day(), meeting_day() + timedelta(days=1))
    return [local(9, day=day) + timedelta(minutes=30 * k) for day in days for k in range(15)]
