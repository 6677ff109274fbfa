"""The rights checklist page and API, the investigator's N1 / N6-N7 forms, and case events
recorded through the entry points owing their notices (both backends)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from httpx import AsyncClient

from app.accounts.roles import Role
from app.cases.kinds import EventKind
from app.cases.models import CaseEvent, Engagement
from app.law.context import load_context
from app.settings import Settings
from notifications.models import Notification
from rights_checklist.kinds import SubmissionKind
from rights_checklist.models import FamilyNotice, Submission
from rights_checklist.notice_tasks import owed_notices
from tests.integration.helpers import (
    api_token,
    bearer,
    beijing_yesterday_at,
    local_fields,
    make_user,
    page_csrf,
    sign_in_as,
)
from tests.integration.submission_world import active_world
from tests.integration.world import Side, World


@pytest.fixture
async def world(settings: Settings) -> World:
    world = await active_world(settings)
    await Engagement.filter(id=world.beijing.engagement.id).update(
        notice_sent_at=datetime.now(UTC) - timedelta(hours=36)
    )
    return world


async def record_arrest_by_page(client: AsyncClient, side: Side, at: datetime) -> None:
    await sign_in_as(client, side.investigator)
    token = await page_csrf(client, f"/cases/{side.case.id}")
    data = {"csrf_token": token, "kind": "arrest", "detainee_id": str(side.detainee.id),
            **local_fields("effective", at)}  # fmt: skip
    response = await client.post(f"/cases/{side.case.id}/events", data=data)
    assert response.status_code == 303, response.text


async def test_an_arrest_recorded_on_the_case_page_owes_the_lawyer_a_notice(
    client: AsyncClient, world: World
) -> None:
    await record_arrest_by_page(client, world.beijing, beijing_yesterday_at(17, 30))
    owed = await Notification.filter(duty_id="N2", recipient_id=world.beijing.lawyer.id).count()
    assert owed >= 1


async def test_the_lawyer_sees_a_missed_notice_with_a_complaint_link(
    client: AsyncClient, world: World
) -> None:
    side = world.beijing
    await record_arrest_by_page(client, side, datetime.now(UTC) - timedelta(hours=30))
    await sign_in_as(client, side.lawyer)
    page = await client.get(f"/clients/{side.engagement.id}/checklist")
    assert page.status_code == 200
    assert "duty-status-missed" in page.text
    assert "/complaints/new?case_id=" in page.text and "type=not_informed" in page.text


async def test_the_complaint_link_opens_a_form_prefilled_with_the_breach(
    client: AsyncClient, world: World
) -> None:
    side = world.beijing
    await sign_in_as(client, side.lawyer)
    form = await client.get(
        f"/complaints/new?case_id={side.case.id}&type=not_informed&duty=C1"
        "&breached=N2&occurrence=event:7/engagement:1"
    )
    assert form.status_code == 200
    assert "duty N2 (event:7/engagement:1)" in form.text


async def test_another_lawyer_gets_404_for_the_checklist(client: AsyncClient, world: World) -> None:
    await sign_in_as(client, world.shanghai.lawyer)
    page = await client.get(f"/clients/{world.beijing.engagement.id}/checklist")
    assert page.status_code == 404


async def test_the_investigator_sends_the_charges_notice_from_the_checklist(
    client: AsyncClient, world: World
) -> None:
    side = world.beijing
    await sign_in_as(client, side.investigator)
    path = f"/cases/{side.case.id}/checklist"
    token = await page_csrf(client, path)
    response = await client.post(
        f"/cases/{side.case.id}/engagements/{side.engagement.id}/charges-notice",
        data={"csrf_token": token, "charges": "Fraud", "facts": "Facts found"},
    )
    assert response.status_code == 303
    assert await Notification.filter(duty_id="N1", recipient_id=side.lawyer.id).exists()


async def test_a_charges_notice_without_charges_keeps_the_facts_typed(
    client: AsyncClient, world: World
) -> None:
    side = world.beijing
    await sign_in_as(client, side.investigator)
    token = await page_csrf(client, f"/cases/{side.case.id}/checklist")
    response = await client.post(
        f"/cases/{side.case.id}/engagements/{side.engagement.id}/charges-notice",
        data={"csrf_token": token, "charges": "", "facts": "Typed facts"},
    )
    assert response.status_code == 400
    assert "Typed facts" in response.text and "Enter the suspected charges." in response.text


async def test_the_investigator_records_a_family_notice(client: AsyncClient, world: World) -> None:
    side = world.beijing
    detention = await CaseEvent.get(case_id=side.case.id, kind=EventKind.CRIMINAL_DETENTION)
    await sign_in_as(client, side.investigator)
    token = await page_csrf(client, f"/cases/{side.case.id}/checklist")
    data = {"csrf_token": token, "manner": "telephone", "lawful_reason": "", "details": "",
            **local_fields("notified", beijing_yesterday_at(9, 0))}  # fmt: skip
    response = await client.post(
        f"/cases/{side.case.id}/events/{detention.id}/family-notice", data=data
    )
    assert response.status_code == 303
    assert (await FamilyNotice.get(event_id=detention.id)).manner == "telephone"


async def test_the_auditor_sees_statuses_without_forms(client: AsyncClient, world: World) -> None:
    side = world.beijing
    await sign_in_as(client, side.auditor)
    page = await client.get(f"/cases/{side.case.id}/checklist")
    assert page.status_code == 200
    assert "duty-status-" in page.text and "charges-notice" not in page.text


async def test_the_api_checklist_gives_every_duty_with_its_status(
    client: AsyncClient, world: World
) -> None:
    side = world.beijing
    token = await api_token(side.investigator)
    response = await client.get(f"/api/v1/cases/{side.case.id}/checklist", headers=bearer(token))
    assert response.status_code == 200
    duties = {row["duty_id"]: row for row in response.json()}
    assert duties["N1"]["status"] in ("pending", "due_soon", "missed")
    assert duties["M4"]["status"] == "not_applicable"


async def test_the_api_refuses_another_agencys_family_notice(
    client: AsyncClient, world: World
) -> None:
    detention = await CaseEvent.get(
        case_id=world.beijing.case.id, kind=EventKind.CRIMINAL_DETENTION
    )
    token = await api_token(world.shanghai.investigator)
    response = await client.post(
        f"/api/v1/case-events/{detention.id}/family-notice",
        json={"notified_at": datetime.now(UTC).isoformat(), "manner": "letter"},
        headers=bearer(token),
    )
    assert response.status_code == 404


async def test_the_api_refuses_a_transfer_while_an_opinion_waits(
    client: AsyncClient, world: World
) -> None:
    side = world.beijing
    await Submission.create(
        receipt_number="R-API", case=side.case, engagement=side.engagement, lawyer=side.lawyer,
        kind=SubmissionKind.OPINION, text="t", sha256="0" * 64,
        submitted_at=datetime.now(UTC) - timedelta(hours=2),
    )  # fmt: skip
    token = await api_token(side.investigator)
    body = {"kind": "transfer_for_prosecution",
            "effective_at": (datetime.now(UTC) - timedelta(hours=1)).isoformat()}  # fmt: skip
    refused = await client.post(
        f"/api/v1/cases/{side.case.id}/events", json=body, headers=bearer(token)
    )
    assert refused.status_code == 409
    assert [e["field"] for e in refused.json()["errors"]] == ["unheard_reason"]
    body["unheard_reason"] = "the opinion arrived after the file closed"
    accepted = await client.post(
        f"/api/v1/cases/{side.case.id}/events", json=body, headers=bearer(token)
    )
    assert accepted.status_code == 201, accepted.text


async def test_a_lawyer_cannot_use_the_charges_notice_api(
    client: AsyncClient, world: World
) -> None:
    token = await api_token(await make_user(Role.LAWYER, "lonely-lawyer"))
    response = await client.post(
        f"/api/v1/engagements/{world.beijing.engagement.id}/charges-notice",
        json={"charges": "x"},
        headers=bearer(token),
    )
    assert response.status_code == 403


async def test_the_task_list_shows_the_owed_charges_and_family_notices(
    client: AsyncClient, world: World
) -> None:
    side = world.beijing
    await sign_in_as(client, side.investigator)
    page = await client.get("/tasks/submissions")
    assert page.status_code == 200
    assert "Charges and main facts to the lawyer" in page.text  # N1 after the engagement notice
    assert "Family notice" in page.text  # N6 after the world's detention
    assert f"/cases/{side.case.id}/checklist" in page.text


async def test_a_recorded_family_notice_leaves_the_task_list(
    client: AsyncClient, world: World, settings: Settings
) -> None:
    side = world.beijing
    detention = await CaseEvent.get(case_id=side.case.id, kind=EventKind.CRIMINAL_DETENTION)
    context = await load_context(settings.legal)
    assert "N6" in {t.duty_id for t in await owed_notices(side.investigator, context)}
    await FamilyNotice.create(event=detention, notified_at=datetime.now(UTC), manner="letter")
    assert "N6" not in {t.duty_id for t in await owed_notices(side.investigator, context)}
