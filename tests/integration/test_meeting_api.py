"""The meetings API: requests, availability, bookings, changes, attendance and the day board."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from httpx import AsyncClient, Response

from app.accounts.models import User
from app.accounts.roles import Role
from app.cases.kinds import CaseCategory
from app.cases.models import Case
from scheduling.models import Closure, FacilitySchedule, Meeting, MeetingRequest
from tests.integration.helpers import api_token, audit_actions, bearer, make_user
from tests.integration.meeting_world import (
    Party,
    Place,
    local,
    make_party,
    make_place,
    meeting_day,
)

HOUR = timedelta(hours=1)


@pytest.fixture
async def place(client: AsyncClient) -> Place:
    return await make_place()


async def _as(user: User) -> dict[str, str]:
    return bearer(await api_token(user))


async def _post(client: AsyncClient, user: User, path: str, body: dict[str, Any],
                **headers: str) -> Response:  # fmt: skip
    return await client.post("/api/v1" + path, json=body, headers={**await _as(user), **headers})


async def _get(client: AsyncClient, user: User, path: str, **params: str) -> Response:
    return await client.get("/api/v1" + path, params=params, headers=await _as(user))


async def _book(client: AsyncClient, party: Party, room_id: int, start: datetime,
                **headers: str) -> Response:  # fmt: skip
    body = {"room_id": room_id, "starts_at": start.isoformat(), "length_minutes": 60}
    return await _post(client, party.lawyer, f"/meeting-requests/{party.request.id}/bookings",
                       body, **headers)  # fmt: skip


# Requests ---------------------------------------------------------------------------------------


async def test_an_assistant_named_without_an_id_number_is_refused_as_on_the_page(
    client: AsyncClient, place: Place
) -> None:
    party = await make_party(place)
    body = {"engagement_id": party.engagement.id, "assistant_name": "Li Zhuli"}
    response = await _post(client, party.lawyer, "/meeting-requests", body)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "assistant_id_number"


async def test_a_lawyer_asks_to_meet_their_client(client: AsyncClient, place: Place) -> None:
    party = await make_party(place)
    response = await _post(client, party.lawyer, "/meeting-requests",
                           {"engagement_id": party.engagement.id, "length_minutes": 60,
                            "assistant_name": "Li Zhuli",
                            "assistant_id_number": "110101199001011234",
                            "interpreter_needed": True})  # fmt: skip
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["status"] == "requested" and body["walk_in"] is False
    assert body["deadline"]["period"] == "48h" and body["deadline_at"] is not None
    assert body["assistant_name"] == "Li Zhuli" and body["interpreter_needed"] is True
    assert "meeting_request.opened" in await audit_actions()


async def test_a_lawyer_cannot_ask_for_another_lawyers_client(
    client: AsyncClient, place: Place
) -> None:
    mine, theirs = await make_party(place), await make_party(place)
    response = await _post(client, mine.lawyer, "/meeting-requests",
                           {"engagement_id": theirs.engagement.id})  # fmt: skip
    assert response.status_code == 404


async def test_only_staff_register_walk_ins(client: AsyncClient, place: Place) -> None:
    party = await make_party(place)
    response = await _post(client, party.lawyer, "/meeting-requests",
                           {"engagement_id": party.engagement.id, "walk_in": True})  # fmt: skip
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "walk_in"


async def test_staff_register_a_walk_in_at_their_facility(
    client: AsyncClient, place: Place
) -> None:
    party = await make_party(place)
    response = await _post(client, place.staff, "/meeting-requests",
                           {"engagement_id": party.engagement.id, "walk_in": True})  # fmt: skip
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["walk_in"] is True and body["lawyer_id"] == party.lawyer.id
    assert body["deadline_at"] is not None


async def test_staff_of_another_facility_cannot_register_the_walk_in(
    client: AsyncClient, place: Place
) -> None:
    party = await make_party(place)
    elsewhere = await make_user(Role.DETENTION_STAFF)
    response = await _post(client, elsewhere, "/meeting-requests",
                           {"engagement_id": party.engagement.id, "walk_in": True})  # fmt: skip
    assert response.status_code == 404


async def test_an_investigator_may_not_ask_for_meetings(client: AsyncClient, place: Place) -> None:
    party = await make_party(place)
    investigator = await make_user(Role.INVESTIGATOR, agency=place.agency)
    response = await _post(client, investigator, "/meeting-requests",
                           {"engagement_id": party.engagement.id})  # fmt: skip
    assert response.status_code == 403


async def test_a_lawyer_lists_only_their_requests(client: AsyncClient, place: Place) -> None:
    mine, _theirs = await make_party(place), await make_party(place)
    response = await _get(client, mine.lawyer, "/meeting-requests")
    assert [r["id"] for r in response.json()] == [mine.request.id]


async def test_a_guessed_request_id_is_not_found(client: AsyncClient, place: Place) -> None:
    mine, theirs = await make_party(place), await make_party(place)
    response = await _get(client, mine.lawyer, f"/meeting-requests/{theirs.request.id}")
    assert response.status_code == 404


# Availability and booking -----------------------------------------------------------------------


async def test_availability_lists_free_slots_in_the_window(
    client: AsyncClient, place: Place
) -> None:
    party = await make_party(place)
    path = f"/meeting-requests/{party.request.id}/availability"
    window = {"from": local(8).isoformat(), "to": local(10).isoformat()}
    response = await _get(client, party.lawyer, path, **window)
    assert response.status_code == 200, response.text
    slots = response.json()["slots"]
    starts = {datetime.fromisoformat(s["starts_at"]) for s in slots}
    assert min(starts) == local(8) and max(starts) == local(9)
    assert {s["room_id"] for s in slots} == {r.id for r in place.rooms}


async def test_booking_a_chosen_room_and_time(client: AsyncClient, place: Place) -> None:
    party = await make_party(place)
    response = await _book(client, party, place.rooms[0].id, local(9))
    assert response.status_code == 201, response.text
    body = response.json()
    assert len(body["reference"]) == 8 and body["sequence"] == 0
    assert body["request_status"] == "scheduled"
    assert datetime.fromisoformat(body["starts_at"]) == local(9)


async def test_booking_without_room_or_time_takes_the_earliest_slot_before_the_deadline(
    client: AsyncClient, place: Place
) -> None:
    party = await make_party(place)
    created = await _post(client, party.lawyer, "/meeting-requests",
                          {"engagement_id": party.engagement.id})  # fmt: skip
    request_id = created.json()["id"]
    free = await _get(client, party.lawyer, f"/meeting-requests/{request_id}/availability")
    first = free.json()["slots"][0]
    response = await _post(client, party.lawyer, f"/meeting-requests/{request_id}/bookings", {})
    assert response.status_code == 201, response.text
    body = response.json()
    assert (body["room_id"], body["starts_at"]) == (first["room_id"], first["starts_at"])
    deadline = datetime.fromisoformat(created.json()["deadline_at"])
    assert datetime.fromisoformat(body["ends_at"]) <= deadline


async def test_no_slot_before_the_deadline_answers_409_with_alternatives(
    client: AsyncClient, place: Place
) -> None:
    party = await make_party(place)
    created = await _post(client, party.lawyer, "/meeting-requests",
                          {"engagement_id": party.engagement.id})  # fmt: skip
    now = datetime.now(UTC)
    await Closure.create(facility=place.facility, starts_at=now - HOUR,
                         ends_at=now + timedelta(days=4), reason="renovation")  # fmt: skip
    response = await _post(client, party.lawyer,
                           f"/meeting-requests/{created.json()['id']}/bookings", {})  # fmt: skip
    assert response.status_code == 409
    alternatives = response.json()["alternatives"]
    assert alternatives and all(
        datetime.fromisoformat(a["starts_at"]) >= now + timedelta(days=4) for a in alternatives
    )
    request = await MeetingRequest.get(id=created.json()["id"])
    assert request.status == "requested"  # not refused: it stays open for staff to act on


async def test_a_repeated_idempotency_key_returns_the_same_meeting(
    client: AsyncClient, place: Place
) -> None:
    party = await make_party(place)
    first = await _book(client, party, place.rooms[0].id, local(9), **{"Idempotency-Key": "k1"})
    again = await _book(client, party, place.rooms[0].id, local(9), **{"Idempotency-Key": "k1"})
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"]
    assert await Meeting.all().count() == 1


async def test_a_taken_slot_answers_409_with_alternatives(
    client: AsyncClient, place: Place
) -> None:
    first, second = await make_party(place), await make_party(place)
    await _book(client, first, place.rooms[0].id, local(9))
    response = await _book(client, second, place.rooms[0].id, local(9))
    assert response.status_code == 409
    assert response.headers["content-type"] == "application/problem+json"
    alternative = response.json()["alternatives"][0]
    assert set(alternative) == {"room_id", "starts_at", "ends_at"}
    assert (alternative["room_id"], datetime.fromisoformat(alternative["starts_at"])) == (
        place.rooms[1].id, local(9),
    )  # fmt: skip


async def test_back_to_back_meetings_are_both_accepted(client: AsyncClient, place: Place) -> None:
    await FacilitySchedule.create(facility=place.facility, buffer_minutes=0)
    first, second = await make_party(place), await make_party(place)
    assert (await _book(client, first, place.rooms[0].id, local(9))).status_code == 201
    assert (await _book(client, second, place.rooms[0].id, local(10))).status_code == 201


# Changes ----------------------------------------------------------------------------------------


async def test_cancelling_frees_the_slot(client: AsyncClient, place: Place) -> None:
    first, second = await make_party(place), await make_party(place)
    meeting = (await _book(client, first, place.rooms[0].id, local(9))).json()
    cancelled = await _post(client, first.lawyer, f"/meetings/{meeting['id']}/cancel",
                            {"reason": "No longer needed"})  # fmt: skip
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    assert cancelled.json()["request_status"] == "cancelled_by_lawyer"
    assert (await _book(client, second, place.rooms[0].id, local(9))).status_code == 201


async def test_staff_must_give_a_reason_to_cancel(client: AsyncClient, place: Place) -> None:
    party = await make_party(place)
    meeting = (await _book(client, party, place.rooms[0].id, local(9))).json()
    refused = await _post(client, place.staff, f"/meetings/{meeting['id']}/cancel", {})
    assert refused.status_code == 422
    done = await _post(client, place.staff, f"/meetings/{meeting['id']}/cancel",
                       {"reason": "Room flooded"})  # fmt: skip
    assert done.status_code == 200 and done.json()["request_status"] == "requested"


async def test_rescheduling_keeps_the_reference_and_raises_the_sequence(
    client: AsyncClient, place: Place
) -> None:
    party = await make_party(place)
    meeting = (await _book(client, party, place.rooms[0].id, local(9))).json()
    moved = await _post(client, party.lawyer, f"/meetings/{meeting['id']}/reschedule",
                        {"starts_at": local(14).isoformat()})  # fmt: skip
    assert moved.status_code == 200, moved.text
    body = moved.json()
    assert (body["reference"], body["uid"]) == (meeting["reference"], meeting["uid"])
    assert body["sequence"] == 1 and datetime.fromisoformat(body["starts_at"]) == local(14)


async def test_rescheduling_onto_a_taken_slot_is_409_with_alternatives(
    client: AsyncClient, place: Place
) -> None:
    first, second = await make_party(place), await make_party(place)
    await _book(client, first, place.rooms[0].id, local(9))
    meeting = (await _book(client, second, place.rooms[0].id, local(11))).json()
    response = await _post(client, second.lawyer, f"/meetings/{meeting['id']}/reschedule",
                           {"starts_at": local(9, 30).isoformat()})  # fmt: skip
    assert response.status_code == 409 and response.json()["alternatives"]
    stored = await Meeting.get(id=meeting["id"])
    assert (stored.starts_at, stored.sequence) == (local(11), 0)


async def test_a_request_awaiting_permission_cannot_be_booked(
    client: AsyncClient, place: Place
) -> None:
    party = await make_party(place)
    await Case.filter(id=party.engagement.case_id).update(category=CaseCategory.STATE_SECURITY)
    created = await _post(client, party.lawyer, "/meeting-requests",
                          {"engagement_id": party.engagement.id})  # fmt: skip
    response = await _post(client, party.lawyer,
                           f"/meeting-requests/{created.json()['id']}/bookings", {})  # fmt: skip
    assert response.status_code == 409
    assert await Meeting.all().count() == 0


async def test_staff_must_give_a_reason_to_reschedule(client: AsyncClient, place: Place) -> None:
    party = await make_party(place)
    meeting = (await _book(client, party, place.rooms[0].id, local(9))).json()
    response = await _post(client, place.staff, f"/meetings/{meeting['id']}/reschedule",
                           {"starts_at": local(14).isoformat()})  # fmt: skip
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "reason"


async def test_another_lawyer_cannot_touch_the_meeting(client: AsyncClient, place: Place) -> None:
    party, other = await make_party(place), await make_party(place)
    meeting = (await _book(client, party, place.rooms[0].id, local(9))).json()
    response = await _post(client, other.lawyer, f"/meetings/{meeting['id']}/cancel", {})
    assert response.status_code == 404
    assert (await _get(client, other.lawyer, f"/meetings/{meeting['id']}")).status_code == 404


# Attendance, permission, refusal ----------------------------------------------------------------


async def test_staff_run_the_meeting_from_check_in_to_completion(
    client: AsyncClient, place: Place
) -> None:
    party = await make_party(place)
    meeting = (await _book(client, party, place.rooms[0].id, local(9))).json()
    base = f"/meetings/{meeting['id']}"
    checked = await _post(client, place.staff, base + "/check-in", {"documents_verified": True})
    assert checked.status_code == 200 and checked.json()["checked_in_at"] is not None
    assert (await _post(client, place.staff, base + "/start", {})).status_code == 200
    done = await _post(client, place.staff, base + "/complete", {})
    assert done.json()["request_status"] == "completed" and done.json()["ended_at"] is not None


async def test_a_second_check_in_is_409_naming_the_current_state(
    client: AsyncClient, place: Place
) -> None:
    party = await make_party(place)
    meeting = (await _book(client, party, place.rooms[0].id, local(9))).json()
    path = f"/meetings/{meeting['id']}/check-in"
    await _post(client, place.staff, path, {"documents_verified": True})
    again = await _post(client, place.staff, path, {"documents_verified": True})
    assert again.status_code == 409 and again.json()["current_status"] == "checked_in"


async def test_a_lawyer_cannot_check_in_their_own_meeting(
    client: AsyncClient, place: Place
) -> None:
    party = await make_party(place)
    meeting = (await _book(client, party, place.rooms[0].id, local(9))).json()
    response = await _post(client, party.lawyer, f"/meetings/{meeting['id']}/check-in",
                           {"documents_verified": True})  # fmt: skip
    assert response.status_code == 403


async def test_an_investigator_decides_a_permission_case(client: AsyncClient, place: Place) -> None:
    party = await make_party(place)
    await Case.filter(id=party.engagement.case_id).update(category=CaseCategory.TERRORISM)
    created = await _post(client, party.lawyer, "/meeting-requests",
                          {"engagement_id": party.engagement.id})  # fmt: skip
    assert created.json()["status"] == "awaiting_permission"
    assert created.json()["permission_due_at"] is not None
    investigator = await make_user(Role.INVESTIGATOR, agency=place.agency)
    path = f"/meeting-requests/{created.json()['id']}/permission"
    unreasoned = await _post(client, investigator, path, {"granted": False})
    assert unreasoned.status_code == 422
    contact = {"contact_unit": "北京市国家安全局", "contact_person": "李警官"}
    granted = await _post(client, investigator, path, {"granted": True, **contact})
    assert granted.status_code == 200, granted.text
    assert granted.json()["status"] == "requested" and granted.json()["deadline_at"] is not None


async def test_staff_refuse_only_with_a_lawful_reason(client: AsyncClient, place: Place) -> None:
    party = await make_party(place)
    path = f"/meeting-requests/{party.request.id}/refusal"
    unlawful = await _post(client, place.staff, path, {"reason": "no_booking"})
    assert unlawful.status_code == 422
    lawful = await _post(client, place.staff, path, {"reason": "detainee_released"})
    assert lawful.status_code == 200 and lawful.json()["status"] == "refused"
    assert lawful.json()["refusal_reason"] == "detainee_released"


async def test_the_desk_starts_a_waiting_clock_once_the_documents_are_checked(
    client: AsyncClient, place: Place
) -> None:
    party = await make_party(place)  # opened with no clock, as policy P1 after_document_check
    path = f"/meeting-requests/{party.request.id}/documents-checked"
    started = await _post(client, place.staff, path, {})
    assert started.status_code == 200, started.text
    assert started.json()["deadline_at"] is not None
    again = await _post(client, place.staff, path, {})
    assert again.status_code == 409
    assert (await _post(client, party.lawyer, path, {})).status_code == 403


# Day board --------------------------------------------------------------------------------------


async def test_the_day_board_shows_rooms_meetings_and_requests_at_risk(
    client: AsyncClient, place: Place
) -> None:
    booked, waiting = await make_party(place), await make_party(place)
    await _book(client, booked, place.rooms[0].id, local(9))
    await _post(client, waiting.lawyer, "/meeting-requests",
                {"engagement_id": waiting.engagement.id})  # fmt: skip
    day = meeting_day().isoformat()
    response = await _get(client, place.staff, f"/facilities/{place.facility.id}/board", day=day)
    assert response.status_code == 200, response.text
    board = response.json()
    assert [r["id"] for r in board["rooms"]] == [r.id for r in place.rooms]
    [entry] = board["rooms"][0]["meetings"]
    assert entry["lawyer"]["id"] == booked.lawyer.id
    assert entry["detainee"]["name"] == booked.detainee.name
    assert [r["lawyer"]["id"] for r in board["at_risk"]] == [waiting.lawyer.id]
    assert board["at_risk"][0]["earliest_slot"] is not None


async def test_the_day_board_is_for_the_facilitys_own_staff(
    client: AsyncClient, place: Place
) -> None:
    elsewhere = await make_user(Role.DETENTION_STAFF)
    party = await make_party(place)
    path = f"/facilities/{place.facility.id}/board"
    assert (await _get(client, elsewhere, path)).status_code == 404
    assert (await _get(client, party.lawyer, path)).status_code == 403


async def test_the_openapi_document_has_the_meeting_endpoints(client: AsyncClient) -> None:
    paths = (await client.get("/api/v1/openapi.json")).json()["paths"]
    for path in ("/api/v1/meeting-requests", "/api/v1/meeting-requests/{request_id}/bookings",
                 "/api/v1/meeting-requests/{request_id}/availability",
                 "/api/v1/meeting-requests/{request_id}/permission",
                 "/api/v1/meeting-requests/{request_id}/refusal", "/api/v1/meetings/{meeting_id}",
                 "/api/v1/meetings/{meeting_id}/check-in", "/api/v1/meetings/{meeting_id}/no-show",
                 "/api/v1/facilities/{facility_id}/board"):  # fmt: skip
        assert path in paths, path
    booking = paths["/api/v1/meeting-requests/{request_id}/bookings"]["post"]
    assert "Idempotency-Key" in booking["summary"] and "409" in booking["responses"]
