"""R2015 art. 7: the centre's lengths are no cap (a longer meeting with a reason, accepted or
refused on a lawful ground by the desk; a lawyer can always ask again), and an interrogation
room is used only with the lawyer's written consent."""

from __future__ import annotations

import html
from datetime import timedelta

import pytest
from httpx import AsyncClient

from app.audit.models import AuditEntry
from app.errors import DomainError
from app.law.context import LegalContext
from app.law.policies import LegalPolicies
from app.law.restdays import RestDayCalendar
from notifications.kinds import Channel
from notifications.models import Notification
from scheduling import attendance
from scheduling.asking import AskForMeeting, ask_for_meeting
from scheduling.booking import book
from scheduling.kinds import LongerDecision, RequestStatus, RoomKind
from scheduling.longer_meetings import DECIDED_NOTICE, DecideLongerMeeting, decide_longer_meeting
from scheduling.models import Meeting, MeetingRequest, Room
from tests.integration.helpers import NOTICES, api_token, bearer, page_csrf, sign_in_as
from tests.integration.meeting_world import SHANGHAI, Party, Place, local, make_party, make_place

LEGAL = LegalContext(RestDayCalendar(), LegalPolicies())
HOUR = timedelta(hours=1)
LONGER = 180  # the centre's longest is 120 (scheduling.kinds.DEFAULT_LENGTHS)
REASON = "案卷材料多，需核实证据（第十条）"


@pytest.fixture
async def place(database: None) -> Place:
    return await make_place()


async def _longer(place: Place) -> tuple[Party, MeetingRequest]:
    party = await make_party(place)
    command = AskForMeeting(
        engagement_id=party.engagement.id, length_minutes=LONGER, longer_reason=REASON
    )
    return party, await ask_for_meeting(party.lawyer, command, LEGAL)


async def _decide(place: Place, request: MeetingRequest, accepted: bool, ground: str = "") -> None:
    command = DecideLongerMeeting(request_id=request.id, accepted=accepted, ground=ground)
    await decide_longer_meeting(place.staff, command, notices=NOTICES)
    await request.refresh_from_db()  # as the next page or call reads it


# Longer meetings --------------------------------------------------------------------------------


async def test_a_longer_meeting_needs_a_reason(place: Place) -> None:
    party = await make_party(place)
    command = AskForMeeting(engagement_id=party.engagement.id, length_minutes=LONGER)
    with pytest.raises(DomainError) as refused:
        await ask_for_meeting(party.lawyer, command, LEGAL)
    assert (refused.value.code, refused.value.field) == ("longer_reason_required", "longer_reason")


async def test_a_longer_meeting_with_a_reason_is_asked_for(place: Place) -> None:
    _party, request = await _longer(place)
    stored = await MeetingRequest.get(id=request.id)
    assert (stored.length_minutes, stored.longer_reason) == (LONGER, REASON)
    assert stored.longer_decision == LongerDecision.UNDECIDED


async def test_a_length_between_the_centres_lengths_is_still_refused(place: Place) -> None:
    party = await make_party(place)
    command = AskForMeeting(
        engagement_id=party.engagement.id, length_minutes=50, longer_reason=REASON
    )
    with pytest.raises(DomainError) as refused:
        await ask_for_meeting(party.lawyer, command, LEGAL)
    assert refused.value.code == "length_not_allowed"


async def test_the_lawyer_is_told_a_longer_meeting_was_accepted(place: Place) -> None:
    party, request = await _longer(place)
    await _decide(place, request, accepted=True)
    told = await Notification.filter(recipient_id=party.lawyer.id, template=DECIDED_NOTICE)
    assert {n.channel for n in told} >= {Channel.INAPP}
    inapp = next(n for n in told if n.channel == Channel.INAPP)
    assert (inapp.payload["decision"], inapp.payload["asked_minutes"]) == ("accepted", LONGER)
    assert inapp.payload["url"].endswith(f"/meeting-requests/{request.id}")


async def test_the_lawyer_is_told_a_refusal_with_its_ground_and_the_length_she_can_book(
    place: Place,
) -> None:
    party, request = await _longer(place)
    await _decide(place, request, accepted=False, ground="当日会见室已全部排满")
    inapp = await Notification.get(
        recipient_id=party.lawyer.id, template=DECIDED_NOTICE, channel=Channel.INAPP
    )
    assert inapp.payload["decision"] == "refused"
    assert inapp.payload["ground"] == "当日会见室已全部排满"
    assert (inapp.payload["asked_minutes"], inapp.payload["length_minutes"]) == (LONGER, 120)


async def test_an_undecided_longer_meeting_is_not_booked_at_its_length(place: Place) -> None:
    party, request = await _longer(place)
    with pytest.raises(DomainError) as refused:
        await book(party.lawyer, request, place.rooms[0], local(9), timedelta(minutes=LONGER),
                   notices=NOTICES)  # fmt: skip
    assert (refused.value.code, refused.value.status) == ("longer_meeting_undecided", 409)
    assert not await Meeting.filter(request_id=request.id).exists()


