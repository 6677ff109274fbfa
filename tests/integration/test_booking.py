"""Booking, cancelling and moving meetings through the service (both backends)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.audit.models import AuditEntry
from app.errors import DomainError
from scheduling.booking import MeetingConflict, book, cancel, reschedule
from scheduling.kinds import MeetingStatus, RequestStatus
from scheduling.models import Closure, Meeting, MeetingRequest
from scheduling.reference import is_reference
from tests.integration.helpers import NOTICES
from tests.integration.meeting_world import Place, local, make_party, make_place

pytestmark = pytest.mark.usefixtures("database")
HOUR = timedelta(hours=1)


@pytest.fixture
async def place() -> Place:
    return await make_place(rooms=2)


async def test_booking_creates_an_active_meeting_with_a_reference(place: Place) -> None:
    party = await make_party(place)
    meeting = await book(
        party.lawyer, party.request, place.rooms[0], local(9), HOUR, notices=NOTICES
    )
    stored = await Meeting.get(id=meeting.id)
    assert (stored.starts_at, stored.ends_at) == (local(9), local(10))
    assert stored.status == MeetingStatus.ACTIVE
    assert is_reference(stored.reference)
    assert stored.sequence == 0


async def test_booking_schedules_the_request(place: Place) -> None:
    party = await make_party(place)
    await book(party.lawyer, party.request, place.rooms[0], local(9), HOUR, notices=NOTICES)
    assert (await MeetingRequest.get(id=party.request.id)).status == RequestStatus.SCHEDULED


async def test_booking_writes_one_audit_entry_without_content(place: Place) -> None:
    party = await make_party(place)
    meeting = await book(
        party.lawyer, party.request, place.rooms[0], local(9), HOUR, notices=NOTICES
    )
    entry = await AuditEntry.get(action="meeting.booked")
    assert entry.object_id == str(meeting.id)
    assert entry.summary["reference"] == meeting.reference


async def test_the_same_idempotency_key_returns_the_same_meeting(place: Place) -> None:
    party = await make_party(place)
    first = await book(
        party.lawyer, party.request, place.rooms[0], local(9), HOUR, "key-1", notices=NOTICES
    )
    again = await book(
        party.lawyer, party.request, place.rooms[0], local(9), HOUR, "key-1", notices=NOTICES
    )
    assert again.id == first.id and again.reference == first.reference
    assert await Meeting.all().count() == 1
    assert await AuditEntry.filter(action="meeting.booked").count() == 1


async def test_a_taken_slot_is_a_conflict_with_alternatives(place: Place) -> None:
    first, second = await make_party(place), await make_party(place)
    await book(first.lawyer, first.request, place.rooms[0], local(9), HOUR, notices=NOTICES)
    with pytest.raises(MeetingConflict) as caught:
        await book(second.lawyer, second.request, place.rooms[0], local(9), HOUR, notices=NOTICES)
    assert caught.value.code == "meeting_conflict" and caught.value.status == 409
    assert caught.value.alternatives, "a conflict offers the next free slots"
    assert all(
        not (alt.room_id == place.rooms[0].id and alt.start < local(10))
        for alt in caught.value.alternatives
    )
    assert caught.value.alternatives[0].start == local(9)  # the other room is still free


async def test_a_closed_facility_cannot_be_booked(place: Place) -> None:
    party = await make_party(place)
    await Closure.create(
        facility=place.facility, starts_at=local(8), ends_at=local(12), reason="drill"
    )
    with pytest.raises(MeetingConflict) as caught:
        await book(party.lawyer, party.request, place.rooms[0], local(9), HOUR, notices=NOTICES)
    assert caught.value.code == "slot_unavailable"
    assert caught.value.alternatives[0].start == local(12)


async def test_outside_opening_hours_cannot_be_booked(place: Place) -> None:
    party = await make_party(place)
    with pytest.raises(MeetingConflict) as caught:
        await book(
            party.lawyer, party.request, place.rooms[0], local(17, 30), HOUR, notices=NOTICES
        )
    assert caught.value.code == "slot_unavailable"


async def test_a_length_the_facility_does_not_offer_is_refused(place: Place) -> None:
    party = await make_party(place)
    with pytest.raises(DomainError) as caught:
        await book(
            party.lawyer,
            party.request,
            place.rooms[0],
            local(9),
            timedelta(minutes=50),
            notices=NOTICES,
        )
    assert caught.value.code == "length_not_allowed"


async def test_cancelling_frees_the_slot(place: Place) -> None:
    first, second = await make_party(place), await make_party(place)
    meeting = await book(
        first.lawyer, first.request, place.rooms[0], local(9), HOUR, notices=NOTICES
    )
    await cancel(first.lawyer, meeting, "client released", notices=NOTICES)
    again = await book(
        second.lawyer, second.request, place.rooms[0], local(9), HOUR, notices=NOTICES
    )
    assert again.status == MeetingStatus.ACTIVE


async def test_the_lawyer_cancelling_ends_the_request(place: Place) -> None:
    party = await make_party(place)
    meeting = await book(
        party.lawyer, party.request, place.rooms[0], local(9), HOUR, notices=NOTICES
    )
    cancelled = await cancel(party.lawyer, meeting, "not needed", notices=NOTICES)
    assert cancelled.sequence == 1
    request = await MeetingRequest.get(id=party.request.id)
    assert request.status == RequestStatus.CANCELLED_BY_LAWYER


async def test_the_facility_cancelling_reopens_the_request(place: Place) -> None:
    party = await make_party(place)
    meeting = await book(
        party.lawyer, party.request, place.rooms[0], local(9), HOUR, notices=NOTICES
    )
    await cancel(place.staff, meeting, "room flooded", notices=NOTICES)
    request = await MeetingRequest.get(id=party.request.id)
    assert request.status == RequestStatus.REQUESTED


async def test_rescheduling_keeps_the_reference_and_raises_the_sequence(place: Place) -> None:
    party = await make_party(place)
    meeting = await book(
        party.lawyer, party.request, place.rooms[0], local(9), HOUR, notices=NOTICES
    )
    moved = await reschedule(
        party.lawyer, meeting, place.rooms[1], local(14), HOUR, notices=NOTICES
    )
    stored = await Meeting.get(id=meeting.id)
    assert (stored.reference, stored.uid) == (meeting.reference, moved.uid)
    assert (stored.room_id, stored.starts_at, stored.sequence) == (place.rooms[1].id, local(14), 1)


async def test_rescheduling_onto_a_taken_slot_is_a_conflict(place: Place) -> None:
    first, second = await make_party(place), await make_party(place)
    await book(first.lawyer, first.request, place.rooms[0], local(9), HOUR, notices=NOTICES)
    meeting = await book(
        second.lawyer, second.request, place.rooms[0], local(11), HOUR, notices=NOTICES
    )
    with pytest.raises(MeetingConflict):
        await reschedule(
            second.lawyer, meeting, place.rooms[0], local(9, 30), HOUR, notices=NOTICES
        )
    assert (await Meeting.get(id=meeting.id)).starts_at == local(11)


async def test_an_idempotency_key_cannot_be_reused_for_another_request(place: Place) -> None:
    party = await make_party(place)
    await book(
        party.lawyer, party.request, place.rooms[0], local(9), HOUR, "key-1", notices=NOTICES
    )
    other = await MeetingRequest.create(
        engagement=party.engagement, lawyer=party.lawyer, detainee=party.detainee,
        facility=place.facility, requested_at=local(7), status=RequestStatus.REQUESTED,
    )  # fmt: skip
    with pytest.raises(DomainError) as caught:
        await book(party.lawyer, other, place.rooms[0], local(14), HOUR, "key-1", notices=NOTICES)
    assert caught.value.code == "idempotency_key_reused"


async def test_a_cancelled_meeting_cannot_be_cancelled_again(place: Place) -> None:
    party = await make_party(place)
    meeting = await book(
        party.lawyer, party.request, place.rooms[0], local(9), HOUR, notices=NOTICES
    )
    await cancel(party.lawyer, meeting, "first", notices=NOTICES)
    with pytest.raises(DomainError) as caught:
        await cancel(party.lawyer, meeting, "second", notices=NOTICES)
    assert caught.value.code == "meeting_not_active"
    assert (await Meeting.get(id=meeting.id)).sequence == 1
