"""Request purposes (priority meetings) and the art. 8 confirmation meeting (R2015 art. 8): the
purpose is stored and shown in words; a meeting to confirm an ended engagement ends only on the
client's written refusal, which the desk records in its own facility and the lawyer is told."""

from __future__ import annotations

import html
from datetime import UTC, date, datetime, timedelta

import pytest
from httpx import AsyncClient

from app.accounts.policy import NotFound, NotPermitted
from app.audit.models import AuditEntry
from app.cases.kinds import CaseStage, EngagementStatus
from app.cases.models import Case, Engagement
from app.errors import DomainError
from app.law.context import LegalContext
from app.law.policies import LegalPolicies
from app.law.restdays import RestDayCalendar
from notifications.models import Notification
from scheduling import attendance
from scheduling.asking import AskForMeeting, ask_for_meeting
from scheduling.attendance import RefusalReason
from scheduling.booking import book
from scheduling.confirmation import RecordWrittenRefusal, record_written_refusal
from scheduling.kinds import MeetingStatus, RequestPurpose, RequestStatus
from scheduling.models import Meeting, MeetingRequest
from tests.integration.helpers import NOTICES, api_token, bearer, page_csrf, sign_in_as
from tests.integration.meeting_world import SHANGHAI, Party, Place, local, make_party, make_place

LEGAL = LegalContext(RestDayCalendar(), LegalPolicies())
HOUR = timedelta(hours=1)
TODAY = date.today() - timedelta(days=1)  # yesterday anywhere: never "in the future"
STATEMENT = "当事人亲笔书写《拒绝会见书》并签名捺印，两名民警见证"


@pytest.fixture
async def place(database: None) -> Place:
    return await make_place()


async def _ask(party: Party, purpose: RequestPurpose) -> MeetingRequest:
    command = AskForMeeting(engagement_id=party.engagement.id, purpose=purpose)
    return await ask_for_meeting(party.lawyer, command, LEGAL)


async def _confirmation(place: Place) -> tuple[Party, MeetingRequest]:
    party = await make_party(place)
    return party, await _ask(party, RequestPurpose.ENGAGEMENT_CONFIRMATION)


def _refusal(request_id: int, statement: str = STATEMENT) -> RecordWrittenRefusal:
    return RecordWrittenRefusal(request_id=request_id, refused_on=TODAY, statement=statement)


# Purposes ---------------------------------------------------------------------------------------


async def test_the_purpose_is_stored_with_the_request(place: Place) -> None:
    party = await make_party(place)
    opened = await _ask(party, RequestPurpose.FIRST_AFTER_DETENTION)
    stored = await MeetingRequest.get(id=opened.id)
    assert stored.purpose == RequestPurpose.FIRST_AFTER_DETENTION


async def test_a_request_without_a_purpose_is_ordinary(place: Place) -> None:
    party = await make_party(place)
    command = AskForMeeting(engagement_id=party.engagement.id)
    opened = await ask_for_meeting(party.lawyer, command, LEGAL)
    assert (await MeetingRequest.get(id=opened.id)).purpose == RequestPurpose.ORDINARY


async def test_a_first_meeting_after_transfer_needs_the_case_transferred(place: Place) -> None:
    party = await make_party(place)
    before = await MeetingRequest.all().count()
    with pytest.raises(DomainError) as refused:
        await _ask(party, RequestPurpose.FIRST_AFTER_TRANSFER)
    assert (refused.value.code, refused.value.field) == ("purpose_case_not_transferred", "purpose")
    assert await MeetingRequest.all().count() == before


async def test_a_first_meeting_after_transfer_is_asked_once_the_case_is_transferred(
    place: Place,
) -> None:
    party = await make_party(place)
    await Case.filter(id=party.engagement.case_id).update(stage=CaseStage.PROSECUTION_REVIEW)
    opened = await _ask(party, RequestPurpose.FIRST_AFTER_TRANSFER)
    assert opened.purpose == RequestPurpose.FIRST_AFTER_TRANSFER


async def test_a_confirmation_meeting_may_be_asked_on_an_ended_engagement(place: Place) -> None:
    party = await make_party(place)
    await Engagement.filter(id=party.engagement.id).update(
        status=EngagementStatus.TERMINATED, terminated_at=datetime.now(UTC)
    )
    opened = await _ask(party, RequestPurpose.ENGAGEMENT_CONFIRMATION)
    assert opened.status == RequestStatus.REQUESTED


