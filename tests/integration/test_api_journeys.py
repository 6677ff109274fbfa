"""The journeys of issue 15 through the API alone, each role with its own token: a lawyer asks
before the desk has checked her documents; the desk checks an unbooked lawyer's documents at the
gate; the end of the investigation lifts the permission requirement; a case notice keeps the
language the lawyer chose, whatever language her requests speak."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from httpx import AsyncClient, Response

from app import clock
from app.accounts.models import User
from app.cases.kinds import CaseCategory, DocumentKind
from app.cases.models import Case, EngagementDocument
from notifications.models import Notification
from tests.integration.case_world import CaseWorld, engage, make_case_world
from tests.integration.helpers import api_token, bearer, pdf_document

THREE = [DocumentKind.PRACTICE_LICENCE, DocumentKind.FIRM_LETTER, DocumentKind.POWER_OF_ATTORNEY]
PDF = pdf_document("api journey document")


class Api:
    """One person's API client: their bearer token on every call."""

    def __init__(self, client: AsyncClient, headers: dict[str, str]) -> None:
        self.client, self.headers = client, headers

    async def post(self, path: str, body: dict[str, Any] | None = None, **kw: Any) -> Response:
        return await self.client.post("/api/v1" + path, json=body, headers=self.headers, **kw)

    async def get(self, path: str) -> Response:
        return await self.client.get("/api/v1" + path, headers=self.headers)


async def as_user(client: AsyncClient, user: User, language: str | None = None) -> Api:
    headers = bearer(await api_token(user))
    if language:
        headers["Accept-Language"] = language
    return Api(client, headers)


def detainee_of(world: CaseWorld) -> dict[str, Any]:
    tag = int(world.case.case_number.removeprefix("CASE-"))  # as make_case_world names them
    return {"facility_id": world.facility.id, "name": world.detainee.name,
            "id_number": f"1101081990{tag:08d}", "case_id": world.case.id}  # fmt: skip


async def test_a_lawyer_asks_through_the_api_before_the_desk_checks(client: AsyncClient) -> None:
    world = await make_case_world()
    lawyer, desk = await as_user(client, world.lawyer), await as_user(client, world.staff)
    registered = await lawyer.post("/engagements", detainee_of(world))
    assert registered.status_code == 201, registered.text
    engagement = registered.json()
    # Asking before the documents are uploaded names what is missing.
    early = await lawyer.post("/meeting-requests", {"engagement_id": engagement["id"]})
    assert early.status_code == 409
    assert early.json()["missing_documents"] == [kind.value for kind in THREE]
    for kind in THREE:
        upload = {"file": (f"{kind.value}.pdf", PDF + kind.value.encode(), "application/pdf")}
        uploaded = await lawyer.post(f"/engagements/{engagement['id']}/documents",
                                     data={"kind": kind.value}, files=upload)  # fmt: skip
        assert uploaded.status_code == 201, uploaded.text
    assert (await lawyer.post(f"/engagements/{engagement['id']}/notice")).status_code == 200
    asked = await lawyer.post("/meeting-requests", {"engagement_id": engagement["id"]})
    assert asked.status_code == 201, asked.text
    request = asked.json()
    assert request["status"] == "requested" and request["deadline_at"]  # P1: from the asking
    for document in await EngagementDocument.filter(engagement_id=engagement["id"]):
        reviewed = await desk.post(f"/documents/{document.id}/review", {"accept": True})
        assert reviewed.status_code == 200, reviewed.text
    assert (await lawyer.get(f"/engagements/{engagement['id']}")).json()["status"] == "active"
    after = (await lawyer.get(f"/meeting-requests/{request['id']}")).json()
    assert after["deadline_at"] == request["deadline_at"]  # the check did not move the clock


async def test_the_desk_checks_a_walk_ins_documents_at_the_gate_through_the_api(
    client: AsyncClient, tmp_path: Path
) -> None:
    world = await make_case_world()
    engagement = await engage(world, tmp_path, uploaded=False)  # on record, nothing uploaded
    desk = await as_user(client, world.staff)
    walk_in = {"engagement_id": engagement.id, "walk_in": True}
    unchecked = await desk.post("/meeting-requests", walk_in)
    assert unchecked.status_code == 409  # nothing uploaded and nothing checked at the gate
    presented = [kind.value for kind in THREE]  # the paper documents, checked there and then
    checked = await desk.post("/meeting-requests", {**walk_in, "documents_presented": presented})
    assert checked.status_code == 201, checked.text
    assert checked.json()["walk_in"] is True
    lawyer = await as_user(client, world.lawyer)
    assert (await lawyer.get(f"/engagements/{engagement.id}")).json()["status"] == "active"


async def test_the_end_of_the_investigation_lifts_the_permission_through_the_api(
    client: AsyncClient, tmp_path: Path
) -> None:
    world = await make_case_world()
    await Case.filter(id=world.case.id).update(category=CaseCategory.STATE_SECURITY)
    engagement = await engage(world, tmp_path)
    lawyer = await as_user(client, world.lawyer)
    investigator = await as_user(client, world.investigator)
    first = (await lawyer.post("/meeting-requests", {"engagement_id": engagement.id})).json()
    assert first["status"] == "awaiting_permission"
    refused = await investigator.post(f"/meeting-requests/{first['id']}/permission",
                                      {"granted": False, "reasons": "可能有碍侦查",
                                       "contact_unit": "北京市国家安全局",
                                       "contact_person": "李警官"})  # fmt: skip
    assert refused.status_code == 200, refused.text
    ended = await investigator.post(f"/cases/{world.case.id}/events", {
        "kind": "investigation_ended",
        "effective_at": (clock.now() - timedelta(minutes=10)).isoformat()})  # fmt: skip
    assert ended.status_code == 201, ended.text
    assert (await investigator.get(f"/cases/{world.case.id}")).json()["stage"] == (
        "investigation_ended"
    )
    again = (await lawyer.post("/meeting-requests", {"engagement_id": engagement.id})).json()
    assert again["status"] == "requested" and again["deadline_at"]


async def test_a_case_notice_keeps_the_lawyers_language_through_the_api(
    client: AsyncClient, tmp_path: Path
) -> None:
    world = await make_case_world()
    await engage(world, tmp_path)
    lawyer = await as_user(client, world.lawyer, language="en")  # her requests speak English
    saved = await client.put("/api/v1/notification-preferences", headers=lawyer.headers,
                             json={"email": True, "sms": True, "language": "zh-CN"})  # fmt: skip
    assert saved.status_code == 200, saved.text
    assert (await lawyer.get("/me")).status_code == 200
    investigator = await as_user(client, world.investigator, language="en")
    arrest = await investigator.post(f"/cases/{world.case.id}/events", {
        "kind": "arrest", "effective_at": (clock.now() - timedelta(hours=1)).isoformat(),
        "detainee_id": world.detainee.id})  # fmt: skip
    assert arrest.status_code == 201, arrest.text
    notices = await Notification.filter(recipient_id=world.lawyer.id, template="case_event_notice")
    assert notices and {n.language for n in notices} == {"zh-CN"}
