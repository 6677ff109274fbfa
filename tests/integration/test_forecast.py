"""Requests at risk of the 48-hour limit (M1): the earliest slot before the deadline, or a
capacity breach forecast when there is none. Nothing is refused for lack of capacity."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from scheduling.booking import book
from scheduling.forecast import requests_at_risk
from scheduling.models import Closure, Meeting, MeetingRequest
from tests.integration.helpers import NOTICES
from tests.integration.meeting_world import Party, local, make_party, make_place

pytestmark = pytest.mark.usefixtures("database")
HOUR = timedelta(hours=1)


def _now() -> datetime:
    """07:00 on the meeting day, before the facility opens at 08:00: asked for when the test
    runs, like every other time in it (a value taken at import is a day off once the run
    crosses midnight in Beijing)."""
    return local(7)


async def _running(party: Party, deadline: datetime) -> MeetingRequest:
    """Give the party's request a running clock ending at ``deadline``."""
    await MeetingRequest.filter(id=party.request.id).update(
        clock_started_at=deadline - timedelta(hours=48), deadline_at=deadline
    )
    return await MeetingRequest.get(id=party.request.id)


async def test_a_request_with_a_free_slot_shows_its_earliest_slot() -> None:
    place = await make_place(rooms=1)
    party = await make_party(place)
    await _running(party, local(12))
    [item] = await requests_at_risk(place.facility.id, _now())
    assert item.request.id == party.request.id
    assert item.deadline_at == local(12) and item.hours_left == 5.0
    assert item.earliest_slot is not None and not item.breach_forecast
    assert (item.earliest_slot.start, item.earliest_slot.room_id) == (local(8), place.rooms[0].id)


async def test_no_free_slot_before_the_deadline_is_a_capacity_breach_forecast() -> None:
    place = await make_place(rooms=1)
    busy, waiting = await make_party(place), await make_party(place)
    await book(busy.lawyer, busy.request, place.rooms[0], local(8), 2 * HOUR, notices=NOTICES)
    await _running(waiting, local(10, 30))  # 10:00 + 10 min buffer leaves no hour by 10:30
    [item] = await requests_at_risk(place.facility.id, _now())
    assert item.request.id == waiting.request.id
    assert item.earliest_slot is None and item.breach_forecast
    assert item.hours_left == 3.5


async def test_requests_are_listed_soonest_deadline_first() -> None:
    place = await make_place()
    later, sooner = await make_party(place), await make_party(place)
    await _running(later, local(17))
    await _running(sooner, local(11))
    items = await requests_at_risk(place.facility.id, _now())
    assert [i.request.id for i in items] == [sooner.request.id, later.request.id]


async def test_booked_and_clockless_requests_are_not_at_risk() -> None:
    place = await make_place()
    booked, clockless = await make_party(place), await make_party(place)
    await _running(booked, local(12))
    await book(booked.lawyer, booked.request, place.rooms[0], local(9), HOUR, notices=NOTICES)
    assert clockless.request.deadline_at is None
    assert await requests_at_risk(place.facility.id, _now()) == []


async def test_a_meeting_a_closure_fell_on_is_listed_for_rebooking() -> None:
    place = await make_place(rooms=1)
    party = await make_party(place)
    request = await _running(party, local(17))
    meeting = await book(party.lawyer, request, place.rooms[0], local(9), HOUR, notices=NOTICES)
    closure = await Closure.create(
        facility=place.facility, starts_at=local(8), ends_at=local(12), reason="power cut"
    )
    await Meeting.filter(id=meeting.id).update(needs_rebooking=True, closure_id=closure.id)
    [item] = await requests_at_risk(place.facility.id, _now())
    assert item.meeting is not None and item.meeting.id == meeting.id
    assert item.earliest_slot is not None and item.earliest_slot.start == local(12)


async def test_another_facilitys_requests_are_not_listed() -> None:
    place, elsewhere = await make_place(), await make_place()
    await _running(await make_party(elsewhere), local(12))
    assert await requests_at_risk(place.facility.id, _now()) == []
