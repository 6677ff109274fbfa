"""Permission cases (M5): the 3-day answer, refusals with written reasons, a grant starting
the 48-hour clock, the contact each decision names and the lifting of a refusal whose reason
has ended (CPL 39(3); MPS 52-53; R2015 Art 9)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from app.accounts.models import User
from app.accounts.policy import NotFound, NotPermitted
from app.accounts.roles import Role
from app.audit.models import AuditEntry
from app.cases.kinds import CaseCategory, CaseStage
from app.cases.models import Case
from app.commands import build
from app.errors import DomainError
from app.law.context import LegalContext
from app.law.periods import Period, PeriodKind, PeriodUnit, compute_deadline
from app.law.policies import LegalPolicies
from app.law.restdays import RestDayCalendar
from notifications.kinds import Channel
from notifications.models import Notification
from notifications.rendering import render
from scheduling.booking import book
from scheduling.kinds import RequestStatus
from scheduling.models import MeetingRequest
from scheduling.permissions import (
    LIFTED_KIND,
    NOTICE_KIND,
    DecidePermission,
    LiftRefusal,
    decide_permission,
    lift_refusal,
)
from scheduling.requests import NewRequest, open_request
from tests.integration.helpers import NOTICES, make_user
from tests.integration.meeting_world import Party, Place, local, make_party, make_place

pytestmark = pytest.mark.usefixtures("database")
CALENDAR = RestDayCalendar()
DEFAULT = LegalPolicies()
LEGAL = LegalContext(CALENDAR, DEFAULT)
FRIDAY_EVENING = datetime(2026, 11, 27, 13, 40, tzinfo=UTC)  # 21:40 in Beijing
CONTACT = {"contact_unit": "北京市国家安全局", "contact_person": "李警官",
           "contact_phone": "010-12345678"}  # fmt: skip


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


async def _decide(
    user: User, request: MeetingRequest, granted: bool | None, reasons: str = "", **contact: str
) -> None:
    command = build(DecidePermission, request_id=request.id, granted=granted, reasons=reasons,
                    **(contact or CONTACT))  # fmt: skip
    await decide_permission(user, command, LEGAL)


async def _lift(user: User, request: MeetingRequest, reason: str = "证据已固定") -> MeetingRequest:
    return await lift_refusal(user, build(LiftRefusal, request_id=request.id, reason=reason), LEGAL)


async def _refused(place: Place) -> tuple[Party, MeetingRequest, User]:
    party, request, investigator = await _permission_case(place)
    await _decide(investigator, request, granted=False, reasons="Impedes the investigation.")
    return party, request, investigator


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


async def test_an_investigator_of_another_agency_does_not_find_the_request(place: Place) -> None:
    _party, request, _investigator = await _permission_case(place)
    other_agency = await make_user(Role.INVESTIGATOR)
    with pytest.raises(NotFound):
        await _decide(other_agency, request, granted=True)
    assert (await MeetingRequest.get(id=request.id)).status == RequestStatus.AWAITING_PERMISSION


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


# R2015 art. 9: the decision names the contact unit and person ---------------------------------


async def test_a_decision_stores_the_contact_it_names(place: Place) -> None:
    _party, request, investigator = await _permission_case(place)
    await _decide(investigator, request, granted=True)
    stored = await MeetingRequest.get(id=request.id)
    named = {key: getattr(stored, f"permission_{key}") for key in CONTACT}
    assert named == CONTACT


@pytest.mark.parametrize("granted", [True, False])
async def test_a_decision_without_contact_unit_and_person_names_both_fields(
    place: Place, granted: bool
) -> None:
    _party, request, investigator = await _permission_case(place)
    with pytest.raises(DomainError) as caught:
        await _decide(investigator, request, granted=granted, reasons="Impedes.",
                      contact_unit="  ", contact_person="", contact_phone="")  # fmt: skip
    found = {(e.code, e.field) for e in caught.value.each()}
    assert found == {("permission_contact_unit_required", "contact_unit"),
                     ("permission_contact_person_required", "contact_person")}  # fmt: skip
    assert (await MeetingRequest.get(id=request.id)).status == RequestStatus.AWAITING_PERMISSION


async def test_a_decision_reports_every_missing_field_at_once(place: Place) -> None:
    _party, request, investigator = await _permission_case(place)
    with pytest.raises(DomainError) as caught:
        await _decide(investigator, request, granted=None, contact_unit="", contact_person="",
                      contact_phone="")  # fmt: skip
    assert [e.field for e in caught.value.each()] == ["granted", "contact_unit", "contact_person"]


async def test_the_phone_is_optional(place: Place) -> None:
    _party, request, investigator = await _permission_case(place)
    await _decide(investigator, request, granted=True, contact_unit="国安局", contact_person="李")
    stored = await MeetingRequest.get(id=request.id)
    assert stored.status == RequestStatus.REQUESTED and stored.permission_contact_phone == ""


async def test_the_audit_of_the_decision_names_the_contact(place: Place) -> None:
    _party, request, investigator = await _permission_case(place)
    await _decide(investigator, request, granted=False, reasons="Impedes.")
    entry = await AuditEntry.get(action="meeting_request.permission_decided")
    assert {key: entry.summary[key] for key in CONTACT} == CONTACT


async def test_the_written_answer_names_the_contact_to_lawyer_and_centre(place: Place) -> None:
    party, request, investigator = await _permission_case(place)
    await _decide(investigator, request, granted=False, reasons="Impedes.")
    told = (party.lawyer.id, place.staff.id)
    notices = await Notification.filter(template=NOTICE_KIND, recipient_id__in=told)
    assert {n.recipient_id for n in notices} == {party.lawyer.id, place.staff.id}
    for notice in notices:
        text = render(notice.template, notice.language, notice.payload).text
        assert "北京市国家安全局" in text and "李警官" in text and "010-12345678" in text


# R2015 art. 9: a refusal is lifted when its reason ends ----------------------------------------


async def test_lifting_a_refusal_permits_the_request_and_starts_its_48_hours(
    place: Place,
) -> None:
    _party, request, investigator = await _refused(place)
    await _lift(investigator, request)
    stored = await MeetingRequest.get(id=request.id)
    assert stored.status == RequestStatus.REQUESTED
    assert stored.permission_lifted_at is not None
    assert stored.clock_started_at == stored.permission_lifted_at
    expected = compute_deadline(
        stored.permission_lifted_at, Period(48, PeriodUnit.HOURS), PeriodKind.PROCEDURAL,
        tz="Asia/Shanghai", calendar=CALENDAR, policies=DEFAULT,
    )  # fmt: skip
    assert stored.deadline_at == expected.expires_at_utc
    assert stored.deadline is not None and stored.deadline["period"] == "48h"
    assert stored.permission_granted is False  # the written refusal stays on record


async def test_a_lifted_refusal_can_be_booked(place: Place) -> None:
    party, request, investigator = await _refused(place)
    lifted = await _lift(investigator, request)
    meeting = await book(
        party.lawyer, lifted, place.rooms[0], local(9), timedelta(hours=1), notices=NOTICES
    )
    assert meeting.request_id == request.id


async def test_the_lawyer_is_told_of_the_lifting_in_her_language(place: Place) -> None:
    party, request, investigator = await _refused(place)
    await User.filter(id=party.lawyer.id).update(locale="en")
    await _lift(investigator, request, reason="The evidence is secured.")
    notices = await Notification.filter(recipient_id=party.lawyer.id, template=LIFTED_KIND)
    assert {n.channel for n in notices} == {Channel.INAPP, Channel.EMAIL}
    assert {n.language for n in notices} == {"en"} and all(n.duty_id == "M5" for n in notices)
    text = render(LIFTED_KIND, "en", notices[0].payload).text
    assert "The evidence is secured." in text and "李警官" in text
    assert "the reason for refusing has ended" in text


async def test_the_detention_centre_is_told_of_the_lifting_in_app(place: Place) -> None:
    _party, request, investigator = await _refused(place)
    await _lift(investigator, request)
    notices = await Notification.filter(recipient_id=place.staff.id, template=LIFTED_KIND)
    assert [n.channel for n in notices] == [Channel.INAPP]
    assert notices[0].payload["deadline"] and notices[0].payload["lift_reason"] == "证据已固定"


async def test_the_lifting_is_audited_with_its_statement(place: Place) -> None:
    _party, request, investigator = await _refused(place)
    await _lift(investigator, request, reason="证据已固定")
    entry = await AuditEntry.get(action="meeting_request.permission_refusal_lifted")
    assert entry.object_id == str(request.id) and entry.actor_id == investigator.id
    assert entry.summary["reason"] == "证据已固定"
    assert entry.summary["contact_unit"] == "北京市国家安全局"


async def test_a_request_not_refused_cannot_be_lifted(place: Place) -> None:
    _party, request, investigator = await _permission_case(place)
    with pytest.raises(DomainError) as caught:
        await _lift(investigator, request)
    assert (caught.value.code, caught.value.status) == ("permission_not_refused", 409)
    assert caught.value.extensions["current_status"] == "awaiting_permission"


async def test_a_refusal_is_lifted_only_once(place: Place) -> None:
    _party, request, investigator = await _refused(place)
    await _lift(investigator, request)
    with pytest.raises(DomainError) as caught:
        await _lift(investigator, request)
    assert (caught.value.code, caught.value.status) == ("permission_not_refused", 409)


async def test_lifting_needs_a_statement_of_why(place: Place) -> None:
    _party, request, investigator = await _refused(place)
    with pytest.raises(DomainError) as caught:
        await _lift(investigator, request, reason="   ")
    assert (caught.value.code, caught.value.field) == ("lift_reason_required", "reason")
    assert (await MeetingRequest.get(id=request.id)).status == RequestStatus.PERMISSION_REFUSED


async def test_an_investigator_of_another_agency_cannot_lift(place: Place) -> None:
    _party, request, _investigator = await _refused(place)
    with pytest.raises(NotFound):
        await _lift(await make_user(Role.INVESTIGATOR), request)
    assert (await MeetingRequest.get(id=request.id)).status == RequestStatus.PERMISSION_REFUSED


async def test_the_lawyer_cannot_lift_her_own_refusal(place: Place) -> None:
    party, request, _investigator = await _refused(place)
    with pytest.raises(NotPermitted):
        await _lift(party.lawyer, request)
