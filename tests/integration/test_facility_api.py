"""Rooms, opening sessions, meeting settings and closures through /api/v1 (both backends)."""

from __future__ import annotations

from datetime import timedelta

from httpx import AsyncClient

from app.accounts.roles import Role
from notifications.models import Notification
from scheduling.booking import book
from scheduling.models import Closure, Meeting, OpeningSession, Room
from tests.integration.helpers import NOTICES, api_token, bearer, make_user
from tests.integration.meeting_world import Place, local, make_party, make_place, meeting_day

HOUR = timedelta(hours=1)


async def staff_headers(place: Place) -> dict[str, str]:
    return bearer(await api_token(place.staff))


async def test_staff_add_a_room_and_everyone_can_list_it(client: AsyncClient) -> None:
    place = await make_place(rooms=1)
    created = await client.post(
        f"/api/v1/facilities/{place.facility.id}/rooms",
        json={"name": "Video 1", "kind": "video_link"},
        headers=await staff_headers(place),
    )
    assert created.status_code == 201, created.text
    assert created.json()["kind"] == "video_link" and created.json()["in_service"] is True
    lawyer = await make_user(Role.LAWYER)
    listed = await client.get(
        f"/api/v1/facilities/{place.facility.id}/rooms", headers=bearer(await api_token(lawyer))
    )
    assert [r["name"] for r in listed.json()] == ["Room 1", "Video 1"]


async def test_a_room_is_taken_out_of_service_with_patch(client: AsyncClient) -> None:
    place = await make_place(rooms=1)
    response = await client.patch(
        f"/api/v1/rooms/{place.rooms[0].id}",
        json={"in_service": False},
        headers=await staff_headers(place),
    )
    assert response.status_code == 200, response.text
    assert response.json()["in_service"] is False
    assert (await Room.get(id=place.rooms[0].id)).in_service is False


async def test_staff_of_another_facility_get_404_for_every_change(client: AsyncClient) -> None:
    place = await make_place(rooms=1)
    stranger = bearer(await api_token(await make_user(Role.DETENTION_STAFF)))
    f = f"/api/v1/facilities/{place.facility.id}"
    session = await OpeningSession.filter(facility_id=place.facility.id).first()
    assert session is not None
    closure = await Closure.create(facility=place.facility, starts_at=local(8),
                                   ends_at=local(9), reason="drill")  # fmt: skip
    answers = [
        await client.post(f + "/rooms", json={"name": "X"}, headers=stranger),
        await client.patch(
            f"/api/v1/rooms/{place.rooms[0].id}", json={"name": "X"}, headers=stranger
        ),
        await client.post(
            f + "/sessions",
            json={"weekdays": [0], "start": "19:00", "end": "20:00"},
            headers=stranger,
        ),
        await client.delete(f"/api/v1/sessions/{session.id}", headers=stranger),
        await client.put(
            f + "/schedule", json={"allowed_lengths": [60], "buffer_minutes": 0}, headers=stranger
        ),
        await client.post(
            f + "/closures",
            json={
                "starts_at": local(8).isoformat(),
                "ends_at": local(9).isoformat(),
                "reason": "x",
            },
            headers=stranger,
        ),
        await client.delete(f"/api/v1/closures/{closure.id}", headers=stranger),
    ]
    assert [a.status_code for a in answers] == [404] * 7
    assert await Room.all().count() == 1 and await Closure.all().count() == 1


async def test_a_lawyer_may_read_but_not_change_the_hours(client: AsyncClient) -> None:
    place = await make_place(rooms=1)
    lawyer = bearer(await api_token(await make_user(Role.LAWYER)))
    f = f"/api/v1/facilities/{place.facility.id}"
    assert (await client.get(f + "/sessions", headers=lawyer)).status_code == 200
    refused = await client.post(f + "/rooms", json={"name": "X"}, headers=lawyer)
    assert refused.status_code == 403


