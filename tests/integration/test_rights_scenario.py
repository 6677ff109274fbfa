"""Issue 7's scenario end to end (both backends): an investigator records an arrest, the lawyer's
notice reaches a real SMTP server and the inbox, the lawyer files a written opinion, the
investigator acknowledges it and attaches it to the file, and the checklist shows those duties
met on time; an acknowledgement after the investigation ended is "met late", none is "missed",
and the missed duty's complaint form opens pre-filled."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from httpx import AsyncClient

from app.cases import services
from app.cases.kinds import EventKind
from app.cases.models import Case, Engagement
from app.law.context import LegalContext, load_context
from app.settings import Settings
from notifications.channels import build_senders
from notifications.worker import Worker
from rights_checklist import case_notices, submissions
from rights_checklist.checklist import case_checklist
from rights_checklist.kinds import SubmissionKind
from rights_checklist.models import Submission
from rights_checklist.timeline import DutyStatus
from tests.integration.helpers import local_fields, page_csrf, sign_in_as
from tests.integration.notification_fakes import smtp_server
from tests.integration.submission_world import active_world
from tests.integration.test_notification_email import email_config
from tests.integration.world import Side

URL = "https://lawmeet.example"


@pytest.fixture
async def side(settings: Settings) -> Side:
    side = (await active_world(settings)).beijing
    await Engagement.filter(id=side.engagement.id).update(
        notice_sent_at=datetime.now(UTC) - timedelta(hours=36)
    )
    await side.engagement.refresh_from_db()
    return side


async def deliver_all(settings: Settings, smtp_port: int) -> None:
    configured = settings.model_copy(update={"email": email_config(smtp_port)})
    worker = Worker(configured.notifications, build_senders(configured))
    while await worker.run_once():
        pass


async def record_arrest(client: AsyncClient, side: Side) -> None:
    await sign_in_as(client, side.investigator)
    token = await page_csrf(client, f"/cases/{side.case.id}")
    form = {"csrf_token": token, "kind": "arrest", "detainee_id": str(side.detainee.id),
            **local_fields("effective", datetime.now(UTC) - timedelta(hours=2))}  # fmt: skip
    assert (await client.post(f"/cases/{side.case.id}/events", data=form)).status_code == 303


async def file_opinion(side: Side, settings: Settings) -> Submission:
    return await submissions.submit(
        side.lawyer, side.engagement, SubmissionKind.OPINION, "Written defence opinion", [],
        settings.data_dir, 1_000_000, await load_context(settings.legal), public_url=URL,
    )  # fmt: skip


async def transfer(side: Side, context: LegalContext, reason: str = "") -> None:
    new = services.NewEvent(EventKind.TRANSFER_FOR_PROSECUTION, datetime.now(UTC))
    case = await Case.get(id=side.case.id)
    await case_notices.record_case_event(
        side.investigator, case, new, context=context, public_url=URL, unheard_reason=reason
    )


async def status_of(side: Side, context: LegalContext, duty: str) -> list[DutyStatus]:
    results = await case_checklist(side.case, context, viewer=side.lawyer)
    return [r.status for r in results if r.duty_id == duty]


@pytest.mark.usefixtures("database")
async def test_notice_opinion_and_attachment_are_met_on_time(
    client: AsyncClient, settings: Settings, side: Side
) -> None:
    context = await load_context(settings.legal)
    with smtp_server() as server:
        await record_arrest(client, side)
        await deliver_all(settings, server.port)
    subjects = [m["Subject"] for m in server.inbox.messages]
    assert any(side.case.case_number in s for s in subjects), subjects
    await sign_in_as(client, side.lawyer)
    assert side.case.case_number in (await client.get("/inbox")).text

    opinion = await file_opinion(side, settings)
    await submissions.acknowledge(side.investigator, opinion, public_url=URL)
    await submissions.attach_to_file(side.investigator, opinion, "卷1-7", public_url=URL)
    await transfer(side, context)

    assert DutyStatus.MET_ON_TIME in await status_of(side, context, "N2")
    assert await status_of(side, context, "O1") == [DutyStatus.MET_ON_TIME]


@pytest.mark.usefixtures("database")
async def test_an_opinion_attached_after_the_transfer_is_met_late(
    settings: Settings, side: Side
) -> None:
    context = await load_context(settings.legal)
    opinion = await file_opinion(side, settings)
    await transfer(side, context, reason="the file had already gone to the procuratorate")
    await submissions.attach_to_file(side.investigator, opinion, "卷1-8", public_url=URL)
    assert await status_of(side, context, "O1") == [DutyStatus.MET_LATE]


@pytest.mark.usefixtures("database")
async def test_an_opinion_never_acknowledged_is_missed_and_its_complaint_is_prefilled(
    client: AsyncClient, settings: Settings, side: Side
) -> None:
    context = await load_context(settings.legal)
    await file_opinion(side, settings)
    await transfer(side, context, reason="no time")
    assert await status_of(side, context, "O1") == [DutyStatus.MISSED]

    await sign_in_as(client, side.lawyer)
    page = (await client.get(f"/clients/{side.engagement.id}/checklist")).text
    link = next(
        part.split('"')[0].replace("&amp;", "&")
        for part in page.split('href="')[1:]
        if part.startswith("/complaints/new") and "breached=O1" in part
    )
    form = await client.get(link)
    assert form.status_code == 200
    assert 'value="opinion_ignored" selected' in form.text
    assert "duty O1" in form.text
