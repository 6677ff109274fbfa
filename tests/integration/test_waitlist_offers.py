"""Freed capacity offered to waiting requests by the legal clock (scheduling.offers and
scheduling.offer_answers), on both databases."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from app import clock
from app.accounts.policy import NotFound, NotPermitted
from app.audit.models import AuditEntry
from app.errors import DomainError
from notifications.kinds import Channel
from notifications.models import Notification
from scheduling import attendance, closures, facility_admin, offer_answers, offer_notices, offers
from scheduling.booking import MeetingConflict, book, cancel
from scheduling.kinds import (
    CapacityCause,
    MeetingStatus,
    OfferStatus,
    RequestPurpose,
    RequestStatus,
)
from scheduling.models import FreedCapacity, Meeting, MeetingRequest, SlotOffer
from scheduling.offer_answers import AnswerOffer, AskEarlier
from scheduling.offers import OfferPolicy
from tests.integration.helpers import NOTICES
from tests.integration.meeting_world import Party, Place, local, make_party, make_place

pytestmark = pytest.mark.usefixtures("database")
HOUR = timedelta(hours=1)
POLICY = OfferPolicy(
    hold=timedelta(minutes=30), min_notice=timedelta(minutes=30), horizon=timedelta(days=14)
)


@pytest.fixture
async def place() -> Place:
    return await make_place(rooms=1)


class FrozenClock:
    """The app's clock standing still, moved by the test."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.at = datetime.now(UTC)
        monkeypatch.setattr(clock, "now", lambda: self.at)

    def advance(self, by: timedelta) -> None:
        self.at += by

    def set(self, at: datetime) -> None:
        self.at = at


@pytest.fixture
def frozen_clock(monkeypatch: pytest.MonkeyPatch) -> FrozenClock:
    return FrozenClock(monkeypatch)


async def waiting(place: Place, deadline_hours: float, **fields: object) -> Party:
    """A request waiting to be booked, ``deadline_hours`` after 09:00 of the meeting day."""
    party = await make_party(place)
    deadline = local(9) + deadline_hours * HOUR
    await MeetingRequest.filter(id=party.request.id).update(deadline_at=deadline, **fields)
    party.request = await MeetingRequest.get(id=party.request.id)
    return party


async def booked_then_cancelled(place: Place, hour: int) -> Meeting:
    """A meeting at ``hour`` booked and cancelled by its lawyer: its slot is freed."""
    party = await make_party(place)
    meeting = await book(party.lawyer, party.request, place.rooms[0], local(hour), HOUR,
                         notices=NOTICES)  # fmt: skip
    return await cancel(party.lawyer, meeting, "no longer needed", notices=NOTICES)


async def run_round(place: Place) -> list[SlotOffer]:
    return await offers.offer_round(place.facility.id, policy=POLICY, notices=NOTICES)


async def test_a_cancellation_records_the_freed_slot(place: Place) -> None:
    meeting = await booked_then_cancelled(place, 9)
    freed = await FreedCapacity.get(facility_id=place.facility.id)
    assert (freed.room_id, freed.starts_at, freed.ends_at) == (
        meeting.room_id, meeting.starts_at, meeting.ends_at,
    )  # fmt: skip
    assert freed.cause == CapacityCause.CANCELLED_BY_LAWYER


async def test_the_freed_slot_is_offered_to_the_request_with_least_time_left(place: Place) -> None:
    later = await waiting(place, 30)
    sooner = await waiting(place, 5)
    await booked_then_cancelled(place, 9)
    made = await run_round(place)
    assert [(o.request_id, o.starts_at) for o in made] == [(sooner.request.id, local(9))]
    assert not await SlotOffer.filter(request_id=later.request.id).exists()


async def test_a_priority_meeting_is_offered_first_among_equal_time_left(place: Place) -> None:
    await waiting(place, 10)
    first = await waiting(place, 10, purpose=RequestPurpose.FIRST_AFTER_DETENTION)
    await booked_then_cancelled(place, 9)
    (offer,) = await run_round(place)
    assert offer.request_id == first.request.id and offer.priority