async def test_an_ordinary_meeting_is_still_refused_on_an_ended_engagement(place: Place) -> None:
    party = await make_party(place)
    await Engagement.filter(id=party.engagement.id).update(status=EngagementStatus.TERMINATED)
    with pytest.raises(DomainError) as refused:
        await _ask(party, RequestPurpose.ORDINARY)
    assert refused.value.code == "engagement_terminated"


# The client's written refusal (R2015 art. 8) ----------------------------------------------------


async def test_the_clients_written_refusal_ends_the_request(place: Place) -> None:
    _party, request = await _confirmation(place)
    await record_written_refusal(place.staff, _refusal(request.id), notices=NOTICES)
    stored = await MeetingRequest.get(id=request.id)
    assert stored.status == RequestStatus.REFUSED
    assert stored.refusal_reason == f"client_refused_in_writing: {TODAY.isoformat()}: {STATEMENT}"


async def test_the_clients_written_refusal_passes_to_the_lawyer(place: Place) -> None:
    party, request = await _confirmation(place)
    await record_written_refusal(place.staff, _refusal(request.id), notices=NOTICES)
    told = await Notification.filter(template="meeting_client_refused",
                                     recipient_id=party.lawyer.id)  # fmt: skip
    assert told, "the lawyer is told of the refusal"
    assert {n.payload["statement"] for n in told} == {STATEMENT}


async def test_the_clients_written_refusal_is_audited(place: Place) -> None:
    _party, request = await _confirmation(place)
    await record_written_refusal(place.staff, _refusal(request.id), notices=NOTICES)
    entry = await AuditEntry.get(action="meeting_request.client_refused_in_writing")
    assert entry.object_id == str(request.id)
    assert entry.summary["refused_on"] == TODAY.isoformat()


async def test_the_clients_written_refusal_frees_a_booked_meeting(place: Place) -> None:
    party, request = await _confirmation(place)
    meeting = await book(party.lawyer, request, place.rooms[0], local(9), HOUR, notices=NOTICES)
    await record_written_refusal(place.staff, _refusal(request.id), notices=NOTICES)
    assert (await Meeting.get(id=meeting.id)).status == MeetingStatus.CANCELLED


async def test_a_written_refusal_needs_a_statement(place: Place) -> None:
    _party, request = await _confirmation(place)
    with pytest.raises(DomainError) as refused:
        await record_written_refusal(place.staff, _refusal(request.id, "  "), notices=NOTICES)
    assert refused.value.field == "statement"
    assert (await MeetingRequest.get(id=request.id)).status == RequestStatus.REQUESTED


async def test_a_written_refusal_cannot_be_dated_in_the_future(place: Place) -> None:
    _party, request = await _confirmation(place)
    later = RecordWrittenRefusal(
        request_id=request.id, refused_on=date.today() + timedelta(days=3), statement=STATEMENT
    )
    with pytest.raises(DomainError) as refused:
        await record_written_refusal(place.staff, later, notices=NOTICES)
    assert (refused.value.code, refused.value.field) == ("time_in_future", "refused_on")


async def test_a_written_refusal_is_refused_for_another_purpose(place: Place) -> None:
    party = await make_party(place)
    request = await _ask(party, RequestPurpose.FIRST_AFTER_DETENTION)
    with pytest.raises(DomainError) as refused:
        await record_written_refusal(place.staff, _refusal(request.id), notices=NOTICES)
    assert (refused.value.code, refused.value.status) == ("written_refusal_not_confirmation", 409)
    assert (await MeetingRequest.get(id=request.id)).status == RequestStatus.REQUESTED


async def test_a_written_refusal_is_not_found_outside_the_desks_facility(place: Place) -> None:
    _party, request = await _confirmation(place)
    elsewhere = await make_place()
    with pytest.raises(NotFound):
        await record_written_refusal(elsewhere.staff, _refusal(request.id), notices=NOTICES)
    assert (await MeetingRequest.get(id=request.id)).status == RequestStatus.REQUESTED


async def test_a_lawyer_cannot_record_her_clients_written_refusal(place: Place) -> None:
    party, request = await _confirmation(place)
    with pytest.raises(NotPermitted):
        await record_written_refusal(party.lawyer, _refusal(request.id), notices=NOTICES)


async def test_a_confirmation_meeting_is_not_refused_because_the_engagement_ended(
    place: Place,
) -> None:
    _party, request = await _confirmation(place)
    with pytest.raises(DomainError) as refused:
        await attendance.refuse_request(
            place.staff, request, RefusalReason.ENGAGEMENT_ENDED, notices=NOTICES
        )
    assert (refused.value.code, refused.value.field) == ("confirmation_not_refusable", "reason")
    assert (await MeetingRequest.get(id=request.id)).status == RequestStatus.REQUESTED


