"""Demo rooms, opening hours and meetings for `make run`, after the demo users and cases.

Loaded through the same services staff and lawyers call, so the audit trail tells the same
story. Idempotent: a facility that has sessions or a schedule keeps them, a room name that
exists is left alone, and a lawyer with any meeting request gets no new one.

* Both demo centres open Monday to Saturday, 08:30-11:30 and 14:00-17:30 (Beijing time);
  Sundays are closed, so a Friday-night request can still be met on Saturday (story 1).
* zhang.lawyer (Haidian, documents accepted) has a meeting booked for 09:00 on the next day
  the centre opens; li.lawyer has a request for a new client still waiting for a slot, so the
  Haidian desk can add a session and see him told (story 10). Li's documents in his first case
  stay unreviewed, for the document-check demo.
* Then today's work at Haidian (``app.demo.today``): meetings across the day board, two
  requests at risk, the investigator's tasks and a case-status notice in Zhang's inbox.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Final
from zoneinfo import ZoneInfo

from app import clock
from app.accounts.models import User
from app.cases import engagements, services
from app.cases.kinds import REQUIRED_DOCUMENTS, CaseCategory, DocumentKind, EngagementKind
from app.cases.models import Engagement, EngagementDocument
from app.cases.storage import document_root
from app.demo.documents import demo_pdf
from app.demo.today import AT_RISK, MEETINGS, load_demo_today
from app.law.context import Law
from app.orgs.models import Facility
from app.settings import Settings
from scheduling import facility_admin as admin
from scheduling import offers
from scheduling.booking import book
from scheduling.kinds import DEFAULT_LENGTHS, RoomKind
from scheduling.meeting_notices import NoticeSettings
from scheduling.models import FacilitySchedule, MeetingRequest, OpeningSession, Room
from scheduling.offers import OfferPolicy
from scheduling.requests import NewRequest, open_request

HAIDIAN: Final = "北京市海淀区看守所"
CHAOYANG: Final = "北京市朝阳区看守所"
ROOMS: Final = {
    HAIDIAN: (
        ("会见室1", RoomKind.IN_PERSON),
        ("会见室2", RoomKind.IN_PERSON),
        ("会见室3", RoomKind.IN_PERSON),
        ("隔离会见室", RoomKind.GLASS_PARTITIONED),
        ("视频会见室", RoomKind.VIDEO_LINK),
    ),
    CHAOYANG: (("会见室1", RoomKind.IN_PERSON), ("会见室2", RoomKind.IN_PERSON)),
}
DESKS: Final = {HAIDIAN: "haidian.desk", CHAOYANG: "chaoyang.desk"}
# The video rooms' fixed address (the "fixed" video provider): an example domain, no real room.
VIDEO_ADDRESS: Final = "https://video.example.org/haidian-lawyer-room"
OPEN_DAYS: Final = (0, 1, 2, 3, 4, 5)  # Monday to Saturday
SESSIONS: Final = ((8 * 60 + 30, 11 * 60 + 30), (14 * 60, 17 * 60 + 30))
BUFFER_MINUTES: Final = 10
LI_CASE: Final = "京海公(刑)立字〔2026〕1107号"


async def load_demo_meetings(settings: Settings, law: Law) -> int:
    """Create what is missing; return how many demo meeting requests were created."""
    for name, rooms in ROOMS.items():
        facility = await Facility.get(name=name)
        desk = await User.get(username=DESKS[name])
        await _rooms_and_hours(desk, facility, rooms)
    await _settle_waitlist(settings)  # the first hours: nobody waits yet, so nothing is offered
    created = 0
    if not await MeetingRequest.filter(lawyer__username="zhang.lawyer").exists():
        await _zhang_booked(settings, law)
        created += 1
    if not await MeetingRequest.filter(lawyer__username="li.lawyer").exists():
        await _li_waiting(settings, law)
        created += 1
    if await load_demo_today(settings, law):
        created += len(MEETINGS) + len(AT_RISK)
    await _settle_waitlist(settings)
    return created


async def _settle_waitlist(settings: Settings) -> None:
    """Offer the capacity loading freed now, so a fresh server starts with a settled waitlist
    rather than offers appearing while someone books."""
    policy, notices = OfferPolicy.from_settings(settings), NoticeSettings.from_settings(settings)
    for facility_id in await offers.facilities_due():
        await offers.offer_round(facility_id, policy=policy, notices=notices)


async def _rooms_and_hours(
    desk: User, facility: Facility, rooms: tuple[tuple[str, RoomKind], ...]
) -> None:
    for name, kind in rooms:
        if not await Room.filter(facility_id=facility.id, name=name).exists():
            address = VIDEO_ADDRESS if kind == RoomKind.VIDEO_LINK else ""
            await admin.create_room(desk, facility, name=name, kind=kind, video_address=address)
    if not await OpeningSession.filter(facility_id=facility.id).exists():
        for start, end in SESSIONS:
            new = admin.NewSessions(start_minute=start, end_minute=end, weekdays=OPEN_DAYS)
            await admin.add_sessions(desk, facility, new)
    if not await FacilitySchedule.filter(facility_id=facility.id).exists():
        await admin.set_schedule(
            desk, facility, allowed_lengths=DEFAULT_LENGTHS, buffer_minutes=BUFFER_MINUTES
        )


async def _request(law: Law, lawyer: User, case_number: str) -> MeetingRequest:
    engagement = await Engagement.get(lawyer_id=lawyer.id, case__case_number=case_number)
    legal = await law.context()
    return await open_request(
        lawyer, engagement, NewRequest(length_minutes=60), policies=legal.policies,
        calendar=legal.calendar,
    )  # fmt: skip


async def _zhang_booked(settings: Settings, law: Law) -> None:
    lawyer = await User.get(username="zhang.lawyer")
    request = await _request(law, lawyer, "京海公(刑)立字〔2026〕1024号")
    facility = await Facility.get(name=HAIDIAN)
    room = await Room.get(facility_id=facility.id, name="会见室1")
    starts = next_opening_at_nine(facility.timezone)
    notices = NoticeSettings.from_settings(settings)
    await book(lawyer, request, room, starts, timedelta(hours=1), notices=notices)


def next_opening_at_nine(zone_name: str, now: datetime | None = None) -> datetime:
    """09:00 on the next day the demo centres open (Sundays are closed)."""
    zone = ZoneInfo(zone_name)
    day = (now or clock.now()).astimezone(zone).date() + timedelta(days=1)
    while day.weekday() not in OPEN_DAYS:
        day += timedelta(days=1)
    return datetime.combine(day, time(9, 0), tzinfo=zone).astimezone(UTC)


async def _li_waiting(settings: Settings, law: Law) -> None:
    """A new client of Li's at Haidian, his documents checked at the desk (story 2)."""
    lawyer = await User.get(username="li.lawyer")
    investigator = await User.get(username="zhao.investigator")
    facility = await Facility.get(name=HAIDIAN)
    case = await services.open_case(
        investigator,
        services.NewCase(
            LI_CASE, CaseCategory.ORDINARY, "盗窃罪",
            services.NewDetainee("孙志强", "110108199203154411", facility.id,
                                 clock.now() - timedelta(days=1)),
        ),
    )  # fmt: skip
    found = await engagements.Found.for_case(case)
    engagement = await engagements.start_engagement(lawyer, found, case.id, EngagementKind.RETAINED)
    root = document_root(settings.data_dir)
    for kind in REQUIRED_DOCUMENTS[EngagementKind.RETAINED]:
        await engagements.upload_document(
            lawyer, engagement, DocumentKind(kind), f"{kind.value}.pdf",
            demo_pdf(f"lawmeet demo: {kind.value}"), root, settings.uploads.max_bytes,
        )  # fmt: skip
    desk = await User.get(username=DESKS[HAIDIAN])
    for document in await EngagementDocument.filter(engagement_id=engagement.id):
        await engagements.review_document(desk, document, accept=True)
    await _request(law, lawyer, LI_CASE)
