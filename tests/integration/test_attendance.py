"""The meeting day at the desk: check-in, start, end, no-show, lawful refusals and the facility's
cancellations. Each step is audited and applies once, however often it is clicked."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from app.errors import DomainError
from app.law.policies import LegalPolicies
from app.law.restdays import RestDayCalendar
from scheduling import attendance
from scheduling.attendance import RefusalReason
from scheduling.booking import book
from scheduling.kinds import MeetingStatus, RequestStatus
from scheduling.models import Closure, Meeting, MeetingRequest
from scheduling.requests import NewRequest, open_request
from tests.integration.helpers import NOTICES, audit_actions
from tests.integration.meeting_world import Party, Place, local, make_party, make_place

pytestmark = pytest.mark.usefixtures("database")
HOUR = timedelta(hours=1)


@pytest.fixture
async def place() -> Place:
    return await make_place()


async def _booked(place: Place, when: datetime | None = None) -> tuple[Party, Meeting]:
    party = await make_party(place)
    meeting = await book(
        party.lawyer, party.request, place.rooms[0], when or local(9), HOUR, notices=NOTICES
    )
    return party, meeting


async def _status(party: Party) -> RequestStatus:
    return (await MeetingRequest.get(id=party.request.id)).status


async def _checked_in(place: Place) -> tuple[Party, Meeting]:
    party, meeting = await _booked(place)
    await attendance.check_in(place.staff, meeting, documents_verified=True,
                              assistant_present=False)  # fmt: skip
    return party, meeting


async def test_check_in_records_the_document_check_and_the_time(place: Place) -> None:
    party, meeting = await _booked(place)
    await MeetingRequest.filter(id=party.request.id).update(assistant_name="Li Zhuli")
    at = datetime.now(UTC) - timedelta(minutes=5)
    await attendance.check_in(
        place.staff, meeting, documents_verified=True, assistant_present=True, at=at
    )
    stored = await Meeting.get(id=meeting.id)
    assert (stored.documents_verified, stored.assistant_present) == (True, True)
    assert stored.checked_in_at == at
    assert await _status(party) == RequestStatus.CHECKED_IN


async def test_check_in_needs_the_three_documents_verified(place: Place) -> None:
    party, meeting = await _booked(place)
    with pytest.raises(DomainError) as caught:
        await attendance.check_in(place.staff, meeting, documents_verified=False,
                                  assistant_present=False)  # fmt: skip
    assert (caught.value.code, caught.value.field) == ("documents_not_verified",
                                                       "documents_verified")  # fmt: skip
    assert await _status(party) == RequestStatus.SCHEDULED


async def test_an_assistant_must_have_been_registered_to_be_present(place: Place) -> None:
    _party, meeting = await _booked(place)
    with pytest.raises(DomainError) as caught:
        await attendance.check_in(place.staff, meeting, documents_verified=True,
                                  assistant_present=True)  # fmt: skip
    assert caught.value.code == "no_assistant_registered"


async def test_a_second_check_in_is_a_conflict_and_changes_nothing(place: Place) -> None:
    _party, meeting = await _checked_in(place)
    first = (await Meeting.get(id=meeting.id)).checked_in_at
    with pytest.raises(DomainError) as caught:
        await attendance.check_in(place.staff, meeting, documents_verified=True,
                                  assistant_present=False)  # fmt: skip
    assert (caught.value.code, caught.value.status) == ("meeting_wrong_state", 409)
    assert (await Meeting.get(id=meeting.id)).checked_in_at == first
    assert (await audit_actions()).count("meeting.checked_in") == 1


async def test_a_time_in_the_future_is_refused(place: Place) -> None:
    _party, meeting = await _booked(place)
    with pytest.raises(DomainError) as caught:
        await attendance.check_in(
            place.staff, meeting, documents_verified=True, assistant_present=False,
            at=datetime.now(UTC) + timedelta(hours=1),
        )  # fmt: skip
    assert caught.value.code == "time_in_future"


async def test_a_time_without_a_zone_is_refused(place: Place) -> None:
    _party, meeting = await _booked(place)
    with pytest.raises(DomainError) as caught:
        await attendance.check_in(
            place.staff, meeting, documents_verified=True, assistant_present=False,
            at=datetime(2026, 1, 1, 9, 0),
        )  # fmt: skip
    assert caught.value.code == "time_needs_zone"


async def test_a_meeting_cannot_start_before_check_in(place: Place) -> None:
    party, meeting = await _booked(place)
    with pytest.raises(DomainError) as caught:
        await attendance.start(place.staff, meeting)
    assert caught.value.code == "meeting_wrong_state"
    assert await _status(party) == RequestStatus.SCHEDULED


async def test_start_and_complete_record_their_times(place: Place) -> None:
    party, meeting = await _checked_in(place)
    await attendance.start(place.staff, meeting)
    assert await _status(party) == RequestStatus.IN_PROGRESS
    await attendance.complete(place.staff, meeting)
    stored = await Meeting.get(id=meeting.id)
    assert stored.started_at is not None and stored.ended_at is not None
    assert stored.checked_in_at is not None
    assert stored.checked_in_at <= stored.started_at <= stored.ended_at
    assert await _status(party) == RequestStatus.COMPLETED


async def test_a_meeting_cannot_be_completed_before_it_starts(place: Place) -> None:
    _party, meeting = await _checked_in(place)
    with pytest.raises(DomainError) as caught:
        await attendance.complete(place.staff, meeting)
    assert caught.value.code == "meeting_wrong_state"


async def test_every_step_is_audited(place: Place) -> None:
    _party, meeting = await _checked_in(place)
    await attendance.start(place.staff, meeting)
    await attendance.complete(place.staff, meeting)
    actions = await audit_actions()
    assert actions[-3:] == ["meeting.checked_in", "meeting.started", "meeting.completed"]


async def test_a_no_show_is_recorded_once_the_start_has_passed(place: Place) -> None:
    yesterday = (datetime.now(UTC) - timedelta(days=1)).date()
    party, meeting = await _booked(place, local(9, day=yesterday))
    await attendance.mark_no_show(place.staff, meeting)
    assert (await Meeting.get(id=meeting.id)).no_show_at is not None
    assert await _status(party) == RequestStatus.NO_SHOW


async def test_a_no_show_cannot_be_recorded_before_the_booked_start(place: Place) -> None:
    party, meeting = await _booked(place)  # ten days ahead
    with pytest.raises(DomainError) as caught:
        await attendance.mark_no_show(place.staff, meeting)
    assert caught.value.code == "no_show_too_early"
    assert await _status(party) == RequestStatus.SCHEDULED


async def test_a_started_meeting_is_never_a_no_show(place: Place) -> None:
    yesterday = (datetime.now(UTC) - timedelta(days=1)).date()
    _party, meeting = await _booked(place, local(9, day=yesterday))
    await attendance.check_in(place.staff, meeting, documents_verified=True,
                              assistant_present=False)  # fmt: skip
    await attendance.start(place.staff, meeting)
    with pytest.raises(DomainError) as caught:
        await attendance.mark_no_show(place.staff, meeting)
    assert caught.value.code == "meeting_wrong_state"


async def test_lack_of_a_booking_is_not_a_lawful_refusal(place: Place) -> None:
    party = await make_party(place)
    with pytest.raises(DomainError) as caught:
        await attendance.refuse_request(place.staff, party.request, "not_booked", notices=NOTICES)
    assert (caught.value.code, caught.value.field) == ("refusal_reason_unlawful", "reason")
    assert await _status(party) == RequestStatus.REQUESTED


async def test_a_lawful_refusal_is_recorded_and_frees_the_slot(place: Place) -> None:
    party, meeting = await _booked(place)
    await attendance.refuse_request(
        place.staff,
        party.request,
        RefusalReason.DETAINEE_TRANSFERRED,
        "Moved to Facility 2",
        notices=NOTICES,
    )
    stored = await MeetingRequest.get(id=party.request.id)
    assert stored.status == RequestStatus.REFUSED
    assert stored.refusal_reason == "detainee_transferred: Moved to Facility 2"
    assert (await Meeting.get(id=meeting.id)).status == MeetingStatus.CANCELLED
    assert "meeting_request.refused" in await audit_actions()


async def test_missing_documents_must_be_named(place: Place) -> None:
    party = await make_party(place)
    with pytest.raises(DomainError) as caught:
        await attendance.refuse_request(
            place.staff, party.request, RefusalReason.LAWYER_DOCUMENTS_INCOMPLETE, notices=NOTICES
        )
    assert (caught.value.code, caught.value.field) == ("refusal_details_required", "details")


async def test_an_ordinary_case_cannot_be_refused_for_want_of_permission(place: Place) -> None:
    party = await make_party(place)
    with pytest.raises(DomainError) as caught:
        await attendance.refuse_request(
            place.staff,
            party.request,
            RefusalReason.PERMISSION_REQUIRED_NOT_GRANTED,
            notices=NOTICES,
        )
    assert caught.value.code == "refusal_no_permission_needed"


async def test_a_completed_meeting_cannot_be_refused(place: Place) -> None:
    party, meeting = await _checked_in(place)
    await attendance.start(place.staff, meeting)
    await attendance.complete(place.staff, meeting)
    with pytest.raises(DomainError) as caught:
        await attendance.refuse_request(
            place.staff, party.request, "detainee_released", notices=NOTICES
        )
    assert caught.value.code == "meeting_wrong_state"


async def test_the_facility_must_say_why_it_cancels(place: Place) -> None:
    _party, meeting = await _booked(place)
    with pytest.raises(DomainError) as caught:
        await attendance.cancel_by_facility(place.staff, meeting, "  ", notices=NOTICES)
    assert (caught.value.code, caught.value.field) == ("cancel_reason_required", "reason")
    assert (await Meeting.get(id=meeting.id)).status == MeetingStatus.ACTIVE


async def test_a_facility_cancellation_reopens_the_request_with_its_deadline(
    place: Place,
) -> None:
    party = await make_party(place)
    request = await open_request(
        party.lawyer, party.engagement, NewRequest(), policies=LegalPolicies(),
        calendar=RestDayCalendar(),
    )  # fmt: skip
    meeting = await book(party.lawyer, request, place.rooms[0], local(9), HOUR, notices=NOTICES)
    await attendance.cancel_by_facility(place.staff, meeting, "Room flooded", notices=NOTICES)
    stored = await MeetingRequest.get(id=request.id)
    assert stored.status == RequestStatus.REQUESTED
    assert stored.deadline_at == request.deadline_at is not None
    assert stored.facility_cancel_reason == "Room flooded"
    assert (await Meeting.get(id=meeting.id)).status == MeetingStatus.CANCELLED


async def test_a_lawyer_cannot_cancel_once_checked_in(place: Place) -> None:
    party, meeting = await _checked_in(place)
    with pytest.raises(DomainError) as caught:
        await attendance.cancel_by_lawyer(party.lawyer, meeting, notices=NOTICES)
    assert caught.value.code == "meeting_wrong_state"
    assert (await Meeting.get(id=meeting.id)).status == MeetingStatus.ACTIVE


async def test_moving_a_meeting_a_closure_fell_on_settles_the_flag(place: Place) -> None:
    _party, meeting = await _booked(place)
    closure = await Closure.create(
        facility=place.facility, starts_at=local(8), ends_at=local(12), reason="drill"
    )
    await Meeting.filter(id=meeting.id).update(needs_rebooking=True, closure_id=closure.id)
    flagged = await Meeting.get(id=meeting.id)
    await attendance.move(
        place.staff, flagged, place.rooms[0], local(14), HOUR, "Closure", notices=NOTICES
    )
    stored = await Meeting.get(id=meeting.id)
    assert (stored.needs_rebooking, stored.closure_id, stored.starts_at) == (
        False, None, local(14),
    )  # fmt: skip
    assert stored.sequence == 1


@pytest.mark.parametrize("backend", ["postgres"], indirect=True)
async def test_two_simultaneous_check_ins_apply_once(place: Place) -> None:
    _party, meeting = await _booked(place)
    copies = [await Meeting.get(id=meeting.id) for _ in range(2)]
    outcomes = await asyncio.gather(
        *(attendance.check_in(place.staff, m, documents_verified=True, assistant_present=False)
          for m in copies),
        return_exceptions=True,
    )  # fmt: skip
    refused = [o for o in outcomes if isinstance(o, DomainError)]
    assert len(refused) == 1 and refused[0].code == "meeting_wrong_state"
    assert (await audit_actions()).count("meeting.checked_in") == 1
