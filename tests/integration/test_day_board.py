"""The staff day board and the walk-in desk (stories 2, 9 and 11; duties M1, M2, M4)."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from httpx import AsyncClient

from app.accounts.roles import Role
from app.audit.models import AuditEntry
from scheduling.booking import book
from scheduling.kinds import MeetingStatus, RequestStatus
from scheduling.models import Meeting, MeetingRequest
from scheduling.reference import new_reference
from scheduling.requests import earliest_free_slot
from tests.integration.helpers import NOTICES, make_user, page_csrf, sign_in_as
from tests.integration.meeting_world import Party, Place, local, make_party, make_place, meeting_day

HOUR = timedelta(hours=1)
DOCUMENTS = {"doc_licence": "yes", "doc_firm": "yes", "doc_mandate": "yes"}


@pytest.fixture
async def place(client: AsyncClient) -> Place:
    return await make_place(rooms=2)


async def _booked(place: Place, room: int = 0, hour: int = 9) -> tuple[Party, Meeting]:
    party = await make_party(place)
    meeting = await book(
        party.lawyer, party.request, place.rooms[room], local(hour), HOUR, notices=NOTICES
    )
    return party, meeting


async def _post(client: AsyncClient, path: str, data: dict[str, str] | None = None) -> str:
    token = await page_csrf(client, "/board")
    response = await client.post(path, data={"csrf_token": token, **(data or {})})
    return f"{response.status_code}\n{response.headers.get('location', '')}\n{response.text}"


def _board_url() -> str:
    return f"/board?day={meeting_day().isoformat()}"


def _lanes(html: str) -> dict[str, str]:
    """The grid's lanes by room name (the aria-label of each lane)."""
    parts = re.split(r'<div class="board-lane cols-\d+" role="listitem" aria-label="', html)
    return {part.split('"', 1)[0]: part.split("</div>", 1)[0] for part in parts[1:]}


async def test_board_shows_each_rooms_meetings_in_its_lane(
    client: AsyncClient, place: Place
) -> None:
    _first, in_room_1 = await _booked(place, room=0, hour=9)
    _second, in_room_2 = await _booked(place, room=1, hour=10)
    await sign_in_as(client, place.staff)
    response = await client.get(_board_url())
    assert response.status_code == 200
    lanes = _lanes(response.text)
    assert in_room_1.reference in lanes["Room 1"] and in_room_1.reference not in lanes["Room 2"]
    assert in_room_2.reference in lanes["Room 2"] and in_room_2.reference not in lanes["Room 1"]


async def test_board_lists_the_requests_at_risk_before_the_grid(
    client: AsyncClient, place: Place
) -> None:
    await _booked(place)
    waiting = await make_party(place)
    now = datetime.now(UTC)
    await MeetingRequest.filter(id=waiting.request.id).update(
        clock_started_at=now, deadline_at=now + 20 * HOUR
    )
    await sign_in_as(client, place.staff)
    page = (await client.get(_board_url())).text
    risks = page.index('id="at-risk"')
    assert risks < page.index('class="board-grid"')
    assert waiting.detainee.name in page[risks : page.index('class="board-grid"')]


async def test_a_meeting_to_rebook_is_flagged_and_listed_at_risk(
    client: AsyncClient, place: Place
) -> None:
    _party, meeting = await _booked(place)
    now = datetime.now(UTC)
    await MeetingRequest.filter(id=meeting.request_id).update(
        clock_started_at=now, deadline_at=now + 30 * HOUR
    )
    await Meeting.filter(id=meeting.id).update(needs_rebooking=True)
    await sign_in_as(client, place.staff)
    page = (await client.get(_board_url())).text
    risks = page[page.index('id="at-risk"') : page.index('class="board-grid"')]
    assert "Needs rebooking" in risks and meeting.reference in risks
    assert "rebook" in _lanes(page)["Room 1"]


async def test_check_in_start_and_complete_are_recorded_with_times(
    client: AsyncClient, place: Place
) -> None:
    _party, meeting = await _booked(place)
    await sign_in_as(client, place.staff)
    before = datetime.now(UTC)
    base = f"/board/meetings/{meeting.id}"
    checked = await _post(client, f"{base}/check-in", {"documents_verified": "yes"})
    assert checked.startswith(f"303\n{_board_url()}#m-{meeting.id}")
    assert (await _post(client, f"{base}/start")).startswith("303")
    assert (await _post(client, f"{base}/complete")).startswith("303")
    stored = await Meeting.get(id=meeting.id)
    assert stored.documents_verified and stored.checked_in_at and stored.checked_in_at >= before
    assert stored.started_at and stored.ended_at
    assert stored.checked_in_at <= stored.started_at <= stored.ended_at
    assert (await MeetingRequest.get(id=meeting.request_id)).status == RequestStatus.COMPLETED
    page = (await client.get(_board_url())).text
    assert "Completed" in page


