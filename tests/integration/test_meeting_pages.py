"""Lawyers' and staff's meeting pages: the request form, the request page with its statutory
limit explained and the free times, booking, conflicts, rescheduling and cancelling."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime, timedelta

import pytest
from httpx import AsyncClient

from app.accounts.models import User
from app.law.explanations import ExplanationStep
from app.presentation.legal_words import explanation_words
from scheduling.booking import book
from scheduling.kinds import MeetingStatus, RequestStatus, RoomKind
from scheduling.models import Meeting, MeetingRequest, Room
from tests.integration.helpers import NOTICES, login, page_csrf, sign_in_as
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
    return await make_place(rooms=2)


def slot_value(room_id: int, hour: int) -> str:
    return f"{room_id}@{local(hour).isoformat()}"


async def post_page_form(
    client: AsyncClient, page: str, path: str, data: dict[str, str]
) -> tuple[str, int, str]:
    token = await page_csrf(client, page)
    response = await client.post(path, data={"csrf_token": token, **data})
    return response.headers.get("location", ""), response.status_code, response.text


async def request_meeting(client: AsyncClient, engagement_id: int, **fields: str) -> str:
    """Post the request form; the path of the new request's page."""
    form = f"/clients/{engagement_id}/meetings/new"
    data = {"length_minutes": "60", "room_kind": "in_person", **fields}
    location, status, text = await post_page_form(client, form, form, data)
    assert status == 303, text
    return location


async def book_at(party: Party, place: Place, hour: int) -> Meeting:
    return await book(
        party.lawyer, party.request, place.rooms[0], local(hour), HOUR, notices=NOTICES
    )


async def test_lawyer_list_shows_own_requests_only(client: AsyncClient, place: Place) -> None:
    mine, theirs = await make_party(place), await make_party(place)
    await sign_in_as(client, mine.lawyer)
    page = (await client.get("/meetings")).text
    assert mine.detainee.name in page and theirs.detainee.name not in page


async def test_another_lawyers_request_is_not_found(client: AsyncClient, place: Place) -> None:
    mine, theirs = await make_party(place), await make_party(place)
    await sign_in_as(client, mine.lawyer)
    assert (await client.get(f"/meeting-requests/{theirs.request.id}")).status_code == 404


async def test_another_lawyers_meeting_is_not_found(client: AsyncClient, place: Place) -> None:
    mine, theirs = await make_party(place), await make_party(place)
    meeting = await book_at(theirs, place, 9)
    await sign_in_as(client, mine.lawyer)
    assert (await client.get(f"/meetings/{meeting.id}")).status_code == 404


async def test_engagement_page_links_to_the_request_form(client: AsyncClient, place: Place) -> None:
    party = await make_party(place)
    await sign_in_as(client, party.lawyer)
    page = (await client.get(f"/clients/{party.engagement.id}")).text
    assert f'href="/clients/{party.engagement.id}/meetings/new"' in page


async def test_created_request_shows_its_deadline_and_explanation(
    client: AsyncClient, place: Place
) -> None:
    party = await make_party(place)
    await sign_in_as(client, party.lawyer)
    path = await request_meeting(client, party.engagement.id, interpreter_needed="on")
    created = await MeetingRequest.get(id=int(path.rsplit("/", 1)[1]))
    assert created.deadline_at is not None and created.interpreter_needed
    page = (await client.get(path)).text
    assert created.deadline_at.isoformat() in page
    assert created.deadline is not None
    first = created.deadline["steps"][0]  # type: ignore[index]
    # The steps as a page says them: the zone in words, the basis in words (codes: the API's).
    [step] = explanation_words([ExplanationStep(first["code"], first["params"])], "en")
    assert html.escape(step) in page and "Beijing time" in step and "Asia/Shanghai" not in page
    assert "Criminal Procedure Law, art. 39(2)" in page and "CPL 39(2)" not in page


async def test_preferred_window_is_stored_in_the_facility_zone(
    client: AsyncClient, place: Place
) -> None:
    party = await make_party(place)
    await sign_in_as(client, party.lawyer)
    path = await request_meeting(
        client, party.engagement.id, window1_date=meeting_day().isoformat(),
        window1_from="09:00", window1_to="11:00",
    )  # fmt: skip
    created = await MeetingRequest.get(id=int(path.rsplit("/", 1)[1]))
    assert created.preferred_windows == [
        {"from": local(9).isoformat(), "to": local(11).isoformat()}
    ]


