"""Staff manage rooms, weekly opening sessions, room overrides and meeting settings
(scheduling.facility_admin), on both backends."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.accounts.policy import NotFound
from app.accounts.roles import Role
from app.audit.models import AuditEntry
from app.demo import load_demo_data
from app.demo.cases import load_demo_cases
from app.demo.meetings import load_demo_meetings, next_opening_at_nine
from app.demo.today import AT_RISK, MEETINGS
from app.errors import DomainError
from app.law.context import Law
from app.orgs.models import Facility
from app.settings import Settings
from notifications.kinds import Channel
from notifications.models import Notification
from scheduling import facility_admin as admin
from scheduling.availability import Interval, free_slots
from scheduling.booking import book
from scheduling.kinds import RequestStatus, RoomKind
from scheduling.models import FacilitySchedule, Meeting, MeetingRequest, OpeningSession, Room
from scheduling.plan_store import load_plan, schedule_of
from tests.integration.helpers import NOTICES, make_user, row_counts
from tests.integration.meeting_world import Place, local, make_party, make_place, meeting_day

pytestmark = pytest.mark.usefixtures("database")
HOUR = timedelta(hours=1)


@pytest.fixture
async def place() -> Place:
    return await make_place(rooms=2)


def evening(**kw: object) -> admin.NewSessions:
    """18:00-20:00 on the meeting day's weekday, after the test facility's 08:00-18:00."""
    values: dict[object, object] = {
        "start_minute": 18 * 60,
        "end_minute": 20 * 60,
        "weekdays": [meeting_day().weekday()],
    }
    values.update(kw)
    return admin.NewSessions(**values)  # type: ignore[arg-type]


async def test_a_room_is_created_with_its_kind_and_audited(place: Place) -> None:
    room = await admin.create_room(place.staff, place.facility, name=" Glass  A ",
                                   kind=RoomKind.GLASS_PARTITIONED)  # fmt: skip
    stored = await Room.get(id=room.id)
    assert (stored.name, stored.kind, stored.in_service) == ("Glass A", "glass_partitioned", True)
    entry = await AuditEntry.get(action="room.created")
    assert entry.object_id == str(room.id) and entry.summary["kind"] == "glass_partitioned"


async def test_a_room_name_is_used_once_per_facility(place: Place) -> None:
    with pytest.raises(DomainError) as caught:
        await admin.create_room(place.staff, place.facility, name="Room 1", kind=RoomKind.IN_PERSON)
    assert (caught.value.code, caught.value.field, caught.value.status) == (
        "room_name_taken", "name", 409,
    )  # fmt: skip


async def test_a_room_needs_a_name(place: Place) -> None:
    with pytest.raises(DomainError) as caught:
        await admin.create_room(place.staff, place.facility, name="  ", kind=RoomKind.IN_PERSON)
    assert (caught.value.code, caught.value.field) == ("required", "name")


async def test_a_room_out_of_service_offers_no_slots(place: Place) -> None:
    await admin.update_room(place.staff, place.rooms[0], in_service=False)
    window = Interval(local(9), local(10))
    plan = await load_plan(place.facility, window)
    assert {s.room_id for s in free_slots(plan, window, HOUR)} == {place.rooms[1].id}
    entry = await AuditEntry.get(action="room.updated")
    assert entry.summary["before"] == {"name": "Room 1", "kind": "in_person", "in_service": True}
    assert entry.summary["after"] == {"name": "Room 1", "kind": "in_person", "in_service": False}


async def test_renaming_a_room_to_a_taken_name_is_refused(place: Place) -> None:
    with pytest.raises(DomainError) as caught:
        await admin.update_room(place.staff, place.rooms[0], name="Room 2")
    assert caught.value.code == "room_name_taken"
    assert (await Room.get(id=place.rooms[0].id)).name == "Room 1"


async def test_a_session_must_end_after_it_starts(place: Place) -> None:
    with pytest.raises(DomainError) as caught:
        await admin.add_sessions(place.staff, place.facility,
                                 evening(start_minute=20 * 60, end_minute=19 * 60))  # fmt: skip
    assert (caught.value.code, caught.value.field) == ("session_ends_before_start", "end")


async def test_a_session_lies_within_one_day(place: Place) -> None:
    with pytest.raises(DomainError) as caught:
        await admin.add_sessions(place.staff, place.facility, evening(end_minute=25 * 60))
    assert caught.value.code == "session_outside_day"


async def test_a_session_overlapping_one_of_the_same_scope_is_refused(place: Place) -> None:
    with pytest.raises(DomainError) as caught:
        await admin.add_sessions(place.staff, place.facility,
                                 evening(start_minute=17 * 60, end_minute=19 * 60))  # fmt: skip
    assert (caught.value.code, caught.value.status) == ("session_overlaps", 409)
    assert await OpeningSession.filter(facility_id=place.facility.id).count() == 7


async def test_a_session_starting_when_another_ends_is_accepted(place: Place) -> None:
    made = await admin.add_sessions(place.staff, place.facility, evening())
    assert [(s.start_minute, s.end_minute, s.room_id) for s in made] == [(1080, 1200, None)]


async def test_a_room_override_may_overlap_the_facility_wide_hours(place: Place) -> None:
    override = evening(start_minute=17 * 60, room_ids=[place.rooms[0].id])
    made = await admin.add_sessions(place.staff, place.facility, override)
    assert [s.room_id for s in made] == [place.rooms[0].id]


async def test_a_room_override_adds_hours_for_that_room_only(place: Place) -> None:
    day = meeting_day()
    await admin.add_sessions(place.staff, place.facility,
                             evening(room_ids=[place.rooms[0].id], valid_from=day,
                                     valid_to=day))  # fmt: skip
    window = Interval(local(18), local(20))
    slots = free_slots(await load_plan(place.facility, window), window, HOUR)
    assert slots and {s.room_id for s in slots} == {place.rooms[0].id}
    next_week = Interval(local(18, day=day + timedelta(days=7)),
                         local(20, day=day + timedelta(days=7)))  # fmt: skip
    assert free_slots(await load_plan(place.facility, next_week), next_week, HOUR) == []


async def test_a_short_date_range_without_weekdays_covers_each_of_its_days(place: Place) -> None:
    # Story 10: an extra afternoon for two rooms for the next three days.
    first = meeting_day()
    new = admin.NewSessions(
        start_minute=18 * 60, end_minute=20 * 60,
        room_ids=[r.id for r in place.rooms], valid_from=first, valid_to=first + timedelta(2),
    )  # fmt: skip
    made = await admin.add_sessions(place.staff, place.facility, new)
    weekdays = {(first + timedelta(n)).weekday() for n in range(3)}
    assert {(s.weekday, s.room_id) for s in made} == {
        (d, r.id) for d in weekdays for r in place.rooms
    }
    assert await AuditEntry.filter(action="opening_session.added").count() == 6


async def test_a_long_range_without_weekdays_is_refused(place: Place) -> None:
    first = meeting_day()
    with pytest.raises(DomainError) as caught:
        await admin.add_sessions(place.staff, place.facility,
                                 evening(weekdays=[], valid_from=first,
                                         valid_to=first + timedelta(10)))  # fmt: skip
    assert (caught.value.code, caught.value.field) == ("weekdays_required", "weekdays")


async def test_a_last_day_before_the_first_is_refused(place: Place) -> None:
    first = meeting_day()
    with pytest.raises(DomainError) as caught:
        backwards = evening(valid_from=first, valid_to=first - timedelta(1))
        await admin.add_sessions(place.staff, place.facility, backwards)
    assert caught.value.code == "valid_to_before_valid_from"


async def test_a_room_of_another_facility_is_refused(place: Place) -> None:
    other = await make_place(rooms=1)
    with pytest.raises(DomainError) as caught:
        await admin.add_sessions(place.staff, place.facility, evening(room_ids=[other.rooms[0].id]))
    assert caught.value.code == "room_unavailable"


async def test_a_new_session_tells_each_waiting_lawyer_once_in_the_inbox(place: Place) -> None:
    first, second = await make_party(place), await make_party(place)
    await admin.add_sessions(place.staff, place.facility, evening(weekdays=[0, 1]))
    told = await Notification.filter(template=admin.NEW_SLOTS_KIND)
    assert sorted(n.recipient_id or 0 for n in told) == sorted([first.lawyer.id, second.lawyer.id])
    assert {n.channel for n in told} == {Channel.INAPP}
    assert told[0].payload["start"] == "18:00" and told[0].payload["weekdays"] == [0, 1]


async def test_a_lawyer_whose_meeting_is_booked_is_not_told(place: Place) -> None:
    party = await make_party(place)
    await book(party.lawyer, party.request, place.rooms[0], local(9), HOUR, notices=NOTICES)
    await admin.add_sessions(place.staff, place.facility, evening())
    assert await Notification.filter(template=admin.NEW_SLOTS_KIND).count() == 0


async def test_deleting_a_session_removes_its_hours_and_is_audited(place: Place) -> None:
    (made,) = await admin.add_sessions(place.staff, place.facility, evening())
    await admin.delete_session(place.staff, made)
    window = Interval(local(18), local(20))
    assert free_slots(await load_plan(place.facility, window), window, HOUR) == []
    entry = await AuditEntry.get(action="opening_session.deleted")
    assert entry.summary["start"] == "18:00"


async def test_schedule_settings_are_saved_and_audited(place: Place) -> None:
    await admin.set_schedule(place.staff, place.facility, allowed_lengths=[90, 30, 60],
                             buffer_minutes=15)  # fmt: skip
    assert await schedule_of(place.facility.id) == ([30, 60, 90], timedelta(minutes=15))
    entry = await AuditEntry.get(action="facility_schedule.updated")
    assert entry.summary["after"] == {"allowed_lengths": [30, 60, 90], "buffer": 15}


@pytest.mark.parametrize(
    ("lengths", "buffer", "code"),
    [([], 10, "lengths_required"), ([60, 61], 10, "length_not_offered"),
     ([60], 121, "buffer_out_of_range"), ([60], -1, "buffer_out_of_range")],
)  # fmt: skip
async def test_schedule_settings_outside_the_choices_are_refused(
    place: Place, lengths: list[int], buffer: int, code: str
) -> None:
    with pytest.raises(DomainError) as caught:
        await admin.set_schedule(place.staff, place.facility, allowed_lengths=lengths,
                                 buffer_minutes=buffer)  # fmt: skip
    assert caught.value.code == code
    assert not await FacilitySchedule.filter(facility_id=place.facility.id).exists()


async def test_staff_of_another_facility_do_not_find_it(place: Place) -> None:
    stranger = await make_user(Role.DETENTION_STAFF)
    with pytest.raises(NotFound):
        await admin.managed_facility(stranger, place.facility.id)
    with pytest.raises(NotFound):
        await admin.managed_room(stranger, place.rooms[0].id)


async def load_whole_demo(settings: Settings) -> int:
    await load_demo_data()
    await load_demo_cases(settings.data_dir, settings.uploads.max_bytes)
    return await load_demo_meetings(settings, Law.from_settings(settings.legal))


async def test_the_demo_gives_rooms_hours_a_booked_meeting_and_a_waiting_request(
    settings: Settings,
) -> None:
    assert await load_whole_demo(settings) == 2 + len(MEETINGS) + len(AT_RISK)  # and today's
    haidian = await Facility.get(name="北京市海淀区看守所")
    kinds = sorted(r.kind.value for r in await Room.filter(facility_id=haidian.id))
    assert kinds == ["glass_partitioned", "in_person", "in_person", "in_person", "video_link"]
    assert await OpeningSession.filter(facility_id=haidian.id).count() == 12  # 2 x Mon-Sat
    zhang = await MeetingRequest.get(lawyer__username="zhang.lawyer")
    meeting = await Meeting.get(request_id=zhang.id)
    assert meeting.starts_at == next_opening_at_nine(haidian.timezone)
    assert zhang.deadline_at is not None and zhang.status == RequestStatus.SCHEDULED
    li = await MeetingRequest.get(lawyer__username="li.lawyer")
    assert li.status == RequestStatus.REQUESTED and not await Meeting.filter(request_id=li.id)


async def test_loading_the_demo_again_creates_nothing_new(settings: Settings) -> None:
    await load_whole_demo(settings)
    before = await row_counts()
    assert await load_whole_demo(settings) == 0
    assert await row_counts() == before