async def test_check_in_without_the_documents_verified_is_refused(
    client: AsyncClient, place: Place
) -> None:
    _party, meeting = await _booked(place)
    await sign_in_as(client, place.staff)
    answer = await _post(client, f"/board/meetings/{meeting.id}/check-in")
    assert answer.startswith("400")
    assert (await Meeting.get(id=meeting.id)).checked_in_at is None


async def test_a_lawyer_who_did_not_come_is_recorded_as_no_show(
    client: AsyncClient, place: Place
) -> None:
    party = await make_party(place)
    now = datetime.now(UTC)
    meeting = await Meeting.create(
        request=party.request, room=place.rooms[0], lawyer=party.lawyer, detainee=party.detainee,
        starts_at=now - 2 * HOUR, ends_at=now - HOUR, reference=new_reference(),
        uid=f"{uuid.uuid4()}@lawmeet",
    )  # fmt: skip
    await MeetingRequest.filter(id=party.request.id).update(status=RequestStatus.SCHEDULED)
    await sign_in_as(client, place.staff)
    assert (await _post(client, f"/board/meetings/{meeting.id}/no-show")).startswith("303")
    assert (await Meeting.get(id=meeting.id)).no_show_at is not None
    assert (await MeetingRequest.get(id=party.request.id)).status == RequestStatus.NO_SHOW


async def test_cancelling_without_a_reason_is_refused_at_the_field(
    client: AsyncClient, place: Place
) -> None:
    _party, meeting = await _booked(place)
    await sign_in_as(client, place.staff)
    answer = await _post(client, f"/board/meetings/{meeting.id}/cancel", {"reason": "  "})
    assert answer.startswith("400")
    assert f'aria-describedby="e-cancel-{meeting.id}-reason"' in answer
    assert (await Meeting.get(id=meeting.id)).status == MeetingStatus.ACTIVE


async def test_cancelling_with_a_reason_returns_the_request_to_scheduling(
    client: AsyncClient, place: Place
) -> None:
    _party, meeting = await _booked(place)
    await sign_in_as(client, place.staff)
    reason = "Room flooded"
    answer = await _post(client, f"/board/meetings/{meeting.id}/cancel", {"reason": reason})
    assert answer.startswith("303")
    stored = await Meeting.get(id=meeting.id)
    assert stored.status == MeetingStatus.CANCELLED and stored.cancel_reason == reason
    assert (await MeetingRequest.get(id=meeting.request_id)).status == RequestStatus.REQUESTED


async def test_staff_of_another_facility_get_404_and_do_not_see_the_meeting(
    client: AsyncClient, place: Place
) -> None:
    _party, meeting = await _booked(place)
    elsewhere = await make_place(rooms=1)
    await sign_in_as(client, elsewhere.staff)
    assert meeting.reference not in (await client.get(_board_url())).text
    answer = await _post(
        client, f"/board/meetings/{meeting.id}/check-in", {"documents_verified": "yes"}
    )
    assert answer.startswith("404")
    assert (await client.get(f"/board/requests/{meeting.request_id}")).status_code == 404
    assert (await Meeting.get(id=meeting.id)).checked_in_at is None


@pytest.mark.parametrize("role", [Role.LAWYER, Role.INVESTIGATOR])
async def test_lawyers_and_investigators_may_not_open_the_board(
    client: AsyncClient, place: Place, role: Role
) -> None:
    await sign_in_as(client, await make_user(role))
    assert (await client.get("/board")).status_code == 403
    assert (await client.get("/board/walk-in")).status_code == 403


async def test_the_walk_in_search_finds_engagements_by_lawyer_or_detainee(
    client: AsyncClient, place: Place
) -> None:
    first, second = await make_party(place), await make_party(place)
    await sign_in_as(client, place.staff)
    page = (await client.get("/board/walk-in", params={"q": first.detainee.name})).text
    assert f'value="{first.engagement.id}"' in page
    assert f'value="{second.engagement.id}"' not in page
    by_lawyer = (await client.get("/board/walk-in", params={"q": second.lawyer.display_name})).text
    assert f'value="{second.engagement.id}"' in by_lawyer


async def test_a_walk_in_gets_a_48_hour_deadline_and_books_the_first_free_slot(
    client: AsyncClient, place: Place
) -> None:
    party = await make_party(place)
    await sign_in_as(client, place.staff)
    form = {"engagement_id": str(party.engagement.id), "length_minutes": "60", **DOCUMENTS}
    answer = await _post(client, "/board/walk-in", form)
    assert answer.startswith("303\n/board/requests/")
    walk_in = await MeetingRequest.get(walk_in=True)
    assert walk_in.status == RequestStatus.REQUESTED and walk_in.lawyer_id == party.lawyer.id
    assert walk_in.deadline_at and walk_in.clock_started_at
    assert 48 * HOUR <= walk_in.deadline_at - walk_in.clock_started_at <= 49 * HOUR
    first = await earliest_free_slot(walk_in)
    assert first is not None
    page = (await client.get(f"/board/requests/{walk_in.id}")).text
    assert f'name="starts_at" value="{first.start.isoformat()}"' in page
    chosen = {"room_id": str(first.room_id), "starts_at": first.start.isoformat()}
    booked = await _post(client, f"/board/requests/{walk_in.id}/book", chosen)
    assert booked.startswith("303\n/board?day=")
    meeting = await Meeting.get(request_id=walk_in.id)
    assert (meeting.room_id, meeting.starts_at) == (first.room_id, first.start)
    assert meeting.ends_at <= walk_in.deadline_at
    assert await AuditEntry.filter(action="meeting_request.opened").count() == 1


