"""The end of the investigation ends the need for permission to meet (M5; CPL 39(3), story 3),
and the assistant rule (M6) is the domain's, whatever entry point asks."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from app import clock
from app.cases import services
from app.cases.kinds import CaseCategory, CaseStage, EventKind
from app.cases.models import Case, Engagement
from app.errors import DomainError
from app.law.context import LegalContext
from app.law.policies import LegalPolicies
from app.law.restdays import RestDayCalendar
from rights_checklist import case_notices
from scheduling.kinds import RequestStatus
from scheduling.models import MeetingRequest
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
