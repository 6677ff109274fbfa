"""The staff pages under /facility and the public opening hours (both backends)."""

from __future__ import annotations

from datetime import timedelta

from httpx import AsyncClient, Response

from app.accounts.roles import Role
from scheduling.booking import book
from scheduling.models import Closure, FacilitySchedule, Meeting, OpeningSession, Room
from tests.integration.helpers import NOTICES, csrf_from, make_user, sign_in_as
from tests.integration.meeting_world import Place, local, make_party, make_place, meeting_day

HOUR = timedelta(hours=1)


async def post(client: AsyncClient, path: str, data: dict[str, str]) -> Response:
    token = csrf_from((await client.get("/facility")).text)
    return await client.post(path, data={"csrf_token": token, **data})


async def staff_on_page(client: AsyncClient) -> Place:
    place = await make_place(rooms=2)
    await sign_in_as(client, place.staff)
    return place


async def test_staff_see_rooms_week_and_settings(client: AsyncClient) -> None:
    place = await staff_on_page(client)
    page = await client.get("/facility")
    assert page.status_code == 200
    assert "Room 1" in page.text and "Room 2" in page.text
    assert "08:00–18:00" in page.text
    assert 'href="/facility"' in page.text  # the navigation shows "Rooms and hours"
    assert place.facility.name in page.text


async def test_a_lawyer_may_not_open_the_staff_page(client: AsyncClient) -> None:
    await make_place(rooms=1)
    await sign_in_as(client, await make_user(Role.LAWYER))
    assert (await client.get("/facility")).status_code == 403


async def test_staff_add_a_room_with_the_form(client: AsyncClient) -> None:
    place = await staff_on_page(client)
    response = await post(client, "/facility/rooms", {"name": "Video 1", "kind": "video_link"})
    assert response.status_code == 303
    room = await Room.get(facility_id=place.facility.id, name="Video 1")
    assert room.kind == "video_link"


async def test_a_taken_room_name_is_shown_at_the_field_with_the_input(
    client: AsyncClient,
) -> None:
    await staff_on_page(client)
    response = await post(
        client, "/facility/rooms", {"name": "Room 1", "kind": "glass_partitioned"}
    )
    assert response.status_code == 409
    text = response.text
    assert "already has a room of this name" in text
    assert 'id="e-room-name"' in text
    assert '<option value="glass_partitioned" selected>' in text


async def test_staff_take_a_room_out_of_service(client: AsyncClient) -> None:
    place = await staff_on_page(client)
    room = place.rooms[0]
    response = await post(client, f"/facility/rooms/{room.id}",
                          {"name": "Room 1", "kind": "in_person"})  # fmt: skip
    assert response.status_code == 303
    assert (await Room.get(id=room.id)).in_service is False


async def test_a_room_of_another_facility_is_not_found(client: AsyncClient) -> None:
    other = await make_place(rooms=1)
    await staff_on_page(client)
    response = await post(client, f"/facility/rooms/{other.rooms[0].id}",
                          {"name": "Mine now", "kind": "in_person"})  # fmt: skip
    assert response.status_code == 404
    assert (await Room.get(id=other.rooms[0].id)).name == "Room 1"


async def test_staff_add_an_extra_session_for_one_room(client: AsyncClient) -> None:
    place = await staff_on_page(client)
    day = meeting_day().isoformat()
    response = await post(client, "/facility/sessions", {
        "start": "18:00", "end": "20:00", "room_ids": str(place.rooms[0].id),
        "valid_from": day, "valid_to": day,
    })  # fmt: skip
    assert response.status_code == 303
    made = await OpeningSession.get(room_id=place.rooms[0].id)
    assert (made.weekday, made.start_minute, made.end_minute) == (
        meeting_day().weekday(), 18 * 60, 20 * 60,
    )  # fmt: skip
    page = await client.get("/facility")
    assert "18:00–20:00" in page.text


async def test_a_session_ending_before_it_starts_keeps_the_input(client: AsyncClient) -> None:
    await staff_on_page(client)
    response = await post(client, "/facility/sessions",
                          {"start": "19:30", "end": "18:15", "weekdays": "2"})  # fmt: skip
    assert response.status_code == 400
    text = response.text
    assert "must end after it starts" in text
    assert 'value="19:30"' in text and 'value="18:15"' in text
    assert 'name="weekdays" value="2" checked' in text
    assert await OpeningSession.filter(start_minute=19 * 60 + 30).count() == 0