async def test_a_walk_in_without_the_documents_is_refused_keeping_the_input(
    client: AsyncClient, place: Place
) -> None:
    party = await make_party(place)
    await sign_in_as(client, place.staff)
    form = {"engagement_id": str(party.engagement.id), "doc_licence": "yes",
            "assistant_name": "Assistant Wu", "assistant_id_number": "A1234567"}  # fmt: skip
    answer = await _post(client, "/board/walk-in", form)
    assert answer.startswith("400")
    assert 'value="Assistant Wu"' in answer and 'name="doc_licence" value="yes" checked' in answer
    assert f'value="{party.engagement.id}" checked' in answer
    assert not await MeetingRequest.filter(walk_in=True).exists()


async def test_the_board_says_nothing_about_content_is_recorded(
    client: AsyncClient, place: Place
) -> None:
    await sign_in_as(client, place.staff)
    page = (await client.get("/board")).text
    assert "nothing about what is said in a meeting is ever asked or recorded (M4)" in page
    assert "<textarea" not in page


async def test_the_board_links_its_print_stylesheet_and_print_script(
    client: AsyncClient, place: Place
) -> None:
    await sign_in_as(client, place.staff)
    page = (await client.get("/board")).text
    assert '<link rel="stylesheet" href="/static/board.css">' in page
    assert '<script src="/static/board.js" defer></script>' in page and "data-print" in page
    css = (await client.get("/static/board.css")).text
    assert "@media print" in css and "size: A4 landscape" in css
    assert "window.print()" in (await client.get("/static/board.js")).text


async def test_previous_and_next_day_links(client: AsyncClient, place: Place) -> None:
    await sign_in_as(client, place.staff)
    day = meeting_day()
    page = (await client.get(_board_url())).text
    assert f'href="/board?day={(day - timedelta(days=1)).isoformat()}" rel="prev"' in page
    assert f'href="/board?day={(day + timedelta(days=1)).isoformat()}" rel="next"' in page


async def test_a_refusal_on_a_lawful_ground_is_recorded_and_frees_the_slot(
    client: AsyncClient, place: Place
) -> None:
    party, meeting = await _booked(place)
    await sign_in_as(client, place.staff)
    answer = await _post(
        client,
        f"/board/requests/{party.request.id}/refusal",
        {"reason": "detainee_transferred", "details": "moved to another centre"},
    )
    assert answer.startswith(f"303\n/board/requests/{party.request.id}")
    refused = await MeetingRequest.get(id=party.request.id)
    assert refused.status == RequestStatus.REFUSED
    assert refused.refusal_reason.startswith("detainee_transferred")
    assert (await Meeting.get(id=meeting.id)).status == MeetingStatus.CANCELLED


async def test_the_desk_starts_the_48_hours_when_it_has_checked_the_documents(
    client: AsyncClient, place: Place
) -> None:
    party = await make_party(place)  # no clock yet: policy P1 after_document_check
    await sign_in_as(client, place.staff)
    page = (await client.get(f"/board/requests/{party.request.id}")).text
    assert f'action="/board/requests/{party.request.id}/documents-checked"' in page
    path = f"/board/requests/{party.request.id}/documents-checked"
    assert (await _post(client, path)).startswith(f"303\n/board/requests/{party.request.id}")
    started = await MeetingRequest.get(id=party.request.id)
    assert started.clock_started_at is not None and started.deadline_at is not None
    assert "documents-checked" not in (await client.get(f"/board/requests/{started.id}")).text
    assert (await _post(client, path)).startswith("409")
    assert (await MeetingRequest.get(id=started.id)).deadline_at == started.deadline_at


async def test_a_refusal_for_want_of_a_booking_is_not_accepted(
    client: AsyncClient, place: Place
) -> None:
    party = await make_party(place)
    await sign_in_as(client, place.staff)
    answer = await _post(
        client, f"/board/requests/{party.request.id}/refusal", {"reason": "not_booked"}
    )
    assert answer.startswith("400")
    assert (await MeetingRequest.get(id=party.request.id)).status == RequestStatus.REQUESTED


async def test_a_missing_document_refusal_must_name_it_and_keeps_the_choice(
    client: AsyncClient, place: Place
) -> None:
    party = await make_party(place)
    await sign_in_as(client, place.staff)
    answer = await _post(
        client,
        f"/board/requests/{party.request.id}/refusal",
        {"reason": "lawyer_documents_incomplete", "details": ""},
    )
    assert answer.startswith("400")
    assert 'value="lawyer_documents_incomplete" selected' in answer
    assert (await MeetingRequest.get(id=party.request.id)).status == RequestStatus.REQUESTED
