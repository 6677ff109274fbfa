"""The permission decision and the lifting of a refusal through /api/v1 (M5; R2015 art. 9): the
contact named in the answer, 422 naming each field at fault, 409 with its code, 404 outside the
investigator's agency."""

from __future__ import annotations

from typing import Any

import pytest
from httpx import AsyncClient, Response

from app.accounts.models import User
from app.accounts.roles import Role
from app.cases.kinds import CaseCategory
from app.cases.models import Case
from notifications.models import Notification
from scheduling.permissions import LIFTED_KIND
from tests.integration.helpers import api_token, bearer, make_user
from tests.integration.meeting_world import Party, Place, make_party, make_place

CONTACT = {"contact_unit": "北京市国家安全局", "contact_person": "李警官",
           "contact_phone": "010-12345678"}  # fmt: skip


@pytest.fixture
async def place(client: AsyncClient) -> Place:
    return await make_place(rooms=1)


async def _post(client: AsyncClient, user: User, path: str, body: dict[str, Any]) -> Response:
    headers = bearer(await api_token(user))
    return await client.post("/api/v1" + path, json=body, headers=headers)


async def _asked(client: AsyncClient, place: Place) -> tuple[Party, int, User]:
    """A terrorism case's request, awaiting permission, and an investigator of its agency."""
    party = await make_party(place)
    await Case.filter(id=party.engagement.case_id).update(category=CaseCategory.TERRORISM)
    created = await _post(client, party.lawyer, "/meeting-requests",
                          {"engagement_id": party.engagement.id})  # fmt: skip
    assert created.json()["status"] == "awaiting_permission", created.text
    investigator = await make_user(Role.INVESTIGATOR, agency=place.agency)
    return party, created.json()["id"], investigator


async def _refused(client: AsyncClient, place: Place) -> tuple[Party, int, User]:
    party, request_id, investigator = await _asked(client, place)
    refusal = {"granted": False, "reasons": "可能有碍侦查", **CONTACT}
    answer = await _post(client, investigator, f"/meeting-requests/{request_id}/permission",
                         refusal)  # fmt: skip
    assert answer.status_code == 200, answer.text
    return party, request_id, investigator


async def test_the_answer_returns_the_contact_it_names(client: AsyncClient, place: Place) -> None:
    _party, request_id, investigator = await _asked(client, place)
    answer = await _post(client, investigator, f"/meeting-requests/{request_id}/permission",
                         {"granted": True, **CONTACT})  # fmt: skip
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert {key: body[f"permission_{key}"] for key in CONTACT} == CONTACT


async def test_an_answer_without_contact_is_422_naming_each_field(
    client: AsyncClient, place: Place
) -> None:
    _party, request_id, investigator = await _asked(client, place)
    answer = await _post(client, investigator, f"/meeting-requests/{request_id}/permission",
                         {"granted": True, "contact_unit": " "})  # fmt: skip
    assert answer.status_code == 422
    fields = [error["field"] for error in answer.json()["errors"]]
    assert fields == ["contact_unit", "contact_person"]


async def test_a_refusal_is_lifted_through_the_api(client: AsyncClient, place: Place) -> None:
    party, request_id, investigator = await _refused(client, place)
    lifted = await _post(client, investigator, f"/meeting-requests/{request_id}/permission/lift",
                         {"reason": "相关证据已固定"})  # fmt: skip
    assert lifted.status_code == 200, lifted.text
    body = lifted.json()
    assert body["status"] == "requested" and body["deadline_at"] is not None
    assert body["permission_lifted_at"] == body["clock_started_at"]
    told = await Notification.filter(template=LIFTED_KIND).values_list("recipient_id", flat=True)
    assert {party.lawyer.id, place.staff.id} <= set(told)


async def test_lifting_without_a_statement_is_422_naming_the_reason(
    client: AsyncClient, place: Place
) -> None:
    _party, request_id, investigator = await _refused(client, place)
    lifted = await _post(client, investigator, f"/meeting-requests/{request_id}/permission/lift",
                         {"reason": ""})  # fmt: skip
    assert lifted.status_code == 422
    assert [error["field"] for error in lifted.json()["errors"]] == ["reason"]


async def test_lifting_a_request_not_refused_is_409_with_its_code(
    client: AsyncClient, place: Place
) -> None:
    _party, request_id, investigator = await _asked(client, place)
    lifted = await _post(client, investigator, f"/meeting-requests/{request_id}/permission/lift",
                         {"reason": "相关证据已固定"})  # fmt: skip
    assert lifted.status_code == 409
    problem = lifted.json()
    assert problem["code"] == "permission_not_refused"
    assert problem["current_status"] == "awaiting_permission"


async def test_lifting_outside_the_agency_is_404(client: AsyncClient, place: Place) -> None:
    _party, request_id, _investigator = await _refused(client, place)
    stranger = await make_user(Role.INVESTIGATOR)
    lifted = await _post(client, stranger, f"/meeting-requests/{request_id}/permission/lift",
                         {"reason": "相关证据已固定"})  # fmt: skip
    assert lifted.status_code == 404


async def test_the_lawyer_may_not_lift(client: AsyncClient, place: Place) -> None:
    party, request_id, _investigator = await _refused(client, place)
    lifted = await _post(client, party.lawyer, f"/meeting-requests/{request_id}/permission/lift",
                         {"reason": "相关证据已固定"})  # fmt: skip
    assert lifted.status_code == 403


async def test_the_openapi_document_lists_the_lifting(client: AsyncClient) -> None:
    paths = (await client.get("/api/v1/openapi.json")).json()["paths"]
    lifting = paths["/api/v1/meeting-requests/{request_id}/permission/lift"]["post"]
    assert "409" in lifting["responses"] and "404" in lifting["responses"]
