"""The end of the investigation ends the need for permission to meet (M5; CPL 39(3), story 3),
and the assistant rule (M6) is the domain's, whatever entry point asks."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from app import clock
from app.audit.models import AuditEntry
from app.cases import services
from app.cases.kinds import CaseCategory, CaseStage, EventKind
from app.cases.models import Case, Engagement
from app.commands import build
from app.errors import DomainError
from app.law.context import LegalContext
from app.law.policies import LegalPolicies
from app.law.restdays import RestDayCalendar
from notifications.kinds import Channel
from notifications.models import Notification
from rights_checklist import case_notices
from scheduling.kinds import RequestStatus
from scheduling.models import MeetingRequest
from scheduling.permissions import LIFTED_KIND, DecidePermission, decide_permission
from scheduling.requests import NewRequest, open_request
from tests.integration.case_world import CaseWorld, engage, make_case_world

pytestmark = pytest.mark.usefixtures("database")
CONTEXT = LegalContext(RestDayCalendar(), LegalPolicies())


@pytest.fixture
async def world() -> CaseWorld:
    world = await make_case_world()
    await Case.filter(id=world.case.id).update(category=CaseCategory.STATE_SECURITY)
    world.case = await Case.get(id=world.case.id)
    return world


async def _record(world: CaseWorld, kind: EventKind) -> None:
    ended = services.NewEvent(kind, clock.now() - timedelta(minutes=30))
    await case_notices.record_case_event(world.investigator, world.case, ended, context=CONTEXT,
                                         public_url="https://lawmeet.example")  # fmt: skip


async def _ask(
    world: CaseWorld, engagement: Engagement, new: NewRequest | None = None
) -> MeetingRequest:
    return await open_request(world.lawyer, engagement, new or NewRequest(),
                              policies=CONTEXT.policies, calendar=CONTEXT.calendar)  # fmt: skip


async def test_recording_the_end_of_the_investigation_moves_the_stage(world: CaseWorld) -> None:
    await _record(world, EventKind.INVESTIGATION_ENDED)
    assert (await Case.get(id=world.case.id)).stage == CaseStage.INVESTIGATION_ENDED


async def test_a_request_after_the_investigation_ended_needs_no_permission(
    world: CaseWorld, tmp_path: Path
) -> None:
    engagement = await engage(world, tmp_path)
    before = await _ask(world, engagement)
    assert before.status == RequestStatus.AWAITING_PERMISSION
    await _record(world, EventKind.INVESTIGATION_ENDED)
    after = await _ask(world, engagement)
    assert after.status == RequestStatus.REQUESTED
    assert after.deadline_at is not None


async def test_a_request_waiting_for_permission_is_released_with_its_48_hours(
    world: CaseWorld, tmp_path: Path
) -> None:
    engagement = await engage(world, tmp_path)
    waiting = await _ask(world, engagement)
    await _record(world, EventKind.INVESTIGATION_ENDED)
    await waiting.refresh_from_db()
    assert waiting.status == RequestStatus.REQUESTED
    assert waiting.clock_started_at is not None
    assert waiting.deadline_at is not None


async def _refused(world: CaseWorld, engagement: Engagement) -> MeetingRequest:
    request = await _ask(world, engagement)
    refusal = build(DecidePermission, request_id=request.id, granted=False, reasons="有碍侦查",
                    contact_unit="北京市国家安全局", contact_person="李警官")  # fmt: skip
    await decide_permission(world.investigator, refusal, CONTEXT)
    return request


async def test_a_refused_request_is_permitted_when_the_investigation_ends(
    world: CaseWorld, tmp_path: Path
) -> None:
    refused = await _refused(world, await engage(world, tmp_path))
    await _record(world, EventKind.INVESTIGATION_ENDED)
    await refused.refresh_from_db()
    assert refused.status == RequestStatus.REQUESTED
    assert refused.permission_lifted_at is not None
    assert refused.clock_started_at == refused.permission_lifted_at
    assert refused.deadline_at is not None


async def test_the_lawyer_and_the_centre_are_told_a_refusal_ended_with_the_investigation(
    world: CaseWorld, tmp_path: Path
) -> None:
    refused = await _refused(world, await engage(world, tmp_path))
    await _record(world, EventKind.INVESTIGATION_ENDED)
    notices = await Notification.filter(template=LIFTED_KIND)
    told = {(n.recipient_id, n.channel) for n in notices}
    assert (world.lawyer.id, Channel.EMAIL) in told and (world.lawyer.id, Channel.INAPP) in told
    assert (world.staff.id, Channel.INAPP) in told
    assert all(n.payload["investigation_ended"] is True for n in notices)
    assert all(n.payload["request_id"] == refused.id for n in notices)


async def test_the_release_of_a_refused_request_is_audited(
    world: CaseWorld, tmp_path: Path
) -> None:
    refused = await _refused(world, await engage(world, tmp_path))
    await _record(world, EventKind.INVESTIGATION_ENDED)
    entry = await AuditEntry.get(action="meeting_request.permission_lifted")
    assert entry.object_id == str(refused.id)
    assert entry.summary["status"] == "permission_refused"


async def test_a_waiting_request_released_by_the_end_is_not_marked_lifted(
    world: CaseWorld, tmp_path: Path
) -> None:
    waiting = await _ask(world, await engage(world, tmp_path))
    await _record(world, EventKind.INVESTIGATION_ENDED)
    await waiting.refresh_from_db()
    assert waiting.status == RequestStatus.REQUESTED and waiting.permission_lifted_at is None


async def test_the_transfer_for_prosecution_also_ends_the_need_for_permission(
    world: CaseWorld, tmp_path: Path
) -> None:
    engagement = await engage(world, tmp_path)
    await _record(world, EventKind.TRANSFER_FOR_PROSECUTION)
    request = await _ask(world, engagement)
    assert request.status == RequestStatus.REQUESTED


async def test_a_late_end_of_investigation_does_not_move_a_transferred_case_back(
    world: CaseWorld,
) -> None:
    await _record(world, EventKind.TRANSFER_FOR_PROSECUTION)
    await _record(world, EventKind.INVESTIGATION_ENDED)
    assert (await Case.get(id=world.case.id)).stage == CaseStage.PROSECUTION_REVIEW


@pytest.mark.parametrize(("name", "number", "field"), [
    ("李助理", "", "assistant_id_number"),
    ("", "110101199001011234", "assistant_name"),
])  # fmt: skip
async def test_an_assistant_needs_both_name_and_id_number(
    world: CaseWorld, tmp_path: Path, name: str, number: str, field: str
) -> None:
    engagement = await engage(world, tmp_path)
    with pytest.raises(DomainError) as caught:
        await _ask(world, engagement, NewRequest(assistant_name=name, assistant_id_number=number))
    assert (caught.value.code, caught.value.field) == ("assistant_incomplete", field)