async def test_an_offer_is_audited_and_told_to_the_lawyer_with_its_link(place: Place) -> None:
    party = await waiting(place, 5)
    await booked_then_cancelled(place, 9)
    (offer,) = await run_round(place)
    entry = await AuditEntry.get(action="offer.made", object_id=str(offer.id))
    assert entry.summary["request"] == party.request.id
    notice = await Notification.get(template=offer_notices.OFFERED, channel=Channel.INAPP)
    assert notice.recipient_id == party.lawyer.id
    assert notice.payload["url"].endswith(f"/offers/{offer.id}")


async def test_a_round_uses_each_freed_window_once(place: Place) -> None:
    await waiting(place, 5)
    await waiting(place, 6)
    await booked_then_cancelled(place, 9)
    assert len(await run_round(place)) == 1
    assert await run_round(place) == []


async def test_a_held_slot_cannot_be_booked_by_another_lawyer(place: Place) -> None:
    await waiting(place, 5)
    other = await waiting(place, 30)
    await booked_then_cancelled(place, 9)
    await run_round(place)
    with pytest.raises(MeetingConflict) as refused:
        await book(other.lawyer, other.request, place.rooms[0], local(9), HOUR, notices=NOTICES)
    assert refused.value.code in ("slot_held", "meeting_conflict")
    assert not await Meeting.filter(request_id=other.request.id).exists()


async def test_accepting_books_the_held_slot(place: Place) -> None:
    party = await waiting(place, 5)
    await booked_then_cancelled(place, 9)
    (offer,) = await run_round(place)
    meeting = await offer_answers.accept_offer(party.lawyer, AnswerOffer(offer_id=offer.id),
                                               notices=NOTICES)  # fmt: skip
    assert (meeting.starts_at, meeting.room_id) == (local(9), place.rooms[0].id)
    assert (await SlotOffer.get(id=offer.id)).status == OfferStatus.ACCEPTED
    assert (await MeetingRequest.get(id=party.request.id)).status == RequestStatus.SCHEDULED


async def test_another_lawyer_cannot_accept_the_offer(place: Place) -> None:
    await waiting(place, 5)
    other = await waiting(place, 30)
    await booked_then_cancelled(place, 9)
    (offer,) = await run_round(place)
    with pytest.raises(NotFound):
        await offer_answers.accept_offer(other.lawyer, AnswerOffer(offer_id=offer.id),
                                         notices=NOTICES)  # fmt: skip


async def test_the_desk_sees_the_offer_but_cannot_accept_it(place: Place) -> None:
    await waiting(place, 5)
    await booked_then_cancelled(place, 9)
    (offer,) = await run_round(place)
    assert [o.id for o in await offer_answers.open_offers(place.staff)] == [offer.id]
    with pytest.raises(NotPermitted):
        await offer_answers.accept_offer(place.staff, AnswerOffer(offer_id=offer.id),
                                         notices=NOTICES)  # fmt: skip


async def test_a_declined_offer_passes_to_the_next_request(place: Place) -> None:
    first = await waiting(place, 5)
    second = await waiting(place, 30)
    await booked_then_cancelled(place, 9)
    (offer,) = await run_round(place)
    await offer_answers.decline_offer(first.lawyer, AnswerOffer(offer_id=offer.id))
    (passed,) = await run_round(place)
    assert passed.request_id == second.request.id and passed.starts_at == local(9)


async def test_a_lapsed_offer_passes_on_and_is_not_offered_back(
    place: Place, frozen_clock: FrozenClock
) -> None:
    first = await waiting(place, 5)
    second = await waiting(place, 30)
    await booked_then_cancelled(place, 9)
    (offer,) = await run_round(place)
    frozen_clock.advance(timedelta(minutes=31))
    (passed,) = await run_round(place)
    assert (await SlotOffer.get(id=offer.id)).status == OfferStatus.EXPIRED
    assert passed.request_id == second.request.id
    lapsed = await Notification.get(template=offer_notices.LAPSED)
    assert lapsed.recipient_id == first.lawyer.id


async def test_an_accept_after_the_hold_lapsed_books_nothing(
    place: Place, frozen_clock: FrozenClock
) -> None:
    party = await waiting(place, 5)
    await booked_then_cancelled(place, 9)
    (offer,) = await run_round(place)
    frozen_clock.advance(timedelta(minutes=31))
    with pytest.raises(DomainError) as refused:
        await offer_answers.accept_offer(party.lawyer, AnswerOffer(offer_id=offer.id),
                                         notices=NOTICES)  # fmt: skip
    assert refused.value.code == "offer_not_open"
    assert not await Meeting.filter(request_id=party.request.id).exists()