async def test_a_confirmation_meeting_is_still_refused_when_the_client_was_released(
    place: Place,
) -> None:
    _party, request = await _confirmation(place)
    await attendance.refuse_request(
        place.staff, request, RefusalReason.DETAINEE_RELEASED, notices=NOTICES
    )
    assert (await MeetingRequest.get(id=request.id)).status == RequestStatus.REFUSED


# Pages and API ----------------------------------------------------------------------------------


@pytest.fixture
async def web_place(client: AsyncClient) -> Place:
    return await make_place()


async def test_the_lawyers_request_page_shows_the_priority_in_words(
    client: AsyncClient, web_place: Place
) -> None:
    party = await make_party(web_place)
    await sign_in_as(client, party.lawyer)
    form = f"/clients/{party.engagement.id}/meetings/new"
    data = {"csrf_token": await page_csrf(client, form), "length_minutes": "60",
            "room_kind": "in_person", "purpose": "first_after_detention"}  # fmt: skip
    response = await client.post(form, data=data, follow_redirects=True)
    assert response.status_code == 200
    assert "Priority: First meeting after detention" in html.unescape(response.text)


async def test_the_api_stores_and_returns_the_purpose(
    client: AsyncClient, web_place: Place
) -> None:
    party = await make_party(web_place)
    body = {"engagement_id": party.engagement.id, "purpose": "engagement_confirmation"}
    response = await client.post(
        "/api/v1/meeting-requests", json=body, headers=bearer(await api_token(party.lawyer))
    )
    assert response.status_code == 201, response.text
    assert (response.json()["purpose"], response.json()["priority"]) == (
        "engagement_confirmation", True,
    )  # fmt: skip
    stored = await MeetingRequest.get(id=response.json()["id"])
    assert stored.purpose == RequestPurpose.ENGAGEMENT_CONFIRMATION


async def test_the_day_board_marks_a_priority_meeting(
    client: AsyncClient, web_place: Place
) -> None:
    party = await make_party(web_place)
    request = await _ask(party, RequestPurpose.FIRST_AFTER_DETENTION)
    meeting = await book(party.lawyer, request, web_place.rooms[0], local(9), HOUR,
                         notices=NOTICES)  # fmt: skip
    await sign_in_as(client, web_place.staff)
    day = local(9).astimezone(SHANGHAI).date().isoformat()
    page = html.unescape((await client.get(f"/board?day={day}")).text)
    item = page[page.index(f'id="m-{meeting.id}"') :]
    assert "Priority: First meeting after detention" in item


async def test_the_desk_records_the_written_refusal_on_its_request_page(
    client: AsyncClient, web_place: Place
) -> None:
    _party, request = await _confirmation(web_place)
    await sign_in_as(client, web_place.staff)
    page = f"/board/requests/{request.id}"
    data = {"csrf_token": await page_csrf(client, page), "refused_on": TODAY.isoformat(),
            "statement": STATEMENT}  # fmt: skip
    response = await client.post(f"{page}/client-refusal", data=data)
    assert response.status_code == 303
    assert (await MeetingRequest.get(id=request.id)).status == RequestStatus.REFUSED


async def test_the_desks_written_refusal_form_shows_a_missing_statement_at_its_field(
    client: AsyncClient, web_place: Place
) -> None:
    _party, request = await _confirmation(web_place)
    await sign_in_as(client, web_place.staff)
    page = f"/board/requests/{request.id}"
    data = {"csrf_token": await page_csrf(client, page), "refused_on": TODAY.isoformat(),
            "statement": ""}  # fmt: skip
    response = await client.post(f"{page}/client-refusal", data=data)
    assert response.status_code in (400, 422)
    text = html.unescape(response.text)
    assert 'id="e-client_refusal_statement">Say what the client\'s written refusal says' in text
    assert (await MeetingRequest.get(id=request.id)).status == RequestStatus.REQUESTED


async def test_the_api_records_the_written_refusal(client: AsyncClient, web_place: Place) -> None:
    _party, request = await _confirmation(web_place)
    response = await client.post(
        f"/api/v1/meeting-requests/{request.id}/client-refusal",
        json={"refused_on": TODAY.isoformat(), "statement": STATEMENT},
        headers=bearer(await api_token(web_place.staff)),
    )
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "refused"