async def test_half_filled_window_is_an_error_keeping_the_input(
    client: AsyncClient, place: Place
) -> None:
    party = await make_party(place)
    await sign_in_as(client, party.lawyer)
    form = f"/clients/{party.engagement.id}/meetings/new"
    data = {"length_minutes": "90", "room_kind": "in_person", "window1_from": "09:00"}
    _location, status, text = await post_page_form(client, form, form, data)
    assert status == 400 and 'id="e-request-window1"' in text
    assert '<option value="90" selected>' in text and 'value="09:00"' in text


async def test_assistant_needs_an_id_number(client: AsyncClient, place: Place) -> None:
    party = await make_party(place)
    await sign_in_as(client, party.lawyer)
    form = f"/clients/{party.engagement.id}/meetings/new"
    data = {"length_minutes": "60", "room_kind": "in_person", "assistant_name": "Assistant Wu"}
    _location, status, text = await post_page_form(client, form, form, data)
    assert status == 400 and 'id="e-request-assistant_id_number"' in text


async def test_book_this_books_the_earliest_free_slot(client: AsyncClient, place: Place) -> None:
    party = await make_party(place)
    await sign_in_as(client, party.lawyer)
    page = (await client.get(f"/meeting-requests/{party.request.id}")).text
    earliest = re.search(r'type="hidden" name="slot" value="([^"]+)"', page)
    assert earliest is not None
    location, status, text = await post_page_form(
        client, f"/meeting-requests/{party.request.id}",
        f"/meeting-requests/{party.request.id}/bookings", {"slot": earliest.group(1)},
    )  # fmt: skip
    assert status == 303, text
    meeting = await Meeting.get(request_id=party.request.id)
    assert location == f"/meetings/{meeting.id}"
    assert f"{meeting.room_id}@{meeting.starts_at.isoformat()}" == earliest.group(1)


async def test_a_chosen_slot_is_booked(client: AsyncClient, place: Place) -> None:
    party = await make_party(place)
    await sign_in_as(client, party.lawyer)
    wanted = slot_value(place.rooms[1].id, 14)
    _location, status, text = await post_page_form(
        client, f"/meeting-requests/{party.request.id}",
        f"/meeting-requests/{party.request.id}/bookings", {"slot": wanted},
    )  # fmt: skip
    assert status == 303, text
    meeting = await Meeting.get(request_id=party.request.id)
    assert (meeting.room_id, meeting.starts_at) == (place.rooms[1].id, local(14))


async def test_a_taken_slot_answers_409_with_alternatives(
    client: AsyncClient, place: Place
) -> None:
    first, second = await make_party(place), await make_party(place)
    await book_at(first, place, 9)
    await sign_in_as(client, second.lawyer)
    _location, status, text = await post_page_form(
        client, f"/meeting-requests/{second.request.id}",
        f"/meeting-requests/{second.request.id}/bookings",
        {"slot": slot_value(place.rooms[0].id, 9)},
    )  # fmt: skip
    assert status == 409
    assert 'id="h-alternatives"' in text and 'id="f-alt-1"' in text
    assert await Meeting.filter(request_id=second.request.id).count() == 0


async def test_nonsense_slot_is_an_error(client: AsyncClient, place: Place) -> None:
    party = await make_party(place)
    await sign_in_as(client, party.lawyer)
    _location, status, _text = await post_page_form(
        client, f"/meeting-requests/{party.request.id}",
        f"/meeting-requests/{party.request.id}/bookings", {"slot": "x@yesterday"},
    )  # fmt: skip
    assert status == 400


async def test_meeting_page_links_the_invite(client: AsyncClient, place: Place) -> None:
    party = await make_party(place)
    meeting = await book_at(party, place, 9)
    await sign_in_as(client, party.lawyer)
    page = (await client.get(f"/meetings/{meeting.id}")).text
    assert meeting.reference in page and f'href="/meetings/{meeting.id}/invite.ics"' in page


async def test_reschedule_keeps_the_reference(client: AsyncClient, place: Place) -> None:
    party = await make_party(place)
    meeting = await book_at(party, place, 9)
    await sign_in_as(client, party.lawyer)
    location, status, text = await post_page_form(
        client, f"/meetings/{meeting.id}", f"/meetings/{meeting.id}/reschedule",
        {"slot": slot_value(place.rooms[0].id, 11)},
    )  # fmt: skip
    assert status == 303, text
    moved = await Meeting.get(id=meeting.id)
    assert moved.reference == meeting.reference and moved.starts_at == local(11)
    assert location == f"/meetings/{meeting.id}"


