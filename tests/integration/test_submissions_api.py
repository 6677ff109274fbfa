"""Defence submissions through the API: receipt fingerprint, handling, scope, decisions."""

from __future__ import annotations

import hashlib
import json

from httpx import AsyncClient, Response

from app.audit.models import AuditEntry
from app.cases.kinds import EngagementStatus
from app.cases.models import Engagement
from app.settings import Settings
from tests.integration.helpers import bearer
from tests.integration.submission_world import PDF_A, PDF_B, active_world
from tests.integration.world import World


async def _file(
    client: AsyncClient, world: World, kind: str = "opinion", with_files: bool = True
) -> Response:
    files = [
        ("file", ("a.pdf", PDF_A, "application/pdf")),
        ("file", ("b.pdf", PDF_B, "application/pdf")),
    ]
    return await client.post(
        f"/api/v1/cases/{world.beijing.case.id}/submissions",
        data={"kind": kind, "text": "The suspect acted in self-defence.\r\n"},
        files=files if with_files else None,
        headers=bearer(world.tokens["lawyer"]),
    )


async def test_receipt_fingerprint_matches_recomputation(
    client: AsyncClient, settings: Settings
) -> None:
    world = await active_world(settings)
    created = await _file(client, world)
    assert created.status_code == 201, created.text
    receipt = await client.get(
        f"/api/v1/submissions/{created.json()['id']}/receipt",
        headers=bearer(world.tokens["lawyer"]),
    )
    body = receipt.json()
    hashes = [hashlib.sha256(PDF_A).hexdigest(), hashlib.sha256(PDF_B).hexdigest()]
    canonical = json.dumps(
        {"attachments": hashes, "kind": "opinion", "text": "The suspect acted in self-defence."},
        ensure_ascii=False,
        separators=(",", ":"),
        sort_keys=True,
    )
    assert body["sha256"] == hashlib.sha256(canonical.encode()).hexdigest()
    assert [a["sha256"] for a in body["attachments"]] == hashes
    assert body["receipt_number"].startswith("LM-") and body["timezone"] == "Asia/Shanghai"


async def test_investigator_acknowledges_and_attaches_to_file(
    client: AsyncClient, settings: Settings
) -> None:
    world = await active_world(settings)
    sid = (await _file(client, world)).json()["id"]
    token = bearer(world.tokens["investigator"])
    acknowledged = await client.post(f"/api/v1/submissions/{sid}/acknowledgement", headers=token)
    attached = await client.post(
        f"/api/v1/submissions/{sid}/attachment",
        json={"file_reference": "Vol 2 p 31"},
        headers=token,
    )
    assert acknowledged.json()["acknowledged_at"] is not None
    assert attached.json()["attached_at"] is not None
    assert attached.json()["file_reference"] == "Vol 2 p 31"
    actions = {e.action for e in await AuditEntry.filter(object_type="submission")}
    assert {"submission.filed", "submission.acknowledged", "submission.attached"} <= actions


async def test_another_lawyer_gets_404(client: AsyncClient, settings: Settings) -> None:
    world = await active_world(settings)
    sid = (await _file(client, world)).json()["id"]
    response = await client.get(
        f"/api/v1/submissions/{sid}", headers=bearer(world.tokens["other_lawyer"])
    )
    assert response.status_code == 404


async def test_auditor_sees_dates_and_statuses_but_not_content(
    client: AsyncClient, settings: Settings
) -> None:
    world = await active_world(settings)
    sid = (await _file(client, world)).json()["id"]
    response = await client.get(
        f"/api/v1/submissions/{sid}", headers=bearer(world.tokens["auditor"])
    )
    body = response.json()
    assert response.status_code == 200 and body["submitted_at"]
    assert body["text"] is None and body["attachments"] is None and body["sha256"] is None


async def test_auditor_gets_no_receipt(client: AsyncClient, settings: Settings) -> None:
    world = await active_world(settings)
    sid = (await _file(client, world)).json()["id"]
    response = await client.get(
        f"/api/v1/submissions/{sid}/receipt", headers=bearer(world.tokens["auditor"])
    )
    assert response.status_code == 404


async def test_refusal_needs_reasons(client: AsyncClient, settings: Settings) -> None:
    world = await active_world(settings)
    sid = (await _file(client, world, "measure_change", with_files=False)).json()["id"]
    response = await client.post(
        f"/api/v1/submissions/{sid}/decision",
        json={"decision": "refused", "reasons": " "},
        headers=bearer(world.tokens["investigator"]),
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "reasons"


async def test_refusal_with_reasons_is_recorded(client: AsyncClient, settings: Settings) -> None:
    world = await active_world(settings)
    sid = (await _file(client, world, "interpreter", with_files=False)).json()["id"]
    response = await client.post(
        f"/api/v1/submissions/{sid}/decision",
        json={"decision": "refused", "reasons": "The suspect speaks Mandarin."},
        headers=bearer(world.tokens["investigator"]),
    )
    assert response.json()["decision"] == "refused"
    assert response.json()["duty"] == "M7" and response.json()["due_at"] is not None


async def test_lawyer_may_not_decide(client: AsyncClient, settings: Settings) -> None:
    world = await active_world(settings)
    sid = (await _file(client, world, "measure_change", with_files=False)).json()["id"]
    response = await client.post(
        f"/api/v1/submissions/{sid}/decision",
        json={"decision": "granted"},
        headers=bearer(world.tokens["lawyer"]),
    )
    assert response.status_code == 403


async def test_other_agency_investigator_gets_404(client: AsyncClient, settings: Settings) -> None:
    world = await active_world(settings)
    sid = (await _file(client, world)).json()["id"]
    response = await client.post(
        f"/api/v1/submissions/{sid}/acknowledgement",
        headers=bearer(world.tokens["other_investigator"]),
    )
    assert response.status_code == 404


async def test_a_text_file_is_refused_as_415(client: AsyncClient, settings: Settings) -> None:
    world = await active_world(settings)
    response = await client.post(
        f"/api/v1/cases/{world.beijing.case.id}/submissions",
        data={"kind": "opinion", "text": "opinion"},
        files=[("file", ("a.txt", b"plain text", "text/plain"))],
        headers=bearer(world.tokens["lawyer"]),
    )
    assert response.status_code == 415


async def test_a_pending_engagement_cannot_submit(client: AsyncClient, settings: Settings) -> None:
    world = await active_world(settings)
    await Engagement.filter(id=world.beijing.engagement.id).update(status=EngagementStatus.PENDING)
    response = await _file(client, world, with_files=False)
    assert response.status_code == 409
