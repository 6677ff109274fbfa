"""Permission cases (M5) on the pages: the lawyer's request goes to the investigating authority,
whose task list shows the answers due and whose written decision, naming whom to contact, starts
the 48 hours; a refusal is lifted from its page once its reason ends (R2015 art. 9)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from httpx import AsyncClient

from app.accounts.models import User
from app.accounts.roles import Role
from app.cases.kinds import CaseCategory
from app.cases.models import Case
from scheduling.kinds import RequestStatus
from scheduling.models import MeetingRequest
from tests.integration.helpers import login, make_user, page_csrf, sign_in_as
from tests.integration.meeting_world import Party, Place, make_party, make_place


@pytest.fixture
async def place(client: AsyncClient) -> Place:
    return await make_place(rooms=1)


async def state_security_party(place: Place) -> Party:
    party = await make_party(place)
    await Case.filter(id=party.engagement.case_id).update(category=CaseCategory.STATE_SECURITY)
    return party


async def investigator_of(place: Place) -> User:
    return await make_user(Role.INVESTIGATOR, agency=place.agency, region_code="110108")


async def ask(client: AsyncClient, party: Party) -> MeetingRequest:
    """The lawyer asks through the form; the new (permission) request."""
    await sign_in_as(client, party.lawyer)
    form = f"/clients/{party.engagement.id}/meetings/new"
    token = await page_csrf(client, form)
    data = {"csrf_token": token, "length_minutes": "60", "room_kind": "in_person"}
    response = await client.post(form, data=data)
    assert response.status_code == 303, response.text
    return await MeetingRequest.get(id=int(response.headers["location"].rsplit("/", 1)[1]))


CONTACT = {"contact_unit": "北京市国家安全局", "contact_person": "李警官",
           "contact_phone": "010-12345678"}  # fmt: skip


async def decide(client: AsyncClient, request: MeetingRequest, **data: str) -> tuple[int, str]:
    """The investigator's written answer; it names the contact unless ``data`` says otherwise."""
    token = await page_csrf(client, f"/meeting-requests/{request.id}")
    response = await client.post(
        f"/meeting-requests/{request.id}/permission",
        data={"csrf_token": token, **CONTACT, **data},
    )
    return response.status_code, response.text


async def lift(client: AsyncClient, request: MeetingRequest, reason: str) -> tuple[int, str]:
    token = await page_csrf(client, f"/meeting-requests/{request.id}")
    response = await client.post(
        f"/meeting-requests/{request.id}/permission/lift",
        data={"csrf_token": token, "reason": reason},
    )
    return response.status_code, response.text


async def refused(client: AsyncClient, place: Place) -> tuple[Party, MeetingRequest, User]:
    """A request the investigator refused through the page; she stays signed in."""
    party = await state_security_party(place)
    request = await ask(client, party)
    investigator = await investigator_of(place)
    await sign_in_as(client, investigator)
    status, text = await decide(client, request, decision="refuse", reasons="有碍侦查")
    assert status == 303, text
    return party, request, investigator


async def test_form_says_the_request_goes_to_the_authority_first(
    client: AsyncClient, place: Place
) -> None:
    party = await state_security_party(place)
    await sign_in_as(client, party.lawyer)
    page = (await client.get(f"/clients/{party.engagement.id}/meetings/new")).text
    assert "the request first goes to the investigating authority" in page


async def test_permission_request_shows_its_answer_due_date(
    client: AsyncClient, place: Place
) -> None:
    request = await ask(client, await state_security_party(place))
    assert request.status == RequestStatus.AWAITING_PERMISSION
    assert request.permission_due_at is not None and request.deadline_at is None
    page = (await client.get(f"/meeting-requests/{request.id}")).text
    assert request.permission_due_at.isoformat() in page
    assert "The 48 hours start when the investigating authority permits the meeting." in page