async def test_staff_must_give_a_reason_to_reschedule(client: AsyncClient, place: Place) -> None:
    party = await make_party(place)
    meeting = await book_at(party, place, 9)
    await sign_in_as(client, place.staff)
    tomorrow = meeting_day() - timedelta(days=9)  # within the free times the page lists
    slot = f"{place.rooms[0].id}@{local(11, day=tomorrow).isoformat()}"
    _location, status, text = await post_page_form(
        client, f"/meetings/{meeting.id}", f"/meetings/{meeting.id}/reschedule", {"slot": slot}
    )
    assert status == 400 and 'id="e-reschedule-reason"' in text
    assert f'value="{slot}" checked' in text
    assert (await Meeting.get(id=meeting.id)).starts_at == local(9)


async def test_lawyer_cancels_without_a_reason(client: AsyncClient, place: Place) -> None:
    party = await make_party(place)
    meeting = await book_at(party, place, 9)
    await sign_in_as(client, party.lawyer)
    location, status, text = await post_page_form(
        client, f"/meetings/{meeting.id}", f"/meetings/{meeting.id}/cancel", {"reason": ""}
    )
    assert status == 303, text
    assert location == f"/meeting-requests/{party.request.id}"
    assert (await Meeting.get(id=meeting.id)).status == MeetingStatus.CANCELLED
    request = await MeetingRequest.get(id=party.request.id)
    assert request.status == RequestStatus.CANCELLED_BY_LAWYER


async def test_staff_cancel_needs_a_reason(client: AsyncClient, place: Place) -> None:
    party = await make_party(place)
    meeting = await book_at(party, place, 9)
    await sign_in_as(client, place.staff)
    _location, status, text = await post_page_form(
        client, f"/meetings/{meeting.id}", f"/meetings/{meeting.id}/cancel", {"reason": ""}
    )
    assert status == 400 and 'id="e-cancel-reason"' in text
    assert (await Meeting.get(id=meeting.id)).status == MeetingStatus.ACTIVE


async def test_staff_cancel_returns_the_request_to_scheduling(
    client: AsyncClient, place: Place
) -> None:
    party = await make_party(place)
    meeting = await book_at(party, place, 9)
    await sign_in_as(client, place.staff)
    _location, status, text = await post_page_form(
        client, f"/meetings/{meeting.id}", f"/meetings/{meeting.id}/cancel",
        {"reason": "Room flooded"},
    )  # fmt: skip
    assert status == 303, text
    request = await MeetingRequest.get(id=party.request.id)
    assert request.status == RequestStatus.REQUESTED
    assert request.facility_cancel_reason == "Room flooded"


async def test_staff_enter_a_walk_in_for_their_facility(client: AsyncClient, place: Place) -> None:
    party = await make_party(place)
    await sign_in_as(client, place.staff)
    detainee_page = (await client.get(f"/detainees/{party.detainee.id}")).text
    assert f'href="/clients/{party.engagement.id}/meetings/new"' in detainee_page
    path = await request_meeting(client, party.engagement.id, walk_in="on")
    created = await MeetingRequest.get(id=int(path.rsplit("/", 1)[1]))
    assert created.walk_in and created.lawyer_id == party.lawyer.id
    assert created.deadline_at is not None


async def test_staff_get_404_for_another_facilitys_engagement(
    client: AsyncClient, place: Place
) -> None:
    elsewhere = await make_party(await make_place(rooms=1))
    await sign_in_as(client, place.staff)
    response = await client.get(f"/clients/{elsewhere.engagement.id}/meetings/new")
    assert response.status_code == 404


async def test_staff_list_shows_open_requests_and_the_board_link(
    client: AsyncClient, place: Place
) -> None:
    party = await make_party(place)
    await sign_in_as(client, place.staff)
    page = (await client.get("/meetings")).text
    assert f'href="/meeting-requests/{party.request.id}"' in page and 'href="/board"' in page


async def sign_in_chinese(client: AsyncClient, user: User) -> None:
    client.cookies.clear()
    assert (await login(client, user.username)).status_code == 303


async def test_list_is_in_chinese_by_default(client: AsyncClient, place: Place) -> None:
    party = await make_party(place)
    await sign_in_chinese(client, party.lawyer)
    page = (await client.get("/meetings")).text
    assert "我的会见申请和会见" in page and "等待安排" in page


async def test_list_is_in_english_when_chosen(client: AsyncClient, place: Place) -> None:
    party = await make_party(place)
    await sign_in_as(client, party.lawyer)
    page = (await client.get("/meetings")).text
    assert "My meeting requests and meetings" in page and "Waiting to be scheduled" in page