async def test_an_undecided_longer_meeting_is_booked_at_an_offered_length(place: Place) -> None:
    party, request = await _longer(place)
    meeting = await book(party.lawyer, request, place.rooms[0], local(9), timedelta(minutes=120),
                         notices=NOTICES)  # fmt: skip
    assert meeting.ends_at - meeting.starts_at == timedelta(minutes=120)


async def test_an_accepted_longer_meeting_is_booked_at_its_length(place: Place) -> None:
    party, request = await _longer(place)
    await _decide(place, request, accepted=True)
    meeting = await book(party.lawyer, request, place.rooms[0], local(9),
                         timedelta(minutes=LONGER), notices=NOTICES)  # fmt: skip
    assert meeting.ends_at - meeting.starts_at == timedelta(minutes=LONGER)


async def test_refusing_a_longer_meeting_needs_a_ground(place: Place) -> None:
    _party, request = await _longer(place)
    with pytest.raises(DomainError) as refused:
        await _decide(place, request, accepted=False, ground=" ")
    assert (refused.value.code, refused.value.field) == ("longer_refusal_ground_required", "ground")
    assert (await MeetingRequest.get(id=request.id)).longer_decision == LongerDecision.UNDECIDED


async def test_a_refused_longer_meeting_is_not_booked_at_the_longer_length(place: Place) -> None:
    party, request = await _longer(place)
    await _decide(place, request, accepted=False, ground="当日会见室已满，改为最长 120 分钟")
    with pytest.raises(DomainError) as refused:
        await book(party.lawyer, request, place.rooms[0], local(9), timedelta(minutes=LONGER),
                   notices=NOTICES)  # fmt: skip
    assert refused.value.code == "length_not_allowed"


async def test_a_refused_longer_meeting_takes_the_longest_offered_length(place: Place) -> None:
    _party, request = await _longer(place)
    await _decide(place, request, accepted=False, ground="当日会见室已满")
    stored = await MeetingRequest.get(id=request.id)
    assert (stored.length_minutes, stored.longer_decision) == (120, LongerDecision.REFUSED)
    assert stored.longer_refusal_ground == "当日会见室已满"


async def test_the_decision_on_a_longer_meeting_is_audited(place: Place) -> None:
    _party, request = await _longer(place)
    await _decide(place, request, accepted=True)
    entry = await AuditEntry.get(action="meeting_request.longer_decided")
    assert (entry.object_id, entry.summary["decision"]) == (str(request.id), "accepted")


async def test_a_longer_meeting_is_decided_once(place: Place) -> None:
    _party, request = await _longer(place)
    await _decide(place, request, accepted=True)
    with pytest.raises(DomainError) as refused:
        await _decide(place, request, accepted=False, ground="改变主意")
    assert (refused.value.code, refused.value.status) == ("longer_already_decided", 409)


async def test_a_request_of_an_offered_length_has_no_longer_meeting_to_decide(
    place: Place,
) -> None:
    party = await make_party(place)
    with pytest.raises(DomainError) as refused:
        await _decide(place, party.request, accepted=True)
    assert refused.value.code == "no_longer_meeting_asked"


async def test_a_lawyer_asks_again_after_a_completed_meeting(place: Place) -> None:
    party = await make_party(place)
    meeting = await book(party.lawyer, party.request, place.rooms[0], local(9), HOUR,
                         notices=NOTICES)  # fmt: skip
    await attendance.check_in(place.staff, meeting, documents_verified=True,
                              assistant_present=False)  # fmt: skip
    await attendance.start(place.staff, meeting)
    await attendance.complete(place.staff, meeting)
    again = await ask_for_meeting(
        party.lawyer, AskForMeeting(engagement_id=party.engagement.id), LEGAL
    )
    second = await book(party.lawyer, again, place.rooms[0], local(14), HOUR, notices=NOTICES)
    assert (await MeetingRequest.get(id=party.request.id)).status == RequestStatus.COMPLETED
    assert second.request_id == again.id != party.request.id


# Interrogation rooms ----------------------------------------------------------------------------


async def _interrogation_room(place: Place) -> Room:
    return await Room.create(facility=place.facility, name="讯问室 1", kind=RoomKind.INTERROGATION)


async def test_an_interrogation_room_is_refused_without_the_lawyers_consent(place: Place) -> None:
    party = await make_party(place)
    room = await _interrogation_room(place)
    with pytest.raises(DomainError) as refused:
        await book(place.staff, party.request, room, local(9), HOUR, notices=NOTICES)
    assert (refused.value.code, refused.value.status) == ("interrogation_room_needs_consent", 409)
    assert not await Meeting.filter(request_id=party.request.id).exists()


async def test_an_interrogation_room_is_booked_with_the_lawyers_consent(place: Place) -> None:
    party = await make_party(place)
    room = await _interrogation_room(place)
    command = AskForMeeting(engagement_id=party.engagement.id, interrogation_room_consent=True)
    request = await ask_for_meeting(party.lawyer, command, LEGAL)
    assert request.interrogation_room_consent_at is not None
    meeting = await book(place.staff, request, room, local(9), HOUR, notices=NOTICES)
    assert meeting.room_id == room.id
    # The consent is recorded with the booking.
    entry = await AuditEntry.get(action="meeting.booked", object_id=str(meeting.id))
    assert entry.summary["interrogation_room_consent_at"] is not None