async def test_task_list_shows_the_agencys_waiting_requests(
    client: AsyncClient, place: Place
) -> None:
    party = await state_security_party(place)
    request = await ask(client, party)
    await sign_in_as(client, await investigator_of(place))
    page = (await client.get("/tasks/permissions")).text
    assert f'href="/meeting-requests/{request.id}#permission"' in page
    assert party.detainee.name in page and 'class="overdue"' not in page


async def test_task_list_marks_an_overdue_answer(client: AsyncClient, place: Place) -> None:
    request = await ask(client, await state_security_party(place))
    late = datetime.now(UTC) - timedelta(hours=2)
    await MeetingRequest.filter(id=request.id).update(permission_due_at=late)
    await sign_in_as(client, await investigator_of(place))
    page = (await client.get("/tasks/permissions")).text
    assert '<tr class="overdue">' in page


async def test_other_agencys_investigator_gets_404(client: AsyncClient, place: Place) -> None:
    party = await state_security_party(place)
    request = await ask(client, party)
    await sign_in_as(client, await make_user(Role.INVESTIGATOR))
    assert (await client.get(f"/meeting-requests/{request.id}")).status_code == 404
    assert party.detainee.name not in (await client.get("/tasks/permissions")).text


async def test_permit_starts_the_48_hours_from_the_decision(
    client: AsyncClient, place: Place
) -> None:
    request = await ask(client, await state_security_party(place))
    await sign_in_as(client, await investigator_of(place))
    status, text = await decide(client, request, decision="permit", reasons="")
    assert status == 303, text
    decided = await MeetingRequest.get(id=request.id)
    assert decided.status == RequestStatus.REQUESTED and decided.permission_granted
    assert decided.deadline_at is not None and decided.permission_decided_at is not None
    # The hour of the decision is not counted (P2): 48 to 49 hours after it.
    left = decided.deadline_at - decided.permission_decided_at
    assert timedelta(hours=48) <= left <= timedelta(hours=49)


async def test_lawyer_sees_the_permit_and_can_book(client: AsyncClient, place: Place) -> None:
    party = await state_security_party(place)
    request = await ask(client, party)
    await sign_in_as(client, await investigator_of(place))
    await decide(client, request, decision="permit", reasons="")
    await sign_in_as(client, party.lawyer)
    page = (await client.get(f"/meeting-requests/{request.id}")).text
    assert "Permitted" in page and 'id="h-book"' in page


async def test_refusal_without_reasons_is_an_error_keeping_the_choice(
    client: AsyncClient, place: Place
) -> None:
    request = await ask(client, await state_security_party(place))
    await sign_in_as(client, await investigator_of(place))
    status, text = await decide(client, request, decision="refuse", reasons="  ")
    assert status == 400 and 'id="e-decide-reasons"' in text
    assert 'value="refuse" checked' in text
    stored = await MeetingRequest.get(id=request.id)
    assert stored.status == RequestStatus.AWAITING_PERMISSION


async def test_refusal_with_reasons_is_shown_to_the_lawyer(
    client: AsyncClient, place: Place
) -> None:
    party = await state_security_party(place)
    request = await ask(client, party)
    await sign_in_as(client, await investigator_of(place))
    status, _text = await decide(
        client, request, decision="refuse", reasons="Would impede the investigation."
    )
    assert status == 303
    await sign_in_as(client, party.lawyer)
    page = (await client.get(f"/meeting-requests/{request.id}")).text
    assert "Would impede the investigation." in page and "Permission refused" in page


async def test_lawyer_cannot_post_a_decision(client: AsyncClient, place: Place) -> None:
    party = await state_security_party(place)
    request = await ask(client, party)
    status, _text = await decide(client, request, decision="permit", reasons="")
    assert status == 403


async def test_task_list_in_chinese_by_default(client: AsyncClient, place: Place) -> None:
    await ask(client, await state_security_party(place))
    investigator = await investigator_of(place)
    client.cookies.clear()
    assert (await login(client, investigator.username)).status_code == 303
    page = (await client.get("/tasks/permissions")).text
    assert "待决定的会见许可" in page and "答复期限" in page


