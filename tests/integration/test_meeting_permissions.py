"""Permission cases (M5): the 3-day answer, refusals with written reasons, and a grant starting
the 48-hour clock (CPL 39(3); MPS 52-53; R2015 Art 9)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from app.accounts.models import User
from app.accounts.roles import Role
from app.audit.models import AuditEntry
from app.cases.kinds import CaseCategory, CaseStage
from app.cases.models import Case
from app.errors import DomainError
from app.law.periods import Period, PeriodKind, PeriodUnit, compute_deadline
from app.law.policies import LegalPolicies
from app.law.restdays import RestDayCalendar
from notifications.kinds import Channel
from notifications.models import Notification
from scheduling.booking import book
from scheduling.kinds import RequestStatus
from scheduling.models import MeetingRequest
from scheduling.permissions import decide_permission
from scheduling.requests import NewRequest, open_request
from tests.integration.helpers import NOTICES, make_user
from tests.integration.meeting_world import Party, Place, local, make_party, make_place

pytestmark = pytest.mark.usefixtures("database")
CALENDAR = RestDayCalendar()
DEFAULT = LegalPolicies()
FRIDAY_EVENING = datetime(2026, 11, 27, 13, 40, tzinfo=UTC)  # 21:40 in Beijing


@pytest.fixture
async def place() -> Place:
    return await make_place()


async def _permission_case(place: Place) -> tuple[Party, MeetingRequest, User]:
    """A state-security case under investigation, its lawyer's request and an investigator."""
    party = await make_party(place)
    await Case.filter(id=party.engagement.case_id).update(category=CaseCategory.STATE_SECURITY)
    request = await open_request(
        party.lawyer, party.engagement, NewRequest(requested_at=FRIDAY_EVENING),
        policies=DEFAULT, calendar=CALENDAR,
    )  # fmt: skip
    investigator = await make_user(Role.INVESTIGATOR, agency=place.agency, region_code="110108")
    return party, request, investigator


async def _decide(user: User, request: MeetingRequest, granted: bool, reasons: str = "") -> None:
    await decide_permission(
        user, request, granted=granted, reasons=reasons, policies=DEFAULT, calendar=CALENDAR
    )


async def test_a_permission_case_waits_for_the_answer_without_a_clock(place: Place) -> None:
    _party, request, _investigator = await _permission_case(place)
    assert request.status == RequestStatus.AWAITING_PERMISSION
    assert request.clock_started_at is None and request.deadline_at is None


async def test_the_answer_is_due_three_calendar_days_after_the_application(place: Place) -> None:
    _party, request, _investigator = await _permission_case(place)
    # Friday 27 Nov: 28, 29 and 30 Nov count; the period ends at 24:00 on 30 Nov in Beijing.
    assert request.permission_due_at == datetime(2026, 11, 30, 16, 0, tzinfo=UTC)
    stored = request.permission_deadline
    assert stored is not None
    assert (stored["period"], stored["kind"]) == ("3d", "decision")
    assert stored["basis"] == "CPL 39(3); MPS 52-53; R2015 art. 9"  # as the catalogue states M5
    assert stored["policies"] == {"decision_days_kind": "calendar"}


async def test_working_days_policy_p4_moves_the_answer_past_the_weekend(place: Place) -> None:
    party = await make_party(place)
    await Case.filter(id=party.engagement.case_id).update(category=CaseCategory.TERRORISM)
    working = LegalPolicies(decision_days_kind="working")
    request = await open_request(
        party.lawyer, party.engagement, NewRequest(requested_at=FRIDAY_EVENING),
        policies=working, calendar=CALENDAR,
    )  # fmt: skip
    # Three working days after Friday: Monday 30 Nov, Tuesday 1 and Wednesday 2 Dec.
    assert request.permission_due_at == datetime(2026, 12, 2, 16, 0, tzinfo=UTC)


async def test_a_refusal_without_written_reasons_is_rejected(place: Place) -> None:
    _party, request, investigator = await _permission_case(place)
    with pytest.raises(DomainError) as caught:
        await _decide(investigator, request, granted=False, reasons="   ")
    assert (caught.value.code, caught.value.field) == ("permission_reasons_required", "reasons")
    stored = await MeetingRequest.get(id=request.id)
    assert stored.status == RequestStatus.AWAITING_PERMISSION


async def test_a_refusal_records_the_reasons_and_ends_the_request(place: Place) -> None:
    _party, request, investigator = await _permission_case(place)
    await _decide(investigator, request, granted=False, reasons="Would leak state secrets.")
    stored = await MeetingRequest.get(id=request.id)
    assert stored.status == RequestStatus.PERMISSION_REFUSED
    assert stored.permission_granted is False
    assert stored.permission_reasons == "Would leak state secrets."
    assert stored.permission_decided_by_id == investigator.id
    assert stored.permission_decided_at is not None
    assert stored.deadline_at is None


