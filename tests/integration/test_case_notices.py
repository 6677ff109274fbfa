"""Case-status notices (N1-N5), family notices (N6/N7) and hearing opinions before the
investigation ends (O1), through rights_checklist.case_notices (both backends)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from app.accounts.roles import Role
from app.cases import services
from app.cases.kinds import CaseCategory, EngagementKind, EngagementStatus, EventKind
from app.cases.models import CaseDetainee, CaseEvent, Detainee, Engagement
from app.errors import DomainError
from app.law.context import LegalContext, load_context
from app.settings import Settings
from notifications.kinds import Channel
from notifications.models import Notification
from notifications.rendering import render
from rights_checklist import case_notices
from rights_checklist.kinds import SubmissionKind
from rights_checklist.models import FamilyNotice, Submission
from tests.integration.helpers import make_user
from tests.integration.submission_world import active_world
from tests.integration.world import Side

pytestmark = pytest.mark.usefixtures("database")
URL = "https://lawmeet.example"


@pytest.fixture
async def side(settings: Settings) -> Side:
    world = await active_world(settings)
    side = world.beijing
    await Engagement.filter(id=side.engagement.id).update(
        notice_sent_at=datetime.now(UTC) - timedelta(hours=3)
    )
    await side.engagement.refresh_from_db()
    return side


@pytest.fixture
async def context(settings: Settings) -> LegalContext:
    return await load_context(settings.legal)


def an_hour_ago() -> datetime:
    return datetime.now(UTC) - timedelta(hours=1)


async def arrest(side: Side, context: LegalContext, detainee_id: int | None = None) -> CaseEvent:
    new = services.NewEvent(EventKind.ARREST, an_hour_ago(), "", detainee_id or side.detainee.id)
    return await case_notices.record_case_event(
        side.investigator, side.case, new, context=context, public_url=URL
    )


async def test_an_arrest_owes_the_engaged_lawyer_a_notice_on_every_channel(
    side: Side, context: LegalContext
) -> None:
    event = await arrest(side, context)
    rows = await Notification.filter(duty_id="N2", recipient_id=side.lawyer.id)
    assert {r.channel for r in rows} >= {Channel.INAPP, Channel.EMAIL}
    for row in rows:
        assert row.case_id == side.case.id
        assert row.payload["engagement_id"] == side.engagement.id
        assert row.payload["event_id"] == event.id
        assert row.deadline is not None and row.deadline > event.effective_at


async def test_the_notice_names_the_legal_basis_and_the_event(
    side: Side, context: LegalContext
) -> None:
    await arrest(side, context)
    row = await Notification.filter(duty_id="N2", channel=Channel.INAPP).get()
    assert row.payload["event"] == "逮捕"
    basis = "《刑事诉讼法》第三十八条；《公安机关办理刑事案件程序规定》第五十条"
    assert row.payload["legal_basis"] == basis


async def test_a_refused_event_leaves_no_notice(side: Side, context: LegalContext) -> None:
    future = services.NewEvent(EventKind.ARREST, datetime.now(UTC) + timedelta(days=1))
    with pytest.raises(DomainError):
        await case_notices.record_case_event(
            side.investigator, side.case, future, context=context, public_url=URL
        )
    assert await Notification.filter(duty_id__not_isnull=True).count() == 0


async def test_a_co_defendants_arrest_is_not_sent_to_this_lawyer(
    side: Side, context: LegalContext
) -> None:
    other = await Detainee.create(
        name="Co-defendant", id_number="CODEF0000001", facility=side.facility,
        admitted_at=an_hour_ago(),
    )  # fmt: skip
    await CaseDetainee.create(case=side.case, detainee=other)
    other_lawyer = await make_user(Role.LAWYER, "other-lawyer", licence_number="11012015110000077")
    await Engagement.create(
        lawyer=other_lawyer, case=side.case, detainee=other, kind=EngagementKind.RETAINED,
        status=EngagementStatus.ACTIVE, notice_sent_at=an_hour_ago(),
    )  # fmt: skip
    await arrest(side, context, detainee_id=other.id)
    recipients = set(await Notification.filter(duty_id="N2").values_list("recipient_id", flat=True))
    assert recipients == {other_lawyer.id}


async def test_a_custody_extension_notice_gives_the_new_expiry(
    side: Side, context: LegalContext
) -> None:
    details = {"new_expiry": "2027-01-31", "legal_basis": "CPL 158"}
    new = services.NewEvent(EventKind.CUSTODY_EXTENSION, an_hour_ago(), "", None, details)
    await case_notices.record_case_event(
        side.investigator, side.case, new, context=context, public_url=URL
    )
    row = await Notification.filter(duty_id="N3", channel=Channel.INAPP).get()
    assert row.payload["new_expiry"] == "2027年1月31日"
    assert row.payload["extension_basis"] == "《刑事诉讼法》第一百五十八条"


async def test_every_channel_of_a_custody_extension_notice_names_the_new_expiry_and_basis(
    side: Side, context: LegalContext
) -> None:
    details = {"new_expiry": "2027-01-31", "legal_basis": "CPL art. 156"}
    new = services.NewEvent(EventKind.CUSTODY_EXTENSION, an_hour_ago(), "", None, details)
    await case_notices.record_case_event(
        side.investigator, side.case, new, context=context, public_url=URL
    )
    rows = await Notification.filter(duty_id="N3")
    assert {row.channel for row in rows} >= {Channel.INAPP, Channel.EMAIL}
    for row in rows:
        message = render(row.template, row.language, row.payload)
        for text in (message.sms, message.text, message.html):
            assert "2027年1月31日" in text and "《刑事诉讼法》第三十八条" in text
            assert "Asia/Shanghai" not in text and "CPL" not in text
        assert "新的侦查羁押期限届满日：2027年1月31日" in message.text


async def test_transfer_with_an_unacknowledged_opinion_needs_a_reason(
    side: Side, context: LegalContext
) -> None:
    await Submission.create(
        receipt_number="R-1", case=side.case, engagement=side.engagement, lawyer=side.lawyer,
        kind=SubmissionKind.OPINION, text="opinion", sha256="0" * 64,
        submitted_at=an_hour_ago(),
    )  # fmt: skip
    transfer = services.NewEvent(EventKind.TRANSFER_FOR_PROSECUTION, an_hour_ago())
    with pytest.raises(DomainError) as refused:
        await case_notices.record_case_event(
            side.investigator, side.case, transfer, context=context, public_url=URL
        )
    assert (refused.value.code, refused.value.status) == ("opinions_not_acknowledged", 409)
    assert not await CaseEvent.filter(kind=EventKind.TRANSFER_FOR_PROSECUTION).exists()


async def test_a_stated_reason_lets_the_transfer_through_and_stays_on_the_event(
    side: Side, context: LegalContext
) -> None:
    await Submission.create(
        receipt_number="R-2", case=side.case, engagement=side.engagement, lawyer=side.lawyer,
        kind=SubmissionKind.OPINION, text="opinion", sha256="0" * 64,
        submitted_at=an_hour_ago(),
    )  # fmt: skip
    transfer = services.NewEvent(EventKind.TRANSFER_FOR_PROSECUTION, an_hour_ago())
    event = await case_notices.record_case_event(
        side.investigator, side.case, transfer, context=context, public_url=URL,
        unheard_reason="received after the file was closed",
    )  # fmt: skip
    assert event.details["unacknowledged_opinions"] == ["R-2"]
    assert event.details["unacknowledged_reason"] == "received after the file was closed"
    assert await Notification.filter(duty_id="N4").exists()


async def test_a_termination_tells_the_lawyer(side: Side, context: LegalContext) -> None:
    await case_notices.terminate_engagement(
        side.investigator, side.engagement, an_hour_ago(), "", context=context, public_url=URL
    )
    row = await Notification.filter(duty_id="N5", channel=Channel.INAPP).get()
    assert row.recipient_id == side.lawyer.id
    assert row.payload["engagement_id"] == side.engagement.id


async def test_informing_of_charges_sends_the_n1_notice(side: Side, context: LegalContext) -> None:
    await case_notices.inform_of_charges(
        side.investigator, side.engagement, "诈骗罪", "main facts", context=context,
        public_url=URL,
    )  # fmt: skip
    row = await Notification.filter(duty_id="N1", channel=Channel.INAPP).get()
    assert "诈骗罪" in row.payload["detail"]


async def test_informing_of_charges_needs_the_charges(side: Side, context: LegalContext) -> None:
    with pytest.raises(DomainError) as refused:
        await case_notices.inform_of_charges(
            side.investigator, side.engagement, "  ", "", context=context, public_url=URL
        )
    assert refused.value.field == "charges"


async def test_another_agency_cannot_inform_of_charges(
    side: Side, context: LegalContext, settings: Settings
) -> None:
    stranger = await make_user(Role.INVESTIGATOR, "stranger")
    with pytest.raises(DomainError) as refused:
        await case_notices.inform_of_charges(
            stranger, side.engagement, "x", "", context=context, public_url=URL
        )
    assert refused.value.status == 404


async def test_a_family_notice_records_time_and_manner(side: Side) -> None:
    detention = await CaseEvent.filter(kind=EventKind.CRIMINAL_DETENTION).first()
    assert detention is not None
    row = await case_notices.record_family_notice(
        side.investigator, detention, notified_at=an_hour_ago(), manner="telephone"
    )
    assert (await FamilyNotice.get(id=row.id)).manner == "telephone"


async def test_would_impede_is_no_lawful_reason_after_an_arrest(
    side: Side, context: LegalContext
) -> None:
    event = await arrest(side, context)
    with pytest.raises(DomainError) as refused:
        await case_notices.record_family_notice(
            side.investigator, event, notified_at=None, lawful_reason="would_impede"
        )
    assert refused.value.code == "family_reason_not_lawful"


async def test_a_family_notice_needs_a_time_or_a_reason(side: Side) -> None:
    detention = await CaseEvent.filter(kind=EventKind.CRIMINAL_DETENTION).first()
    assert detention is not None
    with pytest.raises(DomainError) as refused:
        await case_notices.record_family_notice(side.investigator, detention, notified_at=None)
    assert refused.value.code == "family_notice_needs_time_or_reason"


async def test_would_impede_is_no_lawful_reason_after_a_detention_in_an_ordinary_case(
    side: Side,
) -> None:
    detention = await CaseEvent.filter(kind=EventKind.CRIMINAL_DETENTION).first()
    assert detention is not None and side.case.category == "ordinary"
    with pytest.raises(DomainError) as refused:
        await case_notices.record_family_notice(
            side.investigator, detention, notified_at=None, lawful_reason="would_impede"
        )
    assert refused.value.code == "family_reason_not_lawful"
    assert not await FamilyNotice.filter(event_id=detention.id).exists()


async def test_would_impede_is_a_lawful_reason_after_a_detention_in_a_terrorism_case(
    side: Side,
) -> None:
    detention = await CaseEvent.filter(kind=EventKind.CRIMINAL_DETENTION).first()
    assert detention is not None
    side.case.category = CaseCategory.TERRORISM
    await side.case.save(update_fields=["category"])
    row = await case_notices.record_family_notice(
        side.investigator, detention, notified_at=None, lawful_reason="would_impede"
    )
    assert row.lawful_reason == "would_impede"
