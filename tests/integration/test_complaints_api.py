"""Complaints through the API: handling limits, the auditor's reply, scope and roles."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from httpx import AsyncClient, Response

from app.audit.models import AuditEntry
from app.settings import Settings
from tests.integration.helpers import bearer
from tests.integration.submission_world import active_world
from tests.integration.world import World


async def _complain(client: AsyncClient, world: World, kind: str = "meeting_refused") -> Response:
    return await client.post(
        "/api/v1/complaints",
        json={
            "case_id": world.beijing.case.id,
            "complaint_type": kind,
            "addressed_to": "procuratorate",
            "description": "No meeting 52 hours after the request.",
        },
        headers=bearer(world.tokens["lawyer"]),
    )


async def test_c1_complaint_is_due_in_ten_days(client: AsyncClient, settings: Settings) -> None:
    world = await active_world(settings)
    body = (await _complain(client, world)).json()
    filed = datetime.fromisoformat(body["filed_at"])
    due = datetime.fromisoformat(body["due_at"])
    assert body["duty"] == "C1"
    # 10 days not counting the day of filing, ending at 24:00; a holiday may move it later.
    assert due - filed >= timedelta(days=10)
    assert due - filed < timedelta(days=20)


async def test_custody_complaint_is_c2(client: AsyncClient, settings: Settings) -> None:
    world = await active_world(settings)
    body = (await _complain(client, world, "custody_overdue")).json()
    assert body["duty"] == "C2"


async def test_auditor_records_reply(client: AsyncClient, settings: Settings) -> None:
    world = await active_world(settings)
    cid = (await _complain(client, world)).json()["id"]
    response = await client.post(
        f"/api/v1/complaints/{cid}/reply",
        json={
            "reply_at": datetime.now(UTC).isoformat(),
            "summary": "Meeting arranged.",
            "outcome": "upheld",
        },
        headers=bearer(world.tokens["auditor"]),
    )
    assert response.status_code == 200, response.text
    assert response.json()["outcome"] == "upheld"
    assert await AuditEntry.filter(action="complaint.reply_recorded").count() == 1


async def test_auditor_of_other_jurisdiction_gets_404(
    client: AsyncClient, settings: Settings
) -> None:
    world = await active_world(settings)
    cid = (await _complain(client, world)).json()["id"]
    response = await client.get(
        f"/api/v1/complaints/{cid}", headers=bearer(world.tokens["other_auditor"])
    )
    assert response.status_code == 404


async def test_investigator_may_not_file_complaints(
    client: AsyncClient, settings: Settings
) -> None:
    world = await active_world(settings)
    response = await client.post(
        "/api/v1/complaints",
        json={
            "case_id": world.beijing.case.id,
            "complaint_type": "other",
            "description": "x",
        },
        headers=bearer(world.tokens["investigator"]),
    )
    assert response.status_code == 403


async def test_lawyer_cannot_complain_about_another_case(
    client: AsyncClient, settings: Settings
) -> None:
    world = await active_world(settings)
    response = await client.post(
        "/api/v1/complaints",
        json={
            "case_id": world.shanghai.case.id,
            "complaint_type": "other",
            "description": "x",
        },
        headers=bearer(world.tokens["lawyer"]),
    )
    assert response.status_code == 404
