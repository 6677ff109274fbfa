"""Who is told about defence submissions and complaint replies (both backends)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from app.errors import DomainError
from app.law.context import load_context
from app.settings import Settings
from notifications.kinds import Channel
from notifications.models import Notification
from rights_checklist import complaints, submissions
from rights_checklist.kinds import ComplaintBody, ComplaintOutcome, ComplaintType, Decision
from rights_checklist.kinds import SubmissionKind as Kind
from rights_checklist.models import Submission
from tests.integration.submission_world import active_world
from tests.integration.world import Side

pytestmark = pytest.mark.usefixtures("database")
URL = "https://lawmeet.example"


@pytest.fixture
async def side(settings: Settings) -> Side:
    side = (await active_world(settings)).beijing
    await side.engagement.refresh_from_db()  # made active in the database by active_world
    return side


async def file(side: Side, settings: Settings, kind: Kind = Kind.OPINION) -> Submission:
    return await submissions.submit(
        side.lawyer, side.engagement, kind, "text", [], settings.data_dir, 1_000_000,
        await load_context(settings.legal), public_url=URL,
    )  # fmt: skip


async def inbox_of(user_id: int, template: str) -> list[Notification]:
    return await Notification.filter(
        recipient_id=user_id, template=template, channel=Channel.INAPP
    ).order_by("id")


async def test_a_filed_submission_is_sent_to_the_case_investigators(
    side: Side, settings: Settings
) -> None:
    submission = await file(side, settings)
    [notice] = await inbox_of(side.investigator.id, "submission_received")
    assert notice.payload["receipt_number"] == submission.receipt_number
    assert notice.payload["url"] == f"{URL}/submissions/{submission.id}"


async def test_the_lawyer_is_told_of_the_acknowledgement(side: Side, settings: Settings) -> None:
    submission = await file(side, settings)
    await submissions.acknowledge(side.investigator, submission, public_url=URL)
    [notice] = await inbox_of(side.lawyer.id, "submission_handled")
    assert notice.payload["step"] == "acknowledged"


async def test_the_lawyer_is_told_the_opinion_was_attached_with_its_reference(
    side: Side, settings: Settings
) -> None:
    submission = await file(side, settings)
    await submissions.attach_to_file(side.investigator, submission, "卷2-15", public_url=URL)
    [notice] = await inbox_of(side.lawyer.id, "submission_handled")
    assert (notice.payload["step"], notice.payload["file_reference"]) == ("attached", "卷2-15")


async def test_the_lawyer_is_told_a_refusal_with_its_reasons(
    side: Side, settings: Settings
) -> None:
    submission = await file(side, settings, Kind.MEASURE_CHANGE)
    await submissions.decide(
        side.investigator, submission, Decision.REFUSED, "risk of flight", public_url=URL
    )
    [notice] = await inbox_of(side.lawyer.id, "submission_handled")
    assert (notice.payload["decision"], notice.payload["reasons"]) == ("refused", "risk of flight")


async def test_a_refused_step_tells_nobody(side: Side, settings: Settings) -> None:
    submission = await file(side, settings, Kind.MEASURE_CHANGE)
    with pytest.raises(DomainError):
        await submissions.decide(
            side.investigator, submission, Decision.REFUSED, "", public_url=URL
        )
    assert await inbox_of(side.lawyer.id, "submission_handled") == []


async def test_the_lawyer_is_told_of_the_complaint_reply(side: Side, settings: Settings) -> None:
    context = await load_context(settings.legal)
    complaint = await complaints.file_complaint(
        side.lawyer,
        complaints.NewComplaint(
            side.case.id, ComplaintType.MEETING_REFUSED, ComplaintBody.BAR_ASSOCIATION, "refused"
        ),
        context,
    )
    await complaints.record_reply(
        side.auditor, complaint, datetime.now(UTC), "seen",
        ComplaintOutcome.UPHELD, public_url=URL,
    )  # fmt: skip
    [notice] = await inbox_of(side.lawyer.id, "complaint_reply")
    assert notice.payload["outcome"] == "upheld"
