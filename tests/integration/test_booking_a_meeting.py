"""Booking a meeting is one domain command (scheduling.booking_command): the lawyer's request
page, the desk's request page and the API build it, so each rule answers the same through each
of them, with the same words (and in the API the field at fault), and nothing is stored when it
refuses."""

from __future__ import annotations

import html
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from httpx import AsyncClient

from scheduling.kinds import RequestStatus
from scheduling.models import Meeting, MeetingRequest
from tests.integration.helpers import api_token, bearer, post_form, sign_in_as
from tests.integration.meeting_world import Party, Place, local, make_party, make_place

ROOM_UNAVAILABLE = "Choose a room of this detention centre that is in service."
NOT_BOOKABLE = "This meeting request cannot be booked in its present state."

# What makes the booking wrong: it prepares the place and the party and gives the room asked for.
Wrong = Callable[[Place, Party], Awaitable[int]]


async def _room_out_of_service(place: Place, party: Party) -> int:
    place.rooms[0].in_service = False
    await place.rooms[0].save()
    return place.rooms[0].id


async def _room_of_another_facility(place: Place, party: Party) -> int:
    return (await make_place()).rooms[0].id


async def _request_awaiting_permission(place: Place, party: Party) -> int:
    await MeetingRequest.filter(id=party.request.id).update(
        status=RequestStatus.AWAITING_PERMISSION
    )
    return place.rooms[0].id


# (what is wrong, the pages' status, the API's status, the API's field at fault, the words)
REFUSED: dict[str, tuple[Wrong, int, int, str | None, str]] = {
    "a room out of service (the stricter rule, now everywhere)": (
        _room_out_of_service, 400, 422, "room_id", ROOM_UNAVAILABLE,
    ),
    "a room of another detention centre": (
        _room_of_another_facility, 400, 422, "room_id", ROOM_UNAVAILABLE,
    ),
    "a request awaiting permission (M5), not a free slot": (
        _request_awaiting_permission, 409, 409, None, NOT_BOOKABLE,
    ),
}  # fmt: skip


@pytest.fixture
async def place(client: AsyncClient) -> Place:
    return await make_place()


async def _by_the_lawyer(client: AsyncClient, party: Party, room_id: int,
                         hour: int = 9) -> tuple[int, str]:  # fmt: skip
    await sign_in_as(client, party.lawyer)
    data = {"slot": f"{room_id}@{local(hour).isoformat()}", "idempotency_key": uuid.uuid4().hex}
    response = await post_form(client, f"/meeting-requests/{party.request.id}/bookings", data)
    return response.status_code, html.unescape(response.text)


async def _by_the_desk(client: AsyncClient, place: Place, party: Party, room_id: int,
                       hour: int = 9) -> tuple[int, str]:  # fmt: skip
    await sign_in_as(client, place.staff)
    data = {"room_id": str(room_id), "starts_at": local(hour).isoformat()}
    response = await post_form(client, f"/board/requests/{party.request.id}/book", data)
    return response.status_code, html.unescape(response.text)


async def _by_the_api(client: AsyncClient, party: Party, room_id: int,
                      hour: int = 9) -> tuple[int, dict[str, Any]]:  # fmt: skip
    headers = {**bearer(await api_token(party.lawyer)), "Accept-Language": "en"}
    body = {"room_id": room_id, "starts_at": local(hour).isoformat()}
    path = f"/api/v1/meeting-requests/{party.request.id}/bookings"
    response = await client.post(path, json=body, headers=headers)
    return response.status_code, response.json()


async def _nothing_booked(party: Party, status: RequestStatus) -> None:
    assert await Meeting.all().count() == 0
    assert (await MeetingRequest.get(id=party.request.id)).status == status


@pytest.mark.parametrize("case", list(REFUSED))
async def test_the_lawyers_page_refuses_with_the_rules_words_and_books_nothing(
    client: AsyncClient, place: Place, case: str
) -> None:
    wrong, status, _api_status, _field, words = REFUSED[case]
    party = await make_party(place)
    room_id = await wrong(place, party)
    before = (await MeetingRequest.get(id=party.request.id)).status
    answer, page = await _by_the_lawyer(client, party, room_id)
    assert answer == status and words in page
    await _nothing_booked(party, before)


@pytest.mark.parametrize("case", list(REFUSED))
async def test_the_desks_page_refuses_with_the_same_words_and_books_nothing(
    client: AsyncClient, place: Place, case: str
) -> None:
    wrong, status, _api_status, _field, words = REFUSED[case]
    party = await make_party(place)
    room_id = await wrong(place, party)
    before = (await MeetingRequest.get(id=party.request.id)).status
    answer, page = await _by_the_desk(client, place, party, room_id)
    assert answer == status and words in page
    await _nothing_booked(party, before)


@pytest.mark.parametrize("case", list(REFUSED))
async def test_the_api_refuses_with_the_same_field_and_words_and_books_nothing(
    client: AsyncClient, place: Place, case: str
) -> None:
    wrong, _status, api_status, field, words = REFUSED[case]
    party = await make_party(place)
    room_id = await wrong(place, party)
    before = (await MeetingRequest.get(id=party.request.id)).status
    answer, problem = await _by_the_api(client, party, room_id)
    assert answer == api_status
    if field is None:
        assert problem["detail"] == words and problem["errors"] == []
    else:
        assert problem["errors"][0] == {"field": field, "message": words}
    await _nothing_booked(party, before)


async def test_someone_elses_request_is_not_found_through_each_entry_point(
    client: AsyncClient, place: Place
) -> None:
    mine, theirs = await make_party(place), await make_party(place)
    elsewhere = await make_place()
    room_id = place.rooms[0].id
    someone_else = Party(mine.lawyer, theirs.detainee, theirs.engagement, theirs.request)
    status, _page = await _by_the_lawyer(client, someone_else, room_id)
    assert status == 404
    status, _page = await _by_the_desk(client, elsewhere, theirs, room_id)
    assert status == 404
    status, _problem = await _by_the_api(client, someone_else, room_id)
    assert status == 404
    await _nothing_booked(theirs, RequestStatus.REQUESTED)


async def test_the_same_booking_is_made_through_each_entry_point(
    client: AsyncClient, place: Place
) -> None:
    by_lawyer, by_desk, by_api = [await make_party(place) for _ in range(3)]
    room_id = place.rooms[0].id
    status, _page = await _by_the_lawyer(client, by_lawyer, room_id, hour=9)
    assert status == 303
    status, _page = await _by_the_desk(client, place, by_desk, room_id, hour=11)
    assert status == 303
    status, body = await _by_the_api(client, by_api, room_id, hour=14)
    assert status == 201 and body["request_status"] == "scheduled"
    booked = await Meeting.filter(room_id=room_id).order_by("starts_at")
    assert [(m.request_id, m.starts_at) for m in booked] == [
        (by_lawyer.request.id, local(9)), (by_desk.request.id, local(11)),
        (by_api.request.id, local(14)),
    ]  # fmt: skip
    for party in (by_lawyer, by_desk, by_api):
        assert (await MeetingRequest.get(id=party.request.id)).status == RequestStatus.SCHEDULED