async def test_sessions_round_trip_in_local_wall_time(client: AsyncClient) -> None:
    place = await make_place(rooms=2)
    day = meeting_day()
    f = f"/api/v1/facilities/{place.facility.id}"
    body = {"start": "18:00", "end": "20:00", "room_ids": [place.rooms[0].id],
            "valid_from": day.isoformat(), "valid_to": day.isoformat()}  # fmt: skip
    created = await client.post(f + "/sessions", json=body, headers=await staff_headers(place))
    assert created.status_code == 201, created.text
    (made,) = created.json()
    assert (made["weekday"], made["start"], made["end"]) == (day.weekday(), "18:00", "20:00")
    listed = (await client.get(f + "/sessions", headers=await staff_headers(place))).json()
    assert made in listed
    deleted = await client.delete(
        f"/api/v1/sessions/{made['id']}", headers=await staff_headers(place)
    )
    assert deleted.status_code == 204
    assert not await OpeningSession.filter(id=made["id"]).exists()


async def test_an_overlapping_session_is_a_409_problem(client: AsyncClient) -> None:
    place = await make_place(rooms=1)
    response = await client.post(
        f"/api/v1/facilities/{place.facility.id}/sessions",
        json={"weekdays": [0], "start": "17:00", "end": "19:00"},
        headers=await staff_headers(place),
    )
    assert response.status_code == 409
    assert response.headers["content-type"].startswith("application/problem+json")


async def test_a_session_ending_before_it_starts_is_a_422_on_end(client: AsyncClient) -> None:
    place = await make_place(rooms=1)
    response = await client.post(
        f"/api/v1/facilities/{place.facility.id}/sessions",
        json={"weekdays": [0], "start": "20:00", "end": "19:00"},
        headers=await staff_headers(place),
    )
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["end"]


async def test_schedule_round_trip(client: AsyncClient) -> None:
    place = await make_place(rooms=1)
    path = f"/api/v1/facilities/{place.facility.id}/schedule"
    put = await client.put(path, json={"allowed_lengths": [45, 30], "buffer_minutes": 5},
                           headers=await staff_headers(place))  # fmt: skip
    assert put.status_code == 200, put.text
    got = (await client.get(path, headers=await staff_headers(place))).json()
    assert (got["allowed_lengths"], got["buffer_minutes"]) == ([30, 45], 5)
    assert got["timezone"] == "Asia/Shanghai"


async def test_a_closure_posted_flags_the_meeting_and_lists_it(client: AsyncClient) -> None:
    place = await make_place(rooms=1)
    party = await make_party(place)
    meeting = await book(
        party.lawyer, party.request, place.rooms[0], local(9), HOUR, notices=NOTICES
    )
    f = f"/api/v1/facilities/{place.facility.id}"
    body = {"starts_at": local(8).isoformat(), "ends_at": local(12).isoformat(),
            "reason": "fire drill"}  # fmt: skip
    created = await client.post(f + "/closures", json=body, headers=await staff_headers(place))
    assert created.status_code == 201, created.text
    assert [m["reference"] for m in created.json()["affected_meetings"]] == [meeting.reference]
    assert (await Meeting.get(id=meeting.id)).needs_rebooking
    assert await Notification.filter(template="meeting_closure_rebooking").exists()
    lawyer_view = await client.get(f + "/closures", headers=bearer(await api_token(party.lawyer)))
    (seen,) = lawyer_view.json()
    assert seen["reason"] == "fire drill" and seen["affected_meetings"] is None


async def test_a_closure_without_a_zone_is_refused(client: AsyncClient) -> None:
    place = await make_place(rooms=1)
    body = {"starts_at": "2030-01-01T08:00:00", "ends_at": "2030-01-01T12:00:00",
            "reason": "drill"}  # fmt: skip
    response = await client.post(f"/api/v1/facilities/{place.facility.id}/closures", json=body,
                                 headers=await staff_headers(place))  # fmt: skip
    assert response.status_code == 422
    assert await Closure.all().count() == 0


async def test_a_closure_is_removed_with_delete(client: AsyncClient) -> None:
    place = await make_place(rooms=1)
    closure = await Closure.create(facility=place.facility, starts_at=local(8),
                                   ends_at=local(9), reason="typo")  # fmt: skip
    response = await client.delete(
        f"/api/v1/closures/{closure.id}", headers=await staff_headers(place)
    )
    assert response.status_code == 204
    assert await Closure.all().count() == 0
