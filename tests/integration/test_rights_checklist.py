"""The per-case checklist judged from the database (rights_checklist.checklist; both backends)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from app.accounts.roles import Role
from app.cases import services
from app.cases.kinds import EngagementKind, EngagementStatus, EventKind
from app.cases.models import CaseDetainee, Detainee, Engagement
from app.law.context import LegalContext, load_context
from app.settings import Settings
from notifications.kinds import Status
from notifications.models import Notification
from rights_checklist import case_notices
from rights_checklist.checklist import case_checklist, complaint_draft
from rights_checklist.kinds import ComplaintType
from rights_checklist.timeline import DutyResult, DutyStatus
from tests.integration.helpers import make_user
from tests.integration.submission_world import active_world
from tests.integration.world import Side

pytestmark = pytest.mark.usefixtures("database")
URL = "https://lawmeet.example"


@pytest.fixture
async def side(settings: Settings) -> Side:
    world = await active_world(settings)
    side = world.beijing
    # After the world's detention (two days ago), so only events recorded here owe notices.
    await Engagement.filter(id=side.engagement.id).update(
        notice_sent_at=datetime.now(UTC) - timedelta(hours=36)
    )
    return side


@pytest.fixture
async def context(settings: Settings) -> LegalContext:
    return await load_context(settings.legal)


async def arrest_at(side: Side, context: LegalContext, at: datetime) -> None:
    new = services.NewEvent(EventKind.ARREST, at, "", side.detainee.id)
    await case_notices.record_case_event(
        side.investigator, side.case, new, context=context, public_url=URL
    )


def rows(results: list[DutyResult], duty: str) -> list[DutyResult]:
    return [r for r in results if r.duty_id == duty]


async def test_a_notice_sent_within_the_target_is_met_on_time(
    side: Side, context: LegalContext
) -> None:
    await arrest_at(side, context, datetime.now(UTC) - timedelta(hours=2))
    await Notification.filter(duty_id="N2").update(
        status=Status.SENT, sent_at=datetime.now(UTC) - timedelta(hours=1)
    )
    [n2] = rows(await case_checklist(side.case, context), "N2")
    assert n2.status is DutyStatus.MET_ON_TIME
    assert n2.evidence is not None and n2.evidence.kind == "notice"


async def test_a_notice_never_sent_is_missed_after_its_target(
    side: Side, context: LegalContext
) -> None:
    await arrest_at(side, context, datetime.now(UTC) - timedelta(hours=30))
    [n2] = rows(await case_checklist(side.case, context), "N2")
    assert n2.status is DutyStatus.MISSED


async def test_a_missed_notice_opens_a_not_informed_complaint(
    side: Side, context: LegalContext
) -> None:
    await arrest_at(side, context, datetime.now(UTC) - timedelta(hours=30))
    [n2] = rows(await case_checklist(side.case, context), "N2")
    draft = complaint_draft(side.case, n2)
    assert draft is not None
    assert (draft.complaint_type, draft.duty) == (ComplaintType.NOT_INFORMED, "C1")


async def test_a_duty_met_on_time_offers_no_complaint(side: Side, context: LegalContext) -> None:
    await arrest_at(side, context, datetime.now(UTC) - timedelta(hours=2))
    await Notification.filter(duty_id="N2").update(status=Status.SENT, sent_at=datetime.now(UTC))
    [n2] = rows(await case_checklist(side.case, context), "N2")
    assert complaint_draft(side.case, n2) is None


async def test_the_family_notice_duty_appears_after_an_arrest(
    side: Side, context: LegalContext
) -> None:
    await arrest_at(side, context, datetime.now(UTC) - timedelta(hours=2))
    [n7] = rows(await case_checklist(side.case, context), "N7")
    assert n7.status in (DutyStatus.PENDING, DutyStatus.DUE_SOON)


async def test_a_lawyer_does_not_see_a_co_defendants_duties(
    side: Side, context: LegalContext
) -> None:
    other = await Detainee.create(
        name="Co-defendant", id_number="CODEF0000002", facility=side.facility,
        admitted_at=datetime.now(UTC) - timedelta(days=1),
    )  # fmt: skip
    await CaseDetainee.create(case=side.case, detainee=other)
    other_lawyer = await make_user(Role.LAWYER, "co-lawyer", licence_number="11012015110000078")
    await Engagement.create(
        lawyer=other_lawyer, case=side.case, detainee=other, kind=EngagementKind.RETAINED,
        status=EngagementStatus.ACTIVE, notice_sent_at=datetime.now(UTC) - timedelta(hours=36),
    )  # fmt: skip
    new = services.NewEvent(EventKind.ARREST, datetime.now(UTC) - timedelta(hours=2), "", other.id)
    await case_notices.record_case_event(
        side.investigator, side.case, new, context=context, public_url=URL
    )
    everyone = rows(await case_checklist(side.case, context), "N2")
    mine = rows(await case_checklist(side.case, context, viewer=side.lawyer), "N2")
    assert len(everyone) == 1
    assert mine == []


async def test_the_investigator_sees_every_duty_of_the_case(
    side: Side, context: LegalContext
) -> None:
    full = await case_checklist(side.case, context, viewer=side.investigator)
    assert {r.duty_id for r in full} >= {"M3", "N1", "N6"}
