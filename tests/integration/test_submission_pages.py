"""Submission and complaint pages: the lawyer's form and receipt, the investigator's task
list and forms, the complaint form pre-filled from the checklist link, the auditor's reply."""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from httpx import AsyncClient

from app.cases.models import Engagement
from app.law.context import load_context
from app.settings import Settings
from rights_checklist import submissions
from rights_checklist.kinds import SubmissionKind
from rights_checklist.models import Complaint, Submission
from tests.integration.helpers import page_csrf, sign_in_as
from tests.integration.submission_world import PDF_A, PDF_B, active_world
from tests.integration.world import World


async def _submit(client: AsyncClient, world: World, kind: str = "opinion") -> Submission:
    engagement = world.beijing.engagement.id
    await sign_in_as(client, world.beijing.lawyer)
    token = await page_csrf(client, f"/clients/{engagement}/submissions")
    files = [("files", ("a.pdf", PDF_A, "application/pdf"))]
    files += [("files", ("b.pdf", PDF_B, "application/pdf"))] if kind == "opinion" else []
    response = await client.post(
        f"/clients/{engagement}/submissions",
        data={"csrf_token": token, "kind": kind, "text": "Opinion text"},
        files=files if kind == "opinion" else None,
    )
    assert response.status_code == 303, response.text
    return await Submission.get(engagement_id=engagement)


async def test_receipt_page_shows_number_and_fingerprints(
    client: AsyncClient, settings: Settings
) -> None:
    world = await active_world(settings)
    submission = await _submit(client, world)
    page = (await client.get(f"/submissions/{submission.id}/receipt")).text
    assert submission.receipt_number in page and submission.sha256 in page
    assert hashlib.sha256(PDF_B).hexdigest() in page


async def test_investigator_task_list_flags_nothing_overdue_yet(
    client: AsyncClient, settings: Settings
) -> None:
    world = await active_world(settings)
    submission = await _submit(client, world, "measure_change")
    await sign_in_as(client, world.beijing.investigator)
    page = (await client.get("/tasks/submissions")).text
    # Its own row: the notices section below may list an overdue family notice of the world.
    row = next(r for r in page.split("<tr")[1:] if submission.receipt_number in r)
    assert 'class="overdue"' not in row


async def test_investigator_attaches_opinion_through_the_form(
    client: AsyncClient, settings: Settings
) -> None:
    world = await active_world(settings)
    submission = await _submit(client, world)
    await sign_in_as(client, world.beijing.investigator)
    token = await page_csrf(client, f"/submissions/{submission.id}")
    response = await client.post(
        f"/submissions/{submission.id}/attach",
        data={"csrf_token": token, "file_reference": "Vol 1 p 9"},
    )
    assert response.status_code == 303
    assert (await Submission.get(id=submission.id)).file_reference == "Vol 1 p 9"


async def test_refusal_without_reasons_is_shown_at_the_field(
    client: AsyncClient, settings: Settings
) -> None:
    world = await active_world(settings)
    submission = await _submit(client, world, "interpreter")
    await sign_in_as(client, world.beijing.investigator)
    token = await page_csrf(client, f"/submissions/{submission.id}")
    response = await client.post(
        f"/submissions/{submission.id}/decide",
        data={"csrf_token": token, "decision": "refused", "reasons": ""},
    )
    assert response.status_code == 400
    assert 'id="e-decide-reasons"' in response.text


async def test_auditor_page_hides_the_text(client: AsyncClient, settings: Settings) -> None:
    world = await active_world(settings)
    submission = await _submit(client, world)
    await sign_in_as(client, world.beijing.auditor)
    page = await client.get(f"/submissions/{submission.id}")
    assert page.status_code == 200 and "Opinion text" not in page.text


async def test_other_lawyer_gets_404_on_the_receipt(
    client: AsyncClient, settings: Settings
) -> None:
    world = await active_world(settings)
    submission = await _submit(client, world)
    await sign_in_as(client, world.shanghai.lawyer)
    response = await client.get(f"/submissions/{submission.id}/receipt")
    assert response.status_code == 404


async def test_complaint_form_is_prefilled_from_the_query(
    client: AsyncClient, settings: Settings
) -> None:
    world = await active_world(settings)
    await sign_in_as(client, world.beijing.lawyer)
    case_id = world.beijing.case.id
    page = (await client.get(f"/complaints/new?case_id={case_id}&type=meeting_refused")).text
    assert f'<option value="{case_id}" selected>' in page
    assert '<option value="meeting_refused" selected>' in page


async def test_auditor_records_reply_through_the_form(
    client: AsyncClient, settings: Settings
) -> None:
    world = await active_world(settings)
    await sign_in_as(client, world.beijing.lawyer)
    token = await page_csrf(client, "/complaints/new")
    await client.post(
        "/complaints",
        data={
            "csrf_token": token,
            "case_id": str(world.beijing.case.id),
            "complaint_type": "meeting_refused",
            "addressed_to": "procuratorate",
            "description": "No meeting after 52 hours.",
        },
    )
    complaint = await Complaint.get(case_id=world.beijing.case.id)
    await sign_in_as(client, world.beijing.auditor)
    assert str(complaint.id) in (await client.get("/complaints")).text
    # Filed an hour ago, so a reply ten minutes ago (minute precision) is after it.
    await Complaint.filter(id=complaint.id).update(filed_at=datetime.now(UTC) - timedelta(hours=1))
    replied = datetime.now(ZoneInfo("Asia/Shanghai")) - timedelta(minutes=10)
    token = await page_csrf(client, f"/complaints/{complaint.id}")
    response = await client.post(
        f"/complaints/{complaint.id}/reply",
        data={
            "csrf_token": token,
            "day": f"{replied:%Y-%m-%d}",
            "clock": f"{replied:%H:%M}",
            "summary": "Arranged.",
            "outcome": "upheld",
        },
    )
    assert response.status_code == 303, response.text
    assert (await Complaint.get(id=complaint.id)).outcome == "upheld"


async def test_task_list_flags_an_overdue_application(
    client: AsyncClient, settings: Settings
) -> None:
    world = await active_world(settings)
    engagement = await Engagement.get(id=world.beijing.engagement.id)
    late = await submissions.submit(
        world.beijing.lawyer,
        engagement,
        SubmissionKind.MEASURE_CHANGE,
        "Please release on bail.",
        [],
        settings.data_dir,
        1_000_000,
        await load_context(settings.legal),
        now=datetime(2026, 1, 5, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")),
    )
    await sign_in_as(client, world.beijing.investigator)
    page = (await client.get("/tasks/submissions")).text
    assert re.search(rf'<tr class="overdue">\s*<td[^>]*><a href="/submissions/{late.id}">', page)