async def test_a_grant_starts_the_48_hours_at_the_decision(place: Place) -> None:
    _party, request, investigator = await _permission_case(place)
    await _decide(investigator, request, granted=True)
    stored = await MeetingRequest.get(id=request.id)
    assert stored.status == RequestStatus.REQUESTED and stored.permission_granted is True
    assert stored.permission_decided_at is not None
    assert stored.clock_started_at == stored.permission_decided_at
    expected = compute_deadline(
        stored.permission_decided_at, Period(48, PeriodUnit.HOURS), PeriodKind.PROCEDURAL,
        tz="Asia/Shanghai", calendar=CALENDAR, policies=DEFAULT,
    )  # fmt: skip
    assert stored.deadline_at == expected.expires_at_utc
    assert stored.deadline is not None and stored.deadline["period"] == "48h"


async def test_a_granted_request_can_be_booked(place: Place) -> None:
    party, request, investigator = await _permission_case(place)
    await _decide(investigator, request, granted=True)
    granted = await MeetingRequest.get(id=request.id)
    meeting = await book(
        party.lawyer, granted, place.rooms[0], local(9), timedelta(hours=1), notices=NOTICES
    )
    assert meeting.request_id == request.id


async def test_the_lawyer_is_told_of_the_decision_in_app_and_by_email(place: Place) -> None:
    party, request, investigator = await _permission_case(place)
    await _decide(investigator, request, granted=False, reasons="Impedes the investigation.")
    notices = await Notification.filter(
        recipient_id=party.lawyer.id, template="meeting_permission_decided"
    )
    assert {n.channel for n in notices} == {Channel.INAPP, Channel.EMAIL}
    assert all(n.payload["granted"] is False for n in notices)
    assert all(n.payload["reasons"] == "Impedes the investigation." for n in notices)
    assert all(n.duty_id == "M5" for n in notices)


async def test_the_detention_centre_staff_are_told_in_app(place: Place) -> None:
    _party, request, investigator = await _permission_case(place)
    await _decide(investigator, request, granted=True)
    notices = await Notification.filter(
        recipient_id=place.staff.id, template="meeting_permission_decided"
    )
    assert [n.channel for n in notices] == [Channel.INAPP]
    assert notices[0].payload["granted"] is True and notices[0].payload["deadline"]


async def test_the_decision_is_audited(place: Place) -> None:
    _party, request, investigator = await _permission_case(place)
    await _decide(investigator, request, granted=True)
    entry = await AuditEntry.get(action="meeting_request.permission_decided")
    assert entry.object_id == str(request.id) and entry.actor_id == investigator.id
    assert entry.summary["granted"] is True


async def test_a_decided_request_cannot_be_decided_again(place: Place) -> None:
    _party, request, investigator = await _permission_case(place)
    await _decide(investigator, request, granted=True)
    with pytest.raises(DomainError) as caught:
        await _decide(investigator, request, granted=False, reasons="Changed my mind.")
    assert (caught.value.code, caught.value.status) == ("permission_not_awaited", 409)


async def test_only_an_investigator_of_the_cases_agency_decides(place: Place) -> None:
    _party, request, _investigator = await _permission_case(place)
    other_agency = await make_user(Role.INVESTIGATOR)
    with pytest.raises(DomainError) as caught:
        await _decide(other_agency, request, granted=True)
    assert (caught.value.code, caught.value.status) == ("not_investigator", 403)


async def test_after_a_refusal_the_lawyer_may_apply_again(place: Place) -> None:
    party, request, investigator = await _permission_case(place)
    await _decide(investigator, request, granted=False, reasons="Impedes the investigation.")
    again = await open_request(
        party.lawyer, party.engagement, NewRequest(), policies=DEFAULT, calendar=CALENDAR
    )
    assert again.id != request.id and again.status == RequestStatus.AWAITING_PERMISSION


async def test_after_investigation_no_permission_is_needed(place: Place) -> None:
    party, _request, _investigator = await _permission_case(place)
    await Case.filter(id=party.engagement.case_id).update(stage=CaseStage.PROSECUTION_REVIEW)
    request = await open_request(
        party.lawyer, party.engagement, NewRequest(), policies=DEFAULT, calendar=CALENDAR
    )
    assert request.status == RequestStatus.REQUESTED
    assert request.permission_due_at is None and request.deadline_at is not None