async def test_asking_for_an_interrogation_room_needs_consent(place: Place) -> None:
    party = await make_party(place)
    command = AskForMeeting(engagement_id=party.engagement.id, room_kind=RoomKind.INTERROGATION)
    with pytest.raises(DomainError) as refused:
        await ask_for_meeting(party.lawyer, command, LEGAL)
    assert refused.value.field == "interrogation_room_consent"


# Pages ------------------------------------------------------------------------------------------


@pytest.fixture
async def web_place(client: AsyncClient) -> Place:
    return await make_place()


async def test_the_board_shows_the_interrogation_room_with_the_consent(
    client: AsyncClient, web_place: Place
) -> None:
    party = await make_party(web_place)
    room = await _interrogation_room(web_place)
    command = AskForMeeting(engagement_id=party.engagement.id, interrogation_room_consent=True)
    request = await ask_for_meeting(party.lawyer, command, LEGAL)
    meeting = await book(web_place.staff, request, room, local(9), HOUR, notices=NOTICES)
    await sign_in_as(client, web_place.staff)
    day = local(9).astimezone(SHANGHAI).date().isoformat()
    page = html.unescape((await client.get(f"/board?day={day}")).text)
    item = page[page.index(f'id="m-{meeting.id}"') :]
    assert "Interrogation room: the lawyer consented in writing on" in item


async def test_the_lawyer_asks_for_a_longer_meeting_on_her_form(
    client: AsyncClient, web_place: Place
) -> None:
    party = await make_party(web_place)
    await sign_in_as(client, party.lawyer)
    form = f"/clients/{party.engagement.id}/meetings/new"
    data = {"csrf_token": await page_csrf(client, form), "length_minutes": "60",
            "room_kind": "in_person", "longer_minutes": str(LONGER),
            "longer_reason": REASON}  # fmt: skip
    response = await client.post(form, data=data)
    assert response.status_code == 303
    stored = await MeetingRequest.filter(engagement_id=party.engagement.id).order_by("-id").first()
    assert stored is not None and (stored.length_minutes, stored.longer_reason) == (LONGER, REASON)


async def test_the_lawyers_form_shows_a_missing_reason_at_its_field(
    client: AsyncClient, web_place: Place
) -> None:
    party = await make_party(web_place)
    await sign_in_as(client, party.lawyer)
    form = f"/clients/{party.engagement.id}/meetings/new"
    data = {"csrf_token": await page_csrf(client, form), "length_minutes": "60",
            "room_kind": "in_person", "longer_minutes": str(LONGER)}  # fmt: skip
    response = await client.post(form, data=data)
    assert response.status_code in (400, 422)
    assert 'id="e-request-longer_reason">This is longer than' in html.unescape(response.text)


async def test_the_desk_refuses_a_longer_meeting_on_its_request_page(
    client: AsyncClient, web_place: Place
) -> None:
    _party, request = await _longer(web_place)
    await sign_in_as(client, web_place.staff)
    page = f"/board/requests/{request.id}"
    data = {"csrf_token": await page_csrf(client, page), "decision": "refuse",
            "ground": "当日会见室已满"}  # fmt: skip
    response = await client.post(f"{page}/longer-decision", data=data)
    assert response.status_code == 303
    assert (await MeetingRequest.get(id=request.id)).longer_decision == LongerDecision.REFUSED


async def test_the_desk_accepts_a_longer_meeting_through_the_api_and_the_lawyer_is_told(
    client: AsyncClient, web_place: Place
) -> None:
    party, request = await _longer(web_place)
    staff = bearer(await api_token(web_place.staff))
    response = await client.post(
        f"/api/v1/meeting-requests/{request.id}/longer-decision",
        json={"accepted": True},
        headers=staff,
    )
    assert response.status_code == 200
    assert (await MeetingRequest.get(id=request.id)).longer_decision == LongerDecision.ACCEPTED
    assert await Notification.exists(recipient_id=party.lawyer.id, template=DECIDED_NOTICE)


async def test_the_desks_longer_form_shows_a_missing_ground_at_its_field(
    client: AsyncClient, web_place: Place
) -> None:
    _party, request = await _longer(web_place)
    await sign_in_as(client, web_place.staff)
    page = f"/board/requests/{request.id}"
    data = {"csrf_token": await page_csrf(client, page), "decision": "refuse", "ground": ""}
    response = await client.post(f"{page}/longer-decision", data=data)
    assert response.status_code in (400, 422)
    assert 'id="e-longer_ground">Give the lawful ground' in html.unescape(response.text)


async def test_the_facility_page_offers_the_interrogation_room_kind(
    client: AsyncClient, web_place: Place
) -> None:
    await sign_in_as(client, web_place.staff)
    page = html.unescape((await client.get("/facility")).text)
    assert "Interrogation room (only with the lawyer's written consent)" in page
