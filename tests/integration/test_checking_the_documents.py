"""The desk's "documents checked" is one domain command (scheduling.document_checks,
CheckDocuments): the desk's request page and the API build it, so its rules answer the same
through both, and a refusal starts no clock."""

from __future__ import annotations

import html
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from httpx import AsyncClient

from app.accounts.models import User
from scheduling.models import MeetingRequest
from tests.integration.helpers import api_token, bearer, post_form, sign_in_as
from tests.integration.meeting_world import Party, Place, make_party, make_place

ALREADY_RUNNING = "The 48-hour clock of this request is already running."
IN_THE_FUTURE = "The time cannot lie in the future."


@pytest.fixture
async def place(client: AsyncClient) -> Place:
    return await make_place()


async def _by_the_desk(client: AsyncClient, staff: User, party: Party) -> tuple[int, str]:
    await sign_in_as(client, staff)
    response = await post_form(client, f"/board/requests/{party.request.id}/documents-checked")
    return response.status_code, html.unescape(response.text)


async def _by_the_api(
    client: AsyncClient, user: User, party: Party, body: dict[str, Any] | None = None
) -> tuple[int, dict[str, Any]]:
    headers = {**bearer(await api_token(user)), "Accept-Language": "en"}
    path = f"/api/v1/meeting-requests/{party.request.id}/documents-checked"
    response = await client.post(path, json=body or {}, headers=headers)
    return response.status_code, response.json()


async def _clock_of(party: Party) -> datetime | None:
    return (await MeetingRequest.get(id=party.request.id)).clock_started_at


async def test_a_clock_already_running_is_refused_in_the_same_words_by_page_and_api(
    client: AsyncClient, place: Place
) -> None:
    party = await make_party(place)
    started = datetime.now(UTC) - timedelta(hours=1)
    await MeetingRequest.filter(id=party.request.id).update(clock_started_at=started)
    status, page = await _by_the_desk(client, place.staff, party)
    assert status == 409 and ALREADY_RUNNING in page
    status, problem = await _by_the_api(client, place.staff, party)
    assert status == 409 and problem["detail"] == ALREADY_RUNNING
    assert await _clock_of(party) == started


async def test_a_request_of_another_centre_is_not_found_by_page_or_api(
    client: AsyncClient, place: Place
) -> None:
    party, elsewhere = await make_party(place), await make_place()
    status, _page = await _by_the_desk(client, elsewhere.staff, party)
    assert status == 404
    status, _problem = await _by_the_api(client, elsewhere.staff, party)
    assert status == 404
    assert await _clock_of(party) is None


async def test_only_the_desk_may_say_the_documents_are_checked(
    client: AsyncClient, place: Place
) -> None:
    party = await make_party(place)
    status, _problem = await _by_the_api(client, party.lawyer, party)
    assert status == 403
    assert await _clock_of(party) is None


async def test_a_check_recorded_in_the_future_is_refused_at_its_field(
    client: AsyncClient, place: Place
) -> None:
    party = await make_party(place)
    tomorrow = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    status, problem = await _by_the_api(client, place.staff, party, {"at": tomorrow})
    assert status == 422
    assert problem["errors"][0] == {"field": "at", "message": IN_THE_FUTURE}
    assert await _clock_of(party) is None


async def test_a_check_recorded_earlier_starts_the_clock_then(
    client: AsyncClient, place: Place
) -> None:
    party = await make_party(place)
    checked = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=2)
    status, body = await _by_the_api(client, place.staff, party, {"at": checked.isoformat()})
    assert status == 200 and body["deadline_at"] is not None
    assert await _clock_of(party) == checked
