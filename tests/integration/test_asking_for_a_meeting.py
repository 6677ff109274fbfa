"""Asking for a meeting is one domain command (scheduling.asking): the lawyer's form, the desk's
walk-in form and the API build it, so each rule answers the same through each of them, with the
same field and the same words, and stores nothing when it refuses."""

from __future__ import annotations

import html
from typing import Any

import pytest
from httpx import AsyncClient

from app.accounts.models import User
from scheduling.models import MeetingRequest
from tests.integration.helpers import api_token, bearer, page_csrf, sign_in_as
from tests.integration.meeting_world import Place, make_party, make_place

ID_NUMBER = "110101199001011234"
# (what the lawyer sends, the field at fault, the message in English)
REFUSED: dict[str, tuple[dict[str, Any], str, str]] = {
    "M6: an assistant named without an id number": (
        {"assistant_name": "Li Zhuli"}, "assistant_id_number",
        "Give the assistant's name and licence or ID number, or neither.",
    ),
    "M6: an id number without the assistant's name": (
        {"assistant_id_number": ID_NUMBER}, "assistant_name",
        "Give the assistant's name and licence or ID number, or neither.",
    ),
    "an assistant's name longer than the register holds": (
        {"assistant_name": "李" * 101, "assistant_id_number": ID_NUMBER}, "assistant_name",
        "This text is too long.",
    ),
    "M2: only the desk records a walk-in": (
        {"walk_in": True}, "walk_in",
        "Only detention-centre staff record walk-ins and past request times.",
    ),
}  # fmt: skip


@pytest.fixture
async def place(client: AsyncClient) -> Place:
    return await make_place()


def _as_form(sent: dict[str, Any]) -> dict[str, str]:
    return {k: ("on" if v is True else str(v)) for k, v in sent.items()}


async def _through_the_page(client: AsyncClient, lawyer: User, engagement_id: int,
                            sent: dict[str, Any]) -> tuple[int, str]:  # fmt: skip
    await sign_in_as(client, lawyer)
    form = f"/clients/{engagement_id}/meetings/new"
    data = {"csrf_token": await page_csrf(client, form), "length_minutes": "60",
            "room_kind": "in_person", **_as_form(sent)}  # fmt: skip
    response = await client.post(form, data=data)
    return response.status_code, html.unescape(response.text)


async def _through_the_api(client: AsyncClient, lawyer: User, engagement_id: int,
                           sent: dict[str, Any]) -> tuple[int, dict[str, Any]]:  # fmt: skip
    headers = {**bearer(await api_token(lawyer)), "Accept-Language": "en"}
    body = {"engagement_id": engagement_id, **sent}
    response = await client.post("/api/v1/meeting-requests", json=body, headers=headers)
    return response.status_code, response.json()


@pytest.mark.parametrize("case", list(REFUSED))
async def test_the_page_refuses_with_the_rules_words_and_stores_nothing(
    client: AsyncClient, place: Place, case: str
) -> None:
    sent, _field, words = REFUSED[case]
    party = await make_party(place)
    before = await MeetingRequest.all().count()
    status, page = await _through_the_page(client, party.lawyer, party.engagement.id, sent)
    assert status in (400, 422) and words in page
    assert await MeetingRequest.all().count() == before


@pytest.mark.parametrize("case", list(REFUSED))
async def test_the_api_refuses_with_the_same_field_and_words_and_stores_nothing(
    client: AsyncClient, place: Place, case: str
) -> None:
    sent, field, words = REFUSED[case]
    party = await make_party(place)
    before = await MeetingRequest.all().count()
    status, problem = await _through_the_api(client, party.lawyer, party.engagement.id, sent)
    assert status == 422
    assert problem["errors"][0] == {"field": field, "message": words}
    assert await MeetingRequest.all().count() == before


async def test_a_preferred_window_that_ends_before_it_starts_is_refused_at_its_row(
    client: AsyncClient, place: Place
) -> None:
    party = await make_party(place)
    window = {"window1_date": "2026-12-09", "window1_from": "15:00", "window1_to": "10:00"}
    status, page = await _through_the_page(client, party.lawyer, party.engagement.id, window)
    assert status == 422 and "has-error" in page
    backwards = {"preferred_windows": [{"from": "2026-12-09T15:00:00+08:00",
                                        "to": "2026-12-09T10:00:00+08:00"}]}  # fmt: skip
    status, _problem = await _through_the_api(client, party.lawyer, party.engagement.id, backwards)
    assert status == 422
    assert await MeetingRequest.all().count() == 1  # the party's own, nothing new


async def test_the_same_request_is_accepted_through_the_page_and_the_api(
    client: AsyncClient, place: Place
) -> None:
    sent = {"assistant_name": "Li Zhuli", "assistant_id_number": ID_NUMBER}
    by_page, by_api = await make_party(place), await make_party(place)
    status, _page = await _through_the_page(client, by_page.lawyer, by_page.engagement.id, sent)
    assert status == 303
    status, body = await _through_the_api(client, by_api.lawyer, by_api.engagement.id, sent)
    assert status == 201 and body["assistant_name"] == "Li Zhuli"
    stored = await MeetingRequest.filter(assistant_name="Li Zhuli").order_by("id")
    assert [r.lawyer_id for r in stored] == [by_page.lawyer.id, by_api.lawyer.id]