async def test_booking_another_time_withdraws_the_requests_offer_and_frees_it(
    place: Place,
) -> None:
    party = await waiting(place, 5)
    await booked_then_cancelled(place, 9)
    (offer,) = await run_round(place)
    await book(party.lawyer, party.request, place.rooms[0], local(14), HOUR, notices=NOTICES)
    assert (await SlotOffer.get(id=offer.id)).status == OfferStatus.WITHDRAWN
    assert await FreedCapacity.filter(offered_at=None, starts_at=local(9)).exists()


async def test_an_earlier_slot_moves_the_booked_meeting_keeping_its_reference(
    place: Place,
) -> None:
    party = await make_party(place)
    meeting = await book(party.lawyer, party.request, place.rooms[0], local(15), HOUR,
                         notices=NOTICES)  # fmt: skip
    await offer_answers.ask_earlier(party.lawyer, AskEarlier(meeting_id=meeting.id))
    await booked_then_cancelled(place, 9)
    (offer,) = await run_round(place)
    assert offer.meeting_id == meeting.id
    moved = await offer_answers.accept_offer(party.lawyer, AnswerOffer(offer_id=offer.id),
                                             notices=NOTICES)  # fmt: skip
    assert (moved.id, moved.reference, moved.starts_at) == (meeting.id, meeting.reference, local(9))
    assert moved.sequence == meeting.sequence + 1
    assert not (await MeetingRequest.get(id=party.request.id)).wants_earlier


async def test_the_slot_a_moved_meeting_leaves_is_offered_in_turn(place: Place) -> None:
    party = await make_party(place)
    meeting = await book(party.lawyer, party.request, place.rooms[0], local(15), HOUR,
                         notices=NOTICES)  # fmt: skip
    await offer_answers.ask_earlier(party.lawyer, AskEarlier(meeting_id=meeting.id))
    await booked_then_cancelled(place, 9)
    (offer,) = await run_round(place)
    behind = await waiting(place, 40)
    await offer_answers.accept_offer(party.lawyer, AnswerOffer(offer_id=offer.id),
                                     notices=NOTICES)  # fmt: skip
    (next_offer,) = await run_round(place)
    assert (next_offer.request_id, next_offer.starts_at) == (behind.request.id, local(15))


async def test_a_later_slot_is_not_offered_as_earlier(place: Place) -> None:
    party = await make_party(place)
    meeting = await book(party.lawyer, party.request, place.rooms[0], local(9), HOUR,
                         notices=NOTICES)  # fmt: skip
    await offer_answers.ask_earlier(party.lawyer, AskEarlier(meeting_id=meeting.id))
    await booked_then_cancelled(place, 15)
    assert await run_round(place) == []


async def test_a_slot_starting_within_the_minimum_notice_is_not_offered(
    place: Place, frozen_clock: FrozenClock
) -> None:
    await waiting(place, 5)
    await booked_then_cancelled(place, 9)
    frozen_clock.set(local(10) - timedelta(minutes=20))  # the freed hour is 09:00-10:00
    assert await run_round(place) == []


async def test_a_request_awaiting_permission_is_not_offered_a_slot(place: Place) -> None:
    await waiting(place, 5, status=RequestStatus.AWAITING_PERMISSION)
    await booked_then_cancelled(place, 9)
    assert await run_round(place) == []


async def test_a_facility_cancellation_frees_the_slot_and_keeps_the_request_waiting(
    place: Place,
) -> None:
    party = await make_party(place)
    meeting = await book(party.lawyer, party.request, place.rooms[0], local(9), HOUR,
                         notices=NOTICES)  # fmt: skip
    await cancel(place.staff, meeting, "room repairs", notices=NOTICES)
    freed = await FreedCapacity.get(facility_id=place.facility.id)
    assert freed.cause == CapacityCause.CANCELLED_BY_FACILITY
    # The reopened request is itself waiting, and its own old slot is offered back to it.
    (offer,) = await run_round(place)
    assert offer.request_id == party.request.id
    assert (await Meeting.get(id=meeting.id)).status == MeetingStatus.CANCELLED