async def test_staff_delete_a_session(client: AsyncClient) -> None:
    place = await staff_on_page(client)
    session = await OpeningSession.filter(facility_id=place.facility.id, weekday=0).first()
    assert session is not None
    response = await post(client, f"/facility/sessions/{session.id}/delete", {})
    assert response.status_code == 303
    assert not await OpeningSession.filter(id=session.id).exists()


async def test_staff_save_the_meeting_settings(client: AsyncClient) -> None:
    place = await staff_on_page(client)
    response = await client.post("/facility/schedule", data={
        "csrf_token": csrf_from((await client.get("/facility")).text),
        "allowed_lengths": ["30", "60"], "buffer_minutes": "5",
    })  # fmt: skip
    assert response.status_code == 303
    row = await FacilitySchedule.get(facility_id=place.facility.id)
    assert (row.allowed_lengths, row.buffer_minutes) == ([30, 60], 5)


async def test_no_length_chosen_is_refused_and_keeps_the_buffer(client: AsyncClient) -> None:
    await staff_on_page(client)
    response = await post(client, "/facility/schedule", {"buffer_minutes": "25"})
    assert response.status_code == 400
    text = response.text
    assert "Allow at least one meeting length." in text and 'value="25"' in text


async def test_a_closure_entered_on_the_local_clock_flags_the_meeting(
    client: AsyncClient,
) -> None:
    place = await staff_on_page(client)
    party = await make_party(place)
    meeting = await book(
        party.lawyer, party.request, place.rooms[0], local(9), HOUR, notices=NOTICES
    )
    day = meeting_day().isoformat()
    response = await post(client, "/facility/closures", {
        "room": "", "starts_date": day, "starts_time": "08:00", "ends_date": day,
        "ends_time": "12:00", "reason": "消防演练",
    })  # fmt: skip
    assert response.status_code == 303
    closure = await Closure.get(facility_id=place.facility.id)
    assert (closure.starts_at, closure.ends_at) == (local(8), local(12))
    assert (await Meeting.get(id=meeting.id)).needs_rebooking
    page = await client.get("/facility")
    assert "消防演练" in page.text and meeting.reference in page.text


async def test_a_closure_without_a_reason_keeps_the_times(client: AsyncClient) -> None:
    await staff_on_page(client)
    day = meeting_day().isoformat()
    response = await post(client, "/facility/closures", {
        "room": "", "starts_date": day, "starts_time": "08:00", "ends_date": day,
        "ends_time": "12:00", "reason": " ",
    })  # fmt: skip
    assert response.status_code == 400
    text = response.text
    assert "Give the reason for the closure." in text
    assert f'value="{day}"' in text and 'value="12:00"' in text
    assert await Closure.all().count() == 0


async def test_a_closure_is_removed_from_the_page(client: AsyncClient) -> None:
    place = await staff_on_page(client)
    closure = await Closure.create(facility=place.facility, starts_at=local(8),
                                   ends_at=local(12), reason="typo")  # fmt: skip
    response = await post(client, f"/facility/closures/{closure.id}/delete", {})
    assert response.status_code == 303
    assert await Closure.all().count() == 0


async def test_a_post_without_the_csrf_token_is_refused(client: AsyncClient) -> None:
    await staff_on_page(client)
    response = await client.post("/facility/rooms", data={"name": "X", "kind": "in_person"})
    assert response.status_code == 403
    assert not await Room.filter(name="X").exists()


async def test_a_lawyer_reads_the_public_opening_hours(client: AsyncClient) -> None:
    place = await make_place(rooms=1)
    await Closure.create(facility=place.facility, starts_at=local(8), ends_at=local(12),
                         reason="演练")  # fmt: skip
    await sign_in_as(client, await make_user(Role.LAWYER))
    page = await client.get(f"/facilities/{place.facility.id}/hours")
    assert page.status_code == 200
    assert "08:00–18:00" in page.text and "Room 1" in page.text and "演练" in page.text
    assert '<form method="post" action="/facility' not in page.text


async def test_the_hours_of_a_missing_facility_are_not_found(client: AsyncClient) -> None:
    await sign_in_as(client, await make_user(Role.LAWYER))
    assert (await client.get("/facilities/999999/hours")).status_code == 404


async def test_a_room_renamed_to_a_taken_name_keeps_the_typed_name(client: AsyncClient) -> None:
    place = await staff_on_page(client)
    room = place.rooms[1]
    response = await post(client, f"/facility/rooms/{room.id}",
                          {"name": "Room 1", "kind": "video_link", "in_service": "1"})  # fmt: skip
    assert response.status_code == 409
    assert f'id="e-room{room.id}-name"' in response.text
    assert '<option value="video_link" selected>' in response.text
    assert (await Room.get(id=room.id)).name == "Room 2"
