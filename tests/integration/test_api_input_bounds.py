"""The cases a property-based run of the API found (issue 18), pinned: every input is bounded
at the edge as the OpenAPI document states, and nothing reaches a server error."""

from __future__ import annotations

from typing import Any

import pytest
from httpx import AsyncClient, Response

from app.accounts.models import User
from app.presentation.problems import INVALID_INPUT
from scheduling.models import Meeting, MeetingRequest
from tests.integration.helpers import api_token, bearer
from tests.integration.meeting_world import Party, local, make_party, make_place

P = "/api/v1"


@pytest.fixture
async def party(client: AsyncClient) -> Party:
    return await make_party(await make_place())


async def _post(client: AsyncClient, user: User, path: str, body: Any = None) -> Response:
    headers = bearer(await api_token(user))
    if body is None:
        return await client.post(P + path, headers=headers)
    return await client.post(P + path, json=body, headers=headers)


def _refused(response: Response, field: str) -> None:
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert field in {error["field"] for error in response.json()["errors"]}


async def test_a_body_id_no_key_can_hold_is_not_found(client: AsyncClient, party: Party) -> None:
    response = await _post(client, party.lawyer, "/meeting-requests", {"engagement_id": 2**40})
    assert response.status_code == 404
    assert await MeetingRequest.all().count() == 1


async def test_a_negative_body_id_is_refused_naming_the_field(
    client: AsyncClient, party: Party
) -> None:
    response = await _post(client, party.lawyer, "/meeting-requests", {"engagement_id": -3})
    _refused(response, "engagement_id")
    assert response.json()["type"] == INVALID_INPUT


async def test_an_offset_beyond_its_bound_is_refused(client: AsyncClient, party: Party) -> None:
    headers = bearer(await api_token(party.lawyer))
    response = await client.get(f"{P}/inbox?offset=20666027283222155264", headers=headers)
    _refused(response, "offset")


@pytest.mark.parametrize("length", [-60, 0, 99_999_999_999, 50])
async def test_a_booking_length_not_offered_is_refused(
    client: AsyncClient, party: Party, length: int
) -> None:
    body = {"starts_at": local(10).isoformat(), "length_minutes": length}
    response = await _post(
        client, party.lawyer, f"/meeting-requests/{party.request.id}/bookings", body
    )
    _refused(response, "length_minutes")
    assert await Meeting.all().count() == 0


async def test_a_reschedule_to_an_impossible_length_is_refused(
    client: AsyncClient, party: Party
) -> None:
    booked = await _post(client, party.lawyer, f"/meeting-requests/{party.request.id}/bookings",
                         {"starts_at": local(10).isoformat()})  # fmt: skip
    assert booked.status_code == 201, booked.text
    meeting_id = booked.json()["id"]
    body = {"starts_at": local(14).isoformat(), "length_minutes": 10**12}
    response = await _post(client, party.lawyer, f"/meetings/{meeting_id}/reschedule", body)
    _refused(response, "length_minutes")
    assert (await Meeting.get(id=meeting_id)).starts_at == local(10)


async def test_an_id_number_longer_than_stored_is_refused_not_a_server_error(
    client: AsyncClient, party: Party
) -> None:
    body = {"facility_id": party.detainee.facility_id, "name": "某人", "id_number": "1" * 39}
    response = await _post(client, party.lawyer, "/detainee-lookups", body)
    _refused(response, "id_number")


async def test_a_number_is_not_taken_as_a_time(client: AsyncClient, party: Party) -> None:
    headers = bearer(await api_token(party.lawyer))
    path = f"{P}/meeting-requests/{party.request.id}/availability"
    _refused(await client.get(path, params={"from": "0.5"}, headers=headers), "from")


async def test_a_flag_given_as_text_is_refused(client: AsyncClient, party: Party) -> None:
    body = {"engagement_id": party.engagement.id, "walk_in": "false"}
    _refused(await _post(client, party.lawyer, "/meeting-requests", body), "walk_in")


async def test_an_operation_that_needs_a_body_refuses_none(
    client: AsyncClient, party: Party
) -> None:
    _refused(await _post(client, party.lawyer, "/meeting-requests"), "body")


async def test_the_document_says_which_bodies_may_be_left_out(client: AsyncClient) -> None:
    paths = (await client.get(f"{P}/openapi.json")).json()["paths"]
    assert paths["/api/v1/meeting-requests"]["post"]["requestBody"]["required"] is True
    assert paths["/api/v1/meetings/{meeting_id}/cancel"]["post"]["requestBody"]["required"] is False


async def test_a_method_a_path_lacks_is_405_naming_those_it_has(client: AsyncClient) -> None:
    response = await client.request("PATCH", f"{P}/cases")
    assert response.status_code == 405
    assert set(response.headers["allow"].replace(" ", "").split(",")) >= {"GET", "POST"}


async def test_a_malformed_upload_is_a_bad_request_not_our_error(
    client: AsyncClient, party: Party
) -> None:
    headers = {
        **bearer(await api_token(party.lawyer)),
        "content-type": "multipart/form-data",  # no boundary: the parts cannot be found
        "accept-language": "en",
    }
    response = await client.post(
        f"{P}/engagements/{party.engagement.id}/documents",
        content=b"--x\r\nbroken",
        headers=headers,
    )
    assert response.status_code == 400
    assert "logged" not in response.json()["detail"]


async def test_the_document_declares_every_status_and_the_types_files_are_served_as(
    client: AsyncClient,
) -> None:
    paths = (await client.get(f"{P}/openapi.json")).json()["paths"]
    assert "404" in paths["/api/v1/inbox/{notification_id}/read"]["post"]["responses"]
    download = paths["/api/v1/documents/{document_id}"]["get"]["responses"]["200"]["content"]
    assert {"application/pdf", "image/jpeg", "image/png"} <= set(download)
