"""A lawyer asks the moment she holds her documents; the desk's check, at the desk or at the
gate, confirms them or refuses the request on a lawful ground (issue 15, stories 1 and 2)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from app import clock
from app.accounts.roles import Role
from app.audit.models import AuditEntry
from app.cases.kinds import DocumentKind, EngagementKind, EngagementStatus
from app.cases.models import Engagement, EngagementDocument
from app.errors import DomainError
from app.law.policies import LegalPolicies
from app.law.restdays import RestDayCalendar
from notifications.models import Notification
from scheduling import document_checks
from scheduling.kinds import RequestStatus
from scheduling.models import MeetingRequest
from scheduling.requests import NewRequest, open_request
from tests.integration.case_world import CaseWorld, engage, make_case_world
from tests.integration.helpers import NOTICES, make_organisation, make_user

pytestmark = pytest.mark.usefixtures("database")
CALENDAR = RestDayCalendar()
ON_REQUEST = LegalPolicies()
AFTER_CHECK = LegalPolicies(meeting_clock_start="after_document_check")
THREE = {DocumentKind.PRACTICE_LICENCE, DocumentKind.FIRM_LETTER, DocumentKind.POWER_OF_ATTORNEY}


@pytest.fixture
async def world() -> CaseWorld:
    return await make_case_world()


async def _ask(world: CaseWorld, engagement: Engagement, policies: LegalPolicies) -> MeetingRequest:
    return await open_request(world.lawyer, engagement, NewRequest(), policies=policies,
                              calendar=CALENDAR)  # fmt: skip


async def _review(world: CaseWorld, document: EngagementDocument, accept: bool, note: str = "",
                  policies: LegalPolicies = ON_REQUEST) -> Engagement:  # fmt: skip
    return await document_checks.review_document(
        world.staff, document, accept, note, policies=policies, calendar=CALENDAR,
        notices=NOTICES,
    )  # fmt: skip


async def test_a_lawyer_holding_the_three_documents_may_ask_before_the_desk_checks(
    world: CaseWorld, tmp_path: Path
) -> None:
    engagement = await engage(world, tmp_path, accepted=False)
    assert engagement.status == EngagementStatus.PENDING
    request = await _ask(world, engagement, ON_REQUEST)
    assert request.status == RequestStatus.REQUESTED
    assert request.clock_started_at == request.requested_at  # P1 on_request: from the asking
    assert request.deadline_at is not None


async def test_a_missing_document_stops_the_request_and_names_the_document(
    world: CaseWorld, tmp_path: Path
) -> None:
    engagement = await engage(world, tmp_path, uploaded=False)
    with pytest.raises(DomainError) as caught:
        await _ask(world, engagement, ON_REQUEST)
    assert caught.value.code == "documents_not_presented" and caught.value.status == 409
    assert caught.value.extensions["missing_documents"] == [k.value for k in (
        DocumentKind.PRACTICE_LICENCE, DocumentKind.FIRM_LETTER, DocumentKind.POWER_OF_ATTORNEY
    )]  # fmt: skip
    assert not await MeetingRequest.filter(engagement_id=engagement.id).exists()


async def test_a_rejected_document_counts_as_not_presented(
    world: CaseWorld, tmp_path: Path
) -> None:
    engagement = await engage(world, tmp_path, accepted=False)
    letter = await EngagementDocument.get(engagement_id=engagement.id, kind="firm_letter")
    await _review(world, letter, accept=False, note="未盖章")
    with pytest.raises(DomainError) as caught:
        await _ask(world, engagement, ON_REQUEST)
    assert caught.value.extensions["missing_documents"] == ["firm_letter"]


async def test_a_terminated_engagement_cannot_ask(world: CaseWorld, tmp_path: Path) -> None:
    engagement = await engage(world, tmp_path)
    engagement.status = EngagementStatus.TERMINATED
    with pytest.raises(DomainError) as caught:
        await _ask(world, engagement, ON_REQUEST)
    assert caught.value.code == "engagement_terminated"


async def test_after_document_check_the_request_waits_and_the_check_starts_its_clock(
    world: CaseWorld, tmp_path: Path
) -> None:
    engagement = await engage(world, tmp_path, accepted=False)
    request = await _ask(world, engagement, AFTER_CHECK)
    assert request.status == RequestStatus.REQUESTED and request.clock_started_at is None
    for document in await EngagementDocument.filter(engagement_id=engagement.id):
        engagement = await _review(world, document, accept=True, policies=AFTER_CHECK)
    assert engagement.status == EngagementStatus.ACTIVE
    await request.refresh_from_db()
    assert request.clock_started_at is not None and request.deadline_at is not None
    assert request.deadline is not None
    assert request.deadline["policies"]["meeting_clock_start"] == "after_document_check"


async def test_on_request_the_check_leaves_the_running_clock_alone(
    world: CaseWorld, tmp_path: Path
) -> None:
    engagement = await engage(world, tmp_path, accepted=False)
    request = await _ask(world, engagement, ON_REQUEST)
    started, due = request.clock_started_at, request.deadline_at
    for document in await EngagementDocument.filter(engagement_id=engagement.id):
        await _review(world, document, accept=True)
    await request.refresh_from_db()
    assert (request.clock_started_at, request.deadline_at) == (started, due)


async def test_a_rejected_document_refuses_the_open_request_and_tells_the_lawyer_why(
    world: CaseWorld, tmp_path: Path
) -> None:
    engagement = await engage(world, tmp_path, accepted=False)
    request = await _ask(world, engagement, ON_REQUEST)
    letter = await EngagementDocument.get(engagement_id=engagement.id, kind="firm_letter")
    await _review(world, letter, accept=False, note="律师事务所证明未盖章")
    await request.refresh_from_db()
    assert request.status == RequestStatus.REFUSED
    assert request.refusal_reason == "lawyer_documents_incomplete: 律师事务所证明未盖章"
    told = await Notification.filter(template="meeting_request_refused",
                                     recipient_id=world.lawyer.id)  # fmt: skip
    assert told, "the lawyer is told of the refusal"
    assert {n.payload["document"] for n in told} == {"firm_letter"}
    assert {n.payload["details"] for n in told} == {"律师事务所证明未盖章"}


async def test_a_walk_in_is_checked_at_the_gate_and_opens_with_its_clock_running(
    world: CaseWorld, tmp_path: Path
) -> None:
    engagement = await engage(world, tmp_path, uploaded=False)  # nothing uploaded, on paper
    request = await document_checks.open_walk_in(
        world.staff, engagement, THREE, NewRequest(), policies=AFTER_CHECK, calendar=CALENDAR
    )
    assert request.walk_in and request.clock_started_at is not None
    assert abs(request.clock_started_at - clock.now()) < timedelta(minutes=1)
    assert (await Engagement.get(id=engagement.id)).status == EngagementStatus.ACTIVE
    entry = await AuditEntry.get(action="engagement.activated", object_id=str(engagement.id))
    assert sorted(entry.summary["at_gate"]) == sorted(k.value for k in THREE)


async def test_a_walk_in_without_every_document_stores_nothing(
    world: CaseWorld, tmp_path: Path
) -> None:
    engagement = await engage(world, tmp_path, uploaded=False)
    with pytest.raises(DomainError) as caught:
        await document_checks.open_walk_in(
            world.staff, engagement, {DocumentKind.PRACTICE_LICENCE}, NewRequest(),
            policies=ON_REQUEST, calendar=CALENDAR,
        )  # fmt: skip
    assert caught.value.code == "documents_required"
    assert (await Engagement.get(id=engagement.id)).status == EngagementStatus.PENDING
    assert not await MeetingRequest.filter(engagement_id=engagement.id).exists()


async def test_staff_of_another_centre_cannot_check_at_the_gate(
    world: CaseWorld, tmp_path: Path
) -> None:
    engagement = await engage(world, tmp_path, uploaded=False)
    elsewhere = await make_user(Role.DETENTION_STAFF, facility=await make_organisation("facility"))
    with pytest.raises(DomainError) as caught:
        await document_checks.check_at_gate(elsewhere, engagement, THREE, policies=ON_REQUEST,
                                            calendar=CALENDAR)  # fmt: skip
    assert caught.value.status == 404


async def test_the_desk_registers_an_engagement_not_on_record(world: CaseWorld) -> None:
    from app.cases.engagements import register_at_gate

    engagement = await register_at_gate(
        world.staff, world.lawyer.id, world.detainee.id, world.case.id, EngagementKind.RETAINED
    )
    assert engagement.status == EngagementStatus.PENDING
    assert (engagement.lawyer_id, engagement.detainee_id) == (world.lawyer.id, world.detainee.id)
    again = await register_at_gate(
        world.staff, world.lawyer.id, world.detainee.id, world.case.id, EngagementKind.RETAINED
    )
    assert again.id == engagement.id  # one engagement, not two


async def test_only_a_lawyer_can_be_registered_at_the_gate(world: CaseWorld) -> None:
    from app.cases.engagements import register_at_gate

    with pytest.raises(DomainError) as caught:
        await register_at_gate(world.staff, world.investigator.id, world.detainee.id,
                               world.case.id, EngagementKind.RETAINED)  # fmt: skip
    assert caught.value.code == "lawyer_required"