async def test_task_list_in_english(client: AsyncClient, place: Place) -> None:
    await ask(client, await state_security_party(place))
    await sign_in_as(client, await investigator_of(place))
    page = (await client.get("/tasks/permissions")).text
    assert "Meeting permissions to decide" in page and "Answer due" in page


# R2015 art. 9: the contact named, and the refusal lifted ------------------------------------


async def test_the_lawyer_sees_whom_to_contact_about_the_decision(
    client: AsyncClient, place: Place
) -> None:
    party, request, _investigator = await refused(client, place)
    await sign_in_as(client, party.lawyer)
    page = (await client.get(f"/meeting-requests/{request.id}")).text
    assert '<dd class="contact-unit">北京市国家安全局</dd>' in page
    assert '<dd class="contact-person">李警官 · 010-12345678</dd>' in page


async def test_the_desk_sees_whom_to_contact_about_the_decision(
    client: AsyncClient, place: Place
) -> None:
    _party, request, _investigator = await refused(client, place)
    await sign_in_as(client, place.staff)
    page = (await client.get(f"/meeting-requests/{request.id}")).text
    assert "北京市国家安全局" in page and "李警官" in page


async def test_the_refused_request_offers_the_investigator_a_lifting_form(
    client: AsyncClient, place: Place
) -> None:
    _party, request, _investigator = await refused(client, place)
    page = (await client.get(f"/meeting-requests/{request.id}")).text
    assert f'action="/meeting-requests/{request.id}/permission/lift"' in page
    assert "Permit the meeting now" in page


async def test_the_task_list_shows_refusals_to_lift(client: AsyncClient, place: Place) -> None:
    _party, request, _investigator = await refused(client, place)
    page = (await client.get("/tasks/permissions")).text
    assert "Refusals in force" in page
    assert f'href="/meeting-requests/{request.id}#h-lift"' in page


async def test_lifting_on_the_page_permits_the_request(client: AsyncClient, place: Place) -> None:
    party, request, _investigator = await refused(client, place)
    status, text = await lift(client, request, "证据已固定")
    assert status == 303, text
    stored = await MeetingRequest.get(id=request.id)
    assert stored.status == RequestStatus.REQUESTED and stored.deadline_at is not None
    await sign_in_as(client, party.lawyer)
    page = (await client.get(f"/meeting-requests/{request.id}")).text
    assert "Refusal lifted" in page and 'id="h-book"' in page


async def test_lifting_without_a_statement_keeps_the_refusal(
    client: AsyncClient, place: Place
) -> None:
    _party, request, _investigator = await refused(client, place)
    status, text = await lift(client, request, "  ")
    assert status == 400 and 'id="e-lift-reason"' in text and 'class="error-summary"' in text
    stored = await MeetingRequest.get(id=request.id)
    assert stored.status == RequestStatus.PERMISSION_REFUSED


async def test_the_lawyer_cannot_lift_a_refusal(client: AsyncClient, place: Place) -> None:
    party, request, _investigator = await refused(client, place)
    await sign_in_as(client, party.lawyer)
    status, _text = await lift(client, request, "证据已固定")
    assert status == 403


async def test_another_agencys_investigator_cannot_lift(client: AsyncClient, place: Place) -> None:
    _party, request, _investigator = await refused(client, place)
    await sign_in_as(client, await make_user(Role.INVESTIGATOR))
    token = await page_csrf(client, "/tasks/permissions")
    response = await client.post(f"/meeting-requests/{request.id}/permission/lift",
                                 data={"csrf_token": token, "reason": "证据已固定"})  # fmt: skip
    assert response.status_code == 404
    stored = await MeetingRequest.get(id=request.id)
    assert stored.status == RequestStatus.PERMISSION_REFUSED