async def test_request_and_meeting_pages_are_in_chinese_by_default(
    client: AsyncClient, place: Place
) -> None:
    party = await make_party(place)
    meeting = await book_at(party, place, 9)
    await sign_in_chinese(client, party.lawyer)
    request_page = (await client.get(f"/meeting-requests/{party.request.id}")).text
    meeting_page = (await client.get(f"/meetings/{meeting.id}")).text
    form_page = (await client.get(f"/clients/{party.engagement.id}/meetings/new")).text
    assert "会见申请" in request_page and "改期" in meeting_page and "申请会见" in form_page


async def test_request_and_meeting_pages_in_english(client: AsyncClient, place: Place) -> None:
    party = await make_party(place)
    meeting = await book_at(party, place, 9)
    await sign_in_as(client, party.lawyer)
    request_page = (await client.get(f"/meeting-requests/{party.request.id}")).text
    meeting_page = (await client.get(f"/meetings/{meeting.id}")).text
    form_page = (await client.get(f"/clients/{party.engagement.id}/meetings/new")).text
    assert "Meeting request" in request_page and "Reschedule" in meeting_page
    assert "Request a meeting" in form_page


async def test_list_shows_the_deadline_and_the_time_left(client: AsyncClient, place: Place) -> None:
    party = await make_party(place)
    await sign_in_as(client, party.lawyer)
    path = await request_meeting(client, party.engagement.id)
    created = await MeetingRequest.get(id=int(path.rsplit("/", 1)[1]))
    assert created.deadline_at is not None
    page = (await client.get("/meetings")).text
    assert f'<time datetime="{created.deadline_at.isoformat()}">' in page
    assert "min left" in page and 'class="overdue"' not in page


async def test_no_slot_before_the_deadline_is_said_plainly(
    client: AsyncClient, place: Place
) -> None:
    party = await make_party(place)
    too_soon = datetime.now(UTC) + timedelta(minutes=10)  # no 60-minute meeting fits
    await MeetingRequest.filter(id=party.request.id).update(deadline_at=too_soon)
    await sign_in_as(client, party.lawyer)
    response = await client.get(f"/meeting-requests/{party.request.id}")
    assert response.status_code == 200
    assert "No free time is left before the 48-hour limit. The request is not refused" in (
        response.text
    )
    assert 'type="hidden" name="slot"' not in response.text  # no "book this" button


async def test_overdue_request_is_flagged_on_the_list(client: AsyncClient, place: Place) -> None:
    party = await make_party(place)
    late = datetime.now(UTC) - timedelta(hours=3)
    await MeetingRequest.filter(id=party.request.id).update(deadline_at=late)
    await sign_in_as(client, place.staff)
    page = (await client.get("/meetings")).text
    assert '<span class="overdue">Overdue by 3 h' in page


async def test_explanation_is_in_chinese_by_default(client: AsyncClient, place: Place) -> None:
    party = await make_party(place)
    await sign_in_as(client, party.lawyer)
    path = await request_meeting(client, party.engagement.id)
    created = await MeetingRequest.get(id=int(path.rsplit("/", 1)[1]))
    assert created.deadline is not None
    last = created.deadline["steps"][-1]  # type: ignore[index]
    await sign_in_chinese(client, party.lawyer)
    page = (await client.get(path)).text
    [step] = explanation_words([ExplanationStep(last["code"], last["params"])], "zh-CN")
    assert html.escape(step) in page and "会见安排期限（48小时）" in page


async def test_free_times_are_filtered_by_room_kind(client: AsyncClient, place: Place) -> None:
    video = await Room.create(facility=place.facility, name="Video 1", kind=RoomKind.VIDEO_LINK)
    party = await make_party(place)
    await sign_in_as(client, party.lawyer)
    base = f"/meeting-requests/{party.request.id}"
    in_person = (await client.get(base)).text
    by_video = (await client.get(f"{base}?room_kind=video_link")).text
    assert f'name="slot" value="{video.id}@' not in in_person
    assert f'name="slot" value="{video.id}@' in by_video
    assert f'name="slot" value="{place.rooms[0].id}@' not in by_video.split('id="h-slots"')[1]


async def test_staff_book_a_walk_in_request(client: AsyncClient, place: Place) -> None:
    party = await make_party(place)
    await sign_in_as(client, place.staff)
    path = await request_meeting(client, party.engagement.id, walk_in="on")
    tomorrow = meeting_day() - timedelta(days=9)
    slot = f"{place.rooms[1].id}@{local(15, day=tomorrow).isoformat()}"
    location, status, text = await post_page_form(client, path, f"{path}/bookings", {"slot": slot})
    assert status == 303, text
    meeting = await Meeting.get(request_id=int(path.rsplit("/", 1)[1]))
    assert location == f"/meetings/{meeting.id}" and meeting.lawyer_id == party.lawyer.id
