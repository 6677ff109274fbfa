"""The booking endpoint reads the key's earlier meeting and the room in one statement: the
answers stay those of separate reads (a key is one attempt, a room must be in service)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from httpx import AsyncClient, Response

from scheduling.kinds import RequestStatus
from scheduling.models import Meeting, MeetingRequest
from tests.integration.helpers import api_token, bearer
from tests.integration.meeting_world import Party, Place, local, make_party, make_place


@pytest.fixture
async def place(client: AsyncClient) -> Place:
    return await make_place()


async def _book(client: AsyncClient, party: Party, request_id: int, body: dict[str, Any],
                **headers: str) -> Response:  # fmt: skip
    auth = bearer(await api_token(party.lawyer))
    return await client.post(f"/api/v1/meeting-requests/{request_id}/bookings", json=body,
                             headers={**auth, **headers})  # fmt: skip


def _slot(room_id: int, hour: int) -> dict[str, Any]:
    return {"room_id": room_id, "starts_at": local(hour).isoformat(), "length_minutes": 60}


async def test_a_key_used_for_one_request_is_refused_for_another(
    client: AsyncClient, place: Place
) -> None:
    party = await make_party(place)
    other = await MeetingRequest.create(
        engagement=party.engagement, lawyer=party.lawyer, detainee=party.detainee,
        facility=place.facility, requested_at=datetime.now(UTC), length_minutes=60,
        status=RequestStatus.REQUESTED,
    )  # fmt: skip
    first = await _book(client, party, party.request.id, _slot(place.rooms[0].id, 9),
                        **{"Idempotency-Key": "k1"})  # fmt: skip
    second = await _book(client, party, other.id, _slot(place.rooms[1].id, 11),
                         **{"Idempotency-Key": "k1"})  # fmt: skip
    assert (first.status_code, second.status_code) == (201, 409)
    assert "alternatives" not in second.json()  # not a slot conflict: the key's misuse
    assert await Meeting.all().count() == 1


async def test_a_repeat_answers_200_even_when_the_room_left_service_since(
    client: AsyncClient, place: Place
) -> None:
    party = await make_party(place)
    body = _slot(place.rooms[0].id, 9)
    first = await _book(client, party, party.request.id, body, **{"Idempotency-Key": "k2"})
    place.rooms[0].in_service = False
    await place.rooms[0].save()
    again = await _book(client, party, party.request.id, body, **{"Idempotency-Key": "k2"})
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"]


async def test_a_room_out_of_service_is_not_booked(client: AsyncClient, place: Place) -> None:
    party = await make_party(place)
    place.rooms[0].in_service = False
    await place.rooms[0].save()
    response = await _book(client, party, party.request.id, _slot(place.rooms[0].id, 9))
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "room_id"
    assert await Meeting.all().count() == 0


async def test_a_room_of_another_facility_is_not_booked(client: AsyncClient, place: Place) -> None:
    elsewhere = await make_place()
    party = await make_party(place)
    response = await _book(client, party, party.request.id, _slot(elsewhere.rooms[0].id, 9))
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "room_id"


async def test_a_booking_answers_with_the_request_scheduled(
    client: AsyncClient, place: Place
) -> None:
    party = await make_party(place)
    response = await _book(client, party, party.request.id, _slot(place.rooms[0].id, 9))
    assert response.status_code == 201
    assert response.json()["request_status"] == "scheduled"
    assert (await MeetingRequest.get(id=party.request.id)).status == RequestStatus.SCHEDULED


async def test_a_lawyer_cannot_book_another_lawyers_request(
    client: AsyncClient, place: Place
) -> None:
    mine, theirs = await make_party(place), await make_party(place)
    response = await _book(client, mine, theirs.request.id, _slot(place.rooms[0].id, 9))
    assert response.status_code == 404
    assert await Meeting.all().count() == 0


async def test_staff_book_at_their_facility_only(client: AsyncClient, place: Place) -> None:
    elsewhere = await make_place()
    party = await make_party(place)
    body = _slot(place.rooms[0].id, 9)
    path = f"/api/v1/meeting-requests/{party.request.id}/bookings"
    outside = await client.post(path, json=body, headers=bearer(await api_token(elsewhere.staff)))
    inside = await client.post(path, json=body, headers=bearer(await api_token(place.staff)))
    assert (outside.status_code, inside.status_code) == (404, 201)