async def test_a_freed_room_is_offered_in_that_room_only() -> None:
    place = await make_place(rooms=2)  # the second room is free all day anyway
    await waiting(place, 5)
    await waiting(place, 6)
    await booked_then_cancelled(place, 9)
    made = await run_round(place)
    assert [(o.room_id, o.starts_at) for o in made] == [(place.rooms[0].id, local(9))]


async def test_a_later_round_treats_the_held_slot_as_taken() -> None:
    place = await make_place(rooms=2)
    first = await waiting(place, 5)
    second = await waiting(place, 6)
    meetings = []
    for room in place.rooms:
        party = await make_party(place)
        meetings.append(await book(party.lawyer, party.request, room, local(9), HOUR,
                                   notices=NOTICES))  # fmt: skip
    for meeting in meetings:
        await cancel(await meeting.lawyer, meeting, "", notices=NOTICES)
        await run_round(place)
    held = await SlotOffer.filter(status=OfferStatus.OPEN).order_by("room_id")
    assert [(o.request_id, o.room_id) for o in held] == [
        (first.request.id, place.rooms[0].id), (second.request.id, place.rooms[1].id),
    ]  # fmt: skip


async def test_a_closure_ended_early_frees_its_remaining_hours(place: Place) -> None:
    closure = await closures.add_closure(
        place.staff, place.facility, room=None, starts_at=local(8), ends_at=local(18),
        reason="Fire drill",
    )  # fmt: skip
    await waiting(place, 5)
    await closures.end_closure_early(place.staff, closure, local(12))
    freed = await FreedCapacity.get(cause=CapacityCause.CLOSURE_SHORTENED)
    assert (freed.room_id, freed.starts_at, freed.ends_at) == (None, local(12), local(18))
    (offer,) = await run_round(place)
    assert offer.starts_at == local(12)


async def test_a_closure_cannot_be_ended_later_than_it_ends(place: Place) -> None:
    closure = await closures.add_closure(
        place.staff, place.facility, room=None, starts_at=local(8), ends_at=local(12),
        reason="Fire drill",
    )  # fmt: skip
    with pytest.raises(DomainError) as refused:
        await closures.end_closure_early(place.staff, closure, local(13))
    assert refused.value.code == "closure_not_shortened"


async def test_a_withdrawn_closure_frees_its_hours(place: Place) -> None:
    closure = await closures.add_closure(
        place.staff, place.facility, room=place.rooms[0], starts_at=local(8), ends_at=local(12),
        reason="Repairs",
    )  # fmt: skip
    await closures.remove_closure(place.staff, closure)
    freed = await FreedCapacity.get(cause=CapacityCause.CLOSURE_WITHDRAWN)
    assert (freed.room_id, freed.starts_at, freed.ends_at) == (
        place.rooms[0].id,
        local(8),
        local(12),
    )


async def test_a_room_back_in_service_frees_its_hours(place: Place) -> None:
    room = await facility_admin.update_room(place.staff, place.rooms[0], in_service=False)
    await facility_admin.update_room(place.staff, room, in_service=True)
    assert await FreedCapacity.filter(cause=CapacityCause.ROOM_IN_SERVICE, room_id=room.id).exists()


async def test_a_no_show_frees_the_rest_of_the_hour(
    place: Place, frozen_clock: FrozenClock
) -> None:
    party = await make_party(place)
    meeting = await book(party.lawyer, party.request, place.rooms[0], local(9), HOUR,
                         notices=NOTICES)  # fmt: skip
    frozen_clock.set(local(9, 20))
    marked = await attendance.mark_no_show(place.staff, meeting)
    assert marked.ends_at == local(9, 20)
    freed = await FreedCapacity.get(cause=CapacityCause.NO_SHOW)
    assert (freed.starts_at, freed.ends_at) == (local(9, 20), local(10))
    entry = await AuditEntry.get(action="meeting.no_show")
    assert "booked_ends_at" in entry.summary


async def test_the_booking_an_offer_made_names_the_offer_in_its_audit_entry(place: Place) -> None:
    party = await waiting(place, 5)
    await booked_then_cancelled(place, 9)
    (offer,) = await run_round(place)
    meeting = await offer_answers.accept_offer(party.lawyer, AnswerOffer(offer_id=offer.id),
                                               notices=NOTICES)  # fmt: skip
    entry = await AuditEntry.get(action="meeting.booked", object_id=str(meeting.id))
    assert entry.summary["offer"] == offer.id
